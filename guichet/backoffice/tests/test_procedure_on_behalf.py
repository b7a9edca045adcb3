"""A reception agent fills an online procedure for a resident on the phone or at the counter."""

from django.urls import reverse

from guichet.journal.models import Entry
from guichet.procedures.models import Submission

STEP0 = {"parent_name": "Durand", "phone": "03 87 12 34 56", "allocataire": "non",
         "action": "next"}


def _start(client, canteen, resident, channel="phone"):
    return client.post(reverse("backoffice:procedure_on_behalf"), {
        "compte": resident.pk, "demarche": canteen.pk, "canal": channel})


def test_an_agent_files_a_procedure_for_a_resident(client, canteen, resident, agent):
    from guichet.procedures.tests.fixtures import pdf_upload

    client.force_login(agent)
    page = client.get(reverse("backoffice:intake"), {"compte": resident.pk})
    assert "Remplir une démarche pour Alice Durand" in page.content.decode()
    response = _start(client, canteen, resident, "counter")
    submission = Submission.objects.get()
    assert submission.user == resident and submission.agent == agent
    assert response.url == reverse("portal:submission_step", args=[submission.token, 0])
    step = client.get(response.url).content.decode()
    assert "Vous remplissez cette démarche pour Alice Durand (accueil physique)" in step
    client.post(response.url, STEP0)
    client.post(reverse("portal:submission_step", args=[submission.token, 1]), {
        "children-count": "1", "children-0-first_name": "Léo",
        "children-0-birth_date": "2018-05-04", "action": "next"})
    documents = reverse("portal:submission_documents", args=[submission.token])
    html = client.get(documents).content.decode()
    assert "coffre-fort" not in html.split("<h1>")[1]  # the resident's vault stays hers
    client.post(documents, {"slot": "proof_of_address", "action": "upload",
                            "file-proof_of_address": pdf_upload("scan.pdf")})
    response = client.post(reverse("portal:submission_summary", args=[submission.token]),
                           {"confirm": "on"})
    submission.refresh_from_db()
    case = submission.case
    assert response.url == case.get_backoffice_url()
    assert case.requester == resident and case.channel == "counter"
    assert Entry.objects.filter(actor=agent, case=case,
                                action=Entry.Action.CASE_CREATED).exists()


def test_the_channel_must_be_one_an_agent_takes(client, canteen, resident, agent):
    client.force_login(agent)
    response = _start(client, canteen, resident, "web")
    assert not Submission.objects.exists()
    assert response.url.endswith(f"?compte={resident.pk}")


def test_it_checks_ownership(client, canteen, resident, agent, other_agent, other_resident):
    client.force_login(resident)  # not an agent
    assert _start(client, canteen, other_resident).status_code == 403
    client.force_login(agent)
    _start(client, canteen, resident)
    submission = Submission.objects.get()
    url = reverse("portal:submission_step", args=[submission.token, 0])
    client.force_login(other_agent)  # another agent cannot open the draft
    assert client.get(url).status_code == 404
    client.force_login(other_resident)
    assert client.get(url).status_code == 404


def test_a_draft_filled_for_a_resident_waits_for_the_agents_second_factor(
        client, canteen, resident, agent, settings):
    client.force_login(agent)
    step = _start(client, canteen, resident).url
    assert client.get(step).status_code == 200
    settings.AGENT_2FA_REQUIRED = True
    client.logout()
    client.post(reverse("portal:login"), {"username": agent.email,
                                          "password": "motdepasse-solide-42"})
    assert client.get(step).status_code == 404  # the resident's answers stay closed
