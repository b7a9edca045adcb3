"""The resident's side of a case: "Mes demandes", the case page, replies, receipt and files."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render

from guichet.cases.models import Attachment, Case, Event, Status
from guichet.cases.selectors import (
    agent_can_handle,
    case_handler,
    cases_for_resident,
    with_resident_state,
)
from guichet.cases.services import CaseError, case_move, case_resident_reply
from guichet.journal.models import Entry
from guichet.journal.services import journal_record
from guichet.lib.downloads import bytes_response, file_response
from guichet.procedures.models import Submission
from guichet.procedures.services import ProcedureError, submission_provide_documents
from guichet.surveys.selectors import waiting_for_resident
from guichet.surveys.services import satisfaction_signed

from ..forms import ReplyForm
from ..receipt import receipt_pdf_bytes
from .contact import SESSION_CASES, remember_case


@login_required
def my_cases(request):
    cases = with_resident_state(cases_for_resident(request.user))
    page = Paginator(cases, 20).get_page(request.GET.get("page"))
    rows = [(case, case.resident_state()) for case in page.object_list]
    return render(request, "portal/my_cases.html", {
        "page": page, "rows": rows, "has_due": any(state.due for _, state in rows),
        "waiting": _waiting(request.user)})


def _waiting(user) -> dict:
    """The opinions the resident is asked for: satisfaction on ended cases (the closing
    email's signed link, here without the email) and open questionnaires they were sent."""
    waiting = waiting_for_resident(user)
    waiting["satisfaction"] = [(item, satisfaction_signed(item))
                               for item in waiting["satisfaction"]]
    return waiting


def resident_case(request, token) -> Case:
    """The case behind a follow-up link. A case filed from an account is shown only to that
    account; one filed without an account, to whoever holds the link."""
    case = get_object_or_404(Case.objects.select_related("unit", "organisation", "assignee"),
                             token=token)
    if case.requester_id and request.user.is_authenticated and (
        case.requester_id != request.user.pk
    ):
        raise Http404
    return case


def case_by_token(request, token):
    case = resident_case(request, token)
    if case.requester_id and not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    remember_case(request, case)
    form = ReplyForm(request.POST or None, request.FILES or None)
    error = None
    if request.method == "POST" and form.is_valid():
        try:
            _resident_reply(request, case, form.cleaned_data)
        except (CaseError, ProcedureError) as exc:
            error = str(exc)
        else:
            messages.success(request, "Votre message a été envoyé au service.")
            return redirect("portal:case_by_token", token=case.token)
    events = (case.events.exclude(kind__in=Event.INTERNAL_KINDS)
              .select_related("actor").prefetch_related("attachments"))
    return render(request, "portal/case.html", {
        "case": case, "events": events, "form": form, "error": error,
        "handler": case_handler(case), "state": case.resident_state(),
    })


def _resident_reply(request, case: Case, data: dict) -> None:
    """A reply; for a procedure file waiting for documents, files sent here are the requested
    pieces (the file goes back to instruction), and a question alone keeps it waiting."""
    user = request.user if request.user.is_authenticated else None
    submission = Submission.objects.filter(
        case=case, state=Submission.State.WAITING_DOCUMENTS).first()
    if submission is not None and data["attachments"]:
        submission_provide_documents(submission=submission, user=user,
                                     files=data["attachments"], message=data["body"])
        return
    case_resident_reply(case=case, body=data["body"], files=data["attachments"], user=user)
    if submission is not None:
        case_move(case=case, status=Status.WAITING, user=user,
                  reason="En attente des pièces demandées")


def receipt_pdf(request, token):
    case = resident_case(request, token)
    if case.requester_id and not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    return bytes_response(receipt_pdf_bytes(case), content_type="application/pdf",
                          filename=f"accuse-enregistrement-{case.reference}.pdf")


def attachment(request, key):
    """A file is served to the agents of the case's unit, to the resident who owns the case, or
    to the browser that filed or followed it without an account — never from a public URL."""
    item = get_object_or_404(Attachment.objects.select_related("case", "event"), key=key)
    case = item.case
    user = request.user
    if user.is_authenticated and agent_can_handle(user, case):
        journal_record(actor=user, action=Entry.Action.ATTACHMENT_VIEWED, case=case,
                       person=case.requester, attachment=item.pk)
    elif item.event.is_internal:
        raise Http404
    elif case.requester_id:
        if case.requester_id != user.pk:
            raise Http404
    elif case.token not in request.session.get(SESSION_CASES, []):
        raise Http404
    # Saved, never shown in the site's origin: the file is as the sender made it.
    return file_response(item.file.open("rb"), filename=item.original_name,
                         content_type=item.content_type)
