"""Status changes: only the allowed transitions."""

from django.urls import reverse

from guichet.cases.models import Case, Status


def url(case):
    return reverse("backoffice:case_status", args=[case.reference])


def test_allowed_change(client, agent, case):
    client.force_login(agent)
    response = client.post(url(case), {"status-status": "in_progress"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == Status.IN_PROGRESS
    html = client.get(response["Location"]).content.decode()
    assert "En cours de traitement" in html


def test_refused_change_is_explained(client, agent, case):
    Case.objects.filter(pk=case.pk).update(status=Status.RESOLVED)
    client.force_login(agent)
    response = client.post(url(case), {"status-status": "waiting"})
    assert response.status_code == 400
    assert "Sélectionnez un choix valide" in response.content.decode()
    case.refresh_from_db()
    assert case.status == Status.RESOLVED


def test_it_checks_ownership(client, other_agent, case):
    client.force_login(other_agent)
    assert client.post(url(case), {"status-status": "rejected"}).status_code == 404
    case.refresh_from_db()
    assert case.status == Status.NEW
