"""The demo's four online procedures, published through the real services, and files in every
state of their workflow, filed and instructed by the demo's residents and agents."""

from __future__ import annotations

import datetime as dt
import random

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from guichet.accounts.models import Membership
from guichet.documents.services import document_add
from guichet.lib.files import check_upload
from guichet.lib.pdf import render_pdf
from guichet.procedures.models import Procedure, Submission
from guichet.procedures.services import (
    procedure_publish,
    submission_attach,
    submission_decide,
    submission_pick_from_vault,
    submission_request_documents,
    submission_save_page,
    submission_start,
    submission_submit,
    submission_take,
)

from .territory import DEMO_RESIDENT, Territory

TERMS = ("Ce téléservice permet de déposer une demande en ligne. Le dépôt vaut demande au sens "
         "du code des relations entre le public et l'administration. L'usager s'engage à "
         "fournir des informations exactes ; toute fausse déclaration l'expose aux sanctions "
         "prévues par la loi. Les échanges ont lieu par courriel et dans l'espace « Mes "
         "demandes », sauf si l'usager demande un courrier.")
DPO = "Jean-Luc Becker, délégué à la protection des données — dpo@trois-vallees.example"


SUBSIDY = {
    "pages": [
        {"title": "L'association", "fields": [
            {"key": "association", "type": "text", "label": "Nom de l'association",
             "required": True, "purpose": "Identifier le demandeur"},
            {"key": "rna", "type": "rna", "label": "Numéro RNA", "required": True,
             "help": "Il figure sur le récépissé de déclaration en préfecture (W suivi de 9 "
                     "caractères).", "purpose": "Vérifier l'existence légale de l'association"},
            {"key": "siret", "type": "siret", "label": "Numéro SIRET",
             "help": "Facultatif si l'association n'emploie personne.",
             "purpose": "Verser la subvention"},
            {"key": "president", "type": "text", "label": "Nom du président ou de la présidente",
             "required": True, "purpose": "Connaître le représentant légal"},
            {"key": "email", "type": "email", "label": "Courriel de l'association",
             "required": True, "prefill": "email", "purpose": "Vous répondre"},
        ]},
        {"title": "Le projet et son budget", "fields": [
            {"key": "project", "type": "textarea", "label": "Projet ou activité financé",
             "required": True, "purpose": "Instruire la demande"},
            {"key": "explanation", "type": "explanation",
             "label": "Indiquez une ligne par poste de dépense du budget prévisionnel."},
            {"key": "budget", "type": "block", "label": "Budget prévisionnel",
             "item_label": "Poste de dépense", "max_items": 12,
             "purpose": "Apprécier le besoin de financement", "fields": [
                 {"key": "item", "type": "text", "label": "Poste", "required": True,
                  "purpose": "Budget"},
                 {"key": "amount", "type": "decimal", "label": "Montant (€)", "required": True,
                  "min": "0", "purpose": "Budget"}]},
            {"key": "amount", "type": "decimal", "label": "Montant demandé (€)",
             "required": True, "min": "1", "max": "50000", "purpose": "Instruire la demande"},
            {"key": "iban", "type": "iban", "label": "IBAN du compte de l'association",
             "required": True, "purpose": "Verser la subvention"},
        ]},
    ],
    "documents": [
        {"key": "statutes", "label": "Statuts à jour", "type": "statutes", "required": True,
         "formats": ["pdf"]},
        {"key": "rib", "label": "Relevé d'identité bancaire", "type": "bank_details",
         "required": True},
        {"key": "budget_file", "label": "Budget prévisionnel signé", "type": "budget",
         "required": False},
    ],
    "workflow": {"states": [{"key": "commission", "label": "Avis de la commission",
                             "roles": ["reception", "agent", "manager", "admin"]}],
                 "review": ["reception", "agent", "manager", "admin"],
                 "request_documents": ["reception", "agent", "manager", "admin"],
                 "resume": ["reception", "agent", "manager", "admin"],
                 "accept": ["manager", "admin"], "reject": ["manager", "admin"],
                 "close": ["manager", "admin"]},
    "annotations": [{"key": "commission", "label": "Avis de la commission"},
                    {"key": "montant_propose", "label": "Montant proposé"}],
}

CIVIL_STATUS = {
    "pages": [{"title": "L'acte demandé", "fields": [
        {"key": "act", "type": "choice", "label": "Acte demandé", "required": True,
         "choices": ["Acte de naissance", "Acte de mariage", "Acte de décès"],
         "purpose": "Savoir quel acte délivrer"},
        {"key": "form", "type": "choice", "label": "Forme", "required": True, "widget": "select",
         "choices": ["Copie intégrale", "Extrait avec filiation", "Extrait sans filiation"],
         "purpose": "Savoir quel document délivrer"},
        {"key": "holder", "type": "text", "label": "Nom et prénoms de la personne concernée",
         "required": True, "purpose": "Retrouver l'acte"},
        {"key": "event_date", "type": "date", "label": "Date de l'événement", "required": True,
         "max": "2026-12-31", "purpose": "Retrouver l'acte"},
        {"key": "relationship", "type": "choice", "label": "Vous êtes",
         "choices": ["La personne concernée", "Son parent", "Son enfant", "Son conjoint",
                     "Autre"], "required": True,
         "purpose": "Vérifier le droit d'obtenir une copie intégrale",
         "condition": {"field": "form", "op": "ne", "value": "Extrait sans filiation"}},
        {"key": "address", "type": "address", "label": "Adresse d'envoi", "required": True,
         "prefill": "address", "purpose": "Envoyer l'acte"},
    ]}],
    "documents": [],  # no identity document: the law does not ask for one (minimisation)
}

OCCUPATION = {
    "pages": [
        {"title": "Le demandeur", "fields": [
            {"key": "company", "type": "text", "label": "Entreprise ou nom du demandeur",
             "required": True, "purpose": "Identifier le titulaire de l'autorisation"},
            {"key": "siret", "type": "siret", "label": "SIRET (entreprises)",
             "purpose": "Identifier l'entreprise"},
            {"key": "phone", "type": "phone", "label": "Téléphone", "required": True,
             "prefill": "phone", "purpose": "Vous joindre le jour de l'occupation"},
        ]},
        {"title": "L'occupation", "fields": [
            {"key": "kind", "type": "choice", "label": "Nature de l'occupation",
             "required": True, "choices": ["Terrasse", "Échafaudage", "Benne", "Déménagement",
                                           "Autre"], "purpose": "Instruire la demande"},
            {"key": "other", "type": "text", "label": "Précisez", "required": True,
             "condition": {"field": "kind", "op": "eq", "value": "Autre"},
             "purpose": "Instruire la demande"},
            {"key": "place", "type": "address", "label": "Adresse de l'occupation",
             "required": True, "purpose": "Localiser l'emprise"},
            {"key": "starts", "type": "date", "label": "Premier jour", "required": True,
             "min": "2026-01-01", "purpose": "Fixer la durée"},
            {"key": "days", "type": "integer", "label": "Durée (jours)", "required": True,
             "min": 1, "max": 365, "purpose": "Calculer la redevance"},
            {"key": "area", "type": "decimal", "label": "Surface occupée (m²)", "required": True,
             "min": "0.5", "max": "500", "purpose": "Calculer la redevance"},
        ]},
    ],
    "documents": [
        {"key": "plan", "label": "Plan de l'emprise", "type": "plan", "required": True,
         "help": "Un croquis coté suffit."},
        {"key": "insurance", "label": "Attestation d'assurance responsabilité civile",
         "type": "insurance", "required": True},
    ],
}

CANTEEN = {
    "pages": [
        {"title": "Le responsable légal", "fields": [
            {"key": "parent_last_name", "type": "text", "label": "Nom", "required": True,
             "prefill": "last_name", "purpose": "Identifier le responsable légal"},
            {"key": "parent_first_name", "type": "text", "label": "Prénom", "required": True,
             "prefill": "first_name", "purpose": "Identifier le responsable légal"},
            {"key": "phone", "type": "phone", "label": "Téléphone", "required": True,
             "prefill": "phone", "purpose": "Vous joindre en cas d'urgence"},
            {"key": "qf_known", "type": "yesno", "label": "Connaissez-vous votre quotient "
             "familial CAF ?", "required": True, "purpose": "Appliquer le tarif"},
            {"key": "qf", "type": "integer", "label": "Quotient familial", "required": True,
             "min": 0, "max": 5000, "purpose": "Appliquer le tarif",
             "condition": {"field": "qf_known", "op": "eq", "value": "oui"}},
        ]},
        {"title": "Les enfants", "fields": [
            {"key": "children", "type": "block", "label": "Enfants à inscrire",
             "item_label": "Enfant", "max_items": 6, "purpose": "Inscrire chaque enfant",
             "fields": [
                 {"key": "first_name", "type": "text", "label": "Prénom", "required": True,
                  "purpose": "Identifier l'enfant"},
                 {"key": "birth_date", "type": "date", "label": "Date de naissance",
                  "required": True, "min": "2010-01-01", "max": "2024-12-31",
                  "purpose": "Vérifier l'âge"},
                 {"key": "school", "type": "choice", "label": "École", "required": True,
                  "widget": "select", "choices": ["École Jean-Moulin", "École des Tilleuls"],
                  "purpose": "Organiser le service"},
                 {"key": "days", "type": "multichoice", "label": "Jours de cantine",
                  "required": True, "choices": ["Lundi", "Mardi", "Jeudi", "Vendredi"],
                  "purpose": "Commander les repas"},
                 {"key": "pai", "type": "yesno", "label": "Allergie ou PAI ?",
                  "required": True, "purpose": "Sécurité alimentaire"}]},
        ]},
    ],
    "documents": [
        {"key": "proof_of_address", "label": "Justificatif de domicile de moins de 3 mois",
         "type": "proof_of_address", "required": True},
        {"key": "caf", "label": "Attestation de quotient familial", "type": "income",
         "required": True, "condition": {"field": "qf_known", "op": "eq", "value": "oui"}},
    ],
}

DECISION = (
    "Objet : {demarche} — dossier {reference}\n\n{demandeur},\n\n"
    "Par votre demande déposée le {date_depot}, vous avez sollicité : {demarche}.\n\n"
    "Décision : {decision}.\n{motif}\n\n"
    "Fait à Montfleury-sur-Orne, le {date_decision}.\nPour le maire, {agent}, {service}."
)

SPECS = [
    ("montfleury-sur-orne", "accueil", "Demande de subvention d'une association",
     "subvention-association", SUBSIDY, Procedure.Audience.ASSOCIATION,
     {"implicit": Procedure.Implicit.REJECT, "summary": (
         "Les associations de Montfleury-sur-Orne demandent ici une subvention de "
         "fonctionnement ou de projet. Préparez vos statuts, votre RIB et votre budget "
         "prévisionnel. Le silence gardé pendant deux mois vaut rejet (demande financière).")}),
    ("montfleury-sur-orne", "etat-civil", "Demande d'acte d'état civil", "acte-etat-civil",
     CIVIL_STATUS, Procedure.Audience.INDIVIDUAL,
     {"identification_required": False, "owes_acknowledgement": False, "summary": (
         "Copie ou extrait d'acte de naissance, de mariage ou de décès enregistré à "
         "Montfleury-sur-Orne, envoyé par courrier. Aucune pièce d'identité n'est demandée ; "
         "un compte n'est pas nécessaire.")}),
    ("montfleury-sur-orne", "voirie", "Occupation temporaire du domaine public",
     "occupation-domaine-public", OCCUPATION, Procedure.Audience.BUSINESS,
     {"implicit": Procedure.Implicit.ACCEPT, "summary": (
         "Terrasse, échafaudage, benne ou déménagement sur la voie publique. Déposez la "
         "demande au moins 15 jours avant. Sans réponse dans les deux mois suivant un dossier "
         "complet, l'autorisation est réputée accordée.")}),
    ("montfleury-sur-orne", "enfance-jeunesse", "Inscription à la cantine scolaire",
     "cantine-scolaire", CANTEEN, Procedure.Audience.INDIVIDUAL,
     {"summary": (
         "Inscrivez vos enfants à la restauration scolaire pour l'année. Un bloc par enfant ; "
         "votre justificatif de domicile peut venir de votre coffre-fort.")}),
]


def pdf_file(title: str) -> SimpleUploadedFile:
    """A one-page piece standing for what a resident would have scanned."""
    return SimpleUploadedFile(f"{title[:30]}.pdf", render_pdf("pdf/piece.html", {}, title=title),
                              content_type="application/pdf")


def procedures_load(territory: Territory) -> list[Procedure]:
    items = []
    for org_slug, unit_slug, title, slug, definition, audience, extra in SPECS:
        unit = territory.units[(org_slug, unit_slug)]
        procedure, created = Procedure.objects.get_or_create(
            organisation=unit.organisation, slug=slug, defaults={
                "unit": unit, "title": title, "definition": definition, "audience": audience,
                "terms": TERMS, "dpo_contact": DPO, "decision_template": DECISION,
                "processing_purpose": f"Instruction de la démarche « {title} » par le service "
                                      f"{unit.name}. Données conservées 5 ans.", **extra})
        if created:
            procedure_publish(procedure=procedure, acting_user=territory.admin)
            procedure.refresh_from_db()
        items.append(procedure)
    return items


def _answers(slug: str, resident, rng: random.Random) -> dict:
    last, first = resident.last_name, resident.first_name
    if slug == "subvention-association":
        return {"association": rng.choice(["Club de pétanque", "Amicale des donneurs de sang",
                                           "Harmonie municipale", "Les Jardins partagés"]),
                "rna": f"W57{rng.randint(1000000, 9999999)}", "siret": "",
                "president": f"{first} {last}", "email": resident.email,
                "project": "Fonctionnement de la saison et achat de matériel.",
                "budget": [{"item": "Matériel", "amount": "1200.00"},
                           {"item": "Assurance", "amount": "350.00"}],
                "amount": str(rng.choice([500, 800, 1500])) + ".00",
                "iban": "FR7630006000011234567890189"}
    if slug == "acte-etat-civil":
        return {"act": "Acte de naissance", "form": "Copie intégrale",
                "holder": f"{last} {first}", "event_date": "1985-03-12",
                "relationship": "La personne concernée",
                "address": f"{rng.randint(1, 40)} rue de la Gare, 57120 Montfleury-sur-Orne"}
    if slug == "occupation-domaine-public":
        return {"company": f"{last} Rénovation", "siret": "73282932000074",
                "phone": "03 87 12 34 56", "kind": rng.choice(["Échafaudage", "Benne"]),
                "place": f"{rng.randint(1, 60)} Grand-Rue, Montfleury-sur-Orne",
                "starts": (timezone.localdate() + dt.timedelta(days=20)).isoformat(),
                "days": rng.randint(2, 20), "area": "12.50"}
    return {"parent_last_name": last, "parent_first_name": first, "phone": "06 12 34 56 78",
            "qf_known": "non", "children": [
                {"first_name": rng.choice(["Léo", "Emma", "Nina", "Hugo"]),
                 "birth_date": "2018-05-04", "school": "École Jean-Moulin",
                 "days": ["Lundi", "Mardi", "Jeudi"], "pai": "non"}]}


def _file(procedure: Procedure, resident, rng: random.Random) -> Submission:
    submission = submission_start(procedure=procedure, user=resident)
    answers = _answers(procedure.slug, resident, rng)
    submission_save_page(submission=submission, index=0, page_answers=answers, user=resident)
    submission.refresh_from_db()
    for doc in procedure.current_version.definition.get("documents", []):
        if doc.get("required") and not doc.get("condition"):
            submission_attach(submission=submission, slot=doc["key"],
                              checked=check_upload(pdf_file(doc["label"])), user=resident)
    return submission


def submissions_load(territory: Territory, procedures: list[Procedure], seed: int = 33) -> int:
    """Once: for each procedure, files in every state, plus the demo resident's vault."""
    if Submission.objects.filter(procedure__in=procedures).exists():
        return 0
    rng = random.Random(seed)
    residents = [r for r in territory.residents if r.email.split("@")[0] != DEMO_RESIDENT]
    demo = next(r for r in territory.residents if r.email.split("@")[0] == DEMO_RESIDENT)
    proof = document_add(owner=demo, type="proof_of_address", title="Facture d'électricité",
                         checked=check_upload(pdf_file("Facture d'électricité")),
                         valid_until=timezone.localdate() + dt.timedelta(days=75))
    count = 0
    for procedure in procedures:
        unit = procedure.unit
        agent = next((u for u in territory.handlers(unit)
                      if any(m.role in (Membership.Role.AGENT, Membership.Role.RECEPTION)
                             for m in u._demo_memberships)), territory.admin)
        decider = territory.manager(unit) or territory.admin
        plan = ["draft", "submitted", "submitted", "review", "waiting_documents", "accepted",
                "rejected", "without_follow_up"]
        plan += [f"x_{extra['key']}" for extra in
                 procedure.current_version.definition.get("workflow", {}).get("states", [])]
        for index, state in enumerate(plan):
            resident = residents[(count * 7 + index) % len(residents)]
            submission = _file(procedure, resident, rng)
            if procedure.slug == "cantine-scolaire" and index == 1:
                # The demo resident's own file, with the proof of address from her vault.
                submission.delete()
                submission = submission_start(procedure=procedure, user=demo)
                submission_save_page(submission=submission, index=0, user=demo,
                                     page_answers=_answers(procedure.slug, demo, rng))
                submission.refresh_from_db()
                submission_pick_from_vault(submission=submission, slot="proof_of_address",
                                           document=proof, user=demo)
            count += 1
            if state == "draft":
                continue
            submission = submission_submit(submission=submission, user=submission.user)
            if state == "submitted":
                continue
            submission_take(submission=submission, agent=agent, code="review")
            if state == "waiting_documents":
                submission_request_documents(
                    submission=submission, agent=agent, documents=["Pièce complémentaire"],
                    due_on=timezone.localdate() + dt.timedelta(days=15),
                    message="Il manque une pièce à votre dossier.")
            elif state.startswith("x_"):
                submission_take(submission=submission, agent=agent, code=f"to_{state[2:]}")
            elif state in ("accepted", "rejected", "without_follow_up"):
                code = {"accepted": "accept", "rejected": "reject",
                        "without_follow_up": "close"}[state]
                submission_decide(submission=submission, agent=decider, code=code,
                                  reason="" if code == "accept" else
                                  "Le dossier ne remplit pas les conditions d'attribution.")
    return count


