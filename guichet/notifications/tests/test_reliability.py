"""Delivery that survives an SMTP outage of hours and a worker killed mid-send: the lease, the
fixed Message-ID, the legal retry schedule, the administrators' alert, the resend on recovery.
Everything goes through a real SMTP server (aiosmtpd) or a closed port on loopback."""

import datetime as dt
import logging
import socket

from django.core.management import call_command
from django.utils import timezone

from guichet.accounts.services import magic_link_send
from guichet.cases.models import Event
from guichet.contact.services import contact_submit
from guichet.notifications.models import Notification, TransportHealth
from guichet.notifications.services import (
    notification_deliver,
    notifications_deliver_due,
    retry_delay,
)
from guichet.notifications.tasks import email_transport, notification_claim

from .conftest import make_due


def fail_many_times(notification, times):
    for _ in range(times):
        make_due(notification)
        notifications_deliver_due()
    notification.refresh_from_db()


def closed_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# The lease

def test_a_second_worker_cannot_claim_a_leased_message(smtp, case):
    smtp.start()
    notification = case.notifications.get()
    assert notification_claim(notification_id=notification.pk)  # worker A, still sending
    notification.refresh_from_db()
    assert notification.status == Notification.Status.SENDING
    assert notification.claimed_by and notification.claimed_until > timezone.now()

    assert notification_claim(notification_id=notification.pk) is False  # worker B
    assert notification_deliver(notification_id=notification.pk) is False
    assert notifications_deliver_due() == 0
    assert smtp.messages == []


def test_an_expired_lease_is_taken_up_with_the_same_message_id(smtp, case):
    """Worker A had the SMTP server accept the message, then was killed before writing the sent
    marker: once its lease runs out the message goes again, with the same Message-ID, so the
    receiving side sees a duplicate it can drop, never a second, different message."""
    smtp.start()
    notification = case.notifications.get()
    assert notification_claim(notification_id=notification.pk)
    email_transport.send(notification)  # accepted… and worker A dies here
    assert notifications_deliver_due() == 0  # the lease still runs

    Notification.objects.filter(pk=notification.pk).update(
        claimed_until=timezone.now() - dt.timedelta(seconds=1))
    assert notifications_deliver_due() == 1
    notification.refresh_from_db()
    assert notification.status == Notification.Status.SENT
    assert notification.attempts == 2
    assert [m["Message-ID"] for m in smtp.messages] == [notification.message_id] * 2
    assert case.events.filter(kind=Event.Kind.RECEIPT_SENT).count() == 1


def test_the_message_id_is_stored_once_and_reused_on_every_attempt(smtp, case):
    notification = case.notifications.get()
    stored = notification.message_id
    assert stored == f"<{notification.uuid}@guichet>"
    fail_many_times(notification, 3)  # server down
    assert notification.attempts == 3
    smtp.start()
    make_due(notification)
    assert notifications_deliver_due() == 1
    notification.refresh_from_db()
    assert notification.message_id == stored
    assert [m["Message-ID"] for m in smtp.messages] == [stored]


# The retry schedule

def test_the_backoff_is_capped_at_one_hour(settings):
    assert [retry_delay(n).total_seconds() for n in (1, 2, 3)] == [30, 60, 120]
    assert retry_delay(8) == dt.timedelta(hours=1)
    assert retry_delay(200) == dt.timedelta(hours=1)


def test_a_receipt_outlives_a_long_outage_and_gives_up_after_seven_days(smtp, case):
    notification = case.notifications.get()
    assert notification.legal
    assert notification.retry_until - notification.created_at == dt.timedelta(days=7)
    fail_many_times(notification, 12)  # more than NOTIFICATION_MAX_ATTEMPTS (8)
    assert notification.status == Notification.Status.PENDING
    assert notification.next_attempt_at - timezone.now() <= dt.timedelta(hours=1)

    Notification.objects.filter(pk=notification.pk).update(
        retry_until=timezone.now() + dt.timedelta(minutes=30))
    fail_many_times(notification, 1)  # the next try would be past the seven days
    assert notification.status == Notification.Status.FAILED
    assert notification.failed_at is not None
    assert case.events.filter(kind=Event.Kind.NOTIFICATION_FAILED).count() == 1


def test_a_magic_link_gives_up_when_it_expires(smtp, settings, resident):
    settings.MAGIC_LINK_MAX_AGE = 15 * 60
    magic_link_send(email=resident.email)
    notification = Notification.objects.get(template="magic_link")
    assert not notification.legal
    assert notification.retry_until - notification.created_at == dt.timedelta(minutes=15)
    fail_many_times(notification, 1)
    assert notification.status == Notification.Status.PENDING
    # 14 min 40 s later: the link dies in 20 s, the next try would come after it.
    Notification.objects.filter(pk=notification.pk).update(
        retry_until=timezone.now() + dt.timedelta(seconds=20))
    fail_many_times(notification, 1)
    assert notification.status == Notification.Status.FAILED
    smtp.start()
    assert notifications_deliver_due() == 0  # never resent: the link has expired


def test_an_informational_message_still_stops_after_the_maximum_attempts(smtp, settings, unit):
    settings.NOTIFICATION_MAX_ATTEMPTS = 3
    contact_submit(unit=unit, subject="Poubelles", message="Non ramassées.", name="Marc",
                   email="marc@exemple.fr")
    notification = Notification.objects.get()
    Notification.objects.filter(pk=notification.pk).update(case=None, mandatory=False,
                                                           legal=False, retry_until=None)
    fail_many_times(notification, 3)
    assert notification.status == Notification.Status.FAILED


# The administrators' alert

def sms_row(recipient="+33612345678"):
    import uuid

    key = uuid.uuid4()
    return Notification.objects.create(uuid=key, message_id=f"<{key}@guichet>",
                                       channel=Notification.Channel.SMS, template="test_sms",
                                       recipient=recipient, subject="", body_text="Rappel",
                                       mandatory=True, legal=True,
                                       retry_until=timezone.now() + dt.timedelta(days=7))


def test_administrators_get_one_email_when_sms_have_been_failing_for_fifteen_minutes(
        smtp, settings, db):
    smtp.start()
    settings.SMS_BACKEND = "http"
    settings.SMS_HTTP_URL = f"http://127.0.0.1:{closed_port()}/sms"
    settings.NOTIFICATION_ALERT_EMAILS = ["exploitation@mairie.fr"]
    notification = sms_row()
    notifications_deliver_due()
    health = TransportHealth.objects.get(channel="sms")
    assert health.failing_since is not None
    assert smtp.messages == []  # not yet: it has failed for seconds

    TransportHealth.objects.filter(pk="sms").update(
        failing_since=timezone.now() - dt.timedelta(minutes=16))
    fail_many_times(notification, 1)
    fail_many_times(notification, 1)
    alerts = [m for m in smtp.messages if m["To"] == "exploitation@mairie.fr"]
    assert len(alerts) == 1
    assert alerts[0]["Subject"].strip().startswith("[Guichet] Envoi des SMS en échec depuis le ")
    assert "URLError" in alerts[0].get_body(("plain",)).get_content()


def test_a_failing_smtp_server_is_logged_once_as_an_error(smtp, settings, case, caplog):
    settings.NOTIFICATION_ALERT_EMAILS = ["exploitation@mairie.fr"]
    notification = case.notifications.get()
    notifications_deliver_due()
    TransportHealth.objects.filter(pk="email").update(
        failing_since=timezone.now() - dt.timedelta(minutes=20))
    with caplog.at_level(logging.ERROR, logger="guichet.notifications.tasks"):
        fail_many_times(notification, 3)
    errors = [r.getMessage() for r in caplog.records if r.levelno == logging.ERROR]
    assert len([e for e in errors if "email transport failing since" in e]) == 1
    assert any("alert email could not be sent either" in e for e in errors)


# Resending after recovery

def test_a_receipt_failed_during_an_outage_is_resent_once_smtp_works_again(smtp, case, unit):
    receipt = case.notifications.get()
    notifications_deliver_due()
    Notification.objects.filter(pk=receipt.pk).update(retry_until=timezone.now())
    fail_many_times(receipt, 1)
    assert receipt.status == Notification.Status.FAILED

    smtp.start()
    assert notifications_deliver_due() == 0  # nothing has shown yet that SMTP works again
    contact_submit(unit=unit, subject="Autre", message="Bonjour", name="Marc",
                   email="marc@exemple.fr")
    assert notifications_deliver_due() == 1  # a delivery succeeds: SMTP is back
    assert TransportHealth.objects.get(pk="email").failing_since is None
    assert notifications_deliver_due() == 1  # the failed receipt goes out
    receipt.refresh_from_db()
    assert receipt.status == Notification.Status.SENT
    assert sorted(m["To"] for m in smtp.messages) == ["alice@exemple.fr", "marc@exemple.fr"]
    assert case.events.filter(kind=Event.Kind.RECEIPT_SENT).count() == 1
    assert notifications_deliver_due() == 0


def test_resend_failed_takes_up_legal_notices_but_not_expired_links(smtp, case, resident):
    receipt = case.notifications.get()
    magic_link_send(email=resident.email)
    link = Notification.objects.get(template="magic_link")
    Notification.objects.filter(pk__in=[receipt.pk, link.pk]).update(
        status=Notification.Status.FAILED, failed_at=timezone.now())
    smtp.start()
    call_command("resend_failed")
    notifications_deliver_due()
    assert [m["To"] for m in smtp.messages] == ["alice@exemple.fr"]
    assert Notification.objects.get(pk=link.pk).status == Notification.Status.FAILED


def test_an_address_the_server_refuses_for_good_fails_at_once_and_is_not_resent(smtp, case,
                                                                                unit):
    async def refuse_alice(server, session, envelope, address, rcpt_options):
        if address == "alice@exemple.fr":
            return "550 5.1.1 Utilisateur inconnu"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    smtp.mailbox.handle_RCPT = refuse_alice
    smtp.start()
    receipt = case.notifications.get()
    notifications_deliver_due()
    receipt.refresh_from_db()
    assert receipt.status == Notification.Status.FAILED and receipt.rejected
    assert "550" in receipt.last_error
    assert case.events.filter(kind=Event.Kind.NOTIFICATION_FAILED).count() == 1
    assert TransportHealth.objects.filter(failing_since__isnull=False).count() == 0

    contact_submit(unit=unit, subject="Autre", message="Bonjour", name="Marc",
                   email="marc@exemple.fr")
    notifications_deliver_due()
    notifications_deliver_due()
    assert Notification.objects.get(pk=receipt.pk).status == Notification.Status.FAILED
    assert [m["To"] for m in smtp.messages] == ["marc@exemple.fr"]
