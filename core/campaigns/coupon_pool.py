"""优惠券: the campaign's pool of codes (db campaign_coupons) — imported from a file or
generated — each handed out once (when the settlement approves its reward) and redeemed once.

The settings' own `pool` comes first, then the table's codes in the order they were added
(facts_types_sql); a code handed out keeps its reward whatever arrives later.
"""

from __future__ import annotations

import secrets
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.campaigns.decisions import APPROVED, Decision
from core.campaigns.facts_types_sql import CHUNK
from core.campaigns.settings import MAX_POOL
from core.campaigns.type_recording import open_campaign, shown_time, when
from core.common.errors import UserError
from core.common.sheets.limits import ImportLimits
from core.common.sheets.readers import check_file, iter_tables
from core.common.text import msg
from core.referrals.invite_codes import ALPHABET
from db.campaign_fact_models import MAX_COUPON_CHARS, CampaignCoupon
from db.referral_models import Campaign

GENERATED_CHARS = 10  # 31^10 ≈ 8 × 10^14: no guessing
MAX_GENERATE = 100_000
HEADERS = {"券码", "优惠券", "优惠码", "code", "coupon", "券号"}


@dataclass(frozen=True)
class PoolAdded:
    campaign_id: int
    campaign_name: str
    added: int
    already: int  # in the pool before: skipped
    total: int  # the table's pool now
    sample: list[str] = field(default_factory=list)  # the first codes added


@dataclass(frozen=True)
class Redeemed:
    campaign_id: int
    campaign_name: str
    code: str
    member_id: int
    reward_key: str
    issued_at: datetime
    redeemed_at: datetime


def _campaign(session: Session, campaign_text: str):
    return open_campaign(session, campaign_text, ("coupon",), msg("优惠券"))


def clean_code(text: str, place: int) -> str:
    code = unicodedata.normalize("NFKC", str(text)).strip()
    if not code or len(code) > MAX_COUPON_CHARS:
        raise UserError(
            msg(
                "第 {place} 个券码长度应在 1 到 {most} 个字符之间",
                place=place,
                most=MAX_COUPON_CHARS,
            )
        )
    if any(ch.isspace() or unicodedata.category(ch).startswith("C") for ch in code):
        raise UserError(msg("第 {place} 个券码含空白或控制字符", place=place))
    return code


def read_codes(path: str | Path) -> list[str]:
    """The codes of a file: the first column of a table (.xlsx/.xls/.csv) or one per line of a
    text file; a header cell (券码, code…) and blank cells are skipped."""
    limits = ImportLimits()
    source = check_file(Path(path), limits)
    if source.kind == "json":
        raise UserError(msg("「{name}」不是表格或文本文件", name=Path(path).name))
    codes = []
    for table in iter_tables(source, limits):
        for _, cells in table.rows:
            first = cells[0] if cells else None
            text = "" if first is None else str(first).strip()
            if not text or (not codes and text.casefold() in HEADERS):
                continue
            codes.append(text)
        break  # the first sheet
    if not codes:
        raise UserError(msg("「{name}」里没有券码", name=Path(path).name))
    return codes


def _add(
    session: Session, campaign: Campaign, codes: list[str], origin: str, now: datetime
) -> PoolAdded:
    have = set(
        session.scalars(
            select(CampaignCoupon.code).where(CampaignCoupon.campaign_id == campaign.id)
        )
    )
    new, seen = [], set()
    for code in codes:
        if code not in have and code not in seen:
            seen.add(code)
            new.append(code)
    if len(have) + len(new) > MAX_POOL:
        raise UserError(msg("券码池最多 {most} 个券码", most=MAX_POOL))
    session.add_all(
        CampaignCoupon(campaign_id=campaign.id, code=code, origin=origin, added_at=now)
        for code in new
    )
    session.flush()
    return PoolAdded(
        campaign.id, campaign.name, len(new), len(codes) - len(new), len(have) + len(new), new[:5]
    )


def import_codes(
    session: Session, campaign_text: str, codes: Iterable[str], *, now: datetime | None = None
) -> PoolAdded:
    """Imported codes join the pool (one already there is skipped)."""
    campaign, _ = _campaign(session, campaign_text)
    cleaned = [clean_code(code, place) for place, code in enumerate(codes, 1)]
    if not cleaned:
        raise UserError(msg("没有券码可导入"))
    return _add(session, campaign, cleaned, "imported", now or datetime.now())


def generate_codes(
    session: Session, campaign_text: str, count: int, *, now: datetime | None = None
) -> PoolAdded:
    """`count` new random codes (letters and digits that cannot be misread) join the pool."""
    campaign, _ = _campaign(session, campaign_text)
    if not 1 <= count <= MAX_GENERATE:
        raise UserError(msg("生成数量应在 1 到 {most} 之间", most=MAX_GENERATE))
    codes: list[str] = []
    while len(codes) < count:  # a clash with an existing code is skipped by _add: top up
        codes += [
            "".join(secrets.choice(ALPHABET) for _ in range(GENERATED_CHARS))
            for _ in range(count - len(codes))
        ]
        codes = list(dict.fromkeys(codes))
    return _add(session, campaign, codes, "generated", now or datetime.now())


def hand_out(
    session: Session,
    campaign: Campaign,
    decisions: list[Decision],
    now: datetime,
    *,
    write: bool = True,
) -> int:
    """Record the codes of the approved coupon rewards as handed out (the settlement's step):
    a code of the settings' own pool joins the table as it is handed out. Returns how many
    (`write` False: only counts them)."""
    wanted = {d.coupon: d for d in decisions if d.coupon and d.status == APPROVED}
    if not wanted:
        return 0
    codes, rows = list(wanted), {}
    for start in range(0, len(codes), CHUNK):
        rows |= {
            row.code: row
            for row in session.scalars(
                select(CampaignCoupon).where(
                    CampaignCoupon.campaign_id == campaign.id,
                    CampaignCoupon.code.in_(codes[start : start + CHUNK]),
                )
            )
        }
    count = 0
    for code, decision in wanted.items():
        row = rows.get(code)
        if row is not None and row.reward_key is not None:
            continue  # handed out before
        count += 1
        if not write:
            continue
        if row is None:
            row = CampaignCoupon(
                campaign_id=campaign.id, code=code, origin="imported", added_at=now
            )
            session.add(row)
        row.reward_key, row.member_id, row.issued_at = decision.key, decision.member_id, now
    session.flush()
    return count


def redeem_code(
    session: Session,
    campaign_text: str,
    code: str,
    *,
    at: datetime | None = None,
    now: datetime | None = None,
) -> Redeemed:
    """A handed-out code is used (核销): once."""
    campaign, _ = _campaign(session, campaign_text)
    at = when(campaign, at, now)
    code = clean_code(code, 1)
    row = session.scalars(
        select(CampaignCoupon).where(
            CampaignCoupon.campaign_id == campaign.id, CampaignCoupon.code == code
        )
    ).first()
    if row is None:
        raise UserError(
            msg("券码 {code} 不在活动「{name}」的券码池里", code=code, name=campaign.name)
        )
    if row.issued_at is None:
        raise UserError(msg("券码 {code} 还没有发出，不能核销", code=code))
    if row.redeemed_at is not None:
        raise UserError(
            msg(
                "券码 {code} 已在 {at} 核销过",
                code=code,
                at=shown_time(row.redeemed_at),
            )
        )
    if at < row.issued_at:
        raise UserError(msg("核销时间早于发券时间"))
    row.redeemed_at = at
    session.flush()
    return Redeemed(
        campaign.id, campaign.name, code, row.member_id, row.reward_key, row.issued_at, at
    )
