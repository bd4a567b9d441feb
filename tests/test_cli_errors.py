"""A bug in a command: one line on the terminal, the details in the log, no personal data in
either (SQL parameters such as phone numbers, or row data a server quotes back)."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy.exc import IntegrityError

from core.common.database import open_database
from core.common.logs import log_file, setup_logging
from db.models import Member
from tests.main_process import run_main

PHONE = "13912345678"


def test_a_failing_statement_is_one_line_and_its_phone_numbers_stay_out(tmp_path):
    url = f"sqlite:///{tmp_path / 'members.db'}"
    database = open_database(url, daily_backup=False)
    with database.engine.begin() as connection:
        # A fault the program does not expect, in the middle of inserting members.
        connection.exec_driver_sql(
            "CREATE TRIGGER no_new_members BEFORE INSERT ON members "
            "BEGIN SELECT RAISE(ABORT, 'refused by a test trigger'); END"
        )
    database.close()
    members = tmp_path / "名单.csv"
    members.write_text(f"昵称,手机号\n花花,{PHONE}\n阿杰,13800000016\n", encoding="utf-8")

    result = run_main("import", str(members), "--db", url)

    assert result.returncode == 1 and result.stdout == ""
    assert "Traceback" not in result.stderr
    last = result.stderr.splitlines()[-1]  # after the progress line, on a line of its own
    assert last.startswith("错误：程序出现意外错误（IntegrityError）")
    assert str(log_file()) in last
    assert PHONE not in result.stderr
    logged = log_file().read_text(encoding="utf-8")
    assert "Traceback" in logged and "refused by a test trigger" in logged
    assert "SQL parameters hidden" in logged
    assert PHONE not in logged


def test_sql_errors_name_the_statement_but_never_the_values(database):
    """Both engines: SQLAlchemy leaves the parameters out, and what PostgreSQL quotes from the
    row itself ("Failing row contains …") is cut from the log and the error dialog."""
    from core.common.logs import redacted

    setup_logging()
    with pytest.raises(IntegrityError) as caught, database.session() as session:
        session.add(Member(nickname="花花", phone=PHONE, gender="?"))  # gender: a CHECK
        session.flush()
    message = str(caught.value)
    assert "SQL parameters hidden" in message
    assert PHONE not in redacted(message)
    logging.getLogger("test").error("insert failed", exc_info=caught.value)
    for handler in logging.getLogger().handlers:
        handler.flush()
    logged = log_file().read_text(encoding="utf-8")
    assert "insert failed" in logged and PHONE not in logged


def test_redaction_of_what_a_server_quotes_back():
    from core.common.logs import redacted

    assert redacted("DETAIL:  Key (phone)=(13912345678) already exists.") == (
        "DETAIL:  Key (phone)=(…) already exists."
    )
    assert redacted("DETAIL:  Key (a, b)=(1, x)) already exists.") == (
        "DETAIL:  Key (a, b)=(…) already exists."
    )
    assert redacted('Key (member_id)=(5) is not present in table "members".') == (
        'Key (member_id)=(…) is not present in table "members".'
    )
    assert redacted("DETAIL:  Failing row contains (7, 花花, 13912345678, ?).\nnext") == (
        "DETAIL:  Failing row contains (…).\nnext"
    )
    assert redacted('invalid input syntax for type integer: "13912345678"') == (
        'invalid input syntax for type integer: "…"'
    )
    assert redacted("UNIQUE constraint failed: members.phone") == (
        "UNIQUE constraint failed: members.phone"
    )
