"""GUI: 批量生成海报 — who, shared fields, folder or zip, progress, cancel, close, refusals.

Real renders (Pillow), real QR decoding (zxing-cpp), real files in tmp_path; few members.
"""

from __future__ import annotations

import os
import sys
import threading
import zipfile
from datetime import datetime, timedelta
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QRadioButton,
)

from core.common.settings_store import set_setting
from core.posters.builtin import load_builtin
from core.posters.members import poster_members
from core.referrals.invite_codes import saved_link_template
from db.models import ActivityEvent
from tests.core.posters.poster_helpers import template
from tests.core.tiers.helpers import community, member
from tests.ui.conftest import when_shown
from ui.posters.bulk_dialog import BulkPosterDialog, open_bulk_dialog

LINK = "https://example.com/i/{邀请码}"


@pytest.fixture
def outdir(tmp_path) -> Path:
    """Where the tests write posters: tmp_path itself holds the database."""
    folder = tmp_path / "out"
    folder.mkdir()
    return folder


@pytest.fixture
def people(sqlite_database):
    """晨跑群: 3 members (2 checked in an hour ago) and its owner (team); 读书会: 6 members."""
    with sqlite_database.session() as session:
        run = community(session, "晨跑群")
        runners = [member(session, run, name) for name in ("张小凡", "Lily", "王五")]
        owner = member(session, run, "群主", is_team=True)
        club = community(session, "读书会")
        readers = [member(session, club, f"读者{i}") for i in range(1, 7)]
        now = datetime.now()
        for member_id in runners[:2]:
            session.add(
                ActivityEvent(
                    member_id=member_id,
                    community_id=run,
                    kind="checkin",
                    occurred_at=now - timedelta(hours=1),
                )
            )
        set_setting(session, "posters.invite_link", LINK)
        session.commit()
    return {"晨跑群": (run, runners), "读书会": (club, readers), "群主": owner}


def fields_of(database, ids, community_id):
    """What each member's poster holds, as the core computes it (nickname, code, link)."""
    with database.session() as session:
        return [m.fields for m in poster_members(session, ids, community_id=community_id)]


def make_dialog(qtbot, database, tmpl=None, assets=None, **options) -> BulkPosterDialog:
    if tmpl is None:
        tmpl, assets = load_builtin("invite")
    dialog = BulkPosterDialog(database, tmpl, assets or {}, tmpl.name, **options)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: not dialog.counting(), timeout=60_000)
    return dialog


def widget(dialog, kind, name):
    found = dialog.findChild(kind, name)
    assert found is not None, name
    return found


def choose(dialog, qtbot, kind: str, text: str) -> None:
    combo = widget(dialog, QComboBox, f"bulkPoster{kind}")
    combo.setCurrentIndex(combo.findText(text))
    widget(dialog, QRadioButton, f"bulkPosterBy{kind}").setChecked(True)
    qtbot.waitUntil(lambda: not dialog.counting(), timeout=60_000)


def set_output(dialog, path: Path | str, *, as_zip=False, fmt="png") -> None:
    widget(dialog, QRadioButton, "bulkPosterToZip" if as_zip else "bulkPosterToFolder").setChecked(
        True
    )
    widget(dialog, QLineEdit, "bulkPosterOut").setText(str(path))
    fmt_box = widget(dialog, QComboBox, "bulkPosterFormat")
    fmt_box.setCurrentIndex(fmt_box.findData(fmt))


def run_to_the_end(dialog, qtbot) -> None:
    widget(dialog, QPushButton, "bulkPosterStart").click()
    qtbot.waitUntil(lambda: not dialog.running(), timeout=60_000)


def decoded(image: Image.Image) -> list[str]:
    return [r.text for r in zxingcpp.read_barcodes(image.convert("L")) if r.valid]


def summary(dialog) -> str:
    return widget(dialog, QLabel, "bulkPosterSummary").text()


def everything_under(path: Path) -> list[str]:
    return sorted(str(p.relative_to(path)) for p in path.rglob("*"))


# ---------------------------------------------------------------------- who


def test_the_member_count_follows_the_choice(app, qtbot, sqlite_database, people):
    _, readers = people["读书会"]
    runner = people["晨跑群"][1][0]
    dialog = make_dialog(qtbot, sqlite_database, selected_member_ids=[runner, readers[0], 9999])
    count = widget(dialog, QLabel, "bulkPosterCount")
    start = widget(dialog, QPushButton, "bulkPosterStart")
    # Chosen in the 成员 tab: the unknown id is left out.
    assert widget(dialog, QRadioButton, "bulkPosterBySelection").isChecked()
    assert count.text() == "将为 2 位成员各生成一张海报"
    choose(dialog, qtbot, "Community", "晨跑群")
    assert count.text() == "将为 3 位成员各生成一张海报"  # the owner (team) gets none
    choose(dialog, qtbot, "Community", "读书会")
    assert count.text() == "将为 6 位成员各生成一张海报"
    assert start.isEnabled()
    choose(dialog, qtbot, "Segment", "本周最投入")
    assert count.text() == "将为 2 位成员各生成一张海报"
    assert not widget(dialog, QComboBox, "bulkPosterCommunity").isEnabled()
    choose(dialog, qtbot, "Segment", "流失预警")
    assert count.text() == "分群「流失预警」里没有可生成海报的成员"
    assert not start.isEnabled()
    widget(dialog, QRadioButton, "bulkPosterBySelection").setChecked(True)
    qtbot.waitUntil(lambda: count.text() == "将为 2 位成员各生成一张海报", timeout=60_000)
    assert start.isEnabled()


def test_without_a_selection_there_is_no_selection_choice(app, qtbot, sqlite_database, people):
    dialog = make_dialog(qtbot, sqlite_database)
    assert dialog.findChild(QRadioButton, "bulkPosterBySelection") is None
    assert widget(dialog, QRadioButton, "bulkPosterByCommunity").isChecked()
    assert dialog.minimumWidth() >= 520
    assert dialog.windowTitle() == "批量生成海报 · 邀请好友裂变"


# ---------------------------------------------------------------------- rendering


def test_a_folder_of_png_posters_whose_qr_is_each_members_link(
    app, qtbot, sqlite_database, people, outdir
):
    run, runners = people["晨跑群"]
    dialog = make_dialog(qtbot, sqlite_database)
    choose(dialog, qtbot, "Community", "晨跑群")
    widget(dialog, QLineEdit, "bulkPosterActivity").setText("春日跑")
    widget(dialog, QCheckBox, "bulkPosterHasDeadline").setChecked(True)
    widget(dialog, QDateEdit, "bulkPosterDeadline").setDate(QDate(2026, 4, 30))
    out = outdir / "海报"
    set_output(dialog, out)
    run_to_the_end(dialog, qtbot)

    expected = fields_of(sqlite_database, runners, run)
    names = [f"{f['昵称']}_{f['邀请码']}.png" for f in expected]
    assert sorted(p.name for p in out.iterdir()) == sorted(names)  # nothing else, no staging
    assert [f.name for f in dialog.result.written] == names and dialog.result.failed == []
    # 活动名, 截止日期 and 社群名 were all filled: no poster says a field is missing.
    assert not any("缺少字段" in w for f in dialog.result.written for w in f.warnings)
    with Image.open(out / names[1]) as image:
        assert image.size == (1080, 1920)
        assert decoded(image) == [f"https://example.com/i/{expected[1]['邀请码']}"]
    progress = widget(dialog, QProgressBar, "bulkPosterProgress")
    assert progress.isVisible() and progress.text() == "已生成 3 / 3"
    assert summary(dialog).startswith(f"已生成 3 张海报，保存在 {out}")
    assert widget(dialog, QPushButton, "bulkPosterOpenFolder").isVisible()
    assert widget(dialog, QPushButton, "bulkPosterStart").isVisible()
    assert not widget(dialog, QPushButton, "bulkPosterCancel").isVisible()


def test_a_zip_of_jpegs_rendered_by_two_processes(app, qtbot, sqlite_database, people, outdir):
    club, readers = people["读书会"]
    dialog = make_dialog(qtbot, sqlite_database)
    dialog.jobs = 2  # six posters: more than one chunk, so the process pool runs
    choose(dialog, qtbot, "Community", "读书会")
    set_output(dialog, outdir / "读书会海报", as_zip=True, fmt="jpeg")
    assert widget(dialog, QLineEdit, "bulkPosterOut").text() == str(outdir / "读书会海报")
    run_to_the_end(dialog, qtbot)

    expected = fields_of(sqlite_database, readers, club)
    target = outdir / "读书会海报.zip"
    assert dialog.result.output == str(target)
    assert everything_under(outdir) == ["读书会海报.zip"]
    with zipfile.ZipFile(target) as archive:
        names = archive.namelist()
        assert sorted(names) == sorted(f"{f['昵称']}_{f['邀请码']}.jpg" for f in expected)
        fifth = f"{expected[4]['昵称']}_{expected[4]['邀请码']}.jpg"
        with archive.open(fifth) as handle, Image.open(handle) as image:
            assert image.format == "JPEG"
            assert decoded(image) == [f"https://example.com/i/{expected[4]['邀请码']}"]
    assert summary(dialog).startswith(f"已生成 6 张海报，保存在 {target}")


def test_the_members_selected_in_the_members_tab(app, qtbot, sqlite_database, people, outdir):
    _, readers = people["读书会"]
    picked = [readers[3], readers[0]]
    dialog = make_dialog(qtbot, sqlite_database, selected_member_ids=picked)
    set_output(dialog, outdir / "选中")
    run_to_the_end(dialog, qtbot)
    expected = fields_of(sqlite_database, picked, None)
    assert [f.name for f in dialog.result.written] == [
        f"{f['昵称']}_{f['邀请码']}.png" for f in expected
    ]
    assert expected[0]["昵称"] == "读者4"
    assert len(list((outdir / "选中").iterdir())) == 2


def small_template(**qr):
    return template(
        {"type": "text", "x": 20, "y": 20, "width": 360, "height": 60, "text": "{昵称}"},
        {
            "type": "qr",
            "name": "邀请码",
            "x": 80,
            "y": 200,
            "width": 240,
            "height": 240,
            "content": "{邀请链接}",
            **qr,
        },
        width=400,
        height=600,
    )


def test_posters_whose_code_does_not_scan_are_listed_with_the_reason(
    app, qtbot, sqlite_database, people, outdir
):
    dialog = make_dialog(qtbot, sqlite_database, small_template(dark="#f4f4f4"), {})
    choose(dialog, qtbot, "Community", "晨跑群")
    out = outdir / "看不清"
    set_output(dialog, out)
    run_to_the_end(dialog, qtbot)
    assert len(dialog.result.failed) == 3 and dialog.result.written == []
    assert list(out.iterdir()) == []  # nothing unverified was written
    assert "3 张未通过扫码校验或无法写入，没有保存" in summary(dialog)
    details = widget(dialog, QPlainTextEdit, "bulkPosterDetails")
    assert details.isVisible()
    lines = details.toPlainText().splitlines()
    assert lines[0] == "未保存的海报："
    assert len(lines) == 4 and all("无法识别" in line for line in lines[1:])
    assert not widget(dialog, QPushButton, "bulkPosterOpenFolder").isVisible()


def test_warnings_are_counted(app, qtbot, sqlite_database, people, outdir):
    dialog = make_dialog(qtbot, sqlite_database, small_template(dark="#8a8a8a"), {})
    choose(dialog, qtbot, "Community", "晨跑群")
    set_output(dialog, outdir / "浅色码")
    run_to_the_end(dialog, qtbot)
    assert len(dialog.result.written) == 3  # it scans, so it is written …
    assert "3 张有提醒" in summary(dialog)  # … with a warning about its contrast
    details = widget(dialog, QPlainTextEdit, "bulkPosterDetails").toPlainText().splitlines()
    assert details[0] == "提醒："
    assert details[1].startswith("  3 张：二维码「邀请码」与背景的对比度只有")


# ---------------------------------------------------------------------- cancel and close


def hold_after_first_poster(dialog):
    """Stop the worker right after it wrote its first poster, until the returned event is set:
    the test then sees the batch half done, cancels, and lets it go on."""
    go_on = threading.Event()

    def hold(done: int, _total: int) -> None:
        if done == 1:
            go_on.wait(30)

    # Direct: runs in the worker thread, inside render_batch's progress call.
    dialog.task.progressed.connect(hold, Qt.ConnectionType.DirectConnection)
    return go_on


@pytest.mark.parametrize("as_zip", [False, True], ids=["folder", "zip"])
def test_cancel_leaves_nothing_behind(app, qtbot, sqlite_database, people, outdir, as_zip):
    dialog = make_dialog(qtbot, sqlite_database)
    dialog.jobs = 1
    choose(dialog, qtbot, "Community", "读书会")
    out = outdir / "新建" / "海报"
    set_output(dialog, out, as_zip=as_zip)
    widget(dialog, QPushButton, "bulkPosterStart").click()
    go_on = hold_after_first_poster(dialog)
    progress = widget(dialog, QProgressBar, "bulkPosterProgress")
    qtbot.waitUntil(lambda: progress.text() == "已生成 1 / 6", timeout=60_000)
    made = everything_under(outdir)  # the first poster is there, out of sight
    if as_zip:  # the zip is written in a staging folder, beside where it belongs
        assert made[0] == "新建" and all("新建/.海报生成中-" in name for name in made[1:])
        assert any(name.endswith("/海报.zip") for name in made)
    else:
        assert len([name for name in made if name.endswith(".png")]) == 1
        assert all("/.海报生成中-" in name for name in made[2:])
    cancel = widget(dialog, QPushButton, "bulkPosterCancel")
    assert cancel.isVisible() and not widget(dialog, QPushButton, "bulkPosterStart").isVisible()
    cancel.click()
    assert progress.text() == "正在取消…"
    go_on.set()
    qtbot.waitUntil(lambda: not dialog.running(), timeout=60_000)
    assert everything_under(outdir) == []  # not even the folders it made
    assert summary(dialog) == "已取消：这一批海报一张也没有保存。"
    assert dialog.result is None
    assert widget(dialog, QPushButton, "bulkPosterStart").isVisible()


def test_closing_while_running_asks_and_stops_the_batch_first(
    app, qtbot, sqlite_database, people, outdir
):
    dialog = make_dialog(qtbot, sqlite_database)
    dialog.jobs = 1
    choose(dialog, qtbot, "Community", "读书会")
    set_output(dialog, outdir / "海报")
    widget(dialog, QPushButton, "bulkPosterStart").click()
    go_on = hold_after_first_poster(dialog)
    progress = widget(dialog, QProgressBar, "bulkPosterProgress")
    qtbot.waitUntil(lambda: progress.text() == "已生成 1 / 6", timeout=60_000)

    asked = []

    def answer(button: str):
        def click(box: QMessageBox) -> None:
            asked.append(box.text())
            box.findChild(QPushButton, button).click()

        return click

    when_shown("bulkPosterConfirmClose", answer("bulkPosterKeepGoing"))
    dialog.close()
    assert asked and "停止并关闭吗" in asked[0]
    assert dialog.isVisible() and dialog.running()  # 继续生成: nothing changed

    when_shown("bulkPosterConfirmClose", answer("bulkPosterStopAndClose"))
    dialog.close()
    assert len(asked) == 2
    assert dialog.isVisible()  # it waits for the batch to stop and clean up …
    go_on.set()
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=60_000)  # … then closes
    assert not dialog.running()
    assert everything_under(outdir) == []  # nothing left, not even the folder it made


def test_a_dialog_deleted_while_running_stops_its_batch(
    app, qtbot, sqlite_database, people, outdir
):
    """Its parent window went away: the worker must neither signal a deleted dialog nor go on
    writing posters nobody will see."""
    tmpl, assets = load_builtin("invite")
    dialog = BulkPosterDialog(sqlite_database, tmpl, assets, tmpl.name)  # not qtbot's to close
    dialog.show()
    qtbot.waitUntil(lambda: not dialog.counting(), timeout=60_000)
    dialog.jobs = 1
    choose(dialog, qtbot, "Community", "读书会")
    set_output(dialog, outdir / "海报")
    widget(dialog, QPushButton, "bulkPosterStart").click()
    go_on = hold_after_first_poster(dialog)
    task = dialog.task
    qtbot.waitUntil(lambda: dialog.progress.text() == "已生成 1 / 6", timeout=60_000)
    with qtbot.waitSignal(dialog.destroyed, timeout=60_000):
        dialog.deleteLater()
    assert task.is_cancelled()
    with qtbot.waitSignal(task.finished, timeout=60_000):
        go_on.set()
    assert everything_under(outdir) == []


def test_open_bulk_dialog_shows_a_dialog_deleted_on_close(app, qtbot, sqlite_database, people):
    tmpl, assets = load_builtin("welcome")
    dialog = open_bulk_dialog(None, sqlite_database, tmpl, assets, "欢迎新人")
    qtbot.waitUntil(lambda: not dialog.counting(), timeout=60_000)
    assert dialog.isVisible() and dialog.objectName() == "bulkPosterDialog"
    assert dialog.testAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    with qtbot.waitSignal(dialog.destroyed, timeout=60_000):
        dialog.close()


# ---------------------------------------------------------------------- refusals


def unwritable_folder(parent: Path) -> Path:
    """A folder nothing can be made in: read-only for a normal user; root writes anywhere
    except /proc."""
    if sys.platform.startswith("linux") and os.geteuid() == 0:
        return Path("/proc")
    locked = parent / "只读"
    locked.mkdir()
    locked.chmod(0o500)
    return locked


@pytest.mark.parametrize(
    ("where", "as_zip", "message"),
    [
        ("{file}", False, "已存在且不是文件夹"),
        ("{file}/海报", False, "不是文件夹"),
        ("{folder}", True, "是一个文件夹"),
        ("海报", False, "不是完整的路径"),
        ("", False, "请选择保存海报的位置"),
        ("{locked}/海报", False, "海报"),
    ],
    ids=["file", "under-a-file", "zip-onto-folder", "relative", "empty", "unwritable"],
)
def test_an_output_that_cannot_be_used_is_refused_and_nothing_is_written(
    app, qtbot, sqlite_database, people, outdir, where, as_zip, message
):
    work = outdir / "work"
    work.mkdir()
    (work / "占位.txt").write_text("x")
    (work / "已有.zip").mkdir()
    locked = unwritable_folder(outdir) if "{locked}" in where else None
    path = (
        where.replace("{file}", str(work / "占位.txt"))
        .replace("{folder}", str(work / "已有.zip"))
        .replace("{locked}", str(locked))
    )
    dialog = make_dialog(qtbot, sqlite_database)
    dialog.jobs = 1
    set_output(dialog, path, as_zip=as_zip)
    shown = []
    when_shown("user_error_dialog", lambda box: (shown.append(box.text()), box.accept()))
    widget(dialog, QPushButton, "bulkPosterStart").click()
    qtbot.waitUntil(lambda: bool(shown) and not dialog.running(), timeout=60_000)
    assert message in shown[0]
    if where.startswith("{locked}"):
        assert "无法创建文件夹" in shown[0] or "没有权限写入" in shown[0]
    assert everything_under(work) == ["占位.txt", "已有.zip"]
    assert (work / "占位.txt").read_text() == "x"
    if locked is not None and locked.is_relative_to(outdir):
        assert list(locked.iterdir()) == []
    assert dialog.result is None


def test_team_members_picked_by_hand_keep_their_poster(app, qtbot, sqlite_database, people):
    dialog = make_dialog(qtbot, sqlite_database, selected_member_ids=[people["群主"]])
    assert widget(dialog, QLabel, "bulkPosterCount").text() == "将为 1 位成员各生成一张海报"


def test_the_invite_link_format_is_shown_used_and_remembered(
    app, qtbot, sqlite_database, people, outdir
):
    run, runners = people["晨跑群"]
    dialog = make_dialog(qtbot, sqlite_database)
    link = widget(dialog, QLineEdit, "bulkPosterInviteLink")
    assert link.text() == LINK  # the saved format
    link.setText("https://shop.example.cn/join?code={邀请码}")
    choose(dialog, qtbot, "Community", "晨跑群")
    out = outdir / "海报"
    set_output(dialog, out)
    run_to_the_end(dialog, qtbot)
    expected = fields_of(sqlite_database, runners, run)
    with Image.open(out / f"{expected[0]['昵称']}_{expected[0]['邀请码']}.png") as image:
        assert decoded(image) == [f"https://shop.example.cn/join?code={expected[0]['邀请码']}"]
    with sqlite_database.session() as session:
        assert saved_link_template(session) == "https://shop.example.cn/join?code={邀请码}"


def test_a_link_format_without_the_code_is_refused_before_anything_is_made(
    app, qtbot, sqlite_database, people, outdir, monkeypatch
):
    messages = []
    monkeypatch.setattr(
        "ui.posters.bulk_dialog.show_error", lambda _parent, error: messages.append(str(error))
    )
    dialog = make_dialog(qtbot, sqlite_database)
    widget(dialog, QLineEdit, "bulkPosterInviteLink").setText("https://example.com/join")
    choose(dialog, qtbot, "Community", "晨跑群")
    out = outdir / "海报"
    set_output(dialog, out)
    widget(dialog, QPushButton, "bulkPosterStart").click()
    assert messages and "{邀请码}" in messages[0]
    assert not dialog.running() and not out.exists()
    with sqlite_database.session() as session:
        assert saved_link_template(session) == LINK
