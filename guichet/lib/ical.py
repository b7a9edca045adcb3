"""iCalendar (RFC 5545) documents with the `icalendar` package: times in Paris local time
with the Europe/Paris VTIMEZONE inside the file (calendars show the right hour even offline,
across the change to summer time), a UID and a DTSTAMP on every event, and an ORGANIZER
wherever a METHOD makes the file an iTIP message (RFC 5546), so that libical and every
calendar application accept them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, vCalAddress

PRODID = "-//Guichet//Rendez-vous//FR"
PARIS = ZoneInfo("Europe/Paris")


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
    organizer_email: str = ""  # who answers for the event: the unit's address
    organizer_name: str = ""


def calendar_bytes(events: list[CalendarEvent], *, name: str = "",
                   method: str | None = None) -> bytes:
    """A calendar of `events`. Downloads and subscribed feeds carry no METHOD; an email
    attachment is a PUBLISH message (`method="PUBLISH"`), and iTIP then requires every event
    to name its organizer."""
    if method and any(not item.organizer_email for item in events):
        raise ValueError(f"METHOD:{method} requires an ORGANIZER on every event.")
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    if method:
        calendar.add("method", method)
    if name:
        calendar.add("x-wr-calname", name)
    stamp = dt.datetime.now(dt.UTC)
    for item in events:
        event = Event()
        event.add("uid", item.uid)
        event.add("dtstamp", stamp)
        event.add("dtstart", item.starts_at.astimezone(PARIS))
        event.add("dtend", item.ends_at.astimezone(PARIS))
        event.add("summary", item.summary)
        if item.organizer_email:
            organizer = vCalAddress(f"mailto:{item.organizer_email}")
            if item.organizer_name:
                organizer.params["cn"] = item.organizer_name
            event.add("organizer", organizer)
        if item.location:
            event.add("location", item.location)
        if item.description:
            event.add("description", item.description)
        if item.url:
            event.add("url", item.url)
        event.add("status", "CANCELLED" if item.cancelled else "CONFIRMED")
        calendar.add_component(event)
    if events:
        # The observances of the years the events span (not 1970-2038), without the COMMENT
        # icalendar adds: RFC 5545 allows none on VTIMEZONE itself and libical refuses it.
        first = min(item.starts_at for item in events).astimezone(PARIS)
        last = max(item.ends_at for item in events).astimezone(PARIS)
        calendar.add_missing_timezones(first_date=dt.date(first.year, 1, 1),
                                       last_date=dt.date(last.year + 1, 1, 1))
        for timezone in calendar.walk("VTIMEZONE"):
            timezone.pop("COMMENT", None)
    return calendar.to_ical()


def read_closures(data: bytes) -> list[tuple[str, dt.datetime, dt.datetime, str]]:
    """(uid, start, end, summary) of each event of an .ics file; all-day events cover whole
    days (Paris time). Raise ValueError in French on a file that is not iCalendar."""
    paris = PARIS
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
