"""Changing a webhook's events, switching it off and on again."""

from django.urls import reverse

from guichet.journal.models import Entry
from guichet.notifications.models import WebhookEndpoint


def url(endpoint):
    return reverse("backoffice:webhook_edit", args=[endpoint.pk])


def test_an_administrator_changes_the_events_and_switches_it_off(client, webhook_admin,
                                                                 endpoint):
    client.force_login(webhook_admin)
    html = client.get(url(endpoint)).content.decode()
    assert 'value="https://ged.hayange.fr/hook"' in html
    assert 'value="case.closed" id="id_events_2" checked' in html or \
        'value="case.closed"' in html
    response = client.post(url(endpoint), {"url": endpoint.url, "description": "GED",
                                           "events": ["case.updated"]})
    assert response["Location"] == reverse("backoffice:webhook_list")
    endpoint.refresh_from_db()
    assert endpoint.events == ["case.updated"] and endpoint.is_active is False
    assert endpoint.disabled_reason == "Désactivé par un administrateur."
    entry = Entry.objects.filter(actor=webhook_admin, details__change="updated").get()
    assert entry.details["is_active"] is False


def test_switching_it_on_again_clears_the_failures(client, webhook_admin, endpoint):
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(
        is_active=False, consecutive_failures=20, disabled_reason="Désactivé automatiquement.")
    client.force_login(webhook_admin)
    assert "Ce webhook est désactivé : Désactivé automatiquement." in client.get(
        url(endpoint)).content.decode()
    client.post(url(endpoint), {"url": endpoint.url, "events": endpoint.events,
                                "is_active": "on"})
    endpoint.refresh_from_db()
    assert endpoint.is_active and endpoint.consecutive_failures == 0
    assert endpoint.disabled_reason == ""


def test_bad_input_is_explained(client, webhook_admin, endpoint):
    client.force_login(webhook_admin)
    html = client.post(url(endpoint), {"url": "ftp://x", "is_active": "on"}).content.decode()
    assert "Saisissez une URL valide." in html and "Choisissez au moins un événement." in html
    endpoint.refresh_from_db()
    assert endpoint.url == "https://ged.hayange.fr/hook"


def test_it_checks_ownership(client, agent, manager, resident, other_admin, endpoint):
    """Non-administrators are refused; another collectivité's administrator finds nothing."""
    data = {"url": "https://pirate.example/hook", "events": ["case.created"], "is_active": "on"}
    for user in (agent, manager, resident):
        client.force_login(user)
        assert client.get(url(endpoint)).status_code == 403
        assert client.post(url(endpoint), data).status_code == 403
    client.force_login(other_admin)
    assert client.get(url(endpoint)).status_code == 404
    assert client.post(url(endpoint), data).status_code == 404
    endpoint.refresh_from_db()
    assert endpoint.url == "https://ged.hayange.fr/hook"
