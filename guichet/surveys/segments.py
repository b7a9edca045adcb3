"""Who an email invitation goes to. A segment is pluggable: an app registers its own from its
`AppConfig.ready()` (the news app will add « abonnés d'un thème »), with the options an agent
chooses from and the addresses it yields. Addresses come once each, in lower case."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Segment:
    code: str
    label: str
    # options(organisation) -> [(value, label)] the agent chooses from
    options: Callable[..., list[tuple[str, str]]]
    # recipients(organisation, value) -> iterable of (email, user_id or None)
    recipients: Callable[..., Iterable[tuple[str, int | None]]]


_SEGMENTS: dict[str, Segment] = {}


def register(segment: Segment) -> Segment:
    _SEGMENTS[segment.code] = segment
    return segment


def get(code: str) -> Segment | None:
    return _SEGMENTS.get(code)


def all_segments() -> list[Segment]:
    return list(_SEGMENTS.values())


def _unit_options(organisation):
    from guichet.organisations.models import Unit

    return [(str(u.pk), u.name) for u in Unit.objects.filter(
        organisation=organisation, is_active=True).order_by("name")]


def _unit_recipients(organisation, value):
    from guichet.cases.models import Case

    return (Case.objects.filter(organisation=organisation, unit_id=value)
            .exclude(requester_email="").values_list("requester_email", "requester_id")
            .order_by("requester_email"))


def _event_options(organisation):
    from guichet.bookings.models import Event

    return [(str(e.pk), f"{e.title} ({e.starts_at:%d/%m/%Y})") for e in Event.objects.filter(
        organisation=organisation).order_by("-starts_at")[:200]]


def _event_recipients(organisation, value):
    from guichet.bookings.models import Registration

    return (Registration.objects.filter(event_id=value, event__organisation=organisation,
                                        status__in=Registration.HOLDING)
            .exclude(case__requester_email="")
            .values_list("case__requester_email", "case__requester_id")
            .order_by("case__requester_email"))


register(Segment("unit", "Usagers ayant fait une demande à un service", _unit_options,
                 _unit_recipients))
register(Segment("event", "Participants à un événement", _event_options, _event_recipients))
