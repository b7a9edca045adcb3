"""Reads: which questionnaires an agent may run, live results aggregated by the database,
open answers, exports, response rates and satisfaction figures for managers."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Avg, Count, F, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone

from guichet.accounts.models import Membership
from guichet.accounts.two_factor import agent_rights_suspended
from guichet.organisations.models import Unit
from guichet.procedures.fields import display

from . import questions as q
from .models import Answer, AnswerTally, Channel, Invitation, Response, SatisfactionRequest, Survey

BUILDER_ROLES = (Membership.Role.AGENT, Membership.Role.MANAGER, Membership.Role.ADMIN)
MANAGER_ROLES = (Membership.Role.MANAGER, Membership.Role.ADMIN)


def _units(user, roles) -> QuerySet[Unit]:
    if not user.is_authenticated or agent_rights_suspended(user):
        return Unit.objects.none()
    memberships = Membership.objects.filter(user=user, role__in=roles)
    admin_orgs = memberships.filter(role=Membership.Role.ADMIN).values("unit__organisation")
    return Unit.objects.filter(is_active=True).filter(
        Q(organisation__in=admin_orgs) | Q(pk__in=memberships.values("unit"))
    ).select_related("organisation").order_by("organisation__name", "name")


def survey_units(user) -> QuerySet[Unit]:
    """Units whose questionnaires this agent builds and reads (admins: all their units)."""
    return _units(user, BUILDER_ROLES)


def managed_units(user) -> QuerySet[Unit]:
    """Units whose satisfaction figures this person sees: managers and administrators."""
    return _units(user, MANAGER_ROLES)


def surveys_for_agent(user) -> QuerySet[Survey]:
    # Counted from the tallies (a few hundred rows per questionnaire), not the responses.
    counted = (AnswerTally.objects.filter(survey=OuterRef("pk"), question="").order_by()
               .values("survey").annotate(total=Sum("n")).values("total"))
    return (Survey.objects.filter(unit__in=survey_units(user))
            .select_related("unit", "organisation")
            .annotate(response_count=Coalesce(Subquery(counted), 0)))


def survey_for_agent(user, pk: int) -> Survey | None:
    return Survey.objects.filter(pk=pk, unit__in=survey_units(user)).select_related(
        "unit", "organisation").first()


@dataclass
class Filters:
    channel: str = ""
    place: str = ""
    since: dt.date | None = None
    until: dt.date | None = None
    include_late: bool = False

    def answers(self, survey: Survey) -> QuerySet[Answer]:
        return self._apply(Answer.objects.filter(survey=survey))

    def responses(self, survey: Survey) -> QuerySet[Response]:
        return self._apply(Response.objects.filter(survey=survey))

    def tallies(self, survey: Survey) -> QuerySet[AnswerTally]:
        qs = AnswerTally.objects.filter(survey=survey)
        if self.channel:
            qs = qs.filter(channel=self.channel)
        if self.place:
            qs = qs.filter(place=self.place)
        if self.since:
            qs = qs.filter(day__gte=self.since)
        if self.until:
            qs = qs.filter(day__lte=self.until)
        if not self.include_late:
            qs = qs.filter(late=False)
        return qs

    def _apply(self, qs):
        if self.channel:
            qs = qs.filter(channel=self.channel)
        if self.place:
            qs = qs.filter(place=self.place)
        if self.since:
            qs = qs.filter(submitted_at__date__gte=self.since)
        if self.until:
            qs = qs.filter(submitted_at__date__lte=self.until)
        if not self.include_late:
            qs = qs.filter(late=False)
        return qs


@dataclass
class Bar:
    label: str
    count: int
    percent: float
    average: float | None = None


@dataclass
class QuestionResult:
    question: dict
    respondents: int = 0
    bars: list[Bar] = field(default_factory=list)
    rows: list[tuple[str, list[Bar]]] = field(default_factory=list)
    average: float | None = None
    nps: float | None = None
    open_count: int = 0

    @property
    def kind(self) -> str:
        return self.question.get("type", "")


def _bars(options: list[str], counts: dict[str, int], total: int,
          averages: dict[str, float] | None = None) -> list[Bar]:
    return [Bar(option, counts.get(option, 0),
                round(100 * counts.get(option, 0) / total, 1) if total else 0.0,
                (averages or {}).get(option)) for option in options]


def survey_results(survey: Survey, filters: Filters | None = None) -> list[QuestionResult]:
    """Every question's aggregates from ONE grouped query over the answer tallies (the items
    already counted per option, channel, place and day): counts per option (per matrix row),
    respondents per question, mean of scores, numbers and ranks."""
    filters = filters or Filters()
    groups: dict[str, list[dict]] = {}
    for row in (filters.tallies(survey).order_by().values("question", "row", "choice")
                .annotate(n=Sum("n"), firsts=Sum("firsts"), number_sum=Sum("number_sum"),
                          number_n=Sum("number_n"))):
        row["mean"] = row["number_sum"] / row["number_n"] if row["number_n"] else None
        groups.setdefault(row["question"], []).append(row)
    results = []
    for question in q.all_questions(survey.definition):
        kind = question.get("type")
        if kind in ("title", "explanation"):
            continue
        rows = groups.get(question["key"], [])
        result = QuestionResult(question, respondents=sum(r["firsts"] or 0 for r in rows
                                                          if not r["row"]) if kind != "matrix"
                                else 0)
        counts = {r["choice"]: r["n"] for r in rows if not r["row"]}
        if kind in ("choice", "multichoice"):
            result.bars = _bars(question.get("choices", []), counts, result.respondents)
        elif kind == "yesno":
            result.bars = _bars(["oui", "non"], counts, result.respondents)
            for bar in result.bars:
                bar.label = bar.label.capitalize()
        elif kind in ("rating", "nps"):
            points = [str(p) for p in q.scale(question)]
            result.bars = _bars(points, counts, result.respondents)
            total = sum(counts.get(p, 0) for p in points)
            if total:
                result.average = round(sum(int(p) * counts.get(p, 0) for p in points) / total,
                                       2)
            if kind == "nps" and total:
                promoters = counts.get("9", 0) + counts.get("10", 0)
                detractors = sum(counts.get(str(p), 0) for p in range(0, 7))
                result.nps = round(100 * (promoters - detractors) / total, 1)
        elif kind == "ranking":
            averages = {r["choice"]: round(r["mean"], 2) for r in rows if r["mean"] is not None}
            result.bars = sorted(_bars(question.get("choices", []), counts,
                                       result.respondents, averages),
                                 key=lambda b: (b.average is None, b.average or 0))
        elif kind == "matrix":
            for label in question.get("rows", []):
                row_counts = {r["choice"]: r["n"] for r in rows if r["row"] == label}
                respondents = sum(r["firsts"] or 0 for r in rows if r["row"] == label)
                result.rows.append((label, _bars(question.get("choices", []), row_counts,
                                                 respondents)))
            result.respondents = max((sum(r["firsts"] or 0 for r in rows if r["row"] == label)
                                      for label in question.get("rows", [])), default=0)
        elif kind in ("integer", "decimal"):
            means = [r for r in rows if r["mean"] is not None]
            if means:
                result.average = round(sum(r["mean"] * r["n"] for r in means)
                                       / sum(r["n"] for r in means), 2)
        else:
            result.open_count = result.respondents
        results.append(result)
    return results


def response_counts(survey: Survey, filters: Filters | None = None) -> dict[str, int]:
    """Responses per channel under the filters, from the tallies (no scan of the
    responses)."""
    return dict((filters or Filters()).tallies(survey).filter(question="").order_by()
                .values_list("channel").annotate(total=Sum("n")))


def survey_places(survey: Survey) -> list[str]:
    return list(survey.kiosks.order_by("place").values_list("place", flat=True).distinct())


def open_answers(survey: Survey, key: str, *, search: str = "",
                 filters: Filters | None = None) -> QuerySet[Answer]:
    qs = (filters or Filters()).answers(survey).filter(question=key).exclude(text="")
    if search:
        qs = qs.filter(text__icontains=search)
    return qs.only("text", "submitted_at", "channel", "place").order_by("-submitted_at", "-id")


def response_rate(survey: Survey) -> dict:
    figures = survey.invitations.aggregate(
        invited=Count("id"), answered=Count("id", filter=Q(answered_at__isnull=False)),
        reminded=Count("id", filter=Q(reminded_at__isnull=False)))
    invited = figures["invited"]
    figures["rate"] = round(100 * figures["answered"] / invited, 1) if invited else None
    return figures


def _shown(question: dict, value) -> str:
    kind = question.get("type")
    if value in (None, "", [], {}):
        return ""
    if kind == "matrix":
        return "; ".join(f"{row} : {', '.join(v) if isinstance(v, list) else v}"
                         for row, v in value.items())
    if kind == "ranking":
        return " > ".join(value)
    if kind in ("rating", "nps"):
        return str(value)
    return display(question, value)


def export_rows(survey: Survey, filters: Filters | None = None):
    """Header then one row per response, streamed (no response list held in memory)."""
    questions = [f for f in q.all_questions(survey.definition)
                 if f.get("type") not in ("title", "explanation")]
    yield ["Reçue le", "Canal", "Lieu", "Tardive", *[f.get("label", f["key"]) for f in questions]]
    channels = dict(Channel.choices)
    for response in (filters or Filters()).responses(survey).order_by("submitted_at", "id") \
            .only("submitted_at", "channel", "place", "late", "answers").iterator(2000):
        yield [response.submitted_at.strftime("%d/%m/%Y %H:%M"), channels[response.channel],
               response.place, "oui" if response.late else "non",
               *[_shown(f, response.answers.get(f["key"])) for f in questions]]


# --- Satisfaction ---------------------------------------------------------------------------

def satisfaction_for_case(case) -> SatisfactionRequest | None:
    return SatisfactionRequest.objects.filter(case=case).first()


def satisfaction_figures(units) -> dict:
    """Asked, answered, mean score per unit, kind, channel and month: one grouped query each."""
    base = SatisfactionRequest.objects.filter(unit__in=units).order_by()
    measures = {"asked": Count("id"), "answered": Count("id", filter=Q(score__isnull=False)),
                "mean": Avg("score"), "low": Count("id", filter=Q(score__lte=2))}
    return {
        "unit": list(base.values("unit__name").annotate(**measures).order_by("unit__name")),
        "kind": list(base.values("kind").annotate(**measures).order_by("kind")),
        "channel": list(base.values("channel").annotate(**measures).order_by("channel")),
        "month": list(base.annotate(month=TruncMonth("created_at")).values("month")
                      .annotate(**measures).order_by("-month")[:24]),
    }


def satisfaction_follow_ups(units) -> QuerySet[SatisfactionRequest]:
    return (SatisfactionRequest.objects.filter(unit__in=units,
                                               follow_up=SatisfactionRequest.FollowUp.OPEN)
            .select_related("case", "unit").order_by("answered_at"))


# --- Resident side ----------------------------------------------------------------------------

def open_surveys() -> QuerySet[Survey]:
    """Questionnaires anyone may answer now from their public link, closing soonest first."""
    now = timezone.now()
    return (Survey.objects.filter(status=Survey.Status.OPEN)
            .filter(Q(opens_at__isnull=True) | Q(opens_at__lte=now))
            .filter(Q(closes_at__isnull=True) | Q(closes_at__gt=now))
            .select_related("organisation")
            .order_by(F("closes_at").asc(nulls_last=True), "-created_at", "pk"))


def published_syntheses() -> QuerySet[Survey]:
    return (Survey.objects.filter(synthesis_published_at__isnull=False)
            .select_related("organisation").order_by("-synthesis_published_at", "-pk"))


def synthesis_results(survey: Survey) -> list[QuestionResult]:
    """The results the collectivité chose to publish, on-time answers only."""
    shown = set(survey.shown_questions or [])
    return [r for r in survey_results(survey) if r.question["key"] in shown]


def waiting_for_resident(user) -> dict:
    """What a signed-in resident is asked for and has not given yet: their opinion on their
    ended cases, and the questionnaires they were invited to that are still open."""
    if not user.is_authenticated:
        return {"satisfaction": [], "invitations": []}
    now = timezone.now()
    satisfaction = list(
        SatisfactionRequest.objects.filter(case__requester=user, answered_at__isnull=True)
        .select_related("case", "unit").order_by("-created_at")[:10])
    invitations = list(
        Invitation.objects.filter(Q(user=user) | Q(email__iexact=user.email),
                                  answered_at__isnull=True, survey__status=Survey.Status.OPEN)
        .filter(Q(survey__opens_at__isnull=True) | Q(survey__opens_at__lte=now))
        .filter(Q(survey__closes_at__isnull=True) | Q(survey__closes_at__gt=now))
        .select_related("survey__organisation").order_by("survey__closes_at", "-sent_at")[:10])
    return {"satisfaction": satisfaction, "invitations": invitations}
