import datetime as dt

from guichet.accounts.models import Membership
from guichet.lib.business_time import PARIS
from guichet.stats.models import StatsAccess
from guichet.stats.selectors import (
    HIDDEN,
    Period,
    breakdown,
    dashboard,
    period_rows,
    quantile,
    stats_scope,
)
from guichet.stats.services import stats_refresh

from .factories import cases_at

MARCH = dt.datetime(2026, 3, 3, 10, tzinfo=PARIS)


def test_quantiles_are_read_from_the_histogram():
    assert quantile([0] * 11, 0.5) is None
    assert quantile([10] + [0] * 10, 0.5) == 2  # half of the 0–4 h bucket
    assert quantile([0] * 10 + [3], 0.9) == 960


def test_groups_under_five_cases_are_merged_or_hidden(unit, other_unit, manager):
    cases_at(unit, 7, when=MARCH, channel="web")
    cases_at(unit, 2, when=MARCH, channel="phone")
    cases_at(unit, 1, when=MARCH, channel="mail")
    stats_refresh()
    rows = period_rows([unit.pk], Period.month(2026, 3))
    lines = breakdown(rows, lambda r: r["channel"], str)
    assert [line.label for line in lines][0] == "web"
    others = lines[-1]
    assert others.label.startswith("Autres (2 regroupés")
    assert others.cells["created"] == HIDDEN and others.cells["first_median"] == "—"


def test_a_period_under_five_cases_publishes_nothing(unit, manager):
    cases_at(unit, 3, when=MARCH, answered_hours=2)
    stats_refresh()
    scope = stats_scope(manager)
    data = dashboard(scope=scope, unit_ids=scope.unit_ids, period=Period.month(2026, 3),
                     compare=Period.month(2026, 2))
    figures = {f["code"]: f["value"] for f in data["key_figures"]}
    assert figures["created"] == HIDDEN and figures["first_median"] == "—"
    assert data["hidden"]


def test_who_sees_which_units(unit, other_unit, epci, epci_unit, commune, agent, manager,
                              other_agent, dpo):
    from conftest import make_agent, make_user

    assert set(stats_scope(manager).units) == {unit.pk}
    assert not stats_scope(agent) and not stats_scope(other_agent) and not stats_scope(dpo)
    admin = make_agent("admin@exemple.fr", epci_unit, role=Membership.Role.ADMIN)
    # The EPCI's administrator sees its units and its communes'.
    assert {unit.pk, other_unit.pk, epci_unit.pk} <= set(stats_scope(admin).units)
    elected = make_user("elu@exemple.fr")
    StatsAccess.objects.create(user=elected, organisation=commune,
                               role=StatsAccess.Role.ELECTED)
    assert set(stats_scope(elected).units) == {unit.pk, other_unit.pk}
    assert not stats_scope(elected).inbox_units
