"""记录邀请: who brought whom in a campaign, by invite code (typed, or read by a scanner that
types it) or, with no code, by picking the inviter by hand (how = manual).

The code is looked up as it is typed: whose it is, or the one-line refusal with the real codes
one character away ("did you mean …") as buttons that put the code right. The invitee (and
the inviter by hand) are picked with the member picker. What was recorded is shown under the
form — a new edge, one already known, or a first-referrer clash (kept as rejected, never
dropped) — and the form stays open for the next invite.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QDateTime, QTimer
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from ui.campaigns.campaign_dialog import CampaignDialog
from ui.common.changes import Change, changes
from ui.common.errors import refusal_line
from ui.common.flow_layout import FlowLayout
from ui.common.widgets import push_button, restyle, wrapping_label
from ui.communities.dialog import OwnerPicker

if TYPE_CHECKING:
    from ui.common.tab import FeatureTab

LOOKUP_DELAY_MS = 250
WRITES = changes(Change.CAMPAIGNS, Change.MEMBERS)  # an edge, and the invitee's inviter


class RecordDialog(CampaignDialog):
    def __init__(self, tab: FeatureTab, campaign_id: int) -> None:
        super().__init__(tab, campaign_id, "campaign_record_dialog", self.tr("记录邀请"), 560)
        self.resolved = None  # the ResolvedCode of the code typed, once looked up
        self.recorded = None  # the last CodeRecorded

        self.by_code = QRadioButton(self.tr("按邀请码"))
        self.by_code.setObjectName("campaign_record_by_code")
        self.by_hand = QRadioButton(self.tr("手工指定邀请人"))
        self.by_hand.setObjectName("campaign_record_by_hand")
        self.by_code.setChecked(True)
        how = QButtonGroup(self)
        how.addButton(self.by_code)
        how.addButton(self.by_hand)
        how.buttonToggled.connect(lambda *_a: self._how_changed())
        how_row = QHBoxLayout()
        how_row.addWidget(self.by_code)
        how_row.addWidget(self.by_hand)
        how_row.addStretch(1)

        self.code = QLineEdit()
        self.code.setObjectName("campaign_record_code")
        self.code.setPlaceholderText(self.tr("输入邀请码，或用扫码枪扫海报上的码"))
        self.code.setClearButtonEnabled(True)
        self.code.textEdited.connect(lambda _t: self._lookup_timer.start())
        self.scanned = QCheckBox(self.tr("扫码得到"))
        self.scanned.setObjectName("campaign_record_scanned")
        self.scan_button = push_button(
            "campaign_record_scan_image", self.tr("从图片识别…"), self.choose_image
        )
        self.scan_button.setToolTip(self.tr("选一张海报或二维码的截图，读出其中的邀请码"))
        code_row = QHBoxLayout()
        code_row.addWidget(self.code, 1)
        code_row.addWidget(self.scanned)
        code_row.addWidget(self.scan_button)
        self.code_row = QWidget()
        self.code_row.setLayout(code_row)
        code_row.setContentsMargins(0, 0, 0, 0)
        self.owner = wrapping_label("campaign_record_code_owner")
        self.suggestions = QWidget()
        self.suggestions.setObjectName("campaign_record_suggestions")
        self.suggestion_row = FlowLayout(self.suggestions)
        self.suggestion_row.setContentsMargins(0, 0, 0, 0)
        self.suggestions.hide()
        self._lookup_timer = QTimer(self)
        self._lookup_timer.setSingleShot(True)
        self._lookup_timer.setInterval(LOOKUP_DELAY_MS)
        self._lookup_timer.timeout.connect(self.look_up)

        self.inviter = OwnerPicker(tab.database, None, self, object_name="campaign_record_inviter")
        self.inviter.setPlaceholderText(self.tr("输入邀请人的昵称、备注名或拼音首字母"))
        self.invitee = OwnerPicker(tab.database, None, self, object_name="campaign_record_invitee")
        self.invitee.setPlaceholderText(self.tr("输入新成员的昵称、备注名或拼音首字母"))
        self.inviter.textChanged.connect(lambda _t: self._update())
        self.invitee.textChanged.connect(lambda _t: self._update())
        self.inviter.member_chosen.connect(lambda _m: self._update())
        self.invitee.member_chosen.connect(lambda _m: self._update())
        self.community = QComboBox()
        self.community.setObjectName("campaign_record_community")
        self.at = QDateTimeEdit(QDateTime.currentDateTime())
        self.at.setObjectName("campaign_record_at")
        self.at.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.at.setCalendarPopup(True)

        self.form = QFormLayout()
        self.form.addRow(self.tr("怎么记"), how_row)
        self.form.addRow(self.tr("邀请码"), self.code_row)
        self.form.addRow("", self.owner)
        self.form.addRow("", self.suggestions)
        self.form.addRow(self.tr("邀请人"), self.inviter)
        self.form.addRow(self.tr("被邀请人"), self.invitee)
        self.form.addRow(self.tr("加入的社群"), self.community)
        self.form.addRow(self.tr("时间"), self.at)

        self.result = wrapping_label("campaign_record_result")
        self.result.hide()
        self.record_button = push_button("campaign_record_ok", self.tr("记录"), self.record)
        self.record_button.setDefault(True)

        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.result)
        layout.addStretch(1)
        layout.addWidget(self.close_buttons(self.record_button))
        self._how_changed()
        self._load_communities()

    # ------------------------------------------------------------------------------ form

    def _how_changed(self) -> None:
        by_code = self.by_code.isChecked()
        for widget in (self.code_row, self.owner, self.suggestions):
            self.form.setRowVisible(widget, by_code)
        self.form.setRowVisible(self.inviter, not by_code)
        if by_code and not self.suggestion_row.count():
            self.form.setRowVisible(self.suggestions, False)
        self._update()

    def _load_communities(self) -> None:
        from core.campaigns.recording import target_communities

        campaign_id = self.campaign_id
        self.tab.tasks.read(
            lambda session: target_communities(session, campaign_id), self._show_communities
        )

    def _show_communities(self, found: list[tuple[int, str]]) -> None:
        self.community.clear()
        for community_id, name in found:
            self.community.addItem(name, community_id)
        # One target: it is the one; none: the edge is the campaign's without a community.
        self.form.setRowVisible(self.community, len(found) > 1)

    def _update(self) -> None:
        by_code = self.by_code.isChecked()
        inviter = self.resolved if by_code else self.inviter.owner
        ready = self.invitee.owner is not None and inviter is not None
        self.record_button.setEnabled(ready and not self.busy)

    # ------------------------------------------------------------------------ the code

    def look_up(self) -> None:
        """Whose is the code typed: its member, or why not with the codes one away."""
        from core.referrals.resolving import resolve_code

        text = self.code.text()
        self.resolved = None
        self._set_suggestions([])
        self._update()
        if not text.strip():
            self.owner.setText("")
            return
        self.tab.tasks.read(
            lambda session: resolve_code(session, text),
            lambda found: self._resolved(text, found),
            on_failure=lambda error: self._refused(text, error),
        )

    def _resolved(self, text: str, found) -> None:
        if text != self.code.text():
            return  # typed on since
        self.resolved = found
        if found.campaign_id is not None and found.campaign_id != self.campaign_id:
            said = self.tr("邀请码 {code} 属于 {name}，但它是活动「{campaign}」的")
            self.owner.setText(
                said.format(code=found.code, name=found.nickname, campaign=found.campaign_name)
            )
        else:
            said = self.tr("邀请码 {code} 属于 {name}")
            self.owner.setText(said.format(code=found.code, name=found.nickname))
        restyle(self.owner, warning=False)
        self._update()

    def _refused(self, text: str | None, error: BaseException) -> None:
        if text is not None and text != self.code.text():
            return
        line = refusal_line(self, error)
        if line is None:
            return
        self.owner.setText(line)
        restyle(self.owner, warning=True)
        self._set_suggestions(getattr(error, "suggestions", []))

    def _set_suggestions(self, suggestions) -> None:
        while self.suggestion_row.count():
            item = self.suggestion_row.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()
        for suggestion in suggestions:
            button = QPushButton(
                self.tr("{code}（{name}）").format(code=suggestion.code, name=suggestion.nickname)
            )
            button.setObjectName(f"campaign_record_suggestion_{suggestion.code}")
            button.setToolTip(self.tr("改用这个邀请码"))
            button.clicked.connect(lambda _c=False, code=suggestion.code: self.use_code(code))
            self.suggestion_row.addWidget(button)
        self.form.setRowVisible(self.suggestions, bool(suggestions) and self.by_code.isChecked())
        self.suggestions.setVisible(bool(suggestions))

    def choose_image(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("选择二维码图片"), "", self.tr("图片 (*.png *.jpg *.jpeg *.webp *.bmp)")
        )
        if path:
            self.scan_image(Path(path))

    def scan_image(self, path: Path) -> None:
        """Read the invite code from a picture of the poster's QR code, then look it up."""
        from core.campaigns.recording import code_from_scan

        def found(code: str) -> None:
            self.scanned.setChecked(True)
            self.use_code(code)

        self.tab.tasks.read(
            lambda session: code_from_scan(session, path),
            found,
            on_failure=lambda error: self._refused(None, error),
        )

    def use_code(self, code: str) -> None:
        """A suggestion picked: it becomes the code, looked up at once."""
        self.code.setText(code)
        self.look_up()

    # ---------------------------------------------------------------------------- write

    def record(self) -> None:
        from core.campaigns.recording import record_code, record_manual
        from core.campaigns.report import nicknames

        if not self.record_button.isEnabled():
            return
        campaign = str(self.campaign_id)
        invitee = self.invitee.owner.id
        community = self.community.currentData()
        at = self.at.dateTime().toPython().replace(second=0, microsecond=0)
        if self.by_code.isChecked():
            code = self.code.text()
            source = "scanned" if self.scanned.isChecked() else "typed"

            def recorded(session):
                return record_code(session, campaign, code, invitee, community_id=community,
                                   source=source, occurred_at=at)  # fmt: skip
        else:
            inviter = self.inviter.owner.id

            def recorded(session):
                return record_manual(session, campaign, inviter, invitee, community_id=community,
                                     occurred_at=at)  # fmt: skip

        def work(session):
            result = recorded(session)
            ids = [result.inviter_id, result.invitee_id, result.first_inviter_id]
            return result, nicknames(session, [i for i in ids if i is not None])

        self.write(work, self.tr("正在记录邀请…"), WRITES, self._recorded, self._failed)

    def _recorded(self, outcome) -> None:
        result, names = outcome
        self.recorded = result
        inviter = names.get(result.inviter_id, result.inviter)
        invitee = names.get(result.invitee_id, f"#{result.invitee_id}")
        if result.outcome == "conflict":
            first = names.get(result.first_inviter_id, f"#{result.first_inviter_id}")
            said = self.tr("冲突：{invitee} 已由 {first} 先邀请（先到先得），{inviter} 的记为被拒")
            text = said.format(invitee=invitee, first=first, inviter=inviter)
        else:
            said = {
                "added": self.tr("已记录：{inviter} 邀请了 {invitee}"),
                "merged": self.tr("已记录：{inviter} 邀请了 {invitee}（同一邀请关系，补上了来源）"),
                "unchanged": self.tr("已记录过：{inviter} 邀请了 {invitee}，未改动"),
            }[result.outcome]
            text = said.format(inviter=inviter, invitee=invitee)
            if result.code:
                text += self.tr("（邀请码 {code}）").format(code=result.code)
        self.result.setText(text)
        restyle(self.result, warning=result.outcome == "conflict")
        self.result.show()
        self.invitee.set_owner(None)  # ready for the next one
        self.invitee.setFocus()

    def _failed(self, error: BaseException) -> None:
        line = refusal_line(self, error)
        if line is None:
            return
        self.result.setText(line)
        restyle(self.result, warning=True)
        self.result.show()
        if getattr(error, "suggestions", None):
            self._set_suggestions(error.suggestions)


record_invite = RecordDialog.open_over  # 记录邀请 in the tab's 记录 menu
