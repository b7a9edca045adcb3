"""Agents' side of appointments: the calendar of their agendas (day or week), booking on
behalf of a resident (phone, counter), the actions on an appointment, a CSV export and the
private iCalendar feeds."""

from __future__ import annotations

import datetime as dt
import io

from django import forms
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.views.decorators.http import require_POST

from guichet.accounts.models import User
from guichet.appointments.models import Agenda, AgentFeed, Appointment
from guichet.appointments.selectors import (
    agendas_for_agent,
    appointments_between,
    residents_search,
    types_for_agent,
)
from guichet.appointments.services import (
    BookingError,
    agenda_import_closures,
    appointment_book,
    appointment_cancel,
    appointment_mark,
    appointment_move,
    calendar_event,
)
from guichet.appointments.slots import openings
from guichet.cases.models import Channel
from guichet.cases.selectors import agent_can_handle
from guichet.lib import phones, spreadsheets
from guichet.lib.business_time import PARIS
from guichet.lib.downloads import bytes_response
from guichet.lib.forms import Form
from guichet.lib.ical import calendar_bytes
from guichet.lib.phones import PhoneField

from .views import agent_required


def _agenda(request, agendas):
    slug = request.GET.get("agenda", "")
    return next((a for a in agendas if a.slug == slug), agendas[0] if agendas else None)


@agent_required
def calendar(request):
    agendas = list(agendas_for_agent(request.user))
    agenda = _agenda(request, agendas)
    day = parse_date(request.GET.get("date", "") or "") or timezone.localdate()
    view = "jour" if request.GET.get("vue") == "jour" else "semaine"
    first = day if view == "jour" else day - dt.timedelta(days=day.weekday())
    last = first if view == "jour" else first + dt.timedelta(days=6)
    mine = request.GET.get("agent") == "moi"
    listed = appointments_between(agendas if mine else [agenda] if agenda else [], first, last)
    listed = list(listed.filter(case__assignee=request.user) if mine else listed)
    days = []
    current = first
    while current <= last:
        items = [a for a in listed if timezone.localtime(a.starts_at, PARIS).date() == current]
        if items or current.weekday() < 5 or view == "jour":
            days.append((current, items))
        current += dt.timedelta(days=1)
    step = dt.timedelta(days=1 if view == "jour" else 7)
    return render(request, "backoffice/appointments/calendar.html", {
        "agendas": agendas, "agenda": agenda, "days": days, "view": view, "first": first,
        "previous": first - step, "next": first + step, "day": day,
        "booked": sum(1 for a in listed if a.is_active), "mine": mine,
    })


class OnBehalfForm(Form):
    name = forms.CharField(label="Prénom et nom", max_length=200)
    email = forms.EmailField(label="Adresse électronique", required=False,
                             help_text="Pour la confirmation et le rappel. Facultatif.")
    phone = PhoneField(label="Téléphone", max_length=30, required=False,
                            help_text="Pour le rappel par SMS. Facultatif.")
    channel = forms.ChoiceField(label="Demande reçue par", choices=[
        (Channel.PHONE, "Téléphone"), (Channel.COUNTER, "Accueil physique")])


@agent_required
def book_on_behalf(request):
    """Choose a motif and a day, see every free slot (agents are not bound by the online
    window), find the resident or type their details, book."""
    types = list(types_for_agent(request.user))
    type_id = request.GET.get("motif") or request.POST.get("motif")
    type_ = next((t for t in types if str(t.pk) == type_id), types[0] if types else None)
    day = parse_date(request.GET.get("date", "") or "") or timezone.localdate()
    query = request.GET.get("q", "").strip()
    found = residents_search(query) if len(query) >= 2 else []
    resident = None
    if request.GET.get("usager", "").isdigit():
        resident = User.objects.filter(pk=request.GET["usager"], is_active=True).select_related(
            "profile").first()
    initial = {}
    if resident is not None:
        initial = {"name": resident.get_full_name(), "email": resident.email,
                   "phone": getattr(getattr(resident, "profile", None), "phone", "")}
    form = OnBehalfForm(request.POST or None, initial=initial)
    refusal = None
    if request.method == "POST" and type_ is not None and form.is_valid():
        starts_at = parse_datetime(request.POST.get("debut", ""))
        requester = None
        if request.POST.get("usager", "").isdigit():
            requester = User.objects.filter(pk=request.POST["usager"], is_active=True).first()
        try:
            if starts_at is None:
                raise BookingError("Choisissez un créneau.")
            case = appointment_book(
                type_=type_, starts_at=starts_at, name=form.cleaned_data["name"],
                email=form.cleaned_data["email"], phone=form.cleaned_data["phone"],
                requester=requester, channel=form.cleaned_data["channel"],
                acting_user=request.user)
        except BookingError as exc:
            refusal = exc
        else:
            messages.success(request, f"Rendez-vous réservé : {case.reference}.")
            return redirect(case.get_backoffice_url())
    free = openings(type_, day, day, online=False) if type_ else []
    return render(request, "backoffice/appointments/book.html", {
        "types": types, "type": type_, "day": day, "free": free, "form": form,
        "query": query, "found": found, "resident": resident, "refusal": refusal,
    }, status=409 if refusal else 200)


def _appointment(request, reference) -> Appointment:
    appointment = Appointment.objects.select_related("case", "type__agenda").filter(
        case__reference=reference).first()
    if appointment is None or not agent_can_handle(request.user, appointment.case):
        raise Http404
    return appointment


@agent_required
@require_POST
def appointment_action(request, reference):
    appointment = _appointment(request, reference)
    action = request.POST.get("action")
    try:
        if action in ("seen", "no_show"):
            appointment_mark(appointment=appointment, status=action, acting_user=request.user)
        elif action in ("cancel", "cancel_resident"):
            appointment_cancel(appointment=appointment, by_service=action == "cancel",
                               for_resident=action == "cancel_resident",
                               acting_user=request.user,
                               reason=request.POST.get("reason", "").strip()[:1000])
        elif action == "move":
            starts_at = parse_datetime(request.POST.get("debut", ""))
            if starts_at is None:
                raise BookingError("Indiquez la nouvelle date et l'heure.")
            if timezone.is_naive(starts_at):
                starts_at = timezone.make_aware(starts_at, PARIS)
            appointment_move(appointment=appointment, starts_at=starts_at,
                             acting_user=request.user)
        else:
            raise BookingError("Action inconnue.")
    except BookingError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "C'est enregistré ; l'usager est prévenu si besoin.")
    return redirect(appointment.case.get_backoffice_url())


EXPORT_COLUMNS = ["Date", "Heure", "Motif", "Usager", "Téléphone", "Courriel", "État",
                  "Référence"]


def _export_rows(agenda, first, last):
    for item in appointments_between([agenda], first, last):
        local = timezone.localtime(item.starts_at, PARIS)
        yield [f"{local:%d/%m/%Y}", f"{local:%H:%M}", item.type.name, item.case.requester_name,
               phones.display(item.case.requester_phone), item.case.requester_email,
               item.get_status_display(), item.case.reference]


@agent_required
def export(request, fmt="csv"):
    agendas = list(agendas_for_agent(request.user))
    agenda = _agenda(request, agendas)
    if agenda is None:
        raise Http404
    first = parse_date(request.GET.get("du", "") or "") or timezone.localdate()
    last = parse_date(request.GET.get("au", "") or "") or first + dt.timedelta(days=6)
    name = f"rendez-vous-{agenda.slug}-{first:%Y%m%d}"
    rows = _export_rows(agenda, first, last)
    fmt = "ods" if fmt == "ods" else "csv"
    out = io.StringIO(newline="") if fmt == "csv" else io.BytesIO()
    spreadsheets.WRITERS[fmt]([EXPORT_COLUMNS, *rows], out, sheet="Rendez-vous")
    return bytes_response(out.getvalue(), content_type=spreadsheets.CONTENT_TYPES[fmt],
                          filename=f"{name}.{fmt}")


@agent_required
def feeds(request):
    feed, _ = AgentFeed.objects.get_or_create(user=request.user)
    return render(request, "backoffice/appointments/feeds.html", {
        "feed": feed, "agendas": agendas_for_agent(request.user)})


@agent_required
@require_POST
def feed_revoke(request):
    """A new token: the old address stops working at once."""
    kind = request.POST.get("kind")
    if kind == "agent":
        AgentFeed.objects.update_or_create(user=request.user,
                                           defaults={"token": Agenda._meta.get_field(
                                               "feed_token").default()})
    else:
        agenda = get_object_or_404(agendas_for_agent(request.user), pk=request.POST.get("agenda"))
        agenda.feed_token = Agenda._meta.get_field("feed_token").default()
        agenda.save(update_fields=["feed_token"])
    messages.success(request, "Nouvelle adresse créée : l'ancienne ne fonctionne plus.")
    return redirect("backoffice:appointment_feeds")


def _feed(appointments, name) -> HttpResponse:
    body = calendar_bytes([calendar_event(a) for a in appointments], name=name)
    return HttpResponse(body, content_type="text/calendar; charset=utf-8")


def _window():
    today = timezone.localdate()
    return today - dt.timedelta(days=30), today + dt.timedelta(days=180)


def agenda_feed(request, token):
    """Subscribed to by calendar applications: no session, the token is the key."""
    agenda = get_object_or_404(Agenda, feed_token=token, is_active=True)
    first, last = _window()
    return _feed(appointments_between([agenda], first, last), agenda.name)


def agent_feed(request, token):
    feed = get_object_or_404(AgentFeed.objects.select_related("user"), token=token,
                             user__is_active=True)
    first, last = _window()
    agendas = agendas_for_agent(feed.user)
    return _feed(appointments_between(agendas, first, last), f"Rendez-vous — {feed.user}")


@agent_required
@require_POST
def import_closures(request):
    agenda = get_object_or_404(agendas_for_agent(request.user), slug=request.POST.get("agenda"))
    upload = request.FILES.get("file")
    try:
        if upload is None:
            raise BookingError("Choisissez un fichier .ics.", field="file")
        if upload.size > 1024 * 1024:
            raise BookingError("Le fichier dépasse 1 Mo.", field="file")
        created = agenda_import_closures(agenda=agenda, data=upload.read(),
                                         acting_user=request.user)
    except BookingError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"{created} fermeture{'s' if created != 1 else ''} "
                                  f"importée{'s' if created != 1 else ''}.")
    return redirect(f"{reverse('backoffice:appointment_calendar')}?agenda={agenda.slug}")
