"""Update the English translation source from the code, then compile it for the program.

    .venv/bin/python scripts/i18n.py          # lupdate (ui/ → .ts), then lrelease (.ts → .qm)
    .venv/bin/python scripts/i18n.py --check  # fail if the .ts misses strings or translations
    .venv/bin/python scripts/i18n.py --fill EN.json  # also take {"中文": "English"} for
                                                     # the strings still untranslated; a
                                                     # plural ("%n") takes ["one", "many"];
                                                     # "Context::中文" for one context only
    .venv/bin/python scripts/i18n.py --replace EN.json  # the same, also over an English
                                                        # already there (a reworded one)

The interface's source strings are Simplified Chinese: the ui/ code's own, and the messages core/
writes with `msg("…")` (core/common/text.py; context "core"), which this script collects for
lupdate because core never calls Qt. `resources/translations/shequn_en.ts`
holds their English, edited with Qt Linguist (`pyside6-linguist`) or by hand. Commit both the
.ts and the compiled .qm, so the program runs without this step.
"""

from __future__ import annotations

import ast
import json
import shutil
import string
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TS_FILE = ROOT / "resources" / "translations" / "shequn_en.ts"
QM_FILE = TS_FILE.with_suffix(".qm")
SOURCES = ["ui"]
CORE_CONTEXT = "core"  # core.common.text.CONTEXT (scripts do not import the program)


def tool(name: str) -> str:
    found = shutil.which(name, path=str(Path(sys.executable).parent)) or shutil.which(name)
    if not found:
        raise SystemExit(f"{name} not found: run `python3 scripts/dev.py test` once to install")
    return found


def core_templates() -> tuple[list[str], list[str]]:
    """Every `msg("…")` template in core/, in file order; and the calls whose template is not a
    literal string (which no translation could match)."""
    templates: dict[str, None] = {}
    unfound = []
    for path in sorted((ROOT / "core").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and _called(node) == "msg"):
                continue
            first = node.args[0] if node.args else None
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                templates[first.value] = None
            else:
                unfound.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    return list(templates), unfound


def _called(node: ast.Call) -> str:
    function = node.func
    if isinstance(function, ast.Name):
        return function.id
    return function.attr if isinstance(function, ast.Attribute) else ""


def lupdate(target: Path) -> None:
    templates, _ = core_templates()
    with tempfile.TemporaryDirectory() as tmp:
        # core's templates as lupdate's own marker, in a file only lupdate reads.
        listing = Path(tmp) / "core_messages.py"
        listing.write_text(
            "".join(
                f"QT_TRANSLATE_NOOP({json.dumps(CORE_CONTEXT)}, "
                f"{json.dumps(template, ensure_ascii=False)})\n"
                for template in templates
            ),
            encoding="utf-8",
        )
        subprocess.run(
            [tool("pyside6-lupdate"), "-extensions", "py", "-locations", "none", "-no-obsolete",
             "-source-language", "zh_CN", "-target-language", "en", *SOURCES, str(listing),
             "-ts", str(target)],
            cwd=ROOT, check=True, capture_output=True, text=True,
        )


def format_fields(template: str) -> set[str]:
    try:
        return {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}
    except ValueError:
        return {"<malformed>"}


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
            text = _english(message, translation) if done else None
            result[(name, message.findtext("source") or "")] = text or None
    return result


def _english(message: ET.Element, translation: ET.Element) -> str | None:
    """The translation; for a plural (`tr("… %n …", "", n)`) its forms joined by " | ",
    or None while one of them is still empty."""
    if message.get("numerus") != "yes":
        return translation.text
    forms = [form.text for form in translation.findall("numerusform")]
    return " | ".join(forms) if forms and all(forms) else None


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
    # A core message's English is filled in with the same values as its Chinese.
    found += [
        f"{{fields}} differ [{ctx}] {src!r} → {en!r}"
        for (ctx, src), en in current.items()
        if ctx == CORE_CONTEXT and en is not None and format_fields(en) != format_fields(src)
    ]
    found += [f"msg() without a literal template at {where}" for where in core_templates()[1]]
    return found


def fill(ts_file: Path, english: dict[str, str], *, replace: bool = False) -> int:
    """Give every unfinished message whose source is in `english` that translation (with
    `replace`, every such message, finished or not)."""
    tree = ET.parse(ts_file)
    filled = 0
    for context in tree.getroot().iter("context"):
        name = context.findtext("name") or ""
        for message in context.iter("message"):
            filled += _fill_message(message, name, english, replace)
    tree.write(ts_file, encoding="utf-8", xml_declaration=True)
    return filled


def _fill_message(message: ET.Element, context: str, english: dict, replace: bool) -> int:
    """A key "Context::中文" is for that context only and wins over a plain "中文" (one source
    can be a button in one class and a sentence or a short label in another)."""
    translation = message.find("translation")
    source = message.findtext("source") or ""
    wanted = english.get(f"{context}::{source}", english.get(source))
    if translation is None or wanted is None:
        return 0
    if translation.get("type") is None and not replace:
        return 0
    if message.get("numerus") == "yes":  # English has two forms: ["one …", "many …"]
        for form in list(translation):
            translation.remove(form)
        for text in wanted:
            ET.SubElement(translation, "numerusform").text = text
    else:
        translation.text = wanted
    translation.attrib.pop("type", None)
    return 1


def main(argv: list[str]) -> int:
    if "--check" in argv:
        issues = problems()
        print("\n".join(issues) or "translations complete")
        return 1 if issues else 0
    lupdate(TS_FILE)
    for option in ("--fill", "--replace"):
        if option in argv:
            english = json.loads(Path(argv[argv.index(option) + 1]).read_text(encoding="utf-8"))
            filled = fill(TS_FILE, english, replace=option == "--replace")
            print(f"filled {filled} translations")
            lupdate(TS_FILE)  # back to lupdate's own layout
    lrelease()
    missing = [key for key, english in messages(TS_FILE).items() if english is None]
    print(f"{TS_FILE.name}: {len(messages(TS_FILE))} strings, {len(missing)} untranslated")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
