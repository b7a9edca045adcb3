"""Issue 14's statistics in a browser: a manager opens the dashboard, compares two months and
drills down to the overdue cases in the inbox, reading the residents' satisfaction on the way.
axe on every page, at 360 and 1280 px."""

import datetime as dt
from pathlib import Path

import pytest
from django.utils import timezone

from guichet.cases.models import Case
from guichet.stats.selectors import current_month
from guichet.stats.services import stats_refresh
from guichet.stats.tests.factories import cases_at, satisfaction_answers

from .conftest import axe_violations, log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
SHOTS = Path("/tmp/shots-stats")


@pytest.mark.parametrize("width", [360, 1280])
def test_a_manager_compares_two_months_and_opens_the_overdue_cases(live_server, page, unit,
                                                                   manager, width):
    page.set_viewport_size({"width": width, "height": 900})
    this_month = current_month()
    last_month = this_month.previous()
    earlier = timezone.make_aware(dt.datetime.combine(last_month.start + dt.timedelta(days=2),
                                                      dt.time(10)))
    closed = cases_at(unit, 8, when=earlier, answered_hours=30, closed=True)
    satisfaction_answers(closed, [5, 5, 4, 4, 4, 3, 2, None])
    late = cases_at(unit, 6, when=timezone.now() - dt.timedelta(hours=2), answered_hours=1)
    Case.objects.filter(pk__in=[c.pk for c in late]).update(
        resolution_due_at=timezone.now() - dt.timedelta(minutes=30))
    stats_refresh()

    log_in(page, live_server.url + "/agents/statistiques/", manager.email)
    assert page.get_by_role("heading", level=1).inner_text().startswith("Statistiques")
    assert axe_violations(page) == []
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SHOTS / f"dashboard-{width}.png", full_page=True)

    page.get_by_label("Mois", exact=True).select_option(last_month.code)
    page.get_by_label("Comparer avec").select_option(this_month.code)
    page.get_by_role("button", name="Afficher").click()
    table = page.locator("#chiffres-cles")
    assert last_month.label in table.inner_text() and this_month.label in table.inner_text()
    received = table.get_by_role("row", name="Demandes reçues")
    assert "8" in received.inner_text()
    satisfaction = page.locator("#satisfaction")
    assert "71 %" in satisfaction.inner_text()  # 5 of 7 answers are 4 or 5
    assert satisfaction.get_by_role("table").first.get_by_role("row", name="Voirie").is_visible()
    assert axe_violations(page) == []

    page.get_by_role("link", name="6 demandes en retard").first.click()
    page.wait_for_url("**/agents/?*onglet=overdue*")
    rows = page.locator("table tbody tr")
    assert rows.count() == 6
    assert axe_violations(page) == []
    scroll = page.evaluate("document.documentElement.scrollWidth")
    assert scroll <= width + 1 or width == 360
