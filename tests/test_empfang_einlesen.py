"""The receiver reads real packages: made by ``einreichen`` from demo stores of two Ressorts, published
into a share's outbox by the sync (BMAS, signed, two Fassungen) or left as ``einreichen`` wrote them
(BMF: Fassung 1 unsigned, Fassung 2 signed by a foreign CA). Then each way a package can be wrong –
one changed byte, a schema violation, a foreign or missing signature under ``--ca``, hostile files –
is listed with its German reason and not loaded, while the good ones are.

The run goes through the command line as the programme management runs it (``ozgdesk-cli empfang …``).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from ozgdesk.cli import main
from ozgdesk.empfang import einlesen as el
from ozgdesk.empfang.auswertung import uebersicht
from ozgdesk.empfang.datenbank import Empfangsdatenbank
from ozgdesk.empfang.tabellen import GEPRUEFT, Paket, ProjektMeldung
from ozgdesk.model import Mittelabfluss, Projekt
from ozgdesk.model.errors import Eingabefehler
from ozgdesk.model.store import Store
from ozgdesk.model.values import Quartal
from ozgdesk.reports import einreichung
from ozgdesk.reports import paketsignatur as ps
from ozgdesk.sync.ausgang import ausgang_veroeffentlichen, einreichung_vormerken
from ozgdesk.sync.backend import OrdnerBackend
from tests.pki import PASSWORT, Stelle
from tests.test_berichte_hilfen import demo_fehler_beheben

Q3 = Quartal(2026, 3)
STAND = date(2026, 11, 15)
#: the payment added between BMAS Fassung 1 and 2
MEHR_CENT = 123_456


def _home(vorlage: Path, ziel: Path, **ressort: str) -> Store:
    ziel.mkdir(parents=True)
    shutil.copyfile(vorlage, ziel / "ozgdesk.sqlite")
    store = Store.oeffnen(ziel / "ozgdesk.sqlite")
    demo_fehler_beheben(store)
    store.person_setzen("Karin Brenner")
    if ressort:  # another Ressort: its short name is no field a user changes, so set here directly
        from ozgdesk.model.organisation import Ressort

        with store.session(benutzer="Test") as s:
            r = s.execute(select(Ressort)).scalar_one()
            for feld, wert in ressort.items():
                setattr(r, feld, wert)
    return store


@pytest.fixture(scope="module")
def baum(tmp_path_factory, _demo_vorlage):  # noqa: ANN001, ANN201
    """``ablage/outbox/BMAS/2026-Q3/v1``, ``…/v2`` (signed, published by the sync) and ``lokal/BMF_2026-Q3_v1``
    (unsigned), ``lokal/BMF_2026-Q3_v2`` (signed by a foreign CA); plus the CA files."""
    wurzel = tmp_path_factory.mktemp("empfang")
    ca, fremd = Stelle.neu(), Stelle.neu("Andere CA", "Fremdbehörde")
    pki = {"ca": ca.pem(wurzel / "ca.pem"), "fremde_ca": fremd.pem(wurzel / "fremd.pem")}
    ressort_u = ps.pkcs12_datei_laden(ca.pkcs12(wurzel / "ressort.p12"), PASSWORT)
    fremd_u = ps.pkcs12_datei_laden(fremd.pkcs12(wurzel / "fremd.p12", cn="Mallory", o="Fremdbehörde"), PASSWORT)
    baum = wurzel / "baum"
    ablage = baum / "ablage"
    ablage.mkdir(parents=True)
    with _home(_demo_vorlage, wurzel / "bmas") as store:
        for fassung in (1, 2):
            if fassung == 2:
                with store.session(benutzer="Test") as s:
                    p5 = s.execute(select(Projekt).where(Projekt.kennung == "BMAS-2024-05")).scalar_one()
                    zahlung = s.execute(select(Mittelabfluss).where(
                        Mittelabfluss.projekt_id == p5.id, Mittelabfluss.datum >= Q3.beginn,
                        Mittelabfluss.datum <= Q3.ende).order_by(Mittelabfluss.datum)).scalars().first()
                    zahlung.betrag_cent += MEHR_CENT
            paket = einreichung.einreichen(store, Q3, wurzel / "pakete-bmas", stand=STAND, unterzeichner=ressort_u)
            einreichung_vormerken(store, paket.ordner, str(Q3))
        assert ausgang_veroeffentlichen(store, OrdnerBackend(ablage)) == ["outbox/BMAS/2026-Q3/v1",
                                                                        "outbox/BMAS/2026-Q3/v2"]
    with _home(_demo_vorlage, wurzel / "bmf", kurzname="BMF", name="Bundesministerium der Finanzen") as store:
        einreichung.einreichen(store, Q3, baum / "lokal", stand=STAND)
        einreichung.einreichen(store, Q3, baum / "lokal", stand=STAND, unterzeichner=fremd_u)
    return baum, pki


@pytest.fixture
def kopie(baum, tmp_path):  # noqa: ANN001, ANN201
    """A private copy of the tree (tests change packages) and the path of a fresh receiver database."""
    return shutil.copytree(baum[0], tmp_path / "baum"), f"sqlite:///{tmp_path / 'empfang.sqlite'}", baum[1]


BMAS1 = Path("ablage/outbox/BMAS/2026-Q3/v1")
BMAS2 = Path("ablage/outbox/BMAS/2026-Q3/v2")
BMF1 = Path("lokal/BMF_2026-Q3_v1")
BMF2 = Path("lokal/BMF_2026-Q3_v2")


def _cli(capsys, *args: str) -> tuple[int, str, str]:  # noqa: ANN001
    capsys.readouterr()
    rc = main(list(args))
    aus = capsys.readouterr()
    return rc, aus.out, aus.err


def _einlesen(capsys, ordner: Path, db: str, *mehr: str) -> tuple[int, dict]:  # noqa: ANN001
    rc, out, err = _cli(capsys, "empfang", "einlesen", str(ordner), "--db", db, "--json", *mehr)
    assert "Traceback" not in err
    return rc, json.loads(out)


def _ergebnis(daten: dict, baum: Path, relativ: Path) -> dict:
    return next(p for p in daten["pakete"] if p["pfad"] == str(baum / relativ))


def _bericht(ordner: Path) -> dict:
    return json.loads(next(ordner.glob("Quartalsbericht_*.json")).read_text(encoding="utf-8"))


def _manifest_erneuern(ordner: Path) -> None:
    """Recompute the manifest's hashes after a change – what a forger of an unsigned package does."""
    m = json.loads((ordner / "manifest.json").read_text(encoding="utf-8"))
    m["dateien"] = {n: hashlib.sha256((ordner / n).read_bytes()).hexdigest() for n in m["dateien"]}
    (ordner / "manifest.json").write_bytes(einreichung.kanonisch(m))


def _bericht_schreiben(ordner: Path, bericht: dict | bytes) -> None:
    datei = next(ordner.glob("Quartalsbericht_*.json"))
    datei.write_bytes(bericht if isinstance(bericht, bytes) else einreichung.kanonisch(bericht))
    _manifest_erneuern(ordner)


def _zeilen(db: str, tabelle) -> int:  # noqa: ANN001
    with Empfangsdatenbank.oeffnen(db) as e, e.lesen() as s:
        return s.execute(select(func.count()).select_from(tabelle)).scalar_one()


# ================================================================================== good packages
def test_alle_gueltigen_pakete_werden_eingelesen_und_jede_fassung_bleibt(kopie, capsys):
    baum, db, _pki = kopie
    rc, daten = _einlesen(capsys, baum, db)
    assert rc == 0, daten
    assert {(p["ressort"], p["fassung"], p["ergebnis"]) for p in daten["pakete"]} == {
        ("BMAS", 1, "geladen"), ("BMAS", 2, "geladen"), ("BMF", 1, "geladen"), ("BMF", 2, "geladen")}
    assert _ergebnis(daten, baum, BMAS2)["unterzeichner"] == "Karin Brenner (Bundesministerium für Arbeit und Soziales)"
    assert _ergebnis(daten, baum, BMF1)["unterzeichner"] is None
    projekte = sum(len(_bericht(baum / p)["projekte"]) for p in (BMAS1, BMAS2, BMF1, BMF2))
    assert _zeilen(db, Paket) == 4 and _zeilen(db, ProjektMeldung) == projekte  # every Fassung with its projects
    # the newer Fassung counts: its figures, not the first one's
    v1, v2 = _bericht(baum / BMAS1), _bericht(baum / BMAS2)
    assert v2["summen"]["ist_quartal_cent"] - v1["summen"]["ist_quartal_cent"] == MEHR_CENT
    with Empfangsdatenbank.oeffnen(db) as e:
        u = uebersicht(e, Q3, date(2026, 12, 7))
    bmas = next(z for z in u.ressorts if z.ressort == "BMAS")
    assert bmas.finanzen.ist_quartal == v2["summen"]["ist_quartal_cent"]
    assert next(x for x in u.eingang if x.ressort == "BMAS").paket.fassung == 2
    assert next(x for x in u.eingang if x.ressort == "BMAS").fassungen == 2


def test_erneutes_einlesen_laedt_nichts_doppelt(kopie, capsys):
    baum, db, _pki = kopie
    assert _einlesen(capsys, baum, db)[0] == 0
    vorher = (_zeilen(db, Paket), _zeilen(db, ProjektMeldung))
    rc, out, err = _cli(capsys, "empfang", "einlesen", str(baum), "--db", db)
    assert rc == 0 and err == ""
    assert out.count("= bereits eingelesen: ") == 4
    assert "4 Pakete: 0 eingelesen, 4 bereits vorhanden, 0 abgelehnt, 0 unvollständig übertragen." in out
    # the same package found twice in one tree (a local copy next to the share) is loaded once too
    shutil.copytree(baum / BMAS2, baum / "kopie" / "BMAS_2026-Q3_v2")
    rc, daten = _einlesen(capsys, baum, db)
    assert rc == 0 and daten["geladen"] == 0 and daten["bereits_eingelesen"] == 5
    assert (_zeilen(db, Paket), _zeilen(db, ProjektMeldung)) == vorher


def test_mit_ca_nur_pakete_mit_gueltiger_kette(kopie, capsys):
    baum, db, pki = kopie
    rc, out, err = _cli(capsys, "empfang", "einlesen", str(baum), "--db", db, "--ca", str(pki["ca"]))
    assert rc == 1 and "Traceback" not in err
    assert f"✓ eingelesen: BMAS 2026-Q3, Fassung 2 (signiert von Karin Brenner (Bundesministerium für Arbeit und " \
           f"Soziales)) – {baum / BMAS2}" in out
    assert f"✗ abgelehnt: {baum / BMF1}: manifest.json.p7s: Das Paket ist nicht signiert; mit --ca wird eine gültige " \
           "Signatur verlangt." in err
    fremd = next(z for z in err.splitlines() if z.startswith(f"✗ abgelehnt: {baum / BMF2}: "))
    assert "Das Zertifikat „Mallory (Fremdbehörde)“ (ausgestellt von Andere CA (Fremdbehörde)) stammt nicht von der " \
           "angegebenen Zertifizierungsstelle" in fremd
    with Empfangsdatenbank.oeffnen(db) as e, e.lesen() as s:
        assert set(s.execute(select(Paket.ressort, Paket.fassung, Paket.status, Paket.ca_geprueft))) == {
            ("BMAS", 1, "geprueft", True), ("BMAS", 2, "geprueft", True),
            ("BMF", 1, "abgelehnt", False), ("BMF", 2, "abgelehnt", False)}
        # nothing of a rejected package is loaded
        assert s.execute(select(func.count()).select_from(ProjektMeldung).join(Paket, Paket.id == ProjektMeldung.paket_id)
                         .where(Paket.ressort == "BMF")).scalar_one() == 0
    rc, out, _err = _cli(capsys, "empfang", "liste", "--db", db, "--ressort", "BMF")
    assert rc == 0 and out.count("abgelehnt") == 2 and "nicht signiert" in out
    # and a second run records the same rejections once
    _cli(capsys, "empfang", "einlesen", str(baum), "--db", db, "--ca", str(pki["ca"]))
    assert _zeilen(db, Paket) == 4


# ================================================================================== bad packages
def test_ein_veraendertes_byte_wird_mit_datei_und_grund_abgelehnt(kopie, capsys):
    baum, db, _pki = kopie
    datei = next((baum / BMAS1).glob("Quartalsbericht_*.xlsx"))
    daten = bytearray(datei.read_bytes())
    daten[len(daten) // 2] ^= 0x01
    datei.write_bytes(bytes(daten))
    rc, ergebnis = _einlesen(capsys, baum, db)
    assert rc == 1
    x = _ergebnis(ergebnis, baum, BMAS1)
    assert x["ergebnis"] == "abgelehnt"
    assert x["grund"] == f"{datei.name}: Prüfsumme stimmt nicht mit dem Manifest überein (Datei wurde verändert)."
    assert (x["ressort"], x["zeitraum"], x["fassung"]) == ("BMAS", "2026-Q3", 1)  # as the manifest claims
    assert {p["ergebnis"] for p in ergebnis["pakete"] if p is not x} == {"geladen"}  # the others are in


def test_schemaverletzung_auch_mit_passendem_manifest_wird_abgelehnt(kopie, capsys):
    baum, db, _pki = kopie
    bericht = _bericht(baum / BMF1)
    bericht["projekte"][0]["finanzen"]["ist_quartal_cent"] = "viel"
    _bericht_schreiben(baum / BMF1, bericht)
    rc, out, err = _cli(capsys, "empfang", "einlesen", str(baum / "lokal"), "--db", db)
    assert rc == 1
    assert f"✗ abgelehnt: {baum / BMF1}: Quartalsbericht_BMF_2026-Q3_v1.json: entspricht nicht seinem Schema: " \
           "projekte[0].finanzen: Wert" in err
    assert "1 abgelehnt" in out


def test_summen_die_nicht_zu_den_projekten_passen_werden_abgelehnt(kopie, capsys):
    baum, db, _pki = kopie
    bericht = _bericht(baum / BMF1)
    bericht["summen"]["ist_quartal_cent"] += 100
    _bericht_schreiben(baum / BMF1, bericht)
    _rc, daten = _einlesen(capsys, baum / "lokal", db)
    grund = _ergebnis(daten, baum, BMF1)["grund"]
    assert grund.startswith("Die Summen des Ressorts passen nicht zu den Projekten: ist_quartal_cent ist ")
    assert " €, die Projekte ergeben zusammen " in grund


def test_paket_im_postausgang_eines_anderen_ressorts_wird_abgelehnt(kopie, capsys):
    baum, db, _pki = kopie
    ziel = baum / "ablage" / "outbox" / "BMI" / "2026-Q3" / "v1"
    shutil.copytree(baum / BMF1, ziel)
    for name in ("ozgdesk-paket.json", "ozgdesk-uebertragung.json"):
        shutil.copyfile(baum / BMAS1 / name, ziel / name)
    _rc, daten = _einlesen(capsys, baum / "ablage", db)
    assert _ergebnis(daten, baum, ziel.relative_to(baum))["grund"] == \
        "Das Paket liegt im Postausgang BMI/2026-Q3, nennt aber BMF 2026-Q3."


def test_halb_uebertragenes_paket_wird_spaeter_gelesen_nicht_abgelehnt(kopie, capsys):
    baum, db, _pki = kopie
    (baum / BMAS2 / "ozgdesk-uebertragung.json").unlink()
    rc, out, _err = _cli(capsys, "empfang", "einlesen", str(baum / "ablage"), "--db", db)
    assert rc == 0
    assert f"… unvollständig: {baum / BMAS2}: Die Übertragung ist noch nicht abgeschlossen" in out
    assert _zeilen(db, Paket) == 1  # only v1; nothing recorded for the half one
    shutil.copyfile(baum / BMAS1 / "ozgdesk-uebertragung.json", baum / BMAS2 / "ozgdesk-uebertragung.json")
    assert _einlesen(capsys, baum / "ablage", db)[1]["geladen"] == 1


@pytest.mark.parametrize("was", ["verweis", "unterordner", "json_doppelt", "json_tief", "nullzeichen", "manifest_kaputt",
                                 "kein_json", "geraet"])
def test_feindliche_pakete_werden_deutsch_abgelehnt_und_der_lauf_geht_weiter(kopie, capsys, was):
    baum, db, _pki = kopie
    ordner = baum / BMF1
    json_datei = next(ordner.glob("Quartalsbericht_*.json"))
    erwartet = {
        "verweis": "„Quartalsbericht_BMF_2026-Q3_v1.xlsx“ ist ein symbolischer Verweis; ein Paket besteht nur aus "
                   "gewöhnlichen Dateien.",
        "unterordner": "„anlagen“ ist ein Ordner; ein Paket besteht nur aus gewöhnlichen Dateien.",
        "json_doppelt": "enthält den Schlüssel „art“ mehrfach in einem Objekt.",
        "json_tief": "Quartalsbericht_BMF_2026-Q3_v1.json: Die Datei ist kein gültiges JSON in UTF-8.",
        "nullzeichen": "Der Bericht enthält ein Nullzeichen (\\u0000).",
        "manifest_kaputt": "manifest.json: Manifest ist kein gültiges JSON in UTF-8.",
        "kein_json": "Das Paket enthält keinen maschinenlesbaren Bericht (JSON).",
        "geraet": "„Quartalsbericht_BMF_2026-Q3_v1.xlsx“ ist keine gewöhnliche Datei",
    }[was]
    if was == "verweis":
        xlsx = next(ordner.glob("*.xlsx"))
        xlsx.unlink()
        xlsx.symlink_to("/etc/passwd")
    elif was == "unterordner":
        (ordner / "anlagen").mkdir()
    elif was == "json_doppelt":
        _bericht_schreiben(ordner, json_datei.read_bytes().replace(b"{\n", b'{\n  "art": "quartalsbericht",\n', 1))
    elif was == "json_tief":
        tief = b"[" * 200_000 + b"]" * 200_000  # beyond the interpreter's recursion limit
        _bericht_schreiben(ordner, json_datei.read_bytes().replace(b'"risiken": "', b'"risiken": ' + tief + b', "x": "', 1))
    elif was == "nullzeichen":
        bericht = _bericht(ordner)
        bericht["projekte"][0]["titel"] += "\x00"
        _bericht_schreiben(ordner, bericht)
    elif was == "manifest_kaputt":
        (ordner / "manifest.json").write_bytes(b"{\"dateien\": ")
    elif was == "kein_json":
        m = json.loads((ordner / "manifest.json").read_text())
        json_datei.unlink()
        del m["dateien"][json_datei.name]
        (ordner / "manifest.json").write_bytes(einreichung.kanonisch(m))
    elif was == "geraet":
        xlsx = next(ordner.glob("*.xlsx"))
        xlsx.unlink()
        os.mkfifo(xlsx)
    rc, daten = _einlesen(capsys, baum, db)
    assert rc == 1
    x = _ergebnis(daten, baum, BMF1)
    assert x["ergebnis"] == "abgelehnt" and erwartet in x["grund"], x["grund"]
    assert [p["ergebnis"] for p in daten["pakete"] if p is not x] == ["geladen"] * 3
    if was == "manifest_kaputt":  # where it lies still says what it was meant to be
        assert (x["ressort"], x["zeitraum"]) == ("BMF", "2026-Q3")


def test_verweis_im_baum_wird_nicht_verfolgt_und_genannt(kopie, capsys, tmp_path):
    baum, db, _pki = kopie
    fremd = tmp_path / "anderswo"
    shutil.copytree(baum / "lokal", fremd)
    (baum / "verweis").symlink_to(fremd, target_is_directory=True)
    rc, out, _err = _cli(capsys, "empfang", "einlesen", str(baum), "--db", db)
    assert rc == 0
    assert f"Hinweis: {baum / 'verweis'}: symbolischer Verweis, ihm wird nicht gefolgt; übersprungen." in out
    assert "4 Pakete: 4 eingelesen" in out


# ==================================================================================== the database
def test_datenbankadresse_mit_passwort_oder_fremder_art_wird_abgelehnt(capsys, tmp_path):
    for adresse, teil in (("postgresql+psycopg://empfang:geheim@db.example/empfang", "enthält ein Passwort"),
                          ("postgresql://empfang@db.example/empfang?password=geheim", "enthält ein Passwort"),
                          ("mysql://empfang@db.example/empfang", "„mysql“ wird nicht unterstützt"),
                          ("kein url", "ist keine Datenbankadresse")):
        rc, out, err = _cli(capsys, "empfang", "liste", "--db", adresse)
        assert rc == 1 and out == "" and teil in err and "geheim" not in err, err
    with pytest.raises(Eingabefehler):
        Empfangsdatenbank.oeffnen("sqlite://")


def test_sqlite_datei_ist_privat_und_eine_neuere_wird_nicht_geoeffnet(tmp_path, capsys):
    pfad = tmp_path / "neu" / "empfang.sqlite"
    rc, _out, _err = _cli(capsys, "empfang", "liste", "--db", f"sqlite:///{pfad}")
    assert rc == 0 and pfad.stat().st_mode & 0o777 == 0o600
    con = sqlite3.connect(pfad)
    con.execute("UPDATE einstellung SET wert = '99' WHERE schluessel = 'schema_version'")
    con.commit()
    con.close()
    rc, _out, err = _cli(capsys, "empfang", "liste", "--db", f"sqlite:///{pfad}")
    assert rc == 1 and "stammt von einer neueren ozgdesk-Version (Schema 99" in err


def test_standard_ist_empfang_sqlite_im_datenordner(kopie, capsys, tmp_path):
    baum, _db, _pki = kopie
    home = tmp_path / "home"
    rc, out, _err = _cli(capsys, "--home", str(home), "empfang", "einlesen", str(baum / "lokal"))
    assert rc == 0 and f"Datenbank: sqlite:///{home / 'empfang.sqlite'}" in out
    assert not (home / "ozgdesk.sqlite").exists()  # never a Ressort's store


@pytest.fixture(scope="module")
def postgres(tmp_path_factory):  # noqa: ANN201
    """A throw-away PostgreSQL cluster on 127.0.0.1 with password authentication (SCRAM).

    Local to these tests until the shared fixture of the PostgreSQL work (branch i17-pg) is merged.
    As root (containers) the server runs as the ``postgres`` user, since initdb refuses root."""
    initdb, pg_ctl = shutil.which("initdb"), shutil.which("pg_ctl")
    if not initdb or not pg_ctl:
        pytest.skip("PostgreSQL (initdb, pg_ctl) ist nicht installiert")
    import socket
    import tempfile

    als: list[str] = []
    if os.geteuid() == 0:
        if not shutil.which("runuser"):
            pytest.skip("als root ohne runuser kann kein PostgreSQL-Cluster starten")
        als = ["runuser", "-u", "postgres", "--"]
    ordner = Path(tempfile.mkdtemp(prefix="ozgdesk-pg-"))
    ordner.chmod(0o755)
    (ordner / "pw").write_text("Geheim 2026!\n")
    if als:
        shutil.chown(ordner, "postgres")
        shutil.chown(ordner / "pw", "postgres")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    subprocess.run([*als, initdb, "-D", str(ordner / "daten"), "-U", "empfang", "--auth=scram-sha-256",
                    f"--pwfile={ordner / 'pw'}", "-E", "UTF8", "--no-locale"], check=True, capture_output=True)
    subprocess.run([*als, pg_ctl, "-D", str(ordner / "daten"), "-l", str(ordner / "log"), "-w", "-o",
                    f"-p {port} -k {ordner} -c listen_addresses=127.0.0.1", "start"], check=True, capture_output=True)
    try:
        import psycopg

        with psycopg.connect(host="127.0.0.1", port=port, user="empfang", password="Geheim 2026!", dbname="postgres",
                             autocommit=True) as con:
            con.execute("CREATE DATABASE empfang")
        yield port
    finally:
        subprocess.run([*als, pg_ctl, "-D", str(ordner / "daten"), "-m", "immediate", "stop"], capture_output=True)
        shutil.rmtree(ordner, ignore_errors=True)


def test_postgresql_mit_passwort_aus_dem_schluesselbund(kopie, capsys, postgres):
    import keyring

    baum, _db, _pki = kopie
    adresse = f"postgresql+psycopg://empfang@127.0.0.1:{postgres}/empfang"
    rc, _out, err = _cli(capsys, "empfang", "liste", "--db", adresse)  # no password stored yet
    assert rc == 1 and "ist nicht erreichbar oder nicht nutzbar" in err and "Traceback" not in err
    keyring.set_password("ozgdesk-datenbank", f"empfang@127.0.0.1:{postgres}/empfang", "Geheim 2026!")
    try:
        rc, daten = _einlesen(capsys, baum, adresse)
        assert rc == 0 and daten["geladen"] == 4
        assert _einlesen(capsys, baum, adresse)[1]["bereits_eingelesen"] == 4  # the unique index holds there too
        with Empfangsdatenbank.oeffnen(adresse) as e:
            u = uebersicht(e, Q3, date(2026, 12, 7))
            with e.lesen() as s:
                gross = s.execute(select(func.max(ProjektMeldung.ist_gesamt_cent))).scalar_one()
        assert [z.ressort for z in u.ressorts] == ["BMAS", "BMF"]
        assert u.summe.finanzen.ist_quartal == sum(_bericht(baum / p)["summen"]["ist_quartal_cent"] for p in (BMAS2, BMF2))
        assert isinstance(u.summe.finanzen.ist_quartal, int) and gross > 0
    finally:
        keyring.delete_password("ozgdesk-datenbank", f"empfang@127.0.0.1:{postgres}/empfang")


def test_geladen_nur_einmal_auch_bei_gleichzeitigem_einlesen(kopie, capsys):
    """Two receivers read the same package at the same time: the unique index lets one load it."""
    baum, db, _pki = kopie
    with Empfangsdatenbank.oeffnen(db) as e:
        pruefung = einreichung.paket_pruefung(baum / BMF1)
        bericht = _bericht(baum / BMF1)
        assert el._laden(e, baum / BMF1, pruefung, bericht, False) is True
        assert el._laden(e, baum / "anderswo", pruefung, bericht, False) is False
        with e.lesen() as s:
            assert s.execute(select(func.count()).select_from(Paket).where(Paket.status == GEPRUEFT)).scalar_one() == 1


def test_ordnername_ohne_gueltiges_utf8_bricht_nichts(kopie, capsys):
    """A share may hold names that are no valid UTF-8: stored, listed and printed with the byte escaped."""
    baum, db, _pki = kopie
    fremd = baum / os.fsdecode(b"kaputt\xff") / "BMF_2026-Q3_v1"
    shutil.copytree(baum / BMF1, fremd)
    xlsx = next(fremd.glob("*.xlsx"))
    xlsx.write_bytes(xlsx.read_bytes() + b"!")
    for ziel, json_ausgabe in ((db, ()), (db + "-json", ("--json",))):  # each into a fresh database
        rc, out, err = _cli(capsys, "empfang", "einlesen", str(baum), "--db", ziel, *json_ausgabe)
        assert rc == 1 and "Traceback" not in err
        ausgabe = " ".join(x["pfad"] for x in json.loads(out)["pakete"]) if json_ausgabe else err
        assert "kaputt\\udcff/BMF_2026-Q3_v1" in ausgabe
    rc, out, _err = _cli(capsys, "empfang", "liste", "--db", db)
    assert rc == 0 and "kaputt\\udcff" in out
    with Empfangsdatenbank.oeffnen(db) as e, e.lesen() as s:
        assert s.execute(select(Paket.pfad).where(Paket.status == "abgelehnt")).scalar_one().endswith(
            "kaputt\\udcff/BMF_2026-Q3_v1")
