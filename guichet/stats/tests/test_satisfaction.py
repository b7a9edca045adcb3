"""Satisfaction after closure in the statistics: summed into the daily aggregates, by unit,
kind, channel and month, under 5 answers merged or hidden."""

import datetime as dt

from django.utils import timezone

from guichet.stats.models import DailyStat
from guichet.stats.selectors import Period, current_month, satisfaction
from guichet.stats.services import stats_refresh

from .factories import cases_at, satisfaction_answers


def _this_month_cases(unit, count, **kwargs):
    return cases_at(unit, count, when=timezone.now() - dt.timedelta(hours=3), closed=True,
                    **kwargs)


def test_answers_are_summed_and_read(unit, db):
    cases = _this_month_cases(unit, 8)
    satisfaction_answers(cases, [5, 5, 4, 4, 2, 1, None, None])
    stats_refresh()
    assert sum(DailyStat.objects.values_list("sat_answered", flat=True)) == 6
    sat = satisfaction([unit.pk], current_month(), months=[current_month()])
    assert sat["cells"] == {"answered": "6", "rate": "75 %", "satisfied": "67 %",
                            "mean": "3,5 / 5"}
    assert [line.label for line in sat["by_unit"]] == ["Voirie"]
    assert [line.label for line in sat["by_kind"]] == ["Message à un service"]
    assert [line.label for line in sat["by_channel"]] == ["Site internet"]
    assert sat["by_month"][0]["line"].cells()["satisfied"] == "67 %"


def test_an_answer_given_after_the_refresh_is_counted_at_the_next(unit, db):
    cases = _this_month_cases(unit, 6)
    stats_refresh()
    assert satisfaction([unit.pk], current_month()) is None  # nobody asked yet
    satisfaction_answers(cases, [5, 5, 5, 5, 5, 3])
    stats_refresh()
    assert satisfaction([unit.pk], current_month())["cells"]["answered"] == "6"


def test_under_five_answers_is_hidden_and_small_groups_merged(unit, other_unit, db):
    satisfaction_answers(_this_month_cases(unit, 6), [5, 5, 5, 5, 4, 4])
    satisfaction_answers(_this_month_cases(other_unit, 3), [1, 1, 1])
    stats_refresh()
    sat = satisfaction([unit.pk, other_unit.pk], current_month())
    labels = [line.label for line in sat["by_unit"]]
    assert labels[0] == "Voirie"
    assert labels[1].startswith("Autres (1 regroupé")
    assert sat["by_unit"][1].cells() == {"answered": "moins de 5", "rate": "—",
                                         "satisfied": "—", "mean": "—"}
    only_small = satisfaction([other_unit.pk], current_month())
    assert only_small["hidden"] and only_small["cells"]["satisfied"] == "—"


def test_no_satisfaction_outside_the_period(unit, db):
    satisfaction_answers(_this_month_cases(unit, 6), [5] * 6)
    stats_refresh()
    assert satisfaction([unit.pk], Period.month(2001, 1)) is None
