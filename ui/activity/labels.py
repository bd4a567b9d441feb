"""Words the screens show for activity kinds (行为).

Functions rather than constants: the translator is installed after import, and each call asks
it again.
"""

from __future__ import annotations

from core.activity.kinds import KIND_LABELS
from ui.common.i18n import shown


def activity_labels() -> dict[str, str]:
    """行为 kinds in the order of DOMAIN.md's glossary: core's labels, in the interface language."""
    return {kind: shown(label) for kind, label in KIND_LABELS.items()}


def activity_name(kind: str) -> str:
    return activity_labels().get(kind, kind)
