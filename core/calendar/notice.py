"""Read the State Council's holiday notice (国务院办公厅关于20XX年部分节假日安排的通知).

The operator pastes the notice for a year the holiday library does not know yet; this turns it
into that year's days off and make-up workdays. The wording has changed over the years, and
all of these are read: 周四 and 星期四, 放假调休 / 放假 / 补休 / 与周末连休 / 上班, a range
across months or years (2022年12月31日至2023年1月2日, 12月31日至1月2日), two festivals in one
item (国庆节、中秋节), half-width or full-width punctuation, and traditional characters as
some reposts have them.

Anything that does not read as a whole notice is refused with one line that says why: no
title year, a missing festival, a weekday that contradicts the year (a notice of another year
with its title changed), a day count that does not add up, a text cut off.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from core.common.errors import UserError
from core.common.joins import joined_list
from core.common.text import msg

MAX_CHARS = 20_000  # a notice is about 1,000 characters; a web page around it fits too
MAX_FILE_BYTES = 4 * MAX_CHARS  # checked before reading: a 10 MB file is never loaded
FESTIVALS = ("元旦", "春节", "清明节", "劳动节", "端午节", "中秋节", "国庆节")
_FESTIVAL = "|".join(FESTIVALS)

# Traditional forms of the characters the parser looks for (reposts from Hong Kong sites).
_SIMPLIFIED = str.maketrans(
    "節勞動國慶調補與連務辦廳關於週農曆歷臘會間", "节劳动国庆调补与连务办厅关于周农历历腊会间"
)
_INVISIBLE = re.compile(r"[\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]")
_NUMERAL = "一二三四五六七八九十"
_TITLE_YEAR = re.compile(r"关于\s*(\d{4})\s*年\s*部分节假日(?:放假)?安排")
_BODY_YEAR = re.compile(r"现将\s*(\d{4})\s*年\s*元旦")
_ITEM = re.compile(rf"[{_NUMERAL}]+、\s*((?:{_FESTIVAL})(?:\s*[、和]\s*(?:{_FESTIVAL}))*)\s*:")
_ITEMS_END = re.compile(r"节假日期间|鼓励单位和个人|国务院办公厅\s*\d{4}\s*年")
_DATE = re.compile(
    r"(?:(?P<year>\d{4})年)?(?:(?P<month>\d{1,2})月)?(?P<day>\d{1,2})日"
    r"(?:\((?P<note>[^()]*)\))?"
)
_WEEKDAY = re.compile(r"(?:周|星期)([一二三四五六日天])")
_WEEKDAYS = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6}
_COUNT = re.compile(r"共\s*(\d{1,2})\s*天")


@dataclass(frozen=True)
class ParsedNotice:
    """One year's schedule as the notice gives it: the days off it names (a weekend day inside
    a break included) and the make-up workdays (班), each with its festival."""

    year: int
    holidays: dict[date, str] = field(default_factory=dict)
    workdays: dict[date, str] = field(default_factory=dict)
    festivals: tuple[str, ...] = ()


def parse_notice(text: str, *, expected_year: int | None = None) -> ParsedNotice:
    """The notice's holidays and workdays; UserError with one line when it is not a whole
    notice (or, with `expected_year`, not that year's)."""
    if not isinstance(text, str) or not text.strip():
        raise UserError(msg("放假通知是空的：请粘贴国务院办公厅通知的全文"))
    if len(text) > MAX_CHARS:
        raise UserError(
            msg(
                "文本太长（{chars:,} 字），不像一份放假通知（全文约一千字）",
                chars=len(text),
            )
        )
    clean = _normalise(text)
    year = _year(clean)
    if expected_year is not None and year != expected_year:
        raise UserError(
            msg(
                "这是 {found} 年的放假通知，不是 {expected} 年的",
                found=year,
                expected=expected_year,
            )
        )
    holidays: dict[date, str] = {}
    workdays: dict[date, str] = {}
    seen: list[str] = []
    for names, body in _items(clean):
        label = "、".join(names)
        seen.extend(names)
        days_off, working = _read_item(body, year, names, label)
        for day in days_off:
            holidays.setdefault(day, label)
        for day in working:
            workdays[day] = label
    missing = [name for name in FESTIVALS if name not in seen]
    if missing:
        raise UserError(
            msg(
                "放假通知不完整：找不到{names}的安排，请粘贴通知全文",
                names=joined_list(missing),
            )
        )
    both = sorted(set(holidays) & set(workdays))
    if both:
        raise UserError(msg("通知里 {day} 既放假又上班，无法读取", day=_shown(both[0])))
    return ParsedNotice(
        year,
        dict(sorted(holidays.items())),
        dict(sorted(workdays.items())),
        tuple(dict.fromkeys(seen)),
    )


def read_notice_file(path: Path) -> str:
    """The text of a saved notice: UTF-8 (with or without BOM), UTF-16 with BOM or GB18030
    (Windows Notepad's choices); one line of refusal for anything else."""
    name = path.name
    try:
        size = path.stat().st_size
        if not path.is_file():
            raise UserError(msg("「{name}」不是文件", name=name))
        if size > MAX_FILE_BYTES:
            raise UserError(
                msg(
                    "文件「{name}」太大（{size:,} 字节），不像一份放假通知（全文只有几 KB）",
                    name=name,
                    size=size,
                )
            )
        data = path.read_bytes()
    except FileNotFoundError:
        raise UserError(msg("找不到文件「{name}」", name=name)) from None
    except OSError as error:
        raise UserError(
            msg("读不了文件「{name}」：{reason}", name=name, reason=error.strerror or "")
        ) from None
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encodings = ["utf-16"]
    elif data.startswith(codecs.BOM_UTF8):
        encodings = ["utf-8-sig"]
    else:
        encodings = ["utf-8", "gb18030"]
    for encoding in encodings:
        try:
            # final=False: a file cut inside its last character (half a notice) still
            # reads, and the parser says what is missing.
            text = codecs.getincrementaldecoder(encoding)().decode(data, final=False)
        except UnicodeDecodeError:
            continue
        if "\x00" in text:
            break
        return text
    raise UserError(msg("文件「{name}」不是文本（无法按 UTF-8 或 GBK 读取）", name=name))


def _normalise(text: str) -> str:
    # NFKC turns full-width （）：， and digits into ASCII; whitespace inside a line (\u3000
    # indents, "1 月 1 日") carries no meaning in a notice.
    text = unicodedata.normalize("NFKC", text).translate(_SIMPLIFIED)
    text = _INVISIBLE.sub("", text)
    return re.sub(r"[ \t\u00a0]+", "", text)


def _year(text: str) -> int:
    title = _TITLE_YEAR.search(text)
    body = _BODY_YEAR.search(text)
    if title is None and body is None:
        raise UserError(msg("这不是国务院办公厅的放假通知：找不到“关于20XX年部分节假日安排”"))
    years = {int(found.group(1)) for found in (title, body) if found is not None}
    if len(years) > 1:
        raise UserError(
            msg(
                "通知的标题和正文说的不是同一年（{years}），无法读取",
                years=joined_list([str(y) for y in sorted(years)]),
            )
        )
    year = years.pop()
    if not 2000 <= year <= 2200:
        raise UserError(msg("通知的年份 {year} 不对", year=year))
    return year


def _items(text: str) -> list[tuple[list[str], str]]:
    matches = list(_ITEM.finditer(text))
    if not matches:
        raise UserError(msg("放假通知不完整：找不到“一、元旦：…”这样的安排，请粘贴通知全文"))
    items = []
    for index, found in enumerate(matches):
        end = matches[index + 1].start() if index + 1 < len(matches) else len(text)
        body = text[found.end() : end]
        closing = _ITEMS_END.search(body)  # the closing paragraph, or a page's footer
        body = body[: closing.start()] if closing else body
        names = [name for name in re.split(r"[、和]", found.group(1)) if name]
        items.append((names, body.strip()))
    return items


def _read_item(body: str, year: int, names: list[str], label: str):
    if not body.rstrip().endswith("。"):
        raise UserError(msg("放假通知不完整：“{label}”一项没有写完，请粘贴通知全文", label=label))
    # A date in parentheses that is not a weekday note (除夕(2月9日)) is a remark, not a
    # day off: drop bracketed text unless it follows a date.
    body = re.sub(r"(?<!日)\([^()]*\)", "", body)
    days_off: list[date] = []
    working: list[date] = []
    counted: int | None = None
    for clause in re.split(r"[。,;,]", body):
        if not clause:
            continue
        count = _COUNT.search(clause)
        if count:
            counted = int(count.group(1))
        if "上班" in clause:
            working.extend(day for day, _ in _dates(clause, year, names))
        elif "补休" in clause or "放假" in clause:
            days_off.extend(_days_off(clause, year, names, label))
    if not days_off:
        raise UserError(msg("通知里“{label}”一项没有放假日期，无法读取", label=label))
    if counted is not None and counted != len(set(days_off)):
        raise UserError(
            msg(
                "通知里“{label}”写共 {count} 天，日期却是 {days} 天：请检查粘贴的文本",
                label=label,
                count=counted,
                days=len(set(days_off)),
            )
        )
    return days_off, working


def _days_off(clause: str, year: int, names: list[str], label: str) -> list[date]:
    dates = _dates(clause, year, names)
    if "至" in clause and len(dates) >= 2:
        (start, start_explicit), (end, _) = dates[0], dates[1]
        if end < start and not start_explicit:
            # 12月31日至1月2日 in the 元旦 item: the break began the year before.
            start = start.replace(year=start.year - 1)
        if not timedelta(0) <= end - start <= timedelta(days=15):
            raise UserError(
                msg(
                    "通知里“{label}”的日期 {start} 至 {end} 读不通",
                    label=label,
                    start=_shown(start),
                    end=_shown(end),
                )
            )
        return [start + timedelta(days=n) for n in range((end - start).days + 1)]
    return [day for day, _ in dates]


def _dates(clause: str, year: int, names: list[str]) -> list[tuple[date, bool]]:
    """The dates of a clause with whether each named its year; a day without a month takes
    the month before it (2月15日至23日)."""
    found: list[tuple[date, bool]] = []
    month = None
    for match in _DATE.finditer(clause):
        month = int(match.group("month")) if match.group("month") else month
        if month is None:
            continue
        day = int(match.group("day"))
        explicit = match.group("year") is not None
        if explicit:
            in_year = int(match.group("year"))
        elif "元旦" in names and month == 12:
            in_year = year - 1  # 元旦's eve or make-up day falls in the year before
        else:
            in_year = year
        found.append((_checked(in_year, month, day, match.group("note") or ""), explicit))
    return found


def _checked(year: int, month: int, day: int, note: str) -> date:
    """The date, checked against its weekday note: a notice of another year whose title was
    changed (or a typo) names weekdays that do not fit."""
    try:
        when = date(year, month, day)
    except ValueError:
        raise UserError(
            msg("通知里有不存在的日期：{year}年{month}月{day}日", year=year, month=month, day=day)
        ) from None
    weekday = _WEEKDAY.search(note)
    if weekday and when.weekday() != _WEEKDAYS[weekday.group(1)]:
        raise UserError(
            msg(
                "通知里 {day} 标为{weekday}，可那天是{actual}：这份通知与 {year} 年对不上",
                day=_shown(when),
                weekday=weekday.group(0),
                actual="周" + "一二三四五六日"[when.weekday()],
                year=year,
            )
        )
    return when


def _shown(day: date) -> str:
    return day.isoformat()  # the same in every language
