import datetime as dt

from guichet.appointments.models import OneOffOpening, Slot, Unavailability
from guichet.appointments.slots import next_openings, openings
from guichet.organisations.models import Closure

from .fixtures import at, next_working_day


def test_a_working_day_has_24_slots_with_two_places_each(passport):
    day = next_working_day()
    found = openings(passport, day, day)
    assert len(found) == 24  # 3 h + 3 h, every 15 minutes
    assert found[0].starts_at == at(day, 9) and found[-1].starts_at == at(day, 16, 45)
    assert {o.free for o in found} == {2}


def test_weekends_public_holidays_and_closures_have_none(passport, commune):
    day = next_working_day(10)
    saturday = day + dt.timedelta(days=(5 - day.weekday()) % 7)
    assert openings(passport, saturday, saturday) == []
    christmas = dt.date(day.year if day.month < 12 or day.day < 25 else day.year + 1, 12, 26)
    assert openings(passport, christmas, christmas, online=False) == []  # 26/12 in Moselle
    Closure.objects.create(organisation=commune, start_date=day, end_date=day,
                           reason="Inventaire")
    assert openings(passport, day, day) == []


def test_a_one_off_opening_adds_slots(passport):
    day = next_working_day(10)
    saturday = day + dt.timedelta(days=(5 - day.weekday()) % 7)
    OneOffOpening.objects.create(agenda=passport.agenda, date=saturday, starts=dt.time(9),
                                 ends=dt.time(10))
    assert len(openings(passport, saturday, saturday)) == 4


def test_absences_remove_desks_and_bookings_remove_places(passport):
    day = next_working_day()
    Unavailability.objects.create(agenda=passport.agenda, starts_at=at(day, 9),
                                  ends_at=at(day, 10), desks=1, summary="Formation")
    Unavailability.objects.create(agenda=passport.agenda, starts_at=at(day, 14),
                                  ends_at=at(day, 17), summary="Fermeture")
    Slot.objects.create(type=passport, starts_at=at(day, 10), capacity=2, booked=2)
    Slot.objects.create(type=passport, starts_at=at(day, 10, 15), capacity=2, booked=1)
    found = {o.starts_at: o.free for o in openings(passport, day, day)}
    assert found[at(day, 9)] == 1
    assert at(day, 10) not in found and found[at(day, 10, 15)] == 1
    assert not any(t >= at(day, 14) for t in found)


def test_the_booking_window_applies_online_only(passport):
    passport.max_delay_days = 5
    passport.save()
    far = next_working_day(20)
    assert openings(passport, far, far) == []
    assert len(openings(passport, far, far, online=False)) == 24
    assert next_openings(passport, count=3)[0].starts_at > at(next_working_day(0), 0)
