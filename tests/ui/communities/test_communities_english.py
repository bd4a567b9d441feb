"""The 群二维码 panel in English: core's refusals of a picture reach the window translated."""

from __future__ import annotations

from PySide6.QtWidgets import QFileDialog, QMessageBox

from tests.core.communities import qr_images
from tests.core.communities.builders import add_community
from tests.ui.communities.helpers import row_named, wait_for_detail
from tests.ui.conftest import when_shown


def refusal_for(qtbot, monkeypatch, panel, path) -> str:
    monkeypatch.setattr(
        QFileDialog, "getOpenFileName", staticmethod(lambda *args, **kwargs: (str(path), ""))
    )
    seen = {}

    def acknowledge(box):
        seen["text"] = box.text()
        box.button(QMessageBox.StandardButton.Ok).click()

    when_shown("user_error_dialog", acknowledge)
    panel.attach_from_file()
    qtbot.waitUntil(lambda: "text" in seen, timeout=60_000)
    return seen["text"]


def tab_showing_a_new_community(open_tab, qtbot, database):
    with database.session() as session:
        community_id = add_community(session, "麦香烘焙福利1群")
    tab = open_tab()
    tab.select_community(community_id)
    wait_for_detail(qtbot, tab, community_id)
    return tab


def test_pictures_are_refused_in_english(
    app, english, open_tab, qtbot, sqlite_database, monkeypatch, tmp_path
):
    tab = tab_showing_a_new_community(open_tab, qtbot, sqlite_database)
    panel = tab.detail.qr_panel
    for name, data, english_text in [
        (
            "风景.png",
            qr_images.no_qr_png(),
            "No readable QR code found in the image; please use a sharper screenshot",
        ),
        (
            "notes.png",
            qr_images.text_as_png(),
            "This file is not an image. Please choose a screenshot or photo of the QR code "
            "(PNG, JPG)",
        ),
        ("空.png", b"", None),
    ]:
        path = tmp_path / name
        path.write_bytes(data)
        text = refusal_for(qtbot, monkeypatch, panel, path)
        if english_text is not None:
            assert text == english_text, name
        else:
            assert text.endswith(": the file is empty"), text
    assert row_named(tab, "麦香烘焙福利1群").has_qr is False


def test_an_unreadable_file_is_explained_in_english(
    app, english, open_tab, qtbot, sqlite_database, monkeypatch, tmp_path
):
    tab = tab_showing_a_new_community(open_tab, qtbot, sqlite_database)
    text = refusal_for(qtbot, monkeypatch, tab.detail.qr_panel, tmp_path / "不存在.png")
    assert text.startswith("Cannot read the file 不存在.png: ")
