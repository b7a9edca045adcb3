"""Cancelling, moving, the waiting list and reminders."""

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from guichet.appointments.models import Appointment, Slot, WaitlistEntry
from guichet.appointments.services import (
    BookingError,
    appointment_book,
    appointment_cancel,
    appointment_mark,
    appointment_move,
    appointments_send_reminders,
    waitlist_join,
)
from guichet.cases.models import Status
from guichet.notifications.models import Notification
from guichet.notifications.services import notifications_deliver_due

from .fixtures import at, next_working_day


def book(type_, starts_at, email="alice@exemple.fr", **fields):
    return appointment_book(type_=type_, starts_at=starts_at, name="Alice Durand",
                            email=email, **fields).appointment


def test_cancelling_frees_the_place_spends_the_link_and_tells_the_waiting_list(passport):
    day = next_working_day()
    appointment = book(passport, at(day, 9))
    old_token = appointment.token
    waitlist_join(type_=passport, email="pressee@exemple.fr", before=day + dt.timedelta(days=1))
    waitlist_join(type_=passport, email="patiente@exemple.fr", before=day - dt.timedelta(days=1))
    appointment_cancel(appointment=appointment)
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.CANCELLED_RESIDENT
    assert appointment.token != old_token
    assert appointment.case.status == Status.CLOSED
    assert Slot.objects.get(starts_at=at(day, 9)).booked == 0
    notifications_deliver_due()
    offers = [m.to[0] for m in mail.outbox if "s'est libéré" in m.subject]
    assert offers == ["pressee@exemple.fr"]  # the other one wants a date before this one
    assert WaitlistEntry.objects.get(email="pressee@exemple.fr").offered_at is not None
    with pytest.raises(BookingError, match="déjà annulé"):
        appointment_cancel(appointment=appointment)


def test_too_late_to_cancel_online(passport):
    day = next_working_day()
    appointment = book(passport, at(day, 9))
    Appointment.objects.filter(pk=appointment.pk).update(
        starts_at=timezone.now() + dt.timedelta(hours=1))
    appointment.refresh_from_db()
    with pytest.raises(BookingError, match="ne peut plus être annulé en ligne"):
        appointment_cancel(appointment=appointment)


def test_moving_takes_the_new_place_before_freeing_the_old(passport):
    day = next_working_day()
    appointment = book(passport, at(day, 9))
    moved = appointment_move(appointment=appointment, starts_at=at(day, 14))
    assert moved.starts_at == at(day, 14) and moved.token != appointment.token
    assert Slot.objects.get(starts_at=at(day, 9)).booked == 0
    assert Slot.objects.get(starts_at=at(day, 14)).booked == 1
    assert "14 h" in moved.case.events.last().body
    with pytest.raises(BookingError, match="ne reçoit pas"):
        appointment_move(appointment=moved, starts_at=at(day, 13))
    moved.refresh_from_db()
    assert moved.starts_at == at(day, 14)  # a refused move changes nothing


def test_reminders_go_once_by_email_and_sms(passport, settings, tmp_path):
    settings.SMS_BACKEND = "file"
    settings.VAR_DIR = tmp_path
    day = next_working_day()
    appointment = book(passport, at(day, 9), phone="06 12 34 56 78")
    Appointment.objects.filter(pk=appointment.pk).update(
        starts_at=timezone.now() + dt.timedelta(hours=30))
    assert appointments_send_reminders() == 1
    assert appointments_send_reminders() == 0
    notifications_deliver_due()
    assert [m.subject for m in mail.outbox if m.subject.startswith("Rappel")]
    sms = (tmp_path / "sms.log").read_text()
    assert sms.startswith("+33612345678\tRappel : RDV Passeport")
    # Two hours before, the second reminder.
    Appointment.objects.filter(pk=appointment.pk).update(
        starts_at=timezone.now() + dt.timedelta(hours=1, minutes=50))
    assert appointments_send_reminders() == 1
    appointment.refresh_from_db()
    assert appointment.reminders_sent == [2, 48]
    assert Notification.objects.filter(channel="sms").count() == 2


def test_no_sms_reminder_to_a_landline_and_the_reason_is_kept(passport, settings, tmp_path):
    settings.SMS_BACKEND = "file"
    settings.VAR_DIR = tmp_path
    appointment = book(passport, at(next_working_day(), 9), phone="03 87 12 34 56")
    Appointment.objects.filter(pk=appointment.pk).update(
        starts_at=timezone.now() + dt.timedelta(hours=30))
    assert appointments_send_reminders() == 1
    notifications_deliver_due()
    assert not (tmp_path / "sms.log").exists()
    sms = Notification.objects.get(channel="sms")
    assert sms.status == Notification.Status.FAILED and sms.last_error == "numéro non mobile"
    assert [m.subject for m in mail.outbox if m.subject.startswith("Rappel")]


def test_agents_mark_seen_or_no_show(passport, other_agent, agent):
    day = next_working_day()
    appointment = book(passport, at(day, 9))
    with pytest.raises(BookingError, match="pas habilité"):
        appointment_mark(appointment=appointment, status="seen", acting_user=agent)
    appointment_mark(appointment=appointment, status="no_show", acting_user=other_agent)
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.NO_SHOW
    assert appointment.case.status == Status.CLOSED


def test_the_service_cancels_and_says_why(passport, other_agent):
    day = next_working_day()
    appointment = book(passport, at(day, 9))
    appointment_cancel(appointment=appointment, by_service=True, acting_user=other_agent,
                       reason="Le guichet sera fermé pour panne informatique.")
    notifications_deliver_due()
    [message] = [m for m in mail.outbox if "annulé" in m.subject]
    assert "par le service" in message.body and "panne informatique" in message.body
