"""Which unit should handle a free-text request: a TF-IDF + logistic regression classifier
trained on the cases agents have already routed (their final unit, after any transfer).
Agents' corrections (transfers) are the next training's labels.

scikit-learn is an optional extra (`pip install -e '.[routing]'`): without it no suggestion is
shown, nothing fails, and training says in French what to install."""

from __future__ import annotations

import pickle
import time
from dataclasses import dataclass
from functools import lru_cache

from django.db.models import Count, OuterRef, Subquery

from guichet.cases.models import Case, Event
from guichet.organisations.models import Unit

from .models import RoutingModel

FREE_TEXT_KINDS = ("contact",)
MIN_PER_UNIT = 5
GENERIC_UNIT_SLUGS = ("accueil",)


@dataclass(frozen=True)
class Suggestion:
    unit: Unit
    confidence: float


def training_rows(limit: int = 200_000) -> tuple[list[str], list[int]]:
    """(text, unit id) of routed free-text cases: subject and first message."""
    first_message = Event.objects.filter(case=OuterRef("pk"), kind=Event.Kind.SUBMITTED
                                         ).values("body")[:1]
    counts = dict(Case.objects.filter(kind__in=FREE_TEXT_KINDS).values("unit").annotate(
        n=Count("pk")).values_list("unit", "n"))
    units = [unit for unit, n in counts.items() if n >= MIN_PER_UNIT]
    rows = (Case.objects.filter(kind__in=FREE_TEXT_KINDS, unit__in=units)
            .annotate(first=Subquery(first_message)).order_by("-created_at")
            .values_list("subject", "first", "unit")[:limit])
    texts, labels = [], []
    for subject, body, unit in rows:
        texts.append(f"{subject}\n{body or ''}")
        labels.append(unit)
    return texts, labels


def _pipeline():
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    return make_pipeline(
        TfidfVectorizer(strip_accents="unicode", lowercase=True, sublinear_tf=True,
                        ngram_range=(1, 2), min_df=2, max_features=200_000),
        LogisticRegression(max_iter=2000, C=5.0))


def _top_k(model, texts, labels, k) -> float:
    import numpy as np

    probabilities = model.predict_proba(texts)
    classes = model.classes_
    best = np.argsort(-probabilities, axis=1)[:, :k]
    hits = sum(labels[i] in classes[best[i]] for i in range(len(labels)))
    return hits / max(1, len(labels))


def routing_train(*, holdout: float = 0.2, seed: int = 7) -> RoutingModel:
    """Measure on a held-out part, then train on everything and store the model."""
    try:
        from sklearn.model_selection import train_test_split
    except ImportError as exc:
        raise ValueError("Les suggestions de service demandent scikit-learn : installez "
                         "Guichet avec l'option « routing » (pip install -e '.[routing]').") \
            from exc

    texts, labels = training_rows()
    if len(set(labels)) < 2:
        raise ValueError("Pas assez d'historique : il faut au moins deux services ayant "
                         f"chacun {MIN_PER_UNIT} demandes.")
    started = time.perf_counter()
    train_x, test_x, train_y, test_y = train_test_split(
        texts, labels, test_size=holdout, random_state=seed, stratify=labels)
    measured = _pipeline().fit(train_x, train_y)
    top1, top3 = _top_k(measured, test_x, test_y, 1), _top_k(measured, test_x, test_y, 3)
    final = _pipeline().fit(texts, labels)
    seconds = time.perf_counter() - started
    model = RoutingModel.objects.create(samples=len(texts), units=len(set(labels)), top1=top1,
                                        top3=top3, seconds=seconds, blob=pickle.dumps(final))
    _loaded.cache_clear()
    return model


@lru_cache(maxsize=1)
def _loaded(pk: int):
    # Only models this server trained and stored itself are ever unpickled.
    return pickle.loads(bytes(RoutingModel.objects.get(pk=pk).blob))  # noqa: S301


def routing_suggest(text: str, *, limit: int = 3) -> list[Suggestion]:
    latest = RoutingModel.objects.order_by("-trained_at").values_list("pk", flat=True).first()
    if latest is None or not text.strip():
        return []
    try:
        model = _loaded(latest)
    except ImportError:  # scikit-learn not installed: no suggestion, no error
        return []
    probabilities = model.predict_proba([text])[0]
    ranked = sorted(zip(model.classes_, probabilities, strict=True), key=lambda p: -p[1])
    units = Unit.objects.in_bulk([int(u) for u, _ in ranked[:limit]])
    return [Suggestion(units[int(u)], float(p)) for u, p in ranked[:limit] if int(u) in units]


def case_suggestions(case: Case) -> list[Suggestion]:
    """Suggestions worth showing: a free-text case in a generic queue, or any free-text case
    whose likeliest unit is another one with some confidence."""
    if case.kind not in FREE_TEXT_KINDS or not case.is_open:
        return []
    first = case.events.filter(kind=Event.Kind.SUBMITTED).values_list("body", flat=True).first()
    suggestions = routing_suggest(f"{case.subject}\n{first or ''}")
    if not suggestions:
        return []
    generic = case.unit.slug in GENERIC_UNIT_SLUGS
    best = next((s for s in suggestions if s.unit.slug not in GENERIC_UNIT_SLUGS), None)
    if best is None or best.unit.pk == case.unit_id or (not generic and best.confidence < 0.5):
        return []
    allowed = {org.pk for org in case.organisation.territory()}
    return [s for s in suggestions if s.unit.pk != case.unit_id
            and s.unit.organisation_id in allowed and s.unit.slug not in GENERIC_UNIT_SLUGS]
