"""One search box over cases: reference, subject, messages, the requester's name, email and
phone. PostgreSQL: French full-text search that ignores accents, on GIN indexes; the most
recent matches (CANDIDATES from the cases, as many from their messages) are ranked, so that a
common word among a million cases still answers at once. SQLite: a simpler path (substring
match, most recent first). The query is always a parameter, never part of the SQL text."""

from __future__ import annotations

import datetime as dt
import re

from django.db import connection
from django.db.models import Func, Q, QuerySet, TextField, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Reverse
from django.utils import timezone

# Must stay identical to the indexed expressions (migrations 0004 and 0006).
CASE_DOCUMENT = ("to_tsvector('french_unaccent'::regconfig, coalesce(reference, '') || ' ' || "
                 "coalesce(subject, '') || ' ' || coalesce(requester_name, '') || ' ' || "
                 "coalesce(requester_email, '') || ' ' || coalesce(requester_phone, ''))")
EVENT_DOCUMENT = "to_tsvector('french_unaccent'::regconfig, coalesce(body, ''))"
TSQUERY = "websearch_to_tsquery('french_unaccent'::regconfig, %s)"
# The day of created_at, as indexed beside the text (migration 0007).
DAY = "((created_at AT TIME ZONE 'UTC')::date)"
MAX_QUERY = 200
CANDIDATES = 200
RECENT_WINDOWS = (30, 365, None)
REFERENCE = re.compile(r"^[A-Za-z]{2,6}-\d{4}-\d{1,6}$")


def clean_query(query: str) -> str:
    return " ".join((query or "").split())[:MAX_QUERY]


def phone_digits_reversed(field: str = "requester_phone"):
    """The phone's digits, last first: a number typed in any format is found by its last nine
    digits with an index (migration 0006)."""
    digits = Func(field, Value(r"\D"), Value(""), Value("g"), function="regexp_replace",
                  output_field=TextField())
    return Reverse(digits)


def search_cases(*, unit_ids, query: str) -> QuerySet:
    """The cases of these units (those the agent may see) matching `query`, best first."""
    from .models import Case

    cases = Case.objects.filter(unit_id__in=list(unit_ids))
    query = clean_query(query)
    if not query:
        return cases.none()
    if REFERENCE.match(query):
        return cases.filter(reference=query.upper())
    digits = re.sub(r"\D", "", query)
    numeric = len(digits) >= 6 and not re.search(r"[^\d\s.+()/-]", query)
    if connection.vendor == "postgresql":
        return _search_postgresql(cases, sorted(unit_ids), query, digits if numeric else "")
    return _search_simple(cases, query, digits if numeric else "")


def _search_postgresql(cases: QuerySet, unit_ids: list[int], query: str,
                       digits: str) -> QuerySet:
    if digits:
        # A phone number (its last nine digits), or the number of a reference.
        by_phone = cases.alias(phone_rev=phone_digits_reversed()).filter(
            phone_rev__startswith=digits[-9:][::-1])
        by_reference = cases.alias(reference_rev=Reverse("reference")).filter(
            reference_rev__startswith=digits[-6:].rjust(6, "0")[::-1])
        ids = [*by_phone.order_by("-created_at").values_list("pk", flat=True)[:CANDIDATES],
               *by_reference.values_list("pk", flat=True)[:CANDIDATES]]
        return cases.filter(pk__in=ids).order_by("-created_at", "-pk")
    from .models import Event

    kinds = ", ".join(f"'{kind}'" for kind in Event.SEARCHED_KINDS)
    from_cases = _most_recent(
        f"SELECT id AS case_id, created_at FROM cases_case WHERE unit_id = ANY(%s) "
        f"AND {CASE_DOCUMENT} @@ {TSQUERY}", [unit_ids, query])
    from_events = _most_recent(
        f"SELECT e.case_id, e.created_at FROM cases_event e "
        f"JOIN cases_case c ON c.id = e.case_id WHERE c.unit_id = ANY(%s) "
        f"AND e.kind IN ({kinds}) AND {EVENT_DOCUMENT.replace('body', 'e.body')} @@ {TSQUERY}",
        [unit_ids, query], day_column=DAY.replace("created_at", "e.created_at"))
    rank = RawSQL(f"ts_rank({CASE_DOCUMENT}, {TSQUERY})", [query])
    return (cases.filter(pk__in={*from_cases, *from_events}).annotate(rank=rank)
            .order_by("-rank", "-created_at"))


def _most_recent(matches_sql: str, params: list, *, day_column: str = DAY) -> list[int]:
    """The CANDIDATES most recent matches (case ids). A common word matches tens of thousands
    of rows: the last month is looked at first, then the last year, then everything, stopping
    as soon as there are enough. The matches are gathered first (materialised) so that the
    planner uses the text index rather than walk the dates and test every row."""
    today = timezone.now().astimezone(dt.UTC).date()
    for days in RECENT_WINDOWS:
        window, window_params = "", []
        if days is not None:
            window, window_params = f" AND {day_column} >= %s", [today - dt.timedelta(days=days)]
        sql = (f"WITH m AS MATERIALIZED ({matches_sql}{window}) "
               f"SELECT case_id FROM m ORDER BY created_at DESC LIMIT {CANDIDATES}")
        with connection.cursor() as cursor:
            cursor.execute(sql, [*params, *window_params])
            found = [row[0] for row in cursor.fetchall()]
        if len(found) >= CANDIDATES or days is None:
            return found
    return []


def _search_simple(cases: QuerySet, query: str, digits: str) -> QuerySet:
    if digits:
        # Numbers are written in pairs, with or without spaces: match the last three pairs.
        pairs = [digits[i:i + 2] for i in range(len(digits) - 6, len(digits), 2)]
        phone = Q()
        for pair in pairs:
            phone &= Q(requester_phone__contains=pair)
        return cases.filter(phone | Q(reference__endswith=digits[-6:].rjust(6, "0"))
                            ).order_by("-created_at")
    matched = Q()
    for word in query.split()[:6]:
        matched |= (Q(subject__icontains=word) | Q(requester_name__icontains=word)
                    | Q(requester_email__icontains=word) | Q(reference__icontains=word)
                    | Q(events__body__icontains=word))
    return cases.filter(matched).distinct().order_by("-created_at")
