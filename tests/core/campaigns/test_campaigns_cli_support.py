"""What the campaigns subcommands share: the campaign they act on and the --at time."""

from __future__ import annotations

import argparse
from datetime import datetime

import pytest

from core.campaigns.cli_support import add_at_option, add_campaign_command, happened_at
from core.common.errors import UserError


def _campaigns_parser(*, at: bool) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser()
    actions = parser.add_subparsers(dest="action")
    record = add_campaign_command(actions, "record", "记录")
    if at:
        add_at_option(record)
    return parser


def test_a_campaign_command_takes_the_campaign_first():
    args = _campaigns_parser(at=False).parse_args(["record", "春季裂变"])
    assert (args.action, args.campaign) == ("record", "春季裂变")
    assert happened_at(args) is None  # a command without --at: now


def test_at_is_read_to_the_minute_or_left_for_now():
    parser = _campaigns_parser(at=True)
    assert happened_at(parser.parse_args(["record", "7"])) is None
    given = parser.parse_args(["record", "7", "--at", "2026-05-01 09:30"])
    assert happened_at(given) == datetime(2026, 5, 1, 9, 30)


def test_a_bad_at_is_refused_in_one_line():
    args = _campaigns_parser(at=True).parse_args(["record", "7", "--at", "五月一日"])
    with pytest.raises(UserError, match="发生时间「五月一日」应写成 YYYY-MM-DD"):
        happened_at(args)
