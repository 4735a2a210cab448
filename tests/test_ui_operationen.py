"""The operation layer as a user meets it: what another device, a conflict resolution or an edit
changed shows up in every open view without a manual refresh, at the cost of few sessions."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QMessageBox

from ozgdesk.model import aenderungen
from ozgdesk.model.demo import STICHTAG
from ozgdesk.model.felder import projekt_finden, projekt_setzen
from ozgdesk.model.values import Ampel
from ozgdesk.sync import abgleich as sync
from ozgdesk.ui.app import anwendung
from ozgdesk.ui.hauptfenster import Hauptfenster
from ozgdesk.ui.runner import Runner, SofortRunner
from ozgdesk.ui.wache import SitzungImGuiThread

KENNUNG = "BMAS-2024-02"


def _fenster(qtbot, store, tmp_path, name, runner=None):  # noqa: ANN001, ANN202
    anwendung()
    f = Hauptfenster(store, runner or SofortRunner(), stichtag=lambda: STICHTAG,
                     einstellungen=QSettings(str(tmp_path / f"{name}.ini"), QSettings.Format.IniFormat))
    f.meldungen = []
    f.meldung = lambda titel, text: f.meldungen.append(text)
    qtbot.addWidget(f)
    return f


def _projekt_offen(qtbot, store, tmp_path, name):  # noqa: ANN001, ANN202
    """The window with the Projekte page shown and project KENNUNG open in the editor."""
    pid = _pid(store)
    f = _fenster(qtbot, store, tmp_path, name)
    seite = f.zeigen("projekte")
    assert seite.projekt_oeffnen(pid)
    return f, seite, pid


def _pid(store) -> str:  # noqa: ANN001
    with store.lesen() as s:
        return projekt_finden(s, KENNUNG).id


def _tabellentitel(seite, pid: str) -> str:  # noqa: ANN001
    tabelle = seite.projekte.modell
    spalte = tabelle.abfrage.spalte("titel")
    return next(z.werte[spalte] for z in tabelle.zeilen if z.id == pid)


def _ampel_rot(f) -> int:  # noqa: ANN001
    return f.seite("uebersicht").daten.ampeln.get(Ampel.ROT, 0)


@pytest.fixture
def geteilt(synchrones_paar, tmp_path):  # noqa: ANN001, ANN201, F811
    a, b = synchrones_paar
    for g in (a, b):
        sync.einrichten(g, str(tmp_path / "ablage"))
    return a, b


def test_empfangene_aenderung_erscheint_in_tabelle_editor_und_uebersicht(qtbot, geteilt, tmp_path):
    a, b = geteilt
    fb, seite, pid = _projekt_offen(qtbot, b, tmp_path, "b")
    rot_vorher = _ampel_rot(fb)
    editor = seite.editor
    abgleich = fb.seite("abgleich")  # exists (its timer syncs automatically), not shown
    assert fb.seiten.currentWidget() is seite

    with a.session(benutzer="k.brenner") as s:
        projekt_setzen(s, KENNUNG, [("titel", "Insolvenzgeld vollständig digital"), ("ampel", "rot")])
    sync.jetzt_abgleichen(a)

    abgleich.automatisch()  # the 5-minute sync fires while the user looks at the project

    assert _tabellentitel(seite, pid) == "Insolvenzgeld vollständig digital"
    assert editor.formular.widget("titel").text() == "Insolvenzgeld vollständig digital"
    assert "Insolvenzgeld vollständig digital" in editor.kopf.text()
    fb.zeigen("uebersicht")  # hidden during the sync: reloaded as it is shown, no refresh button
    assert _ampel_rot(fb) == rot_vorher + 1
    assert fb.meldungen == []


def test_nach_konfliktloesung_zeigen_tabelle_und_editor_den_gewaehlten_wert(qtbot, geteilt, tmp_path):
    a, b = geteilt
    fb, seite, pid = _projekt_offen(qtbot, b, tmp_path, "b")
    with a.session(benutzer="k.brenner") as s:
        projekt_setzen(s, KENNUNG, [("titel", "Fassung A")])
    with b.session(benutzer="m.yilmaz") as s:
        projekt_setzen(s, KENNUNG, [("titel", "Fassung B")])
    sync.jetzt_abgleichen(a)
    abgleich = fb.zeigen("abgleich")
    abgleich.jetzt()
    assert "1 offener Konflikt" in abgleich.meldung.text(), abgleich.meldung.text()
    abgleich.konfliktliste.setCurrentRow(0)
    k = abgleich.aktueller_konflikt()
    fremd = next(w["wert"] for w in k.werte if not w.get("mein"))
    abgleich.loesen("fremd")

    seite = fb.zeigen("projekte")
    assert _tabellentitel(seite, pid) == fremd == "Fassung A"
    assert seite.editor.formular.widget("titel").text() == "Fassung A"


def test_ein_feld_speichern_kostet_hoechstens_zwei_sitzungen_und_einen_editor_ladevorgang(qtbot, demo_store, tmp_path):
    f, seite, pid = _projekt_offen(qtbot, demo_store, tmp_path, "z")
    editor = seite.editor
    editor.formular.widget("titel").setText("Insolvenzgeld – neuer Titel")
    editor.formular.geaendert.emit()
    sitzungen, ladevorgaenge = demo_store.sitzungen, editor.ladevorgaenge

    assert editor.speichern()

    assert demo_store.sitzungen - sitzungen <= 2, demo_store.sitzungen - sitzungen
    assert editor.ladevorgaenge - ladevorgaenge == 1
    assert _tabellentitel(seite, pid) == "Insolvenzgeld – neuer Titel"
    assert not editor.hat_aenderungen()
    f.stack.undo()  # undo is an operation as well: table and editor follow it
    assert _tabellentitel(seite, pid) != "Insolvenzgeld – neuer Titel"
    assert editor.formular.widget("titel").text() != "Insolvenzgeld – neuer Titel"


def test_die_wache_meldet_eine_sitzung_im_gui_thread(demo_store):
    """The check the whole suite runs with (conftest) fires for GUI code on the GUI thread – and only
    there: code compiled as if it stood in ``ozgdesk/ui/seiten.py`` opens a read session."""
    import ozgdesk.ui.seiten as seiten_modul

    gui_code = compile("with store.lesen() as s:\n    pass\n", seiten_modul.__file__, "exec")
    with pytest.raises(SitzungImGuiThread):
        exec(gui_code, {"store": demo_store})
    with demo_store.lesen():  # test code (not GUI code) may look into the database
        pass
    fehler: list[BaseException] = []

    def im_faden() -> None:
        try:
            exec(gui_code, {"store": demo_store})
        except BaseException as e:  # noqa: BLE001 - reported to the test below
            fehler.append(e)
    t = threading.Thread(target=im_faden)
    t.start()
    t.join()
    assert fehler == []  # the same GUI code on a worker thread is fine


def test_echter_worker_tabellen_bleiben_waehrend_des_abgleichs_bedienbar(qtbot, geteilt, tmp_path, monkeypatch):
    """With the real runner the sync's transfers wait on the network thread; a table query started
    meanwhile is answered by the DB worker before the transfer ends."""
    a, b = geteilt
    runner = Runner()
    fb = _fenster(qtbot, b, tmp_path, "r", runner=runner)
    seite = fb.zeigen("finanzen")
    qtbot.waitUntil(lambda: seite.tabelle.modell.rowCount() > 0, timeout=20000)
    abgleich = fb.seite("abgleich")
    freigabe = threading.Event()
    from ozgdesk.sync.backend import OrdnerBackend

    original = OrdnerBackend.liste

    def langsam(self, pfad):  # noqa: ANN001, ANN202 - a slow share: every listing waits for the test
        freigabe.wait(20)
        return original(self, pfad)

    monkeypatch.setattr(OrdnerBackend, "liste", langsam)
    abgleich.jetzt()
    geladen: list[int] = []
    seite.tabelle.modell.geladen.connect(geladen.append)
    seite.tabelle.suche_sofort("Rechnung")
    qtbot.waitUntil(lambda: bool(geladen), timeout=10000)  # answered while the sync still waits
    assert not freigabe.is_set()
    freigabe.set()
    qtbot.waitUntil(lambda: "Abgleich beendet" in abgleich.meldung.text() or "Fehler" in abgleich.meldung.text(),
                    timeout=30000)
    assert "Abgleich beendet" in abgleich.meldung.text(), abgleich.meldung.text()
    runner.warten()


def test_aenderungen_kommen_aus_dem_protokoll_nicht_aus_der_befehlsart(demo_store):
    """Qt-free: what an operation reports is what it committed – nothing for a rollback."""
    from ozgdesk.model.errors import Eingabefehler
    from ozgdesk.model.operationen import bearbeiten as ops_b
    from ozgdesk.model.operationen import projekt as ops_p

    pid = _pid(demo_store)
    a = ops_b.anwenden(demo_store, ops_p.aendern("projekt", pid, {"titel": "Neu"}, "Titel"))
    assert a.aenderungen.tabellen == {"projekt"} and a.aenderungen.ids("projekt") == {pid}
    leer = ops_b.anwenden(demo_store, ops_p.aendern("projekt", pid, {"titel": "Neu"}, "Titel"))
    assert leer.befehl is None and not leer.aenderungen
    with aenderungen.erfassen() as e, pytest.raises(Eingabefehler):
        ops_b.anwenden(demo_store, ops_p.aendern("projekt", pid, {"titel": ""}, "Titel"))
    assert not e.ergebnis()
    zurueck = ops_b.zuruecknehmen(demo_store, a.befehl)
    assert zurueck.ids("projekt") == {pid}


def test_konflikt_im_editor_eingaben_bleiben_bei_fremder_aenderung(qtbot, geteilt, tmp_path):
    """A sync arriving while the user is typing does not overwrite the form; a note says so."""
    a, b = geteilt
    fb, seite, pid = _projekt_offen(qtbot, b, tmp_path, "e")
    editor = seite.editor
    editor.frage_ungespeichert = lambda: QMessageBox.StandardButton.Discard
    editor.formular.widget("risiken").setPlainText("Noch nicht gespeichert")
    editor.formular.geaendert.emit()
    with a.session(benutzer="k.brenner") as s:
        projekt_setzen(s, KENNUNG, [("titel", "Vom anderen Gerät")])
    sync.jetzt_abgleichen(a)
    fb.seite("abgleich").automatisch()
    assert editor.formular.widget("risiken").toPlainText() == "Noch nicht gespeichert"
    assert "inzwischen an anderer Stelle geändert" in editor.meldung.text()
    assert editor.speichern()
    with b.lesen() as s:
        p = projekt_finden(s, KENNUNG)
        assert p.risiken == "Noch nicht gespeichert" and p.titel == "Vom anderen Gerät"


def test_sofortrunner_trennt_netz_und_worker():
    """The tests' synchronous runner keeps the real runner's threads apart: a DB step handed over
    from the network thread runs on the worker, not in place on the network thread."""
    runner = SofortRunner()
    faeden: dict[str, str] = {}

    def netz() -> None:
        faeden["netz"] = threading.current_thread().name
        runner.auf_dem_worker(lambda: faeden.__setitem__("db", threading.current_thread().name))

    runner.im_netz(netz, lambda _r: None)
    assert faeden["netz"].startswith("ozgdesk-sofort-netz")
    assert faeden["db"].startswith("ozgdesk-sofort_"), faeden


def test_einrichten_prueft_die_ablage_auf_dem_netz_faden(qtbot, demo_store, tmp_path, monkeypatch):
    """Setting up the share talks to the server; that waits on the network thread, not on the DB
    worker the open tables need."""
    import ozgdesk.sync.pruefung as seite_modul  # the check the page's set-up runs (einrichten_und_pruefen)

    faeden: list[str] = []
    original = seite_modul.einrichtung_pruefen

    def pruefen(backend, **kw):  # noqa: ANN001, ANN003, ANN202
        faeden.append(threading.current_thread().name)
        return original(backend, **kw)

    monkeypatch.setattr(seite_modul, "einrichtung_pruefen", pruefen)
    f = _fenster(qtbot, demo_store, tmp_path, "n")
    seite = f.zeigen("abgleich")
    seite.ziel.setText(str(tmp_path / "ablage"))
    (tmp_path / "ablage").mkdir()
    seite.einrichten()
    assert faeden and faeden[0].startswith("ozgdesk-sofort-netz"), faeden
    assert "✓" in seite.pruefergebnis.text() and "✗" not in seite.pruefergebnis.text()
