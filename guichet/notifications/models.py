"""The outbox: a notification is a row written in the same transaction as what caused it,
delivered later by the worker, with every attempt recorded."""

import base64
import secrets
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
    # Extra mail headers (List-Unsubscribe for subscriptions, RFC 8058).
    headers = models.JSONField(default=dict, blank=True)
    category = models.CharField("catégorie", max_length=12, blank=True)
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


class Category(models.TextChoices):
    """What a message is about: the resident chooses, per category, by which channels they hear
    of it (`Preference`). The legal notices and the account's security messages are always
    sent and cannot be turned off."""

    LEGAL = "legal", "Avis officiels (accusés, décisions, confirmations)"
    ACCOUNT = "account", "Sécurité du compte (liens de connexion, mot de passe)"
    REPLY = "reply", "Réponses des services à mes demandes"
    STATUS = "status", "Avancement de mes demandes et signalements"
    REMINDER = "reminder", "Rappels (rendez-vous, brouillons, pièces qui expirent)"
    BOOKING = "booking", "Réservations, inscriptions et places libérées"
    DOCUMENTS = "documents", "Pièces demandées"
    ALERTS = "alerts", "Alertes et actualités de mes abonnements"
    SURVEYS = "surveys", "Invitations à des questionnaires"
    STAFF = "staff", "Messages aux agents"


# Always sent, shown as such on the preferences page.
ALWAYS_SENT = {Category.LEGAL, Category.ACCOUNT}
# Not the resident's business to choose (agents' digests), never on the preferences page.
NOT_CHOSEN = {Category.STAFF}


class Preference(models.Model):
    """One switch per category × channel; absent means the default (`DEFAULTS`)."""

    class Channel(models.TextChoices):
        EMAIL = "email", "Courriel"
        SMS = "sms", "SMS"
        INAPP = "inapp", "Dans mon espace"

    DEFAULTS = {Channel.EMAIL: True, Channel.SMS: False, Channel.INAPP: True}

    user = models.ForeignKey("accounts.User", on_delete=models.CASCADE,
                             related_name="notification_preferences")
    category = models.CharField("catégorie", max_length=12, choices=Category.choices)
    channel = models.CharField("canal", max_length=6, choices=Channel.choices)
    enabled = models.BooleanField("activé", default=True)

    class Meta:
        verbose_name = "préférence de notification"
        constraints = [models.UniqueConstraint(fields=["user", "category", "channel"],
                                               name="one_preference_per_category_channel")]

    def __str__(self) -> str:
        return f"{self.user} {self.category}/{self.channel}: {self.enabled}"


class InAppItem(models.Model):
    """An entry of the resident's notification centre, written in the transaction of the event
    it tells about."""

    user = models.ForeignKey("accounts.User", on_delete=models.CASCADE,
                             related_name="notification_items")
    category = models.CharField("catégorie", max_length=12, choices=Category.choices)
    title = models.CharField("titre", max_length=250)
    body = models.TextField("texte", blank=True)
    url = models.CharField("lien", max_length=500, blank=True)
    legal = models.BooleanField("avis officiel", default=False)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField("lu le", null=True, blank=True)
    # Idempotence for fan-outs (a killed worker that runs again adds nothing): e.g. "news:12".
    dedupe_key = models.CharField(max_length=100, blank=True)

    class Meta:
        verbose_name = "notification dans l'espace"
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "-created_at"], name="inapp_user_recent"),
                   models.Index(fields=["user"], condition=models.Q(read_at__isnull=True),
                                name="inapp_user_unread")]
        constraints = [models.UniqueConstraint(
            fields=["user", "dedupe_key"], condition=~models.Q(dedupe_key=""),
            name="inapp_once_per_key")]

    def __str__(self) -> str:
        return self.title


# --- Outgoing webhooks ---------------------------------------------------------------------

class WebhookEvent(models.TextChoices):
    """What an endpoint may subscribe to; the value is the `type` of the payload."""

    CASE_CREATED = "case.created", "Demande enregistrée"
    CASE_UPDATED = "case.updated", "Demande modifiée (statut, service)"
    CASE_CLOSED = "case.closed", "Demande close"
    REPORT_CREATED = "report.created", "Signalement reçu"
    REPORT_RESOLVED = "report.resolved", "Signalement résolu"
    SUBMISSION_FILED = "submission.filed", "Dossier de démarche déposé"
    SUBMISSION_DECIDED = "submission.decided", "Décision sur un dossier de démarche"
    APPOINTMENT_BOOKED = "appointment.booked", "Rendez-vous pris"
    APPOINTMENT_CANCELLED = "appointment.cancelled", "Rendez-vous annulé"
    BOOKING_PAID = "booking.paid", "Réservation payée"


def new_webhook_secret() -> str:
    """A Standard Webhooks secret: `whsec_` and 32 random bytes in base64."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


class WebhookEndpoint(models.Model):
    """A URL of a collectivité's other software that hears about its events, signed with its
    own secret. Disabled by the worker after too many failures in a row."""

    organisation = models.ForeignKey("organisations.Organisation", verbose_name="collectivité",
                                     on_delete=models.CASCADE, related_name="webhook_endpoints")
    url = models.URLField("adresse (URL)", max_length=500)
    description = models.CharField("description", max_length=200, blank=True)
    # Kept in clear: the worker needs it to sign; shown once, when the endpoint is created.
    secret = models.CharField("secret", max_length=100, default=new_webhook_secret,
                              editable=False)
    events = models.JSONField("événements", default=list)
    is_active = models.BooleanField("actif", default=True)
    disabled_reason = models.CharField("motif de désactivation", max_length=300, blank=True)
    disabled_at = models.DateTimeField("désactivé le", null=True, blank=True)
    consecutive_failures = models.PositiveIntegerField("échecs consécutifs", default=0)
    created_by = models.ForeignKey("accounts.User", verbose_name="créé par", null=True,
                                   blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField("créé le", default=timezone.now)

    class Meta:
        verbose_name = "webhook"
        ordering = ["-is_active", "url", "pk"]
        indexes = [models.Index(fields=["organisation", "is_active"])]

    def __str__(self) -> str:
        return self.url

    def event_labels(self) -> list[str]:
        labels = dict(WebhookEvent.choices)
        return [labels.get(event, event) for event in self.events]


class WebhookDelivery(models.Model):
    """One event for one endpoint: written in the transaction of the event, sent by the worker
    under a lease (like `Notification`), retried with backoff, kept as the delivery log."""

    class Status(models.TextChoices):
        PENDING = "pending", "En attente"
        SUCCEEDED = "succeeded", "Livré"
        FAILED = "failed", "Refusé (sans nouvel essai)"
        ABANDONED = "abandoned", "Abandonné après trois jours"

    endpoint = models.ForeignKey(WebhookEndpoint, on_delete=models.CASCADE,
                                 related_name="deliveries")
    # The `webhook-id` header: the same on every attempt and for every endpoint of one event,
    # so that a receiver can drop a copy.
    event_id = models.CharField("identifiant", max_length=40)
    event_type = models.CharField("événement", max_length=30, choices=WebhookEvent.choices)
    payload = models.JSONField()
    status = models.CharField("état", max_length=10, choices=Status.choices,
                              default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField("essais", default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    # After this time a failed attempt is final (abandoned); a manual replay opens a new window.
    retry_until = models.DateTimeField(null=True, blank=True)
    # The lease, as for notifications: the worker owns the row until `claimed_until`.
    claimed_by = models.CharField(max_length=100, blank=True)
    claimed_until = models.DateTimeField(null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField("code HTTP", null=True, blank=True)
    last_response_ms = models.PositiveIntegerField("temps de réponse (ms)", null=True,
                                                   blank=True)
    last_error = models.TextField("dernière erreur", blank=True)
    created_at = models.DateTimeField("créé le", default=timezone.now)
    last_attempt_at = models.DateTimeField("dernier essai", null=True, blank=True)
    delivered_at = models.DateTimeField("livré le", null=True, blank=True)

    class Meta:
        verbose_name = "envoi de webhook"
        ordering = ["-created_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["endpoint", "event_id"],
                                               name="webhook_event_once_per_endpoint")]
        indexes = [
            # The due scan reads only pending rows.
            models.Index(fields=["next_attempt_at"], condition=models.Q(status="pending"),
                         name="webhook_delivery_due"),
            models.Index(fields=["endpoint", "-created_at"], name="webhook_delivery_log"),
        ]

    def __str__(self) -> str:
        return f"{self.event_type} {self.event_id} → {self.endpoint_id}"
