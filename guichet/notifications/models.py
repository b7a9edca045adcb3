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
    # The SMTP Message-ID, generated once when the row is written and sent on every attempt, so
    # that a receiver can drop the copy a crash between SMTP acceptance and `sent_at` may cause.
    message_id = models.CharField("Message-ID", max_length=255, unique=True)
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
    # A notice with legal value (receipt, acknowledgement, decision): retried for days and sent
    # again when the transport comes back after it failed.
    legal = models.BooleanField("valeur légale", default=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    # After this time a failed attempt is final; empty: after NOTIFICATION_MAX_ATTEMPTS attempts.
    retry_until = models.DateTimeField("réessayer jusqu'au", null=True, blank=True)
    # The lease: a worker owns the row while it is "sending" until `claimed_until`; after that
    # another worker may take it up (the first one died).
    claimed_at = models.DateTimeField(null=True, blank=True)
    claimed_by = models.CharField(max_length=100, blank=True)
    claimed_until = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    failed_at = models.DateTimeField(null=True, blank=True)
    # The receiving server refused the message for good (5xx): retrying would not help.
    rejected = models.BooleanField(default=False)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "next_attempt_at"]),
                   models.Index(fields=["status", "claimed_until"])]

    def __str__(self) -> str:
        return f"{self.template} → {self.recipient} ({self.get_status_display()})"



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


class TransportHealth(models.Model):
    """One row per channel: since when deliveries have been failing, whether the administrators
    were told, when deliveries went through again (failed legal notices older than that are
    taken up again)."""

    channel = models.CharField(max_length=10, choices=Notification.Channel.choices,
                               primary_key=True)
    failing_since = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    alerted_at = models.DateTimeField(null=True, blank=True)
    recovered_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.channel}: {'en échec' if self.failing_since else 'fonctionne'}"
