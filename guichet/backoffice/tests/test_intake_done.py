"""Where reception lands after recording a request, whatever unit it went to: the reference,
the printable receipt and letter; the case itself only when it is one of the agent's units."""

import pytest
from django.urls import reverse

from conftest import make_agent, make_unit
from guichet.accounts.models import Membership
from guichet.cases.models import Case


@pytest.fixture
def reception(epci):
    """Reception of the EPCI, who takes calls for every commune of the territory."""
    return make_agent("accueil@valdefensch.fr", make_unit(epci, "Accueil"),
                      Membership.Role.RECEPTION, first_name="Nadia", last_name="Benali")


def record_call(client, unit, resident, **fields):
    return client.post(reverse("backoffice:intake"), {
        "compte": resident.pk, "channel": "phone", "unit": unit.pk,
        "subject": "Trottoir glissant", "message": "Des feuilles mortes devant le 4.",
        "name": resident.get_full_name(), "email": resident.email, "phone": "",
        "address": "", "answered_now": "", **fields})


def url(case):
    return reverse("backoffice:intake_done", args=[case.reference])


def test_a_call_for_a_commune_unit_lands_on_the_confirmation(client, reception, unit, resident):
    client.force_login(reception)
    response = record_call(client, unit, resident)
    case = Case.objects.get()
    assert response.status_code == 302 and response["Location"] == url(case)
    page = client.get(response["Location"])
    html = page.content.decode()
    assert page.status_code == 200
    assert "Demande enregistrée" in html and case.reference in html
    assert "Voirie, Hayange" in html and "Alice Durand" in html
    assert "alice@exemple.fr" in html  # where the receipt goes
    assert reverse("backoffice:case_receipt", args=[case.reference]) in html
    assert reverse("backoffice:case_letter", args=[case.reference]) in html
    # Not her unit: no link to a case page she would get a 404 on.
    assert f'href="{case.get_backoffice_url()}"' not in html
    assert "n'apparaît pas dans votre boîte de réception" in html


def test_a_call_for_her_own_unit_links_to_the_case(client, agent, unit, resident):
    client.force_login(agent)
    response = record_call(client, unit, resident, answered_now="C'est noté.")
    case = Case.objects.get()
    html = client.get(response["Location"]).content.decode()
    assert f'href="{case.get_backoffice_url()}"' in html and "Résolue" in html


def test_without_an_email_the_page_says_to_hand_over_the_receipt(client, reception, unit,
                                                                   resident):
    client.force_login(reception)
    response = record_call(client, unit, resident, compte="", email="", name="Marcel Durand")
    html = client.get(response["Location"]).content.decode()
    assert Case.objects.get().requester is None
    assert "remettez-lui l'accusé imprimé" in html


def test_it_checks_ownership(client, reception, epci, unit, resident):
    """The agent who recorded the case and the unit's agents see it; another reception agent,
    the resident and an outsider do not."""
    client.force_login(reception)
    record_call(client, unit, resident)
    case = Case.objects.get()
    colleague = make_agent("accueil2@valdefensch.fr", reception.memberships.get().unit,
                           Membership.Role.RECEPTION)
    client.force_login(colleague)
    assert client.get(url(case)).status_code == 404
    client.force_login(resident)
    assert client.get(url(case)).status_code == 403
    client.logout()
    assert client.get(url(case)).status_code == 302  # to the login page
    client.force_login(make_agent("voirie@hayange.fr", unit))
    assert client.get(url(case)).status_code == 200
