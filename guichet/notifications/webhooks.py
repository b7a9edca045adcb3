"""Outgoing webhooks: a collectivité's administrators subscribe URLs of their other software
(GED, finance, SIG, CRM) to events; each event is written as one `WebhookDelivery` per
subscribed endpoint in the transaction of the event, and sent by the worker
(`webhook_tasks`), signed the Standard Webhooks way, retried for three days.

The domain apps build the event's `data` (what they know of their objects) and call
`webhook_event_queue`; this module knows nothing of cases, reports or procedures."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from guichet.journal.models import Entry
from guichet.journal.services import journal_record

from .models import WebhookDelivery, WebhookEndpoint, WebhookEvent
from .webhook_tasks import enqueue_webhook, webhook_deliver, webhooks_due

__all__ = ["WebhookError", "new_event_id", "webhook_delivery_replay", "webhook_endpoint_create",
           "webhook_endpoint_update", "webhook_event_queue", "webhooks_deliver_due"]


class WebhookError(Exception):
    """A change refused by the rules; its message is French and shown as is."""


def new_event_id() -> str:
    return f"msg_{uuid.uuid4().hex}"


def _check_events(events: list[str]) -> list[str]:
    known = set(WebhookEvent.values)
    events = list(dict.fromkeys(events))
    if not events:
        raise WebhookError("Choisissez au moins un événement.")
    unknown = [e for e in events if e not in known]
    if unknown:
        raise WebhookError(f"Événement inconnu : {', '.join(unknown)}.")
    return events


def webhook_event_queue(*, organisation, event_type: str, data: dict | Callable[[], dict],
                        at: dt.datetime | None = None) -> list[WebhookDelivery]:
    """Write the event for every active endpoint of `organisation` (an Organisation or its pk)
    that subscribed to `event_type`, in the caller's transaction, and hand them to the worker
    once it commits. `data` may be a function, called only when an endpoint listens (most
    collectivités have none: their events cost one query). An event rolled back is never
    sent; a crash between the commit and the hand-over is caught up by `webhooks_deliver_due`
    (the `webhooks_deliver_due` command)."""
    if event_type not in WebhookEvent.values:
        raise ValueError(f"unknown webhook event {event_type!r}")
    organisation_id = getattr(organisation, "pk", organisation)
    endpoints = [endpoint for endpoint in WebhookEndpoint.objects.filter(
        organisation_id=organisation_id, is_active=True).only("pk", "events")
        if event_type in endpoint.events]
    if not endpoints:
        return []
    if callable(data):
        data = data()
    now = at or timezone.now()
    event_id = new_event_id()
    payload = {"type": event_type, "timestamp": now.isoformat(), "data": data}
    retry_until = now + dt.timedelta(days=settings.WEBHOOK_RETRY_DAYS)
    with transaction.atomic():
        deliveries = WebhookDelivery.objects.bulk_create([
            WebhookDelivery(endpoint_id=endpoint.pk, event_id=event_id, event_type=event_type,
                            payload=payload, created_at=now, next_attempt_at=now,
                            retry_until=retry_until)
            for endpoint in endpoints])
        # bulk_create does not give the primary keys back on every database: read them.
        deliveries = list(WebhookDelivery.objects.filter(event_id=event_id).order_by("pk"))
        for delivery in deliveries:
            transaction.on_commit(lambda d=delivery: enqueue_webhook(d))
    return deliveries


@transaction.atomic
def webhook_endpoint_create(*, organisation, url: str, events: list[str], acting_user,
                            description: str = "") -> WebhookEndpoint:
    """A new endpoint with a fresh secret (shown once to the administrator)."""
    endpoint = WebhookEndpoint.objects.create(
        organisation=organisation, url=url, description=description,
        events=_check_events(events), created_by=acting_user)
    journal_record(actor=acting_user, action=Entry.Action.SETTINGS_CHANGED,
                   webhook=endpoint.pk, change="created", url=url, events=endpoint.events)
    return endpoint


@transaction.atomic
def webhook_endpoint_update(*, endpoint: WebhookEndpoint, url: str, events: list[str],
                            is_active: bool, acting_user, description: str = ""
                            ) -> WebhookEndpoint:
    """Change the URL, the events, or switch the endpoint off or on. Switching it on again
    clears the failure count: the deliveries left pending go out again."""
    endpoint = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
    reactivated = is_active and not endpoint.is_active
    endpoint.url, endpoint.description = url, description
    endpoint.events = _check_events(events)
    if reactivated:
        endpoint.consecutive_failures, endpoint.disabled_reason = 0, ""
        endpoint.disabled_at = None
    elif not is_active and endpoint.is_active:
        endpoint.disabled_reason = "Désactivé par un administrateur."
        endpoint.disabled_at = timezone.now()
    endpoint.is_active = is_active
    endpoint.save()
    journal_record(actor=acting_user, action=Entry.Action.SETTINGS_CHANGED, webhook=endpoint.pk,
                   change="updated", url=url, events=endpoint.events, is_active=is_active)
    if reactivated:
        now = timezone.now()
        pending = WebhookDelivery.objects.filter(endpoint=endpoint,
                                                 status=WebhookDelivery.Status.PENDING)
        pending.update(next_attempt_at=now)
        for delivery in pending:
            transaction.on_commit(lambda d=delivery: enqueue_webhook(d))
    return endpoint


@transaction.atomic
def webhook_delivery_replay(*, delivery: WebhookDelivery, acting_user) -> WebhookDelivery:
    """Send an event again, with the same `webhook-id`, and a fresh three-day window."""
    delivery = WebhookDelivery.objects.select_for_update(of=("self",)).select_related(
        "endpoint").get(pk=delivery.pk)
    if not delivery.endpoint.is_active:
        raise WebhookError("Ce webhook est désactivé : réactivez-le avant de renvoyer un "
                           "événement.")
    if delivery.status == WebhookDelivery.Status.PENDING:
        raise WebhookError("Cet événement est déjà en attente d'envoi.")
    now = timezone.now()
    delivery.status = WebhookDelivery.Status.PENDING
    delivery.next_attempt_at = now
    delivery.retry_until = now + dt.timedelta(days=settings.WEBHOOK_RETRY_DAYS)
    delivery.claimed_by, delivery.claimed_until = "", None
    delivery.save(update_fields=["status", "next_attempt_at", "retry_until", "claimed_by",
                                 "claimed_until"])
    journal_record(actor=acting_user, action=Entry.Action.SETTINGS_CHANGED,
                   webhook=delivery.endpoint_id, change="replayed", event_id=delivery.event_id)
    transaction.on_commit(lambda: enqueue_webhook(delivery))
    return delivery


def webhooks_deliver_due(limit: int = 500) -> int:
    """The periodic safety net (run by the scheduler, and by tests): send every due delivery,
    first attempts whose hand-over was lost, retries, and those whose worker's lease ran
    out. Returns how many were accepted now."""
    return sum(webhook_deliver(delivery_id=pk) for pk in webhooks_due(limit=limit))
