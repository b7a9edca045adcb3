"""The resident's vault: documents given once, picked again in later procedures."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from guichet.cases.models import new_token

DOCUMENT_TYPES = {
    "identity": "Pièce d'identité",
    "proof_of_address": "Justificatif de domicile",
    "bank_details": "Relevé d'identité bancaire (RIB)",
    "statutes": "Statuts",
    "budget": "Budget prévisionnel",
    "insurance": "Attestation d'assurance",
    "family_record": "Livret de famille",
    "income": "Avis d'imposition",
    "plan": "Plan ou croquis",
    "other": "Autre document",
}


def document_path(instance: Document, filename: str) -> str:
    return f"vault/{instance.created_at:%Y/%m}/{filename}"


class Document(models.Model):
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="titulaire",
                              on_delete=models.CASCADE, related_name="vault_documents")
    type = models.CharField("type de document", max_length=30)
    title = models.CharField("intitulé", max_length=200)
    file = models.FileField(upload_to=document_path, max_length=200, blank=True)
    original_name = models.CharField("nom du fichier", max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField(default=0)
    valid_until = models.DateField("valable jusqu'au", null=True, blank=True)
    created_at = models.DateTimeField("ajouté le", default=timezone.now)
    verified_at = models.DateTimeField("vérifié le", null=True, blank=True)
    verified_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="vérifié par",
                                    null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    # Identity images are deleted once checked when the procedure asks it (CNIL); the fact
    # that the document was verified, by whom and when, is kept.
    purged_at = models.DateTimeField("image supprimée le", null=True, blank=True)
    expiry_reminded_at = models.DateTimeField(null=True, blank=True)
    key = models.CharField(max_length=64, unique=True, default=new_token, editable=False)

    class Meta:
        verbose_name = "document du coffre-fort"
        verbose_name_plural = "documents du coffre-fort"
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["owner", "type"]),
                   models.Index(fields=["valid_until"])]

    def __str__(self) -> str:
        return self.title

    @property
    def type_label(self) -> str:
        return DOCUMENT_TYPES.get(self.type, self.type)

    def is_valid_on(self, day) -> bool:
        return self.valid_until is None or self.valid_until >= day

    @property
    def is_available(self) -> bool:
        return bool(self.file) and self.purged_at is None
