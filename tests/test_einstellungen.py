"""Typed settings (ozgdesk/ui/einstellungen.py): defaults, garbage read as defaults, upgrade steps once.

QSettings is QtCore only: no QApplication is needed except for the main-window test at the end.
Every test uses an ini file in tmp_path, written as a user or an old version would have left it.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings

from ozgdesk.ui import einstellungen as es

UI = Path(es.__file__).resolve().parent


def _ini(pfad: Path, text: str = "") -> QSettings:
    pfad.write_text(text, encoding="utf-8")
    return QSettings(str(pfad), QSettings.Format.IniFormat)


def test_leere_einstellungen_geben_die_standardwerte(tmp_path):
    qs = _ini(tmp_path / "e.ini")
    assert es.DUNKEL.lesen(qs) is False
    assert es.SEITE.lesen(qs) == "uebersicht"
    assert es.GEOMETRIE.lesen(qs) is None and es.ZUSTAND.lesen(qs) is None and es.TEILUNG.lesen(qs) is None
    assert es.VERSION.lesen(qs) == 0


def test_geschriebene_werte_kommen_nach_neustart_mit_ihrem_typ_zurueck(tmp_path):
    pfad = tmp_path / "e.ini"
    qs = _ini(pfad)
    es.DUNKEL.schreiben(qs, True)
    es.SEITE.schreiben(qs, "projekte")
    es.GEOMETRIE.schreiben(qs, QByteArray(b"\x01\xd9\xd0\xcb\x00\x03"))
    qs.sync()
    neu = QSettings(str(pfad), QSettings.Format.IniFormat)  # what the next start reads from disk
    assert es.DUNKEL.lesen(neu) is True
    assert es.SEITE.lesen(neu) == "projekte"
    geo = es.GEOMETRIE.lesen(neu)
    assert isinstance(geo, QByteArray) and bytes(geo) == b"\x01\xd9\xd0\xcb\x00\x03"
    es.GEOMETRIE.schreiben(neu, None)
    assert not neu.contains("fenster/geometrie")


def test_handbearbeitete_und_kaputte_werte_gelten_als_standard(tmp_path):
    qs = _ini(tmp_path / "e.ini", "[ansicht]\ndunkel=vielleicht\n"
                                   "[fenster]\nseite=gibtsnicht\ngeometrie=kaputt\nzustand=@Invalid()\n"
                                   "[projekte]\nteilung=1, 2\n[einstellungen]\nversion=abc\n")
    # Qt's own conversion would switch the dark theme on for "vielleicht"; the typed reading does not
    assert qs.value("ansicht/dunkel", False, type=bool) is True
    assert es.DUNKEL.lesen(qs) is False
    assert es.SEITE.lesen(qs) == "uebersicht"
    assert es.GEOMETRIE.lesen(qs) is None and es.ZUSTAND.lesen(qs) is None and es.TEILUNG.lesen(qs) is None
    assert es.VERSION.lesen(qs) == 0


def test_text_werte_aus_ini_dateien_werden_gelesen(tmp_path):
    """An ini file holds text: what a user or another tool typed, in the usual spellings."""
    for text, erwartet in (("true", True), ("Ja", True), ("1", True), ("False", False), ("0", False), ("nein", False)):
        assert es.DUNKEL.lesen(_ini(tmp_path / "e.ini", f"[ansicht]\ndunkel={text}\n")) is erwartet, text
    assert es.VERSION.lesen(_ini(tmp_path / "e.ini", "[einstellungen]\nversion= 7 \n")) == 7
    # a page name with a comma comes back from QSettings as a list: garbage, not a crash
    assert es.SEITE.lesen(_ini(tmp_path / "e.ini", "[fenster]\nseite=finanzen, projekte\n")) == "uebersicht"


def test_aktualisieren_von_version_0_laeuft_genau_einmal(tmp_path):
    pfad = tmp_path / "e.ini"
    gelaufen: list[str] = []

    def umbenennen(qs: QSettings) -> None:  # the typical step: an old key becomes a new one
        gelaufen.append("umbenennen")
        if qs.contains("alt/dunkel"):
            qs.setValue("ansicht/dunkel", qs.value("alt/dunkel"))
            qs.remove("alt/dunkel")

    schritte = (es.Schritt(1, "umbenennen", umbenennen), es.Schritt(2, "zaehlen", lambda qs: gelaufen.append("zaehlen")))
    qs = _ini(pfad, "[alt]\ndunkel=true\n")
    assert es.aktualisieren(qs, schritte) == [1, 2]
    assert es.DUNKEL.lesen(qs) is True and not qs.contains("alt/dunkel")

    neu = QSettings(str(pfad), QSettings.Format.IniFormat)  # next start: written to disk, nothing runs again
    assert es.VERSION.lesen(neu) == 2
    assert es.aktualisieren(neu, schritte) == []
    assert gelaufen == ["umbenennen", "zaehlen"]

    spaeter = (*schritte, es.Schritt(3, "neu", lambda qs: gelaufen.append("neu")))  # an update adds a step
    assert es.aktualisieren(neu, spaeter) == [3]
    assert gelaufen == ["umbenennen", "zaehlen", "neu"]


def test_gescheiterter_schritt_haelt_an_und_wird_beim_naechsten_start_wiederholt(tmp_path, caplog):
    pfad = tmp_path / "e.ini"
    versuche = []

    def scheitert(qs: QSettings) -> None:
        versuche.append(1)
        raise OSError("Datei gesperrt")

    schritte = (es.Schritt(1, "gut", lambda qs: None), es.Schritt(2, "scheitert", scheitert),
                es.Schritt(3, "danach", lambda qs: versuche.append(3)))
    with caplog.at_level(logging.ERROR, logger="ozgdesk.ui.einstellungen"):
        assert es.aktualisieren(_ini(pfad), schritte) == [1]
    assert "Schritt 2 (scheitert) gescheitert" in caplog.text
    neu = QSettings(str(pfad), QSettings.Format.IniFormat)
    assert es.VERSION.lesen(neu) == 1  # step 3 did not run after the failed step 2
    assert es.aktualisieren(neu, schritte) == []
    assert versuche == [1, 1]


def test_einstellungen_einer_neueren_version_bleiben_unveraendert(tmp_path):
    pfad = tmp_path / "e.ini"
    qs = _ini(pfad, "[einstellungen]\nversion=99\n[ansicht]\ndunkel=true\n[zukunft]\nneu=1\n")
    assert es.aktualisieren(qs) == []
    assert es.VERSION.lesen(qs) == 99 and qs.contains("zukunft/neu")
    assert es.DUNKEL.lesen(qs) is True


def test_schritt_1_entfernt_unpassende_werte_alter_versionen(tmp_path):
    pfad = tmp_path / "e.ini"
    qs = _ini(pfad, "[ansicht]\ndunkel=vielleicht\n[fenster]\nseite=finanzen\ngeometrie=kaputt\n"
                    "zustand=@ByteArray(\\0\\0\\0\\xff)\n[projekte]\nteilung=@Invalid()\n")
    assert es.oeffnen(qs) is qs
    neu = QSettings(str(pfad), QSettings.Format.IniFormat)
    assert es.VERSION.lesen(neu) == es.AKTUELLE_VERSION == 1
    assert sorted(neu.allKeys()) == ["einstellungen/version", "fenster/seite", "fenster/zustand"]
    assert es.SEITE.lesen(neu) == "finanzen"


def test_seitenschluessel_stimmen_mit_dem_hauptfenster_ueberein():
    from ozgdesk.ui.hauptfenster import SEITEN

    assert es.SEITE.erlaubt == tuple(k for k, _t in SEITEN)


def test_kein_qsettings_zugriff_an_der_typisierung_vorbei():
    """A key read or written directly (``.value("…")``, ``setValue("…")``) bypasses type and default."""
    direkt = re.compile(r"""\.(value|setValue)\(\s*["']""")
    funde = [f"{p.name}:{n}" for p in UI.glob("*.py") if p.name != "einstellungen.py"
             for n, zeile in enumerate(p.read_text(encoding="utf-8").splitlines(), 1) if direkt.search(zeile)]
    assert funde == []


def test_hauptfenster_startet_mit_kaputter_einstellungsdatei(qtbot, demo_store, tmp_path):
    from ozgdesk.model.demo import STICHTAG
    from ozgdesk.ui.app import anwendung
    from ozgdesk.ui.hauptfenster import Hauptfenster
    from ozgdesk.ui.runner import SofortRunner

    anwendung()
    qs = _ini(tmp_path / "e.ini", "[fenster]\nseite=finanzen\ngeometrie=kaputt\nzustand=1, 2\n"
                                  "[projekte]\nteilung=nichts\n")
    f = Hauptfenster(demo_store, SofortRunner(), stichtag=lambda: STICHTAG, einstellungen=qs)
    qtbot.addWidget(f)
    assert f.aktuelle_seite() == "finanzen"
    f.zeigen("projekte")  # restores the (broken) splitter setting
    f.close()
    neu = QSettings(str(tmp_path / "e.ini"), QSettings.Format.IniFormat)
    assert es.SEITE.lesen(neu) == "projekte"
    assert isinstance(es.GEOMETRIE.lesen(neu), QByteArray) and isinstance(es.TEILUNG.lesen(neu), QByteArray)
