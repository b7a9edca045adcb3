"""Sending one event again from the delivery log (POST only)."""

from html import unescape

from django.urls import reverse

from guichet.contact.services import contact_submit
from guichet.journal.models import Entry
from guichet.notifications.models import WebhookDelivery, WebhookEndpoint
from guichet.notifications.webhooks import webhooks_deliver_due


def url(delivery):
    return reverse("backoffice:webhook_delivery_replay",
                   args=[delivery.endpoint_id, delivery.pk])


def failed_delivery(unit, endpoint, receiver):
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(url=receiver.url)
    receiver.status = 410
    contact_submit(unit=unit, subject="Demande", message="Texte.", name="Marc",
                   email="marc@exemple.fr")
    webhooks_deliver_due()
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == WebhookDelivery.Status.FAILED
    return delivery


def test_an_administrator_replays_a_refused_event(client, webhook_admin, endpoint, unit,
                                                  receiver):
    delivery = failed_delivery(unit, endpoint, receiver)
    receiver.status = 200
    client.force_login(webhook_admin)
    response = client.post(url(delivery), follow=True)
    assert f"L'événement {delivery.event_id} est renvoyé" in unescape(
        response.content.decode())
    delivery.refresh_from_db()
    assert delivery.status == WebhookDelivery.Status.PENDING
    assert webhooks_deliver_due() == 1
    assert [r.headers["webhook-id"] for r in receiver.accepted()] == [delivery.event_id]
    assert Entry.objects.filter(actor=webhook_admin, details__change="replayed",
                                details__event_id=delivery.event_id).exists()


def test_an_event_waiting_already_is_not_queued_twice(client, webhook_admin, endpoint, unit):
    contact_submit(unit=unit, subject="Demande", message="Texte.", name="Marc",
                   email="marc@exemple.fr")
    delivery = WebhookDelivery.objects.get()
    client.force_login(webhook_admin)
    html = unescape(client.post(url(delivery), follow=True).content.decode())
    assert "Cet événement est déjà en attente d'envoi." in html
    assert client.get(url(delivery)).status_code == 405


def test_it_checks_ownership(client, agent, manager, resident, other_admin, endpoint, unit,
                             receiver):
    delivery = failed_delivery(unit, endpoint, receiver)
    for user in (agent, manager, resident):
        client.force_login(user)
        assert client.post(url(delivery)).status_code == 403
    client.force_login(other_admin)
    assert client.post(url(delivery)).status_code == 404
    delivery.refresh_from_db()
    assert delivery.status == WebhookDelivery.Status.FAILED
