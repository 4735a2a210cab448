"""Property: three devices fill the same unique keys in random interleavings with syncs – the same
Leistung assigned, the same Bewilligung year, new Zahlungsplan versions, the same project Kennung,
records with old random ids, edits and deletes of them. After everyone has synced: no sync raised,
all devices hold the same data and the same conflicts, no provisional value stands without an open
conflict, and every record created is in the result, in an open conflict, or was knowingly
deleted. Resolving every conflict and syncing again converges with no conflict left.

``OZGDESK_SYNC_BEISPIELE`` sets the number of examples (default 15)."""

from __future__ import annotations

import json
import os
import shutil
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from ozgdesk.model.base import abgeleitete_id, neue_id
from ozgdesk.model.finanzen import Bewilligung, Zahlungsplan, ZahlungsplanPosition
from ozgdesk.model.katalog import Leistung, Themenfeld
from ozgdesk.model.operationen import bearbeiten as operation
from ozgdesk.model.operationen import projekt as op_projekt
from ozgdesk.model.organisation import Ressort
from ozgdesk.model.projekte import Projekt, ProjektLeistung
from ozgdesk.model.protokoll import Aenderung
from ozgdesk.model.schluesselregeln import DOPPELT
from ozgdesk.model.store import Store
from ozgdesk.model.values import Finanzierung, Haushaltsstelle, Kostenart, Quartal
from ozgdesk.sync import replikation
from ozgdesk.sync.abgleich import jetzt_abgleichen
from ozgdesk.sync.backend import Ablagefehler, OrdnerBackend
from ozgdesk.sync.konflikte import konflikt_loesen, konflikte
from ozgdesk.sync.zustand import SyncEindeutig
from tests.sync_server import daten, freigeben, geraet
from tests.test_sync_eigenschaften import Unterbrochen

P0 = abgeleitete_id("test-eindeutig-projekt", 0)
LEISTUNGEN = [abgeleitete_id("leistung", f"9900{i}") for i in range(3)]
KENNUNGEN = ["BMI-NEU-1", "BMI-NEU-2"]
HHST = Haushaltsstelle.parse("0602 532 01")


@pytest.fixture(scope="module")
def basis(tmp_path_factory: pytest.TempPathFactory) -> Path:
    pfad = tmp_path_factory.mktemp("eindeutig-eigenschaften") / "basis.sqlite"
    with Store.oeffnen(pfad) as store:
        with store.session(benutzer="Basis") as s:
            s.add(Ressort(kurzname="BMI", name="Bundesministerium des Innern"))
            tf = Themenfeld(id=abgeleitete_id("themenfeld", 99), nummer=99, name="Test")
            s.add(tf)
            s.flush()
            for i, lid in enumerate(LEISTUNGEN):
                s.add(Leistung(id=lid, ozg_id=f"9900{i}", bezeichnung=f"Leistung {i}", themenfeld_id=tf.id))
            s.add(Projekt(id=P0, kennung="BMI-T-0", titel="Projekt 0", finanzierung=Finanzierung.VOLL))
        with store.engine.connect() as con:
            con.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    return pfad


geraete = st.integers(0, 2)
#: the creating operations come twice: two devices filling one key between syncs is the point
ops = st.one_of(
    *[st.tuples(st.just("zuordnen"), geraete, st.integers(0, 1))] * 2,
    st.tuples(st.just("alt_zuordnen"), geraete, st.integers(0, 1)),
    st.tuples(st.just("abwaehlen"), geraete, st.integers(0, 1)),
    *[st.tuples(st.just("bewilligung"), geraete, st.integers(0, 1), st.integers(1, 9))] * 2,
    st.tuples(st.just("alt_bewilligung"), geraete, st.integers(0, 1), st.integers(1, 9)),
    st.tuples(st.just("bewilligung_loeschen"), geraete, st.integers(0, 1)),
    *[st.tuples(st.just("plan"), geraete, st.integers(1, 9))] * 2,
    *[st.tuples(st.just("projekt"), geraete, st.integers(0, 1))] * 2,
    st.tuples(st.just("kennung"), geraete, st.integers(0, 1), st.integers(0, 5)),
    st.tuples(st.just("projekt_loeschen"), geraete, st.integers(0, 5)),
    *[st.tuples(st.just("sync"), geraete)] * 3,
    st.tuples(st.just("unterbrochen"), geraete, st.integers(1, 12)),
    st.tuples(st.just("loesen"), geraete),
)


def _bekannt(store: Store, tabelle: str) -> set[str]:
    """Records of a table this device has seen created (its log)."""
    with store.lesen() as s:
        return set(s.execute(select(Aenderung.datensatz_id).where(Aenderung.tabelle == tabelle,
                                                                  Aenderung.aktion == "anlegen")).scalars())


class Lauf:
    """The devices and what the run created and knowingly removed."""

    def __init__(self, geraete_: list[Store], ablage: Path) -> None:
        self.g = geraete_
        self.ablage = ablage
        self.zaehler = 0
        #: (table, id, description) of every record created
        self.angelegt: list[tuple[str, str, str]] = []
        #: records removed by someone who knew them (delete, or a resolution that saw them)
        self.bewusst: set[str] = set()
        #: record id → amounts some device had seen when it wrote the amount (knowingly replaced)
        self.ueberholt: dict[str, set[str]] = {}
        self.projekte: list[str] = []

    def gesehen(self, store: Store, did: str) -> None:
        """This device is about to write the amount of ``did``: it replaces what it has seen."""
        with store.lesen() as s:
            for a in s.execute(select(Aenderung).where(Aenderung.datensatz_id == did)).scalars():
                if a.aktion == "anlegen":
                    self.ueberholt.setdefault(did, set()).add(str(json.loads(a.neu).get("betrag_cent")))
                elif a.aktion == "aendern" and a.feld == "betrag_cent":
                    self.ueberholt.setdefault(did, set()).add(str(a.neu_wert))

    def naechster(self) -> int:
        self.zaehler += 1
        return self.zaehler

    def loeschen_bekannt(self, store: Store, tabelle: str) -> None:
        """A delete on this device covers every record of the table it has seen (a held-back
        duplicate goes with the record shown)."""
        self.bewusst |= _bekannt(store, tabelle)

    def lokal(self, store: Store, cls, *bedingung):  # noqa: ANN001, ANN201
        with store.lesen() as s:
            return s.execute(select(cls).where(*bedingung)).scalars().first()

    def ausfuehren(self, op: tuple) -> None:  # noqa: C901 - one branch per operation
        g = self.g[op[1]]
        art = op[0]
        if art in ("zuordnen", "alt_zuordnen"):
            lid = LEISTUNGEN[op[2]]
            if self.lokal(g, ProjektLeistung, ProjektLeistung.projekt_id == P0, ProjektLeistung.leistung_id == lid):
                return
            if art == "alt_zuordnen":  # as before ids were derived from the key
                pid = neue_id()
                with g.session() as s:
                    s.add(ProjektLeistung(id=pid, projekt_id=P0, leistung_id=lid))
            else:
                with g.lesen() as s:
                    alt = set(s.execute(select(ProjektLeistung.leistung_id).where(ProjektLeistung.projekt_id == P0)).scalars())
                operation.anwenden(g, op_projekt.stammdaten_speichern(P0, {}, sorted(alt | {lid})))
                pid = self.lokal(g, ProjektLeistung, ProjektLeistung.projekt_id == P0, ProjektLeistung.leistung_id == lid).id
            self.angelegt.append(("projekt_leistung", pid, lid))
        elif art == "abwaehlen":
            pl = self.lokal(g, ProjektLeistung, ProjektLeistung.projekt_id == P0, ProjektLeistung.leistung_id == LEISTUNGEN[op[2]])
            if pl is not None:
                self.loeschen_bekannt(g, "projekt_leistung")
                with g.session() as s:
                    s.delete(s.get(ProjektLeistung, pl.id))
        elif art in ("bewilligung", "alt_bewilligung"):
            jahr, betrag = 2030 + op[2], op[3] * 100_00 + self.naechster()
            vorhanden = self.lokal(g, Bewilligung, Bewilligung.projekt_id == P0, Bewilligung.jahr == jahr)
            if vorhanden is not None:
                if art == "alt_bewilligung":
                    return
                self.gesehen(g, vorhanden.id)
                operation.anwenden(g, op_projekt.bewilligung_speichern(P0, {"betrag_cent": betrag}, vorhanden.id))
                self.angelegt.append(("bewilligung", vorhanden.id, str(betrag)))
                return
            if art == "alt_bewilligung":
                bid = neue_id()
                with g.session() as s:
                    s.add(Bewilligung(id=bid, projekt_id=P0, jahr=jahr, betrag_cent=betrag))
            else:
                self.gesehen(g, abgeleitete_id("bewilligung", f"{P0}:{jahr}"))  # created again: same id
                operation.anwenden(g, op_projekt.bewilligung_speichern(P0, {"jahr": jahr, "betrag_cent": betrag}))
                bid = self.lokal(g, Bewilligung, Bewilligung.projekt_id == P0, Bewilligung.jahr == jahr).id
            self.angelegt.append(("bewilligung", bid, str(betrag)))
        elif art == "bewilligung_loeschen":
            b = self.lokal(g, Bewilligung, Bewilligung.projekt_id == P0, Bewilligung.jahr == 2030 + op[2])
            if b is not None:
                self.loeschen_bekannt(g, "bewilligung")
                with g.session() as s:
                    s.delete(s.get(Bewilligung, b.id))
        elif art == "plan":
            with g.lesen() as s:
                letzte = s.execute(select(func.max(Zahlungsplan.version)).where(Zahlungsplan.projekt_id == P0)).scalar_one()
            betrag = op[2] * 100_00 + self.naechster()
            angewandt = operation.anwenden(g, op_projekt.zahlungsplan_speichern(
                P0, {(Quartal(2027, 1), HHST, Kostenart.DIENSTLEISTUNG): betrag}, stand=date(2026, 11, 1), basis_version=letzte))
            self.angelegt.append(("zahlungsplan", angewandt.befehl.ids[0], str(betrag)))
        elif art == "projekt":
            kennung = KENNUNGEN[op[2]]
            if self.lokal(g, Projekt, Projekt.kennung == kennung) is not None:
                return
            titel = f"Neu {self.naechster()} auf {'ABC'[op[1]]}"
            angewandt = operation.anwenden(g, op_projekt.projekt_anlegen({"kennung": kennung, "titel": titel,
                                                                          "finanzierung": Finanzierung.VOLL}))
            self.projekte.append(angewandt.befehl.ids[0])
            self.angelegt.append(("projekt", angewandt.befehl.ids[0], titel))
        elif art == "kennung":
            if not self.projekte:
                return
            pid = self.projekte[op[3] % len(self.projekte)]
            kennung = KENNUNGEN[op[2]]
            if self.lokal(g, Projekt, Projekt.id == pid) is None or self.lokal(g, Projekt, Projekt.kennung == kennung):
                return
            operation.anwenden(g, op_projekt.aendern("projekt", pid, {"kennung": kennung}, "Kennung ändern"))
        elif art == "projekt_loeschen":
            if not self.projekte:
                return
            pid = self.projekte[op[2] % len(self.projekte)]
            if self.lokal(g, Projekt, Projekt.id == pid) is not None:
                self.bewusst.add(pid)
                with g.session() as s:
                    s.delete(s.get(Projekt, pid))
        elif art == "sync":
            jetzt_abgleichen(g, OrdnerBackend(self.ablage))
        elif art == "unterbrochen":  # the connection dies mid-sync; the next one resumes
            try:
                jetzt_abgleichen(g, Unterbrochen(self.ablage, op[2]))
            except Ablagefehler:
                pass
        elif art == "loesen":
            self.loesen(g, einer=True)

    def loesen(self, g: Store, einer: bool = False) -> None:
        """Resolve open conflicts on ``g`` as a person would (the first only, with ``einer``)."""
        for _ in range(20):  # one at a time: resolving one can settle another
            offen = konflikte(g)
            if not offen:
                return
            k = offen[0]
            if k.art == "eindeutig":
                self.bewusst |= {w["datensatz_id"] for w in k.werte}  # the resolver saw every record
                neu = [f"BMI-GELOEST-{self.naechster()}" for _ in k.werte[1:]] if k.tabelle == "projekt" else None
                konflikt_loesen(g, k.id, "1", neu=neu)
            elif k.art == "feld":
                self.gesehen(g, k.datensatz_id)
                konflikt_loesen(g, k.id, "mein")
            elif k.art == "loeschen":
                konflikt_loesen(g, k.id, "mein")
            else:
                raise AssertionError(f"unerwarteter Konflikt {k.art}: {k.hinweis}")
            if einer:
                return


@settings(max_examples=int(os.environ.get("OZGDESK_SYNC_BEISPIELE", "15")), deadline=None, report_multiple_bugs=False,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(st.lists(ops, min_size=8, max_size=30))
def test_drei_geraete_gleiche_schluessel_konvergieren_ohne_blockade(tmp_path_factory, basis, _leere_vorlage_sync, ablauf) -> None:
    ordner = tmp_path_factory.mktemp("lauf")
    ablage = ordner / "ablage"
    ablage.mkdir()
    a_pfad = ordner / "a" / "ozgdesk.sqlite"
    a_pfad.parent.mkdir()
    shutil.copyfile(basis, a_pfad)
    geraete_ = [Store.oeffnen(a_pfad), geraet(ordner / "b" / "ozgdesk.sqlite", _leere_vorlage_sync),
                geraet(ordner / "c" / "ozgdesk.sqlite", _leere_vorlage_sync)]
    replikation.EINTRAEGE_JE_DATEI = 3  # several files per sync: clashes settle at many file ends
    lauf = Lauf(geraete_, ablage)
    try:
        jetzt_abgleichen(geraete_[0], OrdnerBackend(ablage))  # A founds the share and approves B and C
        freigeben(geraete_[0], geraete_[1], geraete_[2])
        for g in geraete_:
            jetzt_abgleichen(g, OrdnerBackend(ablage))
        for op in ablauf:
            lauf.ausfuehren(op)
        _alle_abgleichen(geraete_, ablage)
        _gleich(geraete_)
        _vorlaeufig_nur_mit_konflikt(geraete_[0])
        _nichts_verloren(geraete_[0], lauf)
        # a person resolves everything on one device; everyone syncs
        for _ in range(4):
            if not any(konflikte(g) for g in geraete_):
                break
            lauf.loesen(geraete_[0])
            _alle_abgleichen(geraete_, ablage)
        _gleich(geraete_)
        assert all(konflikte(g) == [] for g in geraete_), [(k.art, k.tabelle, k.hinweis) for k in konflikte(geraete_[0])]
        for g in geraete_:
            with g.lesen() as s:
                assert not any(k.endswith(DOPPELT) or DOPPELT + "2" in k for k in s.execute(select(Projekt.kennung)).scalars())
    finally:
        replikation.EINTRAEGE_JE_DATEI = 5000
        for g in geraete_:
            g.schliessen()


def _alle_abgleichen(geraete_: list[Store], ablage: Path) -> None:
    for _ in range(2):
        for g in geraete_:
            jetzt_abgleichen(g, OrdnerBackend(ablage))


def _gleich(geraete_: list[Store]) -> None:
    stand = [daten(g) for g in geraete_]
    if os.environ.get("OZGDESK_SYNC_DEBUG") and not stand[0] == stand[1] == stand[2]:
        import difflib

        for i in (1, 2):
            print(i, "".join(difflib.unified_diff(stand[0].splitlines(True), stand[i].splitlines(True), n=4)))
    assert stand[0] == stand[1] == stand[2]
    offene = [{(k.id, k.feld, k.art, json.dumps([{x: y for x, y in w.items() if x != "mein"} for w in k.werte], sort_keys=True))
               for k in konflikte(g)} for g in geraete_]
    assert offene[0] == offene[1] == offene[2]


def _vorlaeufig_nur_mit_konflikt(g: Store) -> None:
    """A provisional Kennung or a held-back record only while a conflict shows it (or, for the
    same assignment twice, while nothing differs)."""
    gezeigt = {w["datensatz_id"] for k in konflikte(g) if k.art == "eindeutig" for w in k.werte}
    with g.lesen() as s:
        for p in s.execute(select(Projekt).where(Projekt.kennung.like(f"%{DOPPELT}%"))).scalars():
            assert p.id in gezeigt, f"{p.kennung} ohne Konflikt"
        for e in s.execute(select(SyncEindeutig)).scalars():
            assert e.id in gezeigt or e.tabelle == "projekt_leistung", (e.tabelle, e.rolle)


def _nichts_verloren(g: Store, lauf: Lauf) -> None:
    """Every record created is in the result, in an open conflict, or was removed knowingly; every
    amount written is in the result, in a conflict, or was replaced by someone who had seen it."""
    ks = konflikte(g)
    in_konflikt = {w["datensatz_id"] for k in ks if k.art == "eindeutig" for w in k.werte}
    werte_im_konflikt = {(k.datensatz_id, str(w["wert"])) for k in ks if k.art == "feld" for w in k.werte}
    with g.lesen() as s:
        for tabelle, did, wert in lauf.angelegt:
            if did in lauf.bewusst or did in in_konflikt:
                continue
            if tabelle == "projekt_leistung":
                # the assignment is in the result (one record per key, whichever id)
                assert s.execute(select(ProjektLeistung.id).where(ProjektLeistung.projekt_id == P0,
                                                                  ProjektLeistung.leistung_id == wert)).first(), wert
            elif tabelle == "bewilligung":
                b = s.get(Bewilligung, did)
                assert b is not None, f"Bewilligung {wert} fehlt"
                assert str(b.betrag_cent) == wert or (did, wert) in werte_im_konflikt \
                    or wert in lauf.ueberholt.get(did, set()), f"Betrag {wert} ging verloren"
            elif tabelle == "zahlungsplan":
                assert s.get(Zahlungsplan, did) is not None, f"Plan {wert} fehlt"
                assert str(s.execute(select(func.sum(ZahlungsplanPosition.betrag_cent))
                                     .where(ZahlungsplanPosition.zahlungsplan_id == did)).scalar_one()) == wert
            elif tabelle == "projekt":
                p = s.get(Projekt, did)
                assert p is not None and p.titel == wert, f"Projekt {wert} fehlt"
