"""Snapshots: a new device starts from one file instead of replaying the share's whole history.

Round trip on a synced pair with open conflicts (the loaded store equals its author, cursors and
contexts included, and the next ordinary sync only adds what is newer), and every refusal leaves
the target store exactly as empty as it was, with a German message that says what and where.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as strategie
from sqlalchemy import inspect, select, text

from ozgdesk.model import aenderungen
from ozgdesk.model.base import Base, neue_id
from ozgdesk.model.errors import OzgFehler
from ozgdesk.model.projekte import Projekt
from ozgdesk.model.protokoll import Aenderung
from ozgdesk.model.store import Store
from ozgdesk.sync import schnappschuss
from ozgdesk.sync.abgleich import jetzt_abgleichen
from ozgdesk.sync.backend import OrdnerBackend
from ozgdesk.sync.konflikte import konflikt_loesen, konflikte
from ozgdesk.sync.replikation import geraetestaende, stand_pruefen
from ozgdesk.sync.schnappschuss import Schnappschussfehler, laden, schreiben
from ozgdesk.sync.zusammenfuehren import python_wert, tabellen
from ozgdesk.sync.zustand import SyncEindeutig, SyncKontext
from tests.sync_server import daten, freigeben

GROSS = 10**9


def signieren(digest: bytes) -> bytes:
    return b"sig:" + digest


def pruefen(s, kopf: dict[str, Any], digest: bytes, signatur: bytes) -> None:  # noqa: ANN001
    """Stands in for the lead's check (Ed25519 signature and trust list)."""
    if signatur != signieren(digest):
        raise OzgFehler("Signatur ungültig.")


def durchwinken(s, kopf, digest, signatur) -> None:  # noqa: ANN001
    """Accepts any signature: the refusal tests below must fail on their own reason, not this one."""


def sync(store: Store, ablage: Path):  # noqa: ANN201
    return jetzt_abgleichen(store, OrdnerBackend(ablage))


def setzen(store: Store, benutzer: str = "Anna", index: int = 0, **felder: Any) -> None:
    with store.session(benutzer=benutzer) as s:
        p = s.execute(select(Projekt).order_by(Projekt.kennung)).scalars().all()[index]
        for k, v in felder.items():
            setattr(p, k, v)


def bytes_von(store: Store, kopf: dict[str, Any] | None = None) -> bytes:
    ziel = io.BytesIO()
    info = schreiben(store, ziel, signieren=signieren, kopf=kopf or {"share_id": "ablage-1"})
    assert info is not None
    return ziel.getvalue()


def lade(store: Store, roh: bytes, pruefung=pruefen, **grenzen: int):  # noqa: ANN001, ANN201
    return laden(store, io.BytesIO(roh), pruefen=pruefung, max_komprimiert=grenzen.get("max_komprimiert", GROSS),
                 max_entpackt=grenzen.get("max_entpackt", GROSS))


def umschreiben(roh: bytes, aendern: Callable[[list[str]], list[str]], *, hash_neu: bool = True) -> bytes:
    """Change the lines before the trailer; the trailer's hash follows (else the hash would refuse first)."""
    zeilen = gzip.decompress(roh).decode("utf-8").split("\n")[:-1]
    koerper = aendern(zeilen[:-1])
    trailer = json.loads(zeilen[-1])
    inhalt = "".join(z + "\n" for z in koerper)
    if hash_neu:
        trailer["sha256"] = hashlib.sha256(inhalt.encode("utf-8")).hexdigest()
    return gzip.compress((inhalt + json.dumps(trailer) + "\n").encode("utf-8"))


def zaehlung(store: Store) -> dict[str, int]:
    """Rows of every table a snapshot touches, and the cursors."""
    with store.engine.connect() as con:
        namen = [t.name for t in schnappschuss.tabellenfolge()] + ["sync_geraet"]
        return {n: con.execute(text(f'SELECT count(*) FROM "{n}"')).scalar_one() for n in namen}


def schema(store: Store) -> list[tuple[str, str, str]]:
    with store.engine.connect() as con:
        return sorted(con.execute(text("SELECT type, name, coalesce(sql, '') FROM sqlite_master")).all())


#: the schema of each fresh store the ``leer`` fixture handed out (the load drops and rebuilds indexes)
_SCHEMA: dict[int, list[tuple[str, str, str]]] = {}


def unveraendert_leer(store: Store) -> None:
    assert set(zaehlung(store).values()) == {0}, "a refused snapshot leaves nothing behind"
    assert stand_pruefen(store) == []
    assert schema(store) == _SCHEMA.get(id(store), schema(store)), "indexes dropped for the load are back"


@pytest.fixture
def ablage(tmp_path: Path) -> Path:
    return tmp_path / "ablage"


@pytest.fixture
def mit_konflikt(synchrones_paar, ablage):  # noqa: ANN001, ANN201
    """(a, b) after a conflict on one field and a merged edit; a has sent everything (the author)."""
    a, b = synchrones_paar
    setzen(a, benutzer="Anna", titel="Titel von Anna")
    setzen(b, benutzer="Bernd", titel="Titel von Bernd")
    setzen(b, benutzer="Bernd", index=1, risiken="Risiko von Bernd")
    for st in (a, b, a):
        sync(st, ablage)
    assert len(konflikte(a)) == 1
    return a, b


@pytest.fixture
def schnappschuss_a(mit_konflikt) -> bytes:  # noqa: ANN001
    return bytes_von(mit_konflikt[0])


@pytest.fixture
def leer(neues_geraet) -> Store:  # noqa: ANN001
    store = neues_geraet("neu")
    _SCHEMA[id(store)] = schema(store)
    return store


# ------------------------------------------------------------------------------------ round trip
def _konfliktbild(store: Store) -> list[tuple[Any, ...]]:
    """Conflicts as stored (``mein`` is added for display and differs per device by design)."""
    return sorted((k.id, k.art, k.tabelle, k.datensatz_id, k.feld, k.offen, k.hinweis,
                   json.dumps([{x: y for x, y in w.items() if x != "mein"} for w in k.werte], sort_keys=True))
                  for k in konflikte(store, alle=True))


def _kontexte(store: Store) -> set[tuple[str, int, str]]:
    with store.lesen() as s:
        return {(k.geraet, k.ab_seq, k.gesehen) for k in s.execute(select(SyncKontext)).scalars()}


def test_geladener_store_gleicht_dem_autor_mit_konflikten_kontexten_und_staenden(mit_konflikt, leer) -> None:
    a, b = mit_konflikt
    ziel = io.BytesIO()
    info = schreiben(a, ziel, signieren=signieren, kopf={"share_id": "ablage-1", "schluessel": "abcd"})
    assert info is not None
    with aenderungen.erfassen() as erfasst:
        geladen = lade(leer, ziel.getvalue())
    assert daten(leer) == daten(a) and schema(leer) == _SCHEMA[id(leer)]
    with leer.lesen() as s:  # the views learn what was written, as after any other operation
        assert erfasst.ergebnis().ids("projekt") == set(s.execute(select(Projekt.id)).scalars())
        ids = s.execute(select(Aenderung.id)).scalars().all()
    assert len(set(ids)) == len(ids) == geladen.zeilen["aenderung"]  # fresh log ids, as a replay makes them
    assert stand_pruefen(leer) == []
    # cursors: a's own export cursor became an ordinary remote cursor for a
    staende_a = geraetestaende(a)
    staende = geraetestaende(leer)
    assert set(staende) == {a.geraet_id, b.geraet_id}
    assert all(not st.eigen for st in staende.values())
    for g, st in staende_a.items():
        assert (staende[g].bis_seq, staende[g].letzter_hash) == (st.bis_seq, st.letzter_hash)
    assert geladen.cursors == info.cursors == {g: st.bis_seq for g, st in staende_a.items()}
    assert geladen.abdeckung == sum(info.cursors.values()) and geladen.autor == a.geraet_id
    assert geladen.zeilen == info.zeilen and geladen.bytes_entpackt == info.bytes_entpackt
    assert geladen.kopf["share_id"] == "ablage-1" and geladen.kopf["schluessel"] == "abcd"
    assert geladen.kopf["format"] == schnappschuss.FORMAT and geladen.kopf["autor"] == a.geraet_id
    # conflicts (open and closed) and the causal contexts travel; the new device's own context is
    # what a replay would have recorded: it has seen everything up to the cursors
    assert _konfliktbild(leer) == _konfliktbild(a) and any(k[5] for k in _konfliktbild(leer))
    assert _kontexte(a) <= _kontexte(leer)
    eigener = _kontexte(leer) - _kontexte(a)
    assert eigener == {(leer.geraet_id, 1, json.dumps(info.cursors, sort_keys=True))}
    with leer.lesen() as s:
        quellen = set(s.execute(select(Aenderung.quelle).distinct()).scalars())
    assert quellen == {"abgleich"}  # as a replay logs every remote entry


def _gruppen(store: Store) -> list[tuple[Any, ...]]:
    with store.lesen() as s:
        return sorted((g.id, g.tabelle, g.gruppe, g.schluessel, g.rolle, g.ersatz)
                      for g in s.execute(select(SyncEindeutig)).scalars())


def test_doppelt_vergebene_werte_reisen_mit_und_schliessen_sich_auf_dem_neuen_geraet(
        synchrones_paar, leer, ablage) -> None:
    """Provisional values and held-back duplicates are known as such on the new device: its
    tables, conflicts and key groups equal the author's, and a resolution reaches it."""
    from tests.test_sync_eindeutig import _alte_bewilligung, _projekt_anlegen, pid

    a, b = synchrones_paar
    _projekt_anlegen(a, "BMAS-NEU-1", "Neu von A")
    _projekt_anlegen(b, "BMAS-NEU-1", "Neu von B")
    p = pid(a)
    _alte_bewilligung(a, p, 2032, 50_000_00)
    _alte_bewilligung(b, p, 2032, 70_000_00)
    for st in (a, b, a):
        sync(st, ablage)
    assert {k.feld for k in konflikte(a)} == {"kennung", "projekt_id,jahr"}
    assert len(_gruppen(a)) == 4
    roh = bytes_von(a)
    for alt, neu, meldung in (('"]","ersatz","', '"]","boese","', "Spalte „rolle“: unbekannte Rolle in einer Schlüsselgruppe"),
                              ('","kennung",true,', '","titel",true,',
                               "Konflikt „doppelt vergeben“ zu unbekanntem Schlüssel „titel“")):
        with pytest.raises(Schnappschussfehler, match=meldung):
            lade(leer, umschreiben(roh, _ersetzen(alt, neu)), pruefung=durchwinken)
        unveraendert_leer(leer)
    lade(leer, roh)
    assert daten(leer) == daten(a) and _konfliktbild(leer) == _konfliktbild(a) and _gruppen(leer) == _gruppen(a)
    for k in konflikte(a):
        konflikt_loesen(a, k.id, "1", neu=["BMAS-NEU-2"] if k.feld == "kennung" else None)
    sync(a, ablage)
    sync(leer, ablage)
    assert konflikte(leer) == [] and _gruppen(leer) == [] and daten(leer) == daten(a)


def test_danach_bringt_der_normale_abgleich_nur_neuere_dateien_und_alle_konvergieren(
        mit_konflikt, schnappschuss_a, leer, ablage) -> None:
    a, b = mit_konflikt
    setzen(b, benutzer="Bernd", index=2, ziele="Neue Ziele von Bernd")
    sync(b, ablage)
    lade(leer, schnappschuss_a)
    e = sync(leer, ablage)
    assert (e.empfangen, e.empfangen_dateien) == (1, 1)  # only b's file after the snapshot
    assert e.gesendet == 0 and stand_pruefen(leer) == []
    for st in (a, b):
        sync(st, ablage)
    assert daten(leer) == daten(a) == daten(b)
    # The new device edits a field a had changed before the snapshot: its context covers a's
    # entry, so the others take the edit without a conflict (a missing context would make it
    # look concurrent).
    vorher = {k.id for k in konflikte(a)}
    freigeben(a, leer)  # a new device writes once the coordinator approved its key
    sync(a, ablage)
    setzen(leer, benutzer="Clara", index=1, titel="Titel von Clara")
    assert sync(leer, ablage).gesendet == 1
    for st in (a, b, leer):
        sync(st, ablage)
    assert daten(leer) == daten(a) == daten(b)
    assert {k.id for k in konflikte(a)} == vorher == {k.id for k in konflikte(leer)}
    with a.lesen() as s:
        assert s.execute(select(Projekt.titel).order_by(Projekt.kennung)).scalars().all()[1] == "Titel von Clara"


def test_autor_mit_ungesendeten_eigenen_aenderungen_schreibt_keinen_schnappschuss(mit_konflikt) -> None:
    a, _ = mit_konflikt
    setzen(a, index=3, risiken="noch nicht auf der Ablage")
    ziel = io.BytesIO()
    assert schreiben(a, ziel, signieren=signieren, kopf={}) is None
    assert ziel.getvalue() == b""


def test_geraet_das_nie_abgeglichen_hat_schreibt_keinen_schnappschuss(demo_store) -> None:
    assert schreiben(demo_store, io.BytesIO(), signieren=signieren, kopf={}) is None


def test_kopf_darf_die_eigenen_felder_nicht_ueberschreiben(mit_konflikt) -> None:
    with pytest.raises(ValueError, match="cursors"):
        schreiben(mit_konflikt[0], io.BytesIO(), signieren=signieren, kopf={"cursors": {}})


def test_pruefen_sieht_den_kopf_die_pruefsumme_und_die_geladenen_daten(mit_konflikt, schnappschuss_a, leer) -> None:
    a, _ = mit_konflikt
    gesehen: dict[str, Any] = {}

    def pruefung(s, kopf, digest, signatur) -> None:  # noqa: ANN001
        gesehen.update(kopf=kopf, digest=digest, signatur=signatur,
                       projekte=len(s.execute(select(Projekt.id)).all()))

    lade(leer, schnappschuss_a, pruefung)
    inhalt = gzip.decompress(schnappschuss_a)
    koerper = inhalt[:inhalt.rstrip(b"\n").rfind(b"\n") + 1]
    assert gesehen["digest"] == hashlib.sha256(koerper).digest()
    assert gesehen["signatur"] == signieren(gesehen["digest"])
    assert gesehen["kopf"]["autor"] == a.geraet_id and gesehen["projekte"] == 18  # uncommitted, same session


# -------------------------------------------------------------------------------------- refusals
def test_nur_in_eine_leere_datenbank(mit_konflikt, schnappschuss_a) -> None:
    _, b = mit_konflikt
    vorher, zahlen = daten(b), zaehlung(b)
    with pytest.raises(Schnappschussfehler, match="nur in eine leere Datenbank.*nichts geändert"):
        lade(b, schnappschuss_a)
    assert daten(b) == vorher and zaehlung(b) == zahlen


def test_pruefen_lehnt_ab_und_nichts_bleibt(schnappschuss_a, leer) -> None:
    def ablehnen(s, kopf, digest, signatur) -> None:  # noqa: ANN001
        raise OzgFehler("Der Schlüssel des Autors steht nicht in der Vertrauensliste.")

    with pytest.raises(OzgFehler, match="Vertrauensliste"):
        lade(leer, schnappschuss_a, ablehnen)
    unveraendert_leer(leer)

    def kaputt(s, kopf, digest, signatur) -> None:  # noqa: ANN001
        raise ValueError("invalid signature")

    with pytest.raises(Schnappschussfehler, match="Signatur und Vertrauen abgelehnt.*invalid signature"):
        lade(leer, schnappschuss_a, kaputt)
    unveraendert_leer(leer)


def _ersetzen(alt: str, neu: str) -> Callable[[list[str]], list[str]]:
    def aendern(zeilen: list[str]) -> list[str]:
        treffer = [i for i, z in enumerate(zeilen) if alt in z]
        assert treffer, alt
        zeilen[treffer[0]] = zeilen[treffer[0]].replace(alt, neu, 1)
        return zeilen

    return aendern


def _zeile_von(tabelle: str) -> Callable[[list[str], Callable[[list[Any], list[str]], None]], list[str]]:
    """Edit the first row of ``tabelle`` as a Python list (column names given)."""
    def bearbeiten(zeilen: list[str], f: Callable[[list[Any], list[str]], None]) -> list[str]:
        for i, z in enumerate(zeilen):
            if z.startswith("{") and json.loads(z).get("tabelle") == tabelle:
                spalten = json.loads(z)["spalten"]
                werte = json.loads(zeilen[i + 1])
                f(werte, spalten)
                zeilen[i + 1] = json.dumps(werte, ensure_ascii=False)
                return zeilen
        raise AssertionError(tabelle)

    return bearbeiten


def _wert(tabelle: str, spalte: str, wert: Any) -> Callable[[list[str]], list[str]]:
    def setzen_(werte: list[Any], spalten: list[str]) -> None:
        werte[spalten.index(spalte)] = wert

    return lambda zeilen: _zeile_von(tabelle)(zeilen, setzen_)


def _letzte_zeile_weg(tabelle: str) -> Callable[[list[str]], list[str]]:
    """Drop the last row of a table's section (the line before the next section or the end)."""
    def aendern(zeilen: list[str]) -> list[str]:
        kopf = next(i for i, z in enumerate(zeilen) if z.startswith("{") and json.loads(z).get("tabelle") == tabelle)
        ende = next((i for i in range(kopf + 1, len(zeilen)) if zeilen[i].startswith("{")), len(zeilen))
        assert ende > kopf + 1, f"{tabelle} has no rows"
        return zeilen[:ende - 1] + zeilen[ende:]

    return aendern


def _roh_zeile(tabelle: str, zeile: str) -> Callable[[list[str]], list[str]]:
    def aendern(zeilen: list[str]) -> list[str]:
        for i, z in enumerate(zeilen):
            if z.startswith("{") and json.loads(z).get("tabelle") == tabelle:
                zeilen[i + 1] = zeile
                return zeilen
        raise AssertionError(tabelle)

    return aendern


@pytest.mark.parametrize(("aendern", "meldung"), [
    (_ersetzen('"tabelle":"projekt"', '"tabelle":"geheim"'), r"Zeile \d+: unbekannte Tabelle \"geheim\""),
    (_ersetzen('"kennung"', '"hintertuer"'), r"Tabelle „projekt“: unbekannte Spalte „hintertuer“"),
    (_wert("projekt", "titel", 42), r"Zeile \d+: Tabelle „projekt“, Spalte „titel“: erwartet Text"),
    (_wert("projekt", "titel", "x" * 301), r"Spalte „titel“: .*höchstens 300 Zeichen"),
    (_wert("projekt", "titel", "Zeile 1\nZeile 2"), r"Spalte „titel“: .*einzeilig"),
    (_wert("projekt", "beginn", "2024-02-30"), r"Spalte „beginn“: .*Datum"),
    (_wert("projekt", "finanzierung", "gratis"), r"Spalte „finanzierung“: .*erwartet einen dieser Werte"),
    (_wert("mittelabfluss", "betrag_cent", 10**15), r"Spalte „betrag_cent“: .*unplausibel"),
    (_wert("projekt", "kennung", None), r"Spalte „kennung“: Pflichtfeld"),
    (_wert("aenderung", "neu", "{kein json"), r"Tabelle „aenderung“, Spalte „neu“: kein gültiges JSON"),
    (_wert("aenderung", "aktion", "sprengen"), r"Spalte „aktion“: unbekannte Aktion"),
    (_wert("aenderung", "seq", 7), r"Protokoll von Gerät .*: Nummer 7, erwartet 1"),
    (_wert("sync_konflikt", "art", ["x"]), r"Spalte „art“: unbekannte Konfliktart"),
    (_wert("sync_konflikt", "feld", "__class__"), r"Konflikt zu unbekanntem Feld „__class__“"),
    (_wert("sync_konflikt", "tabelle", "meta"), r"Konflikt zu unbekannter Tabelle \"meta\""),
    (_wert("sync_konflikt", "werte", '[{"wert": 1}]'), r"Spalte „werte“: erwartet eine Liste von Werten"),
    (_wert("sync_kontext", "gesehen", '{"x": 1}'), r"Spalte „gesehen“: erwartet einen Versionsvektor"),
    (_roh_zeile("projekt", "[" + "1" * 5000 + "]"), r"Zeile \d+: Zahl mit 5000 Stellen"),
    (_roh_zeile("projekt", "[1.5]"), r"Zeile \d+: Gleitkommazahl"),
    (_roh_zeile("projekt", "[NaN]"), r"Zeile \d+: Gleitkommazahl oder Konstante „NaN“"),
    (_roh_zeile("projekt", "[" * 100_000), r"Zeile \d+: zu tief verschachteltes JSON"),
    (_roh_zeile("projekt", "[1, 2]"), r"Tabelle „projekt“: erwartet eine Liste mit \d+ Werten"),
    (lambda z: z[:1] + ['{"foo": 1}'] + z[1:], r"Zeile 2: erwartet einen Tabellenabschnitt oder den Abschluss"),
    (_roh_zeile("projekt", '{"tabelle": "projekt"}'), r"Tabelle „projekt“ hat 0 statt \d+ Zeilen"),
    (_letzte_zeile_weg("sync_konflikt"), r"Tabelle „sync_konflikt“ hat \d+ statt \d+ Zeilen"),
    (_ersetzen('"format":"ozgdesk-schnappschuss"', '"format":"etwas"'), r"Zeile 1: kein ozgdesk-Schnappschuss"),
    (_ersetzen('"version":1', '"version":2'), r"Format 2; diese ozgdesk-Version kennt nur Format 1"),
], ids=["tabelle", "spalte", "typ", "zu_lang", "zeilenumbruch", "datum", "code", "betrag", "pflicht", "json",
        "aktion", "folge", "konfliktart", "konfliktfeld", "konflikttabelle", "konfliktwerte", "kontext", "5000_ziffern", "gleitkomma", "nan", "verschachtelt", "spaltenzahl",
        "kein_abschnitt", "abschnitt_mittendrin", "zeilenzahl", "format", "version"])
def test_feindliche_oder_kaputte_inhalte_werden_abgelehnt(schnappschuss_a, leer, aendern, meldung) -> None:
    roh = umschreiben(schnappschuss_a, aendern)
    with pytest.raises(Schnappschussfehler, match=meldung) as fehler:
        lade(leer, roh, durchwinken)
    assert "Es wurde nichts übernommen" in str(fehler.value)
    unveraendert_leer(leer)


def test_falsche_pruefsumme(schnappschuss_a, leer) -> None:
    roh = umschreiben(schnappschuss_a, _ersetzen("Titel von Anna", "Titel von Mallory"), hash_neu=False)
    with pytest.raises(Schnappschussfehler, match="Prüfsumme des Schnappschusses stimmt nicht"):
        lade(leer, roh, durchwinken)
    unveraendert_leer(leer)


def test_fehlender_abschluss(schnappschuss_a, leer) -> None:
    zeilen = gzip.decompress(schnappschuss_a).split(b"\n")
    ohne = gzip.compress(b"\n".join(zeilen[:-2]) + b"\n")
    with pytest.raises(Schnappschussfehler, match="keinen Abschluss"):
        lade(leer, ohne)
    unveraendert_leer(leer)


def test_daten_nach_dem_abschluss(schnappschuss_a, leer) -> None:
    mehr = gzip.compress(gzip.decompress(schnappschuss_a) + b"[1]\n")
    with pytest.raises(Schnappschussfehler, match="Daten nach dem Abschluss"):
        lade(leer, mehr)
    unveraendert_leer(leer)


@pytest.mark.parametrize("anteil", [0.5, 0.99])
def test_abgeschnittener_gzip_strom(schnappschuss_a, leer, anteil) -> None:
    with pytest.raises(Schnappschussfehler, match="abgeschnitten"):
        lade(leer, schnappschuss_a[:int(len(schnappschuss_a) * anteil)])
    unveraendert_leer(leer)


def test_kein_gzip(leer) -> None:
    with pytest.raises(Schnappschussfehler, match="kein gültiger gzip-Strom"):
        lade(leer, b"das ist kein gzip" * 10)
    unveraendert_leer(leer)


def test_zip_bombe_stoppt_an_der_grenze(leer) -> None:
    bombe = gzip.compress(b"[" * (200 * 2**20), 9)  # 200 MiB from about 200 KB
    assert len(bombe) < 2**20
    with pytest.raises(Schnappschussfehler, match="Zip-Bombe"):
        lade(leer, bombe, max_entpackt=8 * 2**20)
    unveraendert_leer(leer)


def test_zu_grosse_datei(schnappschuss_a, leer) -> None:
    with pytest.raises(Schnappschussfehler, match="größer als erlaubt"):
        lade(leer, schnappschuss_a, max_komprimiert=len(schnappschuss_a) // 2)
    unveraendert_leer(leer)


def test_ueberlange_zeile(leer, monkeypatch) -> None:
    monkeypatch.setattr(schnappschuss, "MAX_ZEILE", 1000)
    with pytest.raises(Schnappschussfehler, match="Zeile 1: länger als"):
        lade(leer, gzip.compress(b"x" * 5000 + b"\n"))
    unveraendert_leer(leer)


def test_schnappschuss_mit_dem_eigenen_geraet_wird_nicht_geladen(mit_konflikt, schnappschuss_a, tmp_path) -> None:
    a, _ = mit_konflikt
    pfad = tmp_path / "kopie" / "ozgdesk.sqlite"
    pfad.parent.mkdir()
    with Store.oeffnen(pfad) as kopie:
        kopie.meta_setzen("geraet_id", a.geraet_id)  # a copied profile: the same device id
    with Store.oeffnen(pfad) as kopie:
        with pytest.raises(Schnappschussfehler, match="Änderungen dieses Geräts selbst"):
            lade(kopie, schnappschuss_a)
        unveraendert_leer(kopie)


def test_fremder_verweis_wird_abgelehnt(schnappschuss_a, leer) -> None:
    roh = umschreiben(schnappschuss_a, _wert("meilenstein", "projekt_id", neue_id()))
    with pytest.raises(Schnappschussfehler, match="Tabelle „meilenstein“, Datensatz .* verweist auf .*„projekt“"):
        lade(leer, roh, durchwinken)
    unveraendert_leer(leer)


def test_doppelte_kennung_wird_abgelehnt(schnappschuss_a, leer) -> None:
    def doppelt(zeilen: list[str]) -> list[str]:
        i = next(i for i, z in enumerate(zeilen) if z.startswith('{"tabelle":"projekt"'))
        zweite = json.loads(zeilen[i + 2])
        erste = json.loads(zeilen[i + 1])
        spalten = json.loads(zeilen[i])["spalten"]
        zweite[spalten.index("kennung")] = erste[spalten.index("kennung")]
        zeilen[i + 2] = json.dumps(zweite, ensure_ascii=False)
        return zeilen

    with pytest.raises(Schnappschussfehler, match=r"Zeilen \d+–\d+: Tabelle „projekt“ verletzt eine Regel .*UNIQUE"):
        lade(leer, umschreiben(schnappschuss_a, doppelt), durchwinken)
    unveraendert_leer(leer)


# --------------------------------------------------------------------------------- fast paths
_KANDIDATEN: list[Any] = [
    None, "", "a", "a" * 10, "a" * 36, "a" * 37, "a" * 60, "a" * 61, "a" * 300, "a" * 301, "x\ny", "x\ty", "x\ry",
    "x\u2028y", "x\u202ey", "\ufeffx", "x\x00", "Straße „Ü“", 0, 1, -1, 2**31 - 1, 2**31, 10**13, 10**13 + 1, -(10**13),
    True, False, 1.0, [], {}, ["a"], "2024-01-01", "2024-02-29", "2023-02-29", "1999-12-31", "2000-01-01",
    "2100-12-31", "2101-01-01", "20240101", "2024-1-01", "２０２４-01-01", "2024-01-01T00:00:00", "2024-Q1", "2024-Q5",
    "2024Q1", "0602 532 01", "0602 53201", "12.5", "1E+2", "12.345", "12.340", "99999999", "-1.5", "NaN", "Infinity",
    "gruen", "GRUEN", "offen", "dienstleistung", "2024-05-01T10:00:00+00:00", "2024-05-01T12:00:00+02:00",
    "2024-05-01T10:00:00", "voll",
]


def test_schnelle_pruefung_entscheidet_wie_die_zusammenfuehrung() -> None:
    """For every column of every replicated table: the compiled check (fast path and generated row
    function) accepts exactly what the merge's ``python_wert`` accepts, and stores what SQLAlchemy
    would store for it."""
    from sqlalchemy.dialects import sqlite

    dialect = sqlite.dialect()
    geprueft = 0
    for name, cls in tabellen().items():
        for spalte in cls.__table__.columns:
            p = schnappschuss._pruefung_spalte(cls, spalte, dialect)
            zeile = schnappschuss._zeilenfunktion([p])
            binden = spalte.type.dialect_impl(dialect).bind_processor(dialect)
            key = inspect(cls).get_property_by_column(spalte).key
            for v in _KANDIDATEN:
                try:
                    wert = python_wert(cls, key, v)
                    erwartet = (binden(wert) if binden and wert is not None else wert, )
                    if wert is None and not spalte.nullable:
                        erwartet = ()
                except (OzgFehler, ValueError, TypeError):
                    erwartet = ()
                for f in (p.pruefen, lambda x: zeile([x])[0]):  # noqa: B023 - used right here
                    try:
                        ergebnis: tuple[Any, ...] = (f(v),)
                    except schnappschuss._FEHLER:
                        ergebnis = ()
                    assert ergebnis == erwartet, (name, spalte.name, v)
                    if ergebnis and not isinstance(ergebnis[0], int):  # True and 1 are stored alike
                        assert type(ergebnis[0]) is type(erwartet[0]), (name, spalte.name, v)
                geprueft += 1
    assert geprueft > 10_000


def test_json_sicher() -> None:
    assert schnappschuss.json_sicher('[1,"a",null,true]') == [1, "a", None, True]
    assert schnappschuss.json_sicher(' {"a": [1]} ') == {"a": [1]}
    assert schnappschuss.json_sicher("[-" + "9" * 40 + "]") == [-int("9" * 40)]
    assert schnappschuss.json_sicher('["' + "1" * 50 + '", 2]') == ["1" * 50, 2]  # a long digit run in a text
    for boese, grund in (("1" * 41, "Stellen"), ('["1", -' + "1" * 41 + "]", "41 Stellen"), ("[1e5]", "Gleitkomma"), ("-Infinity", "Konstante"), ("[" * 5000, "tief"),
                         ('{"a":1} x', "JSON"), ("", "JSON"), ('"\\ud800', "JSON")):
        with pytest.raises(schnappschuss._Ungueltig, match=grund):
            schnappschuss.json_sicher(boese)


# --------------------------------------------------------------------------------- memory
def _synthetisch(eintraege: int) -> bytes:
    """A valid snapshot of one device whose log has ``eintraege`` field changes (no records)."""
    geraet = neue_id()
    spalten = [c.name for c in Aenderung.__table__.columns]
    zeilen = [json.dumps({"format": schnappschuss.FORMAT, "version": 1, "autor": geraet, "erstellt": "2026-01-01",
                          "schema": "", "cursors": {geraet: {"bis_seq": eintraege, "letzter_hash": "0" * 64,
                                                             "dateien": 1}}}),
              json.dumps({"tabelle": "aenderung", "spalten": spalten, "zeilen": eintraege})]
    transaktion = neue_id()
    for seq in range(1, eintraege + 1):
        werte = {"id": neue_id(), "geraet": geraet, "seq": seq, "transaktion": transaktion,
                 "zeitpunkt": "2026-01-01T10:00:00+00:00", "benutzer": "Anna", "quelle": "lokal", "tabelle": "projekt",
                 "datensatz_id": neue_id(), "aktion": "aendern", "feld": "risiken",
                 "alt": json.dumps("alt " * 20), "neu": json.dumps(f"Risiko Nummer {seq} " * 10)}
        zeilen.append(json.dumps([werte[c] for c in spalten]))
    inhalt = "".join(z + "\n" for z in zeilen).encode()
    trailer = {"sha256": hashlib.sha256(inhalt).hexdigest(), "signatur": ""}
    return gzip.compress(inhalt + json.dumps(trailer).encode() + b"\n", 1)


def test_speicher_waechst_nicht_mit_dem_protokoll(neues_geraet) -> None:
    spitzen = []
    for n in (2_000, 20_000):
        roh = _synthetisch(n)
        store = neues_geraet(f"speicher-{n}")
        tracemalloc.start()
        try:
            info = lade(store, roh, durchwinken)
            spitzen.append(tracemalloc.get_traced_memory()[1])
        finally:
            tracemalloc.stop()
        assert info.zeilen["aenderung"] == n and stand_pruefen(store) == []
    # ten times the log, (nearly) the same peak: one block of rows and one line at a time
    assert spitzen[1] < spitzen[0] * 1.5 + 2**20, spitzen


def test_alle_tabellen_sind_im_schnappschuss() -> None:
    """Every mapped table is either carried by a snapshot or deliberately device-local."""
    getragen = {t.name for t in schnappschuss.tabellenfolge()}
    # sync_datei: the files this device published; sync_schluessel: the announcements this device
    # fetched (a new device fetches them itself, and a successor's statement is in ``vertrauen`` once
    # its files were applied)
    lokal = {"meta", "sync_geraet", "sync_quarantaene", "sync_ausgang", "sync_eingang", "sync_datei",
             "sync_schluessel"}
    alle = {t.name for t in Base.metadata.sorted_tables}
    assert getragen | lokal == alle and not getragen & lokal


def test_lesefehler_der_quelle(leer) -> None:
    class Kaputt(io.RawIOBase):
        def readinto(self, puffer) -> int:  # noqa: ANN001
            raise OSError(5, "Eingabe-/Ausgabefehler")

    with pytest.raises(Schnappschussfehler, match="ließ sich nicht lesen .*Eingabe-/Ausgabefehler"):
        laden(leer, Kaputt(), pruefen=pruefen, max_komprimiert=GROSS, max_entpackt=GROSS)
    unveraendert_leer(leer)


def test_schreiben_liest_einen_stand_auch_wenn_waehrenddessen_geschrieben_wird(mit_konflikt, leer, ablage) -> None:
    """One read transaction: a sync that applies a file while the snapshot streams out changes
    neither the snapshot nor its cursors."""
    a, b = mit_konflikt
    vorher = daten(a)
    setzen(b, benutzer="Bernd", index=4, risiken="kommt während des Schreibens an")
    sync(b, ablage)

    class Ziel(io.BytesIO):
        geschrieben = False

        def write(self, daten_) -> int:  # noqa: ANN001
            if not self.geschrieben:
                self.geschrieben = True
                assert sync(a, ablage).empfangen == 1  # another connection commits meanwhile
            return super().write(daten_)

    ziel = Ziel()
    info = schreiben(a, ziel, signieren=signieren, kopf={})
    assert info is not None and ziel.geschrieben
    lade(leer, ziel.getvalue())
    assert daten(leer) == vorher != daten(a)
    assert stand_pruefen(leer) == []
    sync(leer, ablage)  # and the next sync brings exactly what the snapshot did not hold
    assert daten(leer) == daten(a)


# ------------------------------------------------------------------------------------------ fuzz
BEISPIELE = max(15, int(os.environ.get("OZGDESK_FUZZ_BEISPIELE", "200")) // 5)
json_werte = strategie.recursive(
    strategie.none() | strategie.booleans() | strategie.integers() | strategie.text(max_size=20) | strategie.sampled_from(["2024-01-01", "2024-Q1", "gruen"]),
    lambda k: strategie.lists(k, max_size=3) | strategie.dictionaries(strategie.text(max_size=8), k, max_size=3), max_leaves=6)


@settings(max_examples=BEISPIELE, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(daten_=strategie.data())
def test_fuzz_jeder_veraenderte_schnappschuss_wird_geladen_oder_mit_meldung_abgelehnt(
        schnappschuss_a, neues_geraet, daten_) -> None:
    """A hostile author (valid hash, any signature accepted): changed values, bytes or lines give a
    German refusal and an unchanged store, or a load that passes the sanity check – never a crash."""
    zeilen = gzip.decompress(schnappschuss_a).decode("utf-8").split("\n")[:-2]
    i = daten_.draw(strategie.integers(0, len(zeilen) - 1), label="zeile")
    art = daten_.draw(strategie.sampled_from(["wert", "byte", "loeschen", "doppeln"]), label="art")
    if art == "wert" and zeilen[i].startswith("["):
        werte = json.loads(zeilen[i])
        werte[daten_.draw(strategie.integers(0, len(werte) - 1))] = daten_.draw(json_werte, label="wert")
        zeilen[i] = json.dumps(werte, ensure_ascii=False)
    elif art in ("wert", "byte"):
        roh = bytearray(zeilen[i].encode("utf-8"))
        roh[daten_.draw(strategie.integers(0, len(roh) - 1))] = daten_.draw(strategie.integers(0, 255), label="byte")
        zeilen[i] = roh.decode("utf-8", errors="replace")
    elif art == "loeschen":
        del zeilen[i]
    else:
        zeilen.insert(i, zeilen[i])
    roh = umschreiben(schnappschuss_a, lambda _: zeilen)
    store = neues_geraet(f"fuzz-{neue_id()[:8]}")
    vorher = schema(store)
    try:
        lade(store, roh, durchwinken)
    except OzgFehler as e:
        assert "nichts übernommen" in str(e) or "nichts geändert" in str(e), str(e)
        assert set(zaehlung(store).values()) == {0} and schema(store) == vorher
    else:
        assert stand_pruefen(store) == []
