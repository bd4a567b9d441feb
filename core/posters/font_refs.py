"""How a text layer names its font (`font_path`), checked without touching any file.

A template comes from anywhere, so its font may never be a path: a path could name
`/etc/shadow`, a device that never ends (`/dev/zero`), a FIFO that blocks the render forever,
or a share on someone else's server (`\\\\host\\share\\x.ttf`, which Windows would contact).
A text layer names one of:

- nothing (""): the bundled Noto Sans CJK SC, which always has the hanzi;
- a font file inside the template's package, by its plain file name (`标题.ttf`);
- a font installed on this machine, by the name the designer lists (`Microsoft YaHei`,
  `Arial Bold`), looked up among the fonts found in the system's font folders.

core.posters.fonts turns these names into fonts; this module only says which kind a name is.
"""

from __future__ import annotations

import unicodedata

from core.common.errors import UserError
from core.common.text import msg

FONT_SUFFIXES = (".ttf", ".otf", ".ttc")
MAX_FONT_NAME_CHARS = 120
PATH_MARKS = ("/", "\\", ":")  # folders, drive letters, URLs and Windows streams


def is_package_font(reference: str) -> bool:
    """Whether `reference` names a font file inside the template's package."""
    return bool(reference) and reference.lower().endswith(FONT_SUFFIXES)


def check_font_reference(reference: str, where: str) -> None:
    """Refuse a font name that is a path, hidden, too long or has control characters."""
    if not reference:
        return
    if len(reference) > MAX_FONT_NAME_CHARS:
        raise UserError(
            msg("{where}名称太长（最多 {limit} 个字）", where=where, limit=MAX_FONT_NAME_CHARS)
        )
    if any(unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp", "Cs") for c in reference):
        raise UserError(msg("{where}名称里有控制字符", where=where))
    if any(mark in reference for mark in PATH_MARKS) or reference.strip() != reference:
        raise UserError(
            msg(
                "{where}「{name}」是文件路径：模板只能使用模板文件里自带的字体、内置字体"
                "或本机已安装字体的名称（如 Microsoft YaHei）",
                where=where,
                name=reference[:60],
            )
        )
    if reference.startswith(("~", ".")):
        raise UserError(msg("{where}「{name}」不是字体名称", where=where, name=reference))
