"""The Änderungsprotokoll's first page without SQLAlchemy (``ozgdesk.model.protokollvorab``) is the
full path's first page, field by field – on the demo store and on a store of edge cases – and the
catalogue it reads the entities' metadata from is what the entity classes say today."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime, timedelta

import pytest

from ozgdesk.model import protokollansicht as pa
from ozgdesk.model import protokollbenennung as pb
from ozgdesk.model import protokolltext as pt
from ozgdesk.model import protokollvorab as pv
from ozgdesk.model import protokollwerte as pw
from ozgdesk.model.base import datensatz_name
from ozgdesk.model.protokoll import PROTOKOLLSPALTEN
from ozgdesk.model.protokollkatalog import TABELLEN
from tests.test_protokollansicht import bearbeitungen_eintragen

pytestmark = pytest.mark.beide_datenbanken


@pytest.fixture
def protokoll(demo_store):  # noqa: ANN001, ANN201
    bearbeitungen_eintragen(demo_store)
    return demo_store


def test_katalog_ist_aus_den_entitaeten_erzeugt():
    """The catalogue can never drift from the classes: regenerate it and compare. If this fails,
    run ``python -m ozgdesk.model.protokollwerte`` and commit the result."""
    import ozgdesk.sync.zustand  # noqa: F401 - as the generator: its tables register, known as not logged

    assert pw.KATALOGDATEI.read_text(encoding="utf-8") == pw.katalog_text()


def test_namen_aus_kennfeldern_wie_in_jeder_meldung():
    klassen = pw.klassen()
    werte_liste = [{}, {"id": "0123456789abcdef"}, {"id": ""}, {"nummer": 12}, {"nummer": 10**40},
                   {"nummer": True}, {"nummer": 1.5, "id": "abcdefghijkl"}, {"name": "  "}, {"name": "x\x1b\u202ey" * 20},
                   {"schluessel": "99001", "bezeichnung": "B"}, {"benutzer": None, "art": "a"}, {"nummer": [1]}]
    for tabelle in TABELLEN:
        for werte in werte_liste:
            breit = {k: werte.get(next(iter(werte), ""), None) for k in TABELLEN[tabelle]["kennfelder"]} | werte
            assert pb.kennfelder_name(tabelle, breit) == datensatz_name(klassen[tabelle], breit), (tabelle, breit)


def _vergleichen(store, limit: int = pa.SEITENGROESSE) -> pa.Protokollseite:  # noqa: ANN001
    with store.lesen() as s:
        voll = pa.laden(s, pa.Protokollfilter(), limit=limit)
    with store.roh_lesen() as con:
        vorab = pv.erste_seite(con, limit)
    assert (vorab.anzahl, vorab.mindestens) == (voll.anzahl, voll.mindestens)
    assert len(vorab.zeilen) == len(voll.zeilen)
    for v, f in zip(vorab.zeilen, voll.zeilen, strict=True):
        assert v == f  # every field: texts, names, time, where it opens
        assert v.zeit == f.zeit
    return voll


def test_erste_seite_wie_der_volle_weg_demo(protokoll):  # noqa: ANN001
    seite = _vergleichen(protokoll)
    assert len(seite.zeilen) == pa.SEITENGROESSE and seite.anzahl
    tief = _vergleichen(protokoll, limit=5000)  # deeper: the demo's creation entries of every kind, the edits
    assert any(z.datensatz == "Vorläufige Projektstelle (VPS) (gelöscht)" for z in tief.zeilen)


def _grenzfaelle(store) -> int:  # noqa: ANN001
    """Hostile log entries, newest of all, written behind the ORM's back: every logged table (an
    existing record where there is one, else an id the log knows or not), every action, every
    source, odd values – NULL, JSON that is not JSON, wrong types, unknown codes, huge numbers,
    unknown tables and fields, references to nothing."""
    from ozgdesk.model.protokollwerte import klassen

    beginn = datetime(2099, 1, 1, tzinfo=UTC)
    zeilen: list[tuple] = []
    quellen = [*pt.QUELLEN, "lokal", "", "unbekannt"]
    with store.roh_lesen() as con:
        vorhanden = {t: [r[0] for r in con.execute(f"SELECT id FROM {t} ORDER BY id LIMIT 2")] for t in TABELLEN}
    werte_je_art = {"bool": [True, 0, "ja"], "code": ["gruen", "blau", 7], "euro": [1250, "12", 1.5, 10**30],
                    "ganz": [2026, 123456, "x"], "dezimal": ["1234.5", "abc", 3], "zeit": ["2026-01-02T03:04:05+00:00", "gestern"],
                    "datum": ["2026-12-31", "31.12.2026", 20261231], "quartal": ["2026-Q3", "Q9"],
                    "haushaltsstelle": ["0101 532 01", "kaputt"], "text": ["Text\nmit Zeile", "x" * 5000, ["liste"]]}
    n = 0

    def eintrag(tabelle: str, rid: str, aktion: str, feld: str | None, alt: str | None, neu: str | None) -> None:
        nonlocal n
        n += 1
        zeilen.append((f"ffffffff-0000-4000-8000-{n:012d}", "grenzfall", n, "t", (beginn + timedelta(minutes=n // 3))
                       .isoformat(), ["Erika Muster", "", "Ü ß"][n % 3], quellen[n % len(quellen)], tabelle, rid, aktion,
                       feld, alt, neu))

    for tabelle, info in TABELLEN.items():
        cls = klassen()[tabelle]
        ids = vorhanden[tabelle] or ["00000000-0000-4000-8000-00000000dead"]
        rid = ids[0]
        spalten = [c.key for c in cls.__table__.columns if c.key != "id"]
        for i, feld in enumerate(spalten):
            art, ziel, _codes = info["spalten"][feld]
            if ziel is not None:
                kandidaten = vorhanden.get(ziel, []) + ["00000000-0000-4000-8000-0000000000ff", None]
                alt, neu = kandidaten[i % len(kandidaten)], kandidaten[(i + 1) % len(kandidaten)]
            else:
                liste = werte_je_art[art]
                alt, neu = liste[i % len(liste)], liste[(i + 1) % len(liste)]
            eintrag(tabelle, rid, pt.AENDERN, feld, json.dumps(alt), None if neu is None else json.dumps(neu))
        voll = {k: werte_je_art[info["spalten"][k][0]][0] for k in spalten}
        weg = f"00000000-0000-4000-8000-{len(zeilen) + 1:012d}"
        eintrag(tabelle, weg, pt.ANLEGEN, None, None, json.dumps(voll))
        eintrag(tabelle, weg, pt.LOESCHEN, None, json.dumps(voll), None)
        eintrag(tabelle, rid, pt.ANLEGEN, None, None, "kein json {")
        eintrag(tabelle, rid, pt.LOESCHEN, None, json.dumps([1, 2]), None)
    eintrag("gibt_es_nicht", "x", pt.AENDERN, "feld", "1", "2")
    eintrag("projekt", vorhanden["projekt"][0], pt.AENDERN, "gibt_es_nicht", "null", "{\"a\": 1}")
    eintrag("projekt", vorhanden["projekt"][0], "kopieren", "titel", "\"a\"", "\"b\"")
    eintrag("behoerde", "00000000-0000-4000-8000-0000000000aa", pt.LOESCHEN, None, None, None)
    einfuegen = f"INSERT INTO aenderung ({', '.join(PROTOKOLLSPALTEN)}) VALUES ({', '.join('?' for _ in PROTOKOLLSPALTEN)})"
    if store.ist_server:
        with store.session() as s:
            s.connection().exec_driver_sql(einfuegen.replace("?", "%s"), zeilen)
    else:
        con = sqlite3.connect(store.pfad)
        with con:
            con.executemany(einfuegen, zeilen)
        con.close()
    return len(zeilen)


def test_erste_seite_wie_der_volle_weg_grenzfaelle(protokoll):  # noqa: ANN001
    anzahl = _grenzfaelle(protokoll)
    assert anzahl > pa.SEITENGROESSE
    seite = _vergleichen(protokoll)
    assert {z.benutzer for z in seite.zeilen} >= {"Erika Muster", "", "Ü ß"}
    tief = _vergleichen(protokoll, limit=anzahl + 100)
    arten = {z.tabelle for z in tief.zeilen}
    assert arten >= set(TABELLEN) | {"gibt_es_nicht"}
    assert {z.aktion for z in tief.zeilen} >= {"angelegt", "geändert", "gelöscht", "kopieren"}
    assert {z.quelle for z in tief.zeilen} >= {label for label, _g in pt.QUELLEN.values()} | {"nicht erfasst"}
    assert any(z.ziel is not None for z in tief.zeilen) and any(z.datensatz.endswith("(gelöscht)") for z in tief.zeilen)


def test_wenige_und_keine_eintraege(leerer_store):  # noqa: ANN001
    seite = _vergleichen(leerer_store, limit=10_000)  # the page holds them all: counted from the page
    assert seite.anzahl == len(seite.zeilen) > 0
    with leerer_store.session() as s:
        s.connection().exec_driver_sql("DELETE FROM aenderung")
    assert _vergleichen(leerer_store) == pa.Protokollseite([], 0)


def test_nur_die_startanfrage_wird_vorab_beantwortet():
    assert pv.beantwortet(pa.Protokollfilter())
    assert not pv.beantwortet(pa.Protokollfilter(aelteste_zuerst=True))
    assert not pv.beantwortet(pa.Protokollfilter(person="Erika Muster"))
