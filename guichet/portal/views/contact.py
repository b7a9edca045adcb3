"""The contact journey: choose a collectivité, a unit or an official, write, get a receipt."""

from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render

from guichet.cases.models import Case
from guichet.cases.services import sla_promise
from guichet.contact.services import contact_submit
from guichet.lib.ratelimit import form_throttled, too_many
from guichet.organisations.models import ElectedOfficial, Organisation, Unit
from guichet.organisations.selectors import organisations_for_portal

from ..forms import ContactForm

SESSION_CASES = "followed_cases"


def remember_case(request, case: Case) -> None:
    """Let this browser follow the case (and download its files) without an account."""
    tokens = request.session.get(SESSION_CASES, [])
    if case.token not in tokens:
        request.session[SESSION_CASES] = [*tokens[-49:], case.token]


def directory(request):
    """Every collectivité of the territory, to choose whom to write to."""
    return render(request, "portal/contact.html", directory_context())


def directory_context() -> dict:
    organisations = list(organisations_for_portal())
    return {"epcis": [org for org in organisations if org.kind == Organisation.Kind.EPCI],
            "communes": [org for org in organisations if org.kind == Organisation.Kind.COMMUNE]}


def organisation(request, org_slug):
    org = get_object_or_404(organisations_for_portal(), slug=org_slug)
    return render(request, "portal/organisation.html", {"org": org})


def _contact(request, *, org, unit=None, official=None):
    form = ContactForm(request.POST or None, request.FILES or None, user=request.user)
    wait = None if request.user.is_authenticated else form_throttled(request, form,
                                                                     name="contact")
    if request.method == "POST" and not wait and form.is_valid():
        data = form.cleaned_data
        signed_in = request.user.is_authenticated
        case = contact_submit(
            unit=unit, official=official, subject=data["subject"], message=data["message"],
            requester=request.user if signed_in else None, name=data["name"],
            email=data.get("email", ""), phone=data["phone"], files=data["attachments"],
        )
        remember_case(request, case)
        return redirect("portal:confirmation", token=case.token)
    files_lost = request.method == "POST" and bool(request.FILES) and not form.is_valid()
    response = render(request, "portal/contact_form.html", {
        "form": form, "org": org, "unit": unit, "official": official, "files_lost": files_lost,
        "recipient": official.full_name if official else unit.name,
        "promise": sla_promise(unit=official.handling_unit if official else unit),
    })
    return too_many(response, wait) if wait else response


def contact_unit(request, org_slug, unit_slug):
    unit = get_object_or_404(Unit.objects.select_related("organisation"),
                             organisation__slug=org_slug, organisation__is_active=True,
                             slug=unit_slug, is_active=True, is_contactable=True)
    return _contact(request, org=unit.organisation, unit=unit)


def contact_official(request, org_slug, official_id):
    official = get_object_or_404(
        ElectedOfficial.objects.select_related("organisation", "handling_unit"),
        pk=official_id, organisation__slug=org_slug, is_contactable=True,
    )
    return _contact(request, org=official.organisation, official=official)


def confirmation(request, token):
    case = get_object_or_404(Case.objects.select_related("unit", "organisation"), token=token)
    if token not in request.session.get(SESSION_CASES, []) and not (
        request.user.is_authenticated and case.requester_id == request.user.pk
    ):
        raise Http404
    return render(request, "portal/confirmation.html", {
        "case": case, "state": case.resident_state()})
