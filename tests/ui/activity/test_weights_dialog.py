"""行为权重: editing how much each activity counts; bad values change nothing."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QDialogButtonBox, QSpinBox

from core.activity.kinds import DEFAULT_WEIGHTS, kind_weights, save_kind_weights
from core.common.errors import UserError
from ui.activity.weights_dialog import WeightsDialog


def test_weights_are_saved_and_restored_to_defaults(app, qtbot, sqlite_database):
    dialog = WeightsDialog(sqlite_database)
    qtbot.addWidget(dialog)
    dialog.findChild(QSpinBox, "weight_answer").setValue(9)
    dialog.findChild(QSpinBox, "weight_violation").setValue(-15)
    buttons = dialog.findChild(QDialogButtonBox, "weightsButtons")
    buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    with sqlite_database.session() as session:
        weights = kind_weights(session)
    assert (weights["answer"], weights["violation"], weights["message"]) == (9, -15, 1)

    again = WeightsDialog(sqlite_database)
    qtbot.addWidget(again)
    assert again.findChild(QSpinBox, "weight_answer").value() == 9
    again.findChild(QDialogButtonBox, "weightsButtons").button(
        QDialogButtonBox.StandardButton.RestoreDefaults
    ).click()
    assert again.findChild(QSpinBox, "weight_answer").value() == DEFAULT_WEIGHTS["answer"]


@pytest.mark.parametrize(
    ("weights", "message"),
    [
        ({"hug": 3}, "未知"),
        ({"answer": 2.5}, "整数"),
        ({"answer": 99}, "之间"),
        ({"answer": True}, "整数"),
    ],
)
def test_bad_weights_are_refused(sqlite_database, weights, message):
    with sqlite_database.session() as session:
        with pytest.raises(UserError, match=message):
            save_kind_weights(session, weights)
        assert kind_weights(session) == DEFAULT_WEIGHTS
