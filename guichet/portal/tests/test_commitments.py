import datetime as dt

from django.urls import reverse
from django.utils import timezone

from guichet.stats.services import stats_refresh
from guichet.stats.tests.factories import cases_at


def _last_month():
    first = timezone.localdate().replace(day=1)
    return timezone.make_aware(dt.datetime.combine(first - dt.timedelta(days=10), dt.time(10)))


def test_it_checks_ownership(client, commune, unit, other_unit):
    """Public and anonymous: commitments and measured delays, no case and no resident."""
    cases_at(unit, 6, when=_last_month(), answered_hours=5)
    cases_at(other_unit, 2, when=_last_month(), answered_hours=5)
    stats_refresh()
    page = client.get(reverse("portal:commitments", args=[commune.slug])).content.decode()
    assert "Nos engagements" in page and unit.name in page
    assert "2 jours ouvrés" in page  # the unit's default 48 business hours
    assert "Moins de 5 demandes : non publié" in page  # the other unit, 2 cases
    assert "Usager Secret" not in page and "exemple.fr" not in page
    assert client.get(reverse("portal:commitments", args=["inconnue"])).status_code == 404
