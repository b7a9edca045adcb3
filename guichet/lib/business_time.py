"""Business time: adding and measuring working hours on an organisation's calendar.

A deadline of "48 business hours" counts only the hours when the organisation is open: its weekly
opening periods, minus its exceptional closures and French public holidays (with the extra days of
Alsace-Moselle and of the overseas départements, from the `holidays` package).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

PARIS = ZoneInfo("Europe/Paris")

Period = tuple[dt.time, dt.time]

# Used when an organisation has not entered its opening hours: Monday to Friday, 8:30–12:30 and
# 13:30–17:30 (8 hours a day).
DEFAULT_WEEK: dict[int, list[Period]] = {
    day: [(dt.time(8, 30), dt.time(12, 30)), (dt.time(13, 30), dt.time(17, 30))]
    for day in range(5)
}

# How far ahead add() looks before deciding the calendar never opens (about ten years).
_MAX_DAYS = 3660


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


@dataclass(frozen=True)
class BusinessCalendar:
    """Opening periods per weekday (0 = Monday), closed date ranges, and a holiday subdivision."""

    week: Mapping[int, Sequence[Period]] = field(default_factory=lambda: DEFAULT_WEEK)
    closures: Sequence[tuple[dt.date, dt.date]] = ()
    subdivision: str | None = None
    tz: dt.tzinfo = PARIS

    def is_open_day(self, day: dt.date) -> bool:
        if not self.week.get(day.weekday()):
            return False
        if is_public_holiday(day, self.subdivision):
            return False
        return not any(start <= day <= end for start, end in self.closures)

    def _periods(self, day: dt.date) -> Iterable[tuple[dt.datetime, dt.datetime]]:
        if not self.is_open_day(day):
            return
        for opens, closes in sorted(self.week.get(day.weekday(), ())):
            yield (
                dt.datetime.combine(day, opens, tzinfo=self.tz),
                dt.datetime.combine(day, closes, tzinfo=self.tz),
            )

    def add(self, start: dt.datetime, duration: dt.timedelta) -> dt.datetime:
        """The moment when `duration` of open time has passed after `start`."""
        if duration <= dt.timedelta(0):
            return start
        remaining = duration
        local = start.astimezone(self.tz)
        day = local.date()
        for _ in range(_MAX_DAYS):
            for opens, closes in self._periods(day):
                begin = max(opens, local)
                if begin >= closes:
                    continue
                available = closes - begin
                if remaining <= available:
                    return (begin + remaining).astimezone(start.tzinfo or self.tz)
                remaining -= available
            day += dt.timedelta(days=1)
        raise ValueError("Ce calendrier n'ouvre jamais : impossible de calculer une échéance.")

    def between(self, start: dt.datetime, end: dt.datetime) -> dt.timedelta:
        """Open time between two moments (negative when `end` is before `start`)."""
        if end < start:
            return -self.between(end, start)
        total = dt.timedelta(0)
        first = start.astimezone(self.tz)
        last = end.astimezone(self.tz)
        day = first.date()
        while day <= last.date():
            for opens, closes in self._periods(day):
                begin, finish = max(opens, first), min(closes, last)
                if finish > begin:
                    total += finish - begin
            day += dt.timedelta(days=1)
        return total
