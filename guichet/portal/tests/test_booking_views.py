from django.urls import reverse

from guichet.appointments.tests.fixtures import next_working_day
from guichet.bookings.models import FacilityBooking, Payment, Registration
from guichet.bookings.services import event_register
from guichet.cases.models import Case


def hall_form(day, **fields):
    return {"day": day.isoformat(), "starts": "14:00", "ends": "18:00", "audience": "resident",
            "purpose": "Anniversaire", "attendees": "40", "name": "Marc Blanc",
            "email": "marc@exemple.fr", **fields}


def test_booking_and_paying_a_hall_through_the_test_provider(client, hall):
    day = next_working_day(5)
    page = client.get(reverse("portal:facility", args=[hall.slug])).content.decode()
    assert "Habitant de la commune : 80,00 €" in page and "Association : gratuit" in page
    response = client.post(reverse("portal:facility", args=[hall.slug]), hall_form(day))
    payment = Payment.objects.get()
    assert response["Location"] == reverse("portal:payment_start", args=[payment.reference])
    assert "Payer 80,00 €" in client.get(response["Location"]).content.decode()
    bank = client.post(response["Location"])["Location"]
    assert bank == reverse("portal:payment_test_bank", args=[payment.reference])
    back = client.post(bank, {"result": "paid"})
    html = client.get(back["Location"]).content.decode()
    assert "Paiement reçu" in html
    receipt = client.get(reverse("portal:payment_receipt", args=[payment.reference]))
    assert receipt["Content-Type"] == "application/pdf" and receipt.content.startswith(b"%PDF")
    assert FacilityBooking.objects.get().status == FacilityBooking.Status.CONFIRMED
    # The week's availability now shows the slot as taken.
    week = client.get(reverse("portal:facility", args=[hall.slug]),
                      {"semaine": day.isoformat()}).content.decode()
    assert "14:00–18:00" in week


def test_errors_on_the_hall_form(client, hall):
    day = next_working_day(5)
    html = client.post(reverse("portal:facility", args=[hall.slug]),
                       hall_form(day, ends="13:00", purpose="")).content.decode()
    assert "L&#x27;heure de fin doit être après" in html and "Ce champ est obligatoire" in html
    client.post(reverse("portal:facility", args=[hall.slug]), hall_form(day))
    html = client.post(reverse("portal:facility", args=[hall.slug]),
                       hall_form(day, email="autre@exemple.fr")).content.decode()
    assert "déjà réservé" in html
    assert 'value="Anniversaire"' in html


def test_registering_two_children_on_the_waiting_list(client, workshop):
    event_register(event=workshop, attendees=[{"name": n} for n in ("A", "B", "C")],
                   name="X", email="x@exemple.fr")
    html = client.get(reverse("portal:event", args=[workshop.slug])).content.decode()
    assert "Complet" in html and "liste d'attente" in html
    response = client.post(reverse("portal:event", args=[workshop.slug]), {
        "attendee_1": "Inès Durand", "attendee_2": "Noah Durand", "attendee_3": "",
        "name": "Alice Durand", "email": "alice@exemple.fr"})
    registration = Registration.objects.get(case__requester_email="alice@exemple.fr")
    assert registration.status == Registration.Status.WAITLISTED and registration.count == 2
    page = client.get(response["Location"]).content.decode()
    assert "Sur liste d&#x27;attente" in page and "Inès Durand, Noah Durand" in page


def test_it_checks_ownership(client, hall, workshop, other_resident):
    """A receipt is for the payer only; a registration link for its holder only."""
    client.post(reverse("portal:facility", args=[hall.slug]), hall_form(next_working_day(5)))
    payment = Payment.objects.get()
    client.post(reverse("portal:payment_test_bank", args=[payment.reference]),
                {"result": "paid"})
    other = client.__class__()
    other.force_login(other_resident)
    assert other.get(reverse("portal:payment_receipt",
                             args=[payment.reference])).status_code == 404
    assert other.get(reverse("portal:registration_manage",
                             args=["faux"])).status_code == 404
    assert Case.objects.count() == 1


def test_event_questions_are_asked_and_kept(client, workshop):
    workshop.questions = [{"code": "allergies", "label": "Allergies", "required": True}]
    workshop.save()
    url = reverse("portal:event", args=[workshop.slug])
    html = client.post(url, {"attendee_1": "Léa", "name": "Anne", "email": "a@exemple.fr",
                             "q_allergies": ""}).content.decode()
    assert "Allergies" in html and "Ce champ est obligatoire" in html
    client.post(url, {"attendee_1": "Léa", "name": "Anne", "email": "a@exemple.fr",
                      "q_allergies": "Arachides"})
    assert Registration.objects.get().answers == {"allergies": "Arachides"}


def test_without_online_payment_a_paid_hall_is_validated_by_the_service(client, hall,
                                                                        settings):
    settings.PAYMENT_PROVIDER = ""  # the default in production
    page = client.get(reverse("portal:facility", args=[hall.slug])).content.decode()
    assert "Le paiement en ligne n&#x27;est pas disponible" in page
    assert "Votre demande est validée par le service" in page
    response = client.post(reverse("portal:facility", args=[hall.slug]),
                           hall_form(next_working_day(5)))
    case = Case.objects.get()
    assert response["Location"] == reverse("portal:confirmation", args=[case.token])
    assert case.facility_booking.status == FacilityBooking.Status.REQUESTED
    assert not Payment.objects.exists()
    assert "Montant : 80,00 €. Le paiement en ligne n'est pas disponible" in \
        case.events.get(kind="progress").body


def test_the_test_bank_and_its_callback_work_only_when_the_test_provider_is_on(client, hall,
                                                                              settings):
    from guichet.bookings.payments import TestProvider
    from guichet.journal.models import Entry

    client.post(reverse("portal:facility", args=[hall.slug]), hall_form(next_working_day(5)))
    payment = Payment.objects.get()
    settings.PAYMENT_PROVIDER = "payfip"  # production: the test bank must not mark it paid
    bank = reverse("portal:payment_test_bank", args=[payment.reference])
    assert client.get(bank).status_code == 404
    assert client.post(bank, {"result": "paid"}).status_code == 404
    start = reverse("portal:payment_start", args=[payment.reference])
    assert "Le paiement en ligne n'est pas disponible pour le moment" in \
        client.get(start).content.decode()
    assert client.post(start).status_code == 200  # no redirection to the test bank
    callback = client.post(reverse("portal:payment_callback", args=["test"]),
                           TestProvider().callback_fields(payment, paid=True))
    assert callback.status_code == 400 and callback.content == b"REFUSED"
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PENDING
    assert FacilityBooking.objects.get().status == FacilityBooking.Status.PENDING_PAYMENT
    entry = Entry.objects.get(action=Entry.Action.PAYMENT_REFUSED)
    assert entry.case == payment.case and "non activé" in entry.details["reason"]


def test_a_closed_hall_shows_closed_refuses_the_booking_and_is_an_alert(client, hall):
    import datetime as dt

    from guichet.bookings.models import FacilityClosure
    from guichet.lib.business_time import PARIS

    day = next_working_day(5)
    FacilityClosure.objects.create(
        facility=hall, starts_at=dt.datetime.combine(day, dt.time(8), PARIS),
        ends_at=dt.datetime.combine(day, dt.time(20), PARIS), reason="Travaux de peinture")
    week = client.get(reverse("portal:facility", args=[hall.slug]),
                      {"semaine": day.isoformat()}).content.decode()
    assert "<strong>Fermé</strong>" in week and "Travaux de peinture" in week
    html = client.post(reverse("portal:facility", args=[hall.slug]),
                       hall_form(day)).content.decode()
    assert "Salle des fêtes est fermé jusqu&#x27;au" in html and "à 20:00" in html
    assert 'value="Anniversaire"' in html  # what was typed is kept
    assert not FacilityBooking.objects.exists()
    alerts = client.get(reverse("portal:alerts")).content.decode()
    assert "Salle des fêtes : fermé" in alerts and "Fermeture d&#x27;un équipement" in alerts
    feed = client.get(reverse("portal:alerts_rss")).content.decode()
    assert "Salle des fêtes : fermé" in feed
    # The day after is bookable again.
    client.post(reverse("portal:facility", args=[hall.slug]),
                hall_form(day + dt.timedelta(days=1 if day.weekday() < 4 else 3)))
    assert FacilityBooking.objects.count() == 1
