import datetime as dt

from guichet.lib.business_time import PARIS
from guichet.stats.models import DailyStat
from guichet.stats.selectors import Period, period_rows, total
from guichet.stats.services import stats_refresh

from .factories import cases_at

# Tuesday 3 March 2026, 10:00 in Paris.
MARCH = dt.datetime(2026, 3, 3, 10, tzinfo=PARIS)


def test_a_refresh_sums_the_cases_of_each_day_without_any_identity(unit):
    cases_at(unit, 6, when=MARCH, answered_hours=20)
    cases_at(unit, 2, when=MARCH, closed=True)
    assert stats_refresh() == 1
    agg = total(period_rows([unit.pk], Period.month(2026, 3)))
    assert agg.created == 8
    assert agg.answered == 6 and agg.answered_in_48 == 6 and agg.answered_in_sla == 6
    assert agg.closed == 2 and agg.open_now == 6
    assert 8 <= agg.first_median() <= 24
    # Nothing about who asked is kept.
    fields = {f.name for f in DailyStat._meta.get_fields()}
    assert not {name for name in fields if "requester" in name or "email" in name}


def test_business_hours_skip_the_weekend(unit):
    friday = dt.datetime(2026, 3, 6, 10, tzinfo=PARIS)
    cases_at(unit, 5, when=friday, answered_hours=72)  # answered Monday 10:00
    stats_refresh()
    agg = total(period_rows([unit.pk], Period.month(2026, 3)))
    assert agg.first_hist[2] == 5  # 24 business hours: the 8–24 h bucket


def test_the_next_refresh_rewrites_only_changed_days(unit):
    cases_at(unit, 5, when=MARCH)
    cases_at(unit, 5, when=MARCH + dt.timedelta(days=1))
    assert stats_refresh() == 2
    assert stats_refresh() == 2  # overlap window: both were changed moments ago
    from django.utils import timezone

    from guichet.cases.models import Case
    from guichet.stats.models import RefreshState

    RefreshState.objects.update(watermark=timezone.now() + dt.timedelta(minutes=10))
    assert stats_refresh() == 0
    RefreshState.objects.update(watermark=timezone.now() + dt.timedelta(minutes=10))
    Case.objects.filter(created_at__date=MARCH.date()).update(
        updated_at=timezone.now() + dt.timedelta(minutes=20))
    assert stats_refresh() == 1


def test_days_without_cases_lose_their_aggregates(unit):
    made = cases_at(unit, 5, when=MARCH)
    stats_refresh()
    from guichet.cases.models import Case

    Case.objects.filter(pk__in=[c.pk for c in made]).delete()
    stats_refresh()
    assert not DailyStat.objects.exists()
