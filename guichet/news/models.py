"""News and alerts published by the communication agents, and the residents' subscriptions
(by topic, commune and area) with the record of what each subscription was sent."""

from __future__ import annotations

import secrets

from django.db import models
from django.utils import timezone


def new_token() -> str:
    return secrets.token_urlsafe(24)


class Topic(models.Model):
    name = models.CharField("nom", max_length=100)
    slug = models.SlugField("identifiant d'adresse", unique=True)

    class Meta:
        verbose_name = "thème"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class PublicationStatus(models.TextChoices):
    DRAFT = "draft", "Brouillon"
    PUBLISHED = "published", "Publiée"
    UNPUBLISHED = "unpublished", "Dépubliée"


def news_image_path(instance, filename: str) -> str:
    return f"news/{filename}"


class News(models.Model):
    """An actualité: visible from `publish_at` (scheduled publication) until `expire_at`."""

    Status = PublicationStatus

    organisation = models.ForeignKey("organisations.Organisation", verbose_name="collectivité",
                                     on_delete=models.CASCADE, related_name="news",
                                     help_text="Une commune, ou l'intercommunalité pour tout le "
                                               "territoire.")
    unit = models.ForeignKey("organisations.Unit", verbose_name="service", null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="+")
    title = models.CharField("titre", max_length=200)
    slug = models.SlugField("identifiant d'adresse", max_length=220, unique=True)
    summary = models.CharField("chapô", max_length=400)
    body_html = models.TextField("texte")
    image = models.ImageField("image", upload_to=news_image_path, blank=True)
    image_alt = models.CharField("description de l'image", max_length=250, blank=True)
    topics = models.ManyToManyField(Topic, verbose_name="thèmes", blank=True, related_name="news")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.DRAFT)
    publish_at = models.DateTimeField("publier le", default=timezone.now)
    expire_at = models.DateTimeField("retirer le", null=True, blank=True)
    # Set once the subscribers were told (the fan-out ran for this publication).
    announced_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey("accounts.User", null=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "actualité"
        ordering = ["-publish_at", "-pk"]
        indexes = [models.Index(fields=["status", "-publish_at"], name="news_published")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        from django.urls import reverse
        return reverse("portal:news_detail", args=[self.slug])

    def is_visible(self, now=None) -> bool:
        now = now or timezone.now()
        return (self.status == self.Status.PUBLISHED and self.publish_at <= now
                and (self.expire_at is None or self.expire_at > now))


class Alert(models.Model):
    """Something residents must know now: a closure, works in a street, an emergency; with an
    area (a point and a radius, or a GeoJSON geometry) and a start and an end."""

    Status = PublicationStatus

    class Kind(models.TextChoices):
        CLOSURE = "closure", "Fermeture d'un équipement ou d'un service"
        WORKS = "works", "Travaux"
        EMERGENCY = "emergency", "Urgence"

    organisation = models.ForeignKey("organisations.Organisation", verbose_name="collectivité",
                                     on_delete=models.CASCADE, related_name="alerts")
    kind = models.CharField("type", max_length=10, choices=Kind.choices, default=Kind.WORKS)
    title = models.CharField("titre", max_length=200)
    description = models.TextField("description", max_length=4000)
    topics = models.ManyToManyField(Topic, verbose_name="thèmes", blank=True,
                                    related_name="alerts")
    starts_at = models.DateTimeField("début")
    ends_at = models.DateTimeField("fin")
    address = models.CharField("adresse ou lieu", max_length=250, blank=True)
    lat = models.FloatField("latitude", null=True, blank=True)
    lon = models.FloatField("longitude", null=True, blank=True)
    radius_m = models.PositiveIntegerField("rayon (mètres)", null=True, blank=True)
    geojson = models.JSONField("zone (GeoJSON)", null=True, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.DRAFT)
    announced_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey("accounts.User", null=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "alerte"
        ordering = ["starts_at", "pk"]
        indexes = [models.Index(fields=["status", "ends_at"], name="alert_current")]

    def __str__(self) -> str:
        return self.title


class Subscription(models.Model):
    """What someone wants to hear about. A resident's is tied to their account; anyone else's
    to an address confirmed by a link (double opt-in). The token signs the unsubscribe link
    and stays valid when the account is deleted (the row keeps the email)."""

    class Channel(models.TextChoices):
        EMAIL = "email", "Par courriel"
        INAPP = "inapp", "Dans mon espace seulement"

    class Frequency(models.TextChoices):
        IMMEDIATE = "immediate", "Dès la publication"
        DAILY = "daily", "Un résumé par jour"

    user = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="subscriptions")
    email = models.EmailField("adresse électronique")
    topics = models.ManyToManyField(Topic, verbose_name="thèmes", blank=True)
    communes = models.ManyToManyField("organisations.Organisation", verbose_name="communes",
                                      blank=True, related_name="+")
    address = models.CharField("adresse", max_length=250, blank=True)
    lat = models.FloatField(null=True, blank=True)
    lon = models.FloatField(null=True, blank=True)
    radius_m = models.PositiveIntegerField("rayon (mètres)", null=True, blank=True)
    # A zone drawn on the map (GeoJSON Polygon); lat/lon/radius_m then hold its bounding
    # circle, so that the same prefilters apply, and the polygon decides.
    area = models.JSONField("zone tracée", null=True, blank=True)
    channel = models.CharField("recevoir", max_length=6, choices=Channel.choices,
                               default=Channel.EMAIL)
    sms_emergencies = models.BooleanField("les urgences aussi par SMS", default=False)
    phone = models.CharField("téléphone portable", max_length=30, blank=True)
    frequency = models.CharField("fréquence", max_length=10, choices=Frequency.choices,
                                 default=Frequency.IMMEDIATE)
    include_reports = models.BooleanField("les signalements près de chez moi", default=True)
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    confirmed_at = models.DateTimeField("confirmé le", null=True, blank=True)
    unsubscribed_at = models.DateTimeField("désabonné le", null=True, blank=True)

    class Meta:
        verbose_name = "abonnement"
        indexes = [models.Index(fields=["confirmed_at"],
                                condition=models.Q(unsubscribed_at__isnull=True),
                                name="subscription_active")]

    def __str__(self) -> str:
        return f"Abonnement de {self.email}"

    @property
    def is_active(self) -> bool:
        return self.confirmed_at is not None and self.unsubscribed_at is None


class Dispatch(models.Model):
    """That `subscription` must hear of one item (a news, an alert, a signalement): written once
    per pair (the unique constraint makes a re-run fan-out add nothing), then marked with the
    notification that carried it, in the transaction that wrote that notification — so a
    killed worker neither loses an item nor sends it twice."""

    class ItemKind(models.TextChoices):
        NEWS = "news", "Actualité"
        ALERT = "alert", "Alerte"
        REPORT_NEW = "report_new", "Nouveau signalement"
        REPORT_RESOLVED = "report_done", "Signalement résolu"

    subscription = models.ForeignKey(Subscription, on_delete=models.CASCADE,
                                     related_name="dispatches")
    item_kind = models.CharField(max_length=12, choices=ItemKind.choices)
    item_id = models.PositiveBigIntegerField()
    title = models.CharField(max_length=250)
    url = models.CharField(max_length=500)
    summary = models.CharField(max_length=500, blank=True)
    emergency = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)
    notification = models.ForeignKey("notifications.Notification", null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "envoi à un abonné"
        constraints = [models.UniqueConstraint(fields=["subscription", "item_kind", "item_id"],
                                               name="dispatch_once_per_item")]
        indexes = [models.Index(fields=["subscription"], condition=models.Q(done_at__isnull=True),
                                name="dispatch_pending")]

    def __str__(self) -> str:
        return f"{self.item_kind}:{self.item_id} → {self.subscription_id}"
