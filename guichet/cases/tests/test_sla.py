import datetime as dt

from django.core import mail
from django.utils import timezone

from guichet.cases.models import Case, SlaPolicy
from guichet.cases.services import cases_send_digest, sla_targets
from guichet.contact.services import contact_submit
from guichet.notifications.services import notifications_deliver_due


def test_the_most_specific_policy_wins(unit, other_unit):
    assert sla_targets(unit=unit, channel="web") == (unit.first_response_hours,
                                                     unit.resolution_hours)
    SlaPolicy.objects.create(channel="phone", first_response_hours=8, resolution_hours=40)
    SlaPolicy.objects.create(unit=unit, first_response_hours=24, resolution_hours=72)
    SlaPolicy.objects.create(unit=unit, channel="phone", first_response_hours=4,
                             resolution_hours=16)
    assert sla_targets(unit=unit, channel="phone") == (4, 16)
    assert sla_targets(unit=unit, channel="web") == (24, 72)
    assert sla_targets(unit=other_unit, channel="phone") == (8, 40)


def test_social_networks_default_to_48_hours_and_5_business_days(unit):
    assert sla_targets(unit=unit, channel="social") == (48, 120)


def test_case_create_applies_the_policy(unit):
    SlaPolicy.objects.create(unit=unit, first_response_hours=4, resolution_hours=8)
    case = contact_submit(unit=unit, subject="X", message="Y", name="Z", email="z@exemple.fr")
    calendar = case.organisation.calendar()
    assert calendar.between(case.created_at, case.resolution_due_at) == dt.timedelta(hours=8)


def test_managers_get_a_digest_of_overdue_and_soon_due_cases(unit, manager, agent):
    late = contact_submit(unit=unit, subject="En retard", message="…", name="A",
                          email="a@exemple.fr")
    soon = contact_submit(unit=unit, subject="Bientôt", message="…", name="B",
                          email="b@exemple.fr")
    contact_submit(unit=unit, subject="Tranquille", message="…", name="C",
                   email="c@exemple.fr")
    now = timezone.now()
    Case.objects.filter(pk=late.pk).update(resolution_due_at=now - dt.timedelta(hours=3),
                                           urgent=True)
    Case.objects.filter(pk=soon.pk).update(resolution_due_at=now + dt.timedelta(hours=5))
    mail.outbox.clear()
    assert cases_send_digest() == 1  # the manager only, not the agents
    notifications_deliver_due()
    [digest] = [m for m in mail.outbox if m.to == ["chef.voirie@hayange.fr"]]
    assert "1 demande en retard, 1 à échéance proche" in digest.subject
    assert late.reference in digest.body and "URGENTE" in digest.body
    assert soon.reference in digest.body and "Tranquille" not in digest.body
