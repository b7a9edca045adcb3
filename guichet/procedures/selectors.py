"""Reads of procedures and files, scoped to who asks."""

from __future__ import annotations

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
