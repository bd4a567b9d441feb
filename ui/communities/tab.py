"""The 社群 tab: the list of communities on the left, the chosen one's detail on the right.

Reads and writes run in the background through the tab's `tasks`; nothing here builds SQL.
After a write the tab reloads itself and announces `Change.COMMUNITIES` for the others.
`attention_count_changed` carries the size of the 需要处理 list for the status bar.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QItemSelectionModel, QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QMessageBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from core.common.database import Database
from core.communities.attention import Attention
from core.communities.limits import load_limits
from core.communities.listing import (
    CommunityRow,
    attention_from_rows,
    list_communities,
    name_search_keys,
)
from core.communities.registry import (
    delete_community,
    get_community,
    is_empty,
    new_fields,
    owner_and_admins,
    read_fields,
    restore_community,
    set_archived,
)
from ui.common.changes import Change, Changes, changes
from ui.common.empty_state import EmptyState, EmptySwitch
from ui.common.errors import show_error
from ui.common.notice_bar import NoticeBar
from ui.common.search_table import SearchBoxTableView
from ui.common.tab import FeatureTab
from ui.common.widgets import confirm, page_title, push_button, restyle
from ui.communities.attention import AttentionDialog
from ui.communities.detail import CommunityDetail, DetailData, load_detail
from ui.communities.dialog import CommunityDialog
from ui.communities.extras import CommunitiesTabExtras
from ui.communities.labels import kind_labels, platform_labels, qr_days_text
from ui.communities.model import (
    COL_MEMBERS,
    COL_NAME,
    COL_PLATFORM,
    COL_QR,
    COL_STATUS,
    ID_ROLE,
    CommunitiesFilter,
    CommunitiesModel,
)
from ui.communities.trash import TrashDialog

COMMUNITIES = changes(Change.COMMUNITIES)


class CommunitiesTab(FeatureTab):
    """Communities: list, search, archive, trash; per-community figures, growth and QR code."""

    SHOWS = frozenset({Change.COMMUNITIES, Change.MEMBERS, Change.ACTIVITY})
    attention_count_changed = Signal(int)

    def __init__(
        self,
        database: Database,
        parent: QWidget | None = None,
        *,
        extras: CommunitiesTabExtras | None = None,
    ) -> None:
        super().__init__(database, parent)
        self.setObjectName("communities_tab")
        self.rows: list[CommunityRow] = []
        self.attention: list[Attention] = []
        self.loaded = False  # the list has arrived at least once
        self._selected_id: int | None = None
        self._listing = False  # the list is being read
        self._reload_again = False
        self._detail_generation = 0
        self._undo_id: int | None = None
        self._detail_stale = False  # selection changed while hidden: load when shown

        title = page_title("communities_title", self.tr("社群"))
        self.attention_button = push_button("communities_attention_button", "", self.show_attention)
        self.attention_button.setToolTip(self.tr("二维码即将过期、已过期，或人数接近上限的群"))
        self.trash_button = push_button("communities_trash", self.tr("回收站"), self.show_trash)
        top = QHBoxLayout()
        top.addWidget(title)
        top.addStretch(1)
        top.addWidget(self.attention_button)
        top.addWidget(self.trash_button)

        self.undo_button = push_button("communities_undo", self.tr("撤销"), self.undo_delete)
        self.notice = NoticeBar("communities", self.tr("知道了"), (self.undo_button,))
        self.notice_label = self.notice.label

        self.search = QLineEdit()
        self.search.setObjectName("communities_search")
        self.search.setPlaceholderText(self.tr("搜索名称、标签或拼音首字母"))
        self.search.setClearButtonEnabled(True)
        self.show_archived = QCheckBox(self.tr("显示已归档"))
        self.show_archived.setObjectName("communities_show_archived")
        filters = QHBoxLayout()
        filters.addWidget(self.search, 1)
        filters.addWidget(self.show_archived)

        self.model = CommunitiesModel(self)
        self.proxy = CommunitiesFilter(self)
        self.proxy.setSourceModel(self.model)
        self.search.textChanged.connect(self.proxy.set_search)
        self.show_archived.toggled.connect(self.proxy.set_show_archived)
        # Typing into the list searches through the box (pinyin too), as in the members tab.
        self.table = SearchBoxTableView(self.search)
        self.table.setObjectName("communities_table")
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(COL_NAME, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setShowGrid(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(30)
        self._size_columns()
        self.table.viewport().installEventFilter(self)
        self.table.selectionModel().currentRowChanged.connect(self._current_changed)
        self.table.doubleClicked.connect(lambda _index: self.edit_selected())

        self.new_button = push_button("communities_new", self.tr("新建…"), self.new_community)
        self.edit_button = push_button("communities_edit", self.tr("编辑…"), self.edit_selected)
        self.archive_button = push_button(
            "communities_archive", self.tr("归档"), self.toggle_archive
        )
        self.delete_button = push_button(
            "communities_delete", self.tr("删除…"), self.delete_selected
        )
        actions = QHBoxLayout()
        actions.addWidget(self.new_button)
        actions.addWidget(self.edit_button)
        actions.addStretch(1)
        actions.addWidget(self.archive_button)
        actions.addWidget(self.delete_button)

        left = QWidget()
        left.setObjectName("communities_list_side")
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addLayout(filters)
        left_layout.addWidget(self.table, 1)
        left_layout.addLayout(actions)

        self.detail = CommunityDetail(database)
        self.detail.qr_panel.changed.connect(self._changed)
        for section in (extras or CommunitiesTabExtras()).detail_sections(database):
            self.detail.add_section(section)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("communities_splitter")
        self.splitter.addWidget(left)
        self.splitter.addWidget(self.detail)
        self.splitter.setStretchFactor(0, 2)
        self.splitter.setStretchFactor(1, 3)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setSizes([560, 680])
        left.setMinimumWidth(300)
        self.detail.setMinimumWidth(420)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 16, 24, 16)
        layout.setSpacing(12)
        layout.addLayout(top)
        layout.addWidget(self.notice)
        self.empty = EmptyState(
            "communities_empty",
            "messages-square",
            self.tr("还没有社群"),
            self.tr("先把你的微信群、企业微信客户群登记进来：名称、人数上限和群二维码。"),
        )
        self.empty.add_action("communities_empty_new", self.tr("新建社群…"), self.new_community)
        self.list_or_empty = EmptySwitch(self.splitter, self.empty)
        layout.addWidget(self.list_or_empty, 1)

        QShortcut(QKeySequence.StandardKey.Find, self, self.search.setFocus)
        delete_shortcut = QShortcut(QKeySequence.StandardKey.Delete, self.table)
        delete_shortcut.activated.connect(self.delete_selected)
        self._reload_timer = QTimer(self)
        self._reload_timer.setSingleShot(True)
        self._reload_timer.setInterval(0)
        self._reload_timer.timeout.connect(self._reload)
        self._set_attention([])
        self._update_buttons()

    def _size_columns(self) -> None:
        """Widths from the longest text each column can hold: measuring every row
        (ResizeToContents) would cost a fifth of a second per reload at 300 communities."""
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(COL_NAME, QHeaderView.ResizeMode.Stretch)
        header.setMinimumSectionSize(48)
        metrics = self.table.fontMetrics()
        samples = {
            COL_PLATFORM: [*platform_labels().values()],
            COL_MEMBERS: ["500 / 500"],  # bigger groups are rare (WeChat caps at 500)
            COL_QR: [
                qr_days_text(True, 7),
                qr_days_text(True, None),
                qr_days_text(False, None),
                qr_days_text(False, None, needed=False),
            ],
            COL_STATUS: [*(f"{label} +1" for label in kind_labels().values()), self.tr("正常")],
        }
        for column, texts in samples.items():
            title = self.model.headerData(column, Qt.Orientation.Horizontal)
            widest = max(metrics.horizontalAdvance(text) for text in [*texts, title])
            header.resizeSection(column, widest + 22)  # 12 px item padding, then air
        self._platform_width = header.sectionSize(COL_PLATFORM)

    def eventFilter(self, watched, event) -> bool:
        if watched is self.table.viewport() and event.type() == QEvent.Type.Resize:
            self._fit_columns()
        return super().eventFilter(watched, event)

    def _fit_columns(self) -> None:
        """In a narrow list the platform column goes (the detail still names the platform)."""
        header = self.table.horizontalHeader()
        fixed = sum(header.sectionSize(c) for c in (COL_MEMBERS, COL_QR, COL_STATUS))
        narrow = self.table.viewport().width() < fixed + self._platform_width + 120
        if narrow != self.table.isColumnHidden(COL_PLATFORM):
            self.table.setColumnHidden(COL_PLATFORM, narrow)

    def database_replaced(self, database: Database) -> None:
        self.detail.qr_panel.database = database

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self._detail_stale and self._selected_id is not None:
            self._load_detail(self._selected_id)

    # ----- loading --------------------------------------------------------------------------

    def reload(self, changed: Changes | None) -> None:
        """Reload the list (and the detail shown)."""
        self._reload_timer.start()  # several refreshes in one turn of the event loop: one load

    def _reload(self) -> None:
        if self._listing:
            self._reload_again = True
            return
        self._listing = True
        self.tasks.read(
            lambda session: list_communities(session, include_archived=True),
            self._rows_read,
            on_failure=self._list_failed,
        )

    def _rows_read(self, rows: list[CommunityRow]) -> None:
        self._listing = False
        self._show_rows(rows)
        if self._reload_again:  # data changed while this list was read
            self._reload_again = False
            self._reload()

    def _list_failed(self, error: Exception) -> None:
        self._listing = self._reload_again = False
        show_error(self, error)

    def _show_rows(self, rows: list[CommunityRow]) -> None:
        keep = self._selected_id
        self.rows = rows
        self.model.set_rows(rows)
        self.loaded = True
        self._set_attention(attention_from_rows(rows))
        self._load_pinyin([row.name for row in rows if row.name not in self.proxy.pinyin])
        self.list_or_empty.set_empty(not rows)
        if not rows:
            self._selected_id = None
            self.detail.show_empty(self.tr("还没有社群。点「新建…」添加第一个群。"))
            self._update_buttons()
            return
        if keep is None or not self.select_community(keep, reveal=False):
            first = self.proxy.index(0, 0)
            if first.isValid():
                self.table.selectionModel().setCurrentIndex(
                    first,
                    QItemSelectionModel.SelectionFlag.ClearAndSelect
                    | QItemSelectionModel.SelectionFlag.Rows,
                )
            else:
                self._selected_id = None
                self.detail.show_empty()
        self._update_buttons()

    def _load_pinyin(self, names: list[str]) -> None:
        """Pinyin keys for searching by 拼音/首字母, after the list (pypinyin loads slowly)."""
        if not names:
            return

        self.tasks.start(
            lambda: {name: name_search_keys(name) for name in names},
            lambda keys: self.proxy.set_pinyin({**self.proxy.pinyin, **keys}),
        )

    def _set_attention(self, items: list[Attention]) -> None:
        self.attention = items
        count = len(items)
        self.attention_button.setText(
            self.tr("需要处理 {count}").format(count=count) if count else self.tr("需要处理")
        )
        restyle(self.attention_button, pending=count > 0)
        self.attention_count_changed.emit(count)

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        row = self._row_at(current)
        self._selected_id = row.id if row else None
        self._update_buttons()
        if row is None:
            self.detail.show_empty()
            return
        self.detail.show_row(row)
        if self.isVisible():
            self._load_detail(row.id)
        else:
            self._detail_stale = True  # nobody looks: no summary queries, no chart yet

    def _load_detail(self, community_id: int) -> None:
        self._detail_stale = False
        self._detail_generation += 1
        generation = self._detail_generation

        def show(data: DetailData) -> None:
            if generation == self._detail_generation and data.community_id == self._selected_id:
                self.detail.show_detail(data)

        self.tasks.read(lambda session: load_detail(session, community_id), show)

    def _row_at(self, index: QModelIndex) -> CommunityRow | None:
        if not index.isValid():
            return None
        community_id = self.proxy.data(index, ID_ROLE)
        return next((row for row in self.rows if row.id == community_id), None)

    def selected_row(self) -> CommunityRow | None:
        return next((row for row in self.rows if row.id == self._selected_id), None)

    def select_community(self, community_id: int, *, reveal: bool = True) -> bool:
        """Select a community in the list (showing archived ones or clearing the search if
        `reveal` and that is what hides it); False when it is not in the list."""
        source_row = self.model.row_of(community_id)
        if source_row < 0:
            return False
        index = self.proxy.mapFromSource(self.model.index(source_row, 0))
        if not index.isValid() and reveal:
            if self.model.rows[source_row].archived:
                self.show_archived.setChecked(True)
            self.search.clear()
            index = self.proxy.mapFromSource(self.model.index(source_row, 0))
        if not index.isValid():
            return False
        self.table.selectionModel().setCurrentIndex(
            index,
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )
        self.table.scrollTo(index)
        return True

    def _update_buttons(self) -> None:
        row = self.selected_row()
        for button in (self.edit_button, self.archive_button, self.delete_button):
            button.setEnabled(row is not None)
        self.archive_button.setText(
            self.tr("取消归档") if row is not None and row.archived else self.tr("归档")
        )

    def _changed(self, *_args) -> None:
        self.refresh(COMMUNITIES)
        self.announce(COMMUNITIES)

    def _write(self, work, label: str, then) -> None:
        """A write of this tab: the list reloads and the others hear of it once committed."""
        self.tasks.write(
            work,
            label=label,
            changes=COMMUNITIES,
            then=lambda result: (then(result), self.refresh(COMMUNITIES)),
        )

    # ----- actions --------------------------------------------------------------------------

    def new_community(self) -> None:
        self._open_dialog_for(None)

    def edit_selected(self) -> None:
        row = self.selected_row()
        if row is not None:
            self._open_dialog_for(row.id)

    def _open_dialog_for(self, community_id: int | None) -> None:
        """Load the record (or a blank one with the caps from the settings), then edit it."""

        def load(session):
            limits = load_limits(session)
            if community_id is None:
                return new_fields(session), None, limits
            owner = owner_and_admins(session, community_id).owner
            return read_fields(session, community_id), owner, limits

        def edit(loaded) -> None:
            fields, owner, limits = loaded
            dialog = CommunityDialog(
                self.database,
                fields,
                community_id=community_id,
                owner=owner,
                limits=limits,
                parent=self,
            )
            if dialog.exec() == CommunityDialog.DialogCode.Accepted and dialog.saved_id:
                self._selected_id = dialog.saved_id
                self._changed()

        self.tasks.read(load, edit, label=self.tr("请稍候…"))

    def toggle_archive(self) -> None:
        row = self.selected_row()
        if row is None:
            return
        archive = not row.archived

        def done(_result) -> None:
            text = (
                self.tr("已归档「{name}」：不再出现在列表和提醒里，勾选「显示已归档」可找回。")
                if archive
                else self.tr("已取消归档「{name}」。")
            )
            self._show_notice(text.format(name=row.name))

        self._write(
            lambda session: set_archived(session, row.id, archive), self.tr("正在保存…"), done
        )

    def delete_selected(self) -> None:
        row = self.selected_row()
        if row is None:
            return

        def check(session) -> bool:
            get_community(session, row.id)
            return is_empty(session, row.id)

        self.tasks.read(check, lambda empty: self._confirm(row, empty), label=self.tr("请稍候…"))

    def _confirm(self, row: CommunityRow, empty: bool) -> None:
        if empty:
            text = self.tr("「{name}」里没有任何成员记录，删除后不能恢复。确定删除？")
            yes_text = self.tr("删除")
        else:
            text = self.tr(
                "「{name}」有 %Ln 名成员和入群历史。删除后移到回收站，"
                "成员记录都会保留，可以随时恢复。",
                "",
                row.members,
            )
            yes_text = self.tr("移到回收站")
        question = text.format(name=row.name)
        title = self.tr("删除社群")
        icon = QMessageBox.Icon.Question
        if not confirm(self, "communities_delete_confirm", title, question, yes_text, icon):
            return

        def done(outcome: str) -> None:
            self._selected_id = None
            if outcome == "trashed":
                self._show_notice(
                    self.tr("「{name}」已移到回收站。").format(name=row.name), undo_id=row.id
                )
            else:
                self._show_notice(self.tr("已删除「{name}」。").format(name=row.name))

        self._write(lambda session: delete_community(session, row.id), self.tr("正在删除…"), done)

    def _show_notice(self, text: str, *, undo_id: int | None = None) -> None:
        self._undo_id = undo_id
        self.undo_button.setVisible(undo_id is not None)
        self.notice.say(text)

    def undo_delete(self) -> None:
        community_id = self._undo_id
        if community_id is None:
            return

        def done(_result) -> None:
            self.notice.hide()
            self._undo_id = None
            self._selected_id = community_id

        self._write(
            lambda session: restore_community(session, community_id), self.tr("正在恢复…"), done
        )

    def show_trash(self) -> None:
        dialog = TrashDialog(self.database, self)
        dialog.changed.connect(self._changed)
        dialog.exec()

    def show_attention(self) -> None:
        """The 需要处理 list (also what the status bar's count opens)."""
        dialog = AttentionDialog(self.attention, self.rows, self)
        dialog.community_chosen.connect(self.select_community)
        dialog.exec()
