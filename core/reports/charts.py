"""Excel charts on ordinary worksheets, each series carrying its cached values.

openpyxl writes a series as a reference only (`<c:numRef><c:f>…`); Excel and LibreOffice read
the cells, but viewers that do not recalculate (phone previews, WPS's quick look) draw a chart
from the values cached in it (`numCache`/`strCache`). openpyxl's chart model has those
elements, so we fill them from the very values written to the cells: no second writer needed.
"""

from __future__ import annotations

from collections.abc import Sequence

from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.chart.data_source import AxDataSource, NumData, NumVal, StrData, StrRef, StrVal
from openpyxl.chart.series import SeriesLabel
from openpyxl.utils import get_column_letter, quote_sheetname


def _num_cache(values: Sequence[float | int | None], format_code: str) -> NumData:
    points = [NumVal(idx=i, v=v) for i, v in enumerate(values) if v is not None]
    return NumData(formatCode=format_code, ptCount=len(values), pt=points)


def _str_cache(texts: Sequence[str]) -> StrData:
    return StrData(ptCount=len(texts), pt=[StrVal(idx=i, v=t) for i, t in enumerate(texts)])


def add_series(
    chart,
    sheet,
    *,
    column: int,
    first_row: int,
    last_row: int,
    title: str,
    title_row: int,
    values: Sequence[float | int | None],
    categories: Sequence[str],
    category_column: int,
    format_code: str = "General",
) -> None:
    """One series from a column of `sheet` (rows first_row..last_row, its title at title_row),
    with its values, title and categories cached."""
    chart.add_data(
        Reference(sheet, min_col=column, min_row=first_row, max_row=last_row),
        titles_from_data=False,
    )
    series = chart.series[-1]
    series.smooth = False  # figures, not a trend: straight lines between the points
    series.val.numRef.numCache = _num_cache(values, format_code)
    letter = get_column_letter(column)
    series.tx = SeriesLabel(
        strRef=StrRef(
            f=f"{quote_sheetname(sheet.title)}!${letter}${title_row}", strCache=_str_cache([title])
        )
    )
    cat = get_column_letter(category_column)
    series.cat = AxDataSource(
        strRef=StrRef(
            f=f"{quote_sheetname(sheet.title)}!${cat}${first_row}:${cat}${last_row}",
            strCache=_str_cache(list(categories)),
        )
    )


def line_chart(title: str, y_title: str = "", *, percent: bool = False) -> LineChart:
    chart = LineChart()
    chart.title = title
    chart.y_axis.title = y_title
    chart.height, chart.width = 8, 18
    if percent:
        chart.y_axis.number_format = "0%"
    # openpyxl hides axes by default (delete=True); LibreOffice then draws none.
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    return chart


def bar_chart(title: str) -> BarChart:
    chart = BarChart()
    chart.type = "col"
    chart.title = title
    chart.height, chart.width = 8, 16
    chart.legend = None
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    return chart
