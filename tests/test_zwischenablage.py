"""Cells to and from the clipboard in Excel's form, and pasted amounts read the German way (Qt-free)."""

from __future__ import annotations

import pytest

from ozgdesk.model.errors import Eingabefehler
from ozgdesk.model.zwischenablage import Zielraster, als_html, als_tsv, betrag_aus_zelle, betragsblock, tsv_lesen


def test_tsv_wie_excel_mit_zeilenende_und_anfuehrungszeichen_nur_wo_noetig():
    text = als_tsv([["01.02.2026", "1.234,56 €", "Teil\trechnung"], ["", 'Sagt "ja"', "zwei\nZeilen"]])
    assert text == '01.02.2026\t1.234,56 €\t"Teil\trechnung"\n\t"Sagt ""ja"""\t"zwei\nZeilen"\n'
    assert tsv_lesen(text) == [["01.02.2026", "1.234,56 €", "Teil\trechnung"], ["", 'Sagt "ja"', "zwei\nZeilen"]]


def test_html_tabelle_maskiert_und_richtet_betraege_rechts_aus():
    html = als_html([["<b>", "1.234,56 €"]], kopf=["Text", "Betrag"], rechts=[False, True])
    assert "<th>Text</th>" in html and "&lt;b&gt;" in html
    assert '<td style="text-align:right">1.234,56 €</td>' in html


@pytest.mark.parametrize("text", ["1\t2\r\n3\t4\r\n", "1\t2\n3\t4\n", "1\t2\r\n3\t4", "1\t2\r\n3\t4\r\n\r\n"])
def test_excel_und_libreoffice_zeilenenden_und_leere_letzte_zeile(text):
    assert tsv_lesen(text) == [["1", "2"], ["3", "4"]]


def test_leere_zellen_und_leere_zeilen_im_block_bleiben():
    assert tsv_lesen("1\t\r\n\t\r\n") == [["1", ""], ["", ""]]


def test_ungleich_lange_zeilen_und_leere_zwischenablage_werden_abgelehnt():
    with pytest.raises(Eingabefehler, match="Zeile 2 des eingefügten Blocks hat 1 statt 2 Zellen"):
        tsv_lesen("1\t2\n3\n")
    with pytest.raises(Eingabefehler, match="keine Zellen"):
        tsv_lesen("\r\n")


@pytest.mark.parametrize(("text", "cent"), [
    ("1.234,56", 123456), ("1234,5", 123450), ("1.234 €", 123400), ("-", 0), ("", 0), ("  ", 0),
    (" 3.000,00 € ", 300000), ("- €", 0), ("-   € ", 0), ("\u00a012.500,00\u00a0€", 1250000), ("0,07", 7),
    ("1 234,56", 123456), ("EUR 99", 9900), ("–", 0),
])
def test_betraege_wie_excel_sie_kopiert(text, cent):
    assert betrag_aus_zelle(text) == cent


@pytest.mark.parametrize(("text", "grund"), [
    ("12.50", "mehrdeutig"), ("abc", "keine Zahl"), ("1,234", "Nachkommastellen"), ("-5,00", "negativ"),
    ("#WERT!", "keine Zahl"), ("(1.234,56)", "keine Zahl"),
])
def test_schlechte_betraege_mit_deutschem_grund(text, grund):
    with pytest.raises(Eingabefehler, match=grund):
        betrag_aus_zelle(text)


def _raster(zeilen: int, spalten: int, start: tuple[int, int] = (0, 0)) -> Zielraster:
    return Zielraster([f"Q{1 + z % 4}/{2026 + z // 4}" for z in range(zeilen)], [f"HHSt {s + 1}" for s in range(spalten)],
                      *start)


def test_block_4_mal_12_landet_in_den_richtigen_zellen():
    zeilen = ["\t".join(f"{z + 1}.{s + 1:03d},{z:02d}" for s in range(12)) for z in range(4)]
    ergebnis = betragsblock("\r\n".join(zeilen) + "\r\n", _raster(6, 12, (2, 0)))
    assert len(ergebnis) == 48
    assert ergebnis[(2, 0)] == 1_001_00 and ergebnis[(5, 11)] == 4_012_03


def test_schlechte_zelle_nennt_zeile_spalte_und_text_und_nichts_wird_geliefert():
    with pytest.raises(Eingabefehler) as e:
        betragsblock("1,00\t2,00\r\n3,00\t12.50\r\n", _raster(4, 4, (1, 1)))
    meldung = str(e.value)
    assert meldung.startswith("Nichts eingefügt: Zeile 2, Spalte 2 des eingefügten Blocks (Q3/2026, HHSt 3)")
    assert "„12.50“" in meldung and "mehrdeutig" in meldung


def test_block_der_nicht_passt_wird_ganz_abgelehnt():
    with pytest.raises(Eingabefehler, match="3 Spalten, ab HHSt 2 gibt es aber nur 2"):
        betragsblock("1\t2\t3\n", _raster(4, 3, (0, 1)))
    with pytest.raises(Eingabefehler, match="Betragszelle wählen"):
        betragsblock("1\n", _raster(4, 3, (-1, -1)))
