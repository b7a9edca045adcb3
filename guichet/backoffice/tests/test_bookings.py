import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from guichet.appointments.models import Unavailability
from guichet.appointments.slots import openings
from guichet.appointments.tests.fixtures import at, next_working_day
from guichet.bookings.models import FacilityBooking, Registration
from guichet.bookings.services import event_register, facility_request


def test_approving_a_paid_request_sends_the_payment_link(client, hall, agent, deliver):
    hall.needs_approval = True
    hall.save()
    day = next_working_day(5)
    case = facility_request(facility=hall, starts_at=at(day, 14), ends_at=at(day, 18),
                            audience="resident", purpose="Mariage", attendees=80,
                            name="Marc Blanc", email="marc@exemple.fr")
    client.force_login(agent)
    html = client.get(case.get_backoffice_url()).content.decode()
    assert "Salle des fêtes" in html and "80,00 €" in html and "Accepter" in html
    url = reverse("backoffice:facility_decision", args=[case.reference])
    response = client.post(url, {"decision": "approve", "message": ""}, follow=True)
    assert "Écrivez un message" in response.content.decode()
    client.post(url, {"decision": "approve", "message": "Salle accordée."})
    booking = FacilityBooking.objects.get()
    assert booking.status == FacilityBooking.Status.PENDING_PAYMENT
    [message] = [m for m in deliver() if "Nouvelle réponse" in m.subject]
    assert "/paiement/" in message.body and "80,00 €" in message.body


def test_attendee_list_and_check_in(client, workshop, agent):
    case = event_register(event=workshop, attendees=[{"name": "Léa Roy"}], name="Anne Roy",
                          email="anne@exemple.fr")
    client.force_login(agent)
    html = client.get(reverse("backoffice:event_attendees",
                              args=[workshop.slug])).content.decode()
    assert "Léa Roy" in html and "1 inscrit sur 3 places" in html
    client.post(reverse("backoffice:registration_action", args=[case.registration.pk]),
                {"action": "check_in", "back": "event"})
    case.registration.refresh_from_db()
    assert case.registration.status == Registration.Status.PRESENT


def test_importing_closures_from_an_ics_file(client, passport, other_agent):
    day = next_working_day()
    ics = (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Test//FR\r\nBEGIN:VEVENT\r\n"
        f"UID:fermeture-1@mairie\r\nDTSTAMP:20261101T000000Z\r\nDTSTART;VALUE=DATE:{day:%Y%m%d}"
        f"\r\nDTEND;VALUE=DATE:{day + dt.timedelta(days=1):%Y%m%d}\r\nSUMMARY:Inventaire\r\n"
        "END:VEVENT\r\nEND:VCALENDAR\r\n")
    client.force_login(other_agent)
    url = reverse("backoffice:appointment_import_closures")
    for _ in range(2):  # importing twice changes nothing the second time
        client.post(url, {"agenda": "titres",
                          "file": SimpleUploadedFile("fermetures.ics", ics.encode())})
    closure = Unavailability.objects.get()
    assert closure.summary == "Inventaire" and closure.desks is None
    assert openings(passport, day, day) == []  # the agenda is closed that day
    bad = client.post(url, {"agenda": "titres", "file": SimpleUploadedFile("x.ics", b"nope")},
                      follow=True)
    assert "pas un calendrier iCalendar" in bad.content.decode()


def test_it_checks_ownership(client, hall, workshop, other_agent, passport):
    """Agents of other units cannot decide, check in or import."""
    day = next_working_day(5)
    hall.needs_approval = True
    hall.save()
    case = facility_request(facility=hall, starts_at=at(day, 14), ends_at=at(day, 18),
                            audience="association", purpose="AG", attendees=20, name="X",
                            email="x@exemple.fr")
    registration = event_register(event=workshop, attendees=[{"name": "A"}], name="A",
                                  email="a@exemple.fr").registration
    client.force_login(other_agent)
    assert client.post(reverse("backoffice:facility_decision", args=[case.reference]),
                       {"decision": "approve", "message": "x"}).status_code == 404
    assert client.post(reverse("backoffice:registration_action", args=[registration.pk]),
                       {"action": "check_in"}).status_code == 404
    assert client.get(reverse("backoffice:event_attendees",
                              args=[workshop.slug])).status_code == 404
    assert FacilityBooking.objects.get().status == FacilityBooking.Status.REQUESTED
