"""Address → coordinates through the French national address base (BAN) API, behind a small
adapter so that the service can be changed or turned off by settings. Without network, callers
fall back to what the user gave (a typed address, a point on the map)."""

from __future__ import annotations

import json
import logging
import urllib.parse
import urllib.request
from dataclasses import dataclass

from django.conf import settings

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Place:
    lat: float
    lon: float
    label: str
    postcode: str = ""
    citycode: str = ""


def geocode(address: str) -> Place | None:
    """The best match for an address, or None (no match, service off or unreachable)."""
    url = settings.GEOCODER_URL
    if not url or not address.strip():
        return None
    query = urllib.parse.urlencode({"q": address.strip()[:200], "limit": 1})
    try:
        with urllib.request.urlopen(f"{url}?{query}", timeout=settings.GEOCODER_TIMEOUT) as r:
            data = json.load(r)
    except (OSError, ValueError) as exc:
        logger.warning("geocoding unavailable: %s", type(exc).__name__)
        return None
    features = data.get("features") or []
    if not features:
        return None
    feature = features[0]
    properties = feature.get("properties") or {}
    if properties.get("score", 1) < settings.GEOCODER_MIN_SCORE:
        return None
    lon, lat = feature["geometry"]["coordinates"][:2]
    return Place(lat=float(lat), lon=float(lon), label=properties.get("label", address),
                 postcode=properties.get("postcode", ""), citycode=properties.get("citycode", ""))
