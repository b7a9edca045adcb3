"""Residents and their personal data: each collectivité's register of processing, in plain
words, and the form to exercise a right (access, rectification, erasure, objection)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from guichet.cases.services import CaseError
from guichet.lib.forms import Form
from guichet.organisations.models import Organisation
from guichet.privacy.register import register_for
from guichet.privacy.rights import RIGHTS, privacy_request_create


def organisation_privacy(request, org_slug):
    """What a collectivité does with personal data, processing by processing."""
    org = get_object_or_404(Organisation, slug=org_slug, is_active=True)
    return render(request, "portal/organisation_privacy.html", {
        "org": org, "register": register_for(org)})


class PrivacyRequestForm(Form):
    organisation = forms.ChoiceField(label="Collectivité concernée")
    right = forms.ChoiceField(label="Ce que vous demandez", widget=forms.RadioSelect,
                              choices=[
                                  ("access", "Accéder à mes données (en recevoir une copie)"),
                                  ("rectification", "Faire corriger des données inexactes"),
                                  ("erasure", "Faire effacer mes données"),
                                  ("objection", "M'opposer à un traitement"),
                                  ("restriction", "Faire limiter un traitement")],
                              error_messages={"required": "Choisissez ce que vous demandez."})
    message = forms.CharField(
        label="Votre demande", max_length=5000, widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Précisez les données et le traitement concernés (par exemple : « mon "
                  "adresse dans la demande VF-2026-000123 est erronée, la bonne est… »).",
        error_messages={"required": "Décrivez votre demande."})

    def __init__(self, *args, organisations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].choices = [("", "Choisissez")] + [
            (str(o.pk), o.name) for o in organisations]
        self.fields["organisation"].error_messages["required"] = "Choisissez la collectivité."


@login_required
def privacy_request(request):
    """A signed-in resident exercises a right: a case for the collectivité's DPO, answered
    within one month; it is followed in « Mes demandes » like any other."""
    organisations = list(Organisation.objects.filter(is_active=True).order_by("name"))
    initial = {}
    wanted = request.GET.get("collectivite")
    if wanted:
        initial["organisation"] = next((str(o.pk) for o in organisations if o.slug == wanted),
                                       "")
    if request.GET.get("droit") in RIGHTS:
        initial["right"] = request.GET["droit"]
    form = PrivacyRequestForm(request.POST or None, organisations=organisations,
                              initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        org = next(o for o in organisations if str(o.pk) == data["organisation"])
        try:
            case = privacy_request_create(organisation=org, right=data["right"],
                                          message=data["message"], requester=request.user)
        except CaseError as error:
            form.add_error(None, str(error))
        else:
            due = timezone.localtime(case.resolution_due_at)
            messages.success(request, f"Votre demande {case.reference} est enregistrée. Le "
                                      "délégué à la protection des données vous répond au plus "
                                      f"tard le {due:%d/%m/%Y}.")
            return redirect(case.get_absolute_url())
    return render(request, "portal/privacy_request.html", {"form": form},
                  status=400 if form.errors else 200)


# « Mes données » and deleting the account ---------------------------------------------------

@login_required
def my_data(request):
    """Ask for the archive of everything Guichet holds about me, and download it when the
    worker has prepared it (an email says so)."""
    from guichet.privacy.models import DataExport
    from guichet.privacy.services import EXPORT_DAYS, PrivacyError, data_export_request

    if request.method == "POST":
        try:
            data_export_request(person=request.user, acting_user=request.user)
        except PrivacyError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, "Votre archive est en préparation : vous recevrez un "
                                      "courriel quand elle sera prête (en général en quelques "
                                      "minutes).")
        return redirect("portal:my_data")
    exports = DataExport.objects.filter(person=request.user, requested_by=request.user)[:10]
    return render(request, "portal/my_data.html", {
        "exports": exports, "now": timezone.now(), "days": EXPORT_DAYS})


@login_required
def my_data_download(request, key):
    from guichet.lib.downloads import file_response
    from guichet.privacy.models import DataExport

    export = get_object_or_404(DataExport, key=key, person=request.user,
                               requested_by=request.user)
    if not export.is_available():
        return render(request, "portal/my_data.html", {
            "exports": [export], "now": timezone.now(), "gone": True}, status=410)
    return file_response(export.file.open("rb"), content_type="application/zip",
                         filename=f"mes-donnees-{timezone.localdate():%Y-%m-%d}.zip")


class AccountDeleteForm(Form):
    password = forms.CharField(
        label="Votre mot de passe", strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": "Saisissez votre mot de passe pour confirmer."})
    confirm = forms.BooleanField(
        label="Je comprends que la suppression est définitive.",
        error_messages={"required": "Cochez la case pour confirmer que la suppression est "
                                    "définitive."})

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if not user.has_usable_password():
            del self.fields["password"]

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError("Ce mot de passe n'est pas le bon.")
        return password


DELETE_LINK_MINUTES = 30
DELETE_SALT = "guichet.account-delete"


def _delete_token(user) -> str:
    from django.core import signing

    return signing.dumps({"u": user.pk, "e": user.email}, salt=DELETE_SALT)


def _delete_token_user(token: str):
    from django.contrib.auth import get_user_model
    from django.core import signing

    try:
        data = signing.loads(token, salt=DELETE_SALT, max_age=DELETE_LINK_MINUTES * 60)
    except signing.BadSignature:
        return None
    return get_user_model().objects.filter(pk=data.get("u"), email=data.get("e")).first()


def _deleted(request, plan):
    from django.contrib.auth import logout as auth_logout

    auth_logout(request)
    return render(request, "portal/account_deleted.html", {"plan": plan})


@login_required
def account_delete(request):
    """What deleting my account does, in plain words, then the deletion once I confirm with my
    password (or, for an account without one, with a link sent to my address)."""
    from django.conf import settings
    from django.urls import reverse

    from guichet.lib.ratelimit import form_throttled, too_many
    from guichet.notifications.services import notification_queue
    from guichet.privacy.services import PrivacyError, account_delete, account_deletion_plan

    plan = account_deletion_plan(request.user)
    form = AccountDeleteForm(request.POST or None, user=request.user)
    wait = form_throttled(request, form, name="reauth")
    link_sent = False
    if request.method == "POST" and not plan.refused and not wait and form.is_valid():
        if "password" in form.fields:
            try:
                plan = account_delete(user=request.user, acting_user=request.user)
            except PrivacyError as exc:
                form.add_error(None, str(exc))
            else:
                return _deleted(request, plan)
        else:
            url = settings.SITE_URL + reverse("portal:account_delete_confirm",
                                              args=[_delete_token(request.user)])
            notification_queue(template="account_delete_confirm", recipient=request.user.email,
                               user=request.user, in_app=False, mandatory=True,
                               context={"url": url, "minutes": DELETE_LINK_MINUTES})
            link_sent = True
    response = render(request, "portal/account_delete.html", {
        "plan": plan, "form": form, "link_sent": link_sent},
        status=400 if form.errors and not wait else 200)
    return too_many(response, wait) if wait else response


@login_required
def account_delete_confirm(request, token):
    """The link sent to an account without a password: a GET shows the button (mail scanners
    follow links), the POST deletes — only for the account signed in."""
    from guichet.privacy.services import PrivacyError, account_delete, account_deletion_plan

    user = _delete_token_user(token)
    if user is None or user != request.user:
        return render(request, "portal/account_delete_invalid.html", status=400)
    plan = account_deletion_plan(user)
    if request.method == "POST" and not plan.refused:
        try:
            plan = account_delete(user=user, acting_user=request.user)
        except PrivacyError as exc:
            messages.error(request, str(exc))
        else:
            return _deleted(request, plan)
    return render(request, "portal/account_delete_confirm.html", {"plan": plan})
