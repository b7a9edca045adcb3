import datetime as dt
import threading

import pytest
from django.core import mail
from django.db import connections
from django.utils import timezone

from guichet.appointments.tests.fixtures import at, next_working_day
from guichet.bookings.models import Event, FacilityBooking, Payment, PaymentLog, Registration
from guichet.bookings.payments import TestProvider, sign
from guichet.bookings.services import (
    BookingRefused,
    bookings_expire_holds,
    event_accept_offer,
    event_cancel,
    event_check_in,
    event_register,
    facility_decide,
    facility_request,
    payment_callback,
)
from guichet.cases.models import Status
from guichet.notifications.services import notifications_deliver_due


def request_hall(hall, day, start=14, end=18, audience="resident", **fields):
    fields.setdefault("email", "marc@exemple.fr")
    return facility_request(facility=hall, starts_at=at(day, start), ends_at=at(day, end),
                            audience=audience, purpose="Anniversaire", attendees=40,
                            name="Marc Blanc", **fields)


def test_a_paid_booking_is_held_until_paid_then_confirmed_with_a_receipt(hall):
    day = next_working_day(5)
    case = request_hall(hall, day)
    booking = case.facility_booking
    assert booking.status == FacilityBooking.Status.PENDING_PAYMENT
    assert booking.amount_cents == 8000  # one half-day at the residents' tariff
    payment = case.payments.get()
    with pytest.raises(BookingRefused, match="déjà réservé"):
        request_hall(hall, day, start=16, end=20, email="autre@exemple.fr")
    fields = TestProvider().callback_fields(payment, paid=True)
    assert payment_callback(provider_code="test", data=fields).status == Payment.Status.PAID
    booking.refresh_from_db()
    assert booking.status == FacilityBooking.Status.CONFIRMED
    # The same callback again changes nothing.
    payment_callback(provider_code="test", data=fields)
    assert PaymentLog.objects.filter(outcome="déjà traité : ignoré").count() == 1
    notifications_deliver_due()
    assert any("Reçu de paiement" in m.subject for m in mail.outbox)
    assert "Paiement reçu : 80,00 €" in case.events.get(kind="progress").body


def test_bad_callbacks_change_nothing_and_are_logged(hall):
    case = request_hall(hall, next_working_day(5))
    payment = case.payments.get()
    fields = TestProvider().callback_fields(payment, paid=True)
    assert payment_callback(provider_code="test", data={**fields, "signature": "0" * 64}) \
        is None
    assert payment_callback(provider_code="test", data={**fields, "amount": "1"}) is None
    forged = TestProvider().callback_fields(payment, paid=True)
    forged["reference"] = "inconnue"
    assert payment_callback(provider_code="test", data=forged) is None
    unknown = {"reference": "inconnue", "result": "paid", "amount": "8000",
               "currency": "EUR", "transaction": "T1"}
    unknown["signature"] = sign("inconnue", "paid", "8000", "EUR", "T1")
    assert payment_callback(provider_code="test", data=unknown) is None
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PENDING
    outcomes = list(PaymentLog.objects.values_list("outcome", flat=True))
    assert outcomes == ["refusé : signature invalide"] * 3 + ["refusé : référence inconnue"]


def test_an_unpaid_hold_expires_and_a_late_payment_is_flagged_for_refund(hall):
    day = next_working_day(5)
    case = request_hall(hall, day)
    FacilityBooking.objects.filter(case=case).update(
        hold_expires_at=timezone.now() - dt.timedelta(minutes=1))
    assert bookings_expire_holds() == 1
    case.refresh_from_db()
    assert case.status == Status.CLOSED
    request_hall(hall, day, email="autre@exemple.fr")  # the slot is free again
    payment = payment_callback(provider_code="test", data=TestProvider().callback_fields(
        case.payments.get(), paid=True))
    assert payment.status == Payment.Status.PAID and payment.refund_needed


def test_free_audiences_and_approval(hall, agent):
    hall.needs_approval = True
    hall.save()
    day = next_working_day(5)
    case = request_hall(hall, day, audience="association")
    booking = case.facility_booking
    assert booking.status == FacilityBooking.Status.REQUESTED and booking.amount_cents == 0
    other = request_hall(hall, day, audience="association", email="b@exemple.fr")  # may wait
    facility_decide(booking=booking, approve=True, acting_user=agent, message="Accordé.")
    booking.refresh_from_db()
    assert booking.status == FacilityBooking.Status.CONFIRMED
    with pytest.raises(BookingRefused, match="déjà réservé"):
        request_hall(hall, day, audience="association", email="c@exemple.fr")
    with pytest.raises(BookingRefused, match="réservé entre-temps"):
        facility_decide(booking=other.facility_booking, approve=True, acting_user=agent,
                        message="Accordé.")


@pytest.mark.parametrize("fields, message", [
    (dict(audience="internal"), "pas ouvert à ce public"),
    (dict(start=6, end=9), "ouvert de 08:00 à 23:00"),
])
def test_bad_requests(hall, fields, message):
    with pytest.raises(BookingRefused, match=message):
        request_hall(hall, next_working_day(5), **fields)


def children(*names):
    return [{"name": n} for n in names]


def test_a_full_event_puts_a_family_on_the_waiting_list_then_offers_the_freed_places(
        workshop, deliver):
    first = event_register(event=workshop, attendees=children("Léa", "Tom"), name="A",
                           email="a@exemple.fr")
    event_register(event=workshop, attendees=children("Zoé"), name="B", email="b@exemple.fr")
    waiting = event_register(event=workshop, attendees=children("Inès", "Noah"), name="C",
                             email="c@exemple.fr")
    workshop.refresh_from_db()
    assert workshop.places_taken == 3
    assert waiting.registration.status == Registration.Status.WAITLISTED
    event_cancel(registration=first.registration)
    waiting.registration.refresh_from_db()
    assert waiting.registration.status == Registration.Status.OFFERED
    workshop.refresh_from_db()
    assert workshop.places_taken == 3  # held for the family
    assert any("s'est libérée" in m.subject for m in deliver())
    event_accept_offer(registration=waiting.registration)
    waiting.registration.refresh_from_db()
    assert waiting.registration.status == Registration.Status.CONFIRMED


def test_an_offer_not_accepted_in_time_passes_on(workshop):
    event_register(event=workshop, attendees=children("A", "B", "C"), name="A",
                   email="a@exemple.fr")
    late = event_register(event=workshop, attendees=children("D"), name="D",
                          email="d@exemple.fr")
    next_one = event_register(event=workshop, attendees=children("E"), name="E",
                              email="e@exemple.fr")
    first = Registration.objects.get(case__requester_email="a@exemple.fr")
    event_cancel(registration=first)
    late.registration.refresh_from_db()
    next_one.registration.refresh_from_db()
    assert late.registration.status == Registration.Status.OFFERED
    assert next_one.registration.status == Registration.Status.OFFERED  # 3 places freed
    Registration.objects.filter(pk=late.registration.pk).update(
        offered_until=timezone.now() - dt.timedelta(minutes=1))
    assert bookings_expire_holds() == 1
    late.registration.refresh_from_db()
    assert late.registration.status == Registration.Status.CANCELLED


def test_check_in_and_permissions(workshop, agent, other_agent):
    case = event_register(event=workshop, attendees=children("Léa"), name="A",
                          email="a@exemple.fr")
    with pytest.raises(BookingRefused, match="pas habilité"):
        event_check_in(registration=case.registration, acting_user=other_agent)
    event_check_in(registration=case.registration, acting_user=agent)
    case.registration.refresh_from_db()
    assert case.registration.status == Registration.Status.PRESENT


@pytest.mark.django_db(transaction=True)
def test_concurrent_registrations_never_exceed_the_places(workshop):
    attempts = 30
    barrier = threading.Barrier(attempts)
    errors = []

    def register(n):
        try:
            barrier.wait()
            event_register(event=workshop, attendees=children(f"Enfant {n}"), name=f"P{n}",
                           email=f"p{n}@exemple.fr")
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=register, args=(n,)) for n in range(attempts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    workshop.refresh_from_db()
    assert workshop.places_taken == 3
    assert Registration.objects.filter(status="confirmed").count() == 3
    assert Registration.objects.filter(status="waitlisted").count() == attempts - 3
    assert Event.objects.get(pk=workshop.pk).places_taken <= workshop.places


def test_closed_days_and_photos_without_metadata(hall):
    from guichet.bookings.services import facility_photo_add
    from guichet.reports.tests.fixtures import jpeg

    day = next_working_day(5)
    hall.open_days = [d for d in range(7) if d != day.weekday()]
    hall.save()
    with pytest.raises(BookingRefused, match="n'ouvre pas ce jour-là"):
        request_hall(hall, day)
    photo = facility_photo_add(facility=hall, upload=jpeg(), alt="La grande salle")
    assert b"SERIAL-987" not in photo.image.read()


def test_a_signed_callback_for_another_amount_currency_or_provider_is_refused(hall):
    from guichet.journal.models import Entry

    case = request_hall(hall, next_working_day(5))
    payment = case.payments.get()
    test = TestProvider()

    def signed(**changes):
        fields = {**test.callback_fields(payment, paid=True), **changes}
        return {**fields, "signature": test.signature(fields)}

    assert payment_callback(provider_code="test", data=signed(amount="100")) is None
    assert payment_callback(provider_code="test", data=signed(currency="USD")) is None
    # A payment made with PayFiP is not paid by a test callback, even a well signed one.
    other = request_hall(hall, next_working_day(6), email="autre@exemple.fr").payments.get()
    Payment.objects.filter(pk=other.pk).update(provider="payfip")
    assert payment_callback(provider_code="test", data={
        **signed(reference=other.provider_reference, amount=str(other.amount_cents))}) is None
    assert payment_callback(provider_code="payfip", data={"idOp": "X"}) is None  # not on
    for p in (payment, other):
        p.refresh_from_db()
        assert p.status == Payment.Status.PENDING
        assert p.case.facility_booking.status == FacilityBooking.Status.PENDING_PAYMENT
    assert list(PaymentLog.objects.order_by("pk").values_list("outcome", flat=True)) == [
        "refusé : montant différent (1,00 € au lieu de 80,00 €)",
        "refusé : devise USD au lieu de EUR",
        "refusé : paiement du prestataire « payfip »",
        "refusé : prestataire « payfip » non activé"]
    journal = Entry.objects.filter(action=Entry.Action.PAYMENT_REFUSED).order_by("pk")
    assert [e.case for e in journal] == [case, case, other.case, None]


def test_without_online_payment_an_approved_paid_booking_says_how_much_to_pay(hall, agent,
                                                                              settings):
    settings.PAYMENT_PROVIDER = ""
    case = request_hall(hall, next_working_day(5))
    booking = case.facility_booking
    assert booking.status == FacilityBooking.Status.REQUESTED and booking.amount_cents == 8000
    facility_decide(booking=booking, approve=True, acting_user=agent,
                    message="C'est d'accord.")
    booking.refresh_from_db()
    assert booking.status == FacilityBooking.Status.CONFIRMED
    assert not Payment.objects.exists()
    reply = case.events.filter(kind="agent_message").get().body
    assert "Montant à régler : 80,00 €" in reply
