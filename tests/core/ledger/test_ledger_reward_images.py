"""Reward pictures come from operators' files: bombs, broken and huge files are refused in
Chinese; CMYK, transparent and EXIF-rotated photos are stored upright, small and re-encoded."""

from __future__ import annotations

import io
import struct
import zlib

import pytest
from PIL import Image

from core.common.errors import UserError
from core.ledger.catalogue import (
    IMAGE_MAX_SIDE,
    RewardSpec,
    list_rewards,
    read_reward_image_file,
    reward_image,
    reward_image_bytes,
    reward_images,
    save_reward,
)


def encoded(image: Image.Image, fmt: str, **options) -> bytes:
    out = io.BytesIO()
    image.save(out, format=fmt, **options)
    return out.getvalue()


def opened(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def png_chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def bomb_png(width: int = 100_000, height: int = 100_000) -> bytes:
    """A valid PNG header that claims width × height pixels, with almost no data."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", header)
        + png_chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + png_chunk(b"IEND", b"")
    )


def test_a_big_photo_is_shrunk_to_the_longest_side_and_stored_as_jpeg():
    photo = Image.new("RGB", (3000, 1500), (200, 30, 30))
    data = reward_image_bytes(encoded(photo, "JPEG", quality=95))
    image = opened(data)
    assert image.format == "JPEG" and image.size == (IMAGE_MAX_SIDE, IMAGE_MAX_SIDE // 2)
    assert len(data) < 100_000
    r, g, b = image.getpixel((400, 200))
    assert r > 180 and g < 60 and b < 60


def test_a_small_picture_keeps_its_size():
    data = reward_image_bytes(encoded(Image.new("RGB", (120, 90), "white"), "PNG"))
    assert opened(data).size == (120, 90)


def test_a_cmyk_jpeg_becomes_rgb_with_the_right_colour():
    cmyk = Image.new("CMYK", (400, 300), (0, 255, 255, 0))  # pure red in CMYK
    image = opened(reward_image_bytes(encoded(cmyk, "JPEG")))
    assert image.mode == "RGB"
    r, g, b = image.getpixel((200, 150))
    assert r > 200 and g < 60 and b < 60


def test_an_exif_rotated_photo_is_stored_upright():
    # The camera stored it 200 wide × 100 high, top half red; orientation 6 = turn 90° clockwise.
    raw = Image.new("RGB", (200, 100), "blue")
    raw.paste((255, 0, 0), (0, 0, 200, 50))
    exif = Image.Exif()
    exif[0x0112] = 6
    image = opened(reward_image_bytes(encoded(raw, "JPEG", exif=exif.tobytes())))
    assert image.size == (100, 200)  # upright: portrait
    assert image.getexif().get(0x0112) in (None, 1)  # no orientation left to apply twice
    r, _, b = image.getpixel((80, 100))  # the right half was the top: red
    assert r > 200 and b < 60
    r, _, b = image.getpixel((20, 100))
    assert b > 200 and r < 60


def test_a_transparent_cutout_stays_a_png_with_its_transparency():
    cutout = Image.new("RGBA", (300, 300), (0, 0, 0, 0))
    cutout.paste((0, 128, 0, 255), (100, 100, 200, 200))
    image = opened(reward_image_bytes(encoded(cutout, "PNG")))
    assert image.format == "PNG" and image.mode == "RGBA"
    assert image.getpixel((10, 10))[3] == 0 and image.getpixel((150, 150))[3] == 255


def test_an_opaque_png_with_an_alpha_channel_is_stored_as_jpeg():
    data = reward_image_bytes(encoded(Image.new("RGBA", (100, 100), (9, 9, 9, 255)), "PNG"))
    assert opened(data).format == "JPEG"


def test_palette_and_16_bit_pictures_are_converted():
    palette = Image.new("RGB", (50, 50), "yellow").convert("P")
    assert opened(reward_image_bytes(encoded(palette, "GIF"))).mode == "RGB"
    grey16 = Image.new("I;16", (50, 50), 60000)
    image = opened(reward_image_bytes(encoded(grey16, "PNG")))
    assert image.getpixel((25, 25))[0] > 200  # scaled to 8 bits, not clipped to black/white


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "空的"),
        (b"%PDF-1.4 not a picture", "不是图片"),
        (bomb_png(), "尺寸过大"),
        (encoded(Image.new("RGB", (800, 600), "red"), "JPEG")[:600], "损坏或不完整"),
        (encoded(Image.new("RGB", (800, 600), "red"), "PNG")[:200], "损坏或不完整"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, "不是图片"),
        (bytes(26 * 1024 * 1024), "太大"),
    ],
    ids=["empty", "not-an-image", "bomb", "truncated-jpeg", "truncated-png", "bad-header", "huge"],
)
def test_hostile_or_broken_files_are_refused_in_chinese(data, message):
    with pytest.raises(UserError, match=message) as refused:
        reward_image_bytes(data)
    assert "奖品图片" in str(refused.value) or "图片" in str(refused.value)


def test_the_picture_is_stored_kept_on_edit_replaced_and_cleared(database):
    first = reward_image_bytes(encoded(Image.new("RGB", (40, 40), "red"), "PNG"))
    second = reward_image_bytes(encoded(Image.new("RGB", (40, 40), "blue"), "PNG"))
    with database.session() as session:
        rid = save_reward(session, RewardSpec("帆布袋", 100, image=first))
        other = save_reward(session, RewardSpec("贴纸", 10))
        assert reward_image(session, rid) == first
        assert [r.has_image for r in list_rewards(session)] == [False, True]
        save_reward(session, RewardSpec("帆布袋", 120), rid)  # no new picture: kept
        assert reward_image(session, rid) == first
        save_reward(session, RewardSpec("帆布袋", 120, image=second), rid)
        assert reward_images(session, [rid, other]) == {rid: second}
        save_reward(session, RewardSpec("帆布袋", 120, clear_image=True), rid)
        assert reward_image(session, rid) is None and reward_images(session, [rid]) == {}


def test_a_picked_file_is_read_checked_and_converted(tmp_path):
    photo = tmp_path / "帆布袋.jpg"
    photo.write_bytes(encoded(Image.new("RGB", (1600, 1200), "green"), "JPEG"))
    assert opened(read_reward_image_file(photo)).size == (800, 600)
    huge = tmp_path / "huge.png"
    with huge.open("wb") as out:
        out.truncate(26 * 1024 * 1024)  # sparse: refused by its size, never read
    with pytest.raises(UserError, match="太大"):
        read_reward_image_file(huge)
    with pytest.raises(UserError, match="无法读取"):
        read_reward_image_file(tmp_path / "gone.jpg")
