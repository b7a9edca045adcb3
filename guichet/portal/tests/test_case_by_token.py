"""Following a case by its token: timeline without internal notes, escaped text, French 404."""

from django.urls import reverse

from guichet.cases.services import case_add_note
from guichet.contact.services import contact_submit


def test_timeline_shows_the_message_but_never_internal_notes(client, case, agent, resident):
    client.force_login(resident)
    case_add_note(case=case, body="Voir avec l'entreprise Dubois", agent=agent)
    html = client.get(reverse("portal:case_by_token", args=[case.token])).content.decode()
    assert "Un trou profond devant le 12." in html
    assert "entreprise Dubois" not in html


def test_resident_text_is_escaped(client, unit):
    case = contact_submit(unit=unit, subject="Bonjour", message="<script>alert(1)</script>",
                          name="Eve", email="eve@exemple.fr")
    html = client.get(reverse("portal:case_by_token", args=[case.token])).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_unknown_token_is_a_french_404(client, db):
    response = client.get(reverse("portal:case_by_token", args=["inconnu"]))
    assert response.status_code == 404


def test_it_checks_ownership(client, case, other_resident):
    """The reference alone never opens a case: only the unguessable token does."""
    client.force_login(other_resident)
    assert client.get(reverse("portal:case_by_token", args=[case.reference])).status_code == 404
    assert client.get(reverse("portal:case_by_token", args=[case.token])).status_code == 404
    assert client.get(reverse("portal:receipt_pdf", args=[case.token])).status_code == 404
