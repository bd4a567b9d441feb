"""The application's style sheet: calm, roomy, readable Chinese at the default size."""

STYLE_SHEET = """
QLabel[pageTitle="true"] { font-size: 20px; font-weight: 600; }
QLabel[muted="true"] { color: #6b7280; }
QLabel[sectionTitle="true"] { font-weight: 600; margin-top: 8px; }
QFrame[card="true"] {
    background: palette(base);
    border: 1px solid #e5e7eb;
    border-radius: 8px;
}
QLabel[statValue="true"] { font-size: 28px; font-weight: 600; color: #0f766e; }
QLabel[statCaption="true"] { color: #4b5563; }
QTabBar::tab { padding: 8px 18px; }
QLabel[dropArea="true"] {
    border: 2px dashed #94a3b8;
    border-radius: 10px;
    color: #475569;
    background: palette(base);
}
QStatusBar QLabel { padding: 0 8px; }
QToolButton[menuButton="true"] { padding: 2px 6px; }
QToolButton[menuButton="true"]::menu-indicator { image: none; width: 0; }
QPushButton[attention="true"] { color: #b45309; font-weight: 600; padding: 0 8px; border: none; }
"""
