"""One stream out of an OLE compound file (the container of a legacy .xls), read without
trusting the file: every sector number is checked and every chain is bounded, so a damaged or
hostile container raises `CfbError` instead of looping or reading past the end.

Only what the workbook checks need: no writing, no property sets, no ranges of streams.
"""

from __future__ import annotations

import mmap
import struct
from array import array
from pathlib import Path

_FREE, _END, _FAT, _DIFAT = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFC
_STREAM, _ROOT = 2, 5


class CfbError(Exception):
    """The compound file's structure is damaged (or made to mislead a reader)."""


def read_stream(path: Path, names: tuple[str, ...], max_bytes: int) -> bytes | None:
    """The first stream called one of `names` (case-insensitive), or None when there is none."""
    with path.open("rb") as handle, mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as data:
        return _Container(data).stream(names, max_bytes)


class _Container:
    def __init__(self, data) -> None:
        if len(data) < 512:
            raise CfbError("header")
        self.data = data
        (self.major,) = struct.unpack_from("<H", data, 26)
        shift, mini_shift = struct.unpack_from("<HH", data, 30)
        if shift not in (9, 12) or mini_shift != 6:
            raise CfbError("sector size")
        self.sector = 1 << shift
        self.mini_sector = 1 << mini_shift
        fields = struct.unpack_from("<IIIIIIII", data, 44)
        fat_count, self.dir_start, _, self.mini_cutoff = fields[0], fields[1], fields[2], fields[3]
        self.minifat_start, minifat_count, difat_start, difat_count = fields[4:8]
        self.sectors = (len(data) - self.sector) // self.sector  # whole sectors after the header
        self.fat = self._fat(fat_count, difat_start, difat_count)
        self.minifat_count = minifat_count

    def _sector(self, sid: int) -> bytes:
        if sid >= self.sectors:
            raise CfbError("sector out of range")
        start = (sid + 1) * self.sector
        return self.data[start : start + self.sector]

    def _fat(self, fat_count: int, difat_start: int, difat_count: int) -> array:
        per_sector = self.sector // 4
        if fat_count > self.sectors:
            raise CfbError("FAT size")
        ids = [sid for sid in struct.unpack_from("<109I", self.data, 76) if sid < _DIFAT]
        sid, seen = difat_start, 0
        while sid not in (_END, _FREE) and len(ids) < fat_count:
            seen += 1
            if seen > difat_count + 1 or seen > self.sectors:
                raise CfbError("DIFAT chain")
            entries = array("I")
            entries.frombytes(self._sector(sid))
            ids.extend(s for s in entries[: per_sector - 1] if s < _DIFAT)
            sid = entries[per_sector - 1]
        fat = array("I")
        for sid in ids[:fat_count]:
            fat.frombytes(self._sector(sid))
        return fat

    def _chain(self, start: int, table: array, count: int) -> list[int]:
        """At most `count` sector numbers of the chain from `start` (a loop cannot run on)."""
        chain: list[int] = []
        seen: set[int] = set()
        sid = start
        while sid != _END and len(chain) < count:
            if sid >= len(table) or sid in seen:
                raise CfbError("chain")
            chain.append(sid)
            seen.add(sid)
            sid = table[sid]
        return chain

    def _read(self, start: int, size: int, max_bytes: int) -> bytes:
        if size > max_bytes:
            raise CfbError("stream too large")
        needed = -(-size // self.sector)
        parts = [self._sector(sid) for sid in self._chain(start, self.fat, needed)]
        data = b"".join(parts)
        if len(data) < size:
            raise CfbError("stream shorter than its size")
        return data[:size]

    def stream(self, names: tuple[str, ...], max_bytes: int) -> bytes | None:
        wanted = {name.lower() for name in names}
        sids = self._chain(self.dir_start, self.fat, self.sectors)
        directory = b"".join(self._sector(sid) for sid in sids)
        root = None
        for offset in range(0, len(directory) - 127, 128):
            entry = directory[offset : offset + 128]
            length, kind = struct.unpack_from("<HB", entry, 64)
            start, size = struct.unpack_from("<IQ", entry, 116)
            if self.major == 3:
                size &= 0xFFFFFFFF  # version 3 leaves the high half undefined
            if kind == _ROOT and root is None:
                root = (start, size)
                continue
            if kind != _STREAM or not 2 <= length <= 64:
                continue
            name = entry[: length - 2].decode("utf-16-le", errors="replace")
            if name.lower() not in wanted:
                continue
            if size < self.mini_cutoff:
                if root is None:
                    raise CfbError("no root entry")
                return self._read_mini(start, size, root, max_bytes)
            return self._read(start, size, max_bytes)
        return None

    def _read_mini(self, start: int, size: int, root: tuple[int, int], max_bytes: int) -> bytes:
        container = self._read(root[0], root[1], max_bytes)
        minifat = array("I")
        for sid in self._chain(self.minifat_start, self.fat, self.minifat_count or self.sectors):
            minifat.frombytes(self._sector(sid))
        needed = -(-size // self.mini_sector)
        parts = []
        for sid in self._chain(start, minifat, needed):
            offset = sid * self.mini_sector
            if offset + self.mini_sector > len(container):
                raise CfbError("mini sector out of range")
            parts.append(container[offset : offset + self.mini_sector])
        data = b"".join(parts)
        if len(data) < size:
            raise CfbError("stream shorter than its size")
        return data[:size]
