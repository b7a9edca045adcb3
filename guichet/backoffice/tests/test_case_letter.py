"""The receipt as a letter, for the unit's agents and for whoever recorded the case."""

from django.urls import reverse

from conftest import make_agent, make_unit
from guichet.accounts.models import Membership
from guichet.intake.services import intake_record


def recorded(epci, unit):
    reception = make_agent("accueil@valdefensch.fr", make_unit(epci, "Accueil"),
                           Membership.Role.RECEPTION)
    case = intake_record(agent=reception, unit=unit, channel="mail", subject="Demande de banc",
                         message="Un banc place du marché.", name="Marcel Durand",
                         address="3 rue Haute")
    return reception, case


def url(case):
    return reverse("backoffice:case_letter", args=[case.reference])


def test_the_agent_who_recorded_it_gets_the_letter_and_a_way_back(client, epci, unit):
    reception, case = recorded(epci, unit)
    client.force_login(reception)
    html = client.get(url(case)).content.decode()
    assert "Marcel Durand" in html and case.reference in html and "Voirie" in html
    back = reverse("backoffice:intake_done", args=[case.reference])
    assert f'href="{back}"' in html and case.get_backoffice_url() + '"' not in html


def test_the_units_agent_goes_back_to_the_case(client, agent, epci, unit):
    _, case = recorded(epci, unit)
    client.force_login(agent)
    assert f'href="{case.get_backoffice_url()}"' in client.get(url(case)).content.decode()


def test_it_checks_ownership(client, epci, unit, other_agent, resident):
    reception, case = recorded(epci, unit)
    colleague = make_agent("accueil2@valdefensch.fr", reception.memberships.get().unit,
                           Membership.Role.RECEPTION)
    for outsider in (colleague, other_agent):
        client.force_login(outsider)
        assert client.get(url(case)).status_code == 404
    client.force_login(resident)
    assert client.get(url(case)).status_code == 403
