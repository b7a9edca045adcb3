"""The address adapter against a small BAN-like server on loopback (the `ban` fixture answers in
the BAN API's GeoJSON), against a closed port, and turned off."""

import time

import pytest

from guichet.lib.geocoding import GeocoderUnavailable, geocode


def test_an_address_is_found(ban):
    place = geocode("12 rue Foch, Hayange")
    assert (place.lat, place.lon, place.postcode, place.citycode) == (49.33, 6.05, "57700",
                                                                     "57306")
    assert place.label == "12 Rue Foch 57700 Hayange"
    assert ban.queries == ["12 rue Foch, Hayange"]


def test_an_address_the_service_does_not_know_is_none(ban):
    assert geocode("nulle part") is None  # an empty FeatureCollection
    assert geocode("adresse vague") is None  # a match below GEOCODER_MIN_SCORE


def test_the_minimum_score_comes_from_the_settings(ban, settings):
    settings.GEOCODER_MIN_SCORE = 0.1
    assert geocode("adresse vague").label == "Quelque part"


def test_a_blank_address_is_never_looked_up(ban):
    assert geocode("   ") is None
    assert ban.queries == []


def test_a_closed_port_is_unavailable_not_unknown(ban_unreachable):
    with pytest.raises(GeocoderUnavailable):
        geocode("12 rue Foch, Hayange")


def test_a_server_error_is_unavailable(ban):
    with pytest.raises(GeocoderUnavailable):
        geocode("12 rue de la panne, Hayange")


def test_a_slow_answer_is_unavailable_after_the_timeout(ban, settings):
    settings.GEOCODER_TIMEOUT = 0.3
    started = time.monotonic()
    with pytest.raises(GeocoderUnavailable):
        geocode("12 rue lente, Hayange")
    assert time.monotonic() - started < 1.5  # the server would answer after 2 s


def test_an_answer_that_is_not_geojson_is_unavailable(ban):
    with pytest.raises(GeocoderUnavailable):
        geocode("3 impasse de la casse, Hayange")


def test_turned_off_is_unavailable(settings):
    settings.GEOCODER_URL = ""
    with pytest.raises(GeocoderUnavailable):
        geocode("12 rue Foch, Hayange")
