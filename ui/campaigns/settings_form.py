"""A campaign type's own settings as a form generated from its class (core/campaigns/settings.py):
each field's label and bounds come from its `about()` metadata, its widget from its type
(a number, an optional number shown as 不限, a switch, a choice, a text, a group of fields, a
list of such groups, a list of lines). Every type is editable without one hand-made form per
type; the values go back as the JSON `settings.parse` checks.
"""

from __future__ import annotations

import types
from dataclasses import MISSING, asdict, fields, is_dataclass
from typing import Any, Union, get_args, get_origin, get_type_hints

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ui.common.flow_layout import FlowLayout
from ui.common.i18n import shown
from ui.common.widgets import push_button

SPIN_MAX = 2**31 - 1
# The Common part of every type: shown after the type's own fields.
COMMON_LAST = ("prizes", "rules", "screening")
ROW_FIELDS = 3  # a group of at most this many fields goes on one row (a gift)


def _choices(owner: type, name: str) -> dict[str, str] | None:
    """The fields that take one of a few words: their words in the interface's language."""
    from core.campaigns.settings import GiftSettings, Prize, Screening

    if owner is Prize and name == "kind":
        return {
            "physical": QCoreApplication.translate("SettingsForm", "实物"),
            "virtual": QCoreApplication.translate("SettingsForm", "虚拟"),
            "coupon": QCoreApplication.translate("SettingsForm", "券"),
        }
    if owner is Screening and name == "mode":
        return {
            "approve_clean": QCoreApplication.translate(
                "SettingsForm", "无风险自动通过，有风险驳回"
            ),
            "hold_all": QCoreApplication.translate("SettingsForm", "全部人工审核"),
            "hold_flagged": QCoreApplication.translate(
                "SettingsForm", "无风险自动通过，有风险待审"
            ),
        }
    if issubclass(owner, GiftSettings) and name == "trigger":
        return {
            "join": QCoreApplication.translate("SettingsForm", "入群"),
            "purchase": QCoreApplication.translate("SettingsForm", "购买"),
        }
    return None


def _unwrap(hint: Any) -> tuple[Any, bool]:
    """(the type, whether None is allowed)."""
    if get_origin(hint) in (Union, types.UnionType):
        (inner,) = [arg for arg in get_args(hint) if arg is not type(None)]
        return inner, True
    return hint, False


def default_of(item) -> Any:
    """A field's default as JSON, without building the class (its checks would refuse)."""
    value = item.default if item.default is not MISSING else item.default_factory()
    return _plain(value)


def _plain(value: Any) -> Any:
    if is_dataclass(value) and not isinstance(value, type):
        return _plain(asdict(value))
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    return value


def defaults(cls: type) -> dict:
    return {item.name: default_of(item) for item in fields(cls)}


class _Node:
    """One editable value: its widget, and how to read and set it as JSON."""

    widget: QWidget

    def get(self) -> Any:
        raise NotImplementedError

    def set(self, value: Any) -> None:
        raise NotImplementedError


class _Number(_Node):
    def __init__(self, name: str, low: int | None, high: int | None, optional: bool) -> None:
        self.optional = optional
        self.widget = spin = QSpinBox()
        spin.setObjectName(name)
        bottom = 0 if low is None else low
        top = SPIN_MAX if high is None else min(high, SPIN_MAX)
        if optional:
            bottom -= 1  # the value below the range means "not set"
            spin.setSpecialValueText(QCoreApplication.translate("SettingsForm", "不限"))
        spin.setRange(bottom, top)
        spin.setMinimumWidth(90)

    def get(self) -> int | None:
        value = self.widget.value()
        if self.optional and value == self.widget.minimum():
            return None
        return value

    def set(self, value: Any) -> None:
        if value is None:
            self.widget.setValue(self.widget.minimum())
        elif isinstance(value, int) and not isinstance(value, bool):
            self.widget.setValue(value)


class _Switch(_Node):
    def __init__(self, name: str, label: str) -> None:
        self.widget = QCheckBox(label)
        self.widget.setObjectName(name)

    def get(self) -> bool:
        return self.widget.isChecked()

    def set(self, value: Any) -> None:
        self.widget.setChecked(bool(value))


class _Choice(_Node):
    def __init__(self, name: str, words: dict[str, str]) -> None:
        self.widget = combo = QComboBox()
        combo.setObjectName(name)
        for key, text in words.items():
            combo.addItem(text, key)

    def get(self) -> str:
        return self.widget.currentData()

    def set(self, value: Any) -> None:
        index = self.widget.findData(value)
        if index >= 0:
            self.widget.setCurrentIndex(index)


class _Text(_Node):
    def __init__(self, name: str, optional: bool) -> None:
        self.optional = optional
        self.widget = QLineEdit()
        self.widget.setObjectName(name)
        self.widget.setMinimumWidth(120)

    def get(self) -> str | None:
        text = self.widget.text().strip()
        return None if self.optional and not text else text

    def set(self, value: Any) -> None:
        self.widget.setText("" if value is None else str(value))


class _Lines(_Node):
    """A list of words (券码池): one a line."""

    def __init__(self, name: str) -> None:
        self.widget = QPlainTextEdit()
        self.widget.setObjectName(name)
        self.widget.setPlaceholderText(QCoreApplication.translate("SettingsForm", "每行一个"))
        self.widget.setFixedHeight(80)

    def get(self) -> list[str]:
        return [line.strip() for line in self.widget.toPlainText().splitlines() if line.strip()]

    def set(self, value: Any) -> None:
        self.widget.setPlainText("\n".join(str(item) for item in value or ()))


class _Group(_Node):
    """A dataclass's fields, laid out as `style` says: "form" (rows; a bigger group within is
    boxed), "row" (a few fields side by side: a gift) or "flow" (label–widget pairs that wrap:
    an item of a list)."""

    def __init__(self, cls: type, name: str, style: str, order=None) -> None:
        self.cls, self.style = cls, style
        self.nodes: dict[str, _Node] = {}
        self.widget = QWidget()
        self.widget.setObjectName(name)
        hints = get_type_hints(cls)
        items = list(fields(cls))
        if order is not None:
            items = order(items)
        if style == "form":
            form = QFormLayout(self.widget)
            form.setContentsMargins(0, 0, 0, 0)
            form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
        elif style == "flow":
            layout = FlowLayout(self.widget, spacing=8)
        else:
            layout = QHBoxLayout(self.widget)
            layout.setContentsMargins(0, 0, 0, 0)
            layout.setSpacing(6)
        for item in items:
            label = shown(item.metadata.get("label", item.name))
            node = build(hints[item.name], item, cls, f"{name}_{item.name}", label)
            self.nodes[item.name] = node
            if style != "form":
                plain = isinstance(node, _Switch)
                layout.addWidget(node.widget if plain else _pair(label, node.widget))
            elif isinstance(node, _Switch):
                form.addRow("", node.widget)
            elif isinstance(node, _List) or (isinstance(node, _Group) and node.style == "form"):
                box = QGroupBox(label)
                box.setObjectName(f"{name}_{item.name}_box")
                inner = QVBoxLayout(box)
                inner.addWidget(node.widget)
                form.addRow(box)
            else:
                form.addRow(label, node.widget)
        if style == "row":
            layout.addStretch(1)
        self.set(defaults(cls))

    def get(self) -> dict:
        return {name: node.get() for name, node in self.nodes.items()}

    def set(self, value: Any) -> None:
        value = value if isinstance(value, dict) else {}
        for name, node in self.nodes.items():
            if name in value:
                node.set(value[name])


class _List(_Node):
    """A list of groups (prizes, stages, lottery prizes, prizes by rank): add and remove."""

    def __init__(self, cls: type, name: str, label: str) -> None:
        self.cls, self.name = cls, name
        self.items: list[tuple[QFrame, _Group]] = []
        self.widget = QWidget()
        self.widget.setObjectName(name)
        self.rows = QVBoxLayout(self.widget)
        self.rows.setContentsMargins(0, 0, 0, 0)
        self.rows.setSpacing(6)
        self.add_button = push_button(
            f"{name}_add",
            QCoreApplication.translate("SettingsForm", "添加"),
            lambda _checked=False: self.add(),
        )
        footer = QHBoxLayout()
        footer.addWidget(self.add_button)
        footer.addStretch(1)
        self.rows.addLayout(footer)

    def add(self, value: dict | None = None) -> _Group:
        index = len(self.items)
        frame = QFrame()
        frame.setProperty("card", True)
        row = QHBoxLayout(frame)
        row.setContentsMargins(8, 6, 8, 6)
        group = _Group(self.cls, f"{self.name}_{index}", "flow")
        if value is not None:
            group.set(value)
        remove = push_button(
            f"{self.name}_{index}_remove",
            QCoreApplication.translate("SettingsForm", "删除"),
            lambda _checked=False, f=frame: self.remove(f),
        )
        row.addWidget(group.widget, 1)
        row.addWidget(remove, 0, Qt.AlignmentFlag.AlignTop)
        self.rows.insertWidget(self.rows.count() - 1, frame)
        self.items.append((frame, group))
        return group

    def remove(self, frame: QFrame) -> None:
        self.items = [(f, g) for f, g in self.items if f is not frame]
        frame.hide()
        frame.deleteLater()

    def get(self) -> list[dict]:
        return [group.get() for _, group in self.items]

    def set(self, value: Any) -> None:
        for frame, _ in list(self.items):
            self.remove(frame)
        for item in value or ():
            self.add(item if isinstance(item, dict) else {})


def _pair(label: str, widget: QWidget) -> QWidget:
    holder = QWidget()
    row = QHBoxLayout(holder)
    row.setContentsMargins(0, 0, 0, 0)
    row.setSpacing(4)
    caption = QLabel(label)
    caption.setProperty("muted", True)
    row.addWidget(caption)
    row.addWidget(widget)
    return holder


def build(hint: Any, item, owner: type, name: str, label: str) -> _Node:
    kind, optional = _unwrap(hint)
    if get_origin(kind) is tuple:
        inner = get_args(kind)[0]
        if is_dataclass(inner):
            return _List(inner, name, label)
        return _Lines(name)
    if is_dataclass(kind):
        return _Group(kind, name, "row" if len(fields(kind)) <= ROW_FIELDS else "form")
    if kind is bool:
        return _Switch(name, label)
    if kind is int:
        low, high = item.metadata.get("range", (None, None))
        return _Number(name, low, high, optional)
    words = _choices(owner, item.name)
    if words is not None:
        return _Choice(name, words)
    return _Text(name, optional)


def _own_first(items):
    """The type's own fields first, then prizes and the eligibility and review switches."""
    return [i for i in items if i.name not in COMMON_LAST] + [
        i for i in items if i.name in COMMON_LAST
    ]


class SettingsForm(QWidget):
    """The form of one campaign type's settings; `values()` is the JSON to check and store."""

    def __init__(self, kind: str, parent: QWidget | None = None) -> None:
        from core.campaigns.settings import KINDS

        super().__init__(parent)
        self.kind = kind
        self.setObjectName(f"campaign_settings_{kind}")
        self.group = _Group(KINDS[kind], "campaign_setting", "form", order=_own_first)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.group.widget)
        layout.addStretch(1)

    def values(self) -> dict:
        return self.group.get()

    def set_values(self, data: dict | None) -> None:
        """Show stored settings (missing keys keep their defaults)."""
        self.group.set(data or {})
