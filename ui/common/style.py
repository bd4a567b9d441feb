"""The application's style sheet: calm, roomy, readable Chinese at the default size.

Colours come from the theme (`ui/common/theme.py`); sizes are here and only here:
page titles 20 px, section titles bold, body text the system size, 8 px steps of spacing.
Widgets opt into a look with a dynamic property (`setProperty("primary", True)`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ui.common.theme import Theme

_SHEET = """
QLabel[pageTitle="true"] {{ font-size: 20px; font-weight: 600; }}
QLabel[muted="true"] {{ color: {muted}; }}
QLabel[sectionTitle="true"] {{ font-weight: 600; margin-top: 8px; }}
QLabel[warning="true"] {{ color: {warning}; }}
QFrame[card="true"] {{
    background: {base};
    border: 1px solid {border};
    border-radius: 8px;
}}
QLabel[statValue="true"] {{ font-size: 28px; font-weight: 600; color: {accent_strong}; }}
QLabel[statCaption="true"] {{ color: {muted}; }}
QLabel[trend="good"] {{ color: {accent_strong}; }}
QLabel[trend="bad"] {{ color: {danger}; }}
QFrame[card="true"][clickable="true"]:hover {{ border-color: {accent}; }}
QTabWidget::pane {{ border: none; border-top: 1px solid {border}; top: -1px; }}
QTabBar::tab {{
    padding: 7px 16px;
    margin-right: 4px;
    border: none;
    border-bottom: 2px solid transparent;
    background: transparent;
    color: {muted};
}}
QTabBar::tab:hover:!selected {{ color: {text}; }}
QTabBar::tab:selected {{ color: {accent_strong}; border-bottom-color: {accent}; font-weight: 600; }}
QTabBar::tab:disabled {{ color: {disabled}; }}
QLabel[dropArea="true"] {{
    border: 2px dashed {border};
    border-radius: 10px;
    color: {muted};
    background: {base};
}}
QStatusBar {{ border-top: 1px solid {border}; }}
QStatusBar QLabel {{ padding: 0 8px; }}
QToolButton[menuButton="true"] {{ padding: 2px 6px; }}
QToolButton[menuButton="true"]::menu-indicator {{ image: none; width: 0; }}
QPushButton[attention="true"] {{
    color: {warning}; font-weight: 600; padding: 0 8px; border: none; background: transparent;
}}
QPushButton[primary="true"] {{
    background: {accent}; color: {accent_text}; border: 1px solid {accent};
    border-radius: 6px; padding: 6px 16px; font-weight: 600;
}}
QPushButton[primary="true"]:hover {{ border-color: {accent_strong}; }}
QPushButton[primary="true"]:disabled {{
    background: {border}; color: {muted}; border-color: {border};
}}
QListWidget#main_nav {{
    background: {sidebar};
    border: none;
    border-right: 1px solid {border};
    padding: 12px 8px;
    font-size: 14px;
    outline: 0;
}}
QListWidget#main_nav::item {{
    color: {text};
    padding: 9px 10px;
    margin: 2px 0;
    border-radius: 6px;
}}
QListWidget#main_nav::item:hover:!selected {{ background: {alternate}; }}
QListWidget#main_nav::item:selected {{
    background: {accent_soft}; color: {accent_strong}; font-weight: 600;
}}
QWidget[emptyState="true"] {{ background: transparent; }}
#communities_tab QLabel[sectionTitle="true"] {{ font-size: 15px; font-weight: 600; }}
QLabel[commStat="true"] {{ font-size: 22px; font-weight: 600; color: {accent_strong}; }}
QLabel[qrDays="true"] {{ font-size: 22px; font-weight: 600; }}
QLabel[qrEmpty="true"] {{
    border: 1px dashed {border}; border-radius: 6px; color: {muted}; background: {alternate};
}}
QProgressBar[roleBar="true"] {{ border: none; background: {border}; border-radius: 4px; }}
QProgressBar[roleBar="true"]::chunk {{ background: {accent}; border-radius: 4px; }}
QFrame#communities_notice {{
    background: {accent_soft}; border: 1px solid {accent}; border-radius: 6px;
}}
QPushButton#communities_attention_button[pending="true"] {{ color: {warning}; font-weight: 600; }}
QTableView#communities_table::item {{ padding: 0 6px; }}
QLabel[mergeEvidence="true"] {{ font-size: 14px; font-weight: 600; color: {accent_strong}; }}
QLabel[mergeCertain="true"] {{ color: {warning}; }}
QLabel[mergeName="true"] {{ font-size: 18px; font-weight: 600; }}
QFrame[mergeNotice="true"] {{
    background: {accent_soft}; border: 1px solid {accent}; border-radius: 6px; padding: 6px 10px;
}}
QFrame[mergeKept="true"] {{ border: 2px solid {accent}; }}
QListWidget#merge_suggestions::item {{ padding: 6px 8px; }}
QPushButton#merge_do {{
    background: {accent}; color: {accent_text}; border: none; border-radius: 4px;
    padding: 6px 22px; font-weight: 600;
}}
QPushButton#merge_do:disabled {{ background: {border}; color: {muted}; }}
QPushButton#merge_not_same, QPushButton#merge_skip {{ padding: 6px 16px; }}
QLabel[emptyTitle="true"] {{ font-size: 16px; font-weight: 600; }}
QLabel[emptyText="true"] {{ color: {muted}; }}
"""


def style_sheet(theme: Theme) -> str:
    """The style sheet for one theme."""
    return _SHEET.format(**vars(theme))
