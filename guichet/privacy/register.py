"""The register of processing activities (RGPD art. 30), generated from the configuration: one
entry per published procedure (its purpose, the fields it asks with the purpose given in the
builder, its instructing unit) and the processings every collectivité runs through Guichet
(messages, signalements, appointments, bookings and payments, subscriptions, surveys,
statistics, the audit journal, accounts).

Nothing here writes: the DPO reads it in the back-office (and exports it), residents read it on
the privacy page. Retention is asked of `retention_text()`: the collectivité's RetentionRule
when one is configured, else the default text."""

from __future__ import annotations

from dataclasses import dataclass, field

from guichet.accounts.models import Membership
from guichet.organisations.models import Organisation, Unit

# What is kept, by kind of processing, until a retention rule is configured for it.
DEFAULT_RETENTION = {
    "contact": "Un an après la clôture de la demande, puis anonymisation.",
    "report": "Un an après la clôture du signalement, puis anonymisation (le signalement "
              "anonyme reste publié).",
    "appointment": "Un an après la date du rendez-vous, puis anonymisation.",
    "booking": "Réservations : un an après l'événement ; paiements : dix ans (obligations "
               "comptables).",
    "procedure": "Durée d'utilité administrative de la démarche après la décision, puis "
                 "élimination avec le visa de l'archiviste (bordereau d'élimination) ou "
                 "versement aux archives.",
    "subscription": "Jusqu'au désabonnement (lien dans chaque envoi).",
    "survey": "Réponses conservées deux ans ; synthèses publiées anonymes.",
    "satisfaction": "Note et commentaire conservés avec la demande.",
    "statistics": "Agrégats anonymes conservés sans limite (aucune donnée d'identité).",
    "journal": "Cinq ans (traçabilité des accès).",
    "account": "Jusqu'à la suppression du compte par l'usager ; trois ans sans connexion.",
    "privacy": "Cinq ans après la réponse (preuve de la réponse à l'exercice des droits).",
}
LEGAL_PUBLIC_TASK = "Mission d'intérêt public (RGPD, art. 6-1-e)"
LEGAL_CONSENT = "Consentement (RGPD, art. 6-1-a)"
LEGAL_OBLIGATION = "Obligation légale (RGPD, art. 6-1-c)"
LEGAL_CONTRACT = "Exécution d'un contrat (RGPD, art. 6-1-b)"
LEGAL_INTEREST = "Intérêt légitime : sécurité du service (RGPD, art. 6-1-f)"


def retention_text(kind: str, *, procedure=None, organisation=None) -> str:
    """The retention said in the register for a kind of case (or a procedure): the configured
    retention rule when there is one, else the default text above."""
    rule = _retention_rule(kind, procedure=procedure, organisation=organisation)
    if rule:
        return rule
    if kind == "procedure" and procedure is not None:
        return (f"Brouillons : {procedure.draft_days} jours. Dossiers : "
                + DEFAULT_RETENTION["procedure"][0].lower() + DEFAULT_RETENTION["procedure"][1:])
    return DEFAULT_RETENTION.get(kind, "Durée nécessaire au traitement de la demande.")


def _retention_rule(kind: str, *, procedure=None, organisation=None) -> str:
    """The configured retention rule of the collectivité (the procedure's own, else the
    kind's), in words."""
    from .models import RetentionRule

    if organisation is None:
        return ""
    rules = RetentionRule.objects.filter(organisation=organisation, kind=kind)
    rule = ((rules.filter(procedure=procedure).first() if procedure is not None else None)
            or rules.filter(procedure__isnull=True).first())
    if rule is None:
        return ""
    text = f"{rule.months} mois après la clôture, puis {rule.get_action_display().lower()}"
    if rule.action == RetentionRule.Action.ELIMINATE:
        text += " (bordereau d'élimination visé par l'archiviste)"
    return text + (f". Fondement : {rule.basis}." if rule.basis else ".")


@dataclass
class DataItem:
    label: str
    purpose: str


@dataclass
class Processing:
    """One line of the register."""

    code: str
    name: str
    purpose: str
    legal_basis: str
    people: str
    data: list[DataItem]
    recipients: list[str]
    retention: str
    url: str = ""
    extra: list[str] = field(default_factory=list)

    @property
    def data_text(self) -> str:
        return " ; ".join(f"{d.label} ({d.purpose})" if d.purpose else d.label
                          for d in self.data)

    @property
    def recipients_text(self) -> str:
        return ", ".join(self.recipients) or "Les services compétents de la collectivité"


@dataclass
class Register:
    organisation: Organisation
    controller: str
    dpo: str
    processings: list[Processing]


IDENTITY = [DataItem("Nom et prénom", "vous identifier et vous répondre"),
            DataItem("Adresse électronique", "vous envoyer l'accusé d'enregistrement et les "
                                             "réponses")]
PHONE = DataItem("Téléphone (facultatif)", "vous rappeler si vous le souhaitez")
MESSAGE = DataItem("Message et pièces jointes", "traiter votre demande")


def dpo_contact(organisation: Organisation) -> str:
    """The DPO of the collectivité (or of its EPCI): the agent given the DPO role there, with
    the collectivité's address; else the contact given in its procedures; else its address."""
    orgs = [organisation.pk] + ([organisation.epci_id] if organisation.epci_id else [])
    dpo = (Membership.objects.filter(role=Membership.Role.DPO, unit__organisation_id__in=orgs)
           .select_related("user", "unit__organisation")
           .order_by("unit__organisation__kind").first())
    if dpo is not None:
        org = dpo.unit.organisation
        email = org.email or dpo.unit.email or dpo.user.email
        return f"{dpo.user.get_full_name() or 'Délégué'}, délégué à la protection des données " \
               f"({org.name}) — {email}"
    from guichet.procedures.models import Procedure

    contact = (Procedure.objects.filter(organisation=organisation).exclude(dpo_contact="")
               .order_by("-updated_at").values_list("dpo_contact", flat=True).first())
    if contact:
        return contact
    return f"Délégué à la protection des données — {organisation.email or organisation.name}"


def _unit_names(units) -> list[str]:
    return sorted({u.name for u in units})


def _recipients_by_kind(organisation: Organisation) -> dict[str, list[str]]:
    """The units that received each kind of case, from the statistics' aggregates (a small
    table: never a scan of the cases)."""
    from guichet.stats.models import DailyStat

    pairs = (DailyStat.objects.filter(organisation=organisation)
             .values_list("kind", "unit__name").distinct().order_by())
    found: dict[str, set[str]] = {}
    for kind, name in pairs:
        found.setdefault(kind, set()).add(name)
    return {kind: sorted(names) for kind, names in found.items()}


def register_for(organisation: Organisation) -> Register:
    """The register of one collectivité, from its configuration (a few queries, no scan)."""
    from guichet.appointments.models import Agenda
    from guichet.bookings.models import Event as BookingEvent
    from guichet.bookings.models import Facility
    from guichet.procedures.models import Procedure
    from guichet.surveys.models import Survey

    org = organisation
    received = _recipients_by_kind(org)
    units = list(Unit.objects.filter(organisation=org, is_active=True))
    contactable = [u for u in units if u.is_contactable]
    agendas = Agenda.objects.filter(unit__organisation=org, is_active=True).select_related("unit")
    facilities = Facility.objects.filter(organisation=org).select_related("unit")
    events = BookingEvent.objects.filter(organisation=org).select_related("unit")
    surveys = Survey.objects.filter(organisation=org).select_related("unit")
    everyone = "Usagers (habitants, associations, entreprises)"

    processings = [
        Processing(
            "contact", "Messages aux services et aux élus",
            "Recevoir, orienter et traiter les messages et demandes adressés aux services et "
            "aux élus, par tous les canaux (site, courriel, téléphone, accueil, réseaux "
            "sociaux).", LEGAL_PUBLIC_TASK, everyone, [*IDENTITY, PHONE, MESSAGE],
            _unit_names(contactable) or received.get("contact", []),
            retention_text("contact", organisation=org)),
        Processing(
            "report", "Signalements sur l'espace public",
            "Recevoir les signalements (voirie, propreté, éclairage…), les localiser, les "
            "traiter et en informer leurs auteurs.", LEGAL_PUBLIC_TASK, everyone,
            [*IDENTITY, DataItem("Localisation du problème", "intervenir au bon endroit"),
             DataItem("Description et photos", "comprendre et traiter le problème")],
            received.get("report", []), retention_text("report", organisation=org)),
        Processing(
            "appointment", "Prise de rendez-vous",
            "Réserver, rappeler et gérer les rendez-vous avec les services.",
            LEGAL_PUBLIC_TASK, everyone,
            [*IDENTITY, PHONE, DataItem("Motif du rendez-vous", "préparer le rendez-vous")],
            _unit_names(a.unit for a in agendas) or received.get("appointment", []),
            retention_text("appointment", organisation=org)),
        Processing(
            "booking", "Réservation de salles, inscriptions aux événements et paiements",
            "Réserver les équipements, inscrire aux événements, encaisser les paiements et en "
            "délivrer les reçus.", LEGAL_CONTRACT, everyone,
            [*IDENTITY, PHONE, DataItem("Paiements (montant, référence, date ; jamais le "
                                        "numéro de carte)", "encaisser et justifier")],
            _unit_names([*(f.unit for f in facilities), *(e.unit for e in events)])
            or received.get("booking", []), retention_text("booking", organisation=org)),
        Processing(
            "subscription", "Abonnements aux actualités et alertes",
            "Envoyer les actualités et les alertes (travaux, fermetures, urgences) choisies.",
            LEGAL_CONSENT, "Abonnés", [DataItem("Adresse électronique", "envoyer les "
                                                "actualités et alertes choisies"),
                                       DataItem("Thèmes et communes choisis", "n'envoyer que "
                                                "ce qui vous intéresse")],
            ["Service communication"], retention_text("subscription", organisation=org)),
        Processing(
            "survey", "Questionnaires et satisfaction",
            "Recueillir l'avis des usagers (questionnaires, satisfaction après une demande) "
            "pour améliorer les services.", LEGAL_CONSENT, "Répondants",
            [DataItem("Réponses", "mesurer la qualité du service"),
             DataItem("Note et commentaire de satisfaction", "suivre les insatisfactions")],
            _unit_names(s.unit for s in surveys) or ["Responsables des services"],
            retention_text("survey", organisation=org)),
        Processing(
            "privacy", "Exercice des droits sur les données personnelles",
            "Répondre aux demandes d'accès, de rectification, d'effacement et d'opposition "
            "dans le délai d'un mois.", LEGAL_OBLIGATION, "Usagers qui exercent leurs droits",
            [*IDENTITY, DataItem("Objet de la demande", "y répondre")],
            ["Délégué à la protection des données"], retention_text("privacy",
                                                                    organisation=org)),
        Processing(
            "statistics", "Statistiques de suivi de la qualité de service",
            "Mesurer les délais et les volumes pour piloter les services et publier les "
            "engagements (« Nos engagements »).", LEGAL_PUBLIC_TASK, "Aucune (agrégats "
            "anonymes)", [DataItem("Nombres et délais agrégés (aucune identité ; moins de 5 "
                                   "demandes masquées)", "piloter et publier")],
            ["Responsables des services", "Direction générale", "Élus"],
            retention_text("statistics", organisation=org)),
        Processing(
            "journal", "Journal des accès et des actions des agents",
            "Tracer qui a consulté ou modifié quoi, pour contrôler les accès aux données.",
            LEGAL_INTEREST, "Agents et usagers concernés",
            [DataItem("Agent, date, action, demande ou usager concerné", "contrôler les "
                      "accès")], ["Délégué à la protection des données"],
            retention_text("journal", organisation=org)),
        Processing(
            "account", "Compte usager",
            "Permettre de suivre ses demandes, de conserver ses documents et de ne pas "
            "ressaisir ses informations (« Dites-le-nous une fois »).", LEGAL_CONSENT,
            "Usagers ayant créé un compte",
            [*IDENTITY, PHONE, DataItem("Adresse postale (facultative)", "préremplir vos "
                                        "demandes"),
             DataItem("Documents du coffre-fort", "les réutiliser dans vos démarches")],
            ["Aucun destinataire (l'usager seul)"], retention_text("account",
                                                                   organisation=org)),
    ]
    procedures = (Procedure.objects.filter(organisation=org, current_version__isnull=False)
                  .select_related("unit", "current_version").order_by("title"))
    for procedure in procedures:
        processings.append(procedure_processing(procedure))
    return Register(organisation=org, controller=_controller(org), dpo=dpo_contact(org),
                    processings=processings)


def procedure_processing(procedure) -> Processing:
    """A procedure's entry: its purpose and the fields of its published version, each with the
    purpose the builder asked for."""
    from guichet.procedures.definition import all_fields
    from guichet.procedures.fields import DISPLAY_ONLY

    definition = procedure.current_version.definition if procedure.current_version_id \
        else procedure.definition
    data = list(IDENTITY)
    for item in all_fields(definition):
        if item.get("type") in DISPLAY_ONLY:
            continue
        data.append(DataItem(item.get("label") or item["key"], item.get("purpose", "")))
        for child in item.get("fields", []):
            data.append(DataItem(child.get("label") or child["key"], child.get("purpose", "")))
    for document in definition.get("documents", []):
        data.append(DataItem(f"Pièce : {document.get('label', document.get('type', ''))}",
                             "instruire le dossier"))
    if procedure.purge_identity_documents:
        extra = ["Images des pièces d'identité supprimées dès leur vérification."]
    else:
        extra = []
    return Processing(
        f"procedure-{procedure.slug}", f"Démarche « {procedure.title} »",
        procedure.processing_purpose, LEGAL_PUBLIC_TASK,
        dict(procedure.Audience.choices).get(procedure.audience, ""), data,
        [procedure.unit.name], retention_text("procedure", procedure=procedure,
                                              organisation=procedure.organisation),
        url=procedure.get_absolute_url(), extra=extra)


def _controller(org: Organisation) -> str:
    parts = [org.name, org.address.replace("\n", ", ") if org.address else "", org.email]
    return " — ".join(p for p in parts if p)


HEADER = ["Traitement", "Finalité", "Base légale", "Personnes concernées",
          "Données (et pourquoi)", "Destinataires", "Durée de conservation",
          "Délégué à la protection des données"]


def register_rows(register: Register):
    """The register as rows of cells for the spreadsheet writers, header first."""
    yield [f"Registre des traitements — {register.organisation.name}"]
    yield [f"Responsable du traitement : {register.controller}"]
    yield HEADER
    for p in register.processings:
        yield [p.name, p.purpose, p.legal_basis, p.people, p.data_text, p.recipients_text,
               " ".join([p.retention, *p.extra]), register.dpo]
