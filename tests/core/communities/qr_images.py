"""Real images for the QR tracker's tests: clean PNG codes, a photo-like JPEG, and bad files."""

from __future__ import annotations

import io
import random
import struct
import zlib

import qrcode
from PIL import Image, ImageFilter

WECHAT_GROUP_URL = "https://weixin.qq.com/g/AQYAAH8bT2k9-xLzq1rX0example"


def qr_image(text: str = WECHAT_GROUP_URL, box_size: int = 8) -> Image.Image:
    code = qrcode.QRCode(box_size=box_size, border=4)
    code.add_data(text)
    code.make(fit=True)
    return code.make_image(fill_color="black", back_color="white").get_image().convert("RGB")


def encode(image: Image.Image, fmt: str = "PNG", **options) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **options)
    return buffer.getvalue()


def qr_png(text: str = WECHAT_GROUP_URL, box_size: int = 8) -> bytes:
    return encode(qr_image(text, box_size))


def noisy_background(size: tuple[int, int], seed: int = 7) -> Image.Image:
    """A blotchy, grainy backdrop like a table under a phone camera."""
    rng = random.Random(seed)
    small = Image.new("RGB", (size[0] // 40 + 1, size[1] // 40 + 1))
    small.putdata(
        [
            (rng.randint(90, 200), rng.randint(80, 190), rng.randint(70, 180))
            for _ in range(small.width * small.height)
        ]
    )
    background = small.resize(size, Image.Resampling.BICUBIC)
    grain = Image.effect_noise(size, 24).convert("RGB")
    return Image.blend(background, grain, 0.25)


def photo_jpeg(text: str = WECHAT_GROUP_URL, *, size=(1400, 1100), quality: int = 80) -> bytes:
    """The code scaled, turned a few degrees, on a noisy background, slightly blurred, as JPEG."""
    code = qr_image(text, box_size=10)
    code = code.resize((int(code.width * 0.75), int(code.height * 0.75)), Image.Resampling.BILINEAR)
    code = code.rotate(7, expand=True, fillcolor=(255, 255, 255), resample=Image.Resampling.BICUBIC)
    photo = noisy_background(size)
    photo.paste(code, ((size[0] - code.width) // 2 + 60, (size[1] - code.height) // 2 - 40))
    photo = photo.filter(ImageFilter.GaussianBlur(0.8))
    return encode(photo, "JPEG", quality=quality)


def big_photo_png(text: str = WECHAT_GROUP_URL) -> bytes:
    """Over a megabyte (noise does not compress): stored scaled down, must still decode."""
    photo = noisy_background((2200, 2000), seed=3)
    photo.paste(qr_image(text, box_size=14), (500, 400))
    return encode(photo)


def no_qr_png() -> bytes:
    return encode(noisy_background((600, 400)))


def corrupt_png() -> bytes:
    """A real PNG cut off in the middle of its image data."""
    data = encode(noisy_background((400, 400)))
    return data[: len(data) // 2]


def _chunk(kind: bytes, payload: bytes) -> bytes:
    return (
        struct.pack(">I", len(payload))
        + kind
        + payload
        + struct.pack(">I", zlib.crc32(kind + payload) & 0xFFFFFFFF)
    )


def png_claiming(width: int, height: int) -> bytes:
    """A tiny file whose header claims a huge image: a decompression bomb in miniature."""
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    pixels = zlib.compress(b"\x00" * 1024)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", pixels)
        + _chunk(b"IEND", b"")
    )


def text_as_png() -> bytes:
    return "群规：禁止发广告\n这是一个文本文件，不是图片\n".encode()
