"""The built-in poster templates shipped in resources/templates/, one folder each.

A folder holds `template.json` and the pictures it names (by file name). The same shape is
what a template exported to a file will contain, zipped.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from core.common.errors import UserError
from core.common.joins import joined_list
from core.common.paths import resource_path
from core.common.text import msg
from core.posters.template import Template, load_template

TEMPLATE_FILE = "template.json"
ORDER = ("welcome", "invite", "groupbuy", "checkin", "event")

# What the designer previews a template with before a member is chosen.
SAMPLE_DATA = {
    "昵称": "小麦穗",
    "邀请码": "MX8K2Q",
    "邀请链接": "https://example.com/i/MX8K2Q",
    "活动名": "春日烘焙体验营",
    "截止日期": "4月30日",
    "社群名": "麦香烘焙会员群",
    "群二维码": "https://weixin.qq.com/g/AQYAAExample8K2Q",
    "活动时间": "5月18日（周六）14:00-17:00",
    "活动地点": "麦香烘焙 · 人民路店 2 楼",
    "拼团价": "39.9",
    "原价": "69",
    "成团人数": "3",
    "天数": "21",
}


# The shipped templates' names and descriptions as the window shows them (in English too).
# template.json says the same in Chinese; a file that says something else is shown as it says.
LABELS = {
    "welcome": (
        msg("新人欢迎"),
        msg("新成员入群欢迎海报：头像、昵称、入群福利和群助手二维码"),
    ),
    "invite": (
        msg("邀请好友裂变"),
        msg("邀请好友参加活动：邀请人头像与昵称、活动名、专属二维码和邀请码"),
    ),
    "groupbuy": (
        msg("拼团"),
        msg("拼团活动：拼团价、原价、成团人数、截止日期和参团二维码"),
    ),
    "checkin": (
        msg("打卡挑战"),
        msg("打卡挑战：天数、打卡格、参与者头像和昵称、打卡群二维码"),
    ),
    "event": (
        msg("线下活动"),
        msg("线下活动邀请函：活动名、时间、地点、报名截止和报名二维码"),
    ),
}


def _labelled(key: str, template: Template) -> Template:
    """The template with its name and description as messages, when they are the shipped ones."""
    name, description = LABELS.get(key, ("", ""))
    if name and template.name == name:
        template.name = name
    if description and template.description == description:
        template.description = description
    return template


@dataclass(frozen=True)
class BuiltinTemplate:
    key: str  # folder name
    name: str
    description: str
    folder: Path


def templates_dir() -> Path:
    return resource_path("templates")


def list_builtin() -> list[BuiltinTemplate]:
    """The shipped templates in a sensible order (known ones first, then any others)."""
    root = templates_dir()
    if not root.is_dir():
        return []
    folders = [p for p in root.iterdir() if (p / TEMPLATE_FILE).is_file()]
    folders.sort(key=lambda p: (ORDER.index(p.name) if p.name in ORDER else len(ORDER), p.name))
    result = []
    for folder in folders:
        template = _labelled(
            folder.name, load_template((folder / TEMPLATE_FILE).read_text(encoding="utf-8"))
        )
        result.append(BuiltinTemplate(folder.name, template.name, template.description, folder))
    return result


def load_builtin(key: str) -> tuple[Template, dict[str, bytes]]:
    """A built-in template by its key, with its pictures as bytes (name → file content)."""
    folder = templates_dir() / key
    if (
        key in ("", ".", "..")
        or "/" in key
        or "\\" in key
        or not (folder / TEMPLATE_FILE).is_file()
    ):
        known = joined_list([t.key for t in list_builtin()])
        raise UserError(msg("没有名为「{key}」的内置模板，可选：{known}", key=key, known=known))
    template = _labelled(key, load_template((folder / TEMPLATE_FILE).read_text(encoding="utf-8")))
    assets = {
        path.name: path.read_bytes()
        for path in folder.iterdir()
        if path.is_file() and path.suffix.lower() in (".png", ".jpg", ".jpeg", ".webp")
    }
    return template, assets
