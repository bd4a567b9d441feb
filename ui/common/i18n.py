"""Qt translations: the program's own strings (Chinese in the source, English in a .qm) and
Qt's standard dialogs (OK/Cancel...) in the chosen language."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

from core.common.builtin_names import builtin_name
from core.common.paths import resource_path
from core.common.text import CONTEXT, translated

TRANSLATIONS_DIR = ("translations",)


def install_translators(app: QCoreApplication, language: str) -> list[QTranslator]:
    """Load the translators for `language` ('zh_CN' or 'en'); return them to keep them alive."""
    translators = []
    qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    if language == "en":
        ours = QTranslator(app)
        if not ours.load(str(resource_path(*TRANSLATIONS_DIR, "shequn_en.qm"))):
            raise RuntimeError(
                "resources/translations/shequn_en.qm is missing: run scripts/i18n.py"
            )
        translators.append(ours)
        QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedStates))
    else:
        # Our source strings are Chinese already; only Qt's own buttons need a translator.
        qt_base = QTranslator(app)
        if qt_base.load("qtbase_zh_CN", qt_dir):
            translators.append(qt_base)
        QLocale.setDefault(QLocale(QLocale.Language.Chinese, QLocale.Country.China))
    for translator in translators:
        app.installTranslator(translator)
    return translators


def shown(text: str) -> str:
    """A text from core in the interface's language: a core `Message` has its template
    translated (context "core") and its values filled in; any other string is shown as it is."""
    return translated(text, lambda template: QCoreApplication.translate(CONTEXT, template))


def shown_name(name: str) -> str:
    """A name stored as data (a level, an earn rule, a poster layer): in the interface's
    language while it is still the name the program ships, else as the owner typed it."""
    return shown(builtin_name(name))


def typed_name(typed: str, stored: str) -> str:
    """What an edit box that showed `shown_name(stored)` should save: the stored name while the
    text is what was shown (an untouched shipped name stays the shipped one), else the text."""
    return stored if stored and typed.strip() == shown_name(stored) else typed
