"""The agents' calendar, booking on behalf, actions, export and feeds."""

import vobject
from django.urls import reverse

from guichet.appointments.models import AgentFeed, Appointment
from guichet.appointments.services import appointment_book
from guichet.appointments.tests.fixtures import at, next_working_day
from guichet.cases.models import Case


def book(passport, when, email="marc@exemple.fr"):
    return appointment_book(type_=passport, starts_at=when, name="Marc Blanc", email=email,
                            phone="06 11 22 33 44").appointment


def test_the_week_calendar_lists_appointments(client, passport, other_agent):
    day = next_working_day()
    appointment = book(passport, at(day, 9, 30))
    client.force_login(other_agent)
    html = client.get(reverse("backoffice:appointment_calendar"),
                      {"date": day.isoformat()}).content.decode()
    assert appointment.case.reference in html and "Marc Blanc" in html and "09:30" in html
    day_view = client.get(reverse("backoffice:appointment_calendar"),
                          {"date": day.isoformat(), "vue": "jour"}).content.decode()
    assert "Marc Blanc" in day_view


def test_booking_on_behalf_of_a_resident_found_by_name(client, passport, other_agent,
                                                      resident):
    day = next_working_day(1)
    client.force_login(other_agent)
    url = reverse("backoffice:appointment_book")
    html = client.get(url, {"motif": passport.pk, "date": day.isoformat(),
                            "q": "durand"}).content.decode()
    assert "alice@exemple.fr" in html
    html = client.get(url, {"motif": passport.pk, "date": day.isoformat(),
                            "usager": resident.pk}).content.decode()
    assert 'value="Alice Durand"' in html
    response = client.post(url + f"?date={day.isoformat()}", {
        "motif": passport.pk, "usager": resident.pk, "debut": at(day, 9).isoformat(),
        "name": "Alice Durand", "email": "alice@exemple.fr", "phone": "", "channel": "phone"})
    case = Case.objects.get(kind="appointment")
    assert response["Location"] == case.get_backoffice_url()
    assert case.channel == "phone" and case.requester == resident


def test_actions_on_the_case_page(client, passport, other_agent):
    day = next_working_day()
    appointment = book(passport, at(day, 9))
    client.force_login(other_agent)
    url = reverse("backoffice:appointment_action", args=[appointment.case.reference])
    assert "Usager reçu" in client.get(appointment.case.get_backoffice_url()).content.decode()
    client.post(url, {"action": "move", "debut": f"{day.isoformat()}T14:30"})
    appointment.refresh_from_db()
    assert appointment.starts_at == at(day, 14, 30)
    response = client.post(url, {"action": "move", "debut": f"{day.isoformat()}T13:00"},
                           follow=True)
    assert "ne reçoit pas à cette heure-là" in response.content.decode()
    client.post(url, {"action": "cancel", "reason": "Panne du dispositif."})
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.CANCELLED_SERVICE


def test_csv_export(client, passport, other_agent):
    day = next_working_day()
    book(passport, at(day, 9))
    client.force_login(other_agent)
    response = client.get(reverse("backoffice:appointment_export"),
                          {"agenda": "titres", "du": day.isoformat(), "au": day.isoformat()})
    body = response.content.decode("utf-8-sig")
    assert body.splitlines()[0].startswith("Date;Heure;Motif")
    assert f"{day:%d/%m/%Y};09:00;Passeport;Marc Blanc" in body


def test_feeds_are_valid_icalendar_and_revocable(client, passport, other_agent):
    day = next_working_day()
    book(passport, at(day, 9))
    client.force_login(other_agent)
    assert client.get(reverse("backoffice:appointment_feeds")).status_code == 200
    feed = AgentFeed.objects.get(user=other_agent)
    client.logout()  # calendar applications have no session
    body = client.get(reverse("backoffice:agent_feed", args=[feed.token])).content.decode()
    calendar = vobject.readOne(body, validate=True)
    assert len(calendar.vevent_list) == 1
    agenda_body = client.get(reverse("backoffice:agenda_feed",
                                     args=[passport.agenda.feed_token])).content.decode()
    assert "Passeport" in vobject.readOne(agenda_body, validate=True).vevent.summary.value
    client.force_login(other_agent)
    client.post(reverse("backoffice:appointment_feed_revoke"), {"kind": "agent"})
    client.logout()
    assert client.get(reverse("backoffice:agent_feed", args=[feed.token])).status_code == 404


def test_it_checks_ownership(client, passport, agent, resident):
    """An agent of another unit sees no agenda and cannot act; residents get 403."""
    day = next_working_day()
    appointment = book(passport, at(day, 9))
    client.force_login(agent)
    html = client.get(reverse("backoffice:appointment_calendar")).content.decode()
    assert "n'ont pas d'agenda" in html.replace("&#x27;", "'")
    url = reverse("backoffice:appointment_action", args=[appointment.case.reference])
    assert client.post(url, {"action": "cancel"}).status_code == 404
    assert client.get(reverse("backoffice:appointment_export"),
                      {"agenda": "titres"}).status_code == 404
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.BOOKED
    client.force_login(resident)
    assert client.get(reverse("backoffice:appointment_calendar")).status_code == 403
    assert client.get(reverse("backoffice:agenda_feed", args=["faux"])).status_code == 404


def test_my_appointments_and_a_cancellation_phoned_in(client, passport, other_agent):
    from guichet.cases.services import case_assign

    day = next_working_day()
    mine = book(passport, at(day, 9))
    theirs = book(passport, at(day, 10), email="autre@exemple.fr")
    case_assign(case=mine.case, assignee=other_agent, acting_user=other_agent)
    client.force_login(other_agent)
    html = client.get(reverse("backoffice:appointment_calendar"),
                      {"date": day.isoformat(), "agent": "moi"}).content.decode()
    assert mine.case.reference in html and theirs.case.reference not in html
    client.post(reverse("backoffice:appointment_action", args=[theirs.case.reference]),
                {"action": "cancel_resident"})
    theirs.refresh_from_db()
    assert theirs.status == Appointment.Status.CANCELLED_RESIDENT


def test_ods_export(client, passport, other_agent):
    import io
    import zipfile

    day = next_working_day()
    book(passport, at(day, 9))
    client.force_login(other_agent)
    response = client.get(reverse("backoffice:appointment_export_ods"),
                          {"agenda": "titres", "du": day.isoformat(), "au": day.isoformat()})
    assert response["Content-Type"] == "application/vnd.oasis.opendocument.spreadsheet"
    content = zipfile.ZipFile(io.BytesIO(response.content)).read("content.xml").decode()
    assert "Marc Blanc" in content and "Passeport" in content


def test_a_formula_typed_as_a_name_is_not_run_by_the_spreadsheet(client, passport, other_agent):
    import csv
    import io

    from odf.opendocument import load
    from odf.table import TableCell, TableRow

    day = next_working_day()
    appointment_book(type_=passport, starts_at=at(day, 9), name='=HYPERLINK("http://x")',
                     email="x@exemple.fr", phone="")
    client.force_login(other_agent)
    params = {"agenda": "titres", "du": day.isoformat(), "au": day.isoformat()}
    body = client.get(reverse("backoffice:appointment_export"), params).content
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))
    assert rows[1][3] == "'=HYPERLINK(\"http://x\")"
    content = client.get(reverse("backoffice:appointment_export_ods"), params).content
    sheet = load(io.BytesIO(content)).spreadsheet
    cells = [str(c) for c in sheet.getElementsByType(TableRow)[1].getElementsByType(TableCell)]
    assert cells[3] == "'=HYPERLINK(\"http://x\")"
