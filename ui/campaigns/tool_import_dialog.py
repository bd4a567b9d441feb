"""导入裂变工具明细: a campaign tool's per-participant export (LinkWeChat 群裂变明细, 任务宝明细)
kept as each participant's totals (core/campaigns/tool_import.py).

Picking a file previews it — the import itself, rolled back — with how many rows were matched
to members, which names fit nobody and which fit several (not guessed), and the line saying
which figures such a file cannot give. 导入 then writes it in one transaction; importing the
same file again adds nothing. A file that is not such an export is refused in one line and
nothing is written.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QVBoxLayout,
    QWidget,
)

from ui.campaigns.campaign_dialog import CampaignDialog
from ui.common.changes import Change, changes
from ui.common.errors import refusal_line
from ui.common.file_drop import choose_file, path_row, remember_folder
from ui.common.i18n import shown
from ui.common.widgets import hint_label, push_button, warning_label, wrapping_label

if TYPE_CHECKING:
    from ui.common.tab import FeatureTab

WRITES = changes(Change.CAMPAIGNS)
FILES = "*.xlsx *.xls *.csv"


class ToolImportDialog(CampaignDialog):
    def __init__(self, tab: FeatureTab, campaign_id: int) -> None:
        title = self.tr("导入裂变工具明细")
        super().__init__(tab, campaign_id, "campaign_tool_import_dialog", title, 600)
        self.path: Path | None = None
        self.previewed = None  # ToolImported of the preview, when the file was read
        self.imported = None  # ToolImported once written

        intro = QLabel(
            self.tr("LinkWeChat 导出的「群裂变明细」或「任务宝明细」表格：记下每人带来的新客数。")
        )
        intro.setWordWrap(True)
        browse = push_button("campaign_tool_import_browse", self.tr("选择文件…"), self.browse)
        self.file, file_row = path_row(
            "campaign_tool_import_file", self.tr("选择导出的 .xlsx / .xls / .csv 文件"), browse
        )

        self.summary = wrapping_label("campaign_tool_import_summary")
        self.unmatched_title = QLabel()
        self.unmatched = QListWidget()
        self.unmatched.setObjectName("campaign_tool_import_unmatched")
        self.ambiguous_title = QLabel()
        self.ambiguous = QListWidget()
        self.ambiguous.setObjectName("campaign_tool_import_ambiguous")
        lists = QHBoxLayout()
        for title, names in (
            (self.unmatched_title, self.unmatched),
            (self.ambiguous_title, self.ambiguous),
        ):
            column = QVBoxLayout()
            column.addWidget(title)
            names.setMinimumHeight(140)
            column.addWidget(names, 1)
            lists.addLayout(column)
        self.lists = QWidget()
        self.lists.setLayout(lists)
        lists.setContentsMargins(0, 0, 0, 0)
        self.lists.hide()
        self.missing = hint_label(name="campaign_tool_import_missing")
        self.missing.hide()
        self.message = warning_label("campaign_tool_import_message")
        self.message.hide()

        self.import_button = push_button(
            "campaign_tool_import_ok", self.tr("导入"), self.run_import
        )

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(file_row)
        layout.addWidget(self.message)
        layout.addWidget(self.summary)
        layout.addWidget(self.lists, 1)
        layout.addWidget(self.missing)
        layout.addWidget(self.close_buttons(self.import_button))
        self._update()

    def _update(self) -> None:
        self.import_button.setEnabled(
            not self.busy and self.previewed is not None and self.imported is None
        )

    def browse(self) -> None:
        path = choose_file(
            self,
            "campaign_tool_import_file_dialog",
            self.tr("选择裂变工具导出的表格"),
            self.tr("表格文件 ({files})").format(files=FILES),
        )
        if path is not None:
            self.set_path(path)

    def set_path(self, path: Path) -> None:
        """Read the file and show what importing it would do (nothing is written)."""
        from core.campaigns.tool_import import preview_tool_export

        self.path, self.previewed, self.imported = path, None, None
        remember_folder(path.parent)
        self.file.setText(str(path))
        self._clear()
        self.summary.setText(self.tr("正在读取…"))
        campaign = str(self.campaign_id)
        # A write session that keeps nothing: the import runs and is rolled back.
        self.write(
            lambda session: preview_tool_export(session, campaign, path),
            self.tr("正在读取表格…"),
            changes(),
            lambda result: self._previewed(path, result),
            self._refused,
        )

    def _clear(self) -> None:
        self.message.hide()
        self.lists.hide()
        self.missing.hide()
        self.summary.setText("")

    def _kind(self, result) -> str:
        if result.source == "linkwechat_group":
            return self.tr("群裂变明细")
        return self.tr("任务宝明细")

    def _previewed(self, path: Path, result) -> None:
        if path != self.path:
            return  # another file was chosen meanwhile
        self.previewed = result
        self.summary.setText(
            self.tr(
                "LinkWeChat {kind}：{rows} 行，认出成员 {matched} 人，未找到 {unmatched} 人，"
                "同名多人 {ambiguous} 人。导入将新增 {added}、更新 {updated}、不变 {unchanged}。"
            ).format(
                kind=self._kind(result),
                rows=result.rows,
                matched=result.matched,
                unmatched=len(result.unmatched),
                ambiguous=len(result.ambiguous),
                added=result.added,
                updated=result.updated,
                unchanged=result.unchanged,
            )
        )  # fmt: skip
        self._show_lists(result)

    def _show_lists(self, result) -> None:
        self.unmatched.clear()
        self.unmatched.addItems(result.unmatched)
        self.ambiguous.clear()
        self.ambiguous.addItems(result.ambiguous)
        self.unmatched_title.setText(self.tr("未找到的成员（照样导入，不计到人）"))
        self.ambiguous_title.setText(self.tr("同名多人、未认定"))
        self.lists.setVisible(bool(result.unmatched or result.ambiguous))
        figures = self.tr("、").join(shown(item) for item in result.missing)
        self.missing.setText(
            self.tr("这类明细只有每人合计、没有邀请关系，无法给出：{figures}").format(
                figures=figures
            )
        )
        self.missing.show()

    def _refused(self, error: BaseException) -> None:
        self.previewed = None
        line = refusal_line(self, error)
        if line is None:
            return
        self._clear()
        self.message.setText(line)
        self.message.show()

    def run_import(self) -> None:
        from core.campaigns.tool_import import import_tool_export as write_totals

        if self.path is None or self.previewed is None:
            return
        campaign, path = str(self.campaign_id), self.path
        self.write(
            lambda session: write_totals(session, campaign, path),
            self.tr("正在导入…"),
            WRITES,
            self._imported,
            self._refused,
        )

    def _imported(self, result) -> None:
        self.imported = result
        self.summary.setText(
            self.tr(
                "已导入 LinkWeChat {kind} {rows} 行：新增 {added}，更新 {updated}，"
                "不变 {unchanged}；认出成员 {matched} 人。"
            ).format(
                kind=self._kind(result),
                rows=result.rows,
                added=result.added,
                updated=result.updated,
                unchanged=result.unchanged,
                matched=result.matched,
            )
        )  # fmt: skip
        self._show_lists(result)


import_tool_export = ToolImportDialog.open_over  # 导入工具明细… in the tab's 记录 menu
