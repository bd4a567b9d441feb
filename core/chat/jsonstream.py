"""The items of a big JSON array, one at a time, in bounded memory.

Chat exporters write one JSON array of messages (chatlog: all on one line; PyWxDump: indented),
or an object whose `messages` key holds it (WeFlow). Each item is decoded by the standard
library's C scanner (`JSONDecoder.raw_decode`) from a sliding window of the text, so the file is
never held whole and no extra dependency is needed. A file that ends inside the array (a
truncated export), a syntax error, NaN, a number of thousands of digits or nesting deeper than
any export are refused with the item or line where it happened.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

from core.chat.textfile import TextFile
from core.common.errors import UserError
from core.common.text import msg

_WHITESPACE = " \t\r\n"
_MAX_DEPTH = 64


class _NotANumber(ValueError):
    pass


def _refuse_constant(constant: str):
    raise _NotANumber(constant)


_DECODER = json.JSONDecoder(parse_constant=_refuse_constant)


class JsonArray:
    """Streams `source`'s array: the top-level one, or the one under `key` in the top-level
    object. The other top-level keys are decoded whole into `header` as they are passed."""

    def __init__(self, source: TextFile, key: str | None = None) -> None:
        self.source = source
        self.key = key
        self.header: dict = {}
        self._chunks = source.chunks()
        self._buffer = ""
        self._pos = 0
        self._lines_before = 0  # line breaks in the text already dropped from the buffer
        self._eof = False

    # ------------------------------------------------------------------ buffer

    def _more(self) -> bool:
        if self._eof:
            return False
        chunk = next(self._chunks, None)
        if chunk is None:
            self._eof = True
            return False
        if self._pos > 256 * 1024:
            self._lines_before += self._buffer.count("\n", 0, self._pos)
            self._buffer = self._buffer[self._pos :]
            self._pos = 0
        self._buffer += chunk
        return True

    def _peek(self) -> str:
        """The next character that is not white space ("" at the end of the text)."""
        while True:
            buffer, pos = self._buffer, self._pos
            while pos < len(buffer) and buffer[pos] in _WHITESPACE:
                pos += 1
            self._pos = pos
            if pos < len(buffer):
                return buffer[pos]
            if not self._more():
                return ""

    def _line(self) -> int:
        return self._lines_before + self._buffer.count("\n", 0, self._pos) + 1

    def _value(self, what: str):
        """Decode the value starting at the cursor, reading on until it is complete."""
        limit = self.source.limits.max_json_item_chars
        if self._peek() == "":
            raise self._truncated(what)
        while True:
            try:
                value, end = _DECODER.raw_decode(self._buffer, self._pos)
            except json.JSONDecodeError as error:
                at_end = error.msg.startswith("Unterminated") or error.pos >= len(self._buffer) - 1
                if not at_end:
                    raise UserError(
                        msg(
                            "JSON 文件「{name}」第 {row} 行格式有误（{what}）：{problem}",
                            name=self.source.name,
                            row=self._lines_before + error.lineno,
                            what=what,
                            problem=error.msg,
                        )
                    ) from error
                if len(self._buffer) - self._pos > limit:
                    raise UserError(
                        msg(
                            "JSON 文件「{name}」的{what}超过 {limit} MB，不是聊天记录",
                            name=self.source.name,
                            what=what,
                            limit=limit // 1024 // 1024,
                        )
                    ) from error
                if not self._more():
                    raise self._truncated(what) from error
                continue
            except _NotANumber as error:
                raise UserError(
                    msg(
                        "JSON 文件「{name}」里有 {value}，这不是有效的 JSON 数值",
                        name=self.source.name,
                        value=str(error),
                    )
                ) from error
            except RecursionError as error:
                raise self._too_deep() from error
            except ValueError as error:  # a number of more than 4300 digits
                raise UserError(
                    msg(
                        "JSON 文件「{name}」里有长得不合理的数字，不是聊天记录",
                        name=self.source.name,
                    )
                ) from error
            self._pos = end
            if _deeper_than(value, _MAX_DEPTH):
                raise self._too_deep()
            return value

    def _truncated(self, what: str) -> UserError:
        return UserError(
            msg(
                "JSON 文件「{name}」不完整（在{what}处中断，可能没有导出完或被截断），已拒绝",
                name=self.source.name,
                what=what,
            )
        )

    def _too_deep(self) -> UserError:
        return UserError(
            msg("JSON 文件「{name}」嵌套过深，不是聊天记录，已拒绝", name=self.source.name)
        )

    def _expect(self, chars: str, what: str) -> str:
        char = self._peek()
        if char == "":
            raise self._truncated(what)
        if char not in chars:
            raise UserError(
                msg(
                    "JSON 文件「{name}」第 {row} 行格式有误：在{what}处遇到了「{char}」",
                    name=self.source.name,
                    row=self._line(),
                    what=what,
                    char=char,
                )
            )
        self._pos += 1
        return char

    # ------------------------------------------------------------------ walking

    def items(self) -> Iterator[tuple[int, object]]:
        """(1-based item number, decoded item) for each item of the array."""
        if self.key is None:
            self._expect("[", msg("开头"))
            yield from self._array_items()
            self._expect_end()
            return
        self._expect("{", msg("开头"))
        found = False
        if self._peek() == "}":
            self._pos += 1
        else:
            while True:
                name = self._value(msg("字段名"))
                if not isinstance(name, str):
                    raise self._truncated(msg("字段名"))
                self._expect(":", msg("字段名之后"))
                if name == self.key and self._peek() == "[":
                    self._pos += 1
                    found = True
                    yield from self._array_items()
                else:
                    self.header[name] = self._value(msg("字段「{name}」", name=name))
                if self._expect(",}", msg("字段之间")) == "}":
                    break
        self._expect_end()
        if not found:
            raise UserError(
                msg(
                    "JSON 文件「{name}」里没有「{key}」列表，不是这种聊天记录导出",
                    name=self.source.name,
                    key=self.key,
                )
            )

    def _array_items(self) -> Iterator[tuple[int, object]]:
        number = 0
        if self._peek() == "]":
            self._pos += 1
            return
        while True:
            number += 1
            if self._peek() == "":
                raise self._truncated(msg("第 {n} 条", n=number))
            yield number, self._value(msg("第 {n} 条", n=number))
            if self._expect(",]", msg("第 {n} 条之后", n=number)) == "]":
                return

    def _expect_end(self) -> None:
        if self._peek() != "":
            raise UserError(
                msg(
                    "JSON 文件「{name}」第 {row} 行之后还有多余的内容",
                    name=self.source.name,
                    row=self._line(),
                )
            )


def _deeper_than(data: object, limit: int) -> bool:
    if not isinstance(data, dict | list):
        return False
    stack = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if depth > limit:
            return True
        children = value.values() if isinstance(value, dict) else value
        stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return False
