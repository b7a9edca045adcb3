"""The official Open311 GeoReport v2 JSON schemas (copied from the Open311 reference, see
schemas/) and a helper that reads the XML variant back into the same shape."""

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from jsonschema import Draft7Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT7

from guichet.reports.models import ApiKey

SCHEMAS = Path(__file__).parent / "schemas"
_registry = Registry().with_resources(
    (path.name, Resource.from_contents(json.loads(path.read_text()),
                                       default_specification=DRAFT7))
    for path in SCHEMAS.glob("*.json") if path.name != "swagger.json"
)


def assert_valid(document, schema_name: str) -> None:
    schema = json.loads((SCHEMAS / schema_name).read_text())
    validator = Draft7Validator(schema, registry=_registry, format_checker=FormatChecker())
    problems = [f"{list(e.path)}: {e.message}" for e in validator.iter_errors(document)]
    assert problems == []


LISTS = {"services", "service_requests", "attributes", "values", "errors", "endpoints",
         "formats"}


def xml_data(content: bytes):
    """The XML document as JSON-like data: lists for the spec's list elements, text otherwise."""

    def convert(element):
        children = list(element)
        if element.tag in LISTS:
            return [convert(child) for child in children]
        if children:
            return {child.tag: convert(child) for child in children}
        return element.text

    return convert(ET.fromstring(content))


def as_text(value):
    """JSON data with every leaf as XML would write it."""
    if isinstance(value, dict):
        return {k: as_text(v) for k, v in value.items()}
    if isinstance(value, list):
        return [as_text(v) for v in value]
    if isinstance(value, bool):
        return "true" if value else "false"
    return None if value is None else str(value)


@pytest.fixture(autouse=True)
def _long_rate_window(settings):
    settings.OPEN311_RATE_WINDOW_SECONDS = RATE_WINDOW


@pytest.fixture
def api_key(db):
    return ApiKey.objects.create(name="Application municipale", requests_per_minute=5)


RATE_WINDOW = 3600


def wait_for_a_fresh_window(*values: str, period: int = RATE_WINDOW, needed: int = 60) -> None:
    """Rate limits count in fixed windows (django-ratelimit's, shifted per counted value): a
    test that needs several attempts in the same window starts early enough in it."""
    import time

    from django_ratelimit.core import _get_window

    for _ in range(len(values) + 1):
        left = min(_get_window(value, period) - time.time() for value in values)
        if left >= needed:
            return
        time.sleep(max(left, 0) + 0.2)
