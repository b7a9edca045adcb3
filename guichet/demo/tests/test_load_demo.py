"""`load_demo` gives every screen content, and can be run again without changing anything."""

import datetime as dt
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import models

from guichet.accounts.models import Membership, User
from guichet.cases.models import Case, Channel, Status
from guichet.organisations.models import ElectedOfficial, Organisation, Unit


@pytest.fixture
def loaded(db):
    out = StringIO()
    call_command("load_demo", "--cases", "120", "--reports", "60", stdout=out)
    return out.getvalue()


def test_the_territory_has_what_the_issue_lists(loaded):
    epci = Organisation.objects.get(kind=Organisation.Kind.EPCI)
    communes = list(epci.member_communes.all())
    assert len(communes) == 3
    assert any(c.insee_code.startswith("57") for c in communes)  # one in Moselle
    assert Unit.objects.count() >= 8
    assert ElectedOfficial.objects.filter(is_contactable=True).count() >= 3
    assert set(Membership.objects.values_list("role", flat=True)) >= set(Membership.Role.values)
    assert Case.objects.filter(kind="contact").count() == 120
    assert set(Case.objects.values_list("status", flat=True)) == set(Status.values)
    assert len(set(Case.objects.values_list("channel", flat=True))) >= len(Channel.values) - 1


def test_the_epci_wears_a_logo_that_the_portal_serves(loaded, client):
    from guichet.organisations.context_processors import logo_url

    epci = Organisation.objects.get(kind=Organisation.Kind.EPCI)
    html = client.get("/").content.decode()
    assert f'<img src="{logo_url(epci)}" alt="" class="brand-logo">' in html
    response = client.get(logo_url(epci))
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    name = epci.logo.name
    call_command("load_demo", "--cases", "0", "--reports", "0", stdout=StringIO())
    epci.refresh_from_db()
    assert epci.logo.name == name  # loading again keeps it


def test_reports_cover_the_territory_and_land_with_the_competent_unit(loaded):
    from guichet.reports.models import Category, Report

    assert Report.objects.count() == 60
    assert Category.objects.filter(parent__isnull=False).count() >= 5
    assert Report.objects.values("commune").distinct().count() == 3
    assert len(set(Report.objects.values_list("case__status", flat=True))) >= 3
    for report in Report.objects.filter(category__competence_topic="dechets"):
        assert report.case.unit.slug == "dechets"


def test_appointments_facilities_and_events_in_every_state(loaded):
    from guichet.appointments.models import Appointment, AppointmentType
    from guichet.bookings.models import Event, FacilityBooking, Registration

    assert AppointmentType.objects.filter(agenda__slug="titres", slug="passeport").exists()
    assert {"seen", "no_show", "booked", "cancelled_resident"} <= set(
        Appointment.objects.values_list("status", flat=True))
    assert {"confirmed", "requested", "refused", "pending_payment"} <= set(
        FacilityBooking.objects.values_list("status", flat=True))
    assert Registration.objects.filter(status="waitlisted").exists()
    assert Event.objects.filter(places_taken=models.F("places")).count() == 2  # two are full
    from guichet.news.selectors import current_alerts
    assert "Terrain de football synthétique : fermé" in {
        a.title for a in current_alerts(days_ahead=60, limit=100)}


def test_it_prints_logins_that_work(loaded, client):
    assert "thomas.keller@montfleury-sur-orne.example" in loaded
    assert "Guichet-demo-2026" in loaded
    user = User.objects.get(email="thomas.keller@montfleury-sur-orne.example")
    assert user.check_password("Guichet-demo-2026")
    client.force_login(user)
    assert client.get("/agents/").status_code == 200


def test_running_it_again_changes_nothing(loaded):
    from guichet.reports.models import Category, Report

    models = (Organisation, Unit, User, Membership, Case, Category, Report)
    counts = [m.objects.count() for m in models]
    out = StringIO()
    call_command("load_demo", stdout=out)
    assert "déjà là" in out.getvalue()
    assert [m.objects.count() for m in models] == counts


def test_four_procedures_with_files_in_every_state(loaded):
    from guichet.cases.models import Attachment
    from guichet.documents.models import Document
    from guichet.procedures.models import Procedure, Submission

    assert "4 démarches en ligne publiées" in loaded
    procedures = Procedure.objects.filter(current_version__isnull=False)
    assert procedures.count() == 4
    civil = procedures.get(slug="acte-etat-civil")
    assert civil.current_version.definition["documents"] == []  # minimisation
    assert not civil.identification_required
    for procedure in procedures:
        assert set(procedure.submissions.values_list("state", flat=True)) >= set(
            Submission.State.values)
    subsidy = procedures.get(slug="subvention-association")
    assert subsidy.submissions.filter(state="x_commission").exists()
    assert Attachment.objects.filter(original_name__startswith="accuse-de-reception").exists()
    demo = User.objects.get(email="claire.dupont@example.org")
    proof = Document.objects.get(owner=demo, type="proof_of_address")
    assert proof.uses.filter(submission__procedure__slug="cantine-scolaire").exists()


def test_the_seeded_history_is_delivered_without_sending_or_printing_anything(loaded):
    """Every email the history caused (contact, reports, appointments, bookings, procedures,
    and what the periodic jobs send about it) is recorded as sent, with its timeline trace;
    nothing is left for the worker, so `make demo` prints no email until someone acts."""
    from django_tasks_db.models import DBTaskResult

    from guichet.cases.models import Event
    from guichet.demo.management.commands.run_demo import PERIODIC
    from guichet.notifications.models import Notification

    assert not Notification.objects.filter(status__in=("pending", "sending")).exists()
    assert not DBTaskResult.objects.filter(task_path="guichet.notifications.tasks.deliver",
                                           status="READY").exists()
    sent = Notification.objects.filter(status="sent")
    assert {"registration_receipt", "procedure_acknowledgement", "event_registration",
            "report_fixed_question"} <= set(sent.values_list("template", flat=True))
    assert not sent.filter(sent_at__isnull=True).exists()
    receipt = sent.filter(template="procedure_acknowledgement").first()
    assert Event.objects.filter(case=receipt.case, kind=Event.Kind.NOTIFICATION_SENT,
                                data__notification=receipt.pk).exists()

    # What the demo runs in its first hours (the managers' digest is daily: a day after start).
    for command in [c for c, every in PERIODIC.items() if every < 86400]:
        call_command(command, stdout=StringIO())
    assert mail.outbox == []
    assert not Notification.objects.filter(status__in=("pending", "sending")).exists()


def test_without_logins_it_leaves_the_table_to_run_demo(db):
    out = StringIO()
    call_command("load_demo", "--cases", "5", "--reports", "3", "--no-bookings", "--no-logins",
                 stdout=out)
    assert "Comptes de démonstration" not in out.getvalue()
    assert "Guichet-demo-2026" not in out.getvalue()


# A Monday before office hours: recent history moved into working hours would land later today,
# and a report from the weekend would be dated this morning.
MONDAY_EARLY = dt.datetime(2026, 11, 30, 7, 0, tzinfo=ZoneInfo("Europe/Paris"))


def test_the_seeded_history_stays_in_the_past(db):
    """The journal, timelines, outbox and case dates the demo writes are all before the moment
    it is loaded (only deadlines and appointments are ahead)."""
    from guichet.cases.models import Event
    from guichet.demo.history import HistoryLoader
    from guichet.demo.reports import OUTLINES, ReportsLoader, categories_load
    from guichet.demo.territory import territory_load
    from guichet.journal.models import Entry
    from guichet.notifications.models import Notification
    from guichet.organisations.services import boundary_set
    from guichet.reports.models import Report

    territory = territory_load()
    for slug, ring in OUTLINES.items():
        boundary_set(organisation=territory.organisations[slug],
                     geojson={"type": "Polygon", "coordinates": [ring]})
    HistoryLoader(territory, count=150, now=MONDAY_EARLY).load()
    ReportsLoader(territory, count=120, days=120, seed=311, now=MONDAY_EARLY).load_reports(
        categories_load())
    checks = {Entry: ["at"], Event: ["created_at"], Report: ["created_at"],
              Notification: ["created_at", "next_attempt_at", "sent_at"],
              Case: ["created_at", "updated_at", "first_responded_at", "paused_at",
                     "resolved_at", "closed_at"]}
    future = {f"{model.__name__}.{name}": model.objects.filter(**{f"{name}__gt": MONDAY_EARLY})
              .count() for model, names in checks.items() for name in names}
    assert Entry.objects.count() > 300
    assert {name: n for name, n in future.items() if n} == {}


def test_replayed_steps_never_run_into_the_future(db):
    """Each case's steps are moved into working hours where possible; whatever the time of the
    week the demo is loaded at, the last step stays before that time."""
    from guichet.demo.history import HistoryLoader
    from guichet.demo.territory import territory_load

    territory = territory_load()
    for hour in range(0, 7 * 24, 5):
        now = MONDAY_EARLY + dt.timedelta(hours=hour, minutes=17)
        loader = HistoryLoader(territory, count=300, now=now)
        for plan in loader.plan():
            times = loader._times(plan)
            assert times == sorted(times)
            assert all(plan.created < moment < now for moment in times), (now, plan.created)
