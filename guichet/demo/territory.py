"""The demo territory: a fictional intercommunalité, its three member communes, their units,
elected officials, competences, calendars, agents of every role and a few residents.

Everything is keyed on slugs and emails (update_or_create / get_or_create), so loading it twice
changes nothing. Names, addresses and domains are invented (`.example` is a reserved domain)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from guichet.accounts.models import Membership, ResidentProfile, User
from guichet.organisations.models import (
    Closure,
    Competence,
    ElectedOfficial,
    OpeningPeriod,
    Organisation,
    Unit,
)

# Every demo account (agents and the two demo residents) logs in with this password.
DEMO_PASSWORD = "Guichet-demo-2026"

EPCI_SLUG = "trois-vallees"

T = dt.time
MORNING_AFTERNOON = [(T(8, 30), T(12, 0)), (T(13, 30), T(17, 30))]

ORGANISATIONS = [
    {
        "slug": EPCI_SLUG, "kind": Organisation.Kind.EPCI,
        "name": "Communauté de communes des Trois Vallées", "reference_prefix": "TV",
        # An EPCI's INSEE code is its seat's: Bréval-les-Forges, in Meurthe-et-Moselle.
        "insee_code": "54893", "siren": "200067999",
        "address": "Hôtel communautaire\n2 rue de la Filature\n54890 Bréval-les-Forges",
        "phone": "03 82 40 12 00", "email": "contact@trois-vallees.example",
        "website": "https://www.trois-vallees.example", "primary_colour": "#2e6b4f",
        "hours": {day: MORNING_AFTERNOON for day in range(5)},
    },
    {
        "slug": "montfleury-sur-orne", "kind": Organisation.Kind.COMMUNE,
        "name": "Montfleury-sur-Orne", "reference_prefix": "MFO",
        # Moselle (57): Good Friday and 26 December are public holidays there.
        "insee_code": "57795", "siren": "215707950", "postcodes": "57120",
        "address": "Mairie\n1 place de la République\n57120 Montfleury-sur-Orne",
        "phone": "03 87 58 20 10", "email": "mairie@montfleury-sur-orne.example",
        "website": "https://www.montfleury-sur-orne.example", "primary_colour": "#1d4e89",
        "hours": {**{day: MORNING_AFTERNOON for day in range(5)}, 5: [(T(9, 0), T(12, 0))]},
    },
    {
        "slug": "breval-les-forges", "kind": Organisation.Kind.COMMUNE,
        "name": "Bréval-les-Forges", "reference_prefix": "BRF",
        "insee_code": "54893", "siren": "215408930", "postcodes": "54890",
        "address": "Hôtel de ville\n14 rue Jean-Jaurès\n54890 Bréval-les-Forges",
        "phone": "03 82 40 33 00", "email": "accueil@breval-les-forges.example",
        "website": "https://www.breval-les-forges.example", "primary_colour": "#8a3b12",
        "hours": {**{day: [(T(9, 0), T(12, 0)), (T(14, 0), T(17, 0))] for day in range(4)},
                  4: [(T(9, 0), T(12, 0))]},
    },
    {
        "slug": "lacroix-en-woevre", "kind": Organisation.Kind.COMMUNE,
        "name": "Lacroix-en-Woëvre", "reference_prefix": "LXW",
        "insee_code": "54894", "siren": "215408948", "postcodes": "54890",
        "address": "Mairie\n3 rue de l'Église\n54890 Lacroix-en-Woëvre",
        "phone": "03 82 40 51 07", "email": "mairie@lacroix-en-woevre.example",
        "website": "", "primary_colour": "#5b3a8c",
        # A small mairie: open three half-days a week.
        "hours": {0: [(T(14, 0), T(18, 0))], 2: [(T(9, 0), T(12, 0))], 4: [(T(14, 0), T(18, 0))]},
    },
]

# (organisation slug, unit slug, name, description, hours text, first response h, resolution h)
# Targets in business hours, 24 per business day (guichet.lib.business_time): a first answer
# within 1 to 4 business days, as the brief asks, and a resolution within 3 to 10.
UNITS = [
    (EPCI_SLUG, "dechets", "Déchets et propreté",
     "Collecte des ordures ménagères et du tri, bacs, encombrants, déchèteries.",
     "Du lundi au vendredi, de 8 h 30 à 12 h et de 13 h 30 à 17 h 30.", 48, 96),
    (EPCI_SLUG, "eau", "Eau et assainissement",
     "Abonnements, relevés et factures d'eau, fuites, assainissement collectif et individuel.",
     "Du lundi au vendredi, de 8 h 30 à 12 h et de 13 h 30 à 17 h 30. "
     "Astreinte fuites : 03 82 40 12 99.", 24, 96),
    (EPCI_SLUG, "accueil", "Accueil",
     "Toute question sur les services de la communauté de communes.",
     "Du lundi au vendredi, de 8 h 30 à 12 h et de 13 h 30 à 17 h 30.", 48, 96),
    ("montfleury-sur-orne", "voirie", "Voirie et espaces verts",
     "Chaussées, trottoirs, éclairage public, signalisation, espaces verts.",
     "Du lundi au vendredi, de 8 h 30 à 12 h et de 13 h 30 à 17 h 30.", 48, 120),
    ("montfleury-sur-orne", "etat-civil", "État civil",
     "Actes de naissance, mariage et décès, livret de famille, recensement citoyen.",
     "Du lundi au vendredi de 8 h 30 à 12 h et de 13 h 30 à 17 h 30, le samedi de 9 h à 12 h.",
     24, 72),
    ("montfleury-sur-orne", "enfance-jeunesse", "Enfance-jeunesse",
     "Inscriptions scolaires, cantine, périscolaire, accueil de loisirs.",
     "Du lundi au vendredi, de 8 h 30 à 12 h ; l'après-midi sur rendez-vous.", 48, 96),
    ("montfleury-sur-orne", "accueil", "Accueil de la mairie",
     "Toute question à la mairie ; nous transmettons au bon service.",
     "Du lundi au vendredi de 8 h 30 à 12 h et de 13 h 30 à 17 h 30, le samedi de 9 h à 12 h.",
     48, 96),
    ("breval-les-forges", "urbanisme", "Urbanisme",
     "Permis de construire, déclarations préalables, certificats d'urbanisme, cadastre.",
     "Le mardi et le jeudi, de 9 h à 12 h, sur rendez-vous.", 48, 240),
    ("breval-les-forges", "accueil", "Accueil de la mairie",
     "État civil, élections, cimetière, salles communales et toute autre question.",
     "Du lundi au jeudi de 9 h à 12 h et de 14 h à 17 h, le vendredi de 9 h à 12 h.", 48, 96),
    ("lacroix-en-woevre", "accueil", "Secrétariat de mairie",
     "Toutes les démarches auprès de la commune.",
     "Le lundi et le vendredi de 14 h à 18 h, le mercredi de 9 h à 12 h.", 48, 120),
]

UNIT_EMAIL_DOMAINS = {
    EPCI_SLUG: "trois-vallees.example",
    "montfleury-sur-orne": "montfleury-sur-orne.example",
    "breval-les-forges": "breval-les-forges.example",
    "lacroix-en-woevre": "lacroix-en-woevre.example",
}

# (organisation, civility, first, last, role, delegation, contactable, handling unit slug)
OFFICIALS = [
    (EPCI_SLUG, "M.", "Bernard", "Schneider", "Président",
     "Administration générale, finances", True, "accueil"),
    ("montfleury-sur-orne", "Mme", "Catherine", "Muller-Rossi", "Maire",
     "Affaires générales, sécurité, personnel", True, "accueil"),
    ("montfleury-sur-orne", "Mme", "Amina", "Belkacem", "Adjointe au maire",
     "Écoles, enfance, jeunesse", True, "enfance-jeunesse"),
    ("breval-les-forges", "M.", "Gérard", "Lorrain", "Maire",
     "Affaires générales", False, "accueil"),
]

# topic, label, holder: the EPCI for its competences, every commune for the others.
COMPETENCES = [
    ("dechets", "Collecte et traitement des déchets", "epci", "dechets"),
    ("eau", "Eau potable et assainissement", "epci", "eau"),
    ("etat_civil", "État civil", "communes", {"montfleury-sur-orne": "etat-civil"}),
    ("voirie", "Voirie communale et éclairage public", "communes",
     {"montfleury-sur-orne": "voirie"}),
    ("urbanisme", "Autorisations d'urbanisme", "communes", {"breval-les-forges": "urbanisme"}),
    ("enfance", "Écoles, cantine et périscolaire", "communes",
     {"montfleury-sur-orne": "enfance-jeunesse"}),
]

# (email local part, organisation, unit slug, role, first, last, title shown to residents)
AGENTS = [
    ("nadia.benali", EPCI_SLUG, "accueil", Membership.Role.RECEPTION, "Nadia", "Benali",
     "Chargée d'accueil"),
    ("sophie.muller", EPCI_SLUG, "dechets", Membership.Role.AGENT, "Sophie", "Muller",
     "Agente du service déchets"),
    ("karim.haddad", EPCI_SLUG, "dechets", Membership.Role.MANAGER, "Karim", "Haddad",
     "Responsable du service déchets"),
    ("lucas.bernard", EPCI_SLUG, "eau", Membership.Role.AGENT, "Lucas", "Bernard",
     "Technicien eau et assainissement"),
    ("thomas.keller", "montfleury-sur-orne", "voirie", Membership.Role.AGENT, "Thomas",
     "Keller", "Agent de voirie"),
    ("julie.schmitt", "montfleury-sur-orne", "voirie", Membership.Role.AGENT, "Julie",
     "Schmitt", "Agente des espaces verts"),
    ("marc.weber", "montfleury-sur-orne", "voirie", Membership.Role.MANAGER, "Marc", "Weber",
     "Responsable des services techniques"),
    ("elodie.roux", "montfleury-sur-orne", "etat-civil", Membership.Role.AGENT, "Élodie",
     "Roux", "Officière d'état civil"),
    ("camille.fischer", "montfleury-sur-orne", "enfance-jeunesse", Membership.Role.AGENT,
     "Camille", "Fischer", "Coordinatrice enfance-jeunesse"),
    ("sandrine.klein", "montfleury-sur-orne", "accueil", Membership.Role.RECEPTION, "Sandrine",
     "Klein", "Agente d'accueil"),
    ("nicolas.girard", "breval-les-forges", "urbanisme", Membership.Role.AGENT, "Nicolas",
     "Girard", "Instructeur urbanisme"),
    ("martine.hoffmann", "breval-les-forges", "accueil", Membership.Role.RECEPTION, "Martine",
     "Hoffmann", "Agente d'accueil et d'état civil"),
    ("patrick.simon", "lacroix-en-woevre", "accueil", Membership.Role.AGENT, "Patrick",
     "Simon", "Secrétaire de mairie"),
    ("ines.lambert", EPCI_SLUG, "accueil", Membership.Role.COMMUNICATION, "Inès", "Lambert",
     "Chargée de communication"),
    ("jean-luc.becker", EPCI_SLUG, "accueil", Membership.Role.DPO, "Jean-Luc", "Becker",
     "Délégué à la protection des données"),
    ("agnes.roth", EPCI_SLUG, "accueil", Membership.Role.ARCHIVIST, "Agnès", "Roth",
     "Archiviste intercommunale"),
]
# The administrator administers every collectivité of the territory.
ADMIN = ("helene.marchal", "Hélène", "Marchal", "Administratrice de Guichet")

# The logins printed at start, one per role, with the resident's.
LOGIN_ROLES = [
    ("Accueil", "nadia.benali"),
    ("Agent (voirie, le service le plus sollicité)", "thomas.keller"),
    ("Responsable de service (voirie)", "marc.weber"),
    ("Administratrice (toutes les collectivités)", ADMIN[0]),
    ("Délégué à la protection des données", "jean-luc.becker"),
    ("Communication (actualités et alertes)", "ines.lambert"),
    ("Archiviste (bordereaux d'élimination)", "agnes.roth"),
]

STREETS = [
    "rue des Tilleuls", "rue Jean-Jaurès", "allée des Peupliers", "impasse du Moulin",
    "rue de la Gare", "chemin des Vignes", "place de l'Église", "rue Victor-Hugo",
    "rue des Écoles", "avenue de Lorraine", "rue du Général-Leclerc", "rue de la Fontaine",
    "rue des Jardins", "rue Saint-Martin", "rue de Metz", "rue Pasteur", "rue des Mésanges",
    "rue du Stade", "rue de la Forge", "chemin du Bois-Brûlé",
]
FIRST_NAMES = [
    ("Mme", "Claire"), ("M.", "Julien"), ("Mme", "Isabelle"), ("M.", "Mehdi"), ("Mme", "Chantal"),
    ("M.", "François"), ("Mme", "Laura"), ("M.", "Kevin"), ("Mme", "Fatima"), ("M.", "Pierre"),
    ("Mme", "Monique"), ("M.", "Hugo"), ("Mme", "Sarah"), ("M.", "Yannick"), ("Mme", "Océane"),
    ("M.", "Gilles"), ("Mme", "Nathalie"), ("M.", "Antoine"), ("Mme", "Aurélie"), ("M.", "Rachid"),
    ("Mme", "Brigitte"), ("M.", "Dominique"), ("Mme", "Emma"), ("M.", "Léo"), ("Mme", "Valérie"),
    ("M.", "Stéphane"), ("Mme", "Inès"), ("M.", "Daniel"), ("Mme", "Manon"), ("M.", "Christophe"),
]
LAST_NAMES = [
    "Dupont", "Klein", "Schmitt", "Martin", "Lefebvre", "Weiss", "Bertrand", "Hoffmann",
    "Mercier", "Zimmermann", "Girard", "Wagner", "Fontaine", "Haas", "Chevalier", "Meyer",
    "Lambert", "Koenig", "Rousseau", "Bauer", "Moreau", "Fuchs", "Garnier", "Nowak", "Henry",
    "Becker", "Perrin", "Kowalski", "Marchand", "Ferreira", "Thiriet", "Colin", "Vogel",
    "Mathieu", "Benoît",
]
COMMUNE_POSTCODES = {
    "montfleury-sur-orne": ("57120", "Montfleury-sur-Orne"),
    "breval-les-forges": ("54890", "Bréval-les-Forges"),
    "lacroix-en-woevre": ("54890", "Lacroix-en-Woëvre"),
}
# Residents with an account (the first one is the demo login); cases also come from people
# without one.
RESIDENT_COUNT = 40
DEMO_RESIDENT = "claire.dupont"


@dataclass
class Territory:
    epci: Organisation
    organisations: dict[str, Organisation]
    units: dict[tuple[str, str], Unit]
    officials: list[ElectedOfficial]
    agents: dict[str, User]
    admin: User
    residents: list[User] = field(default_factory=list)

    def handlers(self, unit: Unit) -> list[User]:
        """Agents who work the unit's queue (not the DPO)."""
        return [
            user for user in self.agents.values()
            if any(m.unit_id == unit.pk and m.role != Membership.Role.DPO
                   for m in user._demo_memberships)
        ]

    def manager(self, unit: Unit) -> User | None:
        for user in self.agents.values():
            if any(m.unit_id == unit.pk and m.role == Membership.Role.MANAGER
                   for m in user._demo_memberships):
                return user
        return None


def agent_email(local: str, org_slug: str) -> str:
    return f"{local}@{UNIT_EMAIL_DOMAINS[org_slug]}"


def resident_email(first: str, last: str) -> str:
    import unicodedata

    raw = f"{first}.{last}".lower().replace(" ", "-")
    ascii_only = unicodedata.normalize("NFKD", raw).encode("ascii", "ignore").decode()
    return f"{ascii_only}@example.org"


def _ensure_password(user: User, password: str) -> None:
    if not user.has_usable_password() or not user.check_password(password):
        user.set_password(password)
        user.save(update_fields=["password"])


def _user(email: str, *, first_name: str, last_name: str, password: str | None,
          **fields) -> User:
    user, created = User.objects.get_or_create(
        email=email,
        defaults={"first_name": first_name, "last_name": last_name,
                  "email_verified_at": timezone.now(), **fields},
    )
    if created and not password:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    if password:
        _ensure_password(user, password)
    return user


def _upcoming_year_end_closure(today: dt.date) -> tuple[dt.date, dt.date]:
    return dt.date(today.year, 12, 28), dt.date(today.year, 12, 31)


def demo_logo(colour: str):
    """An invented emblem for the demo EPCI: three valleys on its colour (a real collectivité
    uploads its own logo in the administration)."""
    import io

    from django.core.files.base import ContentFile
    from PIL import Image, ImageDraw

    image = Image.new("RGBA", (240, 240), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((0, 0, 239, 239), radius=36, fill=colour)
    for top in (70, 115, 160):
        draw.line([(30, top), (80, top + 35), (120, top), (160, top + 35), (210, top)],
                  fill="white", width=14, joint="curve")
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return ContentFile(buffer.getvalue())


@transaction.atomic
def territory_load() -> Territory:
    """Create or update the demo territory; return handles on what the case loader needs."""
    today = timezone.localdate()
    orgs: dict[str, Organisation] = {}
    for spec in ORGANISATIONS:
        values = {k: v for k, v in spec.items() if k not in ("slug", "hours")}
        values["epci"] = orgs.get(EPCI_SLUG) if spec["kind"] == Organisation.Kind.COMMUNE else None
        org, _ = Organisation.objects.update_or_create(slug=spec["slug"], defaults=values)
        orgs[spec["slug"]] = org
        for weekday, periods in spec["hours"].items():
            for opens, closes in periods:
                OpeningPeriod.objects.get_or_create(organisation=org, weekday=weekday,
                                                    opens=opens, closes=closes)
    epci = orgs[EPCI_SLUG]
    if not epci.logo or not epci.logo.storage.exists(epci.logo.name):
        epci.logo.save("trois-vallees.png", demo_logo(epci.primary_colour), save=True)

    start, end = _upcoming_year_end_closure(today)
    Closure.objects.get_or_create(organisation=epci, start_date=start, end_date=end,
                                  defaults={"reason": "Fermeture de fin d'année"})
    summer = dt.date(today.year, 8, 10)
    Closure.objects.get_or_create(organisation=orgs["montfleury-sur-orne"], start_date=summer,
                                  end_date=summer + dt.timedelta(days=4),
                                  defaults={"reason": "Fermeture estivale de la mairie"})
    Closure.objects.get_or_create(organisation=orgs["lacroix-en-woevre"],
                                  start_date=dt.date(today.year, 7, 20),
                                  end_date=dt.date(today.year, 8, 2),
                                  defaults={"reason": "Congés de la secrétaire de mairie"})

    units: dict[tuple[str, str], Unit] = {}
    for org_slug, slug, name, description, hours, first, resolution in UNITS:
        org = orgs[org_slug]
        unit, _ = Unit.objects.update_or_create(
            organisation=org, slug=slug,
            defaults={
                "name": name, "description": description, "opening_hours": hours,
                "email": f"{slug}@{UNIT_EMAIL_DOMAINS[org_slug]}", "phone": org.phone,
                "address": org.address, "first_response_hours": first,
                "resolution_hours": resolution, "is_contactable": True, "is_active": True,
            },
        )
        units[(org_slug, slug)] = unit

    officials = []
    for org_slug, civility, first, last, role, delegation, contactable, unit_slug in OFFICIALS:
        official, _ = ElectedOfficial.objects.update_or_create(
            organisation=orgs[org_slug], first_name=first, last_name=last,
            defaults={"civility": civility, "role": role, "delegation": delegation,
                      "is_contactable": contactable,
                      "handling_unit": units[(org_slug, unit_slug)]},
        )
        officials.append(official)

    for topic, label, holder, unit_spec in COMPETENCES:
        holders = [epci] if holder == "epci" else [o for o in orgs.values() if o.kind == "commune"]
        for org in holders:
            if isinstance(unit_spec, str):
                unit = units[(org.slug, unit_spec)]
            else:
                unit = units.get((org.slug, unit_spec.get(org.slug, "accueil")))
            Competence.objects.update_or_create(organisation=org, topic=topic,
                                                defaults={"label": label, "unit": unit})

    agents: dict[str, User] = {}
    for local, org_slug, unit_slug, role, first, last, title in AGENTS:
        user = _user(agent_email(local, org_slug), first_name=first, last_name=last,
                     password=DEMO_PASSWORD)
        Membership.objects.update_or_create(user=user, unit=units[(org_slug, unit_slug)],
                                            defaults={"role": role, "title": title})
        agents[local] = user
    local, first, last, title = ADMIN
    admin = _user(agent_email(local, EPCI_SLUG), first_name=first, last_name=last,
                  password=DEMO_PASSWORD, is_staff=True, is_superuser=True)
    for org_slug in orgs:
        Membership.objects.update_or_create(user=admin, unit=units[(org_slug, "accueil")],
                                            defaults={"role": Membership.Role.ADMIN,
                                                      "title": title})
    agents[local] = admin
    memberships = list(Membership.objects.filter(user__in=agents.values()))
    for user in agents.values():
        user._demo_memberships = [m for m in memberships if m.user_id == user.pk]

    residents = _residents_load()
    return Territory(epci=epci, organisations=orgs, units=units, officials=officials,
                     agents=agents, admin=admin, residents=residents)


def resident_identities() -> list[tuple[str, str, str]]:
    """(civility, first name, last name) of the residents with an account, always the same."""
    people = []
    for i in range(RESIDENT_COUNT):
        civility, first = FIRST_NAMES[i % len(FIRST_NAMES)]
        last = LAST_NAMES[(i * 3) % len(LAST_NAMES)]
        people.append((civility, first, last))
    return people


def _residents_load() -> list[User]:
    residents = []
    communes = list(COMMUNE_POSTCODES.values())
    for i, (civility, first, last) in enumerate(resident_identities()):
        email = resident_email(first, last)
        password = DEMO_PASSWORD if email.split("@")[0] == DEMO_RESIDENT else None
        user = _user(email, first_name=first, last_name=last, password=password)
        postcode, city = communes[i % len(communes)]
        ResidentProfile.objects.get_or_create(
            user=user,
            defaults={
                "civility": civility, "phone": f"06 {12 + i:02d} {34 + i:02d} 56 {78 - i:02d}",
                "address": f"{3 + (i * 5) % 60} {STREETS[i % len(STREETS)]}",
                "postcode": postcode, "city": city,
                "preferred_channel": ResidentProfile.Channel.PHONE if i % 9 == 4
                else ResidentProfile.Channel.EMAIL,
            },
        )
        if i % 11 == 6:
            # A few residents turned replies by email off: their notifications show "skipped".
            from guichet.notifications.models import Preference
            Preference.objects.get_or_create(user=user, category="reply", channel="email",
                                             defaults={"enabled": False})
        residents.append(user)
    return residents


def logins_table(site_url: str) -> list[str]:
    """The lines of the demo banner: a table of the accounts, then where to sign in."""
    rows = logins()
    width = max(len(role) for role, _, _ in rows)
    email_width = max(len(email) for _, email, _ in rows)
    lines = [f"  {'Rôle'.ljust(width)}  {'Identifiant'.ljust(email_width)}  Mot de passe"]
    lines += [f"  {role.ljust(width)}  {email.ljust(email_width)}  {password}"
              for role, email, password in rows]
    from guichet.surveys.models import Kiosk

    kiosk = Kiosk.objects.filter(is_active=True).order_by("pk").first()
    if kiosk is not None:
        lines.append(f"  Borne de la médiathèque (tablette) : {site_url}{kiosk.get_absolute_url()}")
    lines.append(f"  Espace agents : {site_url}/agents/ — administration : {site_url}/admin/")
    return lines


def logins() -> list[tuple[str, str, str]]:
    """(role, email, password) for the demo banner."""
    rows = []
    for label, local in LOGIN_ROLES:
        org = next((a[1] for a in AGENTS if a[0] == local), EPCI_SLUG)
        rows.append((label, agent_email(local, org), DEMO_PASSWORD))
    rows.append(("Usagère (espace « Mes demandes »)", f"{DEMO_RESIDENT}@example.org",
                 DEMO_PASSWORD))
    return rows
