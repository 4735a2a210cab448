"""Unique keys in the merge: records of several devices that share a key never block a sync.

What two records with one key mean is :mod:`ozgdesk.model.schluesselregeln`'s decision per key
(ZUSAMMENLEGEN: one record, the duplicate held back; BEIDE: both kept, the second with a
provisional key value; UNVERAENDERT: frozen records both kept as they are). This module carries it
out – at the end of every applied file (:meth:`~ozgdesk.sync.zusammenfuehren.Zusammenfuehrung.abschliessen`)
and in :func:`~ozgdesk.sync.konflikte.konflikte_aktualisieren`, which runs after every sync and
before conflicts are shown, so a local edit that ends a clash is noticed too.

Each time, the *groups* of records sharing a key are recomputed from the log:

* members: the records whose insert or key change hit a unique constraint, the ones already
  listed in ``sync_eindeutig`` (and in open conflicts), and whoever holds their key in the table;
* each member's *logged state*: every field's winner as the merge decides it (so a held-back
  record's later edits are not lost), and whether it lives – it has a create and no delete that
  knew all its writes; a held-back record also goes with a delete of a record ranked before it
  whose author knew all its writes (deleting the record that was shown deletes the duplicates
  merged into it, while a duplicate the deleter never saw comes back: create beats delete);
* per group the live members in :func:`~ozgdesk.model.schluesselregeln.rang` order: the first keeps the
  key. ZUSAMMENLEGEN holds the others back (outside the table, with a conflict if their values
  differ); BEIDE gives each other one the first provisional value no other record has
  („BMAS-NEU-1-DOPPELT“, the next free version number); UNVERAENDERT leaves them;
* a group down to one live record gives it its logged key again (a held-back record comes back).

All of it is a function of the replicated log and its causal order, so every device reaches the
same data and the same conflicts, whatever order files arrive in. The writes are Core statements
in the unlogged merge session: the log keeps only what people wrote, provisional values are never
sent. A person resolves the conflict with an ordinary logged change (:func:`loesen`): deleting the
duplicate, giving a record a new Kennung, choosing the current plan version – and the group
dissolves on every device that receives it.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, func, insert, inspect, select, text, update
from sqlalchemy.orm import Session

from ozgdesk.model.base import OZGDESK_NS, Base, feldname, json_wert, jetzt_utc, neue_id
from ozgdesk.model.errors import Eingabefehler
from ozgdesk.model.protokoll import AENDERN, ANLEGEN, LOESCHEN, Aenderung, _dump, _naechste_seq, geschrieben_merken
from ozgdesk.model.schluesselregeln import BEIDE, REGELN, UNVERAENDERT, ZUSAMMENLEGEN, Schluesselregel, rang
from ozgdesk.model.values import DeutschesEnum, Quartal, format_datum, format_euro
from ozgdesk.sync.kausal import Eintrag, verlauf
from ozgdesk.sync.zustand import SyncEindeutig, SyncKonflikt, konflikt_id

if TYPE_CHECKING:
    from ozgdesk.sync.zusammenfuehren import Zusammenfuehrung

ART = "eindeutig"
BEHAELT = "behaelt"
ZURUECKGEHALTEN = "zurueckgehalten"
ERSATZ = "ersatz"
DOPPELT = "doppelt"


def neu_aufbauen(store: Any) -> int:
    """Rebuild ``sync_eindeutig`` and the ``eindeutig`` conflicts of a store from its log (after a
    copy of the database without them, e.g. a snapshot). Returns the number of open conflicts."""
    from ozgdesk.sync.kausal import Kausalitaet
    from ozgdesk.sync.zusammenfuehren import Zusammenfuehrung

    with store.session(quelle="abgleich") as s:
        s.info["ohne_protokoll"] = True
        z = Zusammenfuehrung(s, Kausalitaet(s))
        if Eindeutigkeit(z).alle_pruefen():
            z.verweise_reparieren()
        return int(s.execute(select(func.count()).select_from(SyncKonflikt)
                             .where(SyncKonflikt.art == ART, SyncKonflikt.offen.is_(True))).scalar_one())


def gruppe(tabelle: str, schluessel: str) -> str:
    """The id of a group: the same for the same key on every device."""
    return str(uuid.uuid5(OZGDESK_NS, f"eindeutig:{tabelle}:{schluessel}"))


def konflikt_der_gruppe(regel: Schluesselregel, gruppen_id: str) -> str:
    return konflikt_id(ART, regel.tabelle, gruppen_id, regel.feld)


@dataclass
class _Mitglied:
    """One record of a group, as the log has it."""

    id: str
    verl: list[Eintrag]
    #: every field's value as the merge decides it (column key → Python value); no id
    soll: dict[str, Any]
    lebt: bool
    in_tabelle: bool
    #: the key as JSON text (None: no create in the log, not in the table)
    schluessel: str | None
    rang: tuple[bool, str]
    rolle: str | None = None
    ersatz: Any = None
    aktuell: dict[str, Any] | None = field(default=None, repr=False)


class Eindeutigkeit:
    """Recomputes the groups of records sharing a unique key inside a merge session."""

    def __init__(self, z: Zusammenfuehrung) -> None:
        self.z = z
        self.s: Session = z.s

    # ------------------------------------------------------------------------------ entry
    def pruefen(self, verdaechtig: Iterable[tuple[str, str]] = (), noetig: Iterable[tuple[str, str]] = ()) -> bool:
        """Settle every group of the suspicious records, the tracked ones and those of open conflicts.

        ``noetig``: records that must exist (a parent brought back for a surviving child), whatever
        their log says. Returns True if records came into a table (their references need checking).
        """
        noetig = set(noetig)
        arbeit: dict[str, set[str]] = {}
        for tabelle, did in (*verdaechtig, *noetig):
            if tabelle in REGELN:
                arbeit.setdefault(tabelle, set()).add(did)
        for tabelle, did in self.s.execute(select(SyncEindeutig.tabelle, SyncEindeutig.id)):
            arbeit.setdefault(tabelle, set()).add(did)
        for k in self.s.execute(select(SyncKonflikt).where(SyncKonflikt.art == ART, SyncKonflikt.offen.is_(True))).scalars():
            if k.tabelle in REGELN:  # members of a conflict whose group is not listed (an older copy of the store)
                arbeit.setdefault(k.tabelle, set()).update(w["datensatz_id"] for w in k.werte_liste if w.get("datensatz_id"))
        if not arbeit:
            return False
        # a key moving through a temporary value must not trip a reference check half-way
        self.s.execute(text("PRAGMA defer_foreign_keys = ON"))
        eingefuegt = False
        for tabelle in sorted(arbeit):
            eingefuegt |= self._tabelle(REGELN[tabelle], arbeit[tabelle], {d for t, d in noetig if t == tabelle})
        return eingefuegt

    def alle_pruefen(self) -> bool:
        """Find every record whose key is shared from the log alone – for a store whose
        ``sync_eindeutig`` is missing (a copy made without it): records the log creates but the
        table lacks (held back, or deleted), and records whose key differs from the logged one
        (a provisional value). Reads every keyed record's log once: slow, for repairs only."""
        verdaechtig: set[tuple[str, str]] = set()
        for tabelle, regel in REGELN.items():
            t = regel.klasse.__table__
            im_protokoll = set(self.s.execute(select(Aenderung.datensatz_id).distinct().where(
                Aenderung.tabelle == tabelle, Aenderung.aktion == ANLEGEN)).scalars())
            vorhanden = set(self.s.execute(select(t.c.id)).scalars())
            verdaechtig |= {(tabelle, did) for did in im_protokoll - vorhanden}
            if regel.art == BEIDE and regel.ersatzspalte is not None:
                spalte = regel.ersatzspalte
                for did in sorted(vorhanden & im_protokoll):
                    gewinner, _ = self.z.feldstand(verlauf(self.s, tabelle, did), spalte)
                    aktuell = self.s.execute(select(t.c[spalte]).where(t.c.id == did)).scalar()
                    if gewinner is not None and json_wert(aktuell) != gewinner.wert(spalte):
                        verdaechtig.add((tabelle, did))
        return self.pruefen(verdaechtig)

    # ----------------------------------------------------------------------------- members
    def _mitglied(self, regel: Schluesselregel, cls: type[Base], did: str, noetig: bool) -> _Mitglied:
        tabelle = regel.tabelle
        verl = verlauf(self.s, tabelle, did)
        aktuell = self.z._aktuell(cls, did)
        soll: dict[str, Any] = {}
        if any(e.aktion == ANLEGEN for e in verl):
            soll = protokollstand(self.z, cls, verl)
            lebt = not self.z.tot_nach_regel(verl)
        elif aktuell is not None:  # in the table without a create in the log: take it as it is
            soll = {k: v for k, v in aktuell.items() if k != "id"}
            lebt = True
        else:
            return _Mitglied(did, verl, {}, False, False, None, (True, did))
        if regel.art != ZUSAMMENLEGEN:
            # records others point to stay while in the table (the merge decided so); one not in it
            # lives by its log, or because a surviving record needs it
            lebt = aktuell is not None or noetig or (lebt and regel.art == BEIDE)
        schluessel = json.dumps([json_wert(soll.get(k)) for k in regel.spalten], ensure_ascii=False)
        return _Mitglied(did, verl, soll, lebt, aktuell is not None, schluessel, rang(regel, did, {**soll, "id": did}),
                         aktuell=aktuell)

    def _mitglieder(self, regel: Schluesselregel, start: set[str], noetig: set[str]) -> dict[str, _Mitglied]:
        """The start records, and whoever holds the key of one of them in the table (transitively)."""
        cls = regel.klasse
        t = cls.__table__
        spalten = inspect(cls).columns
        mitglieder: dict[str, _Mitglied] = {}
        offen = sorted(start)
        while offen:
            did = offen.pop()
            if did in mitglieder:
                continue
            m = mitglieder[did] = self._mitglied(regel, cls, did, did in noetig)
            if m.schluessel is None or any(m.soll.get(k) is None for k in regel.spalten):
                continue
            bedingung = [t.c[spalten[k].name] == m.soll[k] for k in regel.spalten]
            offen += sorted(i for i in self.s.execute(select(t.c.id).where(*bedingung)).scalars() if i not in mitglieder)
        return mitglieder

    def _verdeckt(self, gruppe_: list[_Mitglied]) -> None:
        """ZUSAMMENLEGEN: a record goes with the delete of a record ranked before it whose author
        knew all its writes (the deleted record was the one shown; the duplicate was merged into it)."""
        kausal = self.z.kausal
        for i, m in enumerate(gruppe_):
            if not m.lebt:
                continue
            schreiben = [w for w in m.verl if w.aktion != LOESCHEN]
            if any(d.aktion == LOESCHEN and all(kausal.vor(w, d) for w in schreiben)
                   for x in gruppe_[:i] for d in x.verl):
                m.lebt = False

    def _bestaetigt(self, gruppe_: list[_Mitglied]) -> bool:
        """UNVERAENDERT: someone confirmed the duplicate knowing every record of the group."""
        anlagen = [e for m in gruppe_ if m.lebt for e in m.verl if e.aktion == ANLEGEN]
        return any(e.aktion == AENDERN and e.feld == "id" and e.alt == e.neu
                   and all(self.z.kausal.vor(a, e) for a in anlagen)
                   for m in gruppe_ for e in m.verl)

    # ------------------------------------------------------------------------------ one table
    def _tabelle(self, regel: Schluesselregel, start: set[str], noetig: set[str]) -> bool:
        verfolgt = set(self.s.execute(select(SyncEindeutig.id).where(SyncEindeutig.tabelle == regel.tabelle)).scalars())
        mitglieder = self._mitglieder(regel, start | verfolgt, noetig)
        gruppen: dict[str, list[_Mitglied]] = {}
        for m in mitglieder.values():
            if m.schluessel is not None:
                gruppen.setdefault(m.schluessel, []).append(m)
        vergeben: dict[tuple[Any, ...], set[Any]] = {}  # scope → provisional values handed out
        streit: dict[str, list[_Mitglied]] = {}
        for schluessel in sorted(gruppen):
            liste = sorted(gruppen[schluessel], key=lambda m: m.rang)
            if regel.art == ZUSAMMENLEGEN:
                self._verdeckt(liste)
            lebende = [m for m in liste if m.lebt]
            if len(lebende) < 2 or (regel.art == UNVERAENDERT and self._bestaetigt(liste)):
                continue
            streit[schluessel] = lebende
            lebende[0].rolle = BEHAELT
            for m in lebende[1:]:
                if regel.art == ZUSAMMENLEGEN:
                    m.rolle = ZURUECKGEHALTEN
                elif regel.art == BEIDE:
                    m.rolle, m.ersatz = ERSATZ, self._ersatzwert(regel, m, mitglieder, vergeben)
                else:
                    m.rolle = DOPPELT
        eingefuegt = self._schreiben(regel, mitglieder) if regel.art != UNVERAENDERT else False
        self._verfolgen(regel, streit)
        return eingefuegt

    def _ersatzwert(self, regel: Schluesselregel, m: _Mitglied, mitglieder: dict[str, _Mitglied],
                    vergeben: dict[tuple[Any, ...], set[Any]]) -> Any:
        """The first provisional value that no record of the key's scope has (by its log) and none
        got before: groups are settled in key order, so every device hands out the same values."""
        assert regel.ersatzspalte is not None and regel.ersatz is not None
        cls = regel.klasse
        t = cls.__table__
        spalten = inspect(cls).columns
        rahmen = [k for k in regel.spalten if k != regel.ersatzspalte]
        scope = tuple(json_wert(m.soll.get(k)) for k in rahmen)
        schon = vergeben.setdefault(scope, set())
        gleiche = [x for x in mitglieder.values() if x.lebt and x.schluessel is not None
                   and all(x.soll.get(k) == m.soll.get(k) for k in rahmen)]
        for n in range(1, 100_000):
            wert = regel.ersatz(m.soll[regel.ersatzspalte], n)
            if wert in schon or any(x.soll.get(regel.ersatzspalte) == wert for x in gleiche):
                continue
            frage = select(t.c.id).where(t.c[spalten[regel.ersatzspalte].name] == wert,
                                         *[t.c[spalten[k].name] == m.soll[k] for k in rahmen],
                                         t.c.id.not_in(list(mitglieder))).limit(1)
            if self.s.execute(frage).first() is None:
                schon.add(wert)
                return wert
        raise RuntimeError(f"no provisional value for {regel.tabelle}")  # pragma: no cover

    # ------------------------------------------------------------------------------ writing
    def _schreiben(self, regel: Schluesselregel, mitglieder: dict[str, _Mitglied]) -> bool:
        """Bring the table to the decided state: held-back and dead duplicates out, keys moving
        through temporary values, records in with their logged state (and provisional key)."""
        cls = regel.klasse
        t = cls.__table__
        spalten = inspect(cls).columns
        s = self.s
        geschrieben: set[tuple[str, str]] = set()

        def ziel(m: _Mitglied) -> dict[str, Any]:
            werte = dict(m.soll)
            if m.rolle == ERSATZ and regel.ersatzspalte is not None:
                werte[regel.ersatzspalte] = m.ersatz
            return werte

        drin = sorted((m for m in mitglieder.values() if m.lebt and m.rolle != ZURUECKGEHALTEN), key=lambda m: m.id)
        schluessel_neu = {m.id for m in drin if m.aktuell is not None
                          and any(m.aktuell.get(k) != ziel(m).get(k) for k in regel.spalten)}
        # 1. out: duplicates held back, dead ones; in a ZUSAMMENLEGEN table (no record points to one)
        #    also those whose key changes – they come back in step 3
        for m in sorted(mitglieder.values(), key=lambda m: m.id):
            raus = not m.lebt or m.rolle == ZURUECKGEHALTEN or (regel.art == ZUSAMMENLEGEN and m.id in schluessel_neu)
            if m.in_tabelle and raus and (regel.art == ZUSAMMENLEGEN or not m.lebt):
                s.execute(delete(t).where(t.c.id == m.id))
                m.in_tabelle, m.aktuell = False, None
                geschrieben.add((regel.tabelle, m.id))
                if not m.lebt or m.rolle == ZURUECKGEHALTEN:
                    self.z.entfernt.add((regel.tabelle, m.id))
        # 2. BEIDE: records whose key changes step aside to a temporary value first (a swap of two
        #    Kennungen would otherwise collide half-way)
        if regel.art == BEIDE and regel.ersatzspalte is not None:
            spalte = t.c[spalten[regel.ersatzspalte].name]
            platz = 0
            for m in drin:
                if m.in_tabelle and m.id in schluessel_neu:
                    platz = self._platzhalter(spalte, platz)
                    s.execute(update(t).where(t.c.id == m.id).values({spalte.name: self._platzwert(spalte, platz)}))
        # 3. in: every live record with its logged state
        eingefuegt = False
        for m in drin:
            werte = ziel(m)
            for feld in m.soll:  # its field conflicts, as the merge opens them (an entry that hit the
                self.z._feld_setzen(cls, regel.tabelle, m.id, m.verl, feld, None)  # key was rolled back)
            if m.aktuell is None:
                s.execute(insert(t).values({**{spalten[k].name: v for k, v in werte.items()}, "id": m.id}))
                self.z.beruehrt.add((regel.tabelle, m.id))
                self.z.zurueck_trotz_loeschung(cls, m.id, m.verl)  # as the merge would have flagged it
                eingefuegt = True
            else:
                neu = {k: v for k, v in werte.items() if m.aktuell.get(k) != v or m.id in schluessel_neu and k in regel.spalten}
                if not neu:
                    continue
                s.execute(update(t).where(t.c.id == m.id).values({spalten[k].name: v for k, v in neu.items()}))
            geschrieben.add((regel.tabelle, m.id))
        if geschrieben:
            geschrieben_merken(s, geschrieben)
        return eingefuegt

    @staticmethod
    def _platzwert(spalte: Any, n: int) -> Any:
        return -n if spalte.type.python_type is int else f"~{n}"

    def _platzhalter(self, spalte: Any, zuletzt: int) -> int:
        """The next temporary value (negative number, ``~n``) no record of the table holds."""
        n = zuletzt + 1
        while self.s.execute(select(spalte).where(spalte == self._platzwert(spalte, n)).limit(1)).first():
            n += 1
        return n

    # ----------------------------------------------------------------------- tracking, conflict
    def _verfolgen(self, regel: Schluesselregel, streit: dict[str, list[_Mitglied]]) -> None:
        """Keep ``sync_eindeutig`` and the conflicts of this table in step with the groups."""
        s = self.s
        alt = {r.id: r for r in s.execute(select(SyncEindeutig).where(SyncEindeutig.tabelle == regel.tabelle)).scalars()}
        offen: set[str] = set()
        for schluessel, lebende in streit.items():
            gid = gruppe(regel.tabelle, schluessel)
            for m in lebende:
                ersatz = "" if m.ersatz is None else json.dumps(json_wert(m.ersatz), ensure_ascii=False)
                zeile = alt.pop(m.id, None)
                if zeile is None:
                    s.add(SyncEindeutig(id=m.id, tabelle=regel.tabelle, gruppe=gid, schluessel=schluessel, rolle=m.rolle or "",
                                        ersatz=ersatz, erkannt_am=jetzt_utc()))
                elif (zeile.gruppe, zeile.schluessel, zeile.rolle, zeile.ersatz) != (gid, schluessel, m.rolle, ersatz):
                    zeile.gruppe, zeile.schluessel, zeile.rolle, zeile.ersatz = gid, schluessel, m.rolle or "", ersatz
            if self._zeigen(regel, lebende):
                kid = konflikt_der_gruppe(regel, gid)
                offen.add(kid)
                self.z.konflikt_setzen(kid, ART, regel.tabelle, lebende[0].id, regel.feld,
                                       self._werte(regel, lebende), {"datensatz_id": lebende[0].id},
                                       self._hinweis(regel, lebende))
        for zeile in alt.values():
            s.delete(zeile)
        s.flush()
        for k in s.execute(select(SyncKonflikt.id).where(SyncKonflikt.art == ART, SyncKonflikt.tabelle == regel.tabelle,
                                                         SyncKonflikt.offen.is_(True))).scalars().all():
            if k not in offen:
                self.z.konflikt_schliessen_id(k)

    def _zeigen(self, regel: Schluesselregel, lebende: list[_Mitglied]) -> bool:
        """A held-back duplicate equal to the record kept (the same assignment twice) needs nobody."""
        if regel.art != ZUSAMMENLEGEN:
            return True
        erster = lebende[0].soll
        return any(m.soll != erster for m in lebende[1:])

    # ------------------------------------------------------------------------------ display
    def _werte(self, regel: Schluesselregel, lebende: list[_Mitglied]) -> list[dict[str, Any]]:
        """One entry per record, from the log and the merged data only (the same on every device)."""
        cls = regel.klasse
        ausgenommen = {"id", *regel.spalten, *_IM_TITEL.get(regel.tabelle, ())}
        unterschiedlich = [k for k in inspect(cls).columns.keys()
                           if k not in ausgenommen and len({json.dumps(json_wert(m.soll.get(k))) for m in lebende}) > 1]
        felder = [k for k in (*regel.anzeige, *unterschiedlich) if k not in ausgenommen]
        felder = list(dict.fromkeys(felder))
        liste = []
        for m in lebende:
            zusatz = []
            if regel.tabelle == "zahlungsplan":  # what tells two fassungen apart: their amounts
                from ozgdesk.model.finanzen import ZahlungsplanPosition

                summe = self.s.execute(select(func.coalesce(func.sum(ZahlungsplanPosition.betrag_cent), 0))
                                       .where(ZahlungsplanPosition.zahlungsplan_id == m.id)).scalar_one()
                zusatz.append(["Summe der Planbeträge", format_euro(int(summe))])
            spalte = regel.ersatzspalte or regel.spalten[-1]
            e, _ = self.z.feldstand(m.verl, spalte)  # who gave the record this key (the merge's winner)
            liste.append({
                "datensatz_id": m.id, "geraet": e.geraet if e else "", "seq": e.seq if e else 0,
                "benutzer": e.benutzer if e else "", "zeitpunkt": e.zeitpunkt if e else "", "aktion": e.aktion if e else ANLEGEN,
                "wert": schluessel_anzeige(self.s, regel, m.soll), "rolle": m.rolle,
                "ersatz": None if m.ersatz is None else anzeigewert(self.s, cls, spalte, m.ersatz),
                "titel": titel(self.s, regel, m.soll),
                "felder": [[feldname(cls, k), anzeigewert(self.s, cls, k, m.soll.get(k))] for k in felder] + zusatz,
            })
        return liste

    def _hinweis(self, regel: Schluesselregel, lebende: list[_Mitglied]) -> str:
        schl = schluessel_anzeige(self.s, regel, lebende[0].soll)
        zweiter = lebende[1]
        if regel.tabelle == "projekt":
            return (f"Die Projektkennung „{schl}“ wurde auf mehreren Geräten für verschiedene Projekte vergeben. "
                    f"Alle Projekte bleiben erhalten; bis zur Entscheidung trägt das zweite vorläufig die Kennung "
                    f"„{zweiter.ersatz}“. Bitte wählen, welches Projekt „{schl}“ behält, und dem anderen eine neue "
                    "Kennung geben.")
        if regel.tabelle == "zahlungsplan":
            nummern = [str(m.ersatz if m.ersatz is not None else m.soll["version"]) for m in lebende]
            projekt = anzeigewert(self.s, regel.klasse, "projekt_id", lebende[0].soll.get("projekt_id"))
            return (f"Der Zahlungsplan von Projekt {projekt} wurde auf mehreren Geräten gleichzeitig als {schl} "
                    f"gespeichert. Alle Fassungen bleiben erhalten und sind vorläufig als Version "
                    f"{', '.join(nummern[:-1])} und {nummern[-1]} nummeriert; die höchste gilt als aktuelle. "
                    "Bitte wählen, welche Fassung die aktuelle ist.")
        if regel.art == BEIDE:
            return (f"{regel.klasse.__label__} {schl} wurde auf mehreren Geräten für verschiedene Datensätze vergeben. "
                    f"Alle bleiben erhalten; der zweite trägt vorläufig {feldname(regel.klasse, regel.ersatzspalte or '')} "
                    f"„{zweiter.ersatz}“. Bitte wählen, wer „{schl}“ behält.")
        if regel.art == UNVERAENDERT:
            return (f"Die Einreichung {schl} wurde auf mehreren Geräten unabhängig "
                    "erzeugt. Beide Einreichungen bleiben als Nachweis unverändert erhalten (auf der Ablage als eigene "
                    "Fassungen veröffentlicht). Bitte prüfen, ob eine korrigierte Einreichung nötig ist, und den Hinweis "
                    "bestätigen.")
        return (f"{titel(self.s, regel, lebende[0].soll)} wurde auf mehreren Geräten unabhängig mit unterschiedlichen "
                "Werten angelegt. Es gilt ein Datensatz; die Werte des anderen sind zurückgestellt. Bitte wählen, "
                "welche Werte gelten.")


# ================================================================================== texts for people
#: fields not listed below a record's title line: named in it already, or (a submission's frozen
#: snapshot and checksums) nothing a person compares by eye
_IM_TITEL = {"projekt": ("titel",), "zahlungsplan": ("stand",), "leistung": ("bezeichnung",), "themenfeld": ("name",),
             "lage": ("name",),
             "einreichung": ("erstellt_am", "erstellt_von", "schema", "snapshot", "snapshot_sha256", "dateien")}


def _kennung(s: Session, tabelle: str, did: Any) -> str | None:
    from ozgdesk.model.base import klasse_fuer

    if did is None:
        return None
    cls = klasse_fuer(tabelle)
    kenn = {"projekt": "kennung", "leistung": "ozg_id", "person": "name", "behoerde": "kurzname",
            "zahlungsplan": "version", "leika_leistung": "schluessel", "themenfeld": "name", "lage": "name",
            "ressort": "kurzname", "arbeitspaket": "nummer", "meilenstein": "titel"}.get(tabelle)
    if kenn is None:
        return None
    wert = s.execute(select(cls.__table__.c[kenn]).where(cls.__table__.c.id == did)).scalar()
    if tabelle == "zahlungsplan" and wert is not None:
        return f"Version {wert}"
    if tabelle == "leika_leistung" and wert is None:
        wert = s.execute(select(cls.__table__.c.bezeichnung).where(cls.__table__.c.id == did)).scalar()
    return None if wert is None else str(wert)


def anzeigewert(s: Session, cls: type[Base], feld: str, wert: Any) -> str:
    """A value as a German reader reads it: amounts in euros, dates, labels, linked records by name."""
    if wert is None:
        return "–"
    if isinstance(wert, bool):
        return "ja" if wert else "nein"
    spalte = inspect(cls).columns.get(feld)
    if spalte is not None and spalte.foreign_keys:
        ziel = next(iter(spalte.foreign_keys)).column.table.name
        return _kennung(s, ziel, wert) or "(gelöscht)"
    if isinstance(wert, int) and feld.endswith("_cent"):
        return format_euro(wert)
    if isinstance(wert, datetime):
        return f"{wert:%d.%m.%Y %H:%M} UTC"
    if isinstance(wert, date):
        return format_datum(wert)
    if isinstance(wert, Decimal):
        return str(wert).replace(".", ",")
    if isinstance(wert, DeutschesEnum):
        return wert.label
    if isinstance(wert, Quartal):
        return wert.kurz
    text_ = str(wert).strip()
    if not text_:
        return "–"
    return text_ if len(text_) <= 120 else text_[:119] + "…"


def schluessel_anzeige(s: Session, regel: Schluesselregel, werte: dict[str, Any]) -> str:
    """The key's own part as people name it: „BMAS-NEU-1“, „2027“, „Version 2“, „Q3/2026“."""
    teile = [anzeigewert(s, regel.klasse, k, werte.get(k)) for k in regel.spalten
             if not inspect(regel.klasse).columns[k].foreign_keys]
    if regel.tabelle == "zahlungsplan":
        return f"Version {werte.get('version')}"
    if regel.tabelle == "einreichung":
        return f"{_zeitraum(werte.get('zeitraum'))} Version {werte.get('version')}"
    return ", ".join(teile) or "dieselbe Zuordnung"


def _zeitraum(wert: Any) -> str:
    try:
        return Quartal.parse(str(wert)).kurz
    except Eingabefehler:
        return str(wert)


def rolle_text(tabelle: str, w: dict[str, Any]) -> str:
    """What a record of a group holds now, for people: „behält „BMAS-NEU-1““, „vorläufig Version 3“,
    „zurückgestellt (nicht in der Liste)“."""
    regel = REGELN.get(tabelle)
    schluessel = str(w.get("wert", ""))
    rolle, ersatz = w.get("rolle"), w.get("ersatz")
    if tabelle == "zahlungsplan":
        return f"vorläufig Version {ersatz}" if ersatz else f"bleibt {schluessel}"
    if ersatz:
        return f"vorläufig „{ersatz}“"
    if rolle == ZURUECKGEHALTEN:
        return "zurückgestellt (nicht in der Liste)"
    if rolle == DOPPELT or (regel is not None and regel.art == UNVERAENDERT):
        return "bleibt als Nachweis erhalten"
    if regel is not None and regel.art == ZUSAMMENLEGEN:
        return "gilt zurzeit"
    return f"behält „{schluessel}“"


def titel(s: Session, regel: Schluesselregel, w: dict[str, Any]) -> str:
    """One line that names a record of a group without its id."""
    def a(feld: str) -> str:
        return anzeigewert(s, regel.klasse, feld, w.get(feld))

    match regel.tabelle:
        case "projekt":
            return f"Projekt {a('kennung')} „{a('titel')}“"
        case "zahlungsplan":
            return f"Zahlungsplan Version {a('version')} für Projekt {a('projekt_id')} vom {a('stand')}"
        case "zahlungsplan_position":
            return (f"Planbetrag {a('quartal')}, {a('haushaltsstelle')}, {a('kostenart')} im Zahlungsplan "
                    f"{a('zahlungsplan_id')}")
        case "bewilligung":
            return f"Bewilligung {w.get('jahr')} für Projekt {a('projekt_id')}"
        case "aufwand":
            return f"Aufwand {a('quartal')} ({a('leistungsart')}) für Projekt {a('projekt_id')}"
        case "projekt_leistung":
            return f"OZG-Leistung {a('leistung_id')} im Projekt {a('projekt_id')}"
        case "leistung_verantwortung":
            return f"{a('person_id')} verantwortlich für OZG-Leistung {a('leistung_id')}"
        case "leika_zuordnung":
            return f"LeiKa-Leistung {a('leika_id')} zu OZG-Leistung {a('leistung_id')}"
        case "leistung":
            return f"OZG-Leistung {a('ozg_id')} „{a('bezeichnung')}“"
        case "themenfeld" | "lage":
            return f"{regel.klasse.__label__} {w.get('nummer')} „{a('name')}“"
        case "einreichung":
            return (f"Einreichung {_zeitraum(w.get('zeitraum'))} Version {w.get('version')} vom {a('erstellt_am')} "
                    f"({a('erstellt_von')})")
    return f"{regel.klasse.__label__} {schluessel_anzeige(s, regel, w)}"  # pragma: no cover - every rule above


# ================================================================================== resolving
def _waehlen(k: Any, wahl: str) -> int:
    """Which record a person chose: its number in the list (1, 2 …), ``mein``/``fremd`` when that
    is unambiguous, or the start of its id."""
    werte = k.werte
    w = wahl.strip()
    if w.isdigit() and 1 <= int(w) <= len(werte):
        return int(w) - 1
    if w in ("mein", "fremd"):
        treffer = [i for i, x in enumerate(werte) if x.get("mein") == (w == "mein")]
        if len(treffer) == 1:
            return treffer[0]
        raise Eingabefehler(f"Konflikt {k.id[:8]}: „{w}“ ist hier nicht eindeutig; bitte die Nummer des Datensatzes "
                            f"angeben (1 bis {len(werte)}, siehe „ozgdesk-cli konflikte list“).")
    treffer = [i for i, x in enumerate(werte) if len(w) >= 6 and str(x.get("datensatz_id", "")).startswith(w)]
    if len(treffer) == 1:
        return treffer[0]
    raise Eingabefehler(f"Konflikt {k.id[:8]}: Bitte die Nummer des Datensatzes angeben, der gelten soll "
                        f"(1 bis {len(werte)}), nicht „{wahl}“.")


def loesen(s: Session, store: Any, k: Any, wahl: str, neu: Sequence[str] | None) -> None:
    """Resolve an ``eindeutig`` conflict by ordinary logged changes (the group then dissolves on
    every device that receives them):

    * ZUSAMMENLEGEN – the chosen record's values stay: the record kept gets them, every other one
      is deleted (a held-back one by a logged delete of what the log holds of it);
    * BEIDE – the chosen record keeps the key; the others get the new values ``neu`` (one each,
      in list order; where a provisional value may stay, it is written as it is). With
      ``aktuelle_waehlen`` (Zahlungsplan) the chosen one becomes the current, highest version;
    * UNVERAENDERT – nothing can change: the duplicate is confirmed as seen.
    """
    regel = REGELN.get(k.tabelle)
    if regel is None or not k.werte:
        raise Eingabefehler(f"Konflikt {k.id[:8]} lässt sich so nicht lösen.")
    cls = regel.klasse
    if regel.art == UNVERAENDERT:
        ziel = k.werte[0]["datensatz_id"]
        _eintragen(s, store, k.tabelle, ziel, AENDERN, "id", ziel, ziel)
        return
    index = _waehlen(k, wahl)
    ids = [w["datensatz_id"] for w in k.werte]
    z = _zustaende(s, k.tabelle, ids)
    if regel.art == ZUSAMMENLEGEN:
        behalten = next((i for i in ids if s.get(cls, i) is not None), None)
        if behalten is None:
            raise Eingabefehler(f"Konflikt {k.id[:8]}: Der Datensatz ist inzwischen gelöscht.")
        gewaehlt = ids[index]
        if gewaehlt != behalten:
            obj = s.get(cls, behalten)
            for feld, wert in z[gewaehlt].items():
                if feld != "id" and json_wert(getattr(obj, feld)) != json_wert(wert):
                    setattr(obj, feld, wert)
            s.flush()
        for did in ids:
            if did == behalten:
                continue
            obj = s.get(cls, did)
            if obj is not None:
                s.delete(obj)
                s.flush()
            else:
                alt = {feld: json_wert(v) for feld, v in z[did].items()}
                _eintragen(s, store, k.tabelle, did, LOESCHEN, None, {**alt, "id": did}, None)
        return
    assert regel.ersatzspalte is not None
    spalte = regel.ersatzspalte
    andere = [i for i in range(len(ids)) if i != index]
    if regel.aktuelle_waehlen:
        nummern = sorted(int(getattr(s.get(cls, i), spalte)) for i in ids)
        reihenfolge = [ids[i] for i in andere] + [ids[index]]
        werte = dict(zip(reihenfolge, nummern, strict=True))
    else:
        werte = {ids[index]: z[ids[index]][spalte]}
        eingaben = [x.strip() for x in (neu or []) if x and x.strip()]
        if regel.neuer_wert_noetig and len(eingaben) < len(andere):
            raise Eingabefehler(
                f"Konflikt {k.id[:8]}: Bitte für {'jeden anderen Datensatz' if len(andere) > 1 else 'den anderen Datensatz'} "
                f"eine neue {feldname(cls, spalte)} angeben (in der Befehlszeile: --neu WERT).")
        for n, i in enumerate(andere):
            obj = s.get(cls, ids[i])
            werte[ids[i]] = _neuer_wert(regel, eingaben[n]) if n < len(eingaben) else getattr(obj, spalte)
        _neue_pruefen(s, regel, k, werte)
    _schluessel_schreiben(s, store, regel, werte, z)


def _neuer_wert(regel: Schluesselregel, eingabe: str) -> Any:
    from ozgdesk.model.operationen.projekt import kennung_normal

    spalte = inspect(regel.klasse).columns[regel.ersatzspalte or ""]
    if spalte.type.python_type is int:
        try:
            return int(eingabe)
        except ValueError:
            raise Eingabefehler(f"„{eingabe}“ ist keine ganze Zahl.") from None
    return kennung_normal(eingabe) if regel.tabelle == "projekt" else eingabe


def _neue_pruefen(s: Session, regel: Schluesselregel, k: Any, werte: dict[str, Any]) -> None:
    """New key values must differ from each other and from every other record's."""
    cls = regel.klasse
    spalte = regel.ersatzspalte or ""
    name = feldname(cls, spalte)
    if len({json.dumps(json_wert(v)) for v in werte.values()}) < len(werte):
        raise Eingabefehler(f"Konflikt {k.id[:8]}: Jeder Datensatz braucht eine eigene {name}.")
    t = cls.__table__
    for did, wert in werte.items():
        rahmen = [t.c[c] == getattr(s.get(cls, did), c) for c in regel.spalten if c != spalte]
        anderer = s.execute(select(t.c.id).where(t.c[spalte] == wert, t.c.id.not_in(list(werte)), *rahmen)).first()
        if anderer is not None:
            raise Eingabefehler(f"Konflikt {k.id[:8]}: {name} „{wert}“ hat schon ein anderer Datensatz; "
                                "bitte einen anderen Wert wählen. Es wurde nichts geändert.")


def _schluessel_schreiben(s: Session, store: Any, regel: Schluesselregel, werte: dict[str, Any],
                          z: dict[str, dict[str, Any]]) -> None:
    """Write the chosen key values as logged changes. Values that must swap step aside to a
    temporary value first (unlogged); a value that is in the table already but not in the log
    (a provisional one kept) is logged as a confirmation."""
    cls = regel.klasse
    spalte = regel.ersatzspalte or ""
    t = cls.__table__
    objekte = {did: s.get(cls, did) for did in werte}
    aendern = {did: w for did, w in werte.items() if getattr(objekte[did], spalte) != w}
    for n, did in enumerate(sorted(aendern), start=1):  # step aside; the ORM still holds the old value
        platz = Eindeutigkeit._platzwert(t.c[spalte], n)
        while s.execute(select(t.c.id).where(t.c[spalte] == platz)).first():
            n += 1000
            platz = Eindeutigkeit._platzwert(t.c[spalte], n)
        s.execute(update(t).where(t.c.id == did).values({spalte: platz}))
    for did, w in werte.items():
        obj = objekte[did]
        if did in aendern:
            setattr(obj, spalte, w)
            s.flush()
        elif json_wert(z[did].get(spalte)) != json_wert(w):
            _eintragen(s, store, regel.tabelle, did, AENDERN, spalte, json_wert(z[did].get(spalte)), json_wert(w))


def protokollstand(z: Zusammenfuehrung, cls: type[Base], verl: list[Eintrag]) -> dict[str, Any]:
    """A record's fields as the merge decides them from its log (each field's winner), without id."""
    from ozgdesk.sync.zusammenfuehren import python_wert

    werte: dict[str, Any] = {}
    for spalte in inspect(cls).columns:
        if spalte.key != "id":
            gewinner, _ = z.feldstand(verl, spalte.key)
            if gewinner is not None:
                werte[spalte.key] = python_wert(cls, spalte.key, gewinner.wert(spalte.key))
    return werte


def _zustaende(s: Session, tabelle: str, ids: list[str]) -> dict[str, dict[str, Any]]:
    """The logged state of each record, as the merge has it."""
    from ozgdesk.sync.kausal import Kausalitaet
    from ozgdesk.sync.zusammenfuehren import Zusammenfuehrung

    z = Zusammenfuehrung(s, Kausalitaet(s))
    cls = REGELN[tabelle].klasse
    return {did: protokollstand(z, cls, verlauf(s, tabelle, did)) for did in ids}


def _eintragen(s: Session, store: Any, tabelle: str, datensatz_id: str, aktion: str, feld: str | None,
               alt: Any, neu: Any) -> None:
    """A logged change without a change in the table: the delete of a held-back record, the
    confirmation of a value or of a frozen duplicate."""
    info = s.info
    s.add(Aenderung(
        id=neue_id(), geraet=store.geraet_id, seq=_naechste_seq(s, store.geraet_id),
        transaktion=info.setdefault("transaktion", neue_id()), zeitpunkt=jetzt_utc(),
        benutzer=info.get("benutzer") or "unbekannt", quelle=info.get("quelle", "lokal"), tabelle=tabelle,
        datensatz_id=datensatz_id, aktion=aktion, feld=feld, alt=None if alt is None else _dump(alt),
        neu=None if neu is None else _dump(neu),
    ))
    geschrieben_merken(s, {(tabelle, datensatz_id)})
