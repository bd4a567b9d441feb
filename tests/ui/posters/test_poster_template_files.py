"""GUI: importing, exporting and deleting poster templates from the designer's 更多 menu."""

from __future__ import annotations

import zipfile

from PySide6.QtWidgets import QMessageBox

from core.posters.package import import_template
from core.posters.store import list_templates
from tests.ui.conftest import when_shown
from tests.ui.posters.conftest import select, settle


def saved_names(database) -> list[str]:
    with database.session() as session:
        return [info.name for info in list_templates(session) if not info.builtin]


def answer(button):
    def handle(box: QMessageBox) -> None:
        box.button(button).click()

    return handle


def test_export_writes_the_shown_template_with_unsaved_edits_and_import_brings_it_back(
    designer, qtbot, tmp_path, sqlite_database
):
    index = select(designer, "标题")
    designer.properties.edited.emit({"text": "周末烘焙课"}, None)
    assert designer.template.layers[index].text == "周末烘焙课"
    written = designer.export_template_file(str(tmp_path / "周末海报"))
    assert written == tmp_path / "周末海报.zip"
    template, assets = import_template(written.read_bytes())
    assert template.layers[index].text == "周末烘焙课"
    assert set(assets) == set(designer.assets)
    settle(qtbot, designer)

    # Importing asks before dropping the unsaved edit, then stores and opens the file.
    when_shown("posterDiscardDialog", answer(QMessageBox.StandardButton.Discard))
    assert designer.import_template_file(str(written))
    settle(qtbot, designer)
    # The built-in template has that name already: the copy is numbered, nothing overwritten.
    assert saved_names(sqlite_database) == [template.name + "（2）"]
    assert designer.key is not None and not designer.builtin
    assert designer.template.layers[index].text == "周末烘焙课"
    assert designer.undo_stack.isClean()
    assert designer.import_template_file(str(written))
    settle(qtbot, designer)
    assert saved_names(sqlite_database) == [template.name + "（2）", template.name + "（3）"]


def test_a_broken_or_hostile_file_is_refused_and_nothing_is_stored(
    designer, qtbot, tmp_path, sqlite_database, monkeypatch
):
    messages = []
    monkeypatch.setattr(
        "ui.posters.designer.show_error", lambda _parent, error: messages.append(str(error))
    )
    not_a_zip = tmp_path / "海报.zip"
    not_a_zip.write_bytes(b"\x00" * 100)
    escaping = tmp_path / "escape.zip"
    with zipfile.ZipFile(escaping, "w") as archive:
        archive.writestr("template.json", "{}")
        archive.writestr("../../evil.png", b"x")
    key = designer.key
    for path in (not_a_zip, escaping, tmp_path / "missing.zip"):
        assert not designer.import_template_file(str(path))
    assert len(messages) == 3 and all(messages)
    assert saved_names(sqlite_database) == []
    assert designer.key == key
    settle(qtbot, designer)


def test_export_into_a_folder_that_cannot_be_written_says_so(designer, tmp_path, monkeypatch):
    messages = []
    monkeypatch.setattr(
        "ui.posters.designer.show_error", lambda _parent, error: messages.append(str(error))
    )
    blocker = tmp_path / "file"
    blocker.write_text("x")
    assert designer.export_template_file(str(blocker / "sub" / "poster.zip")) is None
    assert messages and not list(tmp_path.glob("**/*.zip"))


def test_delete_asks_first_and_only_saved_templates_can_be_deleted(
    designer, qtbot, sqlite_database
):
    designer.templates.more_button.menu().aboutToShow.emit()
    assert not designer.templates.delete_action.isEnabled()  # a built-in one is selected
    assert designer.save_as("开业海报")
    key = designer.key
    designer.templates.more_button.menu().aboutToShow.emit()
    assert designer.templates.delete_action.isEnabled()

    when_shown("posterDeleteDialog", answer(QMessageBox.StandardButton.Cancel))
    designer.templates.delete_action.trigger()
    assert saved_names(sqlite_database) == ["开业海报"]

    when_shown("posterDeleteDialog", answer(QMessageBox.StandardButton.Yes))
    designer.templates.delete_action.trigger()
    assert saved_names(sqlite_database) == []
    assert designer.key != key and designer.builtin  # the first built-in one is shown
    settle(qtbot, designer)
