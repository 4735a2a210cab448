"""Online-Monitoring: the public, half-yearly view of each project's status and milestones.

Public means: built from an explicit allow-list of fields, never from the whole snapshot. It holds
no money figures, no internal remarks (``interne_bemerkung``, milestone ``bemerkung``, reasons of
the traffic lights, risks) and no personal data — only the Behörde as the responsible body. Only
milestones marked ``oeffentlich`` appear. The allow-list lives in :func:`oeffentliche_daten`; the
three formats render nothing else, and a test searches their text for every internal value of the
demo store.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date

from reportlab.platypus import Flowable

from ozgdesk.model.values import Halbjahr
from ozgdesk.reports import kennzahlen as kz
from ozgdesk.reports.format import datum
from ozgdesk.reports.layout import (Kopf, Sp, absatz, ampel_zelle, h2, haftend, pdf_erzeugen, schluessel_werte, tabelle,
                                    titel)
from ozgdesk.reports.snapshot import Bestand
from collections.abc import Sequence
from ozgdesk.reports.pruefung import Befund
from ozgdesk.reports.xlsx import Arbeitsmappe, Spalte, angaben, befunde_des_dokuments
from ozgdesk.model.values import Ampel

TITEL = "Online-Monitoring Digitalisierungsprogramm Bund"


@dataclass(frozen=True)
class OeffentlicherMeilenstein:
    titel: str
    plan: date | None
    termin: date | None
    erreicht_am: date | None
    status: str


@dataclass(frozen=True)
class OeffentlichesProjekt:
    kennung: str
    titel: str
    behoerde: str
    leistungen: tuple[str, ...]
    online: tuple[str, ...]
    beginn: date | None
    ende: date | None
    status: Ampel
    meilensteine: tuple[OeffentlicherMeilenstein, ...]


def oeffentliche_daten(b: Bestand) -> list[OeffentlichesProjekt]:
    """The allow-list: everything the public documents may show, and nothing else."""
    return [
        OeffentlichesProjekt(
            kennung=p.kennung, titel=p.titel, behoerde=p.behoerde.name if p.behoerde else "",
            leistungen=tuple(f"{l.ozg_id} {l.bezeichnung}" for l in p.leistungen),
            online=tuple(l.ozg_id for l in p.leistungen if l.online), beginn=p.beginn, ende=p.ende, status=p.ampel,
            meilensteine=tuple(
                OeffentlicherMeilenstein(m.titel, m.plan_datum, m.ist_datum or m.prognose_datum or m.plan_datum, m.ist_datum,
                                         kz.status_text(m, b.stand))
                for m in p.meilensteine if m.oeffentlich),
        )
        for p in b.projekte
    ]


def pdf(b: Bestand, h: Halbjahr, *, entwurf: bool = False) -> bytes:
    daten = oeffentliche_daten(b)
    inhalt: list[Flowable] = titel(TITEL, f"{b.ressort.name} – {h.lang}")
    inhalt.append(absatz(f"Stand und Meilensteine der {len(daten)} Projekte des Ressorts im Digitalisierungsprogramm "
                         f"Bund, Stand {datum(b.stand)}."))
    for p in daten:
        inhalt.append(h2(f"{p.kennung}: {p.titel}"))
        eckdaten = schluessel_werte([
            ("Zuständige Behörde", p.behoerde or "–"), ("OZG-Leistungen", "\n".join(p.leistungen) or "–"),
            ("Bereits online", ", ".join(p.online) or "noch keine"), ("Laufzeit", f"{datum(p.beginn)} bis {datum(p.ende)}"),
            ("Projektstatus", ampel_zelle(p.status)),
        ])
        if p.meilensteine:
            # name, facts and the first milestones on one page; continued pages name the project
            inhalt.append(haftend(eckdaten))
            inhalt.append(tabelle([Sp("Meilenstein", 4), Sp("geplant", 1.1, True), Sp("Termin", 1.1, True), Sp("Status", 1.5)],
                                  [[m.titel, datum(m.plan), datum(m.termin), m.status] for m in p.meilensteine],
                                  fortsetzung=f"{p.kennung}: {p.titel}"))
        else:
            inhalt.append(eckdaten)
    kopf = Kopf(b.ressort.name, b.ressort.referat, TITEL, h.lang, b.stand, entwurf=entwurf,
                betreff="Öffentliche Übersicht der Projekte und Meilensteine")
    return pdf_erzeugen(kopf, inhalt)


def xlsx(b: Bestand, h: Halbjahr, *, entwurf: bool = False, befunde: Sequence[Befund] | None = None) -> bytes:
    """Public: no Schutzvermerk; the open findings appear on a draft only (a draft is never published)."""
    daten = oeffentliche_daten(b)
    am = Arbeitsmappe(angaben(b, TITEL, zeitraum=h, entwurf=entwurf, oeffentlich=True, pruefung=b.letztes_quartal,
                              befunde=befunde_des_dokuments(b, befunde) if entwurf else None), autor=b.ressort.name)
    am.blatt("Projekte", [Spalte("Kennung", breite=15), Spalte("Projekt", breite=40), Spalte("Behörde", breite=35),
                          Spalte("OZG-Leistungen", breite=45), Spalte("bereits online", breite=15),
                          Spalte("Beginn", "datum", 11), Spalte("Ende", "datum", 11), Spalte("Status", breite=8)],
             [[p.kennung, p.titel, p.behoerde, "; ".join(p.leistungen), ", ".join(p.online), p.beginn, p.ende,
               p.status.label] for p in daten], summenzeile=False)
    am.blatt("Meilensteine", [Spalte("Kennung", breite=15), Spalte("Meilenstein", breite=45), Spalte("geplant", "datum", 11),
                              Spalte("Termin", "datum", 11), Spalte("Status", breite=18)],
             [[p.kennung, m.titel, m.plan, m.termin, m.status] for p in daten for m in p.meilensteine], summenzeile=False)
    return am.bytes()


def _csv_text(wert: str) -> str:
    """Spreadsheet programs evaluate cells starting with = + - @ even from CSV; neutralise them."""
    return "'" + wert if wert.startswith(("=", "+", "-", "@")) else wert


def csv_bytes(b: Bestand, h: Halbjahr) -> bytes:
    """One row per public milestone (projects without one get a row of their own); ``;`` and UTF-8 BOM for Excel."""
    puffer = io.StringIO()
    w = csv.writer(puffer, delimiter=";", lineterminator="\r\n")
    w.writerow(["Kennung", "Projekt", "Behörde", "OZG-Leistungen", "Status", "Meilenstein", "geplant", "Termin",
                "Meilensteinstatus"])
    for p in oeffentliche_daten(b):
        basis = [p.kennung, p.titel, p.behoerde, "; ".join(p.leistungen), p.status.label]
        for m in p.meilensteine or [None]:
            w.writerow([_csv_text(x) for x in basis] + (
                [_csv_text(m.titel), datum(m.plan), datum(m.termin), m.status] if m else ["", "", "", ""]))
    return ("\ufeff" + puffer.getvalue()).encode("utf-8")
