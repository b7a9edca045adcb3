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


def test_a_case_sent_out_of_the_agents_units_brings_him_back_to_his_inbox(client, agent, case,
                                                                          other_unit):
    client.force_login(agent)
    response = client.post(url(case), {"transfer-unit": other_unit.pk,
                                       "transfer-reason": "Relève de l'état civil."},
                           follow=True)
    assert response.redirect_chain == [(reverse("backoffice:inbox"), 302)]
    assert response.status_code == 200
    assert "Demande transférée à État civil." in response.content.decode()


def test_an_agent_who_still_sees_the_case_stays_on_it(client, agent, case, other_unit):
    from guichet.accounts.models import Membership

    Membership.objects.create(user=agent, unit=other_unit)
    client.force_login(agent)
    response = client.post(url(case), {"transfer-unit": other_unit.pk,
                                       "transfer-reason": "Relève de l'état civil."},
                           follow=True)
    assert response.redirect_chain == [(case.get_backoffice_url(), 302)]
    assert "Demande transférée à État civil." in response.content.decode()


def test_transfer_to_the_epci(client, agent, case, epci_unit, epci):
    client.force_login(agent)
    response = client.post(url(case), {"transfer-unit": epci_unit.pk,
                                       "transfer-reason": "Compétence"}, follow=True)
    case.refresh_from_db()
    assert (case.unit, case.organisation) == (epci_unit, epci)
    assert "Demande transférée à Déchets (Val de Fensch)." in response.content.decode()


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
