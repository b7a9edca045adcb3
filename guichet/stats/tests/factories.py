import datetime as dt

from django.utils import timezone

from guichet.cases.models import Case, Status
from guichet.contact.services import contact_submit


def cases_at(unit, count: int, *, when: dt.datetime | None = None, answered_hours=None,
             closed: bool = False, channel: str = "web"):
    """`count` contact cases received at `when`, answered and closed as told (through the
    service, then dated as if they had happened)."""
    made = []
    when = when or timezone.now() - dt.timedelta(days=1)
    for n in range(count):
        case = contact_submit(unit=unit, subject=f"Demande {n}", message="Texte.",
                              name=f"Usager Secret{n}", email=f"u{n}@exemple.fr",
                              channel=channel)
        fields = {"created_at": when, "first_response_due_at": when + dt.timedelta(days=3),
                  "resolution_due_at": when + dt.timedelta(days=7),
                  "updated_at": timezone.now()}
        if answered_hours is not None:
            fields["first_responded_at"] = when + dt.timedelta(hours=answered_hours)
        if closed:
            fields.update(status=Status.CLOSED, resolved_at=when + dt.timedelta(days=2),
                          closed_at=when + dt.timedelta(days=2))
        Case.objects.filter(pk=case.pk).update(**fields)
        made.append(case)
    return made


def satisfaction_answers(cases, scores):
    """Satisfaction asked after each case and answered with `scores` (None: not answered),
    through the surveys service."""
    from guichet.surveys.models import SatisfactionRequest
    from guichet.surveys.services import satisfaction_record

    for case, score in zip(cases, scores, strict=False):
        request = SatisfactionRequest.objects.create(case=case, unit=case.unit, kind=case.kind,
                                                     channel=case.channel)
        if score is not None:
            satisfaction_record(request=request, score=score)
