from django.urls import reverse


def test_the_receipt_is_a_pdf_named_after_the_reference(client, resident, case):
    client.force_login(resident)
    response = client.get(reverse("portal:receipt_pdf", args=[case.token]))
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert case.reference in response["Content-Disposition"]


def test_it_checks_ownership(client, case, other_resident):
    url = reverse("portal:receipt_pdf", args=[case.token])
    assert client.get(url).status_code == 302  # an account's case needs that account
    client.force_login(other_resident)
    assert client.get(url).status_code == 404
