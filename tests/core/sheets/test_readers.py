"""The shared reader refuses hostile files on its own, before any import reads a row: every
import that goes through it (members, activity, next chat and campaigns) refuses the same files
with the same one line."""

from __future__ import annotations

import pytest

from core.common.errors import UserError
from core.common.sheets.limits import ImportLimits
from core.common.sheets.readers import (
    SourceFile,
    check_file,
    iter_tables,
    iter_workbook_tables,
    load_json,
)
from tests.core.sheets import hostile_files as made
from tests.core.sheets.refused_files import READER_REFUSALS, encrypted_xlsx


def read_everything(path, limits: ImportLimits | None = None) -> int:
    """Every cell of the file, as an import would read it; the number of rows."""
    limits = limits or ImportLimits()
    source = check_file(path, limits)
    if source.kind == "json":
        load_json(source, limits)
        return 0
    return sum(1 for table in iter_tables(source, limits) for _row in table.rows)


@pytest.mark.parametrize("case", sorted(READER_REFUSALS))
def test_hostile_files_are_refused_by_the_reader_in_one_line(tmp_path, case):
    build, message = READER_REFUSALS[case]
    with pytest.raises(UserError) as raised:
        read_everything(build(tmp_path))
    assert message in raised.value.message
    assert "\n" not in raised.value.message


def test_the_files_those_are_made_from_are_read(tmp_path):
    """The refusals are about what was done to a file, not its kind: the same shapes, honest."""
    for path in (
        made.xlsx(tmp_path / "名单.xlsx", made.MEMBER_ROWS),
        made.ods(tmp_path / "名单.ods", made.ODS_MEMBERS),
        made.xls(tmp_path / "名单.xls", made.xls_stream(made.XLS_MEMBERS)),
    ):
        assert read_everything(path) == 2, path.name


def test_calamine_password_error_becomes_the_same_message(tmp_path):
    path = encrypted_xlsx(tmp_path)
    source = SourceFile(path=path, kind="workbook", size=path.stat().st_size, sha256="")
    with pytest.raises(UserError, match="有密码保护"):
        list(iter_workbook_tables(source, ImportLimits()))


def test_a_json_file_has_no_tables(tmp_path):
    path = tmp_path / "a.json"
    path.write_text("[]", encoding="utf-8")
    source = check_file(path, ImportLimits())
    with pytest.raises(ValueError, match="load_json"):
        iter_tables(source, ImportLimits())


def test_default_limits():
    limits = ImportLimits()
    assert limits.max_rows == 2_000_000
    assert limits.max_file_bytes == 300 * 1024 * 1024
    assert limits.max_uncompressed_bytes == 1024**3
    assert limits.max_compression_ratio == 200
