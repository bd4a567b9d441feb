"""One rule decides whether a group is on 需要处理; the list reads the same answer, and a group
that is not on it says why.

The demo data made the two disagree: every group past the 200 scan-in cap, none with a QR code,
so the list showed 未添加 and 仅能邀请进群 for each while 需要处理 said all was well.
"""

from __future__ import annotations

from datetime import date, datetime

from core.communities.attention import ARCHIVED, verdict_for
from core.communities.listing import attention_from_rows, attention_list, list_communities
from core.communities.qr import attach_qr
from core.communities.registry import set_archived
from tests.core.communities import qr_images
from tests.core.communities.builders import add_community, fill
from tests.core.communities.test_communities_attention import LIMITS, TODAY, state

JOINED = datetime(2026, 10, 1)


def test_groups_past_the_scan_cap_are_not_listed_and_say_why(database):
    """As the demo's groups once all were: past the 200 scan-in cap, no QR code."""
    with database.session() as session:
        for number in range(1, 4):
            fill(session, add_community(session, f"老群{number}"), 220 + 10 * number, JOINED)
    with database.session() as session:
        rows = list_communities(session, today=TODAY)
        items = attention_list(session, today=TODAY)
    assert len(rows) == 3
    for row in rows:
        # What the list shows for each demo group …
        assert not row.has_qr
        assert [(w.kind, w.cap_reached) for w in row.warnings] == [("scan_cap", True)]
        # … and the one verdict both the list and 需要处理 read.
        assert not row.verdict.listed and not row.verdict.qr_needed
        assert "超过 200 人扫码进群上限" in row.verdict.why_not
        assert f"{row.members} 人" in row.verdict.why_not
    assert items == []


def test_the_panel_is_exactly_the_listed_verdicts_of_the_list(database):
    with database.session() as session:
        expiring = add_community(session, "快过期群")
        attach_qr(session, expiring, qr_images.qr_png(), date(2026, 11, 19), today=TODAY)
        fresh = add_community(session, "新码群")
        attach_qr(session, fresh, qr_images.qr_png(), date(2026, 11, 23), today=TODAY)
        fill(session, add_community(session, "扫码满群"), 230, JOINED)
        fill(session, add_community(session, "快满群"), 485, JOINED)
        add_community(session, "没码群")
        add_community(session, "企微群", platform="wecom")
        set_archived(session, add_community(session, "归档群"), True)
    with database.session() as session:
        rows = {r.name: r for r in list_communities(session, include_archived=True, today=TODAY)}
        items = attention_list(session, today=TODAY)
    on_panel = {item.community_name for item in items}
    assert on_panel == {name for name, row in rows.items() if row.verdict.listed}
    assert on_panel == {"快过期群", "快满群", "没码群"}
    assert attention_from_rows(list(rows.values())) == items
    # Every group off the panel says why, in words that fit its case.
    why = {name: row.verdict.why_not for name, row in rows.items() if not row.verdict.listed}
    assert "还剩 5 天" in why["新码群"]
    assert "扫码进群上限" in why["扫码满群"]
    assert "未添加群二维码" in why["企微群"]
    assert "已归档" in why["归档群"]
    assert all(row.verdict.why_not is None for row in rows.values() if row.verdict.listed)


def test_verdicts_for_single_groups():
    past_cap = verdict_for(state(250, has_qr=False), LIMITS, TODAY)
    assert (past_cap.listed, past_cap.qr_needed) == (False, False)
    assert past_cap.warnings[0].kind == "scan_cap"
    nearly = verdict_for(state(185), LIMITS, TODAY)
    assert nearly.listed and [w.kind for w in nearly.items] == ["scan_cap"]
    forever = verdict_for(state(platform="wecom", generated=date(2025, 1, 1)), LIMITS, TODAY)
    assert not forever.listed and "长期有效" in forever.why_not
    assert not ARCHIVED.listed and ARCHIVED.why_not
