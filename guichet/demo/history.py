"""A few hundred demo cases, replayed through the real services as if they had happened over the
last months: submissions, receipts, assignments, transfers, replies, notes, waits, closes.

The services stamp what they do with `timezone.now()`. To replay history, `simulated_clock`
moves that clock for the duration of one service call; rows whose timestamp is a model default
bound at import (journal entries, outbox rows) are re-stamped afterwards. Nothing of this is used
outside the demo loader.

The notifications these cases cause are marked sent (with their timeline trace) and their
delivery tasks deleted: loading the demo never emails anyone, nor prints an email in the demo's
terminal (`notifications_settle` does the same for everything else the loader writes)."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from guichet.cases.models import Case, Channel, Status
from guichet.cases.services import (
    case_add_note,
    case_assign,
    case_change_status,
    case_close,
    case_record_notification,
    case_reply,
    case_resident_reply,
    case_transfer,
)
from guichet.contact.services import contact_submit
from guichet.journal.models import Entry
from guichet.notifications.models import Notification
from guichet.organisations.models import Unit

from . import topics as texts
from .territory import FIRST_NAMES, LAST_NAMES, STREETS, Territory

DEFAULT_CASES = 300
DEFAULT_DAYS = 180
SEED = 20260

# How often residents write to each unit (voirie is the busiest, as in most communes).
UNIT_WEIGHTS = {
    ("montfleury-sur-orne", "voirie"): 26,
    ("trois-vallees", "dechets"): 18,
    ("trois-vallees", "eau"): 9,
    ("trois-vallees", "accueil"): 4,
    ("montfleury-sur-orne", "etat-civil"): 10,
    ("montfleury-sur-orne", "enfance-jeunesse"): 9,
    ("montfleury-sur-orne", "accueil"): 8,
    ("breval-les-forges", "urbanisme"): 7,
    ("breval-les-forges", "accueil"): 6,
    ("lacroix-en-woevre", "accueil"): 3,
}
CHANNEL_WEIGHTS = {
    Channel.WEB: 58, Channel.EMAIL: 10, Channel.PHONE: 13, Channel.COUNTER: 8, Channel.MAIL: 5,
    Channel.APP: 4, Channel.SOCIAL: 2,
}


def status_weights(age_days: float) -> dict[str, float]:
    """Recent cases are mostly open, old ones mostly finished (a few are left overdue)."""
    if age_days < 2:
        return {Status.NEW: 60, Status.IN_PROGRESS: 25, Status.WAITING: 10, Status.RESOLVED: 5}
    if age_days < 14:
        return {Status.NEW: 12, Status.IN_PROGRESS: 36, Status.WAITING: 18, Status.RESOLVED: 14,
                Status.CLOSED: 14, Status.REJECTED: 6}
    if age_days < 45:
        return {Status.NEW: 3, Status.IN_PROGRESS: 14, Status.WAITING: 8, Status.RESOLVED: 18,
                Status.CLOSED: 50, Status.REJECTED: 7}
    return {Status.NEW: 1, Status.IN_PROGRESS: 4, Status.WAITING: 3, Status.RESOLVED: 12,
            Status.CLOSED: 72, Status.REJECTED: 8}


def pick(rng: random.Random, weights: dict):
    keys = list(weights)
    return rng.choices(keys, weights=[weights[k] for k in keys])[0]


@contextmanager
def simulated_clock(moment: dt.datetime) -> Iterator[None]:
    original = timezone.now
    timezone.now = lambda: moment
    try:
        yield
    finally:
        timezone.now = original


def office_time(moment: dt.datetime, rng: random.Random) -> dt.datetime:
    """The same moment moved into working hours (Monday–Friday, 8:30–17:30, Paris time)."""
    local = timezone.localtime(moment)
    minutes = local.hour * 60 + local.minute
    day = local.date()
    if minutes > 17 * 60 or day.weekday() >= 5:
        day += dt.timedelta(days=1)
        minutes = 0
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    if minutes < 8 * 60 + 30:
        minutes = 8 * 60 + 30 + rng.randint(0, 90)
    start = dt.datetime.combine(day, dt.time(0), tzinfo=local.tzinfo)
    return start + dt.timedelta(minutes=minutes)


@dataclass
class Plan:
    created: dt.datetime
    unit: Unit  # the unit that handles the case in the end
    desk: Unit  # where it was first sent (another unit when it gets transferred)
    topic: texts.Topic
    channel: str
    status: str
    street: str
    number: int
    requester: object = None
    name: str = ""
    email: str = ""
    phone: str = ""
    official: object = None
    steps: list[tuple[str, dict]] = field(default_factory=list)

    def fill(self, text: str) -> str:
        return text.format(street=self.street, number=self.number)


class HistoryLoader:
    def __init__(self, territory: Territory, *, count: int = DEFAULT_CASES,
                 days: int = DEFAULT_DAYS, seed: int = SEED, now: dt.datetime | None = None):
        self.territory = territory
        self.count = count
        self.days = days
        self.rng = random.Random(seed)
        self.now = now or timezone.now()
        self.notification_ids: list[int] = []
        self._anonymous_serial = 0

    # -- planning ---------------------------------------------------------------------------

    def _created_at(self) -> dt.datetime:
        age = dt.timedelta(days=self.days * self.rng.random() ** 1.5,
                           minutes=self.rng.randint(20, 600))
        return self.now - age

    def _desk(self, unit: Unit) -> Unit:
        """Some messages reach a reception desk first and are transferred to the right unit."""
        if unit.slug == "accueil" or self.rng.random() > 0.1:
            return unit
        allowed = {org.pk for org in unit.organisation.territory()}
        desks = [u for (_, slug), u in self.territory.units.items()
                 if slug == "accueil" and u.organisation_id in allowed]
        return self.rng.choice(desks) if desks else unit

    def _requester(self, plan: Plan) -> None:
        rng = self.rng
        with_account = plan.channel in (Channel.WEB, Channel.APP) and rng.random() < 0.6
        if with_account and self.territory.residents:
            plan.requester = rng.choice(self.territory.residents)
            return
        self._anonymous_serial += 1
        _, first = rng.choice(FIRST_NAMES)
        last = rng.choice(LAST_NAMES)
        plan.name = f"{first} {last}"
        wants_email = plan.channel not in (Channel.MAIL, Channel.PHONE, Channel.COUNTER) or (
            rng.random() < 0.5)
        if wants_email:
            from .territory import resident_email

            local, domain = resident_email(first, last).split("@")
            plan.email = f"{local}{self._anonymous_serial}@example.net"
        if plan.channel in (Channel.PHONE, Channel.COUNTER, Channel.MAIL) or rng.random() < 0.3:
            plan.phone = f"03 87 {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)}"

    def plan(self) -> list[Plan]:
        rng = self.rng
        units = {key: self.territory.units[key] for key in UNIT_WEIGHTS
                 if key in self.territory.units}
        weights = {key: UNIT_WEIGHTS[key] for key in units}
        plans = []
        for _ in range(self.count):
            unit = units[pick(rng, weights)]
            created = self._created_at()
            channel = pick(rng, CHANNEL_WEIGHTS)
            if channel in (Channel.PHONE, Channel.COUNTER, Channel.MAIL):
                office = office_time(created, rng)
                created = office if office < self.now - dt.timedelta(minutes=15) else created
            age_days = (self.now - created).total_seconds() / 86400
            plan = Plan(
                created=created, unit=unit, desk=self._desk(unit),
                topic=rng.choice(texts.TOPICS[texts.topic_key(unit.slug)]), channel=channel,
                status=pick(rng, status_weights(age_days)), street=rng.choice(STREETS),
                number=rng.randint(1, 80),
            )
            self._requester(plan)
            if channel == Channel.WEB and not plan.requester and rng.random() < 0.25:
                officials = [o for o in self.territory.officials
                             if o.is_contactable and o.handling_unit_id == plan.desk.pk]
                plan.official = officials[0] if officials else None
            plan.steps = self._steps(plan)
            plans.append(plan)
        plans.sort(key=lambda p: p.created)
        return plans

    def _steps(self, plan: Plan) -> list[tuple[str, dict]]:
        rng, topic, target = self.rng, plan.topic, plan.status
        handlers = self.territory.handlers(plan.unit) or [self.territory.admin]
        agent = rng.choice(handlers)
        manager = self.territory.manager(plan.unit)
        steps: list[tuple[str, dict]] = []
        if plan.desk.pk != plan.unit.pk:
            desk_agent = rng.choice(self.territory.handlers(plan.desk) or [self.territory.admin])
            steps.append(("transfer", {"agent": desk_agent,
                                       "reason": rng.choice(texts.TRANSFER_REASONS)}))
        if manager and manager != agent and rng.random() < 0.5:
            steps.append(("assign", {"agent": manager, "assignee": agent}))
        elif target == Status.NEW and rng.random() < 0.3:
            steps.append(("assign", {"agent": agent, "assignee": agent}))
        if target == Status.NEW:
            return steps
        if topic.note and rng.random() < 0.6:
            steps.append(("note", {"agent": agent, "body": topic.note}))
        question = topic.question or texts.GENERIC_QUESTION
        answer = plan.fill(topic.answer) if topic.answer else texts.GENERIC_ANSWER
        asks = target == Status.WAITING or (bool(topic.question) and rng.random() < 0.35)
        if target == Status.REJECTED:
            reason = rng.choice(texts.REJECT_REASONS)
            steps.append(("reply", {"agent": agent, "body": f"Bonjour,\n{reason}"}))
            steps.append(("status", {"agent": agent, "status": Status.REJECTED,
                                     "reason": reason}))
            return steps
        if asks:
            steps.append(("reply", {"agent": agent, "body": f"Bonjour,\n{question}",
                                    "wait": True}))
            if target == Status.WAITING:
                return steps
            steps.append(("resident", {"body": answer}))
        if target == Status.CLOSED and rng.random() < 0.3:
            steps.append(("close", {"agent": agent, "body": plan.fill(topic.reply)}))
            return steps
        steps.append(("reply", {"agent": agent, "body": plan.fill(topic.reply)}))
        if target == Status.IN_PROGRESS:
            if rng.random() < 0.2:
                steps.append(("resident", {"body": "Merci pour votre réponse rapide."}))
            return steps
        if target == Status.RESOLVED:
            steps.append(("status", {"agent": agent, "status": Status.RESOLVED,
                                     "reason": "Intervention réalisée."}))
            return steps
        steps.append(("close", {"agent": agent, "body": plan.fill(topic.close)}))
        return steps

    def _times(self, plan: Plan) -> list[dt.datetime]:
        """Increasing moments after the submission, in working hours where possible, all in
        the past."""
        limit = self.now - dt.timedelta(minutes=5)
        gaps = [self.rng.expovariate(1 / 20) + 0.25 for _ in plan.steps]  # hours, mean ~20 h
        available = (limit - plan.created).total_seconds() / 3600
        scale = min(1.0, available / (sum(gaps) + 0.5)) if gaps else 1.0
        times, moment = [], plan.created
        for gap in gaps:
            moment = moment + dt.timedelta(hours=gap * scale)
            office = office_time(moment, self.rng)
            if office < limit and (not times or office > times[-1]) and scale == 1.0:
                moment = office
            times.append(moment)
        if times and times[-1] >= limit:
            # Moving steps into working hours delayed the next ones past now: squeeze them
            # back, in the same order, so that the history never runs into the future.
            ratio = (limit - plan.created) / (times[-1] - plan.created)
            times = [plan.created + (moment - plan.created) * ratio for moment in times]
        return times

    # -- replay -----------------------------------------------------------------------------

    def _run(self, moment: dt.datetime, action: Callable, **kwargs):
        entry_mark = Entry.objects.aggregate(m=Max("pk"))["m"] or 0
        notification_mark = Notification.objects.aggregate(m=Max("pk"))["m"] or 0
        with simulated_clock(moment):
            result = action(**kwargs)
        Entry.objects.filter(pk__gt=entry_mark).update(at=moment)
        new = list(Notification.objects.filter(pk__gt=notification_mark).select_related("case"))
        for notification in new:
            self.notification_ids.append(notification.pk)
            sent_at = min(moment + dt.timedelta(seconds=self.rng.randint(2, 40)), self.now)
            notification.created_at = notification.next_attempt_at = moment
            if notification.status == Notification.Status.PENDING:
                notification.status = Notification.Status.SENT
                notification.sent_at = sent_at
                notification.attempts = 1
            notification.save(update_fields=["created_at", "next_attempt_at", "status",
                                             "sent_at", "attempts"])
            if notification.case_id and notification.status == Notification.Status.SENT:
                with simulated_clock(sent_at):
                    case_record_notification(case=notification.case, notification=notification)
        return result

    def _replay(self, plan: Plan) -> Case:
        acting = None
        if plan.channel in (Channel.PHONE, Channel.COUNTER, Channel.MAIL, Channel.EMAIL):
            acting = self.rng.choice(self.territory.handlers(plan.desk) or [self.territory.admin])
        prefix = {Channel.PHONE: texts.PHONE_PREFIX, Channel.COUNTER: texts.COUNTER_PREFIX,
                  Channel.MAIL: texts.MAIL_PREFIX}.get(plan.channel, "")
        case = self._run(
            plan.created, contact_submit, unit=plan.desk, official=plan.official,
            subject=plan.fill(plan.topic.subject)[:200],
            message=prefix + plan.fill(plan.topic.message),
            requester=plan.requester, name=plan.name, email=plan.email, phone=plan.phone,
            channel=plan.channel, acting_user=acting,
        )
        for (kind, args), moment in zip(plan.steps, self._times(plan), strict=True):
            case = Case.objects.select_related("organisation", "unit").get(pk=case.pk)
            agent = args.get("agent")
            if kind == "transfer":
                self._run(moment, case_transfer, case=case, unit=plan.unit,
                          reason=args["reason"], acting_user=agent)
            elif kind == "assign":
                self._run(moment, case_assign, case=case, assignee=args["assignee"],
                          acting_user=agent)
            elif kind == "note":
                self._run(moment, case_add_note, case=case, agent=agent, body=args["body"])
            elif kind == "reply":
                self._run(moment, case_reply, case=case, agent=agent, body=args["body"],
                          wait_for_resident=args.get("wait", False))
            elif kind == "resident":
                self._run(moment, case_resident_reply, case=case, body=args["body"],
                          user=plan.requester)
            elif kind == "status":
                self._run(moment, case_change_status, case=case, status=args["status"],
                          acting_user=agent, reason=args["reason"])
            elif kind == "close":
                self._run(moment, case_close, case=case, acting_user=agent,
                          message=args["body"])
        return case

    def load(self) -> int:
        plans = self.plan()
        with transaction.atomic():
            for plan in plans:
                self._replay(plan)
        self._drop_delivery_tasks()
        return len(plans)

    def _drop_delivery_tasks(self) -> None:
        """The demo's notifications are already marked sent: their queued deliveries go."""
        delivery_tasks_drop(self.notification_ids)


def delivery_tasks_drop(notification_ids) -> None:
    """Delete the queued delivery tasks of these notifications."""
    from django_tasks_db.models import DBTaskResult

    ids = set(notification_ids)
    doomed = [
        task.pk for task in DBTaskResult.objects.filter(
            task_path="guichet.notifications.tasks.deliver").only("id", "args_kwargs")
        if (task.args_kwargs.get("args") or [None])[0] in ids
    ]
    for start in range(0, len(doomed), 500):
        DBTaskResult.objects.filter(pk__in=doomed[start:start + 500]).delete()


def notifications_settle(*, after: int) -> int:
    """Every notification the demo loader wrote (primary key above `after`) that still waits
    for delivery is recorded as sent a few seconds after it was written, with its timeline
    trace, and its delivery task deleted: the seeded history looks delivered, and the worker
    of `make demo` prints only the emails someone triggers while trying it."""
    now = timezone.now()
    waiting = list(Notification.objects.filter(pk__gt=after, status=Notification.Status.PENDING)
                   .select_related("case").order_by("pk"))
    with transaction.atomic():
        for notification in waiting:
            sent_at = min(notification.created_at + dt.timedelta(seconds=5), now)
            notification.status = Notification.Status.SENT
            notification.sent_at = sent_at
            notification.attempts = 1
            notification.save(update_fields=["status", "sent_at", "attempts"])
            if notification.case_id:
                touched = notification.case.updated_at
                with simulated_clock(sent_at):
                    case_record_notification(case=notification.case, notification=notification)
                if touched > sent_at:  # the trace does not make the case look older
                    Case.objects.filter(pk=notification.case_id).update(updated_at=touched)
    delivery_tasks_drop(n.pk for n in waiting)
    return len(waiting)
