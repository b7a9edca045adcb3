"""Reads of appointments: the motifs offered online; for agents, their agendas, a day or a week,
search of residents."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q

from guichet.accounts.models import User
from guichet.cases.selectors import agent_unit_ids
from guichet.lib.business_time import PARIS

from .models import Agenda, Appointment, AppointmentType


def types_bookable_online():
    """The motifs residents may book on the portal."""
    return AppointmentType.objects.filter(
        is_active=True, bookable_online=True, agenda__is_active=True).select_related(
        "agenda__unit__organisation", "agenda__place")


def agendas_for_agent(user):
    return Agenda.objects.filter(unit_id__in=agent_unit_ids(user), is_active=True).select_related(
        "unit", "place")


def types_for_agent(user):
    return AppointmentType.objects.filter(agenda__in=agendas_for_agent(user), is_active=True
                                          ).select_related("agenda")


def appointments_between(agendas, first: dt.date, last: dt.date):
    start = dt.datetime.combine(first, dt.time.min, PARIS)
    end = dt.datetime.combine(last, dt.time.max, PARIS)
    return (Appointment.objects.filter(type__agenda__in=agendas, starts_at__range=(start, end))
            .select_related("case", "type__agenda__place", "type__agenda__unit__organisation")
            .order_by("starts_at"))


def residents_search(query: str, limit: int = 20):
    """Accounts whose name, email or phone contains the words typed, accents included."""
    users = User.objects.filter(is_active=True)
    for word in query.split()[:5]:
        users = users.filter(Q(first_name__icontains=word) | Q(last_name__icontains=word)
                             | Q(email__icontains=word) | Q(profile__phone__icontains=word))
    return users.select_related("profile").order_by("last_name", "first_name")[:limit]
