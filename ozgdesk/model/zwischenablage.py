"""Cells to and from the clipboard the way Excel and LibreOffice Calc exchange them (Qt-free).

Users come from Excel: they copy a block of a table into a spreadsheet and paste a block of amounts
from one. Both spreadsheets put a selection on the clipboard as tab-separated text (rows ended by
``\\r\\n`` in Excel, ``\\n`` in LibreOffice, usually with a line end after the last row) and quote a
cell only when it holds a tab, a line break or a quote. Copying writes that form (and an HTML
table, which both spreadsheets prefer when it is there); pasting reads it.

Pasted amounts are read with the one German number grammar of the model
(:func:`ozgdesk.model.values.euro_zu_cent`: ``1.234,56``, ``1234,5``, ``1.234 €``), plus what a
spreadsheet shows for an empty amount: an empty cell and the dash of the accounting format
(``-``, ``- €``) are 0. A block is all or nothing: the first bad cell stops it with a German message
naming its row and column and the text found there, and nothing is applied.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from ozgdesk.model.errors import Eingabefehler
from ozgdesk.model.values import euro_zu_cent

#: More than any grid of ozgdesk can take (a Zahlungsplan of 40 quarters × 50 Haushaltsstellen is
#: 60 kB as text); a clipboard holding a whole worksheet is refused before it is parsed.
HOECHSTLAENGE = 2_000_000

_LEERE_BETRAEGE = {"", "-", "\u2212", "\u2013", "\u2014"}  # empty; the accounting format's dash for 0
_LEERRAUM = " \t\u00a0\u202f"


def _tsv_zelle(text: str) -> str:
    """One cell as Excel writes it: quoted (quotes doubled) only if it holds a tab, line break or quote."""
    if any(z in text for z in ("\t", "\n", "\r", '"')):
        return '"' + text.replace('"', '""') + '"'
    return text


def als_tsv(zellen: Sequence[Sequence[str]]) -> str:
    """Rows of cell texts as tab-separated text, rows ended by a line break (the last one too, as
    Excel does, so that a pasted block never runs into the cell after it)."""
    return "".join("\t".join(_tsv_zelle(z) for z in zeile) + "\n" for zeile in zellen)


def als_html(zellen: Sequence[Sequence[str]], kopf: Sequence[str] | None = None,
             rechts: Sequence[bool] | None = None) -> str:
    """The same cells as an HTML table; ``rechts`` marks right-aligned (number) columns."""
    def td(tag: str, text: str, i: int) -> str:
        stil = ' style="text-align:right"' if rechts is not None and i < len(rechts) and rechts[i] else ""
        return f"<{tag}{stil}>{escape(text).replace(chr(10), '<br>')}</{tag}>"

    teile = ['<html><head><meta charset="utf-8"></head><body><table>']
    if kopf is not None:
        teile.append("<tr>" + "".join(td("th", t, i) for i, t in enumerate(kopf)) + "</tr>")
    for zeile in zellen:
        teile.append("<tr>" + "".join(td("td", t, i) for i, t in enumerate(zeile)) + "</tr>")
    teile.append("</table></body></html>")
    return "".join(teile)


def tsv_lesen(text: str) -> list[list[str]]:
    """A pasted block as rows of cells: Excel's ``\\r\\n`` and LibreOffice's ``\\n`` line ends, quoted
    cells, and the line end after the last row (or a trailing empty line) are understood.

    Raises :class:`Eingabefehler` for an empty clipboard, text too long to be a block of cells,
    and rows of different lengths (a spreadsheet always copies a rectangle; ragged rows mean the
    text came from elsewhere and its cells cannot be placed)."""
    if len(text) > HOECHSTLAENGE:
        raise Eingabefehler("Die Zwischenablage enthält zu viel Text für einen Tabellenausschnitt "
                            f"({len(text):,} Zeichen).".replace(",", "."))
    zeilen = [list(z) for z in csv.reader(io.StringIO(text, newline=""), dialect="excel-tab", strict=False)]
    zeilen = [z if z else [""] for z in zeilen]
    while zeilen and all(not z.strip() for z in zeilen[-1]) and len(zeilen[-1]) <= 1:
        zeilen.pop()  # the line end after the last row, or an empty line below the block
    if not zeilen:
        raise Eingabefehler("Die Zwischenablage enthält keine Zellen zum Einfügen.")
    breite = len(zeilen[0])
    for i, z in enumerate(zeilen, start=1):
        if len(z) != breite:
            raise Eingabefehler(f"Nichts eingefügt: Zeile {i} des eingefügten Blocks hat {len(z)} statt {breite} "
                                "Zellen. Bitte einen rechteckigen Bereich aus der Tabellenkalkulation kopieren.")
    return zeilen


def betrag_aus_zelle(text: str) -> int:
    """Cents of one pasted cell: empty and the accounting format's dash are 0; anything else must
    be a German amount (:func:`euro_zu_cent`), a negative one is refused (plans hold no repayments)."""
    kern = text.strip(_LEERRAUM)
    for einheit in ("€", "EUR"):
        kern = kern.removesuffix(einheit).strip(_LEERRAUM)
    if kern in _LEERE_BETRAEGE:
        return 0
    cent = euro_zu_cent(text.strip(_LEERRAUM))
    if cent < 0:
        raise Eingabefehler(f"„{text.strip()}“ ist negativ; Planbeträge dürfen nicht negativ sein.")
    return cent


@dataclass(frozen=True)
class Zielraster:
    """Where a block is pasted: the grid's row and column names (for messages), the cell the block
    starts at, and how many rows and columns can take amounts from there (sum rows are not among them)."""

    zeilen: Sequence[str]
    spalten: Sequence[str]
    start_zeile: int = 0
    start_spalte: int = 0


def betragsblock(text: str, ziel: Zielraster) -> dict[tuple[int, int], int]:
    """The cents of a pasted block by grid cell (row, column), all or nothing.

    Every cell is read before anything is returned; the first bad one raises
    :class:`Eingabefehler` naming its place in the block and in the grid and the text found there.
    A block that does not fit the grid from the start cell is refused as a whole."""
    block = tsv_lesen(text)
    hoehe, breite = len(block), len(block[0])
    frei_z, frei_s = len(ziel.zeilen) - ziel.start_zeile, len(ziel.spalten) - ziel.start_spalte
    if ziel.start_zeile < 0 or ziel.start_spalte < 0 or frei_z <= 0 or frei_s <= 0:
        raise Eingabefehler("Nichts eingefügt: Bitte zuerst eine Betragszelle wählen (nicht die Summenzeile "
                            "oder -spalte), ab der eingefügt werden soll.")
    if hoehe > frei_z or breite > frei_s:
        zu_viel = []
        if hoehe > frei_z:
            zu_viel.append(f"{hoehe} Zeilen, ab {ziel.zeilen[ziel.start_zeile]} gibt es aber nur {frei_z}")
        if breite > frei_s:
            zu_viel.append(f"{breite} Spalten, ab {ziel.spalten[ziel.start_spalte]} gibt es aber nur {frei_s}")
        raise Eingabefehler("Nichts eingefügt: Der Block hat " + " und ".join(zu_viel) + ". Bitte zuerst Quartale "
                            "bzw. Haushaltsstellen hinzufügen oder eine andere Startzelle wählen.")
    ergebnis: dict[tuple[int, int], int] = {}
    for i, zeile in enumerate(block):
        for j, zelle in enumerate(zeile):
            r, c = ziel.start_zeile + i, ziel.start_spalte + j
            try:
                ergebnis[(r, c)] = betrag_aus_zelle(zelle)
            except Eingabefehler as e:
                grund = str(e).removeprefix("Betrag: ")
                raise Eingabefehler(f"Nichts eingefügt: Zeile {i + 1}, Spalte {j + 1} des eingefügten Blocks "
                                    f"({ziel.zeilen[r]}, {ziel.spalten[c]}): {grund}") from None
    return ergebnis
