"""The Abgleich page as a coordinator and a new colleague use it: a new device waits with its
fingerprint, the coordinator approves it, later revokes another; and the whole Ressort moves to a
new share through „Umziehen …“ – real widgets, only the modal questions replaced."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings

from ozgdesk.model.demo import STICHTAG
from ozgdesk.model.felder import projekt_finden, projekt_setzen
from ozgdesk.model.store import Store
from ozgdesk.ui.app import anwendung
from ozgdesk.ui.hauptfenster import Hauptfenster
from ozgdesk.ui.runner import SofortRunner
from tests.sync_server import daten


def _seite(qtbot, store: Store, tmp_path: Path, name: str):  # noqa: ANN001, ANN202
    anwendung()
    f = Hauptfenster(store, SofortRunner(), stichtag=lambda: STICHTAG,
                     einstellungen=QSettings(str(tmp_path / f"{name}.ini"), QSettings.Format.IniFormat))
    f.meldung = lambda *_a: None
    qtbot.addWidget(f)
    return f.zeigen("abgleich")


def _titel(store: Store, kennung: str = "BMAS-2024-03") -> str:
    with store.lesen() as s:
        return projekt_finden(s, kennung).titel


def _zeile(seite, geraet: str) -> int:  # noqa: ANN001
    modell = seite.geraetebereich.modell
    return next(i for i in range(modell.rowCount()) if modell.id_von(i) == geraet)


def test_neues_geraet_wartet_und_die_koordination_gibt_es_frei(qtbot, demo_store, neues_geraet, tmp_path):
    a = demo_store
    b = neues_geraet("b")
    ablage = tmp_path / "ablage"
    ablage.mkdir()
    seite_a, seite_b = _seite(qtbot, a, tmp_path, "a"), _seite(qtbot, b, tmp_path, "b")
    for seite in (seite_a, seite_b):
        seite.ziel.setText(str(ablage))
        seite.einrichten()
    assert seite_b.window().windowTitle() == "ozgdesk – kein Ressort"
    assert seite_b.window().windowTitle() == "ozgdesk – kein Ressort"
    seite_a.jetzt()  # founds the share: A is the coordinator
    seite_b.jetzt()  # joins: receives everything, announces its key
    assert daten(b) == daten(a)
    assert seite_b.window().windowTitle() == "ozgdesk – BMAS"  # the Ressort arrived with the first sync
    assert "Ressort: BMAS" in seite_b.window().status_ressort.text()
    assert seite_b.window().windowTitle() == "ozgdesk – BMAS"  # the Ressort arrived with the first sync
    assert "Ressort: BMAS" in seite_b.window().status_ressort.text()
    assert "wartet auf Freigabe" in seite_b.geraetebereich.eigen.text()
    # its own row names the person it announced itself with (the name the approval binds)
    modell_b = seite_b.geraetebereich.modell
    assert modell_b.index(_zeile(seite_b, b.geraet_id), 2).data() == b.personenname() != "–"
    finger_b = seite_b.geraetebereich.eigen.text().splitlines()[0].rsplit(": ", 1)[1]
    assert "noch nicht freigegeben" in seite_b.zustand.text()
    with b.session() as s:
        projekt_setzen(s, "BMAS-2024-03", [("titel", "Titel von B")])
    seite_b.jetzt()
    seite_a.jetzt()
    assert _titel(a) != "Titel von B"  # B's change waits for the approval
    assert "Geräte, die auf Freigabe warten: 1" in seite_a.zustand.text()

    # the coordinator sees B with the same fingerprint B shows, and approves it as Mitarbeit
    bereich = seite_a.geraetebereich
    zeile = _zeile(seite_a, b.geraet_id)
    assert bereich.modell.zeilen[zeile][1][1] == finger_b and bereich.modell.zeilen[zeile][1][4] == "wartet auf Freigabe"
    assert not bereich.freigeben_knopf.isEnabled()
    bereich.tabelle.selectRow(zeile)
    assert bereich.freigeben_knopf.isEnabled() and not bereich.widerrufen_knopf.isEnabled()
    gefragt = []
    bereich.rolle_waehlen = lambda g: gefragt.append(g.fingerabdruck) or "mitarbeit"
    bereich.freigeben_knopf.click()
    assert gefragt == [finger_b] and "ist freigegeben (Mitarbeit)" in bereich.meldung.text()
    seite_a.jetzt()  # applies B's waiting change at once, sends the approval
    assert _titel(a) == "Titel von B"
    seite_b.jetzt()
    assert "freigegeben als Mitarbeit" in seite_b.geraetebereich.eigen.text()
    assert daten(a) == daten(b)

    # revoked: B's later changes are never applied, and B cannot approve anyone itself
    bereich.tabelle.selectRow(_zeile(seite_a, b.geraet_id))
    bereich.widerruf_bestaetigen = lambda g: True
    bereich.widerrufen_knopf.click()
    assert "ist widerrufen" in bereich.meldung.text()
    seite_a.jetzt()
    with b.session() as s:
        projekt_setzen(s, "BMAS-2024-03", [("titel", "nach dem Widerruf")])
    seite_b.jetzt()
    seite_a.jetzt()
    assert _titel(a) == "Titel von B"
    assert bereich.modell.zeilen[_zeile(seite_a, b.geraet_id)][1][4] == "widerrufen"


def test_umziehen_ueber_die_oberflaeche(qtbot, synchrones_paar, tmp_path):
    a, b = synchrones_paar
    alt, neu = tmp_path / "ablage", tmp_path / "neue Ablage"
    neu.mkdir()
    seite_a, seite_b = _seite(qtbot, a, tmp_path, "a"), _seite(qtbot, b, tmp_path, "b")
    for seite in (seite_a, seite_b):
        seite.ziel.setText(str(alt))
        seite.einrichten()
    with a.session() as s:
        projekt_setzen(s, "BMAS-2024-03", [("titel", "vor dem Umzug, nur auf A")])
    for seite in (seite_a, seite_b):
        seite.umzug_erfragen = lambda: (str(neu), None, None)
        seite.umziehen_knopf.click()
        assert "Umgezogen:" in seite.pruefergebnis.text() and seite.ziel.text() == str(neu)
    seite_a.jetzt()
    seite_b.jetzt()
    assert _titel(b) == "vor dem Umzug, nur auf A" and daten(a) == daten(b)
    assert (neu / "ozgdesk-share.json").exists()
    assert "freigegeben" in seite_b.geraetebereich.eigen.text()  # the trust list moved along: no new approval
