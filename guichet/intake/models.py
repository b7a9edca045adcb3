"""What came in by email or from social networks, and the answer templates."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class InboundEmail(models.Model):
    """Every message received, whatever became of it: the log that proves nothing was lost
    and that a message fetched twice is handled once."""

    class Outcome(models.TextChoices):
        CREATED = "created", "Demande créée"
        THREADED = "threaded", "Ajouté à une demande"
        AUTO = "auto", "Réponse automatique ou erreur d'envoi : ignoré"
        LOOP = "loop", "Message de Guichet lui-même : ignoré"
        TOO_BIG = "too_big", "Trop volumineux : refusé"
        NO_UNIT = "no_unit", "Adresse inconnue : refusé"
        DUPLICATE = "duplicate", "Déjà reçu"

    message_id = models.CharField(max_length=250, unique=True)
    sender = models.CharField("expéditeur", max_length=254, blank=True)
    recipients = models.TextField("destinataires", blank=True)
    subject = models.CharField("objet", max_length=250, blank=True)
    size = models.PositiveIntegerField(default=0)
    received_at = models.DateTimeField(default=timezone.now, db_index=True)
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    case = models.ForeignKey("cases.Case", null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="inbound_emails")

    class Meta:
        verbose_name = "courriel reçu"
        verbose_name_plural = "courriels reçus"

    def __str__(self) -> str:
        return f"{self.sender} — {self.subject}"


class SocialPost(models.Model):
    """A comment or private message from a social network, brought into a Case."""

    class Network(models.TextChoices):
        FACEBOOK = "facebook", "Facebook"
        INSTAGRAM = "instagram", "Instagram"
        X = "x", "X"
        MASTODON = "mastodon", "Mastodon"
        LINKEDIN = "linkedin", "LinkedIn"
        OTHER = "other", "Autre"

    case = models.OneToOneField("cases.Case", on_delete=models.CASCADE,
                                related_name="social_post")
    network = models.CharField("réseau", max_length=10, choices=Network.choices)
    handle = models.CharField("auteur (pseudonyme)", max_length=150)
    url = models.URLField("lien vers la publication", max_length=500, blank=True)
    is_private = models.BooleanField("message privé", default=False)
    posted_at = models.DateTimeField("publié le")

    class Meta:
        verbose_name = "message d'un réseau social"

    def __str__(self) -> str:
        return f"{self.get_network_display()} — {self.handle}"


class AnswerTemplate(models.Model):
    """A French answer with variables, per unit or shared by all (unit empty)."""

    VARIABLES = {"nom": "le nom de l'usager", "reference": "la référence",
                 "service": "le service", "echeance": "la date annoncée",
                 "agent": "votre nom"}

    unit = models.ForeignKey("organisations.Unit", verbose_name="service", null=True,
                             blank=True, on_delete=models.CASCADE, related_name="templates",
                             help_text="Vide : modèle commun à tous les services.")
    title = models.CharField("titre", max_length=150)
    body = models.TextField(
        "texte", help_text="Variables : {nom}, {reference}, {service}, {echeance}, {agent}.")
    usage_count = models.PositiveIntegerField("utilisations", default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = "modèle de réponse"
        verbose_name_plural = "modèles de réponse"
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


class RoutingModel(models.Model):
    """A trained unit classifier (scikit-learn pipeline, pickled), with its measured accuracy.
    Trained on this server from this territory's own history; nothing leaves the server."""

    trained_at = models.DateTimeField(default=timezone.now)
    samples = models.PositiveIntegerField()
    units = models.PositiveIntegerField()
    top1 = models.FloatField("exactitude (1er choix)")
    top3 = models.FloatField("exactitude (3 premiers)")
    seconds = models.FloatField("durée d'entraînement (s)")
    blob = models.BinaryField()

    class Meta:
        ordering = ["-trained_at"]

    def __str__(self) -> str:
        return f"{self.trained_at:%d/%m/%Y %H:%M} — {self.top1:.0%}"


class SavedFilter(models.Model):
    """An agent's named inbox filter, e.g. « mes demandes en retard en voirie »."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="saved_filters")
    name = models.CharField("nom", max_length=100)
    query = models.CharField(max_length=500)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["user", "name"],
                                               name="saved_filter_name_once")]

    def __str__(self) -> str:
        return self.name
