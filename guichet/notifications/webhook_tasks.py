"""The worker's side of webhooks, on the pattern of the notification outbox (`tasks`): claim a
due delivery under a lease (`SELECT … FOR UPDATE SKIP LOCKED` on PostgreSQL, a conditional
UPDATE on SQLite), POST it signed, record the answer, schedule the retry.

An event reaches a receiver at least once and, in the database, is accepted once: the
`webhook-id` is the same on every attempt, so the only duplicate — a worker killed between the
receiver's 2xx and the commit of `succeeded`, sent again once its lease ran out — is one the
receiver recognises and drops."""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone
from django_tasks import task

from .models import Category, WebhookDelivery, WebhookEndpoint
from .services import notification_queue
from .tasks import worker_id
from .transports import webhook as webhook_transport

logger = logging.getLogger(__name__)

# Seconds before the next attempt after the 1st, 2nd… failed one; then the last, until
# WEBHOOK_RETRY_DAYS have passed.
RETRY_SCHEDULE = (30, 120, 600, 3600, 6 * 3600)

Status = WebhookDelivery.Status


def webhook_retry_delay(attempts: int) -> dt.timedelta:
    """30 s, 2 min, 10 min, 1 h, then 6 h between attempts."""
    index = min(max(attempts, 1), len(RETRY_SCHEDULE)) - 1
    return dt.timedelta(seconds=RETRY_SCHEDULE[index])


def is_retried(status_code: int | None) -> bool:
    """No answer (timeout, refused connection), 408, 429 or 5xx: the receiver may take it later.
    Any other 4xx (and a redirect, not followed) says the request itself is refused."""
    return status_code is None or status_code in (408, 429) or status_code >= 500


def webhook_claimable(now: dt.datetime) -> Q:
    """Due, for an active endpoint, and not leased (or leased by a worker that died)."""
    return (Q(status=Status.PENDING, next_attempt_at__lte=now, endpoint__is_active=True)
            & (Q(claimed_until__isnull=True) | Q(claimed_until__lt=now)))


def webhook_claim(*, delivery_id: int, now: dt.datetime | None = None) -> bool:
    """Take the lease on one delivery; False when it is not due or another worker holds it."""
    now = now or timezone.now()
    lease = {"claimed_by": worker_id(), "attempts": F("attempts") + 1,
             "claimed_until": now + dt.timedelta(seconds=settings.WEBHOOK_LEASE_SECONDS)}
    rows = WebhookDelivery.objects.filter(webhook_claimable(now), pk=delivery_id)
    if connection.vendor == "postgresql":
        # A row another worker is claiming right now is skipped, not waited for.
        with transaction.atomic():
            if not rows.select_for_update(skip_locked=True, of=("self",)
                                          ).values_list("pk", flat=True):
                return False
            return bool(WebhookDelivery.objects.filter(pk=delivery_id).update(**lease))
    # SQLite has one writer at a time: the conditional UPDATE is the claim.
    return bool(rows.update(**lease))


def webhook_deliver(*, delivery_id: int) -> bool:
    """Send one delivery if it is due and not leased. True when the receiver accepted it now."""
    if not webhook_claim(delivery_id=delivery_id):
        return False
    delivery = WebhookDelivery.objects.select_related("endpoint").get(pk=delivery_id)
    answer = webhook_transport.send(url=delivery.endpoint.url, secret=delivery.endpoint.secret,
                                    event_id=delivery.event_id, payload=delivery.payload,
                                    timeout=settings.WEBHOOK_TIMEOUT_SECONDS)
    ok = answer.status_code is not None and 200 <= answer.status_code < 300
    if not ok:
        logger.warning("webhook delivery %s to endpoint %s failed: %s", delivery.pk,
                       delivery.endpoint_id, answer.error or answer.status_code)
    with transaction.atomic():
        _record_outcome(delivery, answer, ok)
    return ok


def _record_outcome(delivery: WebhookDelivery, answer, ok: bool) -> None:
    now = timezone.now()
    delivery.last_status_code = answer.status_code
    delivery.last_response_ms = answer.elapsed_ms
    delivery.last_attempt_at = now
    if ok:
        delivery.status, delivery.delivered_at, delivery.last_error = Status.SUCCEEDED, now, ""
    else:
        delivery.last_error = answer.error or f"HTTP {answer.status_code}"
        delay = webhook_retry_delay(delivery.attempts)
        if not is_retried(answer.status_code):
            delivery.status = Status.FAILED
        elif delivery.retry_until is not None and now + delay > delivery.retry_until:
            delivery.status = Status.ABANDONED
        else:
            delivery.next_attempt_at = now + delay
    delivery.claimed_by, delivery.claimed_until = "", None
    delivery.save(update_fields=["status", "delivered_at", "last_error", "last_status_code",
                                 "last_response_ms", "last_attempt_at", "next_attempt_at",
                                 "claimed_by", "claimed_until"])
    endpoints = WebhookEndpoint.objects.filter(pk=delivery.endpoint_id)
    if ok:
        endpoints.exclude(consecutive_failures=0).update(consecutive_failures=0)
    else:
        endpoints.update(consecutive_failures=F("consecutive_failures") + 1)
        _disable_if_failing(delivery.endpoint_id, delivery.last_error)
    if delivery.status == Status.PENDING:
        enqueue_webhook(delivery, run_after=delivery.next_attempt_at)


def _disable_if_failing(endpoint_id: int, error: str) -> None:
    limit = settings.WEBHOOK_DISABLE_AFTER_FAILURES
    reason = f"Désactivé automatiquement après {limit} échecs consécutifs."
    # Conditional: of several workers seeing the limit reached, one disables and tells.
    if not WebhookEndpoint.objects.filter(pk=endpoint_id, is_active=True,
                                          consecutive_failures__gte=limit).update(
            is_active=False, disabled_reason=reason, disabled_at=timezone.now()):
        return
    endpoint = WebhookEndpoint.objects.select_related("organisation", "created_by"
                                                      ).get(pk=endpoint_id)
    logger.error("webhook endpoint %s (%s) disabled after %d failures", endpoint.pk,
                 endpoint.url, limit)
    context = {"endpoint": endpoint, "organisation": endpoint.organisation,
               "failures": endpoint.consecutive_failures, "last_error": error}
    for address in endpoint_administrators(endpoint):
        notification_queue(template="webhook_disabled", recipient=address, context=context,
                           mandatory=True, category=Category.STAFF, in_app=False)


def endpoint_administrators(endpoint: WebhookEndpoint) -> list[str]:
    """The addresses of the collectivité's administrators (membership role « admin » in one of
    its units), else of whoever created the endpoint. Read through the user model's relations:
    notifications does not import the accounts app, which uses it."""
    emails = list(get_user_model().objects.filter(
        is_active=True, memberships__role="admin",
        memberships__unit__organisation_id=endpoint.organisation_id,
    ).exclude(email="").values_list("email", flat=True).distinct().order_by("email"))
    if not emails and endpoint.created_by is not None and endpoint.created_by.email:
        emails = [endpoint.created_by.email]
    return emails


def webhooks_due(now: dt.datetime | None = None, limit: int = 500) -> list[int]:
    now = now or timezone.now()
    return list(WebhookDelivery.objects.filter(webhook_claimable(now))
                .order_by("next_attempt_at").values_list("pk", flat=True)[:limit])


@task()
def send_webhook(delivery_id: int) -> bool:
    return webhook_deliver(delivery_id=delivery_id)


def enqueue_webhook(delivery: WebhookDelivery, run_after: dt.datetime | None = None) -> None:
    """Hand the delivery to the worker (the task backend stores tasks in the same database)."""
    job = send_webhook
    if run_after is not None and job.get_backend().supports_defer:
        job = job.using(run_after=run_after)
    job.enqueue(delivery.pk)
