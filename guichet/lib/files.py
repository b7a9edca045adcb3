"""Uploaded files: checked by their content, never by their name, and stored under random names.

What is refused, with a French message for the field: a file over the size limit or empty; a
format outside ALLOWED_TYPES whatever its name (HTML, PHP, SVG, programs…); a file whose first
bytes hold HTML or PHP (a JPEG/HTML or PDF/HTML polyglot that a browser could take for a page);
an image whose header announces more than IMAGE_MAX_PIXELS pixels (a decompression bomb, read
from the header before anything is decoded) or that does not decode; a PDF with active content
(JavaScript, an action run on opening, a program to launch), in its plain objects and in its
compressed object streams.

Downloads are made harmless on top of that by guichet.lib.downloads (attachment, nosniff,
sandboxing CSP)."""

from __future__ import annotations

import re
import secrets
import warnings
import zlib
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

# An image announcing more pixels than this is refused from its header, before decoding (a
# 48-megapixel phone photo is 8064 × 6048). Pillow's own guard is set to the same figure, and
# its warning turned into a refusal.
IMAGE_MAX_PIXELS = 60_000_000
Image.MAX_IMAGE_PIXELS = IMAGE_MAX_PIXELS

# HTML or PHP in the first bytes: a browser sniffing the file (WHATWG: the first 1445 bytes)
# could run it as a page. Only tags long enough never to occur by chance in compressed data.
SNIFF_BYTES = 8192
_MARKUP = re.compile(
    rb"<(?:!doctype\s+html|html[\s>]|head[\s>]|body[\s>]|script[\s>]|iframe[\s>]"
    rb"|svg[\s>:]|object[\s>]|embed[\s>]|img\s|a\s+href|meta\s|style[\s>]|form[\s>]"
    rb"|title>|base\s|link\s|\?php)", re.IGNORECASE)

# PDF: names that carry or trigger active content. The long ones are looked for everywhere
# (binary data never spells them by chance); /JS and /AA outside the streams' bodies. An action
# running JavaScript always names /S /JavaScript, so a script hidden in a stream still shows.
_PDF_ACTIVE_LONG = {b"JavaScript", b"OpenAction", b"Launch"}
_PDF_ACTIVE_SHORT = {b"JS", b"AA"}
_PDF_NAME = re.compile(rb"/([^\x00\t\n\x0c\r ()<>\[\]{}/%]+)")
_PDF_STREAM = re.compile(rb">>\s*stream\r?\n")
_PDF_INFLATE_BUDGET = 64 * 1024 * 1024  # bytes inflated from object streams, in all


def _pdf_name(raw: bytes) -> bytes:
    """A name with its #xx escapes decoded (/J#61vaScript is /JavaScript)."""
    return re.sub(rb"#([0-9A-Fa-f]{2})", lambda m: bytes([int(m.group(1), 16)]), raw)


def _names(data: bytes) -> set[bytes]:
    return {_pdf_name(m.group(1)) for m in _PDF_NAME.finditer(data)}


def pdf_active_content(data: bytes) -> set[str]:
    """The active-content names found in a PDF (empty: none): in the file as it is, and in its
    object streams (PDF 1.5 /ObjStm, FlateDecode), which hold objects compressed."""
    found = _names(data) & _PDF_ACTIVE_LONG
    plain, budget, position = [], _PDF_INFLATE_BUDGET, 0
    for match in _PDF_STREAM.finditer(data):
        start = match.end()
        end = data.find(b"endstream", start)
        end = len(data) if end < 0 else end
        header_start = data.rfind(b"obj", max(0, match.start() - 2048), match.start())
        header = data[max(header_start, match.start() - 2048):match.end()]
        if start < position:  # a "stream" inside the body of the previous one
            continue
        plain.append(data[position:match.start()])
        position = end
        header_names = _names(header)
        if b"ObjStm" in header_names and budget > 0 and (
            b"FlateDecode" in header_names or b"Fl" in header_names
        ):
            inflater = zlib.decompressobj()
            try:
                inflated = inflater.decompress(data[start:end], budget)
            except zlib.error:
                continue  # encrypted or damaged: its plain neighbours are still checked
            budget -= len(inflated)
            found |= _names(inflated) & (_PDF_ACTIVE_LONG | _PDF_ACTIVE_SHORT)
    plain.append(data[position:])
    found |= _names(b" ".join(plain)) & _PDF_ACTIVE_SHORT
    return {name.decode() for name in found}


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
    if _MARKUP.search(head):
        raise ValidationError(
            "Le fichier « %(name)s » contient du code de page web (HTML, script ou PHP) : "
            "il est refusé. Envoyez le document lui-même, enregistré depuis le logiciel qui "
            "l'a créé.", code="markup", params={"name": name})
    if mime.startswith("image/"):
        pixels = _image_pixels(upload)
        if pixels is not None and pixels > IMAGE_MAX_PIXELS:
            raise ValidationError(
                "L'image « %(name)s » est trop grande (%(megapixels)s millions de pixels ; "
                "%(limit)s millions au plus) : réduisez sa taille ou envoyez une photo prise "
                "normalement.", code="too_many_pixels",
                params={"name": name, "megapixels": f"{pixels / 1e6:.0f}",
                        "limit": f"{IMAGE_MAX_PIXELS / 1e6:.0f}"})
    if mime in DECODABLE_IMAGES and not _image_decodes(upload):
        raise ValidationError(
            "Le fichier « %(name)s » est une image abîmée ou incomplète : elle ne peut pas "
            "être ouverte.", code="bad_image", params={"name": name})
    if mime == "application/pdf":
        upload.seek(0)
        active = pdf_active_content(upload.read())
        upload.seek(0)
        if active:
            raise ValidationError(
                "Le PDF « %(name)s » contient du code actif (%(names)s) : il est refusé. "
                "Ouvrez-le et choisissez « Imprimer » puis « Enregistrer au format PDF », et "
                "envoyez ce nouveau fichier.", code="pdf_active",
                params={"name": name, "names": ", ".join(sorted(active))})
    return CheckedFile(upload=upload, content_type=mime, extension=ALLOWED_TYPES[mime],
                       original_name=name, size=upload.size)


def random_name(extension: str) -> str:
    """An unguessable storage name that keeps nothing of what the user called the file."""
    return f"{secrets.token_urlsafe(24)}.{extension}"


def _image_pixels(upload) -> int | None:
    """Width × height read from the header (Image.open decodes nothing); None if unreadable
    (a damaged image is refused by _image_decodes). Above twice Pillow's limit, Image.open
    itself refuses: that is a bomb too."""
    upload.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(upload) as image:
                return image.width * image.height
    except Image.DecompressionBombError:
        return IMAGE_MAX_PIXELS * 2 + 1
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        return None
    finally:
        upload.seek(0)


def _image_decodes(upload) -> bool:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(upload) as image:
                image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError,
            Image.DecompressionBombError, Image.DecompressionBombWarning):
        return False
    finally:
        upload.seek(0)
    return True
