import pytest
from django.core import mail

from guichet.cases.models import Event, Status
from guichet.cases.services import CaseError, case_merge, case_split
from guichet.contact.services import contact_submit
from guichet.lib.tests.test_files import PDF
from guichet.notifications.services import notifications_deliver_due


def test_merging_copies_the_timeline_in_order_and_tells_the_resident_once(unit, agent,
                                                                         resident):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from guichet.lib.files import check_upload

    original = contact_submit(unit=unit, subject="Trou rue Foch", message="Premier message",
                              requester=resident)
    duplicate = contact_submit(unit=unit, subject="Trou toujours là", message="Second",
                               requester=resident,
                               files=[check_upload(SimpleUploadedFile("p.pdf", PDF))])
    notifications_deliver_due()
    mail.outbox.clear()
    case_merge(case=duplicate, into=original, acting_user=agent)
    duplicate.refresh_from_db()
    assert duplicate.status == Status.CLOSED
    bodies = list(original.events.order_by("created_at", "pk").values_list("body", flat=True))
    assert bodies.index("Premier message") < bodies.index("Second")
    assert original.attachments.get().original_name == "p.pdf"
    notifications_deliver_due()
    assert len([m for m in mail.outbox if m.to == ["alice@exemple.fr"]]) == 1


def test_merge_rules(unit, other_unit, agent):
    a = contact_submit(unit=unit, subject="A", message="…", name="X", email="x@exemple.fr")
    elsewhere = contact_submit(unit=other_unit, subject="B", message="…", name="X",
                               email="x@exemple.fr")
    with pytest.raises(CaseError, match="autre demande"):
        case_merge(case=a, into=a, acting_user=agent)
    with pytest.raises(CaseError, match="pas habilité"):
        case_merge(case=a, into=elsewhere, acting_user=agent)


def test_splitting_a_message_into_a_new_case(unit, other_unit, agent, resident):
    case = contact_submit(unit=unit, subject="Trou et acte", message="Un trou, et un acte de "
                          "naissance", requester=resident)
    event = case.events.get(kind=Event.Kind.SUBMITTED)
    new = case_split(case=case, event=event, unit=other_unit, subject="Acte de naissance",
                     acting_user=agent)
    assert new.unit == other_unit and new.requester == resident
    assert new.reference in case.events.filter(kind=Event.Kind.INTERNAL_NOTE).last().body
