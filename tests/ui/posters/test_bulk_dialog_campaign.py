"""GUI: the bulk dialog's 活动 combo — posters for a campaign carry each member's campaign code
(issued once, the same on the next batch) and its link in the QR; 无 keeps standing codes; the
members tab's 生成海报 reaches the same dialog. Real renders, real zxing-cpp, few members."""

from __future__ import annotations

from datetime import datetime

from PIL import Image
from PySide6.QtCore import QDate
from PySide6.QtWidgets import QCheckBox, QComboBox, QDateEdit, QLabel, QLineEdit, QPushButton
from sqlalchemy import select

from core.campaigns.records import CampaignFields, create_campaign, set_status
from db.referral_models import InviteCode
from tests.core.tiers.helpers import community, member
from tests.ui.conftest import when_shown
from tests.ui.posters import test_bulk_dialog as base
from tests.ui.posters.test_bulk_dialog import (
    LINK,
    choose,
    decoded,
    everything_under,
    fields_of,
    make_dialog,
    run_to_the_end,
    set_output,
    widget,
)

outdir, people = base.outdir, base.people  # the bulk dialog tests' fixtures


def campaigns(database, run_id: int) -> dict[str, int]:
    """A running 海报裂变 ending 30 April, a 邀请码裂变 draft, a running 抽奖 (no codes)."""
    with database.session() as session:
        poster = create_campaign(
            session,
            CampaignFields(
                "春日海报裂变",
                kind="poster",
                ends_at=datetime(2026, 4, 30, 22, 0),
                community_ids=[run_id],
            ),
        )
        set_status(session, str(poster.id), "running")
        draft = create_campaign(session, CampaignFields("邀请码草稿", kind="invite_code"))
        lottery = create_campaign(session, CampaignFields("抽奖", kind="lottery"))
        set_status(session, str(lottery.id), "running")
        session.commit()
        return {"poster": poster.id, "draft": draft.id, "lottery": lottery.id}


def campaign_codes(database, campaign_id: int) -> dict[int, str]:
    with database.session() as session:
        return dict(
            session.execute(
                select(InviteCode.member_id, InviteCode.value).where(
                    InviteCode.campaign_id == campaign_id
                )
            ).all()
        )


def pick(dialog, campaign_id) -> None:
    combo = widget(dialog, QComboBox, "bulkPosterCampaign")
    combo.setCurrentIndex(combo.findData(campaign_id))


def test_the_combo_offers_code_campaigns_and_fills_name_and_deadline(
    app, qtbot, sqlite_database, people
):
    ids = campaigns(sqlite_database, people["晨跑群"][0])
    dialog = make_dialog(qtbot, sqlite_database)
    combo = widget(dialog, QComboBox, "bulkPosterCampaign")
    assert [combo.itemText(i) for i in range(combo.count())] == [
        "无（每人的常驻邀请码）",
        "春日海报裂变（海报裂变 · 进行中）",
        "邀请码草稿（邀请码裂变 · 草稿）",
    ]  # 抽奖 hands out no codes
    assert combo.currentData() is None and dialog.chosen_campaign() is None
    note = widget(dialog, QLabel, "bulkPosterCampaignNote")
    assert not note.isVisible()
    activity = widget(dialog, QLineEdit, "bulkPosterActivity")
    pick(dialog, ids["poster"])
    assert activity.text() == "春日海报裂变" and note.isVisible()
    assert widget(dialog, QCheckBox, "bulkPosterHasDeadline").isChecked()
    assert widget(dialog, QDateEdit, "bulkPosterDeadline").date() == QDate(2026, 4, 30)
    pick(dialog, ids["draft"])
    assert activity.text() == "邀请码草稿"
    pick(dialog, None)
    assert activity.text() == "" and not note.isVisible()
    activity.setText("我自己写的")
    pick(dialog, ids["draft"])
    pick(dialog, None)
    assert activity.text() == ""  # the campaign's name replaced it and goes with it


def test_a_campaign_batch_carries_campaign_codes_reused_on_the_next_batch(
    app, qtbot, sqlite_database, people, outdir
):
    run, runners = people["晨跑群"]
    ids = campaigns(sqlite_database, run)
    standing = {f["昵称"]: f["邀请码"] for f in fields_of(sqlite_database, runners, run)}
    dialog = make_dialog(qtbot, sqlite_database)
    dialog.jobs = 1
    choose(dialog, qtbot, "Community", "晨跑群")
    pick(dialog, ids["poster"])
    set_output(dialog, outdir / "第一批")
    with qtbot.waitSignal(dialog.campaign_codes_issued, timeout=60_000):
        widget(dialog, QPushButton, "bulkPosterStart").click()
    qtbot.waitUntil(lambda: not dialog.running(), timeout=60_000)
    codes = campaign_codes(sqlite_database, ids["poster"])
    assert sorted(codes) == sorted(runners)
    assert not set(codes.values()) & set(standing.values())
    names = sorted(p.name for p in (outdir / "第一批").iterdir())
    assert len(names) == 3 and dialog.result.failed == []
    for name in names:
        code = name.removesuffix(".png").rsplit("_", 1)[1]
        assert code in codes.values()
        with Image.open(outdir / "第一批" / name) as image:
            assert decoded(image) == [LINK.replace("{邀请码}", code)]
    # 活动名 and 截止日期 came from the campaign: no poster misses a field.
    assert not any("缺少字段" in w for f in dialog.result.written for w in f.warnings)

    set_output(dialog, outdir / "第二批")
    run_to_the_end(dialog, qtbot)
    assert sorted(p.name for p in (outdir / "第二批").iterdir()) == names
    assert campaign_codes(sqlite_database, ids["poster"]) == codes


def test_without_a_campaign_the_posters_keep_standing_codes(
    app, qtbot, sqlite_database, people, outdir
):
    run, runners = people["晨跑群"]
    campaigns(sqlite_database, run)
    dialog = make_dialog(qtbot, sqlite_database)
    dialog.jobs = 1
    choose(dialog, qtbot, "Community", "晨跑群")
    set_output(dialog, outdir / "常驻")
    run_to_the_end(dialog, qtbot)
    expected = fields_of(sqlite_database, runners, run)
    assert sorted(p.name for p in (outdir / "常驻").iterdir()) == sorted(
        f"{f['昵称']}_{f['邀请码']}.png" for f in expected
    )
    with sqlite_database.session() as session:
        assert session.scalars(select(InviteCode.campaign_id).distinct()).all() == [None]


def test_a_campaign_ended_since_the_dialog_opened_is_refused_and_nothing_made(
    app, qtbot, sqlite_database, people, outdir
):
    ids = campaigns(sqlite_database, people["晨跑群"][0])
    dialog = make_dialog(qtbot, sqlite_database)
    choose(dialog, qtbot, "Community", "晨跑群")
    pick(dialog, ids["poster"])
    with sqlite_database.session() as session:
        set_status(session, str(ids["poster"]), "ended")
        session.commit()
    set_output(dialog, outdir / "海报")
    shown = []
    when_shown("user_error_dialog", lambda box: (shown.append(box.text()), box.accept()))
    widget(dialog, QPushButton, "bulkPosterStart").click()
    qtbot.waitUntil(lambda: bool(shown) and not dialog.running(), timeout=60_000)
    assert "只能为草稿或进行中的活动生成海报" in shown[0]
    assert everything_under(outdir) == []
    assert campaign_codes(sqlite_database, ids["poster"]) == {}


def test_the_members_tab_reaches_the_campaign_combo(make_window, sqlite_database, qtbot, outdir):
    from ui.posters.designer import PosterDesigner

    with sqlite_database.session() as session:
        cid = community(session, "晨跑群")
        picked = member(session, cid, "阿强")
        member(session, cid, "小美")
        session.commit()
    ids = campaigns(sqlite_database, cid)
    window = make_window(sqlite_database)
    window.tabs.setCurrentWidget(window.members_tab)
    tab = window.members_tab
    qtbot.waitUntil(lambda: tab.model.rowCount() == 2, timeout=60_000)
    tab.select_member(picked)
    tab.findChild(QPushButton, "members_bulk_posters").click()
    dialog = window.findChild(QLabel, "bulkPosterCount").window()
    qtbot.waitUntil(lambda: not dialog.counting(), timeout=60_000)
    dialog.jobs = 1
    pick(dialog, ids["poster"])
    set_output(dialog, outdir / "选中")
    designer = window.findChild(PosterDesigner, "posterDesigner")
    with qtbot.waitSignal(designer.data_changed, timeout=60_000) as told:
        widget(dialog, QPushButton, "bulkPosterStart").click()
    qtbot.waitUntil(lambda: not dialog.running(), timeout=60_000)
    assert [str(topic) for topic in told.args[0]] == ["campaigns"]
    (code,) = campaign_codes(sqlite_database, ids["poster"]).values()
    assert [p.name for p in (outdir / "选中").iterdir()] == [f"阿强_{code}.png"]
    dialog.close()
