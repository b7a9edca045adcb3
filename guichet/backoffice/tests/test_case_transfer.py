"""Transfers: within the organisation or between the EPCI and a member commune, with a reason."""

from django.urls import reverse

from guichet.cases.models import Event
from guichet.organisations.models import Unit


def url(case):
    return reverse("backoffice:case_transfer", args=[case.reference])


def test_transfer_to_another_unit_with_a_reason(client, agent, case, other_unit):
    client.force_login(agent)
    response = client.post(url(case), {"transfer-unit": other_unit.pk,
                                       "transfer-reason": "Relève de l'état civil."})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.unit == other_unit
    event = case.events.get(kind=Event.Kind.TRANSFERRED)
    assert event.body == "Relève de l'état civil."
    # The case left the agent's units: the redirect target is now out of reach.
    assert client.get(response["Location"]).status_code == 404


def test_transfer_to_the_epci(client, agent, case, epci_unit, epci):
    client.force_login(agent)
    client.post(url(case), {"transfer-unit": epci_unit.pk, "transfer-reason": "Compétence"})
    case.refresh_from_db()
    assert (case.unit, case.organisation) == (epci_unit, epci)


def test_reason_is_required(client, agent, case, other_unit):
    client.force_login(agent)
    response = client.post(url(case), {"transfer-unit": other_unit.pk, "transfer-reason": ""})
    assert response.status_code == 400
    assert "Motif du transfert" in response.content.decode()
    case.refresh_from_db()
    assert case.unit != other_unit


def test_outside_the_territory_is_refused(client, agent, case, other_commune):
    outside = Unit.objects.create(organisation=other_commune, name="Voirie", slug="voirie")
    client.force_login(agent)
    response = client.post(url(case), {"transfer-unit": outside.pk, "transfer-reason": "x"})
    assert response.status_code == 400
    case.refresh_from_db()
    assert case.unit != outside


def test_it_checks_ownership(client, other_agent, case, other_unit):
    client.force_login(other_agent)
    response = client.post(url(case), {"transfer-unit": other_unit.pk,
                                       "transfer-reason": "Je la prends"})
    assert response.status_code == 404
    case.refresh_from_db()
    assert case.unit != other_unit
