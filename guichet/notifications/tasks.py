"""The worker's side of notifications: claim a due row, send it, record the outcome, schedule
the retry. `services.notification_queue` enqueues `deliver`; nothing here imports `services`
(the arrows run one way: services → tasks), and the apps that care about outcomes (cases, for
the timeline) are told through `hooks`, never imported."""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django_tasks import task

from .hooks import notification_outcome_known
from .models import DeliveryAttempt, Notification
from .transports import email as email_transport
from .transports import sms as sms_transport

TRANSPORTS = {Notification.Channel.EMAIL: email_transport, Notification.Channel.SMS: sms_transport}

logger = logging.getLogger(__name__)


def retry_delay(attempts: int) -> dt.timedelta:
    """30 s, 1 min, 2 min, 4 min… capped at 6 hours."""
    seconds = settings.NOTIFICATION_RETRY_BASE_SECONDS * 2 ** max(0, attempts - 1)
    return dt.timedelta(seconds=min(seconds, 6 * 3600))


def notification_deliver(*, notification_id: int) -> bool:
    """Send one notification if it is still due. Returns True when it was sent now."""
    now = timezone.now()
    claimed = Notification.objects.filter(
        pk=notification_id, status=Notification.Status.PENDING, next_attempt_at__lte=now,
    ).update(status=Notification.Status.SENDING, claimed_at=now, attempts=F("attempts") + 1)
    if not claimed:
        return False
    notification = Notification.objects.select_related("case").get(pk=notification_id)
    error = ""
    try:
        TRANSPORTS[notification.channel].send(notification)
    except Exception as exc:  # any transport failure is retried, never lost
        error = f"{type(exc).__name__}: {exc}"[:2000]
        logger.warning("notification %s: delivery failed (%s)", notification.pk, type(exc).__name__)
    with transaction.atomic():
        _record_outcome(notification, error)
    return not error


def _record_outcome(notification: Notification, error: str) -> None:
    now = timezone.now()
    DeliveryAttempt.objects.create(notification=notification, success=not error, error=error)
    if not error:
        notification.status = Notification.Status.SENT
        notification.sent_at = now
        notification.last_error = ""
    elif notification.attempts >= settings.NOTIFICATION_MAX_ATTEMPTS:
        notification.status = Notification.Status.FAILED
        notification.last_error = error
    else:
        notification.status = Notification.Status.PENDING
        notification.last_error = error
        notification.next_attempt_at = now + retry_delay(notification.attempts)
    notification.save(update_fields=["status", "sent_at", "last_error", "next_attempt_at"])
    if notification.status == Notification.Status.PENDING:
        enqueue_delivery(notification, run_after=notification.next_attempt_at)
    else:
        notification_outcome_known(notification)


@task()
def deliver(notification_id: int) -> bool:
    return notification_deliver(notification_id=notification_id)


def enqueue_delivery(notification: Notification, run_after: dt.datetime | None = None) -> None:
    """Hand the delivery to the worker, in the caller's transaction (the task backend stores
    tasks in the same database)."""
    job = deliver
    if run_after is not None and job.get_backend().supports_defer:
        job = job.using(run_after=run_after)
    job.enqueue(notification.pk)
