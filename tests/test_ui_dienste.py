"""Berichte view and catalogue dialog against the service adapter (fake services: the real reports
and catalogue import live on other branches and are wired in after merging)."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QDialogButtonBox

from ozgdesk.model.demo import STICHTAG
from ozgdesk.ui import dienste
from ozgdesk.ui.app import anwendung
from ozgdesk.ui.berichtsseite import Abgebrochen
from ozgdesk.ui.hauptfenster import Hauptfenster
from ozgdesk.ui.runner import Runner, SofortRunner


class FalscherBericht:
    def __init__(self) -> None:
        self.weiter = threading.Event()
        self.aufrufe: list[tuple] = []

    def dokumente(self):  # noqa: ANN201
        return [("quartalsbericht", "Vierteljährlicher Statusbericht")]

    def pruefen(self, store, dokument, zeitraum, projekt_ids):  # noqa: ANN001, ANN201
        from sqlalchemy import select

        from ozgdesk.model import Projekt

        with store.lesen() as s:
            pid = s.execute(select(Projekt.id).where(Projekt.kennung == "BMAS-2024-03")).scalar_one()
        return [dienste.Pruefhinweis("BMAS-2024-03: Begründung der Ampel fehlt.", "fehler", "projekt", pid, pid)]

    def vorschau_png(self, store, dokument, zeitraum, projekt_ids):  # noqa: ANN001, ANN201
        from PySide6.QtCore import QBuffer, QByteArray, QIODevice
        from PySide6.QtGui import QImage

        bild = QImage(60, 80, QImage.Format.Format_RGB32)
        bild.fill(0xFFFFFF)
        daten = QByteArray()
        puffer = QBuffer(daten)
        puffer.open(QIODevice.OpenModeFlag.WriteOnly)
        bild.save(puffer, "PNG")
        return bytes(daten)

    def erzeugen(self, store, dokument, zeitraum, projekt_ids, ziel, fortschritt, abgebrochen, aktenzeichen=""):  # noqa: ANN001, ANN201
        self.aufrufe.append((dokument, zeitraum, len(projekt_ids)))
        for i in range(10):
            fortschritt(i, 10)
            if i == 5:
                self.weiter.wait(10)  # the test decides whether to cancel here
            if abgebrochen():
                raise Abgebrochen()
        Path(ziel).write_bytes(b"%PDF-1.4 Testbericht")
        return Path(ziel)


@pytest.fixture
def dienst():
    d = FalscherBericht()
    dienste.berichte_registrieren(d)
    yield d
    d.weiter.set()
    dienste.berichte_registrieren(None)


def _fenster(qtbot, store, tmp_path, runner):  # noqa: ANN001
    anwendung()
    f = Hauptfenster(store, runner, stichtag=lambda: STICHTAG,
                     einstellungen=QSettings(str(tmp_path / "e.ini"), QSettings.Format.IniFormat))
    f.meldung = lambda *_a: None
    qtbot.addWidget(f)
    return f


def test_quartalsbericht_pruefen_hinweis_oeffnen_vorschau_und_speichern(qtbot, demo_store, tmp_path, dienst):
    f = _fenster(qtbot, demo_store, tmp_path, SofortRunner())
    seite = f.zeigen("berichte")
    assert seite.zeitraum.text() == "Q4/2026"  # the quarter due next, as on the Übersicht (berichtsquartal)
    seite.pruefen()
    assert seite.hinweise.count() == 1 and "Ampel" in seite.hinweise.item(0).text()
    seite.hinweise.itemActivated.emit(seite.hinweise.item(0))
    assert f.aktuelle_seite() == "projekte"
    assert "BMAS-2024-03" in f.seite("projekte").editor.kopf.text()
    seite.vorschau()
    assert not seite.bild.pixmap().isNull()
    dienst.weiter.set()
    seite.ziel_waehlen = lambda: tmp_path / "bericht.pdf"
    seite.erzeugen()
    assert (tmp_path / "bericht.pdf").read_bytes().startswith(b"%PDF")
    assert "Gespeichert" in seite.status.text()
    assert dienst.aufrufe == [("quartalsbericht", "Q4/2026", 18)]


def test_ohne_zeitraum_sagt_jede_aktion_was_fehlt_und_ruft_den_dienst_nicht(qtbot, demo_store, tmp_path, dienst):
    f = _fenster(qtbot, demo_store, tmp_path, SofortRunner())
    seite = f.zeigen("berichte")
    seite.zeitraum.setText("  ")
    gefragt = []
    seite.ziel_waehlen = lambda: gefragt.append(1) or tmp_path / "nie.pdf"
    for aktion in (seite.pruefen, seite.vorschau, seite.erzeugen):
        seite.status.setText("")
        aktion()
        assert seite.status.text() == "Bitte einen Zeitraum angeben (z. B. Q3/2026)."
    assert seite.hinweise.count() == 0 and seite.bild.pixmap().isNull()
    assert gefragt == [] and dienst.aufrufe == [] and not (tmp_path / "nie.pdf").exists()


def test_fehler_im_dienst_erscheint_deutsch(qtbot, demo_store, tmp_path, dienst, caplog):
    """A German OzgFehler is shown as it is; an operating-system error (English text) is logged and
    the user reads a German sentence instead."""
    from ozgdesk.model.errors import Eingabefehler

    f = _fenster(qtbot, demo_store, tmp_path, SofortRunner())
    seite = f.zeigen("berichte")

    def eingabefehler(*_a):  # noqa: ANN002, ANN202
        raise Eingabefehler("Zeitraum Q9/2026 gibt es nicht.")

    dienst.pruefen = eingabefehler
    seite.pruefen()
    assert seite.status.text() == "Fehler: Zeitraum Q9/2026 gibt es nicht."

    def platte_voll(*_a):  # noqa: ANN002, ANN202
        raise OSError(28, "No space left on device")

    dienst.vorschau_png = platte_voll
    seite.vorschau()
    assert "No space" not in seite.status.text()
    assert seite.status.text().startswith("Fehler: Die Aktion ist mit einem unerwarteten Fehler abgebrochen.")
    assert any("No space left on device" in str(r.exc_info[1]) for r in caplog.records if r.exc_info)


def test_erzeugung_laeuft_im_hintergrund_und_laesst_sich_abbrechen(qtbot, demo_store, tmp_path, dienst):
    runner = Runner()
    f = _fenster(qtbot, demo_store, tmp_path, runner)
    seite = f.zeigen("berichte")
    seite.ziel_waehlen = lambda: tmp_path / "abbruch.pdf"
    seite.erzeugen()
    qtbot.waitUntil(lambda: seite.fortschritt.value() >= 5, timeout=5000)  # the GUI thread stays responsive
    assert seite.abbrechen_knopf.isEnabled() and not seite.erzeugen_knopf.isEnabled()
    qtbot.mouseClick(seite.abbrechen_knopf, Qt.MouseButton.LeftButton)
    dienst.weiter.set()
    qtbot.waitUntil(lambda: seite.status.text() == "Abgebrochen.", timeout=5000)
    runner.warten()
    assert not (tmp_path / "abbruch.pdf").exists()
    assert seite.erzeugen_knopf.isEnabled()


def test_ohne_dienste_sagen_die_ansichten_dass_sie_fehlen(qtbot, demo_store, tmp_path):
    f = _fenster(qtbot, demo_store, tmp_path, SofortRunner())
    meldungen = []
    f.meldung = lambda titel, text: meldungen.append(text)
    assert "noch nicht verfügbar" in f.zeigen("berichte").text.text()
    assert "Noch kein Abgleichziel eingerichtet" in f.zeigen("abgleich").zustand.text()
    f.katalog_importieren()
    assert "noch nicht verfügbar" in meldungen[0]


def test_katalogupdate_im_dialog_vergleichen_und_uebernehmen(qtbot, demo_store, tmp_path):
    """The real catalogue import behind the dialog: a renamed Leistung shows up and is applied."""
    from sqlalchemy import func, select

    from ozgdesk.model import Leistung, Projekt
    from ozgdesk.model.katalogimport.dienst import Katalogdienst
    from tests.katalog_export import als_xlsx, export_zeilen

    zeilen = export_zeilen()
    for z in zeilen:
        if str(z["OZG-ID"]) == "10000":
            z["OZG-Leistungen"] = "Elterngeld digital beantragen"
    datei = als_xlsx(zeilen, tmp_path / "katalog.xlsx")
    dienste.katalog_registrieren(Katalogdienst())
    try:
        f = _fenster(qtbot, demo_store, tmp_path, SofortRunner())
        f.katalog_importieren()
        d = f.katalogdialog
        d.datei.setText(str(datei))
        d.vergleichen()
        texte = [d.liste.item(i).text() for i in range(d.liste.count())]
        assert any("10000 umbenannt" in t and "Elterngeld digital beantragen" in t for t in texte)
        assert any(t.startswith("Geändert: LeiKa-Leistungen:") for t in texte)
        d.knoepfe.button(QDialogButtonBox.StandardButton.Apply).click()
        assert "Änderungen übernommen" in d.status.text()
        d.reject()
    finally:
        dienste.katalog_registrieren(None)
    with demo_store.lesen() as s:
        assert s.execute(select(Leistung.bezeichnung).where(Leistung.ozg_id == "10000")).scalar_one() \
            == "Elterngeld digital beantragen"
        assert s.execute(select(func.count(Projekt.id))).scalar_one() == 18


def test_echter_quartalsbericht_aus_der_oberflaeche(qtbot, demo_store, tmp_path):
    """The Berichte view with the real reports: validation names records, preview renders, PDF/XLSX saved."""
    import io

    from openpyxl import load_workbook
    from pypdf import PdfReader

    from ozgdesk.reports.dienst import Berichtsdienst

    dienste.berichte_registrieren(Berichtsdienst(lambda: STICHTAG))
    try:
        f = _fenster(qtbot, demo_store, tmp_path, SofortRunner())
        seite = f.zeigen("berichte")
        seite.pruefen()
        hinweise = [seite.hinweise.item(i).text() for i in range(seite.hinweise.count())]
        assert any("BMAS-2025-04" in h and "Bewilligung" in h for h in hinweise)
        zeile = next(i for i, h in enumerate(hinweise) if h.startswith("Fehler: Projekt BMAS-2025-04"))
        seite.hinweise.itemActivated.emit(seite.hinweise.item(zeile))
        assert f.aktuelle_seite() == "projekte" and "BMAS-2025-04" in f.seite("projekte").editor.kopf.text()
        f.zeigen("berichte")
        seite.vorschau()
        assert seite.bild.pixmap().width() > 500
        seite.ziel_waehlen = lambda: tmp_path / "Quartalsbericht.pdf"
        seite.erzeugen()
        text = "".join(p.extract_text() for p in PdfReader(tmp_path / "Quartalsbericht.pdf").pages)
        assert "Vierteljährlicher Statusbericht" in text and "4. Quartal 2026" in text
        assert "ENTWURF" in text  # validation errors → draft, as the CLI with --entwurf
        seite.ziel_waehlen = lambda: tmp_path / "Quartalsbericht.xlsx"
        seite.erzeugen()
        mappe = load_workbook(io.BytesIO((tmp_path / "Quartalsbericht.xlsx").read_bytes()))
        assert len(mappe.sheetnames) >= 3
    finally:
        dienste.berichte_registrieren(None)


@pytest.mark.parametrize("mit_dienst", [True, False])
def test_berichte_seite_uebersteht_aenderungen_anderswo(qtbot, demo_store, tmp_path, request, mit_dienst):
    """Neither the Berichte page nor its notice (service missing) has data to reload: an edit made
    while it is shown, or while it is hidden and then shown again, must leave it as it is (both
    used to raise AttributeError for the missing ``neu_laden``)."""
    from ozgdesk.model.aenderungen import Aenderungen

    if mit_dienst:
        request.getfixturevalue("dienst")
    f = _fenster(qtbot, demo_store, tmp_path, SofortRunner())
    seite = f.zeigen("berichte")
    geaendert = Aenderungen.aus([("leistung", "x")])
    f.daten_geaendert(geaendert)  # e.g. Strg+Z while the Berichte page is shown
    f.zeigen("leistungen")
    f.daten_geaendert(geaendert)
    assert f.zeigen("berichte") is seite and f.aktuelle_seite() == "berichte"


def test_berichte_seite_zeigt_neues_projekt_und_behaelt_abwahl(qtbot, demo_store, tmp_path, dienst):
    """A project created elsewhere (editor, sync, import) appears in the Berichte page's project
    list without a restart, checked; a project the user had unchecked stays unchecked."""
    from PySide6.QtCore import Qt

    from ozgdesk.model.operationen import bearbeiten
    from ozgdesk.model.operationen.projekt import projekt_anlegen
    from ozgdesk.model.values import Finanzierung

    f = _fenster(qtbot, demo_store, tmp_path, SofortRunner())
    seite = f.zeigen("berichte")
    liste = seite.projekte
    vorher = liste.count()
    assert vorher > 1
    liste.setCurrentIndex(liste.modell.index(0, 0))
    qtbot.keyClick(liste, Qt.Key.Key_Space)  # as the user unticks it
    assert not liste.modell.angekreuzt(0)
    abgewaehlt = liste.modell.text(0)

    angewandt = bearbeiten.anwenden(demo_store, projekt_anlegen(
        {"kennung": "BMAS-2026-99", "titel": "Neues Vorhaben", "finanzierung": Finanzierung.VOLL}))
    f.daten_geaendert(angewandt.aenderungen)  # what the operation layer broadcasts after the commit

    texte = {liste.modell.text(i): liste.modell.angekreuzt(i) for i in range(liste.count())}
    assert liste.count() == vorher + 1
    assert texte["BMAS-2026-99 – Neues Vorhaben"] is True
    assert texte[abgewaehlt] is False
    assert len(seite.auftrag()[2]) == vorher  # the report covers the ticked ones only
