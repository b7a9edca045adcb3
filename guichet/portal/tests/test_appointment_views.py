import datetime as dt

import time_machine
from django.core import mail
from django.urls import reverse

from guichet.appointments.models import Appointment
from guichet.appointments.services import appointment_book
from guichet.appointments.tests.fixtures import at, next_working_day
from guichet.cases.models import Case
from guichet.lib.business_time import PARIS
from guichet.notifications.services import notifications_deliver_due
from guichet.portal.tests.helpers import link_in


def slots_url(type_):
    return reverse("portal:appointment_slots", args=[type_.agenda.slug, type_.slug])


def book_url(type_, starts_at):
    return reverse("portal:appointment_book", args=[type_.agenda.slug, type_.slug]) + \
        "?debut=" + starts_at.isoformat().replace("+", "%2B")


def test_the_slots_page_shows_the_next_free_slot_and_a_week(client, passport):
    # Monday 7 December 2026 at 08:00: the whole week is ahead (2 hours' notice).
    with time_machine.travel(dt.datetime(2026, 12, 7, 8, tzinfo=PARIS), tick=False):
        html = client.get(slots_url(passport)).content.decode()
    assert "Prochain créneau disponible" in html
    assert "09:00" in html and "16:45" in html
    assert "Apportez une photo" in html and "boucle magnétique" in html
    assert reverse("portal:appointment_book", args=["titres", "passeport"]) in html


def test_booking_without_an_account_then_cancelling_from_the_email(client, passport):
    day = next_working_day()
    response = client.post(book_url(passport, at(day, 10)), {
        "name": "Marc Blanc", "email": "marc@exemple.fr", "phone": "06 11 22 33 44"})
    case = Case.objects.get()
    assert response["Location"] == reverse("portal:confirmation", args=[case.token])
    html = client.get(response["Location"]).content.decode()
    assert "Mairie de Hayange" in html and "rendez-vous.ics" not in html
    assert reverse("portal:appointment_ics", args=[case.token]) in html
    ics = client.get(reverse("portal:appointment_ics", args=[case.token]))
    assert ics["Content-Type"] == "text/calendar" and b"BEGIN:VEVENT" in ics.content
    notifications_deliver_due()
    manage = link_in(next(m for m in mail.outbox if "confirmé" in m.subject)
                     ).split("\n")[0]
    assert "Annuler ce rendez-vous" in client.get(manage).content.decode()
    html = client.post(manage + "annuler/").content.decode()
    assert "Votre rendez-vous est annulé" in html
    assert client.get(manage).status_code == 404  # the link worked once
    assert "plus valable" in client.get(manage).content.decode()


def test_a_taken_slot_is_refused_with_other_slots_and_the_form_kept(client, passport):
    day = next_working_day()
    for email in ("a@exemple.fr", "b@exemple.fr"):
        appointment_book(type_=passport, starts_at=at(day, 11), name="X", email=email)
    response = client.post(book_url(passport, at(day, 11)), {"name": "Marc Blanc",
                                                              "email": "marc@exemple.fr"})
    html = response.content.decode()
    assert response.status_code == 409
    assert "n&#x27;est plus disponible" in html and "Prochains créneaux libres" in html
    assert 'value="Marc Blanc"' in html


def test_form_errors_are_explained(client, passport):
    html = client.post(book_url(passport, at(next_working_day(), 11)),
                       {"name": "", "email": "pas-une-adresse"}).content.decode()
    assert "Ce champ est obligatoire" in html and "adresse de courriel valide" in html


def test_moving_from_the_manage_page(client, passport):
    day = next_working_day()
    appointment = appointment_book(type_=passport, starts_at=at(day, 9), name="X",
                                   email="x@exemple.fr").appointment
    url = reverse("portal:appointment_move", args=[appointment.token])
    response = client.post(url, {"debut": at(day, 15).isoformat()})
    appointment.refresh_from_db()
    assert appointment.starts_at == at(day, 15)
    assert response["Location"] == reverse("portal:appointment_manage",
                                           args=[appointment.token])


def test_waiting_list(client, passport):
    url = reverse("portal:appointment_waitlist", args=["titres", "passeport"])
    html = client.post(url, {"email": "x@exemple.fr", "before": "pas une date"}
                       ).content.decode()
    assert "Saisissez une date valide" in html
    response = client.post(url, {"email": "x@exemple.fr", "before": "2030-01-01"}, follow=True)
    assert "nous vous écrirons" in response.content.decode()


def test_signed_in_resident_is_prefilled(client, passport, resident):
    client.force_login(resident)
    html = client.get(book_url(passport, at(next_working_day(), 11))).content.decode()
    assert 'value="Alice Durand"' in html and "alice@exemple.fr" in html


def test_it_checks_ownership(client, passport):
    """A manage link only opens its own appointment; a forged or spent one gives a clear page;
    a type not bookable online is not offered."""
    day = next_working_day()
    mine = appointment_book(type_=passport, starts_at=at(day, 9), name="X",
                            email="x@exemple.fr").appointment
    forged = client.get(reverse("portal:appointment_manage", args=["faux-jeton"]))
    assert forged.status_code == 404 and "plus valable" in forged.content.decode()
    assert client.post(reverse("portal:appointment_cancel", args=["faux"])).status_code == 404
    mine.refresh_from_db()
    assert mine.status == Appointment.Status.BOOKED
    passport.bookable_online = False
    passport.save()
    assert client.get(slots_url(passport)).status_code == 404


def test_the_ics_of_an_account_s_appointment_follows_the_case_page_rule(client, passport,
                                                                        resident,
                                                                        other_resident):
    """Before, anyone with the case token got the .ics, and its cancel/move link, even for a
    case the case page only opens to its account."""
    case = appointment_book(type_=passport, starts_at=at(next_working_day(), 9), name="",
                            requester=resident)
    ics = reverse("portal:appointment_ics", args=[case.token])
    anonymous = client.get(ics)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith(
        reverse("portal:login"))
    client.force_login(other_resident)
    assert client.get(ics).status_code == 404
    client.force_login(resident)
    mine = client.get(ics)
    assert mine.status_code == 200 and b"BEGIN:VEVENT" in mine.content


def test_days_gone_by_and_past_hours_are_not_offered(client, passport):
    # Thursday 3 December 2026 at 10:00: Monday to Wednesday are over, and so is the morning
    # (the motif needs 2 hours' notice).
    with time_machine.travel(dt.datetime(2026, 12, 3, 10, tzinfo=PARIS), tick=False):
        html = client.get(slots_url(passport)).content.decode()
    for gone in ("lundi 30 novembre", "mardi 1 décembre", "mercredi 2 décembre"):
        assert gone not in html
    today = html.split('id="jour-20261203"')[1].split("</section>")[0]
    assert "14:00" in today and "09:00" not in today and "11:45" not in today
    assert "vendredi 4 décembre" in html and "Aucun créneau libre" not in html


def test_on_a_saturday_the_page_opens_on_the_week_of_the_first_free_slot(client, passport):
    # Saturday 5 December 2026: nothing is left this week, Monday 7 is the first free day.
    with time_machine.travel(dt.datetime(2026, 12, 5, 10, tzinfo=PARIS), tick=False):
        html = client.get(slots_url(passport)).content.decode()
        asked = client.get(slots_url(passport) + "?semaine=2026-12-05").content.decode()
    monday = html.split('id="jour-20261207"')[1].split("</section>")[0]
    assert "09:00" in monday and "Aucun créneau libre" not in monday
    assert 'id="jour-20261207"' not in asked  # a week asked for is the week shown
