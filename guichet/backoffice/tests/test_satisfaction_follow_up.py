from django.urls import reverse

from conftest import make_agent
from guichet.accounts.models import Membership
from guichet.cases.services import case_close
from guichet.surveys.models import SatisfactionRequest
from guichet.surveys.services import satisfaction_record


def _low(case, agent):
    case_close(case=case, acting_user=agent, message="C'est fait.")
    return satisfaction_record(request=SatisfactionRequest.objects.get(case=case), score=2)


def test_the_manager_records_the_follow_up(client, manager, case, agent):
    request = _low(case, agent)
    client.force_login(manager)
    response = client.post(reverse("backoffice:satisfaction_follow_up", args=[request.pk]),
                           {f"suivi-{request.pk}-note": "Usager rappelé, trou rebouché."},
                           follow=True)
    html = response.content.decode()
    assert f"Le suivi de la demande {case.reference} est enregistré." in html
    assert "Suivis à traiter (0)" in html
    request.refresh_from_db()
    assert request.follow_up == SatisfactionRequest.FollowUp.DONE
    assert request.follow_up_by == manager and request.follow_up_note.startswith("Usager")


def test_a_follow_up_needs_a_note(client, manager, case, agent):
    request = _low(case, agent)
    client.force_login(manager)
    response = client.post(reverse("backoffice:satisfaction_follow_up", args=[request.pk]),
                           {f"suivi-{request.pk}-note": ""})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Le formulaire contient 1 erreur" in html
    assert "Écrivez ce qui a été fait." in html
    request.refresh_from_db()
    assert request.follow_up == SatisfactionRequest.FollowUp.OPEN


def test_it_checks_ownership(client, agent, other_unit, resident, case):
    request = _low(case, agent)
    url = reverse("backoffice:satisfaction_follow_up", args=[request.pk])
    data = {f"suivi-{request.pk}-note": "Rien."}
    other_manager = make_agent("chef.etatcivil@hayange.fr", other_unit,
                               Membership.Role.MANAGER)
    client.force_login(other_manager)
    assert client.post(url, data).status_code == 404
    client.force_login(agent)
    assert client.post(url, data).status_code == 403
    client.force_login(resident)
    assert client.post(url, data).status_code == 403
    request.refresh_from_db()
    assert request.follow_up == SatisfactionRequest.FollowUp.OPEN
