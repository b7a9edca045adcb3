from django.urls import reverse

from guichet.cases.models import Case, Status
from guichet.contact.services import contact_submit


def submit(unit, subject):
    return contact_submit(unit=unit, subject=subject, message=f"Message {subject}", name="X",
                          email="x@exemple.fr")


def test_merging_and_splitting_from_the_case_page(client, unit, other_unit, agent):
    original, duplicate = submit(unit, "A"), submit(unit, "B")
    client.force_login(agent)
    response = client.post(reverse("backoffice:case_merge", args=[duplicate.reference]),
                           {"into": original.reference.lower()})
    assert response["Location"] == original.get_backoffice_url()
    duplicate.refresh_from_db()
    assert duplicate.status == Status.CLOSED
    event = original.events.filter(kind="submitted").first()
    client.post(reverse("backoffice:case_split", args=[original.reference]),
                {"event": event.pk, "unit": other_unit.pk, "subject": "À part"})
    assert Case.objects.filter(unit=other_unit, subject="À part").exists()


def test_it_checks_ownership(client, unit, other_unit, other_agent, agent):
    mine, theirs = submit(unit, "A"), submit(other_unit, "B")
    client.force_login(agent)
    response = client.post(reverse("backoffice:case_merge", args=[mine.reference]),
                           {"into": theirs.reference}, follow=True)
    assert "Aucune demande de vos services" in response.content.decode()
    client.force_login(other_agent)
    assert client.post(reverse("backoffice:case_merge", args=[mine.reference]),
                       {"into": theirs.reference}).status_code == 404
    assert client.post(reverse("backoffice:bulk_assign"), {
        "ref": [mine.reference], "action": "close", "message": "x"}).status_code == 302
    mine.refresh_from_db()
    assert mine.status == Status.NEW


def test_ids_that_are_not_numbers_are_refused_without_an_error_page(client, unit, agent):
    case = contact_submit(unit=unit, subject="Deux sujets", message="…", name="X",
                          email="x@exemple.fr")
    client.force_login(agent)
    response = client.post(reverse("backoffice:case_split", args=[case.reference]),
                           {"event": "abc", "unit": "x"}, follow=True)
    assert response.status_code == 200 and "Choisissez le message et le service." in response.text
    response = client.post(reverse("backoffice:case_accept_suggestion",
                                   args=[case.reference]), {"unit": "abc"})
    assert response.status_code == 404
