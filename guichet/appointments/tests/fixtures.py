"""An agenda for passports: two desks, 15-minute slots, Monday to Friday 9–12 and 14–17."""

import datetime as dt

import pytest
from django.utils import timezone

from guichet.appointments.models import Agenda, AppointmentType, OpeningRule, Place
from guichet.lib.business_time import PARIS, is_public_holiday


@pytest.fixture
def place(commune):
    return Place.objects.create(organisation=commune, name="Mairie de Hayange",
                                address="1 place de la Mairie\n57700 Hayange",
                                accessibility="Accès de plain-pied, boucle magnétique.")


@pytest.fixture
def agenda(place, other_unit):
    agenda = Agenda.objects.create(unit=other_unit, place=place, name="Titres d'identité",
                                   slug="titres")
    for weekday in range(5):
        OpeningRule.objects.create(agenda=agenda, weekday=weekday, starts=dt.time(9),
                                   ends=dt.time(12))
        OpeningRule.objects.create(agenda=agenda, weekday=weekday, starts=dt.time(14),
                                   ends=dt.time(17))
    return agenda


@pytest.fixture
def passport(agenda):
    return AppointmentType.objects.create(
        agenda=agenda, name="Passeport", slug="passeport", duration_minutes=15, desks=2,
        min_delay_hours=2, max_delay_days=60, max_per_person=1, limit_period_days=30,
        cancel_delay_hours=2, description="Apportez une photo d'identité récente.")


def next_working_day(days_ahead: int = 3) -> dt.date:
    """A weekday, not a public holiday (in Moselle), at least `days_ahead` days from today."""
    day = timezone.localdate() + dt.timedelta(days=days_ahead)
    while day.weekday() >= 5 or is_public_holiday(day, "57"):
        day += dt.timedelta(days=1)
    return day


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), PARIS)
