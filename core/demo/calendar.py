"""A month of demo content in the 内容日历: three weeks behind today and ten days ahead.

- An SOP template applied (每周三干货 in the first three groups, from three weeks ago), its
  past Wednesdays sent;
- mixed single items (文字, 图片, 视频, 直播, 问答, 投票, 抽奖, 打卡, 接龙) at the hours groups
  read (8:00, 12:00, 20:00, 21:00) for one to three groups: most past ones sent, some with
  results (replies, joins, sales) and 复盘 done, a few left overdue; ahead, scheduled ones, a
  draft, one waiting for review and one rejected back to draft with its reason;
- the running campaign 夏日送饮品 owns its warm-up (sent), its mid-campaign push (sent, with
  joins) and its closing reminder (scheduled);
- one evergreen guide, sent, that `calendar recycle` can plan again.

Everything goes through core (items, status, today, sop), then who did it is set to the
demo's name, so the data is the same on every machine. About a hundred rows: the demo's own
speed does not change.
"""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta

from sqlalchemy import select, update
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from core.calendar.items import create_item, set_results
from core.calendar.settings import APPROVAL_SETTING
from core.calendar.sop import apply_template, create_template
from core.calendar.status import mark_reviewed, reject, schedule
from core.calendar.today import mark_sent
from core.common.settings_store import set_setting
from db.calendar_models import (
    ContentItem,
    ContentItemCommunity,
    ContentItemHistory,
    SopException,
    SopTemplate,
)
from db.referral_models import Campaign, CampaignCommunity

WHO = "演示数据"
HOURS = (time(8), time(12), time(20), time(21))
# (type, title, body): the single items, in the order they are planned.
CONTENT = [
    ("text", "早安问候", "早安！今天也要好好吃早餐哦～"),
    ("image", "新品图文", "本周新品上架，图里的三款你最喜欢哪一款？"),
    ("qa", "答疑时间", "今晚 8 点群内答疑，有问题先在群里留言"),
    ("poll", "下周活动投票", "下周活动想做哪个？1. 试吃 2. 手作课 3. 直播答疑"),
    ("checkin", "21 天打卡第 1 天", "打卡开始啦，接龙报名：姓名 + 今日目标"),
    ("video", "制作小视频", "三分钟看懂今天的小技巧"),
    ("chain", "周末团购接龙", "周末团购开始接龙，周五 20:00 截止"),
    ("live", "周四直播预告", "周四 20:00 视频号直播，进群的朋友有专属福利"),
    ("lottery", "周五抽奖", "转发本条到朋友圈截图发群里，周五 21:00 开奖"),
    ("text", "会员日提醒", "本周六会员日，全场会员价"),
    ("image", "顾客晒单", "看看群友的晒单，你也来晒一晒？"),
    ("qa", "常见问题汇总", "整理了本月群里问得最多的 5 个问题"),
    ("poll", "口味调查", "新口味投票：抹茶 / 芋泥 / 海盐"),
    ("checkin", "打卡第 7 天", "坚持一周啦！今天打卡的朋友抽 3 位送小礼物"),
    ("video", "幕后花絮", "带大家看看门店的一天"),
    ("text", "周末愉快", "周末愉快！有空来店里坐坐"),
    ("chain", "试吃报名接龙", "下周二试吃会，限 20 位，接龙报名"),
    ("image", "本周精选", "本周群内精选内容合集"),
    ("live", "直播回放", "昨晚直播的回放在这里，错过的朋友看这里"),
    ("lottery", "月末福利抽奖", "月末福利：留言抽 5 位送优惠券"),
    ("text", "下周预告", "下周的活动安排先睹为快"),
    ("qa", "新人答疑", "新朋友有问题随时问，管理员在线"),
    ("poll", "满意度小调查", "这个月的群内容你打几分？"),
    ("image", "早安海报", "今日早安海报"),
]
PAST_DAYS = 21
AHEAD_DAYS = 10
OVERDUE = 3  # past items left unsent
WEDNESDAY_RULE = "FREQ=WEEKLY;BYDAY=WE"


def write_demo_calendar(
    connection: Connection, rng: random.Random, community_ids: list[int], now: datetime
) -> int:
    """Write the demo's month of content; how many items."""
    if not community_ids:
        return 0
    session = Session(bind=connection)
    start = datetime.combine(now.date() - timedelta(days=PAST_DAYS), time())
    _sop(session, community_ids[:3], start, now)
    _single_items(session, rng, community_ids, start, now)
    _campaign_items(session, now)
    _evergreen(session, community_ids, now)
    session.flush()
    count = _sign(session)
    session.flush()
    return count


def _sent(
    session: Session, item: ContentItem, now: datetime, rng: random.Random | None = None
) -> None:
    minutes = rng.randint(0, 25) if rng else 3
    mark_sent(session, item.id, now=min(now, item.planned_at + timedelta(minutes=minutes)))


def _sop(session: Session, communities: list[int], start: datetime, now: datetime) -> None:
    first_wednesday = start + timedelta(days=(2 - start.weekday()) % 7)
    create_template(
        session, "每周三干货", sop_kind="periodic", rule=WEDNESDAY_RULE,
        starts_at=first_wednesday.replace(hour=20), title="周三干货分享",
        body="本周干货：三个让群更活跃的小方法，看完记得在群里说说你的想法", owner=WHO,
        community_ids=communities, now=start,
    )  # fmt: skip
    apply_template(session, "每周三干货", weeks=5, now=start)
    for item in session.scalars(
        select(ContentItem)
        .where(ContentItem.sop_template_id.is_not(None), ContentItem.planned_at < now)
        .order_by(ContentItem.planned_at)
    ):
        _sent(session, item, now)


def _single_items(session, rng: random.Random, communities: list[int], start, now) -> None:
    days = PAST_DAYS + AHEAD_DAYS
    past, ahead = [], []
    for index, (kind, title, body) in enumerate(CONTENT):
        day = start.date() + timedelta(days=round(index * days / len(CONTENT)))
        planned = datetime.combine(day, rng.choice(HOURS))
        targets = sorted(rng.sample(communities, min(len(communities), rng.randint(1, 3))))
        item = create_item(
            session, title, planned_at=planned, kind=kind, body=body, community_ids=targets,
            owner=WHO, now=planned - timedelta(days=3),
        )  # fmt: skip
        (past if planned < now else ahead).append(item)
    overdue = set(rng.sample(range(len(past)), min(OVERDUE, len(past))))
    for index, item in enumerate(past):
        schedule(session, item.id, now=item.created_at)
        if index in overdue:
            continue
        _sent(session, item, now, rng)
        if index % 3 == 0:  # results typed in afterwards
            set_results(
                session, item.id, replies=rng.randint(3, 60), joins=rng.randint(0, 8),
                sales_cents=rng.randint(0, 30) * 1000 if item.promotional else None,
                now=item.sent_at + timedelta(days=1),
            )  # fmt: skip
            if index % 2 == 0:
                mark_reviewed(session, item.id, now=item.sent_at + timedelta(days=2))
    for index, item in enumerate(ahead):
        if index == 1:
            continue  # a draft
        if index in (2, 3):
            # Approval on for a moment: one waits for review, one was sent back.
            set_setting(session, APPROVAL_SETTING, True)
            schedule(session, item.id, now=item.created_at)
            set_setting(session, APPROVAL_SETTING, False)
            if index == 3:
                reject(session, item.id, "图片换成本周新品", now=item.created_at)
            continue
        schedule(session, item.id, now=item.created_at)


def _campaign_items(session: Session, now: datetime) -> None:
    campaign = session.scalar(select(Campaign).where(Campaign.name == "夏日送饮品"))
    if campaign is None:  # a small demo has no campaigns
        return
    groups = list(
        session.scalars(
            select(CampaignCommunity.community_id).where(
                CampaignCommunity.campaign_id == campaign.id
            )
        )
    )
    begin = campaign.starts_at.replace(hour=20, minute=0, second=0, microsecond=0)
    ending = campaign.ends_at.replace(hour=12, minute=0, second=0, microsecond=0)
    plan = [
        ("event", "夏日送饮品 开始啦", "邀好友进群，好友 72 小时内打卡即得饮品一杯", begin),
        ("image", "夏日送饮品 进度播报", "已有好友领到饮品啦，还没邀请的抓紧",
         begin + timedelta(days=3)),
        ("event", "夏日送饮品 最后一天", "活动今晚结束，还差一位好友的抓紧邀请", ending),
    ]  # fmt: skip
    for n, (kind, title, body, planned) in enumerate(plan):
        item = create_item(
            session, title, planned_at=planned, kind=kind, body=body, community_ids=groups,
            owner=WHO, campaign_id=campaign.id, now=campaign.created_at,
        )  # fmt: skip
        schedule(session, item.id, now=campaign.created_at)
        if planned < now:
            _sent(session, item, now)
            if n == 1:
                set_results(session, item.id, replies=42, joins=17, now=now)


def _evergreen(session: Session, communities: list[int], now: datetime) -> None:
    planned = datetime.combine(now.date() - timedelta(days=PAST_DAYS + 9), time(21))
    item = create_item(
        session, "新人必看：群规与福利", planned_at=planned, kind="text",
        body="1. 每周三晚干货分享\n2. 每周六会员日\n3. 有问题 @管理员", community_ids=communities,
        owner=WHO, evergreen=True, now=planned - timedelta(days=1),
    )  # fmt: skip
    schedule(session, item.id, now=item.created_at)
    _sent(session, item, now)


def _sign(session: Session) -> int:
    """Who did it: the demo's name, not this computer's user."""
    session.flush()
    for model, columns in (
        (ContentItem, ("created_by",)),
        (ContentItemHistory, ("who",)),
        (SopException, ("who",)),
    ):
        session.execute(update(model).values({c: WHO for c in columns}))
    session.execute(update(ContentItem).where(ContentItem.sent_at.is_not(None)).values(sent_by=WHO))
    session.execute(
        update(ContentItemCommunity)
        .where(ContentItemCommunity.sent_at.is_not(None))
        .values(sent_by=WHO)
    )
    session.execute(update(SopTemplate).values(owner=WHO))
    # reviewer notes carry "[time who]" of the reject: the demo's name there too
    for item in session.scalars(select(ContentItem).where(ContentItem.reviewer_notes != "")):
        item.reviewer_notes = item.reviewer_notes.replace(f" {_user()}]", f" {WHO}]")
    return len(session.scalars(select(ContentItem.id)).all())


def _user() -> str:
    from core.common.operator import operator_name

    return operator_name()
