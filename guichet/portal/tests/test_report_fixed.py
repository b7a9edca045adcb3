import datetime as dt

from django.core import mail
from django.urls import reverse
from django.utils import timezone

from guichet.cases.models import Case, Status
from guichet.cases.services import case_change_status
from guichet.notifications.services import notifications_deliver_due
from guichet.portal.tests.helpers import link_in
from guichet.reports.services import report_submit, reports_ask_if_fixed
from guichet.reports.tests.fixtures import INSIDE


def resolved_report(pothole, agent, days_ago=8):
    case = report_submit(category=pothole, lat=INSIDE[0], lon=INSIDE[1], description="Trou",
                         name="Marc Blanc", email="marc@exemple.fr", answers={"taille": "petit"})
    case_change_status(case=case, status=Status.RESOLVED, acting_user=agent)
    Case.objects.filter(pk=case.pk).update(
        resolved_at=timezone.now() - dt.timedelta(days=days_ago))
    return case


def test_the_question_is_asked_once_and_yes_is_recorded(client, territory, pothole, agent):
    case = resolved_report(pothole, agent)
    resolved_report(pothole, agent, days_ago=2)  # too recent
    mail.outbox.clear()
    assert reports_ask_if_fixed() == 1
    assert reports_ask_if_fixed() == 0
    notifications_deliver_due()
    [message] = [m for m in mail.outbox if "Est-ce réparé" in m.subject]
    path = link_in(message)
    assert client.get(path).status_code == 200  # a GET records nothing
    case.report.refresh_from_db()
    assert case.report.fixed_answer is None
    html = client.post(path.split("?")[0], {"reponse": "oui"}).content.decode()
    assert "heureux" in html
    case.report.refresh_from_db()
    assert case.report.fixed_answer is True


def test_not_fixed_reopens_the_report(client, territory, pothole, agent):
    case = resolved_report(pothole, agent)
    reports_ask_if_fixed()
    from guichet.reports.services import fixed_token

    url = reverse("portal:report_fixed", args=[fixed_token(case.report)])
    html = client.post(url, {"reponse": "non"}).content.decode()
    assert "est rouvert" in html
    case.refresh_from_db()
    assert case.status == Status.IN_PROGRESS and case.report.is_open


def test_too_late_to_reopen(client, territory, pothole, agent, settings):
    case = resolved_report(pothole, agent, days_ago=40)
    from guichet.reports.services import fixed_token

    html = client.post(reverse("portal:report_fixed", args=[fixed_token(case.report)]),
                       {"reponse": "non"}).content.decode()
    assert "trop ancien" in html
    case.refresh_from_db()
    assert case.status == Status.RESOLVED


def test_the_filer_reopens_from_the_follow_up_page(client, territory, pothole, agent, resident):
    case = report_submit(category=pothole, lat=INSIDE[0], lon=INSIDE[1], description="Trou",
                         requester=resident, answers={"taille": "petit"})
    case_change_status(case=case, status=Status.CLOSED, acting_user=agent)
    client.force_login(resident)
    page = client.get(reverse("portal:case_by_token", args=[case.token])).content.decode()
    assert "Rouvrir le signalement" in page
    response = client.post(reverse("portal:report_reopen", args=[case.token]),
                           {"reason": "Le trou est revenu."}, follow=True)
    assert "est rouvert" in response.content.decode()
    case.refresh_from_db()
    assert case.status == Status.IN_PROGRESS


def test_it_checks_ownership(client, territory, pothole, agent, resident, other_resident):
    """Only the filer reopens; a forged answer link does nothing."""
    case = report_submit(category=pothole, lat=INSIDE[0], lon=INSIDE[1], description="Trou",
                         requester=resident, answers={"taille": "petit"})
    case_change_status(case=case, status=Status.CLOSED, acting_user=agent)
    client.force_login(other_resident)
    assert client.post(reverse("portal:report_reopen", args=[case.token])).status_code == 404
    assert client.post(reverse("portal:report_fixed", args=["faux"]),
                       {"reponse": "non"}).status_code == 400
    case.refresh_from_db()
    assert case.status == Status.CLOSED
