"""Rights requests become privacy cases for the DPO, due one month later on the SLA clock."""

import datetime as dt

import pytest
from dateutil.relativedelta import relativedelta
from django.utils import timezone

from guichet.cases.models import Status
from guichet.cases.services import CaseError, case_change_status, case_reply
from guichet.journal.models import Entry
from guichet.privacy.rights import one_month_hours, privacy_request_create, right_of


def test_a_resident_request_goes_to_the_dpo_due_in_one_month(commune, unit, dpo, resident):
    case = privacy_request_create(organisation=commune, right="rectification",
                                  message="Mon adresse est fausse.", requester=resident)
    assert case.kind == "privacy" and case.unit == unit
    assert case.subject.startswith("Droit de rectification")
    assert right_of(case) == "rectification"
    legal = case.created_at + relativedelta(months=1)
    assert legal - dt.timedelta(days=4) <= case.resolution_due_at <= legal
    assert Entry.objects.filter(case=case, actor=resident, details__privacy_right=
                                "rectification").exists()


def test_the_clock_stops_while_waiting_for_the_resident(commune, dpo, resident):
    case = privacy_request_create(organisation=commune, right="access", message="Copie.",
                                  requester=resident)
    due = case.resolution_due_at
    case_change_status(case=case, status=Status.WAITING, acting_user=dpo,
                       reason="Merci de joindre une pièce d'identité.")
    case.refresh_from_db()
    assert case.paused_at is not None
    case_reply(case=case, agent=dpo, body="Nous avons votre pièce, merci.")
    case.refresh_from_db()
    assert case.resolution_due_at >= due


def test_recorded_at_the_counter_only_with_identity_checked(commune, dpo):
    with pytest.raises(CaseError, match="identité"):
        privacy_request_create(organisation=commune, right="erasure", message="Effacez.",
                               requester_name="Marc Blanc", requester_email="marc@exemple.fr",
                               channel="counter", acting_user=dpo)
    case = privacy_request_create(organisation=commune, right="erasure", message="Effacez.",
                                  requester_name="Marc Blanc",
                                  requester_email="Marc@Exemple.fr", channel="counter",
                                  identity_checked=True, acting_user=dpo)
    assert case.requester_email == "marc@exemple.fr" and case.channel == "counter"
    assert Entry.objects.filter(case=case, actor=dpo, details__identity_checked=True).exists()


@pytest.mark.parametrize("right,message,error", [
    ("nothing", "x", "droit"), ("access", "   ", "Décrivez")])
def test_bad_input(commune, dpo, resident, right, message, error):
    with pytest.raises(CaseError, match=error):
        privacy_request_create(organisation=commune, right=right, message=message,
                               requester=resident)


def test_without_a_dpo_the_request_is_refused(commune, unit, resident):
    with pytest.raises(CaseError, match="délégué"):
        privacy_request_create(organisation=commune, right="access", message="Copie.",
                               requester=resident)


def test_one_month_in_business_hours(commune):
    start = timezone.make_aware(dt.datetime(2026, 3, 2, 10))
    hours = one_month_hours(commune, start)
    assert commune.calendar().add(start, dt.timedelta(hours=hours)).date() <= dt.date(2026, 4, 2)
