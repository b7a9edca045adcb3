"""A procedure's definition: pages of fields, required documents and workflow, as JSON. The
draft is edited by administrators; publishing freezes it into a numbered version that every file
keeps. These functions read a definition; they never trust answers posted by the browser."""

from __future__ import annotations

import re

from django.http import QueryDict

from guichet.documents.models import DOCUMENT_TYPES  # noqa: F401 (re-exported)

from .conditions import OPERATORS, holds
from .fields import DISPLAY_ONLY, FIELD_TYPES, PageForm, initial_for

EMPTY = {"pages": [], "documents": []}


def pages(definition: dict) -> list[dict]:
    return definition.get("pages", [])


def all_fields(definition: dict) -> list[dict]:
    return [field for page in pages(definition) for field in page.get("fields", [])]


def every_key(definition: dict) -> set[str]:
    """The keys of all fields, block children included."""
    return {item["key"] for field in all_fields(definition)
            for item in [field, *field.get("fields", [])]}


def unique_key(base: str, taken: set[str], *, limit: int = 40) -> str:
    """``base`` cut to ``limit`` characters, or, when that is taken, ``base_2``, ``base_3``…
    with the base shortened so that the suffix fits (a long label never loops)."""
    key = base[:limit]
    number = 2
    while key in taken:
        suffix = f"_{number}"
        key = base[:limit - len(suffix)] + suffix
        number += 1
    return key


def labels(definition: dict) -> dict[str, str]:
    return {f["key"]: f.get("label", f["key"]) for f in all_fields(definition)}


def visible_pages(definition: dict, answers: dict) -> list[int]:
    return [i for i, page in enumerate(pages(definition)) if holds(page.get("condition"), answers)]


def required_documents(definition: dict, answers: dict) -> list[dict]:
    """The documents this filer must or may give, given their answers."""
    return [doc for doc in definition.get("documents", [])
            if holds(doc.get("condition"), answers)]


def prune(definition: dict, answers: dict) -> dict:
    """Answers with every hidden field dropped: a condition that hides a field also drops its
    value, so nothing is kept that the resident was not asked for (CNIL minimisation)."""
    kept: dict = {}
    for page in pages(definition):
        if not holds(page.get("condition"), kept):
            continue
        for field in page.get("fields", []):
            if field.get("type") in DISPLAY_ONLY or field["key"] not in answers:
                continue
            if holds(field.get("condition"), kept):
                kept[field["key"]] = answers[field["key"]]
    return kept


def page_form(definition: dict, index: int, answers: dict, data=None, files=None,
              **kwargs) -> PageForm:
    return PageForm(data, files, page=pages(definition)[index], answers=answers, **kwargs)


def validate(definition: dict, answers: dict) -> dict[int, PageForm]:
    """Re-check every visible page from the stored answers, as the server does before a file is
    sent. Returns the forms that fail, by page index (empty: the file is complete)."""
    failing = {}
    kept = prune(definition, answers)
    for index in visible_pages(definition, kept):
        page = pages(definition)[index]
        data = QueryDict(mutable=True)
        for name, value in initial_for(page, kept).items():
            if isinstance(value, list):
                data.setlist(name, value)
            else:
                data[name] = value
        for field in page.get("fields", []):
            if field.get("type") == "block":
                data[f"{field['key']}-count"] = str(max(1, len(kept.get(field["key"]) or [])))
        form = PageForm(data, page=page, answers=kept)
        if not form.is_valid():
            failing[index] = form
    return failing


KEY_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,39}$")


def problems(definition: dict) -> list[str]:
    """What prevents publishing this definition, in French, for the builder."""
    found = []
    seen: set[str] = set()
    if not pages(definition):
        found.append("La démarche n'a aucune page.")
    for number, page in enumerate(pages(definition), start=1):
        if not page.get("title"):
            found.append(f"La page {number} n'a pas de titre.")
        _check_condition(page.get("condition"), seen, f"la page {number}", found)
        for field in page.get("fields", []):
            where = f"le champ « {field.get('label') or field.get('key')} » (page {number})"
            _check_field(field, where, found)
            _check_condition(field.get("condition"), seen, where, found)
            if field.get("key") in seen:
                found.append(f"L'identifiant « {field['key']} » est utilisé deux fois.")
            seen.add(field.get("key", ""))
            for child in field.get("fields", []) if field.get("type") == "block" else []:
                _check_field(child, f"le champ « {child.get('label')} » du bloc", found)
    for doc in definition.get("documents", []):
        if not doc.get("label"):
            found.append("Une pièce justificative n'a pas de nom.")
        _check_condition(doc.get("condition"), seen, f"la pièce « {doc.get('label')} »", found)
    return found


def _check_field(field: dict, where: str, found: list[str]) -> None:
    if field.get("type") not in FIELD_TYPES:
        found.append(f"Le type de {where} est inconnu.")
    if not KEY_PATTERN.match(field.get("key", "")):
        found.append(f"L'identifiant de {where} doit commencer par une lettre minuscule et ne "
                     "contenir que des lettres minuscules, chiffres et _.")
    if field.get("type") not in DISPLAY_ONLY and not field.get("label"):
        found.append(f"Un champ ({field.get('key')}) n'a pas de libellé.")
    if field.get("type") in ("choice", "multichoice") and not field.get("choices"):
        found.append(f"{where[0].upper()}{where[1:]} n'a aucun choix.")
    if field.get("type") not in DISPLAY_ONLY and not field.get("purpose"):
        found.append(f"Indiquez pourquoi vous demandez {where} (finalité, minimisation CNIL).")
    if field.get("pattern"):
        try:
            re.compile(field["pattern"])
        except re.error:
            found.append(f"Le motif de validation de {where} n'est pas une expression valide.")


def _check_condition(condition, earlier: set[str], where: str, found: list[str]) -> None:
    if not condition:
        return
    for key in ("all", "any"):
        if key in condition:
            for part in condition[key]:
                _check_condition(part, earlier, where, found)
            return
    if condition.get("op") not in OPERATORS:
        found.append(f"La condition de {where} a un opérateur inconnu.")
    if condition.get("field") not in earlier:
        found.append(f"La condition de {where} doit porter sur un champ placé avant.")
