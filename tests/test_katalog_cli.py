"""The commands a coordinator types: katalog import/status, leistungen scope, katalog anforderung."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.katalog_export import als_csv, export_zeilen
from sqlalchemy import func, select

from ozgdesk.cli import main
from ozgdesk.model import Aenderung, Leistung, LeistungVerantwortung, austausch
from ozgdesk.model.grunddaten import leistung_id
from ozgdesk.model.store import Store
from tests.datenbanken import datenbank_im_home

pytestmark = pytest.mark.beide_datenbanken


@pytest.fixture(scope="module")
def export_csv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return als_csv(export_zeilen(), tmp_path_factory.mktemp("katalog-cli") / "katalog.csv")


def _cli(home: Path, *argv: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(["--home", str(home), *argv])
    out = capsys.readouterr()
    return code, out.out, out.err


def _json(home: Path, *argv: str, capsys: pytest.CaptureFixture[str]) -> dict:
    code, out, err = _cli(home, *argv, "--json", capsys=capsys)
    assert code == 0, err
    return json.loads(out)


def _zustand(home: Path) -> tuple[str, int]:
    with Store.oeffnen(datenbank_im_home(home)) as store, store.lesen() as s:
        return austausch.als_text(austausch.exportieren(s)), s.execute(select(func.count(Aenderung.id))).scalar_one()


def test_import_trockenlauf_dann_uebernehmen_dann_unveraendert(demo_home, export_csv, capsys):
    vorher = _zustand(demo_home)
    probe = _json(demo_home, "katalog", "import", str(export_csv), "--dry-run", capsys=capsys)
    assert list(probe)[:6] == ["added", "removed", "renamed", "changed", "leika", "warnings"]
    assert probe["applied"] is False and probe["leika"]["added"] > 4_000
    assert _zustand(demo_home) == vorher

    echt = _json(demo_home, "katalog", "import", str(export_csv), capsys=capsys)
    assert echt["applied"] is True and echt["leika"] == probe["leika"]
    status = _json(demo_home, "katalog", "status", capsys=capsys)
    assert (status["themenfelder"], status["lagen"], status["ozg_leistungen"]) == (14, 55, 557)
    assert status["leika_leistungen"] == probe["leika"]["added"]
    assert status["letzter_import"]["datei"] == "katalog.csv" and len(status["letzter_import"]["sha256"]) == 64

    nach_import = _zustand(demo_home)
    code, out, _ = _cli(demo_home, "katalog", "import", str(export_csv), capsys=capsys)
    assert code == 0 and "Keine Änderungen gegenüber dem Katalog in der Datenbank; nichts gespeichert." in out
    assert _zustand(demo_home) == nach_import


def test_import_zeigt_die_aenderungen_lesbar(demo_home, export_csv, capsys):
    code, out, _ = _cli(demo_home, "katalog", "import", str(export_csv), "--dry-run", capsys=capsys)
    assert code == 0
    assert "Katalogexport „katalog.csv“ (CSV): 5." in out
    assert "10000 Typ: – → " in out
    assert "Zeile" in out and "keine OZG-ID" in out
    assert "Probelauf (--dry-run): nichts gespeichert." in out


def test_scope_nach_typ_und_themenfeld_mit_behoerde_und_projektleiter(demo_home, export_csv, capsys):
    _json(demo_home, "katalog", "import", str(export_csv), capsys=capsys)
    e = _json(demo_home, "leistungen", "scope", "--typ", "1", "--themenfeld", "Arbeit & Ruhestand", "--behoerde", "BA",
              "--projektleiter", "Sabine Oberländer", capsys=capsys)
    assert e["ausgewaehlt"] and e["gespeichert"] is True
    with Store.oeffnen(datenbank_im_home(demo_home)) as store, store.lesen() as s:
        for ozg_id in e["ausgewaehlt"]:
            l = s.get(Leistung, leistung_id(ozg_id))
            assert l.typ == "1" and l.im_ressort and l.behoerde_id is not None
            assert s.execute(select(LeistungVerantwortung).where(LeistungVerantwortung.leistung_id == l.id)).first()
    # the same again changes nothing
    zweimal = _json(demo_home, "leistungen", "scope", "--typ", "1", "--themenfeld", "Arbeit & Ruhestand",
                    "--behoerde", "BA", "--projektleiter", "Sabine Oberländer", capsys=capsys)
    assert zweimal["aufgenommen"] == zweimal["behoerde_gesetzt"] == zweimal["projektleiter_ergaenzt"] == []


def test_scope_ersetzen_und_entfernen(demo_home, capsys):
    e = _json(demo_home, "leistungen", "scope", "--ozg-id", "10073", "10074", "--ersetzen", capsys=capsys)
    assert e["aufgenommen"] == [] and len(e["entfernt"]) == 19  # demo had 21 in scope
    e = _json(demo_home, "leistungen", "scope", "--suche", "Arbeitslosengeld", "--entfernen", capsys=capsys)
    assert e["entfernt"] == ["10073"]
    liste = _json(demo_home, "leistungen", "list", capsys=capsys)
    assert [z["ozg_id"] for z in liste] == ["10074"]


def test_scope_mit_unbekannter_ozg_id_aendert_nichts(demo_home, capsys):
    vorher = _zustand(demo_home)
    code, _, err = _cli(demo_home, "leistungen", "scope", "--ozg-id", "10073", "19999", "--behoerde", "BA",
                        capsys=capsys)
    assert code == 1 and "Fehler: OZG-ID 19999 gibt es im Katalog nicht." in err
    code, _, err = _cli(demo_home, "leistungen", "scope", "--behoerde", "BA", capsys=capsys)
    assert code == 1 and "Bitte mindestens eine Auswahl angeben" in err
    assert _zustand(demo_home) == vorher


def test_aenderungsanforderung_entwerfen_versenden_als_text_und_pdf(demo_home, tmp_path, capsys):
    from pypdf import PdfReader

    a = _json(demo_home, "katalog", "anforderung", "neu", "--art", "fehlerhaft", "--ozg-id", "10075",
              "--betreff", "Insolvenzgeld: LeiKa-Zuordnung korrigieren",
              "--beschreibung", "Die Insolvenzgeldbescheinigung fehlt als eigene LeiKa-Leistung.",
              "--begruendung", "§ 314 SGB III verlangt die Bescheinigung durch die Insolvenzverwaltung.",
              "--aktenzeichen", "Z c 4 – 2107/2026", capsys=capsys)
    assert a["kennung"].startswith("KA-") and a["status"] == "entwurf" and a["ozg_id"] == "10075"
    assert a["kontakt"]["name"] == "Dr. Katharina Brenner"  # the Ressort's Ansprechpartner by default
    text = _json(demo_home, "katalog", "anforderung", "text", a["kennung"], capsys=capsys)
    assert text["betreff"].startswith(f"Änderungsanforderung OZG-Umsetzungskatalog {a['kennung']} (BMAS)")
    assert "OZG-Leistung:       10075 – Insolvenzgeld" in text["text"]
    assert "§ 314 SGB III" in text["text"] and "Telefon: 030 18527-4410" in text["text"]

    pdf = tmp_path / "anforderung.pdf"
    code, _, err = _cli(demo_home, "katalog", "anforderung", "pdf", a["kennung"], "--out", str(pdf),
                        "--kennzeichnung", "VS-NUR FÜR DEN DIENSTGEBRAUCH", capsys=capsys)
    assert code == 0, err
    leser = PdfReader(pdf)
    inhalt = "\n".join(seite.extract_text() for seite in leser.pages)
    assert "Änderungsanforderung zum OZG-Umsetzungskatalog" in inhalt
    assert "VS-NUR FÜR DEN DIENSTGEBRAUCH" in inhalt and f"Seite 1 von {len(leser.pages)}" in inhalt
    assert "Stand: " in inhalt and "Insolvenzverwaltung" in inhalt
    schriften = {str(f["/BaseFont"]) for f in leser.pages[0]["/Resources"]["/Font"].values()}
    assert any("DejaVuSans" in f for f in schriften)  # embedded sans-serif with German glyphs

    s = _json(demo_home, "katalog", "anforderung", "status", a["kennung"], "versendet", "--datum", "20.11.2026",
              capsys=capsys)
    assert s["status"] == "versendet" and s["versendet_am"] == "2026-11-20"
    offen = _json(demo_home, "katalog", "status", capsys=capsys)["offene_anforderungen"]
    assert offen == 1
    _json(demo_home, "katalog", "anforderung", "status", a["kennung"], "uebernommen", "--antwort", "Im Dezember-Katalog",
          capsys=capsys)
    assert _json(demo_home, "katalog", "anforderung", "list", "--status", "uebernommen", capsys=capsys)[0]["kennung"] \
        == a["kennung"]


def test_anforderung_fuer_fehlende_leistung_braucht_vorschlag_und_begruendung(demo_home, capsys):
    vorher = _zustand(demo_home)
    code, _, err = _cli(demo_home, "katalog", "anforderung", "neu", "--art", "fehlt", "--betreff", "Qualifizierungsgeld",
                        "--begruendung", "§ 82a SGB III", capsys=capsys)
    assert code == 1 and "Für eine fehlende Leistung bitte Bezeichnung und Einordnung vorschlagen" in err
    code, _, err = _cli(demo_home, "katalog", "anforderung", "neu", "--art", "veraltet", "--ozg-id", "10073",
                        "--betreff", "entfällt", "--begruendung", "  ", capsys=capsys)
    assert code == 1 and "Die Begründung fehlt" in err
    assert _zustand(demo_home) == vorher
    a = _json(demo_home, "katalog", "anforderung", "neu", "--art", "fehlt", "--betreff", "Qualifizierungsgeld aufnehmen",
              "--vorschlag", "Qualifizierungsgeld; Arbeit & Ruhestand", "--begruendung", "§ 82a SGB III",
              "--an", "katalog@bmi.example", capsys=capsys)
    assert a["ozg_id"] is None and a["empfaenger"] == "katalog@bmi.example"
    text = _json(demo_home, "katalog", "anforderung", "text", a["kennung"], capsys=capsys)["text"]
    assert text.startswith("An: katalog@bmi.example\nBetreff: ") and "neue Leistung" in text


def test_postfach_nur_gueltige_adresse_und_gilt_fuer_neue_anforderungen(demo_home, capsys):
    code, _, err = _cli(demo_home, "katalog", "anforderung", "postfach", "postfach bmi.example", capsys=capsys)
    assert code == 1 and "„postfach bmi.example“ ist keine gültige E-Mail-Adresse" in err
    code, _, err = _cli(demo_home, "katalog", "anforderung", "neu", "--art", "veraltet", "--ozg-id", "10073",
                        "--betreff", "entfällt", "--begruendung", "Gesetz aufgehoben", "--an", "kein-at.example",
                        capsys=capsys)
    assert code == 1 and "„kein-at.example“ ist keine gültige E-Mail-Adresse" in err
    assert _json(demo_home, "katalog", "anforderung", "postfach", " ozg@bmi.example ",
                 capsys=capsys) == {"postfach": "ozg@bmi.example"}
    a = _json(demo_home, "katalog", "anforderung", "neu", "--art", "veraltet", "--ozg-id", "10073", "--betreff",
              "entfällt", "--begruendung", "Gesetz aufgehoben", capsys=capsys)
    assert a["empfaenger"] == "ozg@bmi.example"


def test_import_in_nicht_eingerichtete_datenbank_wird_abgelehnt(tmp_path, export_csv, capsys):
    code, _, err = _cli(tmp_path / "neu", "katalog", "import", str(export_csv), capsys=capsys)
    assert code == 1 and "In dieser Datenbank ist noch kein Ressort eingerichtet" in err
    with Store.oeffnen(tmp_path / "neu" / "ozgdesk.sqlite") as store, store.lesen() as s:
        assert s.execute(select(func.count(Leistung.id))).scalar_one() == 0


def test_unvollstaendiger_export_wird_nur_erzwungen_uebernommen(demo_home, export_csv, tmp_path, capsys):
    """A file with one Themenfeld would remove most of the catalogue: refused unless --erzwingen."""
    _json(demo_home, "katalog", "import", str(export_csv), capsys=capsys)
    teil = [z for z in export_zeilen() if z["Themenfeld"] == "Arbeit & Ruhestand"]
    datei = als_csv(teil, tmp_path / "nur-arbeit.csv")
    vorher = _zustand(demo_home)
    code, out, _ = _cli(demo_home, "katalog", "import", str(datei), "--dry-run", capsys=capsys)
    assert code == 0 and "Achtung: Der Export würde" in out and "Übernehmen nur mit --erzwingen" in out
    code, _, err = _cli(demo_home, "katalog", "import", str(datei), capsys=capsys)
    assert code == 1 and "aus dem Katalog entfernen" in err and "Nichts wurde geändert" in err
    assert _zustand(demo_home) == vorher
    j = _json(demo_home, "katalog", "import", str(datei), "--erzwingen", capsys=capsys)
    assert j["applied"] and len(j["removed"]) > 400
