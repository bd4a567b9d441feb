"""Messages written in core, in Chinese, that the interface can show in English.

core never imports Qt, so it cannot translate. It writes each message that a person may read in
the window as `msg("模板 {name}", name=value)`: the result is the Chinese text itself (a str,
so the CLI, logs, tests and comparisons use it as before) that also remembers its template and
values. The interface translates the template (Qt context "core") and fills the values in
(`ui.common.i18n.shown`). `scripts/i18n.py` finds every `msg("…")` template in core/ and hands it
to Qt's lupdate, so core messages live in the same .ts file as the interface's own strings.

Templates use str.format: `{name}`, `{count:,}`; a literal brace is written `{{` `}}`.
Joining a Message with + gives a plain str and loses the template: pass the parts as values.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterable
from functools import cache
from typing import Any

CONTEXT = "core"  # the Qt translation context of every core message


class Message(str):
    """The Chinese text of a message, plus the template and values it was made from."""

    template: str
    values: dict[str, Any]

    def __new__(cls, template: str, values: dict[str, Any]) -> Message:
        self = super().__new__(cls, template.format(**values) if values else template)
        self.template = template
        self.values = values
        return self

    def __reduce__(self):
        # Worker processes send messages back to the window: keep them translatable.
        return (Message, (self.template, self.values))


def msg(template: str, /, **values: Any) -> Message:
    """A message for people: Chinese now, translatable later. `template` must be a literal
    string at the call, so scripts/i18n.py can find it."""
    return Message(template, values)


def translated(text: str, translate) -> str:
    """`text` in another language: `translate(template)` gives the template's translation (or the
    template itself when there is none). Values that are messages are translated too. A
    translation that does not fit its values falls back to the Chinese, never to an error."""
    if not isinstance(text, Message):
        return text
    template = translate(text.template) or text.template
    if not text.values:
        return template
    values = {
        name: translated(value, translate) if isinstance(value, Message) else value
        for name, value in text.values.items()
    }
    try:
        return template.format(**values)
    except (KeyError, IndexError, ValueError):
        return str(text)


def recognise(text: str, templates: Iterable[Message]) -> Message | None:
    """The message `text` was made from, when it reads as one of `templates` (msg() calls with
    no values): for text stored long ago as plain Chinese, such as a ledger reason or a
    numbered poster layer name. A field named {n} takes digits, any other at least one
    character; the first template that fits wins. None when none fits."""
    for template in templates:
        found = _pattern(template.template).fullmatch(text)
        if found is not None:
            return Message(template.template, found.groupdict())
    return None


@cache
def _pattern(template: str) -> re.Pattern[str]:
    parts = []
    for literal, field, _spec, _conversion in string.Formatter().parse(template):
        parts.append(re.escape(literal))
        if field is not None:
            parts.append(f"(?P<{field}>[0-9]+)" if field == "n" else f"(?P<{field}>.+?)")
    return re.compile("".join(parts), re.DOTALL)
