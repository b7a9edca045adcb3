from django.urls import reverse

from guichet.contact.services import contact_submit
from guichet.reports.services import report_submit
from guichet.reports.tests.fixtures import INSIDE


def file(category, **fields):
    return report_submit(category=category, lat=INSIDE[0], lon=INSIDE[1],
                         description="Trou profond", address="12 rue Foch", name="X",
                         email="x@exemple.fr", answers={"taille": "petit"}, **fields)


def test_the_sheet_lists_the_selected_reports_in_order(client, territory, pothole, agent,
                                                       unit):
    first, second = file(pothole), file(pothole)
    contact = contact_submit(unit=unit, subject="Autre", message="…", name="Y",
                             email="y@exemple.fr")
    client.force_login(agent)
    url = reverse("backoffice:route_sheet")
    html = client.get(url, {"ref": [second.reference, first.reference,
                                    contact.reference]}).content.decode()
    assert html.index(second.reference) < html.index(first.reference)
    assert "12 rue Foch" in html and "Trou profond" in html
    assert "Laissées de côté" in html and "1 demande de la sélection" in html
    assert '"n": 2' in html  # the map's numbered points


def test_it_checks_ownership(client, territory, dumping, agent):
    """A report of another unit never appears on the sheet."""
    waste = report_submit(category=dumping, lat=INSIDE[0], lon=INSIDE[1], description="Sacs",
                          name="X", email="x@exemple.fr")
    client.force_login(agent)
    html = client.get(reverse("backoffice:route_sheet"),
                      {"ref": [waste.reference]}).content.decode()
    assert "Aucun signalement de vos services" in html
    assert waste.reference not in html and "Sacs" not in html
