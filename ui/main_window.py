"""The main window: menus, a sidebar with one page per feature, the status bar, and what ties
them together.

Tabs never talk to each other: whatever changes data emits `data_changed` with the topics it
touched (`changes(Change.MEMBERS, Change.ACTIVITY)`, ui/common/changes.py), and each tab
refreshes what concerns it (the contract is ui/common/tab.py).

The window can be shown before the database is open (`MainWindow(None, …)`, then
`attach_database`): the frame and menus appear at once, and the tabs (and SQLAlchemy, a third
of a second to import) follow. Nothing that needs the database is enabled until then.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

from PySide6.QtCore import QSettings, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QAction, QCloseEvent, QDesktopServices, QKeySequence
from PySide6.QtWidgets import (
    QInputDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QWidget,
)

from core.common import paths
from core.common.logs import log_file
from core.version import __version__
from ui.common.backup_actions import BackupActions
from ui.common.changes import EVERYTHING, Change, changes
from ui.common.icons import decorate, set_icon
from ui.common.lazy_tab import LazyTab
from ui.common.screen_fit import fit_to_screen, keep_on_screen
from ui.common.side_nav import SideNav
from ui.common.tasks import run_task
from ui.common.theme import theme_manager

if TYPE_CHECKING:
    from core.common.database import Database
    from core.overview.stats import OverviewStats

# Actions that need an open database: off while the window is still opening it.
DATABASE_ACTIONS = (
    "action_backup",
    "action_restore",
    "action_import",
    "action_import_chat",
    "action_demo",
    "action_new_community",
    "action_attention",
    "action_community_trash",
)


class MainWindow(QMainWindow):
    data_changed = Signal(object)  # Changes

    def __init__(
        self,
        database: Database | None,
        settings: QSettings,
        *,
        offer_demo: bool = True,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("main_window")
        self.database: Database | None = None
        self.settings = settings
        self._offer_demo = offer_demo
        self.setWindowTitle(self.tr("社群运营工作台"))
        self.setMinimumSize(720, 480)

        self.tabs = SideNav()
        self.tabs.setObjectName("main_tabs")
        self.tabs.install_shortcuts(self)
        theme_manager().theme_changed.connect(self.tabs.retint)
        self.opening_label = QLabel(self.tr("正在打开数据库…"))
        self.opening_label.setObjectName("main_opening")
        self.opening_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.opening_label.setProperty("muted", True)
        self.tabs.addTab(self.opening_label, self.tr("概览"), "layout-dashboard")
        self.setCentralWidget(self.tabs)

        self.backups = BackupActions(self)
        self._build_menus()
        self._build_status_bar()
        self._restore_geometry()
        if database is not None:
            self.attach_database(database)

    def attach_database(self, database: Database) -> None:
        """Build the tabs over an open database and load what they show."""
        # the tabs (and SQLAlchemy) after the frame is shown (module docstring)
        from core.common.database import describe_url
        from ui.calendar.tab import CalendarTab
        from ui.campaigns.tab import CampaignsTab
        from ui.communities.tab import CommunitiesTab
        from ui.ledger.tab import LedgerTab
        from ui.members.tab import MembersTab
        from ui.overview.tab import OverviewTab
        from ui.tiers.tab import TiersTab
        from ui.wiring import communities_tab_extras, members_tab_extras, role_suggestions

        self.database = database
        self.tabs.removeTab(0)
        self.opening_label.deleteLater()
        self.overview_tab = OverviewTab(database)
        self.overview_tab.demo_requested.connect(self.ask_for_demo_data)
        self.overview_tab.import_requested.connect(self.open_import)
        self.overview_tab.chat_import_requested.connect(self.open_chat_import)
        self.overview_tab.new_community_requested.connect(self.new_community)
        self.overview_tab.stats_loaded.connect(self._on_stats_loaded)
        self.overview_tab.members_requested.connect(self.show_members)
        self.tabs.addTab(self.overview_tab, self.tr("概览"), "layout-dashboard")
        self.communities_tab = CommunitiesTab(database, extras=communities_tab_extras())
        self.communities_tab.data_changed.connect(self.data_changed)
        self.communities_tab.attention_count_changed.connect(self._on_attention_count)
        self.tabs.addTab(self.communities_tab, self.tr("社群"), "messages-square")
        self.members_tab = MembersTab(database, extras=members_tab_extras())
        self.members_tab.data_changed.connect(self.data_changed)
        self.members_tab.posters_requested.connect(self.posters_for_members)
        self.members_tab.activity_requested.connect(self.record_activity_for)
        self.tabs.addTab(self.members_tab, self.tr("成员"), "users-round")
        self.tiers_tab = TiersTab(database, suggest=role_suggestions())
        self.tiers_tab.data_changed.connect(self.data_changed)
        self.tabs.addTab(self.tiers_tab, self.tr("分层"), "layers")
        self.ledger_tab = LedgerTab(database)
        self.ledger_tab.data_changed.connect(self.data_changed)
        self.tabs.addTab(self.ledger_tab, self.tr("积分"), "coins")
        self.campaigns_tab = CampaignsTab(database)
        self.campaigns_tab.data_changed.connect(self.data_changed)
        self.campaigns_tab.posters_requested.connect(self.posters_for_campaign)
        self.tabs.addTab(self.campaigns_tab, self.tr("活动"), "megaphone")
        self.calendar_tab = CalendarTab(database)
        self.calendar_tab.data_changed.connect(self.data_changed)
        self.tabs.addTab(self.calendar_tab, self.tr("内容日历"), "calendar-days")
        self.posters_tab = LazyTab("posters_tab", self._build_poster_designer, database)
        self.posters_tab.data_changed.connect(self.data_changed)
        self.tabs.addTab(self.posters_tab, self.tr("海报"), "image")
        for tab in self.feature_tabs():
            self.data_changed.connect(tab.refresh)
        decorate(self)
        for name in DATABASE_ACTIONS:
            self.findChild(QAction, name).setEnabled(True)
        self.backups.enable_for(database)
        self.status_database.setText(describe_url(database.url))
        last_tab = self.settings.value("window/last_tab", 0, type=int)
        if 0 <= last_tab < self.tabs.count():
            self.tabs.setCurrentIndex(last_tab)
        for tab in self.feature_tabs():
            tab.refresh()

    # ----- menus -------------------------------------------------------------------------

    def _action(
        self, object_name: str, text: str, slot, shortcut=None, icon: str | None = None
    ) -> QAction:
        action = QAction(text, self)
        action.setObjectName(object_name)
        if icon is not None:
            set_icon(action, icon)
        if shortcut is not None:
            action.setShortcut(shortcut)
        action.triggered.connect(slot)
        return action

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu(self.tr("文件(&F)"))
        file_menu.setObjectName("menu_file")
        file_menu.addAction(
            self._action(
                "action_backup",
                self.tr("备份数据库(&B)…"),
                self.backups.backup_now,
                icon="database-backup",
            )
        )
        file_menu.addAction(
            self._action(
                "action_restore",
                self.tr("恢复备份(&R)…"),
                self.backups.restore,
                icon="archive-restore",
            )
        )
        file_menu.addAction(
            self._action(
                "action_open_data_dir",
                self.tr("打开数据文件夹"),
                lambda: _open_folder(paths.data_dir()),
                icon="folder-open",
            )
        )
        file_menu.addSeparator()
        file_menu.addAction(
            self._action(
                "action_settings",
                self.tr("设置(&S)…"),
                self.open_settings,
                QKeySequence.StandardKey.Preferences,
                icon="settings",
            )
        )
        file_menu.addSeparator()
        file_menu.addAction(
            self._action(
                "action_quit",
                self.tr("退出(&Q)"),
                self.close,
                QKeySequence.StandardKey.Quit,
                icon="log-out",
            )
        )
        data_menu = bar.addMenu(self.tr("数据(&D)"))
        data_menu.setObjectName("menu_data")
        data_menu.addAction(
            self._action(
                "action_import",
                self.tr("导入成员名单(&I)…"),
                self.open_import,
                QKeySequence("Ctrl+I"),
                icon="file-up",
            )
        )
        data_menu.addAction(
            self._action(
                "action_import_chat",
                self.tr("导入群聊记录…"),
                self.open_chat_import,
                icon="messages-square",
            )
        )
        data_menu.addAction(
            self._action(
                "action_demo", self.tr("生成演示数据…"), self.ask_for_demo_data, icon="sparkles"
            )
        )
        data_menu.addSeparator()
        data_menu.addAction(
            self._action(
                "action_new_community",
                self.tr("新建社群…"),
                self.new_community,
                icon="circle-plus",
            )
        )
        data_menu.addAction(
            self._action("action_attention", self.tr("需要处理…"), self.show_attention, icon="bell")
        )
        data_menu.addAction(
            self._action(
                "action_community_trash",
                self.tr("社群回收站…"),
                lambda: self.communities_tab.show_trash(),
                icon="trash-2",
            )
        )
        for name in DATABASE_ACTIONS:
            self.findChild(QAction, name).setEnabled(False)

        help_menu = bar.addMenu(self.tr("帮助(&H)"))
        help_menu.setObjectName("menu_help")
        help_menu.addAction(
            self._action(
                "action_open_logs",
                self.tr("打开日志文件夹"),
                lambda: _open_folder(log_file().parent),
                icon="file-text",
            )
        )
        help_menu.addAction(
            self._action("action_about", self.tr("关于(&A)"), self.show_about, icon="info")
        )

    def _build_status_bar(self) -> None:
        self.status_database = QLabel()
        self.status_database.setObjectName("status_database")
        self.status_counts = QLabel()
        self.status_counts.setObjectName("status_counts")
        self.status_attention = QPushButton()
        self.status_attention.setObjectName("status_attention")
        self.status_attention.setFlat(True)
        self.status_attention.setCursor(Qt.CursorShape.PointingHandCursor)
        self.status_attention.setProperty("attention", True)
        self.status_attention.hide()
        self.status_attention.clicked.connect(self.show_attention)
        self.statusBar().addPermanentWidget(self.status_attention)
        self.statusBar().addPermanentWidget(self.status_counts)
        self.statusBar().addPermanentWidget(self.status_database)

    def _on_stats_loaded(self, stats: OverviewStats) -> None:
        self.status_counts.setText(
            self.tr("%Ln 个社群", "", stats.communities)
            + " · "
            + self.tr("%Ln 名成员", "", stats.members)
        )
        if stats.is_empty and self._offer_demo:
            self._offer_demo = False  # ask once per start, never in a loop
            QTimer.singleShot(0, self._first_start_prompt)

    # ----- actions -------------------------------------------------------------------------

    def _first_start_prompt(self) -> None:
        if self.settings.value("first_start/asked", False, type=bool):
            return
        box = QMessageBox(
            QMessageBox.Icon.Question,
            self.tr("欢迎使用社群运营工作台"),
            self.tr(
                "数据库还是空的。要先生成一批演示数据（社群、成员和一年的行为记录）来熟悉功能吗？"
                "\n\n演示数据随时可以在新的数据库里重新生成，不会影响以后导入的真实名单。"
            ),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            self,
        )
        box.setObjectName("first_start_dialog")
        box.button(QMessageBox.StandardButton.Yes).setText(self.tr("生成演示数据"))
        box.button(QMessageBox.StandardButton.No).setText(self.tr("以后再说"))
        box.finished.connect(lambda _result: self._first_start_answered(box))
        box.open()

    def _first_start_answered(self, box: QMessageBox) -> None:
        # Only a button press is an answer: a box closed with the window asks again next start.
        answer = box.standardButton(box.clickedButton()) if box.clickedButton() else None
        if answer not in (QMessageBox.StandardButton.Yes, QMessageBox.StandardButton.No):
            return
        self.settings.setValue("first_start/asked", True)
        if answer == QMessageBox.StandardButton.Yes:
            self.generate_demo_data(2000)

    def ask_for_demo_data(self) -> None:
        count, accepted = QInputDialog.getInt(
            self,
            self.tr("生成演示数据"),
            self.tr("成员数（演示数据只能填入空数据库）："),
            2000,
            10,
            1_000_000,
            1000,
        )
        if accepted:
            self.generate_demo_data(count)

    def generate_demo_data(self, members: int) -> None:
        # Imported on use: Faker and pypinyin would add half a second to every start.
        from core.demo.generate import DemoSummary, generate_demo

        def work(progress, cancelled) -> DemoSummary:
            with self.database.write_engine.begin() as connection:
                return generate_demo(connection, members, progress=progress, cancelled=cancelled)

        def done(summary: DemoSummary) -> None:
            self.statusBar().showMessage(
                self.tr("已生成 {members} 名成员、{events} 条行为记录").format(
                    members=f"{summary.members:,}", events=f"{summary.events:,}"
                ),
                8000,
            )
            self.data_changed.emit(EVERYTHING)

        run_task(self, work, label=self.tr("正在生成演示数据…"), on_success=done)

    def open_settings(self) -> None:
        # a dialog's module loads when it is first opened (start-up)
        from ui.settings.dialog import SettingsDialog

        SettingsDialog(self).exec()

    def show_about(self) -> None:
        # SQLAlchemy is not loaded before the window first shows
        from core.common.database import describe_url, resolve_url

        box = QMessageBox(self)
        box.setObjectName("about_dialog")
        box.setWindowTitle(self.tr("关于社群运营工作台"))
        box.setTextFormat(Qt.TextFormat.RichText)
        box.setText(
            self.tr(
                "<h3>社群运营工作台 {version}</h3>"
                "<p>社群与成员、分层、积分、海报与报表。数据只保存在本机，不会上传。</p>"
                "<p>数据库：{database}<br>数据文件夹：{data}<br>日志：{log}</p>"
                "<p>内置字体 Noto Sans SC 与 Noto Emoji，SIL Open Font License 1.1。</p>"
            ).format(
                version=__version__,
                database=html.escape(
                    describe_url(self.database.url if self.database else resolve_url())
                ),
                data=html.escape(str(paths.data_dir())),
                log=html.escape(str(log_file())),
            )
        )
        box.exec()

    def _on_attention_count(self, count: int) -> None:
        self.status_attention.setText(self.tr("需要处理 %n 项", "", count))
        self.status_attention.setVisible(count > 0)

    def show_attention(self) -> None:
        self.tabs.setCurrentWidget(self.communities_tab)
        self.communities_tab.show_attention()

    def open_import(self) -> None:
        self.tabs.setCurrentWidget(self.members_tab)
        self.members_tab.open_import()

    def open_chat_import(self) -> None:
        # the chat feature's window loads when first opened (start-up)
        from ui.chat.entry import open_chat_import

        open_chat_import(self, self.database, self.data_changed.emit)

    def new_community(self) -> None:
        self.tabs.setCurrentWidget(self.communities_tab)
        self.communities_tab.new_community()

    def record_activity_for(self, member_ids: list[int], community_id: int | None) -> None:
        """The 记录行为 form for members chosen in the 成员 tab."""
        # a dialog's module loads when it is first opened (start-up)
        from ui.activity.entry_dialog import ActivityEntryDialog

        dialog = ActivityEntryDialog(self.database, member_ids, community_id, self)
        dialog.recorded.connect(self._activity_recorded)
        dialog.exec()
        dialog.deleteLater()

    def _activity_recorded(self, count: int) -> None:
        self.statusBar().showMessage(self.tr("已记录 {n} 条行为").format(n=count), 8000)
        self.data_changed.emit(changes(Change.ACTIVITY, Change.MEMBERS))

    def show_members(self, member_ids: list[int], label: str) -> None:
        """The 成员 tab with just these members (a dashboard figure's people)."""
        self.tabs.setCurrentWidget(self.members_tab)
        self.members_tab.show_members(member_ids, label)

    def posters_for_members(self, member_ids: list[int]) -> None:
        """Open the 海报 tab and its batch dialog for these members, with the poster shown."""
        self.tabs.setCurrentWidget(self.posters_tab)
        self.posters_tab.ensure_built().open_bulk(member_ids)

    def posters_for_campaign(self, campaign_id: int, community_id: int | None) -> None:
        """Open the 海报 tab and its batch dialog with this campaign (and its group) chosen."""
        self.tabs.setCurrentWidget(self.posters_tab)
        self.posters_tab.ensure_built().open_bulk(
            campaign_id=campaign_id, community_id=community_id
        )

    def _build_poster_designer(self, database: Database):
        # the designer (Pillow, the renderer) when its page is first shown
        from ui.posters.designer import PosterDesigner

        designer = PosterDesigner(database)
        decorate(designer)
        return designer

    def feature_tabs(self) -> list:
        if self.database is None:
            return []
        return [
            self.overview_tab,
            self.communities_tab,
            self.members_tab,
            self.tiers_tab,
            self.ledger_tab,
            self.campaigns_tab,
            self.calendar_tab,
            self.posters_tab,
        ]

    def replace_database(self, database: Database) -> None:
        """Use another open database (after a restore) and tell every tab."""
        # SQLAlchemy is not loaded before the window first shows
        from core.common.database import describe_url

        self.database = database
        for tab in self.feature_tabs():
            tab.database = database
        self.status_database.setText(describe_url(database.url))
        self.data_changed.emit(EVERYTHING)

    # ----- view state ---------------------------------------------------------------------

    def _restore_geometry(self) -> None:
        geometry = self.settings.value("window/geometry")
        if geometry is None or not self.restoreGeometry(geometry):
            fit_to_screen(self, 1280, 800)
        else:
            keep_on_screen(self)  # saved on a larger monitor, perhaps
        state = self.settings.value("window/state")
        if state is not None:
            self.restoreState(state)

    def closeEvent(self, event: QCloseEvent) -> None:
        # Quitting waits for background work: not for dashboard figures nobody will see.
        self.overview_tab.cancel_loading()
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.settings.setValue("window/state", self.saveState())
        if self.database is not None:
            self.settings.setValue("window/last_tab", self.tabs.currentIndex())
        self.settings.sync()
        super().closeEvent(event)


def _open_folder(folder) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))
