"""The questionnaires open to everyone now."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from guichet.surveys.services import survey_close, survey_create, survey_update
from guichet.surveys.tests.fixtures import build_survey


def test_it_checks_ownership(client, open_survey, unit, agent):
    survey_create(unit=unit, title="Brouillon secret", acting_user=agent)
    later = build_survey(unit, agent, title="Pas encore")
    survey_update(survey=later, acting_user=agent,
                  opens_at=timezone.now() + dt.timedelta(days=3))
    closed = build_survey(unit, agent, title="Déjà clos")
    survey_close(survey=closed, acting_user=agent)
    body = client.get(reverse("portal:survey_list")).content.decode()
    assert "Votre avis sur la médiathèque" in body
    assert "Brouillon secret" not in body and "Pas encore" not in body
    assert "Déjà clos" not in body


def test_paginated_without_a_query_per_row(client, unit, agent, django_assert_max_num_queries):
    for n in range(25):
        build_survey(unit, agent, title=f"Questionnaire {n}")
    with django_assert_max_num_queries(8):
        body = client.get(reverse("portal:survey_list")).content.decode()
    assert body.count('class="card"') == 20 and "Page 1 sur 2" in body


def test_bad_input_a_page_number_out_of_range_shows_the_last(client, open_survey):
    body = client.get(reverse("portal:survey_list") + "?page=abc").content.decode()
    assert "Votre avis sur la médiathèque" in body
