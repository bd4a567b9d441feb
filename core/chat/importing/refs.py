"""The dedupe key of an imported message, the same in `activity_events.source_ref` and
`chat_messages.source_ref`: the community, then the exporter's own message id when it keeps
one (chatroom rows, seq, MsgSvrID, msgid), else sender + time + kind + a hash of the text with
the count of identical ones before it in the file. The same export again, or an overlapping
later one, gives the same keys: nothing is added twice.
"""

from __future__ import annotations

import hashlib

from core.chat import model as m

PREFIX = "chat:"


class MessageRefs:
    """Keys for one chat's messages, in file order."""

    def __init__(self, community_id: int) -> None:
        self.community_id = community_id
        self._repeats: dict[str, int] = {}

    def of(self, message: m.Message, sender_key: str) -> str:
        if message.source_id:
            basis = f"{self.community_id}|id|{message.source_id}"
        else:
            text = hashlib.sha1((message.text or "").encode("utf-8")).hexdigest()
            content = (
                f"{self.community_id}|{sender_key}|{message.time.isoformat()}|{message.kind}|"
                f"{message.length}|{text}"
            )
            count = self._repeats.get(content, 0)
            self._repeats[content] = count + 1
            basis = f"{content}|{count}"
        digest = hashlib.blake2b(basis.encode("utf-8"), digest_size=16).hexdigest()
        return f"{PREFIX}{self.community_id}:{digest}"
