"""Open311 GeoReport v2 (http://wiki.open311.org/GeoReport_v2), as the spec says: every
resource in `.json` and `.xml`, form-encoded POST with an `api_key`, errors as the spec's error
documents. The test endpoint (`/open311/test/v2/`) checks everything a real POST would and
answers the same way, but files nothing: client developers try it without reaching agents.

Public reads never carry who filed a report."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import xml.etree.ElementTree as ET
from functools import wraps

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import IntegrityError, transaction
from django.http import HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.views.decorators.csrf import csrf_exempt

from guichet.cases.models import OPEN_STATUSES, Case, Channel, Status
from guichet.lib.geocoding import GeocoderUnavailable, geocode
from guichet.lib.public_cache import cached
from guichet.lib.ratelimit import retry_after
from guichet.organisations.selectors import territory_organisation
from guichet.reports.models import ApiKey, Category, IdempotentRequest, Report
from guichet.reports.selectors import public_reports
from guichet.reports.services import (
    ReportError,
    clean_answers,
    report_locate,
    report_route,
    report_submit,
    reportable_categories,
)

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
CHANGESET = "2026-11-24T00:00:00Z"


class Open311Error(Exception):
    def __init__(self, status: int, description: str, *, headers: dict | None = None):
        super().__init__(description)
        self.status = status
        self.description = description
        self.headers = headers or {}


# What XML 1.0 allows in a document at all (§2.2 "Char"): no other control character (NUL,
# U+000B, ESC…), no lone surrogate, not U+FFFE or U+FFFF, not even as a character reference.
XML_FORBIDDEN = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_text(value: str) -> str:
    """The text without the characters XML cannot carry, whatever the database holds (other
    channels, older rows): a document we serve is always well-formed."""
    return XML_FORBIDDEN.sub("", value)


# --- Rendering -----------------------------------------------------------------------------

def _xml_value(parent: ET.Element, tag: str, value, item_tags: dict) -> None:
    element = ET.SubElement(parent, tag)
    if isinstance(value, dict):
        for key, child in value.items():
            _xml_value(element, key, child, item_tags)
    elif isinstance(value, list):
        for child in value:
            _xml_value(element, item_tags[tag], child, item_tags)
    elif isinstance(value, bool):
        element.text = "true" if value else "false"
    elif value is not None:
        element.text = xml_text(str(value))


# The element name of one item of each list, as in the spec's XML examples.
ITEM_TAGS = {
    "services": "service", "service_requests": "request", "attributes": "attribute",
    "values": "value", "errors": "error", "endpoints": "endpoint", "formats": "format",
}


def render(data, fmt: str, root: str, *, status: int = 200) -> HttpResponse:
    response = _render(data, fmt, root, status)
    # Public data, read by apps and other sites' maps.
    response["Access-Control-Allow-Origin"] = "*"
    response.open311 = True  # the middleware leaves it as it is
    return response


def _render(data, fmt: str, root: str, status: int) -> HttpResponse:
    if fmt == "xml":
        if isinstance(data, list):
            element = ET.Element(root)
            for item in data:
                _xml_value(element, ITEM_TAGS[root], item, ITEM_TAGS)
        else:
            element = ET.Element(root)
            for key, value in data.items():
                _xml_value(element, key, value, ITEM_TAGS)
        body = b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(element, "utf-8")
        # The bare type that discovery announces (validators compare the whole header); the
        # XML declaration gives the encoding.
        return HttpResponse(body, status=status, content_type="text/xml")
    return JsonResponse(data, status=status, safe=False,
                        json_dumps_params={"ensure_ascii": False})


def errors(fmt: str, status: int, description: str, *, headers: dict | None = None
           ) -> HttpResponse:
    response = render([{"code": status, "description": description}], fmt, "errors",
                      status=status)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def not_allowed(fmt: str, method: str, allowed) -> HttpResponse:
    allowed = ", ".join(allowed)
    return errors(fmt, 405, f"Méthode {method} non permise ici : {allowed} seulement.",
                  headers={"Allow": allowed})


def too_big(fmt: str) -> HttpResponse:
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    size = f"{limit / 1024 / 1024:.3g} Mo" if limit >= 1024 * 1024 else f"{limit} octets"
    return errors(fmt, 413, f"Requête trop volumineuse : {size} au plus.")


def open311_view(*methods: str):
    """An Open311 view answering only `methods`: Open311Error and ReportError become the spec's
    error documents. No CSRF check: nothing here reads a cookie, writes are authenticated by
    their `api_key`."""

    def decorator(view):
        @csrf_exempt
        @wraps(view)
        def wrapper(request, *args, fmt="json", **kwargs):
            if request.method not in methods:
                return not_allowed(fmt, request.method, methods)
            try:
                _check_characters(request)
                _check_jurisdiction(request)
                return view(request, *args, fmt=fmt, **kwargs)
            except Open311Error as exc:
                return errors(fmt, exc.status, exc.description, headers=exc.headers)
            except ReportError as exc:
                return errors(fmt, 400, str(exc))
            except RequestDataTooBig:
                return too_big(fmt)
            except TooManyFieldsSent:
                return errors(fmt, 400, f"Trop de paramètres : "
                                        f"{settings.DATA_UPLOAD_MAX_NUMBER_FIELDS} au plus.")

        return wrapper

    return decorator


def cached_public(request, fmt: str, build) -> HttpResponse:
    """An anonymous read, from the public pages' cache (guichet.lib.public_cache) when nothing
    about reports changed since; only successful answers are kept."""
    def answer():
        response = build()
        return (response.content, response["Content-Type"]) if response.status_code == 200 \
            else response

    query = hashlib.sha256(request.GET.urlencode().encode()).hexdigest()
    key = f"open311:{request.path}:{query}"
    value = cached("reports", key, answer)
    if isinstance(value, HttpResponse):
        return value
    content, content_type = value
    response = HttpResponse(content, content_type=content_type)
    response["Access-Control-Allow-Origin"] = "*"
    response.open311 = True
    return response


def _check_characters(request) -> None:
    """Refuse, rather than silently drop, characters that XML cannot carry (PostgreSQL cannot
    store NUL either): what a client sent is filed as it sent it, or not at all, and the client
    learns which parameter is wrong."""
    values = [*request.GET.lists(), ("Idempotency-Key",
                                     [request.headers.get("Idempotency-Key", "")])]
    if request.method == "POST":
        values += request.POST.lists()
    for name, items in values:
        for text in (name, *items):
            found = XML_FORBIDDEN.search(text)
            if found:
                raise Open311Error(400, f"{xml_text(name) or 'Un paramètre'} contient un "
                                        f"caractère interdit (U+{ord(found.group()):04X}) : "
                                        f"retirez les caractères de contrôle.")


def _check_jurisdiction(request) -> None:
    """`jurisdiction_id` is accepted: this server's host name or its territory's identifier."""
    value = (request.GET.get("jurisdiction_id") or request.POST.get("jurisdiction_id") or "")
    if not value:
        return
    territory = territory_organisation()
    allowed = {request.get_host().split(":")[0], settings.SITE_URL.split("//")[-1].split("/")[0]}
    if territory is not None:
        allowed |= {territory.slug, territory.insee_code, territory.siren}
    if value not in allowed:
        raise Open311Error(404, f"jurisdiction_id « {value} » inconnu sur ce serveur.")


def _dt(value) -> str | None:
    return timezone.localtime(value).isoformat(timespec="seconds") if value else None


# --- Discovery and services ----------------------------------------------------------------

@open311_view("GET")
def discovery(request, fmt):
    base = request.build_absolute_uri("/open311")
    formats = ["text/xml", "application/json"]
    territory = territory_organisation()
    data = {
        "changeset": CHANGESET,
        "contact": (f"{territory.name} — {territory.email}" if territory else settings.SITE_NAME),
        "key_service": "Clés délivrées par l'administration de Guichet (back-office, "
                       "« Clés d'API Open311 »).",
        "endpoints": [
            {"specification": SPECIFICATION, "url": f"{base}/v2", "changeset": CHANGESET,
             "type": "production", "formats": formats},
            {"specification": SPECIFICATION, "url": f"{base}/test/v2", "changeset": CHANGESET,
             "type": "test", "formats": formats},
        ],
    }
    return render(data, fmt, "discovery")


def _service(category: Category) -> dict:
    return {
        "service_code": category.service_code,
        "service_name": category.name,
        "description": category.description or category.full_name,
        "metadata": bool(category.questions),
        "type": "realtime",
        "keywords": category.keywords or None,
        "group": category.group or None,
    }


@open311_view("GET")
def services(request, fmt):
    return cached_public(request, fmt, lambda: render(
        [_service(c) for c in reportable_categories()], fmt, "services"))


def _category(service_code: str) -> Category:
    category = reportable_categories().filter(service_code=service_code).first()
    if category is None:
        raise Open311Error(404, f"service_code « {service_code} » inconnu.")
    return category


@open311_view("GET")
def service_definition(request, service_code, fmt):
    category = _category(service_code)
    attributes = []
    for order, question in enumerate(category.sorted_questions(), start=1):
        attribute = {
            "variable": True,
            "code": question["code"],
            "datatype": question.get("datatype", "string"),
            "required": bool(question.get("required")),
            "datatype_description": question.get("datatype_description") or None,
            "order": question.get("order") or order,
            "description": question.get("label", question["code"]),
        }
        if attribute["datatype"] in ("singlevaluelist", "multivaluelist"):
            attribute["values"] = [{"key": v["key"], "name": v["name"]}
                                   for v in question.get("values", [])]
        attributes.append(attribute)
    return render({"service_code": category.service_code, "attributes": attributes}, fmt,
                  "service_definition")


# --- Service requests ----------------------------------------------------------------------

REQUEST_FIELDS = ["case__reference", "case__status", "category__name", "category__service_code",
                  "description", "case__organisation__name", "case__unit__name",
                  "case__created_at", "case__updated_at", "case__closed_at", "case__resolved_at",
                  "case__resolution_due_at", "address", "lat", "lon", "media_url"]
STATUS_LABELS = dict(Status.choices)


def _requests(reports) -> list[dict]:
    """The spec's service requests, read as plain rows in one query (no model instances: a
    page holds up to a thousand of them)."""
    return [_request(row) for row in reports.values(*REQUEST_FIELDS)]


def _request(row: dict) -> dict:
    status = row["case__status"]
    closed = status not in OPEN_STATUSES
    return {
        "service_request_id": row["case__reference"],
        "status": "closed" if closed else "open",
        "status_notes": STATUS_LABELS.get(status, status),
        "service_name": row["category__name"],
        "service_code": row["category__service_code"],
        "description": row["description"],
        "agency_responsible": f"{row['case__organisation__name']} — {row['case__unit__name']}",
        "service_notice": None,
        "requested_datetime": _dt(row["case__created_at"]),
        "updated_datetime": _dt((row["case__closed_at"] or row["case__resolved_at"]) if closed
                                else row["case__updated_at"]),
        "expected_datetime": _dt(row["case__resolution_due_at"]),
        "address": row["address"] or None,
        "address_id": None,
        "zipcode": None,
        "lat": row["lat"],
        "long": row["lon"],
        "media_url": row["media_url"] if _is_media_url(row["media_url"]) else None,
    }


_media_url = URLValidator(schemes=["http", "https"])
MEDIA_URL_MAX_LENGTH = Report._meta.get_field("media_url").max_length


def _is_media_url(value: str) -> bool:
    if not value or len(value) > MEDIA_URL_MAX_LENGTH:
        return False
    try:
        _media_url(value)
    except ValidationError:
        return False
    return True


# Dates a query can ask about; beyond them, date arithmetic and databases overflow.
EARLIEST = dt.datetime(1900, 1, 1, tzinfo=dt.UTC)
LATEST = dt.datetime(9000, 1, 1, tzinfo=dt.UTC)


def _parse_date(name: str, value: str) -> dt.datetime:
    try:
        parsed = parse_datetime(value.replace(" ", "+")) if value else None
        if parsed is not None and timezone.is_naive(parsed):
            parsed = timezone.make_aware(parsed)
        if parsed is not None and EARLIEST <= parsed <= LATEST:
            return parsed
    except (ValueError, OverflowError):  # 2026-02-30, an offset of 25 hours, year 1…
        pass
    raise Open311Error(400, f"{name} doit être une date W3C entre 1900 et 9000, par exemple "
                            f"2026-11-24T08:00:00+01:00.")


MAX_SERVICE_CODES = 100


def _page(request) -> tuple[int, int]:
    """`page_size` (1 to OPEN311_MAX_REQUESTS, the spec's cap, which is also the default) and
    `page` (from 1): an extension the spec allows, for clients that want smaller answers."""
    values = []
    for name, default, top in (("page_size", settings.OPEN311_MAX_REQUESTS,
                                settings.OPEN311_MAX_REQUESTS), ("page", 1, 100_000)):
        raw = request.GET.get(name, "").strip()
        if not raw:
            values.append(default)
            continue
        if not raw.isdigit() or not 1 <= int(raw) <= top:
            raise Open311Error(400, f"{name} doit être un nombre entier de 1 à {top}.")
        values.append(int(raw))
    return values[0], values[1]


@open311_view("GET", "POST")
def requests_view(request, fmt):
    if request.method == "POST":
        return _post_request(request, fmt)
    return cached_public(request, fmt, lambda: _requests_answer(request, fmt))


def _requests_answer(request, fmt) -> HttpResponse:
    reports = public_reports()
    ids = [i.strip() for i in request.GET.get("service_request_id", "").split(",") if i.strip()]
    if ids:  # the spec: other parameters are then ignored
        reports = reports.filter(case__reference__in=ids[:settings.OPEN311_MAX_REQUESTS])
    else:
        codes = [c for c in request.GET.get("service_code", "").split(",") if c]
        if len(codes) > MAX_SERVICE_CODES:
            raise Open311Error(400, f"service_code : {MAX_SERVICE_CODES} codes au plus.")
        if codes:
            reports = reports.filter(category__service_code__in=codes)
        end = _parse_date("end_date", request.GET["end_date"]) if request.GET.get(
            "end_date") else timezone.now()
        start = _parse_date("start_date", request.GET["start_date"]) if request.GET.get(
            "start_date") else end - dt.timedelta(days=settings.OPEN311_DEFAULT_DAYS)
        if start > end:
            raise Open311Error(400, "start_date doit précéder end_date.")
        reports = reports.filter(created_at__gte=start, created_at__lte=end)
        statuses = {s for s in request.GET.get("status", "").split(",") if s}
        if statuses - {"open", "closed"}:
            raise Open311Error(400, "status vaut open ou closed.")
        if statuses == {"open"}:
            reports = reports.filter(case__status__in=("new", "in_progress", "waiting"))
        elif statuses == {"closed"}:
            reports = reports.exclude(case__status__in=("new", "in_progress", "waiting"))
    size, page = _page(request)
    reports = reports.order_by("-created_at", "-pk")[(page - 1) * size:page * size]
    return render(_requests(reports), fmt, "service_requests")


@open311_view("GET")
def request_detail(request, service_request_id, fmt):
    found = _requests(public_reports().filter(case__reference=service_request_id))
    if not found:
        raise Open311Error(404, f"service_request_id « {service_request_id} » inconnu.")
    return render(found[:1], fmt, "service_requests")


@open311_view("GET")
def token_detail(request, token, fmt):
    report = Report.objects.select_related("case").filter(api_token=token).first()
    if report is None:
        raise Open311Error(404, f"token « {token} » inconnu.")
    return render([{"service_request_id": report.case.reference, "token": token}], fmt,
                  "service_requests")


def _api_key(request) -> ApiKey:
    value = request.POST.get("api_key", "")
    key = ApiKey.objects.filter(key=value, is_active=True).first() if value else None
    if key is None:
        raise Open311Error(403, "api_key manquante ou invalide.")
    return key


def _attributes(request) -> dict:
    """`attribute[code]=value`, and `attribute[code][]=value` for multivaluelist."""
    answers: dict = {}
    for name in request.POST:
        if name.startswith("attribute[") and name.endswith("]"):
            code = name[len("attribute["):].split("]")[0]
            values = request.POST.getlist(name)
            answers[code] = values if name.endswith("[]") or len(values) > 1 else values[0]
    return answers


def _location(request) -> tuple[float, float, str]:
    lat, lon = request.POST.get("lat", ""), request.POST.get("long", "")
    address = _one_line(request, "address_string")
    if lat and lon:
        try:
            return float(lat), float(lon), address
        except ValueError as exc:
            raise Open311Error(400, "lat et long doivent être des nombres (WGS84).") from exc
    if address:
        try:
            place = geocode(address)
        except GeocoderUnavailable as exc:
            raise Open311Error(503, "Le service de recherche d'adresses ne répond pas : donnez "
                                    "lat et long, ou réessayez plus tard.") from exc
        if place is None:
            raise Open311Error(400, "Adresse introuvable : donnez lat et long.")
        return place.lat, place.lon, place.label
    raise Open311Error(400, "Lieu manquant : donnez lat et long, ou address_string.")


def _rate_limit(request, key: ApiKey, *, sandbox: bool) -> None:
    """Every attempt with the key counts, filed or refused (the client's address is counted
    too, by the middleware); the test endpoint has its own count."""
    wait = retry_after(request, group="open311.test" if sandbox else "open311",
                       key=lambda group, request: f"api_key:{key.pk}",
                       limit=key.requests_per_minute,
                       seconds=settings.OPEN311_RATE_WINDOW_SECONDS)
    if wait is not None:
        raise Open311Error(429, f"Trop de demandes : {key.requests_per_minute} par minute au "
                                f"plus pour cette clé. Réessayez dans {wait} s.",
                           headers={"Retry-After": str(wait)})


def _one_line(request, name: str) -> str:
    """A field that ends up in an email header or a subject: a line break there would let a
    client add headers, so it is refused."""
    value = request.POST.get(name, "")
    if "\r" in value or "\n" in value:
        raise Open311Error(400, f"{name} : une seule ligne, sans retour à la ligne.")
    return value.strip()


def _email(request) -> str:
    email = _one_line(request, "email")
    if email:
        try:
            validate_email(email)
        except ValidationError:
            email = ""
        if not email or len(email) > Case._meta.get_field("requester_email").max_length:
            raise Open311Error(400, "email : adresse électronique invalide, par exemple "
                                    "prenom.nom@exemple.fr.")
    return email


def _media(request) -> str:
    value = _one_line(request, "media_url")
    if value and len(value) > MEDIA_URL_MAX_LENGTH:
        raise Open311Error(400, f"media_url : {MEDIA_URL_MAX_LENGTH} caractères au plus.")
    if value and not _is_media_url(value):
        raise Open311Error(400, "media_url doit être une adresse http:// ou https:// "
                                "complète.")
    return value


def _post_request(request, fmt, *, sandbox: bool = False):
    key = _api_key(request)
    _rate_limit(request, key, sandbox=sandbox)
    idempotency = (request.headers.get("Idempotency-Key")
                   or request.POST.get("idempotency_key", "")).strip()[:100]
    if idempotency and not sandbox:
        previous = IdempotentRequest.objects.filter(api_key=key, idempotency_key=idempotency)
        if previous.exists():
            return _created(previous.get().case.report, fmt)
    code = request.POST.get("service_code", "")
    if not code:
        raise Open311Error(400, "service_code manquant.")
    category = _category(code)
    lat, lon, address = _location(request)
    description = request.POST.get("description", "")
    if len(description) > 4000:
        raise Open311Error(400, "description : 4000 caractères au plus.")
    names = " ".join(p for p in (_one_line(request, "first_name"),
                                 _one_line(request, "last_name")) if p)
    max_name = Case._meta.get_field("requester_name").max_length
    if len(names) > max_name:
        raise Open311Error(400, f"first_name et last_name : {max_name} caractères au plus "
                                f"ensemble.")
    email = _email(request)
    media_url = _media(request)
    fields = dict(category=category, lat=lat, lon=lon, address=address,
                  description=description or category.name, answers=_attributes(request),
                  name=names or "Usager de l'application", email=email,
                  phone=_one_line(request, "phone")[:30], channel=Channel.APP)
    if sandbox:
        commune = report_locate(lat=lat, lon=lon)
        report_route(category=category, commune=commune)
        clean_answers(category, fields["answers"])
        return render([{"service_request_id": "TEST-" + code, "service_notice":
                        "Point d'accès de test : rien n'a été enregistré.",
                        "account_id": None}], fmt, "service_requests")
    try:
        with transaction.atomic():
            case = report_submit(**fields)
            report = case.report
            Report.objects.filter(pk=report.pk).update(
                api_key=key, media_url=media_url)
            if idempotency:
                IdempotentRequest.objects.create(api_key=key, idempotency_key=idempotency,
                                                 case=case)
    except IntegrityError:  # the same key raced us: answer with what the first one filed
        previous = IdempotentRequest.objects.get(api_key=key, idempotency_key=idempotency)
        return _created(previous.case.report, fmt)
    ApiKey.objects.filter(pk=key.pk).update(last_used_at=timezone.now())
    return _created(report, fmt)


def _created(report: Report, fmt: str) -> HttpResponse:
    report.refresh_from_db()
    case = report.case
    notice = (f"Signalement enregistré sous la référence {case.reference} et transmis à "
              f"{case.unit.name} ({case.organisation.name}).")
    return render([{"service_request_id": case.reference, "token": report.api_token,
                    "service_notice": notice, "account_id": None}], fmt, "service_requests")


# --- The test endpoint ---------------------------------------------------------------------

@open311_view("GET", "POST")
def test_requests(request, fmt):
    if request.method == "POST":
        return _post_request(request, fmt, sandbox=True)
    return render([], fmt, "service_requests")

