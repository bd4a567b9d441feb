"""`main.py chat import`: the preview changes nothing, questions are answered on the command
line, the write reports what it did, a refusal is one line."""

from __future__ import annotations

import json

from tests.core.chat import chat_helpers as h
from tests.main_process import run_main


def test_dry_run_then_answer_then_write(tmp_path):
    db = f"sqlite:///{tmp_path / 'chat.db'}"
    preview = run_main("chat", "import", str(h.PYWXDUMP_DIR), "--dry-run", "--json", "--db", db)
    assert preview.returncode == 0, preview.stderr
    data = json.loads(preview.stdout)
    [chat] = data["chats"]
    assert chat["community_found_by"] == "new" and "written" not in data
    assert [q["name"] for q in chat["questions"]] == ["小雨"]
    assert any("成员名单" in note for note in data["notes"])  # voluntary leaves
    refused = run_main("chat", "import", str(h.PYWXDUMP_DIR), "--db", db)
    assert refused.returncode == 1 and refused.stdout == ""
    [failure] = [line for line in refused.stderr.splitlines() if line.startswith("错误：")]
    assert "没有对应的社群" in failure and refused.stderr.rstrip("\n").endswith(failure)
    written = run_main(
        "chat", "import", str(h.PYWXDUMP_DIR), "--create", "--answer", "小雨=wxid_sample0201",
        "--db", db,
    )  # fmt: skip
    assert written.returncode == 0, written.stderr
    assert "已导入" in written.stdout and "邀请关系新增 8" in written.stdout
    again = run_main("chat", "import", str(h.PYWXDUMP_DIR), "--json", "--db", db)
    data = json.loads(again.stdout)
    assert data["chats"][0]["community_found_by"] == "chat_id"
    assert data["written"]["messages_added"] == 0


def test_a_picture_is_refused_in_one_line(tmp_path):
    picture = tmp_path / "群聊.csv"
    picture.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 10)
    result = run_main("chat", "import", str(picture), "--db", f"sqlite:///{tmp_path / 'x.db'}")
    assert result.returncode == 1 and result.stdout == ""
    assert "PNG" in result.stderr and result.stderr.strip().count("\n") == 0  # before reading


def test_windows_copy_needs_its_date(tmp_path):
    db = f"sqlite:///{tmp_path / 'chat.db'}"
    result = run_main("chat", "import", str(h.COPY_WINDOWS), "--create", "--db", db)
    assert result.returncode == 1 and "--date" in result.stderr
    result = run_main(
        "chat", "import", str(h.COPY_WINDOWS), "--create", "--date", "2025-03-20", "--db", db
    )
    assert result.returncode == 0, result.stderr
    assert "消息 40 条" in result.stdout


def test_an_empty_path_is_refused_not_read_as_the_current_folder(tmp_path):
    """Path("") is "."; a script whose variable came out empty must not import every chat
    export below the folder it runs in."""
    result = run_main("chat", "import", " ", "--dry-run", "--db", f"sqlite:///{tmp_path / 'x.db'}")
    assert result.returncode == 1 and result.stdout == ""
    assert "路径" in result.stderr and result.stderr.strip().count("\n") == 0


def test_a_named_new_community_is_created_with_create_and_refused_without(tmp_path):
    """`--community 新群 --create` makes 新群 (the name the user gave, not the chat's own);
    without --create the unknown name is refused and nothing is written."""
    db = f"sqlite:///{tmp_path / 'chat.db'}"
    refused = run_main("chat", "import", str(h.COPY_WINDOWS), "--date", "2025-03-20",
                       "--community", "周末烘焙群", "--db", db)  # fmt: skip
    assert refused.returncode == 1
    assert "周末烘焙群" in refused.stderr and "--create" in refused.stderr
    written = run_main("chat", "import", str(h.COPY_WINDOWS), "--date", "2025-03-20",
                       "--community", "周末烘焙群", "--create", "--json", "--db", db)  # fmt: skip
    assert written.returncode == 0, written.stderr
    data = json.loads(written.stdout)
    assert data["chats"][0]["community"] == "周末烘焙群"
    assert data["chats"][0]["community_found_by"] == "new"
    assert data["written"]["communities_created"] == ["周末烘焙群"]
    listed = run_main("communities", "list", "--json", "--db", db)
    assert "周末烘焙群" in listed.stdout
    again = run_main("chat", "import", str(h.COPY_WINDOWS), "--date", "2025-03-20",
                     "--community", "周末烘焙群", "--create", "--json", "--db", db)  # fmt: skip
    again_data = json.loads(again.stdout)
    assert again_data["written"]["communities_created"] == []
    assert again_data["written"]["messages_added"] == 0
