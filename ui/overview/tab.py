"""The 概览 tab: headline figures of the database, loaded off the GUI thread."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from core.common.database import Database
from core.overview.stats import OverviewStats, overview_stats
from ui.common.changes import Change, Changes
from ui.common.empty_state import EmptyState
from ui.common.tab import FeatureTab


class StatCard(QFrame):
    """A big number with a caption under it."""

    def __init__(self, object_name: str, caption: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(object_name)
        self.setProperty("card", True)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.value_label = QLabel("—")
        self.value_label.setObjectName(f"{object_name}_value")
        self.value_label.setProperty("statValue", True)
        caption_label = QLabel(caption)
        caption_label.setProperty("statCaption", True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 16)
        layout.addWidget(self.value_label)
        layout.addWidget(caption_label)

    def set_value(self, value: int) -> None:
        self.value_label.setText(f"{value:,}")


class OverviewTab(FeatureTab):
    """Figures at a glance, and a way in for an empty database."""

    SHOWS = frozenset({Change.MEMBERS, Change.COMMUNITIES, Change.ACTIVITY})
    demo_requested = Signal()
    import_requested = Signal()
    new_community_requested = Signal()
    stats_loaded = Signal(object)  # OverviewStats

    def __init__(self, database: Database, parent: QWidget | None = None) -> None:
        super().__init__(database, parent)
        self.setObjectName("overview_tab")
        self.stats: OverviewStats | None = None
        self._again = False

        title = QLabel(self.tr("概览"))
        title.setProperty("pageTitle", True)
        self.cards = {
            "communities": StatCard("overview_communities", self.tr("社群")),
            "members": StatCard("overview_members", self.tr("成员")),
            "active_members_30d": StatCard("overview_active", self.tr("近 30 天活跃成员")),
            "joined_7d": StatCard("overview_joined", self.tr("近 7 天新入群")),
            "events": StatCard("overview_events", self.tr("行为记录")),
        }
        grid = QGridLayout()
        grid.setSpacing(16)
        for index, card in enumerate(self.cards.values()):
            grid.addWidget(card, index // 3, index % 3)

        self.empty_state = EmptyState(
            "overview_empty",
            "inbox",
            self.tr("数据库还是空的"),
            self.tr(
                "先生成一些演示数据熟悉各项功能，或者直接导入自己的成员名单"
                "（企业微信、微信群导出的 Excel 都可以）。"
            ),
        )
        self.demo_button = self.empty_state.add_action(
            "overview_demo_button", self.tr("生成演示数据…"), self.demo_requested.emit
        )
        self.empty_state.add_action(
            "overview_import_button",
            self.tr("导入成员名单…"),
            self.import_requested.emit,
            primary=False,
        )
        self.empty_state.add_action(
            "overview_new_community_button",
            self.tr("新建社群…"),
            self.new_community_requested.emit,
            primary=False,
        )

        self.location_label = QLabel()
        self.location_label.setObjectName("overview_location")
        self.location_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.location_label.setProperty("muted", True)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(32, 24, 32, 24)
        layout.setSpacing(16)
        layout.addWidget(title)
        layout.addLayout(grid)
        layout.addWidget(self.empty_state, 1)
        layout.addStretch(1)
        layout.addWidget(self.location_label)
        self._set_empty_visible(False)

    def reload(self, changed: Changes | None) -> None:
        """Reload the figures in the background; one load at a time, then once more if data
        changed meanwhile (the running load may have read before the change)."""
        if self.busy():
            self._again = True
            return
        self._again = False
        self.tasks.read(overview_stats, self._show)

    def _show(self, stats: OverviewStats) -> None:
        if self._again:
            QTimer.singleShot(0, self, lambda: self.reload(None))  # after this load has left busy()
        self.stats = stats
        for key, card in self.cards.items():
            card.set_value(getattr(stats, key))
        self._set_empty_visible(stats.is_empty)
        self.stats_loaded.emit(stats)

    def _set_empty_visible(self, visible: bool) -> None:
        self.empty_state.setVisible(visible)
