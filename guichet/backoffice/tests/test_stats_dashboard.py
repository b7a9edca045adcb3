import datetime as dt

from django.urls import reverse
from django.utils import timezone

from guichet.stats.services import stats_refresh
from guichet.stats.tests.factories import cases_at

URL = reverse("backoffice:stats")


def _month():
    return timezone.localdate().strftime("%Y-%m")


def test_it_checks_ownership(client, unit, other_unit, manager, agent, resident):
    """A manager sees their unit only; an agent or a resident gets the 403 page."""
    cases_at(unit, 6, answered_hours=3)
    cases_at(other_unit, 9, answered_hours=3)
    stats_refresh()
    client.force_login(manager)
    page = client.get(URL, {"service": other_unit.pk}).content.decode()
    # Asking for another unit falls back to the manager's own.
    assert other_unit.name not in page.split("<main")[1].split('id="stats-service"')[0]
    assert client.get(reverse("backoffice:stats_table_export", args=["services", "csv"]),
                      {"service": other_unit.pk}).content.decode().count(other_unit.name) == 0
    for user in (agent, resident):
        client.force_login(user)
        assert client.get(URL).status_code == 403
    client.logout()
    assert client.get(URL)["Location"].startswith(reverse("portal:login"))


def test_the_manager_reads_the_month_and_drills_down_to_overdue_cases(client, unit, manager):
    late = cases_at(unit, 6, when=timezone.now() - dt.timedelta(days=3), answered_hours=1)
    from guichet.cases.models import Case

    Case.objects.filter(pk__in=[c.pk for c in late]).update(
        resolution_due_at=timezone.now() - dt.timedelta(hours=1))
    stats_refresh()
    client.force_login(manager)
    page = client.get(URL, {"mois": _month()}).content.decode()
    assert "6 demandes en retard" in page
    assert f"onglet=overdue&amp;unit={unit.pk}" in page or f"unit={unit.pk}&amp;onglet=overdue" \
        in page
    assert "Usager Secret" not in page and "exemple.fr" not in page
    inbox = client.get(reverse("backoffice:inbox"), {"unit": unit.pk, "onglet": "overdue"})
    assert inbox.content.decode().count("Demande ") >= 6


def test_every_table_exports_in_three_formats(client, unit, manager):
    cases_at(unit, 5, answered_hours=3)
    stats_refresh()
    client.force_login(manager)
    from guichet.stats.tables import TABLES

    for name in TABLES:
        for fmt in ("csv", "xlsx", "ods"):
            response = client.get(reverse("backoffice:stats_table_export", args=[name, fmt]))
            assert response.status_code == 200, (name, fmt)
    csv = client.get(reverse("backoffice:stats_table_export", args=["chiffres", "csv"]))
    assert "Demandes reçues;5" in csv.content.decode()
    assert client.get(reverse("backoffice:stats_table_export",
                              args=["inconnu", "csv"])).status_code == 404


def test_the_page_needs_a_bounded_number_of_queries(client, unit, manager,
                                                             django_assert_max_num_queries):
    cases_at(unit, 12, answered_hours=3)
    stats_refresh()
    client.force_login(manager)
    with django_assert_max_num_queries(30):
        client.get(URL)


def test_satisfaction_by_unit_with_its_table_and_export(client, unit, manager):
    from guichet.stats.tests.factories import satisfaction_answers

    cases = cases_at(unit, 6, when=timezone.now() - dt.timedelta(hours=3), closed=True)
    satisfaction_answers(cases, [5, 5, 4, 4, 4, 1])
    stats_refresh()
    client.force_login(manager)
    page = client.get(URL).content.decode()
    assert "Satisfaction des usagers" in page
    assert "<strong>83 %</strong> des usagers qui ont répondu" in page
    assert "Satisfaction par service" in page and 'id="chart-satisfaction-title"' in page
    export = client.get(reverse("backoffice:stats_table_export",
                                args=["satisfaction-services", "csv"])).content.decode()
    assert "Voirie;6;100 %;83 %;3,8 / 5" in export
