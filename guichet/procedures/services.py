"""Every change to a procedure or a file goes through these functions: each checks who may and
the current state, writes the timeline and the journal, in one transaction."""

from __future__ import annotations

import copy
import datetime as dt

from django.db import transaction
from django.utils import timezone

from guichet.accounts.models import Membership
from guichet.accounts.two_factor import agent_rights_suspended
from guichet.cases.models import Channel
from guichet.cases.selectors import agent_can_handle
from guichet.cases.services import (
    case_attach_generated,
    case_create,
    case_message_resident,
    case_move,
)
from guichet.cases.webhooks import case_webhook
from guichet.documents.models import Document
from guichet.journal.models import Entry
from guichet.journal.services import journal_record
from guichet.lib.files import CheckedFile, random_name
from guichet.notifications.models import Category
from guichet.notifications.services import notification_queue

from . import definition as definitions
from . import documents as pdfs
from .conditions import holds
from .fields import DISPLAY_ONLY, display
from .models import Procedure, ProcedureVersion, Submission, SubmissionFile

State = Submission.State


class ProcedureError(Exception):
    """A change refused by the rules; its message is French and shown to the user as is."""


# The default workflow: which state may follow which, what the step is called, and who may
# take it. A procedure may narrow the roles per transition (definition["workflow"]).
TRANSITIONS = {
    "review": {"label": "Prendre en instruction", "from": [State.SUBMITTED],
               "to": State.REVIEW},
    "request_documents": {"label": "Demander des pièces", "to": State.WAITING_DOCUMENTS,
                          "from": [State.SUBMITTED, State.REVIEW]},
    "resume": {"label": "Reprendre l'instruction", "from": [State.WAITING_DOCUMENTS],
               "to": State.REVIEW},
    "accept": {"label": "Accepter", "to": State.ACCEPTED,
               "from": [State.SUBMITTED, State.REVIEW, State.WAITING_DOCUMENTS]},
    "reject": {"label": "Refuser", "to": State.REJECTED,
               "from": [State.SUBMITTED, State.REVIEW, State.WAITING_DOCUMENTS]},
    "close": {"label": "Classer sans suite", "to": State.WITHOUT_FOLLOW_UP,
              "from": [State.SUBMITTED, State.REVIEW, State.WAITING_DOCUMENTS]},
}
DEFAULT_ROLES = [Membership.Role.AGENT, Membership.Role.MANAGER, Membership.Role.ADMIN]


def transition_roles(definition: dict, code: str) -> list[str]:
    for extra in definition.get("workflow", {}).get("states", []):
        if code == f"to_{extra['key']}":
            return extra.get("roles") or DEFAULT_ROLES
    return definition.get("workflow", {}).get(code) or DEFAULT_ROLES


def transitions(definition: dict) -> dict[str, dict]:
    """The default workflow plus the procedure's own intermediate states: each is reached from
    a file being instructed, and leaves like one (documents, decision, back to instruction)."""
    extras = definition.get("workflow", {}).get("states", [])
    if not extras:
        return TRANSITIONS
    keys = [f"x_{extra['key']}" for extra in extras]
    result = {}
    for code, transition in TRANSITIONS.items():
        sources = list(transition["from"])
        if code in ("review", "request_documents", "accept", "reject", "close"):
            sources += keys
        result[code] = {**transition, "from": sources}
    for extra, key in zip(extras, keys, strict=True):
        result[f"to_{extra['key']}"] = {
            "label": f"Passer à « {extra['label']} »", "to": key,
            "from": [State.SUBMITTED, State.REVIEW, *[k for k in keys if k != key]]}
    return result


def agent_roles(agent, unit) -> set[str]:
    """The roles an agent holds for a unit: their membership there, or administrator of its
    organisation (none without the second factor they need)."""
    if agent_rights_suspended(agent):
        return set()
    roles = set(Membership.objects.filter(user=agent, unit=unit).values_list("role", flat=True))
    if Membership.objects.filter(user=agent, role=Membership.Role.ADMIN,
                                 unit__organisation_id=unit.organisation_id).exists():
        roles.add(Membership.Role.ADMIN)
    return roles


def allowed_transitions(submission: Submission, agent) -> list[tuple[str, str]]:
    if not agent_can_handle(agent, submission.case):
        return []
    roles = agent_roles(agent, submission.case.unit)
    return [(code, t["label"]) for code, t in transitions(submission.definition).items()
            if submission.state in t["from"]
            and roles & set(transition_roles(submission.definition, code))]


# Building and publishing ---------------------------------------------------------------------

def procedure_admin_can_edit(user, procedure: Procedure | None = None, unit=None) -> bool:
    """Administrators of the organisation, and managers of the handling unit."""
    unit = unit or (procedure.unit if procedure else None)
    if unit is None:
        return False
    return bool(agent_roles(user, unit) & {Membership.Role.ADMIN, Membership.Role.MANAGER})


@transaction.atomic
def procedure_save_definition(*, procedure: Procedure, definition: dict, acting_user) -> None:
    if not procedure_admin_can_edit(acting_user, procedure):
        raise ProcedureError("Vous n'êtes pas habilité à modifier cette démarche.")
    procedure.definition = definition
    procedure.updated_at = timezone.now()
    procedure.save(update_fields=["definition", "updated_at"])
    journal_record(actor=acting_user, action=Entry.Action.SETTINGS_CHANGED,
                   procedure=procedure.pk, change="definition")


class _DraftEdit:
    """The draft definition of a procedure, locked, copied, and saved (journaled) on exit."""

    def __init__(self, procedure: Procedure, acting_user):
        self.procedure, self.acting_user = procedure, acting_user

    def __enter__(self) -> dict:
        self.atomic = transaction.atomic()
        self.atomic.__enter__()
        locked = Procedure.objects.select_for_update().get(pk=self.procedure.pk)
        self.definition = copy.deepcopy(locked.definition or definitions.EMPTY)
        self.definition.setdefault("pages", [])
        self.definition.setdefault("documents", [])
        return self.definition

    def __exit__(self, kind, error, trace):
        try:
            if kind is None:
                procedure_save_definition(procedure=self.procedure, definition=self.definition,
                                          acting_user=self.acting_user)
        finally:
            self.atomic.__exit__(kind, error, trace)
        return False


def _page(definition: dict, index: int) -> dict:
    if not 0 <= index < len(definition["pages"]):
        raise ProcedureError("Cette page n'existe pas.")
    return definition["pages"][index]


def _field_container(definition: dict, key: str) -> tuple[list, int]:
    """The list holding a field (a page's fields or a block's children) and its position."""
    for page in definition["pages"]:
        containers = [page["fields"]] + [f.get("fields", []) for f in page["fields"]
                                         if f.get("type") == "block"]
        for fields in containers:
            for position, field in enumerate(fields):
                if field["key"] == key:
                    return fields, position
    raise ProcedureError("Ce champ n'existe pas.")


def _field_key(definition: dict, field: dict, *, exclude: str = "") -> dict:
    base = field.get("key") or "champ"
    if base[:1].isdigit():
        base = f"champ_{base}"
    taken = definitions.every_key(definition) - {exclude}
    return {**field, "key": definitions.unique_key(base, taken)}


def procedure_page_add(*, procedure: Procedure, page: dict, acting_user) -> None:
    """Add a page (title, optional condition) at the end of the draft."""
    with _DraftEdit(procedure, acting_user) as definition:
        definition["pages"].append({**page, "fields": []})


def procedure_page_update(*, procedure: Procedure, index: int, page: dict,
                          acting_user) -> None:
    """Change a page's title and condition; its fields stay."""
    with _DraftEdit(procedure, acting_user) as definition:
        fields = _page(definition, index)["fields"]
        definition["pages"][index] = {**page, "fields": fields}


def procedure_page_delete(*, procedure: Procedure, index: int, acting_user) -> None:
    with _DraftEdit(procedure, acting_user) as definition:
        _page(definition, index)
        definition["pages"].pop(index)


def procedure_field_add(*, procedure: Procedure, page_index: int, field: dict,
                        parent_key: str = "", acting_user) -> dict:
    """Add a field to a page (or to one of its repeatable blocks). Its key is made unique
    in the procedure (``adresse``, ``adresse_2``…); the field as stored is returned."""
    with _DraftEdit(procedure, acting_user) as definition:
        target = _page(definition, page_index)["fields"]
        if parent_key:
            block = next((f for f in target if f["key"] == parent_key
                          and f.get("type") == "block"), None)
            if block is None:
                raise ProcedureError("Ce bloc répétable n'existe pas.")
            target = block.setdefault("fields", [])
        field = _field_key(definition, field)
        target.append(field)
    return field


def procedure_field_update(*, procedure: Procedure, key: str, field: dict,
                           acting_user) -> dict:
    """Replace a field where it stands; a block keeps its children."""
    with _DraftEdit(procedure, acting_user) as definition:
        fields, position = _field_container(definition, key)
        field = _field_key(definition, field, exclude=key)
        if fields[position].get("type") == "block" and field["type"] == "block":
            field["fields"] = fields[position].get("fields", [])
        fields[position] = field
    return field


def procedure_field_move(*, procedure: Procedure, key: str, direction: str,
                         acting_user) -> None:
    """Move a field one place up or down among its siblings."""
    if direction not in ("up", "down"):
        raise ProcedureError("Sens de déplacement inconnu.")
    with _DraftEdit(procedure, acting_user) as definition:
        fields, index = _field_container(definition, key)
        other = index - 1 if direction == "up" else index + 1
        if 0 <= other < len(fields):
            fields[other], fields[index] = fields[index], fields[other]


def procedure_field_delete(*, procedure: Procedure, key: str, acting_user) -> None:
    with _DraftEdit(procedure, acting_user) as definition:
        fields, index = _field_container(definition, key)
        fields.pop(index)


def procedure_document_add(*, procedure: Procedure, document: dict, acting_user) -> dict:
    """Ask for one more document; its key comes from its label and is made unique."""
    with _DraftEdit(procedure, acting_user) as definition:
        taken = {d["key"] for d in definition["documents"]}
        document = {**document, "key": definitions.unique_key(
            document.get("key") or "piece", taken)}
        definition["documents"].append(document)
    return document


def procedure_document_delete(*, procedure: Procedure, key: str, acting_user) -> None:
    with _DraftEdit(procedure, acting_user) as definition:
        kept = [d for d in definition["documents"] if d["key"] != key]
        if len(kept) == len(definition["documents"]):
            raise ProcedureError("Cette pièce n'existe pas.")
        definition["documents"] = kept


def procedure_workflow_save(*, procedure: Procedure, workflow: dict, annotations: list[dict],
                            acting_user) -> None:
    """Who may take each step, the automatic jumps, and the agents' private fields."""
    with _DraftEdit(procedure, acting_user) as definition:
        definition["workflow"] = workflow
        definition["annotations"] = annotations


def publication_problems(procedure: Procedure) -> list[str]:
    found = definitions.problems(procedure.definition or definitions.EMPTY)
    found += procedure.acknowledgement_problems()
    if not procedure.terms.strip():
        found.append("Rédigez les conditions générales d'utilisation (CRPA, art. R112-9-1).")
    if not procedure.processing_purpose.strip() or not procedure.dpo_contact.strip():
        found.append("Indiquez la finalité du traitement et le contact du délégué à la "
                     "protection des données : ils sont affichés sur le formulaire.")
    return found


@transaction.atomic
def procedure_publish(*, procedure: Procedure, acting_user) -> ProcedureVersion:
    """Freeze the draft into a new version; files already filed keep theirs."""
    procedure = (Procedure.objects.select_for_update(of=("self",)).select_related("unit")
                 .get(pk=procedure.pk))
    if not procedure_admin_can_edit(acting_user, procedure):
        raise ProcedureError("Vous n'êtes pas habilité à publier cette démarche.")
    found = publication_problems(procedure)
    if found:
        raise ProcedureError("La démarche ne peut pas être publiée : " + " ".join(found))
    last = procedure.versions.order_by("-number").values_list("number", flat=True).first() or 0
    version = ProcedureVersion.objects.create(procedure=procedure, number=last + 1,
                                              definition=procedure.definition,
                                              published_by=acting_user)
    procedure.current_version = version
    procedure.save(update_fields=["current_version"])
    journal_record(actor=acting_user, action=Entry.Action.SETTINGS_CHANGED,
                   procedure=procedure.pk, published_version=version.number)
    return version


# Filing --------------------------------------------------------------------------------------

def _check_open(procedure: Procedure, user) -> None:
    if not procedure.is_open_on(timezone.localdate()):
        raise ProcedureError("Cette démarche n'est pas ouverte en ce moment.")
    if procedure.identification_required and not (user and user.is_authenticated):
        raise ProcedureError("Connectez-vous pour faire cette démarche.")


def _prefill(procedure: Procedure, user) -> dict:
    if not (user and user.is_authenticated):
        return {}
    profile = getattr(user, "profile", None)
    sources = {"first_name": user.first_name, "last_name": user.last_name, "email": user.email,
               "phone": profile.phone if profile else "",
               "address": profile.postal_address if profile else ""}
    return {f["key"]: sources[f["prefill"]]
            for f in definitions.all_fields(procedure.current_version.definition)
            if f.get("prefill") in sources and sources[f["prefill"]]}


@transaction.atomic
def submission_start(*, procedure: Procedure, user=None, agent=None,
                     channel: str = Channel.WEB) -> Submission:
    """A draft for a resident, or one an agent fills for them during a call or at the counter
    (`agent`, with the channel): the file is then the resident's, entered by the agent."""
    from guichet.cases.selectors import is_agent

    if agent is not None:
        if not is_agent(agent):
            raise ProcedureError("Seuls les agents remplissent une démarche pour un usager.")
        if user is None or not user.is_authenticated:
            raise ProcedureError("Choisissez d'abord l'usager pour qui remplir la démarche.")
        if channel not in (Channel.PHONE, Channel.COUNTER, Channel.MAIL):
            raise ProcedureError("Indiquez le canal : téléphone, accueil ou courrier.")
    _check_open(procedure, user)
    now = timezone.now()
    submission = Submission(procedure=procedure, version=procedure.current_version,
                            user=user if user and user.is_authenticated else None,
                            agent=agent, channel=channel if agent else Channel.WEB,
                            answers=_prefill(procedure, user), created_at=now, updated_at=now)
    submission.expires_at = submission.draft_expiry(now)
    submission.save()
    return submission


def _check_draft_owner(submission: Submission, user) -> None:
    if not submission.is_draft:
        raise ProcedureError("Ce dossier a déjà été envoyé : il ne peut plus être modifié.")
    if user is not None and submission.agent_id and submission.agent_id == user.pk:
        return
    if submission.user_id and (not user or submission.user_id != user.pk):
        raise ProcedureError("Ce brouillon ne vous appartient pas.")


@transaction.atomic
def submission_save_page(*, submission: Submission, index: int, page_answers: dict,
                         user=None, next_page: int | None = None) -> Submission:
    """Keep what the page holds (autosave and every step), and push the draft's expiry back."""
    submission = Submission.objects.select_for_update().get(pk=submission.pk)
    _check_draft_owner(submission, user)
    if index not in definitions.visible_pages(submission.definition, submission.answers):
        raise ProcedureError("Cette étape ne fait pas partie de votre dossier.")
    now = timezone.now()
    submission.answers = {**submission.answers, **page_answers}
    submission.page = index if next_page is None else next_page
    submission.updated_at = now
    submission.expires_at = submission.draft_expiry(now)
    submission.expiry_warned_at = None
    submission.save(update_fields=["answers", "page", "updated_at", "expires_at",
                                   "expiry_warned_at"])
    return submission


def _delete_files(items) -> None:
    """Remove pieces and their bytes (a vault document they point to stays in the vault)."""
    for item in items:
        if item.file:
            item.file.delete(save=False)
        item.delete()


def _store_file(submission: Submission, slot: str, checked: CheckedFile) -> SubmissionFile:
    item = SubmissionFile(submission=submission, slot=slot, original_name=checked.original_name,
                          content_type=checked.content_type, size=checked.size)
    checked.upload.seek(0)
    item.file.save(random_name(checked.extension), checked.upload, save=False)
    item.save()
    return item


def _slots(submission: Submission) -> dict[str, dict]:
    """Where a file may go: file fields and the procedure's documents."""
    definition = submission.definition
    slots = {f["key"]: f for f in definitions.all_fields(definition) if f.get("type") == "file"}
    slots.update({d["key"]: d for d in definition.get("documents", [])})
    return slots


def _check_formats(spec: dict, checked_type: str, size: int) -> None:
    formats = spec.get("formats") or []
    from guichet.lib.files import ALLOWED_TYPES

    if formats and ALLOWED_TYPES.get(checked_type) not in formats:
        raise ProcedureError(f"Pour « {spec.get('label')} », les formats acceptés sont : "
                             f"{', '.join(f.upper() for f in formats)}.")
    if spec.get("max_mb") and size > int(spec["max_mb"]) * 1024 * 1024:
        raise ProcedureError(f"Pour « {spec.get('label')} », la taille maximale est de "
                             f"{spec['max_mb']} Mo.")


@transaction.atomic
def submission_attach(*, submission: Submission, slot: str, checked: CheckedFile, user=None,
                      save_to_vault: bool = False, valid_until: dt.date | None = None
                      ) -> SubmissionFile:
    """A file for a file field or a required document, replacing an earlier one; optionally
    kept in the resident's vault for later procedures."""
    _check_draft_owner(submission, user)
    spec = _slots(submission).get(slot)
    if spec is None:
        raise ProcedureError("Cette pièce n'est pas demandée par la démarche.")
    _check_formats(spec, checked.content_type, checked.size)
    _delete_files(submission.files.filter(slot=slot))
    item = _store_file(submission, slot, checked)
    if save_to_vault and user and user.is_authenticated and submission.user_id == user.pk:
        document = Document(owner=user, type=spec.get("type") or "other",
                            title=spec.get("label", checked.original_name)[:200],
                            original_name=checked.original_name,
                            content_type=checked.content_type, size=checked.size,
                            valid_until=valid_until)
        checked.upload.seek(0)
        document.file.save(random_name(checked.extension), checked.upload, save=False)
        document.save()
        item.vault_document = document
        item.save(update_fields=["vault_document"])
    return item


@transaction.atomic
def submission_pick_from_vault(*, submission: Submission, slot: str, document: Document,
                               user) -> SubmissionFile:
    """Give a vault document instead of uploading it again: only the resident's own, still
    valid and not purged."""
    _check_draft_owner(submission, user)
    if not user or document.owner_id != user.pk:
        raise ProcedureError("Ce document ne fait pas partie de votre coffre-fort.")
    if not document.is_available:
        raise ProcedureError("Ce document n'est plus disponible dans votre coffre-fort.")
    if not document.is_valid_on(timezone.localdate()):
        raise ProcedureError(f"« {document.title} » n'est plus valable depuis le "
                             f"{document.valid_until:%d/%m/%Y} : donnez un document à jour.")
    spec = _slots(submission).get(slot)
    if spec is None:
        raise ProcedureError("Cette pièce n'est pas demandée par la démarche.")
    _check_formats(spec, document.content_type, document.size)
    _delete_files(submission.files.filter(slot=slot))
    return SubmissionFile.objects.create(
        submission=submission, slot=slot, original_name=document.original_name,
        content_type=document.content_type, size=document.size, vault_document=document)


@transaction.atomic
def submission_remove_file(*, submission: Submission, slot: str, user=None) -> None:
    _check_draft_owner(submission, user)
    _delete_files(submission.files.filter(slot=slot))


def visible_slots(submission: Submission, answers: dict) -> set[str]:
    """File fields and documents that apply to these (pruned) answers."""
    definition = submission.definition
    slots = {d["key"] for d in definitions.required_documents(definition, answers)}
    for index in definitions.visible_pages(definition, answers):
        slots |= {f["key"] for f in definitions.pages(definition)[index].get("fields", [])
                  if f.get("type") == "file" and holds(f.get("condition"), answers)}
    return slots


def missing_documents(submission: Submission, answers: dict | None = None) -> list[dict]:
    """Mandatory pieces (documents and required file fields) that are still missing, given
    the answers: what the tunnel names before the file can be sent."""
    answers = definitions.prune(submission.definition, submission.answers
                                if answers is None else answers)
    given = set(submission.files.values_list("slot", flat=True))
    slots = _slots(submission)
    return [slots[key] for key in sorted(visible_slots(submission, answers) - given,
                                         key=list(slots).index)
            if slots[key].get("required")]


def summary_text(submission: Submission) -> str:
    """The answers as text, for the case's first timeline event and agents' reading."""
    lines = []
    answers = submission.answers
    for page in definitions.pages(submission.definition):
        page_lines = [f"{f['label']} : {display(f, answers[f['key']])}"
                      for f in page.get("fields", [])
                      if f.get("type") not in DISPLAY_ONLY | {"file"}
                      and answers.get(f["key"]) not in (None, "", [])]
        if page_lines:
            lines += [f"— {page.get('title', '')}", *page_lines, ""]
    return "\n".join(lines).strip()


@transaction.atomic
def submission_submit(*, submission: Submission, user=None, requester_name: str = "",
                      requester_email: str = "") -> Submission:
    """Send the file: every visible page re-checked on the server, every mandatory piece
    present, hidden answers dropped; then the case with its registration receipt, the
    acknowledgement of receipt (PDF, hash on the timeline) and the implicit-decision date."""
    submission = Submission.objects.select_for_update(of=("self",)).select_related(
        "procedure__unit", "procedure__organisation", "version").get(pk=submission.pk)
    _check_draft_owner(submission, user)
    procedure = submission.procedure
    on_behalf = user is not None and submission.agent_id == user.pk
    resident = submission.user if on_behalf else user
    _check_open(procedure, resident)
    if definitions.validate(submission.definition, submission.answers):
        raise ProcedureError("Certaines réponses sont manquantes ou incorrectes : reprenez les "
                             "étapes signalées.")
    missing = missing_documents(submission)
    if missing:
        raise ProcedureError("Pièces manquantes : " + ", ".join(d["label"] for d in missing)
                             + ".")
    now = timezone.now()
    answers = definitions.prune(submission.definition, submission.answers)
    hidden_slots = set(_slots(submission)) - visible_slots(submission, answers)
    _delete_files(submission.files.filter(slot__in=hidden_slots))
    signed_in = resident is not None and resident.is_authenticated
    submission.answers = answers
    case = case_create(
        kind="procedure", channel=submission.channel, organisation=procedure.organisation,
        unit=procedure.unit, subject=procedure.title[:200], message=summary_text(submission),
        requester=resident if signed_in else None, requester_name=requester_name,
        requester_email=requester_email, created_at=now,
        acting_user=user if on_behalf else None,
    )
    submission.case = case
    submission.state = State.SUBMITTED
    submission.submitted_at = now
    submission.expires_at = None
    submission.implicit_due_on = procedure.implicit_date(timezone.localdate(now))
    submission.save()
    if procedure.owes_acknowledgement:
        _send_acknowledgement(submission)
    rule = submission.definition.get("workflow", {}).get("on_submit")
    if rule and rule.get("to") == State.REVIEW and holds(rule.get("condition"), answers):
        _move(submission, State.REVIEW, agent=None,
              reason="Mise en instruction automatique (règle de la démarche)")
    case_webhook(case, "submission.filed", submission=_webhook_data(submission))
    return submission


def _webhook_data(submission: Submission, **extra) -> dict:
    """The procedure and the file's state; never the answers or the documents."""
    return {"procedure": {"id": submission.procedure_id, "title": submission.procedure.title},
            "state": submission.state, **extra}


def _send_acknowledgement(submission: Submission) -> None:
    content = pdfs.acknowledgement_pdf(submission)
    case = submission.case
    attachment = case_attach_generated(
        case=case, name=f"accuse-de-reception-{case.reference}.pdf", content=content,
        content_type="application/pdf", body="Accusé de réception (CRPA, art. R112-11-1)",
        document="acknowledgement")
    if case.requester_email:
        notification_queue(template="procedure_acknowledgement", recipient=case.requester_email,
                           context={"case": case, "submission": submission,
                                    "attachment": attachment}, case=case, mandatory=True)


# Instruction ---------------------------------------------------------------------------------

def _check_transition(submission: Submission, code: str, agent) -> dict:
    transition = transitions(submission.definition).get(code)
    if transition is None:
        raise ProcedureError("Action inconnue.")
    if not agent_can_handle(agent, submission.case):
        raise ProcedureError("Vous n'êtes pas habilité à traiter ce dossier.")
    if code not in dict(allowed_transitions(submission, agent)):
        if submission.state not in transition["from"]:
            raise ProcedureError(f"Un dossier « {submission.state_label} » ne peut pas "
                                 f"passer à « {transition['label']} ».")
        raise ProcedureError("Votre rôle ne permet pas cette action sur cette démarche.")
    return transition


def _move(submission: Submission, state: str, *, agent, reason: str) -> None:
    submission.state = state
    submission.save()
    submission.case = case_move(case=submission.case, status=submission.case_status(state),
                                user=agent, reason=reason)


def _locked(submission: Submission) -> Submission:
    return Submission.objects.select_for_update(of=("self",)).select_related(
        "procedure", "version", "case__unit", "case__organisation").get(pk=submission.pk)


@transaction.atomic
def submission_take(*, submission: Submission, agent, code: str, message: str = ""
                    ) -> Submission:
    """Take a transition with no action of its own (into instruction, resume)."""
    submission = _locked(submission)
    transition = _check_transition(submission, code, agent)
    if code in ("request_documents", "accept", "reject", "close"):
        raise ProcedureError("Cette action a son propre formulaire.")
    _move(submission, transition["to"], agent=agent, reason=message)
    if message.strip():
        case_message_resident(case=submission.case, body=message, user=agent)
    journal_record(actor=agent, action=Entry.Action.CASE_STATUS, case=submission.case,
                   transition=code)
    return submission


@transaction.atomic
def submission_request_documents(*, submission: Submission, agent, documents: list[str],
                                 due_on: dt.date, message: str) -> Submission:
    """List the missing pieces with a deadline. The implicit-decision clock stops: an SVA clock
    will start again from zero when they arrive, an SVR clock keeps its remaining days."""
    submission = _locked(submission)
    _check_transition(submission, "request_documents", agent)
    today = timezone.localdate()
    if not documents:
        raise ProcedureError("Indiquez au moins une pièce manquante.")
    if due_on <= today:
        raise ProcedureError("La date limite doit être dans le futur.")
    if submission.implicit_due_on:
        if submission.procedure.implicit == Procedure.Implicit.REJECT:
            submission.implicit_remaining_days = max(
                0, (submission.implicit_due_on - today).days)
        submission.implicit_due_on = None
    submission.documents_requested = documents
    submission.documents_due_on = due_on
    _move(submission, State.WAITING_DOCUMENTS, agent=agent, reason="Pièces demandées")
    body = (f"{message.strip()}\n\nPièces à fournir avant le {due_on:%d/%m/%Y} :\n"
            + "\n".join(f"- {doc}" for doc in documents)).strip()
    case_message_resident(case=submission.case, body=body, user=agent,
                          category=Category.DOCUMENTS)
    journal_record(actor=agent, action=Entry.Action.CASE_STATUS, case=submission.case,
                   transition="request_documents")
    return submission


@transaction.atomic
def submission_provide_documents(*, submission: Submission, user, files: list[CheckedFile],
                                 message: str = "") -> Submission:
    """The resident sends the requested pieces: the file goes back to instruction and the
    implicit-decision clock runs again (SVA: a full new delay; SVR: the remaining days)."""
    submission = _locked(submission)
    if submission.state != State.WAITING_DOCUMENTS:
        raise ProcedureError("Aucune pièce n'est attendue pour ce dossier.")
    if submission.user_id is None or user is None or submission.user_id != user.pk:
        raise ProcedureError("Ce dossier ne vous appartient pas.")
    if not files:
        raise ProcedureError("Joignez les pièces demandées.")
    from guichet.cases.services import case_resident_reply

    case_resident_reply(case=submission.case, body=message.strip() or "Pièces envoyées.",
                        files=files, user=user)
    today = timezone.localdate()
    procedure = submission.procedure
    if procedure.implicit == Procedure.Implicit.ACCEPT:
        submission.implicit_due_on = procedure.implicit_date(today)
    elif procedure.implicit == Procedure.Implicit.REJECT:
        submission.implicit_due_on = today + dt.timedelta(
            days=submission.implicit_remaining_days or 0)
        submission.implicit_remaining_days = None
    submission.documents_due_on = None
    submission.state = State.REVIEW
    submission.save()
    submission.case = case_move(case=submission.case,
                                status=Submission.CASE_STATUS[State.REVIEW], user=user,
                                reason="Pièces reçues")
    return submission


@transaction.atomic
def submission_decide(*, submission: Submission, agent, code: str, reason: str = ""
                      ) -> Submission:
    """Accept, refuse or close without follow-up: the decision PDF from the procedure's
    template is attached and the resident is told."""
    submission = _locked(submission)
    transition = _check_transition(submission, code, agent)
    if code not in ("accept", "reject", "close"):
        raise ProcedureError("Action inconnue.")
    if code in ("reject", "close") and not reason.strip():
        raise ProcedureError("Motivez la décision : le motif figure sur le document envoyé.")
    decision = {"accept": "demande acceptée", "reject": "demande refusée",
                "close": "demande classée sans suite"}[code]
    submission.decided_at = timezone.now()
    submission.implicit_due_on = None
    _move(submission, transition["to"], agent=agent, reason=reason)
    content = pdfs.decision_pdf(submission, decision=decision, reason=reason, agent=agent)
    case_attach_generated(case=submission.case, name=f"decision-{submission.case.reference}.pdf",
                          content=content, content_type="application/pdf",
                          body=f"Décision : {decision}", user=agent, document="decision")
    case_message_resident(
        case=submission.case, user=agent,
        body=f"Décision sur votre dossier : {decision}. {reason}".strip()
        + "\nLe document de décision est téléchargeable depuis votre dossier.")
    journal_record(actor=agent, action=Entry.Action.CASE_STATUS, case=submission.case,
                   transition=code, person=submission.case.requester)
    case_webhook(submission.case, "submission.decided",
                 submission=_webhook_data(submission, decision=code, implicit=False))
    return submission


@transaction.atomic
def submission_annotate(*, submission: Submission, agent, annotations: dict) -> None:
    """Private annotations: fields only agents see."""
    if not agent_can_handle(agent, submission.case):
        raise ProcedureError("Vous n'êtes pas habilité à traiter ce dossier.")
    Submission.objects.filter(pk=submission.pk).update(annotations=annotations)
    submission.annotations = annotations
    journal_record(actor=agent, action=Entry.Action.CASE_UPDATED, case=submission.case,
                   annotations=True)


# Scheduled jobs ------------------------------------------------------------------------------

WARN_DAYS_BEFORE_IMPLICIT = 10


def submissions_record_implicit_decisions(*, today: dt.date | None = None) -> tuple[int, int]:
    """Warn the handling unit ten days before an implicit decision, and record it once its date
    has passed. Returns (warnings, decisions)."""
    today = today or timezone.localdate()
    closed = [State.DRAFT, State.WAITING_DOCUMENTS, *Submission.FINAL]
    warned = decided = 0
    soon = Submission.objects.exclude(state__in=closed).filter(
        implicit_due_on__gt=today,
        implicit_due_on__lte=today + dt.timedelta(days=WARN_DAYS_BEFORE_IMPLICIT),
        implicit_warned_at__isnull=True).select_related("case__unit", "procedure")
    for submission in soon:
        with transaction.atomic():
            if submission.case.unit.email:
                notification_queue(template="procedure_implicit_warning",
                                   recipient=submission.case.unit.email,
                                   context={"submission": submission, "case": submission.case},
                                   case=submission.case, mandatory=True)
            Submission.objects.filter(pk=submission.pk).update(implicit_warned_at=timezone.now())
            warned += 1
    due = Submission.objects.exclude(state__in=closed).filter(implicit_due_on__lt=today)
    for pk in due.values_list("pk", flat=True):
        with transaction.atomic():
            submission = _locked(Submission(pk=pk))
            if not submission.is_instructing:
                continue
            accept = submission.procedure.implicit == Procedure.Implicit.ACCEPT
            state = State.ACCEPTED if accept else State.REJECTED
            submission.implicit_decided_at = timezone.now()
            _move(submission, state, agent=None,
                  reason="Décision implicite " + ("d'acceptation" if accept else "de rejet")
                  + f" acquise le {submission.implicit_due_on:%d/%m/%Y}")
            body = (f"Faute de réponse dans le délai, votre demande est réputée "
                    f"{'acceptée' if accept else 'rejetée'} depuis le "
                    f"{submission.implicit_due_on:%d/%m/%Y} (décision implicite).")
            if accept:
                body += " Vous pouvez télécharger l'attestation depuis votre dossier."
            else:
                body += "\n\n" + submission.procedure.appeal_routes
            case_message_resident(case=submission.case, body=body, user=None)
            case_webhook(submission.case, "submission.decided", submission=_webhook_data(
                submission, decision="accept" if accept else "reject", implicit=True))
            decided += 1
    return warned, decided


def submissions_expire_document_requests(*, today: dt.date | None = None) -> int:
    """The workflow's automatic jump after a delay: a file still waiting for documents N days
    after their deadline is closed without follow-up, the resident told why (N set per
    procedure; none by default)."""
    today = today or timezone.localdate()
    closed = 0
    waiting = Submission.objects.filter(state=State.WAITING_DOCUMENTS,
                                        documents_due_on__lt=today).select_related("version")
    for item in waiting:
        days = int(item.definition.get("workflow", {}).get("expire_documents_after_days") or 0)
        if not days or item.documents_due_on + dt.timedelta(days=days) >= today:
            continue
        with transaction.atomic():
            submission = _locked(item)
            if submission.state != State.WAITING_DOCUMENTS:
                continue
            submission.decided_at = timezone.now()
            _move(submission, State.WITHOUT_FOLLOW_UP, agent=None,
                  reason="Pièces non reçues dans le délai (règle de la démarche)")
            case_message_resident(
                case=submission.case, user=None,
                body=f"Les pièces demandées pour le {submission.documents_due_on:%d/%m/%Y} "
                     "n'ont pas été reçues : votre dossier est classé sans suite. Vous pouvez "
                     "déposer une nouvelle demande.")
            closed += 1
    return closed


def drafts_expire(*, now: dt.datetime | None = None, warn_days: int = 3) -> tuple[int, int]:
    """Warn residents a few days before a draft is deleted, then delete expired drafts.
    Anonymous drafts have no address to warn: they just expire."""
    now = now or timezone.now()
    warned = 0
    soon = Submission.objects.filter(
        state=State.DRAFT, user__isnull=False, expiry_warned_at__isnull=True,
        expires_at__lte=now + dt.timedelta(days=warn_days), expires_at__gt=now,
    ).select_related("user", "procedure")
    for draft in soon:
        with transaction.atomic():
            notification_queue(template="procedure_draft_expiring", recipient=draft.user.email,
                               context={"submission": draft}, user=draft.user, mandatory=True)
            Submission.objects.filter(pk=draft.pk).update(expiry_warned_at=now)
            warned += 1
    expired = Submission.objects.filter(state=State.DRAFT, expires_at__lte=now)
    deleted = 0
    for draft in expired.prefetch_related("files"):
        for item in draft.files.all():
            if item.file:
                item.file.delete(save=False)
        draft.delete()
        deleted += 1
    return warned, deleted


@transaction.atomic
def submission_file_verify(*, item: SubmissionFile, agent) -> SubmissionFile:
    """An agent marks a piece verified. For an identity document of a procedure that asks it,
    the image is deleted (here and in the vault), keeping who verified it and when."""
    from guichet.documents.services import document_verify

    submission = item.submission
    if not agent_can_handle(agent, submission.case):
        raise ProcedureError("Vous n'êtes pas habilité à traiter ce dossier.")
    spec = _slots(submission).get(item.slot, {})
    purge = submission.procedure.purge_identity_documents and spec.get("type") == "identity"
    now = timezone.now()
    item.verified_at, item.verified_by = now, agent
    fields = ["verified_at", "verified_by"]
    if purge and item.file:
        item.file.delete(save=False)
        fields.append("file")
    if purge:
        item.purged_at = now
        fields.append("purged_at")
    item.save(update_fields=fields)
    if item.vault_document_id:
        document_verify(document=item.vault_document, agent=agent, case=submission.case,
                        purge=purge)
    else:
        journal_record(actor=agent, action=Entry.Action.CASE_UPDATED, case=submission.case,
                       file_verified=item.pk, purged=purge)
    return item


@transaction.atomic
def export_request(*, procedure: Procedure, user, params: dict, fmt: str):
    """Queue an export of the files the user may see, with the list's filters; the worker
    writes it (100,000 files take a while) and the user downloads it from their exports."""
    from .models import Export
    from .tasks import run_export

    if fmt not in Export.Format.values:
        raise ProcedureError("Format d'export inconnu.")
    if not procedure_agent_can_read(user, procedure):
        raise ProcedureError("Vous n'êtes pas habilité à exporter ces dossiers.")
    export = Export.objects.create(procedure=procedure, requested_by=user, params=params,
                                   fmt=fmt)
    journal_record(actor=user, action=Entry.Action.CASE_VIEWED, export=export.pk,
                   procedure=procedure.pk, fmt=fmt)
    transaction.on_commit(lambda: run_export.enqueue(export.pk))
    return export


def procedure_agent_can_read(user, procedure: Procedure) -> bool:
    from guichet.cases.selectors import agent_unit_ids

    return procedure.unit_id in agent_unit_ids(user)
