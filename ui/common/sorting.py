"""One order for the names people pick from: the language's collation (pinyin in Chinese) with
numbers by value, so 麦香3群 comes before 麦香23群 and 花漾 before 麦香 before 小橡树.

Every list and combo box of communities (and other names) sorts through here, the way the 社群
tab's table does: Python's string order put 23群 before 3群 and hanzi in code-point order.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TypeVar

from PySide6.QtCore import QCollator, QLocale

T = TypeVar("T")


def name_collator() -> QCollator:
    """A collator for the interface's locale, numbers compared by value."""
    locale = QLocale()
    if locale.language() == QLocale.Language.C:
        # The C locale compares code points and ignores numeric mode.
        locale = QLocale(QLocale.Language.English)
    collator = QCollator(locale)
    collator.setNumericMode(True)
    return collator


def sorted_by_name(
    items: Iterable[T],
    name: Callable[[T], str] = lambda item: item[1],  # (id, name) pairs
    *,
    later: Callable[[T], bool] = lambda _item: False,
) -> list[T]:
    """`items` in name order; those for which `later` is true (archived ones) after the rest."""
    key = name_collator().sortKey
    return sorted(items, key=lambda item: (later(item), key(name(item))))
