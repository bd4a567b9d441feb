"""Parse a pasted WeChat 接龙 (chain sign-up) message into check-in entries.

Operators copy the final 接龙 message from the group and paste it here; the result is the list of
people who signed, in order, with their numbers and what they wrote after their names. Matching
the names to members is the caller's job (core.members.name_match, which the activity import
shares): every entry carries `match_keys` (and `pinyin_keys`) built the same way that matcher
builds them for a member's nickname or group nickname.

    parse = parse_jielong(text, today=date(2026, 3, 7))
    parse.title, parse.date, parse.entries, parse.duplicates, parse.ignored_lines

What the parser understands, from real pastes:
- numbering `1.` `1、` `1,` `1 ` `1)` `(1)` `【1】` `01.` `①` `⑴` `⒈` `❶` `1️⃣` `#1`,
  full-width digits and punctuation, or no numbering at all;
- `#接龙` / `接龙` header lines, title and description lines, `例`/`例子`/`格式` example lines;
- the same 接龙 pasted twice (the second copy usually longer): copies are merged, each name
  counted once;
- text after the name (`已打卡`, `打卡`, `+1`, `✅`, `到`, `完成`, `第12天`, a comment) goes
  to `note`;
- lines with only a number (someone deleted their name), blank lines, CRLF/CR/LF mixed, zero-width
  characters, bidi marks and NBSP.

`name` keeps the characters the person wrote (full-width letters, `（健身）`, emoji), minus
invisible characters, because that is what the operator sees in WeChat and may save as a
nickname; all normalisation (NFKC, case, brackets, emoji) lives in the match keys.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta

from core.common.errors import UserError
from core.common.text import msg
from core.members.name_match import INVISIBLE, match_key, match_keys_of, strip_brackets
from core.members.search_keys import member_search_keys

MAX_BYTES = 1024 * 1024
MAX_LINES = 5000
# WeChat nicknames and group nicknames are short; a longer "name" is a sentence or junk.
MAX_NAME_CHARS = 32

# Reason codes of ignored lines, with the text the UI shows for each.
IGNORED_REASONS = {
    "header": msg("接龙标记行"),
    "title": msg("标题"),
    "description": msg("说明文字"),
    "example": msg("示例行（例/格式），不是报名的人"),
    "number_only": msg("只有序号，没有名字（可能删掉了自己的名字）"),
    "no_name": msg("这一行没有名字，只有打卡内容"),
    "too_long": msg("名字超过 {limit} 个字，不像昵称", limit=MAX_NAME_CHARS),
    "after_list": msg("名单之后的文字"),
    "duplicate": msg("同一个名字又写了一次，只算一次"),
}

_NO_ENTRIES_HINT = msg(
    "请在微信里长按整条接龙消息 → 复制，再粘贴到这里；名单行应形如「1. 张三 已打卡」。"
)


@dataclass(frozen=True)
class IgnoredLine:
    """A non-blank line that did not become an entry, and why (so the user can check it)."""

    line_no: int  # 1-based, in the pasted text
    text: str
    kind: str  # a key of IGNORED_REASONS

    @property
    def reason(self) -> str:
        return IGNORED_REASONS[self.kind]


@dataclass(frozen=True)
class JielongEntry:
    """One person in the 接龙: their number as written, their name, and the rest of the line."""

    number: int | None
    name: str
    note: str
    line: str  # the line it came from, invisible characters removed

    @functools.cached_property
    def match_keys(self) -> tuple[str, ...]:
        """Keys to look the name up by, most specific first (see `match_keys_of`)."""
        return match_keys_of(self.name)

    @functools.cached_property
    def pinyin_keys(self) -> tuple[str, str]:
        """(pinyin, initials) of the name without brackets, as the members table stores them."""

        keys = member_search_keys(strip_brackets(self.name).strip() or self.name)
        return keys.pinyin, keys.initials


@dataclass(frozen=True)
class JielongParse:
    """What one paste contained."""

    title: str | None
    date: date | None
    entries: tuple[JielongEntry, ...]
    duplicates: tuple[str, ...]  # names written more than once inside one copy of the 接龙
    ignored_lines: tuple[IgnoredLine, ...]
    copies: int = 1  # how many copies of the 接龙 the paste held (merged into `entries`)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(entry.name for entry in self.entries)


# ---------------------------------------------------------------------------------------------
# Cleaning


# Format characters (name_match.INVISIBLE); a zero-width joiner inside an emoji sequence (👩‍💻)
# is kept.
_INVISIBLE = INVISIBLE
_EMOJI = "\u2600-\u27bf\ufe0f\U0001f000-\U0001faff"
_UNWANTED = re.compile(
    f"(?P<emoji_zwj>(?<=[{_EMOJI}])\u200d(?=[{_EMOJI}]))|{_INVISIBLE.pattern}"
    "|[\x00-\x08\x0a-\x1f\x7f-\x9f]"  # control characters
)
_ODD_SPACE = re.compile("[\t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]")
_BINARY = re.compile("[\x00-\x08\x0e-\x1b\x7f\ufffd]")

# Same-length mapping used only to recognise structure (numbers, separators, dates): full-width
# ASCII to half-width, ideographic full stops to `.`. Names are sliced from the unmapped line.
_HALF_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}
_HALF_WIDTH.update({0x3002: ".", 0xFE52: ".", 0xFF61: "."})


def _clean_line(line: str) -> str:
    line = _UNWANTED.sub(lambda found: found["emoji_zwj"] or "", line)
    return _ODD_SPACE.sub(" ", line).strip()


def _check_size_and_kind(text: str) -> None:
    if len(text) > MAX_BYTES or len(text.encode("utf-8", "surrogatepass")) > MAX_BYTES:
        raise UserError(
            msg(
                "粘贴的内容太长（超过 {size} MB），不像一条接龙消息。请只复制接龙那一条消息。",
                size=MAX_BYTES // (1024 * 1024),
            )
        )
    bad = len(_BINARY.findall(text))
    if "\x00" in text or bad > max(3, len(text) // 50):
        raise UserError(msg("粘贴的内容不是文字（像是图片或文件的内容），请复制接龙消息的文字。"))


# ---------------------------------------------------------------------------------------------
# Line classification


_HEADER = re.compile(
    r"^(?:#\s*接龙|【接龙】|\[接龙\]|接龙)(?=$|[\s:,.!\-—])[\s:,.!\-—]*(?P<rest>.*)$"
)
_EXAMPLE = re.compile(
    r"^(?:例子|例如|举例|示例|范例|样例|格式|模板|参考格式|填写格式|例(?=$|[\s:,.\-—]))"
)
# `2026 年会`, `8 点集合`: a number and its unit, not a numbered line (only for `1 张三` style).
_NOT_A_UNIT = r"(?!\s*[年月日号点时分秒天人个位块斤%℃])"
_NUMBERING = re.compile(
    r"^(?:"
    r"[(\[【〔]\s*(?P<bracketed>\d{1,4})\s*[)\]】〕][.、]?"
    r"|(?P<punct>\d{1,4})(?:\s*[.、,)\]】:](?!\d)|\ufe0f?\u20e3)|"
    r"(?P<circled>[\u2460-\u249b\u24ea-\u24ff\u2776-\u2793\u3251-\u325f\u32b1-\u32bf])"
    r"|(?:#|No\.?\s*)(?P<tagged>\d{1,4})(?!\d)"
    r"|(?P<spaced>\d{1,4})(?=\s)" + _NOT_A_UNIT + r")\s*"
)
_NUMBER_ONLY = re.compile(r"^(?P<n>\d{1,4})\s*$")


@dataclass(frozen=True)
class _Line:
    line_no: int
    text: str  # cleaned
    kind: str  # blank, header, example, numbered, text
    number: int | None = None
    body: str = ""  # for numbered lines: the text after the number (cleaned, unmapped)
    rest: str = ""  # for header lines: a title on the same line


def _classify(line_no: int, text: str) -> _Line:
    if not text:
        return _Line(line_no, text, "blank")
    mapped = text.translate(_HALF_WIDTH)
    if header := _HEADER.match(mapped):
        rest = text[header.start("rest") :].strip()
        return _Line(line_no, text, "header", rest=rest)
    if _EXAMPLE.match(mapped):
        return _Line(line_no, text, "example")
    if only := _NUMBER_ONLY.match(mapped):
        return _Line(line_no, text, "numbered", number=int(only["n"]))
    if numbering := _NUMBERING.match(mapped):
        digits = next(
            numbering[group]
            for group in ("bracketed", "punct", "circled", "tagged", "spaced")
            if numbering[group]
        )
        number = int(digits) if digits.isdecimal() else int(unicodedata.numeric(digits))
        return _Line(line_no, text, "numbered", number=number, body=text[numbering.end() :])
    return _Line(line_no, text, "text")


# ---------------------------------------------------------------------------------------------
# Name and note


# Status words written after a name, separated from it by a space or punctuation.
_STATUS_WORD = re.compile(
    r"^(?:已?打卡\S*|已?完成\S*|已?签到\S*|已到|到了?|已?报名\S*|已?参加\S*|已?提交\S*|已交|已读"
    r"|\+\d*|ok|done|yes|day\s*\d*|d\d+|第\s*\d+\s*天\S*|[✅☑✔✓√👌👍💪🙋✋]\ufe0f?)$",
    re.IGNORECASE,
)
# Status written straight after the name: `张三已打卡`, `老王（健身）已完成`, `张三+1`.
_GLUED_STATUS = re.compile(
    r"(?:已?打卡(?:成功|完成|啦|了)?|已完成|完成了?|完成啦|已签到|签到|已到|已报名|报名|已交"
    r"|\+\d+|第\s*\d+\s*天|[✅☑✔✓√]\ufe0f?|[(（]\s*(?:已?打卡|已?完成|已?签到|已到|到)\s*[)）])$"
)
_GLUED_ARRIVED = re.compile(r"到$")  # `张三到`; only when two or more characters remain
_LEADING_CHECK = re.compile(r"^(?:[✅☑✔✓√]\ufe0f?\s*)+")
_TOKEN = re.compile(r"[^\s,，:：;；|]+")
_LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z'.\-]*")
_EDGE_PUNCT = "-—–_~～·•*#>@.。,，、:：;；!！?？|/\\\"'“”‘’「」『』 "
_OPENERS = "([【〔《<（［"


def _split_name(body: str) -> tuple[str, str]:
    """(name, note) of the text after the number; the name is a slice of `body`."""
    body = body.lstrip(_EDGE_PUNCT)  # `- 张三`, `· 李四`: list bullets
    checks = _LEADING_CHECK.match(body)
    lead_note = checks.group().strip() if checks else ""
    body = body[checks.end() :] if checks else body
    mapped = body.translate(_HALF_WIDTH)
    tokens = list(_TOKEN.finditer(mapped))
    if not tokens:
        return "", lead_note
    last = 0
    # `Amy Chen 已打卡`: a name of Latin words keeps its spaces; a hanzi name ends at the first
    # space, and `老王 （健身）` keeps a bracketed suffix.
    latin = bool(_LATIN_WORD.fullmatch(tokens[0].group()))
    for index in range(1, len(tokens)):
        between = mapped[tokens[index - 1].end() : tokens[index].start()]
        word = tokens[index].group()
        latin = latin and bool(_LATIN_WORD.fullmatch(word))
        bracket = word[0] in _OPENERS and len(word) <= 12
        too_long = tokens[index].end() - tokens[0].start() > MAX_NAME_CHARS
        if between.strip() or too_long or _STATUS_WORD.match(word) or not (latin or bracket):
            break
        last = index
    name = body[tokens[0].start() : tokens[last].end()]
    note = body[tokens[last].end() :].strip(" ,，:：;；|")
    if _STATUS_WORD.match(mapped[tokens[0].start() : tokens[0].end()]):
        # The line starts with a status word: nobody's name is there.
        return "", " ".join(part for part in (lead_note, body.strip()) if part)
    for _ in range(3 if len(name) <= 4 * MAX_NAME_CHARS else 0):
        stripped = _strip_edges(name)
        glued = _GLUED_STATUS.search(stripped.translate(_HALF_WIDTH))
        if glued is None and len(stripped) > 2:
            glued = _GLUED_ARRIVED.search(stripped)
        if glued is None or not _strip_edges(stripped[: glued.start()]):
            break
        name = stripped[: glued.start()]
        note = f"{stripped[glued.start() :]} {note}".strip()
    note = " ".join(part for part in (lead_note, note) if part)
    return _strip_edges(name), note


def _strip_edges(name: str) -> str:
    """Punctuation around a name (`-张三-`, `@Lily`, `“老王”`) is not part of it."""
    name = name.strip(_EDGE_PUNCT)
    return name


# ---------------------------------------------------------------------------------------------
# Dates in the title


_FULL_DATE = re.compile(
    r"(?<!\d)(?P<y>(?:19|20)\d\d)\s*[-/.年]\s*(?P<m>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})(?!\d)"
)
_MONTH_DAY = re.compile(r"(?<!\d)(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})(?!\d)")
_UNITS = r"(?!\s*(?:公里|千米|km|米|m\b|小时|h\b|元|块|斤|kg|万|%|折|倍|分|页|章|个))"
_DOTTED = re.compile(r"(?<![\d.])(?P<m>\d{1,2})[./](?P<d>\d{1,2})(?![\d.])" + _UNITS)
_WEEKDAY = re.compile(r"(?:周|星期|礼拜)(?P<w>[一二三四五六日天1-7])")
_WEEKDAYS = (
    {c: i for i, c in enumerate("一二三四五六日")} | {"天": 6} | {str(i + 1): i for i in range(7)}
)


def _past_date(month: int, day: int, today: date) -> date | None:
    """The most recent month/day on or before today (2月29日 looks back to a leap year)."""
    for year in range(today.year, today.year - 8, -1):
        try:
            candidate = date(year, month, day)
        except ValueError:
            if not (1 <= month <= 12 and 1 <= day <= 31):
                return None
            continue
        if candidate <= today:
            return candidate
    return None


def parse_title_date(title: str, today: date) -> date | None:
    """The date a title names: `2026-03-05`, `3月5日`, `3.5`, `3/5`, `周三`, `今天`, `昨天`."""
    mapped = title.translate(_HALF_WIDTH)
    if found := _FULL_DATE.search(mapped):
        try:
            return date(int(found["y"]), int(found["m"]), int(found["d"]))
        except ValueError:
            return None
    for pattern in (_MONTH_DAY, _DOTTED):
        if found := pattern.search(mapped):
            return _past_date(int(found["m"]), int(found["d"]), today)
    if "昨天" in mapped:
        return today - timedelta(days=1)
    if "今天" in mapped or "今日" in mapped:
        return today
    if found := _WEEKDAY.search(mapped):
        return today - timedelta(days=(today.weekday() - _WEEKDAYS[found["w"]]) % 7)
    return None


# ---------------------------------------------------------------------------------------------
# The whole paste


def _copies(lines: list[_Line]) -> list[list[_Line]]:
    """Split a paste into copies of the 接龙: a new copy starts at a header or at number 1
    once numbered lines have been seen (the 接龙 pasted twice)."""
    copies: list[list[_Line]] = [[]]
    numbered_seen = False
    for line in lines:
        restart = line.kind == "header" or (line.kind == "numbered" and (line.number or 0) <= 1)
        if restart and numbered_seen:
            copies.append([])
            numbered_seen = False
        numbered_seen = numbered_seen or line.kind == "numbered"
        copies[-1].append(line)
    return [copy for copy in copies if any(line.kind != "blank" for line in copy)]


@dataclass
class _Copy:
    title: str | None
    entries: list[tuple[_Line, int | None]]  # lines that hold a person, with their number
    ignored: list[IgnoredLine]


def _read_copy(copy: list[_Line], today: date) -> _Copy:
    ignored: list[IgnoredLine] = []
    title: str | None = None
    for line in copy:
        if line.kind == "header":
            ignored.append(IgnoredLine(line.line_no, line.text, "header"))
            title = title or line.rest or None
        elif line.kind == "example":
            ignored.append(IgnoredLine(line.line_no, line.text, "example"))
    numbered = [i for i, line in enumerate(copy) if line.kind == "numbered"]
    texts = [i for i, line in enumerate(copy) if line.kind == "text"]
    if numbered:
        first, last = numbered[0], numbered[-1]
        people = numbered + [i for i in texts if first < i < last]
        preamble = [i for i in texts if i < first]
        after = [i for i in texts if i > last]
    else:
        has_header = any(line.kind == "header" for line in copy)
        # `#接龙 早起打卡` already gave the title: the names start on the next line.
        preamble = (
            [] if title else _unnumbered_preamble(copy, texts, has_header=has_header, today=today)
        )
        people = [i for i in texts if i not in preamble]
        after = []
    for position, i in enumerate(preamble):
        line = copy[i]
        if title is None and position == 0:
            title = line.text
            ignored.append(IgnoredLine(line.line_no, line.text, "title"))
        else:
            ignored.append(IgnoredLine(line.line_no, line.text, "description"))
    ignored.extend(IgnoredLine(copy[i].line_no, copy[i].text, "after_list") for i in after)
    entries = [(copy[i], copy[i].number) for i in sorted(people)]
    return _Copy(title, entries, ignored)


def _unnumbered_preamble(
    copy: list[_Line], texts: list[int], *, has_header: bool, today: date
) -> list[int]:
    """Which text lines of an unnumbered 接龙 are its title and description.

    The first line is a title when a 接龙 header precedes it, when it names a date, or when a
    blank line separates it from the names; a whole first paragraph is preamble when another
    paragraph follows it. A first line that reads like `张三 已打卡` stays a name.
    """
    if not texts:
        return []
    first = texts[0]
    paragraph = [first]
    for i in range(first + 1, len(copy)):
        if copy[i].kind == "blank":
            break
        if copy[i].kind == "text":
            paragraph.append(i)
    more_after = any(i > paragraph[-1] for i in texts)
    line = copy[first].text
    dated = parse_title_date(line, today) is not None
    name, note = _split_name(line)
    looks_like_person = bool(name) and bool(note) and bool(_STATUS_WORD.match(note.split()[0]))
    if not (has_header or dated or more_after) or (looks_like_person and not dated):
        return []
    return paragraph if more_after else [first]


def parse_jielong(text: str, *, today: date | None = None) -> JielongParse:
    """The people in a pasted 接龙, in order, with the title and the date it names.

    `today` anchors dates written without a year (`3月5日` is the latest 3月5日 not after today).
    Raises UserError for a paste that is too large, is not text, or holds no names.
    """
    today = today or date.today()
    _check_size_and_kind(text)
    raw_lines = text.splitlines()
    if len(raw_lines) > MAX_LINES:
        raise UserError(
            msg(
                "粘贴的内容有 {lines} 行，超过 {limit} 行，不像一条接龙消息。"
                "请只复制接龙那一条消息。",
                lines=len(raw_lines),
                limit=MAX_LINES,
            )
        )
    lines = [_classify(number, _clean_line(raw)) for number, raw in enumerate(raw_lines, 1)]
    if all(line.kind == "blank" for line in lines):
        raise UserError(msg("没有找到接龙名单：粘贴的内容是空的。{hint}", hint=_NO_ENTRIES_HINT))

    copies = [_read_copy(copy, today) for copy in _copies(lines)]
    title = next((copy.title for copy in copies if copy.title), None)
    entries: list[JielongEntry] = []
    duplicates: dict[str, str] = {}
    ignored: list[IgnoredLine] = []
    seen: set[str] = set()
    for copy in copies:
        ignored.extend(copy.ignored)
        seen_in_copy: set[str] = set()
        for line, number in copy.entries:
            body = line.body if line.kind == "numbered" else line.text
            name, note = _split_name(body)
            if not name:
                kind = "no_name" if note else "number_only"
                ignored.append(IgnoredLine(line.line_no, line.text, kind))
                continue
            if len(name) > MAX_NAME_CHARS:
                ignored.append(IgnoredLine(line.line_no, line.text, "too_long"))
                continue
            key = match_key(name) or name
            if key in seen_in_copy:
                duplicates.setdefault(key, name)
                ignored.append(IgnoredLine(line.line_no, line.text, "duplicate"))
                continue
            seen_in_copy.add(key)
            if key not in seen:
                seen.add(key)
                entries.append(JielongEntry(number, name, note, line.text))
    if not entries:
        raise UserError(
            msg("没有找到接龙名单：这段文字里没有报名的名字。{hint}", hint=_NO_ENTRIES_HINT)
        )
    return JielongParse(
        title=title,
        date=parse_title_date(title, today) if title else None,
        entries=tuple(entries),
        duplicates=tuple(duplicates.values()),
        ignored_lines=tuple(sorted(ignored, key=lambda item: item.line_no)),
        copies=len(copies),
    )
