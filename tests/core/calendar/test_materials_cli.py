"""`main.py calendar materials …` as a user runs it: a picture added with tags (--dry-run
writes neither row nor file), the same file again adds nothing, list --search by pinyin and
--tag, a hostile picture refused in one line, --json throughout."""

from __future__ import annotations

import json

from core.calendar.materials import materials_dir
from tests.core.calendar.material_helpers import bomb, picture
from tests.main_process import run_main


def main(url, *args):
    return run_main(*args, "--db", url)


def test_add_list_and_refuse(sqlite_url, tmp_path):
    poster = picture(tmp_path / "双12海报.png")
    add = ("calendar", "materials", "add", str(poster))
    dry = main(sqlite_url, *add, "--tag", "活动", "--dry-run")
    assert dry.returncode == 0 and "试运行" in dry.stdout, dry.stderr
    assert not materials_dir().exists() or not any(materials_dir().rglob("*.png"))
    made = json.loads(main(sqlite_url, "calendar", "materials", "add", str(poster), "--tag",
                           "活动,海报", "--json").stdout)  # fmt: skip
    assert made["created"] and made["tags"] == ["活动", "海报"] and made["width"] == 40
    again = main(sqlite_url, "calendar", "materials", "add", str(poster))
    assert again.returncode == 0 and "素材库里已有这个文件" in again.stdout
    found = json.loads(main(sqlite_url, "calendar", "materials", "list", "--search", "shuang12",
                            "--json").stdout)  # fmt: skip
    assert [m["title"] for m in found["materials"]] == ["双12海报"]
    tagged = main(sqlite_url, "calendar", "materials", "list", "--tag", "早安")
    assert "共 0 个素材" in tagged.stdout
    refused = main(sqlite_url, "calendar", "materials", "add", str(bomb(tmp_path / "b.png")))
    assert refused.returncode != 0 and "尺寸过大" in refused.stderr
    assert "Traceback" not in refused.stderr and len(refused.stderr.strip().splitlines()) == 1
