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


def test_satisfaction_is_published_with_small_groups_hidden(client, commune, unit, other_unit):
    from guichet.stats.tests.factories import satisfaction_answers

    satisfaction_answers(cases_at(unit, 6, when=_last_month(), closed=True), [5, 5, 5, 4, 2, 1])
    satisfaction_answers(cases_at(other_unit, 2, when=_last_month(), closed=True), [1, 1])
    stats_refresh()
    page = client.get(reverse("portal:commitments", args=[commune.slug])).content.decode()
    assert "Satisfaction par service (douze derniers mois)" in page
    assert "des usagers qui ont répondu se disent satisfaits" in page
    assert "Autres (1 regroupé, moins de 5 réponses chacun)" in page
    assert "export" not in page.lower().split("satisfaction des usagers")[1][:3000]
