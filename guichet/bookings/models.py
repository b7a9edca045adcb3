"""Facilities booked by residents and associations, events with registrations, payments.

A facility never holds two blocking bookings at the same time: bookings are written while the
facility row is locked. An event never registers more people than its places: a conditional
UPDATE of its counter, backed by a CHECK."""

from __future__ import annotations

import datetime as dt
import secrets

from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from guichet.lib.dates import long_date


def new_token() -> str:
    return secrets.token_urlsafe(24)


def _moment(moment: dt.datetime) -> str:
    """« jeudi 10 décembre 2026 à 14 h 30 »."""
    local = timezone.localtime(moment)
    minutes = f"{local.minute:02d}" if local.minute else ""
    return f"{long_date(local)} à {local.hour} h {minutes}".rstrip()


def _span(starts: dt.datetime, ends: dt.datetime) -> str:
    """« le jeudi 10 décembre 2026 de 14 h à 18 h »."""
    first, last = timezone.localtime(starts), timezone.localtime(ends)

    def hour(local):
        return f"{local.hour} h {local.minute:02d}" if local.minute else f"{local.hour} h"

    return f"le {long_date(first)} de {hour(first)} à {hour(last)}"


class Audience(models.TextChoices):
    RESIDENT = "resident", "Habitant de la commune"
    OUTSIDE = "outside", "Extérieur à la commune"
    ASSOCIATION = "association", "Association"
    INTERNAL = "internal", "Service de la collectivité"


class Facility(models.Model):
    class Unit(models.TextChoices):
        HALF_DAY = "half_day", "Demi-journée"
        DAY = "day", "Journée"
        HOURS = "hours", "Heures"

    organisation = models.ForeignKey("organisations.Organisation", verbose_name="collectivité",
                                     on_delete=models.CASCADE, related_name="facilities")
    unit = models.ForeignKey("organisations.Unit", verbose_name="service",
                             on_delete=models.PROTECT, related_name="facilities")
    name = models.CharField("nom", max_length=150)
    slug = models.SlugField("identifiant d'adresse", unique=True)
    description = models.TextField("présentation", blank=True)
    address = models.TextField("adresse", blank=True)
    capacity = models.PositiveIntegerField("capacité (personnes)", default=50)
    equipment = models.TextField("équipements", blank=True)
    accessibility = models.TextField("accessibilité", blank=True)
    audiences = models.JSONField("qui peut réserver", default=list,
                                 help_text="Parmi resident, outside, association, internal.")
    booking_unit = models.CharField("réservation par", max_length=10, choices=Unit.choices,
                                    default=Unit.HALF_DAY)
    open_days = models.JSONField("jours d'ouverture", default=list, blank=True,
                                 help_text="0 = lundi … 6 = dimanche ; vide : tous les jours.")
    opens = models.TimeField("ouverture", default=dt.time(8))
    closes = models.TimeField("fermeture", default=dt.time(23))
    needs_approval = models.BooleanField("validation par un agent", default=True)
    max_days_ahead = models.PositiveIntegerField("réservable jusqu'à (jours)", default=180)
    is_active = models.BooleanField("active", default=True)

    class Meta:
        verbose_name = "équipement ou salle"
        verbose_name_plural = "équipements et salles"

    def __str__(self) -> str:
        return self.name


def facility_photo_path(instance, filename: str) -> str:
    return f"facilities/{filename}"


class FacilityPhoto(models.Model):
    """A photo of the place, stripped of metadata and resized like reports' photos."""

    facility = models.ForeignKey(Facility, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(upload_to=facility_photo_path)
    thumbnail = models.ImageField(upload_to=facility_photo_path, blank=True)
    alt = models.CharField("description de la photo", max_length=200,
                           help_text="Ce que montre la photo, pour qui ne la voit pas.")
    order = models.PositiveSmallIntegerField("ordre", default=0)

    class Meta:
        verbose_name = "photo"
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.alt


class FacilityClosure(models.Model):
    """The place cannot be booked (works, cleaning, an exam): no booking overlaps it, and it
    shows as an alert of the facility's collectivité while it is under way or announced."""

    facility = models.ForeignKey(Facility, on_delete=models.CASCADE, related_name="closures")
    starts_at = models.DateTimeField("du")
    ends_at = models.DateTimeField("au")
    reason = models.CharField("motif", max_length=200, blank=True,
                              help_text="Affiché aux usagers : « Travaux de peinture ».")

    class Meta:
        verbose_name = "fermeture"
        verbose_name_plural = "fermetures"
        ordering = ["starts_at"]
        indexes = [models.Index(fields=["ends_at", "starts_at"], name="facility_closure_when")]
        constraints = [models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")),
                                              name="facility_closure_ends_after_start")]

    def __str__(self) -> str:
        return (f"{self.facility} fermé du {self.starts_at:%d/%m/%Y %H:%M} "
                f"au {self.ends_at:%d/%m/%Y %H:%M}")


class Tariff(models.Model):
    facility = models.ForeignKey(Facility, on_delete=models.CASCADE, related_name="tariffs")
    audience = models.CharField("public", max_length=12, choices=Audience.choices)
    price_cents = models.PositiveIntegerField("prix (centimes)", default=0,
                                              help_text="0 : gratuit.")

    class Meta:
        verbose_name = "tarif"
        constraints = [models.UniqueConstraint(fields=["facility", "audience"],
                                               name="one_tariff_per_audience")]

    def __str__(self) -> str:
        return f"{self.facility} — {self.get_audience_display()}"

    @property
    def price_label(self) -> str:
        if not self.price_cents:
            return "gratuit"
        return f"{self.price_cents / 100:.2f} €".replace(".", ",")


class FacilityBooking(models.Model):
    class Status(models.TextChoices):
        REQUESTED = "requested", "Demande à valider"
        PENDING_PAYMENT = "pending_payment", "En attente de paiement"
        CONFIRMED = "confirmed", "Confirmée"
        REFUSED = "refused", "Refusée"
        CANCELLED = "cancelled", "Annulée"
        EXPIRED = "expired", "Expirée (non payée)"

    BLOCKING = (Status.PENDING_PAYMENT, Status.CONFIRMED)

    case = models.OneToOneField("cases.Case", on_delete=models.CASCADE,
                                related_name="facility_booking")
    facility = models.ForeignKey(Facility, on_delete=models.PROTECT, related_name="bookings")
    starts_at = models.DateTimeField("début")
    ends_at = models.DateTimeField("fin")
    audience = models.CharField("public", max_length=12, choices=Audience.choices)
    purpose = models.CharField("objet", max_length=250)
    attendees = models.PositiveIntegerField("participants", default=1)
    status = models.CharField(max_length=16, choices=Status.choices)
    amount_cents = models.PositiveIntegerField(default=0)
    hold_expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "réservation d'équipement"
        indexes = [models.Index(fields=["facility", "status", "starts_at"])]
        constraints = [models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")),
                                              name="booking_ends_after_start")]

    def __str__(self) -> str:
        return f"{self.facility} {self.starts_at:%d/%m/%Y %H:%M}"

    @property
    def amount_label(self) -> str:
        return f"{self.amount_cents / 100:.2f} €".replace(".", ",") if self.amount_cents \
            else "gratuit"

    def resident_state(self, now=None):
        """What the resident sees in « Mes demandes » (reads the facility, and the case's
        payments when waiting for one: select and prefetch them)."""
        from django.urls import reverse

        from guichet.cases.kinds import ResidentState

        now = now or timezone.now()
        S = self.Status
        when = _span(self.starts_at, self.ends_at)
        if self.status == S.REQUESTED:
            return ResidentState(
                "Réservation en attente de validation",
                f"Le service étudie votre demande pour {self.facility.name}, {when} ; sa "
                "réponse arrivera ici et par courriel.", tone="new",
                due=self.case.first_response_due_at, due_label="Réponse du service",
                overdue=bool(self.case.first_response_due_at
                             and self.case.first_response_due_at < now))
        if self.status == S.PENDING_PAYMENT:
            payment = next((p for p in self.case.payments.all()
                            if p.status == Payment.Status.PENDING), None)
            step = (f"Payez {self.amount_label} en ligne"
                    + (f" avant le {_moment(self.hold_expires_at)}" if self.hold_expires_at
                       else "")
                    + " pour confirmer la réservation ; sans paiement, le créneau est libéré.")
            return ResidentState(
                "Réservation en attente de paiement", step, tone="waiting",
                action_label=f"Payer {self.amount_label}" if payment else "",
                action_url=reverse("portal:payment_start", args=[payment.reference])
                if payment else "")
        if self.status == S.CONFIRMED:
            label = "Réservation payée" if self.amount_cents else "Réservation confirmée"
            if self.ends_at <= now:
                return ResidentState(label, f"Réservation passée : {self.facility.name}, "
                                     f"{when}.", tone="closed")
            address = ", ".join(line.strip() for line in self.facility.address.splitlines()
                                if line.strip())
            return ResidentState(label, f"Créneau réservé : {self.facility.name}, {when}"
                                 + (f" ({address})" if address else "") + ".", tone="resolved")
        if self.status == S.REFUSED:
            return ResidentState("Réservation refusée", "Le service a refusé cette demande : "
                                 "son message est dans l'historique.", tone="rejected")
        if self.status == S.EXPIRED:
            return ResidentState("Réservation expirée", "Le paiement n'est pas arrivé à temps :"
                                 " le créneau a été libéré.", tone="rejected")
        return ResidentState("Réservation annulée", "Cette réservation est annulée.",
                             tone="closed")


class Event(models.Model):
    organisation = models.ForeignKey("organisations.Organisation", verbose_name="collectivité",
                                     on_delete=models.CASCADE, related_name="events")
    unit = models.ForeignKey("organisations.Unit", verbose_name="service",
                             on_delete=models.PROTECT, related_name="events")
    title = models.CharField("titre", max_length=200)
    slug = models.SlugField("identifiant d'adresse", unique=True)
    description = models.TextField("présentation", blank=True)
    place = models.CharField("lieu", max_length=250)
    starts_at = models.DateTimeField("début")
    ends_at = models.DateTimeField("fin")
    places = models.PositiveIntegerField("places")
    places_taken = models.PositiveIntegerField(default=0, editable=False)
    max_attendees = models.PositiveSmallIntegerField(
        "personnes par inscription", default=1,
        help_text="Plus de 1 : inscription d'une famille (plusieurs participants).")
    attendee_label = models.CharField("participant (libellé)", max_length=60,
                                      default="Participant")
    questions = models.JSONField("questions", default=list, blank=True)
    cancel_delay_hours = models.PositiveSmallIntegerField(
        "désinscription en ligne jusqu'à (heures avant)", default=24)
    offer_hours = models.PositiveSmallIntegerField(
        "délai pour accepter une place libérée (heures)", default=48)
    is_published = models.BooleanField("publié", default=True)

    class Meta:
        verbose_name = "événement"
        constraints = [models.CheckConstraint(condition=Q(places_taken__lte=F("places")),
                                              name="event_never_overbooked")]

    def __str__(self) -> str:
        return self.title

    @property
    def places_left(self) -> int:
        return max(0, self.places - self.places_taken)


class Registration(models.Model):
    class Status(models.TextChoices):
        CONFIRMED = "confirmed", "Inscrit"
        WAITLISTED = "waitlisted", "Sur liste d'attente"
        OFFERED = "offered", "Place proposée"
        CANCELLED = "cancelled", "Désinscrit"
        PRESENT = "present", "Présent"

    HOLDING = (Status.CONFIRMED, Status.OFFERED, Status.PRESENT)

    case = models.OneToOneField("cases.Case", on_delete=models.CASCADE,
                                related_name="registration")
    event = models.ForeignKey(Event, on_delete=models.PROTECT, related_name="registrations")
    attendees = models.JSONField("participants", default=list)
    count = models.PositiveSmallIntegerField()
    answers = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices)
    token = models.CharField(max_length=40, unique=True, default=new_token, editable=False)
    offered_until = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "inscription"
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["event", "status", "created_at"])]

    def __str__(self) -> str:
        return f"{self.event} — {self.case.requester_name} ({self.count})"

    def resident_state(self, now=None):
        """What the resident sees in « Mes demandes » (reads the event: select it)."""
        from django.urls import reverse

        from guichet.cases.kinds import ResidentState

        now = now or timezone.now()
        S = self.Status
        event = self.event
        when = f"le {_moment(event.starts_at)}, {event.place}"
        people = f" ({self.count} {event.attendee_label.lower()}s)" if self.count > 1 else ""
        manage = reverse("portal:registration_manage", args=[self.token])
        if self.status == S.CANCELLED:
            return ResidentState("Désinscrit", f"Inscription à « {event.title} » annulée.",
                                 tone="closed")
        if self.status == S.PRESENT:
            return ResidentState("Présent", f"Vous avez participé à « {event.title} ».",
                                 tone="closed")
        if event.ends_at <= now:
            return ResidentState("Événement passé", f"« {event.title} » a eu lieu {when}.",
                                 tone="closed")
        if self.status == S.CONFIRMED:
            limit = event.starts_at - dt.timedelta(hours=event.cancel_delay_hours)
            step = f"« {event.title} » {when}{people}."
            if now < limit:
                step += (f" Vous pouvez vous désinscrire jusqu'à {event.cancel_delay_hours} "
                         "heures avant.")
                return ResidentState("Inscrit", step, tone="resolved",
                                     action_label="Gérer mon inscription", action_url=manage)
            return ResidentState("Inscrit", step, tone="resolved")
        if self.status == S.OFFERED:
            until = (f" avant le {_moment(self.offered_until)}" if self.offered_until else "")
            return ResidentState("Place proposée", f"Une place s'est libérée pour « {event.title}"
                                 f" » {when} : acceptez-la{until}.", tone="waiting",
                                 action_label="Accepter la place", action_url=manage)
        return ResidentState("Sur liste d'attente", f"« {event.title} » {when}{people} : si une "
                             "place se libère, elle vous sera proposée par courriel.",
                             tone="in_progress", action_label="Gérer mon inscription",
                             action_url=manage)


class Payment(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "En attente"
        PAID = "paid", "Payé"
        FAILED = "failed", "Refusé ou abandonné"

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="payments")
    reference = models.CharField(max_length=40, unique=True, default=new_token)
    provider = models.CharField(max_length=20)
    # The payment's reference at the provider (PayFiP's `refdet`: 6–30 letters and digits),
    # by which its notifications are matched.
    provider_reference = models.CharField("référence chez le prestataire", max_length=40,
                                          unique=True, null=True, blank=True)
    amount_cents = models.PositiveIntegerField()
    label = models.CharField(max_length=200)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(default=timezone.now)
    paid_at = models.DateTimeField(null=True, blank=True)
    provider_transaction = models.CharField(max_length=100, blank=True)
    # Paid after the hold on the place had expired: an agent must refund or re-confirm.
    refund_needed = models.BooleanField("à rembourser", default=False)

    class Meta:
        verbose_name = "paiement"

    def __str__(self) -> str:
        return f"{self.label} — {self.amount_cents / 100:.2f} €"

    @property
    def amount_euros(self) -> str:
        return f"{self.amount_cents / 100:.2f}".replace(".", ",")


class PaymentLog(models.Model):
    """Every callback received, valid or not: what came in and what it did."""

    received_at = models.DateTimeField("reçu le", default=timezone.now)
    payment = models.ForeignKey(Payment, verbose_name="paiement", null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="logs")
    reference = models.CharField("référence", max_length=100, blank=True)
    outcome = models.CharField("suite donnée", max_length=200)
    data = models.JSONField("données reçues", default=dict)

    class Meta:
        verbose_name = "retour du prestataire de paiement"
        verbose_name_plural = "retours du prestataire de paiement"

    def __str__(self) -> str:
        return f"{self.received_at:%d/%m %H:%M} {self.reference} {self.outcome}"
