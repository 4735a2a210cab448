"""German display of values in the GUI: QLocale(German, Germany) for numbers and dates.

One place decides how a date, an amount, a traffic light or a Reifegrad looks in every table and
form, so the whole GUI reads "1.234,56 €" and "31.12.2026". Money and dates come from the model's
``format_euro``/``format_datum``, so the GUI, CLI and documents write them identically.
"""

from __future__ import annotations

import logging
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from PySide6.QtCore import QLocale, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap

from ozgdesk.model.errors import OzgFehler
from ozgdesk.model.values import REIFEGRAD_1_1, Ampel, DeutschesEnum, MeilensteinStatus, Quartal, format_datum, format_euro

LOCALE = QLocale(QLocale.Language.German, QLocale.Country.Germany)

AMPELFARBEN = {Ampel.GRUEN: QColor("#2e7d32"), Ampel.GELB: QColor("#f9a825"), Ampel.ROT: QColor("#c62828")}
STATUSFARBEN = {MeilensteinStatus.GEFAEHRDET: QColor("#c62828"), MeilensteinStatus.ERREICHT: QColor("#2e7d32")}
#: Reifegrad 0–4: grey to green; "online" (≥ 2) in green tones.
REIFEGRADFARBEN = ["#9e9e9e", "#ef6c00", "#9ccc65", "#43a047", "#1b5e20", "#1b5e20", "#1b5e20", "#1b5e20"]


def datum(tag: date | None) -> str:
    return format_datum(tag)


def zeit(t: datetime | None) -> str:
    if t is None:
        return ""
    lokal = t.astimezone()
    return f"{datum(lokal.date())} {lokal:%H:%M}"


def euro(cent: int | None) -> str:
    return "" if cent is None else format_euro(cent)


def zahl(wert: Any) -> str:
    if wert is None:
        return ""
    if isinstance(wert, Decimal):
        text = format(wert.normalize(), "f")
        ganz, _, rest = text.partition(".")
        return LOCALE.toString(int(ganz)) + ("," + rest if rest else "")
    return LOCALE.toString(int(wert))


def reifegrad(stufe: int | None) -> str:
    if stufe is None:
        return "nicht bewertet"
    return f"{stufe} – {REIFEGRAD_1_1[stufe]}" if stufe in REIFEGRAD_1_1 else f"Stufe {stufe}"


def anzeige(wert: Any, art: str) -> str:
    """The text of a cell of display kind ``art`` (see ``ozgdesk.model.tabellen.ARTEN``)."""
    if wert is None:
        return "nicht bewertet" if art == "reifegrad" else ""
    if art == "datum":
        return datum(wert)
    if art == "zeit":
        return zeit(wert)
    if art == "euro":
        return euro(wert)
    if art == "zahl":
        return zahl(wert)
    if art == "reifegrad":
        return reifegrad(wert)
    if art == "ja_nein":
        return "ja" if wert else "nein"
    if isinstance(wert, DeutschesEnum):
        return wert.label
    if isinstance(wert, Quartal):
        return wert.kurz
    if isinstance(wert, bool):
        return "ja" if wert else "nein"
    return str(wert)


def fehlertext(e: BaseException) -> str:
    """What the user reads about a failed background task. An ``OzgFehler`` already is a German
    sentence; anything else (a defect, an operating-system error) has a technical English text, so
    that goes to the log with its traceback and the user reads German."""
    if isinstance(e, OzgFehler):
        return str(e)
    logging.getLogger("ozgdesk.ui").error("Unerwarteter Fehler in einer Hintergrundaufgabe", exc_info=e)
    return ("Die Aktion ist mit einem unerwarteten Fehler abgebrochen. Einzelheiten stehen in der "
            "Protokolldatei (Hilfe › Über ozgdesk / Diagnose).")


_icons: dict[str, QIcon] = {}


def punkt(farbe: str, rund: bool = True) -> QIcon:
    """A small coloured dot (traffic light) or square (Reifegrad); colour is never the only cue."""
    schluessel = f"{farbe}{rund}"
    if schluessel not in _icons:
        pm = QPixmap(14, 14)
        pm.fill(Qt.GlobalColor.transparent)
        p = QPainter(pm)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.setBrush(QColor(farbe))
        p.setPen(QColor("#444444"))
        if rund:
            p.drawEllipse(1, 1, 12, 12)
        else:
            p.drawRect(1, 1, 11, 11)
        p.end()
        _icons[schluessel] = QIcon(pm)
    return _icons[schluessel]


def befundtext(h: Any) -> str:
    """A finding as the lists show it; an acknowledged one says so instead of „Fehler“."""
    if not h.offen:
        return f"Mit Stellungnahme: {h.text}"
    return ("Fehler: " if h.schwere == "fehler" else "Hinweis: ") + h.text
