"""The dedupe key of an imported message, the same in `activity_events.source_ref` and
`chat_messages.source_ref`: the community, then the exporter's own message id when it keeps
one (chatroom rows, seq, MsgSvrID, msgid), else sender + time + kind + a hash of the text with
the count of identical ones before it in the file. The same export again, or an overlapping
later one, gives the same keys: nothing is added twice.
"""

from __future__ import annotations

import hashlib
from datetime import datetime

PREFIX = "chat:"


class MessageBases:
    """What identifies each of one chat's messages within it, in file order."""

    def __init__(self) -> None:
        self._repeats: dict[str, int] = {}

    def of(
        self,
        source_id: str | None,
        sender_key: str,
        at: datetime,
        kind: str,
        length: int,
        text: str | None,
    ) -> str:
        if source_id:
            return "id|" + source_id
        digest = hashlib.sha1((text or "").encode("utf-8")).hexdigest()
        content = f"{sender_key}|{at.isoformat()}|{kind}|{length}|{digest}"
        count = self._repeats.get(content, 0)
        self._repeats[content] = count + 1
        return f"{content}|{count}"


def message_ref(community_id: int, basis: str) -> str:
    digest = hashlib.blake2b(f"{community_id}|{basis}".encode(), digest_size=16).hexdigest()
    return f"{PREFIX}{community_id}:{digest}"
