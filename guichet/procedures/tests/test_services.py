"""Publishing, filing, acknowledgement, workflow and implicit decisions, through the services."""

import datetime as dt
import os

import pytest
from dateutil.relativedelta import relativedelta
from django.core import mail
from django.utils import timezone

from guichet.cases.models import Attachment, Event
from guichet.cases.models import Status as CaseStatus
from guichet.documents.models import Document
from guichet.notifications.services import notifications_deliver_due
from guichet.procedures import documents as pdfs
from guichet.procedures.models import Procedure, Submission
from guichet.procedures.services import (
    ProcedureError,
    drafts_expire,
    procedure_publish,
    submission_attach,
    submission_decide,
    submission_file_verify,
    submission_pick_from_vault,
    submission_provide_documents,
    submission_request_documents,
    submission_save_page,
    submission_start,
    submission_submit,
    submission_take,
    submissions_record_implicit_decisions,
)

from .fixtures import ANSWERS, CANTEEN, checked_pdf, make_procedure, pdf_text


def _filled(procedure, user, answers=ANSWERS):
    submission = submission_start(procedure=procedure, user=user)
    submission_save_page(submission=submission, index=0, page_answers=answers, user=user)
    submission.refresh_from_db()
    submission_attach(submission=submission, slot="proof_of_address", checked=checked_pdf(),
                      user=user)
    return submission


def test_publishing_freezes_a_version_and_files_keep_theirs(unit, procedure_admin, resident):
    procedure = make_procedure(unit, publisher=procedure_admin)
    draft = submission_start(procedure=procedure, user=resident)
    changed = {**CANTEEN, "pages": [*CANTEEN["pages"], {"title": "Nouvelle page", "fields": []}]}
    procedure.definition = changed
    procedure.save()
    version = procedure_publish(procedure=procedure, acting_user=procedure_admin)
    assert version.number == 2
    draft.refresh_from_db()
    assert draft.version.number == 1 and len(draft.definition["pages"]) == 3


def test_a_procedure_cannot_be_published_while_its_acknowledgement_lacks_an_item(
        unit, procedure_admin):
    unit.phone = ""
    unit.save()
    procedure = make_procedure(unit, implicit=Procedure.Implicit.REJECT, appeal_routes="")
    with pytest.raises(ProcedureError) as error:
        procedure_publish(procedure=procedure, acting_user=procedure_admin)
    assert "numéro de téléphone" in str(error.value)
    assert "voies et délais de recours" in str(error.value)
    assert not Procedure.objects.get(pk=procedure.pk).is_published


def test_only_administrators_and_managers_publish(unit, agent):
    procedure = make_procedure(unit)
    with pytest.raises(ProcedureError):
        procedure_publish(procedure=procedure, acting_user=agent)


def test_prefill_from_the_profile(canteen, resident):
    submission = submission_start(procedure=canteen, user=resident)
    assert submission.answers == {"parent_name": "Durand"}


def test_a_closed_procedure_refuses_new_files(canteen, resident):
    canteen.closes_on = timezone.localdate() - dt.timedelta(days=1)
    canteen.save()
    with pytest.raises(ProcedureError, match="pas ouverte"):
        submission_start(procedure=canteen, user=resident)


def test_submit_checks_every_mandatory_piece(canteen, resident):
    submission = submission_start(procedure=canteen, user=resident)
    submission_save_page(submission=submission, index=0,
                         page_answers={**ANSWERS, "allocataire": "oui", "caf_number": "1234567"},
                         user=resident)
    with pytest.raises(ProcedureError) as error:
        submission_submit(submission=submission, user=resident)
    assert "Justificatif de domicile" in str(error.value)
    assert "Attestation CAF" in str(error.value)


def test_submitting_files_the_case_with_receipt_and_a_compliant_acknowledgement(
        canteen, resident, unit):
    submission = _filled(canteen, resident, {**ANSWERS, "caf_number": "999"})
    submission = submission_submit(submission=submission, user=resident)
    case = submission.case
    assert case.kind == "procedure" and case.unit == unit and case.status == CaseStatus.NEW
    assert "caf_number" not in submission.answers  # hidden by the condition, dropped
    assert "Prénom : Léo" in case.events.get(kind=Event.Kind.SUBMITTED).body
    today = timezone.localdate()
    assert submission.implicit_due_on == today + relativedelta(months=2)
    ar = Attachment.objects.get(case=case, original_name__startswith="accuse-de-reception")
    event = ar.event
    import hashlib
    assert event.data["sha256"] == hashlib.sha256(ar.file.read()).hexdigest()
    ar.file.seek(0)
    text = " ".join(pdf_text(ar.file.read()).split())
    assert "Date de réception" in text and case.reference in text
    assert unit.name in text and unit.phone in text and unit.email in text
    assert "réputée acceptée" in text and "attestation" in text
    assert today.strftime("%Y") in text
    notifications_deliver_due()
    subjects = [m.subject for m in mail.outbox]
    assert any("enregistrée" in s for s in subjects)
    assert any("Accusé de réception" in s for s in subjects)


def test_svr_acknowledgement_gives_the_appeal_routes(unit, procedure_admin, resident):
    procedure = make_procedure(unit, publisher=procedure_admin,
                               implicit=Procedure.Implicit.REJECT)
    submission = submission_submit(submission=_filled(procedure, resident), user=resident)
    lines = dict(pdfs.acknowledgement_lines(submission))
    assert "réputée rejetée" in lines["Décision implicite"]
    assert "tribunal administratif" in lines["Voies et délais de recours"]


def test_no_acknowledgement_when_the_procedure_owes_none(unit, procedure_admin, resident):
    procedure = make_procedure(unit, publisher=procedure_admin, owes_acknowledgement=False)
    submission = submission_submit(submission=_filled(procedure, resident), user=resident)
    assert not Attachment.objects.filter(case=submission.case).exists()


def test_vault_documents_are_only_the_residents_own(canteen, resident, other_resident):
    submission = submission_start(procedure=canteen, user=resident)
    theirs = Document.objects.create(owner=other_resident, type="proof_of_address", title="X",
                                     original_name="x.pdf", content_type="application/pdf",
                                     size=10, file="vault/x.pdf")
    with pytest.raises(ProcedureError, match="coffre-fort"):
        submission_pick_from_vault(submission=submission, slot="proof_of_address",
                                   document=theirs, user=resident)


def test_a_piece_saved_to_the_vault_is_picked_again_later(canteen, resident):
    first = _filled(canteen, resident)
    submission_attach(submission=first, slot="proof_of_address", checked=checked_pdf(),
                      user=resident, save_to_vault=True)
    document = Document.objects.get(owner=resident)
    assert document.type == "proof_of_address"
    second = submission_start(procedure=canteen, user=resident)
    submission_save_page(submission=second, index=0, page_answers=ANSWERS, user=resident)
    second.refresh_from_db()
    item = submission_pick_from_vault(submission=second, slot="proof_of_address",
                                      document=document, user=resident)
    assert item.stored.name == document.file.name
    submission_submit(submission=second, user=resident)


def test_an_expired_vault_document_is_refused(canteen, resident):
    document = Document.objects.create(owner=resident, type="proof_of_address", title="Facture",
                                       original_name="x.pdf", content_type="application/pdf",
                                       size=10, file="vault/x.pdf",
                                       valid_until=timezone.localdate() - dt.timedelta(days=1))
    submission = submission_start(procedure=canteen, user=resident)
    with pytest.raises(ProcedureError, match="plus valable"):
        submission_pick_from_vault(submission=submission, slot="proof_of_address",
                                   document=document, user=resident)


def test_a_sent_file_cannot_be_changed(canteen, resident):
    submission = submission_submit(submission=_filled(canteen, resident), user=resident)
    with pytest.raises(ProcedureError, match="déjà été envoyé"):
        submission_save_page(submission=submission, index=0, page_answers={}, user=resident)


def test_requesting_documents_restarts_the_sva_clock_on_arrival(canteen, resident, agent):
    submission = submission_submit(submission=_filled(canteen, resident), user=resident)
    due = timezone.localdate() + dt.timedelta(days=15)
    submission = submission_request_documents(submission=submission, agent=agent,
                                              documents=["Justificatif récent"], due_on=due,
                                              message="Votre justificatif date de 2019.")
    assert submission.state == Submission.State.WAITING_DOCUMENTS
    assert submission.implicit_due_on is None
    assert submission.case.status == CaseStatus.WAITING
    submission = submission_provide_documents(submission=submission, user=resident,
                                              files=[checked_pdf()])
    assert submission.state == Submission.State.REVIEW
    assert submission.implicit_due_on == timezone.localdate() + relativedelta(months=2)


def test_the_request_for_pieces_is_filed_under_pieces_requested(canteen, resident, agent):
    """The resident who turned off « Réponses » still hears that pieces are wanted, and finds
    the message under « Pièces demandées » in their centre."""
    from guichet.notifications.models import Category, InAppItem, Notification, Preference

    Preference.objects.create(user=resident, category=Category.REPLY,
                              channel=Preference.Channel.EMAIL, enabled=False)
    submission = submission_submit(submission=_filled(canteen, resident), user=resident)
    submission_request_documents(submission=submission, agent=agent, documents=["RIB"],
                                 due_on=timezone.localdate() + dt.timedelta(days=10),
                                 message="Il manque votre RIB.")
    item = InAppItem.objects.filter(user=resident).latest("pk")
    assert item.category == Category.DOCUMENTS
    sent = Notification.objects.filter(case=submission.case, template="agent_message").get()
    assert sent.status != Notification.Status.SKIPPED


def test_requesting_documents_suspends_the_svr_clock(unit, procedure_admin, resident, agent):
    procedure = make_procedure(unit, publisher=procedure_admin,
                               implicit=Procedure.Implicit.REJECT)
    submission = submission_submit(submission=_filled(procedure, resident), user=resident)
    Submission.objects.filter(pk=submission.pk).update(
        implicit_due_on=timezone.localdate() + dt.timedelta(days=40))
    submission.refresh_from_db()
    submission = submission_request_documents(
        submission=submission, agent=agent, documents=["RIB"],
        due_on=timezone.localdate() + dt.timedelta(days=10), message="")
    assert submission.implicit_remaining_days == 40
    submission = submission_provide_documents(submission=submission, user=resident,
                                              files=[checked_pdf()])
    assert submission.implicit_due_on == timezone.localdate() + dt.timedelta(days=40)


def test_accepting_attaches_the_decision_pdf(canteen, resident, agent):
    canteen.decision_template = "Dossier {reference} : {decision}. Parent : {champ:parent_name}."
    canteen.save()
    submission = submission_submit(submission=_filled(canteen, resident), user=resident)
    submission_take(submission=submission, agent=agent, code="review")
    submission = submission_decide(submission=submission, agent=agent, code="accept")
    assert submission.state == Submission.State.ACCEPTED
    assert submission.case.status == CaseStatus.RESOLVED
    decision = Attachment.objects.get(case=submission.case, original_name__startswith="decision")
    text = pdf_text(decision.file.read())
    assert f"Dossier {submission.case.reference} : demande acceptée. Parent : Durand." in text


def test_a_template_cannot_reach_attributes_or_code(canteen, resident, agent):
    canteen.decision_template = "{reference.__class__} {__import__} {champ:__dict__}"
    canteen.save()
    submission = submission_submit(submission=_filled(canteen, resident), user=resident)
    text = pdfs.render_template(canteen.decision_template, {"reference": "X"}, {}, {})
    assert text == "{reference.__class__} {__import__} {champ:__dict__}"
    submission_decide(submission=submission, agent=agent, code="accept")


def test_agents_act_only_on_their_units_and_through_allowed_transitions(
        canteen, resident, agent, other_agent):
    submission = submission_submit(submission=_filled(canteen, resident), user=resident)
    with pytest.raises(ProcedureError, match="habilité"):
        submission_decide(submission=submission, agent=other_agent, code="accept")
    canteen.current_version.definition = {**CANTEEN, "workflow": {"accept": ["manager"]}}
    canteen.current_version.save()
    submission.refresh_from_db()
    with pytest.raises(ProcedureError, match="Votre rôle"):
        submission_decide(submission=submission, agent=agent, code="accept")
    with pytest.raises(ProcedureError, match="Motivez"):
        submission_decide(submission=submission, agent=agent, code="reject")


def test_a_decided_file_cannot_be_decided_again(canteen, resident, agent):
    submission = submission_submit(submission=_filled(canteen, resident), user=resident)
    submission_decide(submission=submission, agent=agent, code="accept")
    with pytest.raises(ProcedureError, match="ne peut pas passer"):
        submission_decide(submission=submission, agent=agent, code="reject", reason="Non")


def test_the_implicit_decision_is_recorded_after_its_date(canteen, resident, unit):
    submission = submission_submit(submission=_filled(canteen, resident), user=resident)
    due = submission.implicit_due_on
    assert submissions_record_implicit_decisions(today=due - dt.timedelta(days=5)) == (1, 0)
    assert submissions_record_implicit_decisions(today=due) == (0, 0)
    assert submissions_record_implicit_decisions(today=due + dt.timedelta(days=1)) == (0, 1)
    submission.refresh_from_db()
    assert submission.state == Submission.State.ACCEPTED and submission.implicit_decided_at
    assert "Décision implicite d'acceptation acquise" in submission.case.events.get(
        kind=Event.Kind.STATUS_CHANGED).body
    text = pdf_text(pdfs.implicit_attestation_pdf(submission))
    assert "décision implicite d'acceptation" in text


def test_verifying_an_identity_document_purges_its_image(unit, procedure_admin, resident,
                                                          agent):
    definition = {**CANTEEN, "documents": [{"key": "id", "label": "Pièce d'identité",
                                           "type": "identity", "required": True}]}
    procedure = make_procedure(unit, definition=definition, publisher=procedure_admin)
    submission = submission_start(procedure=procedure, user=resident)
    submission_save_page(submission=submission, index=0, page_answers=ANSWERS, user=resident)
    submission.refresh_from_db()
    item = submission_attach(submission=submission, slot="id", checked=checked_pdf(),
                             user=resident, save_to_vault=True)
    submission_submit(submission=submission, user=resident)
    item.refresh_from_db()
    item = submission_file_verify(item=item, agent=agent)
    document = Document.objects.get(pk=item.vault_document_id)
    assert not item.file and item.purged_at and item.verified_by == agent
    assert not document.file and document.verified_by == agent and document.purged_at


def test_drafts_expire_after_a_warning(canteen, resident):
    submission = submission_start(procedure=canteen, user=resident)
    expiry = submission.expires_at
    assert drafts_expire(now=expiry - dt.timedelta(days=2)) == (1, 0)
    notifications_deliver_due()
    assert "sera supprimé" in mail.outbox[-1].subject
    assert drafts_expire(now=expiry + dt.timedelta(minutes=1)) == (0, 1)
    assert not Submission.objects.filter(pk=submission.pk).exists()


def test_automatic_jumps_on_submit_and_after_the_documents_deadline(
        unit, procedure_admin, resident, agent):
    from guichet.procedures.services import submissions_expire_document_requests

    definition = {**CANTEEN, "workflow": {
        "expire_documents_after_days": 5,
        "on_submit": {"to": "review", "condition": {"field": "allocataire", "op": "eq",
                                                    "value": "non"}}}}
    procedure = make_procedure(unit, definition=definition, publisher=procedure_admin)
    submission = submission_submit(submission=_filled(procedure, resident), user=resident)
    assert submission.state == Submission.State.REVIEW
    due = timezone.localdate() + dt.timedelta(days=3)
    submission_request_documents(submission=submission, agent=agent, documents=["RIB"],
                                 due_on=due, message="")
    assert submissions_expire_document_requests(today=due + dt.timedelta(days=5)) == 0
    assert submissions_expire_document_requests(today=due + dt.timedelta(days=6)) == 1
    submission.refresh_from_db()
    assert submission.state == Submission.State.WITHOUT_FOLLOW_UP
    assert "n'ont pas été reçues" in submission.case.events.filter(
        kind=Event.Kind.AGENT_MESSAGE).last().body


def test_the_generic_status_change_close_and_merge_are_refused_for_a_file(canteen, resident,
                                                                         agent):
    from guichet.cases.services import CaseError, case_change_status, case_close, case_reply

    submission = submission_submit(submission=_filled(canteen, resident), user=resident)
    case = submission.case
    with pytest.raises(CaseError, match="circuit d'instruction"):
        case_change_status(case=case, status=CaseStatus.RESOLVED, acting_user=agent)
    with pytest.raises(CaseError, match="circuit d'instruction"):
        case_close(case=case, acting_user=agent, message="Fini")
    case_reply(case=case, agent=agent, body="Bien reçu.", wait_for_resident=True)
    case.refresh_from_db()
    assert case.status == CaseStatus.NEW  # a message does not move the file


def test_a_procedure_adds_its_own_state_between_instruction_and_decision(
        unit, procedure_admin, resident, agent, manager):
    from guichet.procedures.services import allowed_transitions

    definition = {**CANTEEN, "workflow": {"states": [
        {"key": "commission", "label": "Avis de la commission", "roles": ["manager"]}]}}
    procedure = make_procedure(unit, definition=definition, publisher=procedure_admin)
    submission = submission_submit(submission=_filled(procedure, resident), user=resident)
    submission_take(submission=submission, agent=agent, code="review")
    assert "to_commission" not in dict(allowed_transitions(submission, agent))
    with pytest.raises(ProcedureError, match="Votre rôle"):
        submission_take(submission=submission, agent=agent, code="to_commission")
    submission = submission_take(submission=submission, agent=manager, code="to_commission")
    assert submission.state == "x_commission"
    assert submission.state_label == "Avis de la commission"
    assert submission.case.status == CaseStatus.IN_PROGRESS
    assert submission.is_instructing  # the implicit-decision clock keeps running
    submission = submission_decide(submission=submission, agent=agent, code="accept")
    assert submission.state == Submission.State.ACCEPTED


def test_a_draft_cannot_be_sent_once_the_procedure_has_closed(canteen, resident):
    submission = _filled(canteen, resident)
    canteen.closes_on = timezone.localdate() - dt.timedelta(days=1)
    canteen.save()
    with pytest.raises(ProcedureError, match="pas ouverte"):
        submission_submit(submission=submission, user=resident)
    submission.refresh_from_db()
    assert submission.is_draft and submission.case is None


def test_a_replaced_piece_leaves_no_file_behind(canteen, resident):
    submission = _filled(canteen, resident)
    first = submission.files.get()
    path = first.file.path
    submission_attach(submission=submission, slot="proof_of_address", checked=checked_pdf(),
                      user=resident)
    assert not os.path.exists(path) and submission.files.count() == 1
