"""The Abgleich view as a coordinator uses it: set up a share, sync, see a conflict side by side, resolve it."""

from __future__ import annotations

import re
import time

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QPushButton

from ozgdesk.model.demo import STICHTAG
from ozgdesk.model.felder import projekt_finden, projekt_setzen
from ozgdesk.model.projekte import Projekt
from sqlalchemy import select
from ozgdesk.ui.app import anwendung
from ozgdesk.ui.hauptfenster import Hauptfenster
from ozgdesk.ui.runner import SofortRunner


def _seite(qtbot, store, tmp_path, name):  # noqa: ANN001, ANN202
    anwendung()
    f = Hauptfenster(store, SofortRunner(), stichtag=lambda: STICHTAG,
                     einstellungen=QSettings(str(tmp_path / f"{name}.ini"), QSettings.Format.IniFormat))
    f.meldung = lambda *_a: None
    qtbot.addWidget(f)
    return f, f.zeigen("abgleich")


def _titel(store) -> str:  # noqa: ANN001
    with store.lesen() as s:
        return projekt_finden(s, "BMAS-2024-02").titel


def test_einrichten_abgleichen_konflikt_nebeneinander_loesen(qtbot, synchrones_paar, tmp_path):
    a, b = synchrones_paar
    ablage = tmp_path / "ablage"
    fa, seite_a = _seite(qtbot, a, tmp_path, "a")
    fb, seite_b = _seite(qtbot, b, tmp_path, "b")
    assert "Noch kein Abgleichziel eingerichtet" in seite_a.zustand.text()
    assert "offline" in fa.status_netz.text()
    for seite in (seite_a, seite_b):
        seite.ziel.setText(str(ablage))
        seite.einrichten()
        assert "✓" in seite.pruefergebnis.text() and "✗" not in seite.pruefergebnis.text()
    assert str(ablage) in fa.status_netz.text()

    # the same field edited offline on both devices, by the people their device keys are bound to
    with a.session() as s:
        projekt_setzen(s, "BMAS-2024-02", [("titel", "Insolvenzgeld digital (Fassung A)")])
    with b.session() as s:
        projekt_setzen(s, "BMAS-2024-02", [("titel", "Insolvenzgeld online (Fassung B)")])
    seite_a.aktualisieren()
    assert "Noch nicht übertragene Änderungen: 1" in seite_a.zustand.text()
    seite_a.jetzt()
    assert "Abgleich beendet" in seite_a.meldung.text()
    seite_b.jetzt()
    assert "1 offener Konflikt." in seite_b.meldung.text()

    # both values side by side, with who changed them; a third value can be typed for a field conflict
    assert seite_b.konfliktliste.count() == 1
    assert seite_b.eigener_wert.isVisibleTo(seite_b) and not seite_a.eigener_wert.isVisibleTo(seite_a)
    texte = [w.text() for w in seite_b.vergleich.findChildren(type(seite_b.meldung))]
    assert "Insolvenzgeld digital (Fassung A)" in texte and "Insolvenzgeld online (Fassung B)" in texte
    assert a.personenname() in texte and b.personenname() in texte
    # when each side changed it, in German date format (not an ISO stamp)
    assert sum(bool(re.fullmatch(r"\d\d\.\d\d\.\d{4} \d\d:\d\d", t)) for t in texte) == 2
    fremd = next(k for k in seite_b.vergleich.findChildren(QPushButton) if k.text() == "Diesen übernehmen")
    fremd.click()
    assert seite_b.konfliktliste.count() == 0 and _titel(b) == "Insolvenzgeld digital (Fassung A)"

    # the resolution is an ordinary change that reaches the other device
    seite_b.jetzt()
    seite_a.jetzt()
    assert _titel(a) == _titel(b) == "Insolvenzgeld digital (Fassung A)"
    assert seite_a.konfliktliste.count() == 0 and "Offene Konflikte: 0" in seite_a.zustand.text()


def test_letzter_abgleich_mit_ortsdatum_und_ortszeit(qtbot, demo_store, tmp_path, monkeypatch):
    """Stored in UTC; shown in local time, and the date is the local date too (past midnight in Berlin)."""
    from ozgdesk.sync.abgleich import LETZTER

    monkeypatch.setenv("TZ", "CET-1")
    time.tzset()
    try:
        demo_store.meta_setzen(LETZTER, "2026-11-15T23:30:00+00:00")
        _f, seite = _seite(qtbot, demo_store, tmp_path, "z")
        assert "Letzter Abgleich: 16.11.2026 00:30 Uhr" in seite.zustand.text()
    finally:
        monkeypatch.undo()
        time.tzset()


def test_passwort_wird_nach_dem_einrichten_aus_dem_feld_geloescht(qtbot, demo_store, tmp_path):
    _f, seite = _seite(qtbot, demo_store, tmp_path, "p")
    (tmp_path / "leer").mkdir()
    seite.ziel.setText(str(tmp_path / "leer"))
    seite.passwort.setText("Gehe1m-ß")
    seite.einrichten()
    assert seite.passwort.text() == ""


def test_posteingang_bietet_katalogimport_mit_diff_und_zeigt_rueckmeldungen(qtbot, demo_store, tmp_path):
    """What the BMI drops on the share: a catalogue update (offered as an import with its diff) and
    feedback per submission."""
    from ozgdesk.model.katalogimport.dienst import Katalogdienst
    from ozgdesk.ui import dienste
    from tests.katalog_export import als_csv, export_zeilen

    ablage = tmp_path / "ablage"
    zeilen = export_zeilen()
    for z in zeilen:
        if str(z["OZG-ID"]) == "10001":
            z["OZG-Leistungen"] = "Vaterschaftsanerkennung online"
    (ablage / "inbox" / "katalog").mkdir(parents=True)
    als_csv(zeilen, ablage / "inbox" / "katalog" / "OZG-Katalog-2026-11.csv")
    rueck = ablage / "feedback" / "BMAS" / "2026-Q3" / "v1"
    rueck.mkdir(parents=True)
    (rueck / "Rückmeldung BMI.txt").write_text("Bitte Abweichung BMAS-2025-08 begründen.", encoding="utf-8")

    dienste.katalog_registrieren(Katalogdienst())
    try:
        f, seite = _seite(qtbot, demo_store, tmp_path, "e")
        seite.ziel.setText(str(ablage))
        seite.einrichten()
        seite.jetzt()
        assert [seite.posteingang.item(i).text() for i in range(seite.posteingang.count())] == ["OZG-Katalog-2026-11.csv"]
        assert [seite.rueckmeldungen.item(i).text() for i in range(seite.rueckmeldungen.count())] \
            == ["2026-Q3 v1: Rückmeldung BMI.txt"]
        seite.posteingang.itemActivated.emit(seite.posteingang.item(0))
        texte = [f.katalogdialog.liste.item(i).text() for i in range(f.katalogdialog.liste.count())]
        assert any("10001 umbenannt" in t and "Vaterschaftsanerkennung online" in t for t in texte)
        f.katalogdialog.reject()
        seite.jetzt()  # fetched once: not offered again
        assert seite.posteingang.count() == 1
    finally:
        dienste.katalog_registrieren(None)


def test_doppelte_projektkennung_auf_der_abgleichsseite_loesen(qtbot, synchrones_paar, tmp_path):
    """Two devices gave one Kennung to two new projects: the page shows both by name, one keeps the
    Kennung, the other gets the one typed in its row; the other device follows after a sync."""
    from PySide6.QtWidgets import QLabel, QLineEdit

    from ozgdesk.model.operationen import bearbeiten as operation
    from ozgdesk.model.operationen import projekt as op_projekt
    from ozgdesk.model.values import Finanzierung
    from ozgdesk.sync.abgleich import jetzt_abgleichen
    from ozgdesk.sync.backend import OrdnerBackend

    a, b = synchrones_paar
    ablage = tmp_path / "ablage"
    for st, titel in ((a, "Fallmanagement (Fassung A)"), (b, "Fallmanagement (Fassung B)")):
        operation.anwenden(st, op_projekt.projekt_anlegen({"kennung": "BMAS-2026-09", "titel": titel,
                                                           "finanzierung": Finanzierung.VOLL}))
    for st in (a, b, a):
        jetzt_abgleichen(st, OrdnerBackend(ablage))
    fb, seite = _seite(qtbot, b, tmp_path, "b")
    assert seite.konfliktliste.count() == 1
    assert seite.konfliktliste.item(0).text().startswith("doppelt vergeben: Projekt BMAS-2026-09")
    texte = "\n".join(w.text() for w in seite.vergleich.findChildren(QLabel))
    assert "Fallmanagement (Fassung A)" in texte and "Fallmanagement (Fassung B)" in texte
    assert "vorläufig „BMAS-2026-09-DOPPELT“" in texte and "dieses Gerät" in texte and "anderes Gerät" in texte
    for w in seite.konfliktliste.item(0).text(), texte:  # names, never record ids
        with b.lesen() as s:
            ids = [p.id for p in s.execute(select(Projekt).where(Projekt.titel.like("Fallmanagement%"))).scalars()]
        assert not any(i[:8] in w for i in ids)

    # row of A's project: it gives the Kennung up and gets the one typed there; B's project keeps it
    zeile_a = next(i for i, w in enumerate(seite.aktueller_konflikt().werte) if not w["mein"])
    felder = seite.vergleich.findChildren(QLineEdit)
    ordnung = sorted(felder, key=lambda f: seite._vergleich_layout.getItemPosition(seite._vergleich_layout.indexOf(f))[0])
    ordnung[zeile_a].setText("bmas-2026-10")
    knoepfe = sorted((k for k in seite.vergleich.findChildren(QPushButton) if k.text() == "Behält „BMAS-2026-09“"),
                     key=lambda k: seite._vergleich_layout.getItemPosition(seite._vergleich_layout.indexOf(k))[0])
    knoepfe[1 - zeile_a].click()
    assert seite.konfliktliste.count() == 0 and "Konflikt gelöst" in seite.meldung.text()
    for st in (b, a):
        jetzt_abgleichen(st, OrdnerBackend(ablage))
    for st in (a, b):
        with st.lesen() as s:
            assert projekt_finden(s, "BMAS-2026-09").titel == "Fallmanagement (Fassung B)"
            assert projekt_finden(s, "BMAS-2026-10").titel == "Fallmanagement (Fassung A)"
    fa, seite_a = _seite(qtbot, a, tmp_path, "a")
    assert seite_a.konfliktliste.count() == 0
