"""Starting on a table page: its first rows before SQLAlchemy, then the real page takes the tables over."""

from __future__ import annotations

from typing import Any


import pytest
from PySide6.QtCore import QSettings, Qt

from tests.startprobe import geladen, starten_auf

from ozgdesk.model import schnelltabellen, tabellen
from ozgdesk.ui.tabellenseite import TabellenSeite
from ozgdesk.model.schnellstart import schnell_oeffnen
from ozgdesk.model.stichtag import DEMO_STICHTAG
from ozgdesk.ui import format as fmt
from ozgdesk.ui.app import anwendung
from ozgdesk.ui.hauptfenster import Hauptfenster
from ozgdesk.ui.runner import Runner, SofortRunner
from ozgdesk.ui.seiten import FinanzenSeite, LeistungenSeite, ProjekteSeite
from ozgdesk.ui.tabellenmodell import TabellenModell
from ozgdesk.ui.vorabseite import Vorabseite

#: window page → (attribute of its first table, table name, real page class)
SEITEN = {"leistungen": ("tabelle", "leistungen", LeistungenSeite), "projekte": ("projekte", "projekte", ProjekteSeite),
          "finanzen": ("tabelle", "mittelabfluesse", FinanzenSeite)}


def _fenster(qtbot, demo_home, tmp_path, seite: str):  # noqa: ANN001, ANN202
    anwendung()
    store = schnell_oeffnen(demo_home / "ozgdesk.sqlite")
    assert store is not None
    einstellungen = QSettings(str(tmp_path / "e.ini"), QSettings.Format.IniFormat)
    einstellungen.setValue("fenster/seite", seite)
    runner = Runner()
    f = Hauptfenster(store, runner, stichtag=lambda: DEMO_STICHTAG, nachlauf=False, einstellungen=einstellungen)
    f.meldung = lambda titel, text: pytest.fail(f"{titel}: {text}")
    qtbot.addWidget(f)
    with qtbot.waitSignal(f.bereit, timeout=10000):
        f.show()
    return f, store, runner


def _texte(modell) -> list[list[object]]:  # noqa: ANN001
    return [[modell.zeilen_id(z)] + [modell.index(z, sp).data(rolle) is not None if rolle == Qt.ItemDataRole.DecorationRole
                                     else modell.index(z, sp).data(rolle)
                                     for sp in range(modell.columnCount())
                                     for rolle in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.DecorationRole)]
            for z in range(modell.rowCount())]


@pytest.mark.parametrize("seite", sorted(SEITEN))
def test_erste_zeilen_vor_dem_store_wie_die_normale_seite(qtbot, demo_home, demo_store, tmp_path, seite):
    attribut, name, _klasse = SEITEN[seite]
    f, store, runner = _fenster(qtbot, demo_home, tmp_path, seite)
    w = f.seiten.currentWidget()
    assert isinstance(w, Vorabseite)
    assert not store.ist_geoeffnet  # the rows came from plain sqlite3
    vorab = getattr(w, attribut)
    # the normal model over the full query and the open store shows the same rows, order and texts
    normal = TabellenModell(demo_store, getattr(tabellen, name)(), SofortRunner())
    normal.neu_laden(tabellen.Anfrage(filter=dict(schnelltabellen.KOEPFE[name].start_filter)))
    assert vorab.modell.rowCount() > 0
    assert _texte(vorab.modell) == _texte(normal)
    assert [vorab.modell.headerData(i, Qt.Orientation.Horizontal) for i in range(vorab.modell.columnCount())] == \
           [normal.headerData(i, Qt.Orientation.Horizontal) for i in range(normal.columnCount())]
    assert vorab.anzahl.text() == f"{normal.gesamt} Einträge"
    runner.warten()
    store.schliessen()


@pytest.mark.parametrize("seite", sorted(SEITEN))
def test_uebergabe_behaelt_tabelle_sortierung_auswahl_und_laedt_nicht_neu(qtbot, demo_home, tmp_path, seite):
    attribut, _name, klasse = SEITEN[seite]
    f, store, runner = _fenster(qtbot, demo_home, tmp_path, seite)
    vorab = f.seiten.currentWidget()
    assert isinstance(vorab, Vorabseite)
    tabelle = getattr(vorab, attribut)
    # the user sorts by the second column, descending, and selects a row – before the store is open
    with qtbot.waitSignal(tabelle.modell.geladen, timeout=10000):
        tabelle.tabelle.sortByColumn(1, Qt.SortOrder.DescendingOrder)
    tabelle.tabelle.selectRow(2)
    gewaehlt, zeilen = tabelle.aktuelle_id(), [tabelle.modell.zeilen_id(i) for i in range(tabelle.modell.rowCount())]
    if seite == "projekte":
        assert vorab.meilensteine is None  # the hidden tab's 40,000 milestones are not read at start …
        vorab.listen.setCurrentIndex(1)  # … only when it is shown
        meilensteine = vorab.meilensteine
        assert meilensteine is not None and vorab.listen.currentWidget() is meilensteine
        qtbot.waitUntil(lambda: meilensteine.modell.rowCount() == 108, timeout=10000)
    tabelle.tabelle.setFocus()
    neu_geladen: list[int] = []
    tabelle.modell.modelReset.connect(lambda: neu_geladen.append(1))

    with qtbot.waitSignal(f.nachlauf_fertig, timeout=20000):
        f.nachlauf_starten()
    echt = f.seiten.currentWidget()
    assert isinstance(echt, klasse) and f.seite(seite) is echt
    assert getattr(echt, attribut) is tabelle  # the same widget: nothing to reload, nothing to restore
    assert neu_geladen == []
    assert [tabelle.modell.zeilen_id(i) for i in range(tabelle.modell.rowCount())] == zeilen
    assert tabelle.aktuelle_id() == gewaehlt
    assert tabelle.modell.anfrage.sortierung == tabelle.abfrage.spalten[1].schluessel and tabelle.modell.anfrage.absteigend
    if seite == "projekte":
        assert echt.listen.currentIndex() == 1 and echt.meilensteine is meilensteine
    else:
        assert tabelle.tabelle.hasFocus()
    # the filters' choices need the full store: read once it is open
    qtbot.waitUntil(lambda: all(b.count() > 1 for b in tabelle.filter.values()), timeout=10000)
    if seite == "leistungen":
        assert tabelle.filter["umfang"].currentData() == "ressort"
        assert [tabelle.filter["umfang"].itemText(i) for i in range(tabelle.filter["umfang"].count())] == \
               ["Umfang: alle", "Ressort", "ganzer Katalog"]
    runner.warten()
    store.schliessen()


def test_datensatz_oeffnen_uebergibt_sofort(qtbot, demo_home, tmp_path):
    """A record opened while the stand-in shows (e.g. from Strg+K) needs the real page: it takes over at once."""
    f, store, runner = _fenster(qtbot, demo_home, tmp_path, "projekte")
    vorab = f.seiten.currentWidget()
    assert isinstance(vorab, Vorabseite)
    pid = vorab.projekte.modell.zeilen_id(0)
    assert pid is not None
    f.datensatz_oeffnen("projekt", pid, pid)
    echt = f.seiten.currentWidget()
    assert isinstance(echt, ProjekteSeite) and echt.projekte is vorab.projekte
    qtbot.waitUntil(lambda: echt.editor.projekt_id == pid, timeout=10000)
    runner.warten()
    store.schliessen()


def test_andere_tabellenseite_vor_dem_store_ebenfalls_schnell(qtbot, demo_home, tmp_path):
    f, store, runner = _fenster(qtbot, demo_home, tmp_path, "uebersicht")
    f.navigation.setCurrentRow(4)  # the user clicks „Finanzen“
    vorab = f.seiten.currentWidget()
    assert isinstance(vorab, Vorabseite) and vorab.schluessel == "finanzen"
    qtbot.waitUntil(lambda: vorab.tabelle.modell.rowCount() == 183, timeout=10000)
    w = f.zeigen("finanzen")  # code that wants the page itself gets it, with the same table
    assert isinstance(w, FinanzenSeite) and w.tabelle is vorab.tabelle and f.seiten.currentWidget() is w
    runner.warten()
    store.schliessen()


@pytest.mark.parametrize("seite", sorted(SEITEN))
def test_start_auf_tabellenseite_ohne_sqlalchemy(demo_home, tmp_path, seite):
    """`ozgdesk --exit-when-ready` on a table page ends when its first rows are shown, without SQLAlchemy."""
    aus = starten_auf(seite, demo_home, tmp_path, nachher=geladen(("sqlalchemy",)))
    assert aus[-2:] == ["False", "0"]


def test_erste_seite_waehrend_das_fenster_entsteht(qtbot, demo_home, tmp_path, monkeypatch):
    """As the Übersicht's figures, a table page's first rows are read while the window is built
    (``ozgdesk.ui.app.main`` starts it); the page uses that read and does not read again."""
    anwendung()
    store = schnell_oeffnen(demo_home / "ozgdesk.sqlite")
    assert store is not None
    gelesen: list[str] = []
    erste_seite = schnelltabellen.erste_seite
    monkeypatch.setattr(schnelltabellen, "erste_seite", lambda con, kopf, *a: gelesen.append(kopf.name) or
                        erste_seite(con, kopf, *a))
    einstellungen = QSettings(str(tmp_path / "e.ini"), QSettings.Format.IniFormat)
    einstellungen.setValue("fenster/seite", "finanzen")
    runner = Runner()
    vorab = runner.im_voraus(lambda: schnelltabellen.startseite_lesen(store, "mittelabfluesse"))
    f = Hauptfenster(store, runner, stichtag=lambda: DEMO_STICHTAG, nachlauf=False, einstellungen=einstellungen,
                     vorab_tabelle=vorab)
    qtbot.addWidget(f)
    with qtbot.waitSignal(f.bereit, timeout=10000):
        f.show()
    w = f.seiten.currentWidget()
    assert isinstance(w, Vorabseite) and w.tabelle.modell.rowCount() == 183
    assert vorab.result()[2] is None  # the sum of all payments follows the rows
    qtbot.waitUntil(lambda: not w.tabelle.modell.summen_ausstehend, timeout=10000)
    with store.roh_lesen() as con:
        (summe,) = con.execute("SELECT sum(betrag_cent) FROM mittelabfluss").fetchone()
    assert w.tabelle.modell.summen["betrag"] == summe > 0
    spalte = next(i for i, sp in enumerate(w.tabelle.modell.abfrage.spalten) if sp.schluessel == "betrag")
    assert w.tabelle.summenzeile is not None and w.tabelle.summenzeile.text(spalte) == fmt.euro(summe)
    assert gelesen == ["mittelabfluesse", "mittelabfluesse"]  # rows while the window was built, then the sum
    runner.warten()
    store.schliessen()


class _HalteRunner:
    """Runs each job only when the test says so (to see the page between the rows and the sums),
    on a worker thread as the real runner does (reads on the GUI thread are refused in tests)."""

    def __init__(self) -> None:
        self.jobs: list[tuple[Any, Any, Any]] = []

    def starten(self, arbeit: Any, ok: Any, fehler: Any) -> None:
        self.jobs.append((arbeit, ok, fehler))

    def naechster(self) -> None:
        from concurrent.futures import ThreadPoolExecutor

        arbeit, ok, _fehler = self.jobs.pop(0)
        with ThreadPoolExecutor(1) as worker:
            ergebnis = worker.submit(arbeit).result()
        ok(ergebnis)


def test_summen_folgen_den_ersten_zeilen_und_werden_nie_abgeschnitten(qtbot, demo_home):
    """Between the start request's rows and its sums the totals row says „wird berechnet …“ in a
    column wide enough for it; then the exact sum, again not clipped."""
    from concurrent.futures import Future

    from PySide6.QtGui import QFont, QFontMetrics

    anwendung()
    store = schnell_oeffnen(demo_home / "ozgdesk.sqlite")
    assert store is not None
    vorab: Future = Future()
    vorab.set_result(schnelltabellen.startseite_lesen(store, "mittelabfluesse"))
    runner = _HalteRunner()
    seite = TabellenSeite(store, schnelltabellen.abfrage("mittelabfluesse", vorab=vorab), runner)
    qtbot.addWidget(seite)
    seite.resize(900, 500)
    seite.show()
    runner.naechster()  # the rows (read while the window was built)
    spalte = seite.abfrage.spalte("betrag")
    zeile = seite.summenzeile
    assert zeile is not None and seite.modell.rowCount() == 183 and seite.modell.summen_ausstehend

    def passt() -> bool:
        fett = QFont(zeile.ansicht.font())
        fett.setBold(True)
        return seite.tabelle.horizontalHeader().sectionSize(spalte) >= QFontMetrics(fett).horizontalAdvance(zeile.text(spalte))

    assert zeile.text(spalte) == "wird berechnet …" and passt()
    assert len(runner.jobs) == 1  # the sums, asked for right after the rows
    runner.naechster()
    with store.roh_lesen() as con:
        (summe,) = con.execute("SELECT sum(betrag_cent) FROM mittelabfluss").fetchone()
    assert not seite.modell.summen_ausstehend and zeile.text(spalte) == fmt.euro(summe) and passt()
    store.schliessen()
