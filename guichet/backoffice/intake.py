"""Reception: record a phone call, a counter visit or a letter as a case for the right unit,
for a resident found by a name heard on the phone, with a printable receipt or letter."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from guichet.accounts.models import User
from guichet.cases.models import Channel
from guichet.cases.selectors import agent_can_handle, agent_unit_ids, cases_for_receipt
from guichet.cases.services import CaseError
from guichet.intake.people import people_search
from guichet.intake.services import intake_record
from guichet.journal.models import Entry
from guichet.journal.services import journal_record
from guichet.lib.downloads import bytes_response
from guichet.lib.forms import Form
from guichet.lib.phones import PhoneField
from guichet.organisations.models import Unit
from guichet.portal.forms import AttachmentsMixin, attachments_field
from guichet.portal.receipt import receipt_pdf_bytes
from guichet.procedures import definition as definitions

from .views import agent_required


def _units(user):
    mine = Unit.objects.filter(pk__in=agent_unit_ids(user)).select_related("organisation")
    orgs = {org.pk for unit in mine for org in unit.organisation.territory()}
    return Unit.objects.filter(organisation_id__in=orgs, is_active=True).select_related(
        "organisation").order_by("organisation__name", "name")


class IntakeForm(AttachmentsMixin, Form):
    channel = forms.ChoiceField(label="Reçue par", widget=forms.RadioSelect, choices=[
        (Channel.PHONE, "Téléphone"), (Channel.COUNTER, "Accueil physique"),
        (Channel.MAIL, "Courrier")])
    unit = forms.TypedChoiceField(label="Service chargé de la demande", coerce=int)
    subject = forms.CharField(label="Objet", max_length=200)
    message = forms.CharField(label="Ce que demande l'usager", max_length=10000,
                              widget=forms.Textarea(attrs={"rows": 5}))
    attachments = attachments_field("Scan du courrier ou pièces")
    name = forms.CharField(label="Prénom et nom de l'usager", max_length=200)
    email = forms.EmailField(label="Adresse électronique", required=False,
                             help_text="Pour lui envoyer l'accusé d'enregistrement.")
    phone = PhoneField(label="Téléphone", max_length=30, required=False)
    address = forms.CharField(label="Adresse postale", max_length=250, required=False,
                              help_text="Pour un courrier.")
    create_account = forms.BooleanField(
        label="Créer un compte à cette adresse électronique (l'usager choisira son mot de "
              "passe par le lien « mot de passe oublié »)", required=False)
    answered_now = forms.CharField(
        label="Réponse donnée immédiatement", required=False, max_length=10000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Si vous avez répondu sur-le-champ : la demande est enregistrée comme "
                  "résolue.")

    def __init__(self, *args, units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [("", "—")] + [
            (u.pk, f"{u.name} ({u.organisation.name})") for u in units]


@agent_required
def intake(request):
    units = list(_units(request.user))
    query = request.GET.get("q", "").strip()
    found = people_search(query) if query else []
    initial = {"channel": Channel.PHONE}
    resident = None
    if request.GET.get("compte", "").isdigit():
        resident = User.objects.filter(pk=request.GET["compte"], is_active=True).select_related(
            "profile").first()
        if resident is not None:
            profile = getattr(resident, "profile", None)
            initial.update(name=resident.get_full_name(), email=resident.email,
                           phone=profile.phone if profile else "",
                           address=profile.postal_address if profile else "")
    for key in ("name", "email", "phone"):
        if request.GET.get(key):
            initial[key] = request.GET[key]
    form = IntakeForm(request.POST or None, request.FILES or None, units=units,
                      initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if request.POST.get("compte", "").isdigit():
            resident = User.objects.filter(pk=request.POST["compte"], is_active=True).first()
        unit = next(u for u in units if u.pk == data["unit"])
        try:
            case = intake_record(
                agent=request.user, unit=unit, channel=data["channel"],
                subject=data["subject"], message=data["message"], name=data["name"],
                email=data["email"], phone=data["phone"], address=data["address"],
                resident=resident, create_account=data["create_account"],
                files=data["attachments"], answered_now=data["answered_now"])
        except CaseError as exc:
            form.add_error(None, str(exc))
        else:
            # Reception often files for a unit it cannot see (another service, another
            # collectivité): the confirmation page is theirs whatever the unit.
            return redirect("backoffice:intake_done", reference=case.reference)
    from guichet.procedures.selectors import procedures_open

    return render(request, "backoffice/intake.html", {
        "form": form, "query": query, "found": found, "resident": resident,
        "procedures": procedures_open().select_related("organisation") if resident else []})


@agent_required
@require_POST
def procedure_on_behalf(request):
    """Start a procedure for the resident on the phone or at the counter; the agent fills the
    same steps as the resident would, and the file is the resident's."""

    from guichet.procedures.selectors import procedures_open
    from guichet.procedures.services import ProcedureError, submission_start

    resident = get_object_or_404(User, pk=request.POST.get("compte") or 0, is_active=True)
    procedure = get_object_or_404(procedures_open(), pk=request.POST.get("demarche") or 0)
    try:
        submission = submission_start(procedure=procedure, user=resident, agent=request.user,
                                      channel=request.POST.get("canal", ""))
    except ProcedureError as exc:
        messages.error(request, str(exc))
        return redirect(f"{reverse('backoffice:intake')}?compte={resident.pk}")
    journal_record(actor=request.user, action=Entry.Action.CASE_UPDATED, person=resident,
                   procedure_started_for=procedure.pk)
    first = definitions.visible_pages(submission.definition, submission.answers)[0]
    return redirect("portal:submission_step", token=submission.token, index=first)


def _receipt_case(request, reference):
    """A case of the agent's units, or one they recorded themselves; otherwise a 404 (never a
    hint that it exists elsewhere)."""
    return get_object_or_404(
        cases_for_receipt(request.user).select_related("unit", "organisation",
                                                       "requester__profile"),
        reference=reference)


def _back_url(request, case) -> str:
    """The case page when the agent handles it, else the confirmation of what they recorded."""
    if agent_can_handle(request.user, case):
        return case.get_backoffice_url()
    return reverse("backoffice:intake_done", args=[case.reference])


@agent_required
def intake_done(request, reference):
    """Where reception lands after recording a request: the reference to read out, the receipt
    to print or send, and the case itself when it went to one of the agent's own units."""
    case = _receipt_case(request, reference)
    return render(request, "backoffice/intake_done.html", {
        "case": case, "can_handle": agent_can_handle(request.user, case)})


@agent_required
def case_receipt(request, reference):
    """The registration receipt to print and hand over at the counter."""
    case = _receipt_case(request, reference)
    return bytes_response(receipt_pdf_bytes(case), content_type="application/pdf",
                          filename=f"accuse-{case.reference}.pdf")


@agent_required
def case_letter(request, reference):
    """The receipt as a letter, for a request that came by mail."""
    case = _receipt_case(request, reference)
    return render(request, "backoffice/receipt_letter.html", {
        "case": case, "back_url": _back_url(request, case)})
