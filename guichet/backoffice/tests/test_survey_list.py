from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from guichet.surveys.services import survey_create

URL = reverse("backoffice:surveys")


def test_the_list_shows_status_and_response_counts(client, agent, answered_survey):
    client.force_login(agent)
    html = client.get(URL).content.decode()
    assert "Accueil de la médiathèque" in html
    assert "<td>Ouvert</td>" in html and "<td>3</td>" in html
    assert 'href="/agents/questionnaires/nouveau/"' in html
    assert ">Questionnaires</a>" in html  # in the menu


def test_the_list_is_paginated_without_a_query_per_row(client, agent, unit):
    client.force_login(agent)
    survey_create(unit=unit, title="Premier", acting_user=agent)
    client.get(URL)
    with CaptureQueriesContext(connection) as one:
        client.get(URL)
    for number in range(30):
        survey_create(unit=unit, title=f"Questionnaire {number}", acting_user=agent)
    with CaptureQueriesContext(connection) as many:
        html = client.get(URL).content.decode()
    assert len(many) == len(one) <= 20
    assert "Page 1 sur 2" in html
    assert "Questionnaire 29" in html and "Premier" not in html


def test_it_checks_ownership(client, agent, other_agent, resident, open_survey):
    client.force_login(other_agent)
    assert "Accueil de la médiathèque" not in client.get(URL).content.decode()
    client.force_login(resident)
    assert client.get(URL).status_code == 403
    client.logout()
    assert "/connexion/" in client.get(URL)["Location"]
