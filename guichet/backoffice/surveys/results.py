"""Live results of a questionnaire: aggregates per question (one grouped query), charts with
their table and a sentence, filters by channel, place and date, open answers searchable, and
exports in CSV, XLSX and ODS."""

from __future__ import annotations

import io
import tempfile

from django import forms
from django.core.paginator import Paginator
from django.db.models import Sum
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.utils.formats import number_format
from django.utils.text import slugify

from guichet.journal.models import Entry
from guichet.journal.services import journal_record
from guichet.lib.forms import Form
from guichet.lib.spreadsheets import CONTENT_TYPES, WRITERS
from guichet.stats import charts
from guichet.surveys import questions as q
from guichet.surveys.models import Channel
from guichet.surveys.selectors import (
    Filters,
    export_rows,
    open_answers,
    response_counts,
    survey_places,
)
from guichet.surveys.selectors import survey_results as results_of

from . import agent_survey, survey_agent_required

FORMATS = [("csv", "CSV"), ("xlsx", "XLSX"), ("ods", "ODS")]
DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]
OPEN_PER_PAGE = 50


class FilterForm(Form):
    canal = forms.ChoiceField(label="Canal", required=False,
                              choices=[("", "Tous"), *Channel.choices])
    lieu = forms.ChoiceField(label="Lieu (borne)", required=False)
    du = forms.DateField(label="Reçues depuis le", required=False, input_formats=DATE_FORMATS,
                         widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                         error_messages={"invalid": "Indiquez une date, par exemple "
                                                    "01/09/2026."})
    au = forms.DateField(label="Jusqu'au", required=False, input_formats=DATE_FORMATS,
                         widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                         error_messages={"invalid": "Indiquez une date, par exemple "
                                                    "30/09/2026."})
    tardives = forms.BooleanField(label="Compter aussi les réponses tardives (après la "
                                        "clôture)", required=False)

    def __init__(self, *args, places: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lieu"].choices = [("", "Tous"), *[(p, p) for p in places]]
        for name in ("canal", "lieu"):
            self.fields[name].error_messages["invalid_choice"] = (
                "Choisissez une valeur de la liste.")

    def clean(self):
        data = super().clean()
        if data.get("du") and data.get("au") and data["au"] < data["du"]:
            self.add_error("au", "La fin de la période doit suivre son début.")
        return data

    def filters(self) -> Filters:
        """The filters typed, or none when the form is invalid (results stay shown)."""
        if not self.is_bound or not self.is_valid():
            return Filters()
        data = self.cleaned_data
        return Filters(channel=data["canal"], place=data["lieu"], since=data["du"],
                       until=data["au"], include_late=data["tardives"])


def _filter_form(request, survey) -> FilterForm:
    keys = {"canal", "lieu", "du", "au", "tardives"}
    data = request.GET if keys & set(request.GET) else None
    return FilterForm(data, places=survey_places(survey))


def _percent(value: float) -> str:
    return number_format(value, 1) + " %"


def _number(value: float | None) -> str:
    return number_format(value, 2) if value is not None else "—"


def _summary(result, noun="personne") -> str:
    """What the chart shows, in one or two sentences (screen readers and everyone)."""
    n = result.respondents
    if not n:
        return "Aucune réponse à cette question."
    text = f"{n} {noun}{'s' if n > 1 else ''} {'ont' if n > 1 else 'a'} répondu."
    if result.average is not None:
        top = 10 if result.kind == "nps" else q.scale(result.question)[-1] \
            if result.kind == "rating" else None
        text += f" Moyenne : {_number(result.average)}" + (f" sur {top}." if top else ".")
    if result.nps is not None:
        text += f" Score NPS : {number_format(result.nps, 1)}."
    if result.kind == "ranking" and result.bars and result.bars[0].average is not None:
        text += (f" Classé le plus souvent en tête : « {result.bars[0].label} » (rang moyen "
                 f"{_number(result.bars[0].average)}).")
    elif result.bars:
        best = max(result.bars, key=lambda b: b.count)
        if best.count:
            text += f" Réponse la plus fréquente : « {best.label} » ({_percent(best.percent)})."
    return text


def _items(results) -> list[dict]:
    items = []
    for result in results:
        key = result.question["key"]
        item = {"result": result, "key": key, "summary": _summary(result),
                "open": result.kind in q.OPEN_TYPES, "chart": None, "rows": [],
                "id": f"chart-{key}"}
        if result.bars:
            item["chart"] = charts.rows([(b.label, b.count) for b in result.bars])
        for index, (label, bars) in enumerate(result.rows):
            best = max(bars, key=lambda b: b.count) if bars else None
            sentence = (f"« {label} » : réponse la plus fréquente « {best.label} » "
                        f"({_percent(best.percent)})." if best and best.count else
                        f"« {label} » : aucune réponse.")
            item["rows"].append({"label": label, "bars": bars, "id": f"chart-{key}-{index}",
                                 "summary": sentence,
                                 "chart": charts.rows([(b.label, b.count) for b in bars])})
        items.append(item)
    return items


@survey_agent_required
def survey_results(request, pk):
    survey = agent_survey(request, pk)
    form = _filter_form(request, survey)
    filters = form.filters()
    by_channel = response_counts(survey, filters)
    channels = [(label, by_channel.get(code, 0)) for code, label in Channel.choices]
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "backoffice/surveys/results.html", {
        "survey": survey, "form": form, "items": _items(results_of(survey, filters)),
        "total": sum(by_channel.values()), "channels": channels,
        "channels_chart": charts.rows(channels), "query": query.urlencode(),
        "formats": FORMATS}, status=400 if form.errors else 200)


@survey_agent_required
def survey_export(request, pk, fmt):
    """Every response of the filters, one row each, written to a temporary file as the
    rows come (100,000 responses never sit in memory), then streamed."""
    survey = agent_survey(request, pk)
    if fmt not in WRITERS:
        raise Http404
    filters = _filter_form(request, survey).filters()
    handle = tempfile.TemporaryFile()
    rows = export_rows(survey, filters)
    sheet = survey.title[:31] or "Réponses"
    if fmt == "csv":
        text = io.TextIOWrapper(handle, encoding="utf-8", newline="")
        WRITERS[fmt](rows, text, sheet=sheet)
        text.flush()
        text.detach()
    else:
        WRITERS[fmt](rows, handle, sheet=sheet)
    handle.seek(0)
    # The answers may hold what residents wrote about themselves: who took them is recorded.
    journal_record(actor=request.user, action=Entry.Action.CASE_VIEWED, survey=survey.pk,
                   survey_export=fmt)
    return FileResponse(handle, as_attachment=True, content_type=CONTENT_TYPES[fmt],
                        filename=f"reponses-{slugify(survey.title)[:60] or survey.pk}.{fmt}")


@survey_agent_required
def survey_open_answers(request, pk, key):
    """The answers written to one open question, newest first, searchable, 50 a page."""
    survey = agent_survey(request, pk)
    question = next((f for f in q.all_questions(survey.definition)
                     if f["key"] == key and f.get("type") in q.OPEN_TYPES), None)
    if question is None:
        raise Http404
    form = _filter_form(request, survey)
    search = (request.GET.get("recherche") or "").strip()[:200]
    answers = open_answers(survey, key, search=search, filters=form.filters())
    paginator = Paginator(answers, OPEN_PER_PAGE)
    if not search:  # counted from the tallies: one open answer is one item
        paginator.count = form.filters().tallies(survey).filter(question=key).aggregate(
            total=Sum("n"))["total"] or 0
    page = paginator.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "backoffice/surveys/open_answers.html", {
        "survey": survey, "question": question, "form": form, "search": search, "page": page,
        "querystring": query.urlencode()},
        status=400 if form.errors else 200)
