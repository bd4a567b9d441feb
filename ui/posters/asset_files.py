"""A picture file the operator picked in the designer, checked and named as a template asset.

Pictures come from anywhere (downloads, WeChat forwards), so each is opened with the
untrusted-image loader before it becomes part of a template: an empty, cut-off, non-image or
decompression-bomb file is a `UserError` and nothing changes. The asset is named by its
content hash, so picking the same file twice (or the same picture under two names) stores it
once. Formats a template package cannot carry (TIFF) are converted to PNG.

No Qt here (it lives in ui/posters only because it serves the property panel).
"""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

from core.common.errors import UserError
from core.common.images import MAX_FILE_BYTES, open_untrusted, upright_rgba

# The formats a template package keeps (core.posters.package.IMAGE_SUFFIXES), by Pillow name.
_SUFFIXES = {"PNG": ".png", "JPEG": ".jpg", "WEBP": ".webp", "GIF": ".gif", "BMP": ".bmp"}
NAME_DIGITS = 16  # 64 bits of SHA-256: no two different pictures of one template collide


def image_asset(path: str | Path, what: str = "图片") -> tuple[str, bytes]:
    """(asset name, file bytes) of the picture at `path`, or a UserError saying what is wrong."""
    file = Path(path)
    try:
        if file.stat().st_size > MAX_FILE_BYTES:
            raise UserError(
                f"{what}文件太大（超过 {MAX_FILE_BYTES // (1024 * 1024)} MB）：{file.name}"
            )
        data = file.read_bytes()
    except OSError as error:
        raise UserError(f"无法读取文件「{file.name}」：{error.strerror or error}") from error
    image = open_untrusted(data, what=f"{what}「{file.name}」")
    suffix = _SUFFIXES.get(image.format or "")
    try:
        picture = upright_rgba(image)  # what the renderer will do with it: fail now, not later
    except Exception as error:  # a broken EXIF block, an exotic mode
        raise UserError(f"{what}「{file.name}」无法转换，请另存为 PNG 或 JPG 后再试") from error
    if suffix is None:
        buffer = io.BytesIO()
        picture.save(buffer, "PNG")
        data, suffix = buffer.getvalue(), ".png"
    return asset_name(data, suffix), data


def asset_name(data: bytes, suffix: str) -> str:
    """The name an asset with this content gets: its hash and the format's suffix."""
    return hashlib.sha256(data).hexdigest()[:NAME_DIGITS] + suffix
