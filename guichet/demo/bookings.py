"""The demo's appointments, facilities and events: agendas for identity documents, urban
planning advice and social services; two rooms and a sports ground; three events, two of them
full; bookings in every state. Replayed through the real services (see history.py)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from guichet.appointments.models import Agenda, AppointmentType, OpeningRule, Place
from guichet.appointments.services import appointment_book, appointment_cancel, appointment_mark
from guichet.appointments.slots import openings
from guichet.bookings.models import Audience, Event, Facility, FacilityClosure, Tariff
from guichet.bookings.payments import TestProvider
from guichet.bookings.services import (
    event_cancel,
    event_register,
    facility_decide,
    facility_request,
    payment_callback,
)
from guichet.lib.business_time import PARIS

from .history import HistoryLoader
from .territory import DEMO_RESIDENT, Territory

T = dt.time


def _rules(agenda, week):
    for weekday, periods in week.items():
        for starts, ends in periods:
            OpeningRule.objects.get_or_create(agenda=agenda, weekday=weekday, starts=starts,
                                              ends=ends)


def agendas_load(territory: Territory) -> list[AppointmentType]:
    orgs, units = territory.organisations, territory.units
    mairie = Place.objects.get_or_create(
        organisation=orgs["montfleury-sur-orne"], name="Mairie de Montfleury-sur-Orne",
        defaults={"address": "1 place de la République\n57120 Montfleury-sur-Orne",
                  "access": "Bus ligne 3, arrêt Mairie. Parking place de la République.",
                  "accessibility": "Entrée de plain-pied par la rue de la Gare, boucle "
                                   "magnétique au guichet."})[0]
    hotel = Place.objects.get_or_create(
        organisation=orgs["breval-les-forges"], name="Hôtel de ville de Bréval-les-Forges",
        defaults={"address": "14 rue Jean-Jaurès\n54890 Bréval-les-Forges",
                  "accessibility": "Ascenseur au fond du hall."})[0]
    siege = Place.objects.get_or_create(
        organisation=territory.epci, name="Hôtel communautaire",
        defaults={"address": "2 rue de la Filature\n54890 Bréval-les-Forges",
                  "accessibility": "Bureau au rez-de-chaussée, accès fauteuil."})[0]
    specs = [
        (units[("montfleury-sur-orne", "etat-civil")], mairie, "Titres d'identité", "titres",
         {d: [(T(8, 30), T(12)), (T(13, 30), T(17))] for d in range(5)} | {5: [(T(9), T(12))]},
         [("Passeport", "passeport", 20, 3, "Apportez une photo d'identité de moins de 6 "
           "mois, un justificatif de domicile et le timbre fiscal."),
          ("Carte nationale d'identité", "carte-identite", 20, 3, "Apportez une photo "
           "d'identité de moins de 6 mois et un justificatif de domicile."),
          ("Retrait d'un titre", "retrait", 10, 1, "Apportez le récépissé de dépôt.")]),
        (units[("breval-les-forges", "urbanisme")], hotel, "Conseil en urbanisme", "urbanisme",
         {1: [(T(9), T(12))], 3: [(T(9), T(12))]},
         [("Rendez-vous avec l'architecte conseil", "architecte", 45, 1, "Apportez vos "
           "plans, même à main levée, et des photos du terrain.")]),
        (units[("trois-vallees", "accueil")], siege, "Permanence sociale", "social",
         {0: [(T(14), T(17))], 2: [(T(9), T(12))], 4: [(T(9), T(12))]},
         [("Entretien avec une assistante sociale", "entretien-social", 30, 2, ""),
          ("Aide aux démarches en ligne", "demarches-en-ligne", 30, 1, "Venez avec vos "
           "identifiants si vous en avez.")]),
    ]
    types = []
    for unit, place, name, slug, week, motifs in specs:
        agenda, _ = Agenda.objects.update_or_create(
            slug=slug, defaults={"unit": unit, "place": place, "name": name})
        _rules(agenda, week)
        for motif, motif_slug, minutes, desks, description in motifs:
            type_, _ = AppointmentType.objects.update_or_create(
                agenda=agenda, slug=motif_slug,
                defaults={"name": motif, "duration_minutes": minutes, "desks": desks,
                          "description": description, "min_delay_hours": 2,
                          "max_delay_days": 60})
            types.append(type_)
    return types


def facilities_load(territory: Territory) -> tuple[list[Facility], list[Event]]:
    orgs, units = territory.organisations, territory.units
    hall, _ = Facility.objects.update_or_create(slug="salle-des-fetes-montfleury", defaults={
        "organisation": orgs["montfleury-sur-orne"],
        "unit": units[("montfleury-sur-orne", "accueil")], "name": "Salle des fêtes",
        "description": "Grande salle avec scène, office équipé et parking.",
        "address": "Rue des Écoles\n57120 Montfleury-sur-Orne", "capacity": 180,
        "equipment": "120 chaises, 20 tables, sono, office avec réfrigérateurs.",
        "accessibility": "Accès de plain-pied, toilettes adaptées.",
        "audiences": [Audience.RESIDENT, Audience.OUTSIDE, Audience.ASSOCIATION],
        "booking_unit": Facility.Unit.HALF_DAY, "needs_approval": False})
    for audience, cents in ((Audience.RESIDENT, 8000), (Audience.OUTSIDE, 15000),
                            (Audience.ASSOCIATION, 0)):
        Tariff.objects.update_or_create(facility=hall, audience=audience,
                                        defaults={"price_cents": cents})
    room, _ = Facility.objects.update_or_create(slug="salle-de-reunion-breval", defaults={
        "organisation": orgs["breval-les-forges"],
        "unit": units[("breval-les-forges", "accueil")], "name": "Salle de réunion",
        "address": "14 rue Jean-Jaurès\n54890 Bréval-les-Forges", "capacity": 30,
        "audiences": [Audience.ASSOCIATION, Audience.INTERNAL],
        "booking_unit": Facility.Unit.HOURS, "needs_approval": True})
    ground, _ = Facility.objects.update_or_create(slug="terrain-de-football", defaults={
        "organisation": territory.epci, "unit": units[("trois-vallees", "accueil")],
        "name": "Terrain de football synthétique",
        "address": "Complexe sportif des Trois Vallées\n54890 Bréval-les-Forges",
        "capacity": 60, "audiences": [Audience.ASSOCIATION, Audience.RESIDENT],
        "booking_unit": Facility.Unit.HOURS, "needs_approval": True, "opens": T(9),
        "closes": T(22)})
    Tariff.objects.update_or_create(facility=ground, audience=Audience.RESIDENT,
                                    defaults={"price_cents": 2500})
    now = timezone.localtime(timezone.now(), PARIS).replace(minute=0, second=0, microsecond=0)
    # The pitch is closed for its annual maintenance in ten days: an alert of the EPCI.
    closed = (now + dt.timedelta(days=10)).replace(hour=0)
    FacilityClosure.objects.update_or_create(facility=ground, reason="Entretien annuel du gazon",
                                             defaults={"starts_at": closed,
                                                       "ends_at": closed + dt.timedelta(days=3)})
    events = []
    for slug, title, days, hour, places, per, label, unit in [
        ("atelier-velo", "Atelier réparation de vélos (enfants)", 12, 14, 8, 3, "Enfant",
         ("montfleury-sur-orne", "enfance-jeunesse")),
        ("saint-nicolas", "Défilé de la Saint-Nicolas", 9, 17, 200, 6, "Participant",
         ("montfleury-sur-orne", "accueil")),
        ("stage-multisports", "Stage multisports des vacances", 30, 9, 12, 3, "Enfant",
         ("trois-vallees", "accueil")),
    ]:
        starts = (now + dt.timedelta(days=days)).replace(hour=hour)
        event, _ = Event.objects.update_or_create(slug=slug, defaults={
            "organisation": units[unit].organisation, "unit": units[unit], "title": title,
            "place": "Maison des jeunes, rue des Écoles, Montfleury-sur-Orne",
            "description": "Inscription obligatoire, places limitées.",
            "starts_at": starts, "ends_at": starts + dt.timedelta(hours=3),
            "places": places, "max_attendees": per, "attendee_label": label})
        events.append(event)
    return [hall, room, ground], events


class BookingsLoader(HistoryLoader):
    """A few appointments past and to come, bookings in every state, two events full."""

    def _resident(self, n):
        residents = self.territory.residents
        return residents[n % len(residents)] if residents else None

    def load_all(self, types, facilities, events) -> int:
        agent_of = {t.pk: (self.territory.handlers(t.agenda.unit) or [self.territory.admin])[0]
                    for t in types}
        count = 0
        today = timezone.localdate()
        for n, type_ in enumerate(types):
            for offset in (-6, -2):  # past: booked before, then seen or no-show
                day = today + dt.timedelta(days=offset)
                booked_on = timezone.now() + dt.timedelta(days=offset - 5)
                free = [o for o in openings(type_, day, day, now=booked_on)][:2]
                for k, opening in enumerate(free):
                    person = self._resident(n + k)
                    case = self._run(booked_on, appointment_book, type_=type_,
                                     starts_at=opening.starts_at, name="", requester=person)
                    self._run(opening.starts_at + dt.timedelta(minutes=5), appointment_mark,
                              appointment=case.appointment, acting_user=agent_of[type_.pk],
                              status="no_show" if (n + k + (offset == -2)) % 4 == 0
                              else "seen")
                    count += 1
            upcoming = openings(type_, today + dt.timedelta(days=1),
                                today + dt.timedelta(days=10))
            for k, opening in enumerate(upcoming[3:12:3]):
                person = self._resident(n + k + 5)
                case = self._run(timezone.now() - dt.timedelta(hours=k + 1), appointment_book,
                                 type_=type_, starts_at=opening.starts_at, name="",
                                 requester=person)
                if k == 2:
                    self._run(timezone.now() - dt.timedelta(minutes=30), appointment_cancel,
                              appointment=case.appointment)
                count += 1
        hall, room, ground = facilities
        soon = today + dt.timedelta(days=7)

        def at(day, hour):
            return dt.datetime.combine(day, T(hour), PARIS)

        claire = next((r for r in self.territory.residents
                       if r.email.split("@")[0] == DEMO_RESIDENT), self._resident(1))
        # The demo resident's « Mes demandes » shows each kind's own state: an appointment to
        # come, a hall paid for, an event she is registered to and one she waits for.
        free = openings(types[0], today + dt.timedelta(days=2), today + dt.timedelta(days=12))
        if free:
            self._run(timezone.now() - dt.timedelta(hours=2), appointment_book, type_=types[0],
                      starts_at=free[len(free) // 2].starts_at, name="", requester=claire)
            count += 1
        person = claire
        paid = facility_request(facility=hall, starts_at=at(soon, 14), ends_at=at(soon, 19),
                                audience=Audience.RESIDENT, purpose="Anniversaire",
                                attendees=60, name="", requester=person)
        payment_callback(provider_code="test",
                         data=TestProvider().callback_fields(paid.payments.get(), paid=True))
        facility_request(facility=hall, starts_at=at(soon + dt.timedelta(days=1), 9),
                         ends_at=at(soon + dt.timedelta(days=1), 12),
                         audience=Audience.OUTSIDE, purpose="Vente de livres", attendees=30,
                         name="Librairie Lecomte", email="contact@librairie.example")
        facility_request(facility=hall, starts_at=at(soon + dt.timedelta(days=2), 18),
                         ends_at=at(soon + dt.timedelta(days=2), 23),
                         audience=Audience.ASSOCIATION, purpose="Loto du club de foot",
                         attendees=150, name="FC Montfleury", email="fc@club.example")
        requests = [facility_request(facility=room, starts_at=at(soon + dt.timedelta(days=d),
                                                                 18),
                                     ends_at=at(soon + dt.timedelta(days=d), 20),
                                     audience=Audience.ASSOCIATION, purpose=purpose,
                                     attendees=12, name=name, email=email)
                    for d, purpose, name, email in [
                        (3, "Assemblée générale", "Amicale des pêcheurs", "peche@asso.example"),
                        (4, "Réunion du bureau", "Comité des fêtes", "fetes@asso.example"),
                        (5, "Atelier tricot", "Les Doigts de fée", "tricot@asso.example")]]
        manager = self.territory.handlers(room.unit)[0] if self.territory.handlers(
            room.unit) else self.territory.admin
        facility_decide(booking=requests[0].facility_booking, approve=True,
                        acting_user=manager, message="Salle accordée, clés à l'accueil.")
        facility_decide(booking=requests[1].facility_booking, approve=False,
                        acting_user=manager, message="La salle est en travaux ce jour-là.")
        facility_request(facility=ground, starts_at=at(soon, 10), ends_at=at(soon, 12),
                         audience=Audience.ASSOCIATION, purpose="Entraînement U13",
                         attendees=25, name="FC Montfleury", email="fc@club.example")
        count += 8
        velo, fete, stage = events
        names = ["Léa", "Tom", "Inès", "Noah", "Zoé", "Hugo", "Jade", "Lucas", "Rose", "Adam"]
        for k in range(4):  # 8 places, families of 2 → full, then a waiting list
            person = self._resident(k + 2)
            event_register(event=velo, attendees=[{"name": f"{names[2 * k]} {person.last_name}"},
                                                  {"name": f"{names[2 * k + 1]} "
                                                           f"{person.last_name}"}],
                           name="", requester=person)
        event_register(event=velo, attendees=[{"name": "Paul Martin"}], name="Sophie Martin",
                       email="sophie.martin@example.org")
        event_register(event=velo, attendees=[{"name": f"Jules {claire.last_name}"}], name="",
                       requester=claire)
        event_register(event=fete, attendees=[{"name": claire.get_full_name()},
                                              {"name": f"Jules {claire.last_name}"}],
                       name="", requester=claire)
        for k in range(4):
            event_register(event=stage, attendees=[{"name": f"Enfant {k} A"},
                                                   {"name": f"Enfant {k} B"},
                                                   {"name": f"Enfant {k} C"}],
                           name=f"Famille {k}", email=f"famille{k}@example.org")
        cancelled = event_register(event=fete, attendees=[{"name": "Jean Petit"}],
                                   name="Jean Petit", email="jean.petit@example.org")
        event_cancel(registration=cancelled.registration)
        event_register(event=fete, attendees=[{"name": "Marie Leroy"}, {"name": "Luc Leroy"}],
                       name="Marie Leroy", email="marie.leroy@example.org")
        count += 13
        self._drop_delivery_tasks()
        return count


def bookings_load(territory: Territory) -> int:
    """Agendas, facilities and events every time (idempotent); their bookings once."""
    types = agendas_load(territory)
    facilities, events = facilities_load(territory)
    from guichet.cases.models import Case

    if Case.objects.filter(kind__in=("appointment", "booking")).exists():
        return 0
    return BookingsLoader(territory, count=0, days=30, seed=55).load_all(types, facilities,
                                                                         events)
