"""Small templates and real image files for the poster tests."""

from __future__ import annotations

import io

from PIL import Image, ImageDraw

from core.posters.template import Template, load_template

LINK = "https://example.com/i/{邀请码}"


def template(*layers: dict, width: int = 600, height: int = 800, dpi: int = 72) -> Template:
    return load_template(
        {
            "schema": 1,
            "name": "测试",
            "canvas": {"width": width, "height": height, "dpi": dpi},
            "layers": [{"type": "background", "fill": "#ffffff"}, *layers],
        }
    )


def qr_layer(size: int = 300, x: int = 150, y: int = 250, **extra) -> dict:
    return {
        "type": "qr",
        "name": "码",
        "x": x,
        "y": y,
        "width": size,
        "height": size,
        "content": LINK,
        **extra,
    }


def avatar_layer(**extra) -> dict:
    return {
        "type": "avatar",
        "name": "头像",
        "x": 200,
        "y": 20,
        "width": 200,
        "height": 200,
        **extra,
    }


def encode(image: Image.Image, fmt: str = "PNG", **options) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **options)
    return buffer.getvalue()


def logo_png() -> bytes:
    logo = Image.new("RGBA", (120, 120), (0, 0, 0, 0))
    draw = ImageDraw.Draw(logo)
    draw.ellipse((0, 0, 119, 119), fill=(230, 80, 40, 255))
    draw.rectangle((40, 30, 80, 90), fill=(255, 255, 255, 255))
    return encode(logo)


def exif_rotated_jpeg() -> bytes:
    """Stored 200×100, red left half and blue right half, with EXIF orientation 6 (turn 90° CW):
    shown upright it is 100×200 with red on top."""
    image = Image.new("RGB", (200, 100), (0, 0, 255))
    image.paste((255, 0, 0), (0, 0, 100, 100))
    exif = Image.Exif()
    exif[0x0112] = 6
    return encode(image, "JPEG", quality=95, exif=exif.tobytes())


def cmyk_jpeg() -> bytes:
    return encode(Image.new("CMYK", (120, 120), (0, 255, 255, 0)), "JPEG", quality=95)


def palette_png_with_transparency() -> bytes:
    """A palette image: left half transparent, right half green."""
    image = Image.new("P", (100, 100), 0)
    image.putpalette([0, 0, 0, 0, 200, 0] + [0] * 762)
    ImageDraw.Draw(image).rectangle((50, 0, 99, 99), fill=1)
    return encode(image, transparency=0)
