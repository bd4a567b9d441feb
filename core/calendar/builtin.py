"""Built-in SOP templates, one or more for each of the six kinds operators use: 新客 (welcome
newcomers), 活动节日 (a shop festival's warm-up), 客户转化 (from member to customer), 新群培育
(a new group's first week), 周期营销 (早安 daily, 干货 weekly, 会员日 monthly) and 特定宣发
(a launch countdown). They are ordinary templates (the operator edits or copies them), added
once; an operator's own template of the same name is left alone.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.calendar.sop import StepSpec, create_template
from db.calendar_models import SopTemplate

# Every recurring built-in starts on this day (its time of day is what matters); COUNT-limited
# ones start the day after they are added, so their run is still ahead.
SERIES_START = datetime(2026, 1, 1)


def _at(hour: int, minute: int = 0) -> datetime:
    return datetime.combine(SERIES_START.date(), time(hour, minute))


def builtin_specs(now: datetime) -> list[dict]:
    tomorrow = datetime.combine(now.date() + timedelta(days=1), time(20, 0))
    return [
        {
            "name": "新客欢迎",
            "sop_kind": "newcomer",
            "anchor": "member_joined",
            "steps": [
                StepSpec(0, "欢迎", body="欢迎新朋友！先看看群公告，有问题随时@我～"),
                StepSpec(1, "新人引导", body="新人指南：群规、常用口令、怎么参加活动。"),
                StepSpec(3, "邀请打卡", "checkin", "今天一起打卡吧，连续打卡有积分奖励。"),
                StepSpec(7, "回访问卷", "poll", "进群一周了，花一分钟说说你的感受？"),
            ],
        },
        {
            "name": "客户转化",
            "sop_kind": "conversion",
            "anchor": "member_joined",
            "steps": [
                StepSpec(2, "种草分享", "image", "老成员的真实使用分享。", 19 * 60, 22 * 60),
                StepSpec(5, "新人专享", "text", "新人专享优惠，三天内有效。", 19 * 60, 22 * 60),
                StepSpec(10, "客户见证", "video", "来看看大家的成果。", 19 * 60, 22 * 60),
            ],
        },
        {
            "name": "新群培育",
            "sop_kind": "new_group",
            "anchor": "community_created",
            "steps": [
                StepSpec(0, "群规与自我介绍", body="发群规，请大家按模板自我介绍。"),
                StepSpec(1, "破冰话题", "qa", "今天聊聊：你是怎么知道我们的？"),
                StepSpec(3, "第一次打卡", "checkin", "第一次群打卡开始啦。"),
                StepSpec(7, "第一次小活动", "lottery", "建群一周小抽奖。"),
            ],
        },
        {
            "name": "每日早安",
            "sop_kind": "periodic",
            "rule": "FREQ=DAILY",
            "starts_at": _at(8),
            "title": "早安",
            "body": "早安！今天也元气满满～",
        },
        {
            "name": "每周干货",
            "sop_kind": "periodic",
            "rule": "FREQ=WEEKLY;BYDAY=WE",
            "starts_at": _at(20),
            "title": "干货分享",
            "content_kind": "image",
        },
        {
            "name": "会员日",
            "sop_kind": "periodic",
            "rule": "FREQ=MONTHLY;BYMONTHDAY=15",
            "starts_at": _at(20),
            "title": "会员日",
            "content_kind": "event",
            "body": "每月 15 日会员日：积分翻倍，专属优惠。",
        },
        {
            "name": "双11预热",
            "sop_kind": "festival",
            "rule": "FREQ=YEARLY;BYMONTH=11;BYMONTHDAY=1,4,8,11",
            "starts_at": _at(20),
            "title": "双11预热",
            "content_kind": "event",
            "body": "双11 倒计时：提前加购，群内专属券。",
        },
        {
            "name": "新品宣发",
            "sop_kind": "announcement",
            "rule": "FREQ=DAILY",
            "end_count": 3,
            "starts_at": tomorrow,
            "title": "新品宣发倒计时",
            "content_kind": "image",
        },
    ]


def ensure_builtin_templates(session: Session, now: datetime | None = None) -> int:
    """Add the built-in templates not there yet (by name); returns how many were added."""
    now = now or datetime.now()
    have = set(session.scalars(select(SopTemplate.name)))
    added = 0
    for spec in builtin_specs(now):
        if spec["name"] in have:
            continue
        create_template(session, builtin=True, owner="", now=now, **spec)
        added += 1
    return added
