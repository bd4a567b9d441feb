"""Masking personal data (PIPL): phones and 微信号 are shown and exported masked by default."""

from __future__ import annotations

import re


def mask_phone(phone: str | None) -> str | None:
    """13800000016 → 138****0016; other lengths keep only their last four digits visible."""
    if not phone:
        return phone
    if len(phone) == 11 and phone.isdigit():
        return f"{phone[:3]}****{phone[-4:]}"
    if len(phone) <= 4:
        return "*" * len(phone)
    return "*" * (len(phone) - 4) + phone[-4:]


def mask_wechat_id(wechat_id: str | None) -> str | None:
    """wx_zhangfan → wx*******an: the first two and last two characters stay."""
    if not wechat_id:
        return wechat_id
    if len(wechat_id) <= 4:
        return wechat_id[0] + "*" * (len(wechat_id) - 1)
    return wechat_id[:2] + "*" * (len(wechat_id) - 4) + wechat_id[-2:]


_DIGIT_RUN = re.compile(r"(?<![0-9])\+?[0-9]{7,15}(?![0-9])")


def mask_phones_in(text: str | None) -> str | None:
    """Free text (a reason, a cell that swallowed other rows) with every run of 7–15 digits
    masked as a phone: 引号乙,13800002702 → 引号乙,138****2702."""
    if not text:
        return text
    return _DIGIT_RUN.sub(lambda match: mask_phone(match.group()), text)
