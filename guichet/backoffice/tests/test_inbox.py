"""The inbox: the agent's units only, tabs with counts, filters, sort by due date, pagination."""

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from conftest import make_agent
from guichet.cases.models import Case, Status
from guichet.contact.services import contact_submit

URL = reverse("backoffice:inbox")


def file_cases(unit, n, **kwargs):
    return [contact_submit(unit=unit, subject=f"Demande {i}", message="Texte", name="Marc Blanc",
                           email="marc@exemple.fr", **kwargs) for i in range(n)]


def test_agent_sees_the_cases_of_their_unit(client, agent, case):
    client.force_login(agent)
    html = client.get(URL).content.decode()
    assert case.reference in html
    assert "Nid-de-poule rue Foch" in html


def test_it_checks_ownership(client, agent, other_unit, resident):
    """Cases of another unit never appear; a resident gets a French 403; anonymous → login."""
    elsewhere = contact_submit(unit=other_unit, subject="Acte de naissance", message="…",
                               requester=resident)
    client.force_login(agent)
    assert elsewhere.reference not in client.get(URL).content.decode()
    client.force_login(resident)
    response = client.get(URL)
    assert response.status_code == 403
    assert "accès" in response.content.decode().lower()
    client.logout()
    assert client.get(URL)["Location"].startswith(reverse("portal:login"))


def test_tabs_are_counted_and_filter(client, agent, unit):
    new, mine, waiting, closed = file_cases(unit, 4)
    Case.objects.filter(pk=mine.pk).update(assignee=agent, status=Status.IN_PROGRESS)
    Case.objects.filter(pk=waiting.pk).update(status=Status.WAITING, paused_at=timezone.now())
    Case.objects.filter(pk=closed.pk).update(status=Status.CLOSED)
    client.force_login(agent)
    html = client.get(URL).content.decode()
    assert "À traiter <span class=\"count\">(3)</span>" in html
    assert "Mes demandes <span class=\"count\">(1)</span>" in html
    assert "Terminées <span class=\"count\">(1)</span>" in html
    mine_html = client.get(URL, {"onglet": "mine"}).content.decode()
    assert mine.reference in mine_html and new.reference not in mine_html
    waiting_html = client.get(URL, {"onglet": "waiting"}).content.decode()
    assert waiting.reference in waiting_html and new.reference not in waiting_html
    closed_html = client.get(URL, {"onglet": "closed"}).content.decode()
    assert closed.reference in closed_html and new.reference not in closed_html


def test_overdue_and_due_soon(client, agent, unit):
    late, soon, later = file_cases(unit, 3)
    now = timezone.now()
    Case.objects.filter(pk=late.pk).update(resolution_due_at=now - dt.timedelta(hours=1))
    Case.objects.filter(pk=soon.pk).update(resolution_due_at=now + dt.timedelta(hours=2))
    Case.objects.filter(pk=later.pk).update(resolution_due_at=now + dt.timedelta(days=5))
    client.force_login(agent)
    overdue = client.get(URL, {"onglet": "overdue"}).content.decode()
    assert late.reference in overdue and soon.reference not in overdue
    assert "En retard" in overdue
    due_soon = client.get(URL, {"onglet": "due_soon"}).content.decode()
    assert soon.reference in due_soon
    assert late.reference not in due_soon and later.reference not in due_soon


def test_sorted_by_due_date_first(client, agent, unit):
    first, second = file_cases(unit, 2)
    now = timezone.now()
    Case.objects.filter(pk=first.pk).update(resolution_due_at=now + dt.timedelta(days=3))
    Case.objects.filter(pk=second.pk).update(resolution_due_at=now + dt.timedelta(days=1))
    client.force_login(agent)
    html = client.get(URL).content.decode()
    assert html.index(second.reference) < html.index(first.reference)
    html = client.get(URL, {"sort": "oldest"}).content.decode()
    assert html.index(first.reference) < html.index(second.reference)


def test_finished_cases_come_most_recent_first(client, agent, unit):
    first, second = file_cases(unit, 2)
    Case.objects.update(status=Status.CLOSED)
    Case.objects.filter(pk=first.pk).update(created_at=timezone.now() - dt.timedelta(days=9))
    client.force_login(agent)
    html = client.get(URL, {"onglet": "closed"}).content.decode()
    assert html.index(second.reference) < html.index(first.reference)
    assert "2 demandes" in html  # the count given to the paginator is the tab's


def test_filters_by_status_channel_and_assignee(client, agent, manager, unit):
    phone, web = file_cases(unit, 1, channel="phone")[0], file_cases(unit, 1)[0]
    Case.objects.filter(pk=web.pk).update(assignee=manager)
    client.force_login(agent)
    html = client.get(URL, {"channel": "phone"}).content.decode()
    assert phone.reference in html and web.reference not in html
    html = client.get(URL, {"assignee": str(manager.pk)}).content.decode()
    assert web.reference in html and phone.reference not in html
    html = client.get(URL, {"assignee": "none"}).content.decode()
    assert phone.reference in html and web.reference not in html
    html = client.get(URL, {"status": "closed"}).content.decode()
    assert phone.reference not in html


def test_unknown_filter_values_are_ignored(client, agent, case):
    client.force_login(agent)
    response = client.get(URL, {"unit": "999999", "status": "n'importe", "onglet": "x"})
    assert response.status_code == 200


def test_query_count_does_not_grow_with_the_page(client, agent, unit, other_unit):
    make_agent("autre@hayange.fr", unit)
    file_cases(unit, 30)
    client.force_login(agent)
    client.get(URL)  # warm the session
    with CaptureQueriesContext(connection) as small:
        client.get(URL, {"per_page": 25})
    Case.objects.update(assignee=agent)
    with CaptureQueriesContext(connection) as large:
        response = client.get(URL, {"per_page": 100})
    assert response.content.decode().count("<tr>") == 31
    assert len(large) == len(small)


def test_pagination(client, agent, unit):
    file_cases(unit, 30)
    client.force_login(agent)
    html = client.get(URL).content.decode()
    assert "Page 1 sur 2" in html
    html = client.get(URL, {"page": 2}).content.decode()
    assert html.count('href="/agents/demandes/') == 5


def test_a_script_from_a_resident_is_inert(client, agent, unit):
    contact_submit(unit=unit, subject="<script>alert(1)</script>", message="x",
                   name="<b>Marc</b>", email="marc@exemple.fr")
    client.force_login(agent)
    html = client.get(URL).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_reports_can_be_filtered_by_category_and_commune(client, territory, pothole, agent):
    from guichet.reports.services import report_submit
    from guichet.reports.tests.fixtures import INSIDE

    report = report_submit(category=pothole, lat=INSIDE[0], lon=INSIDE[1], description="Trou",
                           name="X", email="x@exemple.fr", answers={"taille": "petit"})
    other = contact_submit(unit=report.unit, subject="Autre chose", message="…", name="Y",
                           email="y@exemple.fr")
    client.force_login(agent)
    html = client.get("/agents/?category=nid-de-poule").content.decode()
    assert report.reference in html and other.reference not in html
    html = client.get(f"/agents/?commune={territory.slug}").content.decode()
    assert report.reference in html and other.reference not in html


def test_finished_cases_are_counted_up_to_a_cap(client, agent, unit, monkeypatch):
    from guichet.backoffice import inbox

    monkeypatch.setattr(inbox, "CLOSED_COUNT_CAP", 2)
    file_cases(unit, 3)
    Case.objects.update(status=Status.CLOSED)
    client.force_login(agent)
    html = client.get(URL, {"onglet": "closed"}).content.decode()
    assert "(plus de 2)" in html and "Plus de 2 demandes" in html


def test_administrators_see_that_emails_have_been_failing_since(client, settings, agent, unit,
                                                                case):
    import socket

    from guichet.accounts.models import Membership
    from guichet.notifications.services import notifications_deliver_due

    with socket.socket() as probe:  # an SMTP server that is down: nothing listens there
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    notifications_deliver_due()

    admin = make_agent("admin@hayange.fr", unit, Membership.Role.ADMIN)
    client.force_login(admin)
    html = client.get(URL).content.decode()
    assert "Envoi des courriels en échec depuis le" in html
    assert "ConnectionRefusedError" in html

    client.force_login(agent)  # an agent who is not an administrator is not bothered with it
    assert "en échec depuis" not in client.get(URL).content.decode()
