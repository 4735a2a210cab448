"""The Qt-free API the Abgleich view uses: status, reachability, progress; no Qt import anywhere."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from sqlalchemy import select

from ozgdesk.model.projekte import Projekt
from ozgdesk.sync.abgleich import ablage_erreichbar, einrichten, jetzt_abgleichen, status
from ozgdesk.sync.ausgang import ausgang_einreihen


def test_status_zeigt_ziel_letzten_abgleich_ausstehendes_und_konflikte(demo_store, tmp_path: Path) -> None:
    st = status(demo_store)
    assert not st.eingerichtet and st.letzter_abgleich is None and st.ausstehende_aenderungen == 1833
    assert ablage_erreichbar(demo_store) == (False, "Kein Abgleichziel eingerichtet.")
    ablage = tmp_path / "Ablage"
    ablage.mkdir()
    einrichten(demo_store, str(ablage))
    assert ablage_erreichbar(demo_store)[0] is True
    paket = tmp_path / "paket"
    paket.mkdir()
    (paket / "bericht.pdf").write_bytes(b"%PDF")
    ausgang_einreihen(demo_store, paket, "BMAS", "2026-H2")
    st = status(demo_store)
    assert st.eingerichtet and st.ziel == str(ablage) and st.ausstehende_einreichungen == 1
    schritte = []
    jetzt_abgleichen(demo_store, fortschritt=lambda schritt, erledigt, gesamt: schritte.append(schritt))
    assert schritte[0] == "Ablage prüfen" and "Senden" in schritte and schritte[-1] == "Fertig"
    st = status(demo_store)
    assert st.ausstehende_aenderungen == 0 and st.ausstehende_einreichungen == 0 and st.letzter_abgleich is not None
    with demo_store.session() as s:
        s.execute(select(Projekt).limit(1)).scalar_one().risiken = "neu"
    assert status(demo_store).ausstehende_aenderungen == 1
    ablage.rename(tmp_path / "weg")
    ok, meldung = ablage_erreichbar(demo_store)
    assert not ok and "nicht erreichbar" in meldung


def test_abgleich_laedt_kein_qt() -> None:
    code = ("import sys, ozgdesk.sync.abgleich, ozgdesk.sync.webdav, ozgdesk.sync.konflikte, ozgdesk.sync.ausgang, "
            "ozgdesk.sync.pruefung, ozgdesk.sync.zugang, ozgdesk.cli.abgleich; "
            "print(any(m.startswith('PySide6') for m in sys.modules))")
    aus = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert aus.stdout.strip() == "False"
