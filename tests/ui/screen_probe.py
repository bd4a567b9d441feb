"""Open the main window, every tab and every dialog on a laptop-sized screen; print what does
not fit. Run in its own process (the screen size is fixed when Qt starts):

    QT_QPA_PLATFORM=offscreen:configfile=screen.json python -m tests.ui.screen_probe LANG

Prints one JSON object: {"screen": [w, h], "windows": {name: {"frame": [x, y, w, h],
"minimum": [w, h]}}}. tests/ui/test_screen_fit.py starts it for 1366 × 768 and 1280 × 720.
"""

from __future__ import annotations

import json
import os
import sys
from datetime import date, datetime
from pathlib import Path

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QWidget

SHOTS = os.environ.get("PROBE_SHOTS")


def settle() -> None:
    for _ in range(5):
        QCoreApplication.processEvents()


def measure(widget: QWidget, name: str) -> dict:
    widget.show()
    settle()
    if SHOTS:  # to look at: PROBE_SHOTS=folder
        widget.grab().save(str(Path(SHOTS) / f"{name.replace('/', '-')}.png"))
    frame = widget.frameGeometry()
    minimum = widget.minimumSizeHint().expandedTo(widget.minimumSize())
    record = {
        "frame": [frame.x(), frame.y(), frame.width(), frame.height()],
        "minimum": [minimum.width(), minimum.height()],
    }
    widget.close()
    return record


def dialogs(database, window):
    """Every dialog of the program, each as a user opens it."""
    from core.communities.registry import CommunityFields
    from core.ledger.catalogue import RedeemChoices, list_rewards
    from core.ledger.rules import RuleSpec
    from core.posters.builtin import load_builtin
    from ui.activity.activity_import_dialog import ActivityImportDialog
    from ui.activity.entry_dialog import ActivityEntryDialog
    from ui.activity.paste_dialog import PasteDialog
    from ui.activity.weights_dialog import WeightsDialog
    from ui.calendar.editor import ItemEditor
    from ui.calendar.holiday_banner import NoticeDialog
    from ui.calendar.tab import editor_data
    from ui.chat.import_dialog import ChatImportDialog
    from ui.common.backup_actions import RestoreDialog
    from ui.communities.attention import AttentionDialog
    from ui.communities.dialog import CommunityDialog
    from ui.communities.trash import TrashDialog
    from ui.ledger import dialogs as ledger
    from ui.members.import_dialog import ImportDialog
    from ui.members.merge_dialog import MergeDialog
    from ui.posters.bulk_dialog import BulkPosterDialog
    from ui.posters.canvas_size_dialog import CanvasSizeDialog
    from ui.settings.dialog import SettingsDialog
    from ui.tiers.ladder_dialog import LadderDialog

    with database.session() as session:
        rewards = list_rewards(session)
        item_data = editor_data(session, None)
    template, assets = load_builtin("invite")
    yield "restore", lambda: RestoreDialog(window)
    yield "settings", lambda: SettingsDialog(window)
    yield "community", lambda: CommunityDialog(database, CommunityFields(name=""), parent=window)
    yield "trash", lambda: TrashDialog(database, window)
    yield "attention", lambda: AttentionDialog([], parent=window)
    yield "import", lambda: ImportDialog(database, window)
    yield "chat_import", lambda: ChatImportDialog(database, window)
    yield "merge", lambda: MergeDialog(database, window)
    yield "ladder", lambda: LadderDialog(database, None, window)
    yield "ladder_community", lambda: LadderDialog(database, 1, window)
    yield "activity_import", lambda: ActivityImportDialog(database, None, window)
    yield "activity_entry", lambda: ActivityEntryDialog(database, [1, 2], None, window)
    yield "weights", lambda: WeightsDialog(database, window)
    yield "paste", lambda: PasteDialog(database, None, window)
    yield (
        "bulk_posters",
        lambda: BulkPosterDialog(database, template, assets, template.name, window),
    )
    yield "canvas_size", lambda: CanvasSizeDialog(window)
    yield "points", lambda: ledger.PointsDialog("张三", deduct=False, parent=window)
    choices = RedeemChoices(
        100, [(r, None if r.points_cost <= 100 else "还差 50 分") for r in rewards]
    )
    yield "redeem", lambda: ledger.RedeemDialog("张三", choices, parent=window)
    yield "makeup", lambda: ledger.MakeupDialog("张三", 10, parent=window)
    yield "rule_award", lambda: ledger.RuleAwardDialog(["张三"], [], parent=window)
    yield (
        "rule",
        lambda: ledger.RuleDialog(
            RuleSpec("custom:晒单", "custom", "晒单有礼", 15), new=True, parent=window
        ),
    )
    yield "reward", lambda: ledger.RewardDialog(None, parent=window)
    yield "calendar_item", lambda: ItemEditor(item_data, datetime(2026, 11, 25, 9), window)
    yield "calendar_notice", lambda: NoticeDialog(window)


def main(language: str) -> int:
    from core.common import paths
    from core.common.config import load_config, save_config
    from core.common.database import open_database
    from core.demo.generate import generate_demo
    from ui.app import create_application, ui_settings
    from ui.main_window import MainWindow

    paths.ensure_dirs()
    config = load_config()
    config.language = language
    save_config(config)
    app = create_application([])
    database = open_database(f"sqlite:///{paths.data_dir() / 'probe.db'}", daily_backup=False)
    with database.engine.begin() as connection:
        generate_demo(connection, 300, today=date(2026, 11, 23))
    window = MainWindow(database, ui_settings(), offer_demo=False)
    window.show()
    settle()
    screen = app.primaryScreen().availableGeometry()
    found = {}
    for index in range(window.tabs.count()):
        window.tabs.setCurrentIndex(index)
        settle()
        name = f"main_window/tab{index}"
        found[name] = measure(window, name) | {"tab": window.tabs.tabText(index)}
        window.show()
    for name, make in dialogs(database, window):
        found[name] = measure(make(), name)
    print(json.dumps({"screen": [screen.width(), screen.height()], "windows": found}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "zh_CN"))
