"""The rules every channel relies on: references, statuses, the SLA clock, who may act."""

import datetime as dt
import threading

import pytest
from django.db import connection, connections
from django.utils import timezone

from conftest import make_unit
from guichet.cases.models import Case, Event, Status
from guichet.cases.services import (
    CaseError,
    case_assign,
    case_change_status,
    case_close,
    case_create,
    case_reply,
    case_resident_reply,
    case_transfer,
)
from guichet.contact.services import contact_submit
from guichet.journal.models import Entry


def submit(unit, n=0, **fields):
    return contact_submit(unit=unit, subject=f"Demande {n}", message="Texte.",
                          name="Marc Blanc", email="marc@exemple.fr", **fields)


def test_references_are_sequential_per_organisation_and_year(unit, other_unit, epci_unit):
    year = timezone.localdate().year
    first, second = submit(unit), submit(other_unit)
    in_epci = submit(epci_unit)
    assert first.reference == f"HAY-{year}-000001"
    assert second.reference == f"HAY-{year}-000002"  # same commune, another unit
    assert in_epci.reference == f"VF-{year}-000001"


def test_references_start_again_each_year(unit):
    last_year = timezone.now().replace(year=timezone.now().year - 1)
    old = case_create(kind="contact", channel="phone", organisation=unit.organisation, unit=unit,
                      subject="Ancienne", message="…", requester_name="X",
                      created_at=last_year)
    new = submit(unit)
    assert old.reference.endswith(f"-{last_year.year}-000001")
    assert new.reference.endswith(f"-{timezone.now().year}-000001")


def test_the_token_is_unguessable_and_not_derived_from_the_reference(unit):
    cases = [submit(unit, n) for n in range(20)]
    tokens = {c.token for c in cases}
    assert len(tokens) == 20
    assert all(len(t) >= 32 and c.reference not in t for c, t in zip(cases, tokens, strict=False))


@pytest.mark.django_db(transaction=True)
def test_concurrent_submissions_get_distinct_consecutive_references(unit):
    """On PostgreSQL the submissions really run at once; SQLite serialises writers."""
    workers = 12 if connection.vendor == "postgresql" else 1
    errors, barrier = [], threading.Barrier(workers)

    def run(n):
        try:
            barrier.wait()
            submit(unit, n)
        except Exception as exc:  # noqa: BLE001 — collected and asserted below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for n in range(workers, 12):
        submit(unit, n)
    assert errors == []
    numbers = sorted(int(r.rsplit("-", 1)[1]) for r in Case.objects.values_list("reference",
                                                                              flat=True))
    assert numbers == list(range(1, 13))


def test_a_case_cannot_be_filed_with_a_unit_of_another_organisation(unit, other_commune):
    with pytest.raises(CaseError, match="n'appartient pas"):
        case_create(kind="contact", channel="web", organisation=other_commune, unit=unit,
                    subject="X", message="Y", requester_name="Z")
    assert not Case.objects.exists()


def test_only_allowed_transitions(case, agent):
    case_change_status(case=case, status=Status.RESOLVED, acting_user=agent)
    with pytest.raises(CaseError, match="ne peut pas passer à « En attente"):
        case_change_status(case=case, status=Status.WAITING, acting_user=agent)
    case_close(case=case, acting_user=agent, message="C'est réparé.")
    for status in Status.values:
        with pytest.raises(CaseError):
            case_change_status(case=case, status=status, acting_user=agent)
    case.refresh_from_db()
    assert case.status == Status.CLOSED and case.closed_at is not None


def test_waiting_for_the_resident_pauses_the_clock(case, agent):
    case_reply(case=case, agent=agent, body="Pouvez-vous envoyer une photo ?",
               wait_for_resident=True)
    case.refresh_from_db()
    assert case.status == Status.WAITING and case.paused_at is not None
    assert not case.is_overdue(now=case.resolution_due_at + dt.timedelta(days=30))
    calendar = case.organisation.calendar()
    # The resident answers two weeks later.
    paused_at = timezone.now() - dt.timedelta(days=14)
    Case.objects.filter(pk=case.pk).update(paused_at=paused_at)
    remaining = calendar.between(paused_at, case.resolution_due_at)

    case_resident_reply(case=case, body="Voici la photo.", user=case.requester)
    case.refresh_from_db()
    assert case.status == Status.IN_PROGRESS and case.paused_at is None
    assert calendar.between(timezone.now(), case.resolution_due_at) == pytest.approx(
        remaining, abs=dt.timedelta(minutes=1))


def test_the_first_reply_stops_the_first_response_clock_and_assigns(case, agent):
    case_reply(case=case, agent=agent, body="Nous regardons.")
    case.refresh_from_db()
    assert case.first_responded_at is not None
    assert case.assignee == agent
    assert case.status == Status.IN_PROGRESS
    assert Entry.objects.filter(action=Entry.Action.CASE_REPLIED, actor=agent).exists()


def test_an_agent_of_another_unit_cannot_act(case, other_agent):
    for action in (
        lambda: case_reply(case=case, agent=other_agent, body="…"),
        lambda: case_assign(case=case, assignee=other_agent, acting_user=other_agent),
        lambda: case_change_status(case=case, status=Status.RESOLVED, acting_user=other_agent),
        lambda: case_close(case=case, acting_user=other_agent, message="…"),
    ):
        with pytest.raises(CaseError, match="pas habilité"):
            action()
    assert list(case.events.values_list("kind", flat=True)) == [Event.Kind.SUBMITTED]


def test_transfer_stays_within_the_territory(case, agent, epci_unit, other_commune):
    outside = make_unit(other_commune, "Propreté")
    with pytest.raises(CaseError, match="motif"):
        case_transfer(case=case, unit=epci_unit, reason=" ", acting_user=agent)
    with pytest.raises(CaseError, match="n'appartient ni"):
        case_transfer(case=case, unit=outside, reason="Pas chez nous", acting_user=agent)
    reference = case.reference
    case_transfer(case=case, unit=epci_unit, reason="Compétence déchets", acting_user=agent)
    case.refresh_from_db()
    assert (case.unit, case.organisation, case.reference) == (epci_unit, epci_unit.organisation,
                                                             reference)
    assert case.events.get(kind=Event.Kind.TRANSFERRED).body == "Compétence déchets"


def test_a_resident_message_reopens_a_resolved_case_but_not_a_closed_one(case, agent):
    case_change_status(case=case, status=Status.RESOLVED, acting_user=agent)
    case_resident_reply(case=case, body="Le trou est revenu.", user=case.requester)
    case.refresh_from_db()
    assert case.status == Status.IN_PROGRESS
    case_close(case=case, acting_user=agent, message="Rebouché.")
    with pytest.raises(CaseError, match="close"):
        case_resident_reply(case=case, body="Merci", user=case.requester)
