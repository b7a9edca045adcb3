"""What the RGPD lifecycle keeps: the « Mes données » archives prepared for a person, the
retention rules of each collectivité, and the bordereaux d'élimination an archivist signs
before any file is destroyed."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone


def new_key() -> str:
    return secrets.token_urlsafe(32)


def data_export_path(instance: DataExport, filename: str) -> str:
    return f"exports/mes-donnees/{instance.created_at:%Y/%m}/{filename}"


class DataExport(models.Model):
    """Everything Guichet holds about `person`, as a ZIP prepared by the worker. Asked by the
    person from their account, or by the DPO for someone met at the counter (identity checked):
    then only the DPO who asked may download it. The file is deleted when it expires."""

    class Status(models.TextChoices):
        PENDING = "pending", "En préparation"
        DONE = "done", "Prêt"
        FAILED = "failed", "Échec"
        EXPIRED = "expired", "Expiré"

    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                               related_name="data_exports", verbose_name="personne")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                     related_name="+", verbose_name="demandé par")
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    file = models.FileField(upload_to=data_export_path, max_length=200, blank=True)
    size = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField()
    key = models.CharField(max_length=64, unique=True, default=new_key, editable=False)

    class Meta:
        verbose_name = "export « Mes données »"
        verbose_name_plural = "exports « Mes données »"
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["requested_by", "-created_at"]),
                   models.Index(fields=["status", "expires_at"])]

    def __str__(self) -> str:
        return f"{self.person_id} {self.created_at:%d/%m/%Y}"

    def is_available(self, now=None) -> bool:
        return self.status == self.Status.DONE and self.expires_at > (now or timezone.now())


class RetentionRule(models.Model):
    """How long a collectivité keeps a closed case of a kind (or of one procedure), then what
    happens: anonymised (the figures stay, the person goes) or proposed for elimination on a
    bordereau that an archivist signs."""

    class Action(models.TextChoices):
        ANONYMISE = "anonymise", "Anonymiser"
        ELIMINATE = "eliminate", "Proposer à l'élimination"

    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.CASCADE,
                                     related_name="retention_rules",
                                     verbose_name="collectivité")
    kind = models.CharField("type de demande", max_length=30)
    procedure = models.ForeignKey("procedures.Procedure", null=True, blank=True,
                                  on_delete=models.CASCADE, related_name="retention_rules",
                                  verbose_name="démarche (sinon toutes)")
    months = models.PositiveIntegerField("durée après la clôture (mois)")
    action = models.CharField("puis", max_length=10, choices=Action.choices,
                              default=Action.ANONYMISE)
    basis = models.CharField("fondement de la durée", max_length=250, blank=True)

    class Meta:
        verbose_name = "règle de conservation"
        verbose_name_plural = "règles de conservation"
        ordering = ["organisation", "kind", "procedure"]
        constraints = [models.UniqueConstraint(fields=["organisation", "kind", "procedure"],
                                               name="one_retention_rule",
                                               nulls_distinct=False)]

    def __str__(self) -> str:
        target = self.procedure or self.kind
        return f"{target} : {self.months} mois puis {self.get_action_display().lower()}"


class Elimination(models.Model):
    """A bordereau d'élimination: the files a retention rule proposes to destroy, listed with
    their dates and volume. Nothing is destroyed before an archivist's visa."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", "En attente de visa"
        APPROVED = "approved", "Visé, éliminé"
        REFUSED = "refused", "Visa refusé"

    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT,
                                     related_name="eliminations",
                                     verbose_name="collectivité")
    number = models.CharField("numéro", max_length=30, unique=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PROPOSED)
    created_at = models.DateTimeField("proposé le", default=timezone.now)
    decided_at = models.DateTimeField("visa le", null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+",
                                   verbose_name="archiviste")
    comment = models.TextField("observations", blank=True)

    class Meta:
        verbose_name = "bordereau d'élimination"
        verbose_name_plural = "bordereaux d'élimination"
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["organisation", "status", "-created_at"])]

    def __str__(self) -> str:
        return self.number


class EliminationItem(models.Model):
    """One file of a bordereau, described well enough to stay the record of what was destroyed
    once the case itself is gone."""

    elimination = models.ForeignKey(Elimination, on_delete=models.CASCADE,
                                    related_name="items")
    case = models.OneToOneField("cases.Case", null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="elimination_item")
    reference = models.CharField("référence", max_length=20)
    kind = models.CharField("type", max_length=30)
    label = models.CharField("intitulé", max_length=200)
    opened_on = models.DateField("ouverte le")
    closed_on = models.DateField("close le")
    files = models.PositiveIntegerField("fichiers", default=0)
    volume = models.PositiveBigIntegerField("volume (octets)", default=0)
    rule = models.CharField("règle appliquée", max_length=250)

    class Meta:
        verbose_name = "dossier d'un bordereau"
        ordering = ["closed_on", "reference"]

    def __str__(self) -> str:
        return self.reference
