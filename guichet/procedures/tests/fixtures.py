"""A published procedure with conditions, a repeatable block and required documents."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfReader, PdfWriter

from guichet.lib.files import check_upload
from guichet.procedures.models import Procedure
from guichet.procedures.services import (
    procedure_publish,
    submission_attach,
    submission_save_page,
    submission_start,
    submission_submit,
)

CANTEEN = {
    "pages": [
        {"title": "Votre foyer", "fields": [
            {"key": "parent_name", "type": "text", "label": "Nom du responsable légal",
             "required": True, "purpose": "Identifier le responsable", "prefill": "last_name"},
            {"key": "phone", "type": "phone", "label": "Téléphone", "required": True,
             "purpose": "Vous joindre en cas d'urgence"},
            {"key": "allocataire", "type": "yesno", "label": "Êtes-vous allocataire CAF ?",
             "required": True, "purpose": "Appliquer le tarif"},
            {"key": "caf_number", "type": "text", "label": "Numéro d'allocataire",
             "required": True, "pattern": "[0-9]{7}", "pattern_message":
             "Le numéro d'allocataire compte 7 chiffres.", "purpose": "Calculer le tarif",
             "condition": {"field": "allocataire", "op": "eq", "value": "oui"}},
        ]},
        {"title": "Vos enfants", "fields": [
            {"key": "children", "type": "block", "label": "Enfants à inscrire",
             "item_label": "Enfant", "purpose": "Inscrire chaque enfant", "max_items": 6,
             "fields": [
                 {"key": "first_name", "type": "text", "label": "Prénom", "required": True,
                  "purpose": "Identifier l'enfant"},
                 {"key": "birth_date", "type": "date", "label": "Date de naissance",
                  "required": True, "min": "2010-01-01", "max": "2024-12-31",
                  "purpose": "Vérifier l'âge"},
             ]},
        ]},
        {"title": "Régime alimentaire", "condition": {"field": "allocataire", "op": "ne",
                                                       "value": "zzz"}, "fields": [
            {"key": "allergies", "type": "textarea", "label": "Allergies",
             "purpose": "Sécurité alimentaire"},
        ]},
    ],
    "documents": [
        {"key": "proof_of_address", "label": "Justificatif de domicile de moins de 3 mois",
         "type": "proof_of_address", "required": True, "formats": ["pdf", "jpg", "png"]},
        {"key": "caf_letter", "label": "Attestation CAF", "type": "income", "required": True,
         "condition": {"field": "allocataire", "op": "eq", "value": "oui"}},
    ],
}


def make_procedure(unit, *, definition=None, publisher=None, **fields) -> Procedure:
    values = {
        "title": "Inscription à la cantine scolaire", "slug": "cantine",
        "summary": "Inscrivez vos enfants à la cantine.", "terms": "Conditions d'utilisation.",
        "processing_purpose": "Inscription à la restauration scolaire.",
        "dpo_contact": "dpo@hayange.fr", "implicit": Procedure.Implicit.ACCEPT,
        **fields,
    }
    procedure = Procedure.objects.create(organisation=unit.organisation, unit=unit,
                                         definition=definition or CANTEEN, **values)
    if publisher is not None:
        procedure_publish(procedure=procedure, acting_user=publisher)
        procedure.refresh_from_db()
    return procedure


def pdf_upload(name="justificatif.pdf") -> SimpleUploadedFile:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="application/pdf")


def checked_pdf(name="justificatif.pdf"):
    return check_upload(pdf_upload(name))


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


@pytest.fixture
def procedure_admin(unit):
    from conftest import make_agent
    from guichet.accounts.models import Membership

    return make_agent("admin@hayange.fr", unit, Membership.Role.ADMIN, first_name="Agnès",
                      last_name="Weber")


@pytest.fixture
def canteen(unit, procedure_admin):
    return make_procedure(unit, publisher=procedure_admin)


ANSWERS = {
    "parent_name": "Durand", "phone": "03 87 12 34 56", "allocataire": "non",
    "children": [{"first_name": "Léo", "birth_date": "2018-05-04"}], "allergies": "",
}


def submitted(procedure, user):
    """A file sent by `user`: the first page answered, the proof of address attached."""
    submission = submission_start(procedure=procedure, user=user)
    submission_save_page(submission=submission, index=0, page_answers=ANSWERS, user=user)
    submission.refresh_from_db()
    submission_attach(submission=submission, slot="proof_of_address", checked=checked_pdf(),
                      user=user)
    return submission_submit(submission=submission, user=user)
