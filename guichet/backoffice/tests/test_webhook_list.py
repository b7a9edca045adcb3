"""The administrator's list of webhooks: their collectivité's only, paginated."""

from django.urls import reverse

from guichet.notifications.models import WebhookEndpoint
from guichet.notifications.webhooks import webhook_endpoint_create

URL = reverse("backoffice:webhook_list")


def test_the_list_shows_the_collectivite_s_endpoints_without_their_secret(
        client, webhook_admin, endpoint, other_endpoint):
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(
        is_active=False, consecutive_failures=20,
        disabled_reason="Désactivé automatiquement après 20 échecs consécutifs.")
    client.force_login(webhook_admin)
    html = client.get(URL).content.decode()
    assert "https://ged.hayange.fr/hook" in html and "GED du courrier" in html
    assert "Demande enregistrée, Demande close" in html
    assert "désactivé — Désactivé automatiquement après 20 échecs consécutifs." in html
    assert endpoint.secret not in html
    assert "https://ailleurs.fr/hook" not in html
    assert reverse("backoffice:webhook_deliveries", args=[endpoint.pk]) in html


def test_the_list_is_paginated_with_a_fixed_number_of_queries(
        client, webhook_admin, commune, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def add(count):
        for _ in range(count):
            n = WebhookEndpoint.objects.count()
            webhook_endpoint_create(organisation=commune,
                                    url=f"https://n{n:02d}.hayange.fr/hook",
                                    events=["case.created"], acting_user=webhook_admin)

    client.force_login(webhook_admin)
    add(2)
    client.get(URL)  # the first request after signing in does more
    with CaptureQueriesContext(connection) as few:
        client.get(URL)
    add(28)
    with django_assert_num_queries(len(few)):
        html = client.get(URL).content.decode()
    assert html.count("hayange.fr/hook</code>") == 25
    assert "Page 1 sur 2" in html
    html = client.get(URL + "?page=2").content.decode()
    assert html.count("hayange.fr/hook</code>") == 5


def test_it_checks_ownership(client, agent, manager, resident, other_admin, endpoint):
    """Agents and managers are refused; another collectivité's administrator sees only theirs."""
    for user in (agent, manager, resident):
        client.force_login(user)
        assert client.get(URL).status_code == 403
    client.force_login(other_admin)
    response = client.get(URL)
    assert response.status_code == 200
    assert "https://ged.hayange.fr/hook" not in response.content.decode()
    client.logout()
    assert client.get(URL).status_code == 302
