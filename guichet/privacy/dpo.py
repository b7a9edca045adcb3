"""What the DPO reads: the collectivités they watch, the people they may look up, and every
access and action of the journal about one person (who saw what, when).

The journal links an entry to a person by `Entry.person` (a resident's page, a case page: the
case's requester) and to a case by `Entry.case`; entries written about a case only (a reply, an
attachment opened, a case seen before the resident had an account) are reached through the
person's cases. Both columns are indexed with the date (journal's `person, -at` and
`case, -at` indexes), so a page of history is two index range scans merged."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Q, QuerySet

from guichet.accounts.models import Membership
from guichet.cases.models import Case
from guichet.cases.selectors import has_role
from guichet.journal.models import Entry
from guichet.organisations.models import Organisation


def is_dpo(user) -> bool:
    return has_role(user, Membership.Role.DPO)


def dpo_organisation_ids(user) -> list[int]:
    """The collectivités a DPO watches: those of their units, with an EPCI's communes (and a
    commune's EPCI). Nobody else gets any."""
    if not is_dpo(user):
        return []
    orgs = Organisation.objects.filter(
        units__memberships__user=user, units__memberships__role=Membership.Role.DPO).distinct()
    return sorted({member.pk for org in orgs for member in org.territory()})


def dpo_organisations(user) -> QuerySet[Organisation]:
    return Organisation.objects.filter(pk__in=dpo_organisation_ids(user)).order_by("name")


def person_cases(person, org_ids) -> QuerySet[Case]:
    """The person's cases in these collectivités: theirs by account, or sent without an
    account from their address."""
    return Case.objects.filter(
        Q(requester=person) | Q(requester__isnull=True, requester_email__iexact=person.email),
        organisation_id__in=list(org_ids))


def people_for_dpo(user, query: str) -> QuerySet:
    """Residents matching `query` (part of an address or a name) who have a case in the DPO's
    collectivités or whom the journal mentions there; empty without a query."""
    org_ids = dpo_organisation_ids(user)
    query = (query or "").strip()
    if not org_ids or len(query) < 2:
        return get_user_model().objects.none()
    words = query.split()
    match = Q(email__icontains=query)
    name = Q()
    for word in words[:4]:
        name &= Q(first_name__icontains=word) | Q(last_name__icontains=word)
    # Each an index probe per candidate: cases by requester, journal entries by person.
    cases = Case.objects.filter(requester=OuterRef("pk"), organisation_id__in=org_ids)
    mentioned = Entry.objects.filter(person=OuterRef("pk"), case__organisation_id__in=org_ids)
    return (get_user_model().objects.filter(match | name, memberships__isnull=True)
            .filter(Exists(cases) | Exists(mentioned))
            .order_by("last_name", "first_name", "email"))


def dpo_can_see_person(user, person) -> bool:
    org_ids = dpo_organisation_ids(user)
    return bool(org_ids) and (
        person_cases(person, org_ids).exists()
        or Entry.objects.filter(person=person, case__organisation_id__in=org_ids).exists())


def person_history(user, person) -> QuerySet[Entry]:
    """Every journal entry about `person` in the DPO's collectivités, newest first: those about
    one of their cases there (whoever wrote them), and those naming them written by an agent of
    those collectivités."""
    org_ids = dpo_organisation_ids(user)
    if not org_ids:
        return Entry.objects.none()
    # The case ids as a list, so that PostgreSQL ORs the two indexes (case, person) and sorts
    # the few thousand rows found, instead of walking the whole journal by date.
    case_ids = list(person_cases(person, org_ids).values_list("pk", flat=True))
    agents = Membership.objects.filter(unit__organisation_id__in=org_ids).values("user_id")
    about = Q(case_id__in=case_ids) | Q(person=person, actor_id__in=agents)
    return (Entry.objects.filter(about).select_related("actor", "case", "person")
            .order_by("-at", "-id"))


HISTORY_HEADER = ["Date", "Agent", "Action", "Demande", "Usager concerné", "Détails"]


def history_rows(entries):
    """The history as rows of cells for the spreadsheet writers, header first."""
    from django.utils import timezone

    yield HISTORY_HEADER
    # Fetched whole (a person's history is thousands of rows, not millions): a server-side
    # cursor would have PostgreSQL plan for the first rows and walk the journal by date.
    for entry in entries:
        yield [timezone.localtime(entry.at).strftime("%d/%m/%Y %H:%M:%S"),
               entry.actor.email if entry.actor else "—", entry.get_action_display(),
               entry.case.reference if entry.case else "—",
               entry.person.email if entry.person else "—", details_text(entry.details)]


def details_text(details: dict) -> str:
    return ", ".join(f"{key} : {value}" for key, value in (details or {}).items()
                     if value not in ("", None, [], {}))
