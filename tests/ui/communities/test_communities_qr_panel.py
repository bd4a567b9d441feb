"""The 群二维码 panel with real images: from a file, from the clipboard, re-dated, removed."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, QMimeData, Qt, QUrl
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox, QPushButton

from tests.core.communities import qr_images
from tests.core.communities.builders import add_community
from tests.ui.communities.helpers import row_named, wait_for_detail
from tests.ui.conftest import when_shown

LEFT = Qt.MouseButton.LeftButton


def has_qr(data) -> bool:
    return data.qr.image is not None


def open_on_new_group(open_tab, qtbot, sqlite_database, platform="wechat"):
    with sqlite_database.session() as session:
        community_id = add_community(session, "麦香烘焙福利1群", platform=platform)
    tab = open_tab()
    tab.select_community(community_id)
    wait_for_detail(qtbot, tab, community_id)
    return tab, community_id


def choose_file(monkeypatch, path) -> None:
    monkeypatch.setattr(
        QFileDialog, "getOpenFileName", staticmethod(lambda *args, **kwargs: (str(path), ""))
    )


def test_attach_from_file_then_redate_to_see_the_warning(
    open_tab, qtbot, sqlite_database, monkeypatch, tmp_path
):
    tab, community_id = open_on_new_group(open_tab, qtbot, sqlite_database)
    panel = tab.detail.qr_panel
    assert panel.days_label.text() == "未添加群二维码"
    assert [a.kind for a in tab.attention] == ["qr_missing"]
    photo = tmp_path / "群二维码.jpg"
    photo.write_bytes(qr_images.photo_jpeg())
    choose_file(monkeypatch, photo)

    # No QR yet: the panel's empty state holds the buttons.
    qtbot.mouseClick(panel.body.empty.findChild(QPushButton, "communities_qr_empty_add"), LEFT)
    wait_for_detail(qtbot, tab, community_id, has_qr)
    assert panel.days_label.text() == "剩 7 天"
    assert panel.content_label.text() == qr_images.WECHAT_GROUP_URL
    assert panel.kind_label.text() == "微信群二维码"
    assert not panel.image_label.pixmap().isNull()
    qtbot.waitUntil(lambda: tab.attention == [], timeout=60_000)

    with qtbot.waitSignal(tab.attention_count_changed, timeout=60_000) as counted:
        panel.date_edit.setDate(QDate.currentDate().addDays(-6))
    assert counted.args == [1]
    wait_for_detail(qtbot, tab, community_id, lambda d: d.qr.days_left == 1)
    assert panel.days_label.text() == "剩 1 天"
    assert [a.kind for a in tab.attention] == ["qr_expiring"]
    assert "还剩 1 天" in tab.detail.warnings_label.text()
    assert "还剩 1 天" in panel.warning_label.text() and panel.warning_label.isVisible()
    assert row_named(tab, "麦香烘焙福利1群").qr_days_left == 1

    panel.date_edit.setDate(QDate.currentDate().addDays(-9))
    qtbot.waitUntil(lambda: [a.kind for a in tab.attention] == ["qr_expired"], timeout=60_000)
    wait_for_detail(qtbot, tab, community_id, lambda d: d.qr.days_left == -2)
    assert panel.days_label.text() == "已过期"
    assert panel.date_edit.maximumDate() == QDate.currentDate()


def test_paste_from_the_clipboard(open_tab, qtbot, sqlite_database):
    tab, community_id = open_on_new_group(open_tab, qtbot, sqlite_database)
    QApplication.clipboard().setImage(
        QImage.fromData(qr_images.qr_png("https://weixin.qq.com/g/x"))
    )
    empty = tab.detail.qr_panel.body.empty
    qtbot.mouseClick(empty.findChild(QPushButton, "communities_qr_empty_paste"), LEFT)
    data = wait_for_detail(qtbot, tab, community_id, has_qr)
    assert data.qr.content == "https://weixin.qq.com/g/x"
    assert data.qr.generated_on == date.today()


def test_paste_a_copied_image_file(open_tab, qtbot, sqlite_database, tmp_path):
    tab, community_id = open_on_new_group(open_tab, qtbot, sqlite_database)
    png = tmp_path / "code.png"
    png.write_bytes(qr_images.qr_png())
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(png))])  # a file copied in Explorer or Finder
    QApplication.clipboard().setMimeData(mime)
    tab.detail.qr_panel.paste()
    data = wait_for_detail(qtbot, tab, community_id, has_qr)
    assert data.qr.content == qr_images.WECHAT_GROUP_URL


def test_paste_without_an_image_explains(open_tab, qtbot, sqlite_database):
    tab, _ = open_on_new_group(open_tab, qtbot, sqlite_database)
    QApplication.clipboard().setText("只是文字")
    seen = {}

    def close(box):
        seen["title"] = box.windowTitle()
        box.button(QMessageBox.StandardButton.Ok).click()

    when_shown("communities_qr_no_image", close)
    tab.detail.qr_panel.paste()
    assert seen["title"] == "剪贴板里没有图片"


def test_a_picture_without_a_code_is_refused_with_the_reason(
    open_tab, qtbot, sqlite_database, monkeypatch, tmp_path
):
    tab, _ = open_on_new_group(open_tab, qtbot, sqlite_database)
    for name, data, reason in [
        ("风景.png", qr_images.no_qr_png(), "没有找到可识别的二维码"),
        ("notes.png", qr_images.text_as_png(), "不是图片"),
        ("bomb.png", qr_images.png_claiming(100_000, 100_000), "尺寸过大"),
    ]:
        path = tmp_path / name
        path.write_bytes(data)
        choose_file(monkeypatch, path)
        seen = {}

        def acknowledge(box, seen=seen):
            seen["text"] = box.text()
            box.button(QMessageBox.StandardButton.Ok).click()

        when_shown("user_error_dialog", acknowledge)
        tab.detail.qr_panel.attach_from_file()
        qtbot.waitUntil(lambda seen=seen: "text" in seen, timeout=60_000)
        assert reason in seen["text"], name
    assert row_named(tab, "麦香烘焙福利1群").has_qr is False


def test_missing_file_is_explained(open_tab, qtbot, sqlite_database, monkeypatch, tmp_path):
    tab, _ = open_on_new_group(open_tab, qtbot, sqlite_database)
    choose_file(monkeypatch, tmp_path / "不存在.png")
    seen = {}

    def acknowledge(box):
        seen["text"] = box.text()
        box.button(QMessageBox.StandardButton.Ok).click()

    when_shown("user_error_dialog", acknowledge)
    tab.detail.qr_panel.attach_from_file()
    qtbot.waitUntil(lambda: "text" in seen, timeout=60_000)
    assert "无法读取文件" in seen["text"]


def test_remove_and_preview(open_tab, qtbot, sqlite_database):
    tab, community_id = open_on_new_group(open_tab, qtbot, sqlite_database)
    QApplication.clipboard().setImage(QImage.fromData(qr_images.qr_png()))
    tab.detail.qr_panel.paste()
    wait_for_detail(qtbot, tab, community_id, has_qr)

    shown = {}

    def look(dialog):
        shown["seen"] = True
        dialog.reject()

    when_shown("communities_qr_preview", look)
    qtbot.mouseClick(tab.detail.qr_panel.image_label, Qt.MouseButton.LeftButton)
    assert shown == {"seen": True}

    when_shown(
        "communities_qr_remove_confirm",
        lambda box: box.button(QMessageBox.StandardButton.Yes).click(),
    )
    qtbot.mouseClick(tab.detail.qr_panel.remove_button, Qt.MouseButton.LeftButton)
    wait_for_detail(qtbot, tab, community_id, lambda d: not has_qr(d))
    assert tab.detail.qr_panel.days_label.text() == "未添加群二维码"


def test_wecom_codes_do_not_expire(open_tab, qtbot, sqlite_database):
    tab, community_id = open_on_new_group(open_tab, qtbot, sqlite_database, platform="wecom")
    assert tab.attention == []
    QApplication.clipboard().setImage(
        QImage.fromData(qr_images.qr_png("https://work.weixin.qq.com/gm/abc"))
    )
    tab.detail.qr_panel.paste()
    wait_for_detail(qtbot, tab, community_id, has_qr)
    panel = tab.detail.qr_panel
    assert panel.days_label.text() == "长期有效"
    assert panel.kind_label.text() == "企业微信二维码"
    assert row_named(tab, "麦香烘焙福利1群").qr_days_left is None
    assert tab.detail.data.qr.generated_on == date.today()


def test_a_personal_card_is_pointed_out(open_tab, qtbot, sqlite_database):
    tab, community_id = open_on_new_group(open_tab, qtbot, sqlite_database)
    QApplication.clipboard().setImage(QImage.fromData(qr_images.qr_png("https://u.wechat.com/abc")))
    tab.detail.qr_panel.paste()
    wait_for_detail(qtbot, tab, community_id, has_qr)
    assert "不是群二维码" in tab.detail.qr_panel.kind_label.text()
