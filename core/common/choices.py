"""Reading a choice back from what a person typed: the key itself or its Chinese label
(`--status 进行中` and `--status running` both work), or a one-line refusal listing the
labels."""

from __future__ import annotations

from core.common.errors import UserError
from core.common.joins import joined_list
from core.common.text import msg


def labelled_choice(text: str | None, labels: dict[str, str], what: str) -> str:
    """The key `text` names, as itself or as its label; `what` names the choice in the refusal."""
    text = (text or "").strip()
    if text in labels:
        return text
    for key, label in labels.items():
        if text == label:
            return key
    raise UserError(
        msg(
            "未知的{what}「{text}」，可选：{choices}",
            what=what,
            text=text[:40],
            choices=joined_list(list(labels.values())),
        )
    )
