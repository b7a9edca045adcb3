from __future__ import annotations

import re
import unicodedata

from django.conf import settings
from django.db.models import Prefetch

from .models import ElectedOfficial, Organisation, Unit


def territory_organisation() -> Organisation | None:
    """The organisation that runs this Guichet: TERRITORY_SLUG, else the first EPCI, else any."""
    slug = getattr(settings, "TERRITORY_SLUG", "")
    orgs = Organisation.objects.filter(is_active=True)
    if slug:
        return orgs.filter(slug=slug).first()
    return orgs.order_by("kind", "name").filter(kind="epci").first() or orgs.first()


def organisations_for_portal():
    """Every active collectivité with its contactable units and officials, in three queries."""
    return Organisation.objects.filter(is_active=True).prefetch_related(
        Prefetch("units", queryset=Unit.objects.filter(is_active=True, is_contactable=True)),
        Prefetch("officials", queryset=ElectedOfficial.objects.filter(is_contactable=True)),
    )


def commune_at(lat: float, lon: float) -> Organisation | None:
    """The active commune whose outline holds the point, or None outside the territory."""
    from .models import Boundary

    candidates = Boundary.objects.filter(
        min_lat__lte=lat, max_lat__gte=lat, min_lon__lte=lon, max_lon__gte=lon,
        organisation__is_active=True, organisation__kind=Organisation.Kind.COMMUNE,
    ).select_related("organisation")
    for boundary in candidates:
        if boundary.contains(lat, lon):
            return boundary.organisation
    return None


def communes_covered():
    """Active communes with an outline: those where a report can be routed, by name."""
    return Organisation.objects.filter(kind=Organisation.Kind.COMMUNE, is_active=True,
                                       boundary__isnull=False).order_by("name")


ABBREVIATIONS = {"st": "saint", "ste": "sainte"}


def _words(text: str) -> str:
    """Lower-case words without accents, space-delimited on both sides, so that « St-Jean »
    and « saint jean » compare equal and a name is only found as whole words."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    words = [ABBREVIATIONS.get(w, w) for w in re.findall(r"[a-z0-9]+", ascii_text.lower())]
    return f" {' '.join(words)} "


def commune_in_address(address: str) -> Organisation | None:
    """The covered commune a typed address names, by its postcode and its name, when the
    address service cannot tell. A postcode shared by several communes is settled by the name;
    when several names appear (« rue de Florange, Hayange »), the last one is the commune, as
    French addresses end with it. None when nothing matches."""
    communes = list(communes_covered())
    postcodes = set(re.findall(r"(?<!\d)\d{5}(?!\d)", address))
    by_postcode = [c for c in communes if postcodes & set(c.postcode_list())]
    text = _words(address)
    named = []
    for commune in by_postcode or communes:
        name = _words(commune.name)
        position = text.rfind(name)
        if position >= 0:
            named.append((position + len(name), len(name), commune))
    if named:
        return max(named, key=lambda item: item[:2])[2]
    return by_postcode[0] if len(by_postcode) == 1 else None


def territory_bounds() -> list[float] | None:
    """[min_lat, min_lon, max_lat, max_lon] of every commune outline: where maps open."""
    from django.db.models import Max, Min

    from .models import Boundary

    box = Boundary.objects.filter(organisation__is_active=True).aggregate(
        a=Min("min_lat"), b=Min("min_lon"), c=Max("max_lat"), d=Max("max_lon"))
    return None if box["a"] is None else [box["a"], box["b"], box["c"], box["d"]]
