"""Table columns as wide as what they show.

Widths set in pixels fit the Chinese and cut a longer translation ("Fem…", "Check-in strea…").
These widen a column to its header (with room for the sort arrow) and to the rows on screen,
never narrowing it: a column the operator dragged wider stays so, and a long reason stops at
`maximum` (its tooltip has the rest).
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QObject, Slot
from PySide6.QtWidgets import QHeaderView, QTableView

MEASURED_ROWS = 100  # rows read per column: a long list costs no more than a short one
PADDING = 16  # the item's margins and some air


def fit_columns(
    table: QTableView,
    *,
    maximum: int = 360,
    rows: bool = True,
    samples: dict[int, Iterable[str]] | None = None,
) -> None:
    """Widen each interactive column to its header, its rows (unless `rows` is False) and
    `samples`: texts a lazily loaded column can hold before they are on screen."""
    model, header = table.model(), table.horizontalHeader()
    if model is None:
        return
    header.setResizeContentsPrecision(MEASURED_ROWS)
    metrics = table.fontMetrics()
    last = model.columnCount() - 1
    for column in range(model.columnCount()):
        if table.isColumnHidden(column) or (column == last and header.stretchLastSection()):
            continue
        if header.sectionResizeMode(column) not in (
            QHeaderView.ResizeMode.Interactive,
            QHeaderView.ResizeMode.Fixed,
        ):
            continue
        wanted = header.sectionSizeHint(column)
        if rows:
            wanted = max(wanted, table.sizeHintForColumn(column))
        for text in (samples or {}).get(column, ()):
            wanted = max(wanted, metrics.horizontalAdvance(text) + PADDING)
        wanted = min(wanted, maximum)
        if wanted > header.sectionSize(column):
            header.resizeSection(column, wanted)


class _Fitter(QObject):
    """Refits its table's columns after each reload; goes with the table (no dangling slot)."""

    def __init__(self, table: QTableView, maximum: int) -> None:
        super().__init__(table)
        self.table, self.maximum = table, maximum

    @Slot()
    def fit(self) -> None:
        fit_columns(self.table, maximum=self.maximum)


def keep_columns_fitted(table: QTableView, *, maximum: int = 360) -> None:
    """`fit_columns` now and after every reload of the table's model."""
    fitter = _Fitter(table, maximum)
    model = table.model()
    model.modelReset.connect(fitter.fit)
    model.layoutChanged.connect(fitter.fit)
    model.rowsInserted.connect(fitter.fit)
    fitter.fit()
