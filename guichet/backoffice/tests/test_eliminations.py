"""Bordereaux d'élimination: read by the archivist and the DPO, signed by the archivist."""

import pytest
from dateutil.relativedelta import relativedelta
from django.urls import reverse
from django.utils import timezone

from conftest import make_agent, make_unit
from guichet.accounts.models import Membership
from guichet.cases.models import Case
from guichet.cases.services import case_close
from guichet.contact.services import contact_submit
from guichet.privacy.models import Elimination, RetentionRule
from guichet.privacy.services import retention_run


@pytest.fixture
def archivist(unit):
    return make_agent("archives@hayange.fr", unit, Membership.Role.ARCHIVIST,
                      first_name="Anne", last_name="Vidal")


@pytest.fixture
def elimination(commune, unit, agent, resident):
    RetentionRule.objects.create(organisation=commune, kind="contact", months=12,
                                 action=RetentionRule.Action.ELIMINATE, basis="Instruction")
    for n in range(3):
        case = contact_submit(unit=unit, subject=f"Vieux {n}", message="…",
                              requester=resident)
        case_close(case=case, acting_user=agent, message="Fait.")
    Case.objects.update(closed_at=timezone.now() - relativedelta(months=13))
    retention_run()
    return Elimination.objects.get()


def test_the_archivist_reads_then_signs(client, archivist, elimination):
    client.force_login(archivist)
    html = client.get(reverse("backoffice:eliminations")).content.decode()
    assert elimination.number in html and "En attente de visa" in html
    html = client.get(reverse("backoffice:elimination", args=[elimination.pk])).content.decode()
    assert "Visa de l'archiviste" in html and html.count("HAY-") >= 3
    response = client.post(reverse("backoffice:elimination_visa", args=[elimination.pk]),
                           {"decision": "approve", "comment": ""}, follow=True)
    html = response.content.decode()
    assert "décision enregistrée" in html and "Visé, éliminé" in html
    assert not Case.objects.exists()
    assert html.count("HAY-") >= 3  # the list of what was destroyed stays


def test_bad_input(client, archivist, elimination):
    client.force_login(archivist)
    visa = reverse("backoffice:elimination_visa", args=[elimination.pk])
    response = client.post(visa, {})
    assert response.status_code == 400
    assert "Choisissez de viser ou de refuser." in response.content.decode()
    response = client.post(visa, {"decision": "refuse", "comment": ""})
    html = response.content.decode()
    assert response.status_code == 400 and "Dites pourquoi vous refusez le visa." in html
    assert 'value="refuse"' in html and "checked" in html
    assert Case.objects.count() == 3


def test_it_checks_ownership(client, dpo, agent, manager, resident, elimination,
                             other_commune):
    visa = reverse("backoffice:elimination_visa", args=[elimination.pk])
    detail = reverse("backoffice:elimination", args=[elimination.pk])
    for someone in (agent, manager, resident):
        client.force_login(someone)
        assert client.get(reverse("backoffice:eliminations")).status_code == 403
        assert client.post(visa, {"decision": "approve"}).status_code == 403
    client.force_login(dpo)  # the DPO reads, does not sign
    html = client.get(detail).content.decode()
    assert elimination.number in html and "En attente du visa" in html
    assert client.post(visa, {"decision": "approve"}).status_code == 400
    far = make_agent("archives@ailleurs.fr", make_unit(other_commune, "Archives"),
                     Membership.Role.ARCHIVIST)
    client.force_login(far)
    assert elimination.number not in client.get(
        reverse("backoffice:eliminations")).content.decode()
    assert client.get(detail).status_code == 404
    assert client.post(visa, {"decision": "approve"}).status_code == 404
    assert Case.objects.count() == 3
