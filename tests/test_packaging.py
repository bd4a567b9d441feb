"""The one-folder app from pyinstaller.spec builds and runs: fonts, translations, Alembic
migrations, SQLite, PostgreSQL and Faker's zh_CN data all come from inside the bundle.

The build takes about a minute; it runs once for this module and every test uses it.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from core.version import __version__
from db.migrate import head_revision

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
APP_DIR_NAME = "shequn-workbench"
EXE_SUFFIX = ".exe" if sys.platform == "win32" else ""
CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def app_dir(tmp_path_factory) -> Path:
    """Build the app once with the pyinstaller of this interpreter's environment."""
    if sys.platform.startswith("linux") and not shutil.which("objcopy"):
        # Not a skip: CI must build the app. PyInstaller writes the archive into the ELF file.
        pytest.fail("PyInstaller needs objcopy on Linux: apt-get install binutils")
    build = tmp_path_factory.mktemp("pyinstaller")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "PyInstaller",
            "--noconfirm",
            "--log-level=WARN",
            "--distpath",
            str(build / "dist"),
            "--workpath",
            str(build / "work"),
            str(ROOT / "pyinstaller.spec"),
        ],
        cwd=build,  # nothing may depend on the current directory
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="replace",
        timeout=900,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-6000:]
    shutil.rmtree(build / "work", ignore_errors=True)  # ~60 MB of intermediate files
    return build / "dist" / APP_DIR_NAME


def run(program: Path, *args: str, data_dir: Path, timeout: float = 120):
    """Run a built executable headless, with its own data directory and no developer setup."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PYTHON", "SHEQUN_", "QT_"))
    }
    env.update(QT_QPA_PLATFORM="offscreen", SHEQUN_DATA_DIR=str(data_dir))
    return subprocess.run(
        [str(program), *args],
        env=env,
        cwd=data_dir.parent,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=timeout,
    )


def cli(app_dir: Path) -> Path:
    return app_dir / f"shequn{EXE_SUFFIX}"


def gui(app_dir: Path) -> Path:
    return app_dir / f"{APP_DIR_NAME}{EXE_SUFFIX}"


def internal(app_dir: Path) -> Path:
    return app_dir / "_internal"


def assert_ok(result: subprocess.CompletedProcess) -> None:
    assert result.returncode == 0, f"exit {result.returncode}\n{result.stdout}\n{result.stderr}"


def test_bundle_holds_the_runtime_files(app_dir):
    bundle = internal(app_dir)
    assert cli(app_dir).is_file()
    assert gui(app_dir).is_file()
    for name in ("NotoSansSC-Regular.otf", "NotoSansSC-Bold.otf", "OFL.txt"):
        assert (bundle / "resources" / "fonts" / name).is_file(), name
    assert (bundle / "resources" / "translations" / "shequn_en.qm").is_file()
    # The icons the window draws, with their licence (ISC: the notice travels with them).
    for name in ("LICENSE", "coins.svg", "layout-dashboard.svg"):
        assert (bundle / "resources" / "icons" / name).is_file(), name
    assert not list((bundle / "resources").rglob("*.ts")), "translation sources are not shipped"
    migrations = bundle / "db" / "migrations"
    assert (migrations / "env.py").is_file()
    assert (migrations / "script.py.mako").is_file()
    shipped = {p.name for p in (migrations / "versions").glob("*.py")}
    source = {p.name for p in (ROOT / "db" / "migrations" / "versions").glob("*.py")}
    assert shipped == source
    # Qt's own Chinese buttons (OK/Cancel...), loaded through QLibraryInfo's TranslationsPath.
    assert list(bundle.glob("PySide6/**/qtbase_zh_CN.qm"))


def test_version(app_dir, isolated_data_dir):
    result = run(cli(app_dir), "--version", data_dir=isolated_data_dir)
    assert_ok(result)
    assert result.stdout.strip() == f"社群运营工作台 {__version__}"
    result = run(gui(app_dir), "--version", data_dir=isolated_data_dir)
    assert_ok(result)
    if sys.platform != "win32":  # a console=False Windows program may have no stdout at all
        assert result.stdout.strip() == f"社群运营工作台 {__version__}"


def assert_migrated(data_dir: Path) -> None:
    with sqlite3.connect(data_dir / "shequn.db") as connection:
        (revision,) = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    assert revision == head_revision()


def test_smoke_opens_the_window_and_migrates_from_the_bundle(app_dir, isolated_data_dir):
    result = run(gui(app_dir), "--smoke", data_dir=isolated_data_dir)
    assert_ok(result)
    assert re.search(r"^start-up \d+ ms$", result.stdout, re.MULTILINE), result.stdout
    assert_migrated(isolated_data_dir)


def test_smoke_in_english(app_dir, isolated_data_dir):
    config = isolated_data_dir / "config" / "config.json"
    config.parent.mkdir(parents=True)
    config.write_text(json.dumps({"language": "en"}), encoding="utf-8")
    # The English .qm is required: without it the start-up raises instead of falling back.
    result = run(cli(app_dir), "--smoke", data_dir=isolated_data_dir)
    assert_ok(result)
    assert "start-up" in result.stdout


def test_demo_uses_chinese_faker_data(app_dir, isolated_data_dir):
    result = run(cli(app_dir), "demo", "--members", "20", "--json", data_dir=isolated_data_dir)
    assert_ok(result)
    summary = json.loads(result.stdout)
    assert summary["members"] == 20
    with sqlite3.connect(isolated_data_dir / "shequn.db") as connection:
        rows = connection.execute("SELECT nickname, search_pinyin FROM members").fetchall()
    assert len(rows) == 20
    # zh_CN names, not a silent en_US fallback of a trimmed-away locale ...
    chinese = [(nickname, pinyin) for nickname, pinyin in rows if CJK.search(nickname)]
    assert len(chinese) >= len(rows) // 2, rows
    # ... and pypinyin's dictionaries inside the bundle turned them into search keys.
    assert all(pinyin and pinyin.isascii() for _, pinyin in chinese), chinese


def test_demo_on_postgresql(app_dir, isolated_data_dir, postgres_url):
    """psycopg's binary driver and the migrations work on PostgreSQL from the bundle."""
    result = run(
        cli(app_dir),
        "demo",
        "--members",
        "20",
        "--json",
        "--db",
        postgres_url,
        data_dir=isolated_data_dir,
    )
    assert_ok(result)
    assert json.loads(result.stdout)["members"] == 20
