"""GUI: the 素材库 page on its own — files added (one by a drop), the same file twice stored
once, search by pinyin and the tag filter, a decompression bomb and a document renamed .png
refused under the grid while the good file still goes in, delete after a confirm; and the
picker returns the ids chosen."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPoint, Qt, QUrl
from PySide6.QtGui import QColor, QDropEvent, QPalette
from PySide6.QtWidgets import (
    QComboBox,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QMessageBox,
)
from sqlalchemy import func, select

from core.calendar.materials import materials_dir
from db.material_models import Material
from tests.core.calendar.material_helpers import bomb, not_a_picture, picture
from tests.ui.calendar.calendar_page_host import host
from tests.ui.conftest import when_shown
from ui.calendar.materials_page import MaterialPicker, MaterialsPage
from ui.common.theme import current_theme


@pytest.fixture
def page(app, qtbot, sqlite_database):
    shown = host(qtbot, sqlite_database, MaterialsPage)
    shown.page.reload()
    qtbot.waitUntil(lambda: not shown.busy() and shown.page.listing is not None, timeout=60_000)
    return shown


def _titles(page) -> list[str]:
    grid = page.findChild(QListWidget, "materials_grid")
    return sorted(grid.item(r).text() for r in range(grid.count()))


def _settle(qtbot, page) -> None:
    qtbot.waitUntil(lambda: not page.busy(), timeout=60_000)


def _add(qtbot, page, *paths: Path, tags: str = "") -> None:
    page.findChild(QLineEdit, "materials_new_tags").setText(tags)
    page.page.add_paths(list(paths))
    _settle(qtbot, page)


def _count(database) -> int:
    with database.session() as session:
        return session.scalar(select(func.count()).select_from(Material))


def test_add_search_and_filter_by_tag(page, qtbot, sqlite_database, tmp_path):
    _add(qtbot, page, picture(tmp_path / "早安海报.png", "red"), tags="早安，海报")
    _add(qtbot, page, picture(tmp_path / "双12主图.png", "blue"), tags="活动")
    again = tmp_path / "早安 copy.png"
    again.write_bytes((tmp_path / "早安海报.png").read_bytes())
    _add(qtbot, page, again)
    assert "素材库里已有：早安海报" in page.findChild(QLabel, "materials_status").text()
    assert _titles(page) == ["双12主图", "早安海报"] and _count(sqlite_database) == 2
    page.findChild(QLineEdit, "materials_search").setText("zaoan")
    qtbot.waitUntil(lambda: _titles(page) == ["早安海报"], timeout=60_000)
    page.findChild(QLineEdit, "materials_search").clear()
    qtbot.waitUntil(lambda: len(_titles(page)) == 2, timeout=60_000)
    tag = page.findChild(QComboBox, "materials_tag")
    tag.setCurrentIndex(tag.findData("活动"))
    qtbot.waitUntil(lambda: _titles(page) == ["双12主图"], timeout=60_000)


def test_a_dropped_file_is_added(page, qtbot, tmp_path):
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(picture(tmp_path / "拖进来.png")))])
    drop = QDropEvent(QPoint(10, 10), Qt.DropAction.CopyAction, mime,
                      Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)  # fmt: skip
    # Qt delivers drops only inside a real drag; the page's handler is what is tested.
    page.page.dropEvent(drop)
    assert drop.isAccepted()
    qtbot.waitUntil(lambda: not page.busy() and _titles(page) == ["拖进来"], timeout=60_000)


def test_hostile_pictures_are_refused_and_the_good_one_goes_in(
    page, qtbot, sqlite_database, tmp_path
):
    _add(qtbot, page, bomb(tmp_path / "炸弹.png"), not_a_picture(tmp_path / "假图.png"),
         picture(tmp_path / "真图.png"))  # fmt: skip
    status = page.findChild(QLabel, "materials_status")
    lines = status.text().splitlines()
    assert lines[0] == "已加入 1 个：真图"
    assert "尺寸过大" in lines[1] and "不是图片" in lines[2]
    assert status.property("warning") is True
    assert _titles(page) == ["真图"] and _count(sqlite_database) == 1
    assert [p.name for p in materials_dir().rglob("*.png") if "thumbs" not in p.parts] == [
        "真图.png"
    ]


def test_delete_after_confirming(page, qtbot, sqlite_database, tmp_path):
    _add(qtbot, page, picture(tmp_path / "旧海报.png"))
    grid = page.findChild(QListWidget, "materials_grid")
    grid.item(0).setSelected(True)
    when_shown("materials_delete_confirm",
               lambda box: box.button(QMessageBox.StandardButton.Yes).click())  # fmt: skip
    page.page.delete_button.click()
    _settle(qtbot, page)
    qtbot.waitUntil(lambda: _titles(page) == [], timeout=60_000)
    assert _count(sqlite_database) == 0
    assert "已删除素材「旧海报」" in page.findChild(QLabel, "materials_status").text()


def test_the_picker_returns_the_ids_chosen(page, qtbot, sqlite_database, tmp_path):
    _add(qtbot, page, picture(tmp_path / "a.png", "red"), picture(tmp_path / "b.png", "blue"))
    with sqlite_database.session() as session:
        ids = dict(session.execute(select(Material.title, Material.id)).all())
    picker = MaterialPicker(page, selected=[ids["a"]])
    qtbot.addWidget(picker)
    picker.show()
    qtbot.waitUntil(lambda: picker.page.grid.count() == 2, timeout=60_000)
    assert picker.page.selected_ids() == [ids["a"]]
    grid = picker.page.grid
    for row in range(grid.count()):
        grid.item(row).setSelected(True)
    picker.findChild(QDialogButtonBox, "materials_picker_buttons").button(
        QDialogButtonBox.StandardButton.Ok
    ).click()
    assert sorted(picker.chosen) == sorted(ids.values())


def test_edit_title_and_tags(page, qtbot, tmp_path):
    _add(qtbot, page, picture(tmp_path / "IMG_0001.png"))
    page.findChild(QListWidget, "materials_grid").item(0).setSelected(True)

    def fill(dialog) -> None:
        dialog.findChild(QLineEdit, "materials_edit_title").setText("会员日海报")
        dialog.findChild(QLineEdit, "materials_edit_tags").setText("会员, 海报")
        dialog.findChild(QDialogButtonBox, "materials_edit_buttons").button(
            QDialogButtonBox.StandardButton.Save
        ).click()

    when_shown("materials_edit_dialog", fill)
    page.page.edit_button.click()
    qtbot.waitUntil(lambda: not page.busy() and _titles(page) == ["会员日海报"], timeout=60_000)
    tag = page.findChild(QComboBox, "materials_tag")
    assert [tag.itemData(i) for i in range(tag.count())] == [None, "会员", "海报"]


def test_the_status_loses_its_warning_colour_once_the_next_message_is_not_a_warning(
    page, qtbot, tmp_path
):
    def colour(label: QLabel) -> str:
        return label.palette().color(QPalette.ColorRole.WindowText).name()

    status = page.findChild(QLabel, "materials_status")
    _add(qtbot, page, not_a_picture(tmp_path / "假图.png"), picture(tmp_path / "旧海报.png"))
    assert colour(status) == QColor(current_theme().warning).name()
    page.findChild(QListWidget, "materials_grid").item(0).setSelected(True)
    when_shown("materials_delete_confirm",
               lambda box: box.button(QMessageBox.StandardButton.Yes).click())  # fmt: skip
    page.page.delete_button.click()
    qtbot.waitUntil(lambda: "已删除素材" in status.text(), timeout=60_000)
    assert colour(status) != QColor(current_theme().warning).name()
