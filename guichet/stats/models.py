"""Statistics: daily aggregates of the cases (never a resident's identity), who may read them,
and the exports of the inbox.

`DailyStat` holds one row per day of receipt and per combination of organisation, unit,
commune, kind, channel, category and outcome: counts, delays against the SLA, and two delay
histograms in business hours (first answer, closing) from which medians and 90th percentiles
are read. Dashboards sum these rows; they never scan the cases. `stats_refresh` (worker or
scheduler) rewrites only the days whose cases changed since its last run."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone

# Upper edges of the delay histograms' buckets, in business hours (the last bucket is open).
BUCKET_EDGES = (4, 8, 24, 48, 72, 96, 144, 240, 480, 960)
BUCKETS = len(BUCKET_EDGES) + 1


def bucket_of(hours: float) -> int:
    for index, edge in enumerate(BUCKET_EDGES):
        if hours <= edge:
            return index
    return len(BUCKET_EDGES)


class StatsAccess(models.Model):
    """A collectivité's direction or an elected official who reads its statistics (and, for an
    EPCI, those of its member communes) without handling any case."""

    class Role(models.TextChoices):
        DIRECTION = "direction", "Direction générale"
        ELECTED = "elected", "Élu"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="utilisateur",
                             on_delete=models.CASCADE, related_name="stats_accesses")
    organisation = models.ForeignKey("organisations.Organisation", verbose_name="collectivité",
                                     on_delete=models.CASCADE, related_name="stats_accesses")
    role = models.CharField("rôle", max_length=10, choices=Role.choices,
                            default=Role.DIRECTION)

    class Meta:
        verbose_name = "accès aux statistiques"
        verbose_name_plural = "accès aux statistiques"
        constraints = [models.UniqueConstraint(fields=["user", "organisation"],
                                               name="one_stats_access_per_org")]

    def __str__(self) -> str:
        return f"{self.user} — {self.organisation} ({self.get_role_display()})"


def _histogram(prefix: str, label: str) -> dict[str, models.Field]:
    fields = {}
    low = 0
    for index in range(BUCKETS):
        high = BUCKET_EDGES[index] if index < len(BUCKET_EDGES) else None
        span = f"{low}–{high} h" if high else f"plus de {low} h"
        fields[f"{prefix}{index}"] = models.PositiveIntegerField(f"{label} {span}", default=0)
        low = high or low
    return fields


class DailyStatBase(models.Model):
    day = models.DateField("jour de réception")
    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.CASCADE,
                                     related_name="+")
    unit = models.ForeignKey("organisations.Unit", on_delete=models.CASCADE, related_name="+")
    # The commune concerned: a report's commune, else the case's organisation if a commune.
    commune = models.ForeignKey("organisations.Organisation", null=True, blank=True,
                                on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=30)
    channel = models.CharField(max_length=10)
    # A report's category, a procedure, an appointment's motif ("" for the others).
    category = models.CharField(max_length=80, blank=True)
    category_label = models.CharField(max_length=200, blank=True)
    # What became of it, where the kind says: an appointment's status, a file's decision.
    outcome = models.CharField(max_length=20, blank=True)
    created = models.PositiveIntegerField(default=0)
    open_now = models.PositiveIntegerField("encore ouvertes", default=0)
    answered = models.PositiveIntegerField(default=0)
    answered_in_sla = models.PositiveIntegerField(default=0)
    answered_in_48 = models.PositiveIntegerField(default=0)
    answered_in_96 = models.PositiveIntegerField(default=0)
    closed = models.PositiveIntegerField(default=0)
    closed_in_sla = models.PositiveIntegerField(default=0)
    transferred = models.PositiveIntegerField(default=0)
    reopened = models.PositiveIntegerField(default=0)
    # Satisfaction after the case ended (guichet.surveys): asked, answered, answered 4 or 5
    # out of 5, and the sum of the scores (mean = sum / answered).
    sat_asked = models.PositiveIntegerField("satisfaction demandée", default=0)
    sat_answered = models.PositiveIntegerField("satisfaction répondue", default=0)
    sat_satisfied = models.PositiveIntegerField("satisfaits (4 ou 5 sur 5)", default=0)
    sat_score = models.PositiveIntegerField("somme des notes", default=0)

    class Meta:
        abstract = True


for _name, _field in {**_histogram("first_h", "première réponse"),
                      **_histogram("close_h", "clôture")}.items():
    DailyStatBase.add_to_class(_name, _field)

FIRST_FIELDS = [f"first_h{i}" for i in range(BUCKETS)]
CLOSE_FIELDS = [f"close_h{i}" for i in range(BUCKETS)]
SATISFACTION_FIELDS = ["sat_asked", "sat_answered", "sat_satisfied", "sat_score"]
COUNT_FIELDS = ["created", "open_now", "answered", "answered_in_sla", "answered_in_48",
                "answered_in_96", "closed", "closed_in_sla", "transferred", "reopened",
                *FIRST_FIELDS, *CLOSE_FIELDS, *SATISFACTION_FIELDS]


class DailyStat(DailyStatBase):
    class Meta:
        verbose_name = "agrégat journalier"
        indexes = [models.Index(fields=["unit", "day"]),
                   models.Index(fields=["organisation", "day"]),
                   # The backlog: the days that still have open cases.
                   models.Index(fields=["unit", "day"], condition=models.Q(open_now__gt=0),
                                name="dailystat_backlog")]

    def __str__(self) -> str:
        return f"{self.day} {self.unit_id} {self.kind} {self.created}"


class RefreshState(models.Model):
    """Where the incremental refresh stopped: cases changed after `watermark` are redone."""

    name = models.CharField(max_length=30, unique=True)
    watermark = models.DateTimeField(null=True, blank=True)
    days_refreshed = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.name}: {self.watermark}"


class MonthlyReport(models.Model):
    """A unit's monthly PDF report, sent once to its managers."""

    unit = models.ForeignKey("organisations.Unit", on_delete=models.CASCADE, related_name="+")
    month = models.DateField("mois")
    sent_at = models.DateTimeField(default=timezone.now)
    recipients = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "rapport mensuel"
        verbose_name_plural = "rapports mensuels"
        constraints = [models.UniqueConstraint(fields=["unit", "month"],
                                               name="one_monthly_report")]

    def __str__(self) -> str:
        return f"{self.unit} {self.month:%m/%Y}"


def new_key() -> str:
    return secrets.token_urlsafe(24)


def inbox_export_path(instance: InboxExport, filename: str) -> str:
    return f"exports/inbox/{instance.created_at:%Y/%m}/{filename}"


class InboxExport(models.Model):
    """The inbox with its filters, written in the background for its requester alone; the file
    is deleted when it expires."""

    class Format(models.TextChoices):
        CSV = "csv", "CSV"
        XLSX = "xlsx", "XLSX (Excel)"
        ODS = "ods", "ODS (LibreOffice)"

    class Status(models.TextChoices):
        PENDING = "pending", "En préparation"
        DONE = "done", "Prêt"
        FAILED = "failed", "Échec"
        EXPIRED = "expired", "Expiré"

    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                     related_name="+")
    filters = models.JSONField(default=dict, blank=True)
    description = models.CharField(max_length=300, blank=True)
    fmt = models.CharField("format", max_length=4, choices=Format.choices)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    file = models.FileField(upload_to=inbox_export_path, max_length=200, blank=True)
    rows = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField()
    key = models.CharField(max_length=64, unique=True, default=new_key, editable=False)

    class Meta:
        verbose_name = "export de la boîte de réception"
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["requested_by", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.requested_by_id} {self.fmt} {self.created_at:%d/%m/%Y}"

    def is_available(self, now=None) -> bool:
        return self.status == self.Status.DONE and self.expires_at > (now or timezone.now())
