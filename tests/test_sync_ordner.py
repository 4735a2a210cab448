"""Folder backend: write-once publish and bounded retry of sharing violations (Windows/SMB)."""

from __future__ import annotations

from pathlib import Path

import pytest

from ozgdesk.sync import backend as backend_modul
from ozgdesk.sync.backend import Ablagefehler, OrdnerBackend, Schreibkonflikt


def test_einmal_schreiben_nie_ueberschreiben(tmp_path: Path) -> None:
    b = OrdnerBackend(tmp_path)
    assert b.veroeffentlichen("a/b/datei.json", b"eins") is True
    assert b.veroeffentlichen("a/b/datei.json", b"eins") is False  # resend: harmless
    with pytest.raises(Schreibkonflikt, match="nie überschrieben"):
        b.veroeffentlichen("a/b/datei.json", b"zwei")
    assert (tmp_path / "a" / "b" / "datei.json").read_bytes() == b"eins"
    assert [p.name for p in (tmp_path / "a" / "b").iterdir()] == ["datei.json"]  # no temp file left
    with pytest.raises(Ablagefehler, match="Ungültiger Pfad"):
        b.lesen("../ausserhalb")


def test_freigabeverletzung_wird_begrenzt_wiederholt(tmp_path: Path, monkeypatch) -> None:
    pausen: list[float] = []
    monkeypatch.setattr(backend_modul.time, "sleep", pausen.append)
    b = OrdnerBackend(tmp_path)
    versuche = {"n": 0}

    def gesperrt_dann_frei() -> str:
        versuche["n"] += 1
        if versuche["n"] < 3:
            raise PermissionError(13, "Die Datei wird von einem anderen Prozess verwendet")
        return "ok"

    assert b._wiederholt(gesperrt_dann_frei, "Test") == "ok" and len(pausen) == 2

    def immer_gesperrt() -> None:
        raise PermissionError(13, "Die Datei wird von einem anderen Prozess verwendet")

    pausen.clear()
    with pytest.raises(Ablagefehler, match="Zugriff verweigert"):
        b._wiederholt(immer_gesperrt, "Datei X lesen")
    assert len(pausen) == OrdnerBackend.VERSUCHE - 1 and pausen == sorted(pausen)
