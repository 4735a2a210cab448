"""Counts of the catalogue in the store and the last applied import (``katalog status``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ozgdesk.model.katalog import Lage, LeikaLeistung, Leistung, Themenfeld
from ozgdesk.model.katalogimport.datensaetze import Aenderungsanforderung, Anforderungsstatus, Katalogimport


@dataclass(frozen=True)
class LetzterImport:
    datei: str
    sha256: str
    format: str
    zeitpunkt: datetime
    benutzer: str
    zeilen: int
    neu: int
    entfernt: int
    markiert: int
    umbenannt: int
    geaendert: int
    leika_neu: int
    leika_entfernt: int
    leika_geaendert: int


@dataclass(frozen=True)
class Katalogstatus:
    themenfelder: int
    lagen: int
    ozg_leistungen: int
    nicht_mehr_im_katalog: int
    im_ressort: int
    leika_leistungen: int
    importe: int
    offene_anforderungen: int
    letzter_import: LetzterImport | None


def katalogstatus(s: Session) -> Katalogstatus:
    def anzahl(spalte, *bed) -> int:  # noqa: ANN001
        return s.execute(select(func.count(spalte)).where(*bed)).scalar_one()

    letzter = s.execute(select(Katalogimport).order_by(Katalogimport.zeitpunkt.desc()).limit(1)).scalar_one_or_none()
    return Katalogstatus(
        themenfelder=anzahl(Themenfeld.id),
        lagen=anzahl(Lage.id),
        ozg_leistungen=anzahl(Leistung.id, Leistung.im_katalog.is_(True)),
        nicht_mehr_im_katalog=anzahl(Leistung.id, Leistung.im_katalog.is_(False)),
        im_ressort=anzahl(Leistung.id, Leistung.im_ressort.is_(True)),
        leika_leistungen=anzahl(LeikaLeistung.id, LeikaLeistung.im_katalog.is_(True)),
        importe=anzahl(Katalogimport.id),
        offene_anforderungen=anzahl(Aenderungsanforderung.id, Aenderungsanforderung.status.in_(
            [Anforderungsstatus.ENTWURF, Anforderungsstatus.VERSENDET])),
        letzter_import=None if letzter is None else LetzterImport(
            datei=letzter.datei, sha256=letzter.sha256, format=letzter.format, zeitpunkt=letzter.zeitpunkt,
            benutzer=letzter.benutzer, zeilen=letzter.zeilen, neu=letzter.neu, entfernt=letzter.entfernt,
            markiert=letzter.markiert, umbenannt=letzter.umbenannt, geaendert=letzter.geaendert,
            leika_neu=letzter.leika_neu, leika_entfernt=letzter.leika_entfernt,
            leika_geaendert=letzter.leika_geaendert,
        ),
    )
