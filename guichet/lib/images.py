"""Photos from residents and agents: decoded, turned upright, stripped of every metadata (a
phone's EXIF holds its GPS position and serial number), resized for display, with a thumbnail."""

from __future__ import annotations

import io
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError

try:  # HEIC, the iPhone's format, when the library is there
    from pillow_heif import register_heif_opener

    register_heif_opener()
except ImportError:  # pragma: no cover - pillow-heif is a dependency
    pass

DISPLAY_SIZE = 1600
THUMBNAIL_SIZE = 400
# A decompression bomb is refused by Pillow above this many pixels.
Image.MAX_IMAGE_PIXELS = 60_000_000


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


def process_photo(upload) -> ProcessedPhoto:
    """Raise ValueError (French) if the file is not a photo Pillow can decode."""
    upload.seek(0)
    try:
        with Image.open(upload) as original:
            original.load()
            upright = ImageOps.exif_transpose(original)
            clean = Image.new("RGB", upright.size, "white")
            if upright.mode in ("RGBA", "LA", "P"):
                rgba = upright.convert("RGBA")
                clean.paste(rgba, mask=rgba.getchannel("A"))
            else:
                clean.paste(upright.convert("RGB"))
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError, ValueError) as exc:
        raise ValueError("Cette photo ne peut pas être lue : envoyez une image JPEG, PNG, WebP "
                         "ou HEIC.") from exc
    finally:
        upload.seek(0)
    display, width, height = _jpeg(clean, DISPLAY_SIZE)
    thumbnail, _, _ = _jpeg(clean, THUMBNAIL_SIZE)
    return ProcessedPhoto(display=display, thumbnail=thumbnail, width=width, height=height)
