"""Every file the site sends back is saved rather than shown, never re-typed by the browser,
and sandboxed: a polyglot that passed the upload checks still cannot run in our origin."""

import io

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import FileResponse, HttpResponse
from django.test import RequestFactory
from django.urls import reverse
from PIL import Image

from guichet.cases.models import Attachment
from guichet.contact.services import contact_submit
from guichet.documents.services import document_add
from guichet.lib.downloads import SANDBOX_CSP, DownloadHeadersMiddleware
from guichet.lib.files import check_upload
from guichet.organisations.context_processors import logo_url
from guichet.portal.tests.test_report_views import file_report
from guichet.portal.views.contact import SESSION_CASES
from guichet.reports.tests.fixtures import jpeg

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def assert_protected(response, *, inline=False):
    assert response.status_code == 200
    disposition = response["Content-Disposition"]
    assert disposition.startswith("inline" if inline else "attachment"), disposition
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == SANDBOX_CSP


def test_a_case_attachment_is_saved_even_a_pdf_or_an_image(client, unit, resident, agent):
    case = contact_submit(unit=unit, subject="Plan", message="Ci-joint.", requester=resident,
                          files=[check_upload(SimpleUploadedFile("plan.pdf", PDF)),
                                 check_upload(SimpleUploadedFile("photo.jpg", jpeg().read()))])
    for user in (resident, agent):
        client.force_login(user)
        for item in Attachment.objects.filter(case=case):
            assert_protected(client.get(reverse("portal:attachment", args=[item.key])))
    client.force_login(resident)
    assert_protected(client.get(reverse("portal:receipt_pdf", args=[case.token])))


def test_the_counter_receipt(client, epci, unit, resident):
    from guichet.backoffice.tests.test_case_receipt import recorded, url

    reception, case = recorded(epci, unit, resident)
    client.force_login(reception)
    assert_protected(client.get(url(case)))


def test_a_vault_document(client, resident):
    document = document_add(owner=resident, type="proof_of_address", title="Facture",
                            checked=check_upload(SimpleUploadedFile("facture.pdf", PDF)))
    client.force_login(resident)
    assert_protected(client.get(reverse("portal:vault_file", args=[document.key])))


def test_a_report_photo_re_encoded_by_us_is_shown_but_sandboxed(client, territory, pothole):
    case = file_report(pothole, answers={"taille": "petit"}, photos=[jpeg()])
    photo = case.report.photos.get()
    session = client.session
    session[SESSION_CASES] = [case.token]  # the browser that filed it
    session.save()
    for name in ("portal:photo", "portal:photo_thumbnail"):
        assert_protected(client.get(reverse(name, args=[photo.key])), inline=True)


def test_the_logo_and_the_open_data(client, epci, db):
    buffer = io.BytesIO()
    Image.new("RGB", (120, 60), "#1d4e89").save(buffer, "PNG")
    epci.logo.save("logo.png", ContentFile(buffer.getvalue()), save=True)
    assert_protected(client.get(logo_url(epci)))
    assert_protected(client.get(reverse("portal:open_data_csv")))


@pytest.mark.parametrize("response", [
    FileResponse(io.BytesIO(b"<html>"), content_type="text/html"),
    FileResponse(io.BytesIO(b"x"), as_attachment=False, filename="a.pdf"),
    HttpResponse(b"x", headers={"Content-Disposition": 'inline; filename="a.pdf"'}),
], ids=["file-response", "inline-file", "inline-header"])
def test_a_view_that_forgets_gets_the_headers_from_the_middleware(response):
    middleware = DownloadHeadersMiddleware(lambda request: response)
    assert_protected(middleware(RequestFactory().get("/")))


def test_pages_keep_the_site_policy(client, db):
    response = client.get("/")
    assert "sandbox" not in response["Content-Security-Policy"]
    assert not response.has_header("Content-Disposition")
