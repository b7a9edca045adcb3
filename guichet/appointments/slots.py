"""Which start times an appointment type offers, and how many places each has left.

Openings come from the agenda's weekly rules and one-off openings; public holidays (from the
`holidays` package, Alsace-Moselle included), the organisation's closures and the agenda's
closures remove them; agents' absences remove desks. Booked counts come from the slot rows, in
one query for the whole range."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from guichet.lib.business_time import PARIS, holiday_subdivision, is_public_holiday

from .models import AppointmentType, Slot


@dataclass(frozen=True)
class Opening:
    starts_at: dt.datetime
    capacity: int
    free: int


def _periods(type_: AppointmentType, first: dt.date, last: dt.date):
    """(day, start, end) of every opening between two dates, closed days removed."""
    agenda = type_.agenda
    organisation = agenda.unit.organisation
    subdivision = holiday_subdivision(organisation.insee_code)
    rules = list(agenda.rules.all())
    one_offs: dict[dt.date, list] = {}
    for opening in agenda.one_offs.filter(date__range=(first, last)):
        one_offs.setdefault(opening.date, []).append((opening.starts, opening.ends))
    closures = list(organisation.closures.filter(start_date__lte=last, end_date__gte=first)
                    .values_list("start_date", "end_date"))
    day = first
    while day <= last:
        closed = is_public_holiday(day, subdivision) or any(
            start <= day <= end for start, end in closures)
        if not closed:
            for rule in rules:
                if rule.weekday == day.weekday() and (
                        rule.valid_from is None or rule.valid_from <= day) and (
                        rule.valid_until is None or day <= rule.valid_until):
                    yield day, rule.starts, rule.ends
        for starts, ends in one_offs.get(day, []):
            yield day, starts, ends  # an explicit opening stands even on a holiday
        day += dt.timedelta(days=1)


def openings(type_: AppointmentType, first: dt.date, last: dt.date, *,
             now: dt.datetime | None = None, online: bool = True) -> list[Opening]:
    """Start times between two dates (inclusive) with their free places, in order. `online`
    applies the booking window residents have; agents booking on behalf are not bound by it."""
    now = now or timezone.now()
    earliest = now + dt.timedelta(hours=type_.min_delay_hours) if online else now
    latest = now + dt.timedelta(days=type_.max_delay_days) if online else None
    range_start = dt.datetime.combine(first, dt.time.min, PARIS)
    range_end = dt.datetime.combine(last, dt.time.max, PARIS)
    booked = dict(Slot.objects.filter(type=type_, starts_at__range=(range_start, range_end))
                  .values_list("starts_at", "booked"))
    away = list(type_.agenda.unavailabilities.filter(starts_at__lt=range_end,
                                                     ends_at__gt=range_start)
                .values_list("starts_at", "ends_at", "desks"))
    duration = dt.timedelta(minutes=type_.duration_minutes)
    step = dt.timedelta(minutes=type_.step_minutes)
    found = []
    for day, starts, ends in _periods(type_, first, last):
        moment = dt.datetime.combine(day, starts, PARIS)
        end = dt.datetime.combine(day, ends, PARIS)
        while moment + duration <= end:
            if moment >= earliest and (latest is None or moment <= latest):
                capacity = type_.desks
                for a_start, a_end, desks in away:
                    if a_start < moment + duration and moment < a_end:
                        capacity = 0 if desks is None else max(0, capacity - desks)
                free = capacity - booked.get(moment, 0)
                if free > 0:
                    found.append(Opening(moment, capacity, free))
            moment += step
    found.sort(key=lambda o: o.starts_at)
    return found


def next_openings(type_: AppointmentType, *, after: dt.datetime | None = None, count: int = 5,
                  online: bool = True) -> list[Opening]:
    """The first free start times from now (or `after`), looking week by week."""
    now = timezone.now()
    start = timezone.localtime(after or now, PARIS).date()
    horizon = timezone.localtime(now, PARIS).date() + dt.timedelta(days=type_.max_delay_days)
    found: list[Opening] = []
    while start <= horizon and len(found) < count:
        last = min(start + dt.timedelta(days=13), horizon)
        found += [o for o in openings(type_, start, last, now=now, online=online)
                  if after is None or o.starts_at > after]
        start = last + dt.timedelta(days=1)
    return found[:count]
