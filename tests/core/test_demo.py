"""Demo data: realistic, repeatable, all-or-nothing, only into an empty database."""

from __future__ import annotations

import itertools
import re
from datetime import date, datetime, time, timedelta

import pytest
from sqlalchemy import func, select

from core.common.errors import UserError
from core.common.progress import Cancelled
from core.demo.generate import generate_demo
from core.reports.build import build_report
from core.reports.period import Period
from db.models import ActivityEvent, Community, LevelChange, Member, Membership

TODAY = date(2026, 11, 23)


def counts(database) -> tuple[int, int, int, int]:
    with database.session() as session:
        return tuple(
            session.scalar(select(func.count()).select_from(model))
            for model in (Community, Member, Membership, ActivityEvent)
        )


def test_demo_fills_an_empty_database_with_a_year_of_activity(database):
    reports = []
    with database.engine.begin() as connection:
        summary = generate_demo(
            connection, 600, today=TODAY, progress=lambda done, total: reports.append((done, total))
        )
    assert counts(database) == (summary.communities, 600, summary.memberships, summary.events)
    assert 3 <= summary.communities <= 6  # about one group per 200 members, at least three
    assert summary.memberships > 600  # some members are in several groups
    assert 10 * 600 < summary.events < 40 * 600
    assert reports[-1][0] == reports[-1][1]
    assert all(a[0] <= b[0] for a, b in itertools.pairwise(reports))

    with database.session() as session:
        first, last = session.execute(
            select(func.min(ActivityEvent.occurred_at), func.max(ActivityEvent.occurred_at))
        ).one()
        assert (TODAY - first.date()).days > 300 and last.date() <= TODAY
        members = session.scalars(select(Member).order_by(Member.id)).all()
        assert sum(m.is_team for m in members) == 5
        hanzi = [m for m in members if re.search(r"[\u4e00-\u9fff]", m.nickname)]
        assert len(hanzi) > 0.8 * len(members)
        for member in members:
            assert member.search_initials, member.nickname
            if member.phone:
                assert re.fullmatch(r"1\d{10}", member.phone)
                assert member.phone_tail == member.phone[-4:]
        purchases = session.scalars(
            select(ActivityEvent.amount_cents).where(ActivityEvent.kind == "purchase")
        ).all()
        assert purchases and min(purchases) > 0


def test_same_seed_gives_the_same_data(sqlite_url, tmp_path):
    from core.common.database import open_database

    nicknames = []
    for name in ("a", "b"):
        database = open_database(f"sqlite:///{tmp_path / name}.db", daily_backup=False)
        with database.engine.begin() as connection:
            generate_demo(connection, 50, seed=7, today=TODAY)
        with database.session() as session:
            nicknames.append(session.scalars(select(Member.nickname).order_by(Member.id)).all())
        database.close()
    assert nicknames[0] == nicknames[1]


def test_demo_refuses_a_database_with_members(database):
    with database.engine.begin() as connection:
        generate_demo(connection, 20, today=TODAY)
    before = counts(database)
    with pytest.raises(UserError, match="已有成员"), database.engine.begin() as connection:
        generate_demo(connection, 20, today=TODAY)
    assert counts(database) == before


def test_cancelled_demo_leaves_the_database_empty(database):
    calls = []

    def cancel_after_a_while() -> bool:
        calls.append(1)
        return len(calls) > 3

    with pytest.raises(Cancelled), database.engine.begin() as connection:
        generate_demo(connection, 3000, today=TODAY, cancelled=cancel_after_a_while)
    assert counts(database) == (0, 0, 0, 0)


@pytest.mark.parametrize("members", [0, -5, 1_000_001])
def test_demo_size_is_checked(sqlite_database, members):
    with pytest.raises(UserError, match="1 到 1000000"), sqlite_database.engine.begin() as c:
        generate_demo(c, members)


def test_demo_groups_show_the_trades_mix_of_sizes_and_codes(sqlite_database):
    """Groups filling up, near the 200 scan-in cap, past it and near 500; codes fresh, expiring,
    expired or never attached: the 需要处理 list has something to show."""
    from core.communities.listing import attention_list, list_communities
    from core.communities.qr import decode_qr

    with sqlite_database.engine.begin() as connection:
        generate_demo(connection, 10_000, today=TODAY)
    with sqlite_database.session() as session:
        groups = list_communities(session, today=TODAY)
        attention = attention_list(session, today=TODAY)
        codes = session.execute(select(Community.qr_image, Community.qr_content)).all()
    sizes = sorted(group.members for group in groups)
    assert sizes[0] < 150 and sizes[-1] < 500
    assert any(180 <= n < 200 for n in sizes) and any(200 <= n < 450 for n in sizes)
    assert any(n >= 480 for n in sizes)
    kinds = {item.kind for item in attention}
    assert {"scan_cap", "member_cap"} <= kinds and kinds & {"qr_expired", "qr_expiring"}
    attached = [(image, content) for image, content in codes if image is not None]
    assert 0 < len(attached) < len(codes)
    image, content = attached[0]
    assert decode_qr(image) == content  # a real code, as the QR panel checks an attachment


def _calendar(database) -> list[tuple]:
    from db.calendar_models import ContentItem

    with database.session() as session:
        return session.execute(
            select(
                ContentItem.title, ContentItem.kind, ContentItem.planned_at, ContentItem.status,
                ContentItem.sent_at, ContentItem.sent_by, ContentItem.created_by,
                ContentItem.campaign_id, ContentItem.replies,
            ).order_by(ContentItem.id)
        ).all()  # fmt: skip


def test_demo_has_a_month_of_planned_and_sent_content(sqlite_url, tmp_path):
    from core.calendar.items import list_items
    from core.common.database import open_database
    from db.calendar_models import ContentItem, SopTemplate
    from db.referral_models import Campaign

    rows = []
    for name in ("a", "b"):
        database = open_database(f"sqlite:///{tmp_path / name}.db", daily_backup=False)
        with database.engine.begin() as connection:
            generate_demo(connection, 1200, seed=7, today=TODAY)
        rows.append(_calendar(database))
        if name == "a":
            first = database
        else:
            database.close()
    assert rows[0] == rows[1]  # the same seed, the same content, whoever runs it
    now = datetime.combine(TODAY, time(20))
    with first.session() as session:
        items = list_items(session, now=now)
        statuses = {i.status for i in items}
        assert statuses == {"draft", "pending_review", "scheduled", "sent", "reviewed"}
        assert len({i.kind for i in items}) >= 8
        assert min(i.planned_at for i in items) < now - timedelta(days=20)
        assert max(i.planned_at for i in items) > now + timedelta(days=7)
        assert 2 <= sum(i.overdue for i in items) <= 4
        assert {i.sent_by for i in items if i.sent_by} == {"演示数据"}
        template = session.scalar(select(SopTemplate).where(SopTemplate.name == "每周三干货"))
        generated = [i for i in items if i.sop_template_id == template.id]
        assert len(generated) >= 4 and {i.status for i in generated} == {"sent", "scheduled"}
        running = session.scalar(select(Campaign).where(Campaign.name == "夏日送饮品"))
        owned = [i for i in items if i.campaign_id == running.id]
        assert len(owned) == 3 and {i.status for i in owned} >= {"sent", "scheduled"}
        with_results = session.scalar(
            select(func.count()).select_from(ContentItem).where(ContentItem.replies.is_not(None))
        )
        assert with_results >= 3
        assert any(i.evergreen and i.status == "sent" for i in items)
    first.close()


def test_demo_groups_have_a_usual_koc_share_but_one(sqlite_database):
    """KOCs are named by hand through the tier rules (a manual, locked level with its history),
    the most active members first: 8–12% in every group but one, which shows the warning."""
    with sqlite_database.engine.begin() as connection:
        generate_demo(connection, 2000, today=TODAY)
    period = Period(TODAY - timedelta(days=6), TODAY)
    with sqlite_database.session() as session:
        report = build_report(session, period, sheets=("社群健康",), now=datetime.combine(
            TODAY, time(21)))  # fmt: skip
        manual = session.execute(
            select(Membership.level_locked, LevelChange.cause, LevelChange.operator)
            .join(
                LevelChange,
                (LevelChange.member_id == Membership.member_id)
                & (LevelChange.community_id == Membership.community_id)
                & (LevelChange.to_level == "kol"),
            )
            .where(Membership.level == "kol")
        ).all()
    shares = {health.name: health.koc.share for health in report.communities}
    usual = [name for name, share in shares.items() if 0.08 <= share <= 0.12]
    assert len(usual) == len(shares) - 1, shares
    [odd] = [health for health in report.communities if health.name not in usual]
    assert any("KOC" in warning for warning in odd.warnings)
    assert not any(
        "KOC" in warning for health in report.communities if health.name in usual
        for warning in health.warnings
    )  # fmt: skip
    assert manual and all(row == (True, "manual", "演示数据") for row in manual)
