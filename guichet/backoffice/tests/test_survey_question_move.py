from django.urls import reverse

from guichet.surveys import questions as q
from guichet.surveys.services import survey_page_add, survey_question_add


def _keys(survey):
    survey.refresh_from_db()
    return [[f["key"] for f in p["fields"]] for p in q.pages(survey.definition)]


def test_questions_move_up_and_down_and_across_pages(client, agent, draft_survey):
    client.force_login(agent)
    url = reverse("backoffice:survey_question_move", args=[draft_survey.pk])
    client.post(url, {"key": "qualite", "direction": "up"})
    assert _keys(draft_survey) == [["votre_note", "qualite", "ce_que_vous_empruntez",
                                    "une_idee"]]
    survey_page_add(survey=draft_survey, title="Deux", acting_user=agent)
    client.post(url, {"key": "une_idee", "direction": "down"})
    assert _keys(draft_survey) == [["votre_note", "qualite", "ce_que_vous_empruntez"],
                                   ["une_idee"]]


def test_a_question_never_moves_above_what_its_condition_reads(client, agent, draft_survey):
    survey_question_add(survey=draft_survey, page=0, acting_user=agent, question={
        "type": "text", "label": "Pourquoi", "condition": {"field": "une_idee",
                                                           "op": "not_empty"}})
    client.force_login(agent)
    response = client.post(reverse("backoffice:survey_question_move", args=[draft_survey.pk]),
                           {"key": "pourquoi", "direction": "up"}, follow=True)
    assert "celle dont dépend sa condition" in response.content.decode()
    assert _keys(draft_survey)[0][-1] == "pourquoi"


def test_a_wrong_direction_is_refused(client, agent, draft_survey):
    client.force_login(agent)
    response = client.post(reverse("backoffice:survey_question_move", args=[draft_survey.pk]),
                           {"key": "qualite", "direction": "sideways"}, follow=True)
    assert "Sens de déplacement inconnu." in response.content.decode()


def test_it_checks_ownership(client, other_agent, resident, draft_survey):
    url = reverse("backoffice:survey_question_move", args=[draft_survey.pk])
    client.force_login(other_agent)
    assert client.post(url, {"key": "qualite", "direction": "up"}).status_code == 404
    client.force_login(resident)
    assert client.post(url, {"key": "qualite", "direction": "up"}).status_code == 403
    assert _keys(draft_survey)[0][2] == "qualite"
