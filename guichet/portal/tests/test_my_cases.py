import datetime as dt
import html as html_lib
import re

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from guichet.appointments.services import appointment_book, appointment_cancel
from guichet.appointments.tests.fixtures import at, next_working_day
from guichet.bookings.models import Event, Facility, Tariff
from guichet.bookings.payments import TestProvider
from guichet.bookings.services import event_register, facility_request, payment_callback
from guichet.cases.models import Case
from guichet.contact.services import contact_submit

NEW_CASE = "un agent va la prendre en charge"


def text(html: str) -> str:
    return " ".join(html_lib.unescape(re.sub(r"<[^>]+>", " ", html)).split())


def test_the_resident_sees_each_case_with_its_status(client, resident, case):
    client.force_login(resident)
    html = client.get(reverse("portal:my_cases")).content.decode()
    assert case.reference in html and "Nid-de-poule rue Foch" in html
    assert case.get_status_display() in html


def test_a_message_shows_the_promised_day_with_its_weekday(client, resident, unit):
    # Thursday 3 December 2026, 10:00; the unit promises a first answer in 48 business hours.
    filed = dt.datetime(2026, 12, 3, 10, tzinfo=dt.UTC)
    contact_submit(unit=unit, subject="Horaires", message="…", requester=resident)
    Case.objects.update(created_at=filed)
    case = Case.objects.get()
    calendar = case.organisation.calendar()
    Case.objects.update(first_response_due_at=calendar.add(filed, dt.timedelta(hours=48)),
                        resolution_due_at=calendar.add(filed, dt.timedelta(hours=96)))
    client.force_login(resident)
    page = text(client.get(reverse("portal:my_cases")).content.decode())
    # In the past now? Then it is shown as passed; the day is the same either way.
    assert "lundi 7 décembre 2026" in page
    assert "Date annoncée" not in page
    assert "du lundi au vendredi, hors jours fériés" in page


def hall_for(commune, unit, *, slug, needs_approval=False, price=0):
    facility = Facility.objects.create(
        organisation=commune, unit=unit, name=f"Salle {slug}", slug=slug, capacity=50,
        audiences=["resident"], booking_unit=Facility.Unit.HALF_DAY,
        needs_approval=needs_approval, address="2 rue des Écoles\n57700 Hayange")
    Tariff.objects.create(facility=facility, audience="resident", price_cents=price)
    return facility


def book_everything(resident, commune, unit, passport, workshop):
    """One case of every self-confirmed kind, and one of each state a resident meets."""
    day = next_working_day()
    booked = appointment_book(type_=passport, starts_at=at(day, 10, 30), name="Claire",
                              requester=resident)
    cancelled = appointment_book(type_=passport, starts_at=at(next_working_day(40), 9),
                                 name="Claire", requester=resident)
    appointment_cancel(appointment=cancelled.appointment)
    paid_hall = hall_for(commune, unit, slug="paid", price=5000)
    unpaid = facility_request(facility=paid_hall, starts_at=at(day, 14),
                              ends_at=at(day, 18), audience="resident", purpose="Fête",
                              attendees=20, name="Claire", requester=resident)
    paid = facility_request(facility=paid_hall, starts_at=at(day + dt.timedelta(days=1), 14),
                            ends_at=at(day + dt.timedelta(days=1), 18), audience="resident",
                            purpose="Fête", attendees=20, name="Claire", requester=resident)
    payment_callback(provider_code="test", data=TestProvider().callback_fields(
        paid.payments.get(), paid=True))
    asked = facility_request(facility=hall_for(commune, unit, slug="asked", needs_approval=True),
                             starts_at=at(day, 14), ends_at=at(day, 18), audience="resident",
                             purpose="Réunion", attendees=10, name="Claire",
                             requester=resident)
    Event.objects.filter(pk=workshop.pk).update(places=1)
    workshop.refresh_from_db()
    registered = event_register(event=workshop, attendees=[{"name": "Léo"}], name="Claire",
                                requester=resident)
    waiting = event_register(event=workshop, attendees=[{"name": "Zoé"}], name="Claire",
                             requester=resident)
    return {"booked": booked, "cancelled": cancelled, "unpaid": unpaid, "paid": paid,
            "asked": asked, "registered": registered, "waiting": waiting, "day": day}


def card(page: str, case) -> str:
    """The text of one case's entry in the list."""
    for item in re.findall(r'<li class="my-case">(.*?)</li>', page, flags=re.S):
        if case.reference in item:
            return text(item)
    raise AssertionError(f"{case.reference} not in the list")


def test_each_booking_kind_shows_its_own_state_and_next_step(client, resident, commune, unit,
                                                             passport, workshop):
    made = book_everything(resident, commune, unit, passport, workshop)
    client.force_login(resident)
    page = client.get(reverse("portal:my_cases")).content.decode()
    day = f"{made['day']:%d}".lstrip("0")

    booked = card(page, made["booked"])
    assert "Rendez-vous confirmé le" in booked and f" {day} " in booked and "à 10 h 30" in booked
    assert "Présentez-vous le" in booked and "Mairie de Hayange, 1 place de la Mairie" in booked
    assert "Annuler ou déplacer le rendez-vous" in booked
    assert reverse("portal:appointment_manage", args=[made["booked"].appointment.token]) in page

    assert "Rendez-vous annulé" in card(page, made["cancelled"])

    unpaid = card(page, made["unpaid"])
    assert "Réservation en attente de paiement" in unpaid and "Payer 50,00 €" in unpaid
    assert reverse("portal:payment_start",
                   args=[made["unpaid"].payments.get().reference]) in page

    paid = card(page, made["paid"])
    assert "Réservation payée" in paid and "Créneau réservé : Salle paid, le" in paid
    assert "de 14 h à 18 h (2 rue des Écoles, 57700 Hayange)" in paid

    asked = card(page, made["asked"])
    assert "Réservation en attente de validation" in asked and "Réponse du service" in asked

    registered = card(page, made["registered"])
    assert "Inscrit" in registered and "Atelier vélo des vacances" in registered
    assert "Maison des jeunes" in registered and "Gérer mon inscription" in registered
    assert "Sur liste d'attente" in card(page, made["waiting"])

    for key in ("booked", "cancelled", "unpaid", "paid", "registered", "waiting"):
        entry = card(page, made[key])
        assert NEW_CASE not in entry and "Nouvelle" not in entry, key
        assert "Première réponse" not in entry and "Date annoncée" not in entry, key


def test_the_case_page_shows_the_same_state(client, resident, passport):
    case = appointment_book(type_=passport, starts_at=at(next_working_day(), 10, 30),
                            name="Claire", requester=resident)
    client.force_login(resident)
    page = text(client.get(reverse("portal:case_by_token", args=[case.token])).content.decode())
    assert "Rendez-vous confirmé le" in page and "Présentez-vous le" in page
    assert NEW_CASE not in page and "Date annoncée" not in page
    assert "Première réponse" not in page


def test_the_list_is_paginated_without_a_query_per_row(client, resident, commune, unit,
                                                      passport, workshop):
    client.force_login(resident)
    contact_submit(unit=unit, subject="Demande 0", message="…", requester=resident)
    client.get(reverse("portal:my_cases"))  # the session's first request records it
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("portal:my_cases"))
    # Then an appointment, bookings and registrations in every state, and more messages.
    book_everything(resident, commune, unit, passport, workshop)
    for n in range(1, 14):  # 21 cases: the first one goes to page 2
        contact_submit(unit=unit, subject=f"Demande {n}", message="…", requester=resident)
    with CaptureQueriesContext(connection) as many:
        html = client.get(reverse("portal:my_cases")).content.decode()
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]
    assert "Demande 13" in html and "Demande 0" not in html
    assert "Demande 0" in client.get(reverse("portal:my_cases") + "?page=2").content.decode()


def test_it_checks_ownership(client, case, other_resident):
    assert client.get(reverse("portal:my_cases")).status_code == 302
    client.force_login(other_resident)
    assert case.reference not in client.get(reverse("portal:my_cases")).content.decode()


def test_the_opinions_waiting_for_the_resident_are_listed(client, resident, other_resident,
                                                          case, agent, unit, open_survey):
    from guichet.cases.services import case_close
    from guichet.surveys.services import invitations_send, satisfaction_record

    case_close(case=case, acting_user=agent, message="C'est réparé.")
    invitations_send(survey=open_survey, segment="unit", value=str(unit.pk), acting_user=agent)
    client.force_login(resident)
    page = client.get(reverse("portal:my_cases")).content.decode()
    assert "Votre avis est attendu" in page
    assert f"Donner votre avis sur la demande {case.reference}" in page
    assert "Répondre au questionnaire « Votre avis sur la médiathèque »" in page
    satisfaction_link = re.search(r'href="(/satisfaction/[^"]+)"', page).group(1)
    assert "Pas du tout satisfait" in client.get(satisfaction_link).content.decode()
    # Once given, they are no longer asked; another resident never sees them.
    satisfaction_record(request=case.satisfaction, score=4)
    client.force_login(other_resident)
    assert "Votre avis est attendu" not in client.get(reverse("portal:my_cases")).content.decode()
    client.force_login(resident)
    page = client.get(reverse("portal:my_cases")).content.decode()
    assert "Donner votre avis" not in page and "Répondre au questionnaire" in page
