"""Queueing and delivering notifications.

`notification_queue` writes the outbox row and enqueues the delivery task in the caller's
transaction (the task backend stores tasks in the same database), so a notification exists if and
only if what caused it was committed. Delivery claims the row before sending: two workers never
send the same one; a failure is retried with exponential backoff."""

from __future__ import annotations

import uuid

from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone

from guichet.lib import phones
from guichet.lib.urls import absolute_url

from .models import Notification, TransportHealth
from .tasks import (
    LINK_LIFETIMES,
    claimable,
    delivery_policy,
    enqueue_delivery,
    notification_deliver,
    retry_delay,
    transports_alert_if_failing,
)

__all__ = ["notification_deliver", "notification_queue", "notifications_deliver_due",
           "notifications_requeue_stale", "notifications_resend_failed", "render_email",
           "render_sms", "retry_delay", "transports_alert_if_failing"]


def render_email(template: str, context: dict) -> tuple[str, str, str]:
    base = f"emails/{template}"
    context = {"site_url": absolute_url(""), **context}
    subject = " ".join(render_to_string(f"{base}.subject", context).split())
    text = render_to_string(f"{base}.txt", context)
    html = render_to_string(f"{base}.html", context)
    return subject, text, html


def render_sms(template: str, context: dict) -> str:
    context = {"site_url": absolute_url(""), **context}
    return " ".join(render_to_string(f"sms/{template}.txt", context).split())


def notification_queue(*, template: str, recipient: str, context: dict, case=None,
                       user=None, mandatory: bool = False, channel: str = "email",
                       attachments: list[dict] | None = None) -> Notification:
    """Write a notification to the outbox and enqueue its delivery in the same transaction.

    A non-mandatory message to a resident who turned optional emails off is kept, marked skipped.
    An SMS uses `templates/sms/<template>.txt`; email attachments are small texts (an .ics), or
    base64 text marked `"encoding": "base64"` (a PDF report).
    """
    if channel == Notification.Channel.SMS:
        subject, text, html = "", render_sms(template, context), ""
    else:
        subject, text, html = render_email(template, context)
    status, error, rejected = Notification.Status.PENDING, "", False
    if not mandatory and user is not None and not _wants_optional_emails(user):
        status = Notification.Status.SKIPPED
    if channel == Notification.Channel.SMS:
        # An SMS goes only to a French mobile; a landline or a typo is never sent to.
        if phones.is_french_mobile(recipient):
            recipient = phones.normalise(recipient)
        else:
            # Refused for good: resending after an outage would not make it a mobile.
            status, error, rejected = Notification.Status.FAILED, "numéro non mobile", True
    key, now = uuid.uuid4(), timezone.now()
    legal, retry_until = delivery_policy(template=template, mandatory=mandatory,
                                         has_case=case is not None, now=now)
    notification = Notification.objects.create(
        uuid=key, message_id=f"<{key}@guichet>", case=case, template=template,
        recipient=recipient, subject=subject, body_text=text, body_html=html,
        mandatory=mandatory, legal=legal, retry_until=retry_until, status=status,
        channel=channel, attachments=attachments or [], created_at=now, next_attempt_at=now,
        last_error=error, rejected=rejected,
    )
    if status == Notification.Status.PENDING:
        enqueue_delivery(notification)
    return notification


def _wants_optional_emails(user) -> bool:
    profile = getattr(user, "profile", None)
    return profile is None or profile.optional_emails


def notifications_requeue_stale() -> int:
    """Give back to the queue deliveries whose worker's lease ran out (it died before finishing).
    `notifications_deliver_due` takes them up directly; this is for callers that only requeue."""
    now = timezone.now()
    return Notification.objects.filter(
        status=Notification.Status.SENDING, claimed_until__lt=now,
    ).update(status=Notification.Status.PENDING, next_attempt_at=now, claimed_by="",
             claimed_until=None)


def notifications_resend_failed(*, channel: str | None = None, only_legal: bool = True,
                                recovered_only: bool = False) -> int:
    """Put failed notifications back in the queue with a fresh retry window.

    Never those the receiving server refused for good (`rejected`), nor links (they expired).
    With `recovered_only`, only those that failed before their transport last came back: the
    periodic job calls it so that legal notices lost to an outage go out once it is over.
    """
    now = timezone.now()
    failed = Notification.objects.filter(status=Notification.Status.FAILED, rejected=False
                                         ).exclude(template__in=list(LINK_LIFETIMES))
    if only_legal:
        failed = failed.filter(legal=True)
    if channel:
        failed = failed.filter(channel=channel)
    if recovered_only:
        recovered = Q(pk__in=[])
        for health in TransportHealth.objects.filter(failing_since__isnull=True,
                                                     recovered_at__isnull=False):
            recovered |= Q(channel=health.channel, failed_at__lt=health.recovered_at)
        failed = failed.filter(recovered)
    resumed = 0
    for notification in failed.order_by("created_at").iterator():
        _legal, retry_until = delivery_policy(template=notification.template,
                                              mandatory=notification.mandatory,
                                              has_case=notification.case_id is not None, now=now)
        if Notification.objects.filter(pk=notification.pk, status=Notification.Status.FAILED
                                       ).update(status=Notification.Status.PENDING,
                                                next_attempt_at=now, failed_at=None,
                                                retry_until=retry_until):
            resumed += 1
            enqueue_delivery(notification)
    return resumed


def notifications_deliver_due(limit: int = 500) -> int:
    """The periodic safety net (run by the scheduler, and by tests): resend failed legal notices
    if their transport came back, alert the administrators of a transport failing for too long,
    and deliver every due notification, including those whose worker's lease ran out."""
    notifications_resend_failed(recovered_only=True)
    transports_alert_if_failing()
    now = timezone.now()
    ids = list(
        Notification.objects.filter(claimable(now))
        .order_by("next_attempt_at").values_list("pk", flat=True)[:limit]
    )
    return sum(notification_deliver(notification_id=pk) for pk in ids)
