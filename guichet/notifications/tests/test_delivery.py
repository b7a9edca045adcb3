"""Delivery through a real SMTP server on loopback (aiosmtpd): retries, no duplicates, no loss."""

import datetime as dt
import time

from django.utils import timezone

from guichet.cases.models import Event
from guichet.cases.services import case_reply
from guichet.contact.services import contact_submit
from guichet.notifications.models import Notification, Preference
from guichet.notifications.services import notification_deliver, notifications_deliver_due

from .conftest import make_due


def test_the_receipt_is_delivered_once_through_smtp(smtp, case):
    smtp.start()
    assert notifications_deliver_due() == 1
    assert notifications_deliver_due() == 0
    assert len(smtp.messages) == 1
    message = smtp.messages[0]
    assert message["To"] == "alice@exemple.fr"
    assert case.reference in message["Subject"]
    assert message["Auto-Submitted"] == "auto-generated"
    assert case.reference in message.get_body(("plain",)).get_content()
    assert case.events.filter(kind=Event.Kind.RECEIPT_SENT).count() == 1


def test_an_smtp_outage_delays_the_email_without_losing_it(smtp, case):
    notification = case.notifications.get()
    assert notifications_deliver_due() == 0  # server down
    notification.refresh_from_db()
    assert notification.status == Notification.Status.PENDING
    assert notification.attempts == 1
    assert notification.next_attempt_at > timezone.now()
    assert "ConnectionRefusedError" in notification.last_error
    assert notifications_deliver_due() == 0  # not due yet: backoff

    smtp.start()
    make_due(notification)
    assert notifications_deliver_due() == 1
    notification.refresh_from_db()
    assert notification.status == Notification.Status.SENT
    assert [a.success for a in notification.delivery_attempts.all()] == [False, True]
    assert len(smtp.messages) == 1
    assert not case.events.filter(kind=Event.Kind.NOTIFICATION_FAILED).exists()


def test_after_the_last_attempt_the_failure_shows_on_the_timeline(smtp, settings, case):
    notification = case.notifications.get()
    notifications_deliver_due()
    # The receipt's retry window (NOTIFICATION_LEGAL_RETRY_DAYS) is over.
    Notification.objects.filter(pk=notification.pk).update(
        next_attempt_at=timezone.now(), retry_until=timezone.now())
    notifications_deliver_due()
    notification.refresh_from_db()
    assert notification.status == Notification.Status.FAILED
    failed = case.events.get(kind=Event.Kind.NOTIFICATION_FAILED)
    assert failed.data["recipient"] == "alice@exemple.fr"
    make_due(notification)
    smtp.start()
    assert notifications_deliver_due() == 0  # given up until a delivery shows SMTP works again
    assert smtp.messages == []


def test_a_delivery_left_by_a_dead_worker_is_taken_up_once(smtp, case):
    smtp.start()
    notification = case.notifications.get()
    # A worker claimed it, then died before sending.
    Notification.objects.filter(pk=notification.pk).update(
        status=Notification.Status.SENDING, attempts=1, claimed_by="mort:1",
        claimed_at=timezone.now() - dt.timedelta(minutes=10),
        claimed_until=timezone.now() - dt.timedelta(minutes=5))
    assert notifications_deliver_due() == 1
    assert notifications_deliver_due() == 0
    assert len(smtp.messages) == 1


def test_a_delivery_in_progress_is_not_sent_twice(smtp, case):
    smtp.start()
    notification = case.notifications.get()
    Notification.objects.filter(pk=notification.pk).update(
        status=Notification.Status.SENDING, claimed_at=timezone.now(), claimed_by="autre:1",
        claimed_until=timezone.now() + dt.timedelta(minutes=5))
    assert notifications_deliver_due() == 0
    assert notification_deliver(notification_id=notification.pk) is False
    assert smtp.messages == []


def test_two_workers_racing_for_one_notification_send_it_once(smtp, case):
    smtp.start()
    notification = case.notifications.get()
    results = [notification_deliver(notification_id=notification.pk) for _ in range(2)]
    assert results == [True, False]
    deadline = time.monotonic() + 2
    while time.monotonic() < deadline and not smtp.messages:
        time.sleep(0.05)
    assert len(smtp.messages) == 1


def test_what_the_resident_typed_is_escaped_in_the_html_email(smtp, unit):
    smtp.start()
    contact_submit(unit=unit, subject="<script>alert(1)</script> & <b>gras</b>",
                   message="Bonjour", name="Marc <img src=x onerror=alert(1)>",
                   email="marc@exemple.fr")
    notifications_deliver_due()
    html = smtp.messages[0].get_body(("html",)).get_content()
    assert "<script>" not in html and "<img" not in html and "<b>gras" not in html
    assert "&lt;script&gt;" in html


def test_an_opt_out_stops_optional_emails_but_never_the_receipt(smtp, resident, agent, unit):
    Preference.objects.create(user=resident, category="reply", channel="email", enabled=False)
    case = contact_submit(unit=unit, subject="Poubelles", message="Non ramassées.",
                          requester=resident)
    case_reply(case=case, agent=agent, body="Le camion repasse demain.")
    smtp.start()
    assert notifications_deliver_due() == 1
    assert [m["To"] for m in smtp.messages] == ["alice@exemple.fr"]
    statuses = dict(case.notifications.values_list("template", "status"))
    assert statuses == {"registration_receipt": Notification.Status.SENT,
                        "agent_message": Notification.Status.SKIPPED}
