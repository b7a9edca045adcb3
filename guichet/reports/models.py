"""Signalements: a problem at a place, reported by a resident, routed by category and location.
Each report is a Case of kind `report`; what is specific to a place lives here."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone


def new_key() -> str:
    """An unguessable identifier for URLs and tokens (32 characters)."""
    return secrets.token_urlsafe(24)


class Category(models.Model):
    """A node of the category tree (Propreté › Dépôt sauvage). Only leaves can be reported;
    the competence topic says which collectivité handles it where the problem is."""

    parent = models.ForeignKey("self", verbose_name="catégorie parente", null=True, blank=True,
                               on_delete=models.PROTECT, related_name="children")
    name = models.CharField("nom", max_length=120)
    service_code = models.SlugField("code (Open311)", max_length=60, unique=True)
    description = models.TextField("description", blank=True)
    keywords = models.CharField("mots-clés", max_length=250, blank=True,
                                help_text="Séparés par des virgules.")
    icon = models.CharField("icône", max_length=40, blank=True,
                            help_text="Nom de l'icône affichée sur la carte.")
    competence_topic = models.SlugField(
        "compétence", max_length=50, blank=True,
        help_text="Thème de compétence (ex. « voirie », « dechets ») : la collectivité qui le "
                  "détient là où se trouve le problème traite le signalement.")
    first_response_hours = models.PositiveIntegerField(
        "première réponse (heures ouvrées)", null=True, blank=True,
        help_text="Vide : l'objectif du service.")
    resolution_hours = models.PositiveIntegerField(
        "résolution (heures ouvrées)", null=True, blank=True,
        help_text="Vide : l'objectif du service.")
    is_public = models.BooleanField("signalements publics", default=True)
    moderate_photos = models.BooleanField("photos publiées après modération", default=True)
    questions = models.JSONField(
        "questions complémentaires", default=list, blank=True,
        help_text='Liste de {"code", "label", "datatype": string|number|text|singlevaluelist|'
                  'multivaluelist, "required", "values": [{"key", "name"}]}.')
    order = models.PositiveSmallIntegerField("ordre", default=0)
    is_active = models.BooleanField("active", default=True)

    class Meta:
        verbose_name = "catégorie de signalement"
        verbose_name_plural = "catégories de signalement"
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.parent.name} › {self.name}" if self.parent_id else self.name

    @property
    def group(self) -> str:
        return self.parent.name if self.parent_id else ""

    def sorted_questions(self) -> list[dict]:
        return sorted(self.questions or [], key=lambda q: q.get("order") or 0)


class FieldStatus(models.TextChoices):
    """Where the field team is, beside the case's status."""

    NONE = "", "—"
    TO_SCHEDULE = "to_schedule", "À programmer"
    SCHEDULED = "scheduled", "Intervention programmée"
    IN_PROGRESS = "in_progress", "Intervention en cours"
    DONE = "done", "Intervention terminée"


class Report(models.Model):
    case = models.OneToOneField("cases.Case", on_delete=models.CASCADE, related_name="report")
    category = models.ForeignKey(Category, verbose_name="catégorie", on_delete=models.PROTECT,
                                 related_name="reports")
    commune = models.ForeignKey("organisations.Organisation", verbose_name="commune",
                                on_delete=models.PROTECT, related_name="reports")
    # Empty while the place is only known by its typed address (the address service did not
    # answer, or did not know it): an agent places the report on the map, and the commune it
    # was routed by is checked against the outlines then.
    lat = models.FloatField("latitude", null=True, blank=True)
    lon = models.FloatField("longitude", null=True, blank=True)
    address = models.CharField("adresse ou repère", max_length=250, blank=True)
    description = models.TextField("description", max_length=4000)
    answers = models.JSONField("réponses aux questions", default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    # Mirrors the case's status (kept by the `report` kind's hook) so that the map and the
    # duplicate check read one indexed table.
    is_open = models.BooleanField(default=True)
    followers_count = models.PositiveIntegerField("personnes concernées", default=0)
    merged_into = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="merged", verbose_name="fusionné dans")
    field_status = models.CharField("intervention", max_length=12, choices=FieldStatus.choices,
                                    default=FieldStatus.NONE, blank=True)
    scheduled_for = models.DateField("intervention prévue le", null=True, blank=True)
    fixed_answer = models.BooleanField("réparé selon l'usager", null=True, blank=True)
    fixed_answered_at = models.DateTimeField(null=True, blank=True)
    fixed_question_sent_at = models.DateTimeField(null=True, blank=True)
    # Open311: which client filed it (for rate limits) and the token it was given.
    api_key = models.ForeignKey("ApiKey", null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="reports")
    api_token = models.CharField(max_length=40, unique=True, default=new_key,
                                 editable=False)
    media_url = models.URLField("média (Open311)", max_length=500, blank=True)

    class Meta:
        verbose_name = "signalement"
        indexes = [
            models.Index(fields=["category", "is_open", "lat", "lon"], name="report_nearby"),
            models.Index(fields=["commune", "is_open", "-created_at"], name="report_commune"),
            models.Index(fields=["is_open", "-created_at"], name="report_open"),
            models.Index(fields=["-created_at"], name="report_recent"),
            models.Index(fields=["api_key", "created_at"], name="report_api_rate"),
            models.Index(fields=["commune"], condition=models.Q(lat__isnull=True),
                         name="report_to_place"),
        ]

    def __str__(self) -> str:
        return f"{self.case.reference} — {self.category}"

    @property
    def needs_placing(self) -> bool:
        """Filed without a position: shown « À placer sur la carte » to agents."""
        return self.lat is None or self.lon is None


def photo_path(instance, filename: str) -> str:
    return f"reports/{timezone.now():%Y/%m}/{filename}"


class Photo(models.Model):
    class Kind(models.TextChoices):
        BEFORE = "before", "Photo du signalement"
        AFTER = "after", "Photo après intervention"

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="photos")
    kind = models.CharField(max_length=6, choices=Kind.choices, default=Kind.BEFORE)
    key = models.CharField(max_length=40, unique=True, default=new_key,
                           editable=False)
    image = models.FileField(upload_to=photo_path)
    thumbnail = models.FileField(upload_to=photo_path)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    is_moderated = models.BooleanField("validée pour publication", default=False)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "photo"
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.report_id})"

    def is_publishable(self) -> bool:
        category = self.report.category
        return category.is_public and (self.is_moderated or not category.moderate_photos)


class Follower(models.Model):
    """Someone who said "moi aussi": counted and told of the report's progress."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="followers")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                             on_delete=models.CASCADE, related_name="followed_reports")
    email = models.EmailField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "personne concernée"
        constraints = [models.UniqueConstraint(fields=["report", "email"],
                                               name="follow_once")]

    def __str__(self) -> str:
        return f"{self.email} suit {self.report_id}"


def new_api_key() -> str:
    return secrets.token_urlsafe(32)


class ApiKey(models.Model):
    """A key for an Open311 client (the municipal app, a partner's app)."""

    name = models.CharField("application", max_length=120)
    key = models.CharField("clé", max_length=64, unique=True, default=new_api_key)
    contact_email = models.EmailField("contact technique", blank=True)
    is_active = models.BooleanField("active", default=True)
    requests_per_minute = models.PositiveIntegerField("requêtes d'écriture par minute",
                                                      default=60)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "clé d'API Open311"
        verbose_name_plural = "clés d'API Open311"

    def __str__(self) -> str:
        return self.name


class IdempotentRequest(models.Model):
    """A client's retry with the same idempotency key returns the first result."""

    api_key = models.ForeignKey(ApiKey, on_delete=models.CASCADE, related_name="+")
    idempotency_key = models.CharField(max_length=100)
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["api_key", "idempotency_key"],
                                               name="idempotency_once")]

    def __str__(self) -> str:
        return self.idempotency_key
