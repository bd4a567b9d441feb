"""Which database opens, and the one-line reasons when one can't."""

from __future__ import annotations

import pytest

from core.common import paths
from core.common.config import AppConfig, load_config, save_config
from core.common.database import open_database, resolve_url
from core.common.errors import UserError


def test_url_precedence_explicit_then_environment_then_settings_then_default(monkeypatch):
    assert resolve_url() == f"sqlite:///{paths.default_db_path()}"
    save_config(AppConfig(db_url="sqlite:////tmp/from-settings.db"))
    assert resolve_url() == "sqlite:////tmp/from-settings.db"
    monkeypatch.setenv("SHEQUN_DB_URL", "sqlite:////tmp/from-env.db")
    assert resolve_url() == "sqlite:////tmp/from-env.db"
    assert resolve_url("sqlite:////tmp/explicit.db") == "sqlite:////tmp/explicit.db"


def test_default_database_is_created_in_the_data_dir():
    database = open_database()
    try:
        assert database.file == paths.default_db_path()
        assert database.file.exists()
    finally:
        database.close()


def test_config_file_survives_garbage():
    save_config(AppConfig(language="en", operator="小王"))
    assert load_config() == AppConfig(language="en", operator="小王")
    from core.common.config import config_file

    config_file().write_bytes(b"\xff\xfe not json")
    assert load_config() == AppConfig()
    config_file().write_text('{"language": "klingon", "db_url": 5}', encoding="utf-8")
    assert load_config() == AppConfig(db_url="5")


def test_an_invalid_url_gives_a_clear_message():
    with pytest.raises(UserError, match="数据库地址无效"):
        open_database("nonsense://x", daily_backup=False)


def test_a_folder_that_cannot_be_made_gives_a_clear_message(tmp_path):
    # A file where the folder should be: fails even for root.
    (tmp_path / "blocker").write_text("I am a file")
    with pytest.raises(UserError, match="无法创建数据库所在的文件夹"):
        open_database(f"sqlite:///{tmp_path}/blocker/sub/x.db", daily_backup=False)


def test_a_directory_instead_of_a_file_gives_a_clear_message(tmp_path):
    (tmp_path / "adir.db").mkdir()
    with pytest.raises(UserError, match="无法打开数据库文件"):
        open_database(f"sqlite:///{tmp_path}/adir.db", daily_backup=False)


def test_a_file_that_is_not_a_database_is_explained(tmp_path):
    bogus = tmp_path / "members.xlsx.db"
    bogus.write_bytes(b"PK\x03\x04" + b"\x00" * 4096)
    with pytest.raises(UserError, match="不是有效的数据库文件"):
        open_database(f"sqlite:///{bogus}", daily_backup=False)
    assert bogus.read_bytes()[:4] == b"PK\x03\x04"
