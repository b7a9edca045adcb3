"""The submission tunnel: a procedure's page, its steps one by one (conditions evaluated on the
server, so it works without JavaScript), the documents, the summary and sending; the drafts in
"Mes démarches"; the vault."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from guichet.accounts.two_factor import agent_rights_suspended
from guichet.documents.models import DOCUMENT_TYPES, Document
from guichet.documents.services import VaultError, document_add, document_delete
from guichet.lib.downloads import bytes_response, file_response
from guichet.lib.files import ACCEPT_ATTRIBUTE, check_upload
from guichet.procedures import definition as definitions
from guichet.procedures.documents import implicit_attestation_pdf
from guichet.procedures.fields import DISPLAY_ONLY, display, initial_for, visible_fields
from guichet.procedures.models import Procedure, Submission
from guichet.procedures.selectors import procedures_open, submission_files_by_slot
from guichet.procedures.services import (
    ProcedureError,
    missing_documents,
    submission_attach,
    submission_pick_from_vault,
    submission_provide_documents,
    submission_remove_file,
    submission_save_page,
    submission_start,
    submission_submit,
)

from ..forms import FilerForm, ProvideDocumentsForm, VaultDocumentForm
from .contact import remember_case

SESSION_DRAFTS = "procedure_drafts"


def procedures(request):
    items = procedures_open().select_related("organisation", "unit")
    page = Paginator(items, 30).get_page(request.GET.get("page"))
    return render(request, "portal/procedures/list.html", {"page": page})


def _procedure(org_slug, slug) -> Procedure:
    return get_object_or_404(
        Procedure.objects.select_related("organisation", "unit", "current_version"),
        organisation__slug=org_slug, slug=slug, current_version__isnull=False)


def procedure(request, org_slug, slug):
    item = _procedure(org_slug, slug)
    return render(request, "portal/procedures/detail.html", {
        "procedure": item, "is_open": item.is_open_on(timezone.localdate()),
        "documents": item.current_version.definition.get("documents", []),
    })


@require_POST
def procedure_start(request, org_slug, slug):
    item = _procedure(org_slug, slug)
    if item.identification_required and not request.user.is_authenticated:
        from django.contrib.auth.views import redirect_to_login

        return redirect_to_login(item.get_absolute_url())
    try:
        submission = submission_start(procedure=item, user=request.user)
    except ProcedureError as exc:
        messages.error(request, str(exc))
        return redirect(item)
    if submission.user_id is None:
        request.session[SESSION_DRAFTS] = [
            *request.session.get(SESSION_DRAFTS, [])[-19:], submission.token]
    first = definitions.visible_pages(submission.definition, submission.answers)[0]
    return redirect("portal:submission_step", token=submission.token, index=first)


def _draft(request, token) -> Submission:
    """A draft is opened by its owner's account, or, filed without an account, by the browser
    that started it; nobody else, even with the link."""
    submission = get_object_or_404(
        Submission.objects.select_related("procedure__organisation", "procedure__unit",
                                          "version"), token=token)
    if submission.agent_id and request.user.is_authenticated and (
            submission.agent_id == request.user.pk) and not agent_rights_suspended(
            request.user):
        return submission  # the agent filling it for the resident
    if submission.user_id:
        if not request.user.is_authenticated or submission.user_id != request.user.pk:
            raise Http404
    elif token not in request.session.get(SESSION_DRAFTS, []):
        raise Http404
    return submission


def draft_view(view):
    """The draft behind the link, for its owner; once sent, its case page instead."""

    @wraps(view)
    def wrapper(request, token, *args, **kwargs):
        submission = _draft(request, token)
        if not submission.is_draft:
            return redirect("portal:case_by_token", token=submission.case.token)
        return view(request, submission, *args, **kwargs)

    return wrapper


def _steps(submission: Submission, answers: dict) -> list[dict]:
    """The step indicator: the visible pages, then documents if any, then the summary."""
    pages = definitions.pages(submission.definition)
    steps = [{"title": pages[i].get("title", ""), "index": i, "kind": "page"}
             for i in definitions.visible_pages(submission.definition, answers)]
    if definitions.required_documents(submission.definition,
                                      definitions.prune(submission.definition, answers)):
        steps.append({"title": "Pièces justificatives", "kind": "documents"})
    steps.append({"title": "Récapitulatif et envoi", "kind": "summary"})
    return steps


def _next_url(submission: Submission, index: int, answers: dict, *, backwards=False):
    visible = definitions.visible_pages(submission.definition, answers)
    if backwards:
        earlier = [i for i in visible if i < index]
        if earlier:
            return redirect("portal:submission_step", token=submission.token, index=earlier[-1])
        return redirect(submission.procedure)
    later = [i for i in visible if i > index]
    if later:
        return redirect("portal:submission_step", token=submission.token, index=later[0])
    if definitions.required_documents(submission.definition,
                                      definitions.prune(submission.definition, answers)):
        return redirect("portal:submission_documents", token=submission.token)
    return redirect("portal:submission_summary", token=submission.token)


def _posted_initial(form) -> dict:
    """What was typed, to show the page again without validating it (a block item added)."""
    initial = {}
    for name in form.fields:
        values = form.data.getlist(name)
        initial[name] = values if len(values) > 1 or name.endswith("[]") else (
            values[0] if values else "")
        if form.fields[name].widget.allow_multiple_selected if hasattr(
                form.fields[name].widget, "allow_multiple_selected") else False:
            initial[name] = values
    return initial


def _kept_answers(form) -> dict:
    """Going back keeps every answer of the page, even one not yet correct (it is checked
    again before sending)."""
    form.is_valid()
    answers = form.answers_of_page()
    for name in form.errors:
        if name in form.fields and "-" not in name:
            answers[name] = form.data.get(name, "")
    return answers


def _block_counts(form_page: dict, request, answers: dict) -> dict:
    counts = {}
    action = request.POST.get("action", "")
    for field in form_page.get("fields", []):
        if field.get("type") != "block":
            continue
        from guichet.procedures.fields import block_count

        count = block_count(field, answers, request.POST)
        if action == f"add:{field['key']}":
            count += 1
        elif action == f"remove:{field['key']}" and count > 1:
            count -= 1
        counts[field["key"]] = max(1, min(count, int(field.get("max_items") or 20)))
    return counts


@draft_view
def submission_step(request, submission, index):
    definition = submission.definition
    answers = submission.answers
    if index not in definitions.visible_pages(definition, answers):
        raise Http404  # a step the answers do not lead to cannot be filled by a forged post
    page = definitions.pages(definition)[index]
    files = submission_files_by_slot(submission)
    notice = ""
    if request.method == "POST":
        action = request.POST.get("action", "next")
        counts = _block_counts(page, request, answers)
        form = definitions.page_form(definition, index, answers, request.POST, request.FILES,
                                     block_counts=counts)
        if action.startswith(("add:", "remove:")):
            form = definitions.page_form(definition, index, answers, initial=_posted_initial(
                form), block_counts=counts)
        elif action == "previous":
            _save(submission, index, _kept_answers(form), request)
            return _next_url(submission, index, submission.answers, backwards=True)
        elif action == "autosave":
            _save(submission, index, _kept_answers(form), request)
            return HttpResponse(status=204)
        elif form.is_valid() and _attach_page_files(request, submission, page, form, files):
            page_answers = form.answers_of_page()
            merged = {**answers, **page_answers}
            shown = [f["key"] for f in visible_fields(page, answers)]
            now_shown = [f["key"] for f in visible_fields(page, merged)]
            _save(submission, index, page_answers, request)
            if shown != now_shown:
                # A question on this page depends on an answer just given: show the page again
                # with it (the server decides what is visible, JavaScript or not).
                messages.info(request, "Vos réponses font apparaître d'autres questions sur "
                                       "cette page : complétez-les.")
                return redirect("portal:submission_step", token=submission.token, index=index)
            if action == "save":
                messages.success(request, "Votre brouillon est enregistré. Vous pouvez le "
                                          "reprendre depuis « Mes démarches ».")
                return redirect("portal:my_procedures" if request.user.is_authenticated
                                else "portal:submission_step", **(
                                    {} if request.user.is_authenticated
                                    else {"token": submission.token, "index": index}))
            return _next_url(submission, index, submission.answers)
    else:
        form = definitions.page_form(definition, index, answers,
                                     initial=initial_for(page, answers))
    steps = _steps(submission, answers)
    position = next(n for n, step in enumerate(steps) if step.get("index") == index)
    return render(request, "portal/procedures/step.html", {
        "submission": submission, "procedure": submission.procedure, "page": page,
        "form": form, "steps": steps, "position": position, "index": index,
        "files": files, "notice": notice, "accept": ACCEPT_ATTRIBUTE,
    })


def _save(submission, index, page_answers, request):
    submission_save_page(submission=submission, index=index, page_answers=page_answers,
                         user=request.user if request.user.is_authenticated else None)
    submission.refresh_from_db()


def _attach_page_files(request, submission, page, form, files) -> bool:
    """File fields of the page: a new file replaces the one kept from an earlier visit."""
    ok = True
    for field in visible_fields(page, submission.answers):
        if field.get("type") != "file":
            continue
        upload = request.FILES.get(field["key"])
        if upload is None:
            if field.get("required") and field["key"] not in files:
                form.add_error(field["key"], "Joignez ce fichier.")
                ok = False
            continue
        try:
            checked = check_upload(upload)
            submission_attach(submission=submission, slot=field["key"], checked=checked,
                              user=request.user if request.user.is_authenticated else None)
        except ValidationError as exc:
            form.add_error(field["key"], exc)
            ok = False
        except ProcedureError as exc:
            form.add_error(field["key"], str(exc))
            ok = False
    return ok


@draft_view
def submission_documents(request, submission):
    user = request.user if request.user.is_authenticated else None
    answers = definitions.prune(submission.definition, submission.answers)
    documents = definitions.required_documents(submission.definition, answers)
    errors: dict[str, str] = {}
    if request.method == "POST":
        slot = request.POST.get("slot", "")
        action = request.POST.get("action", "upload")
        try:
            if slot not in {d["key"] for d in documents}:
                raise ProcedureError("Cette pièce n'est pas demandée pour votre dossier.")
            if action == "remove":
                submission_remove_file(submission=submission, slot=slot, user=user)
            elif action == "vault":
                document = Document.objects.filter(key=request.POST.get("document", "")).first()
                if document is None:
                    raise ProcedureError("Choisissez un document de votre coffre-fort.")
                submission_pick_from_vault(submission=submission, slot=slot, document=document,
                                           user=user)
            else:
                upload = request.FILES.get(f"file-{slot}")
                if upload is None:
                    raise ProcedureError("Choisissez un fichier à joindre.")
                submission_attach(submission=submission, slot=slot,
                                  checked=check_upload(upload), user=user,
                                  save_to_vault=bool(request.POST.get(f"vault-{slot}")))
        except ValidationError as exc:
            errors[slot] = " ".join(exc.messages)
        except ProcedureError as exc:
            errors[slot] = str(exc)
        else:
            if request.POST.get("action") == "continue":
                pass
            return redirect("portal:submission_documents", token=submission.token)
    files = submission_files_by_slot(submission)
    vault = {}
    if user and submission.user_id == user.pk:
        today = timezone.localdate()
        owned = [d for d in Document.objects.filter(owner=user, purged_at__isnull=True)
                 if d.is_valid_on(today) and d.file]
        vault = {doc["key"]: [d for d in owned if d.type == doc.get("type")] or []
                 for doc in documents}
    rows = [{"doc": doc, "file": files.get(doc["key"]), "error": errors.get(doc["key"], ""),
             "vault": vault.get(doc["key"], [])} for doc in documents]
    steps = _steps(submission, submission.answers)
    return render(request, "portal/procedures/documents.html", {
        "submission": submission, "procedure": submission.procedure, "rows": rows,
        "steps": steps, "position": len(steps) - 2, "errors": errors, "accept": ACCEPT_ATTRIBUTE,
        "is_owner": bool(user and submission.user_id == user.pk),
        "last_page": definitions.visible_pages(submission.definition, submission.answers)[-1],
    }, status=400 if errors else 200)


def _summary_sections(submission: Submission, answers: dict) -> list[dict]:
    sections = []
    pages = definitions.pages(submission.definition)
    for index in definitions.visible_pages(submission.definition, answers):
        rows = [{"label": f["label"], "value": display(f, answers.get(f["key"]))}
                for f in visible_fields(pages[index], answers)
                if f.get("type") not in DISPLAY_ONLY | {"file"}]
        sections.append({"title": pages[index].get("title", ""), "index": index, "rows": rows})
    return sections


@draft_view
def submission_summary(request, submission):
    user = request.user if request.user.is_authenticated else None
    answers = definitions.prune(submission.definition, submission.answers)
    failing = definitions.validate(submission.definition, submission.answers)
    missing = missing_documents(submission)
    form = FilerForm(request.POST or None, anonymous=user is None)
    error = ""
    if request.method == "POST" and form.is_valid():
        try:
            submission = submission_submit(
                submission=submission, user=user,
                requester_name=form.cleaned_data.get("name", ""),
                requester_email=form.cleaned_data.get("email", ""))
        except ProcedureError as exc:
            error = str(exc)
        else:
            if submission.agent_id and submission.agent_id == request.user.pk:
                messages.success(request, f"Dossier {submission.case.reference} déposé pour "
                                          f"{submission.case.requester_name}.")
                return redirect(submission.case.get_backoffice_url())
            remember_case(request, submission.case)
            return redirect("portal:confirmation", token=submission.case.token)
    steps = _steps(submission, submission.answers)
    pages = definitions.pages(submission.definition)
    return render(request, "portal/procedures/summary.html", {
        "submission": submission, "procedure": submission.procedure, "form": form,
        "sections": _summary_sections(submission, answers), "missing": missing,
        "failing": [{"index": i, "title": pages[i].get("title", "")} for i in failing],
        "files": submission_files_by_slot(submission), "error": error,
        "steps": steps, "position": len(steps) - 1,
    }, status=400 if error or (request.method == "POST" and form.errors) else 200)


@draft_view
def submission_resume(request, submission):
    visible = definitions.visible_pages(submission.definition, submission.answers)
    index = submission.page if submission.page in visible else visible[0]
    return redirect("portal:submission_step", token=submission.token, index=index)


@login_required
def my_procedures(request):
    drafts = (Submission.objects.filter(user=request.user, state=Submission.State.DRAFT)
              .select_related("procedure__organisation").order_by("-updated_at"))
    page = Paginator(drafts, 20).get_page(request.GET.get("page"))
    return render(request, "portal/procedures/mine.html", {"page": page})


def provide_documents(request, token):
    """The resident answers a request for missing documents from the case page."""
    submission = get_object_or_404(Submission.objects.select_related("case", "procedure"),
                                   case__token=token)
    if not request.user.is_authenticated or submission.user_id != request.user.pk:
        raise Http404
    form = ProvideDocumentsForm(request.POST or None, request.FILES or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        try:
            submission_provide_documents(submission=submission, user=request.user,
                                         files=form.cleaned_data["attachments"],
                                         message=form.cleaned_data["message"])
        except ProcedureError as exc:
            error = str(exc)
        else:
            messages.success(request, "Vos pièces ont été envoyées au service.")
            return redirect("portal:case_by_token", token=token)
    return render(request, "portal/procedures/provide.html", {
        "submission": submission, "case": submission.case, "form": form, "error": error,
    }, status=400 if request.method == "POST" else 200)


def implicit_attestation(request, token):
    submission = get_object_or_404(Submission.objects.select_related(
        "case__organisation", "case__unit", "procedure"), case__token=token)
    if not request.user.is_authenticated or submission.user_id != request.user.pk:
        raise Http404
    if not (submission.implicit_decided_at and submission.state == Submission.State.ACCEPTED):
        raise Http404
    return bytes_response(implicit_attestation_pdf(submission), content_type="application/pdf",
                          filename=f"attestation-{submission.case.reference}.pdf")


@login_required
def vault(request):
    form = VaultDocumentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            document_add(owner=request.user, type=form.cleaned_data["type"],
                         title=form.cleaned_data["title"], checked=form.cleaned_data["file"],
                         valid_until=form.cleaned_data["valid_until"])
        except VaultError as exc:
            form.add_error("type", str(exc))
        else:
            messages.success(request, "Le document est dans votre coffre-fort.")
            return redirect("portal:vault")
    documents = Paginator(Document.objects.filter(owner=request.user)
                          .select_related("verified_by"), 30).get_page(request.GET.get("page"))
    return render(request, "portal/vault.html", {
        "page": documents, "form": form, "types": DOCUMENT_TYPES, "today": timezone.localdate(),
    }, status=400 if form.errors else 200)


@login_required
@require_POST
def vault_delete(request, key):
    document = get_object_or_404(Document, key=key, owner=request.user)
    document_delete(document=document, owner=request.user)
    messages.success(request, "Le document a été supprimé de votre coffre-fort.")
    return redirect("portal:vault")


@login_required
def vault_file(request, key):
    document = get_object_or_404(Document, key=key, owner=request.user)
    if not document.is_available:
        raise Http404
    return file_response(document.file.open("rb"), filename=document.original_name,
                         content_type=document.content_type)
