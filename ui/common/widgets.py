"""Small widget helpers every tab uses."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QStyle,
    QStyleOptionComboBox,
    QStyleOptionFrame,
    QTableWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ui.common.sorting import sorted_by_name


def push_button(object_name: str, text: str, slot: Callable[[], object]) -> QPushButton:
    """A button with an objectName (tests find widgets by it) wired to `slot`."""
    button = QPushButton(text)
    button.setObjectName(object_name)
    button.clicked.connect(slot)
    return button


def accept_cancel_buttons(
    dialog: QDialog,
    on_accept: Callable[[], object],
    accept: tuple[str, str],
    cancel: tuple[str, str],
) -> QDialogButtonBox:
    """A primary button that calls `on_accept` (which closes the dialog once the input is good)
    beside one that rejects the dialog; `accept`, `cancel`: (objectName, text)."""
    buttons = QDialogButtonBox()
    ok = buttons.addButton(accept[1], QDialogButtonBox.ButtonRole.AcceptRole)
    ok.setObjectName(accept[0])
    ok.setProperty("primary", True)
    no = buttons.addButton(cancel[1], QDialogButtonBox.ButtonRole.RejectRole)
    no.setObjectName(cancel[0])
    buttons.accepted.connect(on_accept)
    buttons.rejected.connect(dialog.reject)
    return buttons


def restyle(widget: QWidget, **properties: object) -> None:
    """Set the properties the style sheet reads (warning, muted…) and draw the widget with them:
    Qt applies a changed property only when the widget is polished again."""
    for name, value in properties.items():
        widget.setProperty(name, value)
    widget.style().unpolish(widget)
    widget.style().polish(widget)


def ok_cancel_buttons(
    dialog: QDialog,
    name: str = "",
    on_accept: Callable[[], object] | None = None,
    *,
    save: bool = False,
) -> QDialogButtonBox:
    """The system's OK (or Save) and Cancel: Cancel rejects `dialog`; OK calls `on_accept`
    (a check that accepts once the input is good), else accepts. `name`: the box's objectName."""
    first = QDialogButtonBox.StandardButton.Save if save else QDialogButtonBox.StandardButton.Ok
    buttons = QDialogButtonBox(first | QDialogButtonBox.StandardButton.Cancel)
    if name:
        buttons.setObjectName(name)
    buttons.accepted.connect(on_accept or dialog.accept)
    buttons.rejected.connect(dialog.reject)
    return buttons


def page_title(object_name: str, text: str) -> QLabel:
    """The title at the top of a page (社群, 成员…), in the style sheet's page-title size."""
    label = QLabel(text)
    label.setObjectName(object_name)
    label.setProperty("pageTitle", True)
    return label


def wrapping_label(name: str, text: str = "") -> QLabel:
    """A label that wraps its text over lines (a summary, a note, a path), named `name`
    (tests find it by it)."""
    label = QLabel(text)
    if name:
        label.setObjectName(name)
    label.setWordWrap(True)
    return label


def section_title(text: str = "", name: str = "") -> QLabel:
    """The title over one part of a page or dialog, in the style sheet's section-title size;
    `name`: its objectName, for a title the code fills in later."""
    label = QLabel(text)
    if name:
        label.setObjectName(name)
    label.setProperty("sectionTitle", True)
    return label


def hint_label(text: str = "", name: str = "") -> QLabel:
    """A muted, wrapping line that explains a dialog or a field (the theme greys `muted`);
    `name`: its objectName, for a line the code fills in later."""
    label = wrapping_label(name, text)
    label.setProperty("muted", True)
    return label


def warning_label(name: str, text: str = "") -> QLabel:
    """A wrapping line in the warning colour: a refusal, or what a page cannot show."""
    label = wrapping_label(name, text)
    label.setProperty("warning", True)
    return label


def make_searchable(combo: QComboBox, placeholder: str = "") -> None:
    """Let the user type part of an item's name to find it (3群 finds 麦香烘焙会员3群 and
    麦香烘焙会员23群) in a long list; typed text that names no item is put back on leaving."""
    combo.setEditable(True)
    combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
    if placeholder:
        combo.lineEdit().setPlaceholderText(placeholder)
    completer = combo.completer()  # made by setEditable, over the combo's own items
    completer.setFilterMode(Qt.MatchFlag.MatchContains)
    completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
    completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)

    def restore() -> None:
        if combo.currentText() != combo.itemText(combo.currentIndex()):
            combo.setEditText(combo.itemText(combo.currentIndex()))

    combo.lineEdit().editingFinished.connect(restore)


def menu_button(object_name: str, text: str, tip: str, menu_name: str) -> tuple[QToolButton, QMenu]:
    """A tool button that opens its menu on click, with ▾ beside the text (Qt's own arrow
    is drawn over it); returns the button and the menu to fill."""
    button = QToolButton()
    button.setObjectName(object_name)
    button.setText(text + " ▾")
    button.setProperty("menuButton", True)  # the style sheet hides Qt's corner arrow
    button.setToolTip(tip)
    button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
    menu = QMenu(button)
    menu.setObjectName(menu_name)
    button.setMenu(menu)
    return button, menu


def confirm(
    parent: QWidget,
    object_name: str,
    title: str,
    text: str,
    yes_text: str,
    icon: QMessageBox.Icon = QMessageBox.Icon.Warning,
) -> bool:
    """Ask before something that cannot be taken back; Cancel is the default answer."""
    buttons = QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel
    box = QMessageBox(icon, title, text, buttons, parent)
    box.setObjectName(object_name)
    box.button(QMessageBox.StandardButton.Yes).setText(yes_text)
    box.setDefaultButton(QMessageBox.StandardButton.Cancel)
    return box.exec() == QMessageBox.StandardButton.Yes


def combo_fits(combo: QComboBox, texts: Iterable[str]) -> None:
    """Make `combo` at least wide enough to show each of `texts` whole (arrow and frame
    included): a box sized in characters fits the Chinese and cuts the English."""
    metrics = combo.fontMetrics()
    widest = max((metrics.horizontalAdvance(text) for text in texts), default=0)
    option = QStyleOptionComboBox()
    combo.initStyleOption(option)
    size = combo.style().sizeFromContents(
        QStyle.ContentsType.CT_ComboBox, option, QSize(widest, metrics.height()), combo
    )
    combo.setMinimumWidth(max(combo.minimumWidth(), size.width()))


def hint_fits(edit: QLineEdit) -> None:
    """Make `edit` at least wide enough to show its placeholder whole (frame and padding
    included): at its default width the English hint read "Enter a redemp…"."""
    metrics = edit.fontMetrics()
    option = QStyleOptionFrame()
    edit.initStyleOption(option)
    size = edit.style().sizeFromContents(
        QStyle.ContentsType.CT_LineEdit,
        option,
        QSize(metrics.horizontalAdvance(edit.placeholderText()) + 8, metrics.height()),
        edit,
    )
    edit.setMinimumWidth(max(edit.minimumWidth(), size.width()))


def counted_suffix(spin: QSpinBox, unit: Callable[[int], str]) -> None:
    """A unit after the number that agrees with it ("1 day", "2 days"): `unit(n)` is
    `tr("%n 天", "", n)`; the spin box shows the number itself, so its suffix is the rest."""

    def update(value: int) -> None:
        suffix = unit(value).removeprefix(str(value))
        if spin.suffix() != suffix:
            spin.setSuffix(suffix)

    spin.valueChanged.connect(update)
    update(spin.value())


def read_only_table(
    object_name: str, headers: list[str], *, stretch: int | None = -1, alternating: bool = True
) -> QTableWidget:
    """A table the operator reads, not edits: no row numbers, columns sized to their contents.

    `stretch`: the column (negative: from the end) that takes the width left over; None keeps
    even columns (figures side by side).
    """
    table = QTableWidget(0, len(headers))
    table.setObjectName(object_name)
    table.setHorizontalHeaderLabels(headers)
    table.verticalHeader().setVisible(False)
    table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    table.setAlternatingRowColors(alternating)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    if stretch is None:
        header.setMinimumSectionSize(80)
    else:
        header.setMinimumSectionSize(40)
        header.setSectionResizeMode(stretch % len(headers), QHeaderView.ResizeMode.Stretch)
    return table


def choice(
    object_name: str, items: Iterable[tuple[str, object]], selected: object = None
) -> QComboBox:
    """A drop-down of (label, stored value) pairs, showing `selected` when it is among them."""
    combo = QComboBox()
    combo.setObjectName(object_name)
    for label, value in items:
        combo.addItem(label, value)
    if selected is not None:
        select_data(combo, selected)
    return combo


def select_data(combo: QComboBox, value: object) -> None:
    """Show the item that stores `value`, else the first."""
    combo.setCurrentIndex(max(0, combo.findData(value)))


def refill(combo: QComboBox, items: Iterable[tuple[str, object]]) -> None:
    """Replace the (label, value) items of a filter box, keeping the value chosen (else the
    first item, 全部): quietly, so the page does not filter again for it."""
    kept = combo.currentData()
    combo.blockSignals(True)
    combo.clear()
    for label, value in items:
        combo.addItem(label, value)
    select_data(combo, kept)
    combo.blockSignals(False)


def fill_communities(combo: QComboBox, choices, selected: int | None = None) -> None:
    """Add the communities of `choices` (core.members.query.filter_choices) in name order,
    archived ones last, and select `selected` when it is among them."""
    for community_id, name in sorted_by_name(choices.communities, later=choices.is_archived):
        combo.addItem(name, community_id)
    if selected is not None:
        select_data(combo, selected)


def text_label(object_name: str) -> QLabel:
    """A wrapping label whose text can be selected and copied (a figure, a path, a reason)."""
    label = wrapping_label(object_name)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def captioned_panel(
    object_name: str, margins: tuple[int, int, int, int], sections: list[tuple[str, QWidget]]
) -> QWidget:
    """A column of sections, each a small caption over its widget, beside a chart or a tree."""
    panel = QWidget()
    panel.setObjectName(object_name)
    layout = QVBoxLayout(panel)
    layout.setContentsMargins(*margins)
    for index, (caption, widget) in enumerate(sections):
        if index:
            layout.addSpacing(8)
        label = QLabel(caption)
        label.setProperty("statCaption", True)
        layout.addWidget(label)
        layout.addWidget(widget)
    layout.addStretch(1)
    return panel
