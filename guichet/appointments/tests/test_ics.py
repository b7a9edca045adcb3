"""Every .ics Guichet serves or sends: Paris local times with their VTIMEZONE inside the file
(a calendar offline shows the right hour), and an ORGANIZER on every event wherever a METHOD
makes the file an iTIP message. Read by two parsers, icalendar and vobject (strict).

The list of producers is checked against the code: a new function that writes an .ics fails
here until it is added."""

from __future__ import annotations

import ast
import datetime as dt
from pathlib import Path

import icalendar
import pytest
import vobject
from django.core import mail
from django.urls import reverse

import guichet
from guichet.appointments.models import AgentFeed
from guichet.appointments.services import appointment_book
from guichet.lib.business_time import PARIS
from guichet.lib.ical import CalendarEvent, calendar_bytes
from guichet.notifications.services import notifications_deliver_due

from .fixtures import at, next_working_day


def _booked(passport):
    return appointment_book(type_=passport, starts_at=at(next_working_day(), 9, 30),
                            name="Łukasz Nguyễn", email="lukasz@exemple.fr").appointment


def _email_attachment(request):
    appointment = _booked(request.getfixturevalue("passport"))
    notifications_deliver_due()
    [message] = [m for m in mail.outbox if "confirmé" in m.subject]
    [(filename, content, mimetype)] = message.attachments
    assert filename == "rendez-vous.ics" and mimetype == "text/calendar; method=PUBLISH"
    return content.encode(), [appointment]


def _download(request):
    appointment = _booked(request.getfixturevalue("passport"))
    client = request.getfixturevalue("client")
    response = client.get(reverse("portal:appointment_ics", args=[appointment.case.token]))
    assert response["Content-Type"] == "text/calendar"
    return response.content, [appointment]


def _agenda_feed(request):
    passport = request.getfixturevalue("passport")
    appointment = _booked(passport)
    client = request.getfixturevalue("client")
    return (client.get(reverse("backoffice:agenda_feed", args=[passport.agenda.feed_token]))
            .content, [appointment])


def _agent_feed(request):
    appointment = _booked(request.getfixturevalue("passport"))
    agent = request.getfixturevalue("other_agent")  # of the agenda's unit
    feed = AgentFeed.objects.create(user=agent)
    client = request.getfixturevalue("client")
    return client.get(reverse("backoffice:agent_feed", args=[feed.token])).content, [appointment]


# Every function that writes an .ics, with the files it ends up in.
PRODUCERS = {
    "guichet.appointments.services.appointment_ics": [_download],
    "guichet.appointments.services._ics_attachment": [_email_attachment],
    "guichet.backoffice.appointments._feed": [_agenda_feed, _agent_feed],
}
SOURCES = {source.__name__.lstrip("_"): source
           for sources in PRODUCERS.values() for source in sources}


def test_every_ics_producer_is_checked_here():
    root = Path(guichet.__file__).parent
    found = set()
    for path in sorted(root.rglob("*.py")):
        relative = path.relative_to(root.parent)
        if {"tests", "migrations"} & set(relative.parts):
            continue
        module = ".".join(relative.with_suffix("").parts)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef) and any(
                    isinstance(call, ast.Call) and getattr(call.func, "id", "") in
                    ("calendar_bytes", "Calendar") for call in ast.walk(node)):
                found.add(f"{module}.{node.name}")
    found.discard("guichet.lib.ical.calendar_bytes")
    found.discard("guichet.lib.ical.read_closures")  # reads imported closures
    assert found == set(PRODUCERS), found ^ set(PRODUCERS)


def assert_valid_ics(content: bytes, expected: list[tuple[dt.datetime, dt.datetime]]) -> None:
    calendar = icalendar.Calendar.from_ical(content)
    [timezone] = calendar.walk("VTIMEZONE")
    assert timezone["TZID"] == "Europe/Paris"
    assert "COMMENT" not in timezone  # RFC 5545 has none on VTIMEZONE; libical refuses it
    from_file = timezone.to_tz(lookup_tzid=False)  # the offsets the file itself gives
    events = calendar.walk("VEVENT")
    assert len(events) == len(expected)
    for event, (starts_at, ends_at) in zip(events, expected, strict=True):
        for name, moment in (("DTSTART", starts_at), ("DTEND", ends_at)):
            assert event[name].params["TZID"] == "Europe/Paris"
            local = event.decoded(name).replace(tzinfo=None)
            assert local.replace(tzinfo=from_file) == moment  # right even offline
        if "METHOD" in calendar:
            organizer = event["ORGANIZER"]
            assert organizer.startswith("mailto:") and "@" in organizer
            assert organizer.params["CN"]
    strict = vobject.readOne(content.decode(), validate=True)  # raises on invalid RFC 5545
    assert [e.dtstart.value for e in strict.vevent_list] == [s for s, _ in expected]


@pytest.mark.parametrize("source", sorted(SOURCES))
def test_every_ics_has_paris_times_with_their_timezone(request, source):
    content, appointments = SOURCES[source](request)
    assert_valid_ics(content, [(a.starts_at, a.ends_at) for a in appointments])
    calendar = icalendar.Calendar.from_ical(content)
    if source == "email_attachment":
        assert calendar["METHOD"] == "PUBLISH"
        organizer = calendar.walk("VEVENT")[0]["ORGANIZER"]
        unit = appointments[0].type.agenda.unit
        assert organizer == f"mailto:{unit.email}"
        assert organizer.params["CN"] == f"{unit.name} — {unit.organisation.name}"
    else:
        assert "METHOD" not in calendar  # a calendar to add, not a scheduling message


def test_summer_and_winter_times_come_from_the_file():
    winter = dt.datetime(2026, 12, 3, 9, 30, tzinfo=PARIS)
    summer = winter.replace(month=7)
    events = [CalendarEvent(uid=f"{n}@guichet", starts_at=moment,
                            ends_at=moment + dt.timedelta(minutes=15), summary="Passeport",
                            organizer_email="titres@hayange.fr", organizer_name="Titres")
              for n, moment in enumerate([winter, summer])]
    content = calendar_bytes(events, method="PUBLISH")
    assert b"DTSTART;TZID=Europe/Paris:20261203T093000" in content
    assert b"DTSTART;TZID=Europe/Paris:20260703T093000" in content
    assert_valid_ics(content, [(e.starts_at, e.ends_at) for e in events])


def test_a_method_without_an_organizer_is_refused():
    moment = dt.datetime(2026, 12, 3, 8, 30, tzinfo=dt.UTC)
    event = CalendarEvent(uid="x@guichet", starts_at=moment, ends_at=moment, summary="X")
    with pytest.raises(ValueError, match="ORGANIZER"):
        calendar_bytes([event], method="PUBLISH")
    assert b"METHOD" not in calendar_bytes([event])


def test_without_an_address_the_email_carries_a_plain_calendar(passport):
    unit = passport.agenda.unit
    unit.email = ""
    unit.save()
    unit.organisation.email = ""
    unit.organisation.save()
    _booked(passport)
    notifications_deliver_due()
    [message] = [m for m in mail.outbox if "confirmé" in m.subject]
    [(_, content, mimetype)] = message.attachments
    assert mimetype == "text/calendar" and "METHOD" not in content
    assert "ORGANIZER" not in content and "TZID=Europe/Paris" in content
