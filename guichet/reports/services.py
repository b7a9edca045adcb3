"""Reporting a problem: where it is, who handles it, whether it is already known."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core import signing
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.formats import date_format, number_format

from guichet.cases.models import OPEN_STATUSES, Case, Channel, Status
from guichet.cases.selectors import agent_can_handle
from guichet.cases.services import (
    CaseError,
    case_add_note,
    case_add_progress,
    case_close,
    case_create,
    case_reroute,
)
from guichet.cases.webhooks import case_webhook
from guichet.journal.models import Entry
from guichet.journal.services import journal_record
from guichet.lib.files import random_name
from guichet.lib.geo import box_around, distance_m, valid_point
from guichet.lib.images import process_photo
from guichet.lib.public_cache import public_pages_changed
from guichet.notifications.services import notification_queue
from guichet.organisations.models import Competence, Organisation, Unit
from guichet.organisations.selectors import commune_at, communes_covered

from .models import ApiKey, Category, FieldStatus, Follower, Photo, Report

MAX_DESCRIPTION = 4000


class ReportError(CaseError):
    """A report refused by the rules. `field` names the form field (or API parameter) at
    fault; the message is French and shown as is."""

    def __init__(self, message: str, *, field: str = ""):
        super().__init__(message)
        self.field = field


def reportable_categories():
    """Leaves of the tree that residents can choose, with their parent, in display order."""
    return (Category.objects.filter(is_active=True, children__isnull=True)
            .select_related("parent").order_by("parent__order", "parent__name", "order", "name"))


def report_locate(*, lat, lon) -> Organisation:
    """The commune where the point is, or a French refusal."""
    try:
        lat, lon = float(lat), float(lon)
    except (TypeError, ValueError) as exc:
        raise ReportError("Indiquez le lieu du problème sur la carte ou par son adresse.",
                          field="location") from exc
    if not valid_point(lat, lon):
        raise ReportError("Ces coordonnées ne désignent pas un lieu.", field="location")
    commune = commune_at(lat, lon)
    if commune is None:
        raise ReportError("Ce lieu est en dehors du territoire couvert : signalez-le à la "
                          "commune concernée.", field="location")
    return commune


def report_route(*, category: Category, commune: Organisation) -> tuple[Organisation, Unit]:
    """The collectivité holding the category's competence where the problem is (the EPCI or the
    commune) and its unit. A topic nobody holds goes to the commune's reception, never lost."""
    holders = [org for org in (commune.epci, commune) if org is not None]
    competences = list(Competence.objects.filter(organisation__in=holders,
                                                 topic=category.competence_topic)
                       .select_related("organisation", "unit")) if category.competence_topic else []
    # When both claim a topic, the EPCI holds it: a transferred competence leaves the commune.
    competence = next((c for c in competences if c.organisation.kind == Organisation.Kind.EPCI),
                      competences[0] if competences else None)
    if competence is not None and competence.unit and competence.unit.is_active:
        return competence.organisation, competence.unit
    organisation = competence.organisation if competence else commune
    unit = (organisation.units.filter(is_active=True, is_contactable=True).order_by("pk").first()
            or organisation.units.filter(is_active=True).order_by("pk").first())
    if unit is None:
        raise ReportError("Aucun service ne peut recevoir ce signalement pour l'instant.",
                          field="category")
    return organisation, unit


def clean_answers(category: Category, raw: dict) -> dict:
    """Answers to the category's extra questions, checked; raise ReportError on the first
    problem. `raw` maps a question code to a string or a list of strings."""
    answers = {}
    for question in category.sorted_questions():
        code, label = question["code"], question.get("label", question["code"])
        value = raw.get(code)
        values = [v for v in (value if isinstance(value, list) else [value]) if v not in (None, "")]
        if not values:
            if question.get("required"):
                raise ReportError(f"Répondez à la question « {label} ».", field=f"q_{code}")
            continue
        datatype = question.get("datatype", "string")
        keys = {v["key"] for v in question.get("values", [])}
        if datatype in ("singlevaluelist", "multivaluelist"):
            if any(v not in keys for v in values) or (datatype == "singlevaluelist"
                                                      and len(values) > 1):
                raise ReportError(f"Choisissez une réponse proposée pour « {label} ».",
                                  field=f"q_{code}")
            answers[code] = values if datatype == "multivaluelist" else values[0]
        elif datatype == "number":
            try:
                answers[code] = str(Decimal(str(values[0]).replace(",", ".")))
            except InvalidOperation as exc:
                raise ReportError(f"« {label} » attend un nombre.", field=f"q_{code}") from exc
        else:
            answers[code] = str(values[0])[:1000]
    return answers


def reports_nearby(*, category: Category, lat: float, lon: float,
                   radius_m: float | None = None, limit: int = 10) -> list[tuple[Report, float]]:
    """Open reports of the same category within the radius, nearest first: the bounding box
    uses the index, the exact distance is computed on the few candidates."""
    radius = radius_m if radius_m is not None else settings.REPORT_DUPLICATE_RADIUS_M
    min_lat, min_lon, max_lat, max_lon = box_around(lat, lon, radius)
    candidates = (Report.objects.filter(category=category, lat__range=(min_lat, max_lat),
                                        lon__range=(min_lon, max_lon),
                                        is_open=True, merged_into__isnull=True)
                  .select_related("case", "category")[:200])
    found = [(r, distance_m(lat, lon, r.lat, r.lon)) for r in candidates]
    return sorted([item for item in found if item[1] <= radius], key=lambda i: i[1])[:limit]


def _save_photo(report: Report, upload, *, kind: str, user) -> Photo:
    try:
        processed = process_photo(upload)
    except ValueError as exc:
        raise ReportError(str(exc), field="photos") from exc
    photo = Photo(report=report, kind=kind, width=processed.width, height=processed.height,
                  uploaded_by=user)
    photo.image.save(random_name("jpg"), ContentFile(processed.display), save=False)
    photo.thumbnail.save(random_name("jpg"), ContentFile(processed.thumbnail), save=False)
    photo.save()
    return photo


def _subject(category: Category, address: str) -> str:
    where = f" — {address}" if address else ""
    return f"{category.name}{where}"[:200]


@transaction.atomic
def report_submit(
    *,
    category: Category,
    lat,
    lon,
    description: str,
    address: str = "",
    commune: Organisation | None = None,
    answers: dict | None = None,
    photos: Sequence = (),
    requester=None,
    name: str = "",
    email: str = "",
    phone: str = "",
    channel: str = Channel.WEB,
    acting_user=None,
    created_at=None,
) -> Case:
    """A report becomes a Case of kind `report` in the unit that holds the competence where the
    problem is. Everything is checked before anything is written.

    The place is a point (lat, lon), whose commune is found by the outlines; or, when the
    address service could not locate the typed address, the address and the `commune` the
    resident chose or typed: the report is then filed without a position, for an agent to
    place on the map (`report_place`)."""
    if category is None or not category.is_active or category.children.exists():
        raise ReportError("Choisissez la catégorie du problème.", field="category")
    description = (description or "").strip()
    if not description:
        raise ReportError("Décrivez le problème.", field="description")
    if len(description) > MAX_DESCRIPTION:
        raise ReportError(f"La description ne doit pas dépasser {MAX_DESCRIPTION} caractères "
                          f"(elle en a {len(description)}).", field="description")
    if len(photos) > settings.REPORT_MAX_PHOTOS:
        raise ReportError(f"Vous pouvez joindre {settings.REPORT_MAX_PHOTOS} photos au plus.",
                          field="photos")
    address = (address or "").strip()
    located = lat not in (None, "") and lon not in (None, "")
    if located or commune is None:
        commune = report_locate(lat=lat, lon=lon)
    else:
        lat = lon = None
        if not communes_covered().filter(pk=commune.pk).exists():
            raise ReportError("Choisissez une commune du territoire.", field="commune")
        if not address:
            raise ReportError("Indiquez l'adresse du problème ou placez-le sur la carte.",
                              field="address")
    answers = clean_answers(category, answers or {})
    organisation, unit = report_route(category=category, commune=commune)
    case = case_create(
        kind="report", channel=channel, organisation=organisation, unit=unit,
        subject=_subject(category, address), message=description, requester=requester,
        requester_name=name, requester_email=email, requester_phone=phone,
        acting_user=acting_user, sla_category=category.service_code,
        first_response_hours=category.first_response_hours,
        resolution_hours=category.resolution_hours, created_at=created_at,
    )
    report = Report.objects.create(case=case, category=category, commune=commune,
                                   lat=float(lat) if located else None,
                                   lon=float(lon) if located else None, address=address[:250],
                                   description=description, answers=answers,
                                   created_at=case.created_at)
    for upload in photos:
        _save_photo(report, upload, kind=Photo.Kind.BEFORE, user=requester or acting_user)
    case_webhook(case, "report.created", report=report_webhook_data(report))
    return case


def report_webhook_data(report: Report) -> dict:
    """The place and category of the problem; never the description or the photos, which a
    resident may have filled with personal details."""
    return {"category": {"code": report.category.service_code, "name": report.category.name},
            "commune": {"id": report.commune_id, "name": report.commune.name},
            "lat": report.lat, "lon": report.lon, "field_status": report.field_status}


def report_sync_status(case: Case) -> None:
    """Hook of the `report` kind: keep the report's open flag in step with its case; a report
    that stops being open because it was dealt with is announced as resolved."""
    is_open = case.status in OPEN_STATUSES
    if Report.objects.filter(case=case, is_open=not is_open).update(is_open=is_open) and \
            not is_open and case.status in (Status.RESOLVED, Status.CLOSED):
        report = Report.objects.select_related("category", "commune").get(case=case)
        case_webhook(case, "report.resolved", report=report_webhook_data(report))


def report_follow(*, report: Report, email: str, user=None) -> bool:
    """"Moi aussi": count the person once and tell them of the report's progress. Returns False
    if they already followed it (or filed it)."""
    email = email.strip().lower()
    if email and email == (report.case.requester_email or "").lower():
        return False
    try:
        with transaction.atomic():
            Follower.objects.create(report=report, email=email, user=user)
    except IntegrityError:
        return False
    Report.objects.filter(pk=report.pk).update(followers_count=F("followers_count") + 1)
    return True


def _check_agent(case: Case, agent) -> None:
    if not agent_can_handle(agent, case):
        raise ReportError("Vous n'êtes pas habilité à traiter ce signalement.")


@transaction.atomic
def report_place(*, report: Report, lat, lon, acting_user, address: str = "") -> Report:
    """An agent sets (or corrects) the report's position. The commune is then the one whose
    outline holds the point; if it is not the one the report was routed by, the report goes
    to the unit that handles its category there. Recorded on the timeline (internal note) and
    in the journal."""
    case = report.case
    _check_agent(case, acting_user)
    if case.status == Status.CLOSED:
        raise ReportError("Ce signalement est clos : sa position ne peut plus changer.")
    commune = report_locate(lat=lat, lon=lon)
    lat, lon = float(lat), float(lon)
    old_commune = report.commune
    target = None
    if commune.pk != old_commune.pk:
        _, unit = report_route(category=report.category, commune=commune)
        target = unit if unit.pk != case.unit_id else None
    was_unplaced = report.needs_placing
    report.lat, report.lon, report.commune = lat, lon, commune
    fields = ["lat", "lon", "commune"]
    if address.strip():
        report.address = address.strip()[:250]
        fields.append("address")
    report.save(update_fields=fields)
    where = f"{number_format(lat, 6)} ; {number_format(lon, 6)}"
    verb = "placé sur la carte" if was_unplaced else "déplacé sur la carte"
    note = f"Signalement {verb} : {where}, à {commune.name}."
    if commune.pk != old_commune.pk:
        note += f" Il était rattaché à {old_commune.name}" + (
            " d'après l'adresse saisie." if was_unplaced else ".")
    case_add_note(case=case, agent=acting_user, body=note)
    journal_record(actor=acting_user, action=Entry.Action.CASE_UPDATED, case=case,
                   placed=True, lat=lat, lon=lon, commune=commune.pk,
                   old_commune=old_commune.pk)
    if target is not None:
        case_reroute(case=case, unit=target, acting_user=acting_user,
                     reason=f"Lieu placé sur la carte : le problème est à {commune.name}, "
                             f"où {target.name} ({target.organisation.name}) le traite.")
    return report


FIELD_MESSAGES = {
    FieldStatus.TO_SCHEDULE: "Intervention à programmer.",
    FieldStatus.IN_PROGRESS: "Intervention en cours.",
    FieldStatus.DONE: "Intervention terminée.",
}


@transaction.atomic
def report_set_field_status(*, report: Report, field_status: str, acting_user,
                            scheduled_for=None) -> Report:
    """Where the field team is; public on the report's page and timeline."""
    _check_agent(report.case, acting_user)
    if field_status not in FieldStatus.values or field_status == FieldStatus.NONE:
        raise ReportError("Choisissez l'état de l'intervention.", field="field_status")
    if field_status == FieldStatus.SCHEDULED:
        if scheduled_for is None:
            raise ReportError("Indiquez la date prévue de l'intervention.",
                              field="scheduled_for")
        body = f"Intervention programmée le {date_format(scheduled_for, 'l j F Y')}."
    else:
        scheduled_for = None
        body = FIELD_MESSAGES[field_status]
    report.field_status, report.scheduled_for = field_status, scheduled_for
    report.save(update_fields=["field_status", "scheduled_for"])
    case_add_progress(case=report.case, agent=acting_user, body=body,
                      field_status=field_status)
    report_notify_followers(report=report, news=body)
    return report


@transaction.atomic
def report_close(*, report: Report, acting_user, message: str, photo=None) -> Case:
    """Close with a message to the filer and, when there is one, the "after" photo."""
    _check_agent(report.case, acting_user)
    case = case_close(case=report.case, acting_user=acting_user, message=message)
    if photo is not None:
        saved = _save_photo(report, photo, kind=Photo.Kind.AFTER, user=acting_user)
        Photo.objects.filter(pk=saved.pk).update(is_moderated=True)  # an agent took it
    if report.field_status != FieldStatus.DONE:
        report.field_status = FieldStatus.DONE
        report.save(update_fields=["field_status"])
    report_notify_followers(report=report, news="Le problème est traité : le signalement est "
                                                "clos.")
    return case


@transaction.atomic
def report_photo_publish(*, photo: Photo, acting_user, publish: bool = True) -> Photo:
    _check_agent(photo.report.case, acting_user)
    photo.is_moderated = publish
    photo.save(update_fields=["is_moderated"])
    public_pages_changed("reports")
    journal_record(actor=acting_user, action=Entry.Action.CASE_UPDATED, case=photo.report.case,
                   photo=photo.pk, published=publish)
    return photo


def report_notify_followers(*, report: Report, news: str) -> int:
    """Tell everyone who said "moi aussi" (their opt-out of optional emails is respected)."""
    followers = list(report.followers.select_related("user__profile"))
    for follower in followers:
        notification_queue(template="report_progress", recipient=follower.email,
                           case=report.case, user=follower.user,
                           context={"case": report.case, "report": report, "news": news})
    return len(followers)


@transaction.atomic
def report_merge(*, report: Report, into: Report, acting_user) -> Report:
    """A duplicate joins the original: it is closed, its filer and followers follow the
    original and are told once."""
    if report.pk == into.pk or into.merged_into_id:
        raise ReportError("Choisissez un autre signalement, qui n'est pas lui-même fusionné.",
                          field="into")
    _check_agent(report.case, acting_user)
    _check_agent(into.case, acting_user)
    if not into.case.is_open:
        raise ReportError("Le signalement d'origine est clos : rouvrez-le ou gardez celui-ci.",
                          field="into")
    emails = {(f.email, f.user_id) for f in report.followers.all()}
    if report.case.requester_email:
        emails.add((report.case.requester_email.lower(), report.case.requester_id))
    user_model = report.case._meta.get_field("requester").related_model
    for email, user_id in emails:
        user = user_model.objects.filter(pk=user_id).first() if user_id else None
        report_follow(report=into, email=email, user=user)
    report.merged_into = into
    report.save(update_fields=["merged_into"])
    message = (f"Ce problème avait déjà été signalé sous la référence {into.case.reference} : "
               f"les deux signalements sont réunis. Vous suivez désormais {into.case.reference}"
               f" et serez informé de son avancement.")
    case_close(case=report.case, acting_user=acting_user, message=message)
    for follower in report.followers.exclude(email__in=[report.case.requester_email.lower()]):
        notification_queue(template="report_progress", recipient=follower.email,
                           case=into.case, user=follower.user,
                           context={"case": into.case, "report": into, "news": message})
    return into


def report_reopen(*, report: Report, reason: str, user=None) -> Case:
    """The filer says the problem is back (within REPORT_REOPEN_DAYS of the end)."""
    from guichet.cases.services import case_reopen

    case = case_reopen(case=report.case, reason=reason or "Le problème est revenu.", user=user)
    report_notify_followers(report=report, news="Le signalement est rouvert : le problème "
                                                "est revenu.")
    return case


FIXED_SALT = "guichet.reports.fixed"


def fixed_token(report: Report) -> str:
    return signing.dumps({"r": report.pk}, salt=FIXED_SALT)


def report_from_fixed_token(token: str) -> Report | None:
    try:
        data = signing.loads(token, salt=FIXED_SALT, max_age=60 * 86400)
    except signing.BadSignature:
        return None
    return Report.objects.select_related("case").filter(pk=data.get("r")).first()


def reports_ask_if_fixed(*, now=None) -> int:
    """"Est-ce réparé ?": asked once to the filer of each report resolved a few days ago."""
    from datetime import timedelta

    from django.utils import timezone

    now = now or timezone.now()
    due = now - timedelta(days=settings.REPORT_FIXED_QUESTION_DAYS)
    reports = (Report.objects.filter(is_open=False, merged_into__isnull=True,
                                     fixed_question_sent_at__isnull=True,
                                     case__resolved_at__lte=due)
               .exclude(case__requester_email="").select_related("case", "category",
                                                                 "commune"))
    sent = 0
    for report in reports[:1000]:
        with transaction.atomic():
            claimed = Report.objects.filter(pk=report.pk, fixed_question_sent_at__isnull=True
                                            ).update(fixed_question_sent_at=now)
            if not claimed:
                continue
            notification_queue(template="report_fixed_question",
                               recipient=report.case.requester_email, case=report.case,
                               user=report.case.requester,
                               context={"case": report.case, "report": report,
                                        "token": fixed_token(report)})
            sent += 1
    return sent


@transaction.atomic
def report_answer_fixed(*, report: Report, fixed: bool) -> Report:
    """Record the answer; "not fixed" re-opens the report while it still can be."""
    from django.utils import timezone

    report.fixed_answer, report.fixed_answered_at = fixed, timezone.now()
    report.save(update_fields=["fixed_answer", "fixed_answered_at"])
    if not fixed:
        try:
            report_reopen(report=report, reason="L'usager signale que le problème n'est pas "
                                                "réparé.", user=report.case.requester)
        except CaseError:
            pass  # past the window: the answer is still recorded for the statistics
    return report


# --- Settings, by administrators -----------------------------------------------------------

@transaction.atomic
def category_save(*, category: Category, acting_user) -> Category:
    """Create or change a category (validated by its form); recorded in the journal."""
    created = category.pk is None
    category.save()
    public_pages_changed("reports")  # the Open311 services list, the map's legend
    journal_record(actor=acting_user, action=Entry.Action.SETTINGS_CHANGED,
                   category=category.service_code, created=created)
    return category


@transaction.atomic
def api_key_create(*, name: str, contact_email: str, requests_per_minute: int,
                   acting_user) -> ApiKey:
    key = ApiKey.objects.create(name=name, contact_email=contact_email,
                                requests_per_minute=requests_per_minute)
    journal_record(actor=acting_user, action=Entry.Action.SETTINGS_CHANGED, api_key=key.pk,
                   created=True)
    return key


@transaction.atomic
def api_key_revoke(*, key: ApiKey, acting_user) -> ApiKey:
    key.is_active = False
    key.save(update_fields=["is_active"])
    journal_record(actor=acting_user, action=Entry.Action.SETTINGS_CHANGED, api_key=key.pk,
                   revoked=True)
    return key
