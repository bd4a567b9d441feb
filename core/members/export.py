"""Members to a styled .xlsx for the boss: masked by default, safe from formula injection,
and recorded in the export log (PIPL).

The sheet's style and safety rules are core.common.xlsx's, shared with every export.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook
from sqlalchemy.orm import Session

from core.common.operator import operator_name
from core.common.progress import (
    CancelCheck,
    Cancelled,
    Progress,
    never_cancelled,
    no_progress,
)
from core.common.xlsx import Sheet, check_xlsx_path, save_workbook
from core.members.masking import mask_phone, mask_wechat_id
from core.members.query import load_rows
from db.models import ExportLog

PAGE = 1000
GENDER_NAMES = {"m": "男", "f": "女", "": ""}
# (header, width, value of a MemberRow)
COLUMNS = [
    ("昵称", 22, lambda r, mask: r.nickname),
    ("备注名", 16, lambda r, mask: r.remark),
    ("微信号", 18, lambda r, mask: mask_wechat_id(r.wechat_id) if mask else r.wechat_id),
    ("手机号", 15, lambda r, mask: mask_phone(r.phone) if mask else r.phone),
    ("性别", 6, lambda r, mask: GENDER_NAMES.get(r.gender, "")),
    ("城市", 10, lambda r, mask: r.city),
    ("所在社群", 36, lambda r, mask: "、".join(r.communities)),
    ("标签", 24, lambda r, mask: "、".join(r.tags)),
    ("来源渠道", 12, lambda r, mask: r.source_channel),
    ("团队成员", 9, lambda r, mask: "是" if r.is_team else ""),
    ("最近活跃", 18, lambda r, mask: r.last_active_at),
    ("建档时间", 18, lambda r, mask: r.created_at),
]


@dataclass(frozen=True)
class ExportResult:
    path: str
    rows: int
    masked: bool


def export_members(
    session: Session,
    member_ids: Iterable[int],
    path: Path,
    *,
    mask: bool = True,
    what: str = "成员",
    sheet_title: str = "成员",
    extra_columns: Sequence[tuple[str, int, Callable[[int], object]]] = (),
    progress: Progress = no_progress,
    cancelled: CancelCheck = never_cancelled,
) -> ExportResult:
    """Write the members (in the given order) to `path` and log the export.

    `extra_columns` are (header, width, value of a member id) after the standard columns:
    a segment adds its name, the reason each member is in it and the suggested action.
    """
    ids = list(member_ids)
    path = check_xlsx_path(path)
    workbook = Workbook(write_only=True)
    columns = [(title, width) for title, width, _ in COLUMNS]
    columns += [(title, width) for title, width, _ in extra_columns]
    sheet = Sheet(workbook, sheet_title, columns)
    for start in range(0, len(ids), PAGE):
        if cancelled():
            raise Cancelled
        page_ids = ids[start : start + PAGE]
        rows = load_rows(session, page_ids)
        for member_id in page_ids:
            row = rows.get(member_id)
            if row is None:
                continue
            values = [value_of(row, mask) for _, _, value_of in COLUMNS]
            values += [value_of(member_id) for _, _, value_of in extra_columns]
            sheet.append(values)
        progress(min(start + PAGE, len(ids)), len(ids))
    sheet.add_filter()
    save_workbook(workbook, path)
    session.add(
        ExportLog(
            operator=operator_name(), what=what, path=str(path), row_count=sheet.rows, masked=mask
        )
    )
    return ExportResult(str(path), sheet.rows, mask)
