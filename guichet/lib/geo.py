"""Plane geometry on WGS84 coordinates, enough for a territory: which commune a point falls in
(GeoJSON Polygon or MultiPolygon, holes included) and distances of a few hundred metres.
No GIS server: a bounding box narrows the candidates, then exact tests run in Python."""

from __future__ import annotations

import math

EARTH_RADIUS_M = 6_371_008.8


def _rings_contain(lon: float, lat: float, ring: list) -> bool:
    """Ray casting: a point is inside a ring if a ray from it crosses the ring an odd number of
    times."""
    inside = False
    j = len(ring) - 1
    for i in range(len(ring)):
        xi, yi = ring[i][0], ring[i][1]
        xj, yj = ring[j][0], ring[j][1]
        if (yi > lat) != (yj > lat) and lon < (xj - xi) * (lat - yi) / (yj - yi) + xi:
            inside = not inside
        j = i
    return inside


def _polygon_contains(lon: float, lat: float, rings: list) -> bool:
    if not rings or not _rings_contain(lon, lat, rings[0]):
        return False
    return not any(_rings_contain(lon, lat, hole) for hole in rings[1:])


def contains(geometry: dict, lat: float, lon: float) -> bool:
    """Whether a GeoJSON geometry (Polygon, MultiPolygon, or a Feature of one) holds the point."""
    if geometry.get("type") == "Feature":
        geometry = geometry.get("geometry") or {}
    kind, coordinates = geometry.get("type"), geometry.get("coordinates") or []
    if kind == "Polygon":
        return _polygon_contains(lon, lat, coordinates)
    if kind == "MultiPolygon":
        return any(_polygon_contains(lon, lat, polygon) for polygon in coordinates)
    raise ValueError(f"Géométrie non prise en charge : {kind!r} (Polygon ou MultiPolygon).")


def bounds(geometry: dict) -> tuple[float, float, float, float]:
    """(min_lat, min_lon, max_lat, max_lon) of a Polygon or MultiPolygon."""
    if geometry.get("type") == "Feature":
        geometry = geometry.get("geometry") or {}
    polygons = (geometry["coordinates"] if geometry.get("type") == "MultiPolygon"
                else [geometry.get("coordinates") or []])
    points = [point for polygon in polygons for ring in polygon for point in ring]
    if not points:
        raise ValueError("Géométrie vide.")
    lons = [p[0] for p in points]
    lats = [p[1] for p in points]
    return min(lats), min(lons), max(lats), max(lons)


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in metres (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(a))


def box_around(lat: float, lon: float, radius_m: float) -> tuple[float, float, float, float]:
    """(min_lat, min_lon, max_lat, max_lon) of a square that holds the circle: a cheap indexed
    filter before the exact distance."""
    dlat = math.degrees(radius_m / EARTH_RADIUS_M)
    dlon = math.degrees(radius_m / (EARTH_RADIUS_M * max(math.cos(math.radians(lat)), 1e-6)))
    return lat - dlat, lon - dlon, lat + dlat, lon + dlon


def valid_point(lat: float, lon: float) -> bool:
    return -90 <= lat <= 90 and -180 <= lon <= 180


def polygon_from_points(points: list) -> dict:
    """A GeoJSON Polygon from [lon, lat] points drawn on a map: 3 to 200 distinct valid
    points, the ring closed. ValueError (in French) otherwise."""
    if not isinstance(points, list):
        raise ValueError("Le tracé n'est pas une liste de points.")
    ring = []
    for point in points:
        if (not isinstance(point, list | tuple) or len(point) != 2
                or not all(isinstance(v, int | float) for v in point)
                or not valid_point(point[1], point[0])):
            raise ValueError("Un point du tracé n'est pas une position valide.")
        ring.append([round(float(point[0]), 6), round(float(point[1]), 6)])
    if len(ring) > 1 and ring[0] == ring[-1]:
        ring.pop()
    if len({tuple(p) for p in ring}) < 3:
        raise ValueError("Tracez au moins trois points pour fermer une zone.")
    if len(ring) > 200:
        raise ValueError("Le tracé a trop de points (200 au plus).")
    return {"type": "Polygon", "coordinates": [ring + [ring[0]]]}


def bounding_circle(geometry: dict) -> tuple[float, float, float]:
    """(lat, lon, radius in metres) of a circle around a Polygon or MultiPolygon."""
    min_lat, min_lon, max_lat, max_lon = bounds(geometry)
    lat, lon = (min_lat + max_lat) / 2, (min_lon + max_lon) / 2
    return lat, lon, distance_m(min_lat, min_lon, lat, lon)


def meets(geometry: dict, lat: float, lon: float, radius_m: float = 0) -> bool:
    """Whether a circle (a point when radius_m is 0) touches the polygon: its centre inside, or
    a vertex of the polygon within its radius (near enough for streets and districts)."""
    if contains(geometry, lat, lon):
        return True
    if not radius_m:
        return False
    if geometry.get("type") == "Feature":
        geometry = geometry.get("geometry") or {}
    polygons = (geometry["coordinates"] if geometry.get("type") == "MultiPolygon"
                else [geometry.get("coordinates") or []])
    return any(distance_m(lat, lon, p[1], p[0]) <= radius_m
               for polygon in polygons for ring in polygon for p in ring)
