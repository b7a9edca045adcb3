"""The report panel of the case page: field status, photo moderation, closing with a photo."""

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from conftest import make_agent
from guichet.cases.models import Event, Status
from guichet.journal.models import Entry
from guichet.reports.models import FieldStatus, Photo
from guichet.reports.services import report_submit
from guichet.reports.tests.fixtures import INSIDE, jpeg


def file_report(category, **fields):
    fields.setdefault("answers", {"taille": "petit"} if category.service_code ==
                      "nid-de-poule" else {})
    return report_submit(category=category, lat=INSIDE[0], lon=INSIDE[1], description="Trou",
                         address="12 rue Foch", name="Marc Blanc", email="marc@exemple.fr",
                         **fields)


def test_the_case_page_shows_the_report(client, territory, pothole, agent):
    case = file_report(pothole, photos=[jpeg()])
    client.force_login(agent)
    html = client.get(case.get_backoffice_url()).content.decode()
    assert "Nid-de-poule" in html and "12 rue Foch" in html and "Hayange" in html
    assert "Photo du signalement" in html
    assert reverse("backoffice:case_report_close", args=[case.reference]) in html


def test_scheduling_the_field_visit_is_public(client, territory, pothole, agent):
    case = file_report(pothole)
    client.force_login(agent)
    url = reverse("backoffice:case_report_field", args=[case.reference])
    html = client.post(url, {"field-field_status": "scheduled"}).content.decode()
    assert "Indiquez la date prévue" in html
    day = timezone.localdate() + dt.timedelta(days=3)
    response = client.post(url, {"field-field_status": "scheduled",
                                 "field-scheduled_for": day.isoformat()})
    assert response.status_code == 302
    case.report.refresh_from_db()
    assert (case.report.field_status, case.report.scheduled_for) == (FieldStatus.SCHEDULED, day)
    progress = case.events.get(kind=Event.Kind.PROGRESS)
    assert "Intervention programmée le" in progress.body
    public = client.get(reverse("portal:public_report", args=[case.reference])).content.decode()
    assert "Intervention programmée le" in public
    assert Entry.objects.filter(action=Entry.Action.CASE_UPDATED, actor=agent).exists()


def test_followers_are_told_of_the_progress(client, territory, pothole, agent, deliver):
    from guichet.reports.services import report_follow

    case = file_report(pothole)
    report_follow(report=case.report, email="voisin@exemple.fr")
    deliver().clear()
    client.force_login(agent)
    client.post(reverse("backoffice:case_report_field", args=[case.reference]),
                {"field-field_status": "in_progress"})
    client.post(reverse("backoffice:case_report_close", args=[case.reference]),
                {"close-message": "Rebouché."})
    to_neighbour = [m for m in deliver() if m.to == ["voisin@exemple.fr"]]
    assert [m.subject for m in to_neighbour] == [
        f"Signalement {case.reference} : Intervention en cours.",
        f"Signalement {case.reference} : Le problème est traité : le signalement est clos."]
    assert "Marc" not in to_neighbour[0].body  # the filer's name is not shared


def test_closing_with_an_after_photo(client, territory, dumping, epci_unit, deliver):
    waste_agent = make_agent("dechets@vf.fr", epci_unit)
    case = file_report(dumping, photos=[jpeg()])
    client.force_login(waste_agent)
    url = reverse("backoffice:case_report_close", args=[case.reference])
    bad = client.post(url, {"close-message": "Nettoyé.",
                            "close-photo": SimpleUploadedFile("x.jpg", b"%PDF-1.4")})
    assert bad.status_code == 400 and "Nettoyé." in bad.content.decode()
    response = client.post(url, {"close-message": "Nettoyé ce matin.",
                                 "close-photo": jpeg("apres.jpg")})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == Status.CLOSED
    after = case.report.photos.get(kind=Photo.Kind.AFTER)
    assert after.is_publishable()
    assert any("Nettoyé ce matin." in m.body for m in deliver())


def test_publishing_a_photo_after_moderation(client, territory, dumping, epci_unit):
    waste_agent = make_agent("dechets@vf.fr", epci_unit)
    case = file_report(dumping, photos=[jpeg()])
    photo = case.report.photos.get()
    client.force_login(waste_agent)
    client.post(reverse("backoffice:case_photo_publish", args=[case.reference, photo.key]),
                {"publish": "1"})
    photo.refresh_from_db()
    assert photo.is_moderated and photo.is_publishable()


def test_it_checks_ownership(client, territory, dumping, pothole, agent, other_agent):
    """The commune's roads agent cannot act on the EPCI's waste report, nor anyone else."""
    waste = file_report(dumping, photos=[jpeg()])
    photo = waste.report.photos.get()
    for user in (agent, other_agent):
        client.force_login(user)
        for url, data in (
            (reverse("backoffice:case_report_field", args=[waste.reference]),
             {"field-field_status": "done"}),
            (reverse("backoffice:case_report_close", args=[waste.reference]),
             {"close-message": "x"}),
            (reverse("backoffice:case_photo_publish", args=[waste.reference, photo.key]),
             {"publish": "1"}),
        ):
            assert client.post(url, data).status_code == 404
    waste.refresh_from_db()
    assert waste.status == Status.NEW
    contact_like = file_report(pothole)
    client.force_login(other_agent)
    assert client.get(contact_like.get_backoffice_url()).status_code == 404


def test_merging_from_the_case_page(client, territory, pothole, agent, other_agent):
    original = file_report(pothole)
    duplicate = file_report(pothole)
    client.force_login(agent)
    url = reverse("backoffice:case_report_merge", args=[duplicate.reference])
    html = client.post(url, {"merge-into": "XX-0000"}).content.decode()
    assert "Aucun signalement de vos services" in html
    response = client.post(url, {"merge-into": original.reference.lower()})
    assert response.status_code == 302
    duplicate.refresh_from_db()
    assert duplicate.status == Status.CLOSED
    assert duplicate.report.merged_into == original.report
    client.force_login(other_agent)
    assert client.post(url, {"merge-into": original.reference}).status_code == 404


def test_not_our_competence_transfers_to_the_competent_unit(client, territory, pothole, agent,
                                                            epci_unit):
    case = file_report(pothole)
    client.force_login(agent)
    url = reverse("backoffice:case_report_field", args=[case.reference])
    html = client.post(url, {"field-field_status": "not_ours"}).content.decode()
    assert "Choisissez le service compétent." in html
    response = client.post(url, {"field-field_status": "not_ours", "field-unit": epci_unit.pk})
    assert response.status_code == 302
    # Out of the agent's units now: back to the inbox, not to a 404.
    assert response["Location"] == reverse("backoffice:inbox")
    case.refresh_from_db()
    assert case.unit == epci_unit and case.organisation == epci_unit.organisation
    assert case.events.get(kind=Event.Kind.TRANSFERRED).body == \
        "Pas de la compétence de notre service."
