"""The worker's side of notifications: claim a due row under a lease, send it, mark it sent,
schedule the retry. `services.notification_queue` enqueues `deliver`; nothing here imports
`services` (the arrows run one way: services → tasks), and the apps that care about outcomes
(cases, for the timeline) are told through `hooks`, never imported.

Delivery is exactly-once per notification in the database and at-most-twice on the wire, with
the same Message-ID: a worker claims a row with a lease (`claimed_by`, `claimed_until`; `SELECT …
FOR UPDATE SKIP LOCKED` on PostgreSQL, a conditional UPDATE on SQLite); while the lease runs no
other worker takes it; the sent marker is committed right after the SMTP server accepted the
message. Only a worker killed between those two instants leaves a message that another worker
sends again once the lease has expired — with the Message-ID stored on the row, so the receiving
side can drop the copy."""

from __future__ import annotations

import datetime as dt
import logging
import os
import smtplib
import socket

from django.conf import settings
from django.core.mail import get_connection, send_mail
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone
from django_tasks import task

from .hooks import notification_outcome_known
from .models import DeliveryAttempt, Notification, TransportHealth
from .transports import email as email_transport
from .transports import sms as sms_transport

TRANSPORTS = {Notification.Channel.EMAIL: email_transport, Notification.Channel.SMS: sms_transport}

# Messages carrying a link that stops working after a while: retrying past its lifetime is
# pointless (the resident asks for a new one), so they give up when the link expires.
LINK_LIFETIMES = {"magic_link": "MAGIC_LINK_MAX_AGE", "password_reset": "PASSWORD_RESET_TIMEOUT",
                  "email_verification": "EMAIL_VERIFICATION_MAX_AGE"}

CHANNEL_PLURALS = {"email": "courriels", "sms": "SMS"}

logger = logging.getLogger(__name__)


def delivery_policy(*, template: str, mandatory: bool, has_case: bool,
                    now: dt.datetime) -> tuple[bool, dt.datetime | None]:
    """(legal, retry_until) for a new notification.

    - a link (magic link, password reset, address check): retried until the link expires;
    - a legal notice — anything mandatory or about a case (receipts, acknowledgements, replies,
      decisions, appointment confirmations): retried for NOTIFICATION_LEGAL_RETRY_DAYS, and
      taken up again when the transport comes back if it failed all the same;
    - anything else (news for followers, reminders of the vault): NOTIFICATION_MAX_ATTEMPTS.
    """
    if template in LINK_LIFETIMES:
        lifetime = int(getattr(settings, LINK_LIFETIMES[template]))
        return False, now + dt.timedelta(seconds=lifetime)
    if mandatory or has_case:
        return True, now + dt.timedelta(days=settings.NOTIFICATION_LEGAL_RETRY_DAYS)
    return False, None


def retry_delay(attempts: int) -> dt.timedelta:
    """30 s, 1 min, 2 min, 4 min… capped at NOTIFICATION_RETRY_MAX_SECONDS (1 hour)."""
    seconds = settings.NOTIFICATION_RETRY_BASE_SECONDS * 2 ** min(max(0, attempts - 1), 30)
    return dt.timedelta(seconds=min(seconds, settings.NOTIFICATION_RETRY_MAX_SECONDS))


def worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"[:100]


def claimable(now: dt.datetime) -> Q:
    """Due and free, or leased by a worker whose lease has run out (it died)."""
    return (Q(status=Notification.Status.PENDING, next_attempt_at__lte=now)
            | Q(status=Notification.Status.SENDING, claimed_until__lt=now))


def notification_claim(*, notification_id: int, now: dt.datetime | None = None) -> bool:
    """Take the lease on one notification; False when it is not due or another worker holds it."""
    now = now or timezone.now()
    lease = {"status": Notification.Status.SENDING, "claimed_at": now, "claimed_by": worker_id(),
             "claimed_until": now + dt.timedelta(seconds=settings.NOTIFICATION_LEASE_SECONDS),
             "attempts": F("attempts") + 1}
    rows = Notification.objects.filter(claimable(now), pk=notification_id)
    if connection.vendor == "postgresql":
        # A row another worker is claiming right now is skipped, not waited for.
        with transaction.atomic():
            if not rows.select_for_update(skip_locked=True).values_list("pk", flat=True):
                return False
            return bool(Notification.objects.filter(pk=notification_id).update(**lease))
    # SQLite has one writer at a time: the conditional UPDATE is the claim.
    return bool(rows.update(**lease))


def notification_deliver(*, notification_id: int, connection=None) -> bool:
    """Send one notification if it is due and not leased. Returns True when it was sent now.
    An email goes over `connection` when given (a batch shares one SMTP session)."""
    if not notification_claim(notification_id=notification_id):
        return False
    notification = Notification.objects.select_related("case").get(pk=notification_id)
    error, permanent = "", False
    try:
        if notification.channel == Notification.Channel.EMAIL:
            email_transport.send(notification, connection=connection)
        else:
            TRANSPORTS[notification.channel].send(notification)
    except Exception as exc:  # any transport failure is retried, never lost
        error = f"{type(exc).__name__}: {exc}"[:2000]
        permanent = is_permanent(exc)
        logger.warning("notification %s: delivery failed (%s)", notification.pk, type(exc).__name__)
        if connection is not None and not permanent:
            connection.close()  # the next message of the batch opens a fresh session
    with transaction.atomic():
        _record_outcome(notification, error, permanent)
    if error and not permanent:
        transports_alert_if_failing()
    return not error


def notifications_deliver_many(notification_ids) -> int:
    """Send these one after the other, the emails over one SMTP session (a batch of digests,
    the periodic safety net): a session per message is what made 50,000 digests take hours.
    Each message keeps its own claim, sent marker and retry. Returns how many were sent."""
    smtp = get_connection(fail_silently=False)
    sent = 0
    try:
        for pk in notification_ids:
            if getattr(smtp, "connection", True) is None:  # not open yet, or closed on an error
                try:
                    smtp.open()
                except OSError:
                    pass  # the send below fails the same way and is recorded, then retried
            sent += notification_deliver(notification_id=pk, connection=smtp)
    finally:
        smtp.close()
    return sent


def is_permanent(exc: Exception) -> bool:
    """The SMTP server refused the message for good (5xx): the address or the message is wrong,
    retrying will not help. Anything else (refused connection, timeout, 4xx) is transient."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in exc.recipients.values()]
        return bool(codes) and all(code >= 500 for code in codes)
    if isinstance(exc, smtplib.SMTPResponseException):
        return exc.smtp_code >= 500
    return False


def _record_outcome(notification: Notification, error: str, permanent: bool) -> None:
    now = timezone.now()
    if not error:
        # The sent marker first, in the transaction that follows the SMTP transaction.
        notification.status = Notification.Status.SENT
        notification.sent_at = now
        notification.last_error = ""
    else:
        notification.last_error = error
        delay = retry_delay(notification.attempts)
        if notification.retry_until is not None:
            exhausted = now + delay > notification.retry_until
        else:
            exhausted = notification.attempts >= settings.NOTIFICATION_MAX_ATTEMPTS
        if permanent or exhausted:
            notification.status = Notification.Status.FAILED
            notification.failed_at = now
            notification.rejected = permanent
        else:
            notification.status = Notification.Status.PENDING
            notification.next_attempt_at = now + delay
    notification.claimed_by, notification.claimed_until = "", None
    notification.save(update_fields=["status", "sent_at", "last_error", "next_attempt_at",
                                     "failed_at", "rejected", "claimed_by", "claimed_until"])
    DeliveryAttempt.objects.create(notification=notification, success=not error, error=error)
    if not error:
        _transport_works(notification.channel, now)
    elif not permanent:
        _transport_fails(notification.channel, error, now)
    if notification.status == Notification.Status.PENDING:
        enqueue_delivery(notification, run_after=notification.next_attempt_at)
    else:
        notification_outcome_known(notification)


def _transport_works(channel: str, now: dt.datetime) -> None:
    # Matches nothing unless the transport was failing: no write on the common path.
    TransportHealth.objects.filter(channel=channel, failing_since__isnull=False).update(
        failing_since=None, alerted_at=None, recovered_at=now, last_error="")


def _transport_fails(channel: str, error: str, now: dt.datetime) -> None:
    TransportHealth.objects.bulk_create([TransportHealth(channel=channel)], ignore_conflicts=True)
    TransportHealth.objects.filter(channel=channel, failing_since__isnull=True).update(
        failing_since=now, alerted_at=None)
    TransportHealth.objects.filter(channel=channel).update(last_error=error[:500])


def transports_alert_if_failing(now: dt.datetime | None = None) -> int:
    """Tell the administrators, once per outage, that a transport has been failing for
    NOTIFICATION_ALERT_AFTER_MINUTES: an ERROR log line and an email to NOTIFICATION_ALERT_EMAILS
    (which cannot leave if the SMTP server itself is down: the log line and the back-office
    warning are the signals that always work)."""
    now = now or timezone.now()
    limit = now - dt.timedelta(minutes=settings.NOTIFICATION_ALERT_AFTER_MINUTES)
    alerted = 0
    for health in TransportHealth.objects.filter(failing_since__lte=limit,
                                                 alerted_at__isnull=True):
        # Conditional: of several workers noticing at once, one sends the alert.
        if not TransportHealth.objects.filter(pk=health.pk, alerted_at__isnull=True,
                                              failing_since=health.failing_since).update(
                alerted_at=now):
            continue
        alerted += 1
        label = CHANNEL_PLURALS[health.channel]
        since = timezone.localtime(health.failing_since)
        waiting = Notification.objects.filter(
            channel=health.channel,
            status__in=[Notification.Status.PENDING, Notification.Status.SENDING]).count()
        logger.error("notifications: %s transport failing since %s (%s); %d waiting",
                     health.channel, since.isoformat(), health.last_error, waiting)
        recipients = settings.NOTIFICATION_ALERT_EMAILS
        if not recipients:
            continue
        subject = f"[Guichet] Envoi des {label} en échec depuis le {since:%d/%m/%Y à %H:%M}"
        body = (f"L'envoi des {label} échoue depuis le {since:%d/%m/%Y à %H:%M}.\n"
                f"Dernière erreur : {health.last_error}\n"
                f"{waiting} notification(s) en attente : elles sont réessayées et partiront dès "
                f"que l'envoi fonctionnera de nouveau ; les avis à valeur légale en échec "
                f"seront renvoyés à ce moment-là.\n")
        try:
            send_mail(subject, body, settings.SERVER_EMAIL, recipients, fail_silently=False)
        except Exception as exc:
            logger.error("notifications: the alert email could not be sent either (%s)",
                         type(exc).__name__)
    return alerted


# Legal notices (receipts, acknowledgements, decisions) go before everything else in the queue,
# bulk sends (digests, news) after everything else: a burst of news never delays a receipt.
LEGAL_PRIORITY, BULK_PRIORITY = 10, -10


@task()
def deliver(notification_id: int) -> bool:
    return notification_deliver(notification_id=notification_id)


@task(priority=BULK_PRIORITY)
def deliver_batch(notification_ids: list[int]) -> int:
    return notifications_deliver_many(notification_ids)


def enqueue_delivery(notification: Notification, run_after: dt.datetime | None = None) -> None:
    """Hand the delivery to the worker, in the caller's transaction (the task backend stores
    tasks in the same database)."""
    job = deliver
    backend = job.get_backend()
    if notification.legal and backend.supports_priority:
        job = job.using(priority=LEGAL_PRIORITY)
    if run_after is not None and backend.supports_defer:
        job = job.using(run_after=run_after)
    job.enqueue(notification.pk)


def enqueue_batch_delivery(notification_ids: list[int]) -> None:
    """One task for many notifications written with `batched=True`, behind the legal ones."""
    if notification_ids:
        deliver_batch.enqueue(list(notification_ids))
