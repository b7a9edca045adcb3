"""Photos from residents and agents: decoded, turned upright, stripped of every metadata (a
phone's EXIF holds its GPS position and serial number), resized for display, with a thumbnail."""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError

try:  # HEIC, the iPhone's format, when the library is there
    from pillow_heif import register_heif_opener

    register_heif_opener()
except ImportError:  # pragma: no cover - pillow-heif is a dependency
    pass

from .files import IMAGE_MAX_PIXELS

DISPLAY_SIZE = 1600
THUMBNAIL_SIZE = 400
# A decompression bomb is refused above this many pixels, from the header, before decoding.
Image.MAX_IMAGE_PIXELS = IMAGE_MAX_PIXELS


@dataclass(frozen=True)
class ProcessedPhoto:
    display: bytes
    thumbnail: bytes
    width: int
    height: int


def _jpeg(image: Image.Image, size: int) -> tuple[bytes, int, int]:
    copy = image.copy()
    copy.thumbnail((size, size))
    buffer = io.BytesIO()
    # A new image written without `exif=`: no metadata survives.
    copy.save(buffer, "JPEG", quality=85, optimize=True)
    return buffer.getvalue(), copy.width, copy.height


TOO_BIG = ("Cette photo est trop grande ({megapixels} millions de pixels, {limit} millions au "
           "plus) : réduisez sa taille avant de l'envoyer.")
UNREADABLE = "Cette photo ne peut pas être lue : envoyez une image JPEG, PNG, WebP ou HEIC."


def process_photo(upload) -> ProcessedPhoto:
    """Raise ValueError (French) if the file is not a photo Pillow can decode, or announces
    more than IMAGE_MAX_PIXELS pixels in its header (checked before anything is decoded)."""
    limit = f"{IMAGE_MAX_PIXELS / 1e6:.0f}"
    upload.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            original = Image.open(upload)
        with original:
            pixels = original.width * original.height
            if pixels > IMAGE_MAX_PIXELS:
                raise ValueError(TOO_BIG.format(megapixels=f"{pixels / 1e6:.0f}", limit=limit))
            original.load()
            upright = ImageOps.exif_transpose(original)
            clean = Image.new("RGB", upright.size, "white")
            if upright.mode in ("RGBA", "LA", "P"):
                rgba = upright.convert("RGBA")
                clean.paste(rgba, mask=rgba.getchannel("A"))
            else:
                clean.paste(upright.convert("RGB"))
    except Image.DecompressionBombError as exc:
        raise ValueError(TOO_BIG.format(megapixels=f"plus de {2 * int(limit)}",
                                        limit=limit)) from exc
    except ValueError as exc:
        if str(exc).startswith("Cette photo est trop grande"):
            raise
        raise ValueError(UNREADABLE) from exc
    except (UnidentifiedImageError, OSError) as exc:
        raise ValueError(UNREADABLE) from exc
    finally:
        upload.seek(0)
    display, width, height = _jpeg(clean, DISPLAY_SIZE)
    thumbnail, _, _ = _jpeg(clean, THUMBNAIL_SIZE)
    return ProcessedPhoto(display=display, thumbnail=thumbnail, width=width, height=height)
