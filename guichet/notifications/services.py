"""Queueing and delivering notifications.

`notification_queue` writes the outbox row and enqueues the delivery task in the caller's
transaction (the task backend stores tasks in the same database), so a notification exists if and
only if what caused it was committed. Delivery claims the row before sending: two workers never
send the same one; a failure is retried with exponential backoff."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone

from guichet.lib import phones

from .models import Notification
from .tasks import enqueue_delivery, notification_deliver, retry_delay

__all__ = ["notification_deliver", "notification_queue", "notifications_deliver_due",
           "notifications_requeue_stale", "render_email", "render_sms", "retry_delay"]


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
    status, error = Notification.Status.PENDING, ""
    if not mandatory and user is not None and not _wants_optional_emails(user):
        status = Notification.Status.SKIPPED
    if channel == Notification.Channel.SMS:
        # An SMS goes only to a French mobile; a landline or a typo is never sent to.
        if phones.is_french_mobile(recipient):
            recipient = phones.normalise(recipient)
        else:
            status, error = Notification.Status.FAILED, "numéro non mobile"
    notification = Notification.objects.create(
        case=case, template=template, recipient=recipient, subject=subject, body_text=text,
        body_html=html, mandatory=mandatory, status=status, channel=channel,
        attachments=attachments or [], last_error=error,
    )
    if status == Notification.Status.PENDING:
        enqueue_delivery(notification)
    return notification


def _wants_optional_emails(user) -> bool:
    profile = getattr(user, "profile", None)
    return profile is None or profile.optional_emails


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
