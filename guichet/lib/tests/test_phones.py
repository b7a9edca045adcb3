"""Phone numbers: checked, stored in E.164, shown in French, SMS only to mobiles."""

import pytest
from django.core.exceptions import ValidationError

from guichet.lib.phones import PhoneField, display, is_french_mobile, normalise, normalise_or_keep


@pytest.mark.parametrize("typed", ["06 12 34 56 78", "06.12.34.56.78", "0612345678",
                                   "+33 6 12 34 56 78", "0033612345678", "+33 (0)6 12 34 56 78"])
def test_usual_ways_of_typing_a_mobile_are_stored_in_e164(typed):
    assert normalise(typed) == "+33612345678"
    assert display(normalise(typed)) == "06 12 34 56 78"


def test_what_is_not_a_number_is_refused_in_french():
    for typed in ("pas de téléphone", "06 12", "12345678901234"):
        with pytest.raises(ValidationError) as error:
            normalise(typed)
        assert "par exemple 06 12 34 56 78" in error.value.messages[0]
    assert normalise_or_keep("voir avec le voisin") == "voir avec le voisin"


def test_only_french_mobiles_receive_sms():
    assert is_french_mobile("06 12 34 56 78") and is_french_mobile("+33781234567")
    assert is_french_mobile("0690 12 34 56")  # Guadeloupe mobile
    assert not is_french_mobile("03 87 12 34 56")  # a landline
    assert not is_french_mobile("+44 7911 123456")  # a British mobile
    assert not is_french_mobile("n'importe quoi")


def test_the_form_field_cleans_and_shows_french():
    field = PhoneField(required=False)
    assert field.clean("07 81 22 33 44") == "+33781223344"
    assert field.clean("") == ""
    assert field.prepare_value("+33387123456") == "03 87 12 34 56"
    with pytest.raises(ValidationError):
        field.clean("abc")
