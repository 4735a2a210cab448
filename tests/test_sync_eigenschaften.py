"""Property: three devices, random interleavings of edits, deletes, syncs, interruptions and
conflict resolutions. After everyone has synced, all devices hold the same data, and every edit is
in the result, in an open conflict, or was knowingly overwritten/deleted by someone who had it."""

from __future__ import annotations

import json
import os
import shutil
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from ozgdesk.model.base import abgeleitete_id
from ozgdesk.model.organisation import Ressort
from ozgdesk.model.projekte import Meilenstein, Projekt
from ozgdesk.model.protokoll import Aenderung
from ozgdesk.model.store import Store
from ozgdesk.model.values import Finanzierung
from ozgdesk.sync import replikation
from ozgdesk.sync.abgleich import jetzt_abgleichen
from ozgdesk.sync.backend import Ablagefehler, OrdnerBackend
from ozgdesk.sync.konflikte import konflikt_loesen, konflikte
from tests.sync_server import daten, freigeben, geraet

PROJEKTE = [abgeleitete_id("test-projekt", i) for i in range(2)]
MEILENSTEINE = [abgeleitete_id("test-meilenstein", i) for i in range(4)]
#: milestones created during a run (deletable like the others)
MEILENSTEINE_NEU: list[str] = []
FELDER = {Projekt: ["titel", "risiken", "ziele"], Meilenstein: ["titel", "bemerkung"]}


@pytest.fixture(scope="module")
def basis(tmp_path_factory: pytest.TempPathFactory) -> Path:
    pfad = tmp_path_factory.mktemp("eigenschaften") / "basis.sqlite"
    with Store.oeffnen(pfad) as store:
        with store.session(benutzer="Basis") as s:
            s.add(Ressort(kurzname="BMI", name="Bundesministerium des Innern"))
            for i, pid in enumerate(PROJEKTE):
                s.add(Projekt(id=pid, kennung=f"BMI-T-{i}", titel=f"Projekt {i}", finanzierung=Finanzierung.VOLL))
            s.flush()
            for i, mid in enumerate(MEILENSTEINE):
                s.add(Meilenstein(id=mid, projekt_id=PROJEKTE[i % 2], titel=f"Meilenstein {i}", plan_datum=date(2027, 1, 1)))
        with store.engine.connect() as con:
            con.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    return pfad


class Unterbrochen(OrdnerBackend):
    """A folder backend whose connection dies after ``budget`` operations."""

    def __init__(self, wurzel: Path, budget: int) -> None:
        super().__init__(wurzel)
        self.budget = budget

    def _wiederholt(self, aktion, beschreibung):  # noqa: ANN001, ANN202
        self.budget -= 1
        if self.budget < 0:
            raise Ablagefehler("Verbindung unterbrochen (Test).")
        return super()._wiederholt(aktion, beschreibung)


geraete = st.integers(0, 2)
ops = st.one_of(
    st.tuples(st.just("aendern"), geraete, st.integers(0, 9), st.integers(0, 2)),
    st.tuples(st.just("loeschen"), geraete, st.integers(0, 7)),
    st.tuples(st.just("projekt_loeschen"), geraete, st.integers(0, 1)),
    st.tuples(st.just("anlegen"), geraete, st.integers(0, 1)),
    st.tuples(st.just("sync"), geraete),
    st.tuples(st.just("unterbrochen"), geraete, st.integers(1, 12)),
    st.tuples(st.just("loesen"), geraete, st.sampled_from(["mein", "fremd", "Einigung"])),
)


def _bekannt(store: Store, datensatz_id: str, feld: str | None) -> set[str]:
    """Values this device has seen for a field (or any field of the record): it overwrites them knowingly."""
    werte = set()
    with store.lesen() as s:
        for a in s.execute(select(Aenderung).where(Aenderung.datensatz_id == datensatz_id)).scalars():
            if a.aktion == "anlegen":
                neu = json.loads(a.neu)
                werte |= {str(v) for k, v in neu.items() if feld is None or k == feld}
            elif a.aktion == "aendern" and (feld is None or a.feld == feld):
                werte.add(str(a.neu_wert))
    return werte


@settings(max_examples=int(os.environ.get("OZGDESK_SYNC_BEISPIELE", "20")), deadline=None, report_multiple_bugs=False, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(st.lists(ops, min_size=4, max_size=22))
def test_drei_geraete_konvergieren_und_keine_aenderung_geht_verloren(tmp_path_factory, basis, _leere_vorlage_sync, ablauf) -> None:
    ordner = tmp_path_factory.mktemp("lauf")
    ablage = ordner / "ablage"
    ablage.mkdir()
    a_pfad = ordner / "a" / "ozgdesk.sqlite"
    a_pfad.parent.mkdir()
    shutil.copyfile(basis, a_pfad)
    geraete_ = [Store.oeffnen(a_pfad), geraet(ordner / "b" / "ozgdesk.sqlite", _leere_vorlage_sync),
                geraet(ordner / "c" / "ozgdesk.sqlite", _leere_vorlage_sync)]
    replikation.EINTRAEGE_JE_DATEI = 4  # several files per sync, so interruptions hit between them
    try:
        jetzt_abgleichen(geraete_[0], OrdnerBackend(ablage))  # A founds the share and approves B and C
        freigeben(geraete_[0], geraete_[1], geraete_[2])
        for g in geraete_:
            jetzt_abgleichen(g, OrdnerBackend(ablage))
        edits: list[tuple[str, str, str]] = []  # (record, field, value)
        MEILENSTEINE_NEU.clear()
        ueberholt: dict[tuple[str, str | None], set[str]] = {}
        zaehler = 0
        for op in ablauf:
            g = geraete_[op[1]]
            if op[0] == "aendern":
                ids = PROJEKTE + MEILENSTEINE + MEILENSTEINE_NEU
                did = ids[op[2] % len(ids)]
                cls = Projekt if did in PROJEKTE else Meilenstein
                feld = FELDER[cls][op[3] % len(FELDER[cls])]
                with g.session() as s:
                    obj = s.get(cls, did)
                    if obj is None:
                        continue
                    zaehler += 1
                    wert = f"Wert {zaehler} auf {'ABC'[op[1]]}"
                    ueberholt.setdefault((did, feld), set()).update(_bekannt(g, did, feld))
                    setattr(obj, feld, wert)
                edits.append((did, feld, wert))
            elif op[0] == "anlegen":
                # a new milestone, possibly under a project another device is deleting right now
                with g.session() as s:
                    if s.get(Projekt, PROJEKTE[op[2]]) is None:
                        continue
                    zaehler += 1
                    mid = abgeleitete_id("test-neu", zaehler)
                    wert = f"Neu {zaehler} auf {'ABC'[op[1]]}"
                    s.add(Meilenstein(id=mid, projekt_id=PROJEKTE[op[2]], titel=wert))
                MEILENSTEINE_NEU.append(mid)
                edits.append((mid, "titel", wert))
            elif op[0] in ("loeschen", "projekt_loeschen"):
                with g.session() as s:
                    if op[0] == "loeschen":
                        alle = MEILENSTEINE + MEILENSTEINE_NEU
                        ziele = [s.get(Meilenstein, alle[op[2] % len(alle)])]
                    else:
                        pid = PROJEKTE[op[2]]
                        ziele = list(s.execute(select(Meilenstein).where(Meilenstein.projekt_id == pid)).scalars())
                        ziele.append(s.get(Projekt, pid))
                    for obj in ziele:
                        if obj is not None:
                            ueberholt.setdefault((obj.id, None), set()).update(_bekannt(g, obj.id, None))
                            s.delete(obj)
                            s.flush()
            elif op[0] == "sync":
                jetzt_abgleichen(g, OrdnerBackend(ablage))
            elif op[0] == "unterbrochen":
                try:
                    jetzt_abgleichen(g, Unterbrochen(ablage, op[2]))
                except Ablagefehler:
                    pass
            elif op[0] == "loesen":
                offen = [k for k in konflikte(g) if k.art in ("feld", "loeschen")]
                if offen:
                    k = offen[0]
                    wahl = op[2] if k.art == "feld" or op[2] != "Einigung" else "mein"
                    feld = k.feld
                    ueberholt.setdefault((k.datensatz_id, feld), set()).update(_bekannt(g, k.datensatz_id, feld))
                    try:
                        konflikt_loesen(g, k.id, wahl)
                    except Exception as e:  # "no foreign value differs" is a fine answer
                        assert "Es gibt keinen fremden Wert" in str(e) or "noch von" in str(e)
                        continue
                    if k.art == "feld":
                        with g.lesen() as s:
                            cls = Projekt if k.datensatz_id in PROJEKTE else Meilenstein
                            edits.append((k.datensatz_id, feld, getattr(s.get(cls, k.datensatz_id), feld)))
        for _ in range(2):
            for g in geraete_:
                jetzt_abgleichen(g, OrdnerBackend(ablage))
        stand = [daten(g) for g in geraete_]
        if os.environ.get("OZGDESK_SYNC_DEBUG"):
            import difflib
            for i in (1, 2):
                print(i, "".join(difflib.unified_diff(stand[0].splitlines(True), stand[i].splitlines(True), n=8)))
        assert stand[0] == stand[1] == stand[2]
        offene = [{(k.id, k.feld, json.dumps([{x: y for x, y in w.items() if x != "mein"} for w in k.werte], sort_keys=True), k.art)
                   for k in konflikte(g)} for g in geraete_]
        assert offene[0] == offene[1] == offene[2]
        a = geraete_[0]
        with a.lesen() as s:
            for did, feld, wert in edits:
                cls = Projekt if did in PROJEKTE else Meilenstein
                obj = s.get(cls, did)
                im_ergebnis = obj is not None and getattr(obj, feld) == wert
                im_konflikt = any(k.datensatz_id == did and k.feld == feld and any(w["wert"] == wert for w in k.werte)
                                  for k in konflikte(a))
                bewusst = wert in ueberholt.get((did, feld), set()) or wert in ueberholt.get((did, None), set())
                assert im_ergebnis or im_konflikt or bewusst, f"Änderung {wert} an {feld} ging verloren"
    finally:
        replikation.EINTRAEGE_JE_DATEI = 5000
        for g in geraete_:
            g.schliessen()
