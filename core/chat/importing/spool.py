"""What the preview read of each message, kept in a temporary file for the write: the export
is parsed once, and memory stays flat for any size (pickled chunks of plain tuples, read
back by the same process that wrote them)."""

from __future__ import annotations

import pickle
import tempfile
from collections.abc import Iterator

CHUNK = 20_000


class Spool:
    def __init__(self) -> None:
        # Removed when closed or collected; lives as long as the plan, so no `with`.
        self._file = tempfile.TemporaryFile(prefix="shequn-chat-")  # noqa: SIM115
        self._chunk: list[tuple] = []
        self.count = 0
        self._chunks = 0

    def add(self, row: tuple) -> None:
        self._chunk.append(row)
        if len(self._chunk) >= CHUNK:
            self._flush()

    def _flush(self) -> None:
        if self._chunk:
            pickle.dump(self._chunk, self._file, protocol=pickle.HIGHEST_PROTOCOL)
            self.count += len(self._chunk)
            self._chunks += 1
            self._chunk = []

    def finish(self) -> None:
        self._flush()

    def chunks(self) -> Iterator[list[tuple]]:
        """The rows in the order they were added, a chunk at a time."""
        self._file.seek(0)
        for _ in range(self._chunks):
            yield pickle.load(self._file)  # our own temporary file, written above

    def close(self) -> None:
        self._file.close()
