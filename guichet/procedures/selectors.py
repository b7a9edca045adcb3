"""Reads of procedures and files, scoped to who asks."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet
from django.utils import timezone

from guichet.cases.selectors import agent_unit_ids

from .models import Procedure, Submission, SubmissionFile


def procedures_open() -> QuerySet[Procedure]:
    today = timezone.localdate()
    return (Procedure.objects.filter(current_version__isnull=False,
                                     organisation__is_active=True)
            .filter(Q(opens_on__isnull=True) | Q(opens_on__lte=today))
            .filter(Q(closes_on__isnull=True) | Q(closes_on__gte=today))
            .order_by("organisation__name", "title"))


def procedures_for_agent(user) -> QuerySet[Procedure]:
    return Procedure.objects.filter(unit_id__in=agent_unit_ids(user))


def submissions_for_agent(user) -> QuerySet[Submission]:
    return Submission.objects.filter(case__unit_id__in=agent_unit_ids(user)).exclude(
        state=Submission.State.DRAFT)


def submission_files_by_slot(submission: Submission) -> dict[str, SubmissionFile]:
    return {item.slot: item for item in
            SubmissionFile.objects.filter(submission=submission).select_related("vault_document")}


def submissions_filtered(user, procedure: Procedure, params) -> QuerySet[Submission]:
    """A procedure's files as the instruction list filters them: state, submission dates,
    the agent's own, and one answer's value. `params` is a QueryDict or a plain dict."""
    from .definition import labels

    items = submissions_for_agent(user).filter(procedure=procedure)
    state = params.get("etat", "")
    if state in Submission.State.values or state.startswith("x_"):
        items = items.filter(state=state[:20])
    for name, lookup in (("du", "submitted_at__date__gte"), ("au", "submitted_at__date__lte")):
        try:
            if params.get(name):
                items = items.filter(**{lookup: dt.date.fromisoformat(params[name])})
        except ValueError:
            pass
    if params.get("agent") == "moi":
        items = items.filter(case__assignee=user)
    field, value = params.get("champ", ""), (params.get("valeur") or "").strip()
    if field and value and field in labels(procedure.definition):
        items = items.filter(**{f"answers__{field}": value})
    return items.order_by("-submitted_at", "-pk")
