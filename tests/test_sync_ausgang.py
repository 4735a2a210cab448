"""Exchange with the BMI: queued packages go out write-once on the next sync; inbox and feedback."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ozgdesk.model.errors import Eingabefehler
from ozgdesk.sync.abgleich import jetzt_abgleichen, status
from ozgdesk.sync.ausgang import ausgang, ausgang_einreihen, posteingang_abholen, rueckmeldungen_abholen
from ozgdesk.sync.backend import Ablagefehler, OrdnerBackend
from ozgdesk.sync.format import sha256


@pytest.fixture
def ablage(tmp_path: Path) -> Path:
    p = tmp_path / "ablage"
    p.mkdir()
    return p


def paket(tmp_path: Path, name: str, inhalt: str = "Bericht") -> Path:
    ordner = tmp_path / "pakete" / name
    (ordner / "anlagen").mkdir(parents=True)
    (ordner / "Bericht Grüße.pdf").write_bytes(f"%PDF {inhalt}".encode())
    (ordner / "anlagen" / "Anlage A.xlsx").write_bytes(b"PK xlsx " + inhalt.encode())
    return ordner


def test_eingereihtes_paket_geht_beim_naechsten_abgleich_einmalig_hinaus(demo_store, ablage, tmp_path) -> None:
    ausgang_einreihen(demo_store, paket(tmp_path, "eins"), "BMAS", "2026-H2")
    assert status(demo_store).ausstehende_einreichungen == 1  # offline: it waits
    ergebnis = jetzt_abgleichen(demo_store, OrdnerBackend(ablage))
    assert ergebnis.veroeffentlicht == ["outbox/BMAS/2026-H2/v1"]
    ziel = ablage / "outbox" / "BMAS" / "2026-H2" / "v1"
    manifest = json.loads((ziel / "ozgdesk-uebertragung.json").read_text())
    assert {d["datei"] for d in manifest["dateien"]} == {"Bericht Grüße.pdf", "anlagen/Anlage A.xlsx"}
    for d in manifest["dateien"]:
        assert sha256((ziel / d["datei"]).read_bytes()) == d["sha256"]
    assert status(demo_store).ausstehende_einreichungen == 0
    # A second submission for the same period is a new version, the first stays untouched.
    vorher = (ziel / "Bericht Grüße.pdf").read_bytes()
    ausgang_einreihen(demo_store, paket(tmp_path, "zwei", "korrigiert"), "BMAS", "2026-H2")
    ergebnis = jetzt_abgleichen(demo_store, OrdnerBackend(ablage))
    assert ergebnis.veroeffentlicht == ["outbox/BMAS/2026-H2/v2"]
    assert (ziel / "Bericht Grüße.pdf").read_bytes() == vorher
    assert [a.ziel for a in ausgang(demo_store)] == ["outbox/BMAS/2026-H2/v1", "outbox/BMAS/2026-H2/v2"]


class Wackelig(OrdnerBackend):
    def __init__(self, wurzel: Path, ab: int) -> None:
        super().__init__(wurzel)
        self.ab = ab

    def _hochladen_temp(self, ordner: str, temp: str, daten: bytes) -> None:
        if ordner.startswith("outbox"):
            self.ab -= 1
            if self.ab < 0:
                raise Ablagefehler("Verbindung unterbrochen (Test).")
        super()._hochladen_temp(ordner, temp, daten)


def test_unterbrochene_einreichung_wird_in_derselben_fassung_fortgesetzt(demo_store, ablage, tmp_path) -> None:
    ausgang_einreihen(demo_store, paket(tmp_path, "eins"), "BMAS", "2026-H2")
    with pytest.raises(Ablagefehler):
        jetzt_abgleichen(demo_store, Wackelig(ablage, 2))
    ziel = ablage / "outbox" / "BMAS" / "2026-H2" / "v1"
    assert not (ziel / "ozgdesk-uebertragung.json").exists()  # incomplete: no manifest, so nobody takes it
    ergebnis = jetzt_abgleichen(demo_store, OrdnerBackend(ablage))
    assert ergebnis.veroeffentlicht == ["outbox/BMAS/2026-H2/v1"]
    assert (ziel / "ozgdesk-uebertragung.json").exists()
    assert not (ablage / "outbox" / "BMAS" / "2026-H2" / "v2").exists()
    assert not [p for p in ablage.rglob(".ozgdesk-tmp-*")]


def test_fassung_eines_anderen_geraets_wird_nie_ueberschrieben(demo_store, ablage, tmp_path) -> None:
    fremd = ablage / "outbox" / "BMAS" / "2026-H2" / "v1"
    fremd.mkdir(parents=True)
    (fremd / "ozgdesk-paket.json").write_text('{"paket": "von einem anderen Gerät"}')
    ausgang_einreihen(demo_store, paket(tmp_path, "eins"), "BMAS", "2026-H2")
    ergebnis = jetzt_abgleichen(demo_store, OrdnerBackend(ablage))
    assert ergebnis.veroeffentlicht == ["outbox/BMAS/2026-H2/v2"]
    assert (fremd / "ozgdesk-paket.json").read_text() == '{"paket": "von einem anderen Gerät"}'


def test_nach_dem_einreihen_veraendertes_paket_wird_nicht_veroeffentlicht(demo_store, ablage, tmp_path) -> None:
    ordner = paket(tmp_path, "eins")
    ausgang_einreihen(demo_store, ordner, "BMAS", "2026-H2")
    (ordner / "Bericht Grüße.pdf").write_bytes(b"anders")
    with pytest.raises(Eingabefehler, match="nach dem Einreihen verändert"):
        jetzt_abgleichen(demo_store, OrdnerBackend(ablage))
    assert not (ablage / "outbox" / "BMAS" / "2026-H2" / "v1" / "Bericht Grüße.pdf").exists()


def test_einreihen_prueft_eingaben(demo_store, tmp_path) -> None:
    with pytest.raises(Eingabefehler, match="existiert nicht"):
        ausgang_einreihen(demo_store, tmp_path / "fehlt", "BMAS", "2026-H2")
    with pytest.raises(Eingabefehler, match="nicht geeignet"):
        ausgang_einreihen(demo_store, paket(tmp_path, "x"), "../BMAS", "2026-H2")
    assert ausgang(demo_store) == []


def test_posteingang_und_rueckmeldungen(demo_store, ablage, tmp_path) -> None:
    jetzt_abgleichen(demo_store, OrdnerBackend(ablage))
    eingang = ablage / "inbox" / "katalog"
    eingang.mkdir(parents=True)
    (eingang / "ozg-katalog-2027-01.csv").write_text("ozg_id;bezeichnung\n", encoding="utf-8")
    assert jetzt_abgleichen(demo_store, OrdnerBackend(ablage)).posteingang_neu == 1
    geholt = posteingang_abholen(demo_store, OrdnerBackend(ablage), tmp_path / "eingang")
    assert [p.name for p in geholt] == ["ozg-katalog-2027-01.csv"] and geholt[0].read_text() == "ozg_id;bezeichnung\n"
    assert posteingang_abholen(demo_store, OrdnerBackend(ablage), tmp_path / "eingang") == []
    assert jetzt_abgleichen(demo_store, OrdnerBackend(ablage)).posteingang_neu == 0
    rueck = ablage / "feedback" / "BMAS" / "2026-H2" / "v1"
    rueck.mkdir(parents=True)
    (rueck / "Rückmeldung BMI.pdf").write_bytes(b"%PDF Rueckmeldung")
    je = rueckmeldungen_abholen(demo_store, OrdnerBackend(ablage), "BMAS", tmp_path / "rueckmeldungen")
    assert list(je) == ["2026-H2/v1"] and je["2026-H2/v1"][0].read_bytes() == b"%PDF Rueckmeldung"
