"""PDF of an Änderungsanforderung to the OZG-Umsetzungskatalog.

Built with the common document layout (:mod:`ozgdesk.reports.layout`): the same header (Ressort,
Referat, Stand, Aktenzeichen, optional protective marking), footer with "Seite X von Y" and the
embedded DejaVu fonts as every other ozgdesk document.
"""

from __future__ import annotations

from datetime import date

from reportlab.platypus import Flowable

from ozgdesk.model.katalogimport.anforderung import AnforderungDaten, betreffzeile
from ozgdesk.model.values import format_datum
from ozgdesk.reports.layout import HINWEIS, Kopf, absatz, abstand, h2, schluessel_werte, titel
from ozgdesk.reports.layout import pdf_erzeugen as _pdf

TITEL = "Änderungsanforderung zum OZG-Umsetzungskatalog"


def pdf_erzeugen(d: AnforderungDaten, *, kennzeichnung: str | None = None, stand: date | None = None) -> bytes:
    """The request as PDF bytes. ``kennzeichnung`` e.g. :data:`ozgdesk.reports.layout.VS_NFD`."""
    zeilen: list[tuple[str, object]] = [
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

    inhalt: list[Flowable] = titel(TITEL, f"{d.art_label} – Kennung {d.kennung}")
    inhalt.append(schluessel_werte(zeilen, anteil_links=0.26))
    for ueberschrift, text in (("Beschreibung", d.beschreibung), ("Vorschlag", d.vorschlag),
                               ("Begründung", d.begruendung)):
        if text:
            inhalt += [h2(ueberschrift), absatz(text)]
    inhalt.append(h2("Ansprechpartner"))
    if d.kontakt:
        k = d.kontakt
        teile = [", ".join(x for x in (k.name, k.funktion) if x), k.referat or d.referat, d.ressort,
                 f"Telefon: {k.telefon}" if k.telefon else "", f"E-Mail: {k.email}" if k.email else ""]
        inhalt.append(absatz("\n".join(t for t in teile if t)))
    else:
        inhalt.append(absatz(f"{d.referat}, {d.ressort}" if d.referat else d.ressort))
    inhalt += [abstand(6), absatz(f"E-Mail-Betreff: {betreffzeile(d)}", HINWEIS)]
    kopf = Kopf(ressort=d.ressort, referat=d.referat, titel=TITEL, zeitraum=d.kennung, stand=stand or d.erstellt_am,
                aktenzeichen=d.aktenzeichen, kennzeichnung=kennzeichnung or "", autor=d.ressort, betreff=betreffzeile(d))
    return _pdf(kopf, inhalt)
