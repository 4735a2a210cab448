"""The big tables' first page over plain sqlite3 equals the normal query's (Qt-free)."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date

import pytest

from ozgdesk.model import schnelltabellen, tabellen
from ozgdesk.model.datei import roh_lesen
from ozgdesk.model.finanzen import Mittelabfluss
from ozgdesk.model.projekte import Meilenstein, Projekt
from ozgdesk.model.schnellstart import schnell_oeffnen
from ozgdesk.model.stichtag import DEMO_STICHTAG
from ozgdesk.model.values import Finanzierung, Haushaltsstelle, Kostenart

NAMEN = sorted(schnelltabellen.KOEPFE)


def _voll(name: str) -> tabellen.Tabellenabfrage:
    return schnelltabellen.abfrage(name, DEMO_STICHTAG).voll()


@pytest.mark.parametrize("name", NAMEN)
def test_kopf_beschreibt_die_tabelle_wie_die_volle_abfrage(name):
    kopf, voll = schnelltabellen.KOEPFE[name], _voll(name)
    assert (kopf.name, kopf.titel, kopf.standard_sortierung) == (voll.name, voll.titel, voll.standard_sortierung)
    assert [(s.schluessel, s.titel, s.art, s.sortierbar) for s in kopf.spalten] == \
           [(s.schluessel, s.titel, s.art, s.sortierbar) for s in voll.spalten]
    assert [(f.schluessel, f.titel) for f in kopf.filter] == [(f.schluessel, f.titel) for f in voll.filter]


def _gleiche_erste_seite(store, name: str, limit: int) -> None:  # noqa: ANN001
    kopf, voll = schnelltabellen.KOEPFE[name], _voll(name)
    anfrage = tabellen.Anfrage(filter=dict(kopf.start_filter))
    summen = [s.schluessel for s in kopf.spalten if s.art == "euro"]
    with roh_lesen(store.pfad) as con:
        roh = schnelltabellen.erste_seite(con, kopf, limit, summen)
    with store.lesen() as s:
        normal = (voll.anzahl(s, anfrage), voll.seite(s, anfrage, limit), voll.summen(s, anfrage, summen))
    assert roh == normal
    # same Python types too: the next page is read by keyset from the last row's values
    assert [[type(w) for w in z.werte] for z in roh[1]] == [[type(w) for w in z.werte] for z in normal[1]]
    assert len(roh[1]) == min(limit, normal[0])


@pytest.mark.parametrize("name", NAMEN)
@pytest.mark.parametrize("limit", [1, 7, 200])
def test_erste_seite_gleicht_der_normalen_abfrage(demo_store, name, limit):
    _gleiche_erste_seite(demo_store, name, limit)


def test_gleichstand_und_leere_felder_wie_die_normale_abfrage(demo_store):
    """Ties in the sort column are broken by id in both; empty columns stay None in both."""
    with demo_store.session(benutzer="Test") as s:
        projekt = s.query(Projekt).order_by(Projekt.kennung).first()
        assert projekt is not None
        for i in range(5):
            s.add(Mittelabfluss(projekt_id=projekt.id, datum=date(2027, 1, 1), betrag_cent=100 + i,
                                haushaltsstelle=Haushaltsstelle.parse("0602 532 01"), kostenart=Kostenart.SOFTWARE,
                                referenz=f"GLEICH-{i}", bemerkung=""))
            s.add(Meilenstein(projekt_id=projekt.id, titel=f"Früh {i}", plan_datum=date(2020, 1, 1) if i else None))
        s.add(Projekt(kennung="AAA-0000-00", titel="ohne Behörde und Leitung", finanzierung=Finanzierung.VOLL))
    for name in NAMEN:
        _gleiche_erste_seite(demo_store, name, 4)
        _gleiche_erste_seite(demo_store, name, 200)


def test_plain_sql_nur_fuer_die_startanfrage_und_nur_vor_dem_store(demo_home):
    store = schnell_oeffnen(demo_home / "ozgdesk.sqlite")
    assert store is not None
    projekte = schnelltabellen.abfrage("projekte")
    assert projekte.vorab_laden(store, tabellen.Anfrage(), 5, ()) is not None
    assert projekte.vorab_laden(store, tabellen.Anfrage(sortierung="kennung"), 5, ()) is not None  # the default, named
    for anders in (tabellen.Anfrage(suche="BMAS"), tabellen.Anfrage(sortierung="titel"),
                   tabellen.Anfrage(sortierung="kennung", absteigend=True), tabellen.Anfrage(filter={"ampel": "rot"})):
        assert projekte.vorab_laden(store, anders, 5, ()) is None
    leistungen = schnelltabellen.abfrage("leistungen")
    assert leistungen.vorab_laden(store, tabellen.Anfrage(), 5, ()) is None  # the page starts with „Ressort“
    assert leistungen.vorab_laden(store, tabellen.Anfrage(filter={"umfang": "ressort"}), 5, ()) is not None
    assert not store.ist_geoeffnet
    store.geoeffnet()
    assert projekte.vorab_laden(store, tabellen.Anfrage(), 5, ()) is None  # the normal query from now on
    store.schliessen()


def test_erste_seiten_ohne_sqlalchemy(demo_home):
    """The reason for the plain SQL: every table page's first page loads no SQLAlchemy."""
    code = (
        "import sys\n"
        "from ozgdesk.model import schnelltabellen\n"
        "from ozgdesk.model.schnellstart import schnell_oeffnen\n"
        f"store = schnell_oeffnen({str(demo_home / 'ozgdesk.sqlite')!r})\n"
        "from ozgdesk.model.tabellenform import Anfrage\n"
        "n = [schnelltabellen.abfrage(k).vorab_laden(store, Anfrage(filter=dict(schnelltabellen.KOEPFE[k].start_filter)),"
        " 200, ('betrag',) if k == 'mittelabfluesse' else ())[0] for k in sorted(schnelltabellen.KOEPFE)]\n"
        "print(*n, any(m.startswith('sqlalchemy') for m in sys.modules))\n"
    )
    umgebung = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=umgebung).stdout
    assert out.split() == ["21", "108", "183", "18", "False"]
