"""Business time: adding and measuring working time on an organisation's calendar.

What a resident is promised is counted in **business days** (jours ouvrés): Monday to Friday,
except French public holidays (with the extra days of Alsace-Moselle and of the overseas
départements, from the `holidays` package) and the organisation's exceptional closures.
Targets are stored in **business hours**, and a business hour is an hour of a business day:
every business day counts 24 of them, so "48 heures ouvrées" is exactly "2 jours ouvrés", as
a resident reads it. A request filed on Thursday 3 December 2026 at 10:00 with a 48-hour target
is due on Monday 7 December at 10:00; one filed on a Saturday starts counting on Monday at
midnight. Reception hours (the organisation's opening periods) do not shorten the count: a
mairie open three half-days a week still answers within the days it promises.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

PARIS = ZoneInfo("Europe/Paris")

# Monday to Friday.
WORKDAYS = frozenset(range(5))

HOURS_PER_BUSINESS_DAY = 24

# How far ahead add() looks before deciding the calendar never opens (about ten years).
_MAX_DAYS = 3660

# Said once wherever a business-day deadline is promised.
BUSINESS_DAYS_NOTE = ("Jours ouvrés : du lundi au vendredi, hors jours fériés et fermetures "
                      "exceptionnelles des services.")


def holiday_subdivision(insee_code: str) -> str | None:
    """The `holidays` subdivision of the commune with this INSEE code, if it has extra days."""
    code = (insee_code or "").strip().upper()
    if code.startswith(("67", "68")):
        return "6AE"  # Alsace: 26 December and Good Friday
    if code.startswith("57"):
        return "57"  # Moselle: the same days
    if code[:3] in {"971", "972", "973", "974", "976"}:
        return code[:3]
    return None


@lru_cache(maxsize=64)
def _french_holidays(subdivision: str | None, year: int) -> frozenset[dt.date]:
    return frozenset(holidays.France(subdiv=subdivision, years=year).keys())


def is_public_holiday(day: dt.date, subdivision: str | None = None) -> bool:
    return day in _french_holidays(subdivision, day.year)


def delay_label(hours: int) -> str:
    """A target in business hours as a resident reads it: « 2 jours ouvrés », « 1 jour ouvré »,
    or hours when it is not a whole number of days (« 4 heures ouvrées »)."""
    if hours and hours % HOURS_PER_BUSINESS_DAY == 0:
        days = hours // HOURS_PER_BUSINESS_DAY
        return f"{days} jour{'s' if days > 1 else ''} ouvré{'s' if days > 1 else ''}"
    return f"{hours} heure{'s' if hours > 1 else ''} ouvrée{'s' if hours > 1 else ''}"


def deadline_day(moment: dt.datetime, tz: dt.tzinfo = PARIS) -> dt.date:
    """The calendar day a deadline is promised for (« d'ici le lundi 7 décembre »). A deadline
    that falls at midnight is the end of the day before: a case filed on Saturday with two
    business days is due at the very end of Tuesday."""
    local = moment.astimezone(tz)
    if local.time() == dt.time(0):
        return local.date() - dt.timedelta(days=1)
    return local.date()


@dataclass(frozen=True)
class BusinessCalendar:
    """Business weekdays (0 = Monday), closed date ranges, and a holiday subdivision."""

    workdays: frozenset[int] = WORKDAYS
    closures: Sequence[tuple[dt.date, dt.date]] = ()
    subdivision: str | None = None
    tz: dt.tzinfo = PARIS

    def is_business_day(self, day: dt.date) -> bool:
        if day.weekday() not in self.workdays:
            return False
        if is_public_holiday(day, self.subdivision):
            return False
        return not any(start <= day <= end for start, end in self.closures)

    def _days(self, day: dt.date) -> Iterable[tuple[dt.datetime, dt.datetime]]:
        """The whole business day as one period, midnight to midnight. Arithmetic between
        datetimes of one zone is wall-clock time, so a day counts 24 hours even when the clocks
        change: 48 hours from Thursday 10:00 is Monday 10:00, whatever the season."""
        if self.is_business_day(day):
            yield (dt.datetime.combine(day, dt.time(0), tzinfo=self.tz),
                   dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), tzinfo=self.tz))

    def add(self, start: dt.datetime, duration: dt.timedelta) -> dt.datetime:
        """The moment when `duration` of business time has passed after `start`."""
        if duration <= dt.timedelta(0):
            return start
        remaining = duration
        local = start.astimezone(self.tz)
        day = local.date()
        for _ in range(_MAX_DAYS):
            for opens, closes in self._days(day):
                begin = max(opens, local)
                if begin >= closes:
                    continue
                available = closes - begin
                if remaining <= available:
                    return (begin + remaining).astimezone(start.tzinfo or self.tz)
                remaining -= available
            day += dt.timedelta(days=1)
        raise ValueError("Ce calendrier n'a aucun jour ouvré : impossible de calculer une "
                         "échéance.")

    def between(self, start: dt.datetime, end: dt.datetime) -> dt.timedelta:
        """Business time between two moments (negative when `end` is before `start`)."""
        if end < start:
            return -self.between(end, start)
        total = dt.timedelta(0)
        first = start.astimezone(self.tz)
        last = end.astimezone(self.tz)
        day = first.date()
        while day <= last.date():
            for opens, closes in self._days(day):
                begin, finish = max(opens, first), min(closes, last)
                if finish > begin:
                    total += finish - begin
            day += dt.timedelta(days=1)
        return total
