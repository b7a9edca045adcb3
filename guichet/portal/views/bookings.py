"""Facilities and events for residents, and the online payment path (start, the test
provider's bank page, the callback, the return page, the receipt)."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from guichet.bookings.models import Event, Facility, FacilityBooking, Payment, Registration
from guichet.bookings.payments import PROVIDERS, is_enabled, provider
from guichet.bookings.services import (
    NO_ONLINE_PAYMENT,
    BookingRefused,
    event_accept_offer,
    event_can_cancel,
    event_cancel,
    event_register,
    facility_needs_validation,
    facility_request,
    payment_available,
    payment_callback,
)
from guichet.lib.business_time import PARIS
from guichet.lib.downloads import bytes_response

from ..booking_forms import FacilityBookingForm, RegistrationForm
from ..receipt import payment_receipt_pdf_bytes
from .contact import SESSION_CASES, remember_case


def facilities(request):
    return render(request, "portal/bookings/facilities.html", {
        "facilities": Facility.objects.filter(is_active=True).select_related("organisation")
        .prefetch_related("tariffs").order_by("organisation__name", "name")})


def _week(request) -> dt.date:
    today = timezone.localdate()
    asked = max(parse_date(request.GET.get("semaine", "") or "") or today, today)
    return asked - dt.timedelta(days=asked.weekday())


def facility_detail(request, slug):
    """The public availability calendar and the booking request form."""
    facility = get_object_or_404(Facility.objects.prefetch_related("tariffs"), slug=slug,
                                 is_active=True)
    monday = _week(request)
    start = dt.datetime.combine(monday, dt.time.min, PARIS)
    busy = list(facility.bookings.filter(
        status__in=FacilityBooking.BLOCKING, starts_at__lt=start + dt.timedelta(days=7),
        ends_at__gt=start).order_by("starts_at").values_list("starts_at", "ends_at"))
    closures = list(facility.closures.filter(starts_at__lt=start + dt.timedelta(days=7),
                                             ends_at__gt=start))
    days = []
    for offset in range(7):
        day = monday + dt.timedelta(days=offset)
        day_start = dt.datetime.combine(day, dt.time.min, PARIS)
        closed = [c for c in closures if c.starts_at < day_start + dt.timedelta(days=1)
                  and c.ends_at > day_start]
        days.append((day, [(s, e) for s, e in busy
                           if timezone.localtime(s, PARIS).date() == day], closed))
    form = FacilityBookingForm(request.POST or None, facility=facility, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        signed_in = request.user.is_authenticated
        try:
            case = facility_request(
                facility=facility, starts_at=data["starts_at"], ends_at=data["ends_at"],
                audience=data["audience"], purpose=data["purpose"],
                attendees=data["attendees"], name=data["name"], email=data.get("email", ""),
                phone=data["phone"], requester=request.user if signed_in else None)
        except BookingRefused as exc:
            form.add_error(exc.field if exc.field in form.fields else None, str(exc))
        else:
            remember_case(request, case)
            payment = case.payments.filter(status=Payment.Status.PENDING).first()
            if payment is not None:
                return redirect("portal:payment_start", reference=payment.reference)
            return redirect("portal:confirmation", token=case.token)
    needs_validation = facility_needs_validation(facility)
    names = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"]
    return render(request, "portal/bookings/facility.html", {
        "open_days": [names[d] for d in sorted(facility.open_days or [])],
        "facility": facility, "days": days, "monday": monday, "form": form,
        "needs_validation": needs_validation,
        "no_online_payment": NO_ONLINE_PAYMENT if needs_validation
        and not facility.needs_approval else "",
        "previous": monday - dt.timedelta(days=7) if monday > timezone.localdate() else None,
        "next": monday + dt.timedelta(days=7),
    })


def events(request):
    upcoming = Event.objects.filter(is_published=True, starts_at__gt=timezone.now()).order_by(
        "starts_at")
    return render(request, "portal/bookings/events.html", {"events": upcoming})


def event_detail(request, slug):
    event = get_object_or_404(Event, slug=slug, is_published=True)
    form = RegistrationForm(request.POST or None, event=event, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        signed_in = request.user.is_authenticated
        try:
            case = event_register(event=event, attendees=form.attendees(), name=data["name"],
                                  email=data.get("email", ""), phone=data["phone"],
                                  requester=request.user if signed_in else None,
                                  answers=form.answers())
        except BookingRefused as exc:
            form.add_error(None, str(exc))
        else:
            remember_case(request, case)
            return redirect("portal:registration_manage", token=case.registration.token)
    return render(request, "portal/bookings/event.html", {"event": event, "form": form})


def _registration(token) -> Registration | None:
    return Registration.objects.select_related("event", "case").filter(token=token).first()


def registration_manage(request, token):
    registration = _registration(token)
    if registration is None:
        return render(request, "portal/bookings/link_invalid.html", status=404)
    return render(request, "portal/bookings/registration.html", {
        "registration": registration, "event": registration.event,
        "can_cancel": event_can_cancel(registration)})


@require_POST
def registration_action(request, token):
    registration = _registration(token)
    if registration is None:
        return render(request, "portal/bookings/link_invalid.html", status=404)
    try:
        if request.POST.get("action") == "accept":
            event_accept_offer(registration=registration)
            messages.success(request, "Votre inscription est confirmée.")
        else:
            event_cancel(registration=registration)
            messages.success(request, "Votre inscription est annulée ; la place est rendue.")
            return redirect("portal:events")
    except BookingRefused as exc:
        messages.error(request, str(exc))
    return redirect("portal:registration_manage", token=token)


def _payment(reference) -> Payment:
    return get_object_or_404(Payment.objects.select_related("case"), reference=reference)


def payment_start(request, reference):
    """The summary before paying, then off to the provider."""
    payment = _payment(reference)
    available = payment_available(payment)
    if request.method == "POST" and payment.status == Payment.Status.PENDING and available:
        return redirect(provider(payment.provider).start_url(payment))
    booking = FacilityBooking.objects.filter(case=payment.case).first()
    return render(request, "portal/bookings/payment_start.html", {
        "payment": payment, "booking": booking, "available": available})


def payment_test_bank(request, reference):
    """The test provider's "bank": two buttons that post the signed callback as a real
    provider would, then send the browser back to Guichet. It lets anyone mark a payment paid:
    it exists only when PAYMENT_PROVIDER=test is set (the demo, the tests, DEBUG)."""
    payment = _payment(reference)
    test = provider("test")
    if payment.provider != "test" or not is_enabled("test"):
        raise Http404
    if request.method == "POST":
        paid = request.POST.get("result") == "paid"
        payment_callback(provider_code="test", data=test.callback_fields(payment, paid))
        return redirect("portal:payment_return", reference=reference)
    return render(request, "portal/bookings/test_bank.html", {"payment": payment})


@csrf_exempt
@require_POST
def payment_callback_view(request, provider_code):
    """Server-to-server notification from the provider; answers 200 whatever happens (the
    outcome is logged), 400 on a refused one."""
    if provider_code not in PROVIDERS:
        raise Http404
    payment = payment_callback(provider_code=provider_code, data=request.POST.dict())
    return HttpResponse("OK" if payment else "REFUSED", status=200 if payment else 400,
                        content_type="text/plain")


def payment_return(request, reference):
    payment = _payment(reference)
    return render(request, "portal/bookings/payment_return.html", {"payment": payment})


def payment_receipt(request, reference):
    """The receipt PDF: for the payer's account or the browser that paid."""
    payment = _payment(reference)
    case = payment.case
    allowed = (request.user.is_authenticated and case.requester_id == request.user.pk) or (
        case.token in request.session.get(SESSION_CASES, []))
    if not allowed or payment.status != Payment.Status.PAID:
        raise Http404
    return bytes_response(payment_receipt_pdf_bytes(payment), content_type="application/pdf",
                          filename=f"recu-{case.reference}.pdf")
