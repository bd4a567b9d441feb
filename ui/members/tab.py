"""The 成员 tab: search and filters over a lazily loaded table, the detail panel, bulk actions."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QItemSelectionModel, Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QHeaderView,
    QInputDialog,
    QMenu,
    QMessageBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from core.common.database import Database
from core.common.paths import data_dir
from core.common.search_keys import load_pinyin
from core.members.editing import (
    add_members_to_community,
    create_member,
    set_members_role,
    tag_members,
    untag_members,
)
from core.members.query import (
    FilterChoices,
    MemberFilter,
    filter_choices,
    find_member_ids,
)
from ui.common.changes import Change, Changes, changes
from ui.common.columns import fit_columns
from ui.common.empty_state import EmptyState, EmptySwitch
from ui.common.flow_layout import flow_row
from ui.common.labels import role_labels, role_name
from ui.common.save_path import ask_xlsx_path
from ui.common.sorting import sorted_by_name
from ui.common.tab import FeatureTab
from ui.common.tasks import run_task
from ui.common.widgets import page_title, push_button
from ui.members.detail import MemberDetailPanel
from ui.members.extras import MembersTabExtras
from ui.members.filter_bar import MemberFilterBar
from ui.members.model import COLUMNS, MATCH_COLUMN, MembersModel, column_samples
from ui.members.table import MembersTableView

FIRST_SCREEN = 200
# The buttons that act on the selected members (导出… exports them when some are selected).
BULK_ACTIONS = ("tag", "untag", "community", "role", "activity", "posters", "export")


class MembersTab(FeatureTab):
    """All members, found in a keystroke; `data_changed` tells the window what an action changed."""

    SHOWS = frozenset({Change.MEMBERS, Change.COMMUNITIES, Change.ACTIVITY, Change.TAGS})
    posters_requested = Signal(list)  # member ids: make each a personal poster (海报 tab)
    # member ids, community id or None: record activity for them (the window opens the form)
    activity_requested = Signal(list, object)
    exported = Signal(object)  # an export's result, once its file is written and logged

    def __init__(
        self,
        database: Database,
        parent: QWidget | None = None,
        *,
        extras: MembersTabExtras | None = None,
    ) -> None:
        super().__init__(database, parent)
        self.setObjectName("members_tab")
        self.extras = extras or MembersTabExtras()
        self.choices = FilterChoices([], [])
        self._query_generation = 0
        self._complete_generation: int | None = None  # the query whose full answer is shown
        self._pending_select: int | None = None  # a member just created, to show once found
        # Scope key (a segment) → its member ids: computed once (RFM takes seconds at 100000
        # members), reused while the user searches and sorts within it, dropped when data changes.
        self._scope_ids: dict[str, tuple[int, ...]] = {}

        self.filter_bar = MemberFilterBar()
        self.filter_bar.filter_changed.connect(self.run_query)
        self._pinned: tuple[int, ...] | None = None  # members another tab sent (show_members)
        self.filter_bar.unpinned.connect(self._unpin)
        self.scope = self.extras.scope(self) if self.extras.scope else None
        if self.scope is not None:
            self.filter_bar.set_scope(self.scope)

        self.model = MembersModel(database, self)
        self.model.sort_requested.connect(self.filter_bar.set_sort)
        # Typing into the table searches through the box: Qt's type-ahead would read every row.
        self.table = MembersTableView(self.filter_bar.search)
        self.table.setObjectName("members_table")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setSortingEnabled(True)
        self.table.horizontalHeader().setSortIndicator(0, Qt.SortOrder.AscendingOrder)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(28)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for column, width in enumerate((150, 100, 120, 110, 50, 80, 220, 120, 90, 100, 160)):
            header.resizeSection(column, width)
        header.setStretchLastSection(True)
        # 匹配 sits beside 昵称 and is shown only while searching.
        header.moveSection(MATCH_COLUMN, 1)
        self.table.setColumnHidden(MATCH_COLUMN, True)
        fit_columns(self.table, rows=False, samples=column_samples())  # English: "Female"
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)

        self.detail = MemberDetailPanel(database)
        self.detail.activity_name = self.extras.activity_name
        for section in self.extras.detail_sections(database):
            self.detail.add_section(section)
        self.detail.member_changed.connect(self._member_edited)

        self.buttons = {
            "import": push_button("members_import", self.tr("导入…"), self.open_import),
            "new": push_button("members_new", self.tr("新建成员"), self.new_member),
            "merge": push_button("members_merge", self.tr("合并重复成员"), self.open_merge),
            "tag": push_button("members_bulk_tag", self.tr("加标签"), self.bulk_tag),
            "untag": push_button("members_bulk_untag", self.tr("移除标签"), self.bulk_untag),
            "community": push_button(
                "members_bulk_community", self.tr("加入社群"), self.bulk_add_to_community
            ),
            "role": push_button("members_bulk_role", self.tr("设置角色"), self.bulk_set_role),
            "activity": push_button(
                "members_bulk_activity", self.tr("记录行为…"), self.record_activity
            ),
            "posters": push_button(
                "members_bulk_posters",
                self.tr("生成海报…"),
                lambda: self.posters_requested.emit(self.selected_ids()),
            ),
            "export": push_button("members_export", self.tr("导出…"), self.export),
        }
        self._import_menu()
        # The same actions in the detail panel while several members are selected.
        self.detail.set_bulk_actions(
            [
                push_button(
                    f"member_selection_{key}", self.buttons[key].text(), self.buttons[key].click
                )
                for key in BULK_ACTIONS
            ]
        )
        self.full_phone = QCheckBox(self.tr("显示完整手机号"))
        self.full_phone.setObjectName("members_full_phone")
        self.full_phone.toggled.connect(self._toggle_full_phone)
        # Wraps onto a second line on a narrow window instead of squeezing the detail panel.
        scoped = self.scope.action_widgets() if self.scope is not None else []
        actions = flow_row(*self.buttons.values(), *scoped, self.full_phone)
        actions.setObjectName("members_actions")

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(actions)
        self.empty = EmptyState(
            "members_empty",
            "user-plus",
            self.tr("还没有成员"),
            self.tr("导入企业微信、微信群或小程序导出的 Excel 名单，也可以一个一个新建。"),
        )
        self.empty.add_action("members_empty_import", self.tr("导入成员名单…"), self.open_import)
        self.empty.add_action(
            "members_empty_new", self.tr("新建成员"), self.new_member, primary=False
        )
        self.table_or_empty = EmptySwitch(self.table, self.empty)
        left_layout.addWidget(self.table_or_empty, 1)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("members_splitter")
        self.splitter.addWidget(left)
        self.splitter.addWidget(self.detail)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([900, 380])

        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        self.filter_bar.set_title(page_title("members_title", self.tr("成员")))
        layout.addWidget(self.filter_bar)
        layout.addWidget(self.splitter, 1)
        self._update_buttons()

    def database_replaced(self, database: Database) -> None:
        self.model.database = database
        self.detail.database = database

    # ----- querying ------------------------------------------------------------------------

    def reload(self, changed: Changes | None) -> None:
        """Reload choices and the current query."""
        self._scope_ids.clear()
        level_names = self.extras.level_names
        # Two reloads back to back: the older choices may land last (they would put back a
        # tag just added), so only the newest read's are shown.
        self.tasks.read(
            lambda session: replace(filter_choices(session), levels=level_names(session)),
            self._set_choices,
            latest="choices",
        )
        self.run_query(self.filter_bar.current_filter())

    def _set_choices(self, choices: FilterChoices) -> None:
        self.choices = choices
        self.filter_bar.set_choices(choices)

    def run_query(self, spec: MemberFilter) -> None:
        """Find the matching ids in the background; only the newest query's answer is shown."""
        self._query_generation += 1
        generation = self._query_generation
        key = self.scope.key() if self.scope is not None else None
        if key is not None and spec.member_ids is None:
            cached = self._scope_ids.get(key)
            if cached is None:
                self._compute_scope(generation, spec, key)
                return
            spec = replace(spec, member_ids=cached)

        if self._pinned is not None:
            pinned = self._pinned
            if spec.member_ids is not None:  # within a 分群 too
                pinned = tuple(set(spec.member_ids).intersection(pinned))
            spec = replace(spec, member_ids=pinned)

        def find(session, limit: int | None) -> list[int]:
            if any(c.isascii() and c.isalpha() for c in spec.text):
                # The 匹配 column may need the pinyin of a remark or 群昵称: load pypinyin
                # (0.4 s, once) here rather than on the GUI thread when the rows are shown.
                load_pinyin()
            return find_member_ids(session, spec, limit=limit)

        # Two queries side by side: the first screenful (a top-N sort, fast), then every id
        # (a full sort: a few hundred ms when most of 100000 members match).
        self.tasks.read(
            lambda session: find(session, FIRST_SCREEN),
            lambda ids: self._show_ids(generation, spec, ids, complete=False),
        )
        self.tasks.read(
            lambda session: find(session, None),
            lambda ids: self._show_ids(generation, spec, ids, complete=True),
        )

    def show_members(self, member_ids: list[int], label: str) -> None:
        """Show just these members (sent from another tab), named by `label` above the list."""
        self._pinned = tuple(member_ids)
        self.filter_bar.pin(label)
        self.run_query(self.filter_bar.current_filter())

    def _unpin(self) -> None:
        self._pinned = None

    def _compute_scope(self, generation: int, spec: MemberFilter, key: str) -> None:
        """Work out the scope's members once (a segment's), then run the query within them."""
        scope = self.scope
        self.filter_bar.count_label.setText(scope.computing_text())

        def compute(session) -> dict[str, list[int]]:
            return scope.member_ids(session, key)

        def computed(found: dict[str, list[int]]) -> None:
            for found_key, ids in found.items():
                self._scope_ids[found_key] = tuple(ids)
            if generation == self._query_generation:
                self.run_query(replace(spec, member_ids=self._scope_ids[key]))

        self.tasks.read(compute, computed)

    def list_complete(self) -> bool:
        """Whether the list shows the newest query's full answer (not its first screen)."""
        return self._complete_generation == self._query_generation

    def _show_ids(
        self, generation: int, spec: MemberFilter, ids: list[int], *, complete: bool
    ) -> None:
        if generation != self._query_generation or self._complete_generation == generation:
            return
        if complete or len(ids) < FIRST_SCREEN:
            self._complete_generation = generation
        selected = self.selected_ids()
        self.model.set_ids(ids, spec.text)
        self.table.setColumnHidden(MATCH_COLUMN, not spec.text.strip())
        if self._complete_generation == generation:
            self.filter_bar.set_count(len(ids))
            # Nothing at all, not nothing found: say how to get members in.
            unfiltered = replace(spec, sort_key="nickname", descending=False, now=None)
            self.table_or_empty.set_empty(
                not ids and unfiltered == MemberFilter() and self._pinned is None
            )
        else:
            self.filter_bar.set_count_pending(len(ids))
        column = next((i for i, c in enumerate(COLUMNS) if c[2] == spec.sort_key), 0)
        order = Qt.SortOrder.DescendingOrder if spec.descending else Qt.SortOrder.AscendingOrder
        header = self.table.horizontalHeader()
        header.blockSignals(True)
        header.setSortIndicator(column, order)
        header.blockSignals(False)
        if self._pending_select is not None and self._pending_select in ids:
            selected, self._pending_select = [self._pending_select], None
        self._reselect(selected)
        if len(selected) == 1 and (row := self.model.row_of(selected[0])) is not None:
            self.table.scrollTo(self.model.index(row, 0))

    def _reselect(self, member_ids: list[int]) -> None:
        selection = self.table.selectionModel()
        selection.clearSelection()
        flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
        for member_id in member_ids[:200]:
            row = self.model.row_of(member_id)
            if row is not None:
                selection.select(self.model.index(row, 0), flags)
        if not self.selected_ids():
            self.detail.show_member(None)

    # ----- selection -----------------------------------------------------------------------

    def selected_ids(self) -> list[int]:
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        return [self.model.member_id(row) for row in rows]

    def _selection_changed(self) -> None:
        selected = self.selected_ids()
        self._update_buttons()
        if len(selected) > 1:
            self.detail.show_selection(len(selected))
        elif selected != [self.detail.member_id]:
            self.detail.show_member(selected[0] if selected else None)

    def _update_buttons(self) -> None:
        has_selection = bool(self.table.selectionModel().selectedRows())
        for key in BULK_ACTIONS[:-1]:
            self.buttons[key].setEnabled(has_selection)

    def select_member(self, member_id: int) -> bool:
        row = self.model.row_of(member_id)
        if row is None:
            return False
        self.table.selectRow(row)
        self.table.scrollTo(self.model.index(row, 0))
        return True

    def _toggle_full_phone(self, shown: bool) -> None:
        self.model.show_full_phone = shown
        self.model.reload_rows()

    def _member_edited(self, _member_id: int) -> None:
        self.model.reload_rows()
        self.announce(changes(Change.MEMBERS))

    # ----- actions -------------------------------------------------------------------------

    def _write(self, label: str, work, changed: Changes, message) -> None:
        """Run a change in the background, then show what it did and announce it."""
        self.tasks.write(
            work,
            label=label,
            changes=changed,
            then=lambda result: self.say(message(result)),
        )

    def _import_menu(self) -> None:
        """导入 opens a menu when other features add imports (群聊记录), else the member import."""
        more = self.extras.more_imports(self)
        if not more:
            return
        menu = QMenu(self)
        menu.setObjectName("members_import_menu")
        own = QAction(self.tr("成员名单…"), menu)
        own.setObjectName("members_import_list")
        own.triggered.connect(self.open_import)
        menu.addAction(own)
        menu.addActions(more)
        self.buttons["import"].setMenu(menu)

    def open_import(self) -> None:
        # a dialog's module loads when it is first opened (start-up)
        from ui.members.import_dialog import ImportDialog

        dialog = ImportDialog(self.database, self)
        dialog.data_changed.connect(self.data_changed)
        dialog.exec()

    def open_merge(self) -> None:
        # a dialog's module loads when it is first opened (start-up)
        from ui.members.merge_dialog import MergeDialog

        dialog = MergeDialog(self.database, self)
        dialog.data_changed.connect(self.data_changed)
        dialog.exec()

    def new_member(self) -> None:
        name, accepted = QInputDialog.getText(self, self.tr("新建成员"), self.tr("昵称："))
        if not accepted or not name.strip():
            return

        def done(member_id: int) -> None:
            self._pending_select = member_id
            self.filter_bar.clear()  # runs the query that will select the new member

        self.tasks.write(
            lambda session: create_member(session, name),
            label=self.tr("正在保存…"),
            changes=changes(Change.MEMBERS),
            then=done,
        )

    def _ask_tag(self, title: str) -> str | None:
        names = [name for _id, name in sorted_by_name(self.choices.tags)]
        name, accepted = QInputDialog.getItem(self, title, self.tr("标签："), names, 0, True)
        return name.strip() if accepted and name.strip() else None

    def bulk_tag(self) -> None:
        ids, tag = self.selected_ids(), self._ask_tag(self.tr("加标签"))
        if tag:
            self._write(
                self.tr("正在加标签…"),
                lambda s: tag_members(s, ids, tag),
                changes(Change.TAGS),
                lambda n: self.tr("已给 %n 人加上标签「{tag}」", "", n).format(tag=tag),
            )

    def bulk_untag(self) -> None:
        ids, tag = self.selected_ids(), self._ask_tag(self.tr("移除标签"))
        if tag:
            self._write(
                self.tr("正在移除标签…"),
                lambda s: untag_members(s, ids, tag),
                changes(Change.TAGS),
                lambda n: self.tr("已从 %n 人移除标签「{tag}」", "", n).format(tag=tag),
            )

    def _ask_community(self, title: str) -> int | None:
        if not self.choices.communities:
            QMessageBox.information(self, title, self.tr("还没有社群，请先在「社群」页新建"))
            return None
        communities = sorted_by_name(self.choices.communities, later=self.choices.is_archived)
        names = [name for _id, name in communities]
        name, accepted = QInputDialog.getItem(self, title, self.tr("社群："), names, 0, False)
        if not accepted:
            return None
        return communities[names.index(name)][0]

    def bulk_add_to_community(self) -> None:
        ids = self.selected_ids()
        community_id = self._ask_community(self.tr("加入社群"))
        if community_id is not None:
            self._write(
                self.tr("正在加入社群…"),
                lambda s: add_members_to_community(s, ids, community_id),
                changes(Change.MEMBERS, Change.COMMUNITIES),
                lambda n: self.tr("%n 人已加入社群", "", n),
            )

    def bulk_set_role(self) -> None:
        ids = self.selected_ids()
        community_id = self._ask_community(self.tr("设置角色：选择社群"))
        if community_id is None:
            return
        roles = role_labels()
        names = list(roles.values())
        name, accepted = QInputDialog.getItem(
            self,
            self.tr("设置角色"),
            self.tr("角色："),
            names,
            names.index(role_name("follower")),
            False,
        )
        if accepted:
            role = list(roles)[names.index(name)]
            self._write(
                self.tr("正在设置角色…"),
                lambda s: set_members_role(s, ids, community_id, role),
                changes(Change.MEMBERS),
                lambda n: self.tr("已为 %n 人设置角色「{role}」", "", n).format(role=name),
            )

    def record_activity(self) -> None:
        # Recording activity is the activity feature's form: the window opens it.
        self.activity_requested.emit(self.selected_ids(), self.filter_bar.community.currentData())

    def export(self) -> None:
        selected = self.selected_ids()
        ids = selected or self.model.ids()
        what = self.tr("所选成员") if selected else self.tr("当前列表的成员")
        suggested = Path(data_dir()).parent / f"成员_{datetime.now():%Y%m%d_%H%M}.xlsx"

        def export(session, path, mask, progress, cancelled):
            from core.members.export import export_members  # openpyxl: only when exporting

            return export_members(
                session, ids, path, mask=mask, what=what, progress=progress, cancelled=cancelled
            )

        self.run_export(
            self.tr("导出成员"),
            suggested,
            len(ids),
            export,
            label=self.tr("正在导出…"),
            said=lambda result: self.tr("已导出 %n 人到 {path}{masked}", "", result.rows).format(
                path=result.path,
                masked=self.tr("（手机号、微信号已打码）") if result.masked else "",
            ),
        )

    def run_export(
        self, title: str, suggested: Path, count: int, export, *, label: str, said, text=None
    ) -> None:
        """Ask for the .xlsx file and whether to mask (`text`: what the question says), then
        run `export(session, path, mask, progress, cancelled)` in the background and say
        `said(result)` in the status bar."""
        path = ask_xlsx_path(self, title, suggested)
        if path is None:
            return
        mask = self.ask_masking(count, text)
        if mask is None:
            return
        database = self.database

        def run(progress, cancelled):
            with database.session() as session:
                return export(session, path, mask, progress, cancelled)

        run_task(
            self,
            run,
            label=label,
            on_success=lambda result: self.show_exported(result, said(result)),
        )

    def show_exported(self, result, message: str) -> None:
        self.say(message, 10000)
        self.exported.emit(result)

    def ask_masking(self, count: int, text: str | None = None) -> bool | None:
        """Confirm the export; masking is on unless the user unticks it. None: cancelled."""
        box = QMessageBox(
            QMessageBox.Icon.Question,
            self.tr("导出成员"),
            text or self.tr("导出 %Ln 名成员到 Excel。", "", count),
            QMessageBox.StandardButton.Ok | QMessageBox.StandardButton.Cancel,
            self,
        )
        box.setObjectName("export_confirm")
        mask = QCheckBox(self.tr("手机号和微信号打码（建议，导出会记入导出日志）"))
        mask.setObjectName("export_mask")
        mask.setChecked(True)
        box.setCheckBox(mask)
        if box.exec() != QMessageBox.StandardButton.Ok:
            return None
        return mask.isChecked()
