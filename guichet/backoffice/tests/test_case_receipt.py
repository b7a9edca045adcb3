"""The registration receipt PDF reception prints: for the unit's agents and for whoever
recorded the case, even in another collectivité's unit."""

from django.urls import reverse

from conftest import make_agent, make_unit
from guichet.accounts.models import Membership
from guichet.intake.services import intake_record


def recorded(epci, unit, resident):
    reception = make_agent("accueil@valdefensch.fr", make_unit(epci, "Accueil"),
                           Membership.Role.RECEPTION)
    case = intake_record(agent=reception, unit=unit, channel="counter", subject="Banc cassé",
                         message="Place du marché.", name="Alice Durand",
                         email="alice@exemple.fr", resident=resident)
    return reception, case


def url(case):
    return reverse("backoffice:case_receipt", args=[case.reference])


def test_the_agent_who_recorded_it_prints_the_receipt(client, epci, unit, resident):
    reception, case = recorded(epci, unit, resident)
    client.force_login(reception)
    response = client.get(url(case))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert f"accuse-{case.reference}.pdf" in response["Content-Disposition"]


def test_the_units_agents_print_it_too(client, agent, epci, unit, resident):
    _, case = recorded(epci, unit, resident)
    client.force_login(agent)
    assert client.get(url(case)).content.startswith(b"%PDF")


def test_it_checks_ownership(client, epci, unit, other_agent, resident):
    reception, case = recorded(epci, unit, resident)
    colleague = make_agent("accueil2@valdefensch.fr", reception.memberships.get().unit,
                           Membership.Role.RECEPTION)
    for outsider in (colleague, other_agent):
        client.force_login(outsider)
        assert client.get(url(case)).status_code == 404
    client.force_login(resident)  # her receipt is on her own space, not here
    assert client.get(url(case)).status_code == 403
