"""The import dialog driven like a user: compare shows changes with names and the Hinweise beside
them, applying runs on the worker with progress, „Import zurücknehmen“ restores the earlier state.

Uses the real background runner (not the synchronous stand-in), so the test proves that applying
happens off the GUI thread and that the progress reaches the GUI through the queued signal.
"""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from tests.katalog_export import als_xlsx, export_zeilen, mit_testzeile

from ozgdesk.model import Leistung, austausch
from ozgdesk.model.grunddaten import leistung_id
from ozgdesk.model.katalogimport.dienst import Katalogdienst
from ozgdesk.ui.katalogdialog import Katalogdialog
from ozgdesk.ui.runner import Runner


class _BeobachteterDienst(Katalogdienst):
    """The real service, noting on which thread it applied."""

    def __init__(self) -> None:
        self.threads: list[str] = []

    def anwenden(self, store, datei, fortschritt=None):  # noqa: ANN001, ANN201
        self.threads.append(threading.current_thread().name)
        return super().anwenden(store, datei, fortschritt)


@pytest.fixture
def export(tmp_path: Path) -> tuple[Path, int]:
    zeilen = export_zeilen()
    for z in zeilen:
        if z["OZG-ID"] == "10001":
            z["OZG-Leistungen"] = "Vaterschaftsanerkennung online"
    zeilen.append({**zeilen[0], "OZG-ID": "10999", "OZG-Leistungen": "Digitale Familienkasse",
                   "LeiKa-Schlüssel": "99999000000001", "LeiKa-Bezeichnung": "Familienkasse online"})
    zeilen, nr = mit_testzeile(zeilen)
    return als_xlsx(zeilen, tmp_path / "OZG-Katalog-2026-11.xlsx"), nr


def _export(store) -> str:  # noqa: ANN001
    with store.lesen() as s:
        return austausch.als_text(austausch.exportieren(s))


def test_vergleichen_uebernehmen_zuruecknehmen(qtbot, demo_store, export, tmp_path):
    datei, junk_zeile = export
    with demo_store.session() as s:  # Ressort data that must survive everything below
        s.get(Leistung, leistung_id("10000")).bemerkung = "Ressortvermerk"
    vorher = _export(demo_store)
    runner = Runner()
    dienst = _BeobachteterDienst()
    dialog = Katalogdialog(demo_store, runner, dienst)
    qtbot.addWidget(dialog)
    schritte: list[tuple[int, int, str]] = []
    dialog._bote.gemeldet.connect(lambda a, b, t: schritte.append((a, b, t)))
    try:
        dialog.show()
        qtbot.waitUntil(lambda: dialog._letzter_import is None and dialog.zuruecknehmen_knopf.toolTip() != "")
        assert not dialog.zuruecknehmen_knopf.isEnabled()  # demo store: nothing imported yet

        dialog.datei.setText(str(datei))
        qtbot.mouseClick(dialog.vergleichen_knopf, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: dialog.liste.count() > 0, timeout=30_000)
        texte = [dialog.liste.item(i).text() for i in range(dialog.liste.count())]
        assert "Neu: OZG-Leistung 10999 „Digitale Familienkasse“ kommt neu in den Katalog" in texte
        assert any("10001 umbenannt" in t and "„Vaterschaftsanerkennung online“" in t for t in texte)
        hinweise = [dialog.hinweise.item(i).text() for i in range(dialog.hinweise.count())]
        assert hinweise[0].startswith(f"Blatt „OZG-Umsetzungskatalog“, Zeile {junk_zeile}, Spalte F "
                                      "(LeiKa-Schlüssel): „25323525“ ist kein gültiger LeiKa-Schlüssel")
        assert "1 Zeile enthält ungültige Werte" in dialog.status.text()
        assert dialog.uebernehmen_knopf.isEnabled()
        dialog.grab().save(str(tmp_path / "katalogdialog-vergleich.png"))

        qtbot.mouseClick(dialog.uebernehmen_knopf, Qt.MouseButton.LeftButton)
        assert dialog.fortschritt.isVisible() and not dialog.uebernehmen_knopf.isEnabled()
        qtbot.waitUntil(lambda: dialog.uebernommen > 0, timeout=60_000)
        assert dienst.threads and dienst.threads[0] != threading.main_thread().name  # off the GUI thread
        assert [s[0] for s in schritte] == sorted(s[0] for s in schritte) and schritte[-1][0] == schritte[-1][1]
        assert not dialog.fortschritt.isVisible()
        assert dialog.status.text().endswith("Änderungen übernommen. „Import zurücknehmen“ stellt den vorigen "
                                             "Stand wieder her.")
        with demo_store.lesen() as s:
            assert s.get(Leistung, leistung_id("10999")).bezeichnung == "Digitale Familienkasse"
        assert dialog.zuruecknehmen_knopf.isEnabled()

        fragen: list[bool] = []
        dialog.frage_zuruecknehmen = lambda: fragen.append(False) or False  # the user answers „Nein“
        qtbot.mouseClick(dialog.zuruecknehmen_knopf, Qt.MouseButton.LeftButton)
        assert fragen == [False] and dialog.zuruecknehmen_knopf.isEnabled()
        with demo_store.lesen() as s:
            assert s.get(Leistung, leistung_id("10999")).bezeichnung == "Digitale Familienkasse"

        dialog.frage_zuruecknehmen = lambda: True  # „Ja“
        qtbot.mouseClick(dialog.zuruecknehmen_knopf, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: dialog.status.text().startswith("Zurückgenommen"), timeout=60_000)
        assert _export(demo_store) == vorher  # catalogue as before, Ressortvermerk still there
        qtbot.waitUntil(lambda: not dialog.zuruecknehmen_knopf.isEnabled())  # nothing left to take back
    finally:
        runner.warten()


def test_abgelehnte_datei_zeigt_die_meldung(qtbot, demo_store, tmp_path):
    runner = Runner()
    dialog = Katalogdialog(demo_store, runner, Katalogdienst())
    qtbot.addWidget(dialog)
    try:
        kaputt = tmp_path / "bericht.pdf"
        kaputt.write_bytes(b"%PDF-1.7 kein Katalog")
        dialog.datei.setText(str(kaputt))
        qtbot.mouseClick(dialog.vergleichen_knopf, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: dialog.status.text().startswith("Fehler:"), timeout=10_000)
        assert "ist ein PDF-Dokument, keine Tabelle" in dialog.status.text()
        assert not dialog.uebernehmen_knopf.isEnabled() and dialog.vergleichen_knopf.isEnabled()
    finally:
        runner.warten()
