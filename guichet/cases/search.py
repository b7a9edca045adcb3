"""One search box over cases: reference, subject, messages, the requester's name, email and
phone. PostgreSQL: French full-text search that ignores accents, ranked, on GIN indexes.
SQLite: a simpler path (substring match, most recent first). The query is always a parameter,
never part of the SQL text."""

from __future__ import annotations

import re

from django.db import connection
from django.db.models import Q, QuerySet
from django.db.models.expressions import RawSQL

# Must stay identical to the indexed expressions (migration 0004).
CASE_DOCUMENT = ("to_tsvector('french_unaccent'::regconfig, coalesce(reference, '') || ' ' || "
                 "coalesce(subject, '') || ' ' || coalesce(requester_name, '') || ' ' || "
                 "coalesce(requester_email, '') || ' ' || coalesce(requester_phone, ''))")
EVENT_DOCUMENT = "to_tsvector('french_unaccent'::regconfig, coalesce(body, ''))"
MAX_QUERY = 200


def clean_query(query: str) -> str:
    return " ".join((query or "").split())[:MAX_QUERY]


def search_cases(cases: QuerySet, query: str) -> QuerySet:
    """The cases of `cases` (already limited to what the agent may see) matching `query`,
    best first."""
    query = clean_query(query)
    if not query:
        return cases.none()
    digits = re.sub(r"\D", "", query)
    exact = Q(reference__iexact=query)
    if len(digits) >= 6:
        # Numbers are written in pairs, with or without spaces: match the last three pairs.
        pairs = [digits[i:i + 2] for i in range(len(digits) - 6, len(digits), 2)]
        phone = Q()
        for pair in pairs:
            phone &= Q(requester_phone__contains=pair)
        exact |= phone
    if connection.vendor == "postgresql":
        tsquery = "websearch_to_tsquery('french_unaccent'::regconfig, %s)"
        in_case = RawSQL(f"SELECT id FROM cases_case WHERE {CASE_DOCUMENT} @@ {tsquery}",
                         [query])
        in_events = RawSQL(f"SELECT case_id FROM cases_event WHERE {EVENT_DOCUMENT} @@ "
                           f"{tsquery}", [query])
        rank = RawSQL(f"ts_rank({CASE_DOCUMENT}, {tsquery})", [query])
        return (cases.filter(exact | Q(pk__in=in_case) | Q(pk__in=in_events))
                .annotate(rank=rank).order_by("-rank", "-created_at"))
    words = query.split()[:6]
    matched = exact
    for word in words:
        matched |= (Q(subject__icontains=word) | Q(requester_name__icontains=word)
                    | Q(requester_email__icontains=word) | Q(reference__icontains=word)
                    | Q(events__body__icontains=word))
    return cases.filter(matched).distinct().order_by("-created_at")
