import pytest

from guichet.cases.models import Status
from guichet.cases.services import case_change_status
from guichet.reports.models import Photo, Report
from guichet.reports.services import (
    ReportError,
    report_follow,
    report_submit,
    reports_nearby,
)

from .fixtures import INSIDE, OUTSIDE, jpeg


def submit(category, lat=INSIDE[0], lon=INSIDE[1], **fields):
    fields.setdefault("description", "Un problème.")
    fields.setdefault("email", "marc@exemple.fr")
    fields.setdefault("name", "Marc Blanc")
    return report_submit(category=category, lat=lat, lon=lon, **fields)


def test_a_pothole_goes_to_the_commune_s_roads_unit_with_the_category_sla(territory, pothole,
                                                                         unit):
    case = submit(pothole, answers={"taille": "grand"}, address="12 rue Foch")
    assert (case.kind, case.unit, case.organisation) == ("report", unit, territory)
    assert case.subject == "Nid-de-poule — 12 rue Foch"
    assert case.report.commune == territory
    assert case.report.answers == {"taille": "grand"}
    calendar = territory.calendar()
    assert calendar.between(case.created_at, case.resolution_due_at).total_seconds() == \
        pytest.approx(72 * 3600, abs=60)


def test_dumping_goes_to_the_epci_waste_unit(territory, dumping, epci_unit):
    case = submit(dumping)
    assert (case.unit, case.organisation) == (epci_unit, epci_unit.organisation)
    assert case.reference.startswith("VF-")
    assert case.report.commune == territory  # the place is still in Hayange


def test_bad_input_is_refused_with_the_field_at_fault(territory, pothole, dumping, roads):
    cases = [
        (dict(category=roads), "category", "catégorie"),
        (dict(category=pothole, lat=OUTSIDE[0], lon=OUTSIDE[1]), "location", "en dehors"),
        (dict(category=pothole, lat="abc"), "location", "Indiquez le lieu"),
        (dict(category=pothole, description="x" * 4001), "description", "4000"),
        (dict(category=pothole, answers={}), "q_taille", "Taille du trou"),
        (dict(category=pothole, answers={"taille": "énorme"}), "q_taille", "réponse proposée"),
        (dict(category=dumping, answers={"volume": "beaucoup"}), "q_volume", "nombre"),
        (dict(category=dumping, photos=[jpeg()] * 4), "photos", "3 photos"),
    ]
    for fields, field, message in cases:
        category = fields.pop("category")
        with pytest.raises(ReportError, match=message) as error:
            submit(category, **{"answers": {"taille": "petit"}, **fields})
        assert error.value.field == field
    assert not Report.objects.exists()


def test_a_photo_that_is_not_one_rolls_everything_back(territory, dumping):
    from django.core.files.uploadedfile import SimpleUploadedFile

    with pytest.raises(ReportError, match="ne peut pas être lue"):
        submit(dumping, photos=[SimpleUploadedFile("x.jpg", b"MZ\x90 not an image")])
    assert not Report.objects.exists()


def test_photos_are_stored_without_metadata(territory, dumping):
    case = submit(dumping, photos=[jpeg(), jpeg(size=(3000, 100))])
    photos = list(case.report.photos.all())
    assert [p.kind for p in photos] == [Photo.Kind.BEFORE] * 2
    assert all(b"SERIAL-987" not in p.image.read() for p in photos)
    assert photos[1].width == 1600
    assert not photos[0].is_publishable()  # this category needs moderation


def test_nearby_open_reports_of_the_same_category(territory, pothole, dumping, agent):
    here = submit(pothole, answers={"taille": "petit"})
    near = submit(pothole, lat=INSIDE[0] + 0.0003, lon=INSIDE[1], answers={"taille": "petit"})
    submit(pothole, lat=INSIDE[0] + 0.001, lon=INSIDE[1], answers={"taille": "petit"})  # 111 m
    submit(dumping)  # same place, other category
    closed = submit(pothole, answers={"taille": "petit"})
    case_change_status(case=closed, status=Status.RESOLVED, acting_user=agent)

    found = reports_nearby(category=pothole, lat=INSIDE[0], lon=INSIDE[1])
    assert [r.case for r, _ in found] == [here, near]
    assert found[1][1] == pytest.approx(33.4, abs=0.5)


def test_me_too_counts_each_person_once(territory, pothole, resident):
    case = submit(pothole, answers={"taille": "petit"})
    report = case.report
    assert report_follow(report=report, email="alice@exemple.fr", user=resident)
    assert not report_follow(report=report, email="Alice@exemple.fr")
    assert not report_follow(report=report, email="marc@exemple.fr")  # the filer
    report.refresh_from_db()
    assert report.followers_count == 1


def test_the_open_flag_follows_the_case(territory, pothole, agent):
    case = submit(pothole, answers={"taille": "petit"})
    case_change_status(case=case, status=Status.RESOLVED, acting_user=agent)
    case.report.refresh_from_db()
    assert case.report.is_open is False
    from guichet.cases.services import case_resident_reply

    case_resident_reply(case=case, body="Le trou est revenu.")
    case.report.refresh_from_db()
    assert case.report.is_open is True


def test_merging_a_duplicate(territory, pothole, agent, deliver):
    from guichet.reports.services import report_merge

    original = submit(pothole, answers={"taille": "petit"}, email="premier@exemple.fr")
    duplicate = submit(pothole, answers={"taille": "grand"}, email="second@exemple.fr")
    report_follow(report=duplicate.report, email="voisin@exemple.fr")
    deliver().clear()
    report_merge(report=duplicate.report, into=original.report, acting_user=agent)
    duplicate.refresh_from_db()
    original.report.refresh_from_db()
    assert duplicate.status == Status.CLOSED
    assert duplicate.report.merged_into == original.report
    assert set(original.report.followers.values_list("email", flat=True)) == {
        "second@exemple.fr", "voisin@exemple.fr"}
    assert original.report.followers_count == 2
    recipients = sorted(m.to[0] for m in deliver())
    assert recipients == ["second@exemple.fr", "voisin@exemple.fr"]  # each told once
    with pytest.raises(ReportError):
        report_merge(report=original.report, into=original.report, acting_user=agent)
