"""Uploaded files: checked by their content, never by their name, and stored under random names."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from pathlib import PurePath

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from PIL import Image, UnidentifiedImageError

# What residents and agents may attach: documents and photos. The MIME type comes from the bytes.
ALLOWED_TYPES = {
    "application/pdf": "pdf",
    "image/jpeg": "jpg",
    "image/png": "png",
    "image/webp": "webp",
    "image/heic": "heic",
    "application/vnd.oasis.opendocument.text": "odt",
    "application/vnd.oasis.opendocument.spreadsheet": "ods",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
}
ACCEPT_ATTRIBUTE = ".pdf,.jpg,.jpeg,.png,.webp,.heic,.odt,.ods,.docx,.xlsx"
HUMAN_FORMATS = "PDF, JPEG, PNG, WebP, HEIC, ODT, ODS, DOCX ou XLSX"


# Images Pillow can decode: a file that only starts like one is refused.
DECODABLE_IMAGES = {"image/jpeg", "image/png", "image/webp"}


@dataclass(frozen=True)
class CheckedFile:
    upload: object
    content_type: str
    extension: str
    original_name: str
    size: int


def check_upload(upload, *, max_bytes: int | None = None) -> CheckedFile:
    """Return what the file really is, or raise a ValidationError in French."""
    limit = max_bytes or settings.UPLOAD_MAX_BYTES
    name = PurePath(upload.name or "fichier").name[:200]
    if upload.size > limit:
        raise ValidationError(
            "Le fichier « %(name)s » pèse %(size)s ; la taille maximale est %(limit)s.",
            code="too_big",
            params={"name": name, "size": filesizeformat(upload.size),
                    "limit": filesizeformat(limit)},
        )
    if upload.size == 0:
        raise ValidationError("Le fichier « %(name)s » est vide.", code="empty",
                              params={"name": name})
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    mime = filetype.guess_mime(head)
    if mime not in ALLOWED_TYPES:
        raise ValidationError(
            "Le fichier « %(name)s » n'est pas d'un format accepté (%(formats)s), "
            "quel que soit son nom.",
            code="bad_type",
            params={"name": name, "formats": HUMAN_FORMATS},
        )
    if mime in DECODABLE_IMAGES and not _image_decodes(upload):
        raise ValidationError(
            "Le fichier « %(name)s » est une image abîmée ou incomplète : elle ne peut pas "
            "être ouverte.", code="bad_image", params={"name": name})
    return CheckedFile(upload=upload, content_type=mime, extension=ALLOWED_TYPES[mime],
                       original_name=name, size=upload.size)


def random_name(extension: str) -> str:
    """An unguessable storage name that keeps nothing of what the user called the file."""
    return f"{secrets.token_urlsafe(24)}.{extension}"


def _image_decodes(upload) -> bool:
    try:
        with Image.open(upload) as image:
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        return False
    finally:
        upload.seek(0)
    return True
