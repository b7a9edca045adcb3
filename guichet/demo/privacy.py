"""Demo retention rules for every kind of case in every collectivité, and, once two years of
history are loaded (`make demo`), one bordereau d'élimination of the intercommunalité's old
messages waiting for the archivist's visa."""

from __future__ import annotations

from guichet.privacy.models import Elimination, RetentionRule
from guichet.privacy.services import retention_run

from .territory import EPCI_SLUG, Territory

A, E = RetentionRule.Action.ANONYMISE, RetentionRule.Action.ELIMINATE
RULES = [
    ("contact", 36, A, "Délibération du conseil sur la gestion de la relation usager"),
    ("report", 24, A, "Délibération du conseil sur la gestion de la relation usager"),
    ("appointment", 12, A, "Recommandation CNIL (prise de rendez-vous)"),
    ("booking", 12, A, "Réservations ; les paiements restent 10 ans (CGCT)"),
    ("procedure", 60, E, "Tableau de gestion des archives (instruction DGP/SIAF/2014/006)"),
    ("privacy", 60, E, "Preuve de la réponse à l'exercice des droits"),
]
# The intercommunalité's own messages: 18 months, then proposed for elimination.
EPCI_CONTACT = (18, E, "Tableau de gestion des archives de la communauté de communes")


def privacy_load(territory: Territory) -> dict:
    created = 0
    if not RetentionRule.objects.filter(
            organisation__in=territory.organisations.values()).exists():
        for org in territory.organisations.values():
            for kind, months, action, basis in RULES:
                if org.slug == EPCI_SLUG and kind == "contact":
                    months, action, basis = EPCI_CONTACT
                RetentionRule.objects.create(organisation=org, kind=kind, months=months,
                                             action=action, basis=basis)
                created += 1
    counts = {"rules": created, "proposed": 0}
    if created and not Elimination.objects.exists():
        counts.update(retention_run())
    return counts
