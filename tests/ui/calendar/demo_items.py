"""A month of content items for looking at the calendar (screenshots) until the demo data has
its own (another module adds it to core/demo). Through core.calendar only:

    SHEQUN_DATA_DIR=/tmp/x .venv/bin/python tests/ui/calendar/demo_items.py [--db URL]

Planned around today: sent items in the past (one overdue, still 已排期), drafts and scheduled
items ahead, one pending review, a busy day that overflows its cell, a campaign's items.
"""

from __future__ import annotations

import argparse
import random
import sys
from datetime import date, datetime, time, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))

TITLES = (
    ("text", "早安问候", time(8, 0)),
    ("image", "今日好物推荐", time(12, 0)),
    ("qa", "周三答疑时间", time(20, 0)),
    ("video", "新品开箱视频", time(19, 30)),
    ("live", "周五直播预告", time(18, 0)),
    ("poll", "下周活动投票", time(21, 0)),
    ("checkin", "21 天打卡第 {n} 天", time(7, 30)),
    ("chain", "周末团购接龙", time(10, 0)),
    ("lottery", "会员日抽奖", time(20, 30)),
    ("event", "满 99 减 20 限时优惠", time(15, 0)),
)


def add_items(session, today: date | None = None, seed: int = 8) -> int:
    from sqlalchemy import select

    from core.calendar.items import create_item
    from core.calendar.status import schedule
    from core.calendar.today import mark_sent
    from core.campaigns.records import list_campaigns
    from db.models import Community

    rng = random.Random(seed)
    today = today or date.today()
    communities = list(
        session.scalars(select(Community.id).where(Community.deleted_at.is_(None)).limit(12))
    )
    campaigns = [row.id for row in list_campaigns(session)]
    now = datetime.combine(today, time(11, 0))
    count = 0
    first = today.replace(day=1) - timedelta(days=7)
    for offset in range(45):
        day = first + timedelta(days=offset)
        per_day = 7 if day == today + timedelta(days=2) else rng.choice((0, 1, 2, 2, 3))
        for n in range(per_day):
            kind, title, at = TITLES[(offset + n * 3) % len(TITLES)]
            targets = rng.sample(communities, k=min(len(communities), rng.choice((1, 1, 2))))
            item = create_item(
                session,
                title.format(n=offset + 1),
                planned_at=datetime.combine(day, at),
                kind=kind,
                body=f"{title.format(n=offset + 1)}：今天给大家准备了……",
                community_ids=targets,
                campaign_id=campaigns[0] if campaigns and kind == "event" else None,
            )
            count += 1
            when = datetime.combine(day, at)
            if rng.random() < 0.15 and when > now:
                continue  # a draft
            schedule(session, item.id, now=now)
            if when < now and not (day == today - timedelta(days=1) and n == 0):
                mark_sent(session, item.id, now=when + timedelta(minutes=5))
    session.flush()
    return count


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db")
    args = parser.parse_args()
    from core.common.database import open_database

    database = open_database(args.db, daily_backup=False)
    with database.session(write=True) as session:
        print(f"{add_items(session)} items")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
