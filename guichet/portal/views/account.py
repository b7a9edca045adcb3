"""Login (password or magic link), registration, email verification, password reset, profile."""

from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from guichet.accounts.models import Membership
from guichet.accounts.services import (
    email_verification_check,
    email_verification_send,
    magic_link_send,
    magic_link_user,
    profile_for,
    user_register,
)
from guichet.lib.ratelimit import form_throttled, too_many

from ..forms import (
    LoginForm,
    MagicLinkForm,
    PasswordResetForm,
    ProfileForm,
    RegisterForm,
    SetPasswordForm,
)


def landing_url(user) -> str:
    """Where someone lands after signing in without a `next`: agents (anyone with a unit) on
    their inbox, residents on « Mes demandes ». Asked of the account, not of this request's
    rights: an agent still owing the second factor is sent to the inbox, which asks for it."""
    agent = Membership.objects.filter(user=user).exists()
    return reverse("backoffice:inbox") if agent else reverse("portal:my_cases")


def _next_url(request, user) -> str:
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()},
                                                  require_https=request.is_secure()):
        return target
    return landing_url(user)


def login(request):
    form = LoginForm(request, data=request.POST or None)
    wait = form_throttled(request, form, name="login") if request.method == "POST" else None
    if request.method == "POST" and not wait and form.is_valid():
        auth_login(request, form.get_user())
        return redirect(_next_url(request, request.user))
    response = render(request, "portal/login.html", {"form": form,
                                                     "next": request.GET.get("next", "")})
    return too_many(response, wait) if wait else response


def magic_link_request(request):
    form = MagicLinkForm(request.POST or None)
    wait = form_throttled(request, form, name="magic_link")
    if request.method == "POST" and not wait and form.is_valid():
        magic_link_send(email=form.cleaned_data["email"])
        return render(request, "portal/magic_link_sent.html",
                      {"email": form.cleaned_data["email"]})
    response = render(request, "portal/magic_link.html", {"form": form})
    return too_many(response, wait) if wait else response


def magic_link_login(request, token):
    """A GET shows a button (mail scanners follow links); the POST logs in."""
    user = magic_link_user(token=token)
    if user is None:
        return render(request, "portal/magic_link_invalid.html", status=400)
    if request.method == "POST":
        auth_login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, "Vous êtes connecté.")
        return redirect(landing_url(user))
    return render(request, "portal/magic_link_confirm.html", {"token": token})


@require_POST
def logout(request):
    auth_logout(request)
    return redirect("portal:home")


def register(request):
    form = RegisterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        user = user_register(email=data["email"], password=data["password"],
                             first_name=data["first_name"], last_name=data["last_name"])
        auth_login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, "Votre compte est créé. Un lien pour vérifier votre adresse "
                                  "vous a été envoyé.")
        return redirect("portal:profile")
    return render(request, "portal/register.html", {"form": form})


def verify_email(request, token):
    user = email_verification_check(token=token)
    if user is None:
        return render(request, "portal/verify_email_invalid.html", status=400)
    messages.success(request, "Votre adresse électronique est vérifiée.")
    return redirect("portal:profile" if request.user.is_authenticated else "portal:login")


@login_required
@require_POST
def resend_verification(request):
    email_verification_send(user=request.user)
    messages.success(request, "Un nouveau lien de vérification vous a été envoyé.")
    return redirect("portal:profile")


@login_required
def profile(request):
    profile = profile_for(request.user)
    form = ProfileForm(request.POST or None, instance=profile,
                       initial={"first_name": request.user.first_name,
                                "last_name": request.user.last_name})
    if request.method == "POST" and form.is_valid():
        form.save()
        request.user.first_name = form.cleaned_data["first_name"]
        request.user.last_name = form.cleaned_data["last_name"]
        request.user.save(update_fields=["first_name", "last_name"])
        messages.success(request, "Votre profil est enregistré.")
        return redirect("portal:profile")
    from guichet.accounts.two_factor import has_second_factor

    return render(request, "portal/profile.html", {"form": form,
                                                   "has_2fa": has_second_factor(request.user)})


password_reset = auth_views.PasswordResetView.as_view(
    form_class=PasswordResetForm, template_name="portal/password_reset.html",
    success_url=reverse_lazy("portal:password_reset_done"),
)
password_reset_done = auth_views.PasswordResetDoneView.as_view(
    template_name="portal/password_reset_done.html")
password_reset_confirm = auth_views.PasswordResetConfirmView.as_view(
    form_class=SetPasswordForm, template_name="portal/password_reset_confirm.html",
    success_url=reverse_lazy("portal:login"), post_reset_login=False,
)
