"""Render every main view and dialog of the demo Ressort offscreen to docs/screenshots/*.png.

    QT_QPA_PLATFORM=offscreen python scripts/screenshots.py [--ziel docs/screenshots]

Also renders the Übersicht in the dark theme and at 200 % scaling (a separate process with
QT_SCALE_FACTOR=2, because the factor is read once at start-up).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QEvent, QItemSelectionModel, QSettings, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication, QDialog, QWidget  # noqa: E402

from ozgdesk.model.demo import STICHTAG  # noqa: E402
from ozgdesk.model.einrichtung import demo_einrichten  # noqa: E402
from ozgdesk.model.store import Store  # noqa: E402
from ozgdesk.ui import thema  # noqa: E402
from ozgdesk.ui.app import anwendung, dienste_anmelden  # noqa: E402
from ozgdesk.ui.hauptfenster import Hauptfenster  # noqa: E402
from ozgdesk.ui.runner import SofortRunner  # noqa: E402


def speichern(w: QWidget, ziel: Path, name: str) -> None:
    QApplication.processEvents()
    w.grab().save(str(ziel / f"{name}.png"))
    print(ziel / f"{name}.png")


def dialog_aufnehmen(oeffnen, ziel: Path, name: str) -> None:  # noqa: ANN001
    """Open a modal dialog, grab it once shown, then close it."""
    def aufnehmen() -> None:
        d = QApplication.activeModalWidget()
        if d is not None:
            d.adjustSize()
            speichern(d, ziel, name)
            d.reject() if isinstance(d, QDialog) else d.close()
    QTimer.singleShot(100, aufnehmen)
    oeffnen()


def kontextmenue_aufnehmen(f: QWidget, tabellenseite, zeile: int, ziel: Path, name: str) -> None:  # noqa: ANN001
    """The window with a table's context menu opened over row ``zeile`` (a popup is a window of its
    own: its picture is drawn onto the window's where it opened)."""
    from PySide6.QtGui import QPainter

    view = tabellenseite.tabelle
    m = tabellenseite.aktionen.menue()
    m.popup(view.viewport().mapToGlobal(view.visualRect(view.model().index(zeile, 2)).center()))
    QApplication.processEvents()
    bild = f.grab()
    maler = QPainter(bild)
    maler.drawPixmap(f.mapFromGlobal(m.pos()), m.grab())
    maler.end()
    bild.save(str(ziel / f"{name}.png"))
    print(ziel / f"{name}.png")
    m.close()


def zeitleiste_aufnehmen(f: Hauptfenster, ed, ziel: Path) -> None:  # noqa: ANN001
    """The Ressort's timeline, the open project's timeline window and its Planvergleich."""
    from ozgdesk.ui.planvergleich import projekt_planvergleich
    from ozgdesk.ui.zeitleiste import projekt_zeitleiste

    f.zeigen("zeitleiste")
    speichern(f, ziel, "zeitleiste")
    f.zeigen("projekte")
    d = projekt_zeitleiste(ed)
    QApplication.processEvents()  # the window fits its zoom once laid out
    QApplication.processEvents()
    speichern(d, ziel, "zeitleiste-projekt")
    d.close()
    ed.reiter.setCurrentIndex(3)
    v = projekt_planvergleich(ed)
    speichern(v, ziel, "planvergleich")
    v.reiter.setCurrentIndex(1)
    speichern(v, ziel, "planvergleich-meilensteine")
    v.close()


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--ziel", default="docs/screenshots")
    p.add_argument("--nur", choices=["skaliert"], default=None)
    args = p.parse_args()
    ziel = Path(args.ziel)
    ziel.mkdir(parents=True, exist_ok=True)
    app = anwendung()
    tmp = Path(tempfile.mkdtemp())
    store = Store.oeffnen(tmp / "demo.sqlite")
    demo_einrichten(store)
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    einstellungen = QSettings(str(tmp / "einstellungen.ini"), QSettings.Format.IniFormat)
    thema.anwenden(app, False)
    dienste_anmelden(lambda: STICHTAG)
    f = Hauptfenster(store, SofortRunner(), stichtag=lambda: STICHTAG, einstellungen=einstellungen)
    f.meldung = lambda titel, text: print("Meldung:", titel, text)
    f.resize(1400, 860)
    f.show()
    if args.nur == "skaliert":
        speichern(f, ziel, "uebersicht-200-prozent")
        projekte = f.zeigen("projekte")
        projekte.projekte.modell.alle_laden()
        projekte.projekt_oeffnen(projekte.projekte.modell.zeilen_id(0))
        speichern(f, ziel, "projekte-200-prozent")
        return 0
    speichern(f, ziel, "uebersicht")
    seite = f.zeigen("leistungen")
    speichern(f, ziel, "leistungen")
    seite.tabelle.filter["umfang"].setCurrentIndex(seite.tabelle.filter["umfang"].findData("alle"))
    seite.tabelle.filter["typ"].setCurrentIndex(seite.tabelle.filter["typ"].findData("keiner"))
    seite.tabelle.suche_sofort("geld")
    seite.alle_auswaehlen()
    speichern(f, ziel, "leistungen-filter-auswahl")
    seite.tabelle.suche_sofort("")
    seite.tabelle.filter["typ"].setCurrentIndex(0)
    seite.tabelle.filter["umfang"].setCurrentIndex(seite.tabelle.filter["umfang"].findData("ressort"))
    projekte = f.zeigen("projekte")
    pid = projekte.projekte.modell.zeilen_id(2)  # BMAS-2024-03: red, with postponed milestones
    projekte.projekt_oeffnen(pid)
    speichern(f, ziel, "projekte-stammdaten")
    ed = projekte.editor
    ed.reiter.setCurrentIndex(1)
    zeile = max(range(len(ed.ms_modell.zeilen)), key=lambda i: ed.ms_modell.zeilen[i][1][5])
    ed.ms_tabelle.selectRow(zeile)
    speichern(f, ziel, "projekte-meilensteine")
    ed.reiter.setCurrentIndex(3)
    speichern(f, ziel, "projekte-zahlungsplan")
    ed.plan_version.setCurrentIndex(0)  # an older version: read-only, the buttons greyed out
    speichern(f, ziel, "projekte-zahlungsplan-alte-version")
    ed.plan_version.setCurrentIndex(ed.plan_version.count() - 1)
    ed.reiter.setCurrentIndex(4)
    speichern(f, ziel, "projekte-mittelabfluesse")
    projekte.listen.setCurrentIndex(1)
    speichern(f, ziel, "meilensteine")
    projekte.listen.setCurrentIndex(0)
    f.zeigen("finanzen")
    speichern(f, ziel, "finanzen")
    # Excel in and out (issue 16): totals row of a filtered view, a context menu over a multi-selection, bulk edit
    fin = f.zeigen("finanzen").tabelle
    fin.filter["jahr"].setCurrentIndex(fin.filter["jahr"].findData("2025"))
    speichern(f, ziel, "finanzen-summenzeile")
    fin.filter["jahr"].setCurrentIndex(0)
    f.zeigen("projekte")
    for z in (1, 2, 4):
        projekte.projekte.tabelle.selectionModel().select(
            projekte.projekte.modell.index(z, 0), QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows)
    projekte.projekte.tabelle.selectionModel().setCurrentIndex(projekte.projekte.modell.index(2, 0),
                                                                QItemSelectionModel.SelectionFlag.NoUpdate)
    kontextmenue_aufnehmen(f, projekte.projekte, 2, ziel, "tabelle-kontextmenue")
    dialog_aufnehmen(lambda: projekte.sammel_bearbeiten("projekt", "ampel_gesamt"), ziel, "dialog-sammelaenderung")
    projekte.projekte.tabelle.selectRow(2)
    berichte = f.zeigen("berichte")
    berichte.pruefen()
    berichte.vorschau()
    speichern(f, ziel, "berichte")
    f.zeigen("abgleich")
    speichern(f, ziel, "abgleich")
    # three edits through the GUI's operations first: the log's newest rows then show what users do
    from datetime import date

    from ozgdesk.model.operationen import projekt as op_projekt
    from ozgdesk.model.values import Ampel

    store.person_setzen("Dr. Katharina Brenner")  # the log names who changed what (else the login name)
    p5 = next(projekte.projekte.modell.zeilen_id(i) for i in range(projekte.projekte.modell.rowCount())
              if projekte.projekte.modell.wert(i, "kennung") == "BMAS-2024-05")
    f.bearbeitung.ausfuehren(op_projekt.aendern("projekt", p5, {
        "ampel_gesamt": Ampel.ROT, "ampel_gesamt_grund": "Vergabe der Entwicklungsleistungen verzögert sich um drei Monate.",
        "ende": date(2027, 9, 30)}, "Ampel und Ende ändern"))
    protokoll = f.zeigen("aenderungen")
    protokoll.tabelle.selectRow(0)
    speichern(f, ziel, "aenderungsprotokoll")
    zeitleiste_aufnehmen(f, ed, ziel)

    f.zeigen("projekte")
    ed.reiter.setCurrentIndex(1)
    dialog_aufnehmen(ed.meilenstein_verschieben, ziel, "dialog-meilenstein-verschieben")
    dialog_aufnehmen(ed.meilenstein_neu, ziel, "dialog-meilenstein-neu")
    dialog_aufnehmen(ed.zahlung_erfassen, ziel, "dialog-zahlung-erfassen")
    dialog_aufnehmen(projekte.neues_projekt, ziel, "dialog-neues-projekt")
    dialog_aufnehmen(lambda: f.zeigen("leistungen").bearbeiten(seite.tabelle.modell.zeilen_id(0)), ziel, "dialog-leistung")
    dialog_aufnehmen(lambda: f.zeigen("leistungen").reifegrad(seite.tabelle.modell.zeilen_id(0)), ziel, "dialog-reifegrad")
    dialog_aufnehmen(lambda: f.stammdaten("behoerde"), ziel, "dialog-behoerden")
    dialog_aufnehmen(lambda: f.stammdaten("person"), ziel, "dialog-personen")
    f.ueber()  # window-modal and non-blocking: grab it directly
    f.diagnosedialog.adjustSize()
    speichern(f.diagnosedialog, ziel, "dialog-diagnose")
    f.diagnosedialog.reject()

    # inline validation: a bad amount typed into the payment dialog
    def ungueltig() -> None:
        d = QApplication.activeModalWidget()
        d.formular.widget("betrag_cent").setText("12,345")
        d.formular.widget("haushaltsstelle").setText("06 532")
        d.formular.pruefen()
        d.adjustSize()
        speichern(d, ziel, "dialog-zahlung-fehler")
        d.reject()
    QTimer.singleShot(100, ungueltig)
    ed.zahlung_erfassen()

    # warnings before saving: a refund after the project end, not marked as correction
    def mit_hinweisen() -> None:
        d = QApplication.activeModalWidget()
        d.formular.widget("datum").setText("10.01.2027")
        d.formular.widget("betrag_cent").setText("-1.250,00")
        d.formular.widget("haushaltsstelle").setText("0602 811 01")
        d.accept()
        d.adjustSize()
        speichern(d, ziel, "dialog-zahlung-hinweise")
        kalender = d.formular.widget("datum").kalender_oeffnen()
        speichern(kalender, ziel, "dialog-kalender")
        kalender.hide()
        d.reject()
    QTimer.singleShot(100, mit_hinweisen)
    ed.zahlung_erfassen()
    zeile = next(i for i, (_id, w) in enumerate(ed.ms_modell.zeilen) if w[3] is None)
    ed.ms_tabelle.selectRow(zeile)
    dialog_aufnehmen(ed.meilenstein_bearbeiten, ziel, "dialog-meilenstein-bearbeiten")

    from ozgdesk.ui.einrichtung import Einrichtungsassistent

    w = Einrichtungsassistent()
    w.resize(760, 520)
    w.show()
    speichern(w, ziel, "einrichtung")
    w.next()
    speichern(w, ziel, "einrichtung-katalog")
    w.next()
    w.suche.setText("Rente")
    speichern(w, ziel, "einrichtung-leistungen")
    w.close()

    # the manual at the chapter F1 opens on the Zahlungsplan tab, the search everywhere (Strg+K)
    speichern(f.handbuch_zeigen("zahlungsplan"), ziel, "handbuch")
    f.handbuch.close()
    suche = f.globale_suche()
    suche.feld.setText("Rente")
    suche.suchen_jetzt()
    speichern(suche, ziel, "suche")
    suche.close()
    # two people on one database: a colleague saved the same field meanwhile; the stale save is
    # refused with her value and name, the typed text stays in the form (docs/datenbanken.md)
    from ozgdesk.model.operationen import bearbeiten as ops_b
    from ozgdesk.model.operationen import projekt as ops_p

    f.zeigen("projekte")
    ed.reiter.setCurrentIndex(0)
    with Store.oeffnen(store.ort) as kollegin:
        ops_b.anwenden(kollegin, ops_p.aendern("projekt", pid, {"risiken": "Die Vergabe verzögert sich um ein Quartal."},
                                               "Risiken", basis=ops_b.lesen(kollegin, ops_p.werte, "projekt", pid)),
                       benutzer="Jonas Weber")
    ed.formular.widget("risiken").setPlainText("Keine besonderen Risiken.")
    ed.formular.geaendert.emit()
    ed.speichern()
    speichern(f, ziel, "projekte-gleichzeitig-abgelehnt")
    ed.verwerfen()

    # the start on a table page, the Zeitleiste and the Abgleich page, before the full store is open (ozgdesk.ui.vorabseite,
    # the Zeitleiste's preview, ozgdesk.sync.statusvorab): the first rows from plain sqlite3, buttons and filters still to come
    from ozgdesk.model.schnellstart import schnell_oeffnen

    with store.engine.connect() as con:  # the quick check at start reads the file, not the open store's WAL
        con.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    vorab_einstellungen = QSettings(str(tmp / "vorab.ini"), QSettings.Format.IniFormat)
    for seite in ("projekte", "zeitleiste", "abgleich", "aenderungen"):  # pages shown before the full store is open
        vorab_einstellungen.setValue("fenster/seite", seite)
        vorab_store = schnell_oeffnen(tmp / "demo.sqlite")
        assert vorab_store is not None
        v = Hauptfenster(vorab_store, SofortRunner(), stichtag=lambda: STICHTAG, einstellungen=vorab_einstellungen,
                         nachlauf=False)
        v.resize(1400, 860)
        v.show()
        speichern(v, ziel, f"start-{seite}")
        v.close()
        vorab_store.schliessen()

    thema.anwenden(app, True)
    f.zeigen("uebersicht")
    speichern(f, ziel, "uebersicht-dunkel")
    f.zeigen("projekte")
    ed.reiter.setCurrentIndex(0)
    speichern(f, ziel, "projekte-dunkel")
    f.zeigen("finanzen")
    speichern(f, ziel, "finanzen-dunkel")
    thema.anwenden(app, "kontrast")
    speichern(f, ziel, "hoher-kontrast")
    f.close()
    store.schliessen()
    env = dict(os.environ, QT_SCALE_FACTOR="2")
    subprocess.check_call([sys.executable, __file__, "--ziel", str(ziel), "--nur", "skaliert"], env=env)
    return 0


def aufraeumen() -> None:
    """Delete every window still open (dialogs, popups, pages built without an event loop) while
    the application runs: left to the interpreter's exit, they die after QApplication and the
    process aborts („shared QObject was deleted directly“)."""
    for w in QApplication.topLevelWidgets():
        w.deleteLater()
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


if __name__ == "__main__":
    rc = main()
    aufraeumen()
    sys.exit(rc)
