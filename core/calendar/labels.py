"""The calendar's words: content types, statuses and SOP kinds with their Chinese labels, and
reading one back from what a person typed (the key itself or its label)."""

from __future__ import annotations

import re

from core.common.choices import labelled_choice
from core.common.text import msg
from db.calendar_models import CONTENT_KINDS, ITEM_STATUSES, SOP_KINDS

KIND_LABELS = {
    "text": msg("文字"),
    "image": msg("图片"),
    "video": msg("视频"),
    "live": msg("直播"),
    "event": msg("活动"),
    "qa": msg("问答"),
    "poll": msg("投票"),
    "lottery": msg("抽奖"),
    "checkin": msg("打卡"),
    "chain": msg("接龙"),
}
STATUS_LABELS = {
    "draft": msg("草稿"),
    "pending_review": msg("待审核"),
    "scheduled": msg("已排期"),
    "sent": msg("已发送"),
    "reviewed": msg("已复盘"),
}
SOP_KIND_LABELS = {
    "newcomer": msg("新客"),
    "festival": msg("活动节日"),
    "conversion": msg("客户转化"),
    "new_group": msg("新群培育"),
    "periodic": msg("周期营销"),
    "announcement": msg("特定宣发"),
}
assert set(KIND_LABELS) == set(CONTENT_KINDS) and set(STATUS_LABELS) == set(ITEM_STATUSES)
assert set(SOP_KIND_LABELS) == set(SOP_KINDS)

# Promotional by default: 活动 and 抽奖, and content that reads like a coupon or a sale.
PROMOTIONAL_KINDS = ("event", "lottery")
_PROMOTIONAL_WORDS = re.compile(r"券|优惠|折扣|满减|秒杀|特价|红包|限时|coupon", re.IGNORECASE)


def default_promotional(kind: str, title: str = "", body: str = "") -> bool:
    return kind in PROMOTIONAL_KINDS or bool(_PROMOTIONAL_WORDS.search(f"{title}\n{body}"))


def kind_key(text: str | None) -> str:
    return labelled_choice(text, KIND_LABELS, msg("内容类型"))


def status_key(text: str | None) -> str:
    return labelled_choice(text, STATUS_LABELS, msg("内容状态"))


def sop_kind_key(text: str | None) -> str:
    return labelled_choice(text, SOP_KIND_LABELS, msg("SOP 类型"))
