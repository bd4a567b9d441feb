"""导入成员: choose a file, see exactly what the import would do (dry run), fix the column
mapping, answer the doubtful rows, save the problem list, then import in one transaction, or
cancel and change nothing.

A doubtful row (its phone is a member's who has another nickname) is a question: the 待确认 tab
asks it row by row (or for all at once). Answers take effect through a new preview, so what is
imported is always what the preview showed; unanswered rows are not imported."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from core.common.database import Database
from core.members.importing import (
    FIELD_LABELS,
    NEW,
    SAME,
    SKIP,
    STATUS_LABELS,
    HeaderMapping,
    ImportPlan,
    ImportResult,
    write_error_report,
)
from core.members.masking import mask_phone
from core.workflows.member_import import import_members, plan_member_import
from ui.common.changes import Change, changes
from ui.common.file_drop import (
    LAST_FOLDER_KEY,  # noqa: F401 (the tests read it here)
    choose_file,
    drop_area,
    remember_folder,
)
from ui.common.i18n import shown
from ui.common.import_wizard import (
    PAGE_DONE,
    PAGE_PREVIEW,
    ImportWizard,
    done_label,
    done_layout,
)
from ui.common.list_model import ListTableModel
from ui.common.session_work import in_session
from ui.common.tasks import run_task
from ui.common.widgets import choice, hint_label, page_title, push_button
from ui.members.community_choice import offered_communities

NARROW_COLUMN_MAX = 200  # px: a long sheet name must not squeeze the reason
WRAP_ROWS_MAX = 2000  # rows grown to their wrapped text; past that the tooltip shows it


def _date(value) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if value else ""


class ImportDialog(ImportWizard):
    """The import wizard; `data_changed` after a completed import."""

    def __init__(self, database: Database, parent: QWidget | None = None) -> None:
        super().__init__(database, parent, "import_dialog", self.tr("导入成员名单"))
        self.plan: ImportPlan | None = None
        self.result: ImportResult | None = None
        self.answers: dict[tuple[str, int], str] = {}  # doubtful rows answered, by (sheet, row)
        self._mapping: list[HeaderMapping] | None = None  # the mapping of the last preview
        # The column of each list that holds free text (the rest are short).
        self._text_columns = {"import_issues": 4, "import_duplicates": 4}
        self.build_pages()

    # ----- page 1: the file ------------------------------------------------------------------

    def _choose_page(self) -> QWidget:
        page = QWidget()
        title = page_title("import_title", self.tr("选择要导入的成员名单"))
        hint = QLabel(
            self.tr(
                "支持企业微信、有赞、LinkWeChat、群成员导出工具和手工整理的表格："
                ".xlsx .xls .ods .csv，以及企业微信接口保存的 JSON。"
                "标题行、合并单元格、GBK 编码、手机号变成数字都没关系。\n"
                "先预览：导入前会列出将新增、更新、有问题的每一行，确认后才写入；"
                "导入要么全部完成，要么什么都不改。"
            )
        )
        hint.setWordWrap(True)
        self.drop_label = drop_area("import_drop_area", self.tr("把文件拖到这里，或者"), 120)
        browse = push_button("import_browse", self.tr("选择文件…"), self.browse)
        self.file_label = QLabel()
        self.file_label.setObjectName("import_file")
        self.community = QComboBox()
        self.community.setObjectName("import_community")
        self.community.setEditable(True)
        self.community.addItem(self.tr("按文件内容识别所在群"), None)
        self.community.lineEdit().setPlaceholderText(self.tr("或输入新社群的名字"))
        self.preview_button = push_button("import_preview", self.tr("预览导入结果"), self.preview)
        self.preview_button.setDefault(True)
        self.preview_button.setEnabled(False)
        row = QHBoxLayout()
        row.addWidget(QLabel(self.tr("导入到社群：")))
        row.addWidget(self.community, 1)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(push_button("import_cancel", self.tr("取消"), self.reject))
        buttons.addWidget(self.preview_button)
        layout = QVBoxLayout(page)
        layout.addWidget(title)
        layout.addWidget(hint)
        layout.addWidget(self.drop_label)
        layout.addWidget(browse, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addWidget(self.file_label)
        layout.addLayout(row)
        layout.addStretch(1)
        layout.addLayout(buttons)
        return page

    def _load_communities(self) -> list[tuple[int, str]]:
        return offered_communities(self.database)

    def _set_communities(self, communities: list[tuple[int, str]]) -> None:
        for community_id, name in communities:
            self.community.addItem(name, community_id)

    def browse(self) -> None:
        path = choose_file(
            self,
            "import_file_dialog",
            self.tr("选择成员名单"),
            self.tr("成员名单 (*.xlsx *.xlsm *.xls *.ods *.csv *.txt *.json);;所有文件 (*)"),
        )
        if path is not None:
            self.set_file(path)

    def set_file(self, path: Path) -> None:
        self.path = path
        remember_folder(path.parent)
        self.answers = {}
        self._mapping = None
        self.file_label.setText(self.tr("文件：{name}").format(name=str(path)))
        self.preview_button.setEnabled(True)

    set_path = set_file  # what the wizard calls it (a member list is always a file)

    def _community_choice(self) -> tuple[str | None, int | None]:
        text = self.community.currentText().strip()
        index = self.community.currentIndex()
        if index > 0 and self.community.itemText(index) == text:
            return None, self.community.itemData(index)
        if index == 0 and text == self.community.itemText(0):
            return None, None
        return (text or None), None

    # ----- page 2: the preview ---------------------------------------------------------------

    def preview(self, mapping: list[HeaderMapping] | None = None) -> None:
        if self.path is None:
            return
        mapping = mapping or None  # a button's clicked(False)
        self._mapping = mapping
        community_name, community_id = self._community_choice()
        work = in_session(
            self.database,
            plan_member_import,
            self.path,
            community_name=community_name,
            community_id=community_id,
            mapping=mapping,
            answers=dict(self.answers),
        )
        run_task(self, work, label=self.tr("正在读取并检查每一行…"), on_success=self._show_plan)

    def _preview_page(self) -> QWidget:
        page = QWidget()
        self.summary = page_title("import_summary", "")
        self.notes = hint_label(name="import_notes")
        self.details = QTabWidget()
        self.details.setObjectName("import_details")
        self.status_filter = QComboBox()
        self.status_filter.setObjectName("import_status_filter")
        self.status_filter.addItem(self.tr("全部行"), None)
        for status, label in STATUS_LABELS.items():
            self.status_filter.addItem(shown(label), status)
        self.status_filter.currentIndexChanged.connect(self._filter_rows)
        self.rows_model = ListTableModel(
            [
                (self.tr("工作表"), lambda r: shown(r.sheet)),
                (self.tr("行"), lambda r: r.row),
                (self.tr("结果"), lambda r: shown(STATUS_LABELS.get(r.status, r.status))),
                (self.tr("昵称"), lambda r: r.nickname),
                (self.tr("社群"), lambda r: r.community),
                (self.tr("说明"), self._row_note),
            ],
            parent=self,
        )
        rows_page = QWidget()
        rows_layout = QVBoxLayout(rows_page)
        rows_layout.addWidget(self.status_filter, 0, Qt.AlignmentFlag.AlignLeft)
        rows_layout.addWidget(self._view("import_rows", self.rows_model))
        self.details.addTab(rows_page, self.tr("每一行"))
        self.doubtful_page = self._doubtful_page()
        self.details.addTab(self.doubtful_page, self.tr("待确认"))
        self.issues_model = ListTableModel(
            [
                (self.tr("工作表"), lambda i: shown(i.sheet)),
                (self.tr("行"), lambda i: i.row),
                (self.tr("字段"), lambda i: shown(i.field)),
                (self.tr("内容"), lambda i: i.value),
                (self.tr("原因"), lambda i: shown(i.reason)),
                (
                    self.tr("处理"),
                    lambda i: self.tr("整行不导入") if i.rejected else self.tr("只跳过这一项"),
                ),
            ],
            parent=self,
        )
        self.details.addTab(self._view("import_issues", self.issues_model), self.tr("问题"))
        self.communities_model = ListTableModel(
            [
                (self.tr("社群"), lambda c: c.name),
                (
                    self.tr("状态"),
                    lambda c: self.tr("将新建") if c.community_id is None else self.tr("已有"),
                ),
                (self.tr("入群"), lambda c: c.joins),
                (self.tr("退群"), lambda c: c.leaves),
                (self.tr("说明"), lambda c: shown(c.note)),
            ],
            parent=self,
        )
        self.details.addTab(
            self._view("import_communities", self.communities_model), self.tr("社群")
        )
        self.leaves_model = ListTableModel(
            [
                (self.tr("社群"), lambda c: c.community),
                (self.tr("昵称"), lambda c: c.nickname),
                (self.tr("时间"), lambda c: _date(c.occurred_at)),
            ],
            parent=self,
        )
        self.details.addTab(self._view("import_leaves", self.leaves_model), self.tr("退群"))
        self.duplicates_model = ListTableModel(
            [
                (self.tr("工作表"), lambda d: shown(d.sheet)),
                (self.tr("行"), lambda d: d.row),
                (self.tr("昵称"), lambda d: d.nickname),
                (self.tr("可能是"), self._duplicate_of),
                (self.tr("原因"), lambda d: shown(d.reason)),
            ],
            parent=self,
        )
        self.details.addTab(
            self._view("import_duplicates", self.duplicates_model), self.tr("可能重复")
        )
        self.details.addTab(self._mapping_page(), self.tr("列对应"))

        self.report_button = push_button(
            "import_save_report", self.tr("保存问题清单…"), self.save_report
        )
        self.apply_button = push_button("import_apply", self.tr("导入"), self.apply)
        self.apply_button.setDefault(True)
        buttons = QHBoxLayout()
        buttons.addWidget(self.report_button)
        buttons.addStretch(1)
        buttons.addWidget(push_button("import_back", self.tr("返回"), self.back_to_choose))
        buttons.addWidget(push_button("import_cancel_preview", self.tr("取消"), self.reject))
        buttons.addWidget(self.apply_button)
        layout = QVBoxLayout(page)
        layout.addWidget(self.summary)
        layout.addWidget(self.notes)
        layout.addWidget(self.details, 1)
        layout.addLayout(buttons)
        return page

    def _view(self, name: str, model: ListTableModel) -> QTableView:
        view = QTableView()
        view.setObjectName(name)
        view.setModel(model)
        view.verticalHeader().setVisible(False)
        view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        view.setWordWrap(True)
        view.horizontalHeader().setStretchLastSection(True)
        view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        view.horizontalHeader().setDefaultSectionSize(120)
        model.modelReset.connect(lambda: self._fit_columns(view))
        return view

    def _fit_columns(self, view: QTableView) -> None:
        """Short columns as wide as their content; the text column (说明/原因) takes the rest
        and wraps, so a long reason is read whole (its tooltip too, for very long lists)."""
        header, model = view.horizontalHeader(), view.model()
        columns = model.columnCount()
        text = self._text_columns.get(view.objectName(), columns - 1)
        for column in range(columns):
            if column == text:
                header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
                continue
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            view.resizeColumnToContents(column)
            header.resizeSection(column, min(header.sectionSize(column), NARROW_COLUMN_MAX))
        header.setStretchLastSection(text == columns - 1)
        if model.rowCount() <= WRAP_ROWS_MAX:
            view.resizeRowsToContents()

    def _mapping_page(self) -> QWidget:
        page = QWidget()
        hint = QLabel(
            self.tr(
                "每一列导入到哪个字段。改好后按「按新的对应重新预览」；"
                "导入后，同样表头的文件下次会自动用这次的对应。"
            )
        )
        hint.setWordWrap(True)
        self.mapping_table = _choice_table(
            "import_mapping", [self.tr("工作表"), self.tr("表头"), self.tr("导入为")]
        )
        self.mapping_table.setColumnWidth(1, 240)
        layout = QVBoxLayout(page)
        layout.addWidget(hint)
        layout.addWidget(self.mapping_table, 1)
        layout.addWidget(
            push_button("import_remap", self.tr("按新的对应重新预览"), self.remap),
            0,
            Qt.AlignmentFlag.AlignRight,
        )
        return page

    def _doubtful_page(self) -> QWidget:
        page = QWidget()
        hint = QLabel(
            self.tr(
                "这些行的手机号属于一位现有成员，昵称却不同：可能是同一人改了昵称，"
                "也可能是另一个人（号码换了主人或填错了）。请逐行回答，回答后按「按回答更新预览」；"
                "没有回答的行不会导入。"
            )
        )
        hint.setWordWrap(True)
        self.doubtful_table = _choice_table(
            "import_doubtful",
            [
                self.tr("工作表"),
                self.tr("行"),
                self.tr("文件里的昵称"),
                self.tr("手机号"),
                self.tr("手机号现属于"),
                self.tr("回答"),
            ],
        )
        self.doubtful_table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        all_row = QHBoxLayout()
        all_row.addWidget(QLabel(self.tr("全部：")))
        for name, text, answer in (
            ("import_doubtful_all_same", self.tr("都是同一人"), SAME),
            ("import_doubtful_all_new", self.tr("都是另一个人"), NEW),
            ("import_doubtful_all_skip", self.tr("都跳过"), SKIP),
        ):
            all_row.addWidget(push_button(name, text, lambda _=False, a=answer: self.answer_all(a)))
        all_row.addStretch(1)
        self.replan_button = push_button(
            "import_doubtful_replan", self.tr("按回答更新预览"), self.replan
        )
        all_row.addWidget(self.replan_button)
        layout = QVBoxLayout(page)
        layout.addWidget(hint)
        layout.addLayout(all_row)
        layout.addWidget(self.doubtful_table, 1)
        return page

    def _answer_choices(self) -> list[tuple[str, str | None]]:
        return [
            (self.tr("请选择（未回答：不导入）"), None),
            (self.tr("是同一人：更新这位成员"), SAME),
            (self.tr("是另一个人：新建成员，不写手机号"), NEW),
            (self.tr("跳过这一行"), SKIP),
        ]

    def _fill_doubtful(self, plan: ImportPlan) -> None:
        rows = plan.doubts
        table = self.doubtful_table
        table.setRowCount(len(rows))
        choices = self._answer_choices()
        for index, row in enumerate(rows):
            doubt = row.doubt
            cells = (
                shown(row.sheet),
                str(row.row),
                row.nickname,
                mask_phone(doubt.phone) or "",
                self.tr("「{nickname}」（#{id}）").format(
                    nickname=doubt.member_nickname, id=doubt.member_id
                ),
            )
            for column, text in enumerate(cells):
                table.setItem(index, column, QTableWidgetItem(text))
            combo = choice(f"import_answer_{index}", choices, self.answers.get(row.key))
            combo.currentIndexChanged.connect(
                lambda _index, key=row.key, box=combo: self._answer(key, box.currentData())
            )
            table.setCellWidget(index, 5, combo)
        table.resizeColumnsToContents()
        unanswered = len(plan.unanswered)
        title = self.tr("待确认") if not rows else self.tr("待确认（{n}）").format(n=unanswered)
        self.details.setTabText(self.details.indexOf(self.doubtful_page), title)
        self.details.setTabVisible(self.details.indexOf(self.doubtful_page), bool(rows))
        if unanswered:
            self.details.setCurrentWidget(self.doubtful_page)

    def _answer(self, key: tuple[str, int], answer: str | None) -> None:
        if answer is None:
            self.answers.pop(key, None)
        else:
            self.answers[key] = answer
        self._update_buttons()

    def answer_all(self, answer: str) -> None:
        """Give every doubtful row the same answer (each can still be changed)."""
        for index in range(self.doubtful_table.rowCount()):
            combo = self.doubtful_table.cellWidget(index, 5)
            combo.setCurrentIndex(combo.findData(answer))

    def pending(self) -> bool:
        """Answers given since the preview: they need a new preview before importing."""
        return self.plan is not None and self.answers != self.plan.answers()

    def replan(self) -> None:
        self.preview(self._mapping)

    def _update_buttons(self) -> None:
        plan = self.plan
        if plan is None:
            return
        pending = self.pending()
        self.replan_button.setEnabled(pending)
        if pending:
            self.apply_button.setEnabled(True)
            self.apply_button.setText(self.tr("按回答更新预览"))
        else:
            self.apply_button.setEnabled(plan.has_changes)
            self.apply_button.setText(
                self.tr("导入") if plan.has_changes else self.tr("没有可导入的变化")
            )

    def _duplicate_of(self, duplicate) -> str:
        if duplicate.other_row is not None:
            return self.tr("{nickname}（{sheet} 第 {row} 行）").format(
                nickname=duplicate.other_nickname,
                sheet=shown(duplicate.other_row[0]),
                row=duplicate.other_row[1],
            )
        if duplicate.other_member_id is not None:
            return self.tr("{nickname}（#{id}）").format(
                nickname=duplicate.other_nickname, id=duplicate.other_member_id
            )
        return duplicate.other_nickname

    def _row_note(self, row) -> str:
        if row.reason:
            return shown(row.reason)
        if row.changes:
            empty = self.tr("（空）")
            return self.tr("；").join(
                # Something added (期初积分 +120, 标签 +已购) reads as it is, not "（空） → …".
                self.tr("{field} {new}").format(field=shown(c.field), new=shown(c.new))
                if not c.old and c.new.startswith("+")
                else self.tr("{field}：{old} → {new}").format(
                    field=shown(c.field), old=shown(c.old) or empty, new=shown(c.new)
                )
                for c in row.changes
            )
        if row.linked_to:
            return self.tr("同 {sheet} 第 {row} 行").format(
                sheet=shown(row.linked_to[0]), row=row.linked_to[1]
            )
        return shown(row.matched_by)

    def _show_plan(self, plan: ImportPlan) -> None:
        self.plan = plan
        self.answers = plan.answers()
        counts = plan.counts
        summary = self.tr(
            "新增 {added} · 更新 {updated} · 无变化 {unchanged} · 同一人 {linked} · "
            "有问题 {rejected} · 入群 {joined} · 退群 {left}"
        ).format_map(vars(counts))  # the template names the counts' fields
        if counts.doubtful:
            summary += self.tr(" · 待确认 {doubtful}（未导入）").format(doubtful=counts.doubtful)
        self.summary.setText(summary)
        notes = [*plan.notes, *(note for sheet in plan.sheets for note in sheet.notes)]
        self.notes.setText(
            "\n".join(shown(note) for note in notes)
            or self.tr("文件：{name}，共 %n 行", "", counts.rows).format(name=plan.file_name)
        )
        self._filter_rows()
        self.issues_model.set_items(plan.issues)
        self.communities_model.set_items(plan.communities)
        self.leaves_model.set_items(plan.leaves)
        self.duplicates_model.set_items(plan.possible_duplicates)
        self._fill_mapping(plan)
        self.details.setCurrentIndex(0)
        self._fill_doubtful(plan)
        self.report_button.setEnabled(bool(plan.issues))
        self._update_buttons()
        self.pages.setCurrentIndex(PAGE_PREVIEW)

    def _filter_rows(self) -> None:
        if self.plan is None:
            return
        status = self.status_filter.currentData()
        rows = self.plan.rows if status is None else list(self.plan.rows_with_status(status))
        self.rows_model.set_items(rows)

    def _fill_mapping(self, plan: ImportPlan) -> None:
        sheets = [sheet for sheet in plan.sheets if sheet.mapping is not None]
        seen, lines = set(), []
        for sheet in sheets:
            if sheet.mapping.key in seen:
                continue  # one mapping serves every sheet with the same header row
            seen.add(sheet.mapping.key)
            lines += [(sheet, index) for index in range(len(sheet.mapping.headers))]
        self.mapping_table.setRowCount(len(lines))
        self._mapping_lines = lines
        for row, (sheet, index) in enumerate(lines):
            self.mapping_table.setCellWidget(row, 0, QLabel(shown(sheet.sheet)))
            self.mapping_table.setCellWidget(row, 1, QLabel(str(sheet.mapping.headers[index])))
            combo = choice(
                "",
                [(shown(label), key) for key, label in FIELD_LABELS.items()],
                sheet.mapping.fields[index],
            )
            self.mapping_table.setCellWidget(row, 2, combo)

    def edited_mappings(self) -> list[HeaderMapping]:
        mappings: dict[str, HeaderMapping] = {}
        for row, (sheet, index) in enumerate(self._mapping_lines):
            mapping = mappings.setdefault(
                sheet.mapping.key,
                HeaderMapping(
                    headers=list(sheet.mapping.headers),
                    fields=list(sheet.mapping.fields),
                    confirmed=True,
                ),
            )
            mapping.fields[index] = self.mapping_table.cellWidget(row, 2).currentData()
        return list(mappings.values())

    def remap(self) -> None:
        self.preview(self.edited_mappings())

    def save_report(self) -> None:
        if self.plan is None:
            return
        suggested = str(Path(self.plan.file_name).with_suffix("")) + "_问题清单.xlsx"
        name, _ = QFileDialog.getSaveFileName(
            self, self.tr("保存问题清单"), suggested, self.tr("Excel 表格 (*.xlsx)")
        )
        if name:
            plan, database = self.plan, self.database

            def work(_progress, _cancelled) -> Path:
                with database.session(write=True) as session:  # the export is logged with it
                    return write_error_report(session, plan, Path(name))

            run_task(self, work, label=self.tr("正在保存…"), cancellable=False)

    # ----- page 3: the import ----------------------------------------------------------------

    def start_import(self, plan: ImportPlan) -> None:
        run_task(
            self,
            in_session(self.database, import_members, plan, write=True),
            label=self.tr("正在导入…（取消则什么都不改）"),
            on_success=lambda done: self._done(done.imported),
            on_cancelled=lambda: self.summary.setText(self.tr("已取消导入，数据没有改动")),
        )

    def _done_page(self) -> QWidget:
        page = QWidget()
        self.done_label = done_label("import_done")
        close = push_button("import_close", self.tr("完成"), self.accept)
        done_layout(page, [self.done_label], close)
        return page

    def _done(self, result: ImportResult) -> None:
        self.result = result
        self.done_label.setText(
            self.tr(
                "导入完成：新增 {added} 人，更新 {updated} 人，入群 {joined} 次，退群 {left} 次，"
                "新建社群 {created} 个。"
            ).format(
                added=result.added,
                updated=result.updated,
                joined=result.joined,
                left=result.left,
                created=result.communities_created,
            )
            + (
                self.tr("%n 行手机号与昵称对不上，没有导入。", "", result.doubtful)
                if result.doubtful
                else ""
            )
            + (
                self.tr(
                    "期初积分记入积分台账：%n 人，共 {points} 分。", "", result.opening_entries
                ).format(points=result.opening_points)
                if result.opening_entries
                else ""
            )
            + "".join("\n" + shown(note) for note in result.opening_notes)
        )
        self.pages.setCurrentIndex(PAGE_DONE)
        topics = [Change.MEMBERS, Change.COMMUNITIES, Change.TAGS]
        if result.opening_entries:
            topics.append(Change.POINTS)
        self.data_changed.emit(changes(*topics))


def _choice_table(name: str, headers: list[str]) -> QTableWidget:
    """A table of the preview's questions: a row each, the answer (a combo box) in the last
    column, which takes the width left; the sheet name first."""
    table = QTableWidget(0, len(headers))
    table.setObjectName(name)
    table.setHorizontalHeaderLabels(headers)
    table.verticalHeader().setVisible(False)
    table.horizontalHeader().setStretchLastSection(True)
    table.setColumnWidth(0, 160)
    return table
