"""`main.py campaigns …` and `main.py referrals resolve` as a user runs them: a campaign
made, started and listed; a code recorded (--json, --dry-run), the same again, a conflict,
a self-referral and hostile codes refused with one line."""

from __future__ import annotations

import json

import pytest

from core.common.database import open_database
from core.referrals.invite_codes import derive_invite_code, invite_key
from tests.core.tiers.helpers import community, member
from tests.hostile_text import HOSTILE, unsafe_characters
from tests.main_process import run_main


@pytest.fixture
def cli_db(sqlite_url):
    database = open_database(sqlite_url, daily_backup=False)
    with database.session() as session:
        cid = community(session, "晨跑群")
        ids = [member(session, cid, name) for name in ("张小凡", "Lily", "王五")]
        key = invite_key(session)
        codes = [derive_invite_code(member_id, key) for member_id in ids]
    database.close()
    return sqlite_url, ids, codes


def main(url, *args):
    return run_main(*args, "--db", url)


def test_a_campaign_from_create_to_a_recorded_invite(cli_db):
    url, (zhang, lily, _), (code, _, wang_code) = cli_db
    made = main(url, "campaigns", "create", "春季邀请", "--community", "晨跑群", "--json")
    assert made.returncode == 0, made.stderr
    assert json.loads(made.stdout)["status"] == "draft"
    early = main(url, "campaigns", "record", "春季邀请", "--code", code, "--invitee", "Lily")
    assert early.returncode == 1 and "草稿" in early.stderr
    assert main(url, "campaigns", "set-status", "春季邀请", "进行中").returncode == 0

    dry = main(url, "campaigns", "record", "春季邀请", "--code", code.lower(), "--invitee",
               "Lily", "--json", "--dry-run")  # fmt: skip
    assert dry.returncode == 0, dry.stderr
    assert json.loads(dry.stdout)["outcome"] == "added" and json.loads(dry.stdout)["dry_run"]
    listed = json.loads(main(url, "campaigns", "list", "--json").stdout)["campaigns"]
    assert listed[0]["edges"] == 0  # the dry run wrote nothing

    real = main(url, "campaigns", "record", "春季邀请", "--code", code, "--invitee", "Lily",
                "--json")  # fmt: skip
    data = json.loads(real.stdout)
    assert (data["inviter_id"], data["invitee_id"], data["outcome"]) == (zhang, lily, "added")
    again = main(url, "campaigns", "record", "春季邀请", "--code", code, "--invitee", "Lily",
                 "--scanned")  # fmt: skip
    assert again.returncode == 0 and "补上来源" in again.stdout
    conflict = main(url, "campaigns", "record", "春季邀请", "--code", wang_code, "--invitee",
                    str(lily), "--json")  # fmt: skip
    assert conflict.returncode == 2
    assert json.loads(conflict.stdout)["first_inviter_id"] == zhang
    self_invite = main(url, "campaigns", "record", "春季邀请", "--code", code, "--invitee",
                       "张小凡")  # fmt: skip
    assert self_invite.returncode == 1 and "不能邀请自己" in self_invite.stderr
    shown = json.loads(main(url, "campaigns", "show", "春季邀请", "--json").stdout)
    assert (shown["edges"], shown["communities"]) == (2, ["晨跑群"])  # one edge, one conflict


def test_referrals_resolve(cli_db):
    url, (zhang, *_), (code, *_) = cli_db
    found = main(url, "referrals", "resolve", f"{code[:3]}-{code[3:]}", "--json")
    assert found.returncode == 0, found.stderr
    assert json.loads(found.stdout)["member_id"] == zhang
    typo = code[:5] + ("Z" if code[5] != "Z" else "Y")
    refused = main(url, "referrals", "resolve", typo)
    assert refused.returncode == 1
    assert code in refused.stderr and "张小凡" in refused.stderr and refused.stdout == ""


@pytest.mark.parametrize(
    "typed",
    [
        HOSTILE["clear screen"],
        HOSTILE["right-to-left override"],
        HOSTILE["emoji family joined by ZWJ"],
        "x" * 100_000,
        "1' OR '1'='1",
    ],
)
def test_hostile_codes_get_one_safe_line(cli_db, typed):
    url, _, _ = cli_db
    run = main(url, "referrals", "resolve", typed)
    assert run.returncode == 1 and run.stdout == ""
    assert run.stderr.count("\n") == 1 and "Traceback" not in run.stderr
    assert unsafe_characters(run.stderr) == []


def test_dry_runs_go_through_the_shared_cli_helpers():
    """Every campaigns command that writes takes --dry-run from core/common/cli.add_dry_run and
    prints through emit_change (issue 16): no module spells the option or its mark itself."""
    from pathlib import Path

    from core.common.cli import DRY_RUN_MARK

    folder = Path(__file__).resolve().parents[3] / "core" / "campaigns"
    for module in ("cli.py", "type_cli.py", "report_cli.py"):
        source = (folder / module).read_text(encoding="utf-8")
        assert '"--dry-run"' not in source, module
        assert DRY_RUN_MARK not in source and '"dry_run"' not in source, module


def test_a_dry_run_is_marked_in_json_and_words(cli_db):
    url, _, _ = cli_db
    made = main(url, "campaigns", "create", "试运行活动", "--dry-run")
    assert made.returncode == 0, made.stderr
    assert made.stdout.startswith("（试运行，未写入）已新建活动")
    made = json.loads(main(url, "campaigns", "create", "试运行活动", "--dry-run", "--json").stdout)
    assert made["dry_run"] is True
    assert json.loads(main(url, "campaigns", "list", "--json").stdout)["campaigns"] == []
