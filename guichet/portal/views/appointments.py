"""Appointments for residents: choose a motif, see the free slots (next available first, a
week at a time, no JavaScript needed), book with the profile prefilled, and cancel or move
from the link in the email — with or without an account."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.views.decorators.http import require_POST

from guichet.appointments.models import Appointment, AppointmentType
from guichet.appointments.selectors import types_bookable_online
from guichet.appointments.services import (
    BookingError,
    appointment_book,
    appointment_cancel,
    appointment_ics,
    appointment_move,
    can_cancel_online,
    waitlist_join,
)
from guichet.appointments.slots import next_openings, openings
from guichet.lib.business_time import PARIS
from guichet.lib.downloads import bytes_response

from ..appointment_forms import AppointmentForm, WaitlistForm
from .cases import resident_case
from .contact import remember_case


def _types():
    return types_bookable_online()


def appointments_home(request):
    groups: dict = {}
    for type_ in _types().order_by("agenda__unit__organisation__name", "agenda__name", "name"):
        groups.setdefault(type_.agenda, []).append(type_)
    return render(request, "portal/appointments/home.html", {"groups": groups})


def _type(agenda_slug, type_slug) -> AppointmentType:
    return get_object_or_404(_types(), agenda__slug=agenda_slug, slug=type_slug)


def _week(request) -> dt.date:
    today = timezone.localdate()
    asked = parse_date(request.GET.get("semaine", "") or "") or today
    return max(asked, today) - dt.timedelta(days=max(asked, today).weekday())


def _days(type_: AppointmentType, monday: dt.date, **kwargs):
    """The week's days from today on (a day gone by is not listed, today shows only the times
    still ahead), each with its free times; weekends only when they have some."""
    today = timezone.localdate()
    first = max(monday, today)
    found = openings(type_, first, monday + dt.timedelta(days=6), **kwargs)
    days = []
    for offset in range(7):
        day = monday + dt.timedelta(days=offset)
        if day < today:
            continue
        times = [o for o in found if timezone.localtime(o.starts_at, PARIS).date() == day]
        if times or offset < 5:
            days.append((day, times))
    return days


def appointment_slots(request, agenda_slug, type_slug):
    type_ = _type(agenda_slug, type_slug)
    first = next_openings(type_, count=1)
    monday = _week(request)
    if first and not request.GET.get("semaine"):
        # On a Friday evening or a weekend the current week has nothing left: open on the
        # week of the first free slot rather than on an empty one.
        day = timezone.localtime(first[0].starts_at, PARIS).date()
        monday = day - dt.timedelta(days=day.weekday())
    return render(request, "portal/appointments/slots.html", {
        "type": type_, "days": _days(type_, monday), "monday": monday,
        "previous": monday - dt.timedelta(days=7) if monday > timezone.localdate() else None,
        "next": monday + dt.timedelta(days=7), "first": first[0] if first else None,
        "waitlist_form": WaitlistForm(),
    })


def _start(request) -> dt.datetime | None:
    value = parse_datetime(request.GET.get("debut", "") or request.POST.get("debut", ""))
    if value is None:
        return None
    return value if timezone.is_aware(value) else timezone.make_aware(value, PARIS)


def appointment_book_view(request, agenda_slug, type_slug):
    type_ = _type(agenda_slug, type_slug)
    starts_at = _start(request)
    if starts_at is None:
        return redirect("portal:appointment_slots", agenda_slug, type_slug)
    form = AppointmentForm(request.POST or None, user=request.user, type_=type_)
    refusal = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        signed_in = request.user.is_authenticated
        try:
            case = appointment_book(
                type_=type_, starts_at=starts_at, name=data["name"],
                email=data.get("email", ""), phone=data["phone"],
                requester=request.user if signed_in else None, answers=form.answers())
        except BookingError as exc:
            refusal = exc
        else:
            remember_case(request, case)
            return redirect("portal:confirmation", token=case.token)
    return render(request, "portal/appointments/book.html", {
        "type": type_, "starts_at": starts_at, "form": form, "refusal": refusal,
    }, status=409 if refusal else 200)


@require_POST
def waitlist_view(request, agenda_slug, type_slug):
    type_ = _type(agenda_slug, type_slug)
    form = WaitlistForm(request.POST)
    if form.is_valid():
        waitlist_join(type_=type_, email=form.cleaned_data["email"],
                      before=form.cleaned_data["before"])
        messages.success(request, "C'est noté : nous vous écrirons si un créneau se libère "
                                  "avant cette date.")
        return redirect("portal:appointment_slots", agenda_slug, type_slug)
    monday = _week(request)
    return render(request, "portal/appointments/slots.html", {
        "type": type_, "days": _days(type_, monday), "monday": monday, "previous": None,
        "next": monday + dt.timedelta(days=7), "first": None, "waitlist_form": form,
    }, status=400)


def _managed(token) -> Appointment:
    appointment = Appointment.objects.select_related(
        "case", "type__agenda__place", "type__agenda__unit").filter(token=token).first()
    if appointment is None:
        raise Http404
    return appointment


def appointment_manage(request, token):
    """The page behind the email's link: the token is the key, and is replaced after each
    action so that a link works once."""
    appointment = Appointment.objects.select_related(
        "case", "type__agenda__place", "type__agenda__unit").filter(token=token).first()
    if appointment is None:
        return render(request, "portal/appointments/link_invalid.html", status=404)
    type_ = appointment.type
    monday = _week(request)
    return render(request, "portal/appointments/manage.html", {
        "appointment": appointment, "type": type_, "can_change": can_cancel_online(appointment),
        "days": _days(type_, monday), "monday": monday,
        "previous": monday - dt.timedelta(days=7) if monday > timezone.localdate() else None,
        "next": monday + dt.timedelta(days=7),
    })


@require_POST
def appointment_cancel_view(request, token):
    appointment = _managed(token)
    try:
        appointment_cancel(appointment=appointment)
    except BookingError as exc:
        messages.error(request, str(exc))
        return redirect("portal:appointment_manage", token=token)
    return render(request, "portal/appointments/cancelled.html", {"appointment": appointment})


@require_POST
def appointment_move_view(request, token):
    appointment = _managed(token)
    starts_at = _start(request)
    try:
        if starts_at is None:
            raise BookingError("Choisissez un nouveau créneau.", field="")
        moved = appointment_move(appointment=appointment, starts_at=starts_at)
    except BookingError as exc:
        messages.error(request, str(exc))
        return redirect("portal:appointment_manage", token=token)
    messages.success(request, "Votre rendez-vous est déplacé ; un nouveau courriel de "
                              "confirmation vous est envoyé.")
    return redirect("portal:appointment_manage", token=moved.token)


def appointment_ics_view(request, token):
    """The .ics of an appointment, for the follow-up page, with the case page's rule: the case
    token is the key of a case filed without an account; one filed from an account opens only
    to that account (the .ics carries the link to cancel or move)."""
    case = resident_case(request, token)
    if case.requester_id and not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    appointment = get_object_or_404(
        Appointment.objects.select_related("case", "type__agenda__place",
                                           "type__agenda__unit__organisation"),
        case=case)
    return bytes_response(appointment_ics(appointment), content_type="text/calendar",
                          filename="rendez-vous.ics")
