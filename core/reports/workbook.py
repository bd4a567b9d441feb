"""The boss workbook: one .xlsx with Chinese sheet names (概览, 社群健康, 分层, 活动, 积分, 内容,
待跟进, 留存), figures from core.reports.build written as values with number formats, Excel charts
on the sheets (cached values: core.reports.charts), warnings and cohort heat by conditional
formatting, frozen headers, A4 landscape print set-up fitted to width with the title rows
repeated; phones and 微信号 masked by default; written whole or not at all and logged like
every export."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook
from openpyxl.formatting.rule import ColorScaleRule, FormulaRule
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from sqlalchemy.orm import Session

from core.campaigns.funnel import Stage
from core.common.operator import operator_name
from core.common.xlsx import HEADER_COLOR, check_xlsx_path, safe_cell, save_workbook
from core.members.masking import mask_phone, mask_wechat_id
from core.reports.build import Report
from core.reports.charts import add_series, bar_chart, line_chart
from core.tiers.structure import ROLE_NAMES
from db.models import ExportLog

PERCENT = "0.0%"
YUAN = '"¥"#,##0.00'
COUNT = "#,##0"
UNKNOWN = "—"  # a figure that cannot be known yet (the reason beside it)
TITLE_FONT = Font(bold=True, size=14)
HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor=HEADER_COLOR)
WARN_FILL = PatternFill("solid", fgColor="FDE2E1")
UNIT_FORMATS = {"count": COUNT, "share": PERCENT, "fen": YUAN}


@dataclass(frozen=True)
class WorkbookResult:
    path: str
    sheets: list[str]
    follow_up_rows: int
    masked: bool


class Page:
    """One worksheet: a title row, then tables of a header and rows; print set-up done once."""

    def __init__(self, workbook: Workbook, name: str, title: str, widths: Sequence[int]) -> None:
        self.sheet = workbook.create_sheet(name)
        self.row = 1
        self.sheet.cell(1, 1, safe_cell(title)).font = TITLE_FONT
        self.row = 3
        for index, width in enumerate(widths, start=1):
            self.sheet.column_dimensions[get_column_letter(index)].width = width
        setup = self.sheet.page_setup
        setup.orientation = "landscape"
        setup.paperSize = self.sheet.PAPERSIZE_A4
        setup.fitToWidth, setup.fitToHeight = 1, 0
        self.sheet.sheet_properties.pageSetUpPr.fitToPage = True
        self.sheet.print_title_rows = "1:1"
        self.sheet.print_options.horizontalCentered = True

    def header(self, names: Sequence[str], *, freeze: bool = False) -> int:
        for column, name in enumerate(names, start=1):
            cell = self.sheet.cell(self.row, column, safe_cell(name))
            cell.font, cell.fill = HEADER_FONT, HEADER_FILL
            cell.alignment = Alignment(vertical="center", wrap_text=True)
        if freeze:
            self.sheet.freeze_panes = f"A{self.row + 1}"
            self.sheet.print_title_rows = f"1:{self.row}"
        self.row += 1
        return self.row - 1

    def append(self, values: Sequence, formats: Sequence[str | None] = ()) -> int:
        for column, value in enumerate(values, start=1):
            cell = self.sheet.cell(self.row, column, safe_cell(value))
            fmt = formats[column - 1] if column - 1 < len(formats) else None
            if fmt:
                cell.number_format = fmt
        self.row += 1
        return self.row - 1

    def line(self, text: str, *, bold: bool = False) -> None:
        self.sheet.cell(self.row, 1, safe_cell(text)).font = Font(bold=bold)
        self.row += 1

    def gap(self, rows: int = 1) -> None:
        self.row += rows


def _yuan(fen: int | None) -> float | None:
    return None if fen is None else fen / 100


def _kpi_value(kpi, value):
    return _yuan(value) if kpi.unit == "fen" and value is not None else value


def _title(report: Report, what: str) -> str:
    period = report.period
    where = period.community or "全部社群"
    return f"{what} · {period.start:%Y-%m-%d} 至 {period.end:%Y-%m-%d} · {where}"


def _overview(workbook: Workbook, report: Report) -> None:
    page = Page(workbook, "概览", _title(report, "社群运营报表"), [22, 14, 14, 16, 30])
    page.header(["指标", "本期", "上期", "变化", "说明"], freeze=True)
    for kpi in report.kpis:
        fmt = UNIT_FORMATS[kpi.unit]
        change_fmt = '+0.0" 个百分点";-0.0" 个百分点"' if kpi.unit == "share" else "+0%;-0%"
        change = kpi.change
        if change is not None and kpi.unit == "share":
            change *= 100
        page.append(
            [kpi.label, _kpi_value(kpi, kpi.value), _kpi_value(kpi, kpi.previous), change,
             kpi.detail],
            [None, fmt, fmt, change_fmt, None],
        )  # fmt: skip
    page.gap()
    page.line("主要发现", bold=True)
    for line in report.findings:
        page.line(line)
    page.gap()
    first = page.header(["日期", "成员数", "入群", "退群"]) + 1
    days = [f"{point.day:%m-%d}" for point in report.growth]
    for label, point in zip(days, report.growth, strict=True):
        page.append([label, point.members, point.joins, point.leaves], [None, COUNT, COUNT, COUNT])
    last = page.row - 1
    if report.growth:
        chart = line_chart("成员增长", "成员数")
        add_series(
            chart, page.sheet, column=2, first_row=first, last_row=last, title="成员数",
            title_row=first - 1, values=[p.members for p in report.growth], categories=days,
            category_column=1,
        )  # fmt: skip
        chart.y_axis.scaling.min = _floor_of([p.members for p in report.growth])
        page.sheet.add_chart(chart, f"G{first - 1}")


def _floor_of(values: Sequence[int]) -> float:
    """A y-axis start below the smallest value, so a small change is visible."""
    low = min(values) if values else 0
    return max(0, int(low * 0.95) // 10 * 10)


def _health(workbook: Workbook, report: Report) -> None:
    page = Page(
        workbook, "社群健康", _title(report, "社群健康"),
        [24, 9, 8, 8, 8, 9, 10, 10, 10, 9, 34, 48],
    )  # fmt: skip
    page.header(
        ["社群", "成员", "入群", "退群", "净增", "活跃率", "4周留存", "7天互动率", "7天沉默",
         "KOC占比", "角色构成", "预警"],
        freeze=True,
    )  # fmt: skip
    first = page.row
    for item in report.communities:
        roles = "、".join(
            f"{ROLE_NAMES.get(role, role)} {count}"
            for role, count in sorted(item.roles.items(), key=lambda kv: -kv[1])
        )
        page.append(
            [item.name, item.members, item.joins, item.leaves, item.net, item.active.share,
             item.retention.share, item.interaction.share, item.silent.share, item.koc.share,
             roles, "；".join(item.warnings)],
            [None, COUNT, COUNT, COUNT, "+#,##0;-#,##0;0", PERCENT, PERCENT, PERCENT, PERCENT,
             PERCENT],
        )  # fmt: skip
    last = max(page.row - 1, first)
    page.sheet.conditional_formatting.add(
        f"A{first}:L{last}", FormulaRule(formula=[f"LEN($L{first})>0"], fill=WARN_FILL)
    )
    page.sheet.auto_filter.ref = f"A{first - 1}:L{last}"


def _levels(workbook: Workbook, report: Report) -> None:
    page = Page(workbook, "分层", _title(report, "分层"), [20, 10, 10, 10, 10, 10, 36])
    page.header(["等级", "人数", "其中锁定"], freeze=True)
    first = page.row
    for level in report.levels:
        page.append([level.name, level.count, level.locked], [None, COUNT, COUNT])
    last = page.row - 1
    if report.levels:
        chart = bar_chart("等级分布")
        add_series(
            chart, page.sheet, column=2, first_row=first, last_row=last, title="人数",
            title_row=first - 1, values=[lv.count for lv in report.levels],
            categories=[lv.name for lv in report.levels], category_column=1,
        )  # fmt: skip
        page.sheet.add_chart(chart, "I3")
    page.gap()
    page.line(f"等级流动（{report.flow.month:%Y-%m}）", bold=True)
    page.header(["月初等级", "月初人数", "升级", "持平", "降级", "离开", "新加入者到达"])
    names = {level.level: level.name for level in report.levels}
    for row in report.flow.rows:
        if row.level == "joined":
            reached = "、".join(
                f"{names.get(key, key)} {count}" for key, count in row.reached.items()
            )
            page.append([row.name, row.start, "", "", "", "", reached], [None, COUNT])
        else:
            page.append(
                [row.name, row.start, row.up, row.held, row.down, row.left],
                [None, COUNT, COUNT, COUNT, COUNT, COUNT],
            )


def _stage_row(stage: Stage) -> list:
    """A funnel stage as the 活动 tab and the report text show it: one nobody can be counted in
    yet is "—" with the reason, never a 0; one counted for some only says of how many."""
    if not stage.known:
        return [stage.label, UNKNOWN, UNKNOWN, stage.reason or ""]
    note = ""
    if stage.reason:
        note = f"可计 {stage.measurable:,} 人：{stage.reason}"
    return [stage.label, stage.count, stage.of_previous, note]


def _campaigns(workbook: Workbook, report: Report) -> None:
    page = Page(
        workbook, "活动", _title(report, "活动"), [22, 10, 12, 12, 10, 10, 8, 12, 12, 14, 10]
    )
    page.header(
        ["活动", "状态", "开始", "结束", "参与人数", "新成员", "K 值", "成本", "收入",
         "每留存成本", "ROI"],
        freeze=True,
    )  # fmt: skip
    for c in report.campaigns:
        page.append(
            [c.name, c.status, c.starts_at, c.ends_at, c.participants, c.invitees, c.k,
             c.cost_yuan, c.revenue_yuan, c.cost_per_retained, c.roi],
            [None, None, "yyyy-mm-dd", "yyyy-mm-dd", COUNT, COUNT, "0.00", YUAN, YUAN, YUAN,
             "0%"],
        )  # fmt: skip
    if not report.campaigns:
        page.line("本期没有进行中的活动")
    for c in report.campaigns:
        page.gap()
        page.line(f"{c.name}：漏斗与每波 K", bold=True)
        page.header(["阶段", "人数", "占上一阶段", "说明"])
        for stage in c.stages:
            page.append(_stage_row(stage), [None, COUNT, PERCENT])
        if c.waves:
            page.header(["波次", "参与", "带来", "K"])
            for wave in c.waves:
                page.append(
                    [wave.wave, wave.participants, wave.brought, wave.k],
                    [None, COUNT, COUNT, "0.00"],
                )
        for note in c.notes:
            page.line(note)


def _points(workbook: Workbook, report: Report) -> None:
    points = report.points
    page = Page(workbook, "积分", _title(report, "积分"), [26, 14, 14, 14])
    page.header(["项目", "数值", "上期末"], freeze=True)
    page.append(["未用积分", points.outstanding.points, points.previous.points], ["", COUNT, COUNT])
    page.append(
        ["积分负债（元）", _yuan(points.outstanding.value_fen), _yuan(points.previous.value_fen)],
        ["", YUAN, YUAN],
    )
    page.append(["30 天内到期（截至今天）", points.expiring_30], ["", COUNT])
    page.append(["90 天内到期（截至今天）", points.expiring_90], ["", COUNT])
    page.append(["本期兑换次数", points.redemptions.count], ["", COUNT])
    page.append(["本期兑换积分", points.redemptions.points], ["", COUNT])
    page.append(["本期兑换成本（元）", _yuan(points.redemptions.cost_cents)], ["", YUAN])
    page.append(["每积分价值（元）", float(points.yuan_per_point)], ["", "0.0000"])
    page.gap()
    page.header(["月份", "兑换次数", "兑换积分", "成本（元）"])
    for month in points.months:
        page.append(
            [month.month, month.count, month.points, _yuan(month.cost_cents)],
            [None, COUNT, COUNT, YUAN],
        )


def _content(workbook: Workbook, report: Report) -> None:
    content = report.content
    page = Page(workbook, "内容", _title(report, "内容"), [40, 18, 10, 10, 12])
    page.header(["项目", "数值"], freeze=True)
    page.append(["计划内容", content.planned], [None, COUNT])
    page.append(["已发送", content.sent], [None, COUNT])
    page.append(
        ["发送率", content.sent / content.planned if content.planned else None], [None, PERCENT]
    )
    page.gap()
    page.line("效果最好的内容", bold=True)
    page.header(["标题", "计划时间", "进群", "回复", "销售额"])
    for item in content.best:
        page.append(
            [item.title, item.planned_at, item.joins, item.replies, _yuan(item.sales_cents)],
            [None, "yyyy-mm-dd hh:mm", COUNT, COUNT, YUAN],
        )


FOLLOW_UP_COLUMNS = ["昵称", "备注名", "微信号", "手机号", "所在社群", "分群", "依据", "建议动作"]
FOLLOW_UP_WIDTHS = [20, 14, 16, 15, 30, 10, 40, 40]


def follow_up_values(report: Report, mask: bool) -> list[list]:
    """The 待跟进 rows' cells as written: masked unless told otherwise, formula-safe. Thousands
    of rows at 100000 members: one list a row, made once (bench/report_pack.py)."""
    return [
        [
            safe_cell(f.nickname),
            safe_cell(f.remark),
            safe_cell(mask_wechat_id(f.wechat_id) if mask else f.wechat_id),
            safe_cell(mask_phone(f.phone) if mask else f.phone),
            safe_cell(f.communities),
            safe_cell(f.segment),
            safe_cell(f.basis),
            safe_cell(f.action),
        ]
        for f in report.follow_up
    ]


def write_follow_up(workbook: Workbook, report: Report, rows: list[list]) -> None:
    """`rows` from follow_up_values."""
    page = Page(workbook, "待跟进", _title(report, "待跟进"), FOLLOW_UP_WIDTHS)
    page.header(FOLLOW_UP_COLUMNS, freeze=True)
    sheet, first = page.sheet, page.row
    for values in rows:
        sheet.append(values)
    last = first + len(rows) - 1
    if rows:
        sheet.auto_filter.ref = f"A{first - 1}:H{last}"


def _cohorts(workbook: Workbook, report: Report) -> None:
    table = report.cohorts
    k_max = table.weeks_since
    page = Page(workbook, "留存", _title(report, "新人留存"), [14, 10] + [9] * (k_max + 1))
    weeks = [f"第{k}周" for k in range(k_max + 1)]
    header_row = page.header(["入群周", "入群人数", *weeks], freeze=True)
    first = page.row
    for row in table.rows:
        page.append(
            [f"{row.week:%Y-%m-%d}", row.joined, *(row.share(k) for k in range(k_max + 1))],
            [None, COUNT] + [PERCENT] * (k_max + 1),
        )
    last = page.row - 1
    end_col = get_column_letter(3 + k_max)
    page.sheet.conditional_formatting.add(
        f"C{first}:{end_col}{last}",
        ColorScaleRule(
            start_type="num", start_value=0, start_color="FFFFFF",
            end_type="num", end_value=1, end_color="0F766E",
        ),
    )  # fmt: skip
    # The chart reads the table transposed (weeks since as categories): a small block of the
    # cohorts that have at least two weeks, written beside the chart's anchor.
    shown = [row for row in table.rows if row.joined and row.share(1) is not None][-6:]
    if not shown:
        return
    base = last + 3
    page.sheet.cell(base - 1, 1, "留存曲线（按入群周）").font = Font(bold=True)
    page.sheet.cell(base, 1, "入群后")
    for column, row in enumerate(shown, start=2):
        page.sheet.cell(base, column, f"{row.week:%m-%d}")
    for k in range(k_max + 1):
        page.sheet.cell(base + 1 + k, 1, weeks[k])
        for column, row in enumerate(shown, start=2):
            cell = page.sheet.cell(base + 1 + k, column, row.share(k))
            cell.number_format = PERCENT
    chart = line_chart("新人留存曲线", "仍在群且活跃", percent=True)
    for column, row in enumerate(shown, start=2):
        add_series(
            chart, page.sheet, column=column, first_row=base + 1, last_row=base + 1 + k_max,
            title=f"{row.week:%m-%d}", title_row=base,
            values=[row.share(k) for k in range(k_max + 1)], categories=weeks,
            category_column=1, format_code="0.0%",
        )  # fmt: skip
    chart.y_axis.scaling.min, chart.y_axis.scaling.max = 0, 1
    page.sheet.add_chart(chart, f"{get_column_letter(k_max + 5)}{header_row}")


WRITERS = {
    "概览": _overview,
    "社群健康": _health,
    "分层": _levels,
    "活动": _campaigns,
    "积分": _points,
    "内容": _content,
    "留存": _cohorts,
}


def write_workbook(
    session: Session, report: Report, path: Path, *, mask: bool = True
) -> WorkbookResult:
    """Write the report's sheets to `path` (whole or not at all) and log the export."""
    path = check_xlsx_path(path)
    workbook = Workbook()
    workbook.remove(workbook.active)
    follow_rows: list[list] = []
    for name in report.sheets:
        if name == "待跟进":
            follow_rows = follow_up_values(report, mask)
            write_follow_up(workbook, report, follow_rows)
        else:
            WRITERS[name](workbook, report)
    save_workbook(workbook, path)
    period = report.period
    what = f"报表 {period.start:%Y-%m-%d}–{period.end:%Y-%m-%d}"
    if period.community:
        what += f"（{period.community}）"
    session.add(
        ExportLog(
            operator=operator_name(), what=what[:200], path=str(path),
            row_count=len(follow_rows), masked=mask,
        )
    )  # fmt: skip
    return WorkbookResult(str(path), list(report.sheets), len(follow_rows), mask)
