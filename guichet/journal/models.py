"""The audit journal: who did or saw what, kept apart from application logs.

It is the only place where personal data may be written in connection with an agent's action.
Rows are only ever added (there is no service that changes one)."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class Entry(models.Model):
    class Action(models.TextChoices):
        CASE_VIEWED = "case_viewed", "Consultation d'une demande"
        PERSON_VIEWED = "person_viewed", "Consultation d'une fiche usager"
        ATTACHMENT_VIEWED = "attachment_viewed", "Consultation d'une pièce jointe"
        CASE_CREATED = "case_created", "Demande enregistrée"
        CASE_REPLIED = "case_replied", "Réponse à l'usager"
        CASE_NOTED = "case_noted", "Note interne"
        CASE_ASSIGNED = "case_assigned", "Attribution"
        CASE_TRANSFERRED = "case_transferred", "Transfert"
        CASE_STATUS = "case_status", "Changement de statut"
        CASE_CLOSED = "case_closed", "Clôture"
        CASE_UPDATED = "case_updated", "Mise à jour"
        SETTINGS_CHANGED = "settings_changed", "Modification du paramétrage"
        JOURNAL_VIEWED = "journal_viewed", "Consultation du journal"
        PAYMENT_REFUSED = "payment_refused", "Notification de paiement refusée"
        SECOND_FACTOR_LOCKED = "second_factor_locked", "Double authentification bloquée"
        DATA_EXPORTED = "data_exported", "Export des données d'une personne"
        ACCOUNT_DELETED = "account_deleted", "Suppression d'un compte"
        CASE_ANONYMISED = "case_anonymised", "Anonymisation d'une demande"
        ELIMINATION_PROPOSED = "elimination_proposed", "Bordereau d'élimination proposé"
        ELIMINATION_DECIDED = "elimination_decided", "Visa d'un bordereau d'élimination"

    at = models.DateTimeField("date", default=timezone.now, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="auteur", null=True,
                              on_delete=models.SET_NULL, related_name="+")
    action = models.CharField("action", max_length=30, choices=Action.choices)
    case = models.ForeignKey("cases.Case", verbose_name="demande", null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="+")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="usager concerné",
                               null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+")
    details = models.JSONField("détails", default=dict, blank=True)

    class Meta:
        verbose_name = "entrée du journal"
        verbose_name_plural = "journal d'audit"
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["actor", "-at"]),
            models.Index(fields=["case", "-at"]),
            models.Index(fields=["person", "-at"]),
        ]

    def __str__(self) -> str:
        return f"{self.at:%d/%m/%Y %H:%M} {self.get_action_display()}"
