"""Values the calendar's commands share: a day option, a span of days, and a time as the output
shows it."""

from __future__ import annotations


def day_option(text: str | None, what: str):
    """The day of a --from/--to/--date option (a time of day may be given and is dropped)."""
    from core.campaigns.cli_support import parse_time

    when = parse_time(text, what)
    return when.date() if when else None


def add_span_options(parser, start_default: str, community_help: str) -> None:
    """--from and --to, a span of days (the last one included), and --community."""
    start_help = f"从这天起 YYYY-MM-DD（默认：{start_default}）"
    parser.add_argument("--from", dest="start", help=start_help)
    parser.add_argument("--to", dest="end", help="到这天为止（含）YYYY-MM-DD")
    parser.add_argument("--community", help=community_help)


def span_days(args):
    """The first and last day --from and --to name (None: not given)."""
    return day_option(args.start, "开始日期"), day_option(args.end, "结束日期")


def minutes_text(when) -> str | None:
    """`when` to the minute, as every calendar command prints it."""
    return when.isoformat(sep=" ", timespec="minutes") if when else None
