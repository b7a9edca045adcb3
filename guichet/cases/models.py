"""The Case: one record for every request, whatever its kind and channel, with one timeline."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models.functions import Upper
from django.urls import reverse
from django.utils import timezone

from . import kinds


def new_token() -> str:
    return secrets.token_urlsafe(24)


class Channel(models.TextChoices):
    WEB = "web", "Site internet"
    APP = "app", "Application mobile"
    EMAIL = "email", "Courriel"
    PHONE = "phone", "Téléphone"
    COUNTER = "counter", "Accueil physique"
    MAIL = "mail", "Courrier"
    SOCIAL = "social", "Réseau social"


class Status(models.TextChoices):
    NEW = "new", "Nouvelle"
    IN_PROGRESS = "in_progress", "En cours de traitement"
    WAITING = "waiting", "En attente de votre réponse"
    RESOLVED = "resolved", "Résolue"
    CLOSED = "closed", "Close"
    REJECTED = "rejected", "Rejetée"


OPEN_STATUSES = (Status.NEW, Status.IN_PROGRESS, Status.WAITING)

# Which status may follow which. Closed is final; a resolved or rejected case can be re-opened.
TRANSITIONS: dict[str, set[str]] = {
    Status.NEW: {Status.IN_PROGRESS, Status.WAITING, Status.RESOLVED, Status.REJECTED,
                 Status.CLOSED},
    Status.IN_PROGRESS: {Status.WAITING, Status.RESOLVED, Status.REJECTED, Status.CLOSED},
    Status.WAITING: {Status.IN_PROGRESS, Status.RESOLVED, Status.REJECTED, Status.CLOSED},
    Status.RESOLVED: {Status.IN_PROGRESS, Status.CLOSED},
    Status.REJECTED: {Status.IN_PROGRESS, Status.CLOSED},
    Status.CLOSED: set(),
}


class ReferenceSequence(models.Model):
    """Last number given per organisation and year; locked while a reference is taken."""

    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.CASCADE)
    year = models.PositiveIntegerField()
    last_value = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "year"], name="one_sequence_per_year"),
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id}/{self.year}: {self.last_value}"


class Case(models.Model):
    reference = models.CharField("référence", max_length=20, unique=True)
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    kind = models.CharField("type", max_length=30, db_index=True)
    channel = models.CharField("canal", max_length=10, choices=Channel.choices,
                               default=Channel.WEB)
    organisation = models.ForeignKey("organisations.Organisation", verbose_name="collectivité",
                                     on_delete=models.PROTECT, related_name="cases")
    unit = models.ForeignKey("organisations.Unit", verbose_name="service",
                             on_delete=models.PROTECT, related_name="cases")
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="agent",
                                 null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="assigned_cases")
    requester = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="usager",
                                  null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="cases")
    requester_name = models.CharField("nom de l'usager", max_length=200)
    requester_email = models.EmailField("courriel de l'usager", blank=True)
    requester_phone = models.CharField("téléphone de l'usager", max_length=30, blank=True)
    subject = models.CharField("objet", max_length=200)
    status = models.CharField("statut", max_length=12, choices=Status.choices,
                              default=Status.NEW)
    created_at = models.DateTimeField("reçue le", default=timezone.now)
    updated_at = models.DateTimeField("mise à jour le", default=timezone.now)
    # SLA clock: due dates are stored so that lists can sort and filter on them.
    first_response_due_at = models.DateTimeField("première réponse attendue le", null=True)
    first_responded_at = models.DateTimeField("première réponse le", null=True, blank=True)
    resolution_due_at = models.DateTimeField("traitement attendu le", null=True)
    paused_at = models.DateTimeField("horloge suspendue depuis", null=True, blank=True)
    resolved_at = models.DateTimeField("résolue le", null=True, blank=True)
    closed_at = models.DateTimeField("close le", null=True, blank=True)
    urgent = models.BooleanField("urgente", default=False)
    # Set once by privacy.services.case_anonymise: the person is gone, the figures stay.
    anonymised_at = models.DateTimeField("anonymisée le", null=True, blank=True)

    class Meta:
        verbose_name = "demande"
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["unit", "status", "resolution_due_at"]),
            models.Index(fields=["unit", "-created_at"]),
            models.Index(fields=["assignee", "status"]),
            models.Index(fields=["requester", "-created_at"]),
            models.Index(fields=["organisation", "status"]),
            # The inbox's open tabs at any size: ordered by due date and counted from the
            # index alone (every column the tab filters read is in it).
            models.Index(fields=["unit", "resolution_due_at", "id", "status", "assignee",
                                 "paused_at"], condition=models.Q(status__in=OPEN_STATUSES),
                         name="case_open_by_due"),
            # Cases sent without an account, found by their sender's address (a person's
            # page, the DPO's history of a person).
            models.Index(Upper("requester_email"), name="case_anonymous_email",
                         condition=models.Q(requester__isnull=True)),
            # The daily retention job: closed cases of a kind still holding a person.
            models.Index(fields=["organisation", "kind", "closed_at"], name="case_retention",
                         condition=models.Q(closed_at__isnull=False,
                                            anonymised_at__isnull=True)),
        ]

    def __str__(self) -> str:
        return f"{self.reference} — {self.subject}"

    def get_absolute_url(self) -> str:
        return reverse("portal:case_by_token", args=[self.token])

    @property
    def kind_info(self) -> kinds.Kind:
        return kinds.get(self.kind)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def can_become(self, status: str) -> bool:
        return status in TRANSITIONS.get(self.status, set())

    def allowed_statuses(self) -> list[tuple[str, str]]:
        allowed = TRANSITIONS.get(self.status, set())
        return [(value, label) for value, label in Status.choices if value in allowed]

    def is_overdue(self, now=None) -> bool:
        now = now or timezone.now()
        return bool(self.is_open and not self.paused_at and self.resolution_due_at
                    and self.resolution_due_at < now)

    def announced_date(self):
        """The date the resident is told to expect: a first answer, then the resolution."""
        if not self.first_responded_at and self.first_response_due_at:
            return self.first_response_due_at
        return self.resolution_due_at

    def resident_next_step(self) -> str:
        return self.resident_state().next_step

    def resident_state(self) -> kinds.ResidentState:
        """Where the case stands for the resident: the kind's own state when it keeps one (an
        appointment, a booking), else the status with the date the service committed to."""
        custom = self.kind_info.resident_state
        state = custom(self) if custom is not None else None
        return state or self.generic_resident_state()

    def generic_resident_state(self, now=None) -> kinds.ResidentState:
        label = self.get_status_display()
        if self.status == Status.WAITING:
            return kinds.ResidentState(
                label, "Le service attend votre réponse : répondez depuis cette page.",
                tone=self.status)
        if self.status == Status.RESOLVED:
            return kinds.ResidentState(
                label, "Le service considère votre demande comme résolue. Répondez si ce "
                "n'est pas le cas.", tone=self.status)
        if not self.is_open:
            return kinds.ResidentState(label, "Cette demande est terminée.", tone=self.status)
        next_step = ("Votre demande a été enregistrée ; un agent va la prendre en charge."
                     if self.status == Status.NEW else self.kind_info.next_step)
        due = self.announced_date()
        if due is None:
            return kinds.ResidentState(label, next_step, tone=self.status)
        first = not self.first_responded_at and due == self.first_response_due_at
        overdue = due < (now or timezone.now())
        if overdue:
            next_step += " Le délai annoncé est dépassé : le service vous répond au plus vite."
        return kinds.ResidentState(label, next_step, tone=self.status, due=due,
                                   due_label="Première réponse" if first else "Traitement",
                                   overdue=overdue)

    def get_backoffice_url(self) -> str:
        return reverse("backoffice:case", args=[self.reference])


class Event(models.Model):
    """One line of a case's timeline. Rows are only ever added, never changed."""

    class Kind(models.TextChoices):
        SUBMITTED = "submitted", "Demande déposée"
        RECEIPT_SENT = "receipt_sent", "Accusé d'enregistrement envoyé"
        RESIDENT_MESSAGE = "resident_message", "Message de l'usager"
        AGENT_MESSAGE = "agent_message", "Message à l'usager"
        INTERNAL_NOTE = "internal_note", "Note interne"
        ASSIGNED = "assigned", "Attribution"
        TRANSFERRED = "transferred", "Transfert"
        STATUS_CHANGED = "status_changed", "Changement de statut"
        ATTACHMENT_ADDED = "attachment_added", "Pièce jointe ajoutée"
        NOTIFICATION_SENT = "notification_sent", "Notification envoyée"
        NOTIFICATION_FAILED = "notification_failed", "Échec d'envoi d'une notification"
        # A public step of the work, written by the kind's own services (e.g. a field visit).
        PROGRESS = "progress", "Avancement"

    INTERNAL_KINDS = (Kind.INTERNAL_NOTE,)
    # Events whose text someone wrote, searched by the search box (receipts and notifications
    # only repeat the subject, already searched on the case).
    SEARCHED_KINDS = (Kind.SUBMITTED, Kind.RESIDENT_MESSAGE, Kind.AGENT_MESSAGE,
                      Kind.INTERNAL_NOTE, Kind.PROGRESS, Kind.STATUS_CHANGED, Kind.TRANSFERRED)

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    created_at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    body = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["case", "created_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.created_at:%d/%m/%Y %H:%M})"

    @property
    def is_internal(self) -> bool:
        return self.kind in self.INTERNAL_KINDS

    @property
    def has_text(self) -> bool:
        """Whether `body` is something someone wrote (a message, a note, a reason)."""
        return self.kind not in (self.Kind.ATTACHMENT_ADDED, self.Kind.RECEIPT_SENT,
                                 self.Kind.NOTIFICATION_SENT, self.Kind.NOTIFICATION_FAILED)

    @property
    def new_status_label(self) -> str:
        value = self.data.get("new", "")
        return Status(value).label if value in Status.values else value


def attachment_path(instance: Attachment, filename: str) -> str:
    return f"cases/{instance.case.created_at:%Y/%m}/{filename}"


class Attachment(models.Model):
    """A file given with a message, stored under a random name, served only through a view."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="attachments")
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=attachment_path, max_length=200)
    original_name = models.CharField("nom du fichier", max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    created_at = models.DateTimeField(default=timezone.now)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    key = models.CharField(max_length=64, unique=True, default=new_token, editable=False)

    class Meta:
        verbose_name = "pièce jointe"
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.original_name


class SlaPolicy(models.Model):
    """Response targets for a unit, a category (a kind's own code, e.g. a report category) and
    a channel; any of the three may be left empty. The most specific matching policy wins."""

    unit = models.ForeignKey("organisations.Unit", verbose_name="service", null=True,
                             blank=True, on_delete=models.CASCADE, related_name="sla_policies")
    category = models.CharField("catégorie", max_length=60, blank=True,
                                help_text="Code de catégorie (signalements), vide : toutes.")
    channel = models.CharField("canal", max_length=10, choices=Channel.choices, blank=True)
    first_response_hours = models.PositiveIntegerField("première réponse (heures ouvrées)")
    resolution_hours = models.PositiveIntegerField("traitement (heures ouvrées)")

    class Meta:
        verbose_name = "objectif de délai"
        verbose_name_plural = "objectifs de délai"

    def __str__(self) -> str:
        scope = " / ".join(filter(None, [str(self.unit or ""), self.category,
                                         self.get_channel_display() if self.channel else ""]))
        return f"{scope or 'Tous'} : {self.first_response_hours} h / {self.resolution_hours} h"

    @property
    def specificity(self) -> int:
        return (self.unit_id is not None) * 4 + bool(self.category) * 2 + bool(self.channel)
