"""导入行为记录: choose a spreadsheet, preview what it would record and which rows are refused,
then import it in one transaction (importing the same file again adds nothing)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from core.activity.importing import ActivityImportPlan, plan_activity_import
from core.common.database import Database
from core.workflows.activity import record_activity_import
from ui.activity.labels import activity_name
from ui.common.file_drop import FileDropDialog, choose_file, path_row, remember_folder
from ui.common.i18n import shown
from ui.common.screen_fit import fit_to_screen
from ui.common.session_work import in_session
from ui.common.tasks import TaskGroup, run_task
from ui.common.widgets import (
    hint_label,
    push_button,
    read_only_table,
    wrapping_label,
)
from ui.members.community_choice import community_box


class ActivityImportDialog(FileDropDialog):
    """预览 (a dry run in the background), then 导入; `imported(n)` after n events were added."""

    imported = Signal(int)

    def __init__(
        self, database: Database, community_id: int | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("activityImportDialog")
        self.setWindowTitle(self.tr("从表格导入行为记录"))
        self.database = database
        self.tasks = TaskGroup(self)
        self.path: Path | None = None
        self.plan: ActivityImportPlan | None = None

        hint = hint_label(
            self.tr(
                "支持 .xlsx .xls .ods .csv .txt。"
                "每行一条记录：成员（成员编号、微信号、手机号或昵称）、"
                "行为（签到、发言、购买…）、日期，可选 次数 和 金额（元）；"
                "或者每种行为一列、格子里是次数的统计表。表格上方有标题行也没关系。\n"
                "先预览：会列出将记录多少条、哪些行无法导入及原因；同一个文件再导入不会重复记录。"
            )
        )

        browse = push_button("activityImportBrowse", self.tr("选择文件…"), self.browse)
        self.file, file_row = path_row(
            "activityImportFile", self.tr("选择或拖入一个表格文件"), browse
        )

        self.community = community_box(
            database, "activityImportCommunity", community_id, (self.tr("按文件里的社群列"), None)
        )
        self.community.setToolTip(
            self.tr("文件里没有「社群」列的行算作这个社群；按昵称找成员时需要知道社群")
        )
        self.community.currentIndexChanged.connect(self._invalidate)

        form = QFormLayout()
        form.addRow(self.tr("文件"), file_row)
        form.addRow(self.tr("社群"), self.community)

        self.summary = wrapping_label(
            "activityImportSummary", self.tr("选择文件后点「预览」：先看结果，确认后才写入。")
        )

        self.errors = read_only_table(
            "activityImportErrors",
            [self.tr("工作表"), self.tr("行"), self.tr("成员"), self.tr("无法导入的原因")],
        )

        self.preview_button = push_button(
            "activityImportPreview", self.tr("预览"), lambda: self.preview()
        )
        self.preview_button.setEnabled(False)
        self.apply_button = push_button("activityImportApply", self.tr("导入"), self.apply)
        self.apply_button.setEnabled(False)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        bottom = QHBoxLayout()
        bottom.addStretch(1)
        bottom.addWidget(self.preview_button)
        bottom.addWidget(self.apply_button)
        bottom.addWidget(buttons)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 20, 20, 16)
        layout.setSpacing(12)
        layout.addWidget(hint)
        layout.addLayout(form)
        layout.addWidget(self.summary)
        layout.addWidget(self.errors, 1)
        layout.addLayout(bottom)
        fit_to_screen(self, 900, 600)

    # ----- the file -----------------------------------------------------------------------

    def browse(self) -> None:
        path = choose_file(
            self,
            "activityImportFileDialog",
            self.tr("选择行为记录表格"),
            self.tr("表格 (*.xlsx *.xlsm *.xls *.ods *.csv *.txt);;所有文件 (*)"),
        )
        if path is not None:
            self.set_file(path)

    def set_file(self, path: Path) -> None:
        self.path = path
        remember_folder(path.parent)
        self.file.setText(str(path))
        self.preview_button.setEnabled(True)
        self.preview_button.setDefault(True)
        self._invalidate()

    def take_dropped(self, path: Path) -> bool:
        self.set_file(path)
        return True

    def _invalidate(self) -> None:
        self.plan = None
        self.apply_button.setEnabled(False)

    # ----- preview ------------------------------------------------------------------------

    def preview(self, then=None) -> None:
        """Plan the import in the background (nothing is written); `then(plan)` afterwards."""
        if self.path is None:
            return
        work = in_session(
            self.database,
            plan_activity_import,
            self.path,
            community_id=self.community.currentData(),
        )
        run_task(
            self,
            work,
            label=self.tr("正在读取并检查每一行…"),
            on_success=lambda plan: self._show(plan, then),
        )

    def _show(self, plan: ActivityImportPlan, then=None) -> None:
        self.plan = plan
        kinds = "、".join(
            self.tr("{kind} {n}").format(kind=activity_name(kind), n=n)
            for kind, n in plan.by_kind.items()
        )
        parts = [
            self.tr("「{file}」：读取 {rows} 行，将记录 {add} 条行为（{members} 人）").format(
                file=plan.file_name, rows=plan.rows, add=plan.to_add, members=plan.members
            )
        ]
        if kinds:
            parts.append(kinds)
        if plan.already_imported:
            parts.append(self.tr("%n 条这个文件已导入过，不会重复记录", "", plan.already_imported))
        if plan.rejected:
            parts.append(self.tr("%n 行无法导入，原因见下表", "", len(plan.rejected)))
        if plan.empty_rows:
            parts.append(self.tr("%n 行次数都是 0", "", plan.empty_rows))
        text = "；".join(parts)
        if plan.notes:
            text += "\n" + "\n".join(shown(note) for note in plan.notes)
        self.summary.setText(text)
        self.errors.setRowCount(len(plan.rejected))
        for row, rejected in enumerate(plan.rejected):
            for column, value in enumerate(
                (rejected.sheet, str(rejected.row), rejected.member, shown(rejected.reason))
            ):
                self.errors.setItem(row, column, QTableWidgetItem(value))
        self.apply_button.setEnabled(bool(plan.events))
        self.apply_button.setDefault(bool(plan.events))
        if then is not None:
            then(plan)

    # ----- import -------------------------------------------------------------------------

    def apply(self) -> None:
        if self.plan is None:
            self.preview(then=lambda _plan: self._apply())
        else:
            self._apply()

    def _apply(self) -> None:
        plan = self.plan
        if plan is None or not plan.events:
            return

        def done(added: int) -> None:
            self.plan = None
            self.apply_button.setEnabled(False)
            self.summary.setText(self.tr("已导入 {n} 条行为记录").format(n=added))
            self.imported.emit(added)  # the opener announces it

        self.tasks.write(
            lambda session: record_activity_import(session, plan).added,
            label=self.tr("正在导入行为记录…"),
            changes=frozenset(),
            then=done,
        )
