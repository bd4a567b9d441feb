"""The copy check under the canvas: each risky phrase of the text layers, with its reason.

The phrases come from core.posters.compliance.check_copy (诱导分享 / 诱导关注, DOMAIN.md); the
panel names the layer, underlines the phrase and gives the reason and a safer wording.
"""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget

from core.posters.compliance import RiskyPhrase, check_copy
from core.posters.template import Template, TextLayer
from ui.common.i18n import shown, shown_name


def risky_phrases(template: Template | None) -> list[tuple[str, RiskyPhrase]]:
    """(layer name, phrase) for every risky phrase in the template's text layers."""
    found = []
    for layer in template.layers if template is not None else []:
        if isinstance(layer, TextLayer):
            found += [(layer.name, phrase) for phrase in check_copy(layer.text)]
    return found


class CopyWarnings(QLabel):
    """Hidden while the copy is fine; a list of the risky phrases otherwise."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("posterCopyWarnings")
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.RichText)
        self.setStyleSheet(
            "QLabel#posterCopyWarnings { background: #fef3c7; color: #78350f;"
            " border: 1px solid #f59e0b; border-radius: 6px; padding: 6px 8px; }"
        )
        self.hide()

    def check(self, template: Template | None) -> list[tuple[str, RiskyPhrase]]:
        found = risky_phrases(template)
        self.setVisible(bool(found))
        if not found:
            self.clear()
            return found
        title = self.tr("文案风险（微信诱导分享规则）")
        lines = [f"<b>{html.escape(title)}</b>"]
        for name, phrase in found:
            lines.append(
                self.tr("「{layer}」：{phrase} — {reason}").format(
                    layer=html.escape(shown_name(name)),
                    phrase=f"<u>{html.escape(phrase.text)}</u>",
                    reason=html.escape(shown(phrase.reason)),
                )
            )
        self.setText("<br>".join(lines))
        return found
