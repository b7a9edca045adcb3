"""Who may see and handle which cases. Every view goes through these."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Q, QuerySet

from guichet.accounts.models import Membership
from guichet.accounts.two_factor import agent_rights_suspended
from guichet.organisations.models import Unit

from .models import Case, Event


def agent_unit_ids(user) -> set[int]:
    """The units whose cases an agent handles: their own, or every unit of an organisation
    where they are administrator. None while the second factor the agent needs has not been
    entered in this session."""
    if not user.is_authenticated or agent_rights_suspended(user):
        return set()
    cached = getattr(user, "_agent_unit_ids", None)
    if cached is not None:
        return cached
    memberships = user.membership_rows()
    units = {unit_id for unit_id, _, _ in memberships}
    admin_orgs = {org for _, role, org in memberships if role == Membership.Role.ADMIN}
    if admin_orgs:
        units |= set(Unit.objects.filter(organisation_id__in=admin_orgs)
                     .values_list("pk", flat=True))
    user._agent_unit_ids = units
    return units


def is_agent(user) -> bool:
    return bool(agent_unit_ids(user))


def has_role(user, *roles: str) -> bool:
    return (user.is_authenticated and not agent_rights_suspended(user)
            and user.has_membership_role(*roles))


def cases_for_agent(user) -> QuerySet[Case]:
    return Case.objects.filter(unit_id__in=agent_unit_ids(user))


def agent_can_handle(user, case: Case) -> bool:
    return case.unit_id in agent_unit_ids(user)


def _recorded_by(user) -> Exists:
    """The case's first timeline event was typed in by `user` for someone else."""
    return Exists(Event.objects.filter(case=OuterRef("pk"), kind=Event.Kind.SUBMITTED,
                                       actor_id=user.pk)) & ~Q(requester_id=user.pk)


def cases_recorded_by(user) -> QuerySet[Case]:
    """Cases an agent entered for a resident (a call, a visit, a letter, a message from a social
    network), whatever unit they went to: the agent may see the confirmation and print the
    receipt and letter, which is not handling the case (see `cases_for_agent`)."""
    if not is_agent(user):
        return Case.objects.none()
    return Case.objects.filter(_recorded_by(user))


def cases_for_receipt(user) -> QuerySet[Case]:
    """Cases whose registration receipt an agent may print: those of their units, and those
    they recorded themselves."""
    if not is_agent(user):
        return Case.objects.none()
    return Case.objects.filter(Q(unit_id__in=agent_unit_ids(user)) | _recorded_by(user))


def cases_for_resident(user) -> QuerySet[Case]:
    return Case.objects.filter(requester=user) if user.is_authenticated else Case.objects.none()


def with_resident_state(cases: QuerySet[Case]) -> QuerySet[Case]:
    """Cases with what every kind's resident state reads (an appointment and its place, a
    booking and its facility, payments…) loaded in a fixed number of queries for the page."""
    from . import kinds

    selected, prefetched = kinds.resident_relations()
    return cases.select_related("unit", "organisation", *selected).prefetch_related(*prefetched)


def unit_agents(unit) -> QuerySet:
    return get_user_model().objects.filter(memberships__unit=unit, is_active=True).distinct()


def case_handler(case: Case) -> dict | None:
    """Name and role of the agent handling a case, as the resident may know them (CRPA L111-2)."""
    if not case.assignee_id:
        return None
    membership = (Membership.objects.filter(user_id=case.assignee_id, unit_id=case.unit_id)
                  .select_related("user").first())
    user = case.assignee
    role = (membership.title or membership.get_role_display()) if membership else "Agent"
    return {"name": user.get_full_name() or "Un agent du service", "role": role}


def cases_filtered(user, filters: dict) -> QuerySet[Case]:
    """The agent's cases narrowed by the inbox's filters (already checked values: unit, status,
    channel, kind, category, commune, to_place, assignee, received_from, received_to). The
    inbox and its background export read the same list."""
    import datetime as dt

    from guichet.lib.business_time import PARIS

    cases = cases_for_agent(user)
    if filters.get("unit"):
        cases = cases.filter(unit_id=filters["unit"])
    if filters.get("status"):
        cases = cases.filter(status=filters["status"])
    if filters.get("channel"):
        cases = cases.filter(channel=filters["channel"])
    if filters.get("kind"):
        cases = cases.filter(kind=filters["kind"])
    if filters.get("category"):
        cases = cases.filter(report__category__service_code=filters["category"])
    if filters.get("commune"):
        cases = cases.filter(report__commune__slug=filters["commune"])
    if filters.get("to_place"):
        cases = cases.filter(report__lat__isnull=True)
    if filters.get("assignee") == "none":
        cases = cases.filter(assignee__isnull=True)
    elif filters.get("assignee"):
        cases = cases.filter(assignee_id=int(filters["assignee"]))
    for key, lookup, shift in (("received_from", "created_at__gte", 0),
                               ("received_to", "created_at__lt", 1)):
        day = filters.get(key)
        if isinstance(day, str) and day:
            day = dt.date.fromisoformat(day)
        if day:
            cases = cases.filter(**{lookup: dt.datetime.combine(
                day + dt.timedelta(days=shift), dt.time(0), tzinfo=PARIS)})
    return cases


def inbox_tab_filters(user, now=None) -> dict[str, Q]:
    """What each inbox tab shows (« À traiter », « En retard »…), as filters on cases."""
    import datetime as dt

    from django.conf import settings
    from django.utils import timezone

    from .models import OPEN_STATUSES, Status

    now = now or timezone.now()
    soon = now + dt.timedelta(hours=settings.DUE_SOON_HOURS)
    running = Q(status__in=OPEN_STATUSES, paused_at__isnull=True)
    return {
        "open": Q(status__in=OPEN_STATUSES),
        "new": Q(status=Status.NEW),
        "mine": Q(status__in=OPEN_STATUSES, assignee=user),
        "waiting": Q(status=Status.WAITING),
        "due_soon": running & Q(resolution_due_at__gte=now, resolution_due_at__lt=soon),
        "overdue": running & Q(resolution_due_at__lt=now),
        "closed": ~Q(status__in=OPEN_STATUSES),
        "all": Q(),
    }
