"""PDF of an Änderungsanforderung to the OZG-Umsetzungskatalog (A4, federal-administration style).

Deliberately small and self-contained: the shared document template (header, footer, fonts) is
built elsewhere and this function will move onto it. Until then it registers DejaVu Sans from
``resources/fonts`` itself (embedded, full German glyphs) and draws the header (Ressort, Referat,
Stand, optional protective marking) and the footer (marking, "Seite X von Y") on every page.
"""

from __future__ import annotations

import io
from datetime import date
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from ozgdesk.model.katalogimport.anforderung import AnforderungDaten, betreffzeile
from ozgdesk.model.values import format_datum
from ozgdesk.paths import resources

SCHRIFT = "DejaVuSans"
SCHRIFT_FETT = "DejaVuSans-Bold"


def _schriften() -> None:
    if SCHRIFT in pdfmetrics.getRegisteredFontNames():
        return
    ordner = resources() / "fonts"
    pdfmetrics.registerFont(TTFont(SCHRIFT, str(ordner / "DejaVuSans.ttf")))
    pdfmetrics.registerFont(TTFont(SCHRIFT_FETT, str(ordner / "DejaVuSans-Bold.ttf")))


def _absatz(text: str, stil: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(text).replace("\n", "<br/>"), stil)


def pdf_erzeugen(d: AnforderungDaten, *, kennzeichnung: str | None = None, stand: date | None = None) -> bytes:
    """The request as PDF bytes. ``kennzeichnung`` e.g. "VS – NUR FÜR DEN DIENSTGEBRAUCH"."""
    _schriften()
    stand = stand or d.erstellt_am
    normal = ParagraphStyle("normal", fontName=SCHRIFT, fontSize=10, leading=14)
    klein = ParagraphStyle("klein", parent=normal, fontSize=8.5, leading=11, textColor=colors.HexColor("#333333"))
    fett = ParagraphStyle("fett", parent=normal, fontName=SCHRIFT_FETT)
    titel = ParagraphStyle("titel", parent=normal, fontName=SCHRIFT_FETT, fontSize=15, leading=19, spaceAfter=4)
    abschnitt = ParagraphStyle("abschnitt", parent=fett, fontSize=11, leading=15, spaceBefore=10, spaceAfter=3)

    inhalt: list[Any] = [
        _absatz("Änderungsanforderung zum OZG-Umsetzungskatalog", titel),
        _absatz(f"{d.art_label} – Kennung {d.kennung}", normal),
        Spacer(1, 5 * mm),
    ]
    zeilen = [
        ("An", d.empfaenger),
        ("Absender", f"{d.ressort}" + (f", {d.referat}" if d.referat else "")),
        ("Art der Änderung", d.art_label),
    ]
    if d.ozg_id:
        zeilen.append(("OZG-Leistung", f"{d.ozg_id} – {d.leistung}"))
        einordnung = " / ".join(x for x in (d.themenfeld, d.lage) if x)
        if einordnung:
            zeilen.append(("Themenfeld / Lage", einordnung))
        if d.typ:
            zeilen.append(("Typ", d.typ))
        if d.im_katalog is False:
            zeilen.append(("Hinweis", "im aktuellen Katalog nicht mehr enthalten"))
    zeilen += [("Anliegen", d.betreff), ("Katalogstand", d.katalogstand or "")]
    if d.aktenzeichen:
        zeilen.append(("Aktenzeichen", d.aktenzeichen))
    zeilen.append(("Erstellt am", format_datum(d.erstellt_am)))
    zeilen.append(("Status", d.status_label + (f" am {format_datum(d.versendet_am)}" if d.versendet_am else "")))
    tabelle = Table([[_absatz(k, fett), _absatz(v, normal)] for k, v in zeilen], colWidths=[42 * mm, 118 * mm])
    tabelle.setStyle(TableStyle([
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LINEBELOW", (0, 0), (-1, -1), 0.3, colors.HexColor("#999999")),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
    ]))
    inhalt.append(tabelle)
    for ueberschrift, text in (("Beschreibung", d.beschreibung), ("Vorschlag", d.vorschlag),
                               ("Begründung", d.begruendung)):
        if text:
            inhalt += [_absatz(ueberschrift, abschnitt), _absatz(text, normal)]
    inhalt.append(_absatz("Ansprechpartner", abschnitt))
    if d.kontakt:
        k = d.kontakt
        teile = [", ".join(x for x in (k.name, k.funktion) if x), k.referat or d.referat, d.ressort,
                 f"Telefon: {k.telefon}" if k.telefon else "", f"E-Mail: {k.email}" if k.email else ""]
        inhalt.append(_absatz("\n".join(t for t in teile if t), normal))
    else:
        inhalt.append(_absatz(f"{d.referat}, {d.ressort}" if d.referat else d.ressort, normal))
    inhalt += [Spacer(1, 6 * mm), _absatz(f"E-Mail-Betreff: {betreffzeile(d)}", klein)]

    def kopf_fuss(c: Canvas, _doc: Any) -> None:
        breite, hoehe = A4
        c.saveState()
        c.setFont(SCHRIFT_FETT, 9)
        c.drawString(25 * mm, hoehe - 15 * mm, d.ressort)
        c.setFont(SCHRIFT, 8.5)
        if d.referat:
            c.drawString(25 * mm, hoehe - 19.5 * mm, d.referat)
        c.drawRightString(breite - 20 * mm, hoehe - 15 * mm, f"Stand: {format_datum(stand)}")
        if d.aktenzeichen:
            c.drawRightString(breite - 20 * mm, hoehe - 19.5 * mm, f"Az.: {d.aktenzeichen}")
        if kennzeichnung:
            c.setFont(SCHRIFT_FETT, 9)
            c.drawCentredString(breite / 2, hoehe - 10 * mm, kennzeichnung)
            c.drawCentredString(breite / 2, 10 * mm, kennzeichnung)
        c.setStrokeColor(colors.HexColor("#999999"))
        c.setLineWidth(0.4)
        c.line(25 * mm, hoehe - 22 * mm, breite - 20 * mm, hoehe - 22 * mm)
        c.line(25 * mm, 18 * mm, breite - 20 * mm, 18 * mm)
        c.restoreState()

    puffer = io.BytesIO()
    doc = SimpleDocTemplate(
        puffer, pagesize=A4, leftMargin=25 * mm, rightMargin=20 * mm, topMargin=30 * mm, bottomMargin=25 * mm,
        title=f"Änderungsanforderung {d.kennung}", author=d.ressort, subject=betreffzeile(d), creator="ozgdesk",
    )
    doc.build(inhalt, onFirstPage=kopf_fuss, onLaterPages=kopf_fuss, canvasmaker=_SeitenCanvas)
    return puffer.getvalue()


class _SeitenCanvas(Canvas):
    """Writes "Seite X von Y" once the total is known (pages are buffered until save)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._seiten: list[dict[str, Any]] = []

    def showPage(self) -> None:  # noqa: N802 (reportlab API)
        self._seiten.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        gesamt = len(self._seiten)
        for zustand in self._seiten:
            self.__dict__.update(zustand)
            self.setFont(SCHRIFT, 8.5)
            self.drawRightString(A4[0] - 20 * mm, 13 * mm, f"Seite {self._pageNumber} von {gesamt}")
            super().showPage()
        super().save()
