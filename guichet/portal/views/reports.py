"""Signalements for residents: report in three steps (category, place, details), see what is
already reported nearby and follow it instead, browse public reports on a list and a map."""

from __future__ import annotations

import csv
import hashlib
import itertools
import json
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.core.validators import validate_email
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from guichet.cases.models import OPEN_STATUSES, Event, Status
from guichet.cases.selectors import agent_can_handle
from guichet.cases.services import CaseError, sla_promise
from guichet.lib.downloads import file_response, protect
from guichet.lib.public_cache import cached
from guichet.organisations.models import Organisation
from guichet.organisations.selectors import communes_covered
from guichet.reports.models import Category, Photo
from guichet.reports.selectors import (
    OPEN_DATA_FIELDS,
    map_settings,
    open_data_rows,
    public_reports,
)
from guichet.reports.services import (
    ReportError,
    report_answer_fixed,
    report_follow,
    report_from_fixed_token,
    report_locate,
    report_reopen,
    report_route,
    report_submit,
    reportable_categories,
    reports_nearby,
)

from ..report_forms import LocationForm, ReportDetailsForm
from .contact import SESSION_CASES, remember_case


def _category(code: str) -> Category:
    return get_object_or_404(reportable_categories(), service_code=code)


def report_start(request):
    groups: dict[str, list[Category]] = {}
    for category in reportable_categories():
        groups.setdefault(category.group or "Autres", []).append(category)
    return render(request, "portal/reports/start.html", {"groups": groups})


def report_location(request, code):
    category = _category(code)
    form = LocationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if data["lat"] is None:  # known by its typed address and commune only
            query = urlencode({"commune": data["commune"].slug, "adresse": data["address"]})
        else:
            query = urlencode({"lat": f"{data['lat']:.6f}", "lon": f"{data['lon']:.6f}",
                               "adresse": data.get("address", "")})
        return redirect(reverse("portal:report_details", args=[code]) + "?" + query)
    return render(request, "portal/reports/location.html",
                  {"category": category, "form": form, "map": map_settings()})


def _place(request):
    """The place chosen at the previous step: a point, or a typed address and its commune when
    the address could not be located (then lat and lon are None)."""
    address = request.GET.get("adresse", "").strip()[:250]
    if "lat" not in request.GET and "commune" in request.GET:
        commune = communes_covered().filter(slug=request.GET["commune"]).first()
        if commune is None or not address:
            return None
        return {"lat": None, "lon": None, "address": address, "commune": commune}
    try:
        lat, lon = float(request.GET["lat"]), float(request.GET["lon"])
        commune = report_locate(lat=lat, lon=lon)
    except (KeyError, ValueError, ReportError):
        return None
    return {"lat": lat, "lon": lon, "address": address, "commune": commune}


def report_details(request, code):
    category = _category(code)
    place = _place(request)
    if place is None:
        return redirect("portal:report_location", code=code)
    form = ReportDetailsForm(request.POST or None, request.FILES or None, category=category,
                             user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        signed_in = request.user.is_authenticated
        try:
            case = report_submit(
                category=category, lat=place["lat"], lon=place["lon"],
                commune=place["commune"], address=place["address"],
                description=data["description"],
                answers=form.answers(), photos=data["photos"],
                requester=request.user if signed_in else None, name=data["name"],
                email=data.get("email", ""), phone=data["phone"])
        except ReportError as exc:
            field = exc.field if exc.field in form.fields else None
            form.add_error(field, str(exc))
        else:
            remember_case(request, case)
            return redirect("portal:confirmation", token=case.token)
    nearby = [] if place["lat"] is None else reports_nearby(category=category, lat=place["lat"],
                                                            lon=place["lon"])
    try:
        _, unit = report_route(category=category, commune=place["commune"])
    except ReportError:
        promise = None  # said at submission, next to the category
    else:
        promise = sla_promise(unit=unit, category=category.service_code,
                              first_response_hours=category.first_response_hours)
    return render(request, "portal/reports/details.html", {
        "promise": promise,
        "category": category, "place": place, "form": form, "nearby": nearby,
        "files_lost": request.method == "POST" and bool(request.FILES),
        "radius": settings.REPORT_DUPLICATE_RADIUS_M,
    })


def _public_report(reference):
    return get_object_or_404(public_reports(), case__reference=reference)


@require_POST
def report_me_too(request, reference):
    report = _public_report(reference)
    if report.case.status not in OPEN_STATUSES:
        raise Http404
    email = request.user.email if request.user.is_authenticated else \
        request.POST.get("email", "").strip()
    try:
        validate_email(email)
    except ValidationError:
        messages.error(request, "Indiquez une adresse électronique valide pour être tenu "
                                "informé, par exemple nom@exemple.fr.")
        return redirect("portal:public_report", reference=reference)
    user = request.user if request.user.is_authenticated else None
    if report_follow(report=report, email=email, user=user):
        messages.success(request, "C'est noté : vous serez informé de l'avancement de ce "
                                  "signalement.")
    else:
        messages.info(request, "Vous suivez déjà ce signalement.")
    return redirect("portal:public_report", reference=reference)


PUBLIC_STATUSES = [("ouverts", "En cours"), ("resolus", "Résolus"), ("tous", "Tous")]


def _filtered(request):
    reports = public_reports()
    category = request.GET.get("categorie", "")
    commune = request.GET.get("commune", "")
    status = request.GET.get("statut", "ouverts")
    if category:
        reports = reports.filter(category__service_code=category)
    if commune:
        # By id, so that the (commune, is_open, created_at) index gives the rows in order.
        commune_id = Organisation.objects.filter(slug=commune).values_list("pk", flat=True)
        reports = reports.filter(commune_id=commune_id.first())
    if status == "ouverts":
        reports = reports.filter(is_open=True)
    elif status == "resolus":
        reports = reports.filter(is_open=False)
    return reports.order_by("-created_at"), {"categorie": category, "commune": commune,
                                             "statut": status}


def public_list(request):
    reports, filters = _filtered(request)
    page = Paginator(reports, 20).get_page(request.GET.get("page"))
    return render(request, "portal/reports/public_list.html", {
        "page": page, "filters": filters, "categories": reportable_categories(),
        "communes": Organisation.objects.filter(kind=Organisation.Kind.COMMUNE, is_active=True,
                                                boundary__isnull=False).order_by("name"),
        "statuses": PUBLIC_STATUSES, "map": map_settings(),
        "geojson_url": reverse("portal:public_reports_geojson") + "?" + urlencode(filters),
        "query": urlencode({k: v for k, v in filters.items() if v}),
    })


def public_geojson(request):
    """The map's points: the most recent public reports matching the filters (the list below
    the map holds them all), without any personal data, as compact as GeoJSON allows. The same
    for every visitor, so served from the public pages' cache until a report changes."""
    key = "geojson:" + hashlib.sha256(request.GET.urlencode().encode()).hexdigest()
    body = cached("reports", key, lambda: _geojson(request))
    return HttpResponse(body, content_type="application/geo+json")


def _geojson(request) -> str:
    reports, _ = _filtered(request)
    rows = reports.filter(lat__isnull=False, lon__isnull=False).values_list(
        "case__reference", "lat", "lon", "category__name",
        "case__status")[:settings.REPORT_MAP_MAX_POINTS]
    labels = dict(Status.choices)
    features = [{
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [round(lon, 5), round(lat, 5)]},
        "properties": {"reference": reference, "categorie": category, "statut": labels[status]},
    } for reference, lat, lon, category, status in rows]
    return json.dumps({"type": "FeatureCollection", "features": features},
                      ensure_ascii=False, separators=(",", ":"))


def public_report(request, reference):
    report = _public_report(reference)
    case = report.case
    history = (case.events.filter(kind__in=(Event.Kind.STATUS_CHANGED, Event.Kind.PROGRESS))
               .order_by("created_at").only("created_at", "kind", "body", "data"))
    photos = [p for p in report.photos.all() if p.is_publishable()]
    return render(request, "portal/reports/public_detail.html", {
        "report": report, "case": case, "history": history, "photos": photos,
        "is_open": case.status in OPEN_STATUSES,
    })


def photo(request, key, size="image"):
    """A photo is public once publishable; before that, only the filer and the agents see it."""
    item = get_object_or_404(Photo.objects.select_related("report__case", "report__category"),
                             key=key)
    case = item.report.case
    user = request.user
    allowed = (item.is_publishable()
               or (user.is_authenticated and (agent_can_handle(user, case)
                                              or case.requester_id == user.pk))
               or case.token in request.session.get(SESSION_CASES, []))
    if not allowed:
        raise Http404
    field = item.thumbnail if size == "vignette" else item.image
    # Re-encoded by us (guichet.lib.images): shown inline, still nosniff and sandboxed.
    return file_response(field.open("rb"), filename=f"photo-{item.key}.jpg",
                         content_type="image/jpeg", inline=True)


class _Echo:
    def write(self, value):
        return value


def open_data_csv(request):
    """Anonymised export of public reports (see docs/open-data-signalements.md)."""
    writer = csv.writer(_Echo())
    rows = (writer.writerow(row) for row in
            itertools.chain([OPEN_DATA_FIELDS], open_data_rows()))
    response = StreamingHttpResponse(rows, content_type="text/csv; charset=utf-8")
    return protect(response, filename="signalements.csv")


def open_data_geojson(request):
    def features():
        yield '{"type": "FeatureCollection", "features": ['
        for index, row in enumerate(open_data_rows()):
            properties = dict(zip(OPEN_DATA_FIELDS, row, strict=True))
            # A report not yet placed on the map has no geometry (GeoJSON allows null).
            geometry = {"type": "Point", "coordinates": [
                float(properties["longitude"]), float(properties["latitude"])]} \
                if properties["latitude"] else None
            feature = {"type": "Feature", "geometry": geometry, "properties": properties}
            yield ("," if index else "") + json.dumps(feature, ensure_ascii=False)
        yield "]}"

    response = StreamingHttpResponse(features(), content_type="application/geo+json")
    return protect(response, filename="signalements.geojson")


def report_fixed(request, token):
    """The answer to "Est-ce réparé ?": a GET shows the question (mail scanners follow links),
    the POST records it."""
    report = report_from_fixed_token(token)
    if report is None:
        return render(request, "portal/reports/fixed_invalid.html", status=400)
    if request.method == "POST" and request.POST.get("reponse") in ("oui", "non"):
        fixed = request.POST["reponse"] == "oui"
        report_answer_fixed(report=report, fixed=fixed)
        report.case.refresh_from_db()
        return render(request, "portal/reports/fixed_done.html",
                      {"report": report, "fixed": fixed, "reopened": report.case.is_open})
    return render(request, "portal/reports/fixed.html", {
        "report": report, "answer": request.GET.get("reponse", "")})


@require_POST
def report_reopen_view(request, token):
    """From the follow-up page of a report: the problem is back."""
    from guichet.cases.models import Case

    case = get_object_or_404(Case, token=token, kind="report")
    if case.requester_id and case.requester_id != request.user.pk:
        raise Http404
    if not case.requester_id and token not in request.session.get(SESSION_CASES, []):
        raise Http404
    try:
        report_reopen(report=case.report, reason=request.POST.get("reason", "").strip()[:2000],
                      user=request.user if request.user.is_authenticated else None)
    except CaseError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "Le signalement est rouvert : le service en est informé.")
    return redirect("portal:case_by_token", token=token)
