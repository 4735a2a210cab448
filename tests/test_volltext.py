"""The text index (FTS5, trigram): the same hits as LIKE, kept current by every write path."""

from __future__ import annotations

import sqlite3
from datetime import date

import pytest
from sqlalchemy import insert, select

from ozgdesk.cli import main
from ozgdesk.model import tabellen, volltext
from ozgdesk.model.bearbeiten import zuruecknehmen
from ozgdesk.model.finanzen import Mittelabfluss
from ozgdesk.model.operationen import bearbeiten as operation
from ozgdesk.model.operationen import projekt as bauplan
from ozgdesk.model.projekte import Meilenstein, Projekt
from ozgdesk.model.store import Store
from ozgdesk.model.values import Haushaltsstelle, Kostenart
from ozgdesk.sync.abgleich import jetzt_abgleichen
from ozgdesk.sync.backend import OrdnerBackend

TABELLEN = {"projekte": tabellen.projekte, "meilensteine": tabellen.meilensteine,
            "mittelabfluesse": tabellen.mittelabfluesse}


def _treffer(store: Store, tabelle: str, text: str, *, index: bool = True) -> list[str]:
    """Ids the table's search shows for ``text`` (all of them, in order), through the index or with LIKE."""
    abfrage = TABELLEN[tabelle]()
    with store.lesen() as s:
        if not index:
            s.connection().info["volltext"] = False  # as on a database without the index
        anfrage = tabellen.Anfrage(suche=text)
        ids = [z.id for z in abfrage.seite(s, anfrage, 100_000)]
        assert abfrage.anzahl(s, anfrage) == len(ids)
        assert sorted(abfrage.ids(s, anfrage)) == sorted(ids)
        if not index:
            del s.connection().info["volltext"]
    return ids


def _index_heil(store: Store) -> None:
    """FTS5's own check: the index holds exactly the indexed columns of every row (and nothing is left over)."""
    with store.engine.connect() as con:
        for t in volltext.INDEX:
            con.exec_driver_sql(f"INSERT INTO {t}_suche({t}_suche) VALUES ('integrity-check')")
        assert con.exec_driver_sql(f"SELECT count(*) FROM {volltext.OFFEN}").scalar() == 0


def test_index_ist_nach_dem_anlegen_vollstaendig(demo_store):
    _index_heil(demo_store)
    with demo_store.lesen() as s:
        assert volltext.verfuegbar(s)


@pytest.mark.parametrize("tabelle", sorted(TABELLEN))
@pytest.mark.parametrize("text", ["BMAS-2024", "bmas-2025-0", "rente", "RE-2026-05", "Digital", "ONLINE", "2026-0",
                                  "Go-Live", "a", "ab", "gibt es nicht", "\"Zitat\""])
def test_gleiche_treffer_wie_like(demo_store, tabelle, text):
    """Through the index the search shows the same rows in the same order as the LIKE search did."""
    assert _treffer(demo_store, tabelle, text) == _treffer(demo_store, tabelle, text, index=False)


def test_unterschiede_zu_like_gross_klein_bei_umlauten_und_platzhalter(demo_store):
    """The documented differences: case is folded for every letter (LIKE folds only A–Z), and % and _
    are plain characters (they were wildcards)."""
    with demo_store.session(benutzer="Test") as s:
        p = s.execute(select(Projekt).where(Projekt.kennung == "BMAS-2024-01")).scalar_one()
        p.titel = "Änderungsportal für Übergänge"
    pid = p.id
    assert _treffer(demo_store, "projekte", "änderungsportal") == [pid]
    assert _treffer(demo_store, "projekte", "änderungsportal", index=False) == []
    assert _treffer(demo_store, "projekte", "ÜBERGÄNGE") == [pid]
    assert _treffer(demo_store, "projekte", "BMAS_2024_01") == []  # „_“ is a character, not a wildcard
    assert _treffer(demo_store, "projekte", "BMAS_2024_01", index=False) == [pid]


def _projekt(store: Store, kennung: str) -> str:
    with store.lesen() as s:
        return s.execute(select(Projekt.id).where(Projekt.kennung == kennung)).scalar_one()


def test_bearbeitung_in_der_oberflaeche_und_ruecknahme(demo_store):
    """A GUI edit (the operation layer, as the window runs it) and its undo: the new text is found, the old not."""
    pid = _projekt(demo_store, "BMAS-2024-02")
    angewandt = operation.anwenden(demo_store, bauplan.aendern("projekt", pid, {"titel": "Quokka-Verfahren"}, "Titel"))
    assert _treffer(demo_store, "projekte", "Quokka") == [pid]
    assert _treffer(demo_store, "projekte", "Insolvenzgeld") == []
    zuruecknehmen(demo_store, angewandt.befehl)
    assert _treffer(demo_store, "projekte", "Quokka") == []
    assert _treffer(demo_store, "projekte", "Insolvenzgeld") == [pid]
    _index_heil(demo_store)


def test_bearbeitung_auf_der_kommandozeile(demo_home, capsys):
    assert main(["--home", str(demo_home), "projekte", "setzen", "BMAS-2024-03", "titel=Wombat-Meldeportal"]) == 0
    capsys.readouterr()
    with Store.oeffnen(demo_home / "ozgdesk.sqlite") as store:
        pid = _projekt(store, "BMAS-2024-03")
        assert _treffer(store, "projekte", "wombat") == [pid]
        assert _treffer(store, "projekte", "Kurzarbeitergeld") == []
        assert _treffer(store, "meilensteine", "wombat") == []  # milestones search their project's Kennung only
        _index_heil(store)


def test_zahlungsimport(demo_home, tmp_path, capsys):
    datei = tmp_path / "hkr.csv"
    datei.write_text("Buchungsdatum;Betrag in EUR;HHSt;Projekt-Kennung;Belegnummer;Buchungstext\r\n"
                     "01.10.2025;1.250,00;0602 532 01;BMAS-2024-01;KOALA-77;Rechnung\r\n", encoding="utf-8")
    assert main(["--home", str(demo_home), "zahlungen", "import", str(datei)]) == 0
    capsys.readouterr()
    with Store.oeffnen(demo_home / "ozgdesk.sqlite") as store:
        treffer = _treffer(store, "mittelabfluesse", "koala-77")
        assert len(treffer) == 1 and treffer == _treffer(store, "mittelabfluesse", "KOALA", index=False)
        _index_heil(store)


def test_abgleich(synchrones_paar, tmp_path):
    """A change that arrives by sync is found on the receiving device, its old text no longer."""
    a, b = synchrones_paar
    ablage = OrdnerBackend(tmp_path / "ablage")
    pid = _projekt(a, "BMAS-2024-04")
    mid = None
    with a.session(benutzer="Anna") as s:
        s.get(Projekt, pid).titel = "Kakapo-Konto"  # type: ignore[union-attr]
        m = Meilenstein(projekt_id=pid, titel="Emu-Abnahme", plan_datum=date(2026, 12, 1))
        s.add(m)
        s.flush()
        mid = m.id
    assert _treffer(b, "projekte", "Rentenkonto") == [pid]
    jetzt_abgleichen(a, ablage)
    jetzt_abgleichen(b, ablage)
    assert _treffer(b, "projekte", "kakapo") == [pid]
    assert _treffer(b, "projekte", "Rentenkonto") == []
    assert _treffer(b, "meilensteine", "emu-abnahme") == [mid]
    _index_heil(b)


def test_an_der_store_vorbei_geschriebenes_wird_gefunden_und_nachgezogen(demo_store):
    """Rows written without the Store's session (a benchmark generator, raw SQL) are found at once
    (with LIKE over just those rows) and indexed with the next write through the Store."""
    pid = _projekt(demo_store, "BMAS-2024-05")
    with demo_store.engine.begin() as con:
        con.execute(insert(Mittelabfluss), [dict(
            id=f"00000000-0000-0000-0000-00000000000{i}", projekt_id=pid, datum=date(2027, 2, i + 1), betrag_cent=100,
            haushaltsstelle=Haushaltsstelle.parse("0602 532 01"), kostenart=Kostenart.SOFTWARE,
            referenz=f"DINGO-{i}", bemerkung="") for i in range(3)])
        # a noted row changed and deleted before it was indexed: nothing of it may stay behind
        con.exec_driver_sql("UPDATE mittelabfluss SET referenz = 'DINGO-X' WHERE referenz = 'DINGO-2'")
        con.exec_driver_sql("DELETE FROM mittelabfluss WHERE referenz = 'DINGO-1'")
    with demo_store.engine.connect() as con:
        assert con.exec_driver_sql(f"SELECT count(*) FROM {volltext.OFFEN}").scalar() == 2
    assert len(_treffer(demo_store, "mittelabfluesse", "dingo")) == 2
    with demo_store.session(benutzer="Test") as s:  # any write through the Store indexes what is noted
        s.execute(select(Projekt).limit(1)).scalar_one().risiken = "keine"
    _index_heil(demo_store)
    assert len(_treffer(demo_store, "mittelabfluesse", "dingo")) == 2
    # and a change and a deletion of indexed rows take their old text out of the index at once
    with demo_store.engine.begin() as con:
        con.exec_driver_sql("UPDATE mittelabfluss SET referenz = 'NUMBAT' WHERE referenz = 'DINGO-0'")
        con.exec_driver_sql("DELETE FROM mittelabfluss WHERE referenz = 'DINGO-X'")
    assert _treffer(demo_store, "mittelabfluesse", "dingo") == []
    assert len(_treffer(demo_store, "mittelabfluesse", "numbat")) == 1
    with demo_store.session(benutzer="Test") as s:
        s.execute(select(Projekt).limit(1)).scalar_one().risiken = "weiterhin keine"
    _index_heil(demo_store)


def test_ohne_index_sucht_like(demo_home):
    """A database without the index (another DBMS, or a file opened read-only before its upgrade):
    the same search with LIKE."""
    pfad = demo_home / "ozgdesk.sqlite"
    con = sqlite3.connect(pfad)
    for t in volltext.INDEX:
        con.execute(f"DROP TABLE {t}_suche")
    con.commit()
    con.close()
    with Store.oeffnen(pfad) as store:
        with store.lesen() as s:
            assert not volltext.verfuegbar(s)
        assert len(_treffer(store, "mittelabfluesse", "RE-2026-05")) == 8
        assert _treffer(store, "projekte", "rente") == _treffer(store, "projekte", "rente", index=False)
