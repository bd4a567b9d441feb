"""ARCHITECTURE.md's layers, checked: core and db never import Qt, db never imports core/ui,
ui never imports db, and a feature (core/<feature>, ui/<feature>) imports only the features
the table below lets it use, so no import cycle between features can come back."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
QT_MODULES = ("PySide6", "PyQt5", "PyQt6", "shiboken6")


def imported_modules(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def python_files(package: str) -> list[Path]:
    files = sorted((ROOT / package).rglob("*.py"))
    assert files, package
    return files


@pytest.mark.parametrize("package", ["core", "db"])
def test_no_qt_below_the_ui(package):
    offenders = {
        str(path.relative_to(ROOT)): sorted(
            m for m in imported_modules(path) if m.split(".")[0] in QT_MODULES
        )
        for path in python_files(package)
    }
    assert {k: v for k, v in offenders.items() if v} == {}


def test_db_does_not_reach_up_into_core_or_ui():
    offenders = {
        str(path.relative_to(ROOT)): sorted(
            m for m in imported_modules(path) if m.split(".")[0] in {"core", "ui"}
        )
        for path in python_files("db")
    }
    assert {k: v for k, v in offenders.items() if v} == {}


def test_the_checker_sees_a_qt_import(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text("from PySide6.QtCore import QObject\nimport os\n", encoding="utf-8")
    assert "PySide6.QtCore" in imported_modules(sample)


# Which feature may use which (ARCHITECTURE.md). A feature may also use what those use in turn
# (no cycle can arise), `common`, and itself. Imports inside functions count too.
EVERYTHING = {
    "communities",
    "members",
    "activity",
    "ledger",
    "tiers",
    "segments",
    "referrals",
    "posters",
    "campaigns",
    "chat",
    "calendar",
}
FEATURE_USES: dict[str, set[str]] = {
    "common": set(),
    "communities": set(),
    "members": {"communities"},
    "activity": {"members", "communities"},
    "ledger": {"members", "activity"},
    "tiers": {"members", "activity", "ledger"},
    # Segments read levels ("slipping away" is about the top levels): they build on tiers.
    "segments": {"members", "activity", "ledger", "tiers"},
    "referrals": {"members", "communities"},
    "posters": {"members", "communities", "segments", "referrals"},
    "campaigns": {"members", "communities", "activity", "ledger", "referrals", "posters"},
    "chat": {"members", "communities", "activity", "referrals"},
    "calendar": {"communities", "members", "activity", "campaigns", "chat"},
    # Steps that span features, and the read-only views over all of them.
    "workflows": EVERYTHING,
    "reports": EVERYTHING | {"workflows"},
    # The 概览 dashboard shows the report's figures (issue 20): computed once, in reports.
    "overview": EVERYTHING | {"reports"},
    "demo": EVERYTHING | {"workflows"},
    "settings": EVERYTHING,
}
# Imports that break the table today (issue 16 removes them; the list may only shrink).
KNOWN_SIDEWAYS: set[tuple[str, str]] = set()


# A feature's own tables, in db/: reading them is using that feature, so only a feature that
# may use it (or its workflow) reads them; the rest ask the feature's functions.
TABLES_OF = {
    "db.ledger_models": "ledger",
    "db.referral_models": "referrals",
    "db.poster_models": "posters",
}


def allowed_features(feature: str) -> set[str]:
    allowed, todo = {feature, "common"}, [feature]
    while todo:
        for used in FEATURE_USES.get(todo.pop(), set()):
            if used not in allowed:
                allowed.add(used)
                todo.append(used)
    return allowed


def sideways_imports(path: Path, root: Path = ROOT) -> set[tuple[str, str]]:
    """(file, module) for each import the feature table forbids: a feature reaching a feature
    it may not use, and ui reaching db."""
    relative = path.relative_to(root)
    layer, feature = relative.parts[0], relative.parts[1].removesuffix(".py")
    if feature not in FEATURE_USES:  # main_window.py, app.py, version.py: the whole program
        return set()
    if layer == "core" and relative.name == "cli.py":
        allowed = set(FEATURE_USES)  # a command is an entry point, like the window
    else:  # the window's features call the workflows too
        allowed = allowed_features(feature) | ({"workflows"} if layer == "ui" else set())
    found = set()
    for module in imported_modules(path):
        parts = module.split(".")
        reaches_db = layer == "ui" and parts[0] == "db"
        reaches_tables = module in TABLES_OF and TABLES_OF[module] not in allowed
        reaches_feature = (
            parts[0] in {"core", "ui"}
            and len(parts) > 1
            and parts[1] in FEATURE_USES
            and parts[1] not in allowed
        )
        if reaches_db or reaches_tables or reaches_feature:
            found.add((relative.as_posix(), module))
    return found


def all_sideways_imports() -> set[tuple[str, str]]:
    return {
        found
        for package in ("core", "ui")
        for path in python_files(package)
        if len(path.relative_to(ROOT).parts) > 2
        for found in sideways_imports(path)
    }


def test_features_import_only_what_the_table_allows():
    found = all_sideways_imports()
    assert found - KNOWN_SIDEWAYS == set(), "a feature imports one the table does not allow"
    assert KNOWN_SIDEWAYS - found == set(), "fixed: remove it from KNOWN_SIDEWAYS"


def test_the_table_has_no_cycle():
    for feature in FEATURE_USES:
        for used in FEATURE_USES[feature]:
            assert feature not in allowed_features(used) or used == feature, (feature, used)


def test_a_planted_sideways_import_is_caught(tmp_path):
    (tmp_path / "core" / "communities").mkdir(parents=True)
    planted = tmp_path / "core" / "communities" / "sneaky.py"
    planted.write_text("def later():\n    from core.ledger.awards import award\n", encoding="utf-8")
    assert sideways_imports(planted, tmp_path) == {
        ("core/communities/sneaky.py", "core.ledger.awards")
    }
    (tmp_path / "ui" / "members").mkdir(parents=True)
    database = tmp_path / "ui" / "members" / "table.py"
    database.write_text("from db.models import Member\n", encoding="utf-8")
    assert sideways_imports(database, tmp_path) == {("ui/members/table.py", "db.models")}


def test_a_feature_reading_another_features_tables_is_caught(tmp_path):
    (tmp_path / "core" / "members").mkdir(parents=True)
    planted = tmp_path / "core" / "members" / "peek.py"
    planted.write_text("from db.ledger_models import LedgerEntry\n", encoding="utf-8")
    assert sideways_imports(planted, tmp_path) == {("core/members/peek.py", "db.ledger_models")}
    (tmp_path / "core" / "tiers").mkdir(parents=True)
    allowed = tmp_path / "core" / "tiers" / "points.py"  # tiers may use the ledger
    allowed.write_text("from db.ledger_models import LedgerEntry\n", encoding="utf-8")
    assert sideways_imports(allowed, tmp_path) == set()
