"""China's public holidays and make-up workdays (班), year by year.

Two sources: the chinesecalendar library (the years it knows: 2004 to 2026 in 1.11) and the
notices the operator imported (core/calendar/notice.py) for the years after. A year in neither
is a state, not an error: `HolidayYear.status == "missing"` with a message for the banner.

Imported notices live in one small JSON file in the data folder (`holiday_notices.json`, next
to the default database): they describe the country's calendar, not this database's data, so
every database on the machine sees them, and no table is needed.
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import cache, lru_cache
from pathlib import Path

from chinese_calendar import constants as library

from core.calendar.notice import ParsedNotice
from core.common import paths
from core.common.errors import UserError
from core.common.text import Message, msg

log = logging.getLogger(__name__)

LIBRARY, NOTICE, MISSING = "library", "notice", "missing"
STORE_VERSION = 1

# chinesecalendar's English keys, in the names the notices use.
_LIBRARY_NAMES = {
    library.Holiday.new_years_day.value: "元旦",
    library.Holiday.spring_festival.value: "春节",
    library.Holiday.tomb_sweeping_day.value: "清明节",
    library.Holiday.labour_day.value: "劳动节",
    library.Holiday.dragon_boat_festival.value: "端午节",
    library.Holiday.national_day.value: "国庆节",
    library.Holiday.mid_autumn_festival.value: "中秋节",
    library.Holiday.anti_fascist_70th_day.value: "抗战胜利纪念日",
}


@dataclass(frozen=True)
class HolidayYear:
    """One year's days off and make-up workdays, and where they come from.

    `holidays` names the days off the schedule lists (a weekend day inside a break may or may
    not be listed: compare with `is_day_off`); `workdays` are the weekend days worked (班).
    A day of December of the year before (元旦's break) can be in either."""

    year: int
    status: str  # LIBRARY, NOTICE or MISSING
    holidays: dict[date, str] = field(default_factory=dict)
    workdays: dict[date, str] = field(default_factory=dict)
    imported_at: str = ""  # for NOTICE: when the operator imported it (UTC, ISO 8601)

    @property
    def known(self) -> bool:
        return self.status != MISSING

    @property
    def message(self) -> Message | None:
        """The banner for a year without data; None when the year is known."""
        if self.known:
            return None
        return msg(
            "没有 {year} 年的节假日数据：国务院办公厅发布 {year} 年的放假通知后，"
            "粘贴通知全文即可导入",
            year=self.year,
        )

    def is_day_off(self, day: date) -> bool | None:
        """Whether `day` is a day off (holiday, or a weekend not worked); None when unknown."""
        if day in self.workdays:
            return False
        if day in self.holidays:
            return True
        if day.year != self.year or not self.known:
            return None
        return day.weekday() >= 5

    def breaks(self) -> list[tuple[date, date, str]]:
        """Each break as (first day off, last day off, festivals): listed days that only days
        off separate are one break, widened by the weekend days next to it (与周末连休)."""
        runs: list[list] = []  # [start, end, names]
        for day, name in sorted(self.holidays.items()):
            if runs and self._all_off(runs[-1][1] + _DAY, day - _DAY):
                runs[-1][1] = day
                if name not in runs[-1][2]:
                    runs[-1][2].append(name)
            else:
                runs.append([day, day, [name]])
        result = []
        for start, end, names in runs:
            while self.is_day_off(start - _DAY):
                start -= _DAY
            while self.is_day_off(end + _DAY):
                end += _DAY
            result.append((start, end, "、".join(names)))
        return result

    def _all_off(self, first: date, last: date) -> bool:
        day = first
        while day <= last:
            if not self.is_day_off(day):
                return False
            day += _DAY
        return True


_DAY = timedelta(days=1)


def library_years() -> tuple[int, int]:
    """The first and last year chinesecalendar knows."""
    years = [day.year for day in library.holidays]
    return min(years), max(years)


@cache
def _library_year(year: int) -> HolidayYear | None:
    first, last = library_years()
    if not first <= year <= last:
        return None

    def of_year(table: dict) -> dict[date, str]:
        # 元旦's break can start in December of the year before (2018-12-30 for 2019): such
        # a day belongs to the year of the 元旦 it leads to, as in the notices.
        def belongs(day: date, name: str) -> bool:
            next_new_year = day.month == 12 and name == library.Holiday.new_years_day.value
            return day.year == (year - 1 if next_new_year else year)

        return {
            day: _LIBRARY_NAMES.get(name, name)
            for day, name in sorted(table.items())
            if belongs(day, name)
        }

    return HolidayYear(year, LIBRARY, of_year(library.holidays), of_year(library.workdays))


def holiday_year(year: int) -> HolidayYear:
    """`year`'s schedule: the library's, else an imported notice's, else MISSING."""
    known = _library_year(year)
    if known is not None:
        return known
    stored = load_imported().get(year)
    return stored if stored is not None else HolidayYear(year, MISSING)


def day_mark(day: date) -> str | None:
    """ "休" for a public holiday, "班" for a make-up workday, None otherwise (or unknown)."""
    schedule = holiday_year(day.year)
    if day in schedule.workdays:
        return "班"
    if day in schedule.holidays:
        return "休"
    if day.month == 12:  # 元旦's break starting in December is listed with the next year
        following = holiday_year(day.year + 1)
        if day in following.workdays:
            return "班"
        if day in following.holidays:
            return "休"
    return None


# -- imported notices ------------------------------------------------------------------------


def store_file() -> Path:
    return paths.data_dir() / "holiday_notices.json"


def load_imported() -> dict[int, HolidayYear]:
    """The notices imported so far; a damaged file counts as none (and is logged), so the
    calendar still opens and the operator can import again. Read again only when the file
    changed: a month view asks for every day's mark."""
    target = store_file()
    try:
        stat = target.stat()
    except OSError:
        return {}
    return dict(_read_imported(str(target), stat.st_mtime_ns, stat.st_size))


@lru_cache(maxsize=4)
def _read_imported(target: str, _mtime_ns: int, _size: int) -> dict[int, HolidayYear]:
    try:
        raw = json.loads(Path(target).read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        log.warning("holiday notices unreadable (%s): %s", target, error)
        return {}
    years: dict[int, HolidayYear] = {}
    try:
        for key, entry in raw.get("years", {}).items():
            year = int(key)
            years[year] = HolidayYear(
                year,
                NOTICE,
                {date.fromisoformat(d): str(n) for d, n in entry["holidays"].items()},
                {date.fromisoformat(d): str(n) for d, n in entry["workdays"].items()},
                str(entry.get("imported_at", "")),
            )
    except (AttributeError, KeyError, TypeError, ValueError) as error:
        log.warning("holiday notices malformed (%s): %s", target, error)
        return {}
    return years


@dataclass(frozen=True)
class ImportResult:
    year: int
    holidays: dict[str, str]  # ISO date → festival
    workdays: dict[str, str]
    festivals: tuple[str, ...]
    saved: bool
    replaced: bool  # an earlier import of the same year was overwritten
    file: str
    # For a year the library knows (a dry run only): the days it reads differently.
    library_differences: tuple[str, ...] | None = None


def differences(parsed: ParsedNotice, known: HolidayYear) -> list[date]:
    """The days of the notice's year (and 元旦's December) where `parsed` and `known` differ:
    a day off in one and a working day in the other, or a make-up workday in only one."""
    notice = HolidayYear(parsed.year, NOTICE, dict(parsed.holidays), dict(parsed.workdays))
    first = min([date(parsed.year, 1, 1), *parsed.holidays, *known.holidays])
    day, found = first, []
    while day <= date(parsed.year, 12, 31):
        off = notice.is_day_off(day)
        if (off is not None and off != known.is_day_off(day)) or (
            (day in notice.workdays) != (day in known.workdays)
        ):
            found.append(day)
        day += _DAY
    return found


def import_notice(parsed: ParsedNotice, *, dry_run: bool = False) -> ImportResult:
    """Keep `parsed` as its year's schedule. Not for a year the library knows: its data are
    the published ones, and a notice must not shadow them; a dry run there says where the
    notice and the library differ (none, for the notices tested)."""
    first, last = library_years()
    known = _library_year(parsed.year)
    if known is not None and dry_run:
        return ImportResult(
            parsed.year,
            {day.isoformat(): name for day, name in parsed.holidays.items()},
            {day.isoformat(): name for day, name in parsed.workdays.items()},
            parsed.festivals,
            saved=False,
            replaced=False,
            file="",
            library_differences=tuple(d.isoformat() for d in differences(parsed, known)),
        )
    if known is not None:
        raise UserError(
            msg(
                "{year} 年的节假日已内置（{first} 至 {last} 年），不需要导入通知",
                year=parsed.year,
                first=first,
                last=last,
            )
        )
    imported = load_imported()
    replaced = parsed.year in imported
    if not dry_run:
        imported[parsed.year] = HolidayYear(
            parsed.year,
            NOTICE,
            dict(parsed.holidays),
            dict(parsed.workdays),
            datetime.now(UTC).replace(microsecond=0).isoformat(),
        )
        _save(imported)
    return ImportResult(
        parsed.year,
        {day.isoformat(): name for day, name in parsed.holidays.items()},
        {day.isoformat(): name for day, name in parsed.workdays.items()},
        parsed.festivals,
        saved=not dry_run,
        replaced=replaced,
        file=str(store_file()),
    )


def _save(years: dict[int, HolidayYear]) -> None:
    target = store_file()
    target.parent.mkdir(parents=True, exist_ok=True)
    data = {
        "version": STORE_VERSION,
        "years": {
            str(year): {
                "holidays": {d.isoformat(): n for d, n in entry.holidays.items()},
                "workdays": {d.isoformat(): n for d, n in entry.workdays.items()},
                "imported_at": entry.imported_at,
            }
            for year, entry in sorted(years.items())
        },
    }
    temporary = target.with_suffix(".tmp")
    temporary.write_text(json.dumps(data, ensure_ascii=False, indent=1), "utf-8")
    os.replace(temporary, target)  # atomic: a crash never leaves half a file
