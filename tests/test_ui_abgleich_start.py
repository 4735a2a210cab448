"""Starting on the Abgleich page: its first view before SQLAlchemy, then the handover in place."""

from __future__ import annotations


import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication

from ozgdesk.model.schnellstart import schnell_oeffnen
from ozgdesk.model.stichtag import DEMO_STICHTAG
from ozgdesk.sync.abgleich import status
from ozgdesk.ui.abgleichsseite import NOCH_NICHT_BEREIT, Abgleichsseite
from ozgdesk.ui.app import anwendung
from ozgdesk.ui.hauptfenster import Hauptfenster
from ozgdesk.ui.runner import Runner
from tests.startprobe import starten_auf
from tests.test_sync_statusvorab import abgeglichen

#: what the test process prints when the window is ready (page, its state text, modules loaded then)
_SONDE = """
import sys
import ozgdesk.ui.hauptfenster as h
original = h.Hauptfenster._bereit_melden
def melden(self, seite):
    def bereit():
        w = self.seiten.currentWidget()
        print(repr((type(w).__name__, w.zustand.text(), w.ausgangsliste.item(0).text(), self.status_netz.text(),
                    [m for m in ("sqlalchemy", "cryptography") if m in sys.modules])))
    self.bereit.connect(bereit)
    original(self, seite)
h.Hauptfenster._bereit_melden = melden
"""


def test_start_auf_der_abgleichsseite_ohne_sqlalchemy(demo_home, tmp_path):
    """`ozgdesk --exit-when-ready` on the Abgleich page ends when its status is shown – read without
    SQLAlchemy and without ``cryptography`` (``bench/start.py``: goal ≤ 2× a bare window)."""
    aus = starten_auf("abgleich", demo_home, tmp_path, vorher=_SONDE)
    assert aus[-1] == "0"
    seite, zustand, ausgang, netz, module = eval(aus[-2])  # noqa: S307 - our own repr
    assert seite == "Abgleichsseite" and module == []
    assert zustand.splitlines() == ["Noch kein Abgleichziel eingerichtet – ozgdesk arbeitet offline.",
                                    "Letzter Abgleich: noch nie", "Noch nicht übertragene Änderungen: 1833",
                                    "Ausstehende Einreichungen: 0", "Offene Konflikte: 0"]
    assert ausgang == "Keine Einreichungen im Postausgang."
    assert netz == "offline – kein Abgleich eingerichtet"


def _texte(liste) -> list[str]:  # noqa: ANN001
    return [liste.item(i).text() for i in range(liste.count())]


@pytest.mark.parametrize("geraet", ["a", "b"])
def test_erste_ansicht_und_uebergabe_an_den_vollen_store(qtbot, synchrones_paar, neues_geraet, tmp_path, geraet):
    """A: coordinator with a device waiting and an outbox (one package's folder is gone); B: an open
    conflict and a file in quarantine. First the light view, then the full one, in the same page."""
    a, b = abgeglichen(synchrones_paar, neues_geraet, tmp_path)
    voll = a if geraet == "a" else b
    ablage = str(tmp_path / "ablage")
    with voll.engine.connect() as con:  # as a closed store leaves its file (the quick check at start reads it)
        con.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    anwendung()
    store = schnell_oeffnen(voll.pfad)
    assert store is not None
    einstellungen = QSettings(str(tmp_path / "e.ini"), QSettings.Format.IniFormat)
    einstellungen.setValue("fenster/seite", "abgleich")
    runner = Runner()
    f = Hauptfenster(store, runner, stichtag=lambda: DEMO_STICHTAG, nachlauf=False, einstellungen=einstellungen)
    f.meldung = lambda titel, text: pytest.fail(f"{titel}: {text}")
    qtbot.addWidget(f)
    with qtbot.waitSignal(f.bereit, timeout=10000):
        f.show()
    w = f.seiten.currentWidget()
    assert isinstance(w, Abgleichsseite) and w.wartet_auf_store and not store.ist_geoeffnet

    # the first view: the status as the full path reads it, the trust list „wird geprüft …“
    st = status(voll)
    vorher = w.zustand.text().splitlines()
    assert vorher[:5] == [f"Ziel: {ablage}", f"Letzter Abgleich: {st.letzter_abgleich.astimezone():%d.%m.%Y %H:%M} Uhr",
                          f"Noch nicht übertragene Änderungen: {st.ausstehende_aenderungen}",
                          f"Ausstehende Einreichungen: {st.ausstehende_einreichungen}",
                          f"Offene Konflikte: {st.offene_konflikte}"]
    assert vorher[-1] == "Freigabe dieses Geräts und wartende Geräte: wird geprüft …"
    assert (w.ziel.text(), w.benutzer.text(), w.person.text()) == (ablage, "sync-nutzer", st.person)
    for knopf in (w.jetzt_knopf, w.einrichten_knopf, w.umziehen_knopf):
        assert not knopf.isEnabled() and knopf.toolTip() == NOCH_NICHT_BEREIT == knopf.accessibleDescription()
    netz, einreichungen = f.status_netz.text(), f.status_einreichung.text()
    assert netz.startswith(f"Abgleich: {ablage} (zuletzt ") and einreichungen == (
        f"Ausstehende Einreichungen: {st.ausstehende_einreichungen}")
    if geraet == "a":
        ausgang = _texte(w.ausgangsliste)
        assert len(ausgang) == 3 and "veröffentlicht am" in ausgang[2]
        assert all(t.endswith("wartet auf den nächsten Abgleich – Paket wird geprüft …") for t in ausgang[:2])
        w.ausgangsliste.setCurrentRow(0)  # the package whose folder is gone
        assert not w.ausgang_entfernen_knopf.isEnabled()
    else:
        assert _texte(w.konfliktliste) == ["1 offener Konflikt – wird geprüft …"]
        assert "In Quarantäne (fehlerhafte Dateien anderer Geräte): 1" in vorher
    # what the user does in the first second stays
    w.person.setText("Anna Neu")
    w.reiter.setCurrentIndex(2)
    QApplication.processEvents()  # laid out, as a user would see it
    w.grab().save(str(tmp_path / f"abgleich-vorab-{geraet}.png"))

    with qtbot.waitSignal(f.nachlauf_fertig, timeout=30000):
        f.nachlauf_starten()
    qtbot.waitUntil(lambda: not w.wartet_auf_store and "wird geprüft" not in w.zustand.text()
                    and not any("wird geprüft" in t for t in _texte(w.ausgangsliste) + _texte(w.konfliktliste)),
                    timeout=20000)
    runner.warten()
    qtbot.waitUntil(lambda: "Fingerabdruck" in w.geraetebereich.eigen.text(), timeout=20000)
    assert f.seiten.currentWidget() is w  # the same page, refreshed in place
    nachher = w.zustand.text().splitlines()
    assert nachher[:-1] == vorher[:-1] if geraet == "a" else nachher == vorher[:-1]
    assert (w.person.text(), w.reiter.currentIndex()) == ("Anna Neu", 2)
    assert w.reiter.tabText(1) == "Geräte und Vertrauensliste"
    assert w.jetzt_knopf.isEnabled() and w.einrichten_knopf.isEnabled() and w.jetzt_knopf.toolTip() == ""
    assert (f.status_netz.text(), f.status_einreichung.text()) == (netz, einreichungen)
    if geraet == "a":
        assert nachher[-1] == "Geräte, die auf Freigabe warten: 1"
        assert "Vertrauensanker der Ablage:" in w.geraetebereich.eigen.text()
        ausgang = _texte(w.ausgangsliste)
        assert ausgang[0].endswith("⚠ nicht veröffentlicht – Fehler (Einzelheiten unter der Liste)")
        assert ausgang[1].endswith("wartet auf den nächsten Abgleich")
        assert w.ausgangsliste.currentRow() == 0 and "fehlt" in w.ausgang_einzelheiten.text()
        assert w.ausgang_entfernen_knopf.isEnabled()
    else:
        assert _texte(w.konfliktliste)[0].startswith("gleiches Feld auf mehreren Geräten geändert: ")
        assert "Signatur ungültig" in w.geraetebereich.quarantaene.text()
    w.grab().save(str(tmp_path / f"abgleich-nachher-{geraet}.png"))
    store.schliessen()


def test_auf_dem_datenbankserver_wie_bisher(qtbot, request, pg_server, tmp_path):  # noqa: ANN001
    """A server store is opened in full at once: the page takes its normal path (no first view),
    and says that the sync is not needed there."""
    from ozgdesk.model.store import Store
    from tests.conftest import pg_kopie

    anwendung()
    store = Store.oeffnen(pg_kopie(request, "demo"), ordner=tmp_path)
    einstellungen = QSettings(str(tmp_path / "e.ini"), QSettings.Format.IniFormat)
    einstellungen.setValue("fenster/seite", "abgleich")
    runner = Runner()
    f = Hauptfenster(store, runner, stichtag=lambda: DEMO_STICHTAG, nachlauf=False, einstellungen=einstellungen)
    f.meldung = lambda titel, text: pytest.fail(f"{titel}: {text}")
    qtbot.addWidget(f)
    try:
        with qtbot.waitSignal(f.bereit, timeout=20000):
            f.show()
        w = f.seiten.currentWidget()
        assert isinstance(w, Abgleichsseite) and not w.wartet_auf_store and w.geraetebereich is not None
        assert "Noch kein Abgleichziel eingerichtet" in w.zustand.text() and w.einrichten_knopf.isEnabled()
        assert f.status_netz.text() == "Abgleich: nicht nötig (Datenbankserver)"
    finally:
        runner.warten()
        store.schliessen()
