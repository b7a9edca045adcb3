"""Every change to a questionnaire, its invitations, kiosks, responses and synthesis. Each
service is atomic and writes the journal; answers are checked by the caller's form and pruned
here of what a condition hid."""

from __future__ import annotations

import copy
import datetime as dt
import uuid as uuid_module

from django.core import signing
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from guichet.journal.models import Entry
from guichet.journal.services import journal_record
from guichet.lib.urls import absolute_url
from guichet.notifications.services import notification_queue

from . import questions as q
from . import segments
from .models import (
    Answer,
    AnswerTally,
    Channel,
    Invitation,
    Kiosk,
    Response,
    SatisfactionRequest,
    Survey,
)


class SurveyError(Exception):
    def __init__(self, message: str, field: str = ""):
        super().__init__(message)
        self.field = field


def _journal(user, survey: Survey, change: str, **details) -> None:
    journal_record(actor=user, action=Entry.Action.SETTINGS_CHANGED, survey=survey.pk,
                   change=change, **details)


def _unique_slug(title: str, exclude: int | None = None) -> str:
    base = slugify(title)[:70] or "questionnaire"
    taken = set(Survey.objects.filter(slug__startswith=base).exclude(pk=exclude)
                .values_list("slug", flat=True))
    return q.unique_key(base, taken, limit=80)


@transaction.atomic
def survey_create(*, unit, title: str, acting_user, intro: str = "",
                  audience: str = Survey.Audience.ANONYMOUS, opens_at=None, closes_at=None,
                  definition: dict | None = None) -> Survey:
    """A draft questionnaire with one empty page (or the given questions)."""
    survey = Survey.objects.create(
        organisation=unit.organisation, unit=unit, title=title, slug=_unique_slug(title),
        intro=intro, audience=audience, opens_at=opens_at, closes_at=closes_at,
        definition=definition or {"pages": [{"title": "", "fields": []}]})
    _journal(acting_user, survey, "created")
    return survey


@transaction.atomic
def survey_update(*, survey: Survey, acting_user, **fields) -> Survey:
    """The settings of a questionnaire; a change of unit moves it to that unit's
    collectivité (the caller checks the agent may choose that unit)."""
    allowed = {"title", "intro", "audience", "opens_at", "closes_at", "unit"}
    for name, value in fields.items():
        if name not in allowed:
            raise ValueError(name)
        setattr(survey, name, value)
    if "unit" in fields:
        survey.organisation = survey.unit.organisation
    survey.save()
    _journal(acting_user, survey, "settings")
    return survey


def _locked(survey: Survey) -> Survey:
    return Survey.objects.select_for_update().get(pk=survey.pk)


@transaction.atomic
def survey_page_add(*, survey: Survey, title: str, acting_user, condition=None) -> Survey:
    survey = _locked(survey)
    definition = copy.deepcopy(survey.definition)
    definition.setdefault("pages", []).append({"title": title, "fields": [],
                                               **({"condition": condition} if condition else {})})
    survey.definition = definition
    survey.save(update_fields=["definition"])
    _journal(acting_user, survey, "page_added")
    return survey


def _clean_question(question: dict, taken: set[str]) -> dict:
    kind = question.get("type")
    if kind not in q.QUESTION_TYPES:
        raise SurveyError("Choisissez un type de question.", field="type")
    if not (question.get("label") or "").strip():
        raise SurveyError("Écrivez l'intitulé de la question.", field="label")
    if kind in q.CHOICE_TYPES and not question.get("choices"):
        raise SurveyError("Indiquez au moins un choix (un par ligne).", field="choices")
    if kind == "matrix" and not question.get("rows"):
        raise SurveyError("Indiquez les lignes de la matrice (une par ligne).", field="rows")
    low, high = q._int(question.get("min_choices")), q._int(question.get("max_choices"))
    if low and high and low > high:
        raise SurveyError("Le minimum de choix dépasse le maximum.", field="min_choices")
    key = question.get("key") or q.unique_key(slugify(question["label"]).replace("-", "_")
                                              or "question", taken)
    if not key[0].isalpha():
        key = q.unique_key(f"q_{key}", taken)
    if not q.KEY_PATTERN.match(key) or key in taken:
        raise SurveyError("Cet identifiant est déjà pris ou n'est pas valide.", field="key")
    return {k: v for k, v in {**question, "key": key}.items() if v not in (None, "", [])}


@transaction.atomic
def survey_question_add(*, survey: Survey, page: int, question: dict, acting_user) -> dict:
    """Add a question at the end of a page; its key is derived from its label."""
    survey = _locked(survey)
    definition = copy.deepcopy(survey.definition)
    if not 0 <= page < len(q.pages(definition)):
        raise SurveyError("Cette page n'existe pas.", field="page")
    taken = {f["key"] for f in q.all_questions(definition)}
    condition = question.get("condition")
    if condition:
        earlier = {f["key"] for p in q.pages(definition)[:page + 1] for f in p["fields"]}
        if condition.get("field") not in earlier:
            raise SurveyError("Une condition porte sur une question placée avant.",
                              field="condition_field")
    cleaned = _clean_question(question, taken)
    definition["pages"][page]["fields"].append(cleaned)
    survey.definition = definition
    survey.save(update_fields=["definition"])
    _journal(acting_user, survey, "question_added", key=cleaned["key"])
    return cleaned


@transaction.atomic
def survey_question_delete(*, survey: Survey, key: str, acting_user) -> Survey:
    survey = _locked(survey)
    if survey.responses.exists():
        raise SurveyError("Des réponses ont été reçues : une question ne peut plus être "
                          "retirée (les résultats la perdraient).")
    definition = copy.deepcopy(survey.definition)
    for page in q.pages(definition):
        page["fields"] = [f for f in page["fields"] if f["key"] != key]
    survey.definition = definition
    survey.save(update_fields=["definition"])
    _journal(acting_user, survey, "question_deleted", key=key)
    return survey


@transaction.atomic
def survey_question_move(*, survey: Survey, key: str, direction: str,
                         acting_user) -> Survey:
    """Move a question one place up or down within its page, or onto the end of the previous
    page / the start of the next one at a page's edge. A question never moves above the
    question its condition depends on (the condition would then look at a later answer)."""
    if direction not in ("up", "down"):
        raise SurveyError("Sens de déplacement inconnu.")
    survey = _locked(survey)
    definition = copy.deepcopy(survey.definition)
    flat = [(p, f) for p, page in enumerate(q.pages(definition)) for f in page["fields"]]
    index = next((i for i, (_, f) in enumerate(flat) if f["key"] == key), None)
    if index is None:
        raise SurveyError("Cette question n'existe pas.")
    page_index, question = flat[index]
    pages = q.pages(definition)
    position = pages[page_index]["fields"].index(question)
    if direction == "up":
        if position > 0:
            fields = pages[page_index]["fields"]
            fields[position - 1], fields[position] = fields[position], fields[position - 1]
        elif page_index > 0:
            pages[page_index]["fields"].pop(0)
            pages[page_index - 1]["fields"].append(question)
        else:
            return survey
    else:
        fields = pages[page_index]["fields"]
        if position < len(fields) - 1:
            fields[position + 1], fields[position] = fields[position], fields[position + 1]
        elif page_index < len(pages) - 1:
            fields.pop()
            pages[page_index + 1]["fields"].insert(0, question)
        else:
            return survey
    def misplaced(d):
        return sum("placé avant" in problem for problem in q.problems(d))

    if misplaced(definition) > misplaced(survey.definition):
        raise SurveyError("Une question ne peut pas passer avant celle dont dépend sa "
                          "condition.")
    survey.definition = definition
    survey.save(update_fields=["definition"])
    _journal(acting_user, survey, "question_moved", key=key, direction=direction)
    return survey


@transaction.atomic
def survey_open(*, survey: Survey, acting_user) -> Survey:
    survey = _locked(survey)
    if survey.status == Survey.Status.OPEN:
        raise SurveyError("Le questionnaire est déjà ouvert.")
    found = q.problems(survey.definition)
    if found:
        raise SurveyError(" ".join(found))
    survey.status = Survey.Status.OPEN
    survey.save(update_fields=["status"])
    _journal(acting_user, survey, "opened")
    return survey


@transaction.atomic
def survey_close(*, survey: Survey, acting_user) -> Survey:
    survey = _locked(survey)
    if survey.status != Survey.Status.OPEN:
        raise SurveyError("Le questionnaire n'est pas ouvert.")
    survey.status = Survey.Status.CLOSED
    survey.save(update_fields=["status"])
    _journal(acting_user, survey, "closed")
    return survey


@transaction.atomic
def kiosk_create(*, survey: Survey, place: str, acting_user) -> Kiosk:
    if not place.strip():
        raise SurveyError("Indiquez le lieu de la borne.", field="place")
    kiosk = Kiosk.objects.create(survey=survey, place=place.strip()[:120])
    _journal(acting_user, survey, "kiosk_created", kiosk=kiosk.pk)
    return kiosk


def _items(survey: Survey, response: Response) -> list[Answer]:
    rows = []
    for question in q.all_questions(survey.definition):
        for item in q.items_of(question, response.answers.get(question["key"])):
            rows.append(Answer(
                survey=survey, response=response, question=question["key"],
                row=item.get("row", ""), choice=str(item.get("choice", ""))[:200],
                number=item.get("number"), text=item.get("text", ""),
                first=item.get("first", 1), channel=response.channel, place=response.place,
                submitted_at=response.submitted_at, late=response.late))
    return rows


TALLY_KEY = ("question", "row", "choice", "channel", "place", "day", "late")


def _tally(survey: Survey, response: Response, items: list[Answer]) -> None:
    """Add one response and its items to the tallies, in one statement (an upsert: two
    responses at once add up, neither overwrites the other). The response itself is counted
    under the empty question key, so that counting responses needs no scan either."""
    groups: dict[tuple, list] = {
        ("", "", "", response.channel, response.place,
         timezone.localdate(response.submitted_at), response.late): [1, 1, 0.0, 0]}
    for item in items:
        day = timezone.localdate(item.submitted_at)
        key = (item.question, item.row, item.choice, item.channel, item.place, day, item.late)
        totals = groups.setdefault(key, [0, 0, 0.0, 0])
        totals[0] += 1
        totals[1] += item.first
        if item.number is not None:
            totals[2] += item.number
            totals[3] += 1
    quote = connection.ops.quote_name
    table = quote(AnswerTally._meta.db_table)
    columns = ["survey_id", *TALLY_KEY, "n", "firsts", "number_sum", "number_n"]
    summed = ["n", "firsts", "number_sum", "number_n"]
    sql = (f"INSERT INTO {table} ({', '.join(quote(c) for c in columns)}) VALUES "
           + ", ".join(["(" + ", ".join(["%s"] * len(columns)) + ")"] * len(groups))
           + f" ON CONFLICT ({', '.join(quote(c) for c in ['survey_id', *TALLY_KEY])}) "
           "DO UPDATE SET " + ", ".join(f"{quote(c)} = {table}.{quote(c)} + excluded.{quote(c)}"
                                        for c in summed))
    params = [value for key, totals in groups.items() for value in (survey.pk, *key, *totals)]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


@transaction.atomic
def tallies_rebuild(*, survey: Survey) -> int:
    """The tallies of a questionnaire recomputed from its answer items (after a bulk load or
    a repair). Returns how many tally rows there are."""
    from django.db.models import Count, Sum
    from django.db.models.functions import TruncDate

    AnswerTally.objects.filter(survey=survey).delete()
    rows = (Answer.objects.filter(survey=survey).order_by()
            .annotate(day=TruncDate("submitted_at"))
            .values(*TALLY_KEY).annotate(n=Count("id"), firsts=Sum("first"),
                                         number_sum=Sum("number"), number_n=Count("number")))
    tallies = [AnswerTally(survey=survey, **{**row, "firsts": row["firsts"] or 0,
                                             "number_sum": row["number_sum"] or 0.0})
               for row in rows.iterator(5000)]
    responses = (Response.objects.filter(survey=survey).order_by()
                 .annotate(day=TruncDate("submitted_at"))
                 .values("channel", "place", "day", "late").annotate(n=Count("id")))
    tallies += [AnswerTally(survey=survey, question="", row="", choice="", firsts=row["n"],
                            **row) for row in responses]
    AnswerTally.objects.bulk_create(tallies, batch_size=5000)
    return len(tallies)


def response_submit(*, survey: Survey, answers: dict, channel: str, user=None,
                    invitation: Invitation | None = None, kiosk: Kiosk | None = None,
                    client_uuid=None, contact_email: str = "",
                    at: dt.datetime | None = None) -> tuple[Response, bool]:
    """Record one response; returns (response, created). The same client UUID (a kiosk's
    replay, a double click) returns the response already recorded. An answer given after the
    questionnaire closed is kept, flagged late: it is never lost, and results leave it out
    unless asked. A person (signed-in) or an invitation answers once."""
    if client_uuid:
        try:
            client_uuid = uuid_module.UUID(str(client_uuid))
        except ValueError:
            raise SurveyError("Identifiant de réponse illisible.") from None
        existing = Response.objects.filter(client_uuid=client_uuid).first()
        if existing is not None:
            if existing.survey_id != survey.pk:
                raise SurveyError("Identifiant de réponse déjà utilisé.")
            return existing, False
    now = timezone.now()
    submitted = min(at, now) if at else now
    try:
        with transaction.atomic():
            if invitation is not None:
                invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
                if invitation.answered_at:
                    raise SurveyError("Cette invitation a déjà servi : votre réponse est "
                                      "enregistrée.")
            if user is not None and Response.objects.filter(survey=survey, user=user).exists():
                raise SurveyError("Vous avez déjà répondu à ce questionnaire.")
            response = Response.objects.create(
                survey=survey, channel=channel, kiosk=kiosk,
                place=kiosk.place if kiosk else "", user=user, invitation=invitation,
                client_uuid=client_uuid, answers=q.prune(survey.definition, answers),
                submitted_at=submitted, late=not survey.accepting(now),
                contact_email="" if kiosk else contact_email.strip()[:254])
            items = _items(survey, response)
            Answer.objects.bulk_create(items)
            _tally(survey, response, items)
            if invitation is not None:
                invitation.answered_at = now
                invitation.save(update_fields=["answered_at"])
    except IntegrityError:
        # Two tabs, or a replay racing its first send: the first one won.
        if client_uuid:
            return Response.objects.get(client_uuid=client_uuid), False
        raise SurveyError("Vous avez déjà répondu à ce questionnaire.") from None
    return response, True


def _invite_context(survey: Survey, invitation: Invitation) -> dict:
    return {"survey": survey, "organisation": survey.organisation,
            "url": absolute_url(invitation.get_absolute_url()),
            "closes_at": survey.closes_at}


@transaction.atomic
def invitations_send(*, survey: Survey, segment: str, value: str, acting_user) -> int:
    """Invite every address of a segment that has no invitation yet, each with its own token.
    Returns how many were invited."""
    found = segments.get(segment)
    if found is None:
        raise SurveyError("Choisissez à qui envoyer le questionnaire.", field="segment")
    if survey.status != Survey.Status.OPEN:
        raise SurveyError("Ouvrez le questionnaire avant d'envoyer les invitations.")
    if value not in {v for v, _ in found.options(survey.organisation)}:
        raise SurveyError("Choisissez une option de la liste.", field="value")
    label = f"{found.label} : {dict(found.options(survey.organisation))[value]}"
    already = set(survey.invitations.values_list("email", flat=True))
    count = 0
    for email, user_id in found.recipients(survey.organisation, value):
        email = email.strip().lower()
        if not email or email in already:
            continue
        already.add(email)
        invitation = Invitation.objects.create(survey=survey, email=email, user_id=user_id,
                                               segment=label[:120])
        notification_queue(template="survey_invitation", recipient=email,
                           user=invitation.user, context=_invite_context(survey, invitation))
        count += 1
    _journal(acting_user, survey, "invitations_sent", segment=segment, value=value,
             count=count)
    return count


@transaction.atomic
def invitations_remind(*, survey: Survey, acting_user) -> int:
    """One reminder to each invitation not answered yet and never reminded."""
    if not survey.accepting():
        raise SurveyError("Le questionnaire n'est pas ouvert : aucune relance n'est envoyée.")
    # `of`: PostgreSQL cannot lock the nullable side of the outer join to the user.
    pending = list(survey.invitations.select_for_update(of=("self",)).filter(
        answered_at__isnull=True, reminded_at__isnull=True).select_related("user"))
    now = timezone.now()
    for invitation in pending:
        notification_queue(template="survey_reminder", recipient=invitation.email,
                           user=invitation.user, context=_invite_context(survey, invitation))
        invitation.reminded_at = now
    Invitation.objects.bulk_update(pending, ["reminded_at"])
    _journal(acting_user, survey, "invitations_reminded", count=len(pending))
    return len(pending)


@transaction.atomic
def synthesis_publish(*, survey: Survey, intro: str, changes: str, shown_questions: list[str],
                      acting_user) -> int:
    """Publish (or update) the synthesis; respondents who left an address and were not told
    yet are. Returns how many were told."""
    survey = _locked(survey)
    keys = {f["key"] for f in q.all_questions(survey.definition)}
    if not intro.strip() and not changes.strip():
        raise SurveyError("Écrivez la synthèse ou ce que vous avez changé.", field="intro")
    survey.synthesis_intro, survey.changes = intro.strip(), changes.strip()
    survey.shown_questions = [k for k in shown_questions if k in keys]
    first = survey.synthesis_published_at is None
    survey.synthesis_published_at = survey.synthesis_published_at or timezone.now()
    survey.save()
    now = timezone.now()
    told = list(survey.responses.select_for_update().exclude(contact_email="").filter(
        notified_at__isnull=True))
    url = absolute_url(survey.get_absolute_url() + "synthese/")
    for response in told:
        notification_queue(template="survey_synthesis", recipient=response.contact_email,
                           user=response.user, context={"survey": survey, "url": url,
                                                        "organisation": survey.organisation})
        response.notified_at = now
    Response.objects.bulk_update(told, ["notified_at"])
    _journal(acting_user, survey, "synthesis_published" if first else "synthesis_updated",
             told=len(told))
    return len(told)


# --- Satisfaction after a case ended -------------------------------------------------------

SATISFACTION_SALT = "guichet.surveys.satisfaction"
SCORES = {1: "Pas du tout satisfait", 2: "Peu satisfait", 3: "Moyennement satisfait",
          4: "Satisfait", 5: "Très satisfait"}


def satisfaction_signed(request: SatisfactionRequest) -> str:
    """The signed part of the link in the closing email (no login: whoever holds it)."""
    return signing.Signer(salt=SATISFACTION_SALT).sign(str(request.pk))


def satisfaction_from_signed(value: str) -> SatisfactionRequest | None:
    try:
        pk = int(signing.Signer(salt=SATISFACTION_SALT).unsign(value))
    except (signing.BadSignature, ValueError):
        return None
    return SatisfactionRequest.objects.select_related("case", "unit").filter(pk=pk).first()


def satisfaction_links(request: SatisfactionRequest) -> list[tuple[int, str, str]]:
    signed = satisfaction_signed(request)
    return [(score, label, absolute_url(reverse("portal:satisfaction", args=[signed, score])))
            for score, label in SCORES.items()]


def satisfaction_on_case_ended(case, *, in_closing_email: bool) -> dict:
    """Called by `cases` when a case ends (hook): the request for the resident's opinion,
    once per case, and the links the closing email carries. When the case has no closing
    email of its own (a procedure's decision), a short email asks the question."""
    request, _ = SatisfactionRequest.objects.get_or_create(
        case=case, defaults={"unit": case.unit, "kind": case.kind, "channel": case.channel})
    if request.answered_at:
        return {}
    links = satisfaction_links(request)
    if not in_closing_email and case.requester_email:
        notification_queue(template="satisfaction_request", recipient=case.requester_email,
                           case=case, user=case.requester,
                           context={"case": case, "unit": case.unit, "satisfaction": links})
    return {"satisfaction": links}


@transaction.atomic
def satisfaction_record(*, request: SatisfactionRequest, score: int, comment: str = "",
                        acting_user=None) -> SatisfactionRequest:
    """The resident's score (1 to 5) and comment; they may change them. A score of 2 or less
    opens a follow-up for the unit's manager (shown on their satisfaction page)."""
    request = SatisfactionRequest.objects.select_for_update().select_related("case").get(
        pk=request.pk)
    if score not in SCORES:
        raise SurveyError("Choisissez une note de 1 à 5.", field="score")
    request.score = score
    if comment.strip():
        request.comment = comment.strip()[:2000]
    request.answered_at = timezone.now()
    if score <= SatisfactionRequest.LOW and request.follow_up == SatisfactionRequest.FollowUp.NONE:
        request.follow_up = SatisfactionRequest.FollowUp.OPEN
    request.save()
    journal_record(actor=acting_user, action=Entry.Action.CASE_UPDATED, case=request.case,
                   satisfaction=score)
    return request


@transaction.atomic
def satisfaction_follow_up_done(*, request: SatisfactionRequest, note: str,
                                acting_user) -> SatisfactionRequest:
    """The manager has dealt with a low score (called the resident, fixed the cause)."""
    request = SatisfactionRequest.objects.select_for_update().select_related("case").get(
        pk=request.pk)
    if request.follow_up != SatisfactionRequest.FollowUp.OPEN:
        raise SurveyError("Ce suivi n'est pas à traiter.")
    if not note.strip():
        raise SurveyError("Écrivez ce qui a été fait.", field="note")
    request.follow_up = SatisfactionRequest.FollowUp.DONE
    request.follow_up_note = note.strip()[:2000]
    request.follow_up_by = acting_user
    request.save()
    journal_record(actor=acting_user, action=Entry.Action.CASE_UPDATED, case=request.case,
                   satisfaction_follow_up="done")
    return request


__all__ = ["Channel", "satisfaction_follow_up_done", "satisfaction_on_case_ended",
           "satisfaction_record", "SurveyError", "invitations_remind", "invitations_send",
           "kiosk_create", "response_submit", "survey_close", "survey_create", "survey_open",
           "survey_page_add", "survey_question_add", "survey_question_delete",
           "survey_question_move",
           "survey_update", "synthesis_publish", "tallies_rebuild"]
