"""The outbox: a notification is a row written in the same transaction as what caused it,
delivered later by the worker, with every attempt recorded."""

import uuid

from django.db import models
from django.utils import timezone


class Notification(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "À envoyer"
        SENDING = "sending", "En cours d'envoi"
        SENT = "sent", "Envoyée"
        FAILED = "failed", "Échec définitif"
        SKIPPED = "skipped", "Non envoyée (refus de l'usager)"

    class Channel(models.TextChoices):
        EMAIL = "email", "Courriel"
        SMS = "sms", "SMS"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey("cases.Case", null=True, blank=True, on_delete=models.CASCADE,
                             related_name="notifications")
    template = models.CharField("modèle", max_length=50)
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.EMAIL)
    recipient = models.CharField("destinataire", max_length=254)
    subject = models.CharField("objet", max_length=250)
    body_text = models.TextField()
    body_html = models.TextField(blank=True)
    attachments = models.JSONField(default=list, blank=True)
    mandatory = models.BooleanField("obligatoire", default=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.template} → {self.recipient} ({self.get_status_display()})"

    @property
    def message_id(self) -> str:
        """Stable across retries, so that a receiving server can drop a duplicate."""
        return f"<{self.uuid}@guichet>"


class DeliveryAttempt(models.Model):
    notification = models.ForeignKey(Notification, on_delete=models.CASCADE,
                                     related_name="delivery_attempts")
    at = models.DateTimeField(default=timezone.now)
    success = models.BooleanField()
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["at"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {'réussi' if self.success else 'échec'}"
