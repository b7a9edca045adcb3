"""Address → coordinates through the French national address base (BAN) API, behind a small
adapter so that the service can be changed or turned off by settings.

Two failures are told apart, because callers answer them differently:

- the service answered and knows no such address (no result, or none scoring at least
  GEOCODER_MIN_SCORE): `geocode` returns None, and the user is asked to check what they typed;
- the service is turned off (GEOCODER_URL empty) or could not be used (connection refused,
  timeout, an HTTP error other than a refused query, a body that is not the expected GeoJSON):
  `geocode` raises `GeocoderUnavailable`, and callers fall back to what the user gave (a typed
  address kept as is, a point on the map)."""

from __future__ import annotations

import http.client
import json
import logging
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

from django.conf import settings

logger = logging.getLogger(__name__)

# The BAN answers 400 to a query it refuses to search (too short, not starting with a letter or
# a digit): the service works, the text is simply not an address.
REFUSED_QUERY = {400, 422}


class GeocoderUnavailable(Exception):
    """The address service is turned off or did not give a usable answer."""


@dataclass(frozen=True)
class Place:
    lat: float
    lon: float
    label: str
    postcode: str = ""
    citycode: str = ""


def geocoder_enabled() -> bool:
    return bool(settings.GEOCODER_URL)


def geocode(address: str) -> Place | None:
    """The best match for an address, or None when the service knows none (a blank address is
    never looked up). Raises GeocoderUnavailable when the service is off or unreachable."""
    address = address.strip()
    if not address:
        return None
    url = settings.GEOCODER_URL
    if not url:
        raise GeocoderUnavailable("geocoder turned off")
    query = urllib.parse.urlencode({"q": address[:200], "limit": 1})
    try:
        with urllib.request.urlopen(f"{url}?{query}", timeout=settings.GEOCODER_TIMEOUT) as r:
            data = json.load(r)
    except urllib.error.HTTPError as exc:
        if exc.code in REFUSED_QUERY:
            return None
        logger.warning("geocoding unavailable: HTTP %s", exc.code)
        raise GeocoderUnavailable(f"HTTP {exc.code}") from exc
    except (OSError, ValueError, http.client.HTTPException) as exc:
        # OSError: refused, reset, timed out, DNS; ValueError: not JSON (or not UTF-8);
        # HTTPException: not even HTTP (bad status line, truncated body).
        logger.warning("geocoding unavailable: %s", type(exc).__name__)
        raise GeocoderUnavailable(type(exc).__name__) from exc
    return _best(data, address)


def _best(data, address: str) -> Place | None:
    """The first feature of a GeoJSON FeatureCollection, if it scores high enough."""
    features = data.get("features") if isinstance(data, dict) else None
    if not isinstance(features, list):
        logger.warning("geocoding unavailable: not a FeatureCollection")
        raise GeocoderUnavailable("not a FeatureCollection")
    if not features:
        return None
    try:
        feature = features[0]
        properties = feature.get("properties") or {}
        score = float(properties.get("score", 1))
        lon, lat = (float(v) for v in feature["geometry"]["coordinates"][:2])
    except (AttributeError, KeyError, TypeError, ValueError) as exc:
        logger.warning("geocoding unavailable: malformed feature")
        raise GeocoderUnavailable("malformed feature") from exc
    if score < settings.GEOCODER_MIN_SCORE:
        return None
    return Place(lat=lat, lon=lon, label=str(properties.get("label") or address),
                 postcode=str(properties.get("postcode") or ""),
                 citycode=str(properties.get("citycode") or ""))
