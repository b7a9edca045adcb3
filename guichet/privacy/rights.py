"""Residents exercising their rights (access, rectification, erasure, objection): each request
is a Case of kind « privacy » routed to the unit of the collectivité's DPO, with the legal
deadline of one month (RGPD art. 12-3) as its resolution date on the SLA clock. The DPO answers
and closes it through the ordinary case services (reply, status, closure)."""

from __future__ import annotations

import datetime as dt

from dateutil.relativedelta import relativedelta
from django.db import transaction
from django.utils import timezone

from guichet.accounts.models import Membership
from guichet.cases.models import Case, Channel
from guichet.cases.services import CaseError, case_create
from guichet.journal.models import Entry
from guichet.journal.services import journal_record

KIND = "privacy"
RIGHTS = {
    "access": "Droit d'accès",
    "rectification": "Droit de rectification",
    "erasure": "Droit à l'effacement",
    "objection": "Droit d'opposition",
    "restriction": "Droit à la limitation du traitement",
}
H = dt.timedelta(hours=1)


def dpo_unit(organisation):
    """The unit where the collectivité's DPO (or its EPCI's) works; None without a DPO."""
    orgs = [organisation.pk] + ([organisation.epci_id] if organisation.epci_id else [])
    membership = (Membership.objects.filter(role=Membership.Role.DPO,
                                            unit__organisation_id__in=orgs,
                                            unit__is_active=True)
                  .select_related("unit__organisation").order_by("unit__organisation__kind",
                                                                  "pk").first())
    return membership.unit if membership else None


def one_month_hours(organisation, start: dt.datetime) -> int:
    """The business hours from `start` to the same day one month later, so that the SLA clock
    (which counts business time and stops while the DPO waits for the resident, e.g. for a
    proof of identity) falls due on the legal date."""
    calendar = organisation.calendar()
    hours = int(calendar.between(start, start + relativedelta(months=1)) / H)
    return max(hours, 1)


@transaction.atomic
def privacy_request_create(*, organisation, right: str, message: str, requester=None,
                           requester_name: str = "", requester_email: str = "",
                           channel: str = Channel.WEB, identity_checked: bool = False,
                           acting_user=None) -> Case:
    """Register a request to exercise a right, from the resident's account (`requester`) or
    recorded by the DPO (`acting_user`) for someone met at the counter or by letter, whose
    identity they checked."""
    if right not in RIGHTS:
        raise CaseError("Choisissez le droit que vous exercez.")
    message = (message or "").strip()
    if not message:
        raise CaseError("Décrivez votre demande.")
    if requester is None and not (requester_name.strip() and requester_email.strip()):
        raise CaseError("Indiquez le nom et l'adresse électronique du demandeur.")
    if acting_user is not None and not identity_checked:
        raise CaseError("Vérifiez l'identité du demandeur avant d'enregistrer sa demande.")
    unit = dpo_unit(organisation)
    if unit is None:
        raise CaseError("Cette collectivité n'a pas désigné de délégué à la protection des "
                        "données dans Guichet : écrivez-lui directement.")
    now = timezone.now()
    hours = one_month_hours(unit.organisation, now)
    case = case_create(
        kind=KIND, channel=channel, organisation=unit.organisation, unit=unit,
        subject=f"{RIGHTS[right]} (données personnelles, {organisation.name})"[:200],
        message=message, requester=requester, requester_name=requester_name.strip(),
        requester_email=requester_email.strip().lower(), acting_user=acting_user,
        created_at=now, resolution_hours=hours, sla_category=f"privacy-{right}")
    if acting_user is not None:  # case_create journaled the creation; say what was checked
        journal_record(actor=acting_user, action=Entry.Action.CASE_UPDATED, case=case,
                       person=requester, privacy_right=right, identity_checked=True)
    else:
        journal_record(actor=requester, action=Entry.Action.CASE_CREATED, case=case,
                       person=requester, privacy_right=right)
    return case


def right_of(case: Case) -> str:
    """The right a privacy case exercises, read back from its subject."""
    for code, label in RIGHTS.items():
        if case.subject.startswith(label):
            return code
    return ""
