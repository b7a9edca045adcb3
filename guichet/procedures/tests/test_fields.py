"""Every field type refuses bad values with a French message, and conditions hold as written."""

import pytest
from django.http import QueryDict

from guichet.procedures import definition as definitions
from guichet.procedures.conditions import describe, holds
from guichet.procedures.fields import PageForm

from .fixtures import CANTEEN


def _form(fields, data):
    query = QueryDict(mutable=True)
    for key, value in data.items():
        if isinstance(value, list):
            query.setlist(key, value)
        else:
            query[key] = value
    form = PageForm(query, page={"title": "T", "fields": fields}, answers={})
    form.is_valid()
    return form


@pytest.mark.parametrize("field,value,message", [
    ({"type": "siret"}, "73282932000075", "SIRET n'existe pas"),
    ({"type": "siret"}, "1234", "14 chiffres"),
    ({"type": "iban"}, "FR76 3000 6000 0112 3456 7890 188", "IBAN n'est pas valide"),
    ({"type": "rna"}, "X123", "commence par W"),
    ({"type": "phone"}, "01 23", "numéro de téléphone valide"),
    ({"type": "email"}, "alice@", "adresse de courriel valide"),
    ({"type": "integer", "min": 1, "max": 6}, "9", "inférieure ou égale à 6"),
    ({"type": "integer"}, "2,5", "nombre entier"),
    ({"type": "decimal"}, "douze", "Saisissez un nombre"),
    ({"type": "date", "min": "2010-01-01", "max": "2024-12-31"}, "2030-01-01",
     "31 décembre 2024 ou avant"),
    ({"type": "date"}, "31/02/2026", "date valide"),
    ({"type": "text", "pattern": "[0-9]{7}", "pattern_message": "Sept chiffres."}, "12",
     "Sept chiffres."),
    ({"type": "text", "max_length": 5}, "abcdefgh", "au plus 5 caractères"),
    ({"type": "choice", "choices": ["A", "B"]}, "C", "Sélectionnez un choix valide"),
])
def test_bad_values_are_refused_in_french(field, value, message):
    form = _form([{"key": "x", "label": "X", "required": True, **field}], {"x": value})
    assert message in " ".join(form.errors["x"])


@pytest.mark.parametrize("field,value,stored", [
    ({"type": "siret"}, "732 829 320 00074", "73282932000074"),
    ({"type": "iban"}, "fr76 3000 6000 0112 3456 7890 189", "FR7630006000011234567890189"),
    ({"type": "rna"}, "w572000123", "W572000123"),
    ({"type": "phone"}, "0387123456", "03 87 12 34 56"),
    ({"type": "decimal"}, "1 250,50", "1250.50"),
    ({"type": "date"}, "14/07/2026", "2026-07-14"),
    ({"type": "yesno"}, "oui", "oui"),
])
def test_good_values_are_stored_normalised(field, value, stored):
    form = _form([{"key": "x", "label": "X", "required": True, **field}], {"x": value})
    assert not form.errors
    assert form.answers_of_page() == {"x": stored}


def test_a_repeatable_block_gives_one_dict_per_item_and_checks_each():
    block = CANTEEN["pages"][1]["fields"]
    form = _form(block, {"children-count": "2", "children-0-first_name": "Léo",
                         "children-0-birth_date": "2018-05-04", "children-1-first_name": "Zoé",
                         "children-1-birth_date": "2031-01-01"})
    assert "children-1-birth_date" in form.errors
    form = _form(block, {"children-count": "2", "children-0-first_name": "Léo",
                         "children-0-birth_date": "2018-05-04", "children-1-first_name": "Zoé",
                         "children-1-birth_date": "2019-01-01"})
    assert form.answers_of_page() == {"children": [
        {"first_name": "Léo", "birth_date": "2018-05-04"},
        {"first_name": "Zoé", "birth_date": "2019-01-01"}]}


@pytest.mark.parametrize("condition,expected", [
    ({"field": "a", "op": "eq", "value": "oui"}, True),
    ({"field": "a", "op": "ne", "value": "oui"}, False),
    ({"field": "n", "op": "gt", "value": "3"}, True),
    ({"field": "n", "op": "lt", "value": "3"}, False),
    ({"field": "tags", "op": "contains", "value": "vélo"}, True),
    ({"field": "missing", "op": "empty"}, True),
    ({"field": "a", "op": "not_empty"}, True),
    ({"all": [{"field": "a", "op": "eq", "value": "oui"},
              {"field": "n", "op": "lt", "value": "3"}]}, False),
    ({"any": [{"field": "a", "op": "eq", "value": "non"},
              {"field": "n", "op": "gt", "value": "3"}]}, True),
    ({"field": "a", "op": "__import__", "value": "os"}, False),
])
def test_conditions(condition, expected):
    answers = {"a": "oui", "n": "4,5", "tags": ["vélo", "marche"]}
    assert holds(condition, answers) is expected


def test_a_condition_reads_in_french():
    assert describe({"field": "a", "op": "eq", "value": "oui"}, {"a": "Allocataire"}) == (
        "« Allocataire » est égal à « oui »")


def test_a_hidden_field_loses_its_value_and_never_blocks():
    answers = {"parent_name": "Durand", "phone": "03 87 12 34 56", "allocataire": "non",
               "caf_number": "12", "children": [{"first_name": "Léo",
                                                  "birth_date": "2018-05-04"}]}
    assert "caf_number" not in definitions.prune(CANTEEN, answers)
    assert definitions.validate(CANTEEN, answers) == {}
    answers["allocataire"] = "oui"
    failing = definitions.validate(CANTEEN, answers)
    assert list(failing) == [0]
    assert "7 chiffres" in str(failing[0].errors["caf_number"])


def test_the_builder_checks_are_in_french():
    broken = {"pages": [{"title": "", "fields": [
        {"key": "Bad Key", "type": "text", "label": "Nom"},
        {"key": "b", "type": "choice", "label": "Choix", "purpose": "x",
         "condition": {"field": "later", "op": "eq", "value": "1"}},
        {"key": "c", "type": "text", "label": "C", "purpose": "x", "pattern": "(["},
    ]}]}
    found = " ".join(definitions.problems(broken))
    assert "La page 1 n'a pas de titre" in found
    assert "lettre minuscule" in found
    assert "aucun choix" in found
    assert "champ placé avant" in found
    assert "pourquoi vous demandez" in found
    assert "expression valide" in found
    assert definitions.problems(CANTEEN) == []
