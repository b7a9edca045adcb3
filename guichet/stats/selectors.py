"""Reads of the statistics: who may see which units, and the figures of a period, summed from
the daily aggregates (never from the cases, except the live count of overdue cases, which the
inbox's partial index answers).

Anonymity: no aggregate holds a resident's identity; a line of fewer than `MIN_CELL` cases is
merged into « Autres » and a group still under `MIN_CELL` shows « moins de 5 », without delays
or rates, so that nobody can be recognised from a figure."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db.models import Count, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from guichet.accounts.models import Membership
from guichet.accounts.two_factor import agent_rights_suspended
from guichet.cases import kinds
from guichet.cases.models import OPEN_STATUSES, Case, Channel
from guichet.cases.selectors import agent_unit_ids
from guichet.organisations.models import Organisation, Unit

from .models import (
    BUCKET_EDGES,
    CLOSE_FIELDS,
    COUNT_FIELDS,
    FIRST_FIELDS,
    SATISFACTION_FIELDS,
    DailyStat,
    StatsAccess,
)

MIN_CELL = 5
HIDDEN = "moins de 5"
MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
          "septembre", "octobre", "novembre", "décembre")
OUTCOME_LABELS = {
    "booked": "Réservés", "seen": "Venus", "no_show": "Absents",
    "cancelled_resident": "Annulés par l'usager", "cancelled_service": "Annulés par le service",
    "submitted": "Déposés", "review": "En instruction", "waiting_documents": "En attente de pièces",
    "accepted": "Acceptés", "rejected": "Refusés", "without_follow_up": "Classés sans suite",
    "implicit_accept": "Acceptations implicites (SVA)",
    "implicit_reject": "Refus implicites (SVR)",
}
APPOINTMENT_OUTCOMES = ("booked", "seen", "no_show", "cancelled_resident", "cancelled_service")
PROCEDURE_OUTCOMES = ("submitted", "review", "waiting_documents", "accepted", "rejected",
                      "without_follow_up", "implicit_accept", "implicit_reject")


# Who sees what --------------------------------------------------------------------------------

@dataclass
class Scope:
    """The units whose statistics a user reads, and those whose cases they may open."""

    units: dict[int, Unit]
    inbox_units: set[int]

    def __bool__(self) -> bool:
        return bool(self.units)

    @property
    def unit_ids(self) -> set[int]:
        return set(self.units)


def _with_communes(org_ids: set[int]) -> set[int]:
    """An EPCI's statistics include its member communes'."""
    members = Organisation.objects.filter(epci_id__in=org_ids).values_list("pk", flat=True)
    return set(org_ids) | set(members)


def stats_scope(user) -> Scope:
    """A unit manager sees their units; an administrator, or a direction or elected official
    given access (StatsAccess), sees their collectivité's units (an EPCI's include its
    communes'); a superuser sees everything. Agents, reception and the DPO see nothing."""
    empty = Scope(units={}, inbox_units=set())
    if not user.is_authenticated or agent_rights_suspended(user):
        return empty
    cached = getattr(user, "_stats_scope", None)
    if cached is not None:
        return cached
    units = Unit.objects.select_related("organisation").order_by("organisation__name", "name")
    if user.is_superuser:
        chosen = units
    else:
        memberships = user.membership_rows()
        unit_ids = {u for u, role, _ in memberships if role == Membership.Role.MANAGER}
        orgs = {o for _, role, o in memberships if role == Membership.Role.ADMIN}
        orgs |= set(StatsAccess.objects.filter(user=user).values_list("organisation_id",
                                                                      flat=True))
        if not unit_ids and not orgs:
            user._stats_scope = empty
            return empty
        orgs = _with_communes(orgs) if orgs else set()
        from django.db.models import Q

        chosen = units.filter(Q(pk__in=unit_ids) | Q(organisation_id__in=orgs))
    scope = Scope(units={u.pk: u for u in chosen}, inbox_units=agent_unit_ids(user))
    user._stats_scope = scope
    return scope


def stats_can_view(user) -> bool:
    return bool(stats_scope(user))


# Periods ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date  # exclusive

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        start = dt.date(year, month, 1)
        end = dt.date(year + (month == 12), month % 12 + 1, 1)
        return cls(start, end)

    @property
    def code(self) -> str:
        return f"{self.start:%Y-%m}"

    @property
    def label(self) -> str:
        return f"{MONTHS[self.start.month - 1]} {self.start.year}"

    def previous(self) -> Period:
        last = self.start - dt.timedelta(days=1)
        return Period.month(last.year, last.month)

    def year_before(self) -> Period:
        return Period.month(self.start.year - 1, self.start.month)

    @property
    def last_day(self) -> dt.date:
        return self.end - dt.timedelta(days=1)


def parse_month(value: str | None) -> Period | None:
    """« 2026-03 » → March 2026; anything else → None (never an error)."""
    value = (value or "").strip()
    if len(value) == 7 and value[4] == "-" and value[:4].isdigit() and value[5:].isdigit():
        year, month = int(value[:4]), int(value[5:])
        if 2000 <= year <= 2100 and 1 <= month <= 12:
            return Period.month(year, month)
    return None


def current_month(today: dt.date | None = None) -> Period:
    today = today or timezone.localdate()
    return Period.month(today.year, today.month)


def recent_months(count: int = 24, today: dt.date | None = None) -> list[Period]:
    period, months = current_month(today), []
    for _ in range(count):
        months.append(period)
        period = period.previous()
    return months


# Sums and what they tell --------------------------------------------------------------------

def quantile(histogram: list[int], q: float) -> float | None:
    """The q-quantile of a delay histogram in business hours, linear within its bucket; the
    open last bucket answers its lower edge (read « plus de … »)."""
    total = sum(histogram)
    if not total:
        return None
    target, seen = q * total, 0
    for index, count in enumerate(histogram):
        if count and seen + count >= target:
            low = BUCKET_EDGES[index - 1] if index else 0
            if index >= len(BUCKET_EDGES):
                return float(low)
            return low + (BUCKET_EDGES[index] - low) * (target - seen) / count
        seen += count
    return float(BUCKET_EDGES[-1])


def hours_label(hours: float | None) -> str:
    """« 6 h ouvrées », « 2,5 jours ouvrés »."""
    if hours is None:
        return "—"
    if hours >= BUCKET_EDGES[-1]:
        return f"plus de {BUCKET_EDGES[-1] // 24} jours ouvrés"
    if hours < 24:
        return f"{max(1, round(hours))} h ouvrées"
    days = round(hours / 24, 1)
    text = f"{days:.1f}".replace(".", ",").replace(",0", "")
    return f"{text} jour{'s' if days >= 2 else ''} ouvré{'s' if days >= 2 else ''}"


def percent_label(part: int, whole: int) -> str:
    if not whole:
        return "—"
    return f"{round(100 * part / whole)} %"


@dataclass
class Agg:
    """Summed counters of some aggregate rows, with what dashboards read from them."""

    sums: dict[str, int] = field(default_factory=lambda: dict.fromkeys(COUNT_FIELDS, 0))

    def add(self, row: dict) -> None:
        for name in COUNT_FIELDS:
            self.sums[name] += row.get(name) or 0

    def __getattr__(self, name):
        sums = self.__dict__.get("sums")
        if sums is not None and name in sums:
            return sums[name]
        raise AttributeError(name)

    @property
    def hidden(self) -> bool:
        return self.created < MIN_CELL

    @property
    def first_hist(self) -> list[int]:
        return [self.sums[f] for f in FIRST_FIELDS]

    @property
    def close_hist(self) -> list[int]:
        return [self.sums[f] for f in CLOSE_FIELDS]

    def first_median(self):
        return quantile(self.first_hist, 0.5)

    def first_p90(self):
        return quantile(self.first_hist, 0.9)

    def close_median(self):
        return quantile(self.close_hist, 0.5)

    def close_p90(self):
        return quantile(self.close_hist, 0.9)

    def rate(self, part: str, whole: str) -> float | None:
        total = self.sums[whole]
        return self.sums[part] / total if total else None

    def cells(self) -> dict[str, str]:
        """What a table line shows, with small groups hidden."""
        if self.hidden:
            return {"created": HIDDEN if self.created else "0", "answered": "—",
                    "first_median": "—", "first_p90": "—", "in_sla": "—", "in_48": "—",
                    "in_96": "—", "closed": "—", "close_median": "—", "close_p90": "—",
                    "closed_in_sla": "—", "transferred": "—", "reopened": "—", "open_now": "—"}
        return {
            "created": str(self.created), "answered": str(self.answered),
            "first_median": hours_label(self.first_median()),
            "first_p90": hours_label(self.first_p90()),
            "in_sla": percent_label(self.answered_in_sla, self.answered),
            "in_48": percent_label(self.answered_in_48, self.answered),
            "in_96": percent_label(self.answered_in_96, self.answered),
            "closed": str(self.closed), "close_median": hours_label(self.close_median()),
            "close_p90": hours_label(self.close_p90()),
            "closed_in_sla": percent_label(self.closed_in_sla, self.closed),
            "transferred": str(self.transferred), "reopened": str(self.reopened),
            "open_now": str(self.open_now),
        }


DIMENSIONS = ("organisation_id", "unit_id", "commune_id", "kind", "channel", "category",
              "category_label", "outcome")


def period_rows(unit_ids: Iterable[int], period: Period) -> list[dict]:
    """The period's aggregates summed over its days: one query, a few hundred rows at most."""
    return list(DailyStat.objects.filter(unit_id__in=list(unit_ids), day__gte=period.start,
                                         day__lt=period.end)
                .values(*DIMENSIONS).annotate(**{f: Sum(f) for f in COUNT_FIELDS})
                .order_by())


def total(rows: Iterable[dict], keep: Callable[[dict], bool] | None = None) -> Agg:
    agg = Agg()
    for row in rows:
        if keep is None or keep(row):
            agg.add(row)
    return agg


@dataclass
class Line:
    key: object
    label: str
    agg: Agg
    hidden: bool = False
    drill: dict | None = None  # inbox filters for the cases behind it, if allowed

    @property
    def cells(self) -> dict[str, str]:
        return self.agg.cells()


def breakdown(rows: Iterable[dict], key: Callable[[dict], object],
              label: Callable[[object], str], *, drill: Callable[[object], dict | None]
              | None = None) -> list[Line]:
    """Lines by `key`, the largest first; lines under MIN_CELL cases are merged into
    « Autres », itself shown as « moins de 5 » while still under MIN_CELL."""
    groups: dict[object, Agg] = {}
    for row in rows:
        groups.setdefault(key(row), Agg()).add(row)
    shown, others = [], Agg()
    merged = 0
    for value, agg in groups.items():
        if not agg.created:
            continue
        if agg.created < MIN_CELL:
            for name in COUNT_FIELDS:
                others.sums[name] += agg.sums[name]
            merged += 1
        else:
            shown.append(Line(value, label(value), agg, drill=drill(value) if drill else None))
    shown.sort(key=lambda line: (-line.agg.created, line.label))
    if merged:
        shown.append(Line(None, f"Autres ({merged} regroupé{'s' if merged > 1 else ''}, "
                          "moins de 5 demandes chacun)", others, hidden=others.hidden))
    return shown


def outcome_cells(rows: Iterable[dict], kind: str, outcomes: tuple[str, ...]) -> list[dict]:
    counts = dict.fromkeys(outcomes, 0)
    for row in rows:
        if row["kind"] == kind and row["outcome"] in counts:
            counts[row["outcome"]] += row["created"] or 0
    return [{"code": code, "label": OUTCOME_LABELS[code], "count": count,
             "shown": str(count) if count == 0 or count >= MIN_CELL else HIDDEN}
            for code, count in counts.items()]


def trend(unit_ids: Iterable[int], months: list[Period]) -> list[dict]:
    """Cases received and answered per month (oldest first), one query."""
    start = min(p.start for p in months)
    end = max(p.end for p in months)
    found = {row["month"]: row for row in DailyStat.objects.filter(
        unit_id__in=list(unit_ids), day__gte=start, day__lt=end)
        .annotate(month=TruncMonth("day")).values("month")
        .annotate(created=Sum("created"), answered=Sum("answered"),
                  answered_in_sla=Sum("answered_in_sla"), closed=Sum("closed"))
        .order_by()}
    lines = []
    for period in sorted(months, key=lambda p: p.start):
        row = found.get(period.start) or found.get(
            dt.datetime.combine(period.start, dt.time(0))) or {}
        created = row.get("created") or 0
        lines.append({"period": period, "created": created,
                      "answered": row.get("answered") or 0,
                      "answered_in_sla": row.get("answered_in_sla") or 0,
                      "closed": row.get("closed") or 0})
    return lines


BACKLOG_AGES = ((7, "moins d'une semaine"), (30, "de 8 à 30 jours"),
                (90, "de 31 à 90 jours"), (None, "plus de 90 jours"))


def backlog(unit_ids: Iterable[int], today: dt.date | None = None) -> list[dict]:
    """Cases still open (at the last refresh) by age since receipt."""
    today = today or timezone.localdate()
    buckets = [0] * len(BACKLOG_AGES)
    for day, count in (DailyStat.objects.filter(unit_id__in=list(unit_ids), open_now__gt=0)
                       .values("day").annotate(n=Sum("open_now")).values_list("day", "n")
                       .order_by()):
        age = (today - day).days
        for index, (limit, _) in enumerate(BACKLOG_AGES):
            if limit is None or age <= limit:
                buckets[index] += count
                break
    return [{"label": label, "count": count} for (_, label), count in zip(BACKLOG_AGES, buckets,
                                                                        strict=True)]


def overdue_now(unit_ids: Iterable[int], now: dt.datetime | None = None) -> dict[int, int]:
    """Open, running cases past their due date, per unit — live, as the inbox counts them."""
    now = now or timezone.now()
    return dict(Case.objects.filter(unit_id__in=list(unit_ids), status__in=OPEN_STATUSES,
                                    paused_at__isnull=True, resolution_due_at__lt=now)
                .values("unit_id").annotate(n=Count("pk")).values_list("unit_id", "n")
                .order_by())


def kind_label(code: str) -> str:
    return kinds.get(code).label


def channel_label(code: str) -> str:
    return dict(Channel.choices).get(code, code)


def organisation_names(ids: Iterable[int]) -> dict[int, str]:
    return dict(Organisation.objects.filter(pk__in=[i for i in ids if i])
                .values_list("pk", "name"))


@dataclass
class SatisfactionLine:
    label: str
    asked: int
    answered: int
    satisfied: int
    score: int
    merged: int = 0

    @property
    def hidden(self) -> bool:
        return self.answered < MIN_CELL

    def cells(self) -> dict[str, str]:
        """What a line shows; under MIN_CELL answers, nothing but « moins de 5 »."""
        if self.hidden:
            return {"answered": HIDDEN if self.answered else "0", "rate": "—",
                    "satisfied": "—", "mean": "—"}
        return {"answered": str(self.answered),
                "rate": percent_label(self.answered, self.asked),
                "satisfied": percent_label(self.satisfied, self.answered),
                "mean": f"{self.score / self.answered:.1f}".replace(".", ",") + " / 5"}

    @property
    def satisfied_share(self) -> float | None:
        return None if self.hidden else self.satisfied / self.answered


def _sat_line(label: str, sums: dict) -> SatisfactionLine:
    return SatisfactionLine(label, sums.get("sat_asked") or 0, sums.get("sat_answered") or 0,
                            sums.get("sat_satisfied") or 0, sums.get("sat_score") or 0)


def _sat_breakdown(rows: Iterable[dict], key: Callable[[dict], object],
                   label: Callable[[object], str]) -> list[SatisfactionLine]:
    """Lines by `key`, most answers first; a line under MIN_CELL answers is merged into
    « Autres », itself hidden while still under MIN_CELL."""
    groups: dict[object, dict] = {}
    for row in rows:
        if not row.get("sat_asked"):
            continue
        sums = groups.setdefault(key(row), dict.fromkeys(SATISFACTION_FIELDS, 0))
        for name in SATISFACTION_FIELDS:
            sums[name] += row.get(name) or 0
    shown, others, merged = [], dict.fromkeys(SATISFACTION_FIELDS, 0), 0
    for value, sums in groups.items():
        if sums["sat_answered"] < MIN_CELL:
            for name in SATISFACTION_FIELDS:
                others[name] += sums[name]
            merged += 1
        else:
            shown.append(_sat_line(label(value), sums))
    shown.sort(key=lambda line: (-line.answered, line.label))
    if merged:
        line = _sat_line(f"Autres ({merged} regroupé{'s' if merged > 1 else ''}, moins de 5 "
                         "réponses chacun)", others)
        line.merged = merged
        shown.append(line)
    return shown


def satisfaction_months(unit_ids: Iterable[int], months: list[Period]) -> list[dict]:
    """Satisfaction per month of receipt (oldest first), one query."""
    start = min(p.start for p in months)
    end = max(p.end for p in months)
    found = {}
    for row in (DailyStat.objects.filter(unit_id__in=list(unit_ids), day__gte=start,
                                         day__lt=end, sat_asked__gt=0)
                .annotate(month=TruncMonth("day")).values("month")
                .annotate(**{f: Sum(f) for f in SATISFACTION_FIELDS}).order_by()):
        month = row["month"]
        found[month.date() if isinstance(month, dt.datetime) else month] = row
    return [{"period": period, "line": _sat_line(period.label, found.get(period.start, {}))}
            for period in sorted(months, key=lambda p: p.start)]


def satisfaction(unit_ids: Iterable[int], period: Period, rows: list[dict] | None = None,
                 months: list[Period] | None = None) -> dict | None:
    """Satisfaction after closure (guichet.surveys, summed into the daily aggregates by
    `stats_refresh`) for the cases received in the period: answers, share satisfied (4 or 5 out
    of 5), mean score, response rate, by unit, kind and channel, and per month over `months`.
    None when nobody was asked (pages say it is not measured)."""
    unit_ids = list(unit_ids)
    rows = period_rows(unit_ids, period) if rows is None else rows
    overall = _sat_line("Ensemble", {name: sum(r.get(name) or 0 for r in rows)
                                     for name in SATISFACTION_FIELDS})
    if not overall.asked:
        return None
    units = {u.pk: u for u in Unit.objects.filter(pk__in={r["unit_id"] for r in rows
                                                           if r.get("sat_asked")})}
    by_unit = _sat_breakdown(rows, lambda r: r["unit_id"],
                             lambda v: units[v].name if v in units else "Service supprimé")
    by_kind = _sat_breakdown(rows, lambda r: r["kind"], kind_label)
    by_channel = _sat_breakdown(rows, lambda r: r["channel"], channel_label)
    by_month = satisfaction_months(unit_ids, months) if months else []
    return {
        "overall": overall, "cells": overall.cells(), "hidden": overall.hidden,
        "answers": overall.answered, "satisfied": overall.cells()["satisfied"],
        "by_unit": by_unit, "by_kind": by_kind, "by_channel": by_channel, "by_month": by_month,
        # (title, first column, lines, export name) for the pages' tables.
        "tables": [("par service", "Service", by_unit, "satisfaction-services"),
                   ("par type de demande", "Type", by_kind, "satisfaction-types"),
                   ("par canal", "Canal", by_channel, "satisfaction-canaux"),
                   ("par mois de réception", "Mois", [m["line"] for m in by_month],
                    "satisfaction-mois")],
    }


# The public page « Nos engagements » ------------------------------------------------------------

def public_commitments(organisation: Organisation, today: dt.date | None = None) -> dict:
    """The response commitments of a collectivité's units and what was measured over the last
    twelve whole months (no resident data; units under MIN_CELL cases are not detailed)."""
    from guichet.lib.business_time import delay_label

    units = list(Unit.objects.filter(organisation=organisation, is_active=True)
                 .order_by("name"))
    months = recent_months(13, today)[1:]  # the twelve whole months before this one
    period = Period(min(p.start for p in months), max(p.end for p in months))
    rows = period_rows([u.pk for u in units], period)
    by_unit = {line.key: line for line in breakdown(rows, lambda r: r["unit_id"], str)}
    lines = []
    for unit in units:
        line = by_unit.get(unit.pk)
        lines.append({"unit": unit, "first": delay_label(unit.first_response_hours),
                      "resolution": delay_label(unit.resolution_hours),
                      "cells": line.cells if line else None})
    overall = total(rows)
    return {"organisation": organisation, "period": period, "units": lines,
            "overall": overall, "cells": overall.cells(),
            "satisfaction": satisfaction([u.pk for u in units], period, rows, months)}


# The dashboard ----------------------------------------------------------------------------------

def _evolution(now: int, before: int) -> str:
    if now < MIN_CELL or before < MIN_CELL:
        return "—"
    change = round(100 * (now - before) / before)
    return f"{'+' if change > 0 else ''}{change} %"


KEY_FIGURES = (
    ("created", "Demandes reçues"),
    ("answered", "Premières réponses données"),
    ("first_median", "Délai médian de première réponse"),
    ("first_p90", "Délai de première réponse pour 9 demandes sur 10"),
    ("in_sla", "Premières réponses dans le délai annoncé"),
    ("in_48", "Premières réponses en 48 heures ouvrées au plus"),
    ("in_96", "Premières réponses en 96 heures ouvrées au plus"),
    ("closed", "Demandes traitées (résolues, rejetées ou closes)"),
    ("close_median", "Délai médian de traitement"),
    ("close_p90", "Délai de traitement pour 9 demandes sur 10"),
    ("closed_in_sla", "Demandes traitées dans le délai"),
    ("transferred", "Demandes transférées à un autre service"),
    ("reopened", "Demandes rouvertes"),
)


def inbox_allowed(scope: Scope, unit_ids: set[int]) -> dict | None:
    """The inbox's unit filter that lists exactly the cases of `unit_ids`, if the user may open
    them all there: {"unit": id} for one unit, {} when they are all of the user's inbox units;
    None otherwise (the figure has no link)."""
    if not unit_ids or not unit_ids <= scope.inbox_units:
        return None
    if len(unit_ids) == 1:
        return {"unit": next(iter(unit_ids))}
    return {} if unit_ids == scope.inbox_units else None


def dashboard(*, scope: Scope, unit_ids: set[int], period: Period, compare: Period,
              today: dt.date | None = None) -> dict:
    """Everything the statistics page shows for these units: the period against another, the
    trend of the last 24 months with the year before, the backlog now, the breakdowns."""
    rows = period_rows(unit_ids, period)
    rows_before = period_rows(unit_ids, compare)
    current, before = total(rows), total(rows_before)
    cells, cells_before = current.cells(), before.cells()
    base = inbox_allowed(scope, unit_ids)
    received = ({**base, "onglet": "all", "received_from": period.start.isoformat(),
                 "received_to": period.last_day.isoformat()} if base is not None else None)
    key_figures = [{"code": code, "label": label, "value": cells[code],
                    "before": cells_before[code],
                    "evolution": _evolution(current.sums[code], before.sums[code])
                    if code in current.sums else "—",
                    "drill": received if code == "created" and not current.hidden else None}
                   for code, label in KEY_FIGURES]

    def drill(**filters):
        if received is None:
            return None
        return {**received, **filters}

    def unit_drill(unit_id):
        allowed = inbox_allowed(scope, {unit_id})
        return ({**allowed, "onglet": "all", "received_from": period.start.isoformat(),
                 "received_to": period.last_day.isoformat()} if allowed is not None else None)

    months = [p for p in recent_months(36, period.last_day)][:24]
    history = trend(unit_ids, months)
    by_start = {line["period"].start: line for line in history}
    last_year = []
    for line in history[-12:]:
        earlier = by_start.get(line["period"].year_before().start)
        last_year.append({**line, "year_before": earlier["created"] if earlier else 0,
                          "shown": _shown(line["created"]),
                          "shown_before": _shown(earlier["created"]) if earlier else "0",
                          "evolution": _evolution(line["created"],
                                                  earlier["created"] if earlier else 0)})
    names = organisation_names({r["commune_id"] for r in rows})
    reports = [r for r in rows if r["kind"] == "report"]
    overdue = overdue_now(unit_ids)
    overdue_total = sum(overdue.values())
    overdue_base = inbox_allowed(scope, unit_ids)
    open_lines = backlog(unit_ids, today)
    breakdowns = {
        "channel": breakdown(rows, lambda r: r["channel"], channel_label,
                             drill=lambda v: drill(channel=v)),
        "kind": breakdown(rows, lambda r: r["kind"], kind_label, drill=lambda v: drill(kind=v)),
        "unit": breakdown(rows, lambda r: r["unit_id"],
                          lambda v: _unit_label(scope.units.get(v)), drill=unit_drill),
        "commune": breakdown(rows, lambda r: r["commune_id"],
                             lambda v: names.get(v, "Intercommunalité (sans commune)")),
        "category": breakdown([r for r in rows if r["category"]],
                              lambda r: (r["kind"], r["category"], r["category_label"]),
                              lambda v: f"{v[2] or v[1]} ({kind_label(v[0]).lower()})",
                              drill=lambda v: drill(kind="report", category=v[1])
                              if v[0] == "report" else None),
        "report_category": breakdown(reports, lambda r: (r["category"], r["category_label"]),
                                     lambda v: v[1] or v[0],
                                     drill=lambda v: drill(kind="report", category=v[0])),
        "report_commune": breakdown(reports, lambda r: r["commune_id"],
                                    lambda v: names.get(v, "Commune inconnue")),
    }
    return {
        "period": period, "compare": compare, "current": current, "before": before,
        "key_figures": key_figures, "hidden": current.hidden,
        "history": history, "last_year": last_year,
        "backlog": open_lines, "backlog_total": sum(b["count"] for b in open_lines),
        "backlog_drill": {**overdue_base, "onglet": "open"} if overdue_base is not None else None,
        "overdue_total": overdue_total,
        "overdue_drill": ({**overdue_base, "onglet": "overdue"} if overdue_base is not None
                          else None),
        "overdue_by_unit": [
            {"unit": scope.units[uid], "count": count,
             "drill": ({**allowed, "onglet": "overdue"}
                       if (allowed := inbox_allowed(scope, {uid})) is not None else None)}
            for uid, count in sorted(overdue.items(), key=lambda item: -item[1])
            if uid in scope.units],
        "breakdowns": breakdowns,
        "appointments": outcome_cells(rows, "appointment", APPOINTMENT_OUTCOMES),
        "procedures": outcome_cells(rows, "procedure", PROCEDURE_OUTCOMES),
        "satisfaction": satisfaction(unit_ids, period, rows, months[:12]),
    }


def _shown(count: int) -> str:
    return str(count) if count == 0 or count >= MIN_CELL else HIDDEN


def _unit_label(unit: Unit | None) -> str:
    return f"{unit.name} ({unit.organisation.name})" if unit else "Service supprimé"


def unit_report(*, unit: Unit, period: Period) -> dict:
    """A unit's month for its managers' PDF report."""
    scope = Scope(units={unit.pk: unit}, inbox_units=set())
    data = dashboard(scope=scope, unit_ids={unit.pk}, period=period, compare=period.previous())
    return {**data, "unit": unit, "organisation": unit.organisation}
