"""A campaign's codes to .xlsx: each participant's code with their name, phone (masked by
default), when it was issued and how many invites it brought; logged in the export log (PIPL)
like every export of personal data. Sheet style and formula-injection safety are
core.common.xlsx's."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from openpyxl import Workbook
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.campaigns.records import find_campaign
from core.common.operator import operator_name
from core.common.text import msg
from core.common.xlsx import Sheet, check_xlsx_path, save_workbook
from core.members.export import ExportResult
from core.members.masking import mask_phone, mask_wechat_id
from db.models import ExportLog, Member
from db.referral_models import LIVE_STATUSES, InviteCode, ReferralEdge

COLUMNS = [
    ("成员编号", 10),
    ("昵称", 22),
    ("微信号", 18),
    ("手机号", 15),
    ("邀请码", 14),
    ("发码时间", 18),
    ("有效邀请", 10),
]


def export_codes(session: Session, text: str, path: Path, *, mask: bool = True) -> ExportResult:
    """Write campaign `text`'s codes to `path` (one row per code, in issue order)."""
    campaign = find_campaign(session, text)
    path = check_xlsx_path(path)
    invites = Counter(
        dict(
            session.execute(
                select(ReferralEdge.invite_code_id, func.count())
                .where(
                    ReferralEdge.campaign_id == campaign.id,
                    ReferralEdge.status.in_(LIVE_STATUSES),
                    ReferralEdge.invite_code_id.is_not(None),
                )
                .group_by(ReferralEdge.invite_code_id)
            ).all()
        )
    )
    rows = session.execute(
        select(InviteCode.id, Member.id, Member.nickname, Member.remark, Member.wechat_id,
               Member.phone, InviteCode.value, InviteCode.issued_at)
        .join(Member, Member.id == InviteCode.member_id)
        .where(InviteCode.campaign_id == campaign.id)
        .order_by(InviteCode.issued_at, InviteCode.id)
    )  # fmt: skip
    workbook = Workbook(write_only=True)
    sheet = Sheet(workbook, "邀请码", COLUMNS)
    for code_id, member_id, nickname, remark, wechat_id, phone, value, issued_at in rows:
        sheet.append(
            [
                member_id,
                remark or nickname,
                (mask_wechat_id(wechat_id) if mask else wechat_id) or "",
                (mask_phone(phone) if mask else phone) or "",
                value,
                issued_at,
                invites[code_id],
            ]
        )
    sheet.add_filter()
    save_workbook(workbook, path)
    what = str(msg("活动「{name}」的邀请码", name=campaign.name))[:200]
    session.add(
        ExportLog(operator=operator_name(), what=what, path=str(path), row_count=sheet.rows,
                  masked=mask)
    )  # fmt: skip
    session.flush()
    return ExportResult(str(path), sheet.rows, mask)
