"""Two-step opening: check the file and read the start page with plain sqlite3, open the Store later."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from sqlalchemy import select

from ozgdesk.model import Projekt
from ozgdesk.model.errors import Speicherfehler
from ozgdesk.model.schnellstart import VerzoegerterStore, schnell_oeffnen
from ozgdesk.model.store import Store


def _dateien(ordner: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(ordner.iterdir()) if p.is_file()}


def _mit_revision(vorlage: Path, ziel: Path, revision: str) -> Path:
    """A copy of ``vorlage`` claiming another schema revision (older: to migrate; newer: refused)."""
    ziel.write_bytes(vorlage.read_bytes())
    con = sqlite3.connect(ziel)
    con.execute("UPDATE alembic_version SET version_num = ?", (revision,))
    con.commit()
    con.close()
    return ziel


def test_fehlende_leere_und_alte_dateien_nehmen_den_normalen_weg(tmp_path, _leer_vorlage):
    assert schnell_oeffnen(tmp_path / "gibt-es-nicht.sqlite") is None
    assert not (tmp_path / "gibt-es-nicht.sqlite").exists()  # checking never creates the file
    (tmp_path / "leer.sqlite").write_bytes(b"")
    assert schnell_oeffnen(tmp_path / "leer.sqlite") is None
    alt = _mit_revision(_leer_vorlage, tmp_path / "alt.sqlite", "0007")
    assert schnell_oeffnen(alt) is None  # to migrate: Store.oeffnen backs it up and upgrades it


def test_ohne_ressort_kommt_der_einrichtungsassistent(tmp_path):
    with Store.oeffnen(tmp_path / "neu.sqlite"):
        pass  # schema at head, but nothing set up yet
    assert schnell_oeffnen(tmp_path / "neu.sqlite") is None


@pytest.mark.parametrize("inhalt, meldung", [
    (b"kein SQLite, sondern Text" * 100, "keine ozgdesk-Datenbank"),
    (b"SQLite format 3\x00" + b"\xff" * 4000, "beschädigt"),
])
def test_fremde_und_beschaedigte_dateien_werden_unveraendert_abgelehnt(tmp_path, inhalt, meldung):
    (tmp_path / "x.sqlite").write_bytes(inhalt)
    vorher = _dateien(tmp_path)
    with pytest.raises(Speicherfehler, match=meldung):
        schnell_oeffnen(tmp_path / "x.sqlite")
    assert _dateien(tmp_path) == vorher


def test_neueres_schema_wird_vom_store_abgelehnt(tmp_path, _leer_vorlage):
    pfad = _mit_revision(_leer_vorlage, tmp_path / "neu.sqlite", "9999")
    assert schnell_oeffnen(pfad) is None  # not at head: the normal path decides …
    with pytest.raises(Speicherfehler, match="neueren ozgdesk-Version"):
        Store.oeffnen(pfad)  # … and refuses it


def test_liest_sofort_und_oeffnet_den_store_erst_bei_bedarf(demo_home):
    store = schnell_oeffnen(demo_home / "ozgdesk.sqlite")
    assert isinstance(store, VerzoegerterStore) and not store.ist_geoeffnet
    with store.roh_lesen() as con:
        assert con.execute("SELECT count(*) FROM projekt").fetchone()[0] == 18
        with pytest.raises(sqlite3.OperationalError, match="readonly"):
            con.execute("DELETE FROM projekt")
    assert not store.ist_geoeffnet
    with store.session(benutzer="Test") as s:  # any Store attribute opens it; writes are logged as usual
        p = s.execute(select(Projekt).where(Projekt.kennung == "BMAS-2024-01")).scalar_one()
        p.titel = "Neuer Titel"
    assert store.ist_geoeffnet
    with store.roh_lesen() as con:
        assert con.execute("SELECT titel FROM projekt WHERE kennung = 'BMAS-2024-01'").fetchone()[0] == "Neuer Titel"
        assert con.execute("SELECT count(*) FROM aenderung WHERE feld = 'titel' AND neu LIKE '%Neuer Titel%'").fetchone()[0] == 1
    store.schliessen()


def test_gleichzeitiger_erster_zugriff_oeffnet_genau_einen_store(demo_home):
    store = schnell_oeffnen(demo_home / "ozgdesk.sqlite")
    assert store is not None
    ergebnisse: list[Store] = []
    start = threading.Barrier(4)

    def zugreifen() -> None:
        start.wait()
        ergebnisse.append(store.geoeffnet())

    faeden = [threading.Thread(target=zugreifen) for _ in range(4)]
    for f in faeden:
        f.start()
    for f in faeden:
        f.join()
    assert len({id(s) for s in ergebnisse}) == 1
    store.schliessen()


def test_startseite_braucht_kein_sqlalchemy(demo_home):
    """The reason for the two steps: checking the file and computing the Übersicht load no SQLAlchemy."""
    code = (
        "import sys\n"
        "from ozgdesk.model.schnellstart import schnell_oeffnen\n"
        "from ozgdesk.model.uebersicht import uebersicht, ressort_kopf\n"
        "from ozgdesk.model.stichtag import DEMO_STICHTAG\n"
        f"store = schnell_oeffnen({str(demo_home / 'ozgdesk.sqlite')!r})\n"
        "with store.roh_lesen() as con:\n"
        "    u = uebersicht(con, DEMO_STICHTAG); r = ressort_kopf(con)\n"
        "print(r.kurzname, u.projekte, any(m.startswith('sqlalchemy') for m in sys.modules))\n"
    )
    umgebung = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=umgebung).stdout
    assert out.split() == ["BMAS", "18", "False"]


def test_verschwundene_datei_wird_nicht_neu_angelegt(demo_home, tmp_path):
    store = schnell_oeffnen(demo_home / "ozgdesk.sqlite")
    assert store is not None
    (demo_home / "ozgdesk.sqlite").rename(tmp_path / "woanders.sqlite")  # moved away after the check
    for _ in range(2):  # the failure is kept, not retried (and never creates an empty database)
        with pytest.raises(Speicherfehler, match="nicht mehr vorhanden"):
            store.geoeffnet()
    assert not (demo_home / "ozgdesk.sqlite").exists()


def test_lesefehler_kommen_als_deutsche_meldung(demo_home):
    store = schnell_oeffnen(demo_home / "ozgdesk.sqlite")
    assert store is not None
    with pytest.raises(Speicherfehler, match="konnte nicht gelesen werden"), store.roh_lesen() as con:
        con.execute("SELECT * FROM gibt_es_nicht")
