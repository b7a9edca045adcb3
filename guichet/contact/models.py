from django.db import models


class ContactRequest(models.Model):
    """What a contact case knows beyond the Case: the elected official written to, if any."""

    case = models.OneToOneField("cases.Case", on_delete=models.CASCADE, related_name="contact")
    official = models.ForeignKey("organisations.ElectedOfficial", null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+",
                                 verbose_name="élu destinataire")

    class Meta:
        verbose_name = "message de contact"
        verbose_name_plural = "messages de contact"

    def __str__(self) -> str:
        return f"Message de contact de la demande {self.case_id}"
