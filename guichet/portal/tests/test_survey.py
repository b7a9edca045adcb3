"""Answering a questionnaire from its public link: page by page, conditions on the server,
progress in the session, French errors, opening and closing dates, one answer per person
for signed-in questionnaires, and an answer begun before closing kept (late)."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from guichet.surveys.models import Response, Survey
from guichet.surveys.services import survey_close, survey_create, survey_update
from guichet.surveys.tests.fixtures import build_survey


def url(survey):
    return reverse("portal:survey", args=[survey.slug])


def answer_both_pages(client, survey, **last):
    client.get(url(survey))
    client.post(url(survey), {"page": 0, "action": "next", "votre_note": "4",
                              "ce_que_vous_empruntez": ["Livres"]})
    return client.post(url(survey), {"page": 1, "action": "next", "reviendrez_vous": "oui",
                                     **last}, follow=True)


def test_it_checks_ownership(client, resident, unit, agent):
    reserved = build_survey(unit, agent, title="Réservé", audience=Survey.Audience.SIGNED_IN)
    response = client.get(url(reserved))
    assert response.status_code == 302 and "/connexion/" in response["Location"]
    client.post(url(reserved), {"page": 0, "votre_note": "5"})
    assert Response.objects.count() == 0
    draft = survey_create(unit=unit, title="Brouillon", acting_user=agent)
    assert client.get(url(draft)).status_code == 404


def test_two_pages_then_thanks_and_the_address_for_the_results(client, open_survey):
    page = client.get(url(open_survey)).content.decode()
    assert "Page 1 sur 2" in page and "Votre note de l&#x27;accueil" in page
    assert "Qu&#x27;est-ce qui vous a déplu" not in page
    second = client.post(url(open_survey), {"page": 0, "action": "next", "votre_note": "5"},
                         follow=True).content.decode()
    assert "Page 2 sur 2" in second and "Reviendrez-vous" in second
    assert "pour être prévenu(e) de la publication des résultats" in second
    done = client.post(url(open_survey), {"page": 1, "action": "next",
                                          "reviendrez_vous": "oui",
                                          "contact_email": "lea@exemple.fr"}, follow=True)
    assert "Merci pour votre réponse" in done.content.decode()
    saved = Response.objects.get()
    assert saved.answers["votre_note"] == 5 and saved.answers["reviendrez_vous"] == "oui"
    assert (saved.channel, saved.user, saved.late) == ("link", None, False)
    assert saved.contact_email == "lea@exemple.fr"
    # The same browser is thanked again rather than answering twice.
    assert "Merci pour votre réponse" in client.get(url(open_survey)).content.decode()


def test_a_low_score_shows_the_follow_up_question_on_the_same_page(client, open_survey):
    again = client.post(url(open_survey), {"page": 0, "action": "next", "votre_note": "1"},
                        follow=True).content.decode()
    assert "Page 1 sur 2" in again and "fait apparaître une autre question" in again
    assert "Qu&#x27;est-ce qui vous a déplu" in again
    assert re.search(r'value="1"[^>]*checked', again)
    client.post(url(open_survey), {"page": 0, "action": "next", "votre_note": "1",
                                   "quest_ce_qui_vous_a_deplu": "L'attente"})
    client.post(url(open_survey), {"page": 1, "action": "next", "reviendrez_vous": "non"})
    assert Response.objects.get().answers["quest_ce_qui_vous_a_deplu"] == "L'attente"


def test_bad_input_is_explained_in_french_by_the_field_and_kept(client, open_survey):
    response = client.post(url(open_survey), {"page": 0, "action": "next",
                                              "ce_que_vous_empruntez": ["Livres", "Films",
                                                                        "Jeux"]})
    assert response.status_code == 400
    body = response.content.decode()
    assert "Le formulaire contient 2 erreurs" in body
    assert 'href="#id_votre_note"' in body and "Ce champ est obligatoire." in body
    assert "Cochez au plus 2 réponses." in body
    assert re.search(r'value="Jeux"[^>]*checked', body)
    client.post(url(open_survey), {"page": 0, "action": "next", "votre_note": "4"})
    bad = client.post(url(open_survey), {"page": 1, "action": "next", "reviendrez_vous": "oui",
                                         "contact_email": "pas-une-adresse"})
    assert bad.status_code == 400
    assert "Saisissez une adresse électronique valide" in bad.content.decode()
    assert 'value="pas-une-adresse"' in bad.content.decode()
    assert Response.objects.count() == 0
    # A forged page number is refused.
    assert client.post(url(open_survey), {"page": 7}).status_code == 400


def test_previous_page_keeps_what_was_answered(client, open_survey):
    client.post(url(open_survey), {"page": 0, "action": "next", "votre_note": "3"})
    client.post(url(open_survey), {"page": 1, "action": "previous",
                                   "une_idee_pour_nous": "Des poufs"})
    first = client.get(url(open_survey)).content.decode()
    assert "Page 1 sur 2" in first and re.search(r'value="3"[^>]*checked', first)
    client.post(url(open_survey), {"page": 0, "action": "next", "votre_note": "3"})
    assert "Des poufs" in client.get(url(open_survey)).content.decode()


def test_not_yet_open_and_closed_say_so(client, open_survey, agent):
    survey_update(survey=open_survey, acting_user=agent,
                  opens_at=timezone.now() + dt.timedelta(days=2))
    assert "pas encore ouvert" in client.get(url(open_survey)).content.decode()
    survey_update(survey=open_survey, acting_user=agent, opens_at=None)
    survey_close(survey=open_survey, acting_user=agent)
    page = client.get(url(open_survey)).content.decode()
    assert "Ce questionnaire est clos" in page and "Page 1" not in page


def test_closed_while_answering_keeps_the_answer_late_and_says_so(client, open_survey, agent):
    client.get(url(open_survey))
    client.post(url(open_survey), {"page": 0, "action": "next", "votre_note": "2"})
    survey_close(survey=open_survey, acting_user=agent)
    page = client.get(url(open_survey)).content.decode()
    assert "a été clos pendant que vous répondiez" in page
    done = client.post(url(open_survey), {"page": 1, "action": "next",
                                          "reviendrez_vous": "oui"}, follow=True)
    assert "elle n'est pas comptée dans les résultats" in done.content.decode()
    assert Response.objects.get().late is True


def test_signed_in_one_answer_per_person(client, resident, other_resident, unit, agent):
    reserved = build_survey(unit, agent, title="Réservé", audience=Survey.Audience.SIGNED_IN)
    client.force_login(resident)
    answer_both_pages(client, reserved)
    assert Response.objects.get().user == resident
    client.logout()
    client.force_login(resident)
    page = client.get(url(reserved)).content.decode()
    assert "Vous avez déjà répondu à ce questionnaire le" in page
    client.logout()
    client.force_login(other_resident)
    answer_both_pages(client, reserved)
    assert Response.objects.count() == 2


@pytest.mark.parametrize("audience", [Survey.Audience.ANONYMOUS])
def test_an_anonymous_questionnaire_never_records_who_answered(client, resident, unit, agent,
                                                               audience):
    survey = build_survey(unit, agent, title="Anonyme", audience=audience)
    client.force_login(resident)
    answer_both_pages(client, survey)
    assert Response.objects.get().user is None
