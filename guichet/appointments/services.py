"""Booking, moving and cancelling appointments; reminders and the waiting list.

No double booking: a place is taken by `UPDATE slot SET booked = booked + 1 WHERE booked <
capacity` on the slot row, which the database serialises and a CHECK constraint backs; the case
and the appointment are written in the same transaction, so a refused place leaves nothing."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from guichet.cases.models import Case, Channel
from guichet.cases.services import CaseError, case_cancel, case_create, case_record_progress
from guichet.cases.webhooks import case_webhook
from guichet.journal.models import Entry
from guichet.journal.services import journal_record
from guichet.lib.business_time import PARIS
from guichet.lib.dates import long_date
from guichet.lib.ical import CalendarEvent, calendar_bytes
from guichet.lib.urls import absolute_url
from guichet.notifications.services import notification_queue

from .models import Appointment, AppointmentType, Slot, WaitlistEntry
from .slots import Opening, _periods, next_openings, openings


class BookingError(CaseError):
    """A refused booking, in French, with the next free start times to offer instead."""

    def __init__(self, message: str, *, alternatives: list[Opening] | None = None,
                 field: str = "starts_at"):
        super().__init__(message)
        self.alternatives = alternatives or []
        self.field = field


def when(moment: dt.datetime) -> str:
    """« mardi 3 décembre 2026 à 9 h 30 »."""
    local = timezone.localtime(moment, PARIS)
    minutes = f"{local.minute:02d}" if local.minute else ""
    return f"{long_date(local)} à {local.hour} h {minutes}".rstrip()


def appointment_ics(appointment: Appointment) -> bytes:
    """The appointment's .ics to download (no METHOD: a calendar, not an iTIP message)."""
    return calendar_bytes([calendar_event(appointment)], name=appointment.type.agenda.name)


def calendar_event(appointment: Appointment) -> CalendarEvent:
    type_ = appointment.type
    place = type_.agenda.place
    manage = absolute_url(reverse("portal:appointment_manage", args=[appointment.token]))
    unit = type_.agenda.unit
    # Who answers for the appointment: the unit's address, else the collectivité's.
    organizer = ((unit.email, f"{unit.name} — {unit.organisation.name}") if unit.email
                 else (unit.organisation.email, unit.organisation.name))
    return CalendarEvent(
        uid=f"rdv-{appointment.case.token[:16]}@guichet", starts_at=appointment.starts_at,
        ends_at=appointment.ends_at, summary=f"{type_.name} — {type_.agenda.unit.name}",
        location=f"{place.name}, {place.address}".replace("\n", ", "),
        description=f"Référence {appointment.case.reference}. {type_.description}".strip(),
        url=manage, cancelled=not appointment.is_active, organizer_email=organizer[0],
        organizer_name=organizer[1])


def _notify(appointment: Appointment, template: str, **extra) -> None:
    case = appointment.case
    if not case.requester_email:
        return
    notification_queue(
        template=template, recipient=case.requester_email, case=case, user=case.requester,
        mandatory=True, context={"case": case, "appointment": appointment,
                                 "type": appointment.type, "place": appointment.type.agenda.place,
                                 "when": when(appointment.starts_at),
                                 "manage_path": reverse("portal:appointment_manage",
                                                        args=[appointment.token]), **extra},
        attachments=[_ics_attachment(appointment)])


def _ics_attachment(appointment: Appointment) -> dict:
    """A PUBLISH message when the unit or the collectivité has an address to name as
    organizer (iTIP requires one), a plain calendar otherwise."""
    event = calendar_event(appointment)
    method = "PUBLISH" if event.organizer_email else None
    content = calendar_bytes([event], name=appointment.type.agenda.name, method=method)
    return {"filename": "rendez-vous.ics",
            "mimetype": f"text/calendar; method={method}" if method else "text/calendar",
            "content": content.decode()}


def _check_start(type_: AppointmentType, starts_at: dt.datetime, *, online: bool) -> Opening:
    """The opening at exactly this time, or a French refusal with the next free ones."""
    now = timezone.now()
    if timezone.is_naive(starts_at):
        starts_at = timezone.make_aware(starts_at, PARIS)
    if online and starts_at < now + dt.timedelta(hours=type_.min_delay_hours):
        raise BookingError(f"Ce créneau est trop proche : réservez au moins "
                           f"{type_.min_delay_hours} heures à l'avance.",
                           alternatives=next_openings(type_, count=5, online=online))
    if online and starts_at > now + dt.timedelta(days=type_.max_delay_days):
        raise BookingError(f"On ne peut pas réserver plus de {type_.max_delay_days} jours à "
                           f"l'avance.",
                           alternatives=next_openings(type_, count=5, online=online))
    day = timezone.localtime(starts_at, PARIS).date()
    match = next((o for o in openings(type_, day, day, now=now, online=online)
                  if o.starts_at == starts_at), None)
    if match is None:
        raise BookingError(_why_not(type_, day, starts_at),
                           alternatives=next_openings(type_, count=5, online=online))
    return match


def _why_not(type_: AppointmentType, day: dt.date, starts_at: dt.datetime) -> str:
    periods = list(_periods(type_, day, day))
    if not periods:
        return "Le service ne reçoit pas ce jour-là (fermeture ou jour férié)."
    step = dt.timedelta(minutes=type_.step_minutes)
    duration = dt.timedelta(minutes=type_.duration_minutes)
    for _, starts, ends in periods:
        moment = dt.datetime.combine(day, starts, PARIS)
        while moment + duration <= dt.datetime.combine(day, ends, PARIS):
            if moment == starts_at:
                return "Ce créneau n'est plus disponible."
            moment += step
    return "Ce service ne reçoit pas à cette heure-là."


def _check_limit(type_: AppointmentType, starts_at: dt.datetime, email: str, requester) -> None:
    if not type_.max_per_person:
        return
    window = dt.timedelta(days=type_.limit_period_days)
    mine = Appointment.objects.filter(type=type_, status=Appointment.Status.BOOKED,
                                      starts_at__range=(starts_at - window, starts_at + window))
    mine = mine.filter(case__requester=requester) if requester is not None else \
        mine.filter(case__requester_email__iexact=email)
    if email and mine.count() >= type_.max_per_person:
        raise BookingError(f"Vous avez déjà {type_.max_per_person} rendez-vous pour ce motif "
                           f"sur {type_.limit_period_days} jours : annulez-en un avant d'en "
                           "prendre un autre.", field="")


def _take_place(type_: AppointmentType, opening: Opening) -> Slot:
    try:
        with transaction.atomic():
            slot, _ = Slot.objects.get_or_create(type=type_, starts_at=opening.starts_at,
                                                 defaults={"capacity": opening.capacity})
    except IntegrityError:  # created at the same instant by another booking
        slot = Slot.objects.get(type=type_, starts_at=opening.starts_at)
    taken = Slot.objects.filter(pk=slot.pk, booked__lt=F("capacity")).update(
        booked=F("booked") + 1)
    if not taken:
        raise BookingError("Ce créneau n'est plus disponible : quelqu'un vient de le réserver.",
                           alternatives=next_openings(type_, count=5))
    slot.refresh_from_db(fields=["booked"])
    return slot


def appointment_book(*, type_: AppointmentType, starts_at: dt.datetime, name: str,
                     email: str = "", phone: str = "", requester=None,
                     answers: dict | None = None, channel: str = Channel.WEB,
                     acting_user=None) -> Case:
    """Book a place at `starts_at`, or raise BookingError (with the next free slots)."""
    online = acting_user is None
    if not type_.is_active or not type_.agenda.is_active or (online and
                                                             not type_.bookable_online):
        raise BookingError("Ce motif de rendez-vous ne se réserve pas en ligne : appelez le "
                           "service.", field="")
    opening = _check_start(type_, starts_at, online=online)
    if requester is not None:
        email = email or requester.email
        name = name or requester.get_full_name() or requester.email
    _check_limit(type_, opening.starts_at, email, requester)
    with transaction.atomic():
        slot = _take_place(type_, opening)
        case = case_create(
            kind="appointment", channel=channel, organisation=type_.agenda.unit.organisation,
            unit=type_.agenda.unit, subject=f"{type_.name} — {when(opening.starts_at)}"[:200],
            message=f"Rendez-vous « {type_.name} » le {when(opening.starts_at)}.",
            requester=requester, requester_name=name, requester_email=email,
            requester_phone=phone, acting_user=acting_user, announce_first_response=False)
        appointment = Appointment.objects.create(
            case=case, type=type_, slot=slot, starts_at=opening.starts_at,
            ends_at=opening.starts_at + dt.timedelta(minutes=type_.duration_minutes),
            answers=answers or {})
        WaitlistEntry.objects.filter(type=type_, email__iexact=email).delete()
        _notify(appointment, "appointment_confirmed")
        case_webhook(case, "appointment.booked", appointment=_webhook_data(appointment))
    return case


def _webhook_data(appointment: Appointment) -> dict:
    """The type, the agenda and the time; never the answers to the booking's questions."""
    return {"type": {"id": appointment.type_id, "name": appointment.type.name},
            "agenda": appointment.type.agenda_id, "status": appointment.status,
            "starts_at": appointment.starts_at.isoformat(),
            "ends_at": appointment.ends_at.isoformat()}


def _release(appointment: Appointment) -> None:
    Slot.objects.filter(pk=appointment.slot_id, booked__gt=0).update(booked=F("booked") - 1)


def can_cancel_online(appointment: Appointment) -> bool:
    limit = appointment.starts_at - dt.timedelta(hours=appointment.type.cancel_delay_hours)
    return appointment.is_active and timezone.now() < limit


@transaction.atomic
def appointment_cancel(*, appointment: Appointment, by_service: bool = False, acting_user=None,
                       reason: str = "", for_resident: bool = False) -> Appointment:
    """Free the place, close the case, tell the resident, offer the place to the waiting list.
    Residents cancel online up to the type's delay; the service at any time."""
    appointment = Appointment.objects.select_for_update().select_related(
        "type__agenda__unit", "case").get(pk=appointment.pk)
    if not appointment.is_active:
        raise BookingError("Ce rendez-vous est déjà annulé ou passé.", field="")
    if by_service or for_resident:
        from guichet.cases.selectors import agent_can_handle

        if not agent_can_handle(acting_user, appointment.case):
            raise BookingError("Vous n'êtes pas habilité à gérer ce rendez-vous.", field="")
    elif not can_cancel_online(appointment):
        raise BookingError(f"Ce rendez-vous ne peut plus être annulé en ligne (jusqu'à "
                           f"{appointment.type.cancel_delay_hours} heures avant) : appelez le "
                           "service.", field="")
    appointment.status = (Appointment.Status.CANCELLED_SERVICE if by_service
                          else Appointment.Status.CANCELLED_RESIDENT)
    appointment.token = Appointment._meta.get_field("token").default()  # the link is spent
    appointment.save(update_fields=["status", "token"])
    _release(appointment)
    who = "le service" if by_service else "l'usager"
    case_cancel(case=appointment.case, user=acting_user,
                reason=reason or f"Rendez-vous annulé par {who}.")
    if by_service:
        journal_record(actor=acting_user, action=Entry.Action.CASE_STATUS, case=appointment.case,
                       status="cancelled_service")
    _notify(appointment, "appointment_cancelled", by_service=by_service, reason=reason)
    case_webhook(appointment.case, "appointment.cancelled",
                 appointment=_webhook_data(appointment))
    waitlist_offer(type_=appointment.type, freed=appointment.starts_at)
    return appointment


@transaction.atomic
def appointment_move(*, appointment: Appointment, starts_at: dt.datetime,
                     acting_user=None) -> Appointment:
    """Take the new place first, then free the old one: the resident never ends up with none."""
    appointment = Appointment.objects.select_for_update().select_related(
        "type__agenda__unit", "case").get(pk=appointment.pk)
    if not appointment.is_active or (acting_user is None and not can_cancel_online(appointment)):
        raise BookingError("Ce rendez-vous ne peut plus être déplacé en ligne : appelez le "
                           "service.", field="")
    type_ = appointment.type
    opening = _check_start(type_, starts_at, online=acting_user is None)
    new_slot = _take_place(type_, opening)
    _release(appointment)
    old = appointment.starts_at
    appointment.slot, appointment.starts_at = new_slot, opening.starts_at
    appointment.ends_at = opening.starts_at + dt.timedelta(minutes=type_.duration_minutes)
    appointment.token = Appointment._meta.get_field("token").default()
    appointment.reminders_sent = []
    appointment.save(update_fields=["slot", "starts_at", "ends_at", "token", "reminders_sent"])
    Case.objects.filter(pk=appointment.case_id).update(
        subject=f"{type_.name} — {when(opening.starts_at)}"[:200])
    case_record_progress(case=appointment.case, user=acting_user,
                         body=f"Rendez-vous déplacé du {when(old)} au {when(opening.starts_at)}.")
    _notify(appointment, "appointment_confirmed", moved=True)
    waitlist_offer(type_=type_, freed=old)
    return appointment


@transaction.atomic
def appointment_mark(*, appointment: Appointment, status: str, acting_user) -> Appointment:
    """Seen or no-show, by an agent of the unit, once the appointment has started."""
    from guichet.cases.selectors import agent_can_handle
    from guichet.cases.services import case_close

    if not agent_can_handle(acting_user, appointment.case):
        raise BookingError("Vous n'êtes pas habilité à gérer ce rendez-vous.", field="")
    if status not in (Appointment.Status.SEEN, Appointment.Status.NO_SHOW):
        raise BookingError("État inconnu.", field="")
    if not appointment.is_active:
        raise BookingError("Ce rendez-vous est annulé.", field="")
    appointment.status = status
    appointment.save(update_fields=["status"])
    label = "Usager reçu." if status == Appointment.Status.SEEN else "Usager absent."
    if appointment.case.is_open:
        case_close(case=appointment.case, acting_user=acting_user, message=label)
    return appointment


def waitlist_join(*, type_: AppointmentType, email: str, before: dt.date,
                  name: str = "") -> WaitlistEntry:
    entry, _ = WaitlistEntry.objects.update_or_create(
        type=type_, email=email.strip().lower(),
        defaults={"before": before, "name": name, "offered_at": None})
    return entry


def waitlist_offer(*, type_: AppointmentType, freed: dt.datetime, count: int = 3) -> int:
    """Tell the first people waiting for a slot before this date that one is free: the first
    to book it gets it."""
    day = timezone.localtime(freed, PARIS).date()
    entries = list(WaitlistEntry.objects.filter(type=type_, before__gte=day,
                                                offered_at__isnull=True)[:count])
    now = timezone.now()
    for entry in entries:
        entry.offered_at = now
        entry.save(update_fields=["offered_at"])
        notification_queue(
            template="appointment_offer", recipient=entry.email, mandatory=True,
            context={"entry": entry, "type": type_, "when": when(freed),
                     "book_path": reverse("portal:appointment_slots",
                                          args=[type_.agenda.slug, type_.slug])})
    return len(entries)


def appointments_send_reminders(*, now: dt.datetime | None = None) -> int:
    """Email (and SMS when a phone is known) at each delay of APPOINTMENT_REMINDER_HOURS before
    the appointment; each reminder once, claimed by a conditional update."""
    now = now or timezone.now()
    sent = 0
    hours = sorted(settings.APPOINTMENT_REMINDER_HOURS, reverse=True)
    horizon = now + dt.timedelta(hours=max(hours or [0]))
    upcoming = Appointment.objects.filter(status=Appointment.Status.BOOKED,
                                          starts_at__gt=now, starts_at__lte=horizon)
    for appointment in upcoming.select_related("case", "type__agenda__place",
                                               "type__agenda__unit"):
        due = [h for h in hours if appointment.starts_at - now <= dt.timedelta(hours=h)
               and h not in appointment.reminders_sent]
        if not due:
            continue
        with transaction.atomic():
            current = Appointment.objects.select_for_update().get(pk=appointment.pk)
            if set(due) <= set(current.reminders_sent):
                continue
            current.reminders_sent = sorted(set(current.reminders_sent) | set(due))
            current.save(update_fields=["reminders_sent"])
            hour = min(due)  # several due at once (booked late): one reminder
            _notify(appointment, "appointment_reminder", hours=hour)
            if appointment.case.requester_phone:
                notification_queue(
                    template="appointment_reminder_sms", case=appointment.case,
                    recipient=appointment.case.requester_phone, channel="sms",
                    mandatory=True, context={"appointment": appointment,
                                             "when": when(appointment.starts_at),
                                             "type": appointment.type})
            sent += 1
    return sent


@transaction.atomic
def agenda_import_closures(*, agenda, data: bytes, acting_user) -> int:
    """Closures from an .ics file (a holiday calendar, the building's closures): each event
    closes the agenda; importing the same file again changes nothing (by UID)."""
    from guichet.cases.selectors import agent_unit_ids
    from guichet.lib.ical import read_closures

    from .models import Unavailability

    if agenda.unit_id not in agent_unit_ids(acting_user):
        raise BookingError("Vous n'êtes pas habilité à modifier cet agenda.", field="")
    try:
        events = read_closures(data)
    except ValueError as exc:
        raise BookingError(str(exc), field="file") from exc
    created = 0
    for uid, starts_at, ends_at, summary in events:
        _, new = Unavailability.objects.update_or_create(
            agenda=agenda, uid=uid or f"{starts_at.isoformat()}-{ends_at.isoformat()}",
            defaults={"starts_at": starts_at, "ends_at": ends_at, "summary": summary[:200],
                      "desks": None})
        created += new
    journal_record(actor=acting_user, action=Entry.Action.SETTINGS_CHANGED,
                   agenda=agenda.slug, closures_imported=created)
    return created
