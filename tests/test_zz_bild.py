from pathlib import Path
from tests.test_sync_eindeutig import _projekt_anlegen, hin_und_her, _alte_bewilligung, pid, _plan_speichern
from tests.test_ui_abgleich import _seite
from ozgdesk.model.operationen import bearbeiten as operation
from ozgdesk.model.operationen import projekt as op_projekt

def test_bild(qtbot, synchrones_paar, tmp_path):
    a, b = synchrones_paar
    ablage = tmp_path / "ablage"
    _projekt_anlegen(a, "BMAS-2026-09", "Fallmanagement Rehabilitation (Fassung A)")
    _projekt_anlegen(b, "BMAS-2026-09", "Fallmanagement Rehabilitation (Fassung B)")
    p = pid(a)
    _alte_bewilligung(a, p, 2032, 50_000_00)
    operation.anwenden(b, op_projekt.bewilligung_speichern(p, {"jahr": 2032, "betrag_cent": 70_000_00, "aktenzeichen": "DV 1 - 2032/17"}))
    _plan_speichern(a, p, 111_00)
    _plan_speichern(b, p, 222_00)
    hin_und_her(a, b, ablage)
    f, seite = _seite(qtbot, b, tmp_path, "b")
    f.resize(1400, 900)
    f.show()
    for i in range(seite.konfliktliste.count()):
        seite.konfliktliste.setCurrentRow(i)
        qtbot.wait(50)
        f.grab().save(f"/tmp/smoke/seite{i}.png")
        seite.vergleich.parentWidget().grab().save(f"/tmp/smoke/pane{i}.png")
