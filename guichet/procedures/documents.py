"""The PDFs a procedure produces: the acknowledgement of receipt that CRPA R112-11-1 describes,
the decision from the procedure's template, and the attestation of an implicit acceptance.

Templates are plain text with `{variable}` placeholders replaced from a fixed list: an
administrator's template cannot reach attributes, read files or run code."""

from __future__ import annotations

import re

from django.utils import timezone

from guichet.lib.pdf import day, render_pdf, when
from guichet.lib.urls import absolute_url

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


def acknowledgement_lines(submission) -> list[tuple[str, str]]:
    """What the acknowledgement says, in order; the tests check each R112-11-1 item here and
    in the PDF's text."""
    procedure, case = submission.procedure, submission.case
    unit = case.unit
    rows = [
        ("Référence du dossier", case.reference),
        ("Démarche", procedure.title),
        ("Date de réception", when(submission.submitted_at)),
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
            f"{day(submission.implicit_due_on)}.")))
        rows.append(("Attestation", (
            "Vous pourrez alors demander une attestation de décision implicite d'acceptation "
            "(article L232-3 du CRPA) ; elle sera téléchargeable depuis votre espace.")))
    elif procedure.implicit == procedure.Implicit.REJECT:
        rows.append(("Décision implicite", (
            f"Sans réponse de l'administration dans un délai de {procedure.implicit_delay_months}"
            f" mois, votre demande sera réputée rejetée (silence vaut rejet). Si votre dossier "
            f"est complet, cette décision interviendra le {day(submission.implicit_due_on)}.")))
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
    return render_pdf("pdf/acknowledgement.html", {
        "organisation": case.organisation, "case": case,
        "rows": acknowledgement_lines(submission),
        "follow_url": absolute_url(case.get_absolute_url()),
    }, title="Accusé de réception de votre demande", author=case.organisation.name)


def decision_values(submission, *, decision: str, reason: str, agent) -> dict[str, str]:
    case = submission.case
    return {
        "reference": case.reference, "demandeur": case.requester_name,
        "demarche": submission.procedure.title, "date_depot": day(submission.submitted_at),
        "date_decision": day(timezone.localdate()), "service": case.unit.name,
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
    organisation = submission.case.organisation
    return render_pdf("pdf/decision.html", {"organisation": organisation, "text": text},
                      title=f"Décision — {submission.procedure.title}", author=organisation.name)


def implicit_attestation_pdf(submission) -> bytes:
    case = submission.case
    return render_pdf("pdf/implicit_attestation.html", {
        "organisation": case.organisation, "case": case, "submission": submission,
        "submitted_on": day(submission.submitted_at),
        "decided_on": day(submission.implicit_due_on),
    }, title="Attestation de décision implicite d'acceptation", author=case.organisation.name)
