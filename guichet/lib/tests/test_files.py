import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from guichet.lib.files import check_upload, random_name

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buffer, "PNG")
    return buffer.getvalue()


def test_a_pdf_is_recognised_by_its_content_whatever_its_name():
    checked = check_upload(SimpleUploadedFile("scan.jpg", PDF))
    assert checked.content_type == "application/pdf"
    assert checked.extension == "pdf"
    assert checked.original_name == "scan.jpg"


def test_a_real_image_is_accepted():
    assert check_upload(SimpleUploadedFile("photo", png_bytes())).content_type == "image/png"


def test_a_program_named_like_a_pdf_is_refused():
    with pytest.raises(ValidationError) as error:
        check_upload(SimpleUploadedFile("facture.pdf", b"MZ\x90\x00" + b"\x00" * 200))
    assert "n'est pas d'un format accepté" in error.value.messages[0]
    assert "facture.pdf" in error.value.messages[0]


def test_a_file_that_only_starts_like_an_image_is_refused():
    with pytest.raises(ValidationError) as error:
        check_upload(SimpleUploadedFile("photo.png", png_bytes()[:40]))
    assert "image abîmée" in error.value.messages[0]


def test_size_limits(settings):
    settings.UPLOAD_MAX_BYTES = 20
    with pytest.raises(ValidationError) as error:
        check_upload(SimpleUploadedFile("gros.pdf", PDF))
    assert "la taille maximale est 20" in error.value.messages[0]
    with pytest.raises(ValidationError, match="est vide"):
        check_upload(SimpleUploadedFile("vide.pdf", b""))


def test_stored_names_are_random_and_keep_nothing_of_the_original():
    names = {random_name("pdf") for _ in range(100)}
    assert len(names) == 100
    assert all(name.endswith(".pdf") and len(name) > 30 for name in names)
