"""行为权重: how much each kind of activity counts in the engagement score (本周最投入 …)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from core.activity.kinds import (
    DEFAULT_WEIGHTS,
    MAX_WEIGHT,
    MIN_WEIGHT,
    kind_weights,
    save_kind_weights,
)
from core.common.database import Database
from ui.activity.labels import activity_labels
from ui.common.errors import show_error


class WeightsDialog(QDialog):
    def __init__(self, database: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("weightsDialog")
        self.setWindowTitle(self.tr("行为权重"))
        self.database = database
        with database.session() as session:
            weights = kind_weights(session)
        intro = QLabel(
            self.tr(
                "每种行为在活跃度评分中算多少分（1–12 为常用范围，违规为负分）。"
                "评分用于「本周最投入」等分群，每天封顶，稳定参与胜过一次刷屏。"
            )
        )
        intro.setWordWrap(True)
        form = QFormLayout()
        form.setSpacing(8)
        self.spins: dict[str, QSpinBox] = {}
        for kind, name in activity_labels().items():
            spin = QSpinBox()
            spin.setObjectName(f"weight_{kind}")
            spin.setRange(MIN_WEIGHT, MAX_WEIGHT)
            spin.setValue(weights[kind])
            spin.setToolTip(self.tr("默认 {n}").format(n=DEFAULT_WEIGHTS[kind]))
            self.spins[kind] = spin
            form.addRow(name, spin)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok
            | QDialogButtonBox.StandardButton.Cancel
            | QDialogButtonBox.StandardButton.RestoreDefaults
        )
        buttons.setObjectName("weightsButtons")
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        buttons.button(QDialogButtonBox.StandardButton.RestoreDefaults).clicked.connect(
            self.restore_defaults
        )
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 20, 20, 16)
        layout.setSpacing(14)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.setMinimumWidth(420)

    def restore_defaults(self) -> None:
        for kind, spin in self.spins.items():
            spin.setValue(DEFAULT_WEIGHTS[kind])

    def save(self) -> None:
        values = {kind: spin.value() for kind, spin in self.spins.items()}
        try:
            with self.database.session(write=True) as session:
                save_kind_weights(session, values)
                session.commit()
        except Exception as error:  # shown, not swallowed: the dialog stays open
            show_error(self, error)
            return
        self.accept()
