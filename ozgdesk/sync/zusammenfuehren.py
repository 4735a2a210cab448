"""Applying remote change-log entries: three-way merge per field, decided by causality.

For each field the *front* is the set of writes no other write knew about (see ``kausal``). The
base of the three-way merge is implicit: a remote write whose author had seen the local value
(its ``alt``) supersedes it, a write made without knowing a concurrent one meets it in the front.

* one candidate (or several with the same value): the field takes it – different fields of one
  record edited on two devices simply merge;
* several different values: a **conflict** record lists them all with author, device and time;
  until a person decides, the field keeps the candidate with the largest (device id, seq) – the
  same on every device, never chosen by clock;
* a delete applies only if its author knew every write of the record; otherwise the **edit beats
  the delete**, the record stays (or comes back, rebuilt from the log) and a conflict flags it;
* a parent record still referenced by a surviving record comes back too;
* records of frozen tables (submitted reports) are never modified: the change is flagged instead;
* records that share a unique key with another device's never stop a file: the key's rule
  (:mod:`ozgdesk.model.schluesselregeln`) merges them or keeps both and flags it (:mod:`ozgdesk.sync.eindeutig`,
  run at the end of every file by :meth:`Zusammenfuehrung.abschliessen`).

Everything is a function of the set of entries, so every device converges to the same data
whatever order files arrive in. Writes go through Core statements inside the caller's
``quelle="abgleich"`` session, so they are not logged again as local changes: the log keeps the
remote entry under its original device and seq.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from typing import Any

from sqlalchemy import delete, insert, inspect, select, text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ozgdesk.model.base import Base, Feldfehler, feldname, jetzt_utc, spalte_pruefen
from ozgdesk.model.errors import OzgFehler
from ozgdesk.model.protokoll import AENDERN, ANLEGEN, LOESCHEN, NICHT_PROTOKOLLIERT, skalarer_vorgabewert, werte_pruefen
from ozgdesk.model.schluesselregeln import REGELN, UNVERAENDERT
from ozgdesk.sync.kausal import Eintrag, Kausalitaet, verlauf
from ozgdesk.sync.zustand import SyncKonflikt, konflikt_id

#: Frozen tables: table name → test "is this record frozen?" (None: every record of the table).
#: The submissions module registers its tables here (see :func:`unveraenderlich_registrieren`).
UNVERAENDERLICH: dict[str, Callable[[Session, str], bool] | None] = {}


#: tables whose key has no database constraint (frozen records both kept): checked after inserting
OHNE_SCHRANKE = frozenset(r.tabelle for r in REGELN.values() if r.art == UNVERAENDERT)


def unveraenderlich_registrieren(tabelle: str, ist_eingefroren: Callable[[Session, str], bool] | None = None) -> None:
    """Declare records of ``tabelle`` immutable for the sync (all of them, or those the test selects)."""
    UNVERAENDERLICH[tabelle] = ist_eingefroren


# A submission to the BMI is evidence: once written it is never changed on any device (the
# database refuses it too, by trigger); a correction is a new version with a new id.
unveraenderlich_registrieren("einreichung")


def tabellen() -> dict[str, type[Base]]:
    """Every replicated table by name (all mapped entity tables except device-local ones)."""
    return {
        m.class_.__tablename__: m.class_
        for m in Base.registry.mappers
        if getattr(m.class_, "__tablename__", None) and m.class_.__tablename__ not in NICHT_PROTOKOLLIERT
    }


@functools.cache
def _pruefer(cls: type[Base], feld: str) -> Callable[[Any], Any]:
    """Decode a logged value (the export's encoding) and apply the write check of its column.

    Remote values are written by Core statements, past the flush hook, so the hook's per-value
    check (:func:`ozgdesk.model.base.spalte_pruefen`: length, characters, range, decimal places)
    runs here, value by value. A device that runs the same check never sends a value it refuses;
    such a value comes from a broken or hostile device, and the file is quarantined. Rules that
    span fields (Ende vor Beginn) are the entities' ``pruefen()``, flagged after merging
    (:meth:`Zusammenfuehrung.regeln_pruefen`), because two valid edits can combine into a breach.
    """
    from ozgdesk.model.austausch import _spaltenpruefer

    spalte = inspect(cls).columns[feld]
    _, dekodieren = _spaltenpruefer(spalte)

    def pruefen(v: Any) -> Any:
        if v is None:
            return None
        wert = dekodieren(v)
        problem = spalte_pruefen(spalte, wert)
        if problem is not None:
            raise Feldfehler(f"{cls.__label__}, Feld „{feldname(cls, feld)}“: {problem}", feld)
        return wert

    return pruefen


def verweisender(s: Session, tab: dict[str, type[Base]], cls: type[Base], datensatz_id: str) -> type[Base] | None:
    """The first table in ``tab`` with a row that points to the record by foreign key, or None."""
    for andere in tab.values():
        for spalte in andere.__table__.columns:
            if any(fk.column.table is cls.__table__ for fk in spalte.foreign_keys) \
                    and s.execute(select(spalte).where(spalte == datensatz_id).limit(1)).first():
                return andere
    return None


def python_wert(cls: type[Base], feld: str, wert: Any) -> Any:
    """The JSON encoding of the log back into the column's Python value."""
    return _pruefer(cls, feld)(wert)


def konflikt_werte(eintraege: list[Eintrag], feld: str | None) -> list[dict[str, Any]]:
    """The candidates of a conflict as shown to people, in a device-independent order."""
    return [
        {"geraet": e.geraet, "seq": e.seq, "benutzer": e.benutzer, "zeitpunkt": e.zeitpunkt,
         "aktion": e.aktion, "wert": e.wert(feld) if feld else None}
        for e in sorted(set(eintraege), key=lambda e: e.schluessel)
    ]


def bestaetigung(e: Eintrag) -> bool:
    """A change that changes nothing: "this record, knowingly" (a conflict resolved as it is)."""
    return e.aktion == AENDERN and e.feld == "id" and e.alt == e.neu


def loeschkonflikt(kausal: Kausalitaet, verl: list[Eintrag]) -> tuple[list[Eintrag], Eintrag | None]:
    """Delete-vs-edit, from the record's whole history: every delete and every write that some
    delete did not know. Same entries → same result on every device."""
    loeschungen = [e for e in verl if e.aktion == LOESCHEN]
    ueberlebend = [w for w in verl if w.aktion != LOESCHEN and any(not kausal.vor(w, l) for l in loeschungen)]
    return loeschungen + ueberlebend, max(ueberlebend, key=lambda w: w.schluessel) if ueberlebend else None


class Zusammenfuehrung:
    """Applies one batch of remote entries inside an open session; counts what happened."""

    def __init__(self, s: Session, kausal: Kausalitaet) -> None:
        self.s = s
        self.kausal = kausal
        self.tabellen = tabellen()
        self.angewendet = 0
        self.zusammengefuehrt = 0
        self.neue_konflikte = 0
        self.geloescht = 0
        self.warnungen: list[str] = []
        self.beruehrt: set[tuple[str, str]] = set()
        self.kandidaten: set[tuple[str, str]] = set()
        #: orphans removed by :meth:`verwaiste_entfernen` (tabelle, id): written, though no entry names them
        self.entfernt: set[tuple[str, str]] = set()
        #: conflicts opened (or reopened) and closed by this batch: (art, tabelle, datensatz_id, feld),
        #: for the technical log once the transaction has committed
        self.konflikte_erkannt: list[tuple[str, str, str, str | None]] = []
        self.konflikte_geschlossen: list[tuple[str, str, str, str | None]] = []
        self._offen = set(s.execute(select(SyncKonflikt.id).where(SyncKonflikt.offen.is_(True))).scalars())
        #: records of tables without a database constraint on their key (frozen submissions): a
        #: duplicate raises nothing there, so every one inserted is looked at in :meth:`abschliessen`
        self.eindeutig_pruefen_noch: set[tuple[str, str]] = set()

    # ----------------------------------------------------------------------------- helpers
    def _lebt(self, cls: type[Base], datensatz_id: str) -> bool:
        t = cls.__table__
        return self.s.execute(select(t.c.id).where(t.c.id == datensatz_id)).first() is not None

    def _eingefroren(self, tabelle: str, datensatz_id: str) -> bool:
        if tabelle not in UNVERAENDERLICH:
            return False
        test = UNVERAENDERLICH[tabelle]
        return True if test is None else bool(test(self.s, datensatz_id))

    def _konflikt(self, art: str, tabelle: str, datensatz_id: str, feld: str | None, werte: list[Eintrag],
                  gewinner: Eintrag | None, hinweis: str) -> None:
        self.konflikt_setzen(konflikt_id(art, tabelle, datensatz_id, feld), art, tabelle, datensatz_id, feld,
                             konflikt_werte(werte, feld),
                             {"geraet": gewinner.geraet, "seq": gewinner.seq} if gewinner else {}, hinweis)

    def konflikt_setzen(self, kid: str, art: str, tabelle: str, datensatz_id: str, feld: str | None,
                        liste: list[dict[str, Any]], gewinner: dict[str, Any], hinweis: str) -> None:
        """Open (or reopen, or bring up to date) the conflict ``kid`` with the candidates ``liste``."""
        self._offen.add(kid)
        k = self.s.get(SyncKonflikt, kid)
        gew = json.dumps(gewinner)
        if k is None:
            self.s.add(SyncKonflikt(id=kid, art=art, tabelle=tabelle, datensatz_id=datensatz_id, feld=feld,
                                    offen=True, werte=json.dumps(liste, ensure_ascii=False), gewinner=gew,
                                    hinweis=hinweis, erkannt_am=jetzt_utc()))
            self.neue_konflikte += 1
            self.konflikte_erkannt.append((art, tabelle, datensatz_id, feld))
        else:
            if not k.offen:
                self.neue_konflikte += 1
                self.konflikte_erkannt.append((art, tabelle, datensatz_id, feld))
                k.erkannt_am = jetzt_utc()
            k.offen, k.geloest_am = True, None
            k.datensatz_id = datensatz_id
            k.werte, k.gewinner, k.hinweis = json.dumps(liste, ensure_ascii=False), gew, hinweis
        self.s.flush()

    def _konflikt_schliessen(self, art: str, tabelle: str, datensatz_id: str, feld: str | None) -> None:
        self.konflikt_schliessen_id(konflikt_id(art, tabelle, datensatz_id, feld))

    def konflikt_schliessen_id(self, kid: str) -> None:
        if kid not in self._offen:
            return
        self._offen.discard(kid)
        k = self.s.get(SyncKonflikt, kid)
        if k is not None and k.offen:
            k.offen, k.geloest_am = False, jetzt_utc()
            self.konflikte_geschlossen.append((k.art, k.tabelle, k.datensatz_id, k.feld))
            self.s.flush()

    def feldstand(self, verl: list[Eintrag], feld: str) -> tuple[Eintrag | None, list[Eintrag]]:
        """(winner, front) of one field: the front's entry with the largest (device, seq)."""
        front = self.kausal.front(e for e in verl if e.schreibt(feld))
        if not front:
            return None, []
        return max(front, key=lambda e: e.schluessel), front

    def _feld_setzen(self, cls: type[Base], tabelle: str, datensatz_id: str, verl: list[Eintrag],
                     feld: str, aktuell: dict[str, Any] | None) -> dict[str, Any]:
        """Decide one field; return {feld: python value} to write (empty if unchanged)."""
        if feld not in inspect(cls).columns or feld == "id":
            if feld != "id":
                self.warnungen.append(f"Feld {tabelle}.{feld} ist dieser Version unbekannt und wurde übersprungen.")
            return {}
        gewinner, front = self.feldstand(verl, feld)
        if gewinner is None:
            return {}
        werte = {json.dumps(e.wert(feld), sort_keys=True) for e in front}
        if len(werte) > 1:
            self._konflikt("feld", tabelle, datensatz_id, feld, front, gewinner,
                           f"{cls.__label__}: Feld „{feldname(cls, feld)}“ wurde auf mehreren Geräten unterschiedlich geändert.")
        else:
            self._konflikt_schliessen("feld", tabelle, datensatz_id, feld)
        # A value this version refuses is not skipped (the devices would silently diverge): it
        # raises, and the whole file is quarantined with the reason (see ``replikation._anwenden``).
        wert = python_wert(cls, feld, gewinner.wert(feld))
        if aktuell is not None and feld in aktuell and aktuell[feld] == wert:
            return {}
        return {feld: wert}

    def _aktuell(self, cls: type[Base], datensatz_id: str) -> dict[str, Any] | None:
        t = cls.__table__
        zeile = self.s.execute(select(t).where(t.c.id == datensatz_id)).mappings().first()
        return None if zeile is None else {inspect(cls).get_property_by_column(t.c[k]).key: v for k, v in zeile.items()}

    def wiederherstellen(self, cls: type[Base], datensatz_id: str, verl: list[Eintrag] | None = None) -> bool:
        """Rebuild a deleted record from the log (every field from its front). False if impossible."""
        tabelle = cls.__tablename__
        verl = verl if verl is not None else verlauf(self.s, tabelle, datensatz_id)
        if not any(e.aktion == ANLEGEN for e in verl):
            return False
        werte: dict[str, Any] = {"id": datensatz_id}
        for spalte in inspect(cls).columns:
            if spalte.key != "id":
                werte.update(self._feld_setzen(cls, tabelle, datensatz_id, verl, spalte.key, None))
        self.s.execute(insert(cls.__table__).values(**{cls.__table__.c[inspect(cls).columns[k].name].name: v for k, v in werte.items()}))
        self.beruehrt.add((tabelle, datensatz_id))
        return True

    def neu_anlegen(self, tabelle: str, datensatz_id: str, neu: str | None) -> bool:
        """Fast path: a record no entry here has mentioned yet is inserted as created. False if unknown table."""
        cls = self.tabellen.get(tabelle)
        if cls is None:
            return False
        spalten = inspect(cls).columns
        werte = {}
        for feld, wert in json.loads(neu or "{}").items():
            if feld in spalten:
                werte[spalten[feld].name] = python_wert(cls, feld, wert)
        werte["id"] = datensatz_id
        # The record as its author created it, checked like the flush hook checked it there (a
        # column this version added and the file lacks gets its default, as the INSERT will).
        vollstaendig = {c.key: werte.get(c.name, skalarer_vorgabewert(c)) for c in spalten}
        werte_pruefen(cls, vollstaendig)
        self.s.execute(insert(cls.__table__).values(**werte))
        self.angewendet += 1
        if tabelle in OHNE_SCHRANKE:
            self.eindeutig_pruefen_noch.add((tabelle, datensatz_id))
        return True

    # ----------------------------------------------------------------------------- one entry
    def anwenden(self, e: Eintrag, tabelle: str, datensatz_id: str) -> None:
        """Apply one remote entry that is already in the local log."""
        cls = self.tabellen.get(tabelle)
        if cls is None:
            self.warnungen.append(f"Tabelle {tabelle} ist dieser Version unbekannt; Änderung {e.geraet[:8]}/{e.seq} "
                                  "bleibt im Protokoll und wird nach einem Update wirksam.")
            return
        self.angewendet += 1
        lebt = self._lebt(cls, datensatz_id)
        if lebt and e.aktion != ANLEGEN and self._eingefroren(tabelle, datensatz_id) and not bestaetigung(e):
            self._konflikt("eingefroren", tabelle, datensatz_id, e.feld if e.aktion != LOESCHEN else None, [e], None,
                           f"{cls.__label__} ist eingereicht und unveränderlich; die Änderung von Gerät "
                           f"{e.geraet[:8]} wurde nicht übernommen (bitte als neue Version erfassen).")
            return
        verl = verlauf(self.s, tabelle, datensatz_id, bis=(e.geraet, e.seq))
        self._kandidaten_merken(cls, e)
        if e.aktion == LOESCHEN:
            if not lebt:
                return
            if not self.tot_nach_regel(verl):
                self.zusammengefuehrt += 1
                self._konflikt("loeschen", tabelle, datensatz_id, None, *loeschkonflikt(self.kausal, verl),
                               f"{cls.__label__} wurde auf Gerät {e.geraet[:8]} gelöscht, aber gleichzeitig anderswo "
                               "geändert: Die Änderung gewinnt, der Datensatz bleibt.")
                return
            if self._referenziert(cls, datensatz_id):
                # still needed by a surviving record (settled later in ``verwaiste_entfernen``)
                self._konflikt("loeschen", tabelle, datensatz_id, None, *loeschkonflikt(self.kausal, verl),
                               f"{cls.__label__} wurde gelöscht, wird aber von einem geänderten Datensatz noch "
                               "gebraucht und bleibt deshalb.")
                return
            self.s.execute(delete(cls.__table__).where(cls.__table__.c.id == datensatz_id))
            self.geloescht += 1
            return
        if not lebt:
            if self.wiederherstellen(cls, datensatz_id, verl):
                self.zurueck_trotz_loeschung(cls, datensatz_id, verl)
            return
        aktuell = self._aktuell(cls, datensatz_id)
        felder = [e.feld] if e.aktion != ANLEGEN else [k for k in json.loads(e.neu or "{}") if k != "id"]
        neu: dict[str, Any] = {}
        for feld in felder:
            if feld:
                neu.update(self._feld_setzen(cls, tabelle, datensatz_id, verl, feld, aktuell))
        if neu:
            self.s.execute(update(cls.__table__).where(cls.__table__.c.id == datensatz_id)
                           .values(**{inspect(cls).columns[k].name: v for k, v in neu.items()}))
            self.beruehrt.add((tabelle, datensatz_id))
        if len(neu) < len(felder):
            self.zusammengefuehrt += 1

    # ----------------------------------------------------------------------------- deletes
    def zurueck_trotz_loeschung(self, cls: type[Base], datensatz_id: str, verl: list[Eintrag]) -> None:
        """A record back in its table that some device deleted: flagged, because a write the delete
        did not know beat it – unless it was created again after every delete (the same assignment
        chosen again: its id derives from the key), which is no conflict."""
        geloescht = [w for w in verl if w.aktion == LOESCHEN]
        if not geloescht or any(w.aktion != LOESCHEN and all(self.kausal.vor(l, w) for l in geloescht) for w in verl):
            return
        self.zusammengefuehrt += 1
        self._konflikt("loeschen", cls.__tablename__, datensatz_id, None, *loeschkonflikt(self.kausal, verl),
                       f"{cls.__label__} war gelöscht, wurde aber auf einem anderen Gerät gleichzeitig geändert: "
                       "Die Änderung gewinnt, der Datensatz ist wiederhergestellt.")

    def tot_nach_regel(self, verl: list[Eintrag]) -> bool:
        """Deleted iff some delete knew every write of the record (else the edit beats the delete)."""
        schreiben = [w for w in verl if w.aktion != LOESCHEN]
        return any(all(self.kausal.vor(w, l) for w in schreiben) for l in verl if l.aktion == LOESCHEN)

    def _fremdschluessel(self, cls: type[Base]) -> list[tuple[str, str]]:
        """(column key, target table) of every foreign key of ``cls``."""
        return [(spalte.key, fk.column.table.name) for spalte in cls.__table__.columns for fk in spalte.foreign_keys]

    def _referenziert(self, cls: type[Base], datensatz_id: str) -> bool:
        return verweisender(self.s, self.tabellen, cls, datensatz_id) is not None

    def _kandidaten_merken(self, cls: type[Base], e: Eintrag) -> None:
        """Records whose survival may change with this entry: the deleted one and whatever it (or a
        changed reference) pointed to."""
        if e.aktion == LOESCHEN:
            alt = json.loads(e.alt or "{}")
            for feld, ziel in self._fremdschluessel(cls):
                if alt.get(feld):
                    self.kandidaten.add((ziel, alt[feld]))
        elif e.aktion != ANLEGEN and e.feld and e.alt:
            for feld, ziel in self._fremdschluessel(cls):
                if feld == e.feld and json.loads(e.alt):
                    self.kandidaten.add((ziel, json.loads(e.alt)))

    def verwaiste_entfernen(self) -> None:
        """A record kept only because a surviving record pointed to it goes once nothing does."""
        offen = sorted(self.kandidaten)
        self.kandidaten = set()
        while offen:
            tabelle, did = offen.pop()
            cls = self.tabellen.get(tabelle)
            if cls is None or not self._lebt(cls, did):
                continue
            if not self.tot_nach_regel(verlauf(self.s, tabelle, did)) or self._referenziert(cls, did):
                continue
            zeile = self._aktuell(cls, did) or {}
            offen += [(ziel, zeile[feld]) for feld, ziel in self._fremdschluessel(cls) if zeile.get(feld)]
            self.s.execute(delete(cls.__table__).where(cls.__table__.c.id == did))
            self.entfernt.add((tabelle, did))
            self.geloescht += 1

    # ----------------------------------------------------------------------------- integrity
    def verweise_reparieren(self) -> None:
        """A surviving record keeps the records it points to: bring back deleted parents."""
        for _ in range(20):
            fehlend = self.s.execute(text("PRAGMA foreign_key_check")).all()
            if not fehlend:
                return
            repariert = False
            for tabelle, rowid, eltern, fkid in fehlend:
                fk = [r for r in self.s.execute(text(f'PRAGMA foreign_key_list("{tabelle}")')).all() if r[0] == fkid]
                if not fk:
                    continue
                spalte = fk[0][3]
                wert = self.s.execute(text(f'SELECT "{spalte}" FROM "{tabelle}" WHERE rowid = :r'), {"r": rowid}).scalar()
                cls = self.tabellen.get(eltern)
                if cls is None or wert is None or self._lebt(cls, wert):
                    continue
                if self._zurueckholen(cls, wert):
                    repariert = True
                    self._konflikt("loeschen", eltern, wert, None,
                                   *loeschkonflikt(self.kausal, verlauf(self.s, eltern, wert)),
                                   f"{cls.__label__} war gelöscht, wird aber von einem geänderten Datensatz "
                                   f"({tabelle}) noch gebraucht und ist deshalb wiederhergestellt.")
            if not repariert:
                raise OzgFehler(
                    "Die Änderungen anderer Geräte verweisen auf Datensätze, die es hier nicht gibt "
                    f"({fehlend[0][0]} → {fehlend[0][2]}). Es wurde nichts übernommen; bitte den Abgleich später wiederholen."
                )

    def _zurueckholen(self, cls: type[Base], datensatz_id: str) -> bool:
        """Bring a needed parent back; if its key is taken meanwhile (a revived project whose
        Kennung another one has now), the unique-key rules place it."""
        try:
            with self.s.begin_nested():
                return self.wiederherstellen(cls, datensatz_id)
        except IntegrityError:
            paar = {(cls.__tablename__, datensatz_id)}
            self.eindeutig_pruefen(paar, noetig=paar)
            return self._lebt(cls, datensatz_id)

    # ----------------------------------------------------------------------------- unique keys
    def eindeutig_pruefen(self, verdaechtig: set[tuple[str, str]] | None = None,
                          noetig: set[tuple[str, str]] | None = None) -> bool:
        """Settle records that share a unique key (see :mod:`ozgdesk.sync.eindeutig`); True if
        records came into a table."""
        from ozgdesk.sync.eindeutig import Eindeutigkeit

        return Eindeutigkeit(self).pruefen(verdaechtig or set(), noetig or set())

    def abschliessen(self, zurueckgestellt: list[tuple[Eintrag, str, str]]) -> None:
        """The end of a file: entries that hit a unique key are settled by the key's rule (never an
        abort), references repaired, orphans removed, rules spanning fields checked."""
        verdaechtig = set(self.eindeutig_pruefen_noch)
        for eintrag, tabelle, did in zurueckgestellt:
            if tabelle in REGELN:
                verdaechtig.add((tabelle, did))
                continue
            cls = self.tabellen.get(tabelle)
            if cls is not None and self._lebt(cls, did):
                continue  # a later entry of the file brought the record in with its final values
            self.anwenden(eintrag, tabelle, did)  # raises the IntegrityError with the reason
        self.eindeutig_pruefen(verdaechtig)
        self.verweise_reparieren()
        entfernt = len(self.entfernt)
        self.verwaiste_entfernen()
        if len(self.entfernt) > entfernt and self.eindeutig_pruefen():
            self.verweise_reparieren()
        self.regeln_pruefen()

    def regeln_pruefen(self) -> None:
        """Merged records can break a rule spanning fields (Ende vor Beginn): flag, never block."""
        for tabelle, datensatz_id in sorted(self.beruehrt):
            cls = self.tabellen[tabelle]
            obj = self.s.get(cls, datensatz_id)
            if obj is None:
                continue
            try:
                getattr(obj, "pruefen", lambda: None)()
            except OzgFehler as fehler:
                self._konflikt("regel", tabelle, datensatz_id, None, [], None,
                               f"Nach dem Zusammenführen verletzt der Datensatz eine Regel: {fehler}")
            else:
                self._konflikt_schliessen("regel", tabelle, datensatz_id, None)
            self.s.expunge(obj)

