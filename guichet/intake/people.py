"""Finding a resident the way a receptionist would: by a name typed as heard on the phone
(accents and typos forgiven), an email, a phone number or an address. Accounts and the people
of past requests without an account are both searched; candidates are narrowed in the database
by three-letter pieces, then ranked in Python."""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass

from django.db.models import Q

from guichet.accounts.models import User
from guichet.cases.models import Case


def plain(text: str) -> str:
    """Lower case, no accents, letters and digits only: « Lefèvre-Hénon » → « lefevre henon »."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    ascii_only = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9@.]+", " ", ascii_only.lower()).strip()


def digits(text: str) -> str:
    return re.sub(r"\D", "", text or "")


@dataclass
class Person:
    name: str
    email: str = ""
    phone: str = ""
    address: str = ""
    user_id: int | None = None
    score: float = 0.0
    last_case: str = ""

    @property
    def key(self) -> str:
        return f"u{self.user_id}" if self.user_id else f"c{self.last_case}"


def _pieces(word: str) -> list[str]:
    return [word[i:i + 3] for i in range(0, max(1, len(word) - 2))][:6]


def _score(query: str, person: Person) -> float:
    wanted = plain(query)
    haystack = plain(" ".join((person.name, person.email, person.address)))
    words = haystack.split()
    best = 0.0
    for word in wanted.split():
        best_word = max((difflib.SequenceMatcher(None, word, w).ratio() for w in words),
                        default=0.0)
        best += best_word
    score = best / max(1, len(wanted.split()))
    if digits(query) and len(digits(query)) >= 6 and digits(query) in digits(person.phone):
        score = max(score, 1.0)
    return score


def people_search(query: str, *, limit: int = 15) -> list[Person]:
    query = (query or "").strip()[:100]
    words = [w for w in plain(query).split() if len(w) >= 2][:4]
    number = digits(query)
    if not words and len(number) < 6:
        return []
    users_q, cases_q = Q(), Q()
    for word in words:
        for piece in _pieces(word) if len(word) >= 3 else [word]:
            users_q |= (Q(first_name__icontains=piece) | Q(last_name__icontains=piece)
                        | Q(email__icontains=piece) | Q(profile__address__icontains=piece))
            cases_q |= Q(requester_name__icontains=piece) | Q(requester_email__icontains=piece)
    if len(number) >= 6:
        tail = number[-6:]
        users_q |= Q(profile__phone__icontains=tail[:2]) & Q(profile__phone__icontains=tail[-2:])
        cases_q |= Q(requester_phone__icontains=tail[-2:])
    found: dict[str, Person] = {}
    for user in User.objects.filter(users_q, is_active=True).select_related("profile")[:300]:
        profile = getattr(user, "profile", None)
        person = Person(name=user.get_full_name() or user.email, email=user.email,
                        phone=profile.phone if profile else "",
                        address=profile.postal_address if profile else "", user_id=user.pk)
        found[person.key] = person
    rows = (Case.objects.filter(cases_q, requester__isnull=True).order_by("-created_at")
            .values_list("reference", "requester_name", "requester_email",
                         "requester_phone")[:300])
    seen = set()
    for reference, name, email, phone in rows:
        identity = (plain(name), email.lower(), digits(phone))
        if identity in seen:
            continue
        seen.add(identity)
        person = Person(name=name, email=email, phone=phone, last_case=reference)
        found[person.key] = person
    for person in found.values():
        person.score = _score(query, person)
    ranked = sorted((p for p in found.values() if p.score >= 0.6),
                    key=lambda p: (-p.score, p.name))
    return ranked[:limit]
