"""Reading the official export: counts of a full-size file in both formats and the real-world values."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from tests.katalog_export import SPALTEN, als_csv, als_xlsx, erwartete_zahlen, export_zeilen, gemischte_spalten
from openpyxl import Workbook

from ozgdesk.model.katalogimport.datei import Katalogfehler
from ozgdesk.model.katalogimport.zeilen import Katalogstand, lesen


@pytest.fixture(scope="module")
def voll(tmp_path_factory: pytest.TempPathFactory) -> dict:
    ordner = tmp_path_factory.mktemp("katalog-voll")
    zeilen = export_zeilen()
    return {
        "zeilen": zeilen,
        "xlsx": als_xlsx(zeilen, ordner / "katalog.xlsx"),
        "csv": als_csv(zeilen, ordner / "katalog.csv"),
        "gemischt_xlsx": als_xlsx(zeilen, ordner / "gemischt.xlsx", gemischte_spalten()),
        "gemischt_csv": als_csv(zeilen, ordner / "gemischt.csv", gemischte_spalten(), trenner=",", kodierung="cp1252"),
        "utf8_ohne_bom": als_csv(zeilen, ordner / "ohne-bom.csv", kodierung="utf-8"),
    }


@pytest.fixture(scope="module")
def referenz(voll: dict) -> tuple:
    return _inhalt(lesen(voll["xlsx"]))


def _inhalt(st: Katalogstand) -> tuple:
    """What a Katalogstand says about the catalogue, independent of file name and format."""
    return (
        st.themenfelder, st.lagen,
        {k: (e.bezeichnung, e.themenfeld, e.lage, e.typ) for k, e in st.leistungen.items()},
        st.leika, st.zuordnungen, st.ohne_ozg_id,
    )


def test_voller_export_hat_die_richtigen_zahlen(voll):
    st = lesen(voll["xlsx"])
    erwartet = erwartete_zahlen(voll["zeilen"])
    assert erwartet["zeilen"] > 5_000
    assert (len(st.themenfelder), len(st.lagen), len(st.leistungen)) == (14, 55, 557)
    assert len(st.leika) == erwartet["leika_leistungen"]  # each LeiKa key once, though rows repeat it
    assert len(st.leika) < len(st.zuordnungen)  # … because some keys sit under several OZG-IDs
    assert st.zeilen == erwartet["zeilen"]
    assert st.ohne_ozg_id == 5
    ohne = [w.text for w in st.warnungen if "keine OZG-ID" in w.text]
    assert len(ohne) == 5
    assert all("Spalte D (OZG-ID)" in w and "wurde nicht übernommen" in w for w in ohne)


@pytest.mark.parametrize("variante", ["csv", "gemischt_xlsx", "gemischt_csv", "utf8_ohne_bom"])
def test_alle_formate_ergeben_denselben_katalog(voll, referenz, variante):
    assert _inhalt(lesen(voll[variante])) == referenz


def _xlsx(pfad: Path, kopf: list[str], zeilen: list[list], titel: list | None = None) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "Katalog"
    if titel:
        ws.append(titel)
        ws.append([])
    ws.append(kopf)
    for z in zeilen:
        ws.append(z)
    wb.save(pfad)
    return pfad


def _zeile(ozg_id, name="Elterngeld", leika="Elterngeld Beantragung", schluessel="99001001000000", typ="1",
           recht="", themenfeld="Familie & Kind", lage="Geburt", kuerzel="BEEG", sdg1=0, sdg2=0) -> list:
    return [themenfeld, lage, name, ozg_id, leika, schluessel, typ, recht, "Gesetz", kuerzel, sdg1, sdg2]


def test_werte_wie_in_echten_exporten(tmp_path):
    link = "§ 4 BEEG (https://www.gesetze-im-internet.de/beeg/__4.html); Abs. 2 „Bezugszeitraum“"
    zeilen = [
        _zeile(10000, recht=link, typ="1, 2/3"),                                   # OZG-ID as a number
        _zeile(10000.0, leika="Elterngeld Änderung", schluessel=99001001001000, typ=1),  # float from a sheet
        _zeile("10000", leika="Sonderfall", schluessel="nicht im LeiKa", typ=""),
        _zeile(" 10001 ", name="  Familienversicherung\u00a0", leika="Sonderfall", schluessel=" Nicht im LeiKa ",
               typ=datetime(2026, 3, 2)),                                         # Excel made 2/3 a date
        _zeile("10001", name="Familienversicherung", leika="Elterngeld Beantragung", schluessel="99001001000000",
               typ="1, 2/3", recht=link),                                         # same key, second OZG-ID
        _zeile(None, name="", leika="Noch ohne OZG-ID", schluessel="99009009009009"),
        _zeile("10002", name="Geburtsanzeige", leika="Geburt anzeigen", schluessel="99001002000000", typ="2/3",
               kuerzel=1990, recht=datetime(2020, 1, 1), sdg1="1", sdg2=True),
        [None] * 12,                                                               # empty rows are skipped
    ]
    st = lesen(_xlsx(tmp_path / "echt.xlsx", list(SPALTEN), zeilen, titel=["OZG-Umsetzungskatalog, Stand 11/2026"]))
    assert sorted(st.leistungen) == ["10000", "10001", "10002"]
    assert st.leistungen["10001"].bezeichnung == "Familienversicherung"  # blanks and NBSP trimmed
    assert len(st.leika) == 4  # the shared key and the shared "nicht im LeiKa" name count once
    beantragung = st.leika["99001001000000"]
    assert beantragung.typ == "1, 2/3" and beantragung.rechtsgrundlage == link
    assert {o for k, o in st.zuordnungen if k == "99001001000000"} == {"10000", "10001"}
    sonderfall = st.leika["name:sonderfall"]
    assert sonderfall.schluessel is None
    assert {o for k, o in st.zuordnungen if k == "name:sonderfall"} == {"10000", "10001"}
    assert st.leika["99001001001000"].typ == "1"
    geburt = st.leika["99001002000000"]
    assert (geburt.gesetzeskuerzel, geburt.rechtsgrundlage, geburt.sdg1, geburt.sdg2) == ("1990", "01.01.2020", True, True)
    # Typ of the OZG-Leistung: the most frequent code of its LeiKa rows
    assert st.leistungen["10000"].typ == "1"
    assert st.leistungen["10002"].typ == "2/3"
    assert any("Zeile 9, Spalte D (OZG-ID): keine OZG-ID – LeiKa-Leistung „Noch ohne OZG-ID“" in w.text for w in st.warnungen)
    assert any("als Datum gespeichert" in w.text for w in st.warnungen)
    assert any("Zeile 7: LeiKa-Leistung „Sonderfall“ steht schon in Zeile 6" in w.text for w in st.warnungen)  # other Typ


def test_widerspruechliche_wiederholung_wird_gemeldet(tmp_path):
    zeilen = [_zeile("10000"), _zeile("10000", name="Elterngeld neu", leika="Zweite", schluessel="99001001000001")]
    st = lesen(_xlsx(tmp_path / "w.xlsx", list(SPALTEN), zeilen))
    assert st.leistungen["10000"].bezeichnung == "Elterngeld"
    assert any("OZG-ID 10000 steht schon in Zeile 2" in w.text for w in st.warnungen)


def test_doppelte_spalte_ist_ein_fehler(tmp_path):
    kopf = list(SPALTEN) + ["OZG-ID"]
    with pytest.raises(Katalogfehler) as e:
        lesen(_xlsx(tmp_path / "d.xlsx", kopf, [_zeile("10000") + ["10000"]]))
    assert "Blatt „Katalog“, Zeile 1, Spalte M: Die Spalte „OZG-ID“ kommt doppelt vor (auch Spalte D)" in str(e.value)


def test_keine_kopfzeile(tmp_path):
    datei = tmp_path / "x.csv"
    datei.write_text("a;b;c\n1;2;3\n", encoding="utf-8")
    with pytest.raises(Katalogfehler) as e:
        lesen(datei)
    assert "Datei „x.csv“: keine Kopfzeile des Katalogexports gefunden" in str(e.value)


def test_text_mit_gleichheitszeichen_ist_keine_formel(tmp_path):
    """Values-only reading shows formulas as "=…"; a real text starting with "=" must still be read."""
    wb = Workbook()
    ws = wb.active
    ws.append(list(SPALTEN))
    ws.append(_zeile("10000"))
    ws["H2"].value = "= § 4 BEEG (Verweis)"
    ws["H2"].data_type = "s"  # openpyxl would otherwise write any "=…" as a formula
    wb.save(tmp_path / "text.xlsx")
    st = lesen(tmp_path / "text.xlsx")
    assert st.leika["99001001000000"].rechtsgrundlage == "= § 4 BEEG (Verweis)"


def test_csv_mit_titelzeile_ueber_der_kopfzeile(tmp_path, voll, referenz):
    datei = tmp_path / "titel.csv"
    datei.write_bytes("OZG-Umsetzungskatalog – Stand November 2026\r\n".encode("cp1252")
                      + voll["gemischt_csv"].read_bytes())
    assert _inhalt(lesen(datei)) == referenz
