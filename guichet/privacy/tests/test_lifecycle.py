"""The RGPD lifecycle: the « Mes données » archive, deleting an account, anonymising a case,
the retention job and the archivist's visa on a bordereau d'élimination."""

import datetime as dt
import io
import json
import zipfile

import pytest
from dateutil.relativedelta import relativedelta
from django.core.files.storage import default_storage
from django.utils import timezone

from conftest import make_agent, make_user
from guichet.accounts.models import Membership
from guichet.cases.models import Attachment, Case, Event
from guichet.cases.services import CaseError, case_close, case_reopen, case_reply
from guichet.contact.services import contact_submit
from guichet.journal.models import Entry
from guichet.news.models import Subscription
from guichet.notifications.models import Notification
from guichet.privacy.models import DataExport, Elimination, RetentionRule
from guichet.privacy.services import (
    PrivacyError,
    account_delete,
    account_deletion_plan,
    case_anonymise,
    data_export_request,
    data_export_run,
    elimination_decide,
    retention_run,
)
from guichet.procedures.tests.fixtures import checked_pdf


def closed(case, agent, months_ago=0):
    case_reply(case=case, agent=agent, body="Bonjour Mme Durand, c'est réparé.",
               files=[checked_pdf("photo-facture.pdf")])
    case_close(case=case, acting_user=agent, message="Réparé.")
    if months_ago:
        Case.objects.filter(pk=case.pk).update(
            closed_at=timezone.now() - relativedelta(months=months_ago))
    return Case.objects.get(pk=case.pk)


def archive_of(export) -> zipfile.ZipFile:
    export.refresh_from_db()
    with export.file.open("rb") as handle:
        return zipfile.ZipFile(io.BytesIO(handle.read()))


def test_my_data_holds_cases_timeline_files_and_the_journal(case, agent, resident, deliver):
    closed(case, agent)
    export = data_export_request(person=resident, acting_user=resident)
    data_export_run(export_id=export.pk)
    archive = archive_of(export)
    data = json.loads(archive.read("donnees.json"))
    assert data["profil"]["adresse_electronique"] == "alice@exemple.fr"
    [row] = data["demandes"]
    assert row["reference"] == case.reference and row["objet"] == "Nid-de-poule rue Foch"
    assert any("c'est réparé" in e["texte"] for e in row["fil"])
    [piece] = row["pieces_jointes"]
    assert archive.read(piece["fichier"]).startswith(b"%PDF")
    assert any(e["qui"] == "Un agent de la collectivité" for e in data["journal"])
    assert "Paul" not in json.dumps(data["journal"])  # agents are not named to the resident
    summary = archive.read("resume.html").decode()
    assert case.reference in summary and "Qui a consulté" in summary
    assert Entry.objects.filter(action=Entry.Action.DATA_EXPORTED, person=resident,
                                actor=resident).exists()
    assert any("Vos données sont prêtes" in m.subject for m in deliver())


def test_internal_notes_go_only_in_the_dpo_archive(case, agent, resident, dpo):
    from guichet.cases.services import case_add_note

    case_add_note(case=case, agent=agent, body="Usager déjà venu trois fois.")
    mine = data_export_request(person=resident, acting_user=resident)
    data_export_run(export_id=mine.pk)
    assert "trois fois" not in archive_of(mine).read("donnees.json").decode()
    with pytest.raises(PrivacyError, match="Vérifiez l'identité"):
        data_export_request(person=resident, acting_user=dpo)
    counter = data_export_request(person=resident, acting_user=dpo, identity_checked=True)
    data_export_run(export_id=counter.pk)
    assert "trois fois" in archive_of(counter).read("donnees.json").decode()


def test_nobody_else_may_export_someone(case, resident, other_resident, agent):
    for intruder in (other_resident, agent):
        with pytest.raises(PrivacyError, match="pas habilité"):
            data_export_request(person=resident, acting_user=intruder, identity_checked=True)
    assert not DataExport.objects.exists()


def test_expired_archives_are_deleted(case, resident):
    export = data_export_request(person=resident, acting_user=resident)
    data_export_run(export_id=export.pk)
    export.refresh_from_db()
    name = export.file.name
    assert default_storage.exists(name)
    retention_run(now=timezone.now() + dt.timedelta(days=8))
    export.refresh_from_db()
    assert export.status == DataExport.Status.EXPIRED and not default_storage.exists(name)


def test_anonymising_removes_the_person_and_keeps_the_figures(
        case, agent, resident, django_capture_on_commit_callbacks):
    case = closed(case, agent)
    stored = Attachment.objects.get(case=case).file.name
    with django_capture_on_commit_callbacks(execute=True):
        case_anonymise(case=case, acting_user=None)
    case.refresh_from_db()
    assert case.requester is None and case.requester_name == "Anonyme"
    assert case.requester_email == "" and "Foch" not in case.subject
    assert case.kind == "contact" and case.closed_at and case.unit_id
    assert not Event.objects.filter(case=case).exclude(body="").exists()
    assert Event.objects.filter(case=case).count() >= 3  # the timeline's shape stays
    assert not Attachment.objects.filter(case=case).exists()
    assert not default_storage.exists(stored)
    assert not Notification.objects.filter(case=case).exists()
    assert Entry.objects.filter(case=case, action=Entry.Action.CASE_ANONYMISED).exists()
    with pytest.raises(CaseError, match="anonymisée"):
        case_reopen(case=case, reason="Encore cassé")


def test_an_open_case_is_not_anonymised(case):
    with pytest.raises(PrivacyError):
        case_anonymise(case=case, acting_user=None)


def test_deleting_an_account_keeps_open_cases_and_erases_the_rest(
        unit, agent, resident, case, deliver, django_capture_on_commit_callbacks):
    old = closed(contact_submit(unit=unit, subject="Bruit rue Foch", message="Chez Alice.",
                                requester=resident), agent)
    Subscription.objects.create(user=resident, email=resident.email,
                                confirmed_at=timezone.now())
    plan = account_deletion_plan(resident)
    assert case.pk in plan.kept_cases and old.pk in plan.anonymised_cases
    assert any(case.reference in line for line in plan.kept)
    deliver()
    with django_capture_on_commit_callbacks(execute=True):
        account_delete(user=resident, acting_user=resident)
    assert not type(resident).objects.filter(email="alice@exemple.fr").exists()
    case.refresh_from_db()
    old.refresh_from_db()
    assert case.requester is None and case.requester_email == "alice@exemple.fr"
    assert case.is_open  # the service still answers it
    assert old.anonymised_at and old.requester_email == ""
    assert not Subscription.objects.exists()
    assert Entry.objects.filter(action=Entry.Action.ACCOUNT_DELETED).exists()
    [notice] = [m for m in deliver() if "supprimé" in m.subject]
    assert notice.to == ["alice@exemple.fr"] and case.reference in notice.body


def test_only_the_resident_deletes_their_account_and_never_an_agent(resident, agent,
                                                                     other_resident):
    with pytest.raises(PrivacyError, match="titulaire"):
        account_delete(user=resident, acting_user=other_resident)
    with pytest.raises(PrivacyError, match="agent"):
        account_delete(user=agent, acting_user=agent)
    assert type(resident).objects.filter(pk__in=[resident.pk, agent.pk]).count() == 2


@pytest.fixture
def archivist(unit):
    return make_agent("archives@hayange.fr", unit, Membership.Role.ARCHIVIST,
                      first_name="Anne", last_name="Vidal")


def test_the_retention_job_anonymises_what_is_due_and_nothing_else(commune, unit, agent,
                                                                   resident):
    RetentionRule.objects.create(organisation=commune, kind="contact", months=24)
    due = closed(contact_submit(unit=unit, subject="Vieux", message="…", requester=resident),
                 agent, months_ago=25)
    recent = closed(contact_submit(unit=unit, subject="Récent", message="…",
                                   requester=resident), agent, months_ago=23)
    still_open = contact_submit(unit=unit, subject="Ouvert", message="…", requester=resident)
    assert retention_run()["anonymised"] == 1
    due.refresh_from_db()
    recent.refresh_from_db()
    still_open.refresh_from_db()
    assert due.anonymised_at and not recent.anonymised_at and not still_open.anonymised_at
    assert retention_run()["anonymised"] == 0  # done once


def test_elimination_waits_for_the_archivists_visa(commune, unit, agent, resident,
                                                   archivist,
                                                   django_capture_on_commit_callbacks):
    RetentionRule.objects.create(organisation=commune, kind="contact", months=12,
                                 action=RetentionRule.Action.ELIMINATE)
    old = closed(contact_submit(unit=unit, subject="Vieux", message="…", requester=resident),
                 agent, months_ago=13)
    stored = Attachment.objects.get(case=old).file.name
    counts = retention_run()
    assert counts["proposed"] == 1 and counts["eliminations"] == 1
    elimination = Elimination.objects.get()
    [item] = elimination.items.all()
    assert item.reference == old.reference and item.files == 1 and item.volume > 0
    assert Case.objects.filter(pk=old.pk).exists()  # nothing destroyed before the visa
    assert retention_run()["proposed"] == 0  # not proposed twice
    for someone in (agent, make_user("x@exemple.fr")):
        with pytest.raises(PrivacyError, match="archiviste"):
            elimination_decide(elimination=elimination, approve=True, comment="",
                               acting_user=someone)
    with django_capture_on_commit_callbacks(execute=True):
        elimination_decide(elimination=elimination, approve=True, comment="Visa.",
                           acting_user=archivist)
    assert not Case.objects.filter(pk=old.pk).exists()
    assert not default_storage.exists(stored)
    elimination.refresh_from_db()
    assert elimination.status == Elimination.Status.APPROVED
    assert elimination.items.get().reference == old.reference  # the record stays
    with pytest.raises(PrivacyError, match="déjà"):
        elimination_decide(elimination=elimination, approve=False, comment="x",
                           acting_user=archivist)


def test_a_refused_visa_keeps_the_files_and_needs_a_reason(commune, unit, agent, resident,
                                                           archivist):
    RetentionRule.objects.create(organisation=commune, kind="contact", months=12,
                                 action=RetentionRule.Action.ELIMINATE)
    old = closed(contact_submit(unit=unit, subject="Vieux", message="…", requester=resident),
                 agent, months_ago=13)
    retention_run()
    elimination = Elimination.objects.get()
    with pytest.raises(PrivacyError, match="pourquoi"):
        elimination_decide(elimination=elimination, approve=False, comment=" ",
                           acting_user=archivist)
    elimination_decide(elimination=elimination, approve=False,
                       comment="Intérêt historique : à verser aux archives.",
                       acting_user=archivist)
    assert Case.objects.filter(pk=old.pk).exists()
    assert retention_run()["proposed"] == 0


def test_the_register_tells_the_configured_retention(commune):
    from guichet.privacy.register import retention_text

    assert "Un an" in retention_text("contact", organisation=commune)
    RetentionRule.objects.create(organisation=commune, kind="contact", months=24,
                                 basis="Délibération du 3 mars 2026")
    text = retention_text("contact", organisation=commune)
    assert text.startswith("24 mois après la clôture, puis anonymiser")
    assert "Délibération du 3 mars 2026" in text
