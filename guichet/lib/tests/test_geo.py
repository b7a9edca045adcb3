import pytest

from guichet.lib.geo import bounds, box_around, contains, distance_m

SQUARE = {"type": "Polygon", "coordinates": [
    [[6.0, 49.0], [6.1, 49.0], [6.1, 49.1], [6.0, 49.1], [6.0, 49.0]],
    [[6.04, 49.04], [6.06, 49.04], [6.06, 49.06], [6.04, 49.06], [6.04, 49.04]],  # a hole
]}


def test_points_inside_outside_and_in_a_hole():
    assert contains(SQUARE, 49.02, 6.02)
    assert not contains(SQUARE, 49.2, 6.02)
    assert not contains(SQUARE, 49.05, 6.05)  # in the hole


def test_multipolygons_and_features():
    far = [[[7.0, 48.0], [7.1, 48.0], [7.1, 48.1], [7.0, 48.0]]]
    multi = {"type": "Feature", "geometry": {"type": "MultiPolygon",
                                             "coordinates": [SQUARE["coordinates"], far]}}
    assert contains(multi, 48.01, 7.08)
    assert contains(multi, 49.02, 6.02)
    assert not contains(multi, 48.5, 6.5)
    assert bounds(multi) == (48.0, 6.0, 49.1, 7.1)


def test_other_geometries_are_refused():
    with pytest.raises(ValueError):
        contains({"type": "Point", "coordinates": [6, 49]}, 49, 6)


def test_distances_and_boxes():
    # One thousandth of a degree of latitude is about 111 m.
    assert distance_m(49.0, 6.0, 49.001, 6.0) == pytest.approx(111.2, abs=0.5)
    min_lat, min_lon, max_lat, max_lon = box_around(49.0, 6.0, 50)
    assert distance_m(49.0, 6.0, max_lat, 6.0) == pytest.approx(50, abs=0.1)
    assert distance_m(49.0, 6.0, 49.0, max_lon) == pytest.approx(50, abs=0.1)
