"""Cell values as exports deliver them, turned into what the database stores.

Each normaliser returns `(value, error)`: the clean value (None when the cell is empty), or None
and a one-line reason in Chinese (a `msg`: the window can show it in English). Nothing is
ever guessed: a phone that Excel turned into `8.6138E+12` has lost digits, and is reported
rather than completed.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal, InvalidOperation

from core.common.dates import year_problem
from core.common.text import msg

# China Standard Time: WeCom timestamps and the exports that print them use it.
CHINA_TZ = timezone(timedelta(hours=8))
EXCEL_EPOCH = datetime(1899, 12, 30)

# What exports put in a cell that has no value.
PLACEHOLDERS = frozenset(
    {"-", "--", "—", "——", "–", "－", "―", "/", "无", "暂无", "n/a", "N/A", "#N/A", "null", "NULL"}
    | {"None"}
)

_SURROGATE = re.compile("[\ud800-\udfff]")


def is_blank(value) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        stripped = value.strip()
        return not stripped or stripped in PLACEHOLDERS
    return False


def clean_text(value: str) -> str:
    """Strip and drop NUL (PostgreSQL refuses it)."""
    if "\x00" in value:
        value = value.replace("\x00", "")
    return value.strip()


def clean_json_text(value: str) -> str:
    """JSON may also carry lone surrogates (\\ud83c without its pair): no encoding writes them."""
    if _SURROGATE.search(value):
        value = value.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    return clean_text(value)


def to_text(value) -> str | None:
    """Any cell as text, None when empty. 137.0 → "137"; dates → ISO; a formula stays text."""
    if type(value) is str:
        if "\x00" in value:
            value = value.replace("\x00", "")
        text = value.strip()
        return None if not text or text in PLACEHOLDERS else text
    if value is None:
        return None
    if isinstance(value, str):
        text = clean_text(value)
        return None if not text or text in PLACEHOLDERS else text
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        if value != value:  # NaN
            return None
        if value.is_integer() and abs(value) < 1e16:
            return str(int(value))
        return repr(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, datetime):
        return format_datetime(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return value.strftime("%H:%M:%S")
    if isinstance(value, timedelta):
        return str(value)
    if isinstance(value, list | tuple):
        parts = [t for t in (to_text(v) for v in value) if t]
        return "，".join(parts) or None
    return clean_text(str(value)) or None


def format_datetime(value: datetime) -> str:
    """How a date-time custom field is stored: no seconds part when there are none."""
    # isoformat is C, and one of these is made for every row of a customer export.
    if value.tzinfo is not None:
        value = value.replace(tzinfo=None)  # the wall time as given, without "+08:00"
    if value.second or value.microsecond:
        return value.isoformat(" ", "seconds")
    if value.hour or value.minute:
        return value.isoformat(" ", "minutes")
    return value.date().isoformat()


def normalize_header(text: object) -> str:
    """A header cell as it is compared: no spaces, no required-field stars, lower case."""
    value = unicodedata.normalize("NFKC", str(text or "")).strip().lower()
    return "".join(value.split()).lstrip("*")


# ---------------------------------------------------------------------------------- phones

_MAINLAND_MOBILE = re.compile(r"1[3-9]\d{9}")
_SCIENTIFIC = re.compile(r"[+-]?\d+(?:\.\d+)?[eE][+-]?\d+")
_FLOAT_TEXT = re.compile(r"\+?\d+\.0+")
_PHONE_SEPARATORS = re.compile(r"[,，;；/、|]+")
_PHONE_DECORATION = re.compile(r"[\s\-‐–—().（）]+")


def normalize_phone(value) -> tuple[str | None, str | None]:
    """A mainland mobile as 11 digits (+86/0086/86 prefixes, spaces and dashes removed), or an
    international number as +<digits> when it is written with its country code."""
    if value is None or value == "":
        return None, None
    if isinstance(value, bool):
        return None, msg("不是手机号")
    if isinstance(value, float):
        if not value.is_integer():
            return None, msg("手机号不应有小数：{value}", value=repr(value))
        value = int(value)
    if isinstance(value, int):
        return _check_digits(str(value), str(value), plus=False)
    if not isinstance(value, str):
        return None, msg("不是手机号")
    if len(value) == 11 and _MAINLAND_MOBILE.fullmatch(value):
        return value, None  # the common case, already clean
    text = unicodedata.normalize("NFKC", clean_text(value))
    if not text or text in PLACEHOLDERS:
        return None, None
    if _SCIENTIFIC.fullmatch(text):
        return _from_scientific(text)
    parts = [p for p in _PHONE_SEPARATORS.split(text) if p.strip()]
    if len(parts) > 1:
        # Several numbers in one cell: the first good one is the person's phone.
        for part in parts:
            phone, _error = normalize_phone(part)
            if phone:
                return phone, None
        return None, msg("没有有效的手机号：{text}", text=text)
    if _FLOAT_TEXT.fullmatch(text):
        text = text.split(".", 1)[0]  # a number that went through a float on its way to text
    compact = _PHONE_DECORATION.sub("", text)
    plus = compact.startswith("+")
    digits = compact.lstrip("+")
    if not digits.isdigit():
        return None, msg("手机号里有不是数字的字符：{text}", text=text)
    return _check_digits(digits, text, plus=plus)


def phone_lost_digits(value) -> bool:
    """A phone Excel wrote in scientific notation with digits gone (`8.6138E+12`): the
    number existed, the file just no longer holds it, so the row is not at fault."""
    if not isinstance(value, str):
        return False
    text = unicodedata.normalize("NFKC", clean_text(value))
    if not _SCIENTIFIC.fullmatch(text):
        return False
    try:
        return _digits_lost(Decimal(text))
    except InvalidOperation:
        return False


def _digits_lost(number: Decimal) -> bool:
    return number.as_tuple().exponent > 0 or number != number.to_integral_value()


def _from_scientific(text: str) -> tuple[str | None, str | None]:
    try:
        number = Decimal(text)
    except InvalidOperation:
        return None, msg("看不懂的号码：{text}", text=text)
    if _digits_lost(number):
        return None, msg(
            "号码 {text} 是 Excel 的科学计数法，后几位已经丢失，无法还原；"
            "请在原表里把这一列设为文本格式后重新导出",
            text=text,
        )
    return _check_digits(str(int(number)), text, plus=False)


def _check_digits(digits: str, shown: str, *, plus: bool) -> tuple[str | None, str | None]:
    if digits.startswith("0086"):
        digits, plus = digits[4:], True
    elif digits.startswith("86") and len(digits) == 13:
        digits, plus = digits[2:], True
    elif plus and digits.startswith("86"):
        digits = digits[2:]
    elif plus:
        # Another country's number, written with its code: kept as written.
        if 7 <= len(digits) <= 15:
            return "+" + digits, None
        return None, msg("号码位数不对：{text}", text=shown)
    if _MAINLAND_MOBILE.fullmatch(digits):
        return digits, None
    if len(digits) != 11:
        return None, msg(
            "手机号应为 11 位，这里是 {count} 位：{text}", count=len(digits), text=shown
        )
    return None, msg("不是有效的手机号（应以 13–19 开头）：{text}", text=shown)


# ----------------------------------------------------------------------------------- dates

_DATE_TEXT = re.compile(
    r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*[日号]?"
    r"(?:[\sT]*(\d{1,2})\s*[:：时点]\s*(\d{1,2})\s*分?"
    r"(?:\s*[:：]?\s*(\d{1,2})(?:\.\d+)?\s*秒?)?)?"
)
_COMPACT_DATE = re.compile(r"(\d{4})(\d{2})(\d{2})")
_ISO_SHAPE = re.compile(r"\d{4}-\d\d-\d\d(?: \d\d:\d\d(?::\d\d)?)?")
_NUMBER = re.compile(r"\d+(?:\.\d+)?")


def normalize_datetime(value, *, unix: bool = False) -> tuple[datetime | None, str | None]:
    """A point in time from a date cell, an Excel serial (45356), Unix seconds or milliseconds
    (`unix=True` for API data, else recognised by size), or text: 2024.3.5, 2024-03-05 09:37,
    2024/3/5, 2026年3月5日 9时37分, 20240305, ISO 8601. Returned naive, in China time."""
    if value is None or value == "":
        return None, None
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(CHINA_TZ).replace(tzinfo=None)
        return _in_range(value, value)
    if isinstance(value, date):
        return _in_range(datetime.combine(value, time()), value)
    if isinstance(value, bool):
        return None, msg("不是日期")
    if isinstance(value, int | float):
        return _from_number(float(value), value, unix=unix)
    if not isinstance(value, str):
        return None, msg("不是日期：{value}", value=value)
    text = clean_text(value)
    if len(text) in (10, 16, 19) and text.isascii() and _ISO_SHAPE.fullmatch(text):
        # Most text dates are 2024-03-05[ 09:37[:00]]: read in C, the same as the regex below.
        try:
            return _in_range(datetime.fromisoformat(text), text)
        except ValueError:
            pass  # 2024-02-30 and the like: the general path words the error
    text = unicodedata.normalize("NFKC", text)
    if not text or text in PLACEHOLDERS:
        return None, None
    match = _DATE_TEXT.fullmatch(text)
    if match:
        year, month, day, hour, minute, second = (int(g) if g else 0 for g in match.groups())
        try:
            return _in_range(datetime(year, month, day, hour, minute, second), text)
        except ValueError:
            return None, msg("不存在的日期：{text}", text=text)
    match = _COMPACT_DATE.fullmatch(text)
    if match:
        try:
            return _in_range(datetime(*(int(g) for g in match.groups())), text)
        except ValueError:
            return None, msg("不存在的日期：{text}", text=text)
    if _NUMBER.fullmatch(text):
        return _from_number(float(text), text, unix=unix)
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None, msg("看不懂的日期：{value}", value=text)
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(CHINA_TZ).replace(tzinfo=None)
    return _in_range(parsed, text)


def normalize_date(value) -> tuple[date | None, str | None]:
    moment, error = normalize_datetime(value)
    return (moment.date() if moment else None), error


def _from_number(number: float, shown, *, unix: bool) -> tuple[datetime | None, str | None]:
    if number != number or number <= 0:
        return None, msg("不是日期：{value}", value=shown)
    if unix or number >= 1e9:
        seconds = number / 1000 if number >= 1e12 else number
        try:
            moment = datetime.fromtimestamp(seconds, CHINA_TZ).replace(tzinfo=None)
        except (OverflowError, OSError, ValueError):
            return None, msg("不是有效的时间戳：{value}", value=shown)
        return _in_range(moment, shown)
    if number < 2_958_466:
        moment = EXCEL_EPOCH + timedelta(days=number)
        # Excel serials count whole seconds; float noise would otherwise add microseconds.
        moment = moment.replace(microsecond=0) + timedelta(seconds=round(moment.microsecond / 1e6))
        return _in_range(moment, shown)
    return None, msg("看不懂的日期：{value}", value=shown)


def _in_range(moment: datetime, shown) -> tuple[datetime | None, str | None]:
    problem = year_problem(moment, shown)
    return (None, problem) if problem else (moment, None)


# -------------------------------------------------------------------------- small vocabularies

# Each vocabulary: the lower-cased words a cell may say → the value they mean.
_GENDER_WORDS = {
    **dict.fromkeys(("男", "男性", "先生", "male", "m", "man", "1"), "m"),
    **dict.fromkeys(("女", "女性", "女士", "female", "f", "woman", "2"), "f"),
    **dict.fromkeys(("未知", "保密", "不详", "未设置", "其他", "unknown", "0", ""), ""),
}
_TEAM_WORDS = {
    **dict.fromkeys(
        ("企业成员", "员工", "内部员工", "企业员工", "内部成员", "成员", "staff", "employee", "1"),
        True,
    ),
    **dict.fromkeys(
        ("外部联系人", "客户", "微信用户", "企业用户", "外部成员", "customer", "2", "群成员"),
        False,
    ),
}


def _from_words(value, words: dict, refusal: Callable[[str], str]) -> tuple:
    """(what `words` says the cell means, None); (None, None) for an empty cell; else
    (None, the refusal of its text)."""
    text = to_text(value)
    if text is None:
        return None, None
    word = text.lower()
    if word in words:
        return words[word], None
    return None, refusal(text)


def normalize_gender(value) -> tuple[str | None, str | None]:
    """m / f / "" (unknown) from 男/女/1/2/未知/male…; None when the cell is empty."""
    return _from_words(value, _GENDER_WORDS, lambda text: msg("看不懂的性别：{text}", text=text))


def normalize_team(value) -> tuple[bool | None, str | None]:
    """True for staff (企业成员), False for customers (外部联系人), None when empty."""
    return _from_words(value, _TEAM_WORDS, lambda text: msg("看不懂的成员类型：{text}", text=text))


_TAG_SEPARATORS = re.compile(r"[，,;；、\s]+")


def split_tags(value) -> list[str]:
    """Tags from one cell (split on ，,;；、 and spaces) or from a list (WeCom tag_id)."""
    if value is None:
        return []
    if isinstance(value, list | tuple):
        result: list[str] = []
        for item in value:
            if isinstance(item, dict):
                item = item.get("tag_name") or item.get("tag_id") or item.get("name")
            for tag in split_tags(item):
                if tag not in result:
                    result.append(tag)
        return result
    text = to_text(value)
    if text is None:
        return []
    result = []
    for tag in _TAG_SEPARATORS.split(text):
        if tag and tag not in PLACEHOLDERS and tag not in result:
            result.append(tag)
    return result


def lossy_equal(new: str, old: str) -> bool:
    """True when `new` is `old` after Excel's GBK save replaced characters it could not write
    (emoji) with `?`: "?花花" is "🌸花花" seen through such a file, not a new nickname."""
    if new == old:
        return True
    if "?" not in new or len(new) != len(old):
        return False
    for a, b in zip(new, old, strict=True):
        if a == b:
            continue
        if a != "?":
            return False
        try:
            b.encode("gbk")
        except UnicodeEncodeError:
            continue
        return False
    return True
