"""The recipient of reports and submissions is a setting of the Ressort (default BMDS since the
Organisationserlass of May 2025), named in documents, CLI and GUI; the default protective marking
is spelt as the VSA writes it."""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QLineEdit

from ozgdesk.cli import main
from ozgdesk.model import empfaenger
from ozgdesk.model.demo import STICHTAG
from ozgdesk.model.store import Store
from ozgdesk.ui.app import anwendung
from ozgdesk.ui.hauptfenster import Hauptfenster
from ozgdesk.ui.runner import SofortRunner

pytestmark = pytest.mark.beide_datenbanken


@pytest.mark.parametrize("gesetzt, kurz, mit_artikel", [
    ("", "BMDS", "das BMDS"),
    ("   ", "BMDS", "das BMDS"),
    ("Bundesministerium des Innern (BMI)", "BMI", "das BMI"),
    ("Programmleitung Digitalisierungsprogramm Bund", "Programmleitung Digitalisierungsprogramm Bund",
     "die Programmleitung Digitalisierungsprogramm Bund"),
    ("Bundesverwaltungsamt (BVA)", "BVA", "das BVA"),
    ("Dataport AöR", "Dataport AöR", "Dataport AöR"),  # unknown head noun: no article rather than a wrong one
])
def test_kurzform_und_artikel(gesetzt: str, kurz: str, mit_artikel: str) -> None:
    assert empfaenger.kurz(gesetzt) == kurz
    assert empfaenger.mit_artikel(gesetzt) == mit_artikel
    assert empfaenger.name(gesetzt) == (gesetzt.strip() or empfaenger.STANDARD)


def _cli(home: Path, capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["--home", str(home), *argv])
    out = capsys.readouterr()
    return code, out.out, out.err


def _bericht(home: Path, capsys: pytest.CaptureFixture[str], ziel: Path) -> PdfReader:
    code, _out, err = _cli(home, capsys, "bericht", "quartal", "--quartal", "2026-Q3", "--out", str(ziel),
                           "--format", "pdf", "--entwurf", "--stand", "15.10.2026")
    assert code == 0, err
    (pdf,) = ziel.glob("*.pdf")
    return PdfReader(pdf)


def test_standard_bmds_dann_gesetzter_empfaenger_in_befehlszeile_und_bericht(demo_home, capsys, tmp_path):
    code, out, _ = _cli(demo_home, capsys, "ressort", "zeigen")
    assert code == 0 and "Empfänger:          Bundesministerium für Digitales und Staatsmodernisierung (BMDS) (Standard)" in out
    leser = _bericht(demo_home, capsys, tmp_path / "vorher")
    assert leser.metadata.subject.endswith("an das BMDS (Digitalisierungsprogramm Bund)")
    # the default marking in header and footer, spelt as the VSA writes it
    text = leser.pages[0].extract_text()
    assert text.count("VS-NUR FÜR DEN DIENSTGEBRAUCH") == 2 and "VS –" not in text

    code, out, err = _cli(demo_home, capsys, "ressort", "setzen", "empfaenger=Bundesministerium des Innern (BMI)")
    assert code == 0, err
    assert '"" → "Bundesministerium des Innern (BMI)"' in out
    assert "an das BMI (Digitalisierungsprogramm Bund)" in _bericht(demo_home, capsys, tmp_path / "nachher").metadata.subject
    # the field is an ordinary, logged and synced change of the Ressort record
    code, out, _ = _cli(demo_home, capsys, "aenderungen", "list", "--tabelle", "ressort")
    assert code == 0 and "empfaenger" in out


def test_ressort_setzen_lehnt_kurzname_leeren_namen_und_ueberlange_werte_ab(demo_home, capsys):
    vorher = _cli(demo_home, capsys, "ressort", "zeigen", "--json")[1]
    for zuweisung, meldung in (("kurzname=BMX", "Das Feld „kurzname“ gibt es nicht"),
                               ("name=", "Feld „name“ (Name): darf nicht leer sein"),
                               ("empfaenger=" + "x" * 201, "höchstens 200 Zeichen")):
        code, _out, err = _cli(demo_home, capsys, "ressort", "setzen", zuweisung)
        assert code == 1 and meldung in err and "Traceback" not in err
    assert _cli(demo_home, capsys, "ressort", "zeigen", "--json")[1] == vorher


def test_empfaenger_in_der_oberflaeche_setzen_und_auf_der_abgleichsseite_sehen(qtbot, demo_store: Store, tmp_path):
    anwendung()
    f = Hauptfenster(demo_store, SofortRunner(), stichtag=lambda: STICHTAG,
                     einstellungen=QSettings(str(tmp_path / "e.ini"), QSettings.Format.IniFormat))
    f.meldung = lambda *_a: None
    qtbot.addWidget(f)
    seite = f.zeigen("abgleich")
    assert seite.ausgang_box.title() == "Postausgang (Einreichungen an das BMDS)"
    assert seite.eingang_box.title() == "Posteingang der Ablage (Absender: BMDS)"
    gesehen = {}

    def ausfuellen(dialog) -> bool:  # noqa: ANN001
        gesehen["hilfe"] = dialog.formular.widget("empfaenger").toolTip()
        gesehen["platzhalter"] = dialog.formular.widget("empfaenger").placeholderText()
        gesehen["name"] = dialog.formular.widget("name").text()
        feld = dialog.formular.widget("empfaenger")
        assert isinstance(feld, QLineEdit)
        feld.setText("Bundesministerium des Innern (BMI)")
        dialog.accept()
        return dialog.result() == dialog.DialogCode.Accepted

    f.dialog_ausfuehren = ausfuellen
    f.ressort_bearbeiten()
    assert gesehen == {"hilfe": f"Wer die Berichte und Einreichungen erhält; leer: {empfaenger.STANDARD}",
                       "platzhalter": empfaenger.STANDARD,
                       "name": "Bundesministerium für Arbeit und Soziales"}
    seite.aktualisieren()
    assert seite.ausgang_box.title() == "Postausgang (Einreichungen an das BMI)"
    with demo_store.lesen() as s:
        assert empfaenger.des_ressorts(s) == "Bundesministerium des Innern (BMI)"
    assert f.bearbeitung.stack.undoText() == "Ressort ändern"
    f.bearbeitung.stack.undo()  # one undo step takes it back
    seite.aktualisieren()
    assert seite.ausgang_box.title() == "Postausgang (Einreichungen an das BMDS)"
