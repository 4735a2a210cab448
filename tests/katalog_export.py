"""Generator of a full-size OZG-Umsetzungskatalog export for tests and the benchmark.

The official export (one row per LeiKa-Leistung, ≈ 5,300 rows, 557 OZG-Leistungen) is not public
in full, so the LeiKa rows are synthetic; Themenfelder, Lagen and OZG-Leistungen come from the
catalogue ozgdesk ships in ``ozgdesk/daten/katalog``. The rows carry the oddities of the real export:
``nicht im LeiKa`` on several rows, the same LeiKa-Schlüssel under several OZG-IDs, type lists such
as ``1, 2/3`` or empty types, legal texts with links, blanks around values and a few rows without
OZG-ID. Everything is derived from a fixed seed, so two runs give byte-identical data.
"""

from __future__ import annotations

import csv
import io
import random
from pathlib import Path
from typing import Any

from ozgdesk.model.demo import LEISTUNGEN as DEMO_LEISTUNGEN
from ozgdesk.model.grunddaten import katalog_oeffnen

SPALTEN = (
    "Themenfeld", "Lage", "OZG-Leistungen", "OZG-ID", "LeiKa-Bezeichnung", "LeiKa-Schlüssel", "LeiKa-Typ",
    "Rechtsgrundlage(n)", "Gesetz(e)", "Gesetzeskürzel", "SDG1-Relevanz", "SDG2-Relevanz",
)
ZEILEN_OHNE_OZG_ID = 5

_GESETZE = (
    ("SGB III", "Sozialgesetzbuch (SGB) Drittes Buch (III) – Arbeitsförderung", "sgb_3"),
    ("SGB VI", "Sozialgesetzbuch (SGB) Sechstes Buch (VI) – Gesetzliche Rentenversicherung", "sgb_6"),
    ("BEEG", "Gesetz zum Elterngeld und zur Elternzeit", "beeg"),
    ("AufenthG", "Gesetz über den Aufenthalt, die Erwerbstätigkeit und die Integration von Ausländern", "aufenthg_2004"),
    ("EStG", "Einkommensteuergesetz", "estg"),
    ("GewO", "Gewerbeordnung", "gewo"),
    ("BauGB", "Baugesetzbuch", "bbaug"),
    ("StVZO", "Straßenverkehrs-Zulassungs-Ordnung", "stvzo_2012"),
    ("PAuswG", "Gesetz über Personalausweise und den elektronischen Identitätsnachweis", "pauswg"),
    ("BAföG", "Bundesgesetz über individuelle Förderung der Ausbildung", "baf_g"),
)
_VERBEN = ("Beantragung", "Erteilung", "Verlängerung", "Änderung", "Anzeige", "Auskunft", "Widerspruch",
           "Bescheinigung", "Erstattung", "Meldung", "Genehmigung", "Rücknahme")
_TYPEN = ("1", "2", "2/3", "4", "5", "6", "", "1, 2/3")
_TYP_GEWICHTE = (15, 10, 35, 15, 14, 3, 5, 3)


def _katalog() -> list[dict[str, str]]:
    with katalog_oeffnen("ozg_leistungen.csv") as f:
        return list(csv.DictReader(f))


def export_zeilen(seed: int = 20261115) -> list[dict[str, Any]]:
    """The rows of a full-size export as dicts keyed by the official column headers."""
    rng = random.Random(seed)
    demo_ids = {z[0] for z in DEMO_LEISTUNGEN}
    zeilen: list[dict[str, Any]] = []
    bisherige: list[dict[str, Any]] = []
    laufnummer = 0
    for lst in _katalog():
        ozg_id = lst["ozg_id"]
        anzahl = rng.randint(1, 18)
        for i in range(anzahl):
            wurf = rng.random()
            if bisherige and wurf < 0.04:
                # the same LeiKa-Leistung under a second OZG-Leistung: identical LeiKa columns
                vorbild = rng.choice(bisherige)
                leika = {k: vorbild[k] for k in SPALTEN[4:]}
            elif wurf < 0.07:
                nummer = rng.randint(1, 25)
                leika = {
                    "LeiKa-Bezeichnung": f"Ergänzende Leistung {nummer} (nicht im LeiKa)",
                    "LeiKa-Schlüssel": "nicht im LeiKa",
                    "LeiKa-Typ": "", "Rechtsgrundlage(n)": "", "Gesetz(e)": "", "Gesetzeskürzel": "",
                    "SDG1-Relevanz": 0, "SDG2-Relevanz": 0,
                }
            else:
                laufnummer += 1
                kuerzel, gesetz, pfad = _GESETZE[laufnummer % len(_GESETZE)]
                paragraf = rng.randint(1, 180)
                typ = "1" if ozg_id in demo_ids else rng.choices(_TYPEN, _TYP_GEWICHTE)[0]
                leika = {
                    "LeiKa-Bezeichnung": f"{lst['ozg_leistung']} {_VERBEN[i % len(_VERBEN)]}"
                                         + (f" ({i // len(_VERBEN) + 1})" if i >= len(_VERBEN) else ""),
                    "LeiKa-Schlüssel": f"99{laufnummer:08d}{rng.randint(0, 9999):04d}",
                    "LeiKa-Typ": typ,
                    "Rechtsgrundlage(n)": f"§ {paragraf} {kuerzel} "
                                          f"(https://www.gesetze-im-internet.de/{pfad}/__{paragraf}.html)",
                    "Gesetz(e)": gesetz,
                    "Gesetzeskürzel": kuerzel,
                    "SDG1-Relevanz": rng.choice((0, 0, 1)),
                    "SDG2-Relevanz": rng.choice((0, 0, 0, 1)),
                }
            zeile = {"Themenfeld": lst["themenfeld"], "Lage": lst["lage"], "OZG-Leistungen": lst["ozg_leistung"],
                     "OZG-ID": ozg_id, **leika}
            if rng.random() < 0.02:  # blanks around values, as hand-edited exports have them
                zeile["OZG-Leistungen"] = f"  {zeile['OZG-Leistungen']} "
                zeile["LeiKa-Bezeichnung"] = f" {zeile['LeiKa-Bezeichnung']}\u00a0"
            zeilen.append(zeile)
            if leika["LeiKa-Schlüssel"] != "nicht im LeiKa":
                bisherige.append(zeile)
    for k in range(ZEILEN_OHNE_OZG_ID):
        vorbild = zeilen[rng.randrange(len(zeilen))]
        zeilen.insert(rng.randrange(len(zeilen)), {
            **vorbild, "OZG-Leistungen": "", "OZG-ID": "",
            "LeiKa-Bezeichnung": f"Noch nicht zugeordnete Leistung {k + 1}",
            "LeiKa-Schlüssel": f"98{k:012d}",
        })
    return zeilen


def erwartete_zahlen(zeilen: list[dict[str, Any]]) -> dict[str, int]:
    """What an import of ``zeilen`` must count (independent of the importer's own code)."""
    mit_id = [z for z in zeilen if str(z["OZG-ID"]).strip()]
    schluessel = set()
    for z in mit_id:
        k = str(z["LeiKa-Schlüssel"]).strip()
        schluessel.add(k if k != "nicht im LeiKa" else "name:" + str(z["LeiKa-Bezeichnung"]).strip().casefold())
    return {
        "themenfelder": len({z["Themenfeld"] for z in mit_id}),
        "lagen": len({z["Lage"] for z in mit_id}),
        "ozg_leistungen": len({str(z["OZG-ID"]).strip() for z in mit_id}),
        "leika_leistungen": len(schluessel),
        "zeilen": len(zeilen),
        "ohne_ozg_id": len(zeilen) - len(mit_id),
    }


def _reihe(zeile: dict[str, Any], spalten: list[str], ozg_als_zahl: bool) -> list[Any]:
    werte = []
    for s in spalten:
        w = zeile.get(s, f"Zusatz {s}")
        if s == "OZG-ID" and ozg_als_zahl and str(w).strip().isdigit():
            w = int(w)
        werte.append(w)
    return werte


def als_xlsx(zeilen: list[dict[str, Any]], pfad: Path, spalten: list[str] | None = None, *,
             blatt: str = "OZG-Umsetzungskatalog", ozg_als_zahl: bool = True, wie_excel: bool = False) -> Path:
    """Write the rows as XLSX; OZG-IDs as numbers, as spreadsheets store them.

    ``wie_excel`` writes text through the shared-strings table as Excel does (slower); the default
    write-only mode stores text inline.
    """
    from openpyxl import Workbook

    spalten = list(spalten or SPALTEN)
    if wie_excel:
        wb = Workbook()
        ws = wb.active
        ws.title = blatt
    else:
        wb = Workbook(write_only=True)
        ws = wb.create_sheet(blatt)
    ws.append(spalten)
    for z in zeilen:
        ws.append(_reihe(z, spalten, ozg_als_zahl))
    wb.save(pfad)
    return pfad


def mit_testzeile(zeilen: list[dict[str, Any]], stelle: int = 2000) -> tuple[list[dict[str, Any]], int]:
    """The rows with the junk row real exports carry („Test 124“, 8-digit LeiKa key „25323525“) in the
    middle, under an existing OZG-ID; returns the rows and the junk row's number in the file."""
    vorbild = zeilen[stelle]
    test = {**vorbild, "LeiKa-Bezeichnung": "Test 124", "LeiKa-Schlüssel": "25323525", "LeiKa-Typ": "1",
            "Rechtsgrundlage(n)": "", "Gesetz(e)": "", "Gesetzeskürzel": "", "SDG1-Relevanz": 0, "SDG2-Relevanz": 0}
    return [*zeilen[:stelle], test, *zeilen[stelle:]], stelle + 2  # + header row, rows count from 1


def wie_libreoffice(zeilen: list[dict[str, Any]], pfad: Path) -> Path:
    """The workbook as LibreOffice Calc saves an export it opened: every text in the shared-strings
    table, everything that looks like a number stored as a number (OZG-ID, the 14-digit LeiKa key,
    the type „1“, the 0/1 flags), empty cells left out, and LibreOffice named as the application.

    LibreOffice itself is not installed on the build machines, so this rebuilds those traits with
    openpyxl; ``bench/katalog.py --libreoffice`` measures a file really saved by LibreOffice.
    """
    import re
    import zipfile

    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "OZG-Umsetzungskatalog"
    ws.append(list(SPALTEN))
    for z in zeilen:
        reihe = []
        for s in SPALTEN:
            w = z[s]
            if isinstance(w, str) and w.strip().isdigit():
                w = int(w.strip())
            reihe.append(None if w == "" else w)
        ws.append(reihe)
    roh = pfad.with_suffix(".roh.xlsx")
    wb.save(roh)
    with zipfile.ZipFile(roh) as zin, zipfile.ZipFile(pfad, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            daten = zin.read(info.filename)
            if info.filename == "docProps/app.xml":
                daten = re.sub(rb"<Application>[^<]*</Application>",
                               b"<Application>LibreOffice/7.6.4.1$Linux_X86_64 LibreOffice_project/</Application>", daten)
            zout.writestr(info, daten)
    roh.unlink()
    return pfad


def als_csv_bytes(zeilen: list[dict[str, Any]], spalten: list[str] | None = None, *, trenner: str = ";",
                  kodierung: str = "utf-8-sig") -> bytes:
    spalten = list(spalten or SPALTEN)
    puffer = io.StringIO(newline="")
    w = csv.writer(puffer, delimiter=trenner, lineterminator="\r\n")
    w.writerow(spalten)
    for z in zeilen:
        w.writerow(_reihe(z, spalten, False))
    return puffer.getvalue().encode(kodierung)


def als_csv(zeilen: list[dict[str, Any]], pfad: Path, spalten: list[str] | None = None, *, trenner: str = ";",
            kodierung: str = "utf-8-sig") -> Path:
    pfad.write_bytes(als_csv_bytes(zeilen, spalten, trenner=trenner, kodierung=kodierung))
    return pfad


def gemischte_spalten(seed: int = 7) -> list[str]:
    """The official columns in a shuffled order with two extra columns a real export may carry."""
    spalten = list(SPALTEN) + ["Bemerkung BMI", "Stand"]
    random.Random(seed).shuffle(spalten)
    return spalten
