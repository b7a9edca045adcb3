"""Changes to the territory that carry a rule."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from guichet.lib.geo import bounds, contains

from .models import Boundary, Organisation


def boundary_set(*, organisation: Organisation, geojson: dict) -> Boundary:
    """Store a commune's outline; refuse anything that is not a usable Polygon/MultiPolygon."""
    if geojson.get("type") == "FeatureCollection":
        features = geojson.get("features") or []
        if len(features) != 1:
            raise ValidationError("Le fichier doit contenir un seul contour.")
        geojson = features[0]
    if geojson.get("type") == "Feature":
        geojson = geojson.get("geometry") or {}
    try:
        min_lat, min_lon, max_lat, max_lon = bounds(geojson)
        contains(geojson, min_lat, min_lon)
    except (KeyError, TypeError, IndexError, ValueError) as exc:
        raise ValidationError(f"Contour illisible : {exc}") from exc
    boundary, _ = Boundary.objects.update_or_create(
        organisation=organisation,
        defaults={"geojson": geojson, "min_lat": min_lat, "min_lon": min_lon,
                  "max_lat": max_lat, "max_lon": max_lon},
    )
    return boundary
