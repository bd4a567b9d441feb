"""The group QR tracker: check that an attached image holds a QR code, keep it, count the days.

An operator saves the group's QR code from WeChat (a screenshot, a photo of a printed poster,
a forwarded JPEG) and attaches it; zxing-cpp decodes it so a wrong picture is caught at once.
Images come from anywhere, so they are checked before they are decoded: file size, pixel count
(decompression bombs), format, and whether they decode at all.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from core.common import images
from core.common.errors import UserError
from core.common.images import flatten_on_white as _flatten
from core.common.text import msg
from core.communities.limits import days_left, expires_on, load_limits
from core.communities.registry import get_community

# Re-exported: the QR panel checks a file's size before reading it.
MAX_FILE_BYTES = images.MAX_FILE_BYTES
MAX_PIXELS = images.MAX_PIXELS
FORMATS = images.FORMATS
# Attachments bigger than this are stored re-encoded and scaled down (the QR still decodes).
STORE_AS_IS_BYTES = 1024 * 1024
STORED_LONGEST_SIDE = 1600


@dataclass(frozen=True)
class QrImage:
    """What attaching keeps: the bytes to store and the text the QR code holds."""

    image: bytes
    content: str


def _open(data: bytes):
    """A fully loaded Pillow image, or a UserError saying what is wrong with the file."""
    return images.open_untrusted(
        data,
        hint=msg("请选择二维码的截图或照片（PNG、JPG）"),
        max_bytes=MAX_FILE_BYTES,
        max_pixels=MAX_PIXELS,
    )


def _grey(image):
    flat = _flatten(image)
    return flat if flat.mode == "L" else flat.convert("L")


def _decode(image) -> str | None:
    try:
        import zxingcpp
    except ImportError as error:  # a build that left the decoder out: say so, don't crash
        raise UserError(msg("缺少二维码识别组件 zxing-cpp，请重新安装本程序")) from error

    results = zxingcpp.read_barcodes(_grey(image), formats=zxingcpp.BarcodeFormat.QRCode)
    for result in results:
        if result.valid and result.text:
            return result.text
    return None


def _decode_or_explain(image) -> str:
    content = _decode(image)
    if content is None:
        raise UserError(msg("图片里没有找到可识别的二维码，请换一张更清晰的截图"))
    return content


def decode_qr(data: bytes) -> str:
    """The text of the QR code in the image; a UserError when there is none or it can't be read."""
    return _decode_or_explain(_open(data))


def prepare_qr_image(data: bytes) -> QrImage:
    """Decode the image and choose the bytes to store: as given when small, else scaled down."""
    image = _open(data)
    content = _decode_or_explain(image)
    if len(data) <= STORE_AS_IS_BYTES:
        return QrImage(data, content)
    smaller = _flatten(image).copy()
    smaller.thumbnail((STORED_LONGEST_SIDE, STORED_LONGEST_SIDE))
    buffer = io.BytesIO()
    smaller.save(buffer, "JPEG", quality=90)
    stored = buffer.getvalue()
    # Keep the scaled copy only if it still scans; a tiny code in a big photo may not.
    if _decode(_open(stored)) == content:
        return QrImage(stored, content)
    return QrImage(data, content)


def attach_qr(
    session: Session,
    community_id: int,
    image_bytes: bytes,
    generated_on: date | None = None,
    *,
    today: date | None = None,
) -> str:
    """Check and store the group's QR image and the day it was made; return what it decodes to."""
    today = today or date.today()
    generated_on = generated_on or today
    _check_generated_on(generated_on, today)
    community = get_community(session, community_id)
    prepared = prepare_qr_image(image_bytes)
    community.qr_image = prepared.image
    community.qr_content = prepared.content
    community.qr_generated_on = generated_on
    return prepared.content


def set_qr_generated_on(
    session: Session, community_id: int, generated_on: date, *, today: date | None = None
) -> None:
    """Correct the day the attached code was generated (days left follow from it)."""
    _check_generated_on(generated_on, today or date.today())
    community = get_community(session, community_id)
    if community.qr_image is None:
        raise UserError(msg("这个社群还没有添加群二维码"))
    community.qr_generated_on = generated_on


def remove_qr(session: Session, community_id: int) -> None:
    community = get_community(session, community_id)
    community.qr_image = None
    community.qr_content = None
    community.qr_generated_on = None


def _check_generated_on(generated_on: date, today: date) -> None:
    if generated_on > today:
        raise UserError(msg("二维码生成日期不能晚于今天"))


def content_kind(content: str | None) -> str:
    """What the code looks like, so a personal 名片 attached by mistake stands out.

    wechat_group, wecom, wechat_personal (a 名片 or 公众号, not a group), qq_group, url, text;
    "" when there is no content.
    """
    if not content:
        return ""
    lowered = content.lower()
    if "weixin.qq.com/g/" in lowered:
        return "wechat_group"
    if "work.weixin.qq.com" in lowered:
        return "wecom"
    if "u.wechat.com" in lowered or "weixin.qq.com/r/" in lowered:
        return "wechat_personal"
    if "qm.qq.com" in lowered or "qun.qq.com" in lowered:
        return "qq_group"
    if lowered.startswith(("http://", "https://")):
        return "url"
    return "text"


@dataclass(frozen=True)
class QrInfo:
    """The attached code as the QR panel shows it."""

    image: bytes | None
    content: str | None
    generated_on: date | None
    valid_days: int | None  # in force: the community's own, else the platform's
    expires_on: date | None
    days_left: int | None


def qr_info(session: Session, community_id: int, *, today: date | None = None) -> QrInfo:
    community = get_community(session, community_id, trashed=True)
    if community.qr_image is None:
        return QrInfo(None, None, None, None, None, None)
    valid = load_limits(session).valid_days(community.platform, community.qr_valid_days)
    generated = community.qr_generated_on
    return QrInfo(
        image=community.qr_image,
        content=community.qr_content,
        generated_on=generated,
        valid_days=valid,
        expires_on=expires_on(generated, valid),
        days_left=days_left(generated, valid, today or date.today()),
    )
