"""Reports filed without a position (the address service could not locate the typed address)
and placed on the map by an agent, which re-checks the routing by the commune outlines."""

import pytest

from conftest import make_agent
from guichet.cases.models import Event, Status
from guichet.cases.services import case_close
from guichet.journal.models import Entry
from guichet.organisations.models import Organisation
from guichet.reports.services import ReportError, report_place, report_submit

from .fixtures import IN_FLORANGE, INSIDE, OUTSIDE


def unplaced(category, commune, **fields):
    fields.setdefault("answers", {"taille": "petit"})
    return report_submit(category=category, lat=None, lon=None, commune=commune,
                         address=fields.pop("address", "12 rue Foch"), description="Trou",
                         name="Marc Blanc", email="marc@exemple.fr", **fields)


def test_a_report_without_a_position_is_routed_by_its_commune(territory, pothole, unit):
    case = unplaced(pothole, territory)
    report = case.report
    assert (report.lat, report.lon, report.commune) == (None, None, territory)
    assert report.needs_placing
    assert (case.unit, case.subject) == (unit, "Nid-de-poule — 12 rue Foch")


def test_without_a_position_the_address_and_a_covered_commune_are_needed(territory, pothole,
                                                                        epci):
    with pytest.raises(ReportError) as error:
        unplaced(pothole, territory, address="  ")
    assert error.value.field == "address"
    with pytest.raises(ReportError) as error:
        unplaced(pothole, epci)  # not a commune
    assert error.value.field == "commune"
    outlineless = Organisation.objects.create(kind="commune", name="Sans contour", slug="sans",
                                              reference_prefix="SANS")
    with pytest.raises(ReportError):
        unplaced(pothole, outlineless)
    with pytest.raises(ReportError) as error:
        report_submit(category=pothole, lat=None, lon=None, description="Trou",
                      answers={"taille": "petit"})
    assert error.value.field == "location"


def test_placing_in_the_same_commune_keeps_the_unit_and_is_journaled(territory, pothole, unit,
                                                                     agent):
    case = unplaced(pothole, territory)
    report = report_place(report=case.report, lat=INSIDE[0], lon=INSIDE[1], acting_user=agent)
    report.refresh_from_db()
    assert (report.lat, report.lon, report.commune, report.needs_placing) == (
        INSIDE[0], INSIDE[1], territory, False)
    case.refresh_from_db()
    assert case.unit == unit
    note = case.events.get(kind=Event.Kind.INTERNAL_NOTE)
    assert note.body == "Signalement placé sur la carte : 49,330000 ; 6,050000, à Hayange."
    assert note.actor == agent
    entry = Entry.objects.get(action=Entry.Action.CASE_UPDATED, case=case)
    assert entry.actor == agent and entry.details["placed"] is True
    assert not case.events.filter(kind=Event.Kind.TRANSFERRED).exists()


def test_placing_in_another_commune_routes_to_its_unit(territory, pothole, agent,
                                                       florange_roads):
    case = unplaced(pothole, territory, address="8 rue de Hayange")
    report_place(report=case.report, lat=IN_FLORANGE[0], lon=IN_FLORANGE[1], acting_user=agent,
                 address="8 rue de Hayange, 57190 Florange")
    case.refresh_from_db()
    assert case.report.commune.name == "Florange"
    assert case.report.address == "8 rue de Hayange, 57190 Florange"
    assert (case.unit, case.organisation) == (florange_roads, florange_roads.organisation)
    transfer = case.events.get(kind=Event.Kind.TRANSFERRED)
    assert "le problème est à Florange" in transfer.body
    assert "était rattaché à Hayange d'après l'adresse saisie" in \
        case.events.get(kind=Event.Kind.INTERNAL_NOTE).body


def test_an_epci_competence_stays_with_the_epci_wherever_it_is(territory, dumping, epci_unit,
                                                               florange_roads):
    waste_agent = make_agent("dechets@vf.fr", epci_unit)
    case = unplaced(dumping, territory, answers={})
    report_place(report=case.report, lat=IN_FLORANGE[0], lon=IN_FLORANGE[1],
                 acting_user=waste_agent)
    case.refresh_from_db()
    assert case.unit == epci_unit and case.report.commune.name == "Florange"
    assert not case.events.filter(kind=Event.Kind.TRANSFERRED).exists()


def test_placing_is_refused_outside_the_territory_by_someone_else_or_once_closed(
        territory, pothole, agent, other_agent):
    case = unplaced(pothole, territory)
    with pytest.raises(ReportError, match="en dehors du territoire"):
        report_place(report=case.report, lat=OUTSIDE[0], lon=OUTSIDE[1], acting_user=agent)
    with pytest.raises(ReportError, match="pas habilité"):
        report_place(report=case.report, lat=INSIDE[0], lon=INSIDE[1], acting_user=other_agent)
    case.report.refresh_from_db()
    assert case.report.needs_placing
    case_close(case=case, acting_user=agent, message="Rebouché.")
    case.refresh_from_db()
    assert case.status == Status.CLOSED
    with pytest.raises(ReportError, match="clos"):
        report_place(report=case.report, lat=INSIDE[0], lon=INSIDE[1], acting_user=agent)
