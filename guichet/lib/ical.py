"""iCalendar (RFC 5545) documents with the `icalendar` package: times in UTC, a UID and a
DTSTAMP on every event, so that every calendar application accepts them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from icalendar import Calendar, Event

PRODID = "-//Guichet//Rendez-vous//FR"


@dataclass(frozen=True)
class CalendarEvent:
    uid: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    summary: str
    location: str = ""
    description: str = ""
    url: str = ""
    cancelled: bool = False


def calendar_bytes(events: list[CalendarEvent], *, name: str = "",
                   method: str = "PUBLISH") -> bytes:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method)
    if name:
        calendar.add("x-wr-calname", name)
    stamp = dt.datetime.now(dt.UTC)
    for item in events:
        event = Event()
        event.add("uid", item.uid)
        event.add("dtstamp", stamp)
        event.add("dtstart", item.starts_at.astimezone(dt.UTC))
        event.add("dtend", item.ends_at.astimezone(dt.UTC))
        event.add("summary", item.summary)
        if item.location:
            event.add("location", item.location)
        if item.description:
            event.add("description", item.description)
        if item.url:
            event.add("url", item.url)
        event.add("status", "CANCELLED" if item.cancelled else "CONFIRMED")
        calendar.add_component(event)
    return calendar.to_ical()


def read_closures(data: bytes) -> list[tuple[str, dt.datetime, dt.datetime, str]]:
    """(uid, start, end, summary) of each event of an .ics file; all-day events cover whole
    days (Paris time). Raise ValueError in French on a file that is not iCalendar."""
    from zoneinfo import ZoneInfo

    paris = ZoneInfo("Europe/Paris")
    try:
        calendar = Calendar.from_ical(data)
    except (ValueError, IndexError) as exc:
        raise ValueError("Ce fichier n'est pas un calendrier iCalendar (.ics) lisible.") from exc
    found = []
    for event in calendar.walk("VEVENT"):
        start = event.decoded("dtstart")
        end = event.decoded("dtend") if "dtend" in event else None
        if not isinstance(start, dt.datetime):
            start = dt.datetime.combine(start, dt.time.min, paris)
            end = (dt.datetime.combine(end, dt.time.min, paris) if end is not None
                   else start + dt.timedelta(days=1))
        else:
            start = start if start.tzinfo else start.replace(tzinfo=paris)
            end = end if end is not None else start + dt.timedelta(hours=1)
            end = end if end.tzinfo else end.replace(tzinfo=paris)
        found.append((str(event.get("uid", "")), start, end, str(event.get("summary", ""))))
    return found
