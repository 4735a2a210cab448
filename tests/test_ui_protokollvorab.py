"""Starting on the Änderungsprotokoll: the first 200 entries stand before SQLAlchemy is loaded, and
the page hands over to the full store without the user losing rows, selection, scroll position or a
typed filter (pytest-qt, offscreen, the real background runner)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QMessageBox

from ozgdesk.model import protokollansicht as pa
from ozgdesk.model.schnellstart import schnell_oeffnen
from ozgdesk.model.stichtag import DEMO_STICHTAG
from ozgdesk.ui.app import anwendung
from ozgdesk.ui.einstellungen import SEITE
from ozgdesk.ui.hauptfenster import Hauptfenster
from ozgdesk.ui.protokollseite import SPALTEN, AenderungenSeite, arten
from ozgdesk.ui.runner import Runner
from tests.startprobe import starten_auf

BILDER = Path(os.environ.get("OZGDESK_TESTBILDER", "/tmp/ozgdesk-testbilder"))


def test_start_auf_dem_protokoll_zeigt_die_erste_seite_ohne_sqlalchemy(demo_home, tmp_path):
    """`ozgdesk --exit-when-ready` on the page used last, the Änderungsprotokoll: when the window
    reports ready, the page shows its first 200 entries and neither SQLAlchemy nor the mapped
    entities have been imported (``bench/start.py`` measures the time, goal ≤ 2× a bare window)."""
    code = ("from ozgdesk.ui import hauptfenster\n"
            "befund = []\n"
            "bereit = hauptfenster.Hauptfenster._einmal_bereit\n"
            "def melden(self, *a):\n"
            "    if not befund:\n"
            "        w = self._seiten.get('aenderungen')\n"
            "        m = getattr(w, 'modell', None)\n"
            "        befund.extend([type(w).__name__, m.rowCount() if m else -1, m.data(m.index(0, 4)) if m else '',\n"
            "                       any(n.startswith('sqlalchemy') for n in sys.modules),\n"
            "                       'ozgdesk.model.entitaeten' in sys.modules])\n"
            "    bereit(self, *a)\n"
            "hauptfenster.Hauptfenster._einmal_bereit = melden\n")
    aus = starten_auf("aenderungen", demo_home, tmp_path, vorher=code, nachher="print(repr(befund))")
    rc = int(aus[-1])
    klasse, zeilen, datensatz, mit_sqlalchemy, mit_entitaeten = eval(aus[-2])  # noqa: S307 - our own repr
    assert (rc, klasse, zeilen) == (0, "AenderungenSeite", 200)
    assert datensatz.startswith("BMAS-")  # a record's name (the newest entries are the demo's projects), not its UUID
    assert (mit_sqlalchemy, mit_entitaeten) == (False, False)


@pytest.fixture
def start_auf_protokoll(qtbot, demo_home, tmp_path):  # noqa: ANN001, ANN201
    """The window as `ozgdesk` builds it on a file store, starting on the Änderungsprotokoll; the
    post-start work is left to the test."""
    anwendung()
    store = schnell_oeffnen(demo_home / "ozgdesk.sqlite")
    assert store is not None
    einstellungen = QSettings(str(tmp_path / "e.ini"), QSettings.Format.IniFormat)
    SEITE.schreiben(einstellungen, "aenderungen")
    runner = Runner()
    f = Hauptfenster(store, runner, stichtag=lambda: DEMO_STICHTAG, nachlauf=False, einstellungen=einstellungen)
    f.meldung = lambda titel, text: None
    qtbot.addWidget(f)
    f.resize(1400, 860)
    with qtbot.waitSignal(f.bereit, timeout=10000):
        f.show()
    yield f, store
    runner.warten()
    store.schliessen()


def _texte(seite: AenderungenSeite) -> list[list[str]]:
    m = seite.modell
    return [[m.data(m.index(r, c)) for c in range(len(SPALTEN))] for r in range(m.rowCount())]


def test_uebergabe_behaelt_zeilen_auswahl_und_position(start_auf_protokoll, qtbot):
    f, store = start_auf_protokoll
    seite = f._seiten["aenderungen"]
    assert isinstance(seite, AenderungenSeite) and f.seiten.currentWidget() is seite
    assert not store.ist_geoeffnet and seite.modell.vorab
    assert seite.modell.rowCount() == pa.SEITENGROESSE
    assert seite.anzahl.text().endswith("Einträge") and seite.anzahl.text() != "wird geladen …"
    # the static choices are there at once, the people come with the full store
    assert [seite.art.itemData(i) for i in range(1, seite.art.count())] == [t for t, _l in arten()]
    assert seite.person.count() == 1
    BILDER.mkdir(parents=True, exist_ok=True)
    f.grab().save(str(BILDER / "protokoll_vor_uebergabe.png"))

    vorher = _texte(seite)
    zeilen_objekte = list(seite.modell.zeilen)
    seite.tabelle.selectRow(57)
    seite.tabelle.verticalScrollBar().setValue(40)
    position = seite.tabelle.verticalScrollBar().value()
    zurueckgesetzt: list[int] = []
    seite.modell.modelReset.connect(lambda: zurueckgesetzt.append(1))

    with qtbot.waitSignal(f.nachlauf_fertig, timeout=30000):
        f.nachlauf_starten()
    assert store.ist_geoeffnet
    qtbot.waitUntil(lambda: seite.person.count() > 1, timeout=10000)  # the people, read from the full store
    f.grab().save(str(BILDER / "protokoll_nach_uebergabe.png"))
    assert zurueckgesetzt == [] and seite.modell.zeilen == zeilen_objekte and _texte(seite) == vorher
    assert seite.tabelle.currentIndex().row() == 57 and seite.tabelle.selectionModel().isRowSelected(57)
    assert seite.tabelle.verticalScrollBar().value() == position

    # fully functional now: the next page as the user scrolls, through the full path
    with qtbot.waitSignal(seite.modell.rowsInserted, timeout=10000):
        seite.tabelle.scrollToBottom()
    assert seite.modell.rowCount() == 2 * pa.SEITENGROESSE
    with store.lesen() as s:
        erwartet = pa.laden(s, pa.Protokollfilter(), limit=2 * pa.SEITENGROESSE).zeilen
    assert seite.modell.zeilen == erwartet

    # a filter
    index = seite.aktion.findData("anlegen")
    with qtbot.waitSignal(seite.modell.geladen, timeout=10000):
        seite.aktion.setCurrentIndex(index)
    assert seite.modell.rowCount() > 0 and {z.aktion for z in seite.modell.zeilen} == {"angelegt"}
    assert not seite.modell.vorab


def test_getippter_filter_ueberlebt_die_uebergabe_und_doppelklick_oeffnet(start_auf_protokoll, qtbot):
    f, store = start_auf_protokoll
    seite = f._seiten["aenderungen"]
    assert seite.modell.vorab
    seite.datensatz.setFocus()
    qtbot.keyClicks(seite.datensatz, "BMAS-2024-05")  # typed before the store is open
    with qtbot.waitSignal(f.nachlauf_fertig, timeout=30000):
        f.nachlauf_starten()
    assert seite.datensatz.text() == "BMAS-2024-05" and seite.datensatz.hasFocus()
    qtbot.waitUntil(lambda: seite.modell.filter.datensatz == "BMAS-2024-05" and not seite.modell._laedt, timeout=10000)
    assert seite.modell.rowCount() > 0
    assert all("BMAS-2024-05" in z.datensatz for z in seite.modell.zeilen)

    zeile = next(r for r, z in enumerate(seite.modell.zeilen) if z.ziel is not None and z.ziel.art == "projekt")
    index = seite.modell.index(zeile, next(i for i, (k, _t) in enumerate(SPALTEN) if k == "datensatz"))
    seite.tabelle.scrollTo(index)
    projekte_bauen = f.seite

    def seite_bauen(schluessel):  # noqa: ANN001, ANN202 - never block on the editor's "unsaved changes" question
        w = projekte_bauen(schluessel)
        if schluessel == "projekte":
            w.editor.frage_ungespeichert = lambda: QMessageBox.StandardButton.Discard
        return w
    f.seite = seite_bauen
    qtbot.mouseClick(seite.tabelle.viewport(), Qt.MouseButton.LeftButton, pos=seite.tabelle.visualRect(index).center())
    qtbot.mouseDClick(seite.tabelle.viewport(), Qt.MouseButton.LeftButton, pos=seite.tabelle.visualRect(index).center())
    assert f.aktuelle_seite() == "projekte"
    editor = f.seite("projekte").editor
    ziel = seite.modell.zeilen[zeile].ziel
    qtbot.waitUntil(lambda: editor.projekt_id == ziel.id and editor.daten is not None, timeout=10000)


def test_arten_wie_die_filteroptionen(demo_store):  # noqa: ANN001
    with demo_store.lesen() as s:
        assert pa.filteroptionen(s).arten == arten()
