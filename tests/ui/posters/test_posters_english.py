"""The 海报 designer and the batch dialog in the English interface: what core says about a
template, a QR code, risky copy or a failed poster (in Chinese) reaches the window in English,
also when it was written in a worker process of the batch."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QListWidget, QPlainTextEdit

from core.common.text import Message
from tests.ui.posters import test_bulk_dialog as bulk
from tests.ui.posters.conftest import select, settle
from tests.ui.posters.test_bulk_dialog import (
    choose,
    make_dialog,
    run_to_the_end,
    set_output,
    small_template,
    summary,
    widget,
)
from tests.ui.posters.test_poster_layers import add
from ui.posters.edits import with_layer

# The batch dialog's fixtures: 读书会 with six members, and a folder to write into.
people = bulk.people
outdir = bulk.outdir


def test_built_in_templates_are_named_in_english(english, designer, qtbot):
    templates = designer.findChild(QListWidget, "posterTemplates")
    texts = [templates.item(row).text() for row in range(templates.count())]
    assert any(text.startswith("Newcomer welcome  ·  ") for text in texts), texts
    assert any(text.startswith("Check-in challenge  ·  ") for text in texts), texts
    designer.open_template("welcome")
    settle(qtbot, designer)
    assert designer.findChild(QLabel, "posterTitle").text().startswith("Newcomer welcome  ·  ")
    assert designer.template.name == "新人欢迎"  # the template's own data stays Chinese


def test_a_risky_phrase_is_explained_in_english(english, designer, qtbot):
    select(designer, "标题")
    designer.findChild(QPlainTextEdit, "posterText").setPlainText("转发到朋友圈即可领取礼品")
    warnings = designer.findChild(QLabel, "posterCopyWarnings")
    assert warnings.isVisible()
    assert warnings.text().startswith("<b>Copy risks (WeChat rules on inducing shares)</b><br>")
    assert "“Title”: <u>转发到朋友圈即可领取</u> — Inducing shares: " in warnings.text()
    marks = designer.canvas.copy_mark_items()
    assert marks
    for mark in marks:
        assert mark.toolTip().startswith("“转发到朋友圈即可领取")
        assert "”: Inducing shares:" in mark.toolTip()
    designer.undo_stack.undo()
    settle(qtbot, designer)


def test_an_invalid_change_is_refused_in_english(english, designer):
    index = select(designer, "标题")
    before = designer.template
    designer.edit("x", with_layer(designer.template, index, opacity=2.0))
    assert designer.template is before
    assert designer.status.text() == (
        f"This change is not valid: Layer {index + 1} (Text “标题”): "
        "the opacity should be between 0 and 1, not 2"
    )


def test_a_small_qr_code_is_flagged_in_english(english, designer, qtbot):
    add(designer, "qr")
    index = designer.selected
    designer._properties_edited({"width": 120, "height": 120}, None)
    settle(qtbot, designer)
    warning = designer.canvas.layer_warning(index)
    assert "px wide, too small on a phone; at least" in warning, warning
    assert warning in designer.canvas.item_for(index).toolTip()
    assert warning in designer.status.text()


def test_a_preview_that_cannot_render_says_why_in_english(english, designer, qtbot):
    add(designer, "qr")
    settle(qtbot, designer)
    designer._properties_edited({"content": "{没有这个字段}"}, None)
    qtbot.waitUntil(lambda: not designer.render_pending(), timeout=60_000)
    name = designer.template.layers[designer.selected].name
    assert designer.status.text() == (
        f"Cannot render the preview: QR code “{name}” has no content "
        "(missing invite link or invite code?)"
    )


def test_failures_from_the_worker_processes_are_listed_in_english(
    english, app, qtbot, sqlite_database, people, outdir
):
    dialog = make_dialog(qtbot, sqlite_database, small_template(dark="#f4f4f4"), {})
    dialog.jobs = 2  # six posters: more than one chunk, so worker processes render them
    choose(dialog, qtbot, "Community", "读书会")
    set_output(dialog, outdir / "pale")
    run_to_the_end(dialog, qtbot)
    assert len(dialog.result.failed) == 6 and dialog.result.written == []
    # Pickled in the worker and back: still a message, so the window can translate it.
    reason = dialog.result.failed[0].reason
    assert isinstance(reason, Message) and reason == "二维码「邀请码」无法识别"
    lines = widget(dialog, QPlainTextEdit, "bulkPosterDetails").toPlainText().splitlines()
    assert len(lines) == 7
    assert all(line.endswith(": QR code “邀请码” does not scan") for line in lines[1:]), lines
    assert "没有" not in summary(dialog)


def test_warnings_from_the_worker_processes_are_counted_in_english(
    english, app, qtbot, sqlite_database, people, outdir
):
    dialog = make_dialog(qtbot, sqlite_database, small_template(dark="#8a8a8a"), {})
    dialog.jobs = 2
    choose(dialog, qtbot, "Community", "读书会")
    set_output(dialog, outdir / "grey")
    run_to_the_end(dialog, qtbot)
    assert len(dialog.result.written) == 6
    lines = widget(dialog, QPlainTextEdit, "bulkPosterDetails").toPlainText().splitlines()
    assert lines[1].startswith("  6 posters: QR code “邀请码” has a contrast of only "), lines
    assert lines[1].endswith(
        ":1 with its background; at least 4:1 is advised (dark code, light background)"
    )
