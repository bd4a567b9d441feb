"""The small widget helpers of ui/common/widgets.py that replaced hand-built copies across the
tabs (issue 16): the dialog's OK/Cancel box, drop-downs, a filter box refilled quietly, the
properties the style sheet reads, labels; and FeatureTab.say."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QMainWindow

from ui.common.tab import FeatureTab
from ui.common.widgets import (
    choice,
    hint_label,
    ok_cancel_buttons,
    refill,
    restyle,
    section_title,
    warning_label,
    wrapping_label,
)


def test_ok_runs_the_check_and_cancel_rejects(app, qtbot):
    dialog = QDialog()
    qtbot.addWidget(dialog)
    checked = []
    buttons = ok_cancel_buttons(dialog, "box", lambda: checked.append(True), save=True)
    assert buttons.objectName() == "box"
    assert buttons.button(QDialogButtonBox.StandardButton.Save) is not None
    buttons.button(QDialogButtonBox.StandardButton.Save).click()
    assert checked == [True] and dialog.result() == 0  # the check decides whether to accept
    dialog.open()
    buttons.button(QDialogButtonBox.StandardButton.Cancel).click()
    assert not dialog.isVisible() and dialog.result() == QDialog.DialogCode.Rejected


def test_ok_accepts_when_no_check_is_given(app, qtbot):
    dialog = QDialog()
    qtbot.addWidget(dialog)
    buttons = ok_cancel_buttons(dialog)
    dialog.open()
    buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    assert dialog.result() == QDialog.DialogCode.Accepted


def test_a_choice_shows_the_value_asked_for_else_the_first(app):
    items = [("本周", "this_week"), ("上周", "last_week")]
    assert choice("range", items, "last_week").currentText() == "上周"
    assert choice("range", items, "gone").currentIndex() == 0
    combo = choice("range", items)
    assert combo.objectName() == "range" and combo.currentData() == "this_week"


def test_a_refilled_filter_keeps_its_choice_without_signalling(app):
    combo = choice("tags", [("全部标签", None), ("早餐 (2)", "早餐"), ("午餐 (1)", "午餐")], "午餐")
    seen = []
    combo.currentIndexChanged.connect(seen.append)
    refill(combo, [("全部标签", None), ("午餐 (3)", "午餐")])
    assert combo.currentText() == "午餐 (3)" and seen == []
    refill(combo, [("全部标签", None)])  # the chosen tag is gone: back to 全部
    assert combo.currentIndex() == 0 and combo.currentData() is None and seen == []


def test_restyle_sets_every_property_it_is_given(app, qtbot):
    label = warning_label("refusal", "请填写社群名称")
    qtbot.addWidget(label)
    restyle(label, warning=False, muted=True)
    assert label.property("warning") is False and label.property("muted") is True


def test_labels_are_named_wrapped_and_styled(app):
    plain = wrapping_label("path", "/tmp/a.xlsx")
    assert (plain.objectName(), plain.text(), plain.wordWrap()) == ("path", "/tmp/a.xlsx", True)
    hint = hint_label("先预览", "hint")
    assert hint.objectName() == "hint" and hint.wordWrap() and hint.property("muted")
    warning = warning_label("error")
    assert warning.wordWrap() and warning.property("warning") and warning.text() == ""
    title = section_title("审核记录", "history_title")
    assert title.objectName() == "history_title" and title.property("sectionTitle")
    assert section_title("活动清单").objectName() == ""


class QuietTab(FeatureTab):
    def reload(self, changed) -> None:
        pass


def test_a_tab_says_what_it_did_in_the_status_bar_when_it_has_one(app, qtbot, sqlite_database):
    alone = QuietTab(sqlite_database)
    qtbot.addWidget(alone)
    alone.say("已导出")  # no window with a status bar around it: nothing to do, no error
    window = QMainWindow()
    qtbot.addWidget(window)
    tab = QuietTab(sqlite_database)
    window.setCentralWidget(tab)
    tab.say("周报已导出：a.xlsx", 10000)
    assert window.statusBar().currentMessage() == "周报已导出：a.xlsx"


def test_the_picture_filter_offers_every_format_core_opens(app):
    from PIL import Image

    from core.common.images import FORMATS
    from ui.common.file_drop import IMAGE_PATTERNS, image_filter

    by_extension = Image.registered_extensions()
    offered = {by_extension[pattern.removeprefix("*")] for pattern in IMAGE_PATTERNS.split()}
    assert offered == FORMATS
    pictures, anything = image_filter().split(";;")
    assert pictures.endswith(f"({IMAGE_PATTERNS})") and anything.endswith("(*)")


def test_choose_picture_asks_with_the_picture_filter_and_gives_none_when_cancelled(
    app, qtbot, monkeypatch
):
    from PySide6.QtWidgets import QFileDialog, QWidget

    from ui.common.file_drop import choose_picture, image_filter

    parent = QWidget()
    qtbot.addWidget(parent)
    asked = []
    answer = "/tmp/二维码.png"

    def dialog(*args):
        asked.append(args)
        return answer, ""

    monkeypatch.setattr(QFileDialog, "getOpenFileName", dialog)
    assert choose_picture(parent, "选择图片", "/tmp") == "/tmp/二维码.png"
    assert asked == [(parent, "选择图片", "/tmp", image_filter())]
    answer = ""  # the operator cancelled
    assert choose_picture(parent, "选择图片") is None and asked[-1][2] == ""
