"""Setting up and checking the second factor."""

from __future__ import annotations

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from guichet.accounts.models import TotpDevice
from guichet.accounts.two_factor import (
    OTP_SESSION_KEY,
    SecondFactorLocked,
    has_second_factor,
    provisioning_uri,
    totp_confirm,
    totp_disable,
    totp_start,
    totp_verify,
)

from .account import landing_url


def _next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()},
                                                  require_https=request.is_secure()):
        return target
    return landing_url(request.user)


@login_required
def otp_setup(request):
    if has_second_factor(request.user) and not request.session.get(OTP_SESSION_KEY):
        return redirect("portal:otp_verify")
    device = TotpDevice.objects.filter(user=request.user, confirmed_at__isnull=True).first() \
        or (None if has_second_factor(request.user) else totp_start(user=request.user))
    if device is None:
        messages.info(request, "La double authentification est déjà activée.")
        return redirect(_next(request))
    error = None
    if request.method == "POST":
        codes = totp_confirm(device=device, code=request.POST.get("code", ""))
        if codes is not None:
            request.session[OTP_SESSION_KEY] = True
            return render(request, "portal/two_factor/codes.html",
                          {"codes": codes, "next": _next(request)})
        error = "Ce code ne correspond pas : saisissez les 6 chiffres affichés par votre " \
                "application, sans attendre qu'ils changent."
    uri = provisioning_uri(device)
    return render(request, "portal/two_factor/setup.html", {
        "secret": device.secret, "qr": segno.make(uri, error="m").svg_inline(scale=4),
        "error": error, "next": _next(request)}, status=400 if error else 200)


@login_required
def otp_verify(request):
    error, status = None, 200
    if request.method == "POST":
        try:
            if totp_verify(user=request.user, code=request.POST.get("code", "")):
                request.session[OTP_SESSION_KEY] = True
                request.session.cycle_key()
                return redirect(_next(request))
            error, status = "Code incorrect ou déjà utilisé.", 400
        except SecondFactorLocked as locked:
            until = timezone.localtime(locked.until)
            error, status = (f"Trop de codes erronés : par sécurité, la vérification est "
                             f"bloquée jusqu'à {until:%H:%M}. Réessayez ensuite, ou demandez "
                             "de l'aide à l'administrateur de Guichet."), 429
    return render(request, "portal/two_factor/verify.html",
                  {"error": error, "locked": status == 429, "next": request.POST.get("next")
                   or request.GET.get("next", "")}, status=status)


@login_required
@require_POST
def otp_disable(request):
    """Residents may turn it off; agents may not."""
    if request.user.memberships.exists():
        messages.error(request, "La double authentification est obligatoire pour les agents.")
    else:
        totp_disable(user=request.user)
        messages.success(request, "La double authentification est désactivée.")
    return redirect("portal:profile")
