"""Opening the store: fresh, upgrade with backup, and refusals that leave the file untouched."""

import hashlib
import os
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import create_engine

from ozgdesk.model import Store
from ozgdesk.model.errors import Speicherfehler
from ozgdesk.model.store import alembic_config, bekannte_revisionen


def _hash(pfad: Path) -> str:
    return hashlib.sha256(pfad.read_bytes()).hexdigest()


def _dateien(ordner: Path) -> dict[str, str]:
    return {p.name: _hash(p) for p in sorted(ordner.iterdir()) if p.is_file()}


def test_neue_datenbank_ist_aktuell_mit_wal_und_fremdschluesseln(tmp_path):
    pfad = tmp_path / "neu.sqlite"
    with Store.oeffnen(pfad) as store:
        assert store.revision() == bekannte_revisionen()[1]
        with store.engine.connect() as con:
            assert con.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert con.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert store.sicherung is None
    assert stat.S_IMODE(os.stat(pfad).st_mode) == 0o600  # owner-only


def test_geraete_id_bleibt_ueber_neustarts(tmp_path):
    pfad = tmp_path / "db.sqlite"
    with Store.oeffnen(pfad) as a:
        erste = a.geraet_id
    with Store.oeffnen(pfad) as b:
        assert b.geraet_id == erste


def test_aelteres_schema_wird_gesichert_und_aktualisiert(tmp_path):
    pfad = tmp_path / "alt.sqlite"
    engine = create_engine(f"sqlite:///{pfad}")
    with engine.begin() as con:
        cfg = alembic_config()
        cfg.attributes["connection"] = con
        command.upgrade(cfg, "0001")
        con.exec_driver_sql(
            "INSERT INTO behoerde (id, name, kurzname, art, erstattungsanspruch, anschrift) "
            "VALUES ('b1', 'Bundesamt für Test', 'BfT', 'unmittelbar', 0, '')"
        )
    engine.dispose()
    vorher = _hash(pfad)
    with Store.oeffnen(pfad) as store:
        assert store.revision() == bekannte_revisionen()[1]
        assert store.sicherung is not None and store.sicherung.parent.name == "backups"
        with store.engine.connect() as con:
            assert con.exec_driver_sql("SELECT name FROM behoerde WHERE id='b1'").scalar() == "Bundesamt für Test"
    # the backup is the old database, readable and at the old revision
    alt = sqlite3.connect(store.sicherung)
    assert alt.execute("SELECT version_num FROM alembic_version").fetchone()[0] == "0001"
    assert alt.execute("SELECT count(*) FROM behoerde").fetchone()[0] == 1
    alt.close()
    assert "schema-0001" in store.sicherung.name
    assert vorher  # the original had content


def test_neueres_schema_wird_abgelehnt_und_nicht_veraendert(tmp_path):
    pfad = tmp_path / "ozgdesk.sqlite"
    with Store.oeffnen(pfad) as store:
        with store.engine.begin() as con:
            con.exec_driver_sql("UPDATE alembic_version SET version_num='9999'")
    assert not list(tmp_path.glob("ozgdesk.sqlite-*"))  # closing the last connection checkpoints the WAL
    vorher = _dateien(tmp_path)
    with pytest.raises(Speicherfehler, match="neueren ozgdesk-Version") as e:
        Store.oeffnen(pfad)
    assert "9999" in str(e.value) and "nicht verändert" in str(e.value)
    assert _dateien(tmp_path) == vorher


@pytest.mark.parametrize(
    "inhalt, meldung",
    [
        (b"Das ist keine Datenbank, sondern ein Brief.\n" * 20, "keine ozgdesk-Datenbank"),
        (b"SQLite format 3\x00" + b"\xff" * 4000, "beschädigt"),
    ],
)
def test_kaputte_datei_wird_abgelehnt_und_nicht_veraendert(tmp_path, inhalt, meldung):
    pfad = tmp_path / "ozgdesk.sqlite"
    pfad.write_bytes(inhalt)
    vorher = _dateien(tmp_path)
    with pytest.raises(Speicherfehler, match=meldung):
        Store.oeffnen(pfad)
    assert _dateien(tmp_path) == vorher


def test_abgeschnittene_datenbank_wird_abgelehnt(tmp_path, _demo_vorlage):
    pfad = tmp_path / "ozgdesk.sqlite"
    pfad.write_bytes(_demo_vorlage.read_bytes()[: 40 * 4096])
    vorher = _dateien(tmp_path)
    with pytest.raises(Speicherfehler, match="beschädigt"):
        Store.oeffnen(pfad)
    assert _dateien(tmp_path) == vorher


def test_fremde_sqlite_datenbank_wird_abgelehnt(tmp_path):
    pfad = tmp_path / "fremd.sqlite"
    con = sqlite3.connect(pfad)
    con.execute("CREATE TABLE kunden (id INTEGER)")
    con.commit()
    con.close()
    vorher = _dateien(tmp_path)
    with pytest.raises(Speicherfehler, match="fremde SQLite-Datenbank"):
        Store.oeffnen(pfad)
    assert _dateien(tmp_path) == vorher


def test_migrationen_haben_genau_einen_kopf_und_passen_zum_modell(tmp_path):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from sqlalchemy import exc as sa_exc

    import ozgdesk.sync.zustand  # noqa: F401  (device-local sync tables live in their own package)
    from ozgdesk.model import volltext
    from ozgdesk.model.base import Base

    with Store.oeffnen(tmp_path / "x.sqlite") as store, store.engine.connect() as con:
        # SQLAlchemy cannot reflect an index on an expression and says so; such an index is
        # skipped by the comparison and checked by name and definition below instead
        with pytest.warns(sa_exc.SAWarning, match="expression-based index ix_meilenstein_termin"), \
                pytest.warns(UserWarning, match="skipping metadata-specified expression-based index 'ix_meilenstein_termin'"):
            # the text index (FTS5 tables, the note of rows still to index) lives outside the ORM model
            kontext = MigrationContext.configure(con, opts={"include_name": lambda name, art, _eltern: not (
                art == "table" and name is not None and volltext.ist_volltext_tabelle(name))})
            unterschiede = compare_metadata(kontext, Base.metadata)
        assert unterschiede == []
        definition = con.exec_driver_sql(
            "SELECT sql FROM sqlite_master WHERE type = 'index' AND name = 'ix_meilenstein_termin'").scalar()
        assert definition is not None and "coalesce(prognose_datum, plan_datum), status" in definition


def test_modell_laedt_kein_qt():
    code = "import sys, ozgdesk.model, ozgdesk.model.austausch, ozgdesk.model.demo, ozgdesk.cli, ozgdesk.reports, ozgdesk.sync; " \
           "print(any(m.startswith('PySide6') for m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


def test_schemakopf_aus_dateien_gleich_alembic():
    from ozgdesk.model.store import schema_kopf

    assert schema_kopf() == bekannte_revisionen()[1]


def test_oeffnen_ohne_vollpruefung_laedt_kein_alembic(tmp_path):
    pfad = tmp_path / "db.sqlite"
    Store.oeffnen(pfad).schliessen()
    code = ("import sys; from ozgdesk.model import Store; "
            f"s = Store.oeffnen({str(pfad)!r}, vollpruefung=False); print(s.integritaet_pruefen()); "
            "print(any(m == 'alembic' or m.startswith('alembic.') for m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["None", "False"]


def test_abgeschnittene_datenbank_auch_ohne_vollpruefung_erkannt(tmp_path, _demo_vorlage):
    pfad = tmp_path / "ozgdesk.sqlite"
    pfad.write_bytes(_demo_vorlage.read_bytes()[: 40 * 4096])
    with pytest.raises(Speicherfehler, match="beschädigt"):
        Store.oeffnen(pfad, vollpruefung=False)
