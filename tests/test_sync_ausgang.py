"""Exchange with the BMI: queued packages go out write-once on the next sync; inbox and feedback."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ozgdesk.model.errors import Eingabefehler
from ozgdesk.model.store import Store
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
    ergebnis = jetzt_abgleichen(demo_store, Wackelig(ablage, 2))  # the package fails, the sync does not
    assert ergebnis.veroeffentlicht == [] and ergebnis.gesendet > 0
    assert [m for m in ergebnis.ausgang_fehler.values()] == ["Verbindung unterbrochen (Test)."]
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
    ergebnis = jetzt_abgleichen(demo_store, OrdnerBackend(ablage))
    assert ergebnis.veroeffentlicht == [] and any("nach dem Einreihen verändert" in w for w in ergebnis.warnungen)
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


class Verweigert(OrdnerBackend):
    """A share that refuses one file name (as real servers refuse some names or types)."""

    def __init__(self, wurzel: Path, name: str, fehler: type[Ablagefehler] = Ablagefehler) -> None:
        super().__init__(wurzel)
        self.name, self.fehler = name, fehler

    def _hochladen_temp(self, ordner: str, temp: str, daten: bytes) -> None:
        if daten.startswith(self.name.encode()):
            raise self.fehler(f"Der Server verweigert die Datei (HTTP 403, Test: {self.name}).")
        super()._hochladen_temp(ordner, temp, daten)


def test_ein_vergiftetes_paket_haelt_weder_die_anderen_noch_den_abgleich_auf(demo_store, ablage, tmp_path,
                                                                           neues_geraet, caplog) -> None:
    import logging
    import shutil

    caplog.set_level(logging.INFO)
    weg = ausgang_einreihen(demo_store, paket(tmp_path, "weg"), "BMAS", "2026-Q1")
    shutil.rmtree(tmp_path / "pakete" / "weg")  # deleted after queueing
    gut = ausgang_einreihen(demo_store, paket(tmp_path, "gut"), "BMAS", "2026-Q2")
    verweigert = ausgang_einreihen(demo_store, paket(tmp_path, "verweigert", "VERWEIGERT"), "BMAS", "2026-Q3")
    b = neues_geraet("b")
    ergebnis = jetzt_abgleichen(demo_store, Verweigert(ablage, "%PDF VERWEIGERT"))
    assert ergebnis.veroeffentlicht == ["outbox/BMAS/2026-Q2/v1"]
    assert ergebnis.gesendet > 1000  # the changes went out all the same
    assert set(ergebnis.ausgang_fehler) == {weg, verweigert}
    assert "Paketordner" in ergebnis.ausgang_fehler[weg] and "fehlt" in ergebnis.ausgang_fehler[weg]
    assert "verweigert die Datei" in ergebnis.ausgang_fehler[verweigert]
    hinweise = [w for w in ergebnis.warnungen if "nicht veröffentlicht" in w]
    assert len(hinweise) == 2 and all("ausgang entfernen" in w for w in hinweise)
    assert f"ausgang entfernen {weg[:8]}" in hinweise[0]
    assert "ereignis=einreichung_fehlgeschlagen ergebnis=fehler ressort=BMAS periode=2026-Q1 " \
           f"paket={weg[:8]} grund=paket fehler=Eingabefehler" in caplog.text
    assert f"paket={verweigert[:8]} grund=ablage" in caplog.text
    assert "ereignis=abgleich ergebnis=ok" in caplog.text
    assert jetzt_abgleichen(b, OrdnerBackend(ablage)).empfangen > 1000  # the other device gets everything
    offen = {e.id: e for e in ausgang(demo_store) if e.veroeffentlicht_am is None}
    assert set(offen) == {weg, verweigert} and offen[verweigert].version == 1  # its claim stays for the retry
    assert gut not in offen


def test_abmeldung_oder_volle_ablage_beenden_den_abgleich_weiter(demo_store, ablage, tmp_path) -> None:
    from ozgdesk.sync.backend import Anmeldefehler, Platzfehler

    ausgang_einreihen(demo_store, paket(tmp_path, "eins", "X"), "BMAS", "2026-Q3")
    for fehler in (Anmeldefehler, Platzfehler):
        with pytest.raises(fehler):
            jetzt_abgleichen(demo_store, Verweigert(ablage, "%PDF X", fehler))


def test_ausgang_entfernen_nur_was_nicht_veroeffentlicht_ist(demo_store, ablage, tmp_path) -> None:
    from ozgdesk.sync.ausgang import ausgang_entfernen

    draussen = ausgang_einreihen(demo_store, paket(tmp_path, "eins"), "BMAS", "2026-Q2")
    jetzt_abgleichen(demo_store, OrdnerBackend(ablage))
    haengt = ausgang_einreihen(demo_store, paket(tmp_path, "zwei"), "BMAS", "2026-Q3")
    with pytest.raises(Eingabefehler, match="bereits veröffentlicht .*outbox/BMAS/2026-Q2/v1.* nicht entfernt"):
        ausgang_entfernen(demo_store, draussen[:8])
    with pytest.raises(Eingabefehler, match="keinen Eintrag mit der Kennung „abc“"):
        ausgang_entfernen(demo_store, "abc")
    e = ausgang_entfernen(demo_store, haengt[:8].upper())
    assert e.id == haengt and e.periode == "2026-Q3"
    assert [a.id for a in ausgang(demo_store)] == [draussen]
    assert (tmp_path / "pakete" / "zwei" / "Bericht Grüße.pdf").exists()  # the package folder stays
    from sqlalchemy import func, select

    from ozgdesk.model.protokoll import Aenderung

    with demo_store.lesen() as s:  # the outbox is this device's queue: nothing in the change log
        assert not s.execute(select(func.count()).select_from(Aenderung).where(Aenderung.tabelle == "sync_ausgang")).scalar()


def test_cli_ausgang_list_und_entfernen(demo_home, tmp_path, capsys) -> None:
    import shutil

    from ozgdesk.cli import main

    ablage = tmp_path / "ablage"
    ablage.mkdir()
    assert main(["--home", str(demo_home), "abgleich", "einrichten", "--ziel", str(ablage)]) == 0
    with Store.oeffnen(demo_home / "ozgdesk.sqlite") as store:
        draussen = ausgang_einreihen(store, paket(tmp_path, "eins"), "BMAS", "2026-Q2")
    assert main(["--home", str(demo_home), "abgleich", "jetzt"]) == 0
    with Store.oeffnen(demo_home / "ozgdesk.sqlite") as store:
        weg = ausgang_einreihen(store, paket(tmp_path, "weg"), "BMAS", "2026-Q3")
    shutil.rmtree(tmp_path / "pakete" / "weg")
    capsys.readouterr()
    assert main(["--home", str(demo_home), "abgleich", "jetzt"]) == 0  # the sync itself succeeds
    out = capsys.readouterr().out
    assert f"Hinweis: Die Einreichung 2026-Q3 ({weg[:8]}) wurde nicht veröffentlicht: Der Paketordner" in out

    assert main(["--home", str(demo_home), "abgleich", "ausgang", "list"]) == 0
    out = capsys.readouterr().out
    zeilen = {z.split()[0]: z for z in out.splitlines() if z[:8] in (draussen[:8], weg[:8])}
    assert "2026-Q2" in zeilen[draussen[:8]] and "veröffentlicht am" in zeilen[draussen[:8]] \
        and "outbox/BMAS/2026-Q2/v1" in zeilen[draussen[:8]]
    assert "2026-Q3" in zeilen[weg[:8]] and str(tmp_path / "pakete" / "weg") in zeilen[weg[:8]]
    assert "Fehler: Der Paketordner" in zeilen[weg[:8]] and "fehlt" in zeilen[weg[:8]]
    assert main(["--home", str(demo_home), "abgleich", "ausgang", "list", "--json"]) == 0
    daten = {e["id"]: e for e in json.loads(capsys.readouterr().out)}
    assert daten[weg]["veroeffentlicht_am"] is None and "fehlt" in daten[weg]["problem"]
    assert daten[draussen]["ziel"] == "outbox/BMAS/2026-Q2/v1" and daten[draussen]["problem"] is None

    assert main(["--home", str(demo_home), "abgleich", "ausgang", "entfernen", draussen[:8]]) == 1
    err = capsys.readouterr().err
    assert "bereits veröffentlicht" in err and "nicht entfernt" in err
    assert main(["--home", str(demo_home), "abgleich", "ausgang", "entfernen", weg[:8]]) == 0
    assert "aus dem Postausgang entfernt" in capsys.readouterr().out
    assert main(["--home", str(demo_home), "abgleich", "jetzt"]) == 0
    assert "nicht veröffentlicht" not in capsys.readouterr().out  # gone for good
    assert main(["--home", str(demo_home), "abgleich", "status"]) == 0
    assert "Ausstehende Einreichungen: 0" in capsys.readouterr().out
