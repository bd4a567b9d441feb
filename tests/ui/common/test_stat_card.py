"""StatCard, the one-figure card of the dashboard's KPIs and a community's figures: caption over
the number over a note, the parts named after the card, and the number's size its caller's."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel

from ui.common.stat_card import StatCard


def test_the_card_names_its_parts_and_shows_what_it_is_set_to(app, qtbot):
    card = StatCard("members_card", "成员")
    qtbot.addWidget(card)
    assert card.property("card") is True
    value = card.findChild(QLabel, "members_card_value")
    note = card.findChild(QLabel, "members_card_note")
    assert value.text() == "—" and value.property("statValue") is True
    assert note.property("muted") is True and card.caption.property("statCaption") is True
    layout = card.layout()
    assert [layout.itemAt(i).widget() for i in range(3)] == [card.caption, value, note]
    card.set("1,865", "含员工")
    assert (value.text(), note.text()) == ("1,865", "含员工")
    card.set("12")
    assert note.text() == ""


def test_a_smaller_card_takes_its_own_number_style_and_margins(app, qtbot):
    card = StatCard("week_card", "本周", value_style="commStat", margins=(12, 8, 12, 8))
    qtbot.addWidget(card)
    assert card.value.property("commStat") is True and card.value.property("statValue") is None
    margins = card.layout().contentsMargins()
    assert (margins.left(), margins.top(), margins.right(), margins.bottom()) == (12, 8, 12, 8)
