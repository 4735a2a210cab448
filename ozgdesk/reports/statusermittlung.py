"""Statusermittlung: every OZG-Leistung of the Ressort with its current status and online availability."""

from __future__ import annotations

from reportlab.platypus import Flowable

from ozgdesk.model.values import REIFEGRAD_1_1
from ozgdesk.reports.format import datum
from ozgdesk.reports.layout import HINWEIS, Kopf, Sp, absatz, h1, pdf_erzeugen, tabelle, titel, zusammen
from ozgdesk.reports.quartalsbericht import reifegrad_diagramm
from ozgdesk.reports.snapshot import Bestand, LeistungDaten
from collections.abc import Sequence
from ozgdesk.reports.pruefung import Befund
from ozgdesk.reports.xlsx import Arbeitsmappe, Spalte, angaben, befunde_des_dokuments

TITEL = "Statusermittlung der OZG-Leistungen"


def _reifegrad(l: LeistungDaten) -> str:
    """Short form "3 (1.1)": level and model; the legend below the table names the levels."""
    return "–" if l.reifegrad is None else f"{l.reifegrad} ({l.reifegrad_modell})"


def pdf(b: Bestand, *, kennzeichnung: str = "", entwurf: bool = False) -> bytes:
    ls = list(b.leistungen)
    online = sum(1 for l in ls if l.online)
    inhalt: list[Flowable] = titel(TITEL, f"{b.ressort.name} – Stand {datum(b.stand)}")
    inhalt.append(absatz(f"Das Ressort verantwortet {len(ls)} OZG-Leistungen; {online} davon sind online verfügbar "
                         "(Reifegrad 2 im Modell 1.1 bzw. 3 im Modell 2.0 oder höher)."))
    inhalt.append(h1("OZG-Leistungen"))
    inhalt.append(tabelle(
        [Sp("OZG-ID", 38), Sp("OZG-Leistung", 110), Sp("Typ", 22), Sp("Themenfeld", 90), Sp("Behörde", 45),
         Sp("Reifegrad", 48), Sp("online", 34), Sp("geplant online", 50, True), Sp("Projekt", 66)],
        [[l.ozg_id, l.bezeichnung, l.typ or "–", l.themenfeld, l.behoerde.kurzname if l.behoerde else "–", _reifegrad(l),
          "ja" if l.online else "nein", datum(l.geplant_online), ", ".join(l.projekte) or "–"] for l in ls]))
    inhalt.append(absatz("Reifegrad: Stufe (Modell). Modell 1.1: " + ", ".join(f"{k} {v}" for k, v in REIFEGRAD_1_1.items())
                         + "; Modell 2.0: Stufen 0 bis 7, die niedrigste der 13 Kriterien bestimmt die Stufe.", HINWEIS))
    inhalt.append(zusammen(reifegrad_diagramm(b)))
    kopf = Kopf(b.ressort.name, b.ressort.referat, TITEL, "", b.stand, kennzeichnung=kennzeichnung, entwurf=entwurf,
                betreff=f"Statusermittlung {b.ressort.kurzname}: Reifegrad und Online-Verfügbarkeit")
    return pdf_erzeugen(kopf, inhalt)


def xlsx(b: Bestand, *, kennzeichnung: str = "", entwurf: bool = False, befunde: Sequence[Befund] | None = None) -> bytes:
    """``befunde``: the findings the caller decided draft or final by (counted on the sheet „Dokument“)."""
    am = Arbeitsmappe(angaben(b, TITEL, kennzeichnung=kennzeichnung, entwurf=entwurf,
                              befunde=befunde_des_dokuments(b, befunde), pruefung=b.letztes_quartal))
    am.blatt("Leistungen", [
        Spalte("OZG-ID", breite=8), Spalte("OZG-Leistung", breite=45), Spalte("Typ", breite=5),
        Spalte("Themenfeld", breite=24), Spalte("Behörde", breite=30), Spalte("Reifegrad", "zahl", 9),
        Spalte("Modell", breite=7), Spalte("bewertet am", "datum", 11), Spalte("Ziel-Reifegrad", "zahl", 9),
        Spalte("online", breite=7), Spalte("geplant online", "datum", 12), Spalte("Projekt", breite=25)],
        [[l.ozg_id, l.bezeichnung, l.typ, l.themenfeld, l.behoerde.name if l.behoerde else "", l.reifegrad,
          l.reifegrad_modell, l.reifegrad_datum, l.ziel_reifegrad, "ja" if l.online else "nein", l.geplant_online,
          ", ".join(l.projekte)] for l in b.leistungen], summenzeile=False)
    return am.bytes()
