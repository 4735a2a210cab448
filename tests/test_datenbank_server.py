"""The store on a PostgreSQL server (issue 17): one schema for both databases, the password only in
the keychain, German messages for what a server can refuse, the move of a file onto a server.

Runs against the throwaway server of tests/pg_server.py; without server binaries these tests are
skipped with the reason, in CI they fail.
"""

from __future__ import annotations

import io
import json
import re
import warnings
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect, select, text
from sqlalchemy.exc import SAWarning

from ozgdesk.cli import main
from ozgdesk.model import Projekt
from ozgdesk.model.errors import Eingabefehler, Speicherfehler
from ozgdesk.model import volltext
from ozgdesk.model.store import NurEinzelplatz, Store, bekannte_revisionen
from ozgdesk.model.verbindung import DIENST, ort_lesen
from tests.pg_server import PASSWORT, PASSWORT_ROLLE


# ------------------------------------------------------------------------------------ addresses
def test_adresse_mit_passwort_wird_abgelehnt_und_nie_gezeigt():
    for url in ("postgresql+psycopg://k.brenner:geheim@db.example/ozg", "postgresql://k.brenner@db.example/ozg?password=x"):
        with pytest.raises(Eingabefehler, match="Passwort") as e:
            ort_lesen(url)
        assert "geheim" not in str(e.value) and "Schlüsselbund" in str(e.value)


def test_adresse_wird_gelesen_und_sicher_angezeigt():
    ort = ort_lesen("postgresql://k.brenner@db.example:6432/ozg_bmas?sslmode=verify-full")
    assert (ort.dialekt, ort.benutzer, ort.host, ort.port, ort.datenbank) == ("postgresql", "k.brenner", "db.example",
                                                                             6432, "ozg_bmas")
    assert ort.anzeige == "postgresql://k.brenner@db.example:6432/ozg_bmas"
    assert ort.schluesselbund_name == "k.brenner@db.example:6432/ozg_bmas"
    assert ort.url_ohne_passwort == "postgresql+psycopg://k.brenner@db.example:6432/ozg_bmas?sslmode=verify-full"
    assert ort_lesen("/tmp/x.sqlite").dialekt == "sqlite" and ort_lesen("sqlite:///tmp/x.sqlite").pfad == Path("tmp/x.sqlite")
    for falsch, meldung in (("mysql://a@b/c", "mysql://"), ("postgresql://a@b/", "keine Datenbank"),
                            ("postgresql://a@b/c?sslmod=require", "unbekannten Parameter „sslmod“"),
                            ("postgresql://a@b:xy/c", "nicht lesbar")):
        with pytest.raises(Eingabefehler, match=re.escape(meldung)):
            ort_lesen(falsch)


def test_roh_sql_gilt_fuer_beide_treiber():
    """The hand-written SQL keeps sqlite3's placeholders; for psycopg they are translated, quoted text
    and casts untouched, a literal percent doubled."""
    from ozgdesk.model.roh import _wert, pg_sql

    assert pg_sql("SELECT * FROM t WHERE a = ? AND b IN (?, ?)") == "SELECT * FROM t WHERE a = %s AND b IN (%s, %s)"
    assert pg_sql("WHERE termin < :tag AND x = ':nicht' LIMIT :limit") == "WHERE termin < %(tag)s AND x = ':nicht' LIMIT %(limit)s"
    assert pg_sql("SELECT '?', \"a?b\", x::text, 'it''s ?' FROM t WHERE y LIKE 'a%' AND z = ?") == \
        "SELECT '?', \"a?b\", x::text, 'it''s ?' FROM t WHERE y LIKE 'a%%' AND z = %s"
    assert pg_sql("SELECT 5 % 2, ?") == "SELECT 5 %% 2, %s"
    from datetime import date
    from decimal import Decimal

    assert [_wert(w) for w in (True, date(2026, 12, 7), Decimal("12"), Decimal("1.5"), "x", None)] == \
        [1, "2026-12-07", 12, Decimal("1.5"), "x", None]


# ------------------------------------------------------------------------------- one schema for both
def _schema(engine) -> dict:  # noqa: ANN001
    """Tables, columns (normalised type, nullability, default), primary and foreign keys, unique
    constraints, indexes and triggers as the database reports them."""
    ins = inspect(engine)

    def typ(t) -> str:  # noqa: ANN001
        name = type(t).__name__.upper()
        laenge = getattr(t, "length", None)
        return f"{name}({laenge})" if laenge else name

    def vorgabe(d) -> str | None:  # noqa: ANN001
        return None if d is None else re.sub(r"::[\w ]+$", "", str(d)).strip("()")

    schema = {}
    for tabelle in sorted(ins.get_table_names()):
        indizes = sorted((i["name"], tuple(i["column_names"]), bool(i["unique"])) for i in ins.get_indexes(tabelle)
                         if not i.get("duplicates_constraint") and None not in i["column_names"])
        schema[tabelle] = {
            "spalten": [(c["name"], typ(c["type"]), c["nullable"], vorgabe(c.get("default")))
                        for c in ins.get_columns(tabelle)],
            "pk": ins.get_pk_constraint(tabelle)["constrained_columns"],
            "fk": sorted((tuple(f["constrained_columns"]), f["referred_table"], tuple(f["referred_columns"]),
                          (f.get("options") or {}).get("ondelete")) for f in ins.get_foreign_keys(tabelle)),
            "eindeutig": sorted(tuple(u["column_names"]) for u in ins.get_unique_constraints(tabelle)),
            "indizes": indizes,
        }
    return schema


def _sqlite_katalog(pfad: Path) -> tuple[set[tuple[str, str]], dict[str, str]]:
    """Triggers (table, name) and the expression indexes (name: expression) of the SQLite file."""
    import sqlite3

    con = sqlite3.connect(pfad)
    try:
        trigger = set(con.execute("SELECT tbl_name, name FROM sqlite_master WHERE type = 'trigger'"))
        indizes = {n: sql for n, sql in con.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' "
                                                    "AND sql LIKE '%(%(%'")}
        return trigger, indizes
    finally:
        con.close()


def _ausdruck(sql: str) -> str:
    """The indexed terms of a CREATE INDEX, normalised: ``coalesce(prognose_datum,plan_datum),status``."""
    innen = sql[sql.index("(") + 1:sql.rindex(")")]
    return re.sub(r"[\s\"]", "", innen).lower()


def test_dieselbe_migrationskette_ergibt_auf_beiden_datenbanken_dasselbe_schema(tmp_path, pg_server):
    """An empty SQLite file and an empty PostgreSQL database migrated to head: same tables, columns with
    their types, nullability and defaults, keys, unique constraints, indexes and triggers."""
    pfad = tmp_path / "leer.sqlite"
    Store.oeffnen(pfad).schliessen()
    url = pg_server.url(pg_server.neue_datenbank())
    Store.oeffnen(url).schliessen()
    e_sqlite, e_pg = create_engine(f"sqlite:///{pfad}"), create_engine(url)
    try:
        with warnings.catch_warnings():  # SQLite's reflection skips expression indexes: compared below
            warnings.simplefilter("ignore", SAWarning)
            sqlite_schema, pg_schema = _schema(e_sqlite), _schema(e_pg)
        with e_pg.connect() as con:
            pg_trigger = set(con.execute(text(
                "SELECT c.relname, t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                "WHERE NOT t.tgisinternal")).tuples())
            pg_ausdruecke = {n: sql for n, sql in con.execute(text(
                "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' AND indexdef LIKE '%(%(%'"))}
    finally:
        e_sqlite.dispose()
        e_pg.dispose()
    # the text index of the table search is SQLite's own (FTS5, its shadow tables, the note table and
    # the triggers feeding it: migration 0014); PostgreSQL searches with LIKE (docs/datenbanken.md)
    sqlite_schema = {t: v for t, v in sqlite_schema.items() if not volltext.ist_volltext_tabelle(t)}
    assert set(sqlite_schema) == set(pg_schema)
    for tabelle in sorted(sqlite_schema):
        assert sqlite_schema[tabelle] == pg_schema[tabelle], tabelle
    sqlite_trigger, sqlite_ausdruecke = _sqlite_katalog(pfad)
    sqlite_trigger = {(t, n) for t, n in sqlite_trigger if not volltext.ist_volltext_tabelle(n)}
    assert sqlite_trigger == pg_trigger == {("einreichung", "einreichung_keine_aenderung"),
                                            ("einreichung", "einreichung_keine_loeschung")}
    assert {n: _ausdruck(d) for n, d in sqlite_ausdruecke.items()} == {n: _ausdruck(d) for n, d in pg_ausdruecke.items()} \
        == {"ix_meilenstein_termin": "coalesce(prognose_datum,plan_datum),status"}
    assert len(sqlite_schema) > 30  # every table was compared, not an empty reflection


# ---------------------------------------------------------------------------------- the password
def test_passwort_nur_aus_dem_schluesselbund(pg_server, tmp_path, capsys):
    """Over TCP the server asks for a password (scram-sha-256): without one in the keychain a German
    message says how to store it; stored with the CLI the store opens; a wrong one is named as such."""
    db = pg_server.neue_datenbank()
    pg_server.sql(f"GRANT ALL ON DATABASE {db} TO {PASSWORT_ROLLE}", f"ALTER DATABASE {db} OWNER TO {PASSWORT_ROLLE}")
    url = pg_server.tcp_url(db)
    home = ["--home", str(tmp_path / "home")]
    with pytest.raises(Speicherfehler, match="verlangt ein Passwort") as e:
        Store.oeffnen(url)
    assert "ozgdesk-cli datenbank passwort setzen" in str(e.value)

    import keyring

    monkey_stdin = io.StringIO("falsch\n")
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr("sys.stdin", monkey_stdin)
        assert main([*home, "--db", url, "datenbank", "passwort", "setzen", "--password-stdin"]) == 0
    with pytest.raises(Speicherfehler, match="Passwort falsch"):
        Store.oeffnen(url)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr("sys.stdin", io.StringIO(PASSWORT + "\n"))
        assert main([*home, "--db", url, "datenbank", "passwort", "setzen", "--password-stdin"]) == 0
    ort = ort_lesen(url)
    assert keyring.get_password(DIENST, ort.schluesselbund_name) == PASSWORT
    capsys.readouterr()
    assert main([*home, "--db", url, "init", "--ressort", "BMI", "--json"]) == 0
    ausgabe = capsys.readouterr().out
    assert json.loads(ausgabe)["datenbank"] == f"postgresql://{PASSWORT_ROLLE}@127.0.0.1:{pg_server.port}/{db}"
    assert PASSWORT not in ausgabe
    protokoll = "".join(p.read_text(encoding="utf-8") for p in (tmp_path / "home" / "logs").glob("*.log*"))
    assert PASSWORT not in protokoll and "falsch" not in protokoll.replace("Passwort falsch", "")
    with Store.oeffnen(url) as store:
        assert store.personenname() == PASSWORT_ROLLE  # the server login, authenticated by the server
    assert main([*home, "--db", url, "datenbank", "passwort", "loeschen"]) == 0
    assert keyring.get_password(DIENST, ort.schluesselbund_name) is None


# ------------------------------------------------------------------------------- what is refused
def test_fremde_datenbank_und_falsche_sortierung_werden_abgelehnt(pg_server):
    fremd = pg_server.neue_datenbank()
    pg_server.sql("CREATE TABLE kunden (id int)", datenbank=fremd)
    with pytest.raises(Speicherfehler, match="fremde Tabellen"):
        Store.oeffnen(pg_server.url(fremd))
    with pg_server.verbinden(fremd) as con:
        assert con.execute("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'").fetchone()[0] == 1
    name = "t_sprache"
    pg_server.sql(f"CREATE DATABASE {name} TEMPLATE template0 ENCODING 'UTF8' LOCALE_PROVIDER icu ICU_LOCALE 'de-DE' "
                  "LOCALE 'C'")
    pg_server.datenbanken.append(name)
    with pytest.raises(Speicherfehler, match="LC_COLLATE 'C'"):
        Store.oeffnen(pg_server.url(name))


def test_neueres_schema_abgelehnt_aelteres_nur_durch_die_it_aktualisiert(pg_server, tmp_path, capsys):
    from alembic import command

    from ozgdesk.model.store import alembic_config

    db = pg_server.neue_datenbank()
    url = pg_server.url(db)
    engine = create_engine(url)
    with engine.begin() as con:  # an older ozgdesk set this database up
        cfg = alembic_config()
        cfg.attributes["connection"] = con
        command.upgrade(cfg, "0011")
    engine.dispose()
    with pytest.raises(Speicherfehler, match="ältere Schema 0011.*ozgdesk-cli datenbank aktualisieren"):
        Store.oeffnen(url)
    assert main(["--home", str(tmp_path), "--db", url, "datenbank", "aktualisieren", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["aktuell"] is True
    with Store.oeffnen(url) as store:
        assert store.revision() == bekannte_revisionen()[1]  # the newest migration of this ozgdesk
    pg_server.sql("UPDATE alembic_version SET version_num = '0099'", datenbank=db)
    with pytest.raises(Speicherfehler, match="neueren ozgdesk-Version"):
        Store.oeffnen(url)


def test_nur_lesende_anmeldung_liest_und_schreiben_wird_deutsch_abgelehnt(pg_server, request):
    from tests.conftest import pg_kopie

    url = pg_kopie(request, "demo")
    db = ort_lesen(url).datenbank
    pg_server.sql("CREATE ROLE ozg_leser LOGIN", f"GRANT CONNECT ON DATABASE {db} TO ozg_leser")
    pg_server.sql("GRANT SELECT ON ALL TABLES IN SCHEMA public TO ozg_leser", datenbank=db)
    with Store.oeffnen(url.replace("postgres@", "ozg_leser@")) as store:
        assert store.nur_lesen
        with store.lesen() as s:
            assert len(s.execute(select(Projekt.id)).all()) == 18
        with pytest.raises(Speicherfehler, match="darf in der Datenbank .* nur lesen"):
            with store.session() as s:
                s.execute(select(Projekt)).scalars().first().titel = "x"
    pg_server.sql("DROP OWNED BY ozg_leser", datenbank=db)
    pg_server.sql("DROP ROLE ozg_leser")


def test_gesperrte_datenbank_meldet_sich_deutsch_nach_der_wartezeit(demo_store_pg, pg_server):
    """A writer that holds the lock longer than ``warten``: the second is told in German, nothing written."""
    store = demo_store_pg
    db = store.ort.datenbank
    with pg_server.verbinden(db) as con:
        con.autocommit = False
        con.execute("SELECT pg_advisory_xact_lock(%s)", (int.from_bytes(b"ozgdesk", "big"),))
        kurz = Store.oeffnen(store.ort, warten=0.2)
        try:
            with pytest.raises(Speicherfehler, match=r"anderen Vorgang geändert .* nach 0,2 Sekunden nicht frei"):
                with kurz.session() as s:
                    s.execute(select(Projekt)).scalars().first().titel = "x"
        finally:
            kurz.schliessen()
        con.rollback()


def test_server_weg_gibt_deutsche_meldung(pg_server):
    ort = ort_lesen(f"postgresql+psycopg://postgres@127.0.0.1:{_freier_port()}/ozg")
    with pytest.raises(Speicherfehler, match="nicht erreichbar"):
        Store.oeffnen(ort)


def _freier_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_dateifunktionen_sagen_auf_dem_server_dass_sie_nur_mit_datei_gehen(demo_store_pg):
    from ozgdesk.diagnose import als_text, diagnose

    with pytest.raises(NurEinzelplatz, match="nur mit einer Datenbankdatei"):
        _ = demo_store_pg.pfad
    assert demo_store_pg.integritaet_pruefen() is None
    text_ = als_text(diagnose(demo_store_pg))
    assert "Server, mehrere Personen" in text_ and "PostgreSQL:" in text_ and "pg_dump" in text_


# ------------------------------------------------------------------------------------ the move
def test_umzug_von_sqlite_auf_den_server_verlustfrei(demo_home, tmp_path, pg_server, capsys):
    """export → import into an empty database; counts and content hash equal, change log and submissions
    included; a second move into the now full database is refused."""
    from ozgdesk.model.umzug import inhalt

    from ozgdesk.model.stichtag import DEMO_STICHTAG
    from ozgdesk.model.values import Quartal
    from ozgdesk.reports.einreichung import einreichen
    from tests.test_berichte_hilfen import demo_fehler_beheben

    quelle = demo_home / "ozgdesk.sqlite"
    # a submission and an edit, so the evidence beyond the export (frozen package, change log) is there too
    with Store.oeffnen(quelle) as store:
        demo_fehler_beheben(store)
        einreichen(store, Quartal(2026, 3), tmp_path / "paket", stand=DEMO_STICHTAG, benutzer="Karin Brenner")
    assert main(["--home", str(demo_home), "projekte", "setzen", "BMAS-2024-04", "ampel=rot",
                 "ampel_grund=Pilotbehörde abgesprungen"]) == 0
    url = pg_server.url(pg_server.neue_datenbank())
    capsys.readouterr()
    assert main(["--home", str(demo_home), "umzug", "--nach", url, "--json"]) == 0
    bericht = json.loads(capsys.readouterr().out)
    assert bericht["geprueft"] and bericht["tabellen"]["projekt"] == 18 and bericht["tabellen"]["aenderung"] > 1000
    assert bericht["tabellen"]["einreichung"] == 1
    with Store.oeffnen(quelle) as a, a.lesen() as s:
        vorher = inhalt(s)
    with Store.oeffnen(url) as b, b.lesen() as s:
        nachher = inhalt(s)
        letzte = s.execute(text("SELECT benutzer, feld, neu FROM aenderung WHERE tabelle = 'projekt' "
                                "ORDER BY zeitpunkt DESC, seq DESC LIMIT 1")).one()
    assert nachher.zahlen == vorher.zahlen and nachher.hash == vorher.hash == bericht["inhalt_sha256"]
    assert letzte.feld in ("ampel_gesamt", "ampel_gesamt_grund")  # who changed what stays readable
    # export from both gives the same document
    assert main(["--home", str(demo_home), "export", "--out", str(tmp_path / "a.json")]) == 0
    assert main(["--home", str(demo_home), "--db", url, "export", "--out", str(tmp_path / "b.json")]) == 0
    assert (tmp_path / "a.json").read_bytes() == (tmp_path / "b.json").read_bytes()
    capsys.readouterr()
    assert main(["--home", str(demo_home), "umzug", "--nach", url]) == 1
    assert "nicht leer" in capsys.readouterr().err


@pytest.fixture
def demo_store_pg(request, tmp_path):
    from tests.conftest import pg_kopie

    with Store.oeffnen(pg_kopie(request, "demo"), ordner=tmp_path) as store:
        yield store


def test_rollen_wie_in_der_anleitung_it_richtet_ein_personen_schreiben_leitung_liest(pg_server, tmp_path, capsys):
    """The roles of docs/datenbanken.md: IT owns the database and sets up the schema with the CLI; a
    person of ``ozg_schreiben`` works (and is named in the log), one of ``ozg_lesen`` only reads."""
    db = "ozg_anleitung"
    pg_server.sql("CREATE ROLE ozg_it LOGIN",
                  f"CREATE DATABASE {db} OWNER ozg_it TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'",
                  f"REVOKE ALL ON DATABASE {db} FROM PUBLIC",
                  "CREATE ROLE ozg_schreiben NOLOGIN", "CREATE ROLE ozg_lesen NOLOGIN",
                  f"GRANT CONNECT ON DATABASE {db} TO ozg_schreiben, ozg_lesen",
                  'CREATE ROLE "k.brenner" LOGIN IN ROLE ozg_schreiben', 'CREATE ROLE "leitung" LOGIN IN ROLE ozg_lesen')
    pg_server.datenbanken.append(db)
    pg_server.sql("SET ROLE ozg_it", "GRANT USAGE ON SCHEMA public TO ozg_schreiben, ozg_lesen",
                  "ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO ozg_schreiben",
                  "ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES TO ozg_lesen", datenbank=db)
    home = ["--home", str(tmp_path)]
    assert main([*home, "--db", pg_server.url(db, "ozg_it"), "datenbank", "aktualisieren"]) == 0
    person = pg_server.url(db, "k.brenner")
    assert main([*home, "--db", person, "init", "--ressort", "BMAS"]) == 0
    assert main([*home, "--db", person, "ressort", "setzen", "empfaenger=BMI"]) == 0
    with Store.oeffnen(person) as store:
        assert not store.nur_lesen and store.personenname() == "k.brenner"
        with store.lesen() as s:
            assert set(s.execute(text("SELECT DISTINCT benutzer FROM aenderung")).scalars()) == {"k.brenner"}
    with Store.oeffnen(pg_server.url(db, "leitung")) as store:
        assert store.nur_lesen
        with store.lesen() as s:
            assert s.execute(text("SELECT kurzname FROM ressort")).scalar_one() == "BMAS"
    capsys.readouterr()
    assert main([*home, "--db", pg_server.url(db, "leitung"), "ressort", "setzen", "empfaenger=BMDS"]) == 1
    assert "Die Anmeldung „leitung“ darf in der Datenbank" in capsys.readouterr().err
