"""Business time: opening hours, French public holidays, Alsace-Moselle days."""

import datetime as dt

from guichet.lib.business_time import PARIS, BusinessCalendar, holiday_subdivision


def at(y, m, d, h=0, mi=0):
    return dt.datetime(y, m, d, h, mi, tzinfo=PARIS)


def test_an_hour_before_lunch_runs_over_the_break():
    cal = BusinessCalendar()
    # Monday 2 November 2026, 12:00 + 1 h of open time -> 14:00 (closed 12:30-13:30).
    assert cal.add(at(2026, 11, 2, 12), dt.timedelta(hours=1)) == at(2026, 11, 2, 14)


def test_friday_evening_runs_into_monday():
    cal = BusinessCalendar()
    assert cal.add(at(2026, 11, 6, 17), dt.timedelta(hours=1)) == at(2026, 11, 9, 9)


def test_armistice_day_is_closed():
    cal = BusinessCalendar()
    # Tuesday 10 November 17:30 + 1 h: the 11th is a public holiday.
    assert cal.add(at(2026, 11, 10, 17, 30), dt.timedelta(hours=1)) == at(2026, 11, 12, 9, 30)


def test_alsace_moselle_keeps_saint_stephen_closed():
    moselle = BusinessCalendar(subdivision=holiday_subdivision("57306"))
    elsewhere = BusinessCalendar(subdivision=holiday_subdivision("75056"))
    day = dt.date(2025, 12, 26)  # a Friday
    assert not moselle.is_open_day(day)
    assert elsewhere.is_open_day(day)


def test_closure_is_skipped():
    cal = BusinessCalendar(closures=[(dt.date(2026, 11, 2), dt.date(2026, 11, 3))])
    assert cal.add(at(2026, 11, 2, 9), dt.timedelta(hours=1)) == at(2026, 11, 4, 9, 30)


def test_between_counts_only_open_time():
    cal = BusinessCalendar()
    assert cal.between(at(2026, 11, 6, 17), at(2026, 11, 9, 9)) == dt.timedelta(hours=1)
