"""Queueing and delivering notifications.

`notification_queue` writes the outbox row and enqueues the delivery task in the caller's
transaction (the task backend stores tasks in the same database), so a notification exists if and
only if what caused it was committed. Delivery claims the row before sending: two workers never
send the same one; a failure is retried with exponential backoff."""

from __future__ import annotations

import uuid

from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone

from guichet.lib import phones
from guichet.lib.urls import absolute_url

from .models import (
    ALWAYS_SENT,
    NOT_CHOSEN,
    Category,
    InAppItem,
    Notification,
    Preference,
    TransportHealth,
)
from .tasks import (
    LINK_LIFETIMES,
    claimable,
    delivery_policy,
    enqueue_batch_delivery,
    enqueue_delivery,
    notification_deliver,
    notifications_deliver_many,
    retry_delay,
    transports_alert_if_failing,
)

__all__ = ["enqueue_batch_delivery", "notification_centre_add", "notification_centre_mark_all_read",
           "notification_centre_mark_read", "notification_deliver", "preferences_save",
           "wants", "notification_queue", "notifications_deliver_due",
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


# The category of each message template; a caller may say another one (`category=`).
TEMPLATE_CATEGORIES = {
    "registration_receipt": Category.LEGAL, "procedure_acknowledgement": Category.LEGAL,
    "case_closed": Category.LEGAL, "payment_receipt": Category.LEGAL,
    "appointment_confirmed": Category.LEGAL, "appointment_cancelled": Category.LEGAL,
    "event_registration": Category.LEGAL,
    "agent_message": Category.REPLY,
    "report_progress": Category.STATUS, "report_fixed_question": Category.STATUS,
    "appointment_reminder": Category.REMINDER, "appointment_reminder_sms": Category.REMINDER,
    "procedure_draft_expiring": Category.REMINDER, "vault_document_expiring": Category.REMINDER,
    "event_offer": Category.BOOKING, "appointment_offer": Category.BOOKING,
    "magic_link": Category.ACCOUNT, "password_reset": Category.ACCOUNT,
    "email_verification": Category.ACCOUNT, "subscription_confirm": Category.ACCOUNT,
    "data_export_ready": Category.ACCOUNT, "account_deleted": Category.ACCOUNT,
    "account_delete_confirm": Category.ACCOUNT,
    "sla_digest": Category.STAFF, "procedure_implicit_warning": Category.STAFF,
    "webhook_disabled": Category.STAFF,
    "news_item": Category.ALERTS, "news_digest": Category.ALERTS,
    "news_emergency_sms": Category.ALERTS,
    "survey_invitation": Category.SURVEYS, "survey_reminder": Category.SURVEYS,
    "survey_synthesis": Category.SURVEYS, "satisfaction_request": Category.SURVEYS,
}
# Shown in the notification centre when they concern a resident with an account.
IN_APP_CATEGORIES = {Category.LEGAL, Category.REPLY, Category.STATUS, Category.REMINDER,
                     Category.BOOKING, Category.DOCUMENTS, Category.ALERTS, Category.SURVEYS}


def category_for(template: str) -> str:
    return TEMPLATE_CATEGORIES.get(template, Category.STATUS)


def notification_queue(*, template: str, recipient: str, context: dict, case=None,
                       user=None, mandatory: bool = False, channel: str = "email",
                       attachments: list[dict] | None = None, category: str | None = None,
                       headers: dict | None = None, in_app: bool = True,
                       batched: bool = False) -> Notification:
    """Write a notification to the outbox and enqueue its delivery in the same transaction.

    A message the resident turned off for its category and channel (`Preference`) is kept,
    marked skipped; legal notices and security messages (`ALWAYS_SENT`) and anything
    `mandatory` are always sent. When the message concerns a resident with an account (`user`,
    or the case's requester when the recipient is theirs), the same transaction adds the item
    to their notification centre (unless `in_app=False`: the caller writes its own).
    An SMS uses `templates/sms/<template>.txt`; email attachments are small texts (an .ics), or
    base64 text marked `"encoding": "base64"` (a PDF report).
    `batched=True`: no task of its own; the caller hands many at once to
    `enqueue_batch_delivery`, sent over one SMTP session behind the legal notices.
    """
    category = category or category_for(template)
    if user is None and case is not None and case.requester_id and recipient and \
            recipient.lower() == (case.requester_email or "").lower():
        user = case.requester
    if channel == Notification.Channel.SMS:
        subject, text, html = "", render_sms(template, context), ""
    else:
        subject, text, html = render_email(template, context)
    status, error, rejected = Notification.Status.PENDING, "", False
    if not mandatory and user is not None and not wants(user, category, channel):
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
    with transaction.atomic():
        notification = Notification.objects.create(
            uuid=key, message_id=f"<{key}@guichet>", case=case, template=template,
            recipient=recipient, subject=subject, body_text=text, body_html=html,
            mandatory=mandatory, legal=legal, retry_until=retry_until, status=status,
            channel=channel, attachments=attachments or [], created_at=now, next_attempt_at=now,
            last_error=error, rejected=rejected, category=category, headers=headers or {},
        )
        if in_app and user is not None and channel == Notification.Channel.EMAIL \
                and category in IN_APP_CATEGORIES:
            url = case.get_absolute_url() if case is not None else ""
            notification_centre_add(user=user, category=category, title=subject, url=url,
                                    legal=category in ALWAYS_SENT or mandatory)
        if status == Notification.Status.PENDING and not batched:
            enqueue_delivery(notification)
    return notification


def wants(user, category: str, channel: str) -> bool:
    """Whether `user` wants messages of `category` by `channel` (legal notices: always)."""
    if category in ALWAYS_SENT or category in NOT_CHOSEN:
        return True
    if not getattr(user, "pk", None):
        return Preference.DEFAULTS.get(channel, False)
    chosen = Preference.objects.filter(user=user, category=category, channel=channel
                                       ).values_list("enabled", flat=True).first()
    return Preference.DEFAULTS.get(channel, False) if chosen is None else chosen


def preferences_grid(user) -> list[dict]:
    """The preferences page: one row per category, one cell per channel, with its state and
    whether it can be changed."""
    chosen = {(p.category, p.channel): p.enabled
              for p in Preference.objects.filter(user=user)}
    rows = []
    for category in Category:
        if category in NOT_CHOSEN:
            continue
        locked = category in ALWAYS_SENT
        cells = []
        for channel in Preference.Channel:
            enabled = True if locked and channel != Preference.Channel.SMS else chosen.get(
                (category.value, channel.value), Preference.DEFAULTS[channel])
            cells.append({"channel": channel, "name": f"{category.value}__{channel.value}",
                          "enabled": enabled, "locked": locked})
        rows.append({"category": category, "locked": locked, "cells": cells})
    return rows


@transaction.atomic
def preferences_save(*, user, enabled: set[str], acting_user) -> int:
    """Store the whole grid from the set of checked `<category>__<channel>` names; the legal
    categories are not changed (they are always sent). Returns the number of switches off."""
    from guichet.journal.models import Entry
    from guichet.journal.services import journal_record

    off = 0
    for category in Category:
        if category in ALWAYS_SENT or category in NOT_CHOSEN:
            continue
        for channel in Preference.Channel:
            on = f"{category.value}__{channel.value}" in enabled
            off += not on
            Preference.objects.update_or_create(user=user, category=category, channel=channel,
                                                defaults={"enabled": on})
    journal_record(actor=acting_user, action=Entry.Action.SETTINGS_CHANGED, person=user,
                   notification_preferences=sorted(enabled))
    return off


def notification_centre_add(*, user, category: str, title: str, url: str = "", body: str = "",
                            legal: bool = False, dedupe_key: str = "") -> InAppItem | None:
    """Add an item to `user`'s notification centre (the hook for every app: surveys call it
    with `category=Category.SURVEYS`). Respects the in-app preference of the category
    (legal notices are always shown). With `dedupe_key`, a second call with the same key adds
    nothing (fan-outs re-run by a restarted worker). Returns the item, or None if not added."""
    if user is None or not getattr(user, "pk", None):
        return None
    if not legal and not wants(user, category, Preference.Channel.INAPP):
        return None
    if dedupe_key:
        item, created = InAppItem.objects.get_or_create(
            user=user, dedupe_key=dedupe_key,
            defaults={"category": category, "title": title[:250], "url": url[:500],
                      "body": body, "legal": legal})
        return item if created else None
    return InAppItem.objects.create(user=user, category=category, title=title[:250],
                                    url=url[:500], body=body, legal=legal)


def notification_centre_mark_read(*, user, item_id: int) -> bool:
    """Mark one of `user`'s items read; False when it is not theirs (or already read)."""
    return bool(InAppItem.objects.filter(user=user, pk=item_id, read_at__isnull=True)
                .update(read_at=timezone.now()))


def notification_centre_mark_all_read(*, user) -> int:
    return InAppItem.objects.filter(user=user, read_at__isnull=True).update(
        read_at=timezone.now())


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
        .order_by("-legal", "next_attempt_at").values_list("pk", flat=True)[:limit]
    )
    return notifications_deliver_many(ids)
