"""Facility bookings, event registrations and their payments. Each request is a Case of kind
`booking`; every change writes its timeline."""

from __future__ import annotations

import datetime as dt
import logging
import math

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from guichet.cases.models import Case, Channel
from guichet.cases.selectors import agent_can_handle
from guichet.cases.services import (
    CaseError,
    case_cancel,
    case_change_status,
    case_create,
    case_record_progress,
    case_reply,
)
from guichet.cases.webhooks import case_webhook
from guichet.journal.models import Entry
from guichet.journal.services import journal_record
from guichet.lib.business_time import PARIS
from guichet.lib.urls import absolute_url
from guichet.notifications.services import notification_queue

from .models import (
    Event,
    Facility,
    FacilityBooking,
    FacilityPhoto,
    Payment,
    PaymentLog,
    Registration,
)
from .payments import CURRENCY, PROVIDERS, CallbackError, enabled_provider, is_enabled

logger = logging.getLogger(__name__)

NO_ONLINE_PAYMENT = ("Le paiement en ligne n'est pas disponible : le service valide votre "
                     "demande et vous indique comment régler.")


class BookingRefused(CaseError):
    def __init__(self, message: str, *, field: str = ""):
        super().__init__(message)
        self.field = field


def euros(cents: int) -> str:
    return f"{cents / 100:.2f} €".replace(".", ",")


def _when(moment: dt.datetime) -> str:
    local = timezone.localtime(moment, PARIS)
    return f"{date_format(local, 'l j F Y')} à {local:%H:%M}"


def _notify(case: Case, template: str, **context) -> None:
    if case.requester_email:
        notification_queue(template=template, recipient=case.requester_email, case=case,
                           user=case.requester, mandatory=True,
                           context={"case": case, **context})


# --- Facilities ----------------------------------------------------------------------------

def facility_price(facility: Facility, audience: str, starts_at: dt.datetime,
                   ends_at: dt.datetime) -> int:
    """Price in cents: the audience's tariff per half-day, day or hour booked (no tariff: free).
    """
    tariff = facility.tariffs.filter(audience=audience).first()
    if tariff is None or not tariff.price_cents:
        return 0
    hours = (ends_at - starts_at).total_seconds() / 3600
    units = {Facility.Unit.HOURS: math.ceil(hours), Facility.Unit.HALF_DAY: math.ceil(hours / 5),
             Facility.Unit.DAY: math.ceil(hours / 24)}[facility.booking_unit]
    return tariff.price_cents * max(1, units)


def facility_busy(facility: Facility, starts_at: dt.datetime, ends_at: dt.datetime,
                  exclude: int | None = None):
    now = timezone.now()
    busy = facility.bookings.filter(status__in=FacilityBooking.BLOCKING, starts_at__lt=ends_at,
                                    ends_at__gt=starts_at).exclude(
        status=FacilityBooking.Status.PENDING_PAYMENT, hold_expires_at__lt=now)
    return busy.exclude(pk=exclude) if exclude else busy


def _check_request(facility: Facility, starts_at, ends_at, audience: str) -> None:
    if not facility.is_active:
        raise BookingRefused("Cet équipement ne se réserve pas en ligne.")
    if audience not in facility.audiences:
        raise BookingRefused("Cet équipement n'est pas ouvert à ce public.", field="audience")
    if ends_at <= starts_at:
        raise BookingRefused("La fin doit être après le début.", field="ends_at")
    now = timezone.now()
    if starts_at < now:
        raise BookingRefused("Cette date est passée.", field="starts_at")
    if starts_at > now + dt.timedelta(days=facility.max_days_ahead):
        raise BookingRefused(f"On ne peut pas réserver plus de {facility.max_days_ahead} jours "
                             "à l'avance.", field="starts_at")
    local_start, local_end = (timezone.localtime(starts_at, PARIS),
                              timezone.localtime(ends_at, PARIS))
    if facility.open_days and local_start.weekday() not in facility.open_days:
        raise BookingRefused(f"{facility.name} n'ouvre pas ce jour-là.", field="starts_at")
    if (local_start.time() < facility.opens or local_end.time() > facility.closes
            or local_start.date() != local_end.date()):
        raise BookingRefused(f"L'équipement est ouvert de {facility.opens:%H:%M} à "
                             f"{facility.closes:%H:%M}, sur une même journée.",
                             field="starts_at")
    closure = facility.closures.filter(starts_at__lt=ends_at, ends_at__gt=starts_at).first()
    if closure is not None:
        raise BookingRefused(f"{facility.name} est fermé jusqu'au {_when(closure.ends_at)}"
                             + (f" ({closure.reason})" if closure.reason else "")
                             + ". Choisissez un autre moment.", field="starts_at")


def facility_request(*, facility: Facility, starts_at: dt.datetime, ends_at: dt.datetime,
                     audience: str, purpose: str, attendees: int, name: str, email: str = "",
                     phone: str = "", requester=None, channel: str = Channel.WEB,
                     acting_user=None) -> Case:
    """A booking request. Free and without approval: confirmed at once. Paid without approval:
    the place is held while the resident pays. Otherwise an agent approves it."""
    _check_request(facility, starts_at, ends_at, audience)
    if attendees > facility.capacity:
        raise BookingRefused(f"{facility.name} accueille {facility.capacity} personnes au plus.",
                             field="attendees")
    amount = facility_price(facility, audience, starts_at, ends_at)
    with transaction.atomic():
        Facility.objects.select_for_update().get(pk=facility.pk)  # one booking at a time
        if facility_busy(facility, starts_at, ends_at).exists():
            raise BookingRefused("Ce créneau est déjà réservé : choisissez un autre horaire.",
                                 field="starts_at")
        # Without online payment, a paid booking is validated by an agent, who says how to pay.
        if facility.needs_approval or (amount and enabled_provider() is None):
            status = FacilityBooking.Status.REQUESTED
        elif amount:
            status = FacilityBooking.Status.PENDING_PAYMENT
        else:
            status = FacilityBooking.Status.CONFIRMED
        case = case_create(
            kind="booking", channel=channel, organisation=facility.organisation,
            unit=facility.unit, subject=f"Réservation : {facility.name}, {_when(starts_at)}"[:200],
            message=f"{purpose} ({attendees} personnes).", requester=requester,
            requester_name=name, requester_email=email, requester_phone=phone,
            acting_user=acting_user,
            announce_first_response=status == FacilityBooking.Status.REQUESTED)
        FacilityBooking.objects.create(
            case=case, facility=facility, starts_at=starts_at, ends_at=ends_at,
            audience=audience, purpose=purpose, attendees=attendees, status=status,
            amount_cents=amount, hold_expires_at=_hold() if status ==
            FacilityBooking.Status.PENDING_PAYMENT else None)
        if status == FacilityBooking.Status.PENDING_PAYMENT:
            payment_create(case=case, amount_cents=amount,
                           label=f"Réservation {facility.name} — {case.reference}")
        elif amount and enabled_provider() is None:
            case_record_progress(case=case, body=f"Montant : {euros(amount)}. "
                                                 f"{NO_ONLINE_PAYMENT}")
    return case


def facility_needs_validation(facility: Facility) -> bool:
    """What the facility's page announces: validated by an agent, or booked at once (a paid
    booking is validated when there is no online payment)."""
    if facility.needs_approval:
        return True
    return enabled_provider() is None and any(t.price_cents for t in facility.tariffs.all())


def _hold() -> dt.datetime:
    return timezone.now() + dt.timedelta(minutes=settings.PAYMENT_HOLD_MINUTES)


@transaction.atomic
def facility_decide(*, booking: FacilityBooking, approve: bool, acting_user,
                    message: str) -> FacilityBooking:
    """An agent approves (the place is then blocked, or held until paid) or refuses, with a
    message to the resident."""
    if not agent_can_handle(acting_user, booking.case):
        raise BookingRefused("Vous n'êtes pas habilité à traiter cette réservation.")
    Facility.objects.select_for_update().get(pk=booking.facility_id)
    booking = FacilityBooking.objects.select_related("case", "facility").get(pk=booking.pk)
    if booking.status != FacilityBooking.Status.REQUESTED:
        raise BookingRefused("Cette demande a déjà été traitée.")
    if not message.strip():
        raise BookingRefused("Écrivez un message à l'usager.", field="message")
    if approve:
        if facility_busy(booking.facility, booking.starts_at, booking.ends_at,
                         exclude=booking.pk).exists():
            raise BookingRefused("Le créneau a été réservé entre-temps : refusez cette demande "
                                 "ou proposez un autre horaire à l'usager.")
        if booking.amount_cents and enabled_provider() is None:
            booking.status = FacilityBooking.Status.CONFIRMED
            message += (f"\n\nMontant à régler : {euros(booking.amount_cents)}. Le paiement en "
                        "ligne n'est pas disponible : le service vous indique comment payer.")
        elif booking.amount_cents:
            booking.status, booking.hold_expires_at = (FacilityBooking.Status.PENDING_PAYMENT,
                                                       _hold())
            payment = payment_create(case=booking.case, amount_cents=booking.amount_cents,
                                     label=f"Réservation {booking.facility.name} — "
                                           f"{booking.case.reference}")
            pay_url = absolute_url(reverse("portal:payment_start", args=[payment.reference]))
            message += (f"\n\nPour confirmer, payez {euros(booking.amount_cents)} en ligne avant"
                        f" {_when(booking.hold_expires_at)} : {pay_url}")
        else:
            booking.status = FacilityBooking.Status.CONFIRMED
        booking.save(update_fields=["status", "hold_expires_at"])
        case_reply(case=booking.case, agent=acting_user, body=message)
    else:
        booking.status = FacilityBooking.Status.REFUSED
        booking.save(update_fields=["status"])
        case_reply(case=booking.case, agent=acting_user, body=message)
        case_change_status(case=booking.case, status="rejected", acting_user=acting_user)
    return booking


def bookings_expire_holds(*, now: dt.datetime | None = None) -> int:
    """Unpaid holds past their time free the place (facilities) or pass it on (events)."""
    now = now or timezone.now()
    expired = 0
    for booking in FacilityBooking.objects.filter(status=FacilityBooking.Status.PENDING_PAYMENT,
                                                  hold_expires_at__lt=now).select_related("case"):
        with transaction.atomic():
            if FacilityBooking.objects.filter(
                    pk=booking.pk, status=FacilityBooking.Status.PENDING_PAYMENT).update(
                    status=FacilityBooking.Status.EXPIRED):
                case_cancel(case=booking.case, reason="Réservation non payée à temps : le "
                                                      "créneau est libéré.")
                expired += 1
    for registration in Registration.objects.filter(status=Registration.Status.OFFERED,
                                                    offered_until__lt=now):
        with transaction.atomic():
            if Registration.objects.filter(pk=registration.pk,
                                           status=Registration.Status.OFFERED).update(
                    status=Registration.Status.CANCELLED):
                Event.objects.filter(pk=registration.event_id).update(
                    places_taken=F("places_taken") - registration.count)
                case_cancel(case=registration.case,
                            reason="La place proposée n'a pas été acceptée à temps.")
                event_offer_places(event=registration.event)
                expired += 1
    return expired


# --- Payments ------------------------------------------------------------------------------

def payment_create(*, case: Case, amount_cents: int, label: str) -> Payment:
    """A payment to make with the provider that is on (never called without one)."""
    provider = enabled_provider()
    if provider is None:
        raise BookingRefused(NO_ONLINE_PAYMENT)
    payment = Payment(case=case, amount_cents=amount_cents, label=label, provider=provider.code)
    payment.provider_reference = provider.new_reference(payment)
    payment.save()
    return payment


def payment_available(payment: Payment) -> bool:
    """Can this payment be made online now (its provider is the one that is on)?"""
    return is_enabled(payment.provider)


def _refuse(reason: str, *, provider_code: str, data, reference: str = "",
            payment: Payment | None = None) -> None:
    """A callback that changes nothing: in the payment log, the server's log and the journal."""
    reference = reference or str(data.get("reference", "") or data.get("idOp", ""))
    PaymentLog.objects.create(payment=payment, reference=reference[:100],
                              outcome=f"refusé : {reason}"[:200], data=dict(data))
    logger.warning("Payment callback refused (%s, reference %s): %s", provider_code,
                   reference[:100], reason)
    journal_record(actor=None, action=Entry.Action.PAYMENT_REFUSED,
                   case=payment.case if payment else None, provider=provider_code,
                   reference=reference[:100], reason=reason,
                   payment=payment.pk if payment else None)


def payment_callback(*, provider_code: str, data: dict) -> Payment | None:
    """Apply a provider's callback, once. It is believed only from the provider that is on,
    authenticated (signature, or PayFiP's status service), for a payment of that provider,
    for its amount and in euros; anything else changes nothing and is logged and journaled.
    A payment confirmed after the hold expired is kept and flagged for a refund."""
    if not is_enabled(provider_code):
        # Nothing in it is believed; the payment it names, if any, only dates the attempt.
        named = str(data.get("reference", ""))
        _refuse(f"prestataire « {provider_code} » non activé", provider_code=provider_code,
                data=data, payment=Payment.objects.select_related("case").filter(
                    provider_reference=named).first() if named else None)
        return None
    try:
        result = PROVIDERS[provider_code].parse_callback(data)
    except (CallbackError, KeyError) as exc:
        _refuse(str(exc), provider_code=provider_code, data=data)
        return None
    with transaction.atomic():
        payment = (Payment.objects.select_for_update().select_related("case")
                   .filter(provider_reference=result.provider_reference).first())
        problem = None
        if payment is None:
            problem = "référence inconnue"
        elif payment.provider != provider_code:
            problem = f"paiement du prestataire « {payment.provider} »"
        elif result.amount_cents != payment.amount_cents:
            problem = (f"montant différent ({euros(result.amount_cents)} au lieu de "
                       f"{euros(payment.amount_cents)})")
        elif result.currency != CURRENCY:
            problem = f"devise {result.currency} au lieu de {CURRENCY}"
        if problem:
            _refuse(problem, provider_code=provider_code, data=data, payment=payment,
                    reference=result.provider_reference)
            return None
        if payment.status != Payment.Status.PENDING:
            PaymentLog.objects.create(payment=payment, reference=payment.reference,
                                      outcome="déjà traité : ignoré", data=dict(data))
            return payment
        if not result.paid:
            payment.status = Payment.Status.FAILED
            payment.save(update_fields=["status"])
            PaymentLog.objects.create(payment=payment, reference=payment.reference,
                                      outcome="paiement refusé", data=dict(data))
            return payment
        payment.status, payment.paid_at = Payment.Status.PAID, timezone.now()
        payment.provider_transaction = result.transaction
        confirmed = _confirm_paid(payment)
        payment.refund_needed = not confirmed
        payment.save()
        PaymentLog.objects.create(payment=payment, reference=payment.reference,
                                  outcome="payé" if confirmed else "payé hors délai : à "
                                                                   "rembourser",
                                  data=dict(data))
        case_record_progress(case=payment.case, body=(
            f"Paiement reçu : {euros(payment.amount_cents)} (transaction "
            f"{payment.provider_transaction}). Reçu disponible dans votre espace."
            if confirmed else
            f"Paiement reçu après l'expiration de la réservation : "
            f"{euros(payment.amount_cents)} seront remboursés."))
        _notify(payment.case, "payment_receipt", payment=payment, confirmed=confirmed,
                amount=euros(payment.amount_cents),
                receipt_path=reverse("portal:payment_receipt", args=[payment.reference]))
        case_webhook(payment.case, "booking.paid", payment={
            "reference": payment.reference, "amount_cents": payment.amount_cents,
            "currency": CURRENCY, "paid_at": payment.paid_at.isoformat(),
            "confirmed": confirmed})
    return payment


def _confirm_paid(payment: Payment) -> bool:
    booking = FacilityBooking.objects.filter(case=payment.case).first()
    if booking is not None:
        if booking.status != FacilityBooking.Status.PENDING_PAYMENT:
            return False
        booking.status, booking.hold_expires_at = FacilityBooking.Status.CONFIRMED, None
        booking.save(update_fields=["status", "hold_expires_at"])
        return True
    return False


# --- Events --------------------------------------------------------------------------------

def event_register(*, event: Event, attendees: list[dict], name: str, email: str = "",
                   phone: str = "", requester=None, answers: dict | None = None,
                   channel: str = Channel.WEB, acting_user=None) -> Case:
    """Register one person or a family. If the places are there, confirmed at once (taken by a
    conditional update); otherwise on the waiting list, in order."""
    if not event.is_published or event.starts_at <= timezone.now():
        raise BookingRefused("Les inscriptions à cet événement sont closes.")
    attendees = [a for a in attendees if a.get("name", "").strip()]
    if not attendees:
        raise BookingRefused(f"Indiquez au moins un {event.attendee_label.lower()}.",
                             field="attendees")
    if len(attendees) > event.max_attendees:
        raise BookingRefused(f"{event.max_attendees} {event.attendee_label.lower()}s au plus "
                             "par inscription.", field="attendees")
    count = len(attendees)
    with transaction.atomic():
        taken = Event.objects.filter(pk=event.pk, places_taken__lte=F("places") - count).update(
            places_taken=F("places_taken") + count)
        status = Registration.Status.CONFIRMED if taken else Registration.Status.WAITLISTED
        case = case_create(
            kind="booking", channel=channel, organisation=event.organisation, unit=event.unit,
            subject=f"Inscription : {event.title}"[:200],
            message=", ".join(a["name"] for a in attendees), requester=requester,
            requester_name=name, requester_email=email, requester_phone=phone,
            acting_user=acting_user, announce_first_response=False)
        registration = Registration.objects.create(case=case, event=event, attendees=attendees,
                                                   count=count, status=status,
                                                   answers=answers or {})
        _notify(case, "event_registration", registration=registration, event=event,
                when=_when(event.starts_at),
                manage_path=reverse("portal:registration_manage", args=[registration.token]))
    return case


def event_can_cancel(registration: Registration) -> bool:
    limit = registration.event.starts_at - dt.timedelta(
        hours=registration.event.cancel_delay_hours)
    return registration.status != Registration.Status.CANCELLED and timezone.now() < limit


@transaction.atomic
def event_cancel(*, registration: Registration, by_service: bool = False,
                 acting_user=None) -> Registration:
    registration = Registration.objects.select_for_update().select_related("event", "case").get(
        pk=registration.pk)
    if registration.status == Registration.Status.CANCELLED:
        raise BookingRefused("Cette inscription est déjà annulée.")
    if by_service and not agent_can_handle(acting_user, registration.case):
        raise BookingRefused("Vous n'êtes pas habilité à gérer cette inscription.")
    if not by_service and not event_can_cancel(registration):
        raise BookingRefused(f"La désinscription en ligne est possible jusqu'à "
                             f"{registration.event.cancel_delay_hours} heures avant : appelez "
                             "le service.")
    held = registration.status in Registration.HOLDING
    registration.status = Registration.Status.CANCELLED
    registration.token = Registration._meta.get_field("token").default()
    registration.save(update_fields=["status", "token"])
    case_cancel(case=registration.case, user=acting_user, reason="Inscription annulée.")
    if held:
        Event.objects.filter(pk=registration.event_id).update(
            places_taken=F("places_taken") - registration.count)
        event_offer_places(event=registration.event)
    return registration


def event_offer_places(*, event: Event) -> int:
    """Offer freed places to the waiting list in order; a family that does not fit waits while
    a smaller one behind it may be offered. The places are held until accepted or expired."""
    offered = 0
    for registration in event.registrations.filter(status=Registration.Status.WAITLISTED
                                                   ).order_by("created_at", "pk"):
        taken = Event.objects.filter(pk=event.pk, places_taken__lte=F("places") -
                                     registration.count).update(
            places_taken=F("places_taken") + registration.count)
        if not taken:
            continue
        registration.status = Registration.Status.OFFERED
        registration.offered_until = timezone.now() + dt.timedelta(hours=event.offer_hours)
        registration.save(update_fields=["status", "offered_until"])
        case_record_progress(case=registration.case, body="Une place s'est libérée : elle vous "
                                                           "est proposée.")
        _notify(registration.case, "event_offer", registration=registration, event=event,
                when=_when(event.starts_at), until=_when(registration.offered_until),
                manage_path=reverse("portal:registration_manage", args=[registration.token]))
        offered += 1
    return offered


@transaction.atomic
def event_accept_offer(*, registration: Registration) -> Registration:
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if registration.status != Registration.Status.OFFERED:
        raise BookingRefused("Aucune place ne vous est proposée pour cette inscription.")
    if registration.offered_until and registration.offered_until < timezone.now():
        raise BookingRefused("Le délai pour accepter cette place est passé.")
    registration.status, registration.offered_until = Registration.Status.CONFIRMED, None
    registration.save(update_fields=["status", "offered_until"])
    case_record_progress(case=registration.case, body="Place acceptée : inscription "
                                                      "confirmée.")
    return registration


@transaction.atomic
def event_check_in(*, registration: Registration, acting_user) -> Registration:
    if not agent_can_handle(acting_user, registration.case):
        raise BookingRefused("Vous n'êtes pas habilité à gérer cette inscription.")
    if registration.status != Registration.Status.CONFIRMED:
        raise BookingRefused("Seule une inscription confirmée peut être pointée.")
    registration.status = Registration.Status.PRESENT
    registration.save(update_fields=["status"])
    return registration



def facility_photo_add(*, facility: Facility, upload, alt: str) -> FacilityPhoto:
    """Store a photo of the place without its metadata, resized, with a thumbnail."""
    from django.core.files.base import ContentFile

    from guichet.lib.files import random_name
    from guichet.lib.images import process_photo

    try:
        processed = process_photo(upload)
    except ValueError as exc:
        raise BookingRefused(str(exc), field="image") from exc
    photo = FacilityPhoto(facility=facility, alt=alt)
    photo.image.save(random_name("jpg"), ContentFile(processed.display), save=False)
    photo.thumbnail.save(random_name("jpg"), ContentFile(processed.thumbnail), save=False)
    photo.save()
    return photo
