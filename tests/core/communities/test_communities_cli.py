"""`main.py communities list` and `main.py qr status`, human and --json, through the real CLI."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from core.communities.qr import attach_qr
from core.communities.registry import set_archived
from tests.core.communities import qr_images
from tests.core.communities.builders import add_community, fill
from tests.main_process import run_main

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def filled(sqlite_database, sqlite_url):
    today = date.today()
    with sqlite_database.session() as session:
        expiring = add_community(session, "快过期群")
        attach_qr(session, expiring, qr_images.qr_png(), today - timedelta(days=6))
        busy = add_community(session, "企微大群", platform="wecom")
        fill(session, busy, 185, datetime(2026, 1, 1))
        old = add_community(session, "旧群")
        set_archived(session, old, True)
    return sqlite_url


def test_communities_list_json(filled):
    result = run_main("communities", "list", "--json", "--db", filled)
    assert result.returncode == 0, result.stderr
    rows = {row["name"]: row for row in json.loads(result.stdout)["communities"]}
    assert set(rows) == {"快过期群", "企微大群"}
    assert rows["快过期群"]["qr_days_left"] == 1
    assert rows["快过期群"]["platform_label"] == "微信群"
    assert rows["企微大群"]["members"] == 185
    assert rows["企微大群"]["warnings"] == ["scan_cap"]


def test_communities_list_human_and_archived(filled):
    result = run_main("--db", filled, "communities", "list", "--archived")
    assert result.returncode == 0, result.stderr
    assert "旧群（已归档）" in result.stdout
    assert "二维码剩 1 天" in result.stdout
    assert "共 3 个社群" in result.stdout


def test_qr_status(filled):
    result = run_main("qr", "status", "--json", "--db", filled)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["count"] == 2
    assert [(i["kind"], i["community_name"]) for i in data["items"]] == [
        ("qr_expiring", "快过期群"),
        ("scan_cap", "企微大群"),
    ]
    human = run_main("qr", "status", "--db", filled)
    assert human.returncode == 0
    assert "[二维码即将过期] 快过期群" in human.stdout
    assert "共 2 项需要处理" in human.stdout


def test_qr_status_with_nothing_to_do(sqlite_url):
    result = run_main("qr", "status", "--db", sqlite_url)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "没有需要处理的事项"
