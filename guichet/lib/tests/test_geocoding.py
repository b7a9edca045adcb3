"""The address adapter against a small BAN-like server on loopback, and without network."""

from guichet.lib.geocoding import geocode


def test_an_address_is_found(ban):
    place = geocode("12 rue Foch, Hayange")
    assert (place.lat, place.lon, place.postcode) == (49.33, 6.05, "57700")
    assert place.label == "12 Rue Foch 57700 Hayange"


def test_a_weak_or_missing_match_is_none(ban):
    assert geocode("adresse vague") is None
    assert geocode("nulle part") is None
    assert geocode("   ") is None


def test_without_the_service_nothing_breaks(settings):
    settings.GEOCODER_URL = "http://127.0.0.1:9/search"  # nothing listens there
    assert geocode("12 rue Foch") is None
    settings.GEOCODER_URL = ""
    assert geocode("12 rue Foch") is None
