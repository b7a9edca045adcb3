"""REST API v1 on django-ninja (pydantic schemas, the OpenAPI 3.1 document generated from
them at /api/v1/openapi.json, interactive docs at /api/v1/docs).

An application authenticates with `Authorization: Bearer gch_…` (an `accounts.ApiToken`). The
token acts for one agent: the same selectors as the back-office decide what it sees
(`cases.selectors`), narrowed to its collectivité and its scopes; the same services do the
writes, and the journal says through which application (`journal_via`). Errors are RFC 9457
problem documents (`application/problem+json`); past the token's rate limit the answer is 429
with `Retry-After`."""

from __future__ import annotations

import base64
import datetime as dt
import logging
from typing import Literal

from django.conf import settings
from django.http import Http404
from django.shortcuts import get_object_or_404
from ninja import Field, NinjaAPI, Query, Schema, Status
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import HttpBearer

from guichet.accounts.models import ApiToken
from guichet.accounts.services import api_token_authenticate
from guichet.cases.models import Case
from guichet.cases.selectors import cases_filtered
from guichet.cases.services import CaseError, case_close, case_reply, case_transfer
from guichet.journal.services import journal_via
from guichet.lib.ratelimit import retry_after
from guichet.organisations.models import Organisation

logger = logging.getLogger(__name__)
PROBLEM = "application/problem+json"
TITLES = {400: "Requête invalide", 401: "Authentification requise", 403: "Accès refusé",
          404: "Introuvable", 409: "Conflit", 422: "Données invalides",
          429: "Trop de requêtes", 500: "Erreur du serveur"}


class Problem(HttpError):
    def __init__(self, status: int, detail: str, *, headers: dict | None = None, **extra):
        super().__init__(status, detail)
        self.detail, self.headers, self.extra = detail, headers or {}, extra


class TokenAuth(HttpBearer):
    def authenticate(self, request, token):
        found = api_token_authenticate(token)
        if found is None:
            return None
        wait = retry_after(request, group="api.v1", key=lambda g, r: f"token:{found.pk}",
                           limit=settings.API_REQUESTS_PER_MINUTE, seconds=60)
        if wait is not None:
            raise Problem(429, f"Trop de requêtes : {settings.API_REQUESTS_PER_MINUTE} par "
                               f"minute au plus pour ce jeton. Réessayez dans {wait} s.",
                          headers={"Retry-After": str(wait)})
        request.api_token = found
        request.user = found.acts_for
        return found


DESCRIPTION = """L'API REST de Guichet, pour les logiciels de la collectivité (GED, finances,
SIG, relation usagers).

- **Authentification** : l'en-tête `Authorization: Bearer gch_…` porte un jeton créé par un
  administrateur (back-office, Paramétrage › Jetons d'API REST). Le jeton agit pour un agent
  et ne voit jamais plus que lui, dans sa collectivité et avec ses droits (`cases:read`,
  `cases:write`, `organisations:read`).
- **Pages** : les listes se parcourent par curseur (`next_cursor` → `cursor`).
- **Erreurs** : documents RFC 9457 (`application/problem+json`) avec `title`, `status`,
  `detail` et, pour des paramètres invalides, `errors`.
- **Limites** : au-delà du nombre de requêtes par minute du jeton, la réponse est 429 avec
  `Retry-After` (secondes).
- **Journal** : chaque écriture est journalisée au nom de l'agent, avec l'application."""

api = NinjaAPI(title="API Guichet", version="1", urls_namespace="api_v1", auth=TokenAuth(),
               description=DESCRIPTION, docs_url="/docs")


def _problem(request, status: int, detail: str, headers: dict | None = None, **extra):
    body = {"type": "about:blank", "title": TITLES.get(status, "Erreur"), "status": status,
            "detail": detail, "instance": request.path, **extra}
    response = api.create_response(request, body, status=status)
    response["Content-Type"] = PROBLEM
    for name, value in (headers or {}).items():
        response[name] = value
    return response


@api.exception_handler(Problem)
def _on_problem(request, exc: Problem):
    return _problem(request, exc.status_code, exc.detail, exc.headers, **exc.extra)


@api.exception_handler(AuthenticationError)
def _on_auth(request, exc):
    return _problem(request, 401, "Jeton absent, inconnu ou révoqué : envoyez « Authorization: "
                                  "Bearer gch_… ».", {"WWW-Authenticate": "Bearer"})


@api.exception_handler(ValidationError)
def _on_validation(request, exc: ValidationError):
    def field(loc):
        parts = [str(p) for p in loc][1:]  # without "query", "body" or "path"
        if parts and parts[0] in ("payload", "filters"):
            parts = parts[1:]
        return ".".join(parts) or None

    errors = [{"field": field(e.get("loc", [])), "message": e.get("msg", "")}
              for e in exc.errors]
    return _problem(request, 422, "Certaines valeurs sont invalides.", errors=errors)


@api.exception_handler(Http404)
def _on_404(request, exc):
    return _problem(request, 404, "Cette ressource n'existe pas ou ce jeton ne la voit pas.")


@api.exception_handler(HttpError)
def _on_http(request, exc: HttpError):
    return _problem(request, exc.status_code, str(exc))


@api.exception_handler(Exception)
def _on_error(request, exc):
    """A fault of ours: the traceback goes to the log, the client gets a problem document
    without it (never a trace, never an HTML page)."""
    logger.error("api: %s %s failed", request.method, request.path, exc_info=exc)
    return _problem(request, 500, "Une erreur inattendue est survenue ; réessayez plus tard. "
                                  "Elle a été enregistrée pour l'équipe technique.")


def _need(request, scope: str) -> ApiToken:
    token = request.auth
    if not token.allows(scope):
        raise Problem(403, f"Ce jeton n'a pas le droit « {scope} ».")
    return token


def _cases(request, filters: dict):
    """What the token sees: its agent's cases (the inbox's filters), within its collectivité."""
    token = request.auth
    return cases_filtered(token.acts_for, filters).filter(
        organisation_id__in=[o.pk for o in token.organisation.territory()])


# Schemas ----------------------------------------------------------------------------------


class UnitOut(Schema):
    id: int
    name: str
    organisation: str

    @staticmethod
    def resolve_organisation(obj):
        # A unit, or its stored copy (the first answer to an Idempotency-Key).
        return obj["organisation"] if isinstance(obj, dict) else obj.organisation.name


class CaseOut(Schema):
    reference: str
    kind: str
    channel: str
    status: str
    subject: str
    organisation: str = Field(..., description="Identifiant (slug) de la collectivité.")
    unit: UnitOut
    created_at: dt.datetime
    updated_at: dt.datetime
    first_response_due_at: dt.datetime | None
    first_responded_at: dt.datetime | None
    resolution_due_at: dt.datetime | None
    closed_at: dt.datetime | None
    urgent: bool

    @staticmethod
    def resolve_organisation(obj):
        return obj.organisation.slug


class CasePage(Schema):
    items: list[CaseOut]
    next_cursor: str | None = Field(None, description="À passer en `cursor` pour la page "
                                                      "suivante ; absent à la dernière.")


class EventOut(Schema):
    kind: str
    created_at: dt.datetime
    body: str
    by: str | None = Field(None, description="« agent », « usager » ou absent (système).")


class CaseDetail(CaseOut):
    requester_name: str
    requester_email: str
    requester_phone: str
    timeline: list[EventOut]


class ReplyIn(Schema):
    body: str = Field(..., min_length=1, max_length=20000)
    wait_for_resident: bool = False


class CaseIn(Schema):
    channel: Literal["phone", "counter", "mail"] = Field(
        ..., description="Par où la demande est arrivée : téléphone, accueil ou courrier.")
    unit: int = Field(..., description="Le service chargé de la demande (voir /organisations).")
    subject: str = Field(..., min_length=1, max_length=200)
    message: str = Field(..., min_length=1, max_length=10000)
    requester_name: str = Field(..., min_length=1, max_length=200)
    requester_email: str = Field("", max_length=254)
    requester_phone: str = Field("", max_length=30)


class CreatedOut(Schema):
    reference: str
    unit: UnitOut
    status: str


class CloseIn(Schema):
    message: str = Field(..., min_length=1, max_length=20000,
                         description="Le message de clôture envoyé à l'usager.")


class TransferIn(Schema):
    unit: int = Field(..., description="Le service destinataire (voir /organisations).")
    reason: str = Field(..., min_length=1, max_length=2000)


class OrganisationOut(Schema):
    slug: str
    name: str
    kind: str
    units: list[UnitOut]


class CaseFilters(Schema):
    status: str | None = None
    kind: str | None = None
    channel: str | None = None
    unit: int | None = None
    received_from: dt.date | None = None
    received_to: dt.date | None = None
    cursor: str | None = None
    limit: int = Field(50, ge=1, le=200)


# Endpoints --------------------------------------------------------------------------------


def _cursor(value: str | None) -> int | None:
    if not value:
        return None
    try:
        return int(base64.urlsafe_b64decode(value.encode() + b"==").decode())
    except (ValueError, UnicodeDecodeError) as exc:
        raise Problem(400, "Curseur invalide : reprenez celui de la page précédente.") from exc


@api.get("/cases", response=CasePage, tags=["demandes"], summary="Lister les demandes")
def cases_list(request, filters: Query[CaseFilters]):
    """Les demandes que voit l'agent du jeton, les plus récentes d'abord, avec les filtres de
    la boîte de réception ; pagination par curseur."""
    _need(request, ApiToken.Scope.CASES_READ)
    data = filters.dict()
    cases = _cases(request, {k: data[k] for k in ("status", "kind", "channel", "unit",
                                                   "received_from", "received_to")})
    after = _cursor(filters.cursor)
    if after is not None:
        cases = cases.filter(pk__lt=after)
    rows = list(cases.select_related("unit__organisation", "organisation")
                .order_by("-pk")[:filters.limit + 1])
    more = len(rows) > filters.limit
    rows = rows[:filters.limit]
    next_cursor = (base64.urlsafe_b64encode(str(rows[-1].pk).encode()).decode().rstrip("=")
                   if more else None)
    return {"items": rows, "next_cursor": next_cursor}


def _case(request, reference: str) -> Case:
    return get_object_or_404(_cases(request, {}).select_related("unit__organisation",
                                                                "organisation"),
                             reference=reference)


@api.post("/cases", response={201: CreatedOut}, tags=["demandes"],
          summary="Enregistrer une demande pour un usager")
def case_create_view(request, payload: CaseIn):
    """Une demande reçue par téléphone, à l'accueil ou par courrier, enregistrée pour l'usager
    dans un service du territoire, comme depuis l'accueil du back-office (l'accusé de
    réception part par courriel quand une adresse est donnée). Avec `Idempotency-Key`, une
    requête renvoyée n'enregistre pas deux demandes."""
    from django.core.exceptions import ValidationError as DjangoValidationError
    from django.core.validators import validate_email

    from guichet.intake.services import intake_record
    from guichet.lib import phones
    from guichet.organisations.models import Unit

    _need(request, ApiToken.Scope.CASES_WRITE)
    token = request.auth
    errors = []
    unit = Unit.objects.filter(pk=payload.unit, is_active=True,
                               organisation__in=token.organisation.territory()).first()
    if unit is None:
        errors.append({"field": "unit", "message": "Service inconnu dans cette collectivité."})
    email = payload.requester_email.strip()
    if email:
        try:
            validate_email(email)
        except DjangoValidationError:
            errors.append({"field": "requester_email", "message": "Adresse électronique "
                                                                  "invalide."})
    phone = payload.requester_phone.strip()
    if phone:
        try:
            phone = phones.normalise(phone)
        except DjangoValidationError:
            errors.append({"field": "requester_phone", "message": "Numéro de téléphone "
                                                                  "invalide."})
    if errors:
        raise Problem(422, "Certaines valeurs sont invalides.", errors=errors)

    def write():
        case = _written(request, lambda: intake_record(
            agent=token.acts_for, unit=unit, channel=payload.channel,
            subject=payload.subject.strip(), message=payload.message.strip(),
            name=payload.requester_name.strip(), email=email, phone=phone))
        return 201, {"reference": case.reference, "unit": case.unit, "status": case.status}

    return _idempotent(request, write, CreatedOut)


@api.get("/cases/{reference}", response=CaseDetail, tags=["demandes"],
         summary="Lire une demande et son historique")
def case_detail(request, reference: str):
    from guichet.journal.models import Entry
    from guichet.journal.services import journal_record

    _need(request, ApiToken.Scope.CASES_READ)
    case = _case(request, reference)
    events = case.events.order_by("created_at", "pk")
    timeline = [{"kind": e.kind, "created_at": e.created_at, "body": e.body,
                 "by": None if e.actor_id is None else (
                     "usager" if e.actor_id == case.requester_id else "agent")}
                for e in events.only("kind", "created_at", "body", "actor_id")]
    with journal_via(f"api:{request.auth.name}"):
        journal_record(actor=request.auth.acts_for, action=Entry.Action.CASE_VIEWED,
                       case=case, person=case.requester)
    case.timeline = timeline
    return case


def _idempotent(request, write, schema):
    """Run `write` once per `Idempotency-Key` of this token: a retry gets the first answer.
    Without the header every call writes."""
    from django.db import IntegrityError, transaction

    from guichet.accounts.models import ApiIdempotentRequest

    key = request.headers.get("Idempotency-Key", "").strip()
    if not key:
        return Status(*write())
    if len(key) > 100:
        raise Problem(400, "Idempotency-Key : 100 caractères au plus.")
    previous = ApiIdempotentRequest.objects.filter(token=request.auth, key=key).first()
    if previous is not None:
        if previous.path != request.path:
            raise Problem(409, "Cette Idempotency-Key a déjà servi pour une autre requête.")
        return Status(previous.status, previous.body)
    try:
        with transaction.atomic():
            status, body = write()
            ApiIdempotentRequest.objects.create(token=request.auth, key=key,
                                                path=request.path, status=status,
                                                body=schema.from_orm(body).model_dump(
                                                    mode="json"))
    except IntegrityError:  # the same key sent twice at once: the other one wrote
        previous = ApiIdempotentRequest.objects.get(token=request.auth, key=key)
        return Status(previous.status, previous.body)
    return Status(status, body)


@api.post("/cases/{reference}/reply", response={201: EventOut}, tags=["demandes"],
          summary="Répondre à l'usager")
def case_reply_view(request, reference: str, payload: ReplyIn):
    """Le message part à l'usager comme une réponse écrite dans le back-office, au nom de
    l'agent du jeton ; le journal indique l'application. Avec un en-tête `Idempotency-Key`,
    une requête renvoyée (coupure réseau) ne répond pas deux fois."""
    _need(request, ApiToken.Scope.CASES_WRITE)
    case = _case(request, reference)

    def write():
        try:
            with journal_via(f"api:{request.auth.name}"):
                event = case_reply(case=case, agent=request.auth.acts_for, body=payload.body,
                                   wait_for_resident=payload.wait_for_resident)
        except CaseError as exc:
            raise Problem(409, str(exc)) from exc
        return 201, {"kind": event.kind, "created_at": event.created_at, "body": event.body,
                     "by": "agent"}

    return _idempotent(request, write, EventOut)


def _written(request, change):
    """Run a case service for the token's agent, journaled with the application; a refused
    transition is a 409 with the service's French message."""
    try:
        with journal_via(f"api:{request.auth.name}"):
            return change()
    except CaseError as exc:
        raise Problem(409, str(exc)) from exc


@api.post("/cases/{reference}/close", response=CaseOut, tags=["demandes"],
          summary="Clore une demande")
def case_close_view(request, reference: str, payload: CloseIn):
    """Le message de clôture part à l'usager par courriel, comme depuis le back-office."""
    _need(request, ApiToken.Scope.CASES_WRITE)
    case = _case(request, reference)
    _written(request, lambda: case_close(case=case, acting_user=request.auth.acts_for,
                                         message=payload.message))
    return _case(request, reference)


@api.post("/cases/{reference}/transfer", response=CaseOut, tags=["demandes"],
          summary="Transférer une demande à un autre service")
def case_transfer_view(request, reference: str, payload: TransferIn):
    """Vers un service de la même collectivité, ou entre l'intercommunalité et ses communes.
    Après le transfert, le jeton ne voit plus la demande si son agent n'en a pas le service."""
    from guichet.organisations.models import Unit

    _need(request, ApiToken.Scope.CASES_WRITE)
    case = _case(request, reference)
    unit = Unit.objects.filter(pk=payload.unit).first()
    if unit is None:
        raise Problem(422, "Ce service n'existe pas.", errors=[
            {"field": "unit", "message": "Service inconnu."}])
    return _written(request, lambda: case_transfer(case=case, unit=unit,
                                                   reason=payload.reason,
                                                   acting_user=request.auth.acts_for))


@api.get("/organisations", response=list[OrganisationOut], tags=["référentiel"],
         summary="Collectivités et services")
def organisations(request):
    _need(request, ApiToken.Scope.ORGANISATIONS_READ)
    territory = [o.pk for o in request.auth.organisation.territory()]
    orgs = (Organisation.objects.filter(pk__in=territory).prefetch_related("units")
            .order_by("kind", "name"))
    return [{"slug": o.slug, "name": o.name, "kind": o.kind, "units": list(o.units.all())}
            for o in orgs]

