"""The reporting tunnel and the public pages."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from guichet.cases.models import Case, Status
from guichet.cases.services import case_add_note, case_change_status
from guichet.reports.models import Follower, Report
from guichet.reports.services import report_submit
from guichet.reports.tests.fixtures import INSIDE, OUTSIDE, jpeg


def details_url(code, lat=INSIDE[0], lon=INSIDE[1], adresse="12 rue Foch"):
    return (reverse("portal:report_details", args=[code])
            + f"?lat={lat}&lon={lon}&adresse={adresse}")


DETAILS = {"description": "Énorme trou", "q_taille": "grand", "name": "Marc Blanc",
           "email": "marc@exemple.fr"}


def file_report(category, **fields):
    return report_submit(category=category, lat=INSIDE[0], lon=INSIDE[1], description="Trou",
                         address="12 rue Foch", name="Marc Blanc", email="marc@exemple.fr",
                         **fields)


def test_the_start_page_lists_categories_by_group(client, pothole, dumping):
    html = client.get(reverse("portal:report_start")).content.decode()
    assert "Voirie" in html and "Nid-de-poule" in html and "Dépôt sauvage" in html
    assert reverse("portal:report_location", args=["nid-de-poule"]) in html


def test_the_place_is_given_by_map_point(client, territory, pothole):
    url = reverse("portal:report_location", args=["nid-de-poule"])
    response = client.post(url, {"address": "", "lat": INSIDE[0], "lon": INSIDE[1]})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("portal:report_details",
                                                   args=["nid-de-poule"]))


def test_the_place_is_given_by_address_without_javascript(client, territory, pothole, ban):
    url = reverse("portal:report_location", args=["nid-de-poule"])
    response = client.post(url, {"address": "12 rue Foch, Hayange"})
    assert "lat=49.330000" in response["Location"] and "Rue+Foch" in response["Location"]


def test_place_errors_are_explained_and_the_address_kept(client, territory, pothole, ban):
    url = reverse("portal:report_location", args=["nid-de-poule"])
    html = client.post(url, {"address": ""}).content.decode()
    assert "Indiquez l&#x27;adresse du problème" in html
    html = client.post(url, {"address": "nulle part"}).content.decode()
    assert "Nous n&#x27;avons pas trouvé cette adresse" in html and 'value="nulle part"' in html
    html = client.post(url, {"lat": OUTSIDE[0], "lon": OUTSIDE[1]}).content.decode()
    assert "en dehors du territoire" in html


def test_filing_a_report_with_photos(client, territory, pothole, unit, deliver):
    response = client.post(details_url("nid-de-poule"), {**DETAILS, "photos": [jpeg()]})
    case = Case.objects.get()
    assert response["Location"] == reverse("portal:confirmation", args=[case.token])
    assert case.unit == unit and case.report.answers == {"taille": "grand"}
    assert case.report.photos.count() == 1
    assert deliver()[0].to == ["marc@exemple.fr"]


def test_detail_errors_keep_what_was_typed(client, territory, pothole):
    data = {**DETAILS, "description": "", "q_taille": "",
            "photos": [SimpleUploadedFile("x.jpg", b"%PDF-1.4 pas une photo")]}
    html = client.post(details_url("nid-de-poule"), data).content.decode()
    assert "Ce champ est obligatoire" in html
    assert "n&#x27;est pas une photo" in html
    assert 'value="Marc Blanc"' in html
    assert "joignez-les à nouveau" in html
    assert not Report.objects.exists()


def test_nearby_reports_are_shown_before_sending_and_can_be_followed(client, territory,
                                                                    pothole):
    existing = file_report(pothole, answers={"taille": "petit"})
    html = client.get(details_url("nid-de-poule")).content.decode()
    assert "Déjà signalé à moins de 50 m" in html and existing.reference in html
    response = client.post(reverse("portal:report_me_too", args=[existing.reference]),
                           {"email": "voisin@exemple.fr"}, follow=True)
    assert "vous serez informé" in response.content.decode()
    existing.report.refresh_from_db()
    assert existing.report.followers_count == 1
    assert Follower.objects.get().email == "voisin@exemple.fr"
    assert Case.objects.count() == 1


def test_a_wrong_place_in_the_url_sends_back_to_the_place_step(client, territory, pothole):
    response = client.get(details_url("nid-de-poule", lat=OUTSIDE[0], lon=OUTSIDE[1]))
    assert response["Location"] == reverse("portal:report_location", args=["nid-de-poule"])


def test_the_public_pages_never_show_the_filer(client, territory, pothole, agent):
    case = file_report(pothole, answers={"taille": "petit"})
    case_add_note(case=case, agent=agent, body="Note interne confidentielle")
    case_change_status(case=case, status=Status.IN_PROGRESS, acting_user=agent)
    pages = [client.get(reverse("portal:public_reports")),
             client.get(reverse("portal:public_report", args=[case.reference])),
             client.get(reverse("portal:public_reports_geojson"))]
    for response in pages:
        body = response.content.decode()
        assert response.status_code == 200
        for private in ("Marc", "Blanc", "marc@exemple.fr", "confidentielle"):
            assert private not in body
    assert case.reference in pages[0].content.decode()
    assert "En cours de traitement" in pages[1].content.decode()
    geojson = pages[2].json()
    assert geojson["features"][0]["properties"]["reference"] == case.reference


def test_public_list_filters(client, territory, pothole, dumping, agent):
    hole = file_report(pothole, answers={"taille": "petit"})
    waste = file_report(dumping)
    case_change_status(case=hole, status=Status.RESOLVED, acting_user=agent)
    html = client.get(reverse("portal:public_reports")).content.decode()
    assert waste.reference in html and hole.reference not in html
    html = client.get(reverse("portal:public_reports") + "?statut=resolus").content.decode()
    assert hole.reference in html and waste.reference not in html
    html = client.get(reverse("portal:public_reports")
                      + "?statut=tous&categorie=depot-sauvage").content.decode()
    assert waste.reference in html and hole.reference not in html


def test_photos_wait_for_moderation_when_the_category_says_so(client, territory, dumping,
                                                             pothole):
    case = file_report(dumping, photos=[jpeg()])
    photo = case.report.photos.get()
    url = reverse("portal:photo", args=[photo.key])
    assert client.get(url).status_code == 404
    assert photo.key not in client.get(reverse("portal:public_report",
                                               args=[case.reference])).content.decode()
    photo.is_moderated = True
    photo.save()
    assert client.get(url)["Content-Type"] == "image/jpeg"
    free = file_report(pothole, answers={"taille": "petit"}, photos=[jpeg()])
    pothole_photo = free.report.photos.get()
    pothole.moderate_photos = False
    pothole.save()
    assert client.get(reverse("portal:photo_thumbnail",
                              args=[pothole_photo.key])).status_code == 200


def test_it_checks_ownership(client, territory, dumping, resident, other_agent, agent):
    """A private category's reports are not public; an unmoderated photo is seen only by the
    filer and the unit's agents."""
    dumping.is_public = False
    dumping.save()
    case = report_submit(category=dumping, lat=INSIDE[0], lon=INSIDE[1], description="…",
                         requester=resident, photos=[jpeg()])
    assert client.get(reverse("portal:public_report", args=[case.reference])).status_code == 404
    assert case.reference not in client.get(reverse("portal:public_reports")
                                            + "?statut=tous").content.decode()
    url = reverse("portal:photo", args=[case.report.photos.get().key])
    client.force_login(other_agent)
    assert client.get(url).status_code == 404
    client.force_login(resident)
    assert client.get(url).status_code == 200


def test_the_details_step_promises_a_day_and_says_who_sees_the_photos(client, territory,
                                                                       pothole, dumping):
    import datetime as dt

    import time_machine

    from guichet.lib.business_time import PARIS

    pothole.moderate_photos = False
    pothole.save()
    # Thursday 3 December 2026: the pothole category answers within 24 business hours.
    with time_machine.travel(dt.datetime(2026, 12, 3, 10, tzinfo=PARIS), tick=False):
        html = " ".join(client.get(details_url("nid-de-poule")).content.decode().split())
    assert "sous <strong>1 jour ouvré</strong>" in html
    assert "d'ici le <strong>vendredi 4 décembre 2026</strong>" in html
    assert "hors jours fériés" in html
    # Told before the upload, in the photo field's description.
    hint = html.split('id="id_photos_helptext">')[1].split("</p>")[0]
    assert "publiées dès l&#x27;envoi, sans vérification" in hint
    assert "visages" in hint and "plaques d&#x27;immatriculation" in hint
    assert "ne sont pas floutées" in hint
    hint = client.get(details_url("depot-sauvage")).content.decode().split(
        'id="id_photos_helptext">')[1].split("</p>")[0]
    assert "vérifiées par le service avant d&#x27;être publiées" in hint
    dumping.is_public = False
    dumping.save()
    hint = client.get(details_url("depot-sauvage")).content.decode().split(
        'id="id_photos_helptext">')[1].split("</p>")[0]
    assert "ne sont pas publiées" in hint and "dès l&#x27;envoi" not in hint


def test_the_map_is_served_from_the_cache_and_never_stale(client, territory, pothole, agent,
                                                          django_capture_on_commit_callbacks):
    def status_on_the_map():
        features = client.get(reverse("portal:public_reports_geojson")).json()["features"]
        return [f["properties"]["statut"] for f in features]

    with django_capture_on_commit_callbacks(execute=True):
        case = file_report(pothole, answers={"taille": "petit"})
    assert status_on_the_map() == ["Nouvelle"]
    assert status_on_the_map() == ["Nouvelle"]  # the second one from the cache
    with django_capture_on_commit_callbacks(execute=True):
        case_change_status(case=case, status=Status.IN_PROGRESS, acting_user=agent)
    assert status_on_the_map() == ["En cours de traitement"]
    with django_capture_on_commit_callbacks(execute=True):
        file_report(pothole, answers={"taille": "grand"})
    assert len(status_on_the_map()) == 2
