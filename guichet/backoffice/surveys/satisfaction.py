"""Satisfaction after closed cases, for the managers of the units: figures per unit, kind,
channel and month, and the follow-ups that low scores opened."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from guichet.cases.models import Channel
from guichet.lib.forms import Form
from guichet.stats import charts
from guichet.stats.selectors import kind_label
from guichet.surveys import services
from guichet.surveys.models import SatisfactionRequest
from guichet.surveys.selectors import (
    managed_units,
    satisfaction_figures,
    satisfaction_follow_ups,
)

from ..views import posted_id
from . import manager_required

PER_PAGE = 20


class FollowUpForm(Form):
    note = forms.CharField(label="Ce qui a été fait", max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 3}),
                           help_text="Par exemple : usager rappelé le 3 décembre, cause "
                                     "corrigée.",
                           error_messages={"required": "Écrivez ce qui a été fait."})


def _lines(rows, label):
    """Table lines with the response rate and the mean, formatted once."""
    lines = []
    for row in rows:
        asked, answered = row["asked"], row["answered"]
        lines.append({"label": label(row), "asked": asked, "answered": answered,
                      "rate": round(100 * answered / asked, 1) if asked else None,
                      "mean": row["mean"], "low": row["low"]})
    return lines


def _page(request, *, bound: dict | None = None, status=200):
    units = list(managed_units(request.user))
    unit_id = posted_id(request.GET.get("service"))
    chosen = [u for u in units if u.pk == unit_id] or units
    figures = satisfaction_figures(chosen)
    channels = dict(Channel.choices)
    tables = {
        "unit": _lines(figures["unit"], lambda r: r["unit__name"]),
        "kind": _lines(figures["kind"], lambda r: kind_label(r["kind"])),
        "channel": _lines(figures["channel"], lambda r: channels.get(r["channel"],
                                                                     r["channel"])),
        "month": _lines(figures["month"], lambda r: r["month"]),
    }
    months = list(reversed(tables["month"][:12]))
    page = Paginator(satisfaction_follow_ups(chosen), PER_PAGE).get_page(
        request.GET.get("page"))
    bound = bound or {}
    follow_ups = [(item, services.SCORES.get(item.score, ""),
                   bound.get(item.pk) or FollowUpForm(prefix=f"suivi-{item.pk}"))
                  for item in page.object_list]
    return render(request, "backoffice/surveys/satisfaction.html", {
        "units": units, "unit_id": unit_id if len(chosen) == 1 and unit_id else None,
        "tables": tables, "page": page, "follow_ups": follow_ups,
        "months_chart": charts.columns([(f"{m['label']:%m/%y}", m["answered"])
                                        for m in months]),
        "querystring": f"service={unit_id}" if unit_id else ""}, status=status)


@manager_required
def satisfaction(request):
    return _page(request)


@manager_required
@require_POST
def satisfaction_follow_up(request, pk):
    item = get_object_or_404(SatisfactionRequest.objects.select_related("case"), pk=pk,
                             unit__in=managed_units(request.user))
    form = FollowUpForm(request.POST, prefix=f"suivi-{item.pk}")
    if form.is_valid():
        try:
            services.satisfaction_follow_up_done(request=item, note=form.cleaned_data["note"],
                                                 acting_user=request.user)
        except services.SurveyError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, f"Le suivi de la demande {item.case.reference} est "
                                      "enregistré.")
        return redirect("backoffice:satisfaction")
    return _page(request, bound={item.pk: form}, status=400)
