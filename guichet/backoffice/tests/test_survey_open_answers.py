from django.urls import reverse

from guichet.surveys.models import Channel
from guichet.surveys.services import response_submit

from .survey_fixtures import answer


def _url(survey, key="une_idee", query=""):
    return reverse("backoffice:survey_open_answers", args=[survey.pk, key]) + query


def test_open_answers_are_listed_newest_first(client, agent, answered_survey):
    client.force_login(agent)
    html = client.get(_url(answered_survey)).content.decode()
    assert "3 réponses." in html
    assert "Plus de bandes dessinées" in html and "Ouvrir le dimanche" in html
    assert "<td>Borne</td><td>Piscine</td>" in html


def test_open_answers_are_searched_filtered_and_paginated(client, agent, answered_survey):
    for number in range(60):
        response_submit(survey=answered_survey, channel=Channel.LINK,
                        answers=answer(une_idee=f"Idée numéro {number}"))
    client.force_login(agent)
    html = client.get(_url(answered_survey, query="?recherche=dessinées")).content.decode()
    assert "1 réponse contenant « dessinées »." in html
    html = client.get(_url(answered_survey, query="?lieu=Piscine")).content.decode()
    assert "1 réponse." in html
    html = client.get(_url(answered_survey, query="?recherche=numéro")).content.decode()
    assert "60 réponses contenant « numéro »." in html and "Page 1 sur 2" in html
    assert "recherche=num%C3%A9ro&amp;page=2" in html
    html = client.get(_url(answered_survey, query="?recherche=numéro&page=2")).content.decode()
    assert "Idée numéro 0<" in html


def test_a_closed_question_has_no_open_answers_page(client, agent, answered_survey):
    client.force_login(agent)
    assert client.get(_url(answered_survey, key="votre_note")).status_code == 404


def test_it_checks_ownership(client, other_agent, resident, answered_survey):
    client.force_login(other_agent)
    assert client.get(_url(answered_survey)).status_code == 404
    client.force_login(resident)
    assert client.get(_url(answered_survey)).status_code == 403
