"""Submission package: versions per period, frozen snapshot, manifest integrity, tamper checks."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError

from ozgdesk.cli import main
from ozgdesk.model import Projekt
from ozgdesk.model.demo import STICHTAG
from ozgdesk.model.errors import Eingabefehler
from ozgdesk.model.values import Quartal
from ozgdesk.reports.einreichung import einreichen, paket_pruefen
from ozgdesk.model.einreichung import Einreichung
from tests.test_berichte_hilfen import db_abbild, demo_fehler_beheben, pdf_text
from tests.datenbanken import datenbank_im_home

pytestmark = pytest.mark.beide_datenbanken

Q3 = Quartal(2026, 3)


@pytest.fixture
def bereit(demo_store):
    demo_fehler_beheben(demo_store)
    return demo_store


def test_einreichung_mit_pruefehlern_aendert_nichts(demo_store, demo_home, tmp_path):
    vorher = db_abbild(demo_home / "ozgdesk.sqlite")
    with pytest.raises(Eingabefehler, match="4 Fehler") as e:
        einreichen(demo_store, Q3, tmp_path / "out", stand=STICHTAG, benutzer="Test")
    assert "Projekt BMAS-2025-04" in str(e.value)
    assert db_abbild(demo_home / "ozgdesk.sqlite") == vorher
    assert not (tmp_path / "out").exists()  # nothing written, not even the folder


def test_paket_mit_versionen_und_aenderungen(bereit, tmp_path):
    v1 = einreichen(bereit, Q3, tmp_path, stand=STICHTAG, benutzer="Test")
    assert v1.version == 1 and v1.ordner.name == "BMAS_2026-Q3_v1"
    namen = sorted(p.name for p in v1.ordner.iterdir())
    assert namen == ["Projektberichte_BMAS_2026-Q3_v1.pdf", "Quartalsbericht_BMAS_2026-Q3_v1.json",
                     "Quartalsbericht_BMAS_2026-Q3_v1.pdf", "Quartalsbericht_BMAS_2026-Q3_v1.xlsx", "manifest.json"]
    manifest = json.loads((v1.ordner / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["algorithmus"] == "SHA-256" and set(manifest["dateien"]) == set(namen) - {"manifest.json"}
    daten = json.loads((v1.ordner / "Quartalsbericht_BMAS_2026-Q3_v1.json").read_text(encoding="utf-8"))
    assert daten["schema"] == "ozgdesk/einreichung-quartalsbericht" and daten["schema_version"] == 1
    assert daten["zeitraum"] == "2026-Q3" and daten["einreichung"]["version"] == 1
    assert len(daten["projekte"]) == 18 and daten["summen"]["ist_quartal_cent"] == 210037223
    assert paket_pruefen(v1.ordner, bereit) == []

    with bereit.session(benutzer="Test") as s:
        p = s.execute(select(Projekt).where(Projekt.kennung == "BMAS-2024-03")).scalar_one()
        p.ampel_umfang, p.ampel_umfang_grund = "gelb", "Zusätzliche Antragsvariante für Saisonbetriebe."
    v2 = einreichen(bereit, Q3, tmp_path, stand=STICHTAG, benutzer="Test")
    assert v2.version == 2 and v2.ordner.name == "BMAS_2026-Q3_v2"
    pfade = {a.pfad: (a.alt, a.neu) for a in v2.aenderungen}
    assert pfade["projekte[BMAS-2024-03].ampeln[umfang].ampel"] == ("gruen", "gelb")
    assert "projekte[BMAS-2024-03].ampeln[umfang].grund" in pfade
    text = " ".join(" ".join(pdf_text((v2.ordner / "Quartalsbericht_BMAS_2026-Q3_v2.pdf").read_bytes())).split())
    # the change list a person reads: project with title, German label, German values
    assert "Änderungen gegenüber Fassung 1" in text
    assert "BMAS-2024-03 Kurzarbeitergeld – Anzeige und Abrechnung digital Ampel Umfang grün gelb" in text
    assert "projekte[" not in text and "gruen" not in text
    daten2 = json.loads((v2.ordner / "Quartalsbericht_BMAS_2026-Q3_v2.json").read_text(encoding="utf-8"))
    assert daten2["einreichung"]["vorgaenger_version"] == 1 and daten2["einreichung"]["aenderungen"]
    # v1 stays frozen and intact next to v2
    assert paket_pruefen(v1.ordner, bereit) == [] and paket_pruefen(v2.ordner, bereit) == []
    with bereit.lesen() as s:
        assert s.execute(select(func.count(Einreichung.id))).scalar_one() == 2


def test_aenderungsliste_zeigt_ja_nein_statt_true_false(bereit, tmp_path):
    """A Leistung that went online between two versions reads „nein → ja“ in the PDF and the workbook."""
    from datetime import date

    from ozgdesk.model import Leistung, ProjektLeistung, ReifegradBewertung
    from ozgdesk.model.values import Reifegradmodell
    from tests.test_berichte_hilfen import mappe

    einreichen(bereit, Q3, tmp_path, stand=STICHTAG, benutzer="Test")
    with bereit.session(benutzer="Test") as s:
        ozg_id, lid = next((o, i) for o, i in s.execute(
            select(Leistung.ozg_id, Leistung.id).join(ProjektLeistung, ProjektLeistung.leistung_id == Leistung.id)
            .order_by(Leistung.ozg_id)).all() if not any(
                b.modell is Reifegradmodell.V1_1 and b.stufe >= 2
                for b in s.execute(select(ReifegradBewertung).where(ReifegradBewertung.leistung_id == i)).scalars()))
        s.add(ReifegradBewertung(leistung_id=lid, datum=date(2026, 11, 1), modell=Reifegradmodell.V1_1, stufe=3))
    v2 = einreichen(bereit, Q3, tmp_path, stand=STICHTAG, benutzer="Test")
    online = [a for a in v2.aenderungen if a.pfad.endswith(f"leistungen[{ozg_id}].online")]
    assert online and all((a.alt, a.neu) == (False, True) for a in online)  # the JSON keeps the values as they are
    text = " ".join(" ".join(pdf_text((v2.ordner / "Quartalsbericht_BMAS_2026-Q3_v2.pdf").read_bytes())).split())
    assert f"OZG-Leistung {ozg_id}" in text and " – online nein ja" in text
    assert "True" not in text and "False" not in text
    ws = mappe((v2.ordner / "Quartalsbericht_BMAS_2026-Q3_v2.xlsx").read_bytes())["Änderungen"]
    assert [c.value for c in ws[1]] == ["Projekt bzw. Bereich", "Angabe", "Fassung 1", "Fassung 2"]
    zeilen = [[c.value for c in r] for r in ws.iter_rows(min_row=2)]
    treffer = [z[2:] for z in zeilen if z[1].startswith(f"OZG-Leistung {ozg_id} ") and z[1].endswith(" – online")]
    assert treffer == [["nein", "ja"]] * len(online)


def test_manipulierte_datei_wird_erkannt(bereit, tmp_path):
    paket = einreichen(bereit, Q3, tmp_path, stand=STICHTAG, benutzer="Test")
    xlsx = paket.ordner / "Quartalsbericht_BMAS_2026-Q3_v1.xlsx"
    daten = bytearray(xlsx.read_bytes())
    daten[-10] ^= 0xFF
    xlsx.write_bytes(bytes(daten))
    probleme = paket_pruefen(paket.ordner)
    assert len(probleme) == 1 and xlsx.name in probleme[0] and "Prüfsumme" in probleme[0]
    # recomputing the manifest does not help: the store keeps the frozen hashes
    import hashlib

    manifest = json.loads((paket.ordner / "manifest.json").read_text(encoding="utf-8"))
    manifest["dateien"][xlsx.name] = hashlib.sha256(bytes(daten)).hexdigest()
    (paket.ordner / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    assert paket_pruefen(paket.ordner) == []
    probleme = paket_pruefen(paket.ordner, bereit)
    assert len(probleme) == 1 and "eingefrorenen" in probleme[0]
    (paket.ordner / "Quartalsbericht_BMAS_2026-Q3_v1.json").unlink()
    assert any("Datei fehlt" in p for p in paket_pruefen(paket.ordner))


@pytest.mark.parametrize(("manifest", "meldung"), [
    (None, "Manifest fehlt oder ist nicht lesbar."),
    (b"{kein json", "Manifest ist kein gültiges JSON in UTF-8."),
    (b'{"art": "quartalsbericht"}', "Manifest hat keine gültige Dateiliste (Name → SHA-256)."),
    (b'["dateien"]', "Manifest hat keine gültige Dateiliste (Name → SHA-256)."),
])
def test_kaputtes_manifest_wird_auf_deutsch_benannt(tmp_path, manifest, meldung):
    (tmp_path / "bericht.pdf").write_bytes(b"%PDF-1.4")
    if manifest is not None:
        (tmp_path / "manifest.json").write_bytes(manifest)
    assert paket_pruefen(tmp_path) == [f"{tmp_path / 'manifest.json'}: {meldung}"]


def test_eingefrorene_einreichung_ist_unveraenderlich(bereit, tmp_path):
    einreichen(bereit, Q3, tmp_path, stand=STICHTAG, benutzer="Test")
    with pytest.raises(Eingabefehler, match="eingefroren"):
        with bereit.session(benutzer="Test") as s:
            s.execute(select(Einreichung)).scalar_one().snapshot = "{}"
    with pytest.raises(Eingabefehler, match="eingefroren"):
        with bereit.session(benutzer="Test") as s:
            s.delete(s.execute(select(Einreichung)).scalar_one())
    # below the ORM, too: the database's own triggers refuse it (SQLite's and PostgreSQL's form)
    for sql in ("UPDATE einreichung SET snapshot = '{}'", "DELETE FROM einreichung"):
        with pytest.raises(DBAPIError, match="eingefroren"):
            with bereit.schreib_engine.begin() as con:
                con.execute(text(sql))


def test_cli_einreichen_und_paket_pruefen(demo_home, tmp_path, capsys):
    from ozgdesk.model.store import Store

    with Store.oeffnen(datenbank_im_home(demo_home)) as store:
        demo_fehler_beheben(store)
    rc = main(["--home", str(demo_home), "einreichen", "--quartal", "2026-Q3", "--out", str(tmp_path), "--stand",
               "15.11.2026", "--json"])
    daten = json.loads(capsys.readouterr().out)
    assert rc == 0 and daten["version"] == 1
    assert main(["--home", str(demo_home), "paket-pruefen", daten["ordner"]]) == 0
    pdf = tmp_path / "BMAS_2026-Q3_v1" / "Quartalsbericht_BMAS_2026-Q3_v1.pdf"
    pdf.write_bytes(pdf.read_bytes() + b"%")
    capsys.readouterr()
    assert main(["--home", str(demo_home), "paket-pruefen", daten["ordner"]]) == 1
    assert "Quartalsbericht_BMAS_2026-Q3_v1.pdf" in capsys.readouterr().err


def test_fehler_beim_erzeugen_hinterlaesst_nichts(bereit, tmp_path, monkeypatch):
    """A crash while rendering leaves neither a recorded submission nor (half) files behind."""
    from ozgdesk.reports import quartalsbericht

    def kaputt(*_a, **_k):  # noqa: ANN002, ANN003
        raise RuntimeError("Festplatte voll")

    monkeypatch.setattr(quartalsbericht, "xlsx", kaputt)
    monkeypatch.setattr(quartalsbericht, "arbeitsmappe", kaputt)
    ziel = tmp_path / "pakete"
    with pytest.raises(RuntimeError):
        einreichen(bereit, Q3, ziel, stand=STICHTAG, benutzer="Test")
    with bereit.lesen() as s:
        assert s.execute(select(func.count(Einreichung.id))).scalar_one() == 0
    assert list(ziel.iterdir()) == []  # not even the temporary folder


def test_abbruch_zwischen_speichern_und_umbenennen_wird_beim_naechsten_mal_abgeschlossen(bereit, tmp_path, monkeypatch):
    """Killed after the commit, before the package folder got its name: the next run finishes it."""
    import os

    from ozgdesk.reports import einreichung as modul

    echt = os.replace

    def abbruch(*_a, **_k):  # noqa: ANN002, ANN003
        raise KeyboardInterrupt  # stands for the process dying right here

    monkeypatch.setattr(modul.os, "replace", abbruch)
    ziel = tmp_path / "pakete"
    with pytest.raises(KeyboardInterrupt):
        einreichen(bereit, Q3, ziel, stand=STICHTAG, benutzer="Test")
    monkeypatch.setattr(modul.os, "replace", echt)
    assert not list(ziel.glob("BMAS_*")) and len(list(ziel.glob(".einreichung-*"))) == 1
    assert [p.name for p in modul.unterbrochene_abschliessen(bereit, ziel)] == ["BMAS_2026-Q3_v1"]
    assert modul.paket_pruefen(ziel / "BMAS_2026-Q3_v1", bereit) == []
    assert einreichen(bereit, Q3, ziel, stand=STICHTAG, benutzer="Test").version == 2
