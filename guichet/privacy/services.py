"""The RGPD lifecycle as actions that journal who did them: « Mes données » archives, account
deletion, anonymisation of a case, the daily retention job and the archivist's visa on a
bordereau d'élimination."""

from __future__ import annotations

import datetime as dt
import io
import json
import logging
import zipfile
from dataclasses import dataclass, field

from dateutil.relativedelta import relativedelta
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone

from guichet.accounts.models import Membership
from guichet.cases.models import Case, Event
from guichet.journal.models import Entry
from guichet.journal.services import journal_record

from .models import DataExport, Elimination, EliminationItem, RetentionRule
from .mydata import person_cases, person_data

log = logging.getLogger(__name__)
EXPORT_DAYS = 7
ANONYMOUS = "Anonyme"
# Procedure files still being instructed: kept with the person's data when the account goes,
# because the administration owes a decision (CRPA).
INSTRUCTING = ("submitted", "review", "waiting_documents")


class PrivacyError(Exception):
    """A refusal the user can read."""


# « Mes données » ----------------------------------------------------------------------------

@transaction.atomic
def data_export_request(*, person, acting_user, identity_checked: bool = False) -> DataExport:
    """Queue the archive of everything about `person`. The person asks for their own; a DPO
    asks for someone met at the counter once they checked their identity, and only that DPO
    may download it."""
    from .dpo import dpo_can_see_person
    from .tasks import build_data_export

    if acting_user != person:
        if not dpo_can_see_person(acting_user, person):
            raise PrivacyError("Vous n'êtes pas habilité à exporter les données de cette "
                               "personne.")
        if not identity_checked:
            raise PrivacyError("Vérifiez l'identité du demandeur avant de préparer ses "
                               "données.")
    pending = DataExport.objects.filter(person=person, requested_by=acting_user,
                                        status=DataExport.Status.PENDING).first()
    if pending:
        return pending
    now = timezone.now()
    export = DataExport.objects.create(person=person, requested_by=acting_user, created_at=now,
                                       expires_at=now + dt.timedelta(days=EXPORT_DAYS))
    journal_record(actor=acting_user, action=Entry.Action.DATA_EXPORTED, person=person,
                   data_export=export.pk, identity_checked=identity_checked or None)
    transaction.on_commit(lambda: build_data_export.enqueue(export.pk))
    return export


def data_export_run(*, export_id: int) -> DataExport:
    """Write the ZIP: `donnees.json`, a readable `resume.html`, and the files."""
    export = DataExport.objects.select_related("person", "requested_by").get(pk=export_id)
    if export.status != DataExport.Status.PENDING:
        return export
    for_dpo = export.requested_by_id != export.person_id
    try:
        data = person_data(export.person, for_dpo=for_dpo)
        now = timezone.now()
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            document = {"prepare_le": timezone.localtime(now).isoformat(timespec="seconds"),
                        "personne": export.person.email, **data.sections}
            archive.writestr("donnees.json", json.dumps(document, ensure_ascii=False,
                                                        indent=2, default=str))
            archive.writestr("resume.html", render_to_string("archives/mydata_summary.html", {
                "person": export.person, "data": data.sections, "prepared_at": now,
                "for_dpo": for_dpo, "files": len(data.files)}))
            for path, stored in data.files:
                try:
                    with stored.open("rb") as handle:
                        archive.writestr(path, handle.read())
                except (FileNotFoundError, OSError):
                    log.warning("data export %s: a stored file is missing", export.pk)
        content = buffer.getvalue()
        export.file.save(f"mes-donnees-{export.key[:12]}.zip", ContentFile(content), save=False)
        export.size, export.status, export.finished_at = len(content), export.Status.DONE, now
    except Exception:
        log.exception("data export %s failed", export.pk)
        export.status = DataExport.Status.FAILED
    export.save(update_fields=["file", "size", "status", "finished_at"])
    if export.status == DataExport.Status.DONE and not for_dpo:
        from django.conf import settings
        from django.urls import reverse

        from guichet.notifications.services import notification_queue

        notification_queue(template="data_export_ready", recipient=export.person.email,
                           user=export.person, in_app=False, context={
                               "url": settings.SITE_URL + reverse("portal:my_data"),
                               "days": EXPORT_DAYS})
    return export


def data_exports_expire(*, now=None) -> int:
    """Delete the archives past their date (they hold everything about someone)."""
    now = now or timezone.now()
    done = 0
    for export in DataExport.objects.filter(expires_at__lte=now).exclude(
            status=DataExport.Status.EXPIRED):
        if export.file:
            export.file.delete(save=False)
        export.status = DataExport.Status.EXPIRED
        export.save(update_fields=["file", "status"])
        done += 1
    return done


# Deleting an account -------------------------------------------------------------------------

@dataclass
class DeletionPlan:
    """What happens to each thing the account holds, in the words the resident reads before
    confirming and in the email after."""
    kept: list[str] = field(default_factory=list)
    erased: list[str] = field(default_factory=list)
    anonymised_cases: list[int] = field(default_factory=list)
    kept_cases: list[int] = field(default_factory=list)
    refused: str = ""


def _plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def account_deletion_plan(user) -> DeletionPlan:
    from guichet.bookings.models import Payment
    from guichet.documents.models import Document
    from guichet.news.models import Subscription

    plan = DeletionPlan()
    if Membership.objects.filter(user=user).exists():
        plan.refused = ("Ce compte est celui d'un agent : son administrateur le retire de ses "
                        "services avant qu'il puisse être supprimé.")
        return plan
    cases = list(person_cases(user).select_related("submission").order_by("created_at"))
    paid = set(Payment.objects.filter(case__in=[c.pk for c in cases])
               .exclude(status="pending").values_list("case_id", flat=True))
    open_cases, instructing, with_payment, decided = [], [], [], []
    for case in cases:
        submission = getattr(case, "submission", None) if hasattr(case, "submission") else None
        if case.is_open:
            (instructing if submission and submission.state in INSTRUCTING
             else open_cases).append(case)
        elif case.pk in paid:
            with_payment.append(case)
        elif submission is not None:
            decided.append(case)
        else:
            plan.anonymised_cases.append(case.pk)
    refs = lambda group: ", ".join(c.reference for c in group[:10]) + (  # noqa: E731
        "…" if len(group) > 10 else "")
    if open_cases:
        plan.kept.append(
            f"{_plural(len(open_cases), 'demande en cours', 'demandes en cours')} "
            f"({refs(open_cases)}) : "
            "le service vous répond jusqu'à sa clôture, à l'adresse et au nom donnés dans la "
            "demande ; elle sera anonymisée selon la durée de conservation de la collectivité.")
    if instructing:
        plan.kept.append(
            f"{_plural(len(instructing), 'dossier en instruction', 'dossiers en instruction')} "
            f"({refs(instructing)}) : l'administration vous doit une décision, le dossier et "
            "ses pièces sont gardés jusqu'à la fin de leur durée de conservation.")
    if decided:
        plan.kept.append(
            f"{_plural(len(decided), 'dossier décidé', 'dossiers décidés')} ({refs(decided)}) : "
            "une décision administrative est conservée pendant la durée fixée par la "
            "collectivité, puis anonymisée ou éliminée.")
    if with_payment:
        plan.kept.append(
            _plural(len(with_payment), "demande avec un paiement", "demandes avec un paiement")
            + f" ({refs(with_payment)}) : les pièces comptables se gardent 10 ans (code général "
            "des collectivités territoriales).")
    plan.kept_cases = [c.pk for c in open_cases + instructing + decided + with_payment]
    plan.kept.append("Les accusés de réception et les décisions déjà envoyés, et le journal "
                     "des accès à vos données : ils prouvent ce que la collectivité a fait.")
    if plan.anonymised_cases:
        plan.erased.append(
            f"{_plural(len(plan.anonymised_cases), 'demande terminée', 'demandes terminées')} : "
            "votre nom, vos coordonnées, vos messages et vos pièces jointes sont effacés ; "
            "seuls restent le type, les dates et le service, pour les statistiques.")
    documents = Document.objects.filter(owner=user).count()
    if documents:
        plan.erased.append(f"{_plural(documents, 'document', 'documents')} de votre "
                           "coffre-fort, avec leurs fichiers.")
    subscriptions = Subscription.objects.filter(Q(user=user) | Q(email__iexact=user.email)).count()
    if subscriptions:
        plan.erased.append(f"{_plural(subscriptions, 'abonnement', 'abonnements')} aux "
                           "actualités et alertes.")
    plan.erased.append("Votre profil (nom, adresse, téléphone), vos préférences et vos "
                       "notifications, vos brouillons, vos suivis de signalements et vos "
                       "sessions ; vos réponses aux questionnaires deviennent anonymes.")
    plan.erased.append("Votre compte : vous ne pourrez plus vous connecter avec cette adresse, "
                       "mais vous pourrez créer un nouveau compte.")
    return plan


def account_delete(*, user, acting_user) -> DeletionPlan:
    """Erase the account as `account_deletion_plan` says. Only the resident deletes their own
    account (the view has them confirm their password or a link sent by email)."""
    from guichet.accounts.models import ResidentProfile, UserSession
    from guichet.appointments.models import WaitlistEntry
    from guichet.documents.models import Document
    from guichet.news.models import Subscription
    from guichet.notifications.models import InAppItem, Preference
    from guichet.procedures.models import Submission
    from guichet.reports.models import Follower
    from guichet.surveys.models import Invitation, Response

    if acting_user != user:
        raise PrivacyError("Seul le titulaire d'un compte peut le supprimer.")
    plan = account_deletion_plan(user)
    if plan.refused:
        raise PrivacyError(plan.refused)
    email = user.email
    with transaction.atomic():
        for case in Case.objects.filter(pk__in=plan.anonymised_cases):
            case_anonymise(case=case, acting_user=acting_user, reason="account_deleted")
        # Kept cases keep the name and address given in them, without the account.
        Case.objects.filter(pk__in=plan.kept_cases).update(requester=None)
        files = [d.file for d in Document.objects.filter(owner=user) if d.file]
        Document.objects.filter(owner=user).delete()
        Subscription.objects.filter(Q(user=user) | Q(email__iexact=email)).delete()
        Follower.objects.filter(Q(user=user) | Q(email__iexact=email)).delete()
        WaitlistEntry.objects.filter(email__iexact=email).delete()
        Submission.objects.filter(user=user, state=Submission.State.DRAFT).delete()
        Response.objects.filter(user=user).update(user=None, contact_email="")
        Response.objects.filter(contact_email__iexact=email).update(contact_email="")
        Invitation.objects.filter(Q(user=user) | Q(email__iexact=email)).delete()
        for model in (InAppItem, Preference, ResidentProfile, UserSession):
            model.objects.filter(user=user).delete()
        for export in DataExport.objects.filter(person=user):
            if export.file:
                files.append(export.file)
        journal_record(actor=None, action=Entry.Action.ACCOUNT_DELETED, account=user.pk,
                       kept_cases=len(plan.kept_cases),
                       anonymised_cases=len(plan.anonymised_cases))
        user.delete()
        transaction.on_commit(lambda: _account_deleted_notice(email, plan))
        transaction.on_commit(lambda: [f.storage.delete(f.name) for f in files])
    return plan


def _account_deleted_notice(email: str, plan: DeletionPlan) -> None:
    from guichet.notifications.services import notification_queue

    notification_queue(template="account_deleted", recipient=email, mandatory=True,
                       context={"kept": plan.kept, "erased": plan.erased})


# Anonymising a case -----------------------------------------------------------------------

def case_anonymise(*, case: Case, acting_user, reason: str = "retention") -> Case:
    """Remove the person from a closed case for good: their name, contact data, what they and
    the agents wrote, the files and the answers; the kind, dates, unit, category and place stay
    so that the statistics do not change. Irreversible (the values are overwritten)."""
    from guichet.notifications.models import Notification

    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        if case.anonymised_at:
            return case
        if case.is_open and reason != "account_deleted":
            raise PrivacyError("Une demande en cours ne peut pas être anonymisée.")
        now = timezone.now()
        files = []
        for attachment in case.attachments.all():
            files.append(attachment.file)
        case.attachments.all().delete()
        for event in case.events.all():
            keep = {k: v for k, v in (event.data or {}).items() if k in ("old", "new")}
            if event.body or event.data != keep:
                Event.objects.filter(pk=event.pk).update(body="", data=keep)
        Notification.objects.filter(case=case).delete()
        _anonymise_kind(case, files)
        case.requester = None
        case.requester_name, case.requester_email, case.requester_phone = ANONYMOUS, "", ""
        case.subject = f"{case.kind_info.label} (anonymisée)"[:200]
        case.anonymised_at = now
        case.save(update_fields=["requester", "requester_name", "requester_email",
                                 "requester_phone", "subject", "anonymised_at"])
        journal_record(actor=acting_user, action=Entry.Action.CASE_ANONYMISED, case=case,
                       reason=reason)
        transaction.on_commit(lambda: [f.storage.delete(f.name) for f in files if f])
    return case


def _anonymise_kind(case: Case, files: list) -> None:
    from guichet.appointments.models import Appointment
    from guichet.bookings.models import FacilityBooking, Registration
    from guichet.procedures.models import Submission, SubmissionFile
    from guichet.reports.models import Photo, Report
    from guichet.surveys.models import SatisfactionRequest

    for photo in Photo.objects.filter(report__case=case):
        files += [photo.image, photo.thumbnail]
    Photo.objects.filter(report__case=case).delete()
    Report.objects.filter(case=case).update(description="", answers={}, media_url="")
    for stored in SubmissionFile.objects.filter(submission__case=case):
        files.append(stored.file)
    SubmissionFile.objects.filter(submission__case=case).delete()
    Submission.objects.filter(case=case).update(answers={}, annotations={}, user=None)
    Appointment.objects.filter(case=case).update(answers={})
    FacilityBooking.objects.filter(case=case).update(purpose="")
    Registration.objects.filter(case=case).update(attendees=[], answers={})
    SatisfactionRequest.objects.filter(case=case).update(comment="", follow_up_note="")


# Retention and elimination ------------------------------------------------------------------

def _due_cases(rule: RetentionRule, now):
    cut = now - relativedelta(months=rule.months)
    cases = Case.objects.filter(organisation_id=rule.organisation_id, kind=rule.kind,
                                closed_at__isnull=False, closed_at__lte=cut,
                                anonymised_at__isnull=True, elimination_item__isnull=True)
    if rule.procedure_id:
        return cases.filter(submission__procedure_id=rule.procedure_id)
    own = RetentionRule.objects.filter(organisation_id=rule.organisation_id, kind=rule.kind,
                                       procedure__isnull=False).values("procedure_id")
    return cases.exclude(submission__procedure_id__in=own)


def retention_run(*, now=None, batch: int = 500) -> dict:
    """The daily job: anonymise what is due, gather what is to be eliminated into one
    bordereau per collectivité awaiting the archivist's visa, delete expired archives."""
    now = now or timezone.now()
    counts = {"anonymised": 0, "proposed": 0, "eliminations": 0,
              "expired_exports": data_exports_expire(now=now)}
    proposals: dict[int, list[tuple[Case, RetentionRule]]] = {}
    for rule in RetentionRule.objects.select_related("organisation"):
        due = _due_cases(rule, now).order_by("closed_at", "pk")
        if rule.action == RetentionRule.Action.ANONYMISE:
            while True:
                chunk = list(due[:batch])
                if not chunk:
                    break
                for case in chunk:
                    case_anonymise(case=case, acting_user=None, reason="retention")
                counts["anonymised"] += len(chunk)
        else:
            for case in due.select_related("submission"):
                proposals.setdefault(rule.organisation_id, []).append((case, rule))
    for organisation_id, items in proposals.items():
        elimination_propose(organisation_id=organisation_id, items=items, now=now)
        counts["eliminations"] += 1
        counts["proposed"] += len(items)
    return counts


def _volume(case: Case) -> tuple[int, int]:
    from django.db.models import Count, Sum

    from guichet.procedures.models import SubmissionFile

    a = case.attachments.aggregate(n=Count("pk"), size=Sum("size"))
    s = SubmissionFile.objects.filter(submission__case=case).aggregate(n=Count("pk"),
                                                                       size=Sum("size"))
    return (a["n"] or 0) + (s["n"] or 0), (a["size"] or 0) + (s["size"] or 0)


@transaction.atomic
def elimination_propose(*, organisation_id: int, items, now=None) -> Elimination:
    now = now or timezone.now()
    count = Elimination.objects.filter(organisation_id=organisation_id,
                                       created_at__year=now.year).count()
    elimination = Elimination.objects.create(
        organisation_id=organisation_id, created_at=now,
        number=f"BE-{organisation_id}-{now:%Y}-{count + 1:03d}")
    rows = []
    for case, rule in items:
        files, volume = _volume(case)
        rows.append(EliminationItem(
            elimination=elimination, case=case, reference=case.reference, kind=case.kind,
            label=case.kind_info.label if not rule.procedure_id else str(rule.procedure)[:200],
            opened_on=timezone.localtime(case.created_at).date(),
            closed_on=timezone.localtime(case.closed_at).date(), files=files, volume=volume,
            rule=str(rule)[:250]))
    EliminationItem.objects.bulk_create(rows)
    journal_record(actor=None, action=Entry.Action.ELIMINATION_PROPOSED,
                   elimination=elimination.number, files=len(rows))
    return elimination


def archivist_organisation_ids(user) -> list[int]:
    from guichet.cases.selectors import has_role

    if not has_role(user, Membership.Role.ARCHIVIST):
        return []
    return sorted(set(Membership.objects.filter(user=user, role=Membership.Role.ARCHIVIST)
                      .values_list("unit__organisation_id", flat=True)))


def elimination_decide(*, elimination: Elimination, approve: bool, comment: str,
                       acting_user) -> Elimination:
    """The archivist's visa: approved, the files listed are destroyed (cases, their files and
    timelines); refused, they stay and the reason is kept. The bordereau itself stays as the
    record of what was destroyed."""
    if elimination.organisation_id not in archivist_organisation_ids(acting_user):
        raise PrivacyError("Seul un archiviste de la collectivité peut viser ce bordereau.")
    comment = (comment or "").strip()
    if not approve and not comment:
        raise PrivacyError("Dites pourquoi vous refusez le visa.")
    files = []
    with transaction.atomic():
        elimination = Elimination.objects.select_for_update().get(pk=elimination.pk)
        if elimination.status != Elimination.Status.PROPOSED:
            raise PrivacyError("Ce bordereau a déjà été visé.")
        now = timezone.now()
        if approve:
            cases = Case.objects.filter(elimination_item__elimination=elimination)
            for case in cases:
                files += _case_files(case)
            from guichet.procedures.models import Submission

            Submission.objects.filter(case__in=cases).delete()
            cases.delete()
        elimination.status = (Elimination.Status.APPROVED if approve
                              else Elimination.Status.REFUSED)
        elimination.decided_at, elimination.decided_by = now, acting_user
        elimination.comment = comment
        elimination.save(update_fields=["status", "decided_at", "decided_by", "comment"])
        journal_record(actor=acting_user, action=Entry.Action.ELIMINATION_DECIDED,
                       elimination=elimination.number, approved=approve,
                       files=elimination.items.count())
        transaction.on_commit(lambda: [f.storage.delete(f.name) for f in files if f])
    return elimination


def _case_files(case: Case) -> list:
    from guichet.procedures.models import SubmissionFile
    from guichet.reports.models import Photo

    files = [a.file for a in case.attachments.all()]
    files += [s.file for s in SubmissionFile.objects.filter(submission__case=case)]
    for photo in Photo.objects.filter(report__case=case):
        files += [photo.image, photo.thumbnail]
    return files

