import datetime as dt
import threading

import icalendar
import pytest
import vobject
from django.core import mail
from django.db import connection, connections

from guichet.appointments.models import Appointment, Slot
from guichet.appointments.services import BookingError, appointment_book
from guichet.cases.models import Case
from guichet.notifications.services import notifications_deliver_due

from .fixtures import at, next_working_day


def book(type_, starts_at, email="alice@exemple.fr", **fields):
    return appointment_book(type_=type_, starts_at=starts_at, name="Alice Durand", email=email,
                            **fields)


def test_booking_takes_a_place_and_sends_a_valid_ics(passport):
    day = next_working_day()
    case = book(passport, at(day, 9, 30), phone="06 12 34 56 78")
    appointment = case.appointment
    assert case.kind == "appointment" and case.unit == passport.agenda.unit
    assert appointment.slot.booked == 1 and appointment.ends_at == at(day, 9, 45)
    notifications_deliver_due()
    [message] = [m for m in mail.outbox if "confirmé" in m.subject]
    [(filename, content, mimetype)] = message.attachments
    assert filename == "rendez-vous.ics" and mimetype == "text/calendar; method=PUBLISH"
    parsed = vobject.readOne(content, validate=True)  # strict: raises on invalid RFC 5545
    event = parsed.vevent
    assert event.uid.value and event.dtstamp.value
    assert event.dtstart.value == at(day, 9, 30)
    assert "Passeport" in event.summary.value
    assert icalendar.Calendar.from_ical(content).walk("VEVENT")
    assert "/rendez-vous/gerer/" in message.body


@pytest.mark.parametrize("when, message", [
    (lambda day: at(day, 9, 7), "ne reçoit pas à cette heure-là"),
    (lambda day: at(day, 12, 30), "ne reçoit pas à cette heure-là"),
    (lambda day: at(day + dt.timedelta(days=(5 - day.weekday()) % 7), 10), "ne reçoit pas ce "
                                                                            "jour-là"),
    (lambda day: at(next_working_day(90), 10), "plus de 60 jours"),
])
def test_bad_times_are_refused_with_the_next_free_slots(passport, when, message):
    with pytest.raises(BookingError, match=message) as error:
        book(passport, when(next_working_day()))
    assert len(error.value.alternatives) == 5
    assert not Case.objects.exists()


def test_too_soon_is_refused(passport):
    from django.utils import timezone

    soon = timezone.now() + dt.timedelta(minutes=30)
    with pytest.raises(BookingError, match="trop proche"):
        book(passport, soon)


def test_a_full_slot_and_the_per_person_limit(passport):
    day = next_working_day()
    book(passport, at(day, 10), email="a@exemple.fr")
    book(passport, at(day, 10), email="b@exemple.fr")
    with pytest.raises(BookingError, match="n'est plus disponible"):
        book(passport, at(day, 10), email="c@exemple.fr")
    with pytest.raises(BookingError, match="déjà 1 rendez-vous"):
        book(passport, at(day, 11), email="A@exemple.fr")
    assert Slot.objects.get(starts_at=at(day, 10)).booked == 2


@pytest.mark.django_db(transaction=True)
def test_fifty_concurrent_attempts_on_the_last_place(passport, capsys):
    """On PostgreSQL the 50 attempts really run at once; SQLite serialises its writers."""
    day = next_working_day()
    book(passport, at(day, 15), email="premier@exemple.fr")  # one of two places left
    attempts = 50
    barrier = threading.Barrier(attempts)
    results: list[str] = []
    lock = threading.Lock()

    def attempt(n):
        try:
            barrier.wait()
            book(passport, at(day, 15), email=f"usager{n}@exemple.fr")
            outcome = "booked"
        except BookingError as exc:
            outcome = "refused" if "plus disponible" in str(exc) else f"other: {exc}"
        except Exception as exc:  # noqa: BLE001 — any other failure is counted, and fails
            outcome = f"error: {type(exc).__name__}: {exc}"
        finally:
            connections.close_all()
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=attempt, args=(n,)) for n in range(attempts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    booked, refused = results.count("booked"), results.count("refused")
    errors = [r for r in results if r not in ("booked", "refused")]
    with capsys.disabled():
        print(f"\n[{connection.vendor}] {attempts} tentatives sur la dernière place : "
              f"{booked} réservée(s), {refused} refus « plus disponible », {len(errors)} "
              f"erreur(s)")
    assert errors == []
    assert booked == 1 and refused == attempts - 1
    slot = Slot.objects.get(starts_at=at(day, 15))
    assert slot.booked == 2 == slot.capacity
    assert Appointment.objects.filter(slot=slot).count() == 2
