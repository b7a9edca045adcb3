from __future__ import annotations

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


def territory_bounds() -> list[float] | None:
    """[min_lat, min_lon, max_lat, max_lon] of every commune outline: where maps open."""
    from django.db.models import Max, Min

    from .models import Boundary

    box = Boundary.objects.filter(organisation__is_active=True).aggregate(
        a=Min("min_lat"), b=Min("min_lon"), c=Max("max_lat"), d=Max("max_lon"))
    return None if box["a"] is None else [box["a"], box["b"], box["c"], box["d"]]
