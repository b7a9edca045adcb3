"""Business time: business days (Monday to Friday), French public holidays, Alsace-Moselle
days, closures; a business hour is an hour of a business day, so 48 hours are 2 days."""

import datetime as dt

from guichet.lib.business_time import (
    PARIS,
    BusinessCalendar,
    deadline_day,
    delay_label,
    holiday_subdivision,
)


def at(y, m, d, h=0, mi=0):
    return dt.datetime(y, m, d, h, mi, tzinfo=PARIS)


def test_48_business_hours_from_thursday_are_monday():
    cal = BusinessCalendar()
    # Thursday 3 December 2026, 10:00: Friday counts, the weekend does not.
    due = cal.add(at(2026, 12, 3, 10), dt.timedelta(hours=48))
    assert due == at(2026, 12, 7, 10)
    assert deadline_day(due) == dt.date(2026, 12, 7)


def test_96_business_hours_are_four_business_days():
    cal = BusinessCalendar()
    assert deadline_day(cal.add(at(2026, 12, 3, 10), dt.timedelta(hours=96))) == \
        dt.date(2026, 12, 9)


def test_a_saturday_filing_counts_from_monday_and_ends_on_tuesday_evening():
    cal = BusinessCalendar()
    due = cal.add(at(2026, 12, 5, 15), dt.timedelta(hours=48))
    assert due == at(2026, 12, 9, 0)
    assert deadline_day(due) == dt.date(2026, 12, 8)  # « d'ici le mardi 8 décembre »


def test_armistice_day_is_not_a_business_day():
    cal = BusinessCalendar()
    # Tuesday 10 November 2026, 17:30 + 1 day: the 11th is a public holiday.
    assert cal.add(at(2026, 11, 10, 17, 30), dt.timedelta(hours=24)) == at(2026, 11, 12, 17, 30)


def test_christmas_week_skips_the_holidays():
    cal = BusinessCalendar()
    # Wednesday 23 December 2026 + 2 days: Thursday 24, (Friday 25 is Christmas) Monday 28.
    assert deadline_day(cal.add(at(2026, 12, 23, 9), dt.timedelta(hours=48))) == \
        dt.date(2026, 12, 28)


def test_alsace_moselle_keeps_saint_stephen_closed():
    moselle = BusinessCalendar(subdivision=holiday_subdivision("57306"))
    elsewhere = BusinessCalendar(subdivision=holiday_subdivision("75056"))
    day = dt.date(2025, 12, 26)  # a Friday
    assert not moselle.is_business_day(day)
    assert elsewhere.is_business_day(day)


def test_closure_is_skipped():
    cal = BusinessCalendar(closures=[(dt.date(2026, 11, 2), dt.date(2026, 11, 3))])
    assert cal.add(at(2026, 11, 2, 9), dt.timedelta(hours=1)) == at(2026, 11, 4, 1)


def test_a_day_counts_24_hours_when_the_clocks_change():
    cal = BusinessCalendar()
    # Summer time ends on Sunday 25 October 2026; Friday 10:00 + 1 day is Monday 10:00.
    assert cal.add(at(2026, 10, 23, 10), dt.timedelta(hours=24)) == at(2026, 10, 26, 10)


def test_between_counts_only_business_days():
    cal = BusinessCalendar()
    assert cal.between(at(2026, 11, 6, 17), at(2026, 11, 9, 9)) == dt.timedelta(hours=16)
    assert cal.between(at(2026, 12, 3, 10), at(2026, 12, 7, 10)) == dt.timedelta(hours=48)


def test_delays_read_as_business_days():
    assert delay_label(48) == "2 jours ouvrés"
    assert delay_label(24) == "1 jour ouvré"
    assert delay_label(4) == "4 heures ouvrées"
    assert delay_label(1) == "1 heure ouvrée"
