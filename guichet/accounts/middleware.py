"""Agents' security on every request: the second factor before anything else, and the end of
the session after a period of inactivity.

Sending the browser to the code page is for convenience; what protects is that, while the
session has not passed the second factor it needs, the request runs with the user's agent
rights suspended (two_factor.agent_rights_suspended, asked by every check of agents' rights),
whatever its URL."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from .two_factor import (
    LAST_SEEN_KEY,
    OTP_SESSION_KEY,
    agent_rights_suspended_for,
    has_second_factor,
    second_factor_needed,
    session_record,
)

OPEN_PATHS = ("/compte/2fa/", "/deconnexion/", "/static/", "/connexion/")


class SecurityMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return self.get_response(request)
        is_agent = user.is_agent
        now = timezone.now().timestamp()
        last = request.session.get(LAST_SEEN_KEY)
        if is_agent and last and now - last > settings.AGENT_IDLE_MINUTES * 60:
            logout(request)
            messages.info(request, "Votre session s'est fermée après une période "
                                   "d'inactivité : reconnectez-vous.")
            return redirect(f"{reverse('portal:login')}?{urlencode({'next': request.path})}")
        if last is None or now - last > 60:
            request.session[LAST_SEEN_KEY] = now
            session_record(request)
        if request.session.get(OTP_SESSION_KEY) or not second_factor_needed(
                user, is_agent=is_agent):
            return self.get_response(request)
        if not request.path.startswith(OPEN_PATHS):
            if has_second_factor(user):
                return redirect(f"{reverse('portal:otp_verify')}?"
                                f"{urlencode({'next': request.get_full_path()})}")
            if request.path.startswith(("/agents/", "/admin/")):
                return redirect(f"{reverse('portal:otp_setup')}?"
                                f"{urlencode({'next': request.get_full_path()})}")
        # Elsewhere (a resident's pages, attachments…) the agent is served as a resident.
        with agent_rights_suspended_for(user):
            return self.get_response(request)
