"""The one PDF layout every ozgdesk document uses (federal administration style).

A4 portrait, generous margins, a header with Ressort, Referat, title and period, "Stand" and the
optional Aktenzeichen, the protective marking (chosen per document) in header *and* footer, "Seite X
von Y", repeated table headers and an "ENTWURF" watermark for drafts. DejaVu Sans is embedded
because the federal corporate fonts are proprietary and the PDF base fonts lack "€" and „“ in
some viewers; every German glyph must print the same on every machine.

Documents build a list of flowables with the helpers here and call :func:`pdf_erzeugen`.
"""

from __future__ import annotations

import functools
import itertools
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, NamedTuple
from xml.sax.saxutils import escape

import pyphen
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.rl_accel import fp_str
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas as rl_canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    FrameBreak,
    KeepTogether,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.flowables import _listWrapOn  # type: ignore[attr-defined]  # not in the stubs
from reportlab.platypus.tables import CellStyle

from ozgdesk import daten
from ozgdesk.model.values import Ampel, format_datum
from ozgdesk.reports import pdfa

SCHRIFT = "DejaVuSans"
SCHRIFT_FETT = "DejaVuSans-Bold"
SCHRIFT_KURSIV = "DejaVuSans-Oblique"

RAND_LINKS = 25 * mm
RAND_RECHTS = 20 * mm
RAND_OBEN = 38 * mm
RAND_UNTEN = 22 * mm
SATZBREITE = A4[0] - RAND_LINKS - RAND_RECHTS

#: The protective marking of internal documents (the public online monitoring carries none), spelt
#: as the VSA writes the grade: „VS-NUR FÜR DEN DIENSTGEBRAUCH“ (hyphen, no spaces).
VS_NFD = "VS-NUR FÜR DEN DIENSTGEBRAUCH"

AMPEL_FARBE = {Ampel.GRUEN: colors.HexColor("#2e7d32"), Ampel.GELB: colors.HexColor("#f9a825"),
               Ampel.ROT: colors.HexColor("#c62828")}
GRAU_KOPF = colors.HexColor("#e3e3e3")
GRAU_LINIE = colors.HexColor("#9e9e9e")

_schriften_geladen = False


def schriften_laden() -> None:
    """Register DejaVu Sans once (reportlab embeds a subset of every TTF it uses).

    The fonts are package data (``ozgdesk/daten/schriften``); reportlab wants a file name and reads
    the whole file when the font is created, so a temporary copy (zip import) may vanish after."""
    global _schriften_geladen
    if _schriften_geladen:
        return
    for name, datei in ((SCHRIFT, "DejaVuSans.ttf"), (SCHRIFT_FETT, "DejaVuSans-Bold.ttf"),
                        (SCHRIFT_KURSIV, "DejaVuSans-Oblique.ttf")):
        with daten.datei_pfad(daten.SCHRIFTEN, datei) as pfad:
            pdfmetrics.registerFont(TTFont(name, str(pfad)))
    pdfmetrics.registerFontFamily(SCHRIFT, normal=SCHRIFT, bold=SCHRIFT_FETT, italic=SCHRIFT_KURSIV,
                                  boldItalic=SCHRIFT_FETT)
    _schriften_geladen = True


@dataclass(frozen=True)
class Kopf:
    """What the header and footer of every page say, and the document metadata."""

    ressort: str
    referat: str
    titel: str
    zeitraum: str
    stand: date
    aktenzeichen: str = ""
    kennzeichnung: str = ""
    entwurf: bool = False
    autor: str = ""
    betreff: str = ""


# Paragraph styles resolve their font family when a paragraph is built, so register now.
schriften_laden()


# ------------------------------------------------------------------------------------------- styles
def _stil(name: str, **kw: object) -> ParagraphStyle:
    basis = dict(fontName=SCHRIFT, fontSize=9, leading=12, spaceAfter=0)
    basis.update(kw)
    return ParagraphStyle(name, **basis)  # type: ignore[arg-type]


TEXT = _stil("text", spaceAfter=4)
KLEIN = _stil("klein", fontSize=7.5, leading=9.5)
KLEIN_RECHTS = _stil("klein_rechts", fontSize=7.5, leading=9.5, alignment=TA_RIGHT)
KLEIN_FETT = _stil("klein_fett", fontName=SCHRIFT_FETT, fontSize=7.5, leading=9.5)
KLEIN_FETT_RECHTS = _stil("klein_fett_rechts", fontName=SCHRIFT_FETT, fontSize=7.5, leading=9.5, alignment=TA_RIGHT)
TITEL = _stil("titel", fontName=SCHRIFT_FETT, fontSize=15, leading=19, spaceAfter=4)
UNTERTITEL = _stil("untertitel", fontSize=10.5, leading=14, spaceAfter=10)
H1 = _stil("h1", fontName=SCHRIFT_FETT, fontSize=12, leading=15, spaceBefore=10, spaceAfter=5)
H2 = _stil("h2", fontName=SCHRIFT_FETT, fontSize=10, leading=13, spaceBefore=8, spaceAfter=3)
#: An introductory sentence that must stay on the page of the table it introduces.
EINLEITUNG = _stil("einleitung", spaceBefore=6, spaceAfter=4)  # apart from the table above

#: A continuation caption above the rest of a project's table on a following page.
FORTSETZUNG = _stil("fortsetzung", fontName=SCHRIFT_FETT, fontSize=8, leading=10.5, spaceAfter=2)
#: The full-width row of a long free-text column (see :attr:`Sp.eigene_zeile`).
KLEIN_KURSIV = _stil("klein_kursiv", fontName=SCHRIFT_KURSIV, fontSize=7.5, leading=9.5)


class _Ueberschrift(Paragraph):
    """A heading (or the sentence introducing a table): never split, and kept on the page with the
    start of what follows it (:func:`pdf_erzeugen` groups them, see :class:`_Abschnitt`)."""

    haftet = True

    def split(self, breite: float, hoehe: float) -> list:
        return []


HINWEIS = _stil("hinweis", fontName=SCHRIFT_KURSIV, fontSize=8, leading=10.5, textColor=colors.HexColor("#424242"),
                spaceAfter=4)


#: What reads as one value and must never be broken across lines although it contains blanks: an
#: amount, number or date with its unit („1.234,56 €“, „-88,6 %“, „12,5 PT“, „4,2 Mio. €“, „45 Tage“),
#: a Haushaltsstelle („0602 532 01“), a quarter or half-year written out („3. Quartal 2026“), „§ 160“.
#: Their blanks become no-break spaces (printed and extracted as blanks).
_GESCHUETZT = re.compile(
    r"\d{4} \d{3} \d{2}(?!\d)"
    r"|\d{1,2}\. (?:Quartal|Halbjahr) \d{4}"
    r"|§§? \d+\w*"
    r"|\S*\d(?: (?:€|%|PT|T€|Tage?|Mio\.|Mrd\.)(?=[\s),.;:!?“”]|$))+"
)
_ZIFFER = re.compile(r"\d")


def schuetzen(text: str) -> str:
    """``text`` with the blanks inside values (see :data:`_GESCHUETZT`) made non-breaking."""
    if " " not in text or not _ZIFFER.search(text):  # most cells: one value, or text without numbers
        return text
    return _GESCHUETZT.sub(lambda m: m.group().replace(" ", "\u00a0"), text)


def t(text: object) -> str:
    """User text made safe for reportlab's mini-markup; line breaks kept, values never broken."""
    return escape(schuetzen("" if text is None else str(text))).replace("\n", "<br/>")


def haftend(f: Flowable) -> Flowable:
    """Mark ``f`` (e.g. a project's facts under its name) to stay on the page with the start of the
    flowable after it, like a heading."""
    f.haftet = True  # type: ignore[attr-defined]
    return f


def absatz(text: object, stil: ParagraphStyle = TEXT) -> Paragraph:
    return (_Ueberschrift if stil is EINLEITUNG else Paragraph)(t(text), stil)


def titel(haupt: str, unter: str = "") -> list[Flowable]:
    teile: list[Flowable] = [Paragraph(t(haupt), TITEL)]
    if unter:
        teile.append(Paragraph(t(unter), UNTERTITEL))
    return teile


def h1(text: str) -> Paragraph:
    return _Ueberschrift(t(text), H1)


def h2(text: str) -> Paragraph:
    return _Ueberschrift(t(text), H2)


class AmpelZelle(Flowable):
    """A filled dot in the traffic-light colour plus the word, so the status survives
    black-and-white printing. Drawn directly: hundreds of these per report, a Paragraph each
    would dominate the rendering time. Each of the three lights is drawn once per document as a
    PDF form (XObject) and then only placed, which also keeps the file small."""

    def __init__(self, ampel: Ampel) -> None:
        super().__init__()
        self.ampel = ampel
        self.text = ampel.label

    def wrap(self, verfuegbar_breite: float, _hoehe: float) -> tuple[float, float]:
        return min(verfuegbar_breite, 10 + stringWidth(self.text, SCHRIFT, KLEIN.fontSize)), KLEIN.leading

    def draw(self) -> None:
        c = self.canv
        name = f"ozgdeskAmpel{self.ampel.name}"
        if not c.hasForm(name):
            # bounding box with room for the outline and the descenders of the word
            c.beginForm(name, lowerx=-1, lowery=-3, upperx=12 + stringWidth(self.text, SCHRIFT, KLEIN.fontSize),
                        uppery=KLEIN.leading + 1)
            self._zeichnen(c)
            c.endForm()
        c.doForm(name)

    def _zeichnen(self, c: rl_canvas.Canvas) -> None:
        c.saveState()
        c.setFillColor(AMPEL_FARBE[self.ampel])
        c.setStrokeColor(colors.black)
        c.setLineWidth(0.3)
        c.circle(3, 3.2, 2.8, stroke=1, fill=1)
        c.setFillColor(colors.black)
        c.setFont(SCHRIFT, KLEIN.fontSize)
        c.drawString(9, 0.8, self.text)
        c.restoreState()


def ampel_zelle(ampel: Ampel) -> Flowable:
    return AmpelZelle(ampel)


# -------------------------------------------------------------------------------------------- tables
@dataclass(frozen=True)
class Sp:
    """A table column: heading, share of the text width, right-aligned (amounts) or not.

    ``anteil`` is the designer's weight: a column gets at least the width of its widest unbreakable
    value and at most what its longest line needs; the weights share out the rest (:func:`spaltenbreiten`).
    ``eigene_zeile``: long free text (traffic-light reasons) that would run ten lines in a narrow
    column; it is printed in a full-width row under its row instead (italic, kept with the row).
    """

    titel: str
    anteil: float
    rechts: bool = False
    eigene_zeile: bool = False


_TRENNSTELLEN = re.compile(r"[^-/]+[-/]?|[-/]")
_LEERRAUM = re.compile(r"[ \t\r\f\v]+")


@functools.cache
def _silbentrenner() -> pyphen.Pyphen:
    return pyphen.Pyphen(lang="de_DE")


def _silben(stueck: str) -> list[str]:
    """A compound too long for its column cut at its German hyphenation points
    ("Knapp", "schafts", "aus", "gleichs", "leis", "tung"); the hyphen is added at a line end.

    The LibreOffice patterns pyphen ships also allow one-letter pieces inside compounds
    ("So-zi-a-l-ver…", "Go-ver-n-ment", "fol-ge-n-ab…"), which pyphen does not suppress; such a
    piece is joined to the one before it (the first to the one after), giving "So-zial-ver…",
    "Go-vern-ment", "fol-gen-ab…", and no break inside "OZG".
    """
    grenzen = [0, *_silbentrenner().positions(stueck), len(stueck)]
    teile: list[str] = []
    for teil in (stueck[a:b] for a, b in itertools.pairwise(grenzen)):
        if teile and (len(teil) == 1 or len(teile[-1]) == 1):
            teile[-1] += teil
        else:
            teile.append(teil)
    if len(teile) > 1 and len(teile[-1]) == 1:
        teile[-2:] = [teile[-2] + teile[-1]]
    return teile


def kuerzen(text: str, schrift: str, groesse: float, breite: float, zeilen: int, anhang: str = "") -> str:
    """``text`` cut at a word so that it, with „…“ and ``anhang`` (a reference to where the rest is),
    takes at most ``zeilen`` lines of ``breite``; unchanged if it fits. Values stay whole (a cut never
    falls inside „1.234,56 €“)."""
    def passt(x: str) -> bool:
        z = umbrechen(x, schrift, groesse, breite)
        return z is not None and len(z) <= zeilen

    if passt(text):
        return text
    ws = woerter(schuetzen(" ".join(text.split())))
    ende = f" …{' ' + anhang if anhang else ''}"
    unten, oben = 0, len(ws)  # the longest prefix that fits, by bisection
    while unten < oben:
        mitte = (unten + oben + 1) // 2
        if passt(" ".join(ws[:mitte]) + ende):
            unten = mitte
        else:
            oben = mitte - 1
    return (" ".join(ws[:unten]).rstrip(",;:–-") + ende).replace("\u00a0", " ").strip()


class _Messer:
    """Widths of words in one font and size, each distinct word measured once (a table repeats its
    Kennungen, "–", "ja" hundreds of times). Widths add up: reportlab applies no kerning.

    One per font and size for the whole process (:func:`_messer`): string widths never change, and
    a session's reports share most of their words."""

    #: Words kept before the cache starts afresh (a long session renders many reports).
    GRENZE = 200_000

    def __init__(self, schrift: str, groesse: float) -> None:
        self._messen = pdfmetrics.getFont(schrift).stringWidth
        self.schrift, self.groesse = schrift, groesse
        self._breiten: dict[str, float] = {}
        self.leer, self.bindestrich = self(" "), self("-")

    def __call__(self, wort: str) -> float:
        b = self._breiten.get(wort)
        if b is None:
            if len(self._breiten) > self.GRENZE:
                self._breiten.clear()
            b = self._breiten[wort] = self._messen(wort, self.groesse)
        return b


class _Mass(NamedTuple):
    """The measures of one cell text in one font (see :func:`tabelle`): the text with its values
    protected, its single line and width if it is one paragraph, the widest of its lines unbroken,
    its widest word and its widest unbreakable word (0.0: none); None where it has no words."""

    geschuetzt: str
    eine_zeile: tuple[str, float] | None
    laengste_zeile: float | None
    breitestes_wort: float | None
    breitester_wert: float

    @classmethod
    def von(cls, text: str, m: _Messer) -> _Mass:
        geschuetzt = schuetzen(text)
        eine = None
        zeile_max: float | None = None
        wort_max: float | None = None
        wert_max = 0.0
        for absatz_ in geschuetzt.split("\n"):
            ws = woerter(absatz_)
            if not ws:
                continue
            breiten_ = [m(x) for x in ws]
            linie = sum(breiten_) + m.leer * (len(ws) - 1)
            if absatz_ is geschuetzt:  # one paragraph: if its line fits the column, nothing to wrap
                eine = (" ".join(ws), linie)
            zeile_max = linie if zeile_max is None else max(zeile_max, linie)
            wort_max = max(breiten_) if wort_max is None else max(wort_max, *breiten_)
            for x, b in zip(ws, breiten_, strict=True):
                if b > wert_max and unteilbar(x):
                    wert_max = b
        return cls(geschuetzt, eine, zeile_max, wort_max, wert_max)


@functools.cache
def _messer(schrift: str, groesse: float) -> _Messer:
    return _Messer(schrift, groesse)


def unteilbar(wort: str) -> bool:
    """A word with a digit is a value – an amount, a date, a Kennung („BMAS-2024-05“), an OZG-ID, a
    Haushaltsstelle, „Q3/2026“ – and is never split: not at its hyphens, not by hyphenation."""
    return _ZIFFER.search(wort) is not None


def woerter(text: str) -> list[str]:
    """The words of one line of ``text``: blanks and tabs separate, no-break spaces do not."""
    return [w for w in _LEERRAUM.split(text) if w]


def umbrechen(text: str, schrift: str, groesse: float, breite: float, messer: _Messer | None = None,
              geschuetzt: bool = False) -> list[str] | None:
    """Greedy line breaking at blanks, inside long compounds after "-" or "/" (German titles like
    "Sozialversicherungsnummer-Service"), and where a word is still wider than the column at its
    German hyphenation points (pyphen, de_DE), with a hyphen at the line end; None if a syllable or an
    unbreakable value (:func:`unteilbar`) is still wider than the column.

    Each word is measured once and line widths are summed (reportlab's string widths add up, no
    kerning): measuring every candidate line made long texts quadratic in their words.
    """
    w = messer if messer is not None and (messer.schrift, messer.groesse) == (schrift, groesse) else _messer(schrift, groesse)
    # No glyph of a text font is narrower than a quarter em, so a longer text cannot fit on one line.
    hoechstens = breite / (0.25 * groesse)
    leer, bindestrich = w.leer, w.bindestrich
    zeilen: list[str] = []
    for absatz_ in (text if geschuetzt else schuetzen(text)).split("\n"):
        woerter_ = woerter(absatz_)
        ganz = " ".join(woerter_)
        if len(ganz) <= hoechstens and sum(map(w, woerter_)) + leer * max(0, len(woerter_) - 1) <= breite:
            zeilen.append(ganz)  # most cells: one line
            continue
        zeile, zeile_breite = "", 0.0
        offen = False  # the line ends inside a word split at a hyphenation point: print a hyphen if it breaks here
        for wort in woerter_:
            wort_breite = w(wort)
            if wort_breite <= breite:  # most words fit a line whole: the steps below, without splitting
                if not zeile:
                    zeile, zeile_breite = wort, wort_breite
                else:
                    kandidat = zeile_breite + leer + wort_breite
                    if kandidat <= breite:
                        zeile, zeile_breite = zeile + " " + wort, kandidat
                    else:
                        zeilen.append(zeile + ("-" if offen else ""))
                        zeile, zeile_breite = wort, wort_breite
                offen = False
                continue
            if unteilbar(wort):
                return None
            stuecke = [(x, w(x)) for x in _TRENNSTELLEN.findall(wort)]
            for i, (stueck, stueck_breite) in enumerate(stuecke):
                silben = [(stueck, stueck_breite, False)]
                if stueck_breite > breite:
                    teile = _silben(stueck)
                    silben = [(x, w(x), j + 1 < len(teile)) for j, x in enumerate(teile)]
                    if any(b + (bindestrich if weiter else 0.0) > breite for _x, b, weiter in silben):
                        return None
                for j, (silbe, silben_breite, weiter) in enumerate(silben):
                    trennen = i == 0 and j == 0 and bool(zeile)
                    kandidat = zeile_breite + (leer if trennen else 0.0) + silben_breite
                    # a syllable that is not the word's last needs room for the hyphen a break after it prints
                    if not zeile or kandidat + (bindestrich if weiter else 0.0) <= breite:
                        zeile += (" " if trennen else "") + silbe
                        zeile_breite = kandidat
                    else:
                        zeilen.append(zeile + ("-" if offen else ""))
                        zeile, zeile_breite = silbe, silben_breite
                    offen = weiter
        zeilen.append(zeile)
    return zeilen


#: Cell padding of :func:`tabelle` (points): left, right, top, bottom.
ZELL_RAND = (3, 3, 2, 2.5)


def _zellstil(fett: bool, rechts: bool, kursiv: bool = False) -> CellStyle:
    """One cell style shared by all cells of a kind (header/total bold, amounts right-aligned).

    Shared objects instead of reportlab's one style per cell set by TableStyle commands: that
    applied a dozen commands to each of thousands of cells and re-set the font for every cell
    drawn. Nothing may change these styles per cell later (no FONT/ALIGN/TEXTCOLOR commands on
    the table); lines and backgrounds are kept apart by reportlab and remain fine.
    """
    stil = CellStyle(f"ozgdesk{'-fett' if fett else ''}{'-kursiv' if kursiv else ''}")
    # Table's default would be unembedded Helvetica; a bold italic heading uses bold (no such font embedded)
    stil.fontname = SCHRIFT_FETT if fett else SCHRIFT_KURSIV if kursiv else SCHRIFT
    stil.fontsize, stil.leading = KLEIN.fontSize, KLEIN.leading
    stil.alignment, stil.valign = ("RIGHT" if rechts else "LEFT"), "TOP"
    stil.leftPadding, stil.rightPadding, stil.topPadding, stil.bottomPadding = ZELL_RAND
    return stil


#: A column is never narrower than this (points, padding included), even when it holds only "–".
MINDESTSPALTE = 20.0


def spaltenbreiten(anteile: Sequence[float], mindest: Sequence[float], bedarf: Sequence[float], breite: float,
                   werte: Sequence[bool] | None = None) -> list[float]:
    """Column widths that add up to ``breite``, from the content.

    Each column gets at least ``mindest`` (its widest unbreakable value – an amount, a date, a
    Kennung – so that none is ever split) and, while there is room, no more than ``bedarf`` (its
    longest line unbroken). Value columns (``werte``: amounts, dates, counts) ask for exactly their
    ``bedarf``; the text columns share what is left in proportion to ``anteile``. Space left over once
    every line fits is shared by ``anteile``; a shortfall is taken from the columns that have more
    than their minimum, in proportion to that surplus. Only if the minimums alone exceed ``breite``
    (a value as wide as the page) are they scaled.
    """
    n = len(anteile)
    if sum(mindest) >= breite:
        return [breite * m / sum(mindest) for m in mindest]
    werte = werte or [False] * n
    summe_anteile = sum(anteile) or 1.0
    text_anteile = sum(a for a, w in zip(anteile, werte, strict=True) if not w)
    frei = max(0.0, breite - sum(x for x, w in zip(bedarf, werte, strict=True) if w))
    ziel = [x if w else (frei * a / text_anteile if text_anteile else 0.0) for a, x, w in zip(anteile, bedarf, werte, strict=True)]
    b = [max(m, min(z, x)) for z, m, x in zip(ziel, mindest, bedarf, strict=True)]
    rest = breite - sum(b)
    if rest < 0:
        ueber = [x - m for x, m in zip(b, mindest, strict=True)]
        return [x + rest * u / sum(ueber) for x, u in zip(b, ueber, strict=True)]
    # give the rest to columns whose text still wraps, by weight, each up to its need
    for _ in range(n):
        hungrig = [i for i in range(n) if bedarf[i] - b[i] > 1e-6]
        if rest <= 1e-6 or not hungrig:
            break
        gewicht = sum(anteile[i] for i in hungrig) or float(len(hungrig))
        verteilt = 0.0
        for i in hungrig:
            zu = min(rest * (anteile[i] or 1.0) / gewicht, bedarf[i] - b[i])
            b[i] += zu
            verteilt += zu
        rest -= verteilt
    # a column a few points short of one line (its rows would wrap for nothing) takes them from the
    # column that wraps anyway
    for i in range(n):
        fehlt = bedarf[i] - b[i]
        spender = max(range(n), key=lambda k: bedarf[k] - b[k])
        if 1e-6 < fehlt <= 3.0 and spender != i and bedarf[spender] - b[spender] > fehlt \
                and b[spender] - fehlt >= mindest[spender]:
            b[i] += fehlt
            b[spender] -= fehlt
    if rest > 1e-6:  # every line fits: the table still spans the text width
        b = [x + rest * a / summe_anteile for x, a in zip(b, anteile, strict=True)]
    return b


#: Heading words up to this width (points) stay whole where the table width allows it.
WORT_GANZ = 90.0


def _ohne_silbentrennung(mindest: Sequence[float], wort: Sequence[float], breite: float) -> list[float]:
    """Minimum widths that also keep the headings' words whole („on-line“ reads badly): each column at
    least as wide as its heading's widest word up to a cap, the cap as high as the table width allows
    (at most :data:`WORT_GANZ`); 12 bisection steps find it to a hundredth of a point. Body text may
    hyphenate: a column of long names needs its width more than a short word its wholeness."""
    def mit(grenze: float) -> list[float]:
        return [max(m, min(w, grenze)) for m, w in zip(mindest, wort, strict=True)]

    if sum(mit(WORT_GANZ)) < breite:
        return mit(WORT_GANZ)
    unten, oben = 0.0, WORT_GANZ
    for _ in range(12):
        mitte = (unten + oben) / 2
        unten, oben = (mitte, oben) if sum(mit(mitte)) < breite else (unten, mitte)
    return mit(unten)


class _Angehaengt(list):
    """The cell styles of a row that must stay on the page of the row above it. reportlab hands each
    row's style list unchanged to every part of a split table, so the mark travels with the row."""


class _Tabelle(Table):
    """reportlab's Table that never breaks a page before a row marked :class:`_Angehaengt`.

    reportlab's own NOSPLIT command does the same, but it rebuilds a map of every cell for every
    part of the table – on a 200-project report a fifth of the whole rendering time."""

    def _getFirstPossibleSplitRowPosition(self, availHeight: float, ignoreSpans: int = 0) -> int:  # noqa: N802, N803
        n: int = super()._getFirstPossibleSplitRowPosition(availHeight, ignoreSpans)  # type: ignore[misc]
        stile = self._cellStyles  # type: ignore[attr-defined]
        while 0 < n < len(stile) and isinstance(stile[n], _Angehaengt):
            n -= 1
        return n

    def _drawCell(self, cellval: Any, cellstyle: CellStyle, pos: tuple[float, float],  # noqa: N802 (reportlab API)
                  size: tuple[float, float]) -> None:
        """A text cell written as the very PDF operators reportlab writes for it, each distinct
        text of a font encoded once per document.

        reportlab builds a text object per line of every cell (``drawString``), encodes the text
        into the embedded font's subsets and measures it again for right alignment; with thousands
        of cells that was a third of a long report's rendering time (bench/berichte.py), mostly
        spent on the same Kennungen, „–“ and figures. The output is byte for byte reportlab's
        (``tests/test_pdf_zellen.py`` compares); anything but a plain string in a TrueType font,
        left or right aligned at the top without links, goes the standard way. Whether a cell style
        qualifies is decided once per style (the table's shared styles never change, see _zellstil)."""
        canv: Any = self.canv  # reportlab's internals (_code, _doc, _escape) are not in its stubs
        font: Any = cellstyle.__dict__.get("_ozgdesk_schrift")
        if font is None:
            font = cellstyle.__dict__["_ozgdesk_schrift"] = _direkte_schrift(cellstyle)
        if font is False or cellval.__class__ is not str or not canv.bottomup:
            super()._drawCell(cellval, cellstyle, pos, size)  # type: ignore[misc]
            return
        cur = self._curcellstyle  # type: ignore[has-type]
        if cur is not cellstyle:  # reportlab's own style switch
            if cur is None or cellstyle.color != cur.color:
                canv.setFillColor(cellstyle.color)
            if cur is None or cellstyle.leading != cur.leading or cellstyle.fontname != cur.fontname \
                    or cellstyle.fontsize != cur.fontsize:
                canv.setFont(cellstyle.fontname, cellstyle.fontsize, cellstyle.leading)
            self._curcellstyle = cellstyle
        schrift, groesse, zeilenabstand = cellstyle.fontname, cellstyle.fontsize, cellstyle.leading
        # per document (the canvas) and font: line -> (PDF operators, width when right-aligned)
        texte: dict[tuple[str, float, float], dict[str, tuple[str, float]]] | None = canv.__dict__.get("_ozgdesk_texte")
        if texte is None:
            texte = canv.__dict__["_ozgdesk_texte"] = {}
        kodiert = texte.get((schrift, groesse, zeilenabstand))
        if kodiert is None:
            kodiert = texte[(schrift, groesse, zeilenabstand)] = {}
        colpos, rowpos = pos
        colwidth, rowheight = size
        rechts = cellstyle.alignment == "RIGHT"
        x = colpos + colwidth - cellstyle.rightPadding if rechts else colpos + cellstyle.leftPadding
        y = rowpos + rowheight - cellstyle.topPadding - groesse
        code = canv._code  # noqa: SLF001
        for zeile in cellval.split("\n"):
            fertig = kodiert.get(zeile)
            if fertig is None:
                # what PDFTextObject._formatText makes of the line: the subset font, then the bytes
                teile = []
                teilmenge = -1
                for nr, roh in font.splitString(zeile, canv._doc):  # noqa: SLF001
                    if nr != teilmenge:
                        teile.append(f"{font.getSubsetInternalName(nr, canv._doc)} {fp_str(groesse)} Tf "  # noqa: SLF001
                                     f"{fp_str(zeilenabstand)} TL")
                        teilmenge = nr
                    teile.append(f"({canv._escape(roh)}) Tj")  # noqa: SLF001
                fertig = kodiert[zeile] = (" ".join(teile), font.stringWidth(zeile, groesse) if rechts else 0.0)
            text, breite = fertig
            if rechts and not breite and zeile:  # first seen left-aligned: measure now
                breite = font.stringWidth(zeile, groesse)
                kodiert[zeile] = (text, breite)
            code.append(f"BT 1 0 0 1 {fp_str(x - breite if rechts else x, y)} Tm {text} T* ET")
            y -= zeilenabstand


def _direkte_schrift(stil: CellStyle) -> Any:
    """The TrueType font whose text :meth:`_Tabelle._drawCell` writes itself for cells of this
    style, or False if the style needs reportlab's own way (alignment, direction, shaping, links)."""
    if stil.valign != "TOP" or stil.alignment not in ("LEFT", "RIGHT") or stil.direction or stil.shaping \
            or stil.href or stil.destination:
        return False
    font: Any = pdfmetrics.getFont(stil.fontname)
    return font if font._dynamicFont else False  # noqa: SLF001 - TrueType (subset-embedded) fonts only


def _zellinhalt(wert: object) -> object:
    return "" if wert is None else wert if isinstance(wert, Flowable) else str(wert)


class _MitFortsetzung(Flowable):
    """A project's table whose parts on following pages carry a caption „BMAS-2024-05 … (Fortsetzung)“
    above the repeated header row, so a reader of any page knows whose rows these are."""

    hAlign = "LEFT"

    def __init__(self, tab: Flowable, titel: str, fortgesetzt: bool = False) -> None:
        super().__init__()
        self.tabelle, self.titel, self.fortgesetzt = tab, titel, fortgesetzt
        self._kopf: Paragraph | None = None
        if fortgesetzt:  # one line: the Kennung and as much of the title as fits
            text = kuerzen(titel, FORTSETZUNG.fontName, FORTSETZUNG.fontSize,
                           SATZBREITE - stringWidth(" (Fortsetzung)", FORTSETZUNG.fontName, FORTSETZUNG.fontSize), 1)
            self._kopf = Paragraph(t(f"{text} (Fortsetzung)"), FORTSETZUNG)
        self._kopf_hoehe = 0.0

    def _kopf_messen(self, breite: float, hoehe: float) -> float:
        if self._kopf is None:
            return 0.0
        return self._kopf.wrap(breite, hoehe)[1] + FORTSETZUNG.spaceAfter

    def wrap(self, breite: float, hoehe: float) -> tuple[float, float]:
        self._kopf_hoehe = self._kopf_messen(breite, hoehe)
        b, h = self.tabelle.wrap(breite, hoehe - self._kopf_hoehe)
        self.width, self.height = b, h + self._kopf_hoehe
        return self.width, self.height

    def split(self, breite: float, hoehe: float) -> list[Flowable]:
        teile = self.tabelle.split(breite, hoehe - self._kopf_messen(breite, hoehe))
        if not teile:
            return []
        return [_MitFortsetzung(teile[0], self.titel, self.fortgesetzt),
                *(_MitFortsetzung(x, self.titel, True) for x in teile[1:])]

    def draw(self) -> None:
        # the caption first: the text layer (copying, screen readers) reads it before the rows
        if self._kopf is not None:
            self._kopf.drawOn(self.canv, 0, self.height - self._kopf_hoehe + FORTSETZUNG.spaceAfter)
        self.tabelle.drawOn(self.canv, 0, 0)


def tabelle(spalten: Sequence[Sp], zeilen: Sequence[Sequence[object]], *, summe: Sequence[object] | None = None,
            breite: float = SATZBREITE, fortsetzung: str = "") -> Flowable:
    """A table whose header repeats on every page; long texts wrap inside their cell.

    Cells may be strings (wrapped as paragraphs) or ready flowables (e.g. :func:`ampel_zelle`).
    ``summe`` is an optional bold total row. Column widths come from the content
    (:func:`spaltenbreiten`); a column marked ``eigene_zeile`` becomes a full-width row under each
    row that has such text. ``fortsetzung`` names the project the table belongs to: on every
    following page its rows continue under „<fortsetzung> (Fortsetzung)“.
    """
    normal_i = [i for i, s in enumerate(spalten) if not s.eigene_zeile]
    extra_i = [i for i, s in enumerate(spalten) if s.eigene_zeile]
    sp = [spalten[i] for i in normal_i]
    rand_lr, rand_ob = ZELL_RAND[0] + ZELL_RAND[1], ZELL_RAND[3] + ZELL_RAND[2]
    messer, messer_fett = _messer(SCHRIFT, KLEIN.fontSize), _messer(SCHRIFT_FETT, KLEIN.fontSize)

    kopf = [[s.titel for s in sp]]
    koerper = [[_zellinhalt(z[i]) for i in normal_i] for z in zeilen]
    fuss = [[_zellinhalt(summe[i]) for i in normal_i]] if summe is not None else []

    # ---- measure: per column the widest unbreakable value and the longest unbroken line
    mindest = [MINDESTSPALTE] * len(sp)
    wort = [0.0] * len(sp)  # the widest word of each heading
    bedarf = [MINDESTSPALTE] * len(sp)
    eine_zeile: dict[_Messer, dict[str, tuple[str, float]]] = {messer: {}, messer_fett: {}}
    # each distinct text of the table measured once: a column repeats „–“, „0“, „ja“, its Kennungen
    massen: dict[_Messer, dict[str, _Mass]] = {messer: {}, messer_fett: {}}
    for zeilen_, m in ((kopf, messer_fett), (koerper, messer), (fuss, messer_fett)):
        ist_kopf = zeilen_ is kopf
        eine_m, massen_m = eine_zeile[m], massen[m]
        for zeile in zeilen_:
            for j, wert in enumerate(zeile):
                if isinstance(wert, Flowable):
                    b = wert.wrap(SATZBREITE, 100)[0] + rand_lr if isinstance(wert, AmpelZelle) else 0.0
                    mindest[j] = max(mindest[j], b)
                    bedarf[j] = max(bedarf[j], b)
                    continue
                text = str(wert)
                mass = massen_m.get(text)
                if mass is None:
                    mass = massen_m[text] = _Mass.von(text, m)
                zeile[j] = wert = mass.geschuetzt  # once: the wrapping below reuses it
                if mass.laengste_zeile is None:  # no words
                    continue
                if mass.eine_zeile is not None:
                    eine_m[wert] = mass.eine_zeile
                if ist_kopf:
                    breitestes: float = mass.breitestes_wort  # type: ignore[assignment]  # set with laengste_zeile
                    wort[j] = max(wort[j], breitestes + rand_lr + 0.5)
                    # a value column's heading may wrap between its words: it asks for its widest word;
                    # any other heading may hyphenate, its column is sized by the values
                    bedarf[j] = max(bedarf[j], (breitestes if sp[j].rechts else mass.laengste_zeile) + rand_lr + 0.5)
                    continue
                bedarf[j] = max(bedarf[j], mass.laengste_zeile + rand_lr + 0.5)
                # the widest value that must not be broken (amounts, dates, Kennungen)
                mindest[j] = max(mindest[j], mass.breitester_wert + rand_lr + 0.5)
    breiten = spaltenbreiten([s.anteil for s in sp], _ohne_silbentrennung(mindest, wort, breite), bedarf, breite,
                             [s.rechts for s in sp])

    grenzen = [platz - rand_lr - 0.5 for platz in breiten]  # the room for text in each column

    def zelle(wert: object, s: Sp, grenze: float, fett: bool) -> tuple[object, float | None]:
        """The cell's content and its text height (None: only reportlab can measure it)."""
        if wert.__class__ is not str:  # measured above: every cell but a flowable is a str now
            if isinstance(wert, AmpelZelle):
                return wert, KLEIN.leading
            if isinstance(wert, Flowable):
                return wert, None
        text: str = str(wert)
        if not text:
            return text, KLEIN.leading  # what umbrechen makes of it: one empty line
        # Plain (multi-line) strings instead of Paragraphs: a Paragraph costs ~50× more to lay out
        # and long tables are re-measured at every page break (see bench/berichte.py). Only a
        # piece wider than the column even after breaking at hyphens falls back to a Paragraph.
        m = messer_fett if fett else messer
        zeile1 = eine_zeile[m].get(text)
        if zeile1 is not None and zeile1[1] <= grenze:  # most cells: measured above, one line
            return zeile1[0], KLEIN.leading
        zeilen_ = umbrechen(text, m.schrift, KLEIN.fontSize, grenze, m, geschuetzt=True)
        if zeilen_ is not None:
            return "\n".join(zeilen_), KLEIN.leading * len(zeilen_)
        stil = (KLEIN_FETT_RECHTS if s.rechts else KLEIN_FETT) if fett else (KLEIN_RECHTS if s.rechts else KLEIN)
        return Paragraph(t(text), stil), None

    normal = [_zellstil(False, s.rechts) for s in sp]
    fett_ = [_zellstil(True, s.rechts) for s in sp]
    kursiv = [_zellstil(False, False, kursiv=True)] * len(sp)
    # rows that stay on the page of the row above: a full-width row, the total
    kursiv_angehaengt, fett_angehaengt = _Angehaengt(kursiv), _Angehaengt(fett_)
    daten: list[list[Any]] = []
    hoehen: list[float | None] = []
    stile: list[list[CellStyle]] = []
    linien: list[int] = []  # rows with a thin line below

    def zeile_(werte: Sequence[object], fett: bool) -> None:
        inhalt: list[object] = []
        hoehe: float | None = 0.0
        for w, s, grenze in zip(werte, sp, grenzen, strict=True):
            z, h = zelle(w, s, grenze, fett)
            inhalt.append(z)
            if h is None:
                hoehe = None
            elif hoehe is not None and h > hoehe:
                hoehe = h
        daten.append(inhalt)
        # Row heights known here need no measuring by reportlab (which it repeats at page breaks).
        hoehen.append(hoehe + rand_ob if hoehe is not None else None)
        stile.append(fett_ if fett else normal)

    def volle_zeile(text: str, stile_: list[CellStyle]) -> None:
        """Text across the whole row, drawn from its first cell (reportlab does not clip a cell's
        text; a SPAN would make it rebuild a map of every cell for every page of the table)."""
        zeilen_ = umbrechen(text, SCHRIFT_KURSIV, KLEIN.fontSize, breite - rand_lr - 0.5) or [text]
        daten.append(["\n".join(zeilen_)] + [""] * (len(sp) - 1))
        hoehen.append(KLEIN.leading * len(zeilen_) + rand_ob)
        stile.append(stile_)

    zeile_(kopf[0], True)
    for i in extra_i:  # the header names the full-width rows in an italic header line of their own
        volle_zeile(spalten[i].titel, kursiv)
    wiederholt = len(daten)
    for roh, werte in zip(zeilen, koerper, strict=True):
        zeile_(werte, False)
        for i in extra_i:
            text = "" if roh[i] is None else str(roh[i]).strip()
            if text:
                volle_zeile(text, kursiv_angehaengt)
        linien.append(len(daten) - 1)
    if summe is not None:
        zeile_(fuss[0], True)
        if len(daten) - wiederholt > 1:  # the total never stands alone on a page: it keeps the last row
            stile[-1] = fett_angehaengt
    # Not LongTable: it reports only the first page's height, which defeats keeping the heading
    # above with the table's first rows.
    # normalizedData: every cell is a str or a flowable already; reportlab's pass over all cells is skipped
    tab = _Tabelle(daten, colWidths=breiten, rowHeights=hoehen, repeatRows=wiederholt, hAlign="LEFT", cellStyles=stile,
                   normalizedData=1)
    stil: list[Any] = [
        ("BACKGROUND", (0, 0), (-1, wiederholt - 1), GRAU_KOPF),
        ("LINEBELOW", (0, wiederholt - 1), (-1, wiederholt - 1), 0.8, colors.black),
    ]
    for a, e in _bereiche(linien):
        stil.append(("LINEBELOW", (0, a), (-1, e), 0.25, GRAU_LINIE))
    if summe is not None:
        stil.append(("LINEABOVE", (0, -1), (-1, -1), 0.8, colors.black))
    tab.setStyle(TableStyle(stil))
    return _MitFortsetzung(tab, fortsetzung) if fortsetzung else tab


def _bereiche(zahlen: Sequence[int]) -> list[tuple[int, int]]:
    """Consecutive runs of ascending ``zahlen`` as (first, last): one line command per run."""
    bereiche: list[tuple[int, int]] = []
    for z in zahlen:
        if bereiche and bereiche[-1][1] == z - 1:
            bereiche[-1] = (bereiche[-1][0], z)
        else:
            bereiche.append((z, z))
    return bereiche


def schluessel_werte(paare: Sequence[tuple[str, object]], anteil_links: float = 0.3) -> Table:
    """Two-column "label: value" block (applicant data, project facts)."""
    daten = [[Paragraph(t(k), KLEIN_FETT), v if isinstance(v, Flowable) else Paragraph(t(v), KLEIN)] for k, v in paare]
    tab = Table(daten, colWidths=[SATZBREITE * anteil_links, SATZBREITE * (1 - anteil_links)], hAlign="LEFT")
    tab.setStyle(TableStyle([
        ("FONTNAME", (0, 0), (-1, -1), SCHRIFT),  # Table's default would pull in unembedded Helvetica
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LINEBELOW", (0, 0), (-1, -1), 0.25, GRAU_LINIE),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]))
    return tab


def zusammen(*teile: Flowable) -> KeepTogether:
    return KeepTogether(list(teile))


class _Abschnitt(KeepTogether):
    """Headings (and what is marked :func:`haftend`) kept on the page with the start of the flowable
    after them: the first rows of a table (with its header), the first lines of a paragraph.

    reportlab's keepWithNext glues a heading to the *whole* next flowable, which pushes a table
    that would start here to the next page and leaves a gap; a fixed space reserved below a heading
    fails when the first row is taller than that space. Here the next flowable is asked to split into
    the room left under the headings; if its first part fits, everything starts here, otherwise
    everything starts on the next page. On an empty page nothing is gained by moving on, so the
    content is laid out as it comes.
    """

    def __init__(self, kopf: list[Flowable], rest: Flowable) -> None:
        super().__init__([*kopf, rest])
        self._kopf, self._rest = kopf, rest

    def split(self, breite: float, hoehe: float) -> list[Flowable]:
        if getattr(self, "_wrapInfo", None) != (breite, hoehe):
            self.wrap(breite, hoehe)
        inhalt: list[Flowable] = list(getattr(self, "_content"))  # noqa: B009 (KeepTogether's, not in the stubs)
        rahmen = getattr(self, "_frame", None)
        if getattr(self, "_H") <= hoehe or (rahmen is not None and rahmen._atTop):  # noqa: B009
            return inhalt
        kopf_hoehe = _listWrapOn(self._kopf, breite, self.canv)[1]
        kopf_hoehe += max(self._kopf[-1].getSpaceAfter(), self._rest.getSpaceBefore())
        platz = hoehe - kopf_hoehe - 1  # 1 pt for rounding in the frame's own bookkeeping
        if platz > 0:
            teile = self._rest.split(breite, platz)
            if teile and not hasattr(teile[0], "frameAction") and teile[0].wrap(breite, platz)[1] <= platz:
                return [*self._kopf, *teile]
        return [FrameBreak(), *inhalt]


def _zusammenhalten(inhalt: Sequence[Flowable]) -> list[Flowable]:
    """Every heading (and everything :func:`haftend`) grouped with what follows it (:class:`_Abschnitt`):
    no heading ends a page, a project's name never stands apart from its table."""
    ergebnis: list[Flowable] = []
    kopf: list[Flowable] = []
    for f in inhalt:
        if getattr(f, "haftet", False):
            kopf.append(f)
        elif kopf and not hasattr(f, "frameAction"):  # a page break is no content to keep with
            ergebnis.append(_Abschnitt(kopf, f))
            kopf = []
        else:
            ergebnis += kopf
            ergebnis.append(f)
            kopf = []
    return ergebnis + kopf


def abstand(hoehe_mm: float = 4) -> Spacer:
    return Spacer(1, hoehe_mm * mm)


# ---------------------------------------------------------------------------------------- page frame
def _kopf_zeichnen(c: rl_canvas.Canvas, kopf: Kopf, seite: tuple[float, float] = A4) -> None:
    """Header and footer as they are on every page, except the page number."""
    breite, hoehe = seite
    links, rechts = RAND_LINKS, breite - RAND_RECHTS
    c.saveState()
    y = hoehe - 14 * mm
    if kopf.kennzeichnung:
        c.setFont(SCHRIFT_FETT, 8.5)
        c.drawCentredString(breite / 2, hoehe - 8 * mm, kopf.kennzeichnung)
    c.setFont(SCHRIFT_FETT, 9)
    c.drawString(links, y, kopf.ressort)
    c.setFont(SCHRIFT, 8)
    c.drawRightString(rechts, y, f"Stand: {format_datum(kopf.stand)}")
    y -= 11
    c.drawString(links, y, kopf.referat)
    if kopf.aktenzeichen:
        c.drawRightString(rechts, y, f"Az.: {kopf.aktenzeichen}")
    y -= 11
    c.setFont(SCHRIFT, 8)
    c.drawString(links, y, f"{kopf.titel} – {kopf.zeitraum}" if kopf.zeitraum else kopf.titel)
    c.setLineWidth(0.6)
    c.line(links, y - 5, rechts, y - 5)
    # footer
    c.line(links, RAND_UNTEN - 6 * mm, rechts, RAND_UNTEN - 6 * mm)
    c.setFont(SCHRIFT, 7.5)
    c.drawString(links, _FUSS_Y, f"{kopf.titel} · {kopf.zeitraum}" if kopf.zeitraum else kopf.titel)
    if kopf.kennzeichnung:
        c.setFont(SCHRIFT_FETT, 8.5)
        c.drawCentredString(breite / 2, 8 * mm, kopf.kennzeichnung)
    c.restoreState()


_FUSS_Y = RAND_UNTEN - 10 * mm


def _seitenzahl_zeichnen(c: rl_canvas.Canvas, seite: int, seiten: int, breite: float = A4[0]) -> None:
    c.saveState()
    c.setFont(SCHRIFT, 7.5)
    c.drawRightString(breite - RAND_RECHTS, _FUSS_Y, f"Seite {seite} von {seiten}")
    c.restoreState()


def _wasserzeichen(c: rl_canvas.Canvas, _doc: object) -> None:
    c.saveState()
    c.setFillColor(colors.Color(0.55, 0.55, 0.55, alpha=0.25))
    c.setFont(SCHRIFT_FETT, 96)
    c.translate(A4[0] / 2, A4[1] / 2)
    c.rotate(50)
    c.drawCentredString(0, -30, "ENTWURF")
    c.restoreState()


def _nichts(_c: rl_canvas.Canvas, _doc: object) -> None:
    pass


def _canvas_klasse(kopf: Kopf, format_: tuple[float, float] = A4) -> type[rl_canvas.Canvas]:
    """Canvas that keeps the pages until the end so the footer can say "Seite X von Y"."""

    class _SeitenCanvas(rl_canvas.Canvas):
        def __init__(self, *a: object, **kw: object) -> None:
            super().__init__(*a, **kw)  # type: ignore[arg-type]
            self._seiten: list[dict] = []

        def showPage(self) -> None:  # noqa: N802 (reportlab API)
            self._seiten.append(dict(self.__dict__))
            self._startPage()  # type: ignore[attr-defined]  # reportlab's own reset after a page; not in its stubs

        def save(self) -> None:
            # Header and footer are the same on every page but the number: drawn once as a PDF
            # form (XObject) and placed on each page (a long report has dozens of pages).
            self.beginForm("ozgdeskKopfFuss")
            _kopf_zeichnen(self, kopf, format_)
            self.endForm()
            anzahl = len(self._seiten)
            for nr, zustand in enumerate(self._seiten, start=1):
                self.__dict__.update(zustand)
                self.doForm("ozgdeskKopfFuss")
                _seitenzahl_zeichnen(self, nr, anzahl, format_[0])
                super().showPage()
            super().save()

    return _SeitenCanvas


def pdf_erzeugen(kopf: Kopf, inhalt: list[Flowable], seite: tuple[float, float] = A4) -> bytes:
    """Render the flowables in the common frame; returns the PDF bytes. ``seite``: the page size
    (A4 portrait; the Zeitleiste prints landscape, A4 or A3), the margins stay the same.

    ``invariant`` makes the bytes depend only on the content (no creation timestamp or random id),
    so a submission's SHA-256 can be reproduced from its frozen snapshot.
    """
    schriften_laden()
    inhalt = _zusammenhalten(inhalt)
    puffer = io.BytesIO()
    doc = BaseDocTemplate(
        puffer, pagesize=seite, leftMargin=RAND_LINKS, rightMargin=RAND_RECHTS, topMargin=RAND_OBEN,
        bottomMargin=RAND_UNTEN, title=f"{kopf.titel} – {kopf.zeitraum}" if kopf.zeitraum else kopf.titel,
        author=kopf.autor or kopf.ressort, subject=kopf.betreff or kopf.titel, creator="ozgdesk",
        producer="ozgdesk (reportlab)", lang="de-DE", invariant=1, displayDocTitle=1,
        initialFontName=SCHRIFT, initialFontSize=9,
    )
    rahmen = Frame(RAND_LINKS, RAND_UNTEN, seite[0] - RAND_LINKS - RAND_RECHTS, seite[1] - RAND_OBEN - RAND_UNTEN, id="satz",
                   leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
    doc.addPageTemplates([PageTemplate(id="seite", frames=[rahmen], onPage=_wasserzeichen if kopf.entwurf else _nichts)])
    doc.build(inhalt, canvasmaker=_canvas_klasse(kopf, seite))
    # final documents become PDF/A-2b; drafts get the same metadata without that claim
    return pdfa.abschliessen(puffer.getvalue(), stand=kopf.stand, archiv=not kopf.entwurf)
