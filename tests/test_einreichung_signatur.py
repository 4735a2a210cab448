"""Signed submission packages: the receiver sees who sent it and that nothing changed.

A test PKI (tests/pki.py) is built per module: the Ressort's certificate from a CA, a foreign CA,
one that carries the CA's very name (a forger's), an expired certificate. The commands run as a
user runs them (``ozgdesk-cli einreichen … --zertifikat … --password-stdin``, ``paket-pruefen --ca``).
"""

from __future__ import annotations

import asyncio
import base64
import io
import json
import os
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.serialization import pkcs12
from sqlalchemy import func, select

from ozgdesk.cli import main
from ozgdesk.model.einreichung import Einreichung
from ozgdesk.model.store import Store
from ozgdesk.reports import paketsignatur as ps
from ozgdesk.reports.einreichung import paket_pruefung
from tests.pki import PASSWORT, Stelle
from tests.test_berichte_hilfen import db_abbild, demo_fehler_beheben, pdf_text

BASIS = "BMAS_2026-Q3_v1"
DATEIEN = [f"Quartalsbericht_{BASIS}.pdf", f"Projektberichte_{BASIS}.pdf", f"Quartalsbericht_{BASIS}.xlsx",
           f"Quartalsbericht_{BASIS}.json", "manifest.json", "manifest.json.p7s"]


@pytest.fixture(scope="module")
def pki(tmp_path_factory):  # noqa: ANN201
    ordner = tmp_path_factory.mktemp("pki")
    ca, fremd, faelschung = Stelle.neu(), Stelle.neu("Andere CA", "Fremdbehörde"), Stelle.neu()  # the forger copies the name
    return {"ca": ca.pem(ordner / "ca.pem"), "fremde_ca": fremd.pem(ordner / "fremd.pem"),
            "gefaelschte_ca": faelschung.pem(ordner / "gefaelscht.pem"),
            "ressort": ca.pkcs12(ordner / "ressort.p12"),
            "fremd": fremd.pkcs12(ordner / "fremd.p12", cn="Mallory", o="Fremdbehörde"),
            "abgelaufen": ca.pkcs12(ordner / "abgelaufen.p12", von=timedelta(days=-400), bis=timedelta(days=-1)),
            "verschluesselung": ca.pkcs12(ordner / "nur-verschluesseln.p12", signieren=False)}


def _stdin(monkeypatch, text: str) -> None:  # noqa: ANN001
    monkeypatch.setattr("sys.stdin", io.StringIO(text + "\n"))


def _home(vorlage: Path, ziel: Path) -> Path:
    ziel.mkdir(parents=True)
    shutil.copyfile(vorlage, ziel / "ozgdesk.sqlite")
    with Store.oeffnen(ziel / "ozgdesk.sqlite") as store:
        demo_fehler_beheben(store)
        store.person_setzen("Karin Brenner")
    return ziel


@pytest.fixture(scope="module")
def signiert(tmp_path_factory, _demo_vorlage, pki):  # noqa: ANN001, ANN201
    """A home with a signed package of Q3/2026 (made once for the module; tests copy the package)."""
    home = _home(_demo_vorlage, tmp_path_factory.mktemp("signiert") / "home")
    mp = pytest.MonkeyPatch()
    _stdin(mp, PASSWORT)
    try:
        assert main(["--home", str(home), "einreichen", "--quartal", "2026-Q3", "--out", str(home.parent / "pakete"),
                     "--stand", "15.11.2026", "--aktenzeichen", "OZG 11-22/2026", "--zertifikat", str(pki["ressort"]),
                     "--password-stdin"]) == 0
    finally:
        mp.undo()
    return home, home.parent / "pakete" / BASIS


@pytest.fixture
def paket(signiert, tmp_path):  # noqa: ANN001, ANN201
    """A private copy of the signed package (tests may change it)."""
    return signiert[0], shutil.copytree(signiert[1], tmp_path / BASIS)


def _pruefen(home: Path, ordner: Path, capsys, *args: str) -> tuple[int, str, str]:  # noqa: ANN001
    capsys.readouterr()
    rc = main(["--home", str(home), "paket-pruefen", str(ordner), *args])
    aus = capsys.readouterr()
    return rc, aus.out, aus.err


def _fingerabdruck(p12: Path) -> str:
    _k, cert, _w = pkcs12.load_key_and_certificates(p12.read_bytes(), PASSWORT.encode())
    return cert.fingerprint(hashes.SHA256()).hex(":").upper()


def test_signiertes_paket_nennt_absender_zeitpunkt_und_zertifikat(paket, pki, capsys):
    home, ordner = paket
    assert sorted(p.name for p in ordner.iterdir()) == sorted(DATEIEN)
    rc, out, err = _pruefen(home, ordner, capsys, "--ca", str(pki["ca"]))
    assert rc == 0 and err == ""
    assert "Unterzeichnet von: Karin Brenner, Bundesministerium für Arbeit und Soziales" in out
    assert f"Zertifikat:        SHA-256 {_fingerabdruck(pki['ressort'])}" in out
    assert "ausgestellt von Test-CA Verwaltungs-PKI (Bund)" in out
    manifest = json.loads((ordner / "manifest.json").read_text(encoding="utf-8"))
    zeit = datetime.fromisoformat(manifest["erstellt_am"]).astimezone().strftime("%d.%m.%Y, %H:%M:%S Uhr")
    assert f"Zeitpunkt:         {zeit} (Angabe des Unterzeichners, kein Zeitstempel)" in out
    for pdf in DATEIEN[:2]:
        assert f"✓ {pdf}: Prüfsumme, Signatur, Gültigkeit, Schlüsselverwendung, Zertifikatskette in Ordnung" in out
    assert "✓ manifest.json.p7s: Signatur, Gültigkeit, Schlüsselverwendung, Zertifikatskette in Ordnung" in out
    assert "gültig signiert (Kette zur angegebenen Zertifizierungsstelle geprüft)" in out
    rc, out, _err = _pruefen(home, ordner, capsys, "--ca", str(pki["ca"]), "--json")
    ergebnis = json.loads(out)
    assert rc == 0 and ergebnis["gueltig"] and ergebnis["signiert"] and ergebnis["ca_geprueft"]
    assert ergebnis["unterzeichner"]["name"] == "Karin Brenner"
    assert {p["ergebnis"] for p in ergebnis["pruefungen"]} <= {"ok", "hinweis"}


def test_signaturen_sind_cades_und_pades_und_die_pdfs_bleiben_lesbar(paket, pki):
    """Checked with pyHanko and asn1crypto directly, as any other receiver's tool would."""
    from asn1crypto import cms
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    _home_, ordner = paket
    info = cms.ContentInfo.load((ordner / "manifest.json.p7s").read_bytes())
    signed = info["content"]
    assert signed["encap_content_info"]["content"].native is None  # detached
    attribute = {a["type"].native for a in signed["signer_infos"][0]["signed_attrs"]}
    assert {"content_type", "message_digest", "signing_time", "signing_certificate_v2"} <= attribute  # CAdES-BES
    ca = ps._asn1(ps.ca_laden(pki["ca"])[0])
    for name in DATEIEN[:2]:
        daten = (ordner / name).read_bytes()
        sig = PdfFileReader(io.BytesIO(daten)).embedded_signatures
        assert len(sig) == 1 and sig[0].sig_object["/SubFilter"] == "/ETSI.CAdES.detached"  # PAdES
        status = validate_pdf_signature(sig[0], ValidationContext(trust_roots=[ca], allow_fetching=False))
        assert status.bottom_line and status.coverage == SignatureCoverageLevel.ENTIRE_FILE
        assert "Fassung 1 vom" in pdf_text(daten)[0]  # an incremental update: the document is unchanged


@pytest.mark.parametrize("datei", DATEIEN)
def test_ein_veraendertes_byte_wird_mit_dateiname_abgelehnt(paket, pki, capsys, datei):
    home, ordner = paket
    inhalt = bytearray((ordner / datei).read_bytes())
    mitte = len(inhalt) // 2
    inhalt[mitte] = inhalt[mitte] ^ 0x01
    (ordner / datei).write_bytes(bytes(inhalt))
    rc, _out, err = _pruefen(home, ordner, capsys, "--ca", str(pki["ca"]))
    assert rc == 1
    assert "Traceback" not in err
    zeilen = [z for z in err.splitlines() if z.startswith("✗")]
    # a line names the file and says in German what is wrong with it
    gruende = ("verändert", "kein gültiges JSON", "keine lesbare CMS-Signatur", "Signatur ist ungültig", "passt nicht")
    assert any(datei in z and any(g in z for g in gruende) for z in zeilen), err
    if datei.endswith(".pdf") or datei.endswith(".xlsx") or datei.endswith("v1.json"):
        assert f"✗ {datei}: Prüfsumme: Prüfsumme stimmt nicht mit dem Manifest überein (Datei wurde verändert)." in zeilen


def test_fremdes_oder_gefaelschtes_zertifikat_wird_abgelehnt(paket, pki, capsys):
    home, ordner = paket
    for ca, wer in ((pki["fremde_ca"], "Andere CA (Fremdbehörde)"), (pki["gefaelschte_ca"], "Test-CA Verwaltungs-PKI (Bund)")):
        rc, _out, err = _pruefen(home, ordner, capsys, "--ca", str(ca))
        assert rc == 1
        assert (f"✗ manifest.json.p7s: Zertifikatskette: Das Zertifikat „Karin Brenner (Bundesministerium für Arbeit und "
                f"Soziales)“ (ausgestellt von Test-CA Verwaltungs-PKI (Bund)) stammt nicht von der angegebenen "
                f"Zertifizierungsstelle {wer}") in err
        for pdf in DATEIEN[:2]:
            assert f"✗ {pdf}: Zertifikatskette: Das Zertifikat „Karin Brenner" in err
    # the forger's CA is not the one carried in the signature file: that is said as well
    assert ("✗ manifest.json.p7s: Signaturdatei: Die Signaturdatei enthält ein Zertifikat „Test-CA Verwaltungs-PKI (Bund)“, "
            "das den Namen der angegebenen Zertifizierungsstelle trägt, aber nicht ihr Zertifikat ist.") in err


def test_neu_signiertes_manifest_eines_fremden_wird_abgelehnt(paket, pki, capsys):
    """An attacker changes the workbook, recomputes the manifest and signs it with his own
    certificate (another CA): the receiver's check with the Ressort's CA refuses it."""
    import hashlib

    home, ordner = paket
    xlsx = ordner / DATEIEN[2]
    xlsx.write_bytes(xlsx.read_bytes() + b"\0")
    manifest = json.loads((ordner / "manifest.json").read_text(encoding="utf-8"))
    manifest["dateien"][xlsx.name] = hashlib.sha256(xlsx.read_bytes()).hexdigest()
    mallory = ps.pkcs12_datei_laden(pki["fremd"], PASSWORT)
    manifest["signatur"]["zertifikat_sha256"] = mallory.angaben.sha256
    neu = json.dumps(manifest).encode()
    (ordner / "manifest.json").write_bytes(neu)
    (ordner / "manifest.json.p7s").write_bytes(mallory.manifest_signieren(neu, datetime.now(UTC)))
    rc, out, err = _pruefen(home, ordner, capsys, "--ca", str(pki["ca"]))
    assert rc == 1 and "Unterzeichnet von: Mallory, Fremdbehörde" in out
    assert "✗ manifest.json.p7s: Zertifikatskette: Das Zertifikat „Mallory (Fremdbehörde)“" in err
    assert f"✗ {DATEIEN[0]}: Zertifikat: Das PDF ist von einem anderen Zertifikat signiert" in err
    assert "✗ manifest.json: Datenbank: Das Manifest weicht von den in der Datenbank eingefrorenen Prüfsummen ab." in err


def test_entfernte_signatur_faellt_auf_und_ohne_signatur_verlangt_ca_eine(paket, pki, capsys):
    home, ordner = paket
    (ordner / "manifest.json.p7s").unlink()
    rc, _out, err = _pruefen(home, ordner, capsys)
    assert rc == 1 and "manifest.json.p7s: Signatur: Die Signaturdatei fehlt, obwohl das Manifest eine Signatur " \
                       "ankündigt." in err


def test_unsigniertes_paket_sagt_nicht_signiert_und_scheitert_mit_ca(demo_home, tmp_path, pki, capsys):
    with Store.oeffnen(demo_home / "ozgdesk.sqlite") as store:
        demo_fehler_beheben(store)
    assert main(["--home", str(demo_home), "einreichen", "--quartal", "2026-Q3", "--out", str(tmp_path),
                 "--stand", "15.11.2026"]) == 0
    assert "Nicht signiert (kein Zertifikat eingerichtet" in capsys.readouterr().out
    ordner = tmp_path / BASIS
    assert not (ordner / "manifest.json.p7s").exists()
    rc, out, err = _pruefen(demo_home, ordner, capsys)
    assert rc == 0 and "Signatur:          nicht signiert" in out and "– Signatur: nicht signiert" in out
    assert "vollständig und unverändert; nicht signiert." in out
    rc, _out, err = _pruefen(demo_home, ordner, capsys, "--ca", str(pki["ca"]))
    assert rc == 1 and "Das Paket ist nicht signiert; mit --ca wird eine gültige Signatur verlangt." in err


def test_abgelaufenes_zertifikat_signiert_nicht_und_wird_abgelehnt(demo_home, tmp_path, pki, capsys, monkeypatch):
    with Store.oeffnen(demo_home / "ozgdesk.sqlite") as store:
        demo_fehler_beheben(store)
    vorher = db_abbild(demo_home / "ozgdesk.sqlite")
    _stdin(monkeypatch, PASSWORT)
    assert main(["--home", str(demo_home), "einreichen", "--quartal", "2026-Q3", "--out", str(tmp_path / "p"),
                 "--stand", "15.11.2026", "--zertifikat", str(pki["abgelaufen"]), "--password-stdin"]) == 1
    err = capsys.readouterr().err
    assert "ist am" in err and "abgelaufen; mit ihm wird nicht mehr signiert" in err and "Traceback" not in err
    assert db_abbild(demo_home / "ozgdesk.sqlite") == vorher and not (tmp_path / "p").exists()
    # a tool with a wrong clock signs anyway: the receiver refuses the signature made after the expiry
    from ozgdesk.model.demo import STICHTAG
    from ozgdesk.model.values import Quartal
    from ozgdesk.reports.einreichung import einreichen

    with Store.oeffnen(demo_home / "ozgdesk.sqlite") as store:
        u = ps.pkcs12_laden(pki["abgelaufen"].read_bytes(), PASSWORT, jetzt=datetime.now(UTC) - timedelta(days=30))
        paket = einreichen(store, Quartal(2026, 3), tmp_path / "p", stand=STICHTAG, unterzeichner=u)
    rc, _out, err = _pruefen(demo_home, paket.ordner, capsys, "--ca", str(pki["ca"]))
    assert rc == 1
    assert "✗ manifest.json.p7s: Gültigkeit: Das Zertifikat war zum Signaturzeitpunkt nicht gültig" in err
    assert f"✗ {paket.ordner.name.replace('BMAS_', 'Quartalsbericht_BMAS_')}.pdf: Gültigkeit:" in err


def test_zertifikat_nur_zum_verschluesseln_wird_nicht_benutzt(pki):
    with pytest.raises(ps.Signaturfehler, match="nicht zum Signieren bestimmt"):
        ps.pkcs12_datei_laden(pki["verschluesselung"], PASSWORT)


@pytest.mark.parametrize(("inhalt", "meldung"), [
    (None, "falsch"), (b"kein Zertifikat", "keine PKCS#12-Datei"), (b"\x30\x82\xff\xff" + b"\0" * 40, "keine PKCS#12-Datei"),
])
def test_falsches_passwort_oder_keine_pkcs12_datei_deutsch_ohne_traceback(demo_home, tmp_path, pki, capsys, monkeypatch,
                                                                         inhalt, meldung):
    datei = pki["ressort"]
    if inhalt is not None:
        datei = tmp_path / "kaputt.p12"
        datei.write_bytes(inhalt)
    with Store.oeffnen(demo_home / "ozgdesk.sqlite") as store:
        demo_fehler_beheben(store)
    vorher = db_abbild(demo_home / "ozgdesk.sqlite")
    for befehl in (["einreichen", "--quartal", "2026-Q3", "--out", str(tmp_path / "p"), "--stand", "15.11.2026",
                    "--zertifikat", str(datei), "--password-stdin"],
                   ["signatur", "einrichten", "--zertifikat", str(datei), "--password-stdin"]):
        _stdin(monkeypatch, "falsch")
        assert main(["--home", str(demo_home), *befehl]) == 1
        err = capsys.readouterr().err
        assert err.startswith("Fehler: ") and meldung in err and str(datei) in err and "Traceback" not in err
        assert "falsch\n" not in err.replace("ist falsch", "")  # the password itself is never repeated
    assert db_abbild(demo_home / "ozgdesk.sqlite") == vorher and not (tmp_path / "p").exists()
    with Store.oeffnen(demo_home / "ozgdesk.sqlite") as store:
        assert ps.eingerichtet(store) is None


def _kodierungen(geheim: str) -> list[bytes]:
    roh = geheim.encode()
    return [roh, geheim.encode("utf-16-le"), base64.b64encode(roh), base64.b64encode(roh).rstrip(b"="), roh.hex().encode()]


def test_passwort_nur_im_schluesselbund_nie_in_datenbank_einstellungen_protokoll_oder_paket(demo_home, tmp_path, pki,
                                                                                           capsys, monkeypatch):
    """Set up once with --password-stdin, then submit with the password from the keychain."""
    import keyring

    with Store.oeffnen(demo_home / "ozgdesk.sqlite") as store:
        demo_fehler_beheben(store)
    _stdin(monkeypatch, PASSWORT)
    assert main(["--home", str(demo_home), "signatur", "einrichten", "--zertifikat", str(pki["ressort"]),
                 "--password-stdin"]) == 0
    out = capsys.readouterr().out
    assert "Einreichungen werden signiert von Karin Brenner (Bundesministerium für Arbeit und Soziales)" in out
    assert keyring.get_password(ps.DIENST, str(pki["ressort"].resolve())) == PASSWORT
    monkeypatch.setattr("sys.stdin", io.StringIO(""))  # nothing to read: the keychain must answer
    assert main(["--home", str(demo_home), "einreichen", "--quartal", "2026-Q3", "--out", str(tmp_path / "pakete"),
                 "--stand", "15.11.2026"]) == 0
    aus = capsys.readouterr()
    assert "Signiert von Karin Brenner (Bundesministerium für Arbeit und Soziales)" in aus.out
    with Store.oeffnen(demo_home / "ozgdesk.sqlite") as store:
        assert ps.eingerichtet(store) == str(pki["ressort"].resolve())
    gesucht = _kodierungen(PASSWORT)
    dateien = [p for ordner in (demo_home, tmp_path / "pakete") for p in ordner.rglob("*") if p.is_file()]
    assert any(p.name.endswith(".log") for p in dateien)  # the technical log is among the searched files
    assert any(p.name == "ozgdesk.sqlite-wal" or p.name == "ozgdesk.sqlite" for p in dateien)
    for datei in dateien:
        inhalt = datei.read_bytes()
        assert not any(g in inhalt for g in gesucht), datei
    assert not any(g.decode("latin-1") in aus.out + aus.err for g in gesucht)
    assert main(["--home", str(demo_home), "signatur", "entfernen"]) == 0
    assert keyring.get_password(ps.DIENST, str(pki["ressort"].resolve())) is None


def test_oberflaeche_signiert_mit_dem_eingerichteten_zertifikat(demo_store, tmp_path, pki):
    """The GUI's service (reports/dienst.py) signs when a certificate is set up, with the Aktenzeichen."""
    from ozgdesk.model.demo import STICHTAG
    from ozgdesk.reports.dienst import Berichtsdienst

    demo_fehler_beheben(demo_store)
    ps.einrichten(demo_store, pki["ressort"], PASSWORT)
    e = Berichtsdienst(lambda: STICHTAG).erzeugen(demo_store, "einreichung", "2026-Q3", [], tmp_path / "paket.zip",
                                                  lambda _i, _n: None, lambda: False, aktenzeichen="OZG 11-22/2026")
    assert e.signatur == "signiert von Karin Brenner (Bundesministerium für Arbeit und Soziales)"
    pruefung = paket_pruefung(e.pfad, demo_store, ps.ca_laden(pki["ca"]))
    assert pruefung.gueltig and pruefung.signiert, pruefung.probleme
    assert "Az.: OZG 11-22/2026" in pdf_text((e.pfad / f"Quartalsbericht_{BASIS}.pdf").read_bytes())[0]
    ps.entfernen(demo_store)
    e = Berichtsdienst(lambda: STICHTAG).erzeugen(demo_store, "einreichung", "2026-Q3", [], tmp_path / "paket2.zip",
                                                  lambda _i, _n: None, lambda: False)
    assert e.signatur == "nicht signiert (kein Zertifikat eingerichtet)" and not (e.pfad / "manifest.json.p7s").exists()


def test_oberflaeche_meldet_fehlendes_passwort_deutsch_und_reicht_nichts_ein(demo_store, tmp_path, pki):
    import keyring

    from ozgdesk.model.demo import STICHTAG
    from ozgdesk.reports.dienst import Berichtsdienst

    demo_fehler_beheben(demo_store)
    ps.einrichten(demo_store, pki["ressort"], PASSWORT)
    keyring.delete_password(ps.DIENST, str(pki["ressort"].resolve()))
    with pytest.raises(ps.Signaturfehler, match="kein Passwort im Schlüsselbund"):
        Berichtsdienst(lambda: STICHTAG).erzeugen(demo_store, "einreichung", "2026-Q3", [], tmp_path / "p.zip",
                                                  lambda _i, _n: None, lambda: False)
    with demo_store.lesen() as s:
        assert s.execute(select(func.count(Einreichung.id))).scalar_one() == 0


def test_signieren_und_pruefen_ohne_laufende_ereignisschleife_nutzt_asyncio_sauber(pki):
    """pyHanko's API is async; the module runs it with asyncio.run on a thread without a loop
    (the CLI and the GUI's worker thread) – a second call in the same thread works as the first."""
    u = ps.pkcs12_datei_laden(pki["ressort"], PASSWORT)
    for _ in range(2):
        p7s = u.manifest_signieren(b'{"a": 1}', datetime.now(UTC))
        befund = ps.pruefen_manifest(b'{"a": 1}', p7s, ps.ca_laden(pki["ca"]))
        assert not any(p.fehler for p in befund.punkte)
    with pytest.raises(RuntimeError):
        asyncio.get_running_loop()  # nothing left running


def test_feindliche_dateien_im_paket_werden_deutsch_abgelehnt_ohne_zu_haengen(paket, pki, capsys, tmp_path):
    """A receiver checks what arrived: a symlink to /dev/zero, an oversized signature file and a
    CA file that holds no certificate end in German sentences naming the file, never read whole."""
    home, ordner = paket
    xlsx = ordner / DATEIEN[2]
    xlsx.unlink()
    xlsx.symlink_to("/dev/zero")
    (ordner / "manifest.json.p7s").write_bytes(b"\x30" * (2 * 1024 * 1024))
    rc, _out, err = _pruefen(home, ordner, capsys, "--ca", str(pki["ca"]))
    assert rc == 1 and "Traceback" not in err
    assert f"✗ {xlsx.name}: Prüfsumme: „{xlsx}“ ist ein Gerät, keine gewöhnliche Datei" in err
    assert "✗ manifest.json.p7s: Signatur: Die Datei „" in err and "darf höchstens" in err
    kaputt = tmp_path / "ca.pem"
    kaputt.write_text("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n")
    capsys.readouterr()
    assert main(["--home", str(home), "paket-pruefen", str(ordner), "--ca", str(kaputt)]) == 1
    err = capsys.readouterr().err
    assert err == f"Fehler: --ca: „{kaputt}“ enthält kein lesbares Zertifikat (erwartet PEM oder DER).\n"


def test_unsicherer_schluesselbund_wird_abgelehnt_und_nichts_eingerichtet(demo_home, pki, capsys, monkeypatch):
    """A keychain backend that writes plain text is refused for the certificate's password too."""
    import keyring
    from keyring.backends.fail import Keyring as KeinSchluesselbund

    vorher = keyring.get_keyring()
    keyring.set_keyring(KeinSchluesselbund())
    try:
        _stdin(monkeypatch, PASSWORT)
        assert main(["--home", str(demo_home), "signatur", "einrichten", "--zertifikat", str(pki["ressort"]),
                     "--password-stdin"]) == 1
    finally:
        keyring.set_keyring(vorher)
    assert "Es ist kein sicherer Schlüsselbund verfügbar" in capsys.readouterr().err
    with Store.oeffnen(demo_home / "ozgdesk.sqlite") as store:
        assert ps.eingerichtet(store) is None


def test_passwort_kommt_nie_als_argument(capsys):
    """No option takes the password itself (it would stand in the process list and the shell history)."""
    for befehl in (["einreichen", "-h"], ["signatur", "einrichten", "-h"]):
        with pytest.raises(SystemExit):
            main(befehl)
        hilfe = capsys.readouterr().out
        assert "--password-stdin" in hilfe and not any(o in hilfe for o in ("--passwort ", "--password ", "--passwort=",
                                                                                  "--password="))


def test_signierte_pdfs_bleiben_pdf_a_2b(signiert):
    """PAdES signs by an incremental update that rewrites XMP and the modification date: the filed
    documents must still be PDF/A-2b (claim, Info = XMP, signature field printable)."""
    import io

    import pikepdf

    validator = pytest.importorskip("pikepdf.pdfa") if not os.environ.get("CI") else __import__(
        "pikepdf.pdfa", fromlist=["validate_written"])
    _home_, ordner = signiert
    pdfs = sorted(ordner.glob("*.pdf"))
    assert len(pdfs) == 2
    for pfad in pdfs:
        daten = pfad.read_bytes()
        with pikepdf.open(io.BytesIO(daten)) as pdf:
            assert "/Perms" in pdf.Root or "/AcroForm" in pdf.Root  # really signed
            meta = pdf.open_metadata()
            assert meta.pdfa_status == "2B", pfad.name
        bericht = validator.validate_written(io.BytesIO(daten), "2b")
        # the validator does not model forms (a signature needs its field): that one is „unsupported“,
        # every rule it does check holds – among them the version (PDF/A-2 allows at most 1.7)
        assert [f for f in bericht.findings if f.kind != "unsupported"] == [], pfad.name
        assert {f.rule for f in bericht.findings} <= {"pikepdf:schema-Catalog"}, pfad.name
        with pikepdf.open(io.BytesIO(daten)) as pdf:
            assert str(pdf.Root.get("/Version", "/1.7")) <= "/1.7" and pdf.pdf_version <= "1.7"
