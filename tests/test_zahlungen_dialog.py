"""The HKR import dialog driven through its real widgets (pytest-qt, offscreen)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QFileDialog
from sqlalchemy import func, select

from ozgdesk.model import Mittelabfluss
from ozgdesk.model.demo import STICHTAG
from ozgdesk.ui.app import anwendung
from ozgdesk.ui.hauptfenster import Hauptfenster
from ozgdesk.ui.runner import Runner, SofortRunner
from ozgdesk.ui.zahlungsimport import Zahlungsimportdialog

KOPF = "Buchungsdatum;Betrag in EUR;HHSt;Projekt-Kennung;Belegnummer;Buchungstext\r\n"
GUT = (KOPF + "01.10.2025;12.500,00;0602 532 01;BMAS-2024-01;HKR-1;Abschlag Rahmenvertrag\r\n"
       "02.10.2025;1.234.567,89;0602 532 01;BMAS-2024-03;HKR-2;Lizenzen Fachverfahren\r\n"
       "03.10.2025;-250,00;0602 532 01;BMAS-2024-01;RE-2024-0111;schon erfasst\r\n")
SCHLECHT = GUT + "04.10.2025;12.50;0602 532 01;BMAS-2024-01;HKR-9;mehrdeutig\r\n"


def _anzahl(store) -> int:  # noqa: ANN001
    with store.lesen() as s:
        return s.execute(select(func.count(Mittelabfluss.id))).scalar_one()


def _zellen(d: Zahlungsimportdialog) -> list[list[str]]:
    m = d.modell
    return [[m.data(m.index(r, c)) for c in range(m.columnCount())] for r in range(m.rowCount())]


@pytest.fixture
def dialog(qtbot, demo_store):  # noqa: ANN001
    anwendung()
    d = Zahlungsimportdialog(demo_store, SofortRunner())
    qtbot.addWidget(d)
    return d


def test_datei_waehlen_vorschau_und_uebernehmen(dialog, demo_store, tmp_path, monkeypatch):
    datei = tmp_path / "hkr.csv"
    datei.write_bytes(GUT.encode("cp1252"))
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(datei), ""))
    vorher = _anzahl(demo_store)
    dialog.waehlen()  # „Durchsuchen …“ checks at once
    zellen = _zellen(dialog)
    assert [z[0] for z in zellen] == ["Neu", "Neu", "Schon vorhanden"]
    assert zellen[1][5] == "1.234.567,89 €" and zellen[0][4] == "01.10.2025"
    assert "2 neue Zahlungen (1.247.067,89 €), 1 schon vorhanden" in dialog.status.text()
    assert dialog.uebernehmen_knopf.isEnabled() and _anzahl(demo_store) == vorher

    dialog.uebernehmen_knopf.click()
    assert _anzahl(demo_store) == vorher + 2
    assert "2 Zahlungen übernommen" in dialog.status.text() and not dialog.uebernehmen_knopf.isEnabled()
    dialog.pruefen_knopf.click()  # the same file again: nothing left to add
    assert [z[0] for z in _zellen(dialog)] == ["Schon vorhanden"] * 3 and not dialog.uebernehmen_knopf.isEnabled()


def test_fehlerhafte_zeile_sperrt_uebernehmen(dialog, demo_store, tmp_path):
    datei = tmp_path / "hkr.csv"
    datei.write_text(SCHLECHT, encoding="utf-8-sig")
    dialog.datei.setText(str(datei))
    dialog.pruefen_knopf.click()
    fehler = [z for z in _zellen(dialog) if z[0] == "Fehler"]
    assert len(fehler) == 1 and fehler[0][1] == "5" and fehler[0][2] == "2 (Betrag in EUR)"
    assert "„12.50“ ist mehrdeutig" in fehler[0][-1]
    assert "1 fehlerhafte Zeile" in dialog.status.text() and not dialog.uebernehmen_knopf.isEnabled()
    vorher = _anzahl(demo_store)
    dialog.uebernehmen()  # even if called: the model refuses, nothing is written
    assert "abgelehnt, nichts wurde gespeichert" in dialog.status.text() and _anzahl(demo_store) == vorher


def test_kaputte_datei_deutsche_meldung(dialog, tmp_path):
    datei = tmp_path / "bericht.csv"
    datei.write_bytes(b"%PDF-1.7\n")
    dialog.datei.setText(str(datei))
    dialog.pruefen_knopf.click()
    assert dialog.status.text().startswith("Fehler: Zahlungsimport von „bericht.csv“ abgelehnt")
    dialog.datei.setText("")
    dialog.pruefen_knopf.click()
    assert dialog.status.text() == "Bitte zuerst den Zahlungsexport wählen."


def test_echter_runner_und_menue_im_hauptfenster(qtbot, demo_store, tmp_path):
    anwendung()
    datei = tmp_path / "hkr.csv"
    datei.write_text(GUT, encoding="utf-8")
    runner = Runner()
    f = Hauptfenster(demo_store, runner, stichtag=lambda: STICHTAG,
                     einstellungen=QSettings(str(tmp_path / "e.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(f)
    aktion = next(a for m in f.menuBar().actions() for a in m.menu().actions()
                  if a.text() == "&Zahlungen aus dem HKR importieren …")
    aktion.trigger()
    d = f.zahlungsdialog
    d.datei.setText(str(datei))
    d.pruefen_knopf.click()
    qtbot.waitUntil(lambda: d.uebernehmen_knopf.isEnabled(), timeout=10_000)
    d.uebernehmen_knopf.click()
    qtbot.waitUntil(lambda: d.uebernommen == 2, timeout=10_000)
    if os.environ.get("OZGDESK_BILD"):  # render for a human to look at: OZGDESK_BILD=/tmp/x.png
        d.pruefen_knopf.click()
        qtbot.waitUntil(lambda: d.status.text().startswith("hkr.csv"), timeout=10_000)
        d.grab().save(os.environ["OZGDESK_BILD"])
    d.close()
    runner.warten()


def test_bild_mit_fehlern_und_hinweisen(dialog, tmp_path):
    """Not a check of its own: renders the preview with all three kinds of rows for a human."""
    ziel = os.environ.get("OZGDESK_BILD_FEHLER")
    if not ziel:
        pytest.skip("nur mit OZGDESK_BILD_FEHLER=/tmp/x.png")
    datei = tmp_path / "hkr.csv"
    datei.write_text(SCHLECHT + "01.10.2023;100,00;0999 532 01;BMAS-2024-02;HKR-10;vor Projektbeginn\r\n",
                     encoding="utf-8")
    dialog.show()  # as in the application: the dialog is open before the file is checked
    dialog.datei.setText(str(datei))
    dialog.pruefen_knopf.click()
    Path(ziel).parent.mkdir(parents=True, exist_ok=True)
    dialog.grab().save(ziel)
