"""English buttons, menu items and window titles are in sentence case ("Import member list…",
not "Import Member List…"), the common choice of today's desktops, and one choice throughout."""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))

import i18n  # noqa: E402

# Calls whose tr("…") argument is the text of a button, a menu item or a window's title.
ACTION_CALLS = {
    "QPushButton",
    "QAction",
    "QToolButton",
    "QCheckBox",
    "QRadioButton",
    "QMenu",
    "push_button",
    "menu_button",
    "_action",
    "add_action",
    "addAction",
    "addMenu",
    "addButton",
    "setWindowTitle",
}
# Proper nouns and key names keep their capital inside a text.
PROPER = {"WeChat", "WeCom", "LinkWeChat", "Excel", "Office", "Windows", "Mac", "Ctrl", "Shift"}
# The program's name and a page's name are proper nouns too: "the Members tab".
NAMES = re.compile(r"\bCommunity Workbench\b|\b[A-Z]\w* (?:tab|page)\b")
# A new sentence (or a plural's other form, or an aside) starts with a capital.
SENTENCE = re.compile(r"(?<=[.:!?])\s+|\s*[—(|\n]\s*")


def _called(node: ast.Call) -> str:
    func = node.func
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")


def action_sources() -> dict[str, str]:
    """Chinese source of every action text in ui/ → where it is."""
    found: dict[str, str] = {}
    for path in sorted((ROOT / "ui").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and _called(node) in ACTION_CALLS):
                continue
            for arg in node.args:
                if (
                    isinstance(arg, ast.Call)
                    and _called(arg) == "tr"
                    and arg.args
                    and isinstance(arg.args[0], ast.Constant)
                ):
                    found.setdefault(arg.args[0].value, f"{path.relative_to(ROOT)}:{node.lineno}")
    return found


def title_cased_words(english: str) -> list[str]:
    """Words written with a capital that sentence case would write small."""
    words: list[str] = []
    for sentence in SENTENCE.split(NAMES.sub("name", english)):
        for word in re.findall(r"[A-Za-z][A-Za-z'’-]*", sentence)[1:]:
            if re.match(r"[A-Z][a-z]", word) and word not in PROPER:
                words.append(word)
    return words


def test_the_check_tells_sentence_case_from_title_case():
    assert title_cased_words("Import Member List…") == ["Member", "List"]
    assert title_cased_words("&Import member list…") == []
    assert title_cased_words("Import WeChat group export… (Excel)") == []
    assert title_cased_words("The %n member selected in the Members tab | The %n members") == []
    assert title_cased_words("Add QR code…") == []
    assert title_cased_words("About Community Workbench") == []


def test_english_actions_and_titles_are_in_sentence_case():
    sources = action_sources()
    assert len(sources) > 100  # the scan finds the program's buttons and menus
    wrong = [
        f"{sources[source]}: {source} → {english!r} ({', '.join(words)})"
        for (_context, source), english in i18n.messages(i18n.TS_FILE).items()
        if source in sources and english
        for words in [title_cased_words(english)]
        if words
    ]
    assert not wrong, "Title Case in English action texts:\n" + "\n".join(sorted(set(wrong)))
