from django.urls import reverse

from guichet.surveys.models import Survey
from guichet.surveys.services import survey_create


def test_a_questionnaire_is_opened_then_closed(client, agent, draft_survey):
    client.force_login(agent)
    url = reverse("backoffice:survey_status", args=[draft_survey.pk])
    html = client.post(url, {"action": "open"}, follow=True).content.decode()
    assert "Le questionnaire est ouvert : les usagers peuvent répondre." in html
    draft_survey.refresh_from_db()
    assert draft_survey.status == Survey.Status.OPEN
    html = client.post(url, {"action": "close"}, follow=True).content.decode()
    assert "marquées tardives" in html
    draft_survey.refresh_from_db()
    assert draft_survey.status == Survey.Status.CLOSED


def test_an_empty_questionnaire_does_not_open(client, agent, unit):
    survey = survey_create(unit=unit, title="Vide", acting_user=agent)
    client.force_login(agent)
    html = client.post(reverse("backoffice:survey_status", args=[survey.pk]),
                       {"action": "open"}, follow=True).content.decode()
    assert "Le questionnaire n&#x27;a aucune question." in html
    survey.refresh_from_db()
    assert survey.status == Survey.Status.DRAFT


def test_it_checks_ownership(client, other_agent, resident, draft_survey):
    url = reverse("backoffice:survey_status", args=[draft_survey.pk])
    client.force_login(other_agent)
    assert client.post(url, {"action": "open"}).status_code == 404
    client.force_login(resident)
    assert client.post(url, {"action": "open"}).status_code == 403
    draft_survey.refresh_from_db()
    assert draft_survey.status == Survey.Status.DRAFT
