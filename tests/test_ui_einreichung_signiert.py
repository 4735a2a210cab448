"""The submission from the Berichte page: the Aktenzeichen typed there reaches both PDFs, the
package is signed with the certificate set up on the device, and the status line says by whom."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings, Qt

from ozgdesk.model.demo import STICHTAG
from ozgdesk.reports import paketsignatur as ps
from ozgdesk.reports.dienst import Berichtsdienst
from ozgdesk.reports.einreichung import paket_pruefung
from ozgdesk.ui import dienste
from ozgdesk.ui.app import anwendung
from ozgdesk.ui.hauptfenster import Hauptfenster
from ozgdesk.ui.runner import SofortRunner
from tests.pki import PASSWORT, Stelle
from tests.test_berichte_hilfen import demo_fehler_beheben, pdf_text


@pytest.fixture
def fenster(qtbot, demo_store, tmp_path):  # noqa: ANN001, ANN201
    anwendung()
    dienste.berichte_registrieren(Berichtsdienst(lambda: STICHTAG))
    f = Hauptfenster(demo_store, SofortRunner(), stichtag=lambda: STICHTAG,
                     einstellungen=QSettings(str(tmp_path / "e.ini"), QSettings.Format.IniFormat))
    f.meldung = lambda *_a: None
    qtbot.addWidget(f)
    f.show()
    yield f
    dienste.berichte_registrieren(None)


def test_einreichung_mit_aktenzeichen_signiert_mit_dem_eingerichteten_zertifikat(qtbot, fenster, demo_store, tmp_path):
    demo_fehler_beheben(demo_store)
    ca = Stelle.neu()
    ps.einrichten(demo_store, ca.pkcs12(tmp_path / "ressort.p12"), PASSWORT)  # as `ozgdesk-cli signatur einrichten`
    berichte = fenster.zeigen("berichte")
    berichte.dokument.setCurrentIndex(berichte.dokument.findData("einreichung"))
    berichte.zeitraum.setText("Q3/2026")
    qtbot.keyClicks(berichte.aktenzeichen, "Z c 4 - 2120/2026")
    berichte.ziel_waehlen = lambda: tmp_path / "paket.zip"
    qtbot.mouseClick(berichte.erzeugen_knopf, Qt.MouseButton.LeftButton)
    ordner = tmp_path / "paket" / "BMAS_2026-Q3_v1"
    assert berichte.status.text() == (f"Gespeichert: {ordner} (signiert von Karin Brenner (Bundesministerium für "
                                      "Arbeit und Soziales))")
    for pdf in ("Quartalsbericht", "Projektberichte"):
        assert "Az.: Z c 4 - 2120/2026" in pdf_text((ordner / f"{pdf}_BMAS_2026-Q3_v1.pdf").read_bytes())[0]
    pruefung = paket_pruefung(ordner, demo_store, [ca.cert])
    assert pruefung.gueltig and pruefung.unterzeichner is not None and pruefung.unterzeichner.name == "Karin Brenner"
