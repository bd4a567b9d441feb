"""Files the user chose, written whole or not at all.

An export is written under a temporary name beside the target and renamed into place, so a
crash, a full disk or a file held open in Excel never leaves half a file under the chosen name.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Collection
from pathlib import Path

from core.common.errors import UserError
from core.common.text import msg


def check_export_path(path: Path, suffixes: Collection[str], wrong_type: str) -> Path:
    """The file an export will write, refused before any work is done: `wrong_type` when its
    ending is not one of `suffixes` (".xlsx"), or its folder does not exist."""
    path = Path(path)
    if path.suffix.lower() not in suffixes:
        raise UserError(wrong_type)
    if not path.parent.is_dir():
        raise UserError(msg("文件夹不存在：{folder}", folder=str(path.parent)))
    return path


def write_atomically(path: Path, write: Callable[[Path], None]) -> None:
    """Call `write(partial)` to write the file under a temporary name, then rename it to `path`."""
    partial = path.with_name(f".{path.name}.partial")
    try:
        write(partial)
        os.replace(partial, path)
    except PermissionError as error:
        partial.unlink(missing_ok=True)
        raise UserError(
            msg(
                "无法写入 {file}：文件可能正在别的程序（如 Excel）中打开，请关闭后重试",
                file=path.name,
            )
        ) from error
    except OSError as error:
        partial.unlink(missing_ok=True)
        raise UserError(
            msg("无法写入 {file}：{error}", file=path.name, error=str(error.strerror))
        ) from error
