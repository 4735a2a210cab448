"""Every workbook says what it is (issue 15, point 2).

Each workbook ozgdesk writes – the seven documents from the command line, the workbook of the
submission package (versions 1 and 2) and one saved from the desktop's report page – is made as a
draft from the demo Ressort and as a final from a corrected demo whose Ressort is called
„…Arbeit&Pflege & Soziales“ and whose project BMAS-2024-05 has a title of 300 characters. The
tests read them as a reader would: the first sheet „Dokument“, the header and footer of every
sheet, the print setup, the number formats – and, where LibreOffice is installed, the pages it
prints under an English locale.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import shutil
import subprocess
import zipfile
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
from openpyxl.utils import get_column_letter
from sqlalchemy import select

from ozgdesk.cli import main as cli
from ozgdesk.model import Projekt, Ressort
from ozgdesk.model.demo import STICHTAG
from ozgdesk.model.store import Store
from ozgdesk.model.values import format_datum
from ozgdesk.reports.dienst import Berichtsdienst
from ozgdesk.reports.layout import VS_NFD
from ozgdesk.reports.xlsx import BREITE_HOCH, BREITE_MAX, DOKUMENTBLATT, KOPF_MAX
from tests.test_berichte_hilfen import demo_fehler_beheben, mappe

STAND = format_datum(STICHTAG)
RESSORT_UND = "Bundesministerium für Arbeit&Pflege & Soziales"
#: 300 characters, the most a project title may have, with an „&“ of its own
LANGER_TITEL = ("Online-Rentenantrag & Kontenklärung: " + "Digitale Antragstellung mit Nachweisabruf " * 7)[:299] + "Z"
DOKUMENTE: dict[str, tuple[list[str], str]] = {
    # name: (command, the period the sheet „Dokument“ names; "" = a document of a Stichtag)
    "quartal": (["bericht", "quartal", "--quartal", "2026-Q3"], "3. Quartal 2026 (01.07.2026 bis 30.09.2026)"),
    "quartal-projekt": (["bericht", "quartal", "--quartal", "2026-Q3", "--projekt", "BMAS-2024-05"],
                        "3. Quartal 2026 (01.07.2026 bis 30.09.2026)"),
    "meilensteine": (["bericht", "meilensteine", "--halbjahr", "2026-H2"], "2. Halbjahr 2026 (01.07.2026 bis 31.12.2026)"),
    "statusermittlung": (["bericht", "statusermittlung"], ""),
    "online": (["bericht", "online-monitoring", "--halbjahr", "2026-H2"], "2. Halbjahr 2026 (01.07.2026 bis 31.12.2026)"),
    "antrag": (["antrag", "--projekt", "BMAS-2024-05"], ""),
    "steckbrief": (["steckbrief", "--projekt", "BMAS-2024-05"], ""),
}


@dataclass(frozen=True)
class Mappe:
    name: str
    daten: bytes
    entwurf: bool
    oeffentlich: bool
    ressort: str
    zeitraum: str
    #: open findings the writer reported: the CLI's JSON, the desktop's „N offene Befunde“
    offene: int | None
    fassung: str = ""

    @property
    def projekt(self) -> bool:
        return self.name.split(" ")[0] in ("quartal-projekt", "antrag", "steckbrief")


def _home(vorlage: Path, ziel: Path) -> Path:
    ziel.mkdir(parents=True)
    shutil.copyfile(vorlage, ziel / "ozgdesk.sqlite")
    return ziel


def _cli_json(home: Path, args: list[str]) -> dict:
    puffer = io.StringIO()
    with contextlib.redirect_stdout(puffer):
        rc = cli(["--home", str(home), *args, "--json"])
    assert rc == 0, args
    return json.loads(puffer.getvalue())


@pytest.fixture(scope="module")
def mappen(tmp_path_factory: pytest.TempPathFactory, _demo_vorlage: Path) -> dict[str, Mappe]:
    """Every workbook type, draft and final, written the way users write them."""
    tmp = tmp_path_factory.mktemp("mappen")
    ergebnis: dict[str, Mappe] = {}
    entwurf_home = _home(_demo_vorlage, tmp / "entwurf")
    final_home = _home(_demo_vorlage, tmp / "final")
    with Store.oeffnen(final_home / "ozgdesk.sqlite") as store:
        demo_fehler_beheben(store)
        with store.session(benutzer="Test") as s:
            s.execute(select(Ressort)).scalar_one().name = RESSORT_UND
            s.execute(select(Projekt).where(Projekt.kennung == "BMAS-2024-05")).scalar_one().titel = LANGER_TITEL
    with Store.oeffnen(entwurf_home / "ozgdesk.sqlite") as store, store.lesen() as s:
        demo_ressort = s.execute(select(Ressort)).scalar_one().name
    for home, entwurf, ressort in ((entwurf_home, True, demo_ressort), (final_home, False, RESSORT_UND)):
        for name, (befehl, zeitraum) in DOKUMENTE.items():
            out = home / "out" / name
            antwort = _cli_json(home, [*befehl, "--format", "xlsx", "--stand", STAND, "--out", str(out),
                                       *(["--entwurf"] if entwurf else [])])
            assert antwort["entwurf"] is entwurf
            ergebnis[f"{name} {'Entwurf' if entwurf else 'Endfassung'}"] = Mappe(
                name, Path(antwort["erzeugt"][0]).read_bytes(), entwurf, name == "online", ressort, zeitraum,
                sum(1 for x in antwort["befunde"] if x["stellungnahme"] is None))
    for version in (1, 2):
        paket = _cli_json(final_home, ["einreichen", "--quartal", "2026-Q3", "--stand", STAND, "--out", str(tmp / "pakete")])
        datei = next(Path(paket["ordner"]).glob("*.xlsx"))
        ergebnis[f"einreichung v{version}"] = Mappe(
            "einreichung", datei.read_bytes(), False, False, RESSORT_UND, DOKUMENTE["quartal"][1],
            sum(1 for x in paket["befunde"] if x["stellungnahme"] is None),
            "Version 1" if version == 1 else "Version 2 (ersetzt Version 1)")
    with Store.oeffnen(entwurf_home / "ozgdesk.sqlite") as store:
        erzeugt = Berichtsdienst(lambda: STICHTAG).erzeugen(store, "quartal", "2026-Q3", [], tmp / "Bericht.xlsx",
                                                            lambda _i, _n: None, lambda: False)
    ergebnis["desktop Entwurf"] = Mappe("quartal", erzeugt.pfad.read_bytes(), erzeugt.entwurf, False, demo_ressort,
                                        DOKUMENTE["quartal"][1], erzeugt.offene)
    return ergebnis


def _angaben(ws) -> dict[str, object]:  # noqa: ANN001
    """The label/value rows of the sheet „Dokument“ (from row 5 on)."""
    return {ws.cell(r, 1).value: ws.cell(r, 2).value for r in range(5, ws.max_row + 1) if ws.cell(r, 1).value}


def _offen_im_blatt_befunde(wb) -> int:  # noqa: ANN001
    ws = wb["Befunde"]
    return sum(1 for r in range(2, ws.max_row + 1) if ws.cell(r, 1).value and not ws.cell(r, 5).value)


def test_erstes_blatt_sagt_was_die_mappe_ist(mappen):
    for name, m in mappen.items():
        wb = mappe(m.daten)
        assert wb.sheetnames[0] == DOKUMENTBLATT and wb.active.title == DOKUMENTBLATT, name
        ws = wb[DOKUMENTBLATT]
        a = _angaben(ws)
        assert a["Ressort"] == m.ressort and a["Kurzname"] == "BMAS", name
        assert a["Koordinierungsreferat"].startswith("Referat"), name
        assert a["Dokument"] == ws["A2"].value and a["Dokument"], name
        assert a["Stand"] == datetime(STICHTAG.year, STICHTAG.month, STICHTAG.day), name
        assert a["Zeitraum"] == (m.zeitraum or "– (Stand zum Stichtag)"), name
        if m.entwurf:
            assert ws["A3"].value == "ENTWURF" and a["Status"].startswith("ENTWURF"), name
        else:
            assert ws["A3"].value is None and a["Status"] == "Endfassung", name
        if m.oeffentlich:
            assert ws["A1"].value is None and a["Schutzvermerk"] == "keiner (öffentliches Dokument)", name
        else:
            assert ws["A1"].value == VS_NFD and a["Schutzvermerk"] == VS_NFD, name
        if m.fassung:
            assert a["Fassung"] == m.fassung, name
        else:
            assert "Fassung" not in a, name
        if m.projekt:
            assert a["Projekt"].startswith("BMAS-2024-05: "), name
            assert a["Projekt"].endswith(LANGER_TITEL if not m.entwurf else "Online-Rentenantrag"), name
        # the count a reader is told when the file is written, and the open rows of sheet „Befunde“
        if m.oeffentlich and not m.entwurf:
            assert "Offene Befunde" not in a, name  # published: no internal findings
        else:
            assert a["Offene Befunde"] == a["davon Fehler"] + a["davon Hinweise"], name
            if "Befunde" in wb.sheetnames:
                assert a["Offene Befunde"] == _offen_im_blatt_befunde(wb), name
            if m.name != "quartal-projekt":  # the CLI's project report lists the project's findings only
                assert a["Offene Befunde"] == m.offene, name
        assert a["Blätter"] == ", ".join(wb.sheetnames[1:]), name


def _klartext(code: str) -> str:
    """What a header's code prints: sections on lines of their own, formatting codes removed,
    fields (&P, &N, &A) left as they are."""
    def ersetzen(t: re.Match[str]) -> str:
        x = t.group(0)
        if x == "&&":
            return "&"
        if x in ("&L", "&C", "&R"):
            return "\n"
        return x if re.fullmatch(r"&[PNA]", x) else ""
    return re.sub(r'&&|&"[^"]*"|&\d+ ?|&[A-Z]', ersetzen, code)


def _kopf_fuss(daten: bytes) -> dict[str, tuple[str, str]]:
    """Sheet name -> (header code, footer code), read from the file's XML as Excel reads it."""
    ns = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
    r = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
    with zipfile.ZipFile(io.BytesIO(daten)) as z:
        mappe_xml = ET.fromstring(z.read("xl/workbook.xml"))
        rels = {e.get("Id"): e.get("Target") for e in ET.fromstring(z.read("xl/_rels/workbook.xml.rels"))}
        ergebnis = {}
        for blatt in mappe_xml.iterfind("m:sheets/m:sheet", ns):
            ziel = rels[blatt.get(r)]
            xml = ET.fromstring(z.read("xl/" + ziel.removeprefix("/xl/")))
            ergebnis[blatt.get("name")] = (xml.findtext("m:headerFooter/m:oddHeader", "", ns),
                                           xml.findtext("m:headerFooter/m:oddFooter", "", ns))
    return ergebnis


def test_kopf_und_fusszeile_jedes_blatts_tragen_die_kennung(mappen):
    for name, m in mappen.items():
        for blatt, (kopf, fuss) in _kopf_fuss(m.daten).items():
            wo = f"{name}/{blatt}"
            assert len(kopf) <= KOPF_MAX and len(fuss) <= KOPF_MAX, wo  # Excel repairs longer ones away
            assert "_x000a_" not in kopf + fuss, wo  # LibreOffice would print the escape
            k, f = _klartext(kopf), _klartext(fuss)
            assert (VS_NFD in k and VS_NFD in f) is not m.oeffentlich, wo
            assert ("ENTWURF" in k) is m.entwurf, wo
            assert m.ressort in k and f"Stand: {STAND}" in k, wo
            assert "Seite &P von &N" in f and "Blatt &A" in f, wo
            assert (m.fassung in k) if m.fassung else ("Version" not in k), wo
            if m.zeitraum:
                assert m.zeitraum.split(" (")[0] in f, wo


def test_ressort_mit_kaufmannsund_und_titel_mit_300_zeichen(mappen):
    """„&P“ in „Arbeit&Pflege“ would print the page number, „&“ alone nothing: both are doubled.
    The 300-character title is shortened in the footer (Excel's limit is 255 characters for the
    whole footer) but stands in full on the sheet „Dokument“."""
    m = mappen["antrag Endfassung"]
    for blatt, (kopf, fuss) in _kopf_fuss(m.daten).items():
        assert "Arbeit&&Pflege &&" in kopf, blatt
        assert RESSORT_UND in _klartext(kopf), blatt
        titel_zeile = next(z for z in _klartext(fuss).splitlines() if "BMAS-2024-05" in z)
        assert "Online-Rentenantrag & Kontenklärung" in titel_zeile and titel_zeile.endswith("…"), blatt
        assert LANGER_TITEL not in _klartext(fuss), blatt
    assert _angaben(mappe(m.daten)[DOKUMENTBLATT])["Projekt"] == f"BMAS-2024-05: {LANGER_TITEL}"


def _breite(ws) -> float:  # noqa: ANN001
    return sum(ws.column_dimensions[get_column_letter(c)].width for c in range(1, ws.max_column + 1))


def test_jedes_blatt_druckt_eine_seite_breit_mit_kopfzeile(mappen):
    for name, m in mappen.items():
        for ws in mappe(m.daten).worksheets:
            wo = f"{name}/{ws.title}"
            ps = ws.page_setup
            assert ws.sheet_properties.pageSetUpPr.fitToPage, wo
            assert (ps.fitToWidth, ps.fitToHeight, int(ps.paperSize)) == (1, 0, int(ws.PAPERSIZE_A4)), wo
            breite = _breite(ws)
            # one page wide, never shrunk below readable, landscape only where portrait is too narrow
            assert breite <= BREITE_MAX, f"{wo}: {breite}"
            assert ps.orientation == ("portrait" if breite <= BREITE_HOCH else "landscape"), wo
            spalte = get_column_letter(ws.max_column)
            assert str(ws.print_area).endswith(f"!$A$1:${spalte}${ws.max_row}"), f"{wo}: {ws.print_area}"
            if ws.title != DOKUMENTBLATT:
                assert ws.print_title_rows == "$1:$1", wo


def test_zahlen_und_daten_im_deutschen_format_mit_sprachkennung(mappen):
    """Every number, amount, date and total carries the language tag [$-407], so LibreOffice shows
    German separators whatever the reader's locale."""
    for name, m in mappen.items():
        gezaehlt = 0
        for ws in mappe(m.daten).worksheets:
            for zeile in ws.iter_rows():
                for c in zeile:
                    zahl = isinstance(c.value, (int, float, Decimal, datetime)) and not isinstance(c.value, bool)
                    if zahl or c.data_type == "f":
                        assert c.number_format.startswith("[$-407]"), f"{name}/{ws.title}!{c.coordinate}: {c.number_format}"
                        gezaehlt += 1
                        if isinstance(c.value, datetime):
                            assert c.number_format.endswith("DD.MM.YYYY"), f"{name}/{ws.title}!{c.coordinate}"
        assert gezaehlt, name


def test_mappen_sind_wohlgeformt(mappen):
    for name, m in mappen.items():
        with zipfile.ZipFile(io.BytesIO(m.daten)) as z:
            assert z.testzip() is None, name
            for teil in z.namelist():
                if teil.endswith((".xml", ".rels")):
                    ET.fromstring(z.read(teil))  # raises on malformed XML
        assert mappe(m.daten).sheetnames, name


# ----------------------------------------------------------------------------------------- LibreOffice
_SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
_LO_GRUND = "LibreOffice (soffice, Debian: libreoffice-calc-nogui) oder pdftotext (poppler-utils) nicht installiert"


@pytest.fixture(scope="module")
def gedruckt(mappen, tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[str]]:
    """Every workbook printed to PDF by LibreOffice under an English locale: name -> page texts."""
    if _SOFFICE is None or shutil.which("pdftotext") is None:
        if os.environ.get("CI"):  # CI installs both (.ci/run) and must run these tests
            pytest.fail(f"{_LO_GRUND}: in CI muss es installiert sein (.ci/run).")
        pytest.skip(_LO_GRUND)
    tmp = tmp_path_factory.mktemp("lo")
    dateien = {}
    for i, (name, m) in enumerate(mappen.items()):
        dateien[name] = tmp / f"mappe{i:02d}.xlsx"
        dateien[name].write_bytes(m.daten)
    umgebung = dict(os.environ, LANG="en_US.UTF-8", LC_ALL="en_US.UTF-8", LANGUAGE="en_US")
    subprocess.run([_SOFFICE, f"-env:UserInstallation=file://{tmp}/profil", "--headless", "--convert-to", "pdf",
                    "--outdir", str(tmp / "pdf"), *map(str, dateien.values())],
                   check=True, capture_output=True, timeout=600, env=umgebung)
    seiten = {}
    for name, datei in dateien.items():
        pdf = tmp / "pdf" / f"{datei.stem}.pdf"
        assert pdf.exists(), f"LibreOffice hat {name} nicht umgewandelt"
        text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True,
                              text=True).stdout
        seiten[name] = text.split("\f")[:-1]
    return seiten


def _zeilen(seite: str) -> list[str]:
    return [z.strip() for z in seite.splitlines() if z.strip()]


def test_libreoffice_druckt_kennung_auf_jeder_seite(mappen, gedruckt):
    for name, seiten in gedruckt.items():
        m = mappen[name]
        assert seiten, name
        for nr, seite in enumerate(seiten, start=1):
            zeilen = _zeilen(seite)
            kopf, fuss = " ".join(zeilen[:4]), " ".join(zeilen[-4:])
            wo = f"{name}, Seite {nr}"
            assert (VS_NFD in kopf and VS_NFD in fuss) is not m.oeffentlich, wo
            assert ("ENTWURF" in kopf) is m.entwurf, wo
            assert f"Seite {nr} von {len(seiten)}" in fuss, wo
            assert m.ressort in kopf and f"Stand: {STAND}" in kopf, wo
            assert "###" not in seite, f"{wo}: Spalte zu schmal für ihren Inhalt"
        if not m.entwurf:
            assert not any("ENTWURF" in s for s in seiten), name


_DEUTSCH = re.compile(r"(?<![\d.,])\d{1,3}(?:\.\d{3})*,\d{2} €")
_ENGLISCH = re.compile(r"(?<![\d.,])\d{1,3}(?:,\d{3})+\.\d{2}\b|(?<![\d.,])\d+\.\d{2} €")


def test_libreoffice_zeigt_deutsche_betraege_und_daten_unter_englischer_sprache(mappen, gedruckt):
    for name, seiten in gedruckt.items():
        text = "\n".join(seiten)
        assert not _ENGLISCH.search(text), f"{name}: {_ENGLISCH.search(text)}"
        assert not re.search(r"\b\d{1,2}/\d{1,2}/\d{2,4}\b|\b20\d\d-\d\d-\d\d\b", text), name
        assert STAND in text, name
        if mappen[name].name in ("quartal", "quartal-projekt", "antrag", "einreichung"):
            assert len(_DEUTSCH.findall(text)) > 10, name
    text = "\n".join(gedruckt["quartal Entwurf"])
    assert re.search(r"\b\d{1,3}\.\d{3}\.\d{3},\d{2} €", text)  # millions with two thousands separators


def test_libreoffice_druckt_jedes_blatt_eine_seite_breit(mappen, gedruckt):
    """Every page of a sheet holds its first and its last column (the heading row repeats): no
    sheet is split across pages side by side, as „Projektstatus“ was (8 pages for the demo)."""
    for name, seiten in gedruckt.items():
        wb = mappe(mappen[name].daten)
        je_blatt: dict[str, list[str]] = {}
        for seite in seiten:
            blatt = re.search(r"Blatt (.+?)(?:\s{2,}|$)", seite, re.MULTILINE)
            assert blatt, f"{name}: Seite ohne „Blatt …“ in der Fußzeile"
            je_blatt.setdefault(blatt.group(1).strip(), []).append(seite)
        assert set(je_blatt) == set(wb.sheetnames), name
        for blatt, texte in je_blatt.items():
            ws = wb[blatt]
            if blatt == DOKUMENTBLATT:
                assert len(texte) == 1, name
                continue
            erste, letzte = (max(str(ws.cell(1, c).value).split(), key=len) for c in (1, ws.max_column))
            for t in texte:
                assert erste in t and letzte in t, f"{name}/{blatt}: {erste!r} und {letzte!r} auf jeder Seite"


def test_kopfzeile_kuerzt_benutzertext_nie_den_vermerk():
    """The longest names the store allows (Ressort 200, project title 300 characters, with „&“)
    still give headers within Excel's 255 characters; the long ones are shortened, the marking, the
    draft and the page numbers stay whole, and a Referat starting with a digit does not merge into
    the font size code before it („&8“ + „1 …“ would be size 81)."""
    from ozgdesk.reports.xlsx import Arbeitsmappe, Dokumentangaben, Spalte

    a = Dokumentangaben(titel="Projektantrag (Anlage A)", ressort=("Ministerium für A&B " * 11)[:200],
                        ressort_kurz="M&B", referat="1 – Grundsatz & Koordinierung", stand=STICHTAG,
                        kennzeichnung=VS_NFD, entwurf=True, fassung="Version 12 (ersetzt Version 11)",
                        projekt="X-1: " + LANGER_TITEL, aktenzeichen="Z c 4 – 2114/2024 & 2115/2024")
    am = Arbeitsmappe(a)
    am.blatt("Daten", [Spalte("Betrag", "euro", summe=True)], [[1]])
    for blatt, (kopf, fuss) in _kopf_fuss(am.bytes()).items():
        assert len(kopf) <= KOPF_MAX and len(fuss) <= KOPF_MAX, blatt
        k, f = _klartext(kopf), _klartext(fuss)
        assert VS_NFD in k and VS_NFD in f and "ENTWURF" in k and "Seite &P von &N" in f, blatt
        assert "Ministerium für A&B" in k and "…" in k + f, blatt
        assert "1 – Grundsatz & Koordinierung" in k and not re.search(r"&\d{2,}", kopf.replace("&12", "")), blatt
