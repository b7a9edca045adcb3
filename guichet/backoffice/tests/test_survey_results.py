import re

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from guichet.surveys.models import Channel
from guichet.surveys.services import response_submit

from .survey_fixtures import answer


def _url(survey, query=""):
    return reverse("backoffice:survey_results", args=[survey.pk]) + query


def test_results_show_counts_percentages_averages_charts_and_tables(client, agent,
                                                                     answered_survey):
    client.force_login(agent)
    html = client.get(_url(answered_survey)).content.decode()
    assert "3 réponses" in html
    assert "3 personnes ont répondu. Moyenne : 3,67 sur 5." in html
    assert '<svg viewBox="0 0 720' in html and 'role="img"' in html
    # SVG coordinates are written with a dot, whatever the language of the page.
    assert re.search(r'<rect x="230" y="8" width="\d+\.\d" height="22"', html)
    assert not re.search(r'(x|y|width|height)="-?\d+,\d', html)
    assert "<caption>Votre note</caption>" in html
    assert "<th scope=\"row\">Livres</th><td>2</td><td>66,7 %</td>" in html
    assert "<th scope=\"row\">Horaires</th><td>0 (0,0 %)</td><td>0 (0,0 %)</td>" \
           "<td>3 (100,0 %)</td>" in html
    assert "Lire les 3 réponses" in html


def test_results_are_filtered_by_channel_place_and_date(client, agent, answered_survey):
    client.force_login(agent)
    html = client.get(_url(answered_survey, "?lieu=Piscine")).content.decode()
    assert "1 réponse (filtrées)" in html
    assert "1 personne a répondu. Moyenne : 5,00 sur 5." in html
    html = client.get(_url(answered_survey, "?canal=link")).content.decode()
    assert "2 réponses (filtrées)" in html
    html = client.get(_url(answered_survey, "?du=2000-01-01&au=2000-01-02")).content.decode()
    assert "0 réponse (filtrées)" in html and "Aucune réponse à cette question." in html


def test_bad_filters_are_explained_and_kept(client, agent, answered_survey):
    client.force_login(agent)
    response = client.get(_url(answered_survey, "?du=hier&au=2026-01-01&lieu=Lune"))
    html = response.content.decode()
    assert response.status_code == 400
    assert "Le formulaire contient 2 erreurs" in html
    assert "Indiquez une date, par exemple 01/09/2026." in html
    assert 'value="hier"' in html
    assert "3 réponses" in html  # the results stay shown, unfiltered


def test_the_page_costs_the_same_queries_whatever_the_number_of_answers(client, agent,
                                                                        answered_survey):
    client.force_login(agent)
    client.get(_url(answered_survey))
    with CaptureQueriesContext(connection) as few:
        client.get(_url(answered_survey))
    for note in (1, 2, 3, 4, 5) * 6:
        response_submit(survey=answered_survey, channel=Channel.LINK, answers=answer(note))
    with CaptureQueriesContext(connection) as many:
        html = client.get(_url(answered_survey)).content.decode()
    assert "33 réponses" in html
    assert len(many) == len(few) <= 20


def test_it_checks_ownership(client, other_agent, resident, answered_survey):
    client.force_login(other_agent)
    assert client.get(_url(answered_survey)).status_code == 404
    client.force_login(resident)
    assert client.get(_url(answered_survey)).status_code == 403
