"""A picture file the operator picked in the designer, checked and named as a template asset.

Pictures come from anywhere (downloads, WeChat forwards), so each is opened with the
untrusted-image loader before it becomes part of a template: an empty, cut-off, non-image or
decompression-bomb file is a `UserError` and nothing changes. The asset is named by its
content hash, so picking the same file twice (or the same picture under two names) stores it
once. Formats a template package cannot carry (TIFF) are converted to PNG.

The property panel calls it; the names of the pictures (`PICTURE_WHAT`) and the refusals are
messages, shown in the window's language.
"""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

from core.common.errors import UserError
from core.common.images import open_untrusted, read_image_file, upright_rgba
from core.common.text import msg

# The formats a template package keeps (core.posters.package.IMAGE_SUFFIXES), by Pillow name.
_SUFFIXES = {"PNG": ".png", "JPEG": ".jpg", "WEBP": ".webp", "GIF": ".gif", "BMP": ".bmp"}
NAME_DIGITS = 16  # 64 bits of SHA-256: no two different pictures of one template collide
# How messages name the picture of a layer's field; an avatar layer's is AVATAR_WHAT.
PICTURE_WHAT = {"logo": msg("二维码 logo"), "image": msg("背景图"), "src": msg("图片")}
AVATAR_WHAT = msg("头像")


def image_asset(path: str | Path, what: str = PICTURE_WHAT["src"]) -> tuple[str, bytes]:
    """(asset name, file bytes) of the picture at `path`, or a UserError saying what is wrong."""
    file = Path(path)
    data = read_image_file(file, what)
    image = open_untrusted(data, what=msg("{what}「{name}」", what=what, name=file.name))
    suffix = _SUFFIXES.get(image.format or "")
    try:
        picture = upright_rgba(image)  # what the renderer will do with it: fail now, not later
    except Exception as error:  # a broken EXIF block, an exotic mode
        raise UserError(
            msg("{what}「{name}」无法转换，请另存为 PNG 或 JPG 后再试", what=what, name=file.name)
        ) from error
    if suffix is None:
        buffer = io.BytesIO()
        picture.save(buffer, "PNG")
        data, suffix = buffer.getvalue(), ".png"
    return asset_name(data, suffix), data


def asset_name(data: bytes, suffix: str) -> str:
    """The name an asset with this content gets: its hash and the format's suffix."""
    return hashlib.sha256(data).hexdigest()[:NAME_DIGITS] + suffix
