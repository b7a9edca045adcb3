"""Question types of a questionnaire, on top of the procedure builder's field machinery.

A questionnaire's definition has the very shape of a procedure's (``{"pages": [{"title",
"condition", "fields": [...]}]}``), so the conditions (`procedures.conditions.holds`), the
pruning of hidden answers (`procedures.definition.prune`), the key rules and the Django fields
of the shared types (`procedures.fields.form_field`: short/long text, single and multiple
choice, yes/no, date, numbers, titles and explanations) are the procedure builder's own. Only
what procedures have no use for is added here: rating scales, NPS, matrices, ranking, and
the min/max number of choices."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from guichet.lib.forms import Form
from guichet.procedures import definition as definitions
from guichet.procedures.conditions import holds
from guichet.procedures.definition import KEY_PATTERN, _check_condition
from guichet.procedures.fields import DISPLAY_ONLY, form_field, to_json

QUESTION_TYPES = {
    "text": "Texte court",
    "textarea": "Texte long",
    "choice": "Choix unique",
    "multichoice": "Choix multiple",
    "rating": "Note (échelle 1 à 5 ou 1 à 10)",
    "nps": "Recommandation (NPS, 0 à 10)",
    "matrix": "Matrice (une ligne par élément)",
    "ranking": "Classement",
    "yesno": "Oui / non",
    "date": "Date",
    "integer": "Nombre",
    "title": "Titre de section",
    "explanation": "Texte d'explication",
}
SHARED_TYPES = {"text", "textarea", "choice", "yesno", "date", "integer", "decimal", "title",
                "explanation"}
NUMERIC = {"rating", "nps", "integer", "decimal"}
OPEN_TYPES = {"text", "textarea", "date"}
CHOICE_TYPES = {"choice", "multichoice", "matrix", "ranking"}

pages = definitions.pages
all_questions = definitions.all_fields
prune = definitions.prune
visible_pages = definitions.visible_pages
unique_key = definitions.unique_key


def scale(question: dict) -> list[int]:
    if question.get("type") == "nps":
        return list(range(0, 11))
    return list(range(1, 11 if int(question.get("scale") or 5) == 10 else 6))


class MinMaxMultipleChoiceField(forms.MultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def __init__(self, *, low=None, high=None, **kwargs):
        self.low, self.high = low, high
        super().__init__(**kwargs)

    def validate(self, value):
        super().validate(value)
        if value and self.low and len(value) < self.low:
            raise ValidationError(f"Cochez au moins {self.low} réponses.")
        if value and self.high and len(value) > self.high:
            raise ValidationError(f"Cochez au plus {self.high} réponses.")


def _int(value) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def question_fields(question: dict) -> list[tuple[str, forms.Field]]:
    """The form fields of one question, by name: one for most, one per row for a matrix and
    one per item for a ranking (each item gets its rank: works without JavaScript)."""
    kind = question.get("type")
    key = question["key"]
    common = {"label": question.get("label", ""), "required": bool(question.get("required")),
              "help_text": question.get("help", "")}
    if kind in SHARED_TYPES:
        field = form_field(question)
        return [(key, field)] if field is not None else []
    if kind == "multichoice":
        return [(key, MinMaxMultipleChoiceField(
            choices=[(c, c) for c in question.get("choices", [])],
            low=_int(question.get("min_choices")), high=_int(question.get("max_choices")),
            **common))]
    if kind in ("rating", "nps"):
        points = scale(question)
        return [(key, forms.TypedChoiceField(
            choices=[(str(p), str(p)) for p in points], coerce=int, widget=forms.RadioSelect(
                attrs={"class": "scale"}), **common))]
    if kind == "matrix":
        result = []
        choices = [(c, c) for c in question.get("choices", [])]
        for index, row in enumerate(question.get("rows", [])):
            label = f"{question.get('label', '')} — {row}"
            field_common = {**common, "label": label, "help_text": ""}
            if question.get("multiple"):
                field = forms.MultipleChoiceField(choices=choices,
                                                  widget=forms.CheckboxSelectMultiple,
                                                  **field_common)
            else:
                field = forms.ChoiceField(choices=choices, widget=forms.RadioSelect,
                                          **field_common)
            result.append((f"{key}__{index}", field))
        return result
    if kind == "ranking":
        items = question.get("choices", [])
        ranks = [("", "—")] + [(str(n), str(n)) for n in range(1, len(items) + 1)]
        return [(f"{key}__{index}", forms.TypedChoiceField(
            label=f"{item} : rang", choices=ranks, coerce=int, empty_value=None,
            required=bool(question.get("required"))))
            for index, item in enumerate(items)]
    return []


def answer_value(question: dict, cleaned: dict):
    """The stored answer of one question from a form's cleaned data."""
    kind, key = question.get("type"), question["key"]
    if kind == "matrix":
        value = {}
        for index, row in enumerate(question.get("rows", [])):
            chosen = cleaned.get(f"{key}__{index}")
            if chosen not in (None, "", []):
                value[row] = chosen
        return value
    if kind == "ranking":
        ranked = [(cleaned.get(f"{key}__{i}"), item)
                  for i, item in enumerate(question.get("choices", []))]
        return [item for rank, item in sorted((r, i) for r, i in ranked if r)]
    value = cleaned.get(key)
    if kind in ("rating", "nps"):
        return value if value not in (None, "") else None
    return to_json(kind, value)


class SurveyPageForm(Form):
    """The questions of one page whose conditions hold on the answers so far."""

    def __init__(self, *args, page: dict, answers: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.page = page
        self.layout: list[tuple[str, dict, list[str]]] = []
        for question in page.get("fields", []):
            if not holds(question.get("condition"), answers):
                continue
            if question.get("type") in DISPLAY_ONLY:
                self.layout.append((question["type"], question, []))
                continue
            names = []
            for name, field in question_fields(question):
                self.fields[name] = field
                names.append(name)
            self.layout.append((question["type"], question, names))

    def clean(self):
        cleaned = super().clean()
        for kind, _question, names in self.layout:
            if kind != "ranking":
                continue
            ranks = [cleaned.get(n) for n in names if cleaned.get(n)]
            if len(ranks) != len(set(ranks)):
                self.add_error(names[0], "Chaque rang ne peut être donné qu'une fois.")
            elif ranks and len(ranks) != len(names):
                self.add_error(names[0], "Classez tous les éléments, ou aucun.")
        return cleaned

    def page_answers(self) -> dict:
        return {question["key"]: answer_value(question, self.cleaned_data)
                for kind, question, names in self.layout if names}

    def rows(self):
        """(kind, question, bound fields) for the template."""
        return [(kind, question, [self[n] for n in names]) for kind, question, names in self.layout]


def initial_for(page: dict, answers: dict) -> dict:
    initial = {}
    for question in page.get("fields", []):
        key, value = question["key"], answers.get(question["key"])
        if value in (None, "", [], {}):
            continue
        if question.get("type") == "matrix":
            for index, row in enumerate(question.get("rows", [])):
                if row in value:
                    initial[f"{key}__{index}"] = value[row]
        elif question.get("type") == "ranking":
            for index, item in enumerate(question.get("choices", [])):
                if item in value:
                    initial[f"{key}__{index}"] = value.index(item) + 1
        else:
            initial[key] = value
    return initial


def problems(definition: dict) -> list[str]:
    """What prevents opening this questionnaire, in French, for the builder."""
    found, seen = [], set()
    if not any(q.get("type") not in DISPLAY_ONLY for q in all_questions(definition)):
        found.append("Le questionnaire n'a aucune question.")
    for number, page in enumerate(pages(definition), start=1):
        _check_condition(page.get("condition"), seen, f"la page {number}", found)
        for question in page.get("fields", []):
            where = f"la question « {question.get('label') or question.get('key')} »"
            kind = question.get("type")
            if kind not in QUESTION_TYPES:
                found.append(f"Le type de {where} est inconnu.")
            if not KEY_PATTERN.match(question.get("key", "")):
                found.append(f"L'identifiant de {where} n'est pas valide.")
            if kind in CHOICE_TYPES and not question.get("choices"):
                found.append(f"Indiquez les choix proposés pour {where}.")
            if kind == "matrix" and not question.get("rows"):
                found.append(f"Indiquez les lignes de {where}.")
            _check_condition(question.get("condition"), seen, where, found)
            seen.add(question.get("key", ""))
    return found


def items_of(question: dict, value) -> list[dict]:
    """The `Answer` rows of one stored answer: what results group by."""
    kind = question.get("type")
    if value in (None, "", [], {}):
        return []
    if kind in ("rating", "nps", "integer", "decimal"):
        try:
            number = float(str(value).replace(",", "."))
        except ValueError:
            return []
        shown = str(value) if kind in ("rating", "nps") else ""
        return [{"choice": shown, "number": number}]
    if kind in ("choice", "yesno"):
        return [{"choice": str(value)}]
    if kind == "multichoice":
        return [{"choice": str(c), "first": int(i == 0)} for i, c in enumerate(value)]
    if kind == "ranking":
        return [{"choice": str(c), "number": float(i + 1), "first": int(i == 0)}
                for i, c in enumerate(value)]
    if kind == "matrix":
        rows = []
        for row, chosen in value.items():
            chosen = chosen if isinstance(chosen, list) else [chosen]
            rows.extend({"row": str(row)[:200], "choice": str(c), "first": int(i == 0)}
                        for i, c in enumerate(chosen))
        return rows
    return [{"text": str(value)}]
