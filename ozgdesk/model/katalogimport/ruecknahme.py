"""Take back the last applied catalogue import in one step („Import zurücknehmen“).

Why from the change log: every record the import created, changed or deleted is in the log of the
import's one transaction, with the old values – exactly the inverse plan, for every table, with no
second bookkeeping that could drift from what was really written. The import's own record
(``katalogimport``) is created in that transaction, so it names the transaction.

Rules (docs/katalogimport.md, „Import zurücknehmen“):

* Only the latest import can be taken back; the one before it is then the latest.
* The Ressort's data stays: the import never touched Ressort fields, and the undo touches only what
  the import wrote. An OZG-Leistung the import added that has since gained Ressort data
  (Zuständigkeit, Behörde, a project, an assessment …) is not deleted but marked „nicht mehr im
  Katalog“, as an import would do; Lagen and Themenfelder it still uses stay as well.
* If a catalogue value the import wrote was changed again afterwards (by hand or on another device),
  the undo is refused with the places named – it would otherwise overwrite that later change.

The undo is written like any other change: in one transaction, with its own change-log entries, so
it replicates to the other devices and can be followed in the Änderungsprotokoll.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from ozgdesk.model.austausch import _spaltenpruefer
from ozgdesk.model.base import Base
from ozgdesk.model.errors import Eingabefehler, Speicherfehler
from ozgdesk.model.katalog import Lage, LeikaLeistung, LeikaZuordnung, Leistung, Themenfeld
from ozgdesk.model.base import json_wert
from ozgdesk.model.katalogimport.anwenden import (
    _BLOCK,
    _einfache_spalten,
    _laden,
    protokolliert_aendern,
    protokolliert_einfuegen,
)
from ozgdesk.model.katalogimport.datensaetze import Katalogimport
from ozgdesk.model.katalogimport.vergleich import RESSORT_FELDER, _referenzen_auf_leistung
from ozgdesk.model.roh import fuer_dbapi
from ozgdesk.model.protokoll import AENDERN, ANLEGEN, LOESCHEN, Aenderung, Eintrag, protokollieren_roh
from ozgdesk.model.values import format_zahl

#: the tables an import writes, parents first (inserts in this order, deletes in reverse)
_TABELLEN: dict[str, type[Base]] = {
    "themenfeld": Themenfeld, "lage": Lage, "leistung": Leistung, "leika_leistung": LeikaLeistung,
    "leika_zuordnung": LeikaZuordnung, "katalogimport": Katalogimport,
}
_MASSENWEISE = (LeikaLeistung, LeikaZuordnung)  # plain columns, thousands of rows: bulk path
_ZEIGEN = 8

Fortschritt = Callable[[int, int, str], None]


@dataclass
class Ruecknahme:
    """What taking back an import does (planned) or did (applied)."""

    import_id: str
    datei: str
    zeitpunkt: datetime
    benutzer: str
    wiederhergestellt: dict[str, int] = field(default_factory=dict)  # table → records re-created
    zurueckgesetzt: dict[str, int] = field(default_factory=dict)  # table → records whose fields go back
    entfernt: dict[str, int] = field(default_factory=dict)  # table → records removed again
    markiert: list[str] = field(default_factory=list)  # OZG-IDs kept as „nicht mehr im Katalog“
    hinweise: list[str] = field(default_factory=list)
    angewendet: bool = False

    def als_json(self) -> dict[str, Any]:
        return {"import_id": self.import_id, "file": self.datei, "time": self.zeitpunkt.isoformat(),
                "user": self.benutzer, "restored": self.wiederhergestellt, "reverted": self.zurueckgesetzt,
                "removed": self.entfernt, "flagged": self.markiert, "warnings": self.hinweise,
                "applied": self.angewendet}

    @property
    def zusammenfassung(self) -> str:
        def summe(d: dict[str, int]) -> str:
            return format_zahl(sum(d.values()))

        text = (f"Import „{self.datei}“ vom {self.zeitpunkt.astimezone().strftime('%d.%m.%Y %H:%M')}: "
                f"{summe(self.entfernt)} Datensätze entfernt, {summe(self.zurueckgesetzt)} zurückgesetzt, "
                f"{summe(self.wiederhergestellt)} wiederhergestellt")
        if self.markiert:
            text += f"; {len(self.markiert)} OZG-Leistung(en) bleiben als „nicht mehr im Katalog“"
        return text + "."


@dataclass
class _Plan:
    eintrag: Katalogimport
    angelegt: dict[str, list[str]] = field(default_factory=dict)
    geaendert: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)  # table → id → feld → alt
    geloescht: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # table → full old records


def letzter_import(s: Session) -> Katalogimport | None:
    """The latest applied import. Times have whole seconds, so two imports in one second are told
    apart by the sequence number of their log entry."""
    return s.execute(
        select(Katalogimport)
        .outerjoin(Aenderung, and_(Aenderung.datensatz_id == Katalogimport.id, Aenderung.aktion == ANLEGEN,
                                   Aenderung.tabelle == "katalogimport"))
        .order_by(Katalogimport.zeitpunkt.desc(), Aenderung.seq.desc()).limit(1)).scalars().first()


def planen(s: Session, import_id: str | None = None) -> Ruecknahme:
    """What :func:`zuruecknehmen` would do; raises :class:`Eingabefehler` if it cannot be done."""
    return _ergebnis(s, _planen(s, import_id), angewendet=False)


def zuruecknehmen(s: Session, import_id: str | None = None, *,
                  fortschritt: Fortschritt | None = None) -> Ruecknahme:
    """Take back the latest import (or refuse, naming why) inside the caller's write session."""
    melden = fortschritt or (lambda *_a: None)
    melden(0, 4, "Prüfe, was der Import geändert hat …")
    plan = _planen(s, import_id)
    from ozgdesk.model.store import ereignis_vormerken

    ereignis_vormerken(s, "katalog_ruecknahme", wiederhergestellt=sum(len(v) for v in plan.geloescht.values()),
                       zurueckgesetzt=sum(len(v) for v in plan.geaendert.values()),
                       entfernt=sum(len(v) for v in plan.angelegt.values()))
    markieren = _markieren(s, plan)
    ergebnis = _ergebnis(s, plan, angewendet=True, markieren=markieren)
    melden(1, 4, "Entfernte Einträge wiederherstellen …")
    for name, cls in _TABELLEN.items():
        zeilen = [_python_werte(cls, z) for z in plan.geloescht.get(name, [])]
        if not zeilen:
            continue
        if cls in _MASSENWEISE:
            protokolliert_einfuegen(s, cls, zeilen)
        else:
            for z in zeilen:
                s.add(cls(**z))
            s.flush()
    melden(2, 4, "Geänderte Einträge zurücksetzen …")
    for name, cls in _TABELLEN.items():
        felder = plan.geaendert.get(name)
        if felder:
            protokolliert_aendern(s, cls, {rid: {f: _python_wert(cls, f, w) for f, w in werte.items()}
                                           for rid, werte in felder.items()})
    if markieren:
        protokolliert_aendern(s, Leistung, {lid: {"im_katalog": False} for lid in markieren})
    melden(3, 4, "Neu angelegte Einträge entfernen …")
    for name in reversed(list(_TABELLEN)):
        cls = _TABELLEN[name]
        ids = [i for i in plan.angelegt.get(name, []) if i not in markieren]
        if name in ("lage", "themenfeld"):
            ids = _unbenutzt(s, cls, ids)
        if name in ergebnis.entfernt:
            ergebnis.entfernt[name] = len(ids)
        if cls in _MASSENWEISE:
            protokolliert_loeschen(s, cls, ids)
            continue
        for obj in _laden(s, cls, ids):
            s.delete(obj)
        s.flush()
    melden(4, 4, "Speichern …")
    return ergebnis


def protokolliert_loeschen(s: Session, cls: type[Base], ids: list[str]) -> None:
    """Delete many records with ``executemany`` and log one ``loeschen`` entry each, with the whole
    record as the hook writes it. A first import adds some 10,000 LeiKa records and assignments;
    deleting them one by one through the unit of work took several seconds (bench/katalog.py)."""
    if not ids:
        return
    s.flush()
    tabelle = cls.__table__
    spalten = sorted(c.key for c in tabelle.columns)
    _einfache_spalten(tabelle, spalten)
    eintraege: list[Eintrag] = []
    for i in range(0, len(ids), _BLOCK):
        for zeile in s.execute(select(*(tabelle.c[k] for k in spalten)).where(tabelle.c.id.in_(ids[i:i + _BLOCK]))).mappings():
            eintraege.append((tabelle.name, zeile["id"], LOESCHEN, None, {k: json_wert(zeile[k]) for k in spalten}, None))
    roh = s.connection().connection.dbapi_connection
    if roh is None:  # only once the pool has invalidated the connection
        raise Speicherfehler("Die Verbindung zur Datenbank ist unterbrochen; es wurde nichts zurückgenommen. "
                             "Bitte noch einmal versuchen.")
    cursor = fuer_dbapi(roh).cursor()  # psycopg behind sqlite3's placeholders (ozgdesk.model.roh)
    try:
        cursor.executemany(f"DELETE FROM {tabelle.name} WHERE id = ?", [(e[1],) for e in eintraege])
        protokollieren_roh(s, cursor, sorted(eintraege, key=lambda e: e[1]))  # record order: cheaper inserts
    finally:
        cursor.close()
    weg = set(ids)
    for obj in list(s.identity_map.values()):
        if isinstance(obj, cls) and obj.id in weg:
            s.expunge(obj)


# ------------------------------------------------------------------------------------------ planning
def _planen(s: Session, import_id: str | None) -> _Plan:
    letzter = letzter_import(s)
    if letzter is None:
        raise Eingabefehler("Es gibt keinen Katalogimport, der zurückgenommen werden könnte (der Katalog ist noch "
                            "der mitgelieferte oder die Importe wurden schon zurückgenommen).")
    if import_id is not None and letzter.id != import_id:
        gesucht = s.get(Katalogimport, import_id)
        if gesucht is None:
            raise Eingabefehler(f"Einen Katalogimport mit der Kennung „{import_id}“ gibt es nicht.")
        raise Eingabefehler(f"Nur der letzte Import kann zurückgenommen werden; nach „{gesucht.datei}“ wurde noch "
                            f"„{letzter.datei}“ übernommen. Bitte zuerst diesen zurücknehmen.")
    kopf = s.execute(select(Aenderung).where(Aenderung.tabelle == "katalogimport", Aenderung.datensatz_id == letzter.id,
                                             Aenderung.aktion == ANLEGEN)).scalars().first()
    if kopf is None:
        raise Eingabefehler(f"Der Import „{letzter.datei}“ steht nicht im Änderungsprotokoll; er kann deshalb nicht "
                            "zurückgenommen werden.")
    plan = _Plan(letzter)
    eintraege = list(s.execute(select(Aenderung.tabelle, Aenderung.datensatz_id, Aenderung.aktion, Aenderung.feld,
                                      Aenderung.alt, Aenderung.seq).where(Aenderung.transaktion == kopf.transaktion)
                               .order_by(Aenderung.seq)))
    bisher_seq = max(e.seq for e in eintraege)
    fremd = sorted({e.tabelle for e in eintraege} - set(_TABELLEN))
    if fremd:
        raise Eingabefehler(f"Der Import „{letzter.datei}“ hat auch andere Daten geändert ({', '.join(fremd)}); er kann "
                            "nicht automatisch zurückgenommen werden.")
    for e in eintraege:
        if e.aktion == ANLEGEN:
            plan.angelegt.setdefault(e.tabelle, []).append(e.datensatz_id)
        elif e.aktion == AENDERN:
            felder = plan.geaendert.setdefault(e.tabelle, {}).setdefault(e.datensatz_id, {})
            felder.setdefault(e.feld, None if e.alt is None else json.loads(e.alt))  # the first old value
        elif e.aktion == LOESCHEN:
            plan.geloescht.setdefault(e.tabelle, []).append(json.loads(e.alt))
    _spaetere_aenderungen_pruefen(s, plan, kopf, bisher_seq)
    return plan


def _spaetere_aenderungen_pruefen(s: Session, plan: _Plan, kopf: Aenderung, bis_seq: int) -> None:
    """Refuse when a later change touched what the undo would write back."""
    geaendert = {rid: set(felder) for t in plan.geaendert.values() for rid, felder in t.items()}
    angelegt = {rid for ids in plan.angelegt.values() for rid in ids}
    geloescht = {z["id"] for zeilen in plan.geloescht.values() for z in zeilen}
    alle = sorted(geaendert.keys() | angelegt | geloescht)
    spaeter = or_(Aenderung.zeitpunkt > kopf.zeitpunkt, and_(Aenderung.geraet == kopf.geraet, Aenderung.seq > bis_seq))
    # a later import that was itself taken back cancels out: its transaction and its undo's
    ignoriert = {kopf.transaktion}
    for rueck, imp in s.execute(select(Aenderung.transaktion, Aenderung.datensatz_id).where(
            Aenderung.tabelle == "katalogimport", Aenderung.aktion == LOESCHEN, spaeter)):
        ignoriert.add(rueck)
        ignoriert.update(t for (t,) in s.execute(select(Aenderung.transaktion).where(
            Aenderung.tabelle == "katalogimport", Aenderung.datensatz_id == imp, Aenderung.aktion == ANLEGEN)))
    konflikte: list[str] = []
    for i in range(0, len(alle), _BLOCK):
        for e in s.execute(select(Aenderung).where(Aenderung.datensatz_id.in_(alle[i:i + _BLOCK]),
                                                   Aenderung.transaktion.not_in(ignoriert), spaeter)).scalars():
            if e.datensatz_id in geloescht:
                konflikte.append(f"{_bezeichnung(e)} wurde nach dem Import wieder angelegt oder geändert")
            elif e.datensatz_id in angelegt:
                if e.aktion == LOESCHEN or e.tabelle != "leistung" or e.feld not in RESSORT_FELDER:
                    konflikte.append(f"{_bezeichnung(e)}: „{e.feld or e.aktion}“ wurde nach dem Import geändert")
            elif e.aktion == LOESCHEN or e.feld in geaendert.get(e.datensatz_id, ()):
                konflikte.append(f"{_bezeichnung(e)}: „{e.feld or 'gelöscht'}“ wurde nach dem Import geändert "
                                 f"({e.zeitpunkt.astimezone().strftime('%d.%m.%Y %H:%M')}, {e.benutzer})")
    if konflikte:
        mehr = f" … und {len(konflikte) - _ZEIGEN} weitere" if len(konflikte) > _ZEIGEN else ""
        raise Eingabefehler(f"Der Import „{plan.eintrag.datei}“ kann nicht zurückgenommen werden, ohne spätere "
                            f"Änderungen zu überschreiben: {'; '.join(konflikte[:_ZEIGEN])}{mehr}. Nichts wurde "
                            "geändert.")


def _bezeichnung(e: Aenderung) -> str:
    cls = _TABELLEN.get(e.tabelle)
    return f"{cls.__label__ if cls else e.tabelle} {e.datensatz_id[:8]}"


def _ergebnis(s: Session, plan: _Plan, *, angewendet: bool, markieren: dict[str, str] | None = None) -> Ruecknahme:
    e = plan.eintrag
    r = Ruecknahme(e.id, e.datei, e.zeitpunkt, e.benutzer, angewendet=angewendet)
    for name in _TABELLEN:
        if plan.geloescht.get(name):
            r.wiederhergestellt[name] = len(plan.geloescht[name])
        if plan.geaendert.get(name):
            r.zurueckgesetzt[name] = len(plan.geaendert[name])
        if plan.angelegt.get(name):
            r.entfernt[name] = len(plan.angelegt[name])
    r.markiert = sorted((_markieren(s, plan) if markieren is None else markieren).values())
    if r.markiert:
        r.hinweise.append(f"{len(r.markiert)} OZG-Leistung(en), die der Import neu aufgenommen hat, haben inzwischen "
                          f"Daten des Ressorts ({', '.join(r.markiert[:_ZEIGEN])}); sie bleiben erhalten und werden "
                          "als „nicht mehr im Katalog“ markiert.")
    return r


def _markieren(s: Session, plan: _Plan) -> dict[str, str]:
    """Leistung id → OZG-ID of the Leistungen the import added that carry Ressort data by now."""
    neu = plan.angelegt.get("leistung", [])
    if not neu:
        return {}
    referenzen = _referenzen_auf_leistung(s)
    ergebnis = {}
    for lst in _laden(s, Leistung, neu):
        if lst.id in referenzen or any(getattr(lst, f) not in (None, False, "") for f in RESSORT_FELDER):
            ergebnis[lst.id] = lst.ozg_id
    return ergebnis


def _unbenutzt(s: Session, cls: type[Base], ids: list[str]) -> list[str]:
    """Of the Lagen/Themenfelder the import added, those no remaining record points to."""
    if not ids:
        return []
    benutzt: set[str] = set()
    if cls is Lage:
        benutzt |= {l for (l,) in s.execute(select(Leistung.lage_id).where(Leistung.lage_id.in_(ids)))}
    else:
        benutzt |= {t for (t,) in s.execute(select(Leistung.themenfeld_id).where(Leistung.themenfeld_id.in_(ids)))}
        benutzt |= {t for (t,) in s.execute(select(Lage.themenfeld_id).where(Lage.themenfeld_id.in_(ids)))}
    return [i for i in ids if i not in benutzt]


def _python_wert(cls: type[Base], feld: str, wert: Any) -> Any:
    """A value from the log's JSON back into the column's Python value (the export's own reader)."""
    if wert is None:
        return None
    return _spaltenpruefer(cls.__table__.c[feld])[1](wert)


def _python_werte(cls: type[Base], zeile: dict[str, Any]) -> dict[str, Any]:
    return {k: _python_wert(cls, k, w) for k, w in zeile.items()}
