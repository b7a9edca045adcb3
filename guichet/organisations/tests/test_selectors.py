"""Which commune a typed address names, when the address service cannot tell."""

import pytest

from conftest import make_org
from guichet.organisations.selectors import commune_in_address, communes_covered
from guichet.organisations.services import boundary_set
from guichet.reports.tests.fixtures import FLORANGE, HAYANGE


@pytest.fixture
def communes(epci):
    made = {}
    for name, prefix, postcodes, outline in (("Hayange", "HAY", "57700", HAYANGE),
                                             ("Florange", "FLO", "57190", FLORANGE),
                                             ("Saint-Nicolas-en-Forêt", "SNF", "57700", HAYANGE)):
        org = make_org(name, prefix=prefix, epci=epci)
        org.postcodes = postcodes
        org.save()
        boundary_set(organisation=org, geojson=outline)
        made[prefix] = org
    make_org("Sans contour", prefix="SC")  # not covered: reports cannot be routed there
    return made


@pytest.mark.parametrize("address, expected", [
    ("12 rue Foch, 57700 Hayange", "HAY"),
    ("12 rue Foch hayange", "HAY"),
    ("8 rue de la Gare 57190", "FLO"),  # the postcode alone, when only one commune has it
    ("3 rue de Florange, Hayange", "HAY"),  # the commune comes last
    ("1 place de l'Église, St Nicolas en Foret", "SNF"),  # accents, hyphens, « St »
    ("2 rue Haute, 57700 Saint-Nicolas-en-Forêt", "SNF"),  # a shared postcode, and the name
])
def test_the_commune_is_found_by_postcode_and_name(communes, address, expected):
    assert commune_in_address(address) == communes[expected]


@pytest.mark.parametrize("address", [
    "12 rue Foch",
    "12 rue Foch, 57700",  # shared by two communes, no name to tell them apart
    "Rue de Hayangeville",  # only whole words count
    "4 rue du Contour, Sans contour",
])
def test_nothing_or_an_ambiguous_match_is_none(communes, address):
    assert commune_in_address(address) is None


def test_only_active_communes_with_an_outline_are_covered(communes):
    communes["FLO"].is_active = False
    communes["FLO"].save()
    assert [c.name for c in communes_covered()] == ["Hayange", "Saint-Nicolas-en-Forêt"]
    assert commune_in_address("8 rue de la Gare, 57190 Florange") is None
