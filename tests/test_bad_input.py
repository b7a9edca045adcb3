"""Bad input on the public forms: a clear French error next to the field, never a 500, nothing
stored unsafely. The fixtures are made here, in code (the bombs are a few kB)."""

import io
import struct
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from guichet.cases.models import Attachment, Case
from guichet.lib.files import check_upload, pdf_active_content


def png_bomb(side: int) -> bytes:
    """A valid 1-bit greyscale PNG of side × side pixels, all black: tiny compressed."""
    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    row = b"\x00" + b"\x00" * ((side + 7) // 8)
    packer = zlib.compressobj(9)
    body = b"".join(packer.compress(row) for _ in range(side)) + packer.flush()
    header = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", body)
            + chunk(b"IEND", b""))


def jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (16, 16), "blue").save(buffer, "JPEG")
    return buffer.getvalue()


def pdf(*objects: bytes) -> bytes:
    return b"%PDF-1.7\n" + b"\n".join(objects) + b"\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def object_stream(content: bytes) -> bytes:
    packed = zlib.compress(content)
    return (b"5 0 obj<</Type/ObjStm/N 1/First 4/Filter/FlateDecode/Length %d>>stream\n"
            % len(packed) + packed + b"\nendstream endobj")


JS_ACTION = b"<</S/JavaScript/JS(app.alert(1))>>"
BAD_UPLOADS = {
    "html-named-jpg": ("photo.jpg", b"<!DOCTYPE html><html><script>alert(1)</script></html>",
                       "n'est pas d'un format accepté"),
    "php-named-jpg": ("photo.jpg", b"<?php system($_GET['c']); ?>", "n'est pas d'un format"),
    "svg-with-script": ("plan.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>'
                        b"alert(1)</script></svg>", "n'est pas d'un format accepté"),
    "jpeg-html-polyglot": ("photo.jpg", jpeg()[:2] + b"\xff\xfe\x00\x30<html><script>alert(1)"
                           b"</script></html>" + jpeg()[2:], "code de page web"),
    "pdf-html-polyglot": ("doc.pdf", b"%PDF-1.4\n%<html><body><script>alert(1)</script>\n"
                          + pdf(b"1 0 obj<<>>endobj")[9:], "code de page web"),
    "pdf-javascript": ("doc.pdf", pdf(b"1 0 obj<</Type/Catalog/OpenAction 2 0 R>>endobj",
                                      b"2 0 obj" + JS_ACTION + b"endobj"), "code actif"),
    "pdf-escaped-name": ("doc.pdf", pdf(b"1 0 obj<</S/J#61vaScript/JS(x)>>endobj"), "code actif"),
    "pdf-launch": ("doc.pdf", pdf(b"1 0 obj<</S/Launch/F(cmd.exe)>>endobj"), "code actif"),
    "pdf-js-in-object-stream": ("doc.pdf", pdf(b"1 0 obj<</Type/Catalog>>endobj",
                                               object_stream(b"2 0 " + JS_ACTION)), "code actif"),
    "empty": ("vide.pdf", b"", "est vide"),
    "bomb-11000": ("plan.png", png_bomb(11_000), "trop grande"),
    "bomb-20000": ("plan.png", png_bomb(20_000), "trop grande"),
}


@pytest.fixture(scope="module")
def bad_uploads():
    return BAD_UPLOADS


@pytest.mark.parametrize("kind", BAD_UPLOADS)
def test_a_bad_upload_is_refused_on_the_contact_form_in_french(client, unit, kind):
    name, content, message = BAD_UPLOADS[kind]
    response = client.post(
        reverse("portal:contact_unit", args=[unit.organisation.slug, unit.slug]),
        {"subject": "Pièce", "message": "Voir la pièce jointe.", "name": "Marc Blanc",
         "email": "marc@exemple.fr", "attachments": SimpleUploadedFile(name, content)})
    assert response.status_code in (200, 400)
    html = response.content.decode().replace("&#x27;", "'")
    assert message in html
    assert 'href="#id_attachments"' in html or "id_attachments" in html  # next to the field
    assert "Voir la pièce jointe." in html  # what was typed is kept
    assert not Case.objects.exists() and not Attachment.objects.exists()


def test_an_oversized_file_is_refused(client, unit, settings):
    settings.UPLOAD_MAX_BYTES = 1024
    with pytest.raises(Exception, match="la taille maximale"):
        check_upload(SimpleUploadedFile("gros.pdf", pdf(b"1 0 obj<<>>endobj" + b" " * 2000)))


def test_an_ordinary_pdf_jpeg_and_png_still_pass():
    assert check_upload(SimpleUploadedFile("a.pdf", pdf(b"1 0 obj<</Type/Catalog>>endobj")))
    assert check_upload(SimpleUploadedFile("a.jpg", jpeg())).content_type == "image/jpeg"
    assert check_upload(SimpleUploadedFile("a.png", png_bomb(100))).content_type == "image/png"


def test_names_in_image_data_are_not_taken_for_actions():
    # "/JS" by chance inside a compressed image stream is not an action.
    body = b"\x00/JS \x01/AA\x02"
    data = pdf(b"3 0 obj<</Type/XObject/Subtype/Image/Length %d>>stream\n" % len(body)
               + body + b"\nendstream endobj")
    assert pdf_active_content(data) == set()


@pytest.mark.parametrize("value", ["nul\x00octet", "x" * 1_000_000])
def test_nul_bytes_and_huge_text_give_a_french_error(client, unit, value):
    response = client.post(
        reverse("portal:contact_unit", args=[unit.organisation.slug, unit.slug]),
        {"subject": value, "message": value, "name": "Marc", "email": "marc@exemple.fr"})
    assert response.status_code in (200, 400, 413)
    # Checked in Python: PostgreSQL refuses a NUL even inside a query's LIKE pattern.
    assert all("\x00" not in case.subject for case in Case.objects.all())


def test_rtl_emoji_and_html_are_kept_as_text_and_escaped_in_the_backoffice(client, unit, agent):
    text = "مرحبا 👋 <script>alert(1)</script> <b>gras</b>"
    response = client.post(
        reverse("portal:contact_unit", args=[unit.organisation.slug, unit.slug]),
        {"subject": text, "message": text, "name": text[:40], "email": "marc@exemple.fr"})
    assert response.status_code == 302
    case = Case.objects.get()
    assert case.subject == text
    client.force_login(agent)
    html = client.get(reverse("backoffice:case", args=[case.reference])).content.decode()
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html
    assert "مرحبا 👋" in html


@pytest.mark.parametrize("email", ["marc@exemple.fr\r\nBcc: tous@exemple.fr",
                                   "marc@exemple.fr\nSubject: x"])
def test_header_injection_in_the_email_field_is_refused(client, unit, email):
    response = client.post(
        reverse("portal:contact_unit", args=[unit.organisation.slug, unit.slug]),
        {"subject": "Bonjour", "message": "Texte", "name": "Marc", "email": email})
    assert response.status_code in (200, 400)
    assert "adresse" in response.content.decode().lower()
    assert not Case.objects.exists()


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/",
                                    "/\\evil.example/", "javascript:alert(1)"])
@pytest.mark.parametrize("view", ["portal:login", "portal:logout"])
def test_next_never_leads_off_the_site(client, resident, view, target):
    if view == "portal:login":
        response = client.post(reverse(view) + f"?next={target}",
                               {"username": resident.email, "password": "motdepasse-solide-42",
                                "next": target})
    else:
        client.force_login(resident)
        response = client.post(reverse(view) + f"?next={target}", {"next": target})
    assert response.status_code in (200, 302, 400)
    location = response.get("Location", "")
    assert "evil.example" not in location and not location.startswith("javascript")
