"""Update the English translation source from the code, then compile it for the program.

    .venv/bin/python scripts/i18n.py          # lupdate (ui/ → .ts), then lrelease (.ts → .qm)
    .venv/bin/python scripts/i18n.py --check  # fail if the .ts misses strings or translations

The interface's source strings are Simplified Chinese; `resources/translations/shequn_en.ts`
holds their English, edited with Qt Linguist (`pyside6-linguist`) or by hand. Commit both the
.ts and the compiled .qm, so the program runs without this step.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TS_FILE = ROOT / "resources" / "translations" / "shequn_en.ts"
QM_FILE = TS_FILE.with_suffix(".qm")
SOURCES = ["ui"]


def tool(name: str) -> str:
    found = shutil.which(name, path=str(Path(sys.executable).parent)) or shutil.which(name)
    if not found:
        raise SystemExit(f"{name} not found: run `python3 scripts/dev.py test` once to install")
    return found


def lupdate(target: Path) -> None:
    subprocess.run(
        [tool("pyside6-lupdate"), "-extensions", "py", "-locations", "none", "-no-obsolete",
         "-source-language", "zh_CN", "-target-language", "en", *SOURCES, "-ts", str(target)],
        cwd=ROOT, check=True, capture_output=True, text=True,
    )


def lrelease() -> None:
    subprocess.run([tool("pyside6-lrelease"), str(TS_FILE), "-qm", str(QM_FILE)],
                   check=True, capture_output=True, text=True)


def messages(ts_file: Path) -> dict[tuple[str, str], str | None]:
    """(context, source) → English, or None where the translation is missing/unfinished."""
    result = {}
    for context in ET.parse(ts_file).getroot().iter("context"):
        name = context.findtext("name") or ""
        for message in context.iter("message"):
            translation = message.find("translation")
            done = translation is not None and translation.get("type") is None
            text = translation.text if done and translation is not None else None
            result[(name, message.findtext("source") or "")] = text or None
    return result


def problems() -> list[str]:
    """What keeps the .ts from being complete for the code as it is now."""
    with tempfile.TemporaryDirectory() as tmp:
        fresh = Path(tmp) / "fresh.ts"
        shutil.copy(TS_FILE, fresh)
        lupdate(fresh)
        current = messages(fresh)
    found = [f"untranslated [{ctx}] {src!r}" for (ctx, src), en in current.items() if en is None]
    committed = set(messages(TS_FILE))
    found += [f"not in the .ts yet [{ctx}] {src!r}" for ctx, src in set(current) - committed]
    return found


def main(argv: list[str]) -> int:
    if "--check" in argv:
        issues = problems()
        print("\n".join(issues) or "translations complete")
        return 1 if issues else 0
    lupdate(TS_FILE)
    lrelease()
    missing = [key for key, english in messages(TS_FILE).items() if english is None]
    print(f"{TS_FILE.name}: {len(messages(TS_FILE))} strings, {len(missing)} untranslated")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
