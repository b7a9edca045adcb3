"""Every change to a case goes through these functions: each checks the current state, writes the
timeline and the journal, and queues the notifications, in one transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from guichet.journal.models import Entry
from guichet.journal.services import journal_record
from guichet.lib.files import CheckedFile, random_name
from guichet.lib.public_cache import public_pages_changed
from guichet.notifications.services import notification_queue

from .hooks import case_ended
from .models import OPEN_STATUSES, Attachment, Case, Channel, Event, ReferenceSequence, Status
from .selectors import agent_can_handle, unit_agents
from .webhooks import case_webhook


class CaseError(Exception):
    """A change refused by the rules; its message is French and shown to the user as is."""


def next_reference(*, organisation, year: int) -> str:
    """`PREFIX-YEAR-NNNNNN`, sequential per organisation and year, safe under concurrency: the
    sequence row stays locked until the caller's transaction ends."""
    sequence, _ = ReferenceSequence.objects.get_or_create(organisation=organisation, year=year)
    ReferenceSequence.objects.filter(pk=sequence.pk).update(last_value=F("last_value") + 1)
    value = ReferenceSequence.objects.values_list("last_value", flat=True).get(pk=sequence.pk)
    return f"{organisation.reference_prefix}-{year}-{value:06d}"


def _add_event(case: Case, kind: str, *, actor=None, body: str = "", at=None, **data) -> Event:
    at = at or timezone.now()
    event = Event.objects.create(case=case, kind=kind, actor=actor, body=body, data=data,
                                 created_at=at)
    Case.objects.filter(pk=case.pk).update(updated_at=at)
    case.updated_at = at
    if case.kind_info.public_pages:
        public_pages_changed(case.kind_info.public_pages)
    return event


def _attach(case: Case, event: Event, files: Sequence[CheckedFile], user) -> list[Attachment]:
    attachments = []
    for checked in files:
        attachment = Attachment(case=case, event=event, original_name=checked.original_name,
                                content_type=checked.content_type, size=checked.size,
                                uploaded_by=user)
        checked.upload.seek(0)
        attachment.file.save(random_name(checked.extension), checked.upload, save=False)
        attachment.save()
        attachments.append(attachment)
        _add_event(case, Event.Kind.ATTACHMENT_ADDED, actor=user, body=checked.original_name,
                   attachment=attachment.pk)
    return attachments


def _receipt_context(case: Case, *, announce_first_response: bool = True) -> dict:
    return {"case": case, "unit": case.unit, "organisation": case.organisation,
            "announce_first_response": announce_first_response}


@transaction.atomic
def case_create(
    *,
    kind: str,
    channel: str,
    organisation,
    unit,
    subject: str,
    message: str,
    requester=None,
    requester_name: str = "",
    requester_email: str = "",
    requester_phone: str = "",
    files: Sequence[CheckedFile] = (),
    acting_user=None,
    created_at: dt.datetime | None = None,
    first_response_hours: int | None = None,
    resolution_hours: int | None = None,
    sla_category: str = "",
    announce_first_response: bool = True,
) -> Case:
    """Register a request from any channel: reference, first timeline event, SLA clock and
    registration receipt, all or nothing. A kind may set its own targets (a report category's
    SLA); otherwise the unit's apply. A kind confirmed at once (an appointment, a free booking)
    says so with `announce_first_response=False`: its receipt promises no first answer."""
    if unit.organisation_id != organisation.pk:
        raise CaseError("Ce service n'appartient pas à cette collectivité.")
    now = created_at or timezone.now()
    if requester is not None:
        requester_name = requester_name or requester.get_full_name() or requester.email
        requester_email = requester_email or requester.email
    calendar = organisation.calendar()
    first_response_hours, resolution_hours = _case_targets(
        unit=unit, channel=channel, category=sla_category,
        first_response_hours=first_response_hours, resolution_hours=resolution_hours)
    case = Case.objects.create(
        reference=next_reference(organisation=organisation, year=timezone.localdate(now).year),
        kind=kind, channel=channel, organisation=organisation, unit=unit, subject=subject,
        requester=requester, requester_name=requester_name, requester_email=requester_email,
        requester_phone=requester_phone, created_at=now, updated_at=now,
        first_response_due_at=calendar.add(now, dt.timedelta(hours=first_response_hours)),
        resolution_due_at=calendar.add(now, dt.timedelta(hours=resolution_hours)),
    )
    author = acting_user or requester
    event = _add_event(case, Event.Kind.SUBMITTED, actor=author, body=message, at=now,
                       channel=channel)
    _attach(case, event, files, author)
    if acting_user is not None:
        journal_record(actor=acting_user, action=Entry.Action.CASE_CREATED, case=case,
                       person=requester, channel=channel)
    if requester_email:
        notification_queue(template="registration_receipt", recipient=requester_email,
                           context=_receipt_context(
                               case, announce_first_response=announce_first_response),
                           case=case, mandatory=True)
    case_webhook(case, "case.created")
    return case


def _case_targets(*, unit, channel: str, category: str = "",
                  first_response_hours: int | None = None,
                  resolution_hours: int | None = None) -> tuple[int, int]:
    """The targets a new case gets: the kind's own (a report category's) where it sets them,
    else the policies', else the unit's."""
    if first_response_hours is None or resolution_hours is None:
        policy_first, policy_resolution = sla_targets(unit=unit, channel=channel,
                                                      category=category)
        first_response_hours = first_response_hours or policy_first
        resolution_hours = resolution_hours or policy_resolution
    return (first_response_hours or unit.first_response_hours,
            resolution_hours or unit.resolution_hours)


@dataclass(frozen=True)
class SlaPromise:
    """What a form promises before the request is sent: the first-response target in business
    hours and the moment it falls if the request is sent now."""

    hours: int
    due: dt.datetime


def sla_promise(*, unit, channel: str = Channel.WEB, category: str = "",
                first_response_hours: int | None = None, now: dt.datetime | None = None
                ) -> SlaPromise:
    """The same computation as case_create's, so that the form and the receipt agree."""
    first, _ = _case_targets(unit=unit, channel=channel, category=category,
                             first_response_hours=first_response_hours, resolution_hours=0)
    now = now or timezone.now()
    return SlaPromise(hours=first, due=unit.organisation.calendar().add(
        now, dt.timedelta(hours=first)))


def sla_targets(*, unit, channel: str, category: str = "") -> tuple[int, int]:
    """(first response, resolution) in business hours: the most specific policy matching the
    unit, category and channel; else the channel's default (social networks: settings); else
    the unit's own targets."""
    from django.conf import settings
    from django.db.models import Q

    from .models import SlaPolicy

    policies = SlaPolicy.objects.filter(
        Q(unit=unit) | Q(unit__isnull=True), Q(channel=channel) | Q(channel=""),
        Q(category=category) | Q(category=""))
    best = max(policies, key=lambda p: p.specificity, default=None)
    if best is not None:
        return best.first_response_hours, best.resolution_hours
    if channel == "social":
        return settings.SOCIAL_FIRST_RESPONSE_HOURS, settings.SOCIAL_RESOLUTION_HOURS
    return unit.first_response_hours, unit.resolution_hours


@transaction.atomic
def case_set_due(*, case: Case, due_at: dt.datetime, acting_user, reason: str = "") -> Case:
    """An agent sets the date the case must be handled by (a procedure's workflow step with a
    deadline); the resident sees it as the announced date."""
    _check_agent(case, acting_user)
    if due_at <= timezone.now():
        raise CaseError("L'échéance doit être dans le futur.")
    Case.objects.filter(pk=case.pk).update(resolution_due_at=due_at)
    case.resolution_due_at = due_at
    _add_event(case, Event.Kind.PROGRESS, actor=acting_user,
               body=f"Échéance fixée au {timezone.localtime(due_at):%d/%m/%Y}"
               + (f" : {reason}" if reason else ""), due_at=due_at.isoformat())
    journal_record(actor=acting_user, action=Entry.Action.CASE_UPDATED, case=case,
                   due_at=due_at.isoformat())
    return case


@transaction.atomic
def case_set_urgent(*, case: Case, urgent: bool, acting_user) -> Case:
    _check_agent(case, acting_user)
    Case.objects.filter(pk=case.pk).update(urgent=urgent)
    case.urgent = urgent
    journal_record(actor=acting_user, action=Entry.Action.CASE_UPDATED, case=case,
                   urgent=urgent)
    return case


def _resume_clock(case: Case, now: dt.datetime) -> None:
    """Push the due dates forward by the business time spent waiting for the resident."""
    if not case.paused_at:
        return
    calendar = case.organisation.calendar()
    for field in ("first_response_due_at", "resolution_due_at"):
        due = getattr(case, field)
        if field == "first_response_due_at" and case.first_responded_at:
            continue
        if due and due > case.paused_at:
            setattr(case, field, calendar.add(now, calendar.between(case.paused_at, due)))
    case.paused_at = None


def _set_status(case: Case, status: str, *, actor, now: dt.datetime, reason: str = "") -> None:
    if not case.can_become(status):
        raise CaseError(
            f"Une demande « {case.get_status_display()} » ne peut pas passer à "
            f"« {Status(status).label} »."
        )
    previous = case.status
    if previous == Status.WAITING:
        _resume_clock(case, now)
    if status == Status.WAITING:
        case.paused_at = now
    if status in (Status.RESOLVED, Status.REJECTED):
        case.resolved_at = now
    elif status == Status.CLOSED:
        case.closed_at = now
        case.resolved_at = case.resolved_at or now
    else:
        case.resolved_at = None
    case.status = status
    case.save(update_fields=["status", "paused_at", "resolved_at", "closed_at",
                             "first_response_due_at", "resolution_due_at"])
    if case.kind_info.on_status_changed is not None:
        case.kind_info.on_status_changed(case)
    _add_event(case, Event.Kind.STATUS_CHANGED, actor=actor, body=reason, at=now,
               old=previous, new=status)
    case_webhook(case, "case.closed" if status == Status.CLOSED else "case.updated",
                 previous_status=previous)


def _check_agent(case: Case, agent) -> None:
    if not agent_can_handle(agent, case):
        raise CaseError("Vous n'êtes pas habilité à traiter cette demande.")


def _check_generic_workflow(case: Case) -> None:
    if case.kind_info.own_workflow:
        raise CaseError("Ce dossier suit son propre circuit d'instruction : changez son état "
                        "depuis la page du dossier.")


@transaction.atomic
def case_reply(*, case: Case, agent, body: str, files: Sequence[CheckedFile] = (),
               wait_for_resident: bool = False) -> Event:
    """A message to the resident. The first one stops the first-response clock."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    _check_agent(case, agent)
    if case.status == Status.CLOSED:
        raise CaseError("Cette demande est close : on ne peut plus y répondre.")
    now = timezone.now()
    event = _add_event(case, Event.Kind.AGENT_MESSAGE, actor=agent, body=body, at=now)
    _attach(case, event, files, agent)
    if not case.first_responded_at:
        case.first_responded_at = now
        case.save(update_fields=["first_responded_at"])
    if case.assignee_id is None:
        _assign(case, agent, actor=agent, now=now)
    target = Status.WAITING if wait_for_resident else Status.IN_PROGRESS
    if case.kind_info.own_workflow:
        target = case.status  # a message does not move a file through its workflow
    if case.status != target and case.can_become(target) and case.status != Status.RESOLVED:
        _set_status(case, target, actor=agent, now=now)
    journal_record(actor=agent, action=Entry.Action.CASE_REPLIED, case=case,
                   person=case.requester)
    _notify_resident(case, "agent_message", event=event)
    return event


def _notify_resident(case: Case, template: str, *, event: Event | None = None,
                     extra: dict | None = None, category: str | None = None) -> None:
    if not case.requester_email:
        return
    agent = event.actor if event else None
    notification_queue(
        template=template, recipient=case.requester_email, case=case, user=case.requester,
        context={**_receipt_context(case), "event": event, "agent": agent, **(extra or {})},
        category=category,
    )


@transaction.atomic
def case_add_note(*, case: Case, agent, body: str, files: Sequence[CheckedFile] = ()) -> Event:
    """An internal note: agents only, never shown to the resident."""
    _check_agent(case, agent)
    event = _add_event(case, Event.Kind.INTERNAL_NOTE, actor=agent, body=body)
    _attach(case, event, files, agent)
    journal_record(actor=agent, action=Entry.Action.CASE_NOTED, case=case)
    return event


@transaction.atomic
def case_add_progress(*, case: Case, agent, body: str, **data) -> Event:
    """A public step of the work (a visit scheduled, done), written by a kind's services: shown
    to the resident and on public pages, without an email."""
    _check_agent(case, agent)
    event = _add_event(case, Event.Kind.PROGRESS, actor=agent, body=body, **data)
    journal_record(actor=agent, action=Entry.Action.CASE_UPDATED, case=case, **data)
    return event


def case_record_progress(*, case: Case, body: str, user=None) -> Event:
    """A public step recorded by a kind's own service, which has checked who may do it."""
    return _add_event(case, Event.Kind.PROGRESS, actor=user, body=body)


@transaction.atomic
def case_resident_reply(*, case: Case, body: str, files: Sequence[CheckedFile] = (),
                        user=None) -> Event:
    """A message from the resident. It restarts a paused clock and re-opens a resolved case."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    if case.status == Status.CLOSED:
        raise CaseError("Cette demande est close. Pour une nouvelle question, faites une "
                        "nouvelle demande.")
    now = timezone.now()
    event = _add_event(case, Event.Kind.RESIDENT_MESSAGE, actor=user, body=body, at=now)
    _attach(case, event, files, user)
    if case.status in (Status.WAITING, Status.RESOLVED, Status.REJECTED):
        _set_status(case, Status.IN_PROGRESS, actor=user, now=now,
                    reason="Nouveau message de l'usager")
    return event


def _assign(case: Case, assignee, *, actor, now) -> None:
    previous = case.assignee
    case.assignee = assignee
    case.save(update_fields=["assignee"])
    _add_event(case, Event.Kind.ASSIGNED, actor=actor, at=now,
               old=previous.pk if previous else None,
               new=assignee.pk if assignee else None,
               new_name=assignee.get_full_name() if assignee else "")


@transaction.atomic
def case_assign(*, case: Case, assignee, acting_user) -> Case:
    """Give the case to an agent of its unit (or to nobody, back to the unit's queue)."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    _check_agent(case, acting_user)
    if assignee is not None and not unit_agents(case.unit).filter(pk=assignee.pk).exists():
        raise CaseError("Cet agent ne fait pas partie du service chargé de la demande.")
    if case.assignee_id == (assignee.pk if assignee else None):
        return case
    _assign(case, assignee, actor=acting_user, now=timezone.now())
    journal_record(actor=acting_user, action=Entry.Action.CASE_ASSIGNED, case=case,
                   assignee=assignee.pk if assignee else None)
    return case


@transaction.atomic
def case_transfer(*, case: Case, unit, reason: str, acting_user) -> Case:
    """Send the case to another unit of the same organisation, or between an EPCI and one of its
    member communes. The reference and the clock stay; the case goes back to the queue."""
    case = Case.objects.select_for_update().select_related("organisation").get(pk=case.pk)
    _check_agent(case, acting_user)
    if not reason.strip():
        raise CaseError("Indiquez le motif du transfert.")
    if unit.pk == case.unit_id:
        raise CaseError("La demande est déjà dans ce service.")
    allowed = {org.pk for org in case.organisation.territory()}
    if unit.organisation_id not in allowed:
        raise CaseError("Ce service n'appartient ni à la collectivité de la demande, ni à son "
                        "intercommunalité ou à ses communes membres.")
    return _move(case, unit, reason=reason, acting_user=acting_user)


@transaction.atomic
def case_reroute(*, case: Case, unit, reason: str, acting_user) -> Case:
    """Send the case where the routing rules send it once a fact they used has been corrected
    (a report placed on the map in another commune). Unlike a transfer, the unit may belong to
    any collectivité of the platform: the first routing was made on wrong information. The
    timeline and the journal show it as a transfer."""
    case = Case.objects.select_for_update().select_related("organisation").get(pk=case.pk)
    _check_agent(case, acting_user)
    if unit.pk == case.unit_id:
        raise CaseError("La demande est déjà dans ce service.")
    return _move(case, unit, reason=reason, acting_user=acting_user)


def _move(case: Case, unit, *, reason: str, acting_user) -> Case:
    now = timezone.now()
    old_unit = case.unit
    case.unit = unit
    case.organisation_id = unit.organisation_id
    case.assignee = None
    case.save(update_fields=["unit", "organisation", "assignee"])
    _add_event(case, Event.Kind.TRANSFERRED, actor=acting_user, body=reason, at=now,
               old_unit=old_unit.pk, old_unit_name=str(old_unit), new_unit=unit.pk,
               new_unit_name=str(unit))
    journal_record(actor=acting_user, action=Entry.Action.CASE_TRANSFERRED, case=case,
                   old_unit=old_unit.pk, new_unit=unit.pk)
    case_webhook(case, "case.updated", previous_unit=old_unit.pk)
    if old_unit.organisation_id != unit.organisation_id:
        # The collectivité it left hears of it too: the case is no longer theirs.
        case_webhook(case, "case.updated", previous_unit=old_unit.pk,
                     organisation_id=old_unit.organisation_id)
    return case


@transaction.atomic
def case_change_status(*, case: Case, status: str, acting_user, reason: str = "") -> Case:
    case = Case.objects.select_for_update().select_related("organisation").get(pk=case.pk)
    _check_agent(case, acting_user)
    _check_generic_workflow(case)
    _set_status(case, status, actor=acting_user, now=timezone.now(), reason=reason)
    journal_record(actor=acting_user, action=Entry.Action.CASE_STATUS, case=case, status=status)
    return case


@transaction.atomic
def case_close(*, case: Case, acting_user, message: str) -> Case:
    """Close with a resolution message to the resident, who is told by email."""
    case = Case.objects.select_for_update().select_related("organisation").get(pk=case.pk)
    _check_agent(case, acting_user)
    _check_generic_workflow(case)
    if not message.strip():
        raise CaseError("Écrivez le message de clôture adressé à l'usager.")
    if not case.can_become(Status.CLOSED):
        raise CaseError("Cette demande est déjà close.")
    now = timezone.now()
    event = _add_event(case, Event.Kind.AGENT_MESSAGE, actor=acting_user, body=message, at=now)
    if not case.first_responded_at:
        case.first_responded_at = now
        case.save(update_fields=["first_responded_at"])
    _set_status(case, Status.CLOSED, actor=acting_user, now=now)
    journal_record(actor=acting_user, action=Entry.Action.CASE_CLOSED, case=case,
                   person=case.requester)
    extra = case_ended(case, in_closing_email=bool(case.requester_email))
    _notify_resident(case, "case_closed", event=event, extra=extra)
    return case


@transaction.atomic
def case_move(*, case: Case, status: str, user=None, reason: str = "") -> Case:
    """A kind's own workflow moves the case (a procedure file accepted, an implicit decision).
    The kind's service has already checked who may; this keeps the status rules and timeline."""
    case = Case.objects.select_for_update().select_related("organisation").get(pk=case.pk)
    if case.status != status:
        ended = case.is_open and status not in OPEN_STATUSES
        _set_status(case, status, actor=user, now=timezone.now(), reason=reason)
        if ended:
            case_ended(case, in_closing_email=False)
    return case


@transaction.atomic
def case_attach_generated(*, case: Case, name: str, content: bytes, content_type: str,
                          body: str, user=None, **data) -> Attachment:
    """A document the platform produced (an acknowledgement, a decision), attached to the case
    with its SHA-256 on the timeline so that its integrity can be shown later."""
    import hashlib

    from django.core.files.base import ContentFile

    digest = hashlib.sha256(content).hexdigest()
    event = _add_event(case, Event.Kind.ATTACHMENT_ADDED, actor=user, body=body,
                       sha256=digest, generated=True, **data)
    attachment = Attachment(case=case, event=event, original_name=name,
                            content_type=content_type, size=len(content), uploaded_by=user)
    attachment.file.save(random_name(name.rsplit(".", 1)[-1]), ContentFile(content), save=False)
    attachment.save()
    event.data = {**event.data, "attachment": attachment.pk}
    event.save(update_fields=["data"])
    return attachment


def case_message_resident(*, case: Case, body: str, user=None, template: str = "agent_message",
                          files: Sequence[CheckedFile] = (), category: str | None = None
                          ) -> Event:
    """A message to the resident written by a kind's workflow (checked by the caller); its
    `category` (the template's by default) files it in the resident's preferences and centre."""
    event = _add_event(case, Event.Kind.AGENT_MESSAGE, actor=user, body=body)
    _attach(case, event, files, user)
    if user is not None and not case.first_responded_at:
        case.first_responded_at = event.created_at
        case.save(update_fields=["first_responded_at"])
    _notify_resident(case, template, event=event, category=category)
    return event


@transaction.atomic
def case_cancel(*, case: Case, reason: str, user=None) -> Case:
    """The request is withdrawn (an appointment cancelled by the resident, a booking given up):
    closed without an agent, the reason on the timeline. Callers check who may do it."""
    case = Case.objects.select_for_update().select_related("organisation").get(pk=case.pk)
    if case.status == Status.CLOSED:
        raise CaseError("Cette demande est déjà close.")
    _set_status(case, Status.CLOSED, actor=user, now=timezone.now(), reason=reason)
    return case


@transaction.atomic
def case_reopen(*, case: Case, reason: str, user=None) -> Case:
    """The requester says the problem is back: a resolved or closed case is opened again if its
    kind allows it and it ended less than `reopen_days` ago."""
    case = Case.objects.select_for_update().select_related("organisation").get(pk=case.pk)
    days = case.kind_info.reopen_days
    ended = case.closed_at or case.resolved_at
    if case.is_open:
        raise CaseError("Cette demande est déjà en cours de traitement.")
    if case.anonymised_at:
        raise CaseError("Cette demande a été anonymisée : faites une nouvelle demande.")
    if not days or ended is None or timezone.now() - ended > dt.timedelta(days=days):
        raise CaseError("Cette demande ne peut plus être rouverte ; faites une nouvelle "
                        "demande." if days else "Cette demande ne peut pas être rouverte.")
    now = timezone.now()
    previous = case.status
    case.status, case.closed_at, case.resolved_at = Status.IN_PROGRESS, None, None
    calendar = case.organisation.calendar()
    case.resolution_due_at = calendar.add(now, dt.timedelta(hours=case.unit.resolution_hours))
    case.save(update_fields=["status", "closed_at", "resolved_at", "resolution_due_at"])
    if case.kind_info.on_status_changed is not None:
        case.kind_info.on_status_changed(case)
    _add_event(case, Event.Kind.STATUS_CHANGED, actor=user, body=reason, at=now,
               old=previous, new=Status.IN_PROGRESS, reopened=True)
    case_webhook(case, "case.updated", previous_status=previous)
    return case


def case_record_notification(*, case: Case, notification) -> None:
    """Timeline trace of a delivery outcome."""
    if notification.status == notification.Status.SENT:
        kind = (Event.Kind.RECEIPT_SENT if notification.template == "registration_receipt"
                else Event.Kind.NOTIFICATION_SENT)
    else:
        kind = Event.Kind.NOTIFICATION_FAILED
    _add_event(case, kind, body=notification.subject, notification=notification.pk,
               template=notification.template, recipient=notification.recipient)


def case_notification_outcome(notification) -> None:
    """Registered with notifications (see CasesConfig.ready): a message about a case, once sent
    or failed for good, is written on that case's timeline."""
    if notification.case_id:
        case_record_notification(case=notification.case, notification=notification)


def cases_send_digest(*, now: dt.datetime | None = None) -> int:
    """Each unit manager gets, once a day, the overdue and soon-due open cases of their units
    (nothing is sent when there is nothing to say)."""
    from django.conf import settings

    from guichet.accounts.models import Membership

    from .models import OPEN_STATUSES

    now = now or timezone.now()
    soon = now + dt.timedelta(hours=settings.DUE_SOON_HOURS)
    sent = 0
    managers: dict[int, list] = {}
    for membership in Membership.objects.filter(role=Membership.Role.MANAGER,
                                                user__is_active=True).select_related("user"):
        managers.setdefault(membership.user_id, [membership.user, []])[1].append(
            membership.unit_id)
    for user, unit_ids in managers.values():
        running = Case.objects.filter(unit_id__in=unit_ids, status__in=OPEN_STATUSES,
                                      paused_at__isnull=True).select_related("unit", "assignee")
        overdue = list(running.filter(resolution_due_at__lt=now).order_by("resolution_due_at"
                                                                         )[:200])
        due_soon = list(running.filter(resolution_due_at__gte=now, resolution_due_at__lt=soon)
                        .order_by("resolution_due_at")[:200])
        if not overdue and not due_soon:
            continue
        notification_queue(template="sla_digest", recipient=user.email, user=None,
                           mandatory=True, context={"manager": user, "overdue": overdue,
                                                    "due_soon": due_soon,
                                                    "hours": settings.DUE_SOON_HOURS})
        sent += 1
    return sent


@transaction.atomic
def case_merge(*, case: Case, into: Case, acting_user) -> Case:
    """A duplicate joins the original: its timeline is copied into the original's, in date
    order, its files come along, it is closed pointing to the original, and the resident is
    told once."""
    if case.pk == into.pk:
        raise CaseError("Choisissez une autre demande.")
    _check_agent(case, acting_user)
    _check_agent(into, acting_user)
    _check_generic_workflow(case)
    if not into.is_open:
        raise CaseError("La demande d'origine est close : rouvrez-la ou choisissez-en une "
                        "autre.")
    if not case.is_open:
        raise CaseError("Cette demande est déjà close.")
    copies = []
    for event in case.events.order_by("created_at", "pk").prefetch_related("attachments"):
        if event.kind in (Event.Kind.RECEIPT_SENT, Event.Kind.NOTIFICATION_SENT,
                          Event.Kind.NOTIFICATION_FAILED):
            continue
        copy = Event.objects.create(case=into, kind=event.kind, actor=event.actor,
                                    body=event.body, created_at=event.created_at,
                                    data={**event.data, "merged_from": case.reference})
        for attachment in event.attachments.all():
            Attachment.objects.create(case=into, event=copy, file=attachment.file.name,
                                      original_name=attachment.original_name,
                                      content_type=attachment.content_type,
                                      size=attachment.size, uploaded_by=attachment.uploaded_by)
        copies.append(copy)
    now = timezone.now()
    _add_event(into, Event.Kind.INTERNAL_NOTE, actor=acting_user, at=now,
               body=f"Demande {case.reference} fusionnée dans celle-ci ({len(copies)} "
                    "éléments repris).")
    _add_event(case, Event.Kind.INTERNAL_NOTE, actor=acting_user, at=now,
               body=f"Fusionnée dans {into.reference}.")
    case = Case.objects.select_for_update().select_related("organisation").get(pk=case.pk)
    _set_status(case, Status.CLOSED, actor=acting_user, now=now,
                reason=f"Fusionnée dans {into.reference}.")
    message = (f"Vos demandes {case.reference} et {into.reference} portent sur le même sujet : "
               f"elles sont réunies sous la référence {into.reference}, où se trouve désormais "
               "tout l'historique.")
    event = _add_event(into, Event.Kind.AGENT_MESSAGE, actor=acting_user, body=message, at=now)
    recipients = {into.requester_email.lower(), case.requester_email.lower()} - {""}
    for email in recipients:
        notification_queue(template="agent_message", recipient=email, case=into,
                           user=into.requester if email == into.requester_email.lower()
                           else case.requester,
                           context={**_receipt_context(into), "event": event,
                                    "agent": acting_user})
    journal_record(actor=acting_user, action=Entry.Action.CASE_UPDATED, case=into,
                   merged=case.reference)
    return into


@transaction.atomic
def case_split(*, case: Case, event: Event, unit, subject: str, acting_user) -> Case:
    """A message that asks something else becomes a case of its own (for the right unit),
    with the same requester; both timelines say so."""
    _check_agent(case, acting_user)
    if event.case_id != case.pk or event.kind not in (Event.Kind.SUBMITTED,
                                                      Event.Kind.RESIDENT_MESSAGE):
        raise CaseError("Seul un message de l'usager peut devenir une nouvelle demande.")
    allowed = {org.pk for org in case.organisation.territory()}
    if unit.organisation_id not in allowed:
        raise CaseError("Ce service n'appartient pas au territoire de la demande.")
    new = case_create(kind=case.kind, channel=case.channel, organisation=unit.organisation,
                      unit=unit, subject=subject or case.subject, message=event.body,
                      requester=case.requester, requester_name=case.requester_name,
                      requester_email=case.requester_email,
                      requester_phone=case.requester_phone, acting_user=acting_user)
    _add_event(case, Event.Kind.INTERNAL_NOTE, actor=acting_user,
               body=f"Une partie de la demande est devenue {new.reference}.")
    return new
