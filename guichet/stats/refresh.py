"""Rewriting the daily aggregates of the days whose cases changed (see `stats_refresh`).

A day is rebuilt whole from its cases (those received that day, in Paris time): about 1,400
cases a day at a million cases over two years, so a refresh after ordinary activity rewrites
a few dozen days in seconds. Delays are measured in business hours on each organisation's
calendar (guichet.lib.business_time) against the due dates the SLA clock stored on the case."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Q

from guichet.cases.models import OPEN_STATUSES, Case, Event, Status
from guichet.lib.business_time import PARIS
from guichet.organisations.models import Organisation

from .models import DailyStat, bucket_of

H = dt.timedelta(hours=1)
ENDED = {Status.RESOLVED, Status.REJECTED, Status.CLOSED}

CASE_COLUMNS = (
    "pk", "organisation_id", "organisation__kind", "unit_id", "kind", "channel", "status",
    "created_at", "updated_at", "first_responded_at", "first_response_due_at", "resolved_at",
    "closed_at", "resolution_due_at",
    "report__commune_id", "report__category__service_code", "report__category__name",
    "submission__procedure__slug", "submission__procedure__title", "submission__state",
    "submission__implicit_decided_at", "submission__procedure__implicit",
    "appointment__type__slug", "appointment__type__name", "appointment__status",
    "satisfaction__pk", "satisfaction__score",
)


def day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    start = dt.datetime.combine(day, dt.time(0), tzinfo=PARIS)
    return start, dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), tzinfo=PARIS)


class Calendars(dict):
    """Each organisation's business calendar, read once per refresh."""

    def __missing__(self, org_id):
        calendar = Organisation.objects.get(pk=org_id).calendar()
        self[org_id] = calendar
        return calendar


def _outcome(row: dict) -> str:
    if row["appointment__status"]:
        return row["appointment__status"]
    state = row["submission__state"]
    if state:
        if row["submission__implicit_decided_at"]:
            return "implicit_accept" if row["submission__procedure__implicit"] == "sva" \
                else "implicit_reject"
        return state
    return ""


def _category(row: dict) -> tuple[str, str]:
    if row["report__category__service_code"]:
        return row["report__category__service_code"], row["report__category__name"]
    if row["submission__procedure__slug"]:
        return row["submission__procedure__slug"], row["submission__procedure__title"]
    if row["appointment__type__slug"]:
        return row["appointment__type__slug"], row["appointment__type__name"]
    return "", ""


def day_rows(day: dt.date, calendars: Calendars) -> list[DailyStat]:
    """The aggregates of one day of receipt, computed from its cases and their timelines."""
    start, end = day_bounds(day)
    cases = list(Case.objects.filter(created_at__gte=start, created_at__lt=end)
                 .values(*CASE_COLUMNS))
    if not cases:
        return []
    transferred, reopened = set(), set()
    events = Event.objects.filter(
        case_id__in=[c["pk"] for c in cases],
        kind__in=[Event.Kind.TRANSFERRED, Event.Kind.STATUS_CHANGED],
    ).values_list("case_id", "kind", "data")
    for case_id, kind, data in events.iterator(chunk_size=5000):
        if kind == Event.Kind.TRANSFERRED:
            transferred.add(case_id)
        elif (data or {}).get("reopened") or (
                (data or {}).get("old") in ENDED and (data or {}).get("new") in OPEN_STATUSES):
            reopened.add(case_id)
    groups: dict[tuple, DailyStat] = {}
    for row in cases:
        category, label = _category(row)
        commune = row["report__commune_id"] or (
            row["organisation_id"] if row["organisation__kind"] == Organisation.Kind.COMMUNE
            else None)
        key = (row["organisation_id"], row["unit_id"], commune, row["kind"], row["channel"],
               category, _outcome(row))
        stat = groups.get(key)
        if stat is None:
            stat = groups[key] = DailyStat(
                day=day, organisation_id=key[0], unit_id=key[1], commune_id=commune,
                kind=key[3], channel=key[4], category=category, category_label=label[:200],
                outcome=key[6])
        _add(stat, row, calendars[row["organisation_id"]], transferred, reopened)
    return list(groups.values())


def _add(stat: DailyStat, row: dict, calendar, transferred: set, reopened: set) -> None:
    stat.created += 1
    created = row["created_at"]
    if row["status"] in OPEN_STATUSES:
        stat.open_now += 1
    answered_at = row["first_responded_at"]
    if answered_at:
        hours = calendar.between(created, answered_at) / H
        stat.answered += 1
        stat.answered_in_sla += bool(row["first_response_due_at"] is None
                                     or answered_at <= row["first_response_due_at"])
        stat.answered_in_48 += hours <= 48
        stat.answered_in_96 += hours <= 96
        field = f"first_h{bucket_of(hours)}"
        setattr(stat, field, getattr(stat, field) + 1)
    if row["status"] in ENDED:
        ended_at = row["resolved_at"] or row["closed_at"] or row["updated_at"]
        hours = calendar.between(created, ended_at) / H
        stat.closed += 1
        stat.closed_in_sla += bool(row["resolution_due_at"] is None
                                   or ended_at <= row["resolution_due_at"])
        field = f"close_h{bucket_of(hours)}"
        setattr(stat, field, getattr(stat, field) + 1)
    stat.transferred += row["pk"] in transferred
    stat.reopened += row["pk"] in reopened
    if row["satisfaction__pk"]:
        stat.sat_asked += 1
        score = row["satisfaction__score"]
        if score:
            stat.sat_answered += 1
            stat.sat_satisfied += score >= 4
            stat.sat_score += score


def days_rewrite(days, *, progress=None) -> int:
    """Rebuild the aggregates of these days, one transaction per day."""
    calendars = Calendars()
    done = 0
    for day in sorted(set(days)):
        rows = day_rows(day, calendars)
        with transaction.atomic():
            DailyStat.objects.filter(day=day).delete()
            DailyStat.objects.bulk_create(rows, batch_size=2000)
        done += 1
        if progress and done % 50 == 0:
            progress(done)
    return done


def changed_days(since: dt.datetime | None) -> set[dt.date]:
    """Days of receipt of the cases changed after `since` (every day when None)."""
    cases = Case.objects.all() if since is None else Case.objects.filter(updated_at__gte=since)
    days = {moment.date() for moment in cases.datetimes("created_at", "day", tzinfo=PARIS)}
    if since is not None:
        # A file's decision or an appointment's outcome is written beside the case.
        from guichet.procedures.models import Submission

        days |= {moment.date() for moment in Case.objects.filter(
            submission__in=Submission.objects.filter(updated_at__gte=since)).datetimes(
            "created_at", "day", tzinfo=PARIS)}
        # A satisfaction answered (or asked) later than its case last changed.
        from guichet.surveys.models import SatisfactionRequest

        changed = SatisfactionRequest.objects.filter(
            Q(answered_at__gte=since) | Q(created_at__gte=since)).values("case_id")
        days |= {moment.date() for moment in Case.objects.filter(pk__in=changed).datetimes(
            "created_at", "day", tzinfo=PARIS)}
        # Days whose aggregates exist but whose cases are gone (merged, deleted, anonymised).
    return days


def stale_days() -> set[dt.date]:
    """Days that have aggregates but no case any more."""
    have = set(DailyStat.objects.values_list("day", flat=True).distinct())
    if not have:
        return set()
    cases = {moment.date() for moment in Case.objects.filter(
        created_at__gte=day_bounds(min(have))[0]).datetimes("created_at", "day", tzinfo=PARIS)}
    return have - cases


