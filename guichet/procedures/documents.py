"""The PDFs a procedure produces: the acknowledgement of receipt that CRPA R112-11-1 describes,
the decision from the procedure's template, and the attestation of an implicit acceptance.

Templates are plain text with `{variable}` placeholders replaced from a fixed list: an
administrator's template cannot reach attributes, read files or run code."""

from __future__ import annotations

import re

from django.conf import settings
from django.utils import timezone
from django.utils.formats import date_format
from fpdf import FPDF

from guichet.lib.pdf import _line, _text, _when, label_rows

from . import definition as definitions
from .fields import display

PLACEHOLDER = re.compile(r"\{([a-z_]+)(?::([a-z][a-z0-9_]*))?\}")


def render_template(template: str, values: dict[str, str], answers: dict, fields: dict) -> str:
    """Replace known placeholders; unknown ones stay as typed so that the author sees them."""
    def replace(match):
        name, key = match.group(1), match.group(2)
        if name == "champ" and key:
            field = fields.get(key)
            return display(field, answers.get(key)) if field else match.group(0)
        return values.get(name, match.group(0))
    return PLACEHOLDER.sub(replace, template)


def _day(value) -> str:
    return date_format(value, "j F Y")


def _document(title: str, organisation) -> FPDF:
    pdf = FPDF(format="A4")
    pdf.set_title(_text(title))
    pdf.set_author(_text(organisation.name))
    pdf.set_lang("fr")
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 15)
    _line(pdf, 8, _text(organisation.name))
    pdf.set_font("Helvetica", "", 10)
    if organisation.address:
        _line(pdf, 5, _text(" ".join(organisation.address.split())))
    pdf.ln(6)
    pdf.set_font("Helvetica", "B", 14)
    _line(pdf, 8, _text(title))
    pdf.ln(2)
    return pdf


def acknowledgement_lines(submission) -> list[tuple[str, str]]:
    """What the acknowledgement says, in order; the tests check each R112-11-1 item here and
    in the PDF's text."""
    procedure, case = submission.procedure, submission.case
    unit = case.unit
    rows = [
        ("Référence du dossier", case.reference),
        ("Démarche", procedure.title),
        ("Date de réception", _when(submission.submitted_at)),
        ("Service chargé du dossier", unit.name),
    ]
    if unit.address.strip():
        rows.append(("Adresse postale du service", " ".join(unit.address.split())))
    if unit.email:
        rows.append(("Adresse électronique du service", unit.email))
    rows.append(("Téléphone du service", unit.phone))
    if procedure.implicit == procedure.Implicit.ACCEPT:
        rows.append(("Décision implicite", (
            f"Sans réponse de l'administration dans un délai de {procedure.implicit_delay_months}"
            f" mois, votre demande sera réputée acceptée (silence vaut acceptation). Si votre "
            f"dossier est complet, cette décision interviendra le "
            f"{_day(submission.implicit_due_on)}.")))
        rows.append(("Attestation", (
            "Vous pourrez alors demander une attestation de décision implicite d'acceptation "
            "(article L232-3 du CRPA) ; elle sera téléchargeable depuis votre espace.")))
    elif procedure.implicit == procedure.Implicit.REJECT:
        rows.append(("Décision implicite", (
            f"Sans réponse de l'administration dans un délai de {procedure.implicit_delay_months}"
            f" mois, votre demande sera réputée rejetée (silence vaut rejet). Si votre dossier "
            f"est complet, cette décision interviendra le {_day(submission.implicit_due_on)}.")))
        rows.append(("Voies et délais de recours", procedure.appeal_routes))
    else:
        rows.append(("Décision", "Votre demande fera l'objet d'une décision expresse ; le "
                                 "silence gardé par l'administration ne vaut pas décision."))
    rows.append(("Si votre dossier est incomplet", (
        "Le service vous indiquera les pièces manquantes et le délai pour les fournir ; le délai "
        "de décision ne court qu'à réception de ces pièces (article L114-5 du CRPA).")))
    return rows


def acknowledgement_pdf(submission) -> bytes:
    case = submission.case
    pdf = _document("Accusé de réception de votre demande", case.organisation)
    _line(pdf, 5.5, _text(f"Demandeur : {case.requester_name}"))
    pdf.ln(2)
    label_rows(pdf, acknowledgement_lines(submission), size=10, height=5.5)
    pdf.ln(2)
    _line(pdf, 5.5, _text(
        f"Suivez votre dossier : {settings.SITE_URL}{case.get_absolute_url()}"))
    pdf.ln(1)
    pdf.set_font("Helvetica", "I", 8)
    _line(pdf, 4.5, _text("Accusé de réception délivré en application des articles L112-11 et "
                          "R112-11-1 du code des relations entre le public et l'administration."))
    return bytes(pdf.output())


def decision_values(submission, *, decision: str, reason: str, agent) -> dict[str, str]:
    case = submission.case
    return {
        "reference": case.reference, "demandeur": case.requester_name,
        "demarche": submission.procedure.title, "date_depot": _day(submission.submitted_at),
        "date_decision": _day(timezone.localdate()), "service": case.unit.name,
        "collectivite": case.organisation.name, "decision": decision, "motif": reason,
        "agent": agent.get_full_name() if agent else "",
    }


DEFAULT_DECISION = (
    "Objet : {demarche} — dossier {reference}\n\n"
    "Madame, Monsieur {demandeur},\n\n"
    "Par votre demande déposée le {date_depot}, vous avez sollicité : {demarche}.\n\n"
    "Décision : {decision}.\n\n{motif}\n\n"
    "Fait le {date_decision}, pour {collectivite}, {service}.\n{agent}"
)


def decision_pdf(submission, *, decision: str, reason: str, agent) -> bytes:
    fields = {f["key"]: f for f in definitions.all_fields(submission.definition)}
    text = render_template(submission.procedure.decision_template or DEFAULT_DECISION,
                           decision_values(submission, decision=decision, reason=reason,
                                           agent=agent),
                           submission.answers, fields)
    pdf = _document(f"Décision — {submission.procedure.title}", submission.case.organisation)
    pdf.set_font("Helvetica", "", 11)
    for paragraph in text.split("\n"):
        _line(pdf, 6, _text(paragraph) or " ")
    return bytes(pdf.output())


def implicit_attestation_pdf(submission) -> bytes:
    case = submission.case
    pdf = _document("Attestation de décision implicite d'acceptation", case.organisation)
    pdf.set_font("Helvetica", "", 11)
    _line(pdf, 6, _text(
        f"{case.organisation.name} atteste que la demande « {submission.procedure.title} » "
        f"(dossier {case.reference}) déposée par {case.requester_name} le "
        f"{_day(submission.submitted_at)} a fait naître une décision implicite d'acceptation "
        f"le {_day(submission.implicit_due_on)}, faute de réponse de l'administration dans le "
        f"délai de {submission.procedure.implicit_delay_months} mois."))
    pdf.ln(3)
    _line(pdf, 6, _text("Attestation délivrée en application de l'article L232-3 du code des "
                        "relations entre le public et l'administration."))
    pdf.ln(3)
    _line(pdf, 6, _text(f"Service : {case.unit.name} — {case.unit.phone}"))
    return bytes(pdf.output())
