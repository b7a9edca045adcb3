"""A large, realistic dataset for benchmarks, built fast with bulk inserts.

Cases are spread over the demo territory's units (voirie is the busiest) and over two years,
with statuses that depend on their age, valid and unique references (taken from each
organisation's sequence, which is moved forward by the number used), due dates computed on the
organisation's business calendar, and a timeline of 2 to 7 events each. Unlike the demo loader,
nothing goes through the services (that would take hours for 100,000 cases), and no
notification or journal entry is written."""

from __future__ import annotations

import datetime as dt
import random
import secrets
import time
from collections import defaultdict
from collections.abc import Callable

from django.db import transaction
from django.utils import timezone

from guichet.accounts.models import ResidentProfile, User
from guichet.cases.models import Case, Channel, Event, ReferenceSequence, Status
from guichet.contact.models import ContactRequest

from . import topics as texts
from .history import CHANNEL_WEIGHTS, UNIT_WEIGHTS, pick, status_weights
from .territory import FIRST_NAMES, LAST_NAMES, STREETS, Territory, territory_load

GENERATED_DOMAIN = "usagers.example"
H = dt.timedelta(hours=1)


def _residents(count: int, rng: random.Random) -> list[User]:
    """Generated residents with accounts (created once, reused by later runs)."""
    existing = list(User.objects.filter(email__endswith=f"@{GENERATED_DOMAIN}"))
    missing = count - len(existing)
    if missing > 0:
        start = len(existing)
        users = []
        for n in range(start, start + missing):
            _, first = rng.choice(FIRST_NAMES)
            last = rng.choice(LAST_NAMES)
            users.append(User(email=f"usager{n:06d}@{GENERATED_DOMAIN}", first_name=first,
                              last_name=last, password="!", email_verified_at=timezone.now()))
        created = User.objects.bulk_create(users, batch_size=2000)
        ResidentProfile.objects.bulk_create(
            [ResidentProfile(user=user, address=f"{rng.randint(1, 90)} {rng.choice(STREETS)}",
                             postcode="57120", city="Montfleury-sur-Orne") for user in created],
            batch_size=2000,
        )
        existing += created
    return existing[:count]


class Generator:
    def __init__(self, territory: Territory, *, days: int = 730, seed: int = 100_000,
                 now: dt.datetime | None = None):
        self.territory = territory
        self.days = days
        self.rng = random.Random(seed)
        self.now = now or timezone.now()
        self.units = [territory.units[key] for key in UNIT_WEIGHTS if key in territory.units]
        self.unit_weights = [UNIT_WEIGHTS[(u.organisation.slug, u.slug)] for u in self.units]
        self.calendars = {org.pk: org.calendar() for org in territory.organisations.values()}
        self.handlers = {unit.pk: territory.handlers(unit) or [territory.admin]
                         for unit in self.units}
        self.residents: list[User] = []

    def _clamp(self, moment: dt.datetime) -> dt.datetime:
        return min(moment, self.now - dt.timedelta(minutes=1))

    def _case(self, created: dt.datetime) -> tuple[Case, list[Event]]:
        rng = self.rng
        unit = rng.choices(self.units, weights=self.unit_weights)[0]
        org = unit.organisation
        calendar = self.calendars[org.pk]
        topic = rng.choice(texts.TOPICS[texts.topic_key(unit.slug)])
        street, number = rng.choice(STREETS), rng.randint(1, 80)
        channel = pick(rng, CHANNEL_WEIGHTS)
        age_days = (self.now - created).total_seconds() / 86400
        status = pick(rng, status_weights(age_days))
        requester = None
        if channel in (Channel.WEB, Channel.APP) and rng.random() < 0.65 and self.residents:
            requester = rng.choice(self.residents)
            name, email = requester.get_full_name(), requester.email
        else:
            _, first = rng.choice(FIRST_NAMES)
            name = f"{first} {rng.choice(LAST_NAMES)}"
            email = "" if channel in (Channel.PHONE, Channel.MAIL) and rng.random() < 0.5 else (
                f"contact{rng.randint(1, 10**9)}@example.net")
        case = Case(
            token=secrets.token_urlsafe(24), kind="contact", channel=channel, organisation=org,
            unit=unit, requester=requester, requester_name=name, requester_email=email,
            subject=topic.subject.format(street=street, number=number)[:200], status=status,
            created_at=created,
            first_response_due_at=calendar.add(created, H * unit.first_response_hours),
            resolution_due_at=calendar.add(created, H * unit.resolution_hours),
        )
        case._org = org
        events = [Event(kind=Event.Kind.SUBMITTED, created_at=created, actor=requester,
                        body=topic.message.format(street=street, number=number),
                        data={"channel": channel})]
        moment = created
        if email:
            moment = created + dt.timedelta(seconds=rng.randint(2, 30))
            events.append(Event(kind=Event.Kind.RECEIPT_SENT, created_at=moment,
                                body=f"Demande enregistrée — {case.subject}",
                                data={"template": "registration_receipt", "recipient": email}))
        if status != Status.NEW or rng.random() < 0.2:
            agent = rng.choice(self.handlers[unit.pk])
            case.assignee = agent
            moment = self._clamp(moment + H * rng.uniform(0.2, 20))
            events.append(Event(kind=Event.Kind.ASSIGNED, created_at=moment, actor=agent,
                                data={"old": None, "new": agent.pk,
                                      "new_name": agent.get_full_name()}))
        if status == Status.NEW:
            case.updated_at = moment
            return case, events
        agent = case.assignee
        if rng.random() < 0.15 and topic.note:
            moment = self._clamp(moment + H * rng.uniform(0.1, 4))
            events.append(Event(kind=Event.Kind.INTERNAL_NOTE, created_at=moment, actor=agent,
                                body=topic.note))
        moment = self._clamp(moment + H * rng.uniform(0.5, 40))
        waiting = status == Status.WAITING
        body = (f"Bonjour,\n{topic.question or texts.GENERIC_QUESTION}" if waiting
                else topic.reply.format(street=street, number=number))
        events.append(Event(kind=Event.Kind.AGENT_MESSAGE, created_at=moment, actor=agent,
                            body=body))
        case.first_responded_at = moment
        reached = Status.WAITING if waiting else Status.IN_PROGRESS
        events.append(Event(kind=Event.Kind.STATUS_CHANGED, created_at=moment, actor=agent,
                            data={"old": Status.NEW, "new": reached}))
        if waiting:
            case.paused_at = moment
        if status in (Status.RESOLVED, Status.REJECTED, Status.CLOSED):
            moment = self._clamp(moment + H * rng.uniform(1, 200))
            case.resolved_at = moment
            if status == Status.CLOSED:
                events.append(Event(kind=Event.Kind.AGENT_MESSAGE, created_at=moment,
                                    actor=agent,
                                    body=topic.close.format(street=street, number=number)))
                case.closed_at = moment
            reason = rng.choice(texts.REJECT_REASONS) if status == Status.REJECTED else ""
            events.append(Event(kind=Event.Kind.STATUS_CHANGED, created_at=moment, actor=agent,
                                body=reason, data={"old": reached, "new": status}))
        case.updated_at = moment
        return case, events

    def _reserve_references(self, cases: list[Case]) -> None:
        """Number the batch from each organisation's sequence, moved forward under a lock."""
        by_key: dict[tuple[int, int], list[Case]] = defaultdict(list)
        for case in cases:
            by_key[(case._org.pk, timezone.localdate(case.created_at).year)].append(case)
        for (org_pk, year), group in by_key.items():
            sequence, _ = ReferenceSequence.objects.get_or_create(organisation_id=org_pk,
                                                                  year=year)
            sequence = ReferenceSequence.objects.select_for_update().get(pk=sequence.pk)
            first = sequence.last_value + 1
            sequence.last_value += len(group)
            sequence.save(update_fields=["last_value"])
            prefix = group[0]._org.reference_prefix
            for offset, case in enumerate(group):
                case.reference = f"{prefix}-{year}-{first + offset:06d}"

    def run(self, count: int, *, batch: int = 5000,
            progress: Callable[[int, float], None] | None = None) -> int:
        self.residents = _residents(max(200, count // 25), self.rng)
        moments = sorted(
            self.now - dt.timedelta(days=self.days * self.rng.random() ** 1.3,
                                    minutes=self.rng.randint(5, 600))
            for _ in range(count)
        )
        started = time.monotonic()
        done = 0
        for start in range(0, count, batch):
            with transaction.atomic():
                built = [self._case(moment) for moment in moments[start:start + batch]]
                cases = [case for case, _ in built]
                self._reserve_references(cases)
                Case.objects.bulk_create(cases, batch_size=batch)
                events = []
                for case, case_events in built:
                    for event in case_events:
                        event.case_id = case.pk
                        events.append(event)
                Event.objects.bulk_create(events, batch_size=batch)
                ContactRequest.objects.bulk_create([ContactRequest(case_id=c.pk) for c in cases],
                                                   batch_size=batch)
            done += len(cases)
            if progress:
                progress(done, time.monotonic() - started)
        return done


def generate(*, cases: int, batch: int = 5000, days: int = 730, seed: int = 100_000,
             progress: Callable[[int, float], None] | None = None) -> int:
    territory = territory_load()
    return Generator(territory, days=days, seed=seed).run(cases, batch=batch, progress=progress)


class ReportGenerator(Generator):
    """Signalements in bulk for benchmarks: points spread over the demo communes, routed as
    `report_submit` would route them (one lookup per category and commune), statuses by age."""

    def __init__(self, territory: Territory, **kwargs):
        from .reports import OUTLINES, categories_load, reports_load

        super().__init__(territory, **kwargs)
        reports_load(territory, count=0)  # outlines and categories
        self.categories = list(categories_load().values())
        self.communes = {slug: territory.organisations[slug] for slug in OUTLINES}
        self.rings = dict(OUTLINES)
        self.routes: dict[tuple[int, int], tuple] = {}

    def _point(self, slug: str) -> tuple[float, float]:
        from guichet.lib.geo import bounds, contains

        outline = {"type": "Polygon", "coordinates": [self.rings[slug]]}
        min_lat, min_lon, max_lat, max_lon = bounds(outline)
        while True:
            lat, lon = self.rng.uniform(min_lat, max_lat), self.rng.uniform(min_lon, max_lon)
            if contains(outline, lat, lon):
                return lat, lon

    def _route(self, category, commune):
        from guichet.reports.services import report_route

        key = (category.pk, commune.pk)
        if key not in self.routes:
            self.routes[key] = report_route(category=category, commune=commune)
        return self.routes[key]

    def _report(self, created: dt.datetime):
        from guichet.reports.models import Report

        rng = self.rng
        category = rng.choice(self.categories)
        slug = rng.choices(list(self.communes), weights=[5, 3, 2])[0]
        commune = self.communes[slug]
        org, unit = self._route(category, commune)
        lat, lon = self._point(slug)
        calendar = self.calendars[org.pk]
        status = pick(rng, status_weights((self.now - created).total_seconds() / 86400))
        status = Status.IN_PROGRESS if status == Status.WAITING else status
        address = f"{rng.randint(1, 80)} {rng.choice(STREETS)}"
        case = Case(
            token=secrets.token_urlsafe(24), kind="report", channel=Channel.WEB,
            organisation=org, unit=unit, requester_name="Habitant",
            requester_email=f"habitant{rng.randint(1, 10**9)}@example.net",
            subject=f"{category.name} — {address}"[:200], status=status, created_at=created,
            updated_at=created,
            first_response_due_at=calendar.add(
                created, H * (category.first_response_hours or unit.first_response_hours)),
            resolution_due_at=calendar.add(
                created, H * (category.resolution_hours or unit.resolution_hours)))
        if status in (Status.RESOLVED, Status.CLOSED, Status.REJECTED):
            case.resolved_at = self._clamp(created + H * rng.uniform(2, 300))
            case.closed_at = case.resolved_at if status == Status.CLOSED else None
        case._org = org
        report = Report(category=category, commune=commune, lat=lat, lon=lon, address=address,
                        is_open=status in (Status.NEW, Status.IN_PROGRESS),
                        description="Signalement généré pour les mesures.", created_at=created)
        events = [Event(kind=Event.Kind.SUBMITTED, created_at=created, body=report.description,
                        data={"channel": Channel.WEB})]
        if status != Status.NEW:
            events.append(Event(kind=Event.Kind.STATUS_CHANGED, created_at=case.resolved_at
                                or self._clamp(created + H), data={"old": "new", "new": status}))
        return case, report, events

    def run_reports(self, count: int, *, batch: int = 5000,
                    progress: Callable[[int, float], None] | None = None) -> int:
        from guichet.reports.models import Report

        moments = sorted(self.now - dt.timedelta(days=self.days * self.rng.random(),
                                                 minutes=self.rng.randint(5, 600))
                         for _ in range(count))
        started, done = time.monotonic(), 0
        for start in range(0, count, batch):
            with transaction.atomic():
                built = [self._report(moment) for moment in moments[start:start + batch]]
                cases = [case for case, _, _ in built]
                self._reserve_references(cases)
                Case.objects.bulk_create(cases, batch_size=batch)
                reports, events = [], []
                for case, report, case_events in built:
                    report.case_id = case.pk
                    reports.append(report)
                    for event in case_events:
                        event.case_id = case.pk
                        events.append(event)
                Report.objects.bulk_create(reports, batch_size=batch)
                Event.objects.bulk_create(events, batch_size=batch)
            done += len(cases)
            if progress:
                progress(done, time.monotonic() - started)
        return done


def generate_reports(*, reports: int, batch: int = 5000, days: int = 730, seed: int = 311_000,
                     progress: Callable[[int, float], None] | None = None) -> int:
    territory = territory_load()
    return ReportGenerator(territory, days=days, seed=seed).run_reports(
        reports, batch=batch, progress=progress)
