"""Phone numbers as residents and agents type them, checked with phonenumbers (Google's
libphonenumber): stored in E.164 (+33612345678), shown the French way (06 12 34 56 78), and
SMS only to mobiles (metropolitan 06/07 and the overseas departments' mobiles)."""

from __future__ import annotations

import phonenumbers
from django import forms
from django.core.exceptions import ValidationError

REGION = "FR"
INVALID = "Saisissez un numéro de téléphone valide, par exemple 06 12 34 56 78."
# Regions whose numbers are dialled as French national numbers (0…): metropolitan France and
# the overseas departments and collectivities.
FRENCH_REGIONS = {"FR", "GP", "MQ", "GF", "RE", "YT", "PM", "BL", "MF"}
MOBILE_TYPES = {phonenumbers.PhoneNumberType.MOBILE}


def _parse(value: str):
    # A national number (0…) is tried as metropolitan first, then as an overseas one
    # (0690… is a Guadeloupe mobile, not a metropolitan number).
    for region in (REGION, *sorted(FRENCH_REGIONS - {REGION})):
        try:
            number = phonenumbers.parse(value, region)
        except phonenumbers.NumberParseException:
            return None
        if phonenumbers.is_valid_number(number):
            return number
        if value.lstrip().startswith(("+", "00")):
            return None
    return None


def normalise(value: str) -> str:
    """The number in E.164, or ValidationError (French message) when it is not a number."""
    number = _parse((value or "").strip())
    if number is None:
        raise ValidationError(INVALID, code="invalid")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def normalise_or_keep(value: str) -> str:
    """E.164 when the number parses, the text unchanged otherwise (old data)."""
    try:
        return normalise(value)
    except ValidationError:
        return value


def display(value: str) -> str:
    """06 12 34 56 78 for French numbers, +44 20 7946 0958 for others, as typed if unparsable."""
    number = _parse((value or "").strip())
    if number is None:
        return value or ""
    if phonenumbers.region_code_for_number(number) in FRENCH_REGIONS:
        national = phonenumbers.national_significant_number(number)
        digits = "0" + national if len(national) == 9 else national
        return " ".join(digits[i:i + 2] for i in range(0, len(digits), 2))
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def is_french_mobile(value: str) -> bool:
    """A French mobile (06, 07, +33 6/7, or an overseas department's mobile)."""
    number = _parse((value or "").strip())
    return (number is not None
            and phonenumbers.region_code_for_number(number) in FRENCH_REGIONS
            and phonenumbers.number_type(number) in MOBILE_TYPES)


class PhoneField(forms.CharField):
    """A phone number typed in any usual way, cleaned to E.164; empty stays empty."""

    widget = forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"})
    default_error_messages = {"invalid": INVALID}

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 30)
        super().__init__(**kwargs)

    def prepare_value(self, value):
        return display(value) if value else value

    def to_python(self, value):
        value = super().to_python(value)
        return normalise(value) if value else value
