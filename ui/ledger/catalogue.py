"""积分商城: the rewards, each with its picture as a thumbnail; add and edit them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QHBoxLayout

from core.ledger.catalogue import KIND_NAMES, list_rewards, reward_images, save_reward
from core.ledger.liability import fen_text
from ui.common.empty_state import EmptyState, EmptySwitch
from ui.common.i18n import shown
from ui.common.list_model import ListTableModel
from ui.common.widgets import push_button
from ui.ledger.common import LedgerPage, make_table, selected
from ui.ledger.dialogs import RewardDialog

if TYPE_CHECKING:
    from ui.ledger.tab import LedgerTab

THUMB = 40  # px, a reward's picture in the catalogue list


class RewardsModel(ListTableModel):
    """The catalogue list, with each reward's picture as a thumbnail before its name."""

    def __init__(self, columns, parent=None) -> None:
        super().__init__(columns, parent=parent)
        self.thumbnails: dict[int, QImage] = {}

    def data(self, index, role: int = Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.DecorationRole:
            if index.isValid() and index.column() == 0:
                return self.thumbnails.get(self.item(index.row()).id)
            return None
        return super().data(index, role)


def thumbnails(pictures: dict[int, bytes]) -> dict[int, QImage]:
    """Scaled pictures, made in the worker (QImage, unlike QPixmap, may be)."""
    result = {}
    for reward_id, data in pictures.items():
        image = QImage.fromData(data)
        if not image.isNull():
            result[reward_id] = image.scaled(
                THUMB,
                THUMB,
                Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.SmoothTransformation,
            )
    return result


class CataloguePage(LedgerPage):
    def __init__(self, tab: LedgerTab) -> None:
        super().__init__(tab)
        self.rewards: list = []
        self.pictures: dict[int, bytes] = {}

        def dates(r) -> str:
            if not (r.valid_from or r.valid_until):
                return ""
            start = f"{r.valid_from:%Y-%m-%d}" if r.valid_from else ""
            end = f"{r.valid_until:%Y-%m-%d}" if r.valid_until else ""
            return f"{start} ~ {end}"

        self.model = RewardsModel(
            [
                (self.tr("奖品"), lambda r: r.name),
                (self.tr("类型"), lambda r: shown(KIND_NAMES.get(r.kind, r.kind))),
                (self.tr("所需积分"), lambda r: r.points_cost),
                (
                    self.tr("剩余/总库存"),
                    lambda r: self.tr("不限") if r.stock is None else f"{r.left}/{r.stock}",
                ),
                (self.tr("已兑换"), lambda r: r.redeemed),
                (self.tr("成本"), lambda r: fen_text(r.cost_cents)),
                (
                    self.tr("每人限兑"),
                    lambda r: "" if r.per_member_limit is None else r.per_member_limit,
                ),
                (self.tr("兑换日期"), dates),
                (self.tr("状态"), lambda r: self.tr("上架") if r.active else self.tr("下架")),
            ],
            parent=self,
        )
        self.table = make_table(
            "ledger_rewards_table", self.model, (200, 70, 80, 90, 70, 80, 80, 180)
        )
        self.table.setIconSize(QSize(THUMB, THUMB))
        self.table.verticalHeader().setDefaultSectionSize(THUMB + 8)
        self.table.doubleClicked.connect(lambda _index: self.edit_reward())
        buttons = QHBoxLayout()
        buttons.addWidget(push_button("ledger_reward_new", self.tr("新增奖品…"), self.new_reward))
        buttons.addWidget(push_button("ledger_reward_edit", self.tr("编辑…"), self.edit_reward))
        buttons.addStretch(1)
        empty = EmptyState(
            "ledger_rewards_empty",
            "gift",
            self.tr("积分商城还没有奖品"),
            self.tr("上架第一件奖品（实物、优惠券或服务），成员就能用积分兑换了。"),
        )
        empty.add_action("ledger_rewards_empty_new", self.tr("新增奖品…"), self.new_reward)
        self.table_or_empty = EmptySwitch(self.table, empty)
        self.lay_out(buttons, self.table_or_empty)

    def reload(self) -> None:
        def read(session):
            rows = list_rewards(session)
            pictures = reward_images(session, [r.id for r in rows if r.has_image])
            return rows, pictures, thumbnails(pictures)

        self.tasks.read(read, self._show)

    def _show(self, result) -> None:
        rewards, self.pictures, self.model.thumbnails = result
        self.rewards = rewards
        self.model.set_items(rewards)
        self.table_or_empty.set_empty(not rewards)

    def new_reward(self) -> None:
        self._open_reward(None)

    def edit_reward(self) -> None:
        row = selected(self.table, self.model)
        if row is not None:
            self._open_reward(row)

    def _open_reward(self, row) -> None:
        picture = self.pictures.get(row.id) if row is not None else None
        dialog = RewardDialog(row, picture, parent=self)
        if dialog.exec() != RewardDialog.DialogCode.Accepted:
            return
        spec, reward_id = dialog.result_spec(), row.id if row else None
        self.write(lambda s: save_reward(s, spec, reward_id), self.tr("正在保存奖品…"))
