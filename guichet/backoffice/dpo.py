"""The DPO's pages: the register of processing activities (RGPD art. 30) and its exports, the
people search and one person's access history from the journal (who saw what, when) with its
export, and a rights request received at the counter or by letter. Every page is journaled."""

from __future__ import annotations

import io
from functools import wraps
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from guichet.cases.models import Channel
from guichet.cases.services import CaseError
from guichet.journal.models import Entry
from guichet.journal.services import journal_record
from guichet.lib.forms import Form
from guichet.lib.spreadsheets import CONTENT_TYPES, WRITERS
from guichet.privacy.dpo import (
    details_text,
    dpo_can_see_person,
    dpo_organisations,
    history_rows,
    is_dpo,
    people_for_dpo,
    person_history,
)
from guichet.privacy.register import register_for, register_rows
from guichet.privacy.rights import RIGHTS, privacy_request_create

FORMATS = [("csv", "CSV"), ("xlsx", "XLSX"), ("ods", "ODS")]


def dpo_required(view):
    """The data protection officer only (the DPO role of a unit); anyone else: 403."""

    @wraps(view)
    @login_required
    def wrapper(request, *args, **kwargs):
        if not is_dpo(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def _spreadsheet(rows, fmt: str, *, sheet: str, filename: str) -> HttpResponse:
    buffer = io.StringIO() if fmt == "csv" else io.BytesIO()
    WRITERS[fmt](rows, buffer, sheet=sheet)
    content = buffer.getvalue()
    response = HttpResponse(content.encode() if isinstance(content, str) else content,
                            content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response


def _chosen_organisation(request):
    orgs = list(dpo_organisations(request.user))
    slug = request.GET.get("collectivite", "")
    chosen = next((o for o in orgs if o.slug == slug), orgs[0] if orgs else None)
    if chosen is None:
        raise Http404
    return orgs, chosen


@dpo_required
def dpo_register(request):
    """The register of one of the DPO's collectivités; `?imprimer=1` is the printable copy."""
    orgs, org = _chosen_organisation(request)
    register = register_for(org)
    journal_record(actor=request.user, action=Entry.Action.JOURNAL_VIEWED,
                   register=org.slug)
    return render(request, "backoffice/dpo/register.html", {
        "register": register, "organisations": orgs, "org": org, "formats": FORMATS,
        "printable": bool(request.GET.get("imprimer"))})


@dpo_required
def dpo_register_export(request, org_slug, fmt):
    if fmt not in WRITERS:
        raise Http404
    org = get_object_or_404(dpo_organisations(request.user), slug=org_slug)
    register = register_for(org)
    return _spreadsheet(register_rows(register), fmt, sheet="Registre des traitements",
                        filename=f"registre-des-traitements-{org.slug}")


class PeopleSearchForm(Form):
    q = forms.CharField(label="Adresse électronique ou nom de la personne", max_length=150,
                        min_length=2, error_messages={
                            "required": "Saisissez une adresse ou un nom.",
                            "min_length": "Saisissez au moins 2 caractères."})


@dpo_required
def dpo_people(request):
    form = PeopleSearchForm(request.GET if "q" in request.GET else None)
    page = None
    if form.is_valid():
        query = form.cleaned_data["q"]
        page = Paginator(people_for_dpo(request.user, query), 25).get_page(
            request.GET.get("page"))
        journal_record(actor=request.user, action=Entry.Action.JOURNAL_VIEWED,
                       people_search=query)
    return render(request, "backoffice/dpo/people.html", {
        "form": form, "page": page,
        "querystring": urlencode({"q": request.GET.get("q", "")}) if page else ""})


def _person(request, user_id):
    person = get_object_or_404(get_user_model(), pk=user_id)
    if not dpo_can_see_person(request.user, person):
        raise Http404
    return person


@dpo_required
def dpo_person(request, user_id):
    """Every access to and action on this person's data in the journal, newest first."""
    person = _person(request, user_id)
    # Journaled first, so that the page counts and lists the same entries (this one too).
    journal_record(actor=request.user, action=Entry.Action.JOURNAL_VIEWED, person=person)
    page = Paginator(person_history(request.user, person), 50).get_page(
        request.GET.get("page"))
    for entry in page.object_list:
        entry.details_text = details_text(entry.details)
    from guichet.privacy.models import DataExport

    return render(request, "backoffice/dpo/person.html", {
        "person": person, "page": page, "formats": FORMATS,
        "exports": DataExport.objects.filter(person=person, requested_by=request.user)[:5],
        "export_form": CounterExportForm()})


@dpo_required
def dpo_person_export(request, user_id, fmt):
    if fmt not in WRITERS:
        raise Http404
    person = _person(request, user_id)
    journal_record(actor=request.user, action=Entry.Action.JOURNAL_VIEWED, person=person,
                   export=fmt)
    return _spreadsheet(history_rows(person_history(request.user, person)), fmt,
                        sheet="Historique des accès", filename=f"acces-usager-{person.pk}")


RECEIVED = [(Channel.COUNTER, "Accueil physique"), (Channel.MAIL, "Courrier"),
            (Channel.EMAIL, "Courriel"), (Channel.PHONE, "Téléphone")]


class RightsRequestForm(Form):
    organisation = forms.ChoiceField(label="Collectivité concernée")
    right = forms.ChoiceField(label="Droit exercé", choices=list(RIGHTS.items()),
                              widget=forms.RadioSelect)
    channel = forms.ChoiceField(label="Reçue par", choices=RECEIVED, initial=Channel.COUNTER)
    name = forms.CharField(label="Nom et prénom du demandeur", max_length=200)
    email = forms.EmailField(label="Adresse électronique du demandeur",
                             help_text="La réponse et l'accusé d'enregistrement y sont envoyés.")
    message = forms.CharField(label="Ce que demande la personne", max_length=5000,
                              widget=forms.Textarea(attrs={"rows": 5}))
    identity_checked = forms.BooleanField(
        label="J'ai vérifié l'identité du demandeur (pièce d'identité présentée)",
        error_messages={"required": "Vérifiez l'identité du demandeur avant d'enregistrer."})

    def __init__(self, *args, organisations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].choices = [(str(o.pk), o.name) for o in organisations]


@dpo_required
def dpo_request_add(request):
    """A request to exercise a right received at the counter, by letter or by phone: the DPO
    checks the requester's identity and records it; it becomes a case due within a month."""
    orgs = list(dpo_organisations(request.user))
    form = RightsRequestForm(request.POST or None, organisations=orgs)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        org = next(o for o in orgs if str(o.pk) == data["organisation"])
        person = get_user_model().objects.filter(email__iexact=data["email"]).first()
        try:
            case = privacy_request_create(
                organisation=org, right=data["right"], message=data["message"],
                requester=person, requester_name=data["name"], requester_email=data["email"],
                channel=data["channel"], identity_checked=data["identity_checked"],
                acting_user=request.user)
        except CaseError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"La demande {case.reference} est enregistrée ; elle "
                                      "est due dans le délai légal d'un mois.")
            return redirect(case.get_backoffice_url())
    return render(request, "backoffice/dpo/request_add.html", {"form": form},
                  status=400 if form.errors else 200)


class CounterExportForm(Form):
    identity_checked = forms.BooleanField(
        label="J'ai vérifié l'identité de la personne (pièce d'identité présentée)",
        error_messages={"required": "Vérifiez l'identité de la personne avant de préparer "
                                    "ses données."})


@dpo_required
def dpo_person_data(request, user_id):
    """The « Mes données » archive for someone who asks at the counter: the DPO checks their
    identity, the worker prepares it, and only this DPO downloads it to hand it over."""
    from guichet.privacy.services import PrivacyError, data_export_request

    person = _person(request, user_id)
    form = CounterExportForm(request.POST)
    if form.is_valid():
        try:
            data_export_request(person=person, acting_user=request.user, identity_checked=True)
        except PrivacyError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, "L'archive est en préparation : rechargez la page dans "
                                      "quelques minutes pour la télécharger.")
    else:
        messages.error(request, form.errors["identity_checked"][0])
    return redirect("backoffice:dpo_person", user_id=person.pk)


@dpo_required
def dpo_person_data_download(request, key):
    from guichet.lib.downloads import file_response
    from guichet.privacy.models import DataExport

    export = get_object_or_404(DataExport, key=key, requested_by=request.user)
    if not export.is_available():
        raise Http404
    journal_record(actor=request.user, action=Entry.Action.DATA_EXPORTED, person=export.person,
                   data_export=export.pk, downloaded=True)
    return file_response(export.file.open("rb"), content_type="application/zip",
                         filename=f"donnees-usager-{export.person_id}.zip")
