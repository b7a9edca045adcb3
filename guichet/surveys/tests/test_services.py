"""Questionnaire answers (idempotent replays, late answers, one per person), results aggregated
by the database, and satisfaction after a case is closed."""

import uuid
from urllib.parse import urlsplit

import pytest
from django.utils import timezone

from guichet.cases.services import case_close
from guichet.surveys import questions as q
from guichet.surveys.models import Answer, Channel, Response, SatisfactionRequest, Survey
from guichet.surveys.selectors import Filters, satisfaction_figures, survey_results
from guichet.surveys.services import (
    SurveyError,
    kiosk_create,
    response_submit,
    satisfaction_from_signed,
    satisfaction_record,
    survey_close,
    survey_create,
    survey_open,
    survey_question_add,
)


@pytest.fixture
def survey(unit, agent):
    survey = survey_create(unit=unit, title="Accueil de la médiathèque", acting_user=agent)
    for question in [
        {"type": "rating", "label": "Votre note", "scale": 5, "required": True},
        {"type": "multichoice", "label": "Ce que vous empruntez",
         "choices": ["Livres", "Films", "Jeux"], "min_choices": 1, "max_choices": 2},
        {"type": "nps", "label": "Recommanderiez-vous ?"},
        {"type": "matrix", "label": "Qualité", "rows": ["Accueil", "Horaires"],
         "choices": ["Bien", "Moyen", "Mal"]},
        {"type": "ranking", "label": "Priorités", "choices": ["Horaires", "Choix", "Calme"]},
        {"type": "textarea", "label": "Une idée ?"},
    ]:
        survey_question_add(survey=survey, page=0, question=question, acting_user=agent)
    survey_question_add(survey=survey, page=0, acting_user=agent, question={
        "type": "text", "label": "Pourquoi une note si basse ?",
        "condition": {"field": "votre_note", "op": "lt", "value": "3"}})
    survey.refresh_from_db()
    return survey_open(survey=survey, acting_user=agent)


def answers(note=4, **more):
    return {"votre_note": note, "ce_que_vous_empruntez": ["Livres", "Jeux"],
            "recommanderiez_vous": 9, "qualite": {"Accueil": "Bien", "Horaires": "Mal"},
            "priorites": ["Calme", "Horaires", "Choix"], "une_idee": "Ouvrir le dimanche",
            **more}


def test_keys_come_from_labels_and_conditions_reuse_the_procedure_engine(survey):
    keys = [f["key"] for f in q.all_questions(survey.definition)]
    assert keys[:2] == ["votre_note", "ce_que_vous_empruntez"]
    # The condition hides the follow-up question for a good score: its answer is dropped.
    response, _ = response_submit(survey=survey, channel=Channel.LINK,
                                  answers=answers(5, pourquoi_une_note_si_basse="x"))
    assert "pourquoi_une_note_si_basse" not in response.answers


def test_a_kiosk_answer_replayed_twice_counts_once(survey, agent):
    kiosk = kiosk_create(survey=survey, place="Médiathèque — hall", acting_user=agent)
    key = uuid.uuid4()
    first, created = response_submit(survey=survey, channel=Channel.KIOSK, kiosk=kiosk,
                                     client_uuid=str(key), answers=answers())
    again, created_again = response_submit(survey=survey, channel=Channel.KIOSK, kiosk=kiosk,
                                           client_uuid=str(key), answers=answers())
    assert created and not created_again and first.pk == again.pk
    assert Response.objects.count() == 1
    assert first.place == "Médiathèque — hall" and first.contact_email == ""


def test_an_answer_after_closing_is_kept_flagged_late_and_left_out_of_results(survey, agent):
    response_submit(survey=survey, channel=Channel.LINK, answers=answers(5))
    survey_close(survey=survey, acting_user=agent)
    survey.refresh_from_db()
    late, created = response_submit(survey=survey, channel=Channel.LINK, answers=answers(1))
    assert created and late.late
    note = survey_results(survey)[0]
    assert note.respondents == 1 and note.average == 5
    with_late = survey_results(survey, Filters(include_late=True))[0]
    assert with_late.respondents == 2 and with_late.average == 3


def test_one_answer_per_signed_in_person(survey, resident):
    response_submit(survey=survey, channel=Channel.LINK, user=resident, answers=answers())
    with pytest.raises(SurveyError, match="déjà répondu"):
        response_submit(survey=survey, channel=Channel.LINK, user=resident, answers=answers())


def test_results_count_percent_and_average_per_question(survey, agent):
    kiosk = kiosk_create(survey=survey, place="Piscine", acting_user=agent)
    response_submit(survey=survey, channel=Channel.LINK, answers=answers(4))
    response_submit(survey=survey, channel=Channel.LINK, answers=answers(
        2, ce_que_vous_empruntez=["Films"], recommanderiez_vous=3,
        priorites=["Horaires", "Choix", "Calme"]))
    response_submit(survey=survey, channel=Channel.KIOSK, kiosk=kiosk, answers=answers(5))
    results = {r.question["key"]: r for r in survey_results(survey)}
    note = results["votre_note"]
    assert note.respondents == 3 and note.average == pytest.approx(3.67)
    assert [(b.label, b.count) for b in note.bars] == [("1", 0), ("2", 1), ("3", 0), ("4", 1),
                                                       ("5", 1)]
    borrowed = {b.label: (b.count, b.percent) for b in results["ce_que_vous_empruntez"].bars}
    assert results["ce_que_vous_empruntez"].respondents == 3
    assert borrowed == {"Livres": (2, 66.7), "Films": (1, 33.3), "Jeux": (2, 66.7)}
    assert results["recommanderiez_vous"].nps == pytest.approx(33.3)  # 2 promoters, 1 detractor
    matrix = dict(results["qualite"].rows)
    assert [(b.label, b.count) for b in matrix["Horaires"]] == [("Bien", 0), ("Moyen", 0),
                                                                ("Mal", 3)]
    ranking = results["priorites"].bars
    assert ranking[0].label == "Calme" or ranking[0].label == "Horaires"
    assert results["une_idee"].open_count == 3
    kiosk_only = survey_results(survey, Filters(place="Piscine"))[0]
    assert kiosk_only.respondents == 1 and kiosk_only.average == 5


def test_the_form_checks_the_number_of_choices_in_french(survey):
    page = q.pages(survey.definition)[0]
    form = q.SurveyPageForm({"votre_note": "4", "ce_que_vous_empruntez": ["Livres", "Films",
                                                                          "Jeux"]},
                            page=page, answers={})
    assert not form.is_valid()
    assert form.errors["ce_que_vous_empruntez"] == ["Cochez au plus 2 réponses."]
    assert form.data["ce_que_vous_empruntez"]  # what was typed is kept for the page


def test_the_builder_refuses_a_choice_question_without_choices(survey, agent):
    with pytest.raises(SurveyError) as error:
        survey_question_add(survey=survey, page=0, acting_user=agent,
                            question={"type": "choice", "label": "Votre quartier"})
    assert error.value.field == "choices"


def test_closing_a_case_asks_for_satisfaction_in_the_closing_email(case, agent, deliver,
                                                                    client):
    case_close(case=case, acting_user=agent, message="C'est réparé.")
    request = SatisfactionRequest.objects.get(case=case)
    (email,) = [m for m in deliver() if "close" in m.subject]
    assert "Êtes-vous satisfait" in email.body
    link = next(line.split(" : ")[-1] for line in email.body.splitlines()
                if line.startswith("2 — "))
    page = client.get(urlsplit(link).path)
    assert page.status_code == 200
    request.refresh_from_db()
    assert request.score == 2 and request.follow_up == SatisfactionRequest.FollowUp.OPEN
    assert "Votre note est enregistrée : 2 sur 5" in page.content.decode()


def test_a_tampered_link_is_refused(case, agent):
    case_close(case=case, acting_user=agent, message="Fait.")
    assert satisfaction_from_signed("1:forged") is None


def test_satisfaction_figures_per_unit_kind_channel_and_month(case, agent, unit):
    case_close(case=case, acting_user=agent, message="Fait.")
    satisfaction_record(request=SatisfactionRequest.objects.get(case=case), score=5,
                        comment="Merci !")
    figures = satisfaction_figures([unit])
    assert figures["unit"][0]["unit__name"] == "Voirie"
    assert figures["unit"][0]["mean"] == 5 and figures["kind"][0]["kind"] == "contact"
    assert figures["month"][0]["answered"] == 1


def test_answer_items_carry_filters(survey):
    response_submit(survey=survey, channel=Channel.EMAIL, answers=answers(),
                    at=timezone.now())
    assert set(Answer.objects.values_list("channel", flat=True)) == {"email"}
    assert Survey.objects.get().responses.count() == 1
