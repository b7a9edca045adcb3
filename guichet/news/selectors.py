"""Reads for the portal: visible news, current alerts (published ones, and the closures that
already exist elsewhere — a commune's exceptional closures, a closed agenda, a closed
facility — read where they live, never copied)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone

from .models import Alert, News, PublicationStatus, Topic


def visible_news(*, commune=None, topic=None, now=None):
    """Published, started and not expired; of a commune (itself or its EPCI) and/or a topic."""
    now = now or timezone.now()
    news = (News.objects.filter(status=PublicationStatus.PUBLISHED, publish_at__lte=now)
            .filter(Q(expire_at__isnull=True) | Q(expire_at__gt=now))
            .select_related("organisation").prefetch_related("topics"))
    if commune is not None:
        news = news.filter(organisation__in=commune.territory())
    if topic is not None:
        news = news.filter(topics=topic)
    return news.order_by("-publish_at", "-pk")


@dataclass
class CurrentAlert:
    """What the banner shows, whatever the alert comes from."""

    kind: str
    kind_label: str
    title: str
    text: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    commune: str
    url: str = ""
    source: str = "alert"


def published_alerts(*, commune=None, now=None):
    now = now or timezone.now()
    alerts = Alert.objects.filter(status=PublicationStatus.PUBLISHED, ends_at__gt=now
                                  ).select_related("organisation")
    if commune is not None:
        alerts = alerts.filter(organisation__in=commune.territory())
    return alerts.order_by("starts_at", "pk")


def current_alerts(*, commune=None, now=None, days_ahead: int = 7,
                   limit: int = 20) -> list[CurrentAlert]:
    """Alerts under way or starting within `days_ahead` days: the published ones, the
    exceptional closures of a collectivité, the full closures of an appointment agenda and
    the closures of a bookable facility."""
    from django.urls import reverse

    from guichet.appointments.models import Unavailability
    from guichet.bookings.models import FacilityClosure
    from guichet.organisations.models import Closure

    now = now or timezone.now()
    horizon = now + dt.timedelta(days=days_ahead)
    found = [CurrentAlert(kind=a.kind, kind_label=a.get_kind_display(), title=a.title,
                          text=a.description, starts_at=a.starts_at, ends_at=a.ends_at,
                          commune=a.organisation.name,
                          url=reverse("portal:alert_detail", args=[a.pk]))
             for a in published_alerts(commune=commune, now=now).filter(
                 starts_at__lte=horizon)[:limit]]
    today = timezone.localdate(now)
    closures = Closure.objects.filter(end_date__gte=today,
                                      start_date__lte=timezone.localdate(horizon)
                                      ).select_related("organisation")
    if commune is not None:
        closures = closures.filter(organisation__in=commune.territory())
    tz = timezone.get_current_timezone()
    for c in closures.order_by("start_date")[:limit]:
        found.append(CurrentAlert(
            kind=Alert.Kind.CLOSURE, kind_label="Fermeture exceptionnelle",
            title=f"{c.organisation.name} : fermeture exceptionnelle",
            text=c.reason or "Les services d'accueil sont fermés.",
            starts_at=dt.datetime.combine(c.start_date, dt.time.min, tz),
            ends_at=dt.datetime.combine(c.end_date, dt.time.max, tz),
            commune=c.organisation.name, source="closure"))
    closed = Unavailability.objects.filter(desks__isnull=True, ends_at__gt=now,
                                           starts_at__lte=horizon,
                                           agenda__is_active=True
                                           ).select_related("agenda__unit__organisation")
    if commune is not None:
        closed = closed.filter(agenda__unit__organisation__in=commune.territory())
    for u in closed.order_by("starts_at")[:limit]:
        org = u.agenda.unit.organisation
        found.append(CurrentAlert(
            kind=Alert.Kind.CLOSURE, kind_label="Fermeture d'un service",
            title=f"{u.agenda.name} : pas de rendez-vous",
            text=u.summary or "Cet agenda de rendez-vous est fermé.",
            starts_at=u.starts_at, ends_at=u.ends_at, commune=org.name, source="agenda"))
    places = FacilityClosure.objects.filter(ends_at__gt=now, starts_at__lte=horizon,
                                            facility__is_active=True
                                            ).select_related("facility__organisation")
    if commune is not None:
        places = places.filter(facility__organisation__in=commune.territory())
    for c in places.order_by("starts_at")[:limit]:
        found.append(CurrentAlert(
            kind=Alert.Kind.CLOSURE, kind_label="Fermeture d'un équipement",
            title=f"{c.facility.name} : fermé",
            text=c.reason or "Cet équipement ne peut pas être réservé ni utilisé.",
            starts_at=c.starts_at, ends_at=c.ends_at, commune=c.facility.organisation.name,
            url=reverse("portal:facility", args=[c.facility.slug]), source="facility"))
    found.sort(key=lambda a: (a.kind != Alert.Kind.EMERGENCY, a.starts_at))
    return found[:limit]


def topics():
    return Topic.objects.order_by("name")


def editable_organisations(user):
    """The collectivités whose news a communication agent (or an administrator) publishes:
    their units' organisations and, for an EPCI, its member communes."""
    from guichet.accounts.models import Membership
    from guichet.organisations.models import Organisation

    roles = [Membership.Role.COMMUNICATION, Membership.Role.ADMIN]
    orgs = set()
    for membership in user.memberships.filter(role__in=roles).select_related("unit__organisation"):
        orgs.update(o.pk for o in membership.unit.organisation.territory())
    return Organisation.objects.filter(pk__in=orgs).order_by("kind", "name")


def subscriptions_of(user):
    return (user.subscriptions.filter(unsubscribed_at__isnull=True)
            .prefetch_related("topics", "communes").order_by("-created_at"))
