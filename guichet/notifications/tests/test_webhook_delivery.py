"""Sending webhooks to a real HTTP receiver on loopback: the Standard Webhooks signature, the
receiver down then up, 4xx not retried, abandonment after three days, the endpoint disabled
after repeated failures with an email to the administrators, replay, two workers at once."""

import datetime as dt
import json
import threading
from io import StringIO

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.db import connection, connections
from django.utils import timezone
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from conftest import make_agent
from guichet.accounts.models import Membership
from guichet.contact.services import contact_submit
from guichet.notifications.models import Notification, WebhookDelivery, WebhookEndpoint
from guichet.notifications.services import notifications_deliver_due
from guichet.notifications.webhook_tasks import webhook_claim, webhook_retry_delay
from guichet.notifications.webhooks import (
    webhook_delivery_replay,
    webhook_endpoint_update,
    webhooks_deliver_due,
)

from .webhook_receiver import make_endpoint

Status = WebhookDelivery.Status


def new_case(unit, subject="Poubelles non ramassées"):
    return contact_submit(unit=unit, subject=subject, message="Rue Foch.", name="Marc Blanc",
                          email="marc@exemple.fr")


def due_later(delivery):
    """Travel to the delivery's next attempt."""
    delivery.refresh_from_db()
    return time_machine.travel(delivery.next_attempt_at + dt.timedelta(seconds=1), tick=False)


def test_the_receiver_gets_a_signed_post_it_can_verify(receiver, unit, commune):
    endpoint = make_endpoint(commune, receiver.url)
    case = new_case(unit)
    assert webhooks_deliver_due() == 1

    [request] = receiver.requests
    delivery = WebhookDelivery.objects.get()
    assert request.path == "/hooks/guichet"
    assert request.headers["content-type"] == "application/json"
    assert request.headers["webhook-id"] == delivery.event_id
    assert abs(int(request.headers["webhook-timestamp"]) - timezone.now().timestamp()) < 5
    assert request.headers["webhook-signature"].startswith("v1,")
    # The receiver's side, with the reference library and with the few lines of the README.
    payload = Webhook(endpoint.secret).verify(request.body, request.headers)
    assert payload["type"] == "case.created"
    assert payload["data"]["reference"] == case.reference
    import base64
    import hashlib
    import hmac

    key = base64.b64decode(endpoint.secret.removeprefix("whsec_"))
    signed = (f"{request.headers['webhook-id']}.{request.headers['webhook-timestamp']}."
              ).encode() + request.body
    expected = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
    assert request.headers["webhook-signature"] == f"v1,{expected}"
    # Another secret, or a body changed on the way, does not verify.
    with pytest.raises(WebhookVerificationError):
        Webhook(WebhookEndpoint().secret).verify(request.body, request.headers)
    with pytest.raises(WebhookVerificationError):
        Webhook(endpoint.secret).verify(request.body.replace(b"new", b"old"), request.headers)

    delivery.refresh_from_db()
    assert delivery.status == Status.SUCCEEDED and delivery.attempts == 1
    assert delivery.last_status_code == 204 and delivery.last_response_ms is not None
    assert delivery.delivered_at is not None
    assert json.loads(request.body) == delivery.payload
    assert webhooks_deliver_due() == 0  # nothing sent twice


def test_receiver_down_then_up_each_event_is_accepted_once(receiver, unit, commune):
    make_endpoint(commune, receiver.url)
    receiver.stop()
    cases = [new_case(unit, f"Demande {n}") for n in range(3)]
    assert webhooks_deliver_due() == 0
    deliveries = list(WebhookDelivery.objects.order_by("pk"))
    for delivery in deliveries:
        delivery.refresh_from_db()
        assert delivery.status == Status.PENDING and delivery.attempts == 1
        assert delivery.last_status_code is None
        assert delivery.last_error.startswith("Connexion impossible")
        assert delivery.next_attempt_at - delivery.last_attempt_at == dt.timedelta(seconds=30)
    assert webhooks_deliver_due() == 0  # not due yet: nothing is tried
    assert WebhookDelivery.objects.get(pk=deliveries[0].pk).attempts == 1

    with due_later(deliveries[0]):
        assert webhooks_deliver_due() == 0  # still down: second attempt, then 2 min
        assert WebhookDelivery.objects.get(pk=deliveries[0].pk).attempts == 2
    receiver.start()  # back, on the same address
    with due_later(deliveries[0]):
        assert webhooks_deliver_due() == 3
        assert webhooks_deliver_due() == 0
    accepted = receiver.accepted()
    assert len(accepted) == 3
    assert sorted(r.headers["webhook-id"] for r in accepted) == sorted(
        d.event_id for d in deliveries)
    assert {json.loads(r.body)["data"]["reference"] for r in accepted} == {
        c.reference for c in cases}
    assert set(WebhookDelivery.objects.values_list("status", "attempts")) == {
        (Status.SUCCEEDED, 3)}
    assert WebhookEndpoint.objects.get().consecutive_failures == 0


@pytest.mark.parametrize("status", [500, 503, 429, 408])
def test_server_errors_and_rate_limits_are_retried(receiver, unit, commune, status):
    make_endpoint(commune, receiver.url)
    receiver.status = status
    new_case(unit)
    assert webhooks_deliver_due() == 0
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.last_status_code) == (Status.PENDING, status)
    assert f"HTTP {status}" in delivery.last_error
    receiver.status = 200
    with due_later(delivery):
        assert webhooks_deliver_due() == 1
    assert [r.headers["webhook-id"] for r in receiver.requests] == [delivery.event_id] * 2
    assert len(receiver.accepted()) == 1


@pytest.mark.parametrize("status", [400, 401, 404, 410, 422, 301])
def test_a_refusal_is_not_retried(receiver, unit, commune, status):
    make_endpoint(commune, receiver.url)
    receiver.status = status
    new_case(unit)
    assert webhooks_deliver_due() == 0
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.last_status_code) == (Status.FAILED, status)
    receiver.status = 204
    with time_machine.travel(timezone.now() + dt.timedelta(days=1), tick=False):
        assert webhooks_deliver_due() == 0
    assert len(receiver.requests) == 1


def test_a_receiver_that_does_not_answer_in_time_is_retried(receiver, unit, commune, settings):
    settings.WEBHOOK_TIMEOUT_SECONDS = 0.3
    make_endpoint(commune, receiver.url)
    receiver.delay = 1
    new_case(unit)
    assert webhooks_deliver_due() == 0
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == Status.PENDING
    assert delivery.last_error == "Pas de réponse en 0.3 s."
    assert delivery.last_response_ms >= 300


def test_the_backoff_schedule():
    assert [webhook_retry_delay(n).total_seconds() for n in range(1, 8)] == [
        30, 120, 600, 3600, 21600, 21600, 21600]


def test_an_event_still_refused_after_three_days_is_abandoned(receiver, unit, commune):
    make_endpoint(commune, receiver.url)
    receiver.status = 503
    new_case(unit)
    delivery = WebhookDelivery.objects.get()
    created = delivery.created_at
    webhooks_deliver_due()
    while True:
        delivery.refresh_from_db()
        if delivery.status != Status.PENDING:
            break
        with due_later(delivery):
            webhooks_deliver_due()
    # 30 s, 2 min, 10 min, 1 h, then every 6 h: the 16th attempt, at 67 h, is the last one
    # before the three days run out.
    assert delivery.status == Status.ABANDONED
    assert delivery.attempts == 16 == len(receiver.requests)
    assert dt.timedelta(hours=66) < delivery.last_attempt_at - created < dt.timedelta(days=3)
    assert {r.headers["webhook-id"] for r in receiver.requests} == {delivery.event_id}
    receiver.status = 204
    with time_machine.travel(created + dt.timedelta(days=4), tick=False):
        assert webhooks_deliver_due() == 0


def test_an_endpoint_failing_too_often_is_disabled_and_its_administrators_told(
        receiver, unit, commune, settings, agent):
    settings.WEBHOOK_DISABLE_AFTER_FAILURES = 3
    admin = make_agent("admin@hayange.fr", unit, Membership.Role.ADMIN, first_name="Hélène",
                       last_name="Marchal")
    endpoint = make_endpoint(commune, receiver.url, user=admin)
    receiver.stop()
    for n in range(4):
        new_case(unit, f"Demande {n}")
    webhooks_deliver_due()  # the 3rd failure disables it; the 4th event is not tried
    endpoint.refresh_from_db()
    assert endpoint.is_active is False
    assert endpoint.consecutive_failures == 3
    assert "3 échecs consécutifs" in endpoint.disabled_reason
    assert WebhookDelivery.objects.filter(attempts=0).count() == 1

    [alert] = Notification.objects.filter(template="webhook_disabled")
    assert alert.recipient == "admin@hayange.fr"  # the administrator, not the agent
    notifications_deliver_due()
    [message] = [m for m in mail.outbox if m.to == ["admin@hayange.fr"]]
    assert message.subject == f"[Guichet] Webhook désactivé après 3 échecs : {receiver.url}"
    assert "Connexion impossible" in message.body
    assert f"/agents/webhooks/{endpoint.pk}/envois/" in message.body

    # The receiver comes back: nothing goes until an administrator switches it on again.
    receiver.start()
    with time_machine.travel(timezone.now() + dt.timedelta(hours=1), tick=False):
        assert webhooks_deliver_due() == 0
        webhook_endpoint_update(endpoint=endpoint, url=endpoint.url, events=endpoint.events,
                                is_active=True, acting_user=admin)
        assert webhooks_deliver_due() == 4
    assert len(receiver.accepted()) == 4
    endpoint.refresh_from_db()
    assert endpoint.consecutive_failures == 0 and endpoint.disabled_reason == ""
    # Disabled once: a single alert.
    assert Notification.objects.filter(template="webhook_disabled").count() == 1


def test_a_replay_sends_the_same_event_again(receiver, unit, commune, agent):
    make_endpoint(commune, receiver.url)
    receiver.status = 404
    new_case(unit)
    webhooks_deliver_due()
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == Status.FAILED
    receiver.status = 200
    webhook_delivery_replay(delivery=delivery, acting_user=agent)
    assert webhooks_deliver_due() == 1
    delivery.refresh_from_db()
    assert delivery.status == Status.SUCCEEDED and delivery.attempts == 2
    assert [r.headers["webhook-id"] for r in receiver.requests] == [delivery.event_id] * 2


def test_a_leased_delivery_is_not_taken_by_a_second_worker(receiver, unit, commune):
    make_endpoint(commune, receiver.url)
    new_case(unit)
    delivery = WebhookDelivery.objects.get()
    assert webhook_claim(delivery_id=delivery.pk)  # worker A, sending
    assert webhook_claim(delivery_id=delivery.pk) is False  # worker B
    assert webhooks_deliver_due() == 0
    assert receiver.requests == []
    # Worker A died: once its lease runs out, the delivery goes, with the same id.
    delivery.refresh_from_db()
    with time_machine.travel(delivery.claimed_until + dt.timedelta(seconds=1), tick=False):
        assert webhooks_deliver_due() == 1
    assert [r.headers["webhook-id"] for r in receiver.requests] == [delivery.event_id]


def test_the_periodic_command_delivers_what_is_due(receiver, unit, commune):
    make_endpoint(commune, receiver.url)
    new_case(unit)
    out = StringIO()
    call_command("webhooks_deliver_due", stdout=out)
    assert out.getvalue().strip() == "1 webhook(s) livré(s)."
    assert len(receiver.accepted()) == 1


@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_never_send_an_event_twice(receiver, unit, commune, capsys):
    """On PostgreSQL the workers really run at once (SKIP LOCKED); SQLite serialises them."""
    make_endpoint(commune, receiver.url)
    for n in range(12):
        new_case(unit, f"Demande {n}")
    workers = 4
    barrier = threading.Barrier(workers)
    errors = []

    def work():
        try:
            barrier.wait()
            webhooks_deliver_due()
        except Exception as exc:  # noqa: BLE001 — counted, and fails the test
            errors.append(f"{type(exc).__name__}: {exc}")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    ids = [r.headers["webhook-id"] for r in receiver.requests]
    with capsys.disabled():
        print(f"\n[{connection.vendor}] {workers} workers, 12 événements : {len(ids)} envois")
    assert errors == []
    assert len(ids) == 12 == len(set(ids))
    assert WebhookDelivery.objects.filter(status=Status.SUCCEEDED).count() == 12
