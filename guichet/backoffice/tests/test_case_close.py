"""Closing with a resolution message that reaches the resident."""

from django.urls import reverse

from guichet.cases.models import Status


def url(case):
    return reverse("backoffice:case_close", args=[case.reference])


def test_close_with_a_message(client, agent, case, deliver, mailoutbox):
    client.force_login(agent)
    response = client.post(url(case), {"close-message": "Le trou a été rebouché."})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == Status.CLOSED
    deliver()
    assert "Le trou a été rebouché." in mailoutbox[-1].body
    html = client.get(response["Location"]).content.decode()
    assert "Clore la demande" not in html


def test_message_is_required(client, agent, case):
    client.force_login(agent)
    response = client.post(url(case), {"close-message": ""})
    assert response.status_code == 400
    assert "Ce champ est obligatoire" in response.content.decode()
    case.refresh_from_db()
    assert case.status == Status.NEW


def test_it_checks_ownership(client, other_agent, case):
    client.force_login(other_agent)
    assert client.post(url(case), {"close-message": "Fini"}).status_code == 404
    case.refresh_from_db()
    assert case.status == Status.NEW
