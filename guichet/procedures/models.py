"""Online procedures: a definition edited by administrators, published in numbered versions,
and the files (submissions) residents fill and agents instruct. Every sent file is a Case."""

from __future__ import annotations

import datetime as dt

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from guichet.cases.models import Channel, new_token
from guichet.cases.models import Status as CaseStatus

DEFAULT_APPEAL_ROUTES = (
    "Vous pouvez contester cette décision implicite de rejet dans un délai de deux mois : par "
    "un recours gracieux auprès de l'autorité qui l'a prise, ou par un recours contentieux "
    "devant le tribunal administratif territorialement compétent, y compris par l'application "
    "Télérecours citoyens (www.telerecours.fr). Vous pouvez demander la communication des "
    "motifs de cette décision dans le délai du recours contentieux (article L232-4 du CRPA)."
)


class Procedure(models.Model):
    class Audience(models.TextChoices):
        INDIVIDUAL = "individual", "Particuliers"
        ASSOCIATION = "association", "Associations"
        BUSINESS = "business", "Entreprises"

    class Implicit(models.TextChoices):
        NONE = "none", "Pas de décision implicite (décision expresse)"
        ACCEPT = "sva", "Le silence vaut acceptation (SVA)"
        REJECT = "svr", "Le silence vaut rejet (SVR)"

    organisation = models.ForeignKey("organisations.Organisation", verbose_name="collectivité",
                                     on_delete=models.PROTECT, related_name="procedures")
    unit = models.ForeignKey("organisations.Unit", verbose_name="service instructeur",
                             on_delete=models.PROTECT, related_name="procedures")
    title = models.CharField("intitulé", max_length=200)
    slug = models.SlugField("identifiant d'adresse", max_length=80)
    summary = models.TextField("description", help_text="Ce que permet la démarche, pour qui, "
                               "et ce qu'il faut préparer.")
    audience = models.CharField("public", max_length=12, choices=Audience.choices,
                                default=Audience.INDIVIDUAL)
    identification_required = models.BooleanField(
        "compte obligatoire", default=True,
        help_text="Décochez si la démarche peut être faite sans compte (CNIL : ne demandez "
                  "l'identité que si la démarche l'exige).")
    opens_on = models.DateField("ouverte à partir du", null=True, blank=True)
    closes_on = models.DateField("fermée après le", null=True, blank=True)
    terms = models.TextField("conditions générales d'utilisation",
                             help_text="Publiées avec la démarche (CRPA, art. R112-9-1).")
    processing_purpose = models.TextField("finalité du traitement des données")
    dpo_contact = models.CharField("contact du délégué à la protection des données",
                                  max_length=200)
    implicit = models.CharField("décision implicite", max_length=4, choices=Implicit.choices,
                                default=Implicit.NONE)
    implicit_delay_months = models.PositiveSmallIntegerField(
        "délai de décision implicite (mois)", default=2)
    appeal_routes = models.TextField("voies et délais de recours (SVR)", blank=True,
                                     default=DEFAULT_APPEAL_ROUTES)
    owes_acknowledgement = models.BooleanField(
        "accusé de réception dû", default=True,
        help_text="Décochez seulement pour les demandes qui n'appellent pas d'accusé de réception "
                  "(CRPA, art. R112-4).")
    purge_identity_documents = models.BooleanField(
        "supprimer les images de pièces d'identité après vérification", default=True)
    decision_template = models.TextField(
        "modèle de décision", blank=True,
        help_text="Texte du PDF de décision. Variables : {reference}, {demandeur}, {demarche}, "
                  "{date_depot}, {date_decision}, {service}, {collectivite}, {agent}, "
                  "{decision}, {motif}, et {champ:identifiant} pour une réponse.")
    draft_days = models.PositiveSmallIntegerField("durée de conservation des brouillons (jours)",
                                                  default=30)
    definition = models.JSONField("brouillon du formulaire", default=dict, blank=True)
    current_version = models.ForeignKey("ProcedureVersion", null=True, blank=True,
                                        on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "démarche"
        ordering = ["title"]
        constraints = [models.UniqueConstraint(fields=["organisation", "slug"],
                                               name="procedure_slug_per_org")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("portal:procedure", args=[self.organisation.slug, self.slug])

    @property
    def is_published(self) -> bool:
        return self.current_version_id is not None

    def is_open_on(self, day: dt.date) -> bool:
        return (self.is_published and (self.opens_on is None or self.opens_on <= day)
                and (self.closes_on is None or day <= self.closes_on))

    def implicit_date(self, start: dt.date) -> dt.date | None:
        if self.implicit == self.Implicit.NONE:
            return None
        return start + relativedelta(months=self.implicit_delay_months)

    def acknowledgement_problems(self) -> list[str]:
        """What the acknowledgement of receipt would lack (CRPA R112-11-1); publishing is
        refused until the list is empty."""
        if not self.owes_acknowledgement:
            return []
        found = []
        unit = self.unit
        if not (unit.address.strip() or unit.email):
            found.append(f"Le service « {unit.name} » n'a ni adresse postale ni adresse "
                         "électronique : l'accusé de réception doit en donner une.")
        if not unit.phone:
            found.append(f"Le service « {unit.name} » n'a pas de numéro de téléphone : "
                         "l'accusé de réception doit le donner.")
        if self.implicit != self.Implicit.NONE and not self.implicit_delay_months:
            found.append("Le délai de décision implicite doit être d'au moins un mois.")
        if self.implicit == self.Implicit.REJECT and not self.appeal_routes.strip():
            found.append("Pour une démarche où le silence vaut rejet, l'accusé de réception "
                         "doit indiquer les voies et délais de recours.")
        return found


class ProcedureVersion(models.Model):
    """A published definition, frozen: files keep the version they were filed under."""

    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    definition = models.JSONField()
    published_at = models.DateTimeField(default=timezone.now)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True,
                                     on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = "version publiée"
        constraints = [models.UniqueConstraint(fields=["procedure", "number"],
                                               name="one_version_number")]

    def __str__(self) -> str:
        return f"{self.procedure} v{self.number}"


class Submission(models.Model):
    """A file: a draft while the resident fills it, then instructed through the workflow."""

    class State(models.TextChoices):
        DRAFT = "draft", "Brouillon"
        SUBMITTED = "submitted", "Déposé"
        REVIEW = "review", "En instruction"
        WAITING_DOCUMENTS = "waiting_documents", "En attente de pièces"
        ACCEPTED = "accepted", "Accepté"
        REJECTED = "rejected", "Refusé"
        WITHOUT_FOLLOW_UP = "without_follow_up", "Classé sans suite"

    # The case status that goes with each state, for the shared inbox and timeline.
    CASE_STATUS = {
        State.SUBMITTED: CaseStatus.NEW,
        State.REVIEW: CaseStatus.IN_PROGRESS,
        State.WAITING_DOCUMENTS: CaseStatus.WAITING,
        State.ACCEPTED: CaseStatus.RESOLVED,
        State.REJECTED: CaseStatus.REJECTED,
        State.WITHOUT_FOLLOW_UP: CaseStatus.CLOSED,
    }
    FINAL = (State.ACCEPTED, State.REJECTED, State.WITHOUT_FOLLOW_UP)
    # States in which the administration is instructing: the implicit-decision clock runs.
    # A procedure may add its own (e.g. "Avis de la commission"), stored as "x_<key>".
    INSTRUCTING = (State.SUBMITTED, State.REVIEW)

    procedure = models.ForeignKey(Procedure, on_delete=models.PROTECT,
                                  related_name="submissions")
    version = models.ForeignKey(ProcedureVersion, on_delete=models.PROTECT,
                                related_name="submissions")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="submissions")
    # A file an agent fills for a resident (phone, counter, mail): the agent may open the draft.
    agent = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="saisi par", null=True,
                              blank=True, on_delete=models.SET_NULL, related_name="+")
    channel = models.CharField("canal", max_length=10, choices=Channel.choices,
                               default=Channel.WEB)
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    state = models.CharField("état", max_length=20, choices=State.choices, default=State.DRAFT)
    answers = models.JSONField(default=dict, blank=True)
    annotations = models.JSONField("annotations privées", default=dict, blank=True)
    page = models.PositiveSmallIntegerField(default=0)
    case = models.OneToOneField("cases.Case", null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="submission")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField("brouillon supprimé le", null=True, blank=True)
    expiry_warned_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField("déposé le", null=True, blank=True)
    # Implicit decision clock (CRPA L114-5): an SVA clock starts again when requested documents
    # arrive; an SVR clock is suspended meanwhile and keeps its remaining days.
    implicit_due_on = models.DateField("décision implicite le", null=True, blank=True)
    implicit_remaining_days = models.PositiveIntegerField(null=True, blank=True)
    implicit_warned_at = models.DateTimeField(null=True, blank=True)
    implicit_decided_at = models.DateTimeField("décision implicite acquise le", null=True,
                                               blank=True)
    documents_due_on = models.DateField("pièces attendues avant le", null=True, blank=True)
    documents_requested = models.JSONField(default=list, blank=True)
    decided_at = models.DateTimeField("décidé le", null=True, blank=True)

    class Meta:
        verbose_name = "dossier"
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["procedure", "state", "-submitted_at"]),
            models.Index(fields=["user", "-updated_at"]),
            models.Index(fields=["state", "implicit_due_on"]),
            models.Index(fields=["state", "expires_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.procedure} ({self.state_label})"

    @property
    def state_label(self) -> str:
        if self.state in self.State.values:
            return self.State(self.state).label
        for extra in self.version.definition.get("workflow", {}).get("states", []):
            if f"x_{extra['key']}" == self.state:
                return extra["label"]
        return self.state

    @property
    def is_instructing(self) -> bool:
        return self.state in self.INSTRUCTING or self.state.startswith("x_")

    def case_status(self, state: str) -> str:
        return self.CASE_STATUS.get(state, CaseStatus.IN_PROGRESS)

    @property
    def definition(self) -> dict:
        return self.version.definition

    @property
    def is_draft(self) -> bool:
        return self.state == self.State.DRAFT

    @property
    def implicit_kind(self) -> str:
        return self.procedure.implicit

    def draft_expiry(self, now=None) -> dt.datetime:
        return (now or timezone.now()) + dt.timedelta(days=self.procedure.draft_days)


def submission_file_path(instance: SubmissionFile, filename: str) -> str:
    return f"procedures/{instance.created_at:%Y/%m}/{filename}"


class SubmissionFile(models.Model):
    """A file given in a file field or for a required document, or picked from the vault."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="files")
    slot = models.CharField("champ ou pièce", max_length=40)
    file = models.FileField(upload_to=submission_file_path, max_length=200, blank=True)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField(default=0)
    vault_document = models.ForeignKey("documents.Document", null=True, blank=True,
                                       on_delete=models.SET_NULL, related_name="uses")
    created_at = models.DateTimeField(default=timezone.now)
    verified_at = models.DateTimeField("vérifiée le", null=True, blank=True)
    verified_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    purged_at = models.DateTimeField("image supprimée le", null=True, blank=True)
    key = models.CharField(max_length=64, unique=True, default=new_token, editable=False)

    class Meta:
        ordering = ["slot", "created_at"]
        indexes = [models.Index(fields=["submission", "slot"])]

    def __str__(self) -> str:
        return self.original_name

    @property
    def stored(self):
        """The bytes: the file given here, or the vault document it points to."""
        if self.file:
            return self.file
        if self.vault_document and self.vault_document.is_available:
            return self.vault_document.file
        return None


def export_path(instance: Export, filename: str) -> str:
    return f"exports/{instance.created_at:%Y/%m}/{filename}"


class Export(models.Model):
    """A background export of a procedure's files, kept for its requester to download."""

    class Format(models.TextChoices):
        CSV = "csv", "CSV"
        XLSX = "xlsx", "XLSX (Excel)"
        ODS = "ods", "ODS (LibreOffice)"

    class Status(models.TextChoices):
        PENDING = "pending", "En préparation"
        DONE = "done", "Prêt"
        FAILED = "failed", "Échec"

    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="exports")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                     related_name="+")
    params = models.JSONField(default=dict, blank=True)
    fmt = models.CharField("format", max_length=4, choices=Format.choices)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    file = models.FileField(upload_to=export_path, max_length=200, blank=True)
    rows = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    key = models.CharField(max_length=64, unique=True, default=new_token, editable=False)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["requested_by", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.procedure} ({self.fmt})"
