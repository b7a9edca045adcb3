import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import make_agent
from guichet.accounts.models import Membership
from guichet.cases.services import case_close
from guichet.contact.services import contact_submit
from guichet.surveys.models import SatisfactionRequest
from guichet.surveys.services import satisfaction_record

URL = reverse("backoffice:satisfaction")


@pytest.fixture
def scored(case, anonymous_case, agent):
    for item, score, comment in ((case, 1, "Personne n'est venu."), (anonymous_case, 5, "")):
        case_close(case=item, acting_user=agent, message="C'est fait.")
        satisfaction_record(request=SatisfactionRequest.objects.get(case=item), score=score,
                            comment=comment)
    return case


def test_a_manager_sees_figures_and_low_scores_to_follow_up(client, manager, scored):
    client.force_login(manager)
    html = client.get(URL).content.decode()
    assert ">Satisfaction</a>" in html  # in the menu
    assert "Suivis à traiter (1)" in html
    assert f"Demande {scored.reference}</a> — note 1 sur 5 (Pas du tout satisfait)" in html
    assert "Personne n&#x27;est venu." in html
    assert "<th scope=\"row\">Voirie</th><td>2</td><td>2</td><td>100,0 %</td><td>3,0</td>" \
           "<td>1</td>" in html
    assert "<caption>Satisfaction par type de demande</caption>" in html
    assert "Notes reçues par mois" in html


def test_the_page_costs_the_same_queries_whatever_the_number_of_follow_ups(
        client, manager, unit, agent, scored):
    client.force_login(manager)
    client.get(URL)
    with CaptureQueriesContext(connection) as few:
        client.get(URL)
    for number in range(5):
        item = contact_submit(unit=unit, subject=f"Demande {number}", message="x",
                              name="Jean Bon", email=f"jean{number}@exemple.fr")
        case_close(case=item, acting_user=agent, message="Fait.")
        satisfaction_record(request=SatisfactionRequest.objects.get(case=item), score=2)
    with CaptureQueriesContext(connection) as many:
        html = client.get(URL).content.decode()
    assert "Suivis à traiter (6)" in html
    assert len(many) == len(few)


def test_it_checks_ownership(client, agent, other_unit, resident, scored):
    """A plain agent has no satisfaction page; another unit's manager sees nothing of this
    unit."""
    client.force_login(agent)
    assert client.get(URL).status_code == 403
    other_manager = make_agent("chef.etatcivil@hayange.fr", other_unit,
                               Membership.Role.MANAGER)
    client.force_login(other_manager)
    html = client.get(URL).content.decode()
    assert scored.reference not in html and "Suivis à traiter (0)" in html
    client.force_login(resident)
    assert client.get(URL).status_code == 403
