"""Files for the 素材库 tests: real pictures, hostile ones, and plain files."""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

from PIL import Image


def picture(path: Path, colour: str = "red", size: tuple[int, int] = (40, 30)) -> Path:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, "PNG")
    path.write_bytes(buffer.getvalue())
    return path


def bomb(path: Path, side: int = 100_000) -> Path:
    """A PNG whose header claims side × side pixels and holds none."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", side, side, 8, 2, 0, 0, 0)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IEND", b""))
    return path


def not_a_picture(path: Path) -> Path:
    path.write_bytes(b"%PDF-1.4 this is a document renamed to .png\n" * 20)
    return path


def huge(path: Path, size: int) -> Path:
    """A sparse file of `size` bytes: huge to the program, nothing on the disk."""
    with path.open("wb") as stream:
        stream.truncate(size)
    return path
