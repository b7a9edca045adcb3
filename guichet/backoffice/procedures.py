"""Instructing procedure files: the file page (answers, documents, private annotations, the
workflow's actions) and the list of a procedure's files with filters and exports."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from guichet.cases.services import CaseError, case_set_due
from guichet.journal.models import Entry
from guichet.journal.services import journal_record
from guichet.lib.downloads import file_response
from guichet.lib.forms import Form
from guichet.procedures import definition as definitions
from guichet.procedures.fields import DISPLAY_ONLY, display
from guichet.procedures.models import Export, Submission, SubmissionFile
from guichet.procedures.selectors import (
    procedures_for_agent,
    submissions_filtered,
    submissions_for_agent,
)
from guichet.procedures.services import (
    ProcedureError,
    allowed_transitions,
    export_request,
    submission_annotate,
    submission_decide,
    submission_file_verify,
    submission_request_documents,
    submission_take,
)

from .views import agent_required


class TransitionForm(Form):
    code = forms.CharField(widget=forms.HiddenInput)
    message = forms.CharField(label="Message à l'usager", required=False, max_length=5000,
                              widget=forms.Textarea(attrs={"rows": 3}))


class RequestDocumentsForm(Form):
    documents = forms.CharField(label="Pièces manquantes (une par ligne)", max_length=3000,
                                widget=forms.Textarea(attrs={"rows": 3}))
    due_on = forms.DateField(label="À fournir avant le", input_formats=["%Y-%m-%d", "%d/%m/%Y"],
                             widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                             error_messages={"invalid": "Saisissez une date, par exemple "
                                             "31/12/2026."})
    message = forms.CharField(label="Message à l'usager", required=False, max_length=5000,
                              widget=forms.Textarea(attrs={"rows": 3}))

    def clean_documents(self):
        return [line.strip() for line in self.cleaned_data["documents"].splitlines()
                if line.strip()]


class DeadlineForm(Form):
    due_on = forms.DateField(label="Traiter le dossier avant le",
                             input_formats=["%Y-%m-%d", "%d/%m/%Y"],
                             widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                             error_messages={"invalid": "Saisissez une date, par exemple "
                                             "31/12/2026."})
    reason = forms.CharField(label="Pourquoi (visible par l'usager)", required=False,
                             max_length=300)


class DecisionForm(Form):
    code = forms.ChoiceField(label="Décision", widget=forms.RadioSelect, choices=[
        ("accept", "Accepter"), ("reject", "Refuser"), ("close", "Classer sans suite")])
    reason = forms.CharField(label="Motif (figure sur la décision)", required=False,
                             max_length=5000, widget=forms.Textarea(attrs={"rows": 4}))


def _agent_submission(request, reference) -> Submission:
    return get_object_or_404(
        submissions_for_agent(request.user).select_related(
            "procedure", "version", "case__unit", "case__organisation", "case__assignee"),
        case__reference=reference)


def _sections(submission: Submission) -> list[dict]:
    answers = submission.answers
    sections = []
    for page in definitions.pages(submission.definition):
        rows = [{"label": f["label"], "value": display(f, answers.get(f["key"]))}
                for f in page.get("fields", [])
                if f.get("type") not in DISPLAY_ONLY | {"file"} and f["key"] in answers]
        if rows:
            sections.append({"title": page.get("title", ""), "rows": rows})
    return sections


def _page(request, submission, *, status=200, **forms_bound):
    transitions = allowed_transitions(submission, request.user)
    codes = dict(transitions)
    files = SubmissionFile.objects.filter(submission=submission).select_related(
        "vault_document", "verified_by")
    slots = {d["key"]: d["label"] for d in submission.definition.get("documents", [])}
    slots.update({f["key"]: f["label"] for f in definitions.all_fields(submission.definition)})
    annotation_fields = submission.procedure.definition.get("annotations", [])
    return render(request, "backoffice/submission.html", {
        "submission": submission, "case": submission.case, "sections": _sections(submission),
        "files": [{"item": item, "label": slots.get(item.slot, item.slot)} for item in files],
        "simple": [(code, label) for code, label in transitions
                   if code in ("review", "resume")],
        "can_request": "request_documents" in codes,
        "can_decide": bool({"accept", "reject", "close"} & set(codes)),
        "request_form": forms_bound.get("request_form") or RequestDocumentsForm(initial={
            "due_on": timezone.localdate() + dt.timedelta(days=15)}),
        "decision_form": forms_bound.get("decision_form") or DecisionForm(),
        "deadline_form": forms_bound.get("deadline_form") or DeadlineForm(prefix="echeance"),
        "error": forms_bound.get("error", ""),
        "annotation_fields": [{"key": f["key"], "label": f["label"],
                               "value": submission.annotations.get(f["key"], "")}
                              for f in annotation_fields],
    }, status=status)


@agent_required
def submission(request, reference):
    item = _agent_submission(request, reference)
    journal_record(actor=request.user, action=Entry.Action.CASE_VIEWED, case=item.case,
                   person=item.case.requester)
    return _page(request, item)


@agent_required
@require_POST
def submission_action(request, reference):
    item = _agent_submission(request, reference)
    kind = request.POST.get("form")
    try:
        if kind == "request":
            form = RequestDocumentsForm(request.POST)
            if not form.is_valid():
                return _page(request, item, status=400, request_form=form)
            submission_request_documents(submission=item, agent=request.user,
                                         documents=form.cleaned_data["documents"],
                                         due_on=form.cleaned_data["due_on"],
                                         message=form.cleaned_data["message"])
            messages.success(request, "La demande de pièces a été envoyée à l'usager.")
        elif kind == "decision":
            form = DecisionForm(request.POST)
            if not form.is_valid():
                return _page(request, item, status=400, decision_form=form)
            submission_decide(submission=item, agent=request.user,
                              code=form.cleaned_data["code"], reason=form.cleaned_data["reason"])
            messages.success(request, "La décision a été enregistrée et envoyée à l'usager.")
        elif kind == "deadline":
            form = DeadlineForm(request.POST, prefix="echeance")
            if not form.is_valid():
                return _page(request, item, status=400, deadline_form=form)
            due = dt.datetime.combine(form.cleaned_data["due_on"], dt.time(17, 30),
                                      tzinfo=timezone.get_current_timezone())
            case_set_due(case=item.case, due_at=due, acting_user=request.user,
                         reason=form.cleaned_data["reason"])
            messages.success(request, "L'échéance du dossier est fixée.")
        elif kind == "annotations":
            keys = [f["key"] for f in item.procedure.definition.get("annotations", [])]
            submission_annotate(submission=item, agent=request.user, annotations={
                key: request.POST.get(f"annotation-{key}", "")[:5000] for key in keys})
            messages.success(request, "Les annotations sont enregistrées.")
        else:
            form = TransitionForm(request.POST)
            if not form.is_valid():
                raise ProcedureError("Action inconnue.")
            submission_take(submission=item, agent=request.user, code=form.cleaned_data["code"],
                            message=form.cleaned_data["message"])
            messages.success(request, "Le dossier a changé d'état.")
    except (ProcedureError, CaseError) as error:
        return _page(request, item, status=400, error=str(error))
    return redirect("backoffice:submission", reference=reference)


@agent_required
@require_POST
def submission_file_verify_view(request, reference, key):
    item = _agent_submission(request, reference)
    piece = get_object_or_404(SubmissionFile, submission=item, key=key)
    try:
        submission_file_verify(item=piece, agent=request.user)
    except ProcedureError as error:
        return _page(request, item, status=400, error=str(error))
    messages.success(request, "La pièce est marquée vérifiée.")
    return redirect("backoffice:submission", reference=reference)


@agent_required
def submission_file(request, reference, key):
    item = _agent_submission(request, reference)
    piece = get_object_or_404(SubmissionFile, submission=item, key=key)
    stored = piece.stored
    if stored is None:
        raise Http404
    journal_record(actor=request.user, action=Entry.Action.ATTACHMENT_VIEWED, case=item.case,
                   person=item.case.requester, submission_file=piece.pk)
    return file_response(stored.open("rb"), filename=piece.original_name,
                         content_type=piece.content_type)


# Lists and exports -------------------------------------------------------------------------

@agent_required
def procedure_list(request):
    from .procedure_builder import can_build

    items = procedures_for_agent(request.user).select_related("unit", "current_version")
    page = Paginator(items.order_by("title"), 30).get_page(request.GET.get("page"))
    return render(request, "backoffice/procedures/list.html", {
        "page": page, "can_build": can_build(request.user)})


def _columns(procedure, request) -> list[dict]:
    fields = [f for f in definitions.all_fields(procedure.definition)
              if f.get("type") not in DISPLAY_ONLY | {"file"}]
    chosen = request.GET.getlist("colonne")
    return [f for f in fields if f["key"] in chosen] if chosen else fields[:3]


@agent_required
def procedure_submissions(request, pk):
    procedure = get_object_or_404(procedures_for_agent(request.user), pk=pk)
    columns = _columns(procedure, request)
    items = submissions_filtered(request.user, procedure, request.GET).select_related(
        "case__assignee", "version")
    page = Paginator(items, 50).get_page(request.GET.get("page"))
    rows = [{"submission": s, "values": [display(c, s.answers.get(c["key"])) for c in columns]}
            for s in page.object_list]
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "backoffice/procedures/submissions.html", {
        "procedure": procedure, "page": page, "rows": rows, "columns": columns,
        "all_fields": [f for f in definitions.all_fields(procedure.definition)
                       if f.get("type") not in DISPLAY_ONLY | {"file"}],
        "states": [*Submission.State.choices[1:], *[
            (f"x_{extra['key']}", extra["label"])
            for extra in procedure.definition.get("workflow", {}).get("states", [])]],
        "params": request.GET, "query": query.urlencode(),
        "chosen": [c["key"] for c in columns],
    })


@agent_required
@require_POST
def procedure_export(request, pk):
    """Queue an export of the filtered list; it is written in the background."""
    procedure = get_object_or_404(procedures_for_agent(request.user), pk=pk)
    params = {key: request.POST.get(key, "") for key in ("etat", "du", "au", "agent", "champ",
                                                         "valeur")}
    try:
        export_request(procedure=procedure, user=request.user, params=params,
                       fmt=request.POST.get("fmt", ""))
    except ProcedureError as error:
        messages.error(request, str(error))
        return redirect("backoffice:procedure_submissions", pk=pk)
    messages.success(request, "L'export est en préparation ; il apparaît ci-dessous dès qu'il "
                              "est prêt (rechargez la page).")
    return redirect("backoffice:exports")


@agent_required
def exports(request):
    items = Export.objects.filter(requested_by=request.user).select_related("procedure")
    page = Paginator(items, 30).get_page(request.GET.get("page"))
    return render(request, "backoffice/procedures/exports.html", {"page": page})


@agent_required
def export_file(request, key):
    export = get_object_or_404(Export.objects.select_related("procedure"), key=key,
                               requested_by=request.user, status=Export.Status.DONE)
    if not procedures_for_agent(request.user).filter(pk=export.procedure_id).exists():
        raise Http404
    return file_response(export.file.open("rb"),
                         filename=f"dossiers-{export.procedure.slug}.{export.fmt}")


@agent_required
@require_POST
def procedure_bulk(request, pk):
    """The same transition on the selected files, each through its service (and journal);
    files that cannot take it are listed, the others move."""
    procedure = get_object_or_404(procedures_for_agent(request.user), pk=pk)
    code = request.POST.get("code", "")
    reason = request.POST.get("reason", "").strip()
    ids = [int(value) for value in request.POST.getlist("selection") if value.isdigit()][:500]
    chosen = submissions_for_agent(request.user).filter(procedure=procedure, pk__in=ids)
    moved, refused = 0, []
    for item in chosen.select_related("case"):
        try:
            if code == "close":
                submission_decide(submission=item, agent=request.user, code="close",
                                  reason=reason)
            else:
                submission_take(submission=item, agent=request.user, code=code)
            moved += 1
        except ProcedureError as error:
            refused.append(f"{item.case.reference} : {error}")
    if moved:
        messages.success(request, f"{moved} dossier(s) ont changé d'état.")
    for line in refused[:20]:
        messages.error(request, line)
    if not ids:
        messages.error(request, "Cochez au moins un dossier.")
    return redirect("backoffice:procedure_submissions", pk=pk)
