"""Light and dark theme through a palette (Fusion style), so colours stay consistent everywhere."""

from __future__ import annotations

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication


def anwenden(app: QApplication, dunkel: bool) -> None:
    app.setStyle("Fusion")
    if not dunkel:
        app.setPalette(app.style().standardPalette())
        return
    p = QPalette()
    R = QPalette.ColorRole
    fenster, basis, text = QColor("#2b2b2b"), QColor("#1e1e1e"), QColor("#e6e6e6")
    p.setColor(R.Window, fenster)
    p.setColor(R.WindowText, text)
    p.setColor(R.Base, basis)
    p.setColor(R.AlternateBase, QColor("#262626"))
    p.setColor(R.ToolTipBase, QColor("#3a3a3a"))
    p.setColor(R.ToolTipText, text)
    p.setColor(R.Text, text)
    p.setColor(R.Button, QColor("#353535"))
    p.setColor(R.ButtonText, text)
    p.setColor(R.BrightText, QColor("#ff6e6e"))
    p.setColor(R.Highlight, QColor("#2f65ca"))
    p.setColor(R.HighlightedText, QColor("#ffffff"))
    p.setColor(R.Link, QColor("#8ab4f8"))
    p.setColor(R.PlaceholderText, QColor("#9a9a9a"))
    p.setColor(R.Mid, QColor("#5a5a5a"))
    for rolle in (R.Text, R.ButtonText, R.WindowText):
        p.setColor(QPalette.ColorGroup.Disabled, rolle, QColor("#7a7a7a"))
    app.setPalette(p)
