"""The portal's search box: what a resident can do here, found by the words they type.

It searches the catalogue, not the requests: the portal's sections, the contactable units,
elected officials and collectivités, the open procedures, the report categories (with their
keywords), the appointment motifs offered online, the facilities and the upcoming events —
each with the same filter as its own page, so a result always leads to a page that exists.

A catalogue holds hundreds of rows, not millions: it is read in one query per kind and matched
in Python, which ignores accents, case, apostrophes and hyphens, and a final plural « s » or
« x », in the same way on SQLite and PostgreSQL. Every significant word must match the start
of a word of the result; when no result has them all, those that have some are offered
(and said to be). Titles weigh more than descriptions. Each group shows at most GROUP_SIZE
results with its total."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

MAX_QUERY = 200
MAX_WORDS = 8
GROUP_SIZE = 8
TITLE_WEIGHT = 3

# Words that say nothing about what is searched (after accents are removed).
STOP_WORDS = frozenset(
    "a au aux avec ce ces d de des du en et je j l la le les ma mes mon ou par pour sa ses son "
    "sur ta tes ton un une vos votre nos notre qu que qui y faire comment".split())


def normalise(text: str) -> str:
    """Lower case, no accents, ligatures spelt out, words separated by single spaces."""
    text = unicodedata.normalize("NFKD", (text or "").casefold())
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = text.replace("œ", "oe").replace("æ", "ae")
    return " ".join(re.split(r"[\W_]+", text)).strip()


def query_words(query: str) -> list[str]:
    """The words that must be found: significant ones, singular, at most MAX_WORDS."""
    words = normalise(query[:MAX_QUERY]).split()
    significant = [w for w in words if w not in STOP_WORDS] or words
    singular = [w[:-1] if len(w) > 3 and w[-1] in "sx" else w for w in significant]
    return list(dict.fromkeys(singular))[:MAX_WORDS]


@dataclass
class Hit:
    title: str
    url: str
    context: str = ""
    description: str = ""
    score: int = 0


@dataclass
class Group:
    key: str
    title: str
    hits: list[Hit] = field(default_factory=list)
    total: int = 0

    @property
    def more(self) -> int:
        return self.total - len(self.hits)


@dataclass
class Results:
    query: str
    groups: list[Group]
    partial: bool = False  # no result had every word: these have some of them

    @property
    def total(self) -> int:
        return sum(group.total for group in self.groups)


@dataclass
class _Entry:
    hit: Hit
    title: str  # normalised, with a leading space so that " word" finds a word's start
    text: str


def _entry(title: str, url: str, *, context: str = "", description: str = "",
           extra: str = "") -> _Entry:
    return _Entry(Hit(title=title, url=url, context=context, description=description),
                  " " + normalise(title), " " + normalise(" ".join((context, description, extra))))


def _score(entry: _Entry, words: list[str]) -> tuple[int, int]:
    """(words found, weighted score)."""
    found = score = 0
    for word in words:
        if " " + word in entry.title:
            found, score = found + 1, score + TITLE_WEIGHT
        elif " " + word in entry.text:
            found, score = found + 1, score + 1
    return found, score


# The portal's own sections, with the words residents use for them.
SECTIONS = [
    ("Signaler un problème", "portal:report_start",
     "Un nid-de-poule, un dépôt sauvage, un lampadaire éteint : signalez-le avec sa position.",
     "signalement incident panne degradation voirie proprete rue"),
    ("Signalements en cours", "portal:public_reports",
     "Les signalements du territoire, sur une liste et une carte.", "carte suivi"),
    ("Démarches en ligne", "portal:procedures",
     "Déposer un dossier complet à toute heure.",
     "demarche teleservice formulaire dossier demande inscription subvention"),
    ("Prendre rendez-vous", "portal:appointments",
     "Choisir un créneau libre auprès d'un service.", "rendez-vous rdv creneau agenda"),
    ("Réserver une salle", "portal:facilities",
     "Salles et équipements à réserver, avec ou sans paiement.",
     "reservation location equipement salle"),
    ("Événements", "portal:events", "S'inscrire aux ateliers, animations et sorties.",
     "evenement inscription atelier animation sortie agenda"),
    ("Contacter un service ou un élu", "portal:contact",
     "Écrire au service ou à l'élu de votre choix ; réponse suivie en ligne.",
     "contact ecrire message question mairie service elu maire courrier"),
    ("Mes demandes", "portal:my_cases",
     "Suivre vos demandes, signalements, dossiers et rendez-vous.",
     "suivi demande reference compte espace personnel"),
    ("Mon coffre-fort", "portal:vault",
     "Vos pièces justificatives, réutilisées dans vos démarches.",
     "coffre fort document piece justificative"),
    ("Accessibilité", "portal:accessibility", "La déclaration d'accessibilité du site.",
     "rgaa handicap"),
    ("Données personnelles", "portal:privacy", "Comment vos données sont utilisées et protégées.",
     "rgpd donnees personnelles confidentialite vie privee"),
]


def _sections():
    for title, name, description, words in SECTIONS:
        yield _entry(title, reverse(name), description=description, extra=words)


def _services():
    from guichet.organisations.models import ElectedOfficial, Organisation, Unit

    for org in Organisation.objects.filter(is_active=True).order_by("kind", "name"):
        yield _entry(org.name, reverse("portal:organisation", args=[org.slug]),
                     context=org.get_kind_display(), extra="mairie" if org.kind == "commune"
                     else "intercommunalite communaute")
    units = Unit.objects.filter(is_active=True, is_contactable=True,
                                organisation__is_active=True).select_related("organisation")
    for unit in units:
        yield _entry(unit.name, reverse("portal:contact_unit",
                                        args=[unit.organisation.slug, unit.slug]),
                     context=f"Service — {unit.organisation.name}",
                     description=unit.description)
    officials = ElectedOfficial.objects.filter(
        is_contactable=True, organisation__is_active=True).select_related("organisation")
    for official in officials:
        role = official.role + (f" — {official.delegation}" if official.delegation else "")
        yield _entry(official.full_name, reverse("portal:contact_official",
                                                 args=[official.organisation.slug, official.pk]),
                     context=f"Élu — {official.organisation.name}", description=role)


def _procedures():
    from guichet.procedures.selectors import procedures_open

    for item in procedures_open().select_related("organisation", "unit"):
        yield _entry(item.title, item.get_absolute_url(),
                     context=f"{item.organisation.name} — {item.unit.name}",
                     description=item.summary, extra=item.get_audience_display())


def _report_categories():
    from guichet.reports.services import reportable_categories

    for category in reportable_categories():
        yield _entry(category.name, reverse("portal:report_location", args=[category.service_code]),
                     context=f"Signaler — {category.group}" if category.parent_id else "Signaler",
                     description=category.description, extra=category.keywords)


def _appointment_types():
    from guichet.appointments.selectors import types_bookable_online

    for item in types_bookable_online():
        agenda = item.agenda
        yield _entry(item.name, reverse("portal:appointment_slots", args=[agenda.slug, item.slug]),
                     context=f"{agenda.name} — {agenda.place.name}", description=item.description,
                     extra=f"{agenda.unit.name} {agenda.unit.organisation.name} rendez-vous")


def _facilities():
    from guichet.bookings.models import Facility

    for item in Facility.objects.filter(is_active=True).select_related("organisation"):
        yield _entry(item.name, reverse("portal:facility", args=[item.slug]),
                     context=item.organisation.name, description=item.description,
                     extra=f"{item.equipment} {item.address}")


def _events():
    from guichet.bookings.models import Event

    upcoming = Event.objects.filter(is_published=True, starts_at__gt=timezone.now()).order_by(
        "starts_at")
    for item in upcoming:
        when = date_format(timezone.localtime(item.starts_at), "l j F Y à H:i")
        yield _entry(item.title, reverse("portal:event", args=[item.slug]),
                     context=f"{when} — {item.place}", description=item.description)


GROUPS = [
    ("rubriques", "Rubriques du site", _sections),
    ("demarches", "Démarches en ligne", _procedures),
    ("signalements", "Signaler un problème", _report_categories),
    ("rendez-vous", "Rendez-vous", _appointment_types),
    ("salles", "Salles et équipements", _facilities),
    ("evenements", "Événements à venir", _events),
    ("contacts", "Services, élus et collectivités", _services),
]


def portal_search(query: str) -> Results:
    """The catalogue entries matching `query`, grouped, best first (see the module's text)."""
    query = " ".join((query or "").split())[:MAX_QUERY]
    words = query_words(query)
    if not words:
        return Results(query=query, groups=[])
    scored = []
    for key, title, source in GROUPS:
        entries = []
        for entry in source():
            found, score = _score(entry, words)
            if found:
                entry.hit.score = score
                entries.append((found, entry.hit))
        scored.append((key, title, entries))
    everything = any(found == len(words) for _, _, entries in scored for found, _ in entries)
    groups = []
    for key, title, entries in scored:
        hits = [hit for found, hit in entries if found == len(words) or not everything]
        if not hits:
            continue
        hits.sort(key=lambda hit: (-hit.score, normalise(hit.title)))
        groups.append(Group(key=key, title=title, hits=hits[:GROUP_SIZE], total=len(hits)))
    return Results(query=query, groups=groups, partial=not everything and bool(groups))
