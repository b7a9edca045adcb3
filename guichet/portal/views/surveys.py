"""Questionnaires on the resident side: the open ones, answering from the public link or an
invitation's token (one page at a time, progress kept in the session), a facility's kiosk
(one screen, no login, no personal data; answers taken offline are sent later to a JSON
endpoint), and the published syntheses.

A questionnaire closed while someone answers still takes their answers: `response_submit`
keeps them, flagged late, and the thank-you page says so."""

from __future__ import annotations

import datetime as dt
import json
import uuid

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseBadRequest, JsonResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from guichet.stats import charts
from guichet.surveys import questions as q
from guichet.surveys.models import Channel, Invitation, Kiosk, Survey
from guichet.surveys.selectors import open_surveys, published_syntheses, synthesis_results
from guichet.surveys.services import SurveyError, response_submit

from ..survey_forms import WholeSurvey, add_contact_field, shown_keys

SESSION_KEY = "surveys"
PAGE_SIZE = 20


# --- Lists ----------------------------------------------------------------------------------

def survey_list(request):
    """GET /questionnaires/ : the questionnaires open to everyone now, 20 a page."""
    page = Paginator(open_surveys(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "portal/surveys/list.html", {
        "page": page, "has_syntheses": published_syntheses().exists()})


def survey_syntheses(request):
    """GET /questionnaires/syntheses/ : the published results, newest first."""
    page = Paginator(published_syntheses(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "portal/surveys/syntheses.html", {"page": page})


def survey_synthesis(request, slug):
    """GET /questionnaires/<slug>/synthese/ : what the collectivité chose to publish."""
    survey = get_object_or_404(Survey.objects.select_related("organisation", "unit"),
                               slug=slug, synthesis_published_at__isnull=False)
    results = []
    for result in synthesis_results(survey):
        chart = None
        if result.bars and result.kind != "ranking":
            chart = charts.rows([(bar.label, bar.count) for bar in result.bars])
        results.append((result, chart))
    return render(request, "portal/surveys/synthesis.html", {
        "survey": survey, "results": results})


# --- Answering page by page (public link, invitation) ---------------------------------------

def _progress(request, scope: str) -> dict | None:
    return request.session.get(SESSION_KEY, {}).get(scope)


def _keep(request, scope: str, entry: dict | None) -> None:
    store = dict(request.session.get(SESSION_KEY, {}))
    if entry is None:
        store.pop(scope, None)
    else:
        store[scope] = entry
        # A browser keeps the progress of a few questionnaires at most.
        for old in list(store)[:-10]:
            store.pop(old)
    request.session[SESSION_KEY] = store


def _state(survey: Survey, now=None) -> str:
    """« open », « not_yet » or « closed » for someone who has not started."""
    now = now or timezone.now()
    if survey.accepting(now):
        return "open"
    if survey.status == Survey.Status.OPEN and survey.opens_at and now < survey.opens_at:
        return "not_yet"
    return "closed"


def _page_form(survey, index, answers, data=None, *, last: bool, email: str = ""):
    page = q.pages(survey.definition)[index]
    if data is None:
        form = q.SurveyPageForm(page=page, answers=answers,
                                initial={**q.initial_for(page, answers), "contact_email": email})
    else:
        form = q.SurveyPageForm(data, page=page, answers=answers)
    if last:
        add_contact_field(form)
    return form


def _is_last(survey, index, answers) -> bool:
    return not any(i > index for i in q.visible_pages(survey.definition, answers))


def _answer(request, survey: Survey, *, scope: str, channel: str, user=None,
            invitation: Invitation | None = None, already: str = ""):
    """The questionnaire one page at a time; the page being answered is in the form (one of
    the pages the answers so far lead to), the answers in the session until the last page."""
    entry = _progress(request, scope)
    context = {"survey": survey, "invitation": invitation}
    if entry and entry.get("done"):
        return render(request, "portal/surveys/done.html", {**context, "late": entry["late"]})
    if already:
        return render(request, "portal/surveys/unavailable.html",
                      {**context, "state": "answered", "message": already})
    state = _state(survey)
    if entry is None and state != "open":
        return render(request, "portal/surveys/unavailable.html", {**context, "state": state})
    entry = entry or {"answers": {}, "page": None, "uuid": str(uuid.uuid4()), "email": ""}
    answers = entry["answers"]
    visible = q.visible_pages(survey.definition, answers)
    if not visible:
        raise Http404
    index = entry["page"] if entry["page"] in visible else visible[0]
    status = 200
    if request.method == "POST":
        try:
            index = int(request.POST.get("page", ""))
        except ValueError:
            return HttpResponseBadRequest("Page inconnue.")
        if index not in visible:
            return HttpResponseBadRequest("Page inconnue.")
        last = _is_last(survey, index, answers)
        form = _page_form(survey, index, answers, request.POST, last=last)
        valid = form.is_valid()
        page_answers = form.page_answers()
        if request.POST.get("action") == "previous":
            kept = {k: v for k, v in page_answers.items() if v not in (None, "", [], {})}
            entry["answers"] = {**answers, **kept}
            earlier = [i for i in visible if i < index]
            entry["page"] = earlier[-1] if earlier else index
            _keep(request, scope, entry)
            return redirect(request.path)
        if valid:
            merged = {**answers, **page_answers}
            entry["answers"] = merged
            if last:
                entry["email"] = form.cleaned_data.get("contact_email", "")
            again = _page_form(survey, index, merged, last=last)
            if shown_keys(again) != shown_keys(form):
                # An answer on this page shows another question on it (no JavaScript needed).
                entry["page"] = index
                _keep(request, scope, entry)
                messages.info(request, "Votre réponse fait apparaître une autre question sur "
                                       "cette page : complétez-la.")
                return redirect(request.path)
            later = [i for i in q.visible_pages(survey.definition, merged) if i > index]
            if later:
                entry["page"] = later[0]
                _keep(request, scope, entry)
                return redirect(request.path)
            try:
                response, _created = response_submit(
                    survey=survey, answers=merged, channel=channel, user=user,
                    invitation=invitation, client_uuid=entry["uuid"],
                    contact_email=entry.get("email", ""))
            except SurveyError as exc:
                _keep(request, scope, None)
                return render(request, "portal/surveys/unavailable.html",
                              {**context, "state": "answered", "message": str(exc)})
            _keep(request, scope, {"done": True, "late": response.late})
            return redirect(request.path)
        status = 400
    else:
        last = _is_last(survey, index, answers)
        form = _page_form(survey, index, answers, last=last, email=entry.get("email", ""))
        if _progress(request, scope) is None:
            _keep(request, scope, entry)
    return render(request, "portal/surveys/answer.html", {
        **context, "form": form, "index": index, "page": q.pages(survey.definition)[index],
        "position": visible.index(index) + 1, "count": len(visible), "last": last,
        "first": index == visible[0], "closed_meanwhile": state != "open",
    }, status=status)


def survey(request, slug):
    """GET/POST /questionnaires/<slug>/ : answered from the public link. A questionnaire for
    signed-in residents asks to sign in and takes one answer per person; an anonymous one
    never records who answered."""
    item = get_object_or_404(Survey.objects.select_related("organisation", "unit"),
                             slug=slug, status__in=[Survey.Status.OPEN, Survey.Status.CLOSED])
    user, already = None, ""
    if item.audience == Survey.Audience.SIGNED_IN:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        user = request.user
        done = item.responses.filter(user=user).only("submitted_at").first()
        if done is not None and not (_progress(request, f"s{item.pk}") or {}).get("done"):
            already = (f"Vous avez déjà répondu à ce questionnaire le "
                       f"{timezone.localtime(done.submitted_at):%d/%m/%Y}. Merci !")
    return _answer(request, item, scope=f"s{item.pk}", channel=Channel.LINK, user=user,
                   already=already)


def survey_invited(request, token):
    """GET/POST /questionnaires/invitation/<token>/ : the invitation's token is the way in,
    one answer per invitation."""
    invitation = get_object_or_404(
        Invitation.objects.select_related("survey__organisation", "survey__unit", "user"),
        token=token, survey__status__in=[Survey.Status.OPEN, Survey.Status.CLOSED])
    item = invitation.survey
    scope = f"i{invitation.pk}"
    already = ""
    if invitation.answered_at and not (_progress(request, scope) or {}).get("done"):
        already = (f"Cette invitation a déjà servi : une réponse a été enregistrée le "
                   f"{timezone.localtime(invitation.answered_at):%d/%m/%Y}. Merci !")
    user = invitation.user if item.audience == Survey.Audience.SIGNED_IN else None
    return _answer(request, item, scope=scope, channel=Channel.EMAIL, user=user,
                   invitation=invitation, already=already)


# --- Kiosk ------------------------------------------------------------------------------------

def _kiosk(key) -> Kiosk:
    return get_object_or_404(Kiosk.objects.select_related("survey__organisation"), key=key)


def _kiosk_unavailable(request, kiosk: Kiosk):
    if not kiosk.is_active:
        return render(request, "portal/surveys/kiosk_unavailable.html",
                      {"kiosk": kiosk, "reason": "inactive"}, status=410)
    if kiosk.survey.status == Survey.Status.DRAFT:
        return render(request, "portal/surveys/kiosk_unavailable.html",
                      {"kiosk": kiosk, "reason": "draft"}, status=404)
    state = _state(kiosk.survey)
    if state != "open":
        return render(request, "portal/surveys/kiosk_unavailable.html",
                      {"kiosk": kiosk, "reason": state})
    return None


def kiosk(request, key):
    """GET/POST /borne/<key>/ : the kiosk's one screen. After an answer, a thank-you screen
    and back to the first question; kiosk.js adds the 60 s idle reset and the offline queue.
    No login, no session, no personal data."""
    item = _kiosk(key)
    survey = item.survey
    if request.method == "GET" and request.GET.get("merci") is not None:
        return render(request, "portal/surveys/kiosk_thanks.html", {
            "kiosk": item, "survey": survey, "late": request.GET.get("merci") == "tardive"})
    unavailable = _kiosk_unavailable(request, item)
    # An answer begun before the questionnaire closed is still taken (kept, flagged late).
    answering = (request.method == "POST" and item.is_active
                 and survey.status != Survey.Status.DRAFT)
    if unavailable is not None and not answering:
        return unavailable
    status, notice = 200, ""
    if request.method == "POST":
        whole = WholeSurvey(survey.definition, request.POST)
        if whole.appeared:
            notice = "Votre réponse fait apparaître d'autres questions : complétez-les."
            whole = WholeSurvey(survey.definition, initial_answers=whole.answers)
        elif whole.is_valid():
            try:
                response, _created = response_submit(
                    survey=survey, answers=whole.cleaned_answers(), channel=Channel.KIOSK,
                    kiosk=item, client_uuid=request.POST.get("client_uuid") or None)
            except SurveyError as exc:
                return render(request, "portal/surveys/kiosk_unavailable.html",
                              {"kiosk": item, "reason": "error", "message": str(exc)},
                              status=400)
            return redirect(f"{request.path}?merci={'tardive' if response.late else ''}")
        else:
            status = 400
    else:
        whole = WholeSurvey(survey.definition)
    return render(request, "portal/surveys/kiosk.html", {
        "kiosk": item, "survey": survey, "form": whole, "notice": notice,
        "client_uuid": uuid.uuid4(), "submit_url": f"{request.path}envoi/",
    }, status=status)


MAX_BODY = 64 * 1024


def _json_error(message: str, status: int, **more) -> JsonResponse:
    return JsonResponse({"error": message, **more}, status=status,
                        json_dumps_params={"ensure_ascii": False})


@csrf_exempt
@require_POST
def kiosk_submit(request, key):
    """POST /borne/<key>/envoi/ (JSON): one answer sent by kiosk.js, right away or replayed
    after the network came back. `client_uuid` makes a replay count once.

    Exempt from CSRF on purpose: the kiosk's key in the address is the only authority, no
    cookie or session is read, so a forged cross-site request could do nothing that anyone
    holding the key could not do directly; and an answer kept offline for hours must not fail
    because a token expired. A cross-site form cannot send `application/json` without a
    preflight, which this endpoint does not grant."""
    if request.content_type != "application/json":
        return _json_error("Envoyez les réponses en JSON.", 415)
    if len(request.body) > MAX_BODY:
        return _json_error("Réponse trop volumineuse.", 413)
    item = Kiosk.objects.select_related("survey").filter(key=key).first()
    if item is None:
        return _json_error("Borne inconnue.", 404)
    if not item.is_active:
        return _json_error("Cette borne n'est plus en service.", 410)
    if item.survey.status == Survey.Status.DRAFT:
        return _json_error("Borne inconnue.", 404)
    try:
        payload = json.loads(request.body)
        client_uuid = str(uuid.UUID(str(payload["client_uuid"])))
        fields = payload.get("data") or {}
        if not isinstance(fields, dict):
            raise ValueError
    except (ValueError, KeyError, TypeError):
        return _json_error("Réponse illisible : il manque l'identifiant ou les réponses.", 400)
    data = QueryDict(mutable=True)
    for name, values in fields.items():
        for value in values if isinstance(values, list) else [values]:
            data.appendlist(str(name)[:100], str(value)[:5000])
    queued = bool(payload.get("queued"))
    whole = WholeSurvey(item.survey.definition, data, lenient=queued)
    if not queued and whole.appeared and not whole.errors:
        return _json_error("D'autres questions apparaissent.", 409, more=whole.appeared)
    if not whole.is_valid():
        return _json_error("Des réponses sont à corriger.", 400,
                           errors=[message for _anchor, message in whole.error_summary()])
    taken = parse_datetime(str(payload.get("taken_at") or ""))
    if taken is not None and (timezone.is_naive(taken)
                              or taken < timezone.now() - dt.timedelta(days=30)):
        taken = None
    try:
        response, created = response_submit(
            survey=item.survey, answers=whole.cleaned_answers(), channel=Channel.KIOSK,
            kiosk=item, client_uuid=client_uuid, at=taken)
    except SurveyError as exc:
        return _json_error(str(exc), 409)
    return JsonResponse({"status": "created" if created else "duplicate",
                         "late": response.late}, status=201 if created else 200)
