"""The why-panel (为什么是这个等级): per community, the level, why it holds, what is missing.

Shown in the member detail. Each community gets a card: the level and its status, every
criterion of the next level with the member's figure against the threshold, the one-line
hint ("再签到 3 天即可升级为活跃成员"), and the controls to give a level by hand or lock it.
"""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QFrame,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from core.common.database import Database
from core.common.operator import operator_name
from core.tiers.explain import LevelExplanation, explain_member
from core.tiers.ladder import load_ladder
from core.tiers.manual import set_level, set_locked
from ui.common.flow_layout import flow_row
from ui.common.i18n import shown, shown_name
from ui.common.tasks import TaskGroup
from ui.common.widgets import choice, hint_label, wrapping_label


class LevelCard(QFrame):
    """One community's level, criteria and hint."""

    def __init__(self, panel: LevelPanel, item: LevelExplanation, levels: list[tuple[str, str]]):
        super().__init__()
        self.panel = panel
        self.item = item
        self.setObjectName(f"levelCard_{item.community_id}")
        self.setProperty("card", True)
        self.setFrameShape(QFrame.Shape.StyledPanel)

        title = wrapping_label(
            "levelTitle", f"<b>{escape(item.community)}</b> · {escape(shown_name(item.level_name))}"
        )
        status = hint_label(escape(shown(item.status_text)), "levelStatus")
        criteria = QLabel(self._criteria_html())
        criteria.setObjectName("levelCriteria")
        criteria.setTextFormat(Qt.TextFormat.RichText)
        criteria.setWordWrap(True)
        hint = wrapping_label("levelHint", escape(shown(item.hint)))
        hint.setStyleSheet("font-weight: bold;")

        self.level_combo = choice(
            "levelCombo", [(shown_name(name), key) for key, name in levels], item.level
        )
        self.level_combo.activated.connect(self._give_level)
        self.lock = QCheckBox(self.tr("锁定等级（不随规则变化）"))
        self.lock.setObjectName("levelLock")
        self.lock.setChecked(item.locked)
        self.lock.toggled.connect(self._toggle_lock)
        # Wraps in the narrow detail panel beside the members table.
        controls = flow_row(QLabel(self.tr("手动指定：")), self.level_combo, self.lock)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 10, 14, 10)
        layout.setSpacing(6)
        layout.addWidget(title)
        layout.addWidget(status)
        layout.addWidget(criteria)
        layout.addWidget(hint)
        layout.addWidget(controls)

    def _criteria_html(self) -> str:
        item = self.item
        if not item.next:
            return ""
        rows = [
            self.tr("升级为「{level}」的条件（近 {days} 天）：").format(
                level=escape(shown_name(item.next_level_name or "")), days=item.window_days
            )
        ]
        for c in item.next:
            mark = "✓" if c.met else "✗"
            colour = "#2e7d32" if c.met else "#c62828"
            rows.append(
                f"<span style='color:{colour}'>{mark}</span> {escape(shown(c.label))} "
                f"<b>{c.figure}</b> / {c.threshold}"
            )
        return "<br>".join(rows)

    def _give_level(self) -> None:
        key = self.level_combo.currentData()
        if key == self.item.level and self.item.locked:
            return
        member_id, community_id = self.panel.member_id, self.item.community_id
        self.panel.run_change(
            lambda session: set_level(
                session, member_id, community_id, key, operator=operator_name()
            )
        )

    def _toggle_lock(self, locked: bool) -> None:
        member_id, community_id = self.panel.member_id, self.item.community_id
        self.panel.run_change(
            lambda session: set_locked(
                session, member_id, community_id, locked, operator=operator_name()
            )
        )


MAX_CARDS = 20  # a member in more groups than this is the owner's account, not a member


class LevelPanel(QWidget):
    """All of a member's level cards; reloads itself after a change made here.

    A section of the member detail (the window adds it there: members do not know levels):
    `section_title`, `database`, `show_member(id)` and `changed` after a saved change.
    """

    changed = Signal()

    def __init__(self, database: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("levelPanel")
        self.section_title = self.tr("等级：为什么是这个等级")
        self.database = database
        self.member_id: int | None = None
        self.tasks = TaskGroup(self)
        self.cards: list[LevelCard] = []
        # Wrapped: the detail panel beside the members table is narrow.
        self.empty = hint_label(self.tr("不在任何社群里，没有等级"))
        self.layout_ = QVBoxLayout(self)
        self.layout_.setContentsMargins(0, 0, 0, 0)
        self.layout_.addWidget(self.empty)
        self.layout_.addStretch(1)  # cards keep their natural height at the top

    def show_member(self, member_id: int | None) -> None:
        self.member_id = member_id
        if member_id is None:
            self._set_cards([], {})
            return

        def load(session):
            items = explain_member(session, member_id)
            levels = {
                item.community_id: [
                    (level.key, level.name)
                    for level in load_ladder(session, item.community_id).levels
                ]
                for item in items
            }
            return member_id, items, levels

        self.tasks.read(load, self._loaded)

    def _loaded(self, result) -> None:
        member_id, items, levels = result
        if member_id == self.member_id:
            self._set_cards(items, levels)

    def _set_cards(self, items: list[LevelExplanation], levels) -> None:
        for card in self.cards:
            self.layout_.removeWidget(card)
            card.deleteLater()
        team = bool(items) and all(item.status == "team" for item in items)
        visible = [] if team else items[:MAX_CARDS]
        self.cards = [LevelCard(self, item, levels[item.community_id]) for item in visible]
        for index, card in enumerate(self.cards):
            self.layout_.insertWidget(index, card)
        if team:
            self.empty.setText(self.tr("团队成员（店主、员工）不参与分层统计"))
        elif len(items) > MAX_CARDS:
            self.empty.setText(
                self.tr("只显示前 {shown} 个群，共 {total} 个").format(
                    shown=MAX_CARDS, total=len(items)
                )
            )
        else:
            self.empty.setText(self.tr("不在任何社群里，没有等级"))
        self.layout_.removeWidget(self.empty)
        self.layout_.insertWidget(len(self.cards), self.empty)
        self.empty.setVisible(
            self.member_id is not None and (team or not items or len(items) > len(visible))
        )

    def run_change(self, change) -> None:
        def done(_result) -> None:
            self.changed.emit()  # the detail announces it: Change.MEMBERS
            self.show_member(self.member_id)

        self.tasks.write(change, label=self.tr("正在保存…"), changes=frozenset(), then=done)
