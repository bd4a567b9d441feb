"""Minimal but valid OLE compound files (the container of .xls and of encrypted .xlsx)."""

from __future__ import annotations

import struct

ENDOFCHAIN, FREESECT, FATSECT, NOSTREAM = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD, 0xFFFFFFFF


def _entry(name, kind, start, size, child=NOSTREAM, right=NOSTREAM):
    encoded = (name + "\0").encode("utf-16-le") if name else b""
    entry = encoded.ljust(64, b"\0") + struct.pack("<HBB", len(encoded), kind, 1)
    entry += struct.pack("<III", NOSTREAM, right, child) + b"\0" * 16 + b"\0" * 4 + b"\0" * 16
    entry += struct.pack("<IQ", start, size)
    assert len(entry) == 128
    return entry


def ole_file(streams):
    """A minimal valid OLE compound file (v3, 512-byte sectors) holding `streams` (name → bytes,
    each at least 4096 bytes so no mini stream is needed)."""
    sectors, fat = [], [FATSECT, ENDOFCHAIN]
    entries = [None]
    next_sector = 2
    for index, (name, data) in enumerate(streams.items()):
        count = -(-len(data) // 512)
        fat += [next_sector + i + 1 for i in range(count - 1)] + [ENDOFCHAIN]
        right = index + 2 if index + 1 < len(streams) else NOSTREAM
        entries.append(_entry(name, 2, next_sector, len(data), right=right))
        sectors.append(data.ljust(count * 512, b"\0"))
        next_sector += count
    entries[0] = _entry("Root Entry", 5, ENDOFCHAIN, 0, child=1)
    directory = b"".join(entries).ljust(512, b"\0")
    fat_sector = struct.pack(f"<{len(fat)}I", *fat).ljust(512, b"\xff")
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 16
    header += struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6) + b"\0" * 6
    header += struct.pack("<IIIIIIIII", 0, 1, 1, 0, 4096, ENDOFCHAIN, 0, ENDOFCHAIN, 0)
    header += struct.pack("<109I", 0, *([FREESECT] * 108))
    assert len(header) == 512
    return header + fat_sector + directory + b"".join(sectors)


def ole_file_with_small_stream(name: str, data: bytes) -> bytes:
    """An OLE compound file whose one stream is under 4096 bytes, so it lives in the mini
    stream (64-byte mini sectors inside the root entry's data), as small .xls files do."""
    assert len(data) < 4096
    mini_count = -(-len(data) // 64)
    container = data.ljust(mini_count * 64, b"\0")
    container_sectors = -(-len(container) // 512)
    first = 3  # sector 0: FAT, 1: directory, 2: mini FAT, then the mini stream's container
    fat = [FATSECT, ENDOFCHAIN, ENDOFCHAIN]
    fat += [first + i + 1 for i in range(container_sectors - 1)] + [ENDOFCHAIN]
    minifat = [i + 1 for i in range(mini_count - 1)] + [ENDOFCHAIN]
    entries = [
        _entry("Root Entry", 5, first, len(container), child=1),
        _entry(name, 2, 0, len(data)),
    ]
    directory = b"".join(entries).ljust(512, b"\0")
    fat_sector = struct.pack(f"<{len(fat)}I", *fat).ljust(512, b"\xff")
    minifat_sector = struct.pack(f"<{len(minifat)}I", *minifat).ljust(512, b"\xff")
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 16
    header += struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6) + b"\0" * 6
    header += struct.pack("<IIIIIIIII", 0, 1, 1, 0, 4096, 2, 1, ENDOFCHAIN, 0)
    header += struct.pack("<109I", 0, *([FREESECT] * 108))
    assert len(header) == 512
    body = container.ljust(container_sectors * 512, b"\0")
    return header + fat_sector + directory + minifat_sector + body
