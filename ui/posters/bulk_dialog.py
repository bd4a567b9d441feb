"""批量生成海报: one personal poster per member, from the template the designer shows.

Who (a community, a saved segment, or the members selected in the 成员 tab), for which
campaign (海报裂变 and the other code types: each poster then carries the member's code in that
campaign, from core.workflows.campaign_posters; 无: their standing code), the batch's
shared fields ({活动名}, {截止日期}) and where to (a folder or a .zip, PNG or JPEG); then the
batch runs in the background on every core, with a progress bar and 取消. The posters come
from `core.posters.bulk`, the same functions `main.py posters render` uses: each QR code is
decoded back before its file is written, and a cancelled or failed batch leaves nothing.
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate, QStandardPaths, Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QProgressBar,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from core.common.database import Database
from core.common.errors import UserError
from core.common.filenames import safe_file_name
from core.common.progress import Cancelled
from core.members.query import filter_choices
from core.posters.batch import BatchResult
from core.posters.bulk import check_output, load_recipients, render_recipients
from core.posters.members import select_member_ids
from core.posters.render import Assets
from core.posters.template import Template, template_fields
from core.referrals.invite_codes import (
    check_link_template,
    save_link_template,
    saved_link_template,
)
from core.segments.catalogue import SEGMENTS
from core.workflows.campaign_posters import PosterCampaign, campaign_recipients, poster_campaigns
from ui.common.errors import show_error
from ui.common.i18n import shown
from ui.common.tasks import Task, TaskGroup, while_alive
from ui.common.widgets import fill_communities, hint_label, push_button, wrapping_label

DETAIL_LINES = 200  # failures listed one by one; a batch where thousands fail says so once


class BulkPosterDialog(QDialog):
    """Choose who, fill the shared fields, pick the output, 开始生成; the result stays shown.

    `jobs`: processes to render with; None (the default) uses every core.
    """

    # A batch for a campaign has finished (or stopped): it may have issued campaign codes.
    campaign_codes_issued = Signal()

    def __init__(
        self,
        database: Database,
        template: Template,
        assets: Assets,
        template_name: str,
        parent: QWidget | None = None,
        selected_member_ids: list[int] | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("bulkPosterDialog")
        self.setWindowTitle(self.tr("批量生成海报 · {name}").format(name=template_name))
        self.database = database
        self.template = template
        self.assets = dict(assets)
        self.template_name = template_name
        self.selected_member_ids = (
            list(selected_member_ids) if selected_member_ids is not None else None
        )
        self.jobs: int | None = None
        self.task: Task | None = None
        self.result: BatchResult | None = None
        self.member_count: int | None = None  # for the current choice, once counted
        self._counts = TaskGroup(self)
        self._count_request = 0
        self._close_when_done = False
        self._for_campaign = False

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setVerticalSpacing(10)
        form.setHorizontalSpacing(16)
        form.addRow(self.tr("生成对象"), self._who())
        self.count = QLabel(self.tr("正在统计人数…"))
        self.count.setObjectName("bulkPosterCount")
        form.addRow(self.tr("人数"), self.count)
        self._campaign_row(form)
        self._fields(form)
        self._output(form)

        self.progress = QProgressBar()
        self.progress.setObjectName("bulkPosterProgress")
        self.progress.setVisible(False)
        self.summary = wrapping_label("bulkPosterSummary")
        self.summary.setVisible(False)
        self.details = QPlainTextEdit()
        self.details.setObjectName("bulkPosterDetails")
        self.details.setReadOnly(True)
        self.details.setVisible(False)
        self.details.setMinimumHeight(110)

        self.open_folder_button = push_button(
            "bulkPosterOpenFolder", self.tr("打开所在文件夹"), self.open_output_folder
        )
        self.open_folder_button.setVisible(False)
        self.start_button = push_button("bulkPosterStart", self.tr("开始生成"), self.start)
        self.start_button.setDefault(True)
        self.cancel_button = push_button("bulkPosterCancel", self.tr("取消生成"), self.cancel)
        self.cancel_button.setVisible(False)
        self.close_button = push_button("bulkPosterClose", self.tr("关闭"), self.reject)
        self.close_button.setAutoDefault(False)
        bottom = QHBoxLayout()
        bottom.addWidget(self.open_folder_button)
        bottom.addStretch(1)
        bottom.addWidget(self.start_button)
        bottom.addWidget(self.cancel_button)
        bottom.addWidget(self.close_button)

        hint = hint_label(
            self.tr(
                "为每位成员生成一张带本人昵称、邀请码和专属二维码的海报。"
                "每张海报的二维码都会先扫码校验，扫不出的不会保存。"
            )
        )

        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 20, 20, 16)
        layout.setSpacing(12)
        layout.addWidget(hint)
        layout.addLayout(form)
        layout.addWidget(self.progress)
        layout.addWidget(self.summary)
        layout.addWidget(self.details, 1)
        layout.addLayout(bottom)
        self.setMinimumWidth(560)

        self._sync_buttons()
        self.refresh_count()

    # ----- building -----------------------------------------------------------------------

    def _who(self) -> QWidget:
        self.by_community = QRadioButton(self.tr("社群"))
        self.by_community.setObjectName("bulkPosterByCommunity")
        self.by_segment = QRadioButton(self.tr("分群"))
        self.by_segment.setObjectName("bulkPosterBySegment")
        self.community = QComboBox()
        self.community.setObjectName("bulkPosterCommunity")
        self.segment = QComboBox()
        self.segment.setObjectName("bulkPosterSegment")
        with self.database.session() as session:
            fill_communities(self.community, filter_choices(session))

        for segment in SEGMENTS:
            self.segment.addItem(shown(segment.name), segment.key)
            self.segment.setItemData(
                self.segment.count() - 1, shown(segment.description), Qt.ItemDataRole.ToolTipRole
            )
        self.community.setToolTip(self.tr("当前在群的成员，不含团队成员（群主、员工）"))
        self.segment.setToolTip(self.tr("与成员页「分群」筛选相同的名单，不含团队成员"))

        self.who = QButtonGroup(self)
        grid = QGridLayout()
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(12)
        grid.addWidget(self.by_community, 0, 0)
        grid.addWidget(self.community, 0, 1)
        grid.addWidget(self.by_segment, 1, 0)
        grid.addWidget(self.segment, 1, 1)
        grid.setColumnStretch(1, 1)
        self.who.addButton(self.by_community)
        self.who.addButton(self.by_segment)
        self.by_selection: QRadioButton | None = None
        if self.selected_member_ids is not None:
            self.by_selection = QRadioButton(
                self.tr("成员页中选中的 %n 位成员", "", len(self.selected_member_ids))
            )
            self.by_selection.setObjectName("bulkPosterBySelection")
            self.who.addButton(self.by_selection)
            grid.addWidget(self.by_selection, 2, 0, 1, 2)
            self.by_selection.setChecked(True)
        elif self.community.count():
            self.by_community.setChecked(True)
        else:
            self.by_segment.setChecked(True)
        self.who.buttonToggled.connect(lambda _button, on: self._who_changed() if on else None)
        self.community.currentIndexChanged.connect(lambda _i: self._combo_chosen(self.community))
        self.segment.currentIndexChanged.connect(lambda _i: self._combo_chosen(self.segment))
        box = QWidget()
        box.setLayout(grid)
        return box

    def _campaign_row(self, form: QFormLayout) -> None:
        self.campaign = QComboBox()
        self.campaign.setObjectName("bulkPosterCampaign")
        self.campaign.addItem(self.tr("无（每人的常驻邀请码）"), None)
        with self.database.session() as session:
            self.campaigns: dict[int, PosterCampaign] = {c.id: c for c in poster_campaigns(session)}
        for c in self.campaigns.values():
            label = self.tr("{name}（{kind} · {status}）").format(
                name=c.name, kind=shown(c.kind_label), status=shown(c.status_label)
            )
            self.campaign.addItem(label, c.id)
        self.campaign.setToolTip(
            self.tr(
                "选一个活动（海报裂变、邀请码裂变等草稿或进行中的活动）："
                "海报上是每人在这个活动的邀请码，第一次生成时发放并记录，再生成还是同一个码。"
                "选「无」则用每人的常驻邀请码。"
            )
        )
        self.campaign_note = hint_label(
            self.tr("海报上是每人在本活动的邀请码，扫码或输入后可在「活动」页记录邀请")
        )
        self.campaign_note.setObjectName("bulkPosterCampaignNote")
        self.campaign_note.setVisible(False)
        self._campaign_name = ""
        self.campaign.currentIndexChanged.connect(lambda _i: self._campaign_changed())
        column = QVBoxLayout()
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(4)
        column.addWidget(self.campaign)
        column.addWidget(self.campaign_note)
        form.addRow(self.tr("活动"), column)

    def choose_campaign(self, campaign_id: int | None = None, community_id: int | None = None):
        """Open on this campaign (and its group, when given): the 活动 tab's 生成海报."""
        index = self.campaign.findData(campaign_id) if campaign_id is not None else -1
        if index >= 0:
            self.campaign.setCurrentIndex(index)
        found = self.community.findData(community_id) if community_id is not None else -1
        if found >= 0 and self.by_selection is None:
            self.community.setCurrentIndex(found)
            self.by_community.setChecked(True)

    def chosen_campaign(self) -> PosterCampaign | None:
        """The campaign whose codes the posters will carry; None: standing codes."""
        campaign_id = self.campaign.currentData()
        return self.campaigns.get(campaign_id) if campaign_id is not None else None

    def _campaign_changed(self) -> None:
        """A campaign fills {活动名} with its name and {截止日期} with its end; back to 无, the
        name it filled goes (what the operator typed stays)."""
        chosen = self.chosen_campaign()
        typed = self.activity.text().strip()
        if chosen is not None:
            self.activity.setText(chosen.name)
            if chosen.deadline is not None:
                self.has_deadline.setChecked(True)
                self.deadline.setDate(QDate(chosen.deadline))
        elif typed and typed == self._campaign_name:
            self.activity.clear()
        self._campaign_name = chosen.name if chosen is not None else ""
        self.campaign_note.setVisible(chosen is not None)

    def _fields(self, form: QFormLayout) -> None:
        used = set(template_fields(self.template))
        self.activity = QLineEdit()
        self.activity.setObjectName("bulkPosterActivity")
        self.activity.setPlaceholderText(
            self.tr("填入海报上的 {活动名}，例如 春日烘焙体验营")
            if "活动名" in used
            else self.tr("这个模板没有用到 {活动名}，可不填")
        )
        form.addRow(self.tr("活动名"), self.activity)

        self.has_deadline = QCheckBox(self.tr("写上截止日期"))
        self.has_deadline.setObjectName("bulkPosterHasDeadline")
        self.has_deadline.setChecked("截止日期" in used)
        self.deadline = QDateEdit(QDate.currentDate().addDays(7))
        self.deadline.setObjectName("bulkPosterDeadline")
        self.deadline.setCalendarPopup(True)
        self.deadline.setDisplayFormat("yyyy-MM-dd")
        self.deadline.setEnabled(self.has_deadline.isChecked())
        self.has_deadline.toggled.connect(self.deadline.setEnabled)
        self.has_deadline.setToolTip(self.tr("填入海报上的 {截止日期}，写作「4月30日」"))
        row = QHBoxLayout()
        row.addWidget(self.has_deadline)
        row.addWidget(self.deadline)
        row.addStretch(1)
        form.addRow(self.tr("截止日期"), row)

        self.invite_link = QLineEdit()
        self.invite_link.setObjectName("bulkPosterInviteLink")
        self.invite_link.setPlaceholderText(self.tr("例如 https://example.com/i/{邀请码}"))
        self.invite_link.setToolTip(
            self.tr(
                "二维码 {邀请链接} 的格式，{邀请码} 换成每人自己的码；留空则二维码里只有邀请码。"
                "改动会被记住。"
            )
        )
        with self.database.session() as session:
            self.invite_link.setText(saved_link_template(session))
        form.addRow(self.tr("邀请链接"), self.invite_link)

    def _output(self, form: QFormLayout) -> None:
        self.to_folder = QRadioButton(self.tr("文件夹（每人一个图片文件）"))
        self.to_folder.setObjectName("bulkPosterToFolder")
        self.to_zip = QRadioButton(self.tr("压缩包（.zip，方便发给同事）"))
        self.to_zip.setObjectName("bulkPosterToZip")
        self.to_folder.setChecked(True)
        self.output_kind = QButtonGroup(self)
        self.output_kind.addButton(self.to_folder)
        self.output_kind.addButton(self.to_zip)
        self.to_zip.toggled.connect(self._output_kind_changed)
        kinds = QHBoxLayout()
        kinds.addWidget(self.to_folder)
        kinds.addWidget(self.to_zip)
        kinds.addStretch(1)
        form.addRow(self.tr("保存为"), kinds)

        self.out = QLineEdit(str(self._default_output()))
        self.out.setObjectName("bulkPosterOut")
        self.out.setMinimumWidth(280)
        self.out.setToolTip(self.tr("文件名为「昵称_邀请码.png」，重名时自动加序号"))
        self.browse_button = push_button("bulkPosterBrowse", self.tr("选择…"), self.browse)
        self.browse_button.setAutoDefault(False)
        row = QHBoxLayout()
        row.addWidget(self.out, 1)
        row.addWidget(self.browse_button)
        form.addRow(self.tr("位置"), row)

        self.format = QComboBox()
        self.format.setObjectName("bulkPosterFormat")
        self.format.addItem(self.tr("PNG（清晰无损）"), "png")
        self.format.addItem(self.tr("JPEG（文件更小，适合微信发送）"), "jpeg")
        form.addRow(self.tr("图片格式"), self.format)

    def _default_output(self) -> Path:
        base = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.PicturesLocation)
        folder = Path(base) if base else Path.home()
        stem = safe_file_name(self.template_name, "海报")
        return folder / self.tr("{name}_个人海报_{day}").format(
            name=stem, day=date.today().strftime("%Y%m%d")
        )

    # ----- who ----------------------------------------------------------------------------

    def _combo_chosen(self, combo: QComboBox) -> None:
        # Picking in a combo means "this one": check its radio button.
        button = self.by_community if combo is self.community else self.by_segment
        if not button.isChecked():
            button.setChecked(True)  # → _who_changed
        else:
            self.refresh_count()

    def _who_changed(self) -> None:
        self._sync_buttons()
        self.refresh_count()

    def _sync_who(self) -> None:
        self.community.setEnabled(self.by_community.isChecked())
        self.segment.setEnabled(self.by_segment.isChecked())

    def choice(self) -> dict[str, Any]:
        """Who gets a poster, as keyword arguments for `load_recipients`."""
        if self.by_selection is not None and self.by_selection.isChecked():
            return {"member_ids": list(self.selected_member_ids or [])}
        if self.by_community.isChecked() and self.community.currentData() is not None:
            return {"community_id": self.community.currentData()}
        return {"segment": self.segment.currentData()}

    def refresh_count(self) -> None:
        """Count the members of the current choice in the background (a segment is computed)."""
        self._count_request += 1
        request, choice = self._count_request, self.choice()
        self.member_count = None
        self.count.setText(self.tr("正在统计人数…"))

        def count(session) -> tuple[int, str]:
            ids, _community_id, what = select_member_ids(session, **choice)
            return len(ids), what

        self._counts.read(count, lambda counted: self._show_count(request, *counted))

    def _show_count(self, request: int, n: int, what: str) -> None:
        if request != self._count_request:
            return  # the choice changed since; its own count is on the way
        self.member_count = n
        if n:
            self.count.setText(self.tr("将为 %n 位成员各生成一张海报", "", n))
        else:
            self.count.setText(self.tr("{what}里没有可生成海报的成员").format(what=shown(what)))
        self._sync_buttons()

    def counting(self) -> bool:
        return self._counts.busy()

    # ----- output -------------------------------------------------------------------------

    def _output_kind_changed(self, as_zip: bool) -> None:
        text = self.out.text().strip()
        if not text:
            return
        path = Path(text)
        if as_zip and path.suffix.lower() != ".zip":
            self.out.setText(str(path.with_name(path.name + ".zip")))
        elif not as_zip and path.suffix.lower() == ".zip":
            self.out.setText(str(path.with_suffix("")))

    def browse(self) -> None:
        current = self.out.text().strip()
        if self.to_zip.isChecked():
            name, _ = QFileDialog.getSaveFileName(
                self, self.tr("保存压缩包"), current, self.tr("压缩包 (*.zip)")
            )
        else:
            name = QFileDialog.getExistingDirectory(
                self, self.tr("选择保存海报的文件夹"), str(Path(current).parent) if current else ""
            )
        if name:
            self.out.setText(name)
            self._output_kind_changed(self.to_zip.isChecked())

    def output_path(self) -> Path:
        """The folder or zip the batch will write; UserError when it cannot be used."""
        text = self.out.text().strip()
        if not text:
            raise UserError(self.tr("请选择保存海报的位置"))
        path = Path(text).expanduser()
        if not path.is_absolute():
            raise UserError(
                self.tr("「{path}」不是完整的路径，请点「选择…」选一个位置").format(path=text)
            )
        return check_output(path, self.to_zip.isChecked())

    def open_output_folder(self) -> None:
        if self.result is None:
            return
        output = Path(self.result.output)
        folder = output.parent if output.suffix.lower() == ".zip" else output
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))

    # ----- the batch ----------------------------------------------------------------------

    def running(self) -> bool:
        return self.task is not None

    def start(self) -> None:
        if self.running():
            return
        try:
            out = self.output_path()
        except UserError as error:
            show_error(self, error)
            return
        # Plain values for the worker: it never touches a widget.
        choice, database, template, assets = (
            self.choice(),
            self.database,
            self.template,
            self.assets,
        )
        try:
            link_template = check_link_template(self.invite_link.text())
        except UserError as error:
            show_error(self, error)
            return
        activity = self.activity.text()
        deadline = self.deadline.date().toPython() if self.has_deadline.isChecked() else None
        chosen = self.chosen_campaign()
        campaign = str(chosen.id) if chosen is not None else None
        fmt, as_zip, jobs = self.format.currentData(), self.to_zip.isChecked(), self.jobs

        def work(progress, cancelled) -> BatchResult:
            with database.session(write=True) as session:
                if link_template != saved_link_template(session):
                    save_link_template(session, link_template)  # remembered for next time
                if campaign is not None:  # checked again: it may have ended since
                    recipients, _campaign = campaign_recipients(session, campaign, **choice)
                else:
                    recipients = load_recipients(session, **choice)
            progress(0, len(recipients.members))
            if cancelled():
                raise Cancelled
            return render_recipients(
                template,
                recipients,
                out,
                assets=assets,
                activity=activity,
                deadline=deadline,
                fmt=fmt,
                as_zip=as_zip,
                jobs=jobs,
                progress=progress,
                cancelled=cancelled,
            )

        task = Task(work)
        task.progressed.connect(while_alive(self, self._progressed))
        task.succeeded.connect(while_alive(self, self._succeeded))
        task.failed.connect(while_alive(self, self._failed))
        task.was_cancelled.connect(while_alive(self, self._was_cancelled))
        task.finished.connect(while_alive(self, self._finished))
        # Should the dialog be deleted with its parent while the batch runs, stop the batch.
        self.destroyed.connect(task.cancel)
        self.task = task
        self._for_campaign = chosen is not None
        self.result = None
        self.progress.setRange(0, 0)  # busy until the first report
        self.progress.setFormat(self.tr("正在准备…"))
        self.progress.setVisible(True)
        self.summary.setVisible(False)
        self.details.setVisible(False)
        self._sync_buttons()
        task.start()

    def cancel(self) -> None:
        if self.task is None:
            return
        self.task.cancel()
        self.cancel_button.setEnabled(False)
        self.progress.setFormat(self.tr("正在取消…"))

    def _progressed(self, done: int, total: int) -> None:
        if self.task is None or self.task.is_cancelled():
            return
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(min(done, total))
        self.progress.setFormat(self.tr("已生成 {done} / {total}").format(done=done, total=total))

    def _succeeded(self, result: BatchResult) -> None:
        self.result = result
        self.progress.setRange(0, max(result.total, 1))
        self.progress.setValue(result.total)
        self.progress.setFormat(
            self.tr("已生成 {done} / {total}").format(done=len(result.written), total=result.total)
        )
        self._show_summary(result)

    def _show_summary(self, result: BatchResult) -> None:
        lines = [
            self.tr("已生成 %n 张海报，保存在 {path}", "", len(result.written)).format(
                path=result.output
            )
        ]
        details: list[str] = []
        if result.failed:
            lines.append(
                self.tr(
                    "%n 张未通过扫码校验或无法写入，没有保存，原因见下方", "", len(result.failed)
                )
            )
            details.append(self.tr("未保存的海报："))
            details += [
                self.tr("  {file}：{reason}").format(file=f.name, reason=shown(f.reason))
                for f in result.failed[:DETAIL_LINES]
            ]
            if len(result.failed) > DETAIL_LINES:
                details.append(self.tr("  ……另有 %n 张", "", len(result.failed) - DETAIL_LINES))
        warned = [poster for poster in result.written if poster.warnings]
        if warned:
            lines.append(self.tr("%n 张有提醒（已保存，能扫出），见下方", "", len(warned)))
            counts = Counter(w for poster in warned for w in dict.fromkeys(poster.warnings))
            details.append(self.tr("提醒："))
            details += [
                self.tr("  %n 张：{warning}", "", n).format(warning=shown(warning))
                for warning, n in counts.most_common(DETAIL_LINES)
            ]
        self.summary.setText("\n".join(lines))
        self.summary.setVisible(True)
        self.details.setPlainText("\n".join(details))
        self.details.setVisible(bool(details))
        self.open_folder_button.setVisible(bool(result.written))

    def _failed(self, error: Exception) -> None:
        self.progress.setVisible(False)
        self.summary.setText(self.tr("没有生成海报，也没有写入任何文件。"))
        self.summary.setVisible(True)
        if not self._close_when_done:
            show_error(self, error)

    def _was_cancelled(self) -> None:
        self.progress.setVisible(False)
        self.summary.setText(self.tr("已取消：这一批海报一张也没有保存。"))
        self.summary.setVisible(True)

    def _finished(self) -> None:
        self.task = None
        if self._for_campaign:
            self.campaign_codes_issued.emit()
        self.cancel_button.setEnabled(True)
        self._sync_buttons()
        if self._close_when_done:
            super().reject()

    def _sync_buttons(self) -> None:
        running = self.running()
        self.start_button.setVisible(not running)
        self.start_button.setEnabled(self.member_count != 0)
        self.cancel_button.setVisible(running)
        # Nothing about the batch changes while it runs: what is shown is what is being made.
        self.by_community.setEnabled(not running and self.community.count() > 0)
        self.community.setEnabled(not running and self.by_community.isChecked())
        self.by_segment.setEnabled(not running)
        self.segment.setEnabled(not running and self.by_segment.isChecked())
        if self.by_selection is not None:
            self.by_selection.setEnabled(not running)
        for widget in (
            self.campaign,
            self.activity,
            self.has_deadline,
            self.to_folder,
            self.to_zip,
            self.out,
            self.browse_button,
            self.format,
        ):
            widget.setEnabled(not running)
        self.deadline.setEnabled(not running and self.has_deadline.isChecked())

    # ----- closing ------------------------------------------------------------------------

    def reject(self) -> None:
        """关闭, Esc and the window's close button: while a batch runs, offer to stop it; the
        dialog closes once the batch has stopped and taken away what it had written."""
        if not self.running():
            super().reject()
            return
        if self._close_when_done:
            return  # already stopping
        box = QMessageBox(
            QMessageBox.Icon.Question,
            self.tr("正在生成海报"),
            self.tr("海报还在生成中。停止并关闭吗？这一批已生成的海报不会保留。"),
            QMessageBox.StandardButton.NoButton,
            self,
        )
        box.setObjectName("bulkPosterConfirmClose")
        stop = box.addButton(self.tr("停止并关闭"), QMessageBox.ButtonRole.AcceptRole)
        stop.setObjectName("bulkPosterStopAndClose")
        keep = box.addButton(self.tr("继续生成"), QMessageBox.ButtonRole.RejectRole)
        keep.setObjectName("bulkPosterKeepGoing")
        box.setDefaultButton(keep)
        box.exec()
        if box.clickedButton() is stop and self.running():
            self._close_when_done = True
            self.cancel()
        elif box.clickedButton() is stop:
            super().reject()  # it finished while the question was open


def open_bulk_dialog(
    parent: QWidget | None,
    database: Database,
    template: Template,
    assets: Assets,
    name: str,
    selected_member_ids: list[int] | None = None,
) -> BulkPosterDialog:
    """Open the bulk dialog over `parent` (window-modal, not blocking) and return it; it is
    deleted when closed."""
    dialog = BulkPosterDialog(
        database, template, assets, name, parent, selected_member_ids=selected_member_ids
    )
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog
