"""German display of values in the GUI: QLocale(German, Germany) for numbers and dates.

One place decides how a date, an amount, a traffic light or a Reifegrad looks in every table and
form, so the whole GUI reads "1.234,56 €" and "31.12.2026". Money and dates come from the model's
``format_euro``/``format_datum``, so the GUI, CLI and documents write them identically.
"""

from __future__ import annotations

import logging
from datetime import date, datetime
from decimal import Decimal
from collections.abc import Iterator, Mapping
from typing import Any, TypeVar

from PySide6.QtCore import QLocale, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap

from ozgdesk.model.errors import OzgFehler
from ozgdesk.ui import thema
from ozgdesk.model.values import REIFEGRAD_1_1, Ampel, DeutschesEnum, MeilensteinStatus, Quartal, format_datum, format_euro

LOCALE = QLocale(QLocale.Language.German, QLocale.Country.Germany)

K = TypeVar("K")


class _Designfarben(Mapping[K, QColor]):
    """A colour per value, looked up in the design in use each time (``ozgdesk.ui.thema``), so a
    table repainted after Ansicht › Design shows the new design's colours."""

    def __init__(self, schluessel: dict[K, str]) -> None:
        self._schluessel = schluessel

    def __getitem__(self, wert: K) -> QColor:
        return thema.farbe(self._schluessel[wert])

    def __iter__(self) -> Iterator[K]:
        return iter(self._schluessel)

    def __len__(self) -> int:
        return len(self._schluessel)


class _Reifegradfarben:
    """Reifegrad 0–4 (and model 2.0's higher levels): grey to green in the design in use, as ``#rrggbb``."""

    def __getitem__(self, stufe: int) -> str:
        return thema.reifegradfarbe(stufe).name()

    def __len__(self) -> int:
        return 8


AMPELFARBEN: Mapping[Ampel, QColor] = _Designfarben({Ampel.GRUEN: "ampel_gruen", Ampel.GELB: "ampel_gelb",
                                                     Ampel.ROT: "ampel_rot"})
STATUSFARBEN: Mapping[MeilensteinStatus, QColor] = _Designfarben({MeilensteinStatus.GEFAEHRDET: "status_gefaehrdet",
                                                                  MeilensteinStatus.ERREICHT: "status_erreicht"})
REIFEGRADFARBEN = _Reifegradfarben()


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
    """A small coloured dot (traffic light) or square (Reifegrad) with a rim in the design's text
    colour; colour is never the only cue."""
    rand = thema.farbe("punkt_rand")
    schluessel = f"{farbe}{rund}{rand.name()}"
    if schluessel not in _icons:
        pm = QPixmap(14, 14)
        pm.fill(Qt.GlobalColor.transparent)
        p = QPainter(pm)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.setBrush(QColor(farbe))
        p.setPen(rand)
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
