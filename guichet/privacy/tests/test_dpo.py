"""The DPO's reads: one person's history joins the journal entries naming them and those about
their cases; nothing from collectivités the DPO does not watch."""

from django.test import Client

from conftest import make_agent, make_org, make_unit
from guichet.accounts.models import Membership
from guichet.contact.services import contact_submit
from guichet.journal.models import Entry
from guichet.journal.services import journal_record
from guichet.privacy.dpo import (
    dpo_can_see_person,
    dpo_organisation_ids,
    history_rows,
    people_for_dpo,
    person_history,
)


def test_history_joins_through_the_person_cases(dpo, agent, case, resident, anonymous_case):
    journal_record(actor=agent, action=Entry.Action.CASE_REPLIED, case=case)  # case only
    journal_record(actor=agent, action=Entry.Action.PERSON_VIEWED, person=resident)
    journal_record(actor=agent, action=Entry.Action.CASE_VIEWED, case=anonymous_case)
    actions = [e.action for e in person_history(dpo, resident)]
    assert Entry.Action.CASE_REPLIED in actions
    assert Entry.Action.PERSON_VIEWED in actions
    assert Entry.Action.CASE_VIEWED not in actions  # someone else's case


def test_anonymous_cases_from_the_person_address_count(dpo, agent, unit, db):
    from conftest import make_user

    person = make_user("marc@exemple.fr")
    anonymous = contact_submit(unit=unit, subject="Lampadaire", message="Éteint.",
                               name="Marc Blanc", email="Marc@Exemple.fr")
    journal_record(actor=agent, action=Entry.Action.CASE_VIEWED, case=anonymous)
    assert [e.case_id for e in person_history(dpo, person)] == [anonymous.pk]


def test_nothing_from_another_collectivite(dpo, resident, other_commune):
    unit = make_unit(other_commune, "Voirie")
    outsider_agent = make_agent("agent@ailleurs.fr", unit)
    elsewhere = contact_submit(unit=unit, subject="Ailleurs", message="Texte.",
                               requester=resident)
    journal_record(actor=outsider_agent, action=Entry.Action.CASE_VIEWED, case=elsewhere,
                   person=resident)
    journal_record(actor=outsider_agent, action=Entry.Action.PERSON_VIEWED, person=resident)
    assert list(person_history(dpo, resident)) == []
    assert not dpo_can_see_person(dpo, resident)


def test_people_search_by_address_or_name(dpo, case, resident, other_resident):
    assert list(people_for_dpo(dpo, "alice@")) == [resident]
    assert list(people_for_dpo(dpo, "durand alice")) == [resident]
    assert list(people_for_dpo(dpo, "bob")) == []  # no case, no mention here
    assert list(people_for_dpo(dpo, "a")) == []


def test_only_a_dpo_has_organisations(agent, manager, resident, dpo, commune, epci):
    assert dpo_organisation_ids(agent) == [] == dpo_organisation_ids(resident)
    assert set(dpo_organisation_ids(dpo)) == {commune.pk, epci.pk}


def test_history_is_indexed(dpo, resident, case, django_assert_max_num_queries):
    with django_assert_max_num_queries(5):
        list(person_history(dpo, resident)[:50])


def test_rows_stream_with_a_header(dpo, agent, case, resident):
    Client().force_login(agent)
    journal_record(actor=agent, action=Entry.Action.CASE_VIEWED, case=case, person=resident)
    rows = list(history_rows(person_history(dpo, resident)))
    assert rows[0][0] == "Date"
    assert rows[1][1] == "agent.voirie@hayange.fr"
    assert rows[1][3] == case.reference


def test_a_second_organisation_for_a_dpo(dpo, db):
    other = make_org("Knutange", prefix="KNU", insee="57368")
    make_agent("dpo2@knutange.fr", make_unit(other, "Mairie"), Membership.Role.DPO)
    assert other.pk not in dpo_organisation_ids(dpo)
