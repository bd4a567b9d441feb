"""Report presets: which sheets, which period, which community, picture or not, masked or not,
saved under a name (issue 20). 周报 and 月报 are built in; the user's own live in the settings
store, one setting per preset, so a team on one PostgreSQL server shares them."""

from __future__ import annotations

import unicodedata
from dataclasses import asdict, dataclass, replace
from datetime import date, timedelta

from sqlalchemy.orm import Session

from core.common.errors import UserError
from core.common.settings_store import set_setting, settings_with_prefix
from core.common.text import msg
from core.communities.registry import community_id_by_name
from core.reports.period import ALL_SHEETS, MAX_DAYS, PRESETS, preset_period
from db.models import Setting

KEY_PREFIX = "reports.preset."
MAX_NAME = 40
LAST_WEEK, LAST_MONTH, CUSTOM = "last-week", "last-month", "custom"
DAYS_PREFIX = "days:"


@dataclass(frozen=True)
class Preset:
    name: str
    sheets: tuple[str, ...]
    period: str = LAST_WEEK  # last-week, last-month, days:N (N whole days to yesterday), custom
    community: str = ""  # a community's name; empty: every community
    image: bool = False  # the phone picture (长图) too
    mask: bool = True  # unmasked exports are logged as such
    builtin: bool = False

    @property
    def days(self) -> int | None:
        """N of a days:N period, else None."""
        return int(self.period.removeprefix(DAYS_PREFIX)) if is_days(self.period) else None


# The built-ins keep the English words the command line always took as their aliases.
BUILTINS = (
    Preset(msg("周报"), PRESETS["weekly"], LAST_WEEK, builtin=True),
    Preset(msg("月报"), PRESETS["monthly"], LAST_MONTH, builtin=True),
)
ALIASES = {"weekly": "周报", "monthly": "月报"}


def is_days(period: str) -> bool:
    number = period.removeprefix(DAYS_PREFIX)
    return period.startswith(DAYS_PREFIX) and number.isascii() and number.isdigit()


def days_period(days: int) -> str:
    return f"{DAYS_PREFIX}{days}"


def clean_name(name: str) -> str:
    """The name trimmed, or a one-line refusal that never repeats a hostile name whole."""
    text = str(name).strip()
    if not text:
        raise UserError(msg("预设名称不能为空"))
    if len(text) > MAX_NAME:
        raise UserError(
            msg("预设名称最长 {limit} 个字符（收到 {count} 个）", limit=MAX_NAME, count=len(text))
        )
    if any(unicodedata.category(char) in ("Cc", "Cf", "Cs", "Co", "Zl", "Zp") for char in text):
        raise UserError(msg("预设名称不能含控制字符或不可见字符"))
    return text


def _key(name: str) -> str:
    return name.casefold()  # "Team" and "team" are one name


def _builtin(name: str) -> Preset | None:
    name = ALIASES.get(_key(name), name)
    return next((p for p in BUILTINS if p.name == name), None)


def checked(preset: Preset) -> Preset:
    """The preset with its name trimmed and its sheets in the workbook's order; refused when
    a field is wrong."""
    name = clean_name(preset.name)
    unknown = [s for s in preset.sheets if s not in ALL_SHEETS]
    if unknown:
        raise UserError(
            msg(
                "没有名为「{sheet}」的工作表（可选：{known}）",
                sheet=str(unknown[0])[:MAX_NAME],
                known="、".join(ALL_SHEETS),
            )
        )
    sheets = tuple(s for s in ALL_SHEETS if s in preset.sheets)
    if not sheets:
        raise UserError(msg("预设至少要选一张工作表"))
    period = check_period(preset.period)
    return replace(
        preset, name=name, sheets=sheets, period=period, community=str(preset.community or "")
    )


def check_period(period: str) -> str:
    text = str(period).strip()
    if text in (LAST_WEEK, LAST_MONTH, CUSTOM):
        return text
    if is_days(text) and 1 <= int(text.removeprefix(DAYS_PREFIX)) <= MAX_DAYS:
        return days_period(int(text.removeprefix(DAYS_PREFIX)))
    raise UserError(
        msg(
            "报表期间应为 last-week、last-month、custom 或 days:N（N 为 1 到 {max}），收到：{text}",
            max=MAX_DAYS,
            text=text[:MAX_NAME],
        )
    )


def list_presets(session: Session) -> list[Preset]:
    """The built-ins first, then the user's own by name."""
    stored = settings_with_prefix(session, KEY_PREFIX)
    own = [p for p in (_from_stored(value) for value in stored.values()) if p is not None]
    return [*BUILTINS, *sorted(own, key=lambda p: p.name)]


def _from_stored(value) -> Preset | None:
    try:
        data = dict(value)
        return checked(
            Preset(
                name=data["name"],
                sheets=tuple(data["sheets"]),
                period=data.get("period", LAST_WEEK),
                community=data.get("community") or "",
                image=bool(data.get("image", False)),
                mask=bool(data.get("mask", True)),
            )
        )
    except (KeyError, TypeError, ValueError, UserError):
        return None  # a hand-edited broken row is skipped, not fatal


def find_preset(session: Session, name: str) -> Preset:
    """The preset called `name` (周报/月报 also answer to weekly/monthly); an unknown name is
    refused in one line that lists the known ones."""
    builtin = _builtin(str(name).strip())
    if builtin is not None:
        return builtin
    presets = list_presets(session)
    wanted = _key(str(name).strip())
    for preset in presets:
        if _key(preset.name) == wanted:
            return preset
    raise UserError(
        msg(
            "没有名为「{name}」的报表预设（可选：{known}）",
            name=str(name)[:MAX_NAME],
            known="、".join(p.name for p in presets),
        )
    )


def save_preset(session: Session, preset: Preset, *, replace_existing: bool = False) -> Preset:
    """Store the user's preset under its name. Built-ins cannot be overwritten; an existing
    name is refused unless `replace_existing`; so is a community that does not exist."""
    preset = replace(checked(preset), builtin=False)
    community_id_by_name(session, preset.community)  # refuses a community that is not there
    if _builtin(preset.name) is not None:
        raise UserError(msg("「{name}」是内置预设，不能覆盖，请换个名称", name=preset.name))
    existing = _stored_key(session, preset.name)
    if existing is not None and not replace_existing:
        raise UserError(msg("已有名为「{name}」的预设", name=preset.name))
    key = KEY_PREFIX + preset.name
    if existing is not None and existing != key:
        session.delete(session.get(Setting, existing))  # the old spelling ("Team" for "team")
        session.flush()
    data = asdict(preset)
    data.pop("builtin")
    data["sheets"] = list(preset.sheets)
    set_setting(session, key, data)  # also mends a hand-broken row of the same key
    session.flush()
    return preset


def delete_preset(session: Session, name: str) -> Preset:
    """Remove the user's preset; built-ins stay."""
    preset = find_preset(session, name)
    if preset.builtin:
        raise UserError(msg("「{name}」是内置预设，不能删除", name=preset.name))
    session.delete(session.get(Setting, _stored_key(session, preset.name)))
    session.flush()
    return preset


def _stored_key(session: Session, name: str) -> str | None:
    """The settings key of the stored preset with this name (case aside), if any."""
    for key, value in settings_with_prefix(session, KEY_PREFIX).items():
        stored = _from_stored(value)
        if stored is not None and _key(stored.name) == _key(name):
            return key
    return None


def preset_dates(preset: Preset, today: date) -> tuple[date, date] | None:
    """The preset's period as of `today` (whole days, ending before today); None for custom,
    whose dates are chosen each time."""
    if preset.period == LAST_WEEK:
        return preset_period("weekly", today)
    if preset.period == LAST_MONTH:
        return preset_period("monthly", today)
    if preset.days is not None:
        end = today - timedelta(days=1)
        return end - timedelta(days=preset.days - 1), end
    return None
