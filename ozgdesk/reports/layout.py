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
from typing import Any
from xml.sax.saxutils import escape

import pyphen
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
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
    KeepTogether,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)
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
EINLEITUNG = _stil("einleitung", spaceAfter=4)

#: Space that must remain below a heading; otherwise it starts on the next page.
MINDESTREST = 30 * mm


class _Ueberschrift(Paragraph):
    """A heading (or table intro) that never stands alone at the bottom of a page.

    reportlab's keepWithNext would glue it to the whole following table and push a table that
    fits on one page entirely to the next page, leaving a blank page behind; here the heading only
    asks for :data:`MINDESTREST` below it and the table may split as usual.
    """

    def wrap(self, breite: float, hoehe: float) -> tuple[float, float]:
        b, h = super().wrap(breite, hoehe)
        if hoehe < h + MINDESTREST:
            return b, hoehe + 1  # does not fit here: the frame moves it to the next page
        return b, h

    def split(self, breite: float, hoehe: float) -> list:
        return []
HINWEIS = _stil("hinweis", fontName=SCHRIFT_KURSIV, fontSize=8, leading=10.5, textColor=colors.HexColor("#424242"),
                spaceAfter=4)


def t(text: object) -> str:
    """User text made safe for reportlab's mini-markup; line breaks kept."""
    return escape("" if text is None else str(text)).replace("\n", "<br/>")


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
    """A table column: heading, share of the text width, right-aligned (amounts) or not."""

    titel: str
    anteil: float
    rechts: bool = False


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


def umbrechen(text: str, schrift: str, groesse: float, breite: float) -> list[str] | None:
    """Greedy line breaking at blanks, inside long compounds after "-" or "/" (German titles like
    "Sozialversicherungsnummer-Service"), and where a word is still wider than the column at its
    German hyphenation points (pyphen, de_DE), with a hyphen at the line end; None if a syllable is
    still wider than the column.

    Each word is measured once and line widths are summed (reportlab's string widths add up, no
    kerning): measuring every candidate line made long texts quadratic in their words.
    """
    messen = pdfmetrics.getFont(schrift).stringWidth

    def w(x: str) -> float:
        return messen(x, groesse)

    # No glyph of a text font is narrower than a quarter em, so a longer text cannot fit on one line.
    hoechstens = breite / (0.25 * groesse)
    leer, bindestrich = w(" "), w("-")
    zeilen: list[str] = []
    for absatz_ in text.split("\n"):
        # blanks and tabs separate words, no-break spaces do not ("1.234,56\u00a0€" stays whole)
        woerter = [w for w in _LEERRAUM.split(absatz_) if w]
        ganz = " ".join(woerter)
        if len(ganz) <= hoechstens and w(ganz) <= breite:  # most cells: one line, one measurement
            zeilen.append(ganz)
            continue
        zeile, zeile_breite = "", 0.0
        offen = False  # the line ends inside a word split at a hyphenation point: print a hyphen if it breaks here
        for wort in woerter:
            wort_breite = w(wort)
            stuecke = [(x, w(x)) for x in _TRENNSTELLEN.findall(wort)] if wort_breite > breite else [(wort, wort_breite)]
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


def _zellstil(fett: bool, rechts: bool) -> CellStyle:
    """One cell style shared by all cells of a kind (header/total bold, amounts right-aligned).

    Shared objects instead of reportlab's one style per cell set by TableStyle commands: that
    applied a dozen commands to each of thousands of cells and re-set the font for every cell
    drawn. Nothing may change these styles per cell later (no FONT/ALIGN/TEXTCOLOR commands on
    the table); lines and backgrounds are kept apart by reportlab and remain fine.
    """
    stil = CellStyle("ozgdesk-fett" if fett else "ozgdesk")
    stil.fontname = SCHRIFT_FETT if fett else SCHRIFT  # Table's default would be unembedded Helvetica
    stil.fontsize, stil.leading = KLEIN.fontSize, KLEIN.leading
    stil.alignment, stil.valign = ("RIGHT" if rechts else "LEFT"), "TOP"
    stil.leftPadding, stil.rightPadding, stil.topPadding, stil.bottomPadding = ZELL_RAND
    return stil


def tabelle(spalten: Sequence[Sp], zeilen: Sequence[Sequence[object]], *, summe: Sequence[object] | None = None,
            breite: float = SATZBREITE) -> Table:
    """A table whose header repeats on every page; long texts wrap inside their cell.

    Cells may be strings (wrapped as paragraphs) or ready flowables (e.g. :func:`ampel_zelle`).
    ``summe`` is an optional bold total row.
    """
    gesamt = sum(s.anteil for s in spalten)
    breiten = [breite * s.anteil / gesamt for s in spalten]
    rand_lr, rand_ob = ZELL_RAND[0] + ZELL_RAND[1], ZELL_RAND[3] + ZELL_RAND[2]

    def zelle(wert: object, s: Sp, platz: float, fett: bool = False) -> tuple[object, float | None]:
        """The cell's content and its text height (None: only reportlab can measure it)."""
        if isinstance(wert, AmpelZelle):
            return wert, KLEIN.leading
        if isinstance(wert, Flowable):
            return wert, None
        text = "" if wert is None else str(wert)
        # Plain (multi-line) strings instead of Paragraphs: a Paragraph costs ~50× more to lay out
        # and long tables are re-measured at every page break (see bench/berichte.py). Only a
        # piece wider than the column even after breaking at hyphens falls back to a Paragraph.
        schrift = SCHRIFT_FETT if fett else SCHRIFT
        zeilen_ = umbrechen(text, schrift, KLEIN.fontSize, platz - rand_lr - 0.5)
        if zeilen_ is not None:
            return "\n".join(zeilen_), KLEIN.leading * len(zeilen_)
        stil = (KLEIN_FETT_RECHTS if s.rechts else KLEIN_FETT) if fett else (KLEIN_RECHTS if s.rechts else KLEIN)
        return Paragraph(t(text), stil), None

    normal = [_zellstil(False, s.rechts) for s in spalten]
    fett_ = [_zellstil(True, s.rechts) for s in spalten]
    daten: list[list[object]] = []
    hoehen: list[float | None] = []
    stile: list[list[CellStyle]] = []

    def zeile_(werte: Sequence[object], fett: bool) -> None:
        zellen = [zelle(w, s, b, fett) for w, s, b in zip(werte, spalten, breiten, strict=True)]
        daten.append([z for z, _ in zellen])
        h = [h for _, h in zellen if h is not None]
        # Row heights known here need no measuring by reportlab (which it repeats at page breaks).
        hoehen.append(max(h) + rand_ob if len(h) == len(zellen) else None)
        stile.append(fett_ if fett else normal)

    zeile_([s.titel for s in spalten], True)
    for z in zeilen:
        zeile_(z, False)
    if summe is not None:
        zeile_(summe, True)
    # Not LongTable: it reports only the first page's height, which defeats keepWithNext of the
    # heading above (the heading then moves alone to a new page).
    tab = Table(daten, colWidths=breiten, rowHeights=hoehen, repeatRows=1, hAlign="LEFT", cellStyles=stile)
    stil: list[Any] = [
        ("BACKGROUND", (0, 0), (-1, 0), GRAU_KOPF),
        ("LINEBELOW", (0, 0), (-1, 0), 0.8, colors.black),
        ("LINEBELOW", (0, 1), (-1, -1), 0.25, GRAU_LINIE),
    ]
    if summe is not None:
        stil.append(("LINEABOVE", (0, -1), (-1, -1), 0.8, colors.black))
    tab.setStyle(TableStyle(stil))
    return tab


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


def abstand(hoehe_mm: float = 4) -> Spacer:
    return Spacer(1, hoehe_mm * mm)


# ---------------------------------------------------------------------------------------- page frame
def _kopf_zeichnen(c: rl_canvas.Canvas, kopf: Kopf) -> None:
    """Header and footer as they are on every page, except the page number."""
    breite, hoehe = A4
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


def _seitenzahl_zeichnen(c: rl_canvas.Canvas, seite: int, seiten: int) -> None:
    c.saveState()
    c.setFont(SCHRIFT, 7.5)
    c.drawRightString(A4[0] - RAND_RECHTS, _FUSS_Y, f"Seite {seite} von {seiten}")
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


def _canvas_klasse(kopf: Kopf) -> type[rl_canvas.Canvas]:
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
            _kopf_zeichnen(self, kopf)
            self.endForm()
            anzahl = len(self._seiten)
            for nr, zustand in enumerate(self._seiten, start=1):
                self.__dict__.update(zustand)
                self.doForm("ozgdeskKopfFuss")
                _seitenzahl_zeichnen(self, nr, anzahl)
                super().showPage()
            super().save()

    return _SeitenCanvas


def pdf_erzeugen(kopf: Kopf, inhalt: list[Flowable]) -> bytes:
    """Render the flowables in the common frame; returns the PDF bytes.

    ``invariant`` makes the bytes depend only on the content (no creation timestamp or random id),
    so a submission's SHA-256 can be reproduced from its frozen snapshot.
    """
    schriften_laden()
    puffer = io.BytesIO()
    doc = BaseDocTemplate(
        puffer, pagesize=A4, leftMargin=RAND_LINKS, rightMargin=RAND_RECHTS, topMargin=RAND_OBEN,
        bottomMargin=RAND_UNTEN, title=f"{kopf.titel} – {kopf.zeitraum}" if kopf.zeitraum else kopf.titel,
        author=kopf.autor or kopf.ressort, subject=kopf.betreff or kopf.titel, creator="ozgdesk",
        producer="ozgdesk (reportlab)", lang="de-DE", invariant=1, displayDocTitle=1,
        initialFontName=SCHRIFT, initialFontSize=9,
    )
    rahmen = Frame(RAND_LINKS, RAND_UNTEN, SATZBREITE, A4[1] - RAND_OBEN - RAND_UNTEN, id="satz",
                   leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
    doc.addPageTemplates([PageTemplate(id="seite", frames=[rahmen], onPage=_wasserzeichen if kopf.entwurf else _nichts)])
    doc.build(inhalt, canvasmaker=_canvas_klasse(kopf))
    # final documents become PDF/A-2b; drafts get the same metadata without that claim
    return pdfa.abschliessen(puffer.getvalue(), stand=kopf.stand, archiv=not kopf.entwurf)
