"""裂变树: the campaign's referral tree, opened one level at a time, a search that finds a
participant and shows who brought them (the path from their seed) and whom they brought, and
the cascade picture by wave (drawn by core/campaigns/cascade.py, saved as PNG).

A node's invitees are read when it opens (core/campaigns/branches.children: one row per
invitee with what lies below counted in the database), so a participant with 10000 below
opens as fast as one with three.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, Qt, QTimer
from PySide6.QtGui import QPixmap, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QScrollArea,
    QSplitter,
    QTabWidget,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from core.campaigns.tool_totals import STATE_LABELS
from ui.campaigns.page import CampaignPage
from ui.common.empty_state import EmptyState, EmptySwitch
from ui.common.errors import show_error
from ui.common.i18n import shown
from ui.common.list_model import ListTableModel
from ui.common.save_path import ask_save_path
from ui.common.theme import current_theme
from ui.common.widgets import (
    captioned_panel,
    push_button,
    restyle,
    text_label,
    warning_label,
    wrapping_label,
)
from ui.ledger.common import make_table

if TYPE_CHECKING:
    from core.campaigns.branches import Branch, Path
    from ui.common.tab import FeatureTab

MEMBER = Qt.ItemDataRole.UserRole + 1  # the member id of a row's first cell
WAVE = Qt.ItemDataRole.UserRole + 2
LOADED = Qt.ItemDataRole.UserRole + 3  # its invitees have been read
SEARCH_DELAY_MS = 250


class TreePage(CampaignPage):
    def __init__(self, tab: FeatureTab, parent: QWidget | None = None) -> None:
        super().__init__(tab, parent)
        self._generation = 0  # a read for an older campaign is dropped when it lands
        self._picture: bytes | None = None
        self._pending_path: list[int] = []

        self.search = QLineEdit()
        self.search.setObjectName("campaign_tree_search")
        self.search.setPlaceholderText(self.tr("查找参与者：昵称、拼音或首字母"))
        self.search.setClearButtonEnabled(True)
        self._search_timer = QTimer(self, singleShot=True, interval=SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self.run_search)
        self.search.textChanged.connect(lambda _text: self._search_timer.start())
        self.search.returnPressed.connect(self.run_search)
        self.matches = QListWidget()
        self.matches.setObjectName("campaign_tree_matches")
        self.matches.hide()
        self.matches.itemActivated.connect(self._match_picked)
        self.matches.itemClicked.connect(self._match_picked)

        self.model = QStandardItemModel(self)
        self.model.setHorizontalHeaderLabels(
            [self.tr("参与者"), self.tr("入群时间"), self.tr("波次"), self.tr("邀请"),
             self.tr("已核实"), self.tr("下游人数")]
        )  # fmt: skip
        self.tree = QTreeView()
        self.tree.setObjectName("campaign_tree_view")
        self.tree.setModel(self.model)
        self.tree.setUniformRowHeights(True)
        self.tree.setAlternatingRowColors(True)
        self.tree.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.tree.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setResizeContentsPrecision(100)  # the rows on screen, not every loaded one
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in range(1, 6):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.tree.expanded.connect(self._expanded)
        self.tree.selectionModel().currentRowChanged.connect(self._current_changed)

        self.path_label = text_label("campaign_tree_path")
        self.brought_label = text_label("campaign_tree_brought")
        detail = captioned_panel(
            "campaign_tree_detail",
            (12, 4, 4, 4),
            [(self.tr("谁带来的"), self.path_label), (self.tr("带来了谁"), self.brought_label)],
        )
        self.path_label.setText(self.tr("在左侧选一位参与者，或在上方查找。"))
        self.path_label.setProperty("muted", True)

        splitter = QSplitter()
        splitter.addWidget(self.tree)
        splitter.addWidget(detail)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([680, 280])
        empty = EmptyState(
            "campaign_tree_empty", "users-round", self.tr("还没有参与者"),
            self.tr("发出邀请码或导入邀请关系后，这里会显示谁带来了谁。"),
        )  # fmt: skip
        self.switch = EmptySwitch(splitter, empty)
        self.totals_view = TotalsView()
        self.switch.addWidget(self.totals_view)  # a tool's export: totals, no tree
        self._totals = None  # ToolTotals when the campaign is known only from one

        tree_tab = QWidget()
        tree_layout = QVBoxLayout(tree_tab)
        tree_layout.setContentsMargins(0, 8, 0, 0)
        tree_layout.addWidget(self.search)
        tree_layout.addWidget(self.matches)
        tree_layout.addWidget(self.switch, 1)

        self.picture = FitWidthPicture()
        self.picture.setObjectName("campaign_cascade_picture")
        scroll = QScrollArea()
        scroll.setObjectName("campaign_cascade_scroll")
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(self.picture)
        self.save_button = push_button(
            "campaign_cascade_save", self.tr("保存为 PNG…"), self.save_picture
        )
        self.save_button.setEnabled(False)
        picture_tab = QWidget()
        picture_layout = QVBoxLayout(picture_tab)
        picture_layout.setContentsMargins(0, 8, 0, 0)
        buttons = QHBoxLayout()
        hint = QLabel(self.tr("每一行是一波：种子带来第 1 波，第 1 波带来第 2 波……"))
        hint.setProperty("muted", True)
        buttons.addWidget(hint, 1)
        buttons.addWidget(self.save_button)
        picture_layout.addLayout(buttons)
        picture_layout.addWidget(scroll, 1)

        self.views = QTabWidget()
        self.views.setObjectName("campaign_tree_views")
        self.views.setDocumentMode(True)
        self.views.addTab(tree_tab, self.tr("邀请树"))
        self.views.addTab(picture_tab, self.tr("裂变图"))
        self.views.currentChanged.connect(lambda _index: self._load_picture())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.views)

    def title(self) -> str:
        return self.tr("裂变树")

    # ----- loading -----

    def reload(self) -> None:
        self._generation += 1
        self.model.removeRows(0, self.model.rowCount())
        self._picture = None
        self.picture.set_picture(QPixmap())
        self.save_button.setEnabled(False)
        self.matches.clear()
        self.matches.hide()
        self._show_detail(None, [])
        self._totals = None
        self.picture.setText("")
        if self.campaign_id is None:
            self.switch.set_empty(True)
            return
        from core.campaigns.branches import seeds
        from core.campaigns.tool_totals import tool_totals

        campaign, generation = self.campaign_id, self._generation

        def read(session):
            roots = seeds(session, campaign)
            return roots, (None if roots else tool_totals(session, campaign))

        self.tab.tasks.read(read, lambda found: self._show_roots(generation, *found))

    def _show_roots(self, generation: int, roots: list[Branch], totals=None) -> None:
        if generation != self._generation:
            return
        self._totals = totals
        if totals is not None:
            self.totals_view.show_totals(totals)
            self.switch.setCurrentWidget(self.totals_view)
        else:
            self.switch.set_empty(not roots)
        self.search.setVisible(totals is None)  # no tree to search: the names are all listed
        if self.views.currentIndex() == 1:
            self._load_picture()
        for branch in roots:
            self.model.appendRow(self._row(branch, 0))
        self._follow_path()
        if roots:  # everyone below each seed: a walk of the whole campaign, so it comes after
            from core.campaigns.branches import seed_descendants

            campaign = self.campaign_id
            self.tab.tasks.read(
                lambda session: seed_descendants(session, campaign),
                lambda below: self._show_seed_descendants(generation, below),
            )

    def _show_seed_descendants(self, generation: int, below: dict[int, int]) -> None:
        if generation != self._generation:
            return
        for row in range(self.model.rowCount()):
            member = self.model.item(row, 0).data(MEMBER)
            self.model.item(row, 5).setText(f"{below.get(member, 0):,}")

    def _row(self, branch: Branch, wave: int) -> list[QStandardItem]:
        name = QStandardItem(branch.name or f"#{branch.member_id}")
        name.setData(branch.member_id, MEMBER)
        name.setData(wave, WAVE)
        name.setData(branch.invited == 0, LOADED)
        name.setToolTip(self.tr("成员 #{id}").format(id=branch.member_id))
        if branch.invited:
            name.appendRow([QStandardItem(self.tr("正在读取…"))])  # the expand arrow
        cells = [name, QStandardItem(_time_text(branch.joined_at))]
        for value in (wave, branch.invited, branch.verified, branch.descendants):
            cell = QStandardItem("…" if value is None else f"{value:,}")
            cell.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            cells.append(cell)
        cells[2].setText(self.tr("0（种子）") if wave == 0 else f"{wave}")
        return cells

    def _expanded(self, index: QModelIndex) -> None:
        item = self.model.itemFromIndex(index.siblingAtColumn(0))
        if item is None or item.data(LOADED):
            return
        item.setData(True, LOADED)
        from core.campaigns.branches import children

        campaign, member = self.campaign_id, item.data(MEMBER)
        generation = self._generation

        def failed(error: Exception) -> None:
            if generation == self._generation:  # the item is still in the tree
                item.setData(False, LOADED)  # opening it again tries again
                self.tree.collapse(item.index())
            show_error(self, error)

        self.tab.tasks.read(
            lambda session: children(session, campaign, member),
            lambda found: self._show_children(generation, item, found),
            on_failure=failed,
        )

    def _show_children(self, generation: int, item: QStandardItem, found: list[Branch]) -> None:
        if generation != self._generation:
            return
        item.removeRows(0, item.rowCount())
        wave = item.data(WAVE) + 1
        for branch in found:
            item.appendRow(self._row(branch, wave))
        self._follow_path()
        current = self.tree.currentIndex()
        if current.isValid() and self.model.itemFromIndex(current.siblingAtColumn(0)) is item:
            self._show_detail_of(item)

    # ----- search: find a participant, open the path down to them -----

    def run_search(self) -> None:
        self._search_timer.stop()
        text = self.search.text().strip()
        if not text or self.campaign_id is None:
            self.matches.clear()
            self.matches.hide()
            return
        from core.campaigns.branches import find_participants

        campaign, generation = self.campaign_id, self._generation
        self.tab.tasks.read(
            lambda session: find_participants(session, campaign, text),
            lambda found: self._show_matches(generation, text, found),
        )

    def _show_matches(self, generation: int, text: str, found: list[tuple[int, str]]) -> None:
        if generation != self._generation or text != self.search.text().strip():
            return
        self.matches.clear()
        if not found:
            item = QListWidgetItem(self.tr("活动中没有找到「{text}」").format(text=text))
            item.setFlags(Qt.ItemFlag.NoItemFlags)
            self.matches.addItem(item)
        for member, name in found:
            item = QListWidgetItem(f"{name}  #{member}")
            item.setData(MEMBER, member)
            self.matches.addItem(item)
        rows = max(1, self.matches.count())
        self.matches.setFixedHeight(min(5, rows) * self.matches.sizeHintForRow(0) + 6)
        self.matches.show()
        if len(found) == 1:
            self.locate(found[0][0])

    def _match_picked(self, item: QListWidgetItem) -> None:
        member = item.data(MEMBER)
        if member is not None:
            self.locate(member)

    def locate(self, member_id: int) -> None:
        """Open the tree down to `member_id` and select them."""
        from core.campaigns.branches import path_to

        campaign, generation = self.campaign_id, self._generation
        self.tab.tasks.read(
            lambda session: path_to(session, campaign, member_id),
            lambda path: self._open_path(generation, path),
        )

    def _open_path(self, generation: int, path: Path) -> None:
        if generation != self._generation:
            return
        if path.cycle:
            names = " → ".join(path.names.get(m, f"#{m}") for m in path.members)
            self.path_label.setText(self.tr("邀请关系成环，找不到种子：{path}").format(path=names))
            return
        self._pending_path = list(path.members)
        self._follow_path()

    def _follow_path(self) -> None:
        """Walk the pending path as far as the loaded rows go; open the next node (its read
        brings this back) or select the member at the end."""
        parent = self.model.invisibleRootItem()
        for depth, member in enumerate(self._pending_path):
            item = _child_of(parent, member)
            if item is None:
                return  # not loaded yet: the read that loads it calls back here
            if depth == len(self._pending_path) - 1:
                self._pending_path = []
                index = item.index()
                self.tree.setCurrentIndex(index)
                self.tree.scrollTo(index, QAbstractItemView.ScrollHint.PositionAtCenter)
                return
            if not self.tree.isExpanded(item.index()):
                self.tree.expand(item.index())  # reads the invitees, then comes back
                if not item.data(LOADED) or item.child(0, 0).data(MEMBER) is None:
                    return
            elif not item.data(LOADED):
                return
            parent = item

    # ----- the selected participant: who brought them, whom they brought -----

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        item = self.model.itemFromIndex(current.siblingAtColumn(0)) if current.isValid() else None
        if item is None or item.data(MEMBER) is None:
            self._show_detail(None, [])
            return
        self._show_detail_of(item)
        if not item.data(LOADED):
            self.tree.expand(item.index())

    def _show_detail_of(self, item: QStandardItem) -> None:
        chain = []
        walk = item
        while walk is not None and walk.data(MEMBER) is not None:
            chain.append(walk.text())
            walk = walk.parent()
        brought = [
            item.child(row, 0).text()
            for row in range(item.rowCount())
            if item.child(row, 0).data(MEMBER) is not None
        ]
        self._show_detail(list(reversed(chain)), brought, loading=not item.data(LOADED))

    def _show_detail(self, chain: list[str] | None, brought: list[str], loading=False) -> None:
        if self.path_label.property("muted") != (chain is None):
            restyle(self.path_label, muted=chain is None)  # the property picks the colour
        if chain is None:
            self.path_label.setText(self.tr("在左侧选一位参与者，或在上方查找。"))
            self.brought_label.setText("")
            return
        if len(chain) == 1:
            self.path_label.setText(self.tr("{name} 是种子参与者").format(name=chain[0]))
        else:
            self.path_label.setText(" → ".join(chain))
        if loading:
            self.brought_label.setText(self.tr("正在读取…"))
        elif not brought:
            self.brought_label.setText(self.tr("还没有带来新成员"))
        else:
            shown_names = "、".join(brought[:30])
            more = len(brought) - 30
            text = self.tr("{count} 人：{names}").format(count=len(brought), names=shown_names)
            if more > 0:
                text += self.tr(" 等")
            self.brought_label.setText(text)

    # ----- the cascade picture -----

    def _load_picture(self) -> None:
        if self.views.currentIndex() != 1 or self._picture is not None:
            return
        if self.campaign_id is None:
            return
        if self._totals is not None:  # no edges: no waves to draw, and the reason why
            from core.campaigns.tool_totals import totals_only_notice

            self.picture.set_picture(QPixmap())
            self.picture.setText(shown(totals_only_notice()))
            return
        from core.campaigns.cascade import DARK, LIGHT, campaign_waves, draw_cascade
        from core.campaigns.records import find_campaign

        colours = DARK if current_theme().name == "dark" else LIGHT
        campaign, generation = self.campaign_id, self._generation

        def work(session):
            import io

            name = find_campaign(session, str(campaign)).name
            waves = campaign_waves(session, campaign)  # K per wave as the report's
            image = draw_cascade(waves, name, colours=colours, shown=shown).image
            data = io.BytesIO()
            image.save(data, format="PNG")
            return data.getvalue()

        self.tab.tasks.read(work, lambda data: self._show_picture(generation, data))

    def _show_picture(self, generation: int, data: bytes) -> None:
        if generation != self._generation:
            return
        self._picture = data
        pixmap = QPixmap()
        pixmap.loadFromData(data)
        self.picture.set_picture(pixmap)
        self.save_button.setEnabled(True)

    def save_picture(self) -> None:
        if self._picture is None:
            return
        path = ask_save_path(
            self, self.tr("保存裂变图"), self.tr("裂变图.png"), self.tr("PNG 图片 (*.png)"), ".png"
        )
        if path is None:
            return
        try:
            with open(path, "wb") as file:
                file.write(self._picture)
        except OSError as error:
            QMessageBox.warning(
                self, self.tr("保存失败"), self.tr("无法写入 {path}：{error}").format(
                    path=path, error=error.strerror or error)
            )  # fmt: skip


class TotalsView(QWidget):
    """A campaign known only from a tool's export: what the file gives (each participant's
    total) and what it cannot (who brought whom, and the figures that need it)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("campaign_tree_totals")
        self.notice = warning_label("campaign_tree_totals_notice")
        self.summary = wrapping_label("campaign_tree_totals_summary")
        self.model = ListTableModel(
            [
                (self.tr("参与者（明细中的写法）"), lambda r: r.name),
                (self.tr("认出的成员"), lambda r: r.member_name or self.tr("未认出")),
                (self.tr("群"), lambda r: r.community_name),
                (self.tr("发送员工"), lambda r: r.staff),
                (self.tr("裂变状态"), lambda r: shown(STATE_LABELS.get(r.state, r.state))),
                (self.tr("裂变新客数"), lambda r: r.new_customers),
            ],
            parent=self,
        )
        self.table = make_table("campaign_tree_totals_table", self.model, (170, 120, 150, 130, 80))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.setSpacing(8)
        layout.addWidget(self.notice)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)

    def show_totals(self, totals) -> None:
        from core.campaigns.tool_totals import SOURCE_LABELS, totals_only_notice
        from core.common.joins import joined_list

        self.notice.setText(shown(totals_only_notice()))
        files = shown(joined_list([SOURCE_LABELS.get(s, s) for s in totals.sources]))
        self.summary.setText(
            self.tr(
                "{files}：{participants} 位参与者共带来 {count} 位新客，{done} 位已完成；"
                "认出成员 {matched} 位"
            ).format(
                files=files,
                participants=totals.participants,
                count=totals.new_customers,
                done=totals.done,
                matched=totals.matched,
            )
        )
        self.model.set_items(totals.rows)


class FitWidthPicture(QLabel):
    """A picture as wide as the room it has (never wider than itself), scaled on resize."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        self.setWordWrap(True)  # a text in place of the picture
        self.setMinimumWidth(1)
        self.full = QPixmap()

    def set_picture(self, pixmap: QPixmap) -> None:
        self.full = pixmap
        self._fit()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._fit()

    def _fit(self) -> None:
        if self.full.isNull():
            if not self.pixmap().isNull():
                self.clear()  # no picture: a text shown in its place stays
            return
        width = min(self.width(), self.full.width())
        if self.pixmap().isNull() or self.pixmap().width() != width:
            self.setPixmap(
                self.full.scaledToWidth(width, Qt.TransformationMode.SmoothTransformation)
            )


def _child_of(parent: QStandardItem, member: int) -> QStandardItem | None:
    for row in range(parent.rowCount()):
        child = parent.child(row, 0)
        if child is not None and child.data(MEMBER) == member:
            return child
    return None


def _time_text(value: datetime | None) -> str:
    return "" if value is None else f"{value:%Y-%m-%d %H:%M}"
