"""The faster HKR import reads, checks and stores exactly as before (issue 18, point 2).

bench/zahlungsimport.py made the import of 100,000 payments about five times faster: rows read a
column at a time (plain rows) or one by one as before (every other row), the payments written by
:mod:`ozgdesk.model.sammelschreiber` instead of the ORM and its flush hook, the log values encoded
once per column. These tests compare each fast way with the way before:

* the preview (new, already there, errors, hints – every message) of files full of special cases,
  with and without the fast row paths;
* the database after an import: the payments and their change-log entries, with the bulk writer
  and with the ORM and its flush hook;
* the bulk checks (:func:`ozgdesk.model.protokoll.werte_pruefen_alle`), the log encoding, the ids.
"""

from __future__ import annotations

import json
import random
import sqlite3
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from ozgdesk.model import sammelschreiber
from ozgdesk.model import zahlungsimport as zi
from ozgdesk.model.base import Feldfehler
from ozgdesk.model.errors import Eingabefehler
from ozgdesk.model.finanzen import Mittelabfluss
from ozgdesk.model.katalog import LeikaLeistung
from ozgdesk.model.projekte import Projekt
from ozgdesk.model.protokoll import _dump, neue_ids, werte_pruefen, werte_pruefen_alle
from ozgdesk.model.values import Haushaltsstelle, Kostenart

KOPF = ["Buchungsdatum", "Betrag in EUR", "HHSt", "Projekt-Kennung", "Belegnummer", "Buchungstext"]
HEUTE = date(2026, 12, 1)


def _csv(pfad: Path, zeilen: list[list[str]], kopf: list[str] = KOPF, trenner: str = ";") -> Path:
    def feld(w: str) -> str:
        return '"' + w.replace('"', '""') + '"' if trenner in w or '"' in w or "\n" in w else w

    pfad.write_bytes(("\r\n".join(trenner.join(feld(str(w)) for w in z) for z in [kopf, *zeilen]) + "\r\n")
                     .encode("cp1252", "replace"))
    return pfad


def _ohne_schnellen_weg(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every row read the exact way, one by one (as before the column-wise reading)."""
    monkeypatch.setattr(zi._Zeilenleser, "glatte_zeilen", lambda self, zeilen, breite: [None] * len(zeilen))
    monkeypatch.setattr(zi._Zeilenleser, "_glatt", lambda self, nr, werte: None)
    monkeypatch.setattr(zi, "_csv_alle_zeilen", lambda name, text, trenner: list(zi._csv_zeilen(name, text, trenner)))


def _vorschau(store: Any, datei: Path) -> Any:
    try:
        v = zi.pruefen(store, datei, heute=HEUTE)
    except zi.Zahlungsimportfehler as e:
        return ("abgelehnt", str(e))
    return (v.als_json(), v.neu, v.vorhanden, [f.meldung for f in v.fehler], v.hinweise)


def _beide(store: Any, datei: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Any, Any]:
    schnell = _vorschau(store, datei)
    with monkeypatch.context() as m:
        _ohne_schnellen_weg(m)
        genau = _vorschau(store, datei)
    return schnell, genau


def _bunte_zeilen(rng: random.Random, anzahl: int) -> list[list[str]]:
    """Plain rows and every kind of special case a real export has, mixed."""
    betraege = ["12.500,00", "1.234.567,89", "-250,00", "0,50", "12.500", "250,00-", "1 234,56", "12.50", "0,00",
                "-0,00", "1,234.56", "100 €", "EUR 99,99", "", "abc", "9.999.999.999.999,99", "99.999.999.999.999,99"]
    daten = ["01.10.2025", "1.10.25", "2025-10-03", "31.02.2025", "", "01.10.2023", "01.10.2027", " 02.10.2025 "]
    stellen = ["0602 532 01", "060253201", "0602/532 01", "0999 532 01", "0602 53", ""]
    projekte = ["BMAS-2024-01", "bmas-2024-03", " BMAS-2024-05 ", "BMAS-2099-99", ""]
    zeilen = []
    for i in range(anzahl):
        if rng.random() < 0.6:  # a plain row
            zeilen.append([f"{rng.randint(1, 28):02d}.{rng.randint(1, 9):02d}.2025", f"{rng.randint(1, 999)}.{rng.randint(0, 999):03d},{rng.randint(0, 99):02d}",
                           "0602 532 01", "BMAS-2024-01", f"51{i:06d}", f"Abschlag {i}"])
            continue
        zeile = [rng.choice(daten), rng.choice(betraege), rng.choice(stellen), rng.choice(projekte),
                 rng.choice([f"B-{i}", f" b-{i} ", "", "B-1", "Storno 7", "x" * 101, f"K {i}"]),
                 rng.choice(["", "Rückzahlung", "Korrektur Abschlag", "Text\x1bmit Steuerzeichen", "Ä ö ü ß"])]
        if rng.random() < 0.05:
            zeile = [""] * 6
        elif rng.random() < 0.05:
            zeile = ["", "", "", "", "", ""] if rng.random() < 0.5 else ["Summe", "", "", "", "", ""]
        elif rng.random() < 0.05:
            zeile = [*zeile, "überzählig"]
        elif rng.random() < 0.05:
            zeile = zeile[:3]
        zeilen.append(zeile)
    return zeilen


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_vorschau_gleich_mit_und_ohne_schnellen_weg(demo_store, tmp_path, monkeypatch, seed):
    datei = _csv(tmp_path / "hkr.csv", _bunte_zeilen(random.Random(seed), 400))
    schnell, genau = _beide(demo_store, datei, monkeypatch)
    assert schnell == genau
    assert len(schnell[1]) > 100 and schnell[3] and schnell[4], "new rows, errors and hints all present"


def test_vorschau_mit_kostenart_aktenzeichen_und_schon_vorhandenen(demo_store, tmp_path, monkeypatch):
    kopf = ["Datum", "Betrag", "HHSt", "Projekt", "Aktenzeichen", "Beleg", "Text", "Kostenart"]
    rng = random.Random(7)
    zeilen = [[f"0{rng.randint(1, 9)}.10.2025", f"{rng.randint(1, 9)}.000,00", "0602 532 01",
               rng.choice(["BMAS-2024-01", "", "BMAS-2024-03"]), rng.choice(["", "", "Z c 4 - 2110/2024", "unbekannt"]),
               f"A-{i}", "", rng.choice(["", "Software", "software", "Hardware-Kauf", "betrieb", " Betrieb "])]
              for i in range(200)]
    datei = _csv(tmp_path / "hkr.csv", zeilen, kopf, trenner=",")
    zi.uebernehmen(demo_store, _csv(tmp_path / "vorher.csv", [z for z in zeilen[:50] if z[3] and not z[4]
                                                                and z[7].strip().lower() in ("", "software", "betrieb")],
                                    kopf, trenner=","), heute=HEUTE)
    schnell, genau = _beide(demo_store, datei, monkeypatch)
    assert schnell == genau
    assert schnell[2], "some rows already there"


def test_vorschau_mit_anfuehrungszeichen_und_zeilenumbruch_im_feld(demo_store, tmp_path, monkeypatch):
    zeilen = [["01.10.2025", "1,00", "0602 532 01", "BMAS-2024-01", f"Q-{i}", 'Text "zitiert"\nzweite Zeile']
              for i in range(20)]
    datei = _csv(tmp_path / "hkr.csv", zeilen)
    schnell, genau = _beide(demo_store, datei, monkeypatch)
    assert schnell == genau and len(schnell[1]) == 20


def _gespeichert(home: Path) -> tuple[list, list]:
    con = sqlite3.connect(home / "ozgdesk.sqlite")
    try:
        zahlungen = con.execute("SELECT id, projekt_id, datum, betrag_cent, haushaltsstelle, kostenart, referenz, "
                                "bemerkung FROM mittelabfluss WHERE referenz LIKE 'S-%' ORDER BY referenz").fetchall()
        protokoll = con.execute("SELECT datensatz_id, aktion, feld, alt, neu, quelle, benutzer, geraet, seq, transaktion "
                                "FROM aenderung WHERE quelle = 'zahlungsimport' ORDER BY seq").fetchall()
    finally:
        con.close()
    return zahlungen, protokoll


def _ohne_ids(zahlungen: list, protokoll: list) -> tuple[list, list]:
    """What does not depend on the random ids: each payment's values, each entry's with the id
    replaced by the payment's Belegnummer, the entries as a set (ORM and bulk order them alike?)."""
    referenz = {z[0]: z[6] for z in zahlungen}
    eintraege = []
    for datensatz_id, aktion, feld, alt, neu, quelle, benutzer, _geraet, _seq, _tr in protokoll:
        werte = json.loads(neu)
        assert werte["id"] == datensatz_id  # the entry names the record it describes
        werte["id"] = referenz[datensatz_id]
        eintraege.append((referenz[datensatz_id], aktion, feld, alt, json.dumps(werte, sort_keys=True), quelle,
                          benutzer))
    return [z[1:] for z in zahlungen], sorted(eintraege)


def test_gespeichert_wie_mit_orm_und_flush_hook(tmp_path, monkeypatch, _demo_vorlage):
    """The bulk writer stores the same payments and writes the same log entries as the ORM did:
    one ``anlegen`` entry per payment with all fields, in one transaction, consecutive sequence
    numbers, the session's user and source."""
    import shutil

    from ozgdesk.model.store import Store

    zeilen = [["01.10.2025", "12.500,00", "0602 532 01", "BMAS-2024-01", "S-1", "Abschlag ä"],
              ["02.10.2025", "-250,00", "0602 532 01", "BMAS-2024-03", "S-2", "Rückzahlung"],
              ["1.10.25", "1 234,56", "060253201", "BMAS-2024-05", "S-3", 'Text mit "Zitat" und \\ und \u20ac'],
              ["2025-10-04", "7", "0602 532 01", "BMAS-2024-01", "S-4", ""]]
    datei = _csv(tmp_path / "hkr.csv", zeilen)
    ergebnisse = []
    for art in ("sammel", "orm"):
        home = tmp_path / art
        home.mkdir()
        shutil.copyfile(_demo_vorlage, home / "ozgdesk.sqlite")
        with monkeypatch.context() as m:
            if art == "orm":
                m.setattr(sammelschreiber, "einfuegen", sammelschreiber._ueber_das_orm)
            with Store.oeffnen(home / "ozgdesk.sqlite") as store:
                zi.uebernehmen(store, datei, heute=HEUTE, benutzer="Frau Test")
        zahlungen, protokoll = _gespeichert(home)
        assert len(zahlungen) == 4 and len(protokoll) == 4
        seqs = [p[8] for p in protokoll]
        assert seqs == list(range(seqs[0], seqs[0] + 4)) and len({p[9] for p in protokoll}) == 1
        assert {p[7] for p in protokoll} != {None}
        ergebnisse.append(_ohne_ids(zahlungen, protokoll))
    assert ergebnisse[0] == ergebnisse[1]


def test_sammelschreiber_ohne_sqlite_weg_gleich(demo_store, monkeypatch):
    """The generic path (SQLAlchemy Core, for other databases) stores and logs the same."""
    with demo_store.lesen() as s:
        pid = s.scalars(select(Projekt.id)).first()
    datensaetze = [{"projekt_id": pid, "datum": date(2025, 10, i), "betrag_cent": 100 * i,
                    "haushaltsstelle": Haushaltsstelle.parse("0602 532 01"), "kostenart": Kostenart.SOFTWARE,
                    "referenz": f"G-{i}", "bemerkung": "ä"} for i in range(1, 6)]
    ergebnisse = []
    for generisch in (False, True):
        with demo_store.session(quelle="test", benutzer="T") as s, monkeypatch.context() as m:
            if generisch:
                m.setattr(sammelschreiber, "_sqlite", lambda dialekt: False)
            ids = sammelschreiber.einfuegen(s, Mittelabfluss, [{**d, "referenz": d["referenz"] + str(generisch)}
                                                               for d in datensaetze])
        with demo_store.lesen() as s:
            gespeichert = [(m.datum, m.betrag_cent, str(m.haushaltsstelle), m.kostenart, m.bemerkung)
                           for m in (s.get(Mittelabfluss, i) for i in ids)]
            from ozgdesk.model.protokoll import Aenderung

            eintraege = [json.loads(a.neu) for a in s.scalars(select(Aenderung).where(Aenderung.datensatz_id.in_(ids))
                                                              .order_by(Aenderung.seq))]
        assert [e["id"] for e in eintraege] == ids
        ergebnisse.append((gespeichert, [{k: v for k, v in e.items() if k not in ("id", "referenz")} for e in eintraege]))
    assert ergebnisse[0] == ergebnisse[1]


_WERT = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(),
                     lambda kinder: st.lists(kinder) | st.dictionaries(st.text(), kinder), max_leaves=10)


@settings(max_examples=300, deadline=None)
@given(wert=_WERT)
def test_protokoll_json_wie_json_dumps(wert):
    assert _dump(wert) == json.dumps(wert, ensure_ascii=False, sort_keys=True)


def test_json_eines_datensatzes_wie_json_dumps():
    namen = ["d_nichts", "b_text", "a_zahl", "e_gemischt", "c_wahr"]  # in any order: the text sorts them
    spalten = [[None, None, None], ["ä\"\\\n\t\u2028", "", "x"], [1, -2, 10**15], ["1", 2, None],
               [True, False, True]]
    texte = sammelschreiber.json_texte(namen, spalten)
    erwartet = [json.dumps(dict(zip(namen, werte, strict=True)), ensure_ascii=False, sort_keys=True)
                for werte in zip(*spalten, strict=True)]
    assert texte == erwartet


def test_neue_ids_sind_uuid4():
    import uuid

    ids = neue_ids(5000)
    assert len(set(ids)) == 5000
    assert all(uuid.UUID(x).version == 4 and uuid.UUID(x).variant == uuid.RFC_4122 and str(uuid.UUID(x)) == x
               for x in ids)


_TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=30)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.fixed_dictionaries({
    "schluessel": st.one_of(st.none(), st.from_regex(r"\d{14}", fullmatch=True), _TEXT),
    "bezeichnung": _TEXT, "typ": st.one_of(_TEXT, st.text(max_size=45)), "rechtsgrundlage": _TEXT,
    "gesetze": _TEXT, "gesetzeskuerzel": _TEXT, "sdg1": st.one_of(st.booleans(), st.integers(0, 1)),
    "sdg2": st.booleans(), "im_katalog": st.booleans()}), min_size=1, max_size=8))
def test_sammelpruefung_wie_einzelpruefung(zeilen):
    """werte_pruefen_alle accepts what werte_pruefen accepts, and refuses with the same first error."""
    def fehler(f) -> str | None:  # noqa: ANN001
        try:
            f()
        except (Eingabefehler, Feldfehler) as e:
            return f"{type(e).__name__}: {e}"
        return None

    def einzeln() -> None:
        for z in zeilen:
            werte_pruefen(LeikaLeistung, z)

    assert fehler(lambda: werte_pruefen_alle(LeikaLeistung, zeilen)) == fehler(einzeln)


def test_sammelpruefung_datum_und_betrag(demo_store):
    with demo_store.lesen() as s:
        pid = s.scalars(select(Projekt.id)).first()
    gut = {"projekt_id": pid, "datum": date(2025, 1, 1), "betrag_cent": 5, "haushaltsstelle": None,
           "kostenart": Kostenart.SOFTWARE, "referenz": "", "bemerkung": ""}
    for schlecht, teil in [({"datum": date(1999, 12, 31)}, "Datum"), ({"betrag_cent": 10**13 + 1}, "Betrag"),
                           ({"betrag_cent": 0}, "Betrag fehlt"), ({"betrag_cent": True}, "Betrag"),
                           ({"referenz": "x" * 101}, "Referenz"), ({"bemerkung": "a\x00b"}, "Bemerkung")]:
        zeilen = [gut, {**gut, **schlecht}, gut]
        with pytest.raises((Eingabefehler, Feldfehler)) as alle:
            werte_pruefen_alle(Mittelabfluss, zeilen)
        with pytest.raises((Eingabefehler, Feldfehler)) as einzeln:
            for z in zeilen:
                werte_pruefen(Mittelabfluss, z)
        assert str(alle.value) == str(einzeln.value) and teil in str(alle.value)
    werte_pruefen_alle(Mittelabfluss, [gut, {**gut, "datum": date(2100, 12, 31), "betrag_cent": -10**13}])


@pytest.mark.parametrize("text", ["a;b\r\nc;d\r\n", "a;b\nc;d", "a;b\r\n\r\nc;d\r\n", "a;b\rc;d\r", "a\x00;b\r\n",
                                  'a;"b\r\nc";d\r\n', "a;b\r\nc;d;e\r\n"])
def test_csv_in_einem_zug_wie_zeile_fuer_zeile(text):
    def zeilen(f) -> Any:  # noqa: ANN001
        try:
            return f()
        except zi.Zahlungsimportfehler as e:
            return str(e)

    assert zeilen(lambda: zi._csv_alle_zeilen("x.csv", text, ";")) == \
        zeilen(lambda: list(zi._csv_zeilen("x.csv", text, ";")))


def test_betrag_schnell_wie_betrag_lesen():
    proben = ["12.500,00", "1.234.567,89", "-250,00", "0,50", "-0,00", "0,00", "999.999.999.999.999,99",
              "9.999.999.999.999,99", "10.000.000.000.000,00", "01,00", "1.23,00", "12.500,0", "12.500,000"]
    for p in proben:
        try:
            erwartet: Any = zi.betrag_lesen(p)
        except Eingabefehler as e:
            erwartet = str(e)
        try:
            schnell: Any = zi._betrag_schnell(p)
        except Eingabefehler as e:
            schnell = str(e)
        assert schnell == erwartet, p
    assert zi._betrag_schnell(1234.5) == zi.betrag_lesen(1234.5) == 123450  # an XLSX number: the same way
