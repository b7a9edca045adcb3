"""The agents' back-office: one inbox for the cases of their units, the case page and its
actions, the person page and the DPO's journal. Every action goes through `cases.services`; every
view of personal data is written to the journal."""

from __future__ import annotations

from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.views.decorators.http import require_POST

from guichet.accounts.models import Membership
from guichet.cases import services
from guichet.cases.models import Case, Event, Status
from guichet.cases.selectors import (
    agent_unit_ids,
    case_handler,
    cases_filtered,
    cases_for_agent,
    has_role,
    unit_agents,
)
from guichet.cases.services import CaseError
from guichet.journal.models import Entry
from guichet.journal.services import journal_record
from guichet.notifications.selectors import failing_transports
from guichet.organisations.models import Organisation, Unit
from guichet.reports import services as report_services
from guichet.reports.selectors import map_settings
from guichet.reports.services import reportable_categories

from . import forms
from . import inbox as inbox_module
from .inbox import TAB_CODES, TABS, sort_cases, tab_counts, tab_filters


def agent_required(view):
    """Signed-in members of at least one unit; anyone else gets the French 403 page."""

    @wraps(view)
    @login_required
    def wrapper(request, *args, **kwargs):
        if not agent_unit_ids(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def admin_required(view):
    """Administrators of a collectivité (the settings screens); other agents get the 403."""

    @wraps(view)
    @agent_required
    def wrapper(request, *args, **kwargs):
        if not has_role(request.user, Membership.Role.ADMIN):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def posted_id(value) -> int | None:
    """An id typed into a URL or a form: a positive integer, or None (never a 500)."""
    value = (value or "").strip()
    return int(value) if value.isdigit() and len(value) < 19 else None


def _querystring(params, **changes) -> str:
    query = params.copy()
    for key, value in changes.items():
        query.pop(key, None)
        if value:
            query[key] = value
    return query.urlencode()


def _shown_count(count: int) -> str:
    from django.utils.formats import number_format

    if count > inbox_module.CLOSED_COUNT_CAP:
        return f"plus de {number_format(inbox_module.CLOSED_COUNT_CAP, force_grouping=True)}"
    return str(count)


@agent_required
def inbox(request):
    user = request.user
    units = list(Unit.objects.filter(pk__in=agent_unit_ids(user)).select_related("organisation"))
    agents = get_user_model().objects.filter(
        memberships__unit__in=units, is_active=True).distinct().order_by("last_name", "first_name")
    orgs = {org.pk for unit in units for org in unit.organisation.territory()}
    communes = Organisation.objects.filter(pk__in=orgs, kind=Organisation.Kind.COMMUNE,
                                           boundary__isnull=False).order_by("name")
    form = forms.InboxFilterForm(request.GET or None, units=units, agents=agents,
                                 categories=reportable_categories(), communes=communes)
    filters = form.cleaned_data if form.is_valid() else {}

    cases = cases_filtered(user, filters)

    tab = request.GET.get("onglet", "open")
    tab = tab if tab in TAB_CODES else "open"
    queries = tab_filters(user)
    counts = tab_counts(cases, queries)
    # Finished cases have no deadline left: the most recent come first unless asked otherwise.
    default_sort = "recent" if tab == "closed" else "due"
    listed = sort_cases(cases.filter(queries[tab]), filters.get("sort") or default_sort)
    listed = listed.select_related("unit", "organisation", "assignee", "report")
    per_page = filters.get("per_page") or forms.PER_PAGE_CHOICES[0]
    paginator = Paginator(listed, per_page)
    paginator.count = counts[tab]  # already counted with the tabs, on the same filters
    page = paginator.get_page(request.GET.get("page"))
    from guichet.intake.models import SavedFilter

    return render(request, "backoffice/inbox.html", {
        "form": form, "page": page, "tab": tab, "count_cap": inbox_module.CLOSED_COUNT_CAP,
        "saved_filters": SavedFilter.objects.filter(user=user),
        "tabs": [(t, _shown_count(counts[t.code]),
                  _querystring(request.GET, onglet=t.code, page=""))
                 for t in TABS],
        "querystring": _querystring(request.GET, page=""),
        # Shown to administrators only (the template asks `is_admin` first): one query then.
        "failing_transports": SimpleLazyObject(failing_transports),
    })


def _agent_case(request, reference) -> Case:
    """A case of one of the agent's units, or a 404 (never a hint that it exists elsewhere)."""
    return get_object_or_404(
        cases_for_agent(request.user).select_related("unit", "organisation", "assignee",
                                                     "requester__profile"),
        reference=reference,
    )


def _transfer_units(case: Case):
    orgs = [org.pk for org in case.organisation.territory()]
    return (Unit.objects.filter(organisation_id__in=orgs, is_active=True)
            .exclude(pk=case.unit_id).select_related("organisation"))


def _case_page(request, case: Case, *, status=200, **bound):
    from guichet.intake.services import template_render, templates_for

    agents = list(unit_agents(case.unit).order_by("last_name", "first_name"))
    templates = list(templates_for(case))
    chosen = next((t for t in templates if str(t.pk) == request.GET.get("modele")), None)
    reply_initial = {"body": template_render(template=chosen, case=case, agent=request.user),
                     "template": chosen.pk} if chosen else {}
    page_forms = {
        "reply_form": forms.AgentReplyForm(initial=reply_initial),
        "note_form": forms.NoteForm(),
        "assign_form": forms.AssignForm(agents=agents,
                                        initial={"assignee": case.assignee_id or ""}),
        "transfer_form": forms.TransferForm(units=_transfer_units(case)),
        "status_form": forms.StatusForm(case=case),
        "close_form": forms.CloseForm(),
    }
    report = getattr(case, "report", None) if case.kind == "report" else None
    if report is not None:
        page_forms["field_form"] = forms.FieldStatusForm(units=_transfer_units(case), initial={
            "field_status": report.field_status, "scheduled_for": report.scheduled_for})
        page_forms["close_form"] = forms.ReportCloseForm()
        page_forms["merge_form"] = forms.MergeForm()
        page_forms["place_form"] = forms.PlaceForm(initial={
            "address": report.address,
            "lat": "" if report.needs_placing else f"{report.lat:.6f}",
            "lon": "" if report.needs_placing else f"{report.lon:.6f}"})
    page_forms.update(bound)
    # A closed case shows no action forms: a refusal must still be seen.
    refusals = [error for form in bound.values() for error in form.non_field_errors()]
    events = case.events.select_related("actor").prefetch_related("attachments")
    from guichet.intake.routing import case_suggestions

    return render(request, "backoffice/case.html", {
        "case": case, "events": events, "report": report, "templates": templates,
        "social_first": settings.SOCIAL_FIRST_RESPONSE_HOURS,
        "social_resolution": settings.SOCIAL_RESOLUTION_HOURS,
        "chosen_template": chosen,
        "suggestions": case_suggestions(case),
        "photos": list(report.photos.all()) if report else [],
        "map": map_settings(commune=report.commune) if report else None,
        "handler": case_handler(case), "refusals": refusals,
        "can_take": any(a.pk == request.user.pk for a in agents)
        and case.assignee_id != request.user.pk and case.status != "closed",
        **page_forms,
    }, status=status)


@agent_required
def case(request, reference):
    case = _agent_case(request, reference)
    journal_record(actor=request.user, action=Entry.Action.CASE_VIEWED, case=case,
                   person=case.requester)
    return _case_page(request, case)


def _after_action(request, case: Case):
    """Back to the case page, or to the inbox when the action took the case out of the agent's
    units (a transfer): its page would now be a 404."""
    if cases_for_agent(request.user).filter(pk=case.pk).exists():
        return redirect(case.get_backoffice_url())
    return redirect("backoffice:inbox")


def _transferred_message(case: Case, unit: Unit) -> str:
    where = unit.name
    if unit.organisation_id != case.organisation_id:
        where += f" ({unit.organisation.name})"
    return f"Demande transférée à {where}."


def _case_action(form_class, form_key, success_message):
    """A POST on the case page: bind the form, call the service, redirect; on bad input or a
    refused change, show the page again with the errors and what was typed. `perform` may
    return a message of its own instead of `success_message`."""

    def decorator(perform):
        @agent_required
        @require_POST
        @wraps(perform)
        def view(request, reference):
            case = _agent_case(request, reference)
            form = form_class(request, case)
            if form.is_valid():
                try:
                    done = perform(request, case, form.cleaned_data)
                except CaseError as error:
                    form.add_error(None, str(error))
                else:
                    messages.success(request, done or success_message)
                    return _after_action(request, case)
            return _case_page(request, case, status=400, **{form_key: form})

        return view

    return decorator


@_case_action(lambda r, c: forms.AgentReplyForm(r.POST, r.FILES), "reply_form",
              "Votre réponse a été envoyée à l'usager.")
def case_reply(request, case, data):
    services.case_reply(case=case, agent=request.user, body=data["body"],
                        files=data["attachments"], wait_for_resident=data["wait_for_resident"])
    if data.get("template"):
        from guichet.intake.services import template_used

        template_used(template_id=data["template"])


@_case_action(lambda r, c: forms.NoteForm(r.POST, r.FILES), "note_form",
              "La note interne a été ajoutée.")
def case_note(request, case, data):
    services.case_add_note(case=case, agent=request.user, body=data["note"],
                           files=data["attachments"])


@_case_action(lambda r, c: forms.AssignForm(r.POST, agents=unit_agents(c.unit)), "assign_form",
              "L'attribution a été enregistrée.")
def case_assign(request, case, data):
    assignee = unit_agents(case.unit).get(pk=data["assignee"]) if data["assignee"] else None
    services.case_assign(case=case, assignee=assignee, acting_user=request.user)


@_case_action(lambda r, c: forms.TransferForm(r.POST, units=_transfer_units(c)), "transfer_form",
              "La demande a été transférée.")
def case_transfer(request, case, data):
    unit = Unit.objects.select_related("organisation").get(pk=data["unit"])
    services.case_transfer(case=case, unit=unit, reason=data["reason"],
                           acting_user=request.user)
    return _transferred_message(case, unit)


@_case_action(lambda r, c: forms.StatusForm(r.POST, case=c), "status_form",
              "Le statut a été modifié.")
def case_status(request, case, data):
    services.case_change_status(case=case, status=data["status"], acting_user=request.user,
                       reason=data["reason"])


@_case_action(lambda r, c: forms.CloseForm(r.POST), "close_form",
              "La demande est close ; l'usager en est informé.")
def case_close(request, case, data):
    services.case_close(case=case, acting_user=request.user, message=data["message"])


def _report(case: Case):
    report = getattr(case, "report", None) if case.kind == "report" else None
    if report is None:
        raise Http404
    return report


@_case_action(lambda r, c: forms.FieldStatusForm(r.POST, units=_transfer_units(c)),
              "field_form", "C'est enregistré.")
def case_report_field(request, case, data):
    if data["field_status"] == forms.FieldStatusForm.NOT_OURS:
        unit = Unit.objects.select_related("organisation").get(pk=data["unit"])
        services.case_transfer(case=case, unit=unit, acting_user=request.user,
                               reason="Pas de la compétence de notre service.")
        return _transferred_message(case, unit)
    report_services.report_set_field_status(
        report=_report(case), field_status=data["field_status"],
        scheduled_for=data["scheduled_for"], acting_user=request.user)


@_case_action(lambda r, c: forms.ReportCloseForm(r.POST, r.FILES), "close_form",
              "Le signalement est clos ; l'usager en est informé.")
def case_report_close(request, case, data):
    report_services.report_close(report=_report(case), acting_user=request.user,
                                 message=data["message"], photo=data["photo"])


@_case_action(lambda r, c: forms.MergeForm(r.POST), "merge_form",
              "Le signalement a été fusionné ; ses auteurs suivent désormais l'original.")
def case_report_merge(request, case, data):
    into = cases_for_agent(request.user).filter(
        reference=data["into"].strip().upper(), kind="report").first()
    if into is None:
        raise CaseError("Aucun signalement de vos services ne porte cette référence.")
    report_services.report_merge(report=_report(case), into=into.report,
                                 acting_user=request.user)


@_case_action(lambda r, c: forms.PlaceForm(r.POST), "place_form",
              "Le signalement est placé sur la carte.")
def case_report_place(request, case, data):
    report = _report(case)
    unit_before = case.unit_id
    report_services.report_place(report=report, lat=data["lat"], lon=data["lon"],
                                 address=data.get("address", ""), acting_user=request.user)
    case.refresh_from_db()
    if case.unit_id == unit_before:
        return None
    return (f"Le signalement est placé sur la carte, à {report.commune.name} : il est "
            f"transféré à {case.unit.name} ({case.organisation.name}).")


@agent_required
@require_POST
def case_photo_publish(request, reference, key):
    case = _agent_case(request, reference)
    photo = get_object_or_404(_report(case).photos, key=key)
    publish = request.POST.get("publish") == "1"
    report_services.report_photo_publish(photo=photo, acting_user=request.user,
                                         publish=publish)
    messages.success(request, "La photo est publiée." if publish else "La photo est retirée "
                                                                      "de la page publique.")
    return redirect(case.get_backoffice_url())


@agent_required
def person(request, user_id):
    """Every case of one resident in the agent's units. An agent who has none of their cases
    has no reason to see their details: 404."""
    resident = get_object_or_404(
        get_user_model().objects.select_related("profile"), pk=user_id)
    cases = (cases_for_agent(request.user)
             .filter(Q(requester=resident)
                     | Q(requester__isnull=True, requester_email__iexact=resident.email))
             .select_related("unit", "organisation", "assignee").order_by("-created_at"))
    page = Paginator(cases, 25).get_page(request.GET.get("page"))
    if not page.paginator.count:
        raise Http404
    journal_record(actor=request.user, action=Entry.Action.PERSON_VIEWED, person=resident)
    return render(request, "backoffice/person.html", {"resident": resident, "page": page})


def _dpo_organisations(user) -> list[int]:
    orgs = Organisation.objects.filter(
        units__memberships__user=user, units__memberships__role=Membership.Role.DPO).distinct()
    return sorted({member.pk for org in orgs for member in org.territory()})


@agent_required
def journal(request):
    """The audit journal of the DPO's collectivités: who did or saw what, and when."""
    if not has_role(request.user, Membership.Role.DPO):
        raise PermissionDenied
    orgs = _dpo_organisations(request.user)
    their_agents = Membership.objects.filter(unit__organisation_id__in=orgs).values("user_id")
    entries = Entry.objects.filter(Q(case__organisation_id__in=orgs)
                                   | Q(actor_id__in=their_agents))
    form = forms.JournalFilterForm(request.GET or None, actions=Entry.Action.choices)
    if form.is_valid():
        data = form.cleaned_data
        if data["action"]:
            entries = entries.filter(action=data["action"])
        if data["reference"]:
            entries = entries.filter(case__reference=data["reference"].strip().upper())
        if data["actor"]:
            entries = entries.filter(actor__email__iexact=data["actor"].strip())
    journal_record(actor=request.user, action=Entry.Action.JOURNAL_VIEWED,
                   filters={k: v for k, v in request.GET.items() if k != "page"})
    entries = entries.select_related("actor", "case", "person").order_by("-at", "-id")
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    return render(request, "backoffice/journal.html", {
        "form": form, "page": page, "querystring": _querystring(request.GET, page=""),
        "event_kinds": Event.Kind,
    })


MAX_SELECTION = 200


@agent_required
@require_POST
def bulk_assign(request):
    """Act on the selected cases at once: assign, transfer, change status or close with a
    message. Each goes through its service, which checks it and writes the journal; what is
    refused is listed."""
    references = request.POST.getlist("ref")[:MAX_SELECTION]
    action = request.POST.get("action", "assign")
    if not references:
        messages.error(request, "Sélectionnez au moins une demande.")
        return redirect("backoffice:inbox")
    assignee_id = posted_id(request.POST.get("assignee"))
    assignee = (get_user_model().objects.filter(pk=assignee_id).first()
                if assignee_id else None)
    unit_id = posted_id(request.POST.get("unit"))
    unit = Unit.objects.filter(pk=unit_id).first() if unit_id else None
    done, refused = 0, []
    for case in cases_for_agent(request.user).filter(reference__in=references).select_related(
            "organisation", "unit"):
        try:
            if action == "assign":
                services.case_assign(case=case, assignee=assignee, acting_user=request.user)
            elif action == "transfer":
                if unit is None:
                    raise CaseError("Choisissez le service.")
                services.case_transfer(case=case, unit=unit, acting_user=request.user,
                                       reason=request.POST.get("reason", "").strip()
                                       or "Transfert groupé.")
            elif action == "status":
                services.case_change_status(case=case, status=request.POST.get("status", ""),
                                            acting_user=request.user)
            elif action == "close":
                services.case_close(case=case, acting_user=request.user,
                                    message=request.POST.get("message", ""))
            else:
                raise CaseError("Action inconnue.")
            done += 1
        except (CaseError, ValueError) as error:
            refused.append(f"{case.reference} : {error}")
    if done:
        messages.success(request, f"{done} demande{'s' if done > 1 else ''} traitée"
                                  f"{'s' if done > 1 else ''}.")
    for refusal in refused[:20]:
        messages.error(request, refusal)
    return redirect("backoffice:inbox")


def _agent_reports(request):
    from guichet.reports.models import Report

    return (Report.objects.filter(case__in=cases_for_agent(request.user))
            .select_related("case", "category", "category__parent", "commune"))


@agent_required
def route_sheet(request):
    """A printable list and map of the selected reports, in the order given, for a field
    team."""
    references = request.GET.getlist("ref")[:MAX_SELECTION]
    reports = {r.case.reference: r for r in _agent_reports(request).filter(
        case__reference__in=references)}
    ordered = [reports[ref] for ref in references if ref in reports]
    points = [{"n": i, "lat": r.lat, "lon": r.lon, "ref": r.case.reference}
              for i, r in enumerate(ordered, start=1) if not r.needs_placing]
    return render(request, "backoffice/route_sheet.html", {
        "reports": ordered, "points": points, "skipped": len(references) - len(ordered),
        "map": map_settings(),
    })


@agent_required
def reports_map(request):
    open_reports = _agent_reports(request).filter(is_open=True)
    return render(request, "backoffice/reports_map.html", {
        "map": map_settings(),
        "count": open_reports.count(),
        "to_place": open_reports.filter(lat__isnull=True).count(),
    })


@agent_required
def reports_geojson(request):
    """Open reports of the agent's units, public or not (agents only)."""
    rows = (_agent_reports(request).filter(is_open=True, lat__isnull=False, lon__isnull=False)
            .order_by("-created_at")
            .values_list("case__reference", "lat", "lon", "category__name", "case__status",
                         "address")[:settings.REPORT_MAP_MAX_POINTS])
    labels = dict(Status.choices)
    features = [{"type": "Feature",
                 "geometry": {"type": "Point", "coordinates": [lon, lat]},
                 "properties": {"reference": ref, "categorie": category,
                                "statut": labels[status], "adresse": address,
                                "url": reverse("backoffice:case", args=[ref])}}
                for ref, lat, lon, category, status, address in rows]
    return JsonResponse({"type": "FeatureCollection", "features": features})


@agent_required
@require_POST
def case_accept_suggestion(request, reference):
    """One click: the case goes to the suggested unit, the reason says why."""
    case = _agent_case(request, reference)
    unit = get_object_or_404(_transfer_units(case), pk=posted_id(request.POST.get("unit")))
    try:
        services.case_transfer(case=case, unit=unit, acting_user=request.user,
                               reason="Service suggéré d'après les demandes semblables.")
    except CaseError as error:
        messages.error(request, str(error))
        return redirect(case.get_backoffice_url())
    messages.success(request, _transferred_message(case, unit))
    return redirect("backoffice:inbox")


@agent_required
@require_POST
def case_urgent(request, reference):
    case = _agent_case(request, reference)
    services.case_set_urgent(case=case, urgent=request.POST.get("urgent") == "1",
                             acting_user=request.user)
    return redirect(case.get_backoffice_url())


@agent_required
def search(request):
    from guichet.cases.search import clean_query, search_cases

    query = clean_query(request.GET.get("q", ""))
    results = search_cases(unit_ids=agent_unit_ids(request.user), query=query).select_related(
        "unit", "organisation", "assignee") if query else Case.objects.none()
    page = Paginator(results, 25).get_page(request.GET.get("page"))
    from urllib.parse import urlencode

    return render(request, "backoffice/search.html", {
        "query": query, "page": page, "querystring": urlencode({"q": query})})


@agent_required
@require_POST
def saved_filter_add(request):
    from urllib.parse import urlencode

    from guichet.intake.models import SavedFilter

    name = request.POST.get("name", "").strip()[:100]
    params = {k: v for k, v in request.POST.items() if k not in ("name", "csrfmiddlewaretoken")
              and v}
    if not name:
        messages.error(request, "Donnez un nom au filtre.")
    else:
        SavedFilter.objects.update_or_create(user=request.user, name=name,
                                             defaults={"query": urlencode(params)[:500]})
        messages.success(request, f"Filtre « {name} » enregistré.")
    return redirect(f"{reverse('backoffice:inbox')}?{urlencode(params)}")


@agent_required
@require_POST
def saved_filter_delete(request, pk):
    from guichet.intake.models import SavedFilter

    SavedFilter.objects.filter(user=request.user, pk=pk).delete()
    return redirect("backoffice:inbox")


@agent_required
@require_POST
def case_merge(request, reference):
    case = _agent_case(request, reference)
    into = cases_for_agent(request.user).filter(
        reference=request.POST.get("into", "").strip().upper()).first()
    try:
        if into is None:
            raise CaseError("Aucune demande de vos services ne porte cette référence.")
        services.case_merge(case=case, into=into, acting_user=request.user)
    except CaseError as error:
        messages.error(request, str(error))
        return redirect(case.get_backoffice_url())
    messages.success(request, f"Demande fusionnée dans {into.reference} ; l'usager est "
                              "prévenu.")
    return redirect(into.get_backoffice_url())


@agent_required
@require_POST
def case_split(request, reference):
    case = _agent_case(request, reference)
    event = case.events.filter(pk=posted_id(request.POST.get("event"))).first()
    unit = Unit.objects.filter(pk=posted_id(request.POST.get("unit"))).select_related(
        "organisation").first()
    try:
        if event is None or unit is None:
            raise CaseError("Choisissez le message et le service.")
        new = services.case_split(case=case, event=event, unit=unit,
                                  subject=request.POST.get("subject", "").strip()[:200],
                                  acting_user=request.user)
    except CaseError as error:
        messages.error(request, str(error))
        return redirect(case.get_backoffice_url())
    messages.success(request, f"Nouvelle demande {new.reference} créée.")
    return redirect(case.get_backoffice_url())
