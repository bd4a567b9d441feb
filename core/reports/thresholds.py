"""The community warnings' thresholds: a setting with these defaults (issue 20)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields

from sqlalchemy.orm import Session

from core.common.errors import UserError
from core.common.settings_store import get_setting, set_setting
from core.common.text import msg

KEY = "reports.warnings"


@dataclass(frozen=True)
class Thresholds:
    new_group_days: int = 30  # a group created this recently is "new"
    new_group_loss: float = 0.15  # …and losing more than this share in 7 days
    min_interaction: float = 0.03  # members who posted in 7 days ÷ members
    max_silent: float = 0.70  # members with no activity in 7 days ÷ members
    koc_low: float = 0.08
    koc_high: float = 0.12
    min_members: int = 20  # smaller groups get no share-based warnings: too few to judge


def load_thresholds(session: Session) -> Thresholds:
    stored = get_setting(session, KEY) or {}
    known = {f.name for f in fields(Thresholds)}
    try:
        return checked(Thresholds(**{k: v for k, v in dict(stored).items() if k in known}))
    except (TypeError, ValueError, UserError):
        return Thresholds()  # a hand-edited bad value falls back to the defaults


def checked(values: Thresholds) -> Thresholds:
    for f in fields(values):
        value = getattr(values, f.name)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise UserError(msg("报表预警阈值「{name}」必须是数字", name=f.name))
        if isinstance(f.default, float) and not 0 <= value <= 1:
            raise UserError(msg("报表预警阈值「{name}」应在 0 到 1 之间", name=f.name))
        if isinstance(f.default, int) and not 0 <= value <= 100000:
            raise UserError(msg("报表预警阈值「{name}」应在 0 到 100000 之间", name=f.name))
    if values.koc_low > values.koc_high:
        raise UserError(msg("KOC 占比下限不能高于上限"))
    return values


def save_thresholds(session: Session, values: Thresholds) -> Thresholds:
    set_setting(session, KEY, asdict(checked(values)))
    return values
