"""Field types of a procedure and the form of one page of the tunnel, built from the published
definition. Values are stored as JSON: text, numbers as text, ISO dates, lists, and for a
repeatable block a list of dicts."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

import phonenumbers
from django import forms
from django.core.exceptions import ValidationError
from django.utils.formats import date_format
from stdnum import iban as stdnum_iban
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.fr import siret as stdnum_siret

from guichet.lib.forms import Form

from .conditions import holds

FIELD_TYPES = {
    "text": "Texte court",
    "textarea": "Texte long",
    "email": "Courriel",
    "phone": "Téléphone",
    "integer": "Nombre entier",
    "decimal": "Nombre décimal",
    "date": "Date",
    "yesno": "Oui / non",
    "choice": "Choix unique",
    "multichoice": "Choix multiple",
    "address": "Adresse",
    "siret": "Numéro SIRET",
    "rna": "Numéro RNA (association)",
    "iban": "IBAN",
    "file": "Fichier",
    "block": "Bloc répétable",
    "title": "Titre de section",
    "explanation": "Texte d'explication",
}
DISPLAY_ONLY = {"title", "explanation"}
# What a repeatable block may contain: neither files nor other blocks.
BLOCK_CHILD_TYPES = set(FIELD_TYPES) - {"file", "block"}
PREFILL_SOURCES = {
    "first_name": "Prénom",
    "last_name": "Nom",
    "email": "Courriel",
    "phone": "Téléphone",
    "address": "Adresse",
}
RNA_PATTERN = re.compile(r"^W[0-9][0-9AB][0-9]{7}$")
YES_NO = [("oui", "Oui"), ("non", "Non")]


def validate_phone(value: str) -> str:
    try:
        number = phonenumbers.parse(value, "FR")
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        raise ValidationError("Saisissez un numéro de téléphone valide, par exemple "
                              "03 87 12 34 56.")
    if number.country_code == 33:
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def validate_siret(value: str) -> str:
    compact = stdnum_siret.compact(value)
    if not compact.isdigit() or len(compact) != 14:
        raise ValidationError("Un numéro SIRET compte 14 chiffres.")
    try:
        return stdnum_siret.validate(compact)
    except StdnumError:
        raise ValidationError("Ce numéro SIRET n'existe pas : vérifiez les chiffres "
                              "(la clé de contrôle ne correspond pas).") from None


def validate_rna(value: str) -> str:
    compact = value.replace(" ", "").upper()
    if not RNA_PATTERN.match(compact):
        raise ValidationError("Un numéro RNA commence par W suivi de 9 caractères, par exemple "
                              "W572000123.")
    return compact


def validate_iban(value: str) -> str:
    compact = stdnum_iban.compact(value)
    try:
        return stdnum_iban.validate(compact)
    except StdnumError:
        raise ValidationError("Cet IBAN n'est pas valide : vérifiez les caractères (la clé de "
                              "contrôle ne correspond pas).") from None


def format_iban(value: str) -> str:
    return stdnum_iban.format(value) if value else ""


class FrenchDecimalField(forms.DecimalField):
    """Accepts « 1 234,50 » as residents write it."""

    def to_python(self, value):
        if isinstance(value, str):
            value = value.replace("\u202f", "").replace("\xa0", "").replace(" ", "")
            value = value.replace(",", ".")
        return super().to_python(value)


def _pattern_validator(field: dict):
    pattern = field.get("pattern")
    if not pattern:
        return None
    message = field.get("pattern_message") or "Le format de la réponse n'est pas celui attendu."

    def check(value):
        try:
            matched = re.fullmatch(pattern, str(value)) is not None
        except re.error:
            matched = True  # a broken pattern is reported in the builder, never to residents
        if not matched:
            raise ValidationError(message)
    return check


def _bounds(field: dict, convert):
    low = high = None
    try:
        if field.get("min") not in (None, ""):
            low = convert(field["min"])
        if field.get("max") not in (None, ""):
            high = convert(field["max"])
    except (ValueError, InvalidOperation):
        pass
    return low, high


def form_field(field: dict) -> forms.Field | None:
    """The Django form field for one definition, or None for display-only items."""
    kind = field.get("type", "text")
    common = {"label": field.get("label", ""), "required": bool(field.get("required")),
              "help_text": field.get("help", "")}
    validators = [v for v in [_pattern_validator(field)] if v]
    length = {}
    if field.get("max_length"):
        length["max_length"] = int(field["max_length"])
    if field.get("min_length"):
        length["min_length"] = int(field["min_length"])
    if kind == "text":
        return forms.CharField(validators=validators, **{"max_length": 255, **length}, **common)
    if kind in ("textarea", "address"):
        rows = 5 if kind == "textarea" else 3
        attrs = {"rows": rows}
        if kind == "address":
            attrs["autocomplete"] = "street-address"
        return forms.CharField(widget=forms.Textarea(attrs=attrs), validators=validators,
                               **{"max_length": 5000, **length}, **common)
    if kind == "email":
        return forms.EmailField(widget=forms.EmailInput(attrs={"autocomplete": "email"}),
                                error_messages={"invalid": "Saisissez une adresse de courriel "
                                                "valide, par exemple nom@exemple.fr."}, **common)
    if kind == "phone":
        from guichet.lib.phones import PhoneField

        return PhoneField(validators=validators, **common)
    if kind == "integer":
        low, high = _bounds(field, int)
        return forms.IntegerField(min_value=low, max_value=high, widget=forms.TextInput(
            attrs={"inputmode": "numeric"}), error_messages={
                "invalid": "Saisissez un nombre entier, sans virgule."}, **common)
    if kind == "decimal":
        low, high = _bounds(field, Decimal)
        return FrenchDecimalField(min_value=low, max_value=high, decimal_places=2,
                                  max_digits=14, widget=forms.TextInput(
                                      attrs={"inputmode": "decimal"}), error_messages={
                                      "invalid": "Saisissez un nombre, par exemple 1 250,50."},
                                  **common)
    if kind == "date":
        low, high = _bounds(field, dt.date.fromisoformat)
        return DateField(low=low, high=high, **common)
    if kind == "yesno":
        return forms.ChoiceField(choices=YES_NO, widget=forms.RadioSelect, **common)
    if kind == "choice":
        choices = [(c, c) for c in field.get("choices", [])]
        if field.get("widget") == "select":
            return forms.ChoiceField(choices=[("", "— Choisissez —"), *choices], **common)
        return forms.ChoiceField(choices=choices, widget=forms.RadioSelect, **common)
    if kind == "multichoice":
        return forms.MultipleChoiceField(choices=[(c, c) for c in field.get("choices", [])],
                                         widget=forms.CheckboxSelectMultiple, **common)
    if kind == "siret":
        return forms.CharField(max_length=20, validators=[], **common)
    if kind in ("rna", "iban"):
        return forms.CharField(max_length=42, **common)
    if kind == "file":
        return forms.FileField(**common)
    return None


CLEANERS = {"phone": validate_phone, "siret": validate_siret, "rna": validate_rna,
            "iban": validate_iban}


class DateField(forms.DateField):
    """A date typed as 31/12/2026 or chosen in the browser's date picker, within bounds."""

    widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    input_formats = ["%Y-%m-%d", "%d/%m/%Y"]

    def __init__(self, *, low=None, high=None, **kwargs):
        self.low, self.high = low, high
        kwargs.setdefault("error_messages", {
            "invalid": "Saisissez une date valide, par exemple 14/07/2026."})
        super().__init__(**kwargs)

    def validate(self, value):
        super().validate(value)
        if value and self.low and value < self.low:
            raise ValidationError("La date doit être le %(low)s ou après.",
                                  params={"low": date_format(self.low, "j F Y")})
        if value and self.high and value > self.high:
            raise ValidationError("La date doit être le %(high)s ou avant.",
                                  params={"high": date_format(self.high, "j F Y")})


def to_json(kind: str, value):
    """What is stored in the submission's answers."""
    if value in (None, ""):
        return "" if kind not in ("multichoice",) else []
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def display(field: dict, value) -> str:
    """An answer as residents and agents read it (summary page, PDF, exports)."""
    kind = field.get("type")
    if value in (None, "", []):
        return ""
    if kind == "date":
        try:
            return date_format(dt.date.fromisoformat(value), "j F Y")
        except (TypeError, ValueError):
            return str(value)
    if kind == "decimal":
        return str(value).replace(".", ",")
    if kind == "yesno":
        return "Oui" if value == "oui" else "Non"
    if kind == "multichoice":
        return ", ".join(value)
    if kind == "iban":
        return format_iban(value)
    if kind == "block":
        parts = []
        for number, item in enumerate(value, start=1):
            inner = "; ".join(f"{c['label']} : {display(c, item.get(c['key']))}"
                              for c in field.get("fields", []) if c.get("type") not in DISPLAY_ONLY
                              and item.get(c["key"]) not in (None, "", []))
            parts.append(f"{field.get('item_label') or 'Élément'} {number} — {inner}")
        return "\n".join(parts)
    return str(value)


def visible_fields(page: dict, answers: dict) -> list[dict]:
    return [f for f in page.get("fields", []) if holds(f.get("condition"), answers)]


def block_count(field: dict, answers: dict, data=None) -> int:
    if data is not None and f"{field['key']}-count" in data:
        try:
            count = int(data[f"{field['key']}-count"])
        except ValueError:
            count = 1
    else:
        count = len(answers.get(field["key"]) or []) or 1
    return max(1, min(count, int(field.get("max_items") or 20)))


class PageForm(Form):
    """One page of the tunnel: the fields whose conditions hold on the answers so far. Files are
    handled by the tunnel (kept across steps), so file fields are never required here."""

    def __init__(self, *args, page: dict, answers: dict, block_counts: dict | None = None,
                 **kwargs):
        super().__init__(*args, **kwargs)
        self.page = page
        self.answers = answers
        self.layout: list[tuple[str, object]] = []
        counts = block_counts or {}
        for field in visible_fields(page, answers):
            kind = field.get("type")
            if kind in DISPLAY_ONLY:
                self.layout.append((kind, field))
                continue
            if kind == "block":
                items = []
                count = counts.get(field["key"]) or block_count(
                    field, answers, self.data if self.is_bound else None)
                for index in range(count):
                    names = []
                    for child in field.get("fields", []):
                        if child.get("type") in DISPLAY_ONLY:
                            continue
                        django_field = form_field(child)
                        name = f"{field['key']}-{index}-{child['key']}"
                        self.fields[name] = django_field
                        names.append(name)
                    items.append(names)
                self.layout.append(("block", {"field": field, "items": items}))
                continue
            django_field = form_field(field)
            if kind == "file":
                django_field.required = False
            self.fields[field["key"]] = django_field
            self.layout.append(("field", field["key"]))

    def clean(self):
        cleaned = super().clean()
        for name, value in list(cleaned.items()):
            kind = self._kind(name)
            if kind in CLEANERS and value:
                try:
                    cleaned[name] = CLEANERS[kind](value)
                except ValidationError as error:
                    self.add_error(name, error)
        return cleaned

    def _kind(self, name: str) -> str:
        parts = name.split("-")
        for field in self.page.get("fields", []):
            if field["key"] == parts[0]:
                if len(parts) == 3:
                    child = next((c for c in field.get("fields", []) if c["key"] == parts[2]), {})
                    return child.get("type", "")
                return field.get("type", "")
        return ""

    def answers_of_page(self) -> dict:
        """The cleaned answers of this page, blocks regrouped, files left out."""
        result = {}
        for kind, item in self.layout:
            if kind == "field":
                field = next(f for f in self.page["fields"] if f["key"] == item)
                if field["type"] == "file":
                    continue
                result[item] = to_json(field["type"], self.cleaned_data.get(item))
            elif kind == "block":
                field = item["field"]
                rows = []
                for names in item["items"]:
                    row = {}
                    for name in names:
                        child_key = name.split("-", 2)[2]
                        child = next(c for c in field["fields"] if c["key"] == child_key)
                        row[child_key] = to_json(child["type"], self.cleaned_data.get(name))
                    if any(v not in ("", [], None) for v in row.values()):
                        rows.append(row)
                result[field["key"]] = rows
        return result


def initial_for(page: dict, answers: dict) -> dict:
    """Form initial values from stored answers, blocks spread over their numbered fields."""
    initial = {}
    for field in page.get("fields", []):
        value = answers.get(field["key"])
        if field.get("type") == "block":
            for index, row in enumerate(value or []):
                for key, child_value in row.items():
                    initial[f"{field['key']}-{index}-{key}"] = child_value
        elif value not in (None, ""):
            initial[field["key"]] = value
    return initial
