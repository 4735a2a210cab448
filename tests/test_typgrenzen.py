"""Edges mypy pointed at (issue 12): a value that may be None or of the wrong kind gets a German
message or a clear refusal, never an AttributeError or a silently rounded number."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from ozgdesk import cli
from ozgdesk.model import demo
from ozgdesk.model.errors import Eingabefehler
from ozgdesk.model.values import Ampel, DeutschesEnum, dezimal_exponent, parse_dezimal
from ozgdesk.reports.xlsx import Arbeitsmappe, Dokumentangaben, Spalte


def test_demo_mit_fehlender_leistung_meldet_deutsch_und_schreibt_nichts(tmp_path, capsys, monkeypatch):
    home = str(tmp_path / "T")
    monkeypatch.setattr(demo, "LEISTUNGEN", [*demo.LEISTUNGEN, ("99999", "BA", 2, date(2026, 12, 31))])
    assert cli.main(["--home", home, "init", "--demo"]) == 1
    fehler = capsys.readouterr().err
    assert "OZG-Leistung 99999 fehlt im mitgelieferten Umsetzungskatalog" in fehler
    assert "Traceback" not in fehler and "NoneType" not in fehler
    # the whole demo is one transaction: nothing of it stays, so a second attempt starts clean
    monkeypatch.undo()
    assert cli.main(["--home", home, "init", "--demo"]) == 0


def test_cli_faengt_auch_baseexception_ohne_traceback(tmp_path, capsys, monkeypatch):
    class Sonderfall(BaseException):
        pass

    def kaputt(argv):  # noqa: ANN001, ANN202
        raise Sonderfall("english internals 4711")

    monkeypatch.setattr(cli, "_ausfuehren", kaputt)
    monkeypatch.setenv("OZGDESK_HOME", str(tmp_path))
    assert cli.main(["info"]) == 1
    fehler = capsys.readouterr().err
    assert fehler.startswith("Fehler: ") and "Traceback" not in fehler and "4711" not in fehler
    assert "Unerwarteter interner Fehler" in fehler


def test_codeliste_parse_liefert_das_glied_der_eigenen_liste():
    rot = Ampel.parse("Rot")
    assert rot is Ampel.ROT and isinstance(rot, Ampel) and rot.label == "rot"
    with pytest.raises(Eingabefehler, match="erlaubt: gruen, gelb, rot"):
        Ampel.parse("lila")
    assert all(isinstance(m.label, str) for liste in DeutschesEnum.__subclasses__() for m in liste)


def test_dezimal_exponent_nur_fuer_endliche_zahlen():
    assert dezimal_exponent(Decimal("12.50")) == -2
    assert dezimal_exponent(Decimal("1E+3")) == 3
    with pytest.raises(ValueError):
        dezimal_exponent(Decimal("NaN"))
    with pytest.raises(Eingabefehler, match="keine Zahl"):
        parse_dezimal(Decimal("Infinity"), feld="Personentage")


@pytest.mark.parametrize(("art", "wert"), [("euro", 1234.5), ("euro", Decimal("12.34")), ("pt", 2.5),
                                           ("zahl", "12")])
def test_xlsx_nimmt_keine_ungenauen_zahlen_an(art, wert):
    mappe = Arbeitsmappe(Dokumentangaben("Test", "Ressort", "R", "", date(2026, 9, 30)))
    with pytest.raises(TypeError, match="Spalte 'Wert'"):
        mappe.blatt("Blatt", [Spalte("Kennung"), Spalte("Wert", art)], [["A", wert]])


def test_xlsx_zeile_mit_falscher_spaltenzahl_faellt_auf():
    mappe = Arbeitsmappe(Dokumentangaben("Test", "Ressort", "R", "", date(2026, 9, 30)))
    with pytest.raises(ValueError):
        mappe.blatt("Blatt", [Spalte("Kennung"), Spalte("Betrag", "euro")], [["A", 100, "überzählig"]])
    with pytest.raises(ValueError):
        mappe.blatt("Blatt 2", [Spalte("Kennung"), Spalte("Betrag", "euro")], [["A"]])
    mappe.blatt("Gut", [Spalte("Kennung"), Spalte("Betrag", "euro", summe=True)], [["A", 12345]])
    assert mappe.wb["Gut"]["B2"].value == Decimal("123.45")
