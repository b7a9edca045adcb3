"""Statistics for managers, directions, elected officials and administrators; the inbox's
background exports."""

from __future__ import annotations

import io
from functools import wraps
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from guichet.journal.models import Entry
from guichet.journal.services import journal_record
from guichet.lib.spreadsheets import CONTENT_TYPES, WRITERS
from guichet.stats import charts, tables
from guichet.stats.models import InboxExport
from guichet.stats.selectors import (
    HIDDEN,
    MIN_CELL,
    current_month,
    dashboard,
    parse_month,
    recent_months,
    stats_scope,
)
from guichet.stats.services import StatsError, inbox_export_request

from .views import agent_required, posted_id


def stats_viewer_required(view):
    """Managers, administrators and those given access to a collectivité's statistics."""

    @wraps(view)
    @login_required
    def wrapper(request, *args, **kwargs):
        if not stats_scope(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def _selection(request):
    """The units, the month and the month compared, read from the query string; a value the
    user may not choose is ignored (never an error)."""
    scope = stats_scope(request.user)
    unit_id = posted_id(request.GET.get("service"))
    unit_ids = {unit_id} if unit_id in scope.units else scope.unit_ids
    period = parse_month(request.GET.get("mois")) or current_month()
    compare = parse_month(request.GET.get("comparer")) or period.previous()
    return scope, (unit_id if unit_id in scope.units else None), unit_ids, period, compare


def _inbox_link(filters: dict | None) -> str | None:
    if filters is None:
        return None
    return reverse("backoffice:inbox") + "?" + urlencode(filters)


def _links(data: dict) -> None:
    for figure in data["key_figures"]:
        figure["url"] = _inbox_link(figure["drill"])
    for lines in data["breakdowns"].values():
        for line in lines:
            line.url = _inbox_link(line.drill)
    for line in data["overdue_by_unit"]:
        line["url"] = _inbox_link(line["drill"])
    data["overdue_url"] = _inbox_link(data["overdue_drill"])
    data["backlog_url"] = _inbox_link(data["backlog_drill"])


@stats_viewer_required
def stats_dashboard(request):
    scope, unit_id, unit_ids, period, compare = _selection(request)
    data = dashboard(scope=scope, unit_ids=unit_ids, period=period, compare=compare)
    _links(data)
    months = recent_months(24)
    query = request.GET.copy()
    query.pop("page", None)
    history = data["last_year"]
    charts_data = {
        "trend": charts.columns([(line["period"].label[:4] + ". " + str(line["period"].start.year)
                                  [2:], line["created"] if line["created"] >= MIN_CELL or not
                                  line["created"] else 0) for line in history],
                                pairs=[line["year_before"] if line["year_before"] >= MIN_CELL
                                       else 0 for line in history]),
        "backlog": charts.rows([(b["label"], b["count"]) for b in data["backlog"]]),
        "channel": charts.rows([(line.label, line.agg.created) for line in
                                data["breakdowns"]["channel"] if not line.hidden]),
        "unit": charts.rows([(line.label, line.agg.created) for line in
                             data["breakdowns"]["unit"] if not line.hidden][:12]),
        "satisfaction": charts.rows([
            (line.label, round(100 * line.satisfied_share)) for line in
            (data["satisfaction"] or {}).get("by_unit", []) if not line.hidden][:12]),
    }
    return render(request, "backoffice/stats/dashboard.html", {
        **data, "charts": charts_data, "scope": scope, "unit_id": unit_id,
        "units": list(scope.units.values()), "months": months, "hidden_label": HIDDEN,
        "min_cell": MIN_CELL, "query": query.urlencode(), "tables": tables,
        "previous": period.previous(), "year_before": period.year_before(),
        "formats": [("csv", "CSV"), ("xlsx", "XLSX"), ("ods", "ODS")],
    })


@stats_viewer_required
def stats_table_export(request, name, fmt):
    """One table of the page, in the format asked, with the page's selection."""
    if name not in tables.TABLES or fmt not in WRITERS:
        raise Http404
    scope, _, unit_ids, period, compare = _selection(request)
    data = dashboard(scope=scope, unit_ids=unit_ids, period=period, compare=compare)
    title, rows = tables.table(name, data)
    buffer = io.StringIO() if fmt == "csv" else io.BytesIO()
    WRITERS[fmt](rows, buffer, sheet=title)
    content = buffer.getvalue()
    response = HttpResponse(content.encode() if isinstance(content, str) else content,
                            content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = (
        f'attachment; filename="statistiques-{name}-{period.code}.{fmt}"')
    return response


# The inbox's exports --------------------------------------------------------------------------

EXPORTED_FILTERS = ("unit", "status", "channel", "kind", "category", "commune", "to_place",
                    "assignee", "received_from", "received_to")


@agent_required
@require_POST
def inbox_export(request):
    """Queue an export of the inbox list with the filters it was showing."""
    from guichet.organisations.models import Organisation, Unit
    from guichet.reports.services import reportable_categories

    from . import forms
    from .inbox import TAB_CODES
    from .views import agent_unit_ids

    units = list(Unit.objects.filter(pk__in=agent_unit_ids(request.user))
                 .select_related("organisation"))
    from django.contrib.auth import get_user_model

    agents = get_user_model().objects.filter(memberships__unit__in=units).distinct()
    communes = Organisation.objects.filter(kind=Organisation.Kind.COMMUNE)
    form = forms.InboxFilterForm(request.POST, units=units, agents=agents,
                                 categories=reportable_categories(), communes=communes)
    filters = {}
    if form.is_valid():
        for key in EXPORTED_FILTERS:
            value = form.cleaned_data.get(key)
            if value not in (None, "", False):
                filters[key] = value.isoformat() if hasattr(value, "isoformat") else value
    tab = request.POST.get("onglet", "open")
    tab = tab if tab in TAB_CODES else "open"
    try:
        inbox_export_request(filters=filters, tab=tab, fmt=request.POST.get("fmt", ""),
                             description=_describe(form, filters, tab), acting_user=request.user)
    except StatsError as error:
        messages.error(request, str(error))
        return redirect("backoffice:inbox")
    messages.success(request, "L'export est en préparation ; il apparaît ci-dessous dès qu'il "
                              "est prêt (rechargez la page).")
    return redirect("backoffice:inbox_exports")


def _describe(form, filters: dict, tab: str) -> str:
    from .inbox import TABS

    parts = [next(t.label for t in TABS if t.code == tab)]
    for key, value in filters.items():
        field = form.fields[key]
        choices = dict(getattr(field, "choices", []) or [])
        shown = choices.get(value, choices.get(str(value), value))
        parts.append(f"{field.label} : {'oui' if value is True else shown}")
    return " ; ".join(str(p) for p in parts)


@agent_required
def inbox_exports(request):
    items = InboxExport.objects.filter(requested_by=request.user)
    page = Paginator(items, 30).get_page(request.GET.get("page"))
    return render(request, "backoffice/stats/inbox_exports.html", {"page": page})


@agent_required
def inbox_export_file(request, key):
    """The file, for its requester only, until it expires."""
    export = get_object_or_404(InboxExport, key=key, requested_by=request.user)
    if not export.is_available() or not export.file:
        raise Http404
    journal_record(actor=request.user, action=Entry.Action.CASE_VIEWED,
                   inbox_export=export.pk, downloaded=True)
    return FileResponse(export.file.open("rb"), as_attachment=True,
                        filename=f"demandes-{export.created_at:%Y%m%d-%H%M}.{export.fmt}",
                        content_type=CONTENT_TYPES[export.fmt])
