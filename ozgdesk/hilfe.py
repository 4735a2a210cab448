"""The German user manual shipped with ozgdesk: chapters, which chapter belongs to which view, and
the accessibility statement (Erklärung zur Barrierefreiheit, BITV 2.0 § 7).

The chapters are Markdown files in the package (``ozgdesk/daten/handbuch/NN-name.md``, package data
like the catalogue), read through :mod:`importlib.resources` so an installed wheel or a PyInstaller
build finds them. Their order is the number in the file name, their title the first ``# `` line,
their key the name without the number (``04-zahlungsplan.md`` → ``zahlungsplan``). A link from one
chapter to another is written ``[Zahlungsplan](zahlungsplan.md)``.

Qt-free: the GUI shows the text (``ozgdesk.ui.handbuch``), a test checks every link.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ozgdesk import daten

ORDNER = "handbuch"
#: the chapter of each page of the main window (``hauptfenster.SEITEN``); pages added later fall back to „start“
SEITEN_KAPITEL = {"uebersicht": "start", "leistungen": "leistungen", "projekte": "projekte", "finanzen": "finanzen",
                  "berichte": "berichte", "abgleich": "abgleich", "aenderungen": "aenderungsprotokoll",
                  "zeitleiste": "meilensteine"}
#: the chapter of a tab of the project editor where it has its own (``ProjektEditor._seiten``)
REITER_KAPITEL = {"meilensteine": "meilensteine", "zahlungsplan": "zahlungsplan", "mittelabfluss": "zahlungsplan"}
#: the chapter with the accessibility statement (Hilfe › Erklärung zur Barrierefreiheit)
ERKLAERUNG = "erklaerung"
#: stands in the statement where the contact for feedback goes
KONTAKT_MARKE = "{kontakt}"
#: shown when neither the settings nor the Ressort name a contact
KONTAKT_FEHLT = ("*Noch keine Kontaktstelle eingetragen.* Die IT oder das Koordinierungsreferat trägt sie unter "
                 "**Datei › Einstellungen …** ein (Feld „Kontakt für Barrierefreiheit“).")

_NUMMER = re.compile(r"^\d+-")


@dataclass(frozen=True)
class Kapitel:
    schluessel: str
    datei: str
    titel: str


def _dateien() -> list[str]:
    return sorted(e.name for e in daten.ordner(ORDNER).iterdir() if e.name.endswith(".md") and _NUMMER.match(e.name))


def _lesen(datei: str) -> str:
    return (daten.ordner(ORDNER) / datei).read_text(encoding="utf-8")


def kapitel() -> list[Kapitel]:
    """The chapters in order."""
    ergebnis = []
    for datei in _dateien():
        titel = next((z[2:].strip() for z in _lesen(datei).splitlines() if z.startswith("# ")), datei)
        ergebnis.append(Kapitel(_NUMMER.sub("", datei)[:-3], datei, titel))
    return ergebnis


def schluessel_fuer_link(ziel: str) -> str | None:
    """The chapter a link in the manual points to (``zahlungsplan.md``, ``04-zahlungsplan.md``,
    ``zahlungsplan``; an anchor after ``#`` is ignored); None for an unknown one."""
    name = ziel.split("#", 1)[0].rsplit("/", 1)[-1]
    name = _NUMMER.sub("", name.removesuffix(".md"))
    return name if any(k.schluessel == name for k in kapitel()) else None


def text(schluessel: str, kontakt: str = "") -> str:
    """The Markdown of a chapter; the statement's contact filled in (or the note that it is missing)."""
    k = next((k for k in kapitel() if k.schluessel == schluessel), None)
    if k is None:
        raise KeyError(f"Kein Kapitel „{schluessel}“ im Handbuch")
    return _lesen(k.datei).replace(KONTAKT_MARKE, kontakt.strip() or KONTAKT_FEHLT)


def kapitel_fuer(seite: str, reiter: str | None = None) -> str:
    """The chapter for F1 on ``seite`` (and, on the Projekte page, the editor's tab ``reiter``)."""
    if seite == "projekte" and reiter in REITER_KAPITEL:
        return REITER_KAPITEL[reiter]
    return SEITEN_KAPITEL.get(seite, "start")


def links(markdown: str) -> list[str]:
    """The link targets of a chapter (for the test that every link leads somewhere)."""
    return re.findall(r"\]\(([^)\s]+)\)", markdown)
