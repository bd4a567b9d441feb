"""The ledger to Excel for the boss: the liability summary, every member's balance and the
statements (running balance per member), with the members export's conventions: phones and
微信号 masked unless asked otherwise, formula-looking text written as text, the export logged,
and the file written under a temporary name first.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from openpyxl import Workbook
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.common.errors import UserError
from core.common.operator import operator_name
from core.common.progress import CancelCheck, Cancelled, Progress, never_cancelled, no_progress
from core.common.text import msg
from core.common.xlsx import Sheet, check_xlsx_path, save_workbook
from core.ledger.balances import (
    EXPIRING_SOON_DAYS,
    balances_query,
    entry_status,
    line_columns,
    remaining_expr,
)
from core.ledger.entries import ENTRY, KIND_NAMES, STATUS_NAMES, is_credit_clause
from core.ledger.entries import not_pending_clause as settled_clause
from core.ledger.liability import fen_text, liability
from core.members.masking import mask_phone, mask_wechat_id
from db.models import ExportLog, Member

MEMBER = Member.__table__
PAGE = 5000
EXCEL_MAX_ROWS = 1_048_575  # below the header


@dataclass(frozen=True)
class LedgerExportResult:
    path: str
    members: int
    entries: int
    masked: bool


def export_ledger(
    session: Session,
    path: Path,
    *,
    member_ids: Sequence[int] | None = None,
    mask: bool = True,
    statements: bool = True,
    now: datetime | None = None,
    progress: Progress = no_progress,
    cancelled: CancelCheck = never_cancelled,
) -> LedgerExportResult:
    """Write 积分汇总 (the boss figures), 成员积分 (balances) and 积分流水 (statements).

    `member_ids` limits the balances and statements to those members (the summary is always
    the whole shop's).
    """
    now = now or datetime.now()
    path = check_xlsx_path(path)
    only = sorted(set(member_ids)) if member_ids is not None else None
    workbook = Workbook(write_only=True)

    summary = liability(session, now=now)
    sheet = Sheet(workbook, "积分汇总", [("项目", 26), ("数值", 18), ("说明", 40)])
    per = summary.yuan_per_point
    for values in (
        ("统计时间", now, ""),
        ("未使用积分（负债）", summary.outstanding, "已生效、未过期、未使用"),
        ("折合金额", fen_text(summary.outstanding_value_fen), f"按每积分 {per} 元"),
        ("待生效积分", summary.pending, "邀请奖励等待确认期内"),
        ("待生效折合金额", fen_text(summary.pending_value_fen), ""),
        ("持有积分的成员", summary.members_with_points, ""),
        ("30 天内到期", summary.expiring_30, ""),
        ("90 天内到期", summary.expiring_90, ""),
        ("累计发放", summary.earned_total, "不含已冲正、已收回"),
        ("累计兑换", summary.redeemed_total, "不含已取消"),
        ("累计过期", summary.expired_total, ""),
    ):
        sheet.append(values)
    sheet.append(("", "", ""))
    sheet.append(("月份", "兑换次数 / 积分", "成本"))
    for month in summary.months:
        sheet.append(
            (month.month, f"{month.count} 次 / {month.points} 分", fen_text(month.cost_cents)),
        )

    columns = [("编号", 8), ("昵称", 20), ("备注名", 14), ("微信号", 16), ("手机号", 15)]
    sheet = Sheet(
        workbook,
        "成员积分",
        [
            *columns,
            ("可用", 10),
            ("待生效", 10),
            ("计入等级", 10),
            ("累计获得", 10),
            (f"{EXPIRING_SOON_DAYS} 天内到期", 12),
        ],
    )
    balances = balances_query(now).subquery()
    soon = now.date().toordinal() + EXPIRING_SOON_DAYS
    expiring = (
        select(ENTRY.c.member_id, remaining_expr().label("left"))
        .where(
            is_credit_clause(),
            settled_clause(now),
            ENTRY.c.expires_on > now.date(),
            ENTRY.c.expires_on <= date.fromordinal(soon),
        )
        .subquery()
    )
    expiring_sum = (
        select(expiring.c.member_id, func.sum(expiring.c.left).label("soon"))
        .group_by(expiring.c.member_id)
        .subquery()
    )
    query = (
        select(
            MEMBER.c.id,
            MEMBER.c.nickname,
            MEMBER.c.remark,
            MEMBER.c.wechat_id,
            MEMBER.c.phone,
            balances.c.available,
            balances.c.pending,
            balances.c.qualifying,
            balances.c.lifetime_earned,
            func.coalesce(expiring_sum.c.soon, 0),
        )
        .join(balances, balances.c.member_id == MEMBER.c.id)
        .outerjoin(expiring_sum, expiring_sum.c.member_id == MEMBER.c.id)
        .order_by(balances.c.available.desc(), MEMBER.c.id)
    )
    if only is not None:
        query = query.where(MEMBER.c.id.in_(only))
    members = 0
    for row in session.execute(query):
        member_id, nickname, remark, wechat_id, phone, *figures = row
        if mask:
            wechat_id, phone = mask_wechat_id(wechat_id), mask_phone(phone)
        sheet.append((member_id, nickname, remark, wechat_id, phone, *figures))
        members += 1

    entries = 0
    if statements:
        entries = _write_statements(workbook, session, only, now, progress, cancelled)
    save_workbook(workbook, path)
    what = "积分台账" if only is None else f"{len(only)} 位成员的积分对账单"
    session.add(
        ExportLog(
            operator=operator_name(), what=what, path=str(path), row_count=members, masked=mask
        )
    )
    return LedgerExportResult(str(path), members, entries, mask)


def _write_statements(workbook, session, only, now, progress, cancelled) -> int:
    sheet = Sheet(
        workbook,
        "积分流水",
        [
            ("成员编号", 9),
            ("昵称", 18),
            ("时间", 17),
            ("类型", 7),
            ("积分", 8),
            ("余额", 9),
            ("状态", 8),
            ("计入等级", 8),
            ("有效期至", 11),
            ("原因", 30),
            ("来源", 10),
            ("关联", 22),
            ("经办人", 10),
            ("流水号", 9),
            ("冲正的流水", 10),
        ],
    )
    void = ENTRY.alias("void")
    running = func.sum(ENTRY.c.points).over(
        partition_by=ENTRY.c.member_id, order_by=(ENTRY.c.occurred_at, ENTRY.c.id)
    )
    query = (
        select(
            *line_columns(),
            ENTRY.c.member_id,
            MEMBER.c.nickname,
            running.label("balance"),
            void.c.id.label("reversed_by"),
        )
        .join(MEMBER, MEMBER.c.id == ENTRY.c.member_id)
        .outerjoin(void, void.c.reverses_id == ENTRY.c.id)
        .order_by(ENTRY.c.member_id, ENTRY.c.occurred_at, ENTRY.c.id)
    )
    count_query = select(func.count()).select_from(ENTRY)
    if only is not None:
        query = query.where(ENTRY.c.member_id.in_(only))
        count_query = count_query.where(ENTRY.c.member_id.in_(only))
    total = session.scalar(count_query) or 0
    if total > EXCEL_MAX_ROWS:
        raise UserError(
            msg(
                "积分流水共 {count} 行，超过 Excel 上限；请只导出部分成员的对账单，或取消勾选流水",
                count=total,
            )
        )
    written = 0
    for row in session.execute(query.execution_options(yield_per=PAGE)):
        status = entry_status(row.pending_until, row.reversed_by, now)
        expiry = date.fromordinal(row.expires_on.toordinal() - 1) if row.expires_on else None
        sheet.append(
            (
                row.member_id,
                row.nickname,
                row.occurred_at,
                KIND_NAMES[row.kind],
                row.points,
                int(row.balance),
                STATUS_NAMES[status],
                "是" if row.qualifying else "",
                expiry,
                row.reason,
                row.source,
                row.reference,
                row.operator,
                row.id,
                row.reverses_id,
            ),
        )
        written += 1
        if written % PAGE == 0:
            if cancelled():
                raise Cancelled
            progress(written, total)
    progress(total, total)
    return written
