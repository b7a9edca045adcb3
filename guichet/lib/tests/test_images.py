import io

import pytest
from PIL import Image

from guichet.lib.images import process_photo


def phone_photo(size=(3000, 2000)) -> io.BytesIO:
    """A JPEG with GPS coordinates, a camera serial and an orientation flag, like a phone's."""
    image = Image.new("RGB", size, "green")
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: rotate 90°
    exif[0xA431] = "SERIAL-123456"  # body serial number
    exif[0x8825] = {1: "N", 2: (49.0, 21.0, 0.0), 3: "E", 4: (6.0, 5.0, 0.0)}  # GPS
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif)
    buffer.seek(0)
    return buffer


def test_metadata_is_removed_and_the_photo_turned_upright_and_resized():
    original = phone_photo()
    assert b"SERIAL-123456" in original.getvalue()
    photo = process_photo(original)
    assert b"SERIAL-123456" not in photo.display and b"SERIAL-123456" not in photo.thumbnail
    shown = Image.open(io.BytesIO(photo.display))
    assert not shown.getexif()
    assert (shown.width, shown.height) == (1067, 1600)  # portrait after the orientation flag
    assert max(Image.open(io.BytesIO(photo.thumbnail)).size) == 400


def test_a_transparent_png_is_flattened_on_white():
    buffer = io.BytesIO()
    Image.new("RGBA", (10, 10), (0, 0, 0, 0)).save(buffer, "PNG")
    shown = Image.open(io.BytesIO(process_photo(buffer).display))
    assert shown.getpixel((5, 5)) == (255, 255, 255)


def test_heic_photos_are_read():
    from pillow_heif import from_pillow

    buffer = io.BytesIO()
    from_pillow(Image.new("RGB", (64, 48), "blue")).save(buffer, quality=80)
    buffer.seek(0)
    assert process_photo(buffer).width == 64


def test_something_else_is_refused_in_french():
    with pytest.raises(ValueError, match="ne peut pas être lue"):
        process_photo(io.BytesIO(b"%PDF-1.4 pas une image"))
