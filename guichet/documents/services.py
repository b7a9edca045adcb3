"""The vault's rules: a resident keeps documents for later procedures; agents verify them;
identity images are deleted once verified when the procedure asks it (CNIL)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from guichet.journal.models import Entry
from guichet.journal.services import journal_record
from guichet.lib.files import CheckedFile, random_name
from guichet.notifications.services import notification_queue

from .models import DOCUMENT_TYPES, Document


class VaultError(Exception):
    """A change refused by the rules; its message is French and shown to the user as is."""


@transaction.atomic
def document_add(*, owner, type: str, title: str, checked: CheckedFile,
                 valid_until: dt.date | None = None) -> Document:
    if type not in DOCUMENT_TYPES:
        raise VaultError("Choisissez un type de document de la liste.")
    document = Document(owner=owner, type=type, title=title[:200] or DOCUMENT_TYPES[type],
                        original_name=checked.original_name, content_type=checked.content_type,
                        size=checked.size, valid_until=valid_until)
    checked.upload.seek(0)
    document.file.save(random_name(checked.extension), checked.upload, save=False)
    document.save()
    return document


@transaction.atomic
def document_delete(*, document: Document, owner) -> None:
    if document.owner_id != owner.pk:
        raise VaultError("Ce document ne fait pas partie de votre coffre-fort.")
    if document.file:
        document.file.delete(save=False)
    document.delete()


@transaction.atomic
def document_verify(*, document: Document, agent, case=None, purge: bool = False) -> Document:
    """Mark a document verified (the caller checked the agent handles a case using it). An
    identity document's image is then deleted if asked, keeping who verified it and when."""
    now = timezone.now()
    document.verified_at, document.verified_by = now, agent
    fields = ["verified_at", "verified_by"]
    if purge and document.type == "identity" and document.file:
        document.file.delete(save=False)
        document.purged_at = now
        fields += ["file", "purged_at"]
    document.save(update_fields=fields)
    journal_record(actor=agent, action=Entry.Action.CASE_UPDATED, case=case,
                   person=document.owner, document_verified=document.pk,
                   purged=bool(document.purged_at))
    return document


def documents_remind_expiring(*, today: dt.date | None = None, days: int = 30) -> int:
    """Tell residents once when a vault document stops being valid within `days`."""
    today = today or timezone.localdate()
    soon = Document.objects.filter(valid_until__gte=today,
                                   valid_until__lte=today + dt.timedelta(days=days),
                                   expiry_reminded_at__isnull=True, purged_at__isnull=True
                                   ).select_related("owner")
    count = 0
    for document in soon:
        with transaction.atomic():
            notification_queue(template="vault_document_expiring", recipient=document.owner.email,
                               context={"document": document}, user=document.owner)
            Document.objects.filter(pk=document.pk).update(expiry_reminded_at=timezone.now())
            count += 1
    return count
