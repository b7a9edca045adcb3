"""The delivery log of one webhook: status, HTTP code, response time, paginated."""

from django.urls import reverse

from guichet.contact.services import contact_submit
from guichet.notifications.models import WebhookDelivery, WebhookEndpoint
from guichet.notifications.webhooks import webhooks_deliver_due


def url(endpoint):
    return reverse("backoffice:webhook_deliveries", args=[endpoint.pk])


def new_case(unit, n=0):
    return contact_submit(unit=unit, subject=f"Demande {n}", message="Texte.", name="Marc",
                          email="marc@exemple.fr")


def test_the_log_shows_each_delivery_with_its_outcome(client, webhook_admin, endpoint, unit,
                                                      receiver):
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(url=receiver.url)
    new_case(unit, 1)
    webhooks_deliver_due()
    receiver.status = 503
    new_case(unit, 2)
    webhooks_deliver_due()
    delivered, retried = WebhookDelivery.objects.order_by("pk")
    client.force_login(webhook_admin)
    html = client.get(url(endpoint)).content.decode()
    assert delivered.event_id in html and retried.event_id in html
    assert "Livré" in html and "En attente" in html and "prochain essai le" in html
    assert "204" in html and "503" in html
    assert f"{delivered.last_response_ms} ms" in html
    assert "HTTP 503" in html
    # Filtered by state.
    html = client.get(url(endpoint) + "?etat=succeeded").content.decode()
    assert delivered.event_id in html and retried.event_id not in html


def test_the_log_is_paginated_with_a_fixed_number_of_queries(
        client, webhook_admin, endpoint, unit, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(webhook_admin)
    for n in range(3):
        new_case(unit, n)
    client.get(url(endpoint))  # the first request after signing in does more
    with CaptureQueriesContext(connection) as few:
        client.get(url(endpoint))
    for n in range(52):
        new_case(unit, n)
    with django_assert_num_queries(len(few)):
        html = client.get(url(endpoint)).content.decode()
    assert html.count("<code>msg_") == 50 and "Page 1 sur 2" in html
    html = client.get(url(endpoint) + "?page=2").content.decode()
    assert html.count("<code>msg_") == 5


def test_it_checks_ownership(client, agent, manager, resident, other_admin, endpoint):
    for user in (agent, manager, resident):
        client.force_login(user)
        assert client.get(url(endpoint)).status_code == 403
    client.force_login(other_admin)
    assert client.get(url(endpoint)).status_code == 404
