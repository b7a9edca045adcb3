"""Agents' side of facility bookings and event registrations: approve or refuse a request,
cancel a registration, the attendee list with check-in."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from guichet.bookings.models import Event, FacilityBooking, Registration
from guichet.bookings.services import (
    BookingRefused,
    event_cancel,
    event_check_in,
    facility_decide,
)
from guichet.cases.selectors import agent_can_handle, agent_unit_ids

from .views import agent_required


@agent_required
@require_POST
def facility_decision(request, reference):
    booking = FacilityBooking.objects.select_related("case").filter(
        case__reference=reference).first()
    if booking is None or not agent_can_handle(request.user, booking.case):
        raise Http404
    try:
        facility_decide(booking=booking, approve=request.POST.get("decision") == "approve",
                        acting_user=request.user, message=request.POST.get("message", ""))
    except BookingRefused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "C'est fait ; l'usager en est informé.")
    return redirect(booking.case.get_backoffice_url())


def _registration(request, pk) -> Registration:
    registration = get_object_or_404(Registration.objects.select_related("case", "event"),
                                     pk=pk)
    if not agent_can_handle(request.user, registration.case):
        raise Http404
    return registration


@agent_required
@require_POST
def registration_action(request, pk):
    registration = _registration(request, pk)
    try:
        if request.POST.get("action") == "check_in":
            event_check_in(registration=registration, acting_user=request.user)
        else:
            event_cancel(registration=registration, by_service=True, acting_user=request.user)
    except BookingRefused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "C'est enregistré.")
    if request.POST.get("back") == "event":
        return redirect("backoffice:event_attendees", slug=registration.event.slug)
    return redirect(registration.case.get_backoffice_url())


def _events(request):
    return Event.objects.filter(unit_id__in=agent_unit_ids(request.user))


@agent_required
def events(request):
    return render(request, "backoffice/events/list.html", {
        "events": _events(request).order_by("-starts_at")[:100]})


@agent_required
def event_attendees(request, slug):
    event = get_object_or_404(_events(request), slug=slug)
    registrations = event.registrations.select_related("case").order_by("status",
                                                                        "created_at")
    return render(request, "backoffice/events/attendees.html", {
        "event": event, "registrations": registrations,
        "present": sum(r.count for r in registrations if r.status == "present"),
        "confirmed": sum(r.count for r in registrations if r.status in ("confirmed",
                                                                          "present")),
    })
