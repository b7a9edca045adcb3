"""Queueing and delivering notifications.

`notification_queue` writes the outbox row and enqueues the delivery task in the caller's
transaction (the task backend stores tasks in the same database), so a notification exists if and
only if what caused it was committed. Delivery claims the row before sending: two workers never
send the same one; a failure is retried with exponential backoff."""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone

from .models import DeliveryAttempt, Notification
from .transports import email as email_transport
from .transports import sms as sms_transport

TRANSPORTS = {Notification.Channel.EMAIL: email_transport, Notification.Channel.SMS: sms_transport}

logger = logging.getLogger(__name__)


def render_email(template: str, context: dict) -> tuple[str, str, str]:
    base = f"emails/{template}"
    context = {"site_url": settings.SITE_URL, **context}
    subject = " ".join(render_to_string(f"{base}.subject", context).split())
    text = render_to_string(f"{base}.txt", context)
    html = render_to_string(f"{base}.html", context)
    return subject, text, html


def render_sms(template: str, context: dict) -> str:
    context = {"site_url": settings.SITE_URL, **context}
    return " ".join(render_to_string(f"sms/{template}.txt", context).split())


def notification_queue(*, template: str, recipient: str, context: dict, case=None,
                       user=None, mandatory: bool = False, channel: str = "email",
                       attachments: list[dict] | None = None) -> Notification:
    """Write a notification to the outbox and enqueue its delivery in the same transaction.

    A non-mandatory message to a resident who turned optional emails off is kept, marked skipped.
    An SMS uses `templates/sms/<template>.txt`; email attachments are small texts (an .ics).
    """
    if channel == Notification.Channel.SMS:
        subject, text, html = "", render_sms(template, context), ""
    else:
        subject, text, html = render_email(template, context)
    status = Notification.Status.PENDING
    if not mandatory and user is not None and not _wants_optional_emails(user):
        status = Notification.Status.SKIPPED
    notification = Notification.objects.create(
        case=case, template=template, recipient=recipient, subject=subject, body_text=text,
        body_html=html, mandatory=mandatory, status=status, channel=channel,
        attachments=attachments or [],
    )
    if status == Notification.Status.PENDING:
        _enqueue(notification)
    return notification


def _wants_optional_emails(user) -> bool:
    profile = getattr(user, "profile", None)
    return profile is None or profile.optional_emails


def _enqueue(notification: Notification, run_after: dt.datetime | None = None) -> None:
    from .tasks import deliver

    task = deliver
    if run_after is not None and task.get_backend().supports_defer:
        task = task.using(run_after=run_after)
    task.enqueue(notification.pk)


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
    from guichet.cases.services import case_record_notification

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
        _enqueue(notification, run_after=notification.next_attempt_at)
    elif notification.case_id:
        case_record_notification(case=notification.case, notification=notification)


def notifications_requeue_stale() -> int:
    """Give back to the queue deliveries claimed by a worker that died before finishing."""
    limit = timezone.now() - dt.timedelta(seconds=settings.NOTIFICATION_STALE_SECONDS)
    return Notification.objects.filter(
        status=Notification.Status.SENDING, claimed_at__lt=limit,
    ).update(status=Notification.Status.PENDING, next_attempt_at=timezone.now())


def notifications_deliver_due(limit: int = 500) -> int:
    """Deliver every due notification now (safety net run by the scheduler, and by tests)."""
    notifications_requeue_stale()
    ids = list(
        Notification.objects.filter(status=Notification.Status.PENDING,
                                    next_attempt_at__lte=timezone.now())
        .order_by("next_attempt_at").values_list("pk", flat=True)[:limit]
    )
    return sum(notification_deliver(notification_id=pk) for pk in ids)
