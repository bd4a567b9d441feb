"""分群 in the 成员 tab: the segment box beside the search, 导出分群… among the buttons.

Segments build on members, so this side knows the tab; the tab knows only MemberScope.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QWidget

from core.common.paths import data_dir
from core.segments.catalogue import SEGMENTS, get_segment
from ui.common.i18n import shown
from ui.common.widgets import push_button
from ui.members.scope import ExtraChoice, MemberScope

if TYPE_CHECKING:  # pragma: no cover
    from sqlalchemy.orm import Session

    from ui.members.tab import MembersTab


class SegmentScope(MemberScope):
    def __init__(self, tab: MembersTab, extra: Sequence[ExtraChoice] = ()) -> None:
        super().__init__(tab)
        self.tab = tab
        self.extra = {choice.key: choice for choice in extra}  # after the segments
        # 分群: saved filters computed from activity (core.segments); the tooltip says what each is.
        self.combo = QComboBox()
        self.combo.setObjectName("members_filter_segment")
        self.combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.combo.addItem(self.tr("分群：全部"), None)
        self.combo.setToolTip(self.tr("按行为和价值分群：RFM、流失预警、新人活跃、本周最投入"))
        behaviour = {s.key for s in SEGMENTS if s.kind != "rfm"}
        for segment in SEGMENTS:
            if segment.kind == "rfm" and self.combo.itemData(self.combo.count() - 1) in behaviour:
                self.combo.insertSeparator(self.combo.count())  # behaviour | RFM
            self.combo.addItem(shown(segment.name), segment.key)
            self.combo.setItemData(
                self.combo.count() - 1,
                f"{shown(segment.description)}\n{self.tr('建议：')}{shown(segment.action)}",
                Qt.ItemDataRole.ToolTipRole,
            )
        if self.extra:
            self.combo.insertSeparator(self.combo.count())
        for choice in self.extra.values():
            self.combo.addItem(choice.label, choice.key)
            self.combo.setItemData(
                self.combo.count() - 1, choice.tooltip, Qt.ItemDataRole.ToolTipRole
            )
        self.export_button = push_button(
            "members_export_segment", self.tr("导出分群…"), self.export
        )
        self.export_button.setToolTip(
            self.tr("导出当前分群的成员，每行附「建议动作」（先在上方选择分群）")
        )
        self.combo.currentIndexChanged.connect(self._chosen)
        self._update_button()

    # ----- MemberScope ------------------------------------------------------------------

    def filter_widget(self) -> QWidget:
        return self.combo

    def action_widgets(self) -> list[QWidget]:
        return [self.export_button]

    def key(self) -> str | None:
        return self.combo.currentData()

    def clear(self) -> None:
        self.combo.blockSignals(True)
        self.combo.setCurrentIndex(0)
        self.combo.blockSignals(False)
        self._update_button()

    def computing_text(self) -> str:
        return self.tr("正在计算分群…")

    def member_ids(self, session: Session, key: str) -> dict[str, list[int]]:
        if key in self.extra:
            return {key: self.extra[key].member_ids(session)}
        # One RFM computation answers all eight RFM segments: the tab keeps them all. Loaded
        # when a 分群 is first chosen (start-up).
        from core.segments.compute import segment_ids_with_siblings

        return segment_ids_with_siblings(session, key)

    # ----- 导出分群… -----------------------------------------------------------------------

    def _chosen(self) -> None:
        self._update_button()
        self.changed.emit()

    def _update_button(self) -> None:
        # 导出分群 writes a segment's 建议动作: the extra choices have none.
        self.export_button.setEnabled(self.key() is not None and self.key() not in self.extra)

    def export(self) -> None:
        """The segment as shown (within the other filters), with 分群依据 and 建议动作 per row."""
        key = self.key()
        if key is None:
            return
        tab = self.tab
        segment = get_segment(key)
        if not tab.list_complete():
            tab.say(self.tr("分群还在计算，请稍候再导出"), 5000)
            return
        ids = tab.model.ids()
        suggested = (
            Path(data_dir()).parent / f"分群_{segment.name}_{datetime.now():%Y%m%d_%H%M}.xlsx"
        )

        def export(session, path, mask, progress, cancelled):
            from core.segments.export import export_segment  # openpyxl: only when exporting

            return export_segment(
                session,
                segment.key,
                path,
                mask=mask,
                member_ids=ids,
                progress=progress,
                cancelled=cancelled,
            )

        tab.run_export(
            self.tr("导出分群"),
            suggested,
            len(ids),
            export,
            text=self.tr(
                "导出分群「{name}」的 %Ln 名成员到 Excel，每行附建议动作：{action}", "", len(ids)
            ).format(name=shown(segment.name), action=shown(segment.action)),
            label=self.tr("正在导出分群…"),
            said=lambda result: self.tr(
                "已导出分群「{name}」%n 人到 {path}{masked}", "", result.rows
            ).format(
                name=shown(segment.name),
                path=result.path,
                masked=self.tr("（手机号、微信号已打码）") if result.masked else "",
            ),
        )
