"""Questionnaires in the back-office: the agent's list, settings and builder, kiosks and
email invitations, live results with exports, the published synthesis, and the satisfaction
page of unit managers. Every change goes through `surveys.services`."""

from __future__ import annotations

from functools import wraps

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import NoReverseMatch

from guichet.lib.urls import absolute_url
from guichet.surveys.selectors import managed_units, survey_for_agent, survey_units

from ..views import agent_required, posted_id


def survey_agent_required(view):
    """Agents, managers and administrators of a unit (the roles that run questionnaires)."""

    @wraps(view)
    @agent_required
    def wrapper(request, *args, **kwargs):
        if not survey_units(request.user).exists():
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def manager_required(view):
    """Managers and administrators: the satisfaction of their units."""

    @wraps(view)
    @agent_required
    def wrapper(request, *args, **kwargs):
        if not managed_units(request.user).exists():
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def agent_survey(request, pk):
    """The questionnaire if it belongs to one of the agent's units; a 404 otherwise (another
    unit's questionnaire is not even said to exist)."""
    survey = survey_for_agent(request.user, posted_id(str(pk)) or 0)
    if survey is None:
        raise Http404
    return survey


def public_url(item, suffix: str = "") -> str:
    """The resident-side address of a questionnaire, invitation or kiosk, or "" while the
    portal does not serve it."""
    try:
        return absolute_url(item.get_absolute_url() + suffix)
    except NoReverseMatch:
        return ""
