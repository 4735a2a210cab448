"""The documents the Berichte page offers (code, German name), without loading the report code.

The page lists them when it is built, possibly as the window's first page; the service that
writes them (:mod:`ozgdesk.reports.dienst`, with reportlab, openpyxl and the store) loads on first use.
"""

from __future__ import annotations

DOKUMENTE = (
    ("quartal", "Vierteljährlicher Statusbericht"),
    ("meilensteine", "Meilenstein-Monitoring (Halbjahr)"),
    ("statusermittlung", "Statusermittlung"),
    ("online", "Online-Monitoring (öffentlich)"),
    ("antrag", "Projektantrag (Anlage A)"),
    ("steckbrief", "Projektsteckbrief"),
    ("einreichung", "Einreichungspaket (Quartal)"),
)
