"""Fail-safe behaviour: replaced/empty/unmounted share, newer format, mass delete, bad files,
clocks, leftovers of crashed syncs, restored backups, cancel and resume."""

from __future__ import annotations

import json
import os
import shutil
import sys
import threading
from datetime import datetime, timedelta, UTC
from pathlib import Path

import pytest
from sqlalchemy import func, select

from ozgdesk import __version__
from ozgdesk.model.projekte import Meilenstein, Projekt
from ozgdesk.model.protokoll import Aenderung
from ozgdesk.sync import replikation
from ozgdesk.sync.abgleich import jetzt_abgleichen, status
from ozgdesk.sync.backend import Ablagefehler, OrdnerBackend
from ozgdesk.sync.format import SHARE_DATEI, TEMP_PRAEFIX, NeueresFormat
from ozgdesk.sync.konflikte import konflikte
from ozgdesk.sync.replikation import Abgebrochen, Sicherheitsstopp
from ozgdesk.sync.zustand import SyncQuarantaene
from tests.sync_server import daten, freigeben


@pytest.fixture
def ablage(tmp_path: Path) -> Path:
    p = tmp_path / "ablage"
    p.mkdir(exist_ok=True)
    return p


def sync(store, ablage: Path, **kw):  # noqa: ANN001, ANN003, ANN201
    return jetzt_abgleichen(store, OrdnerBackend(ablage), **kw)


def titel_setzen(store, wert: str, index: int = 0, zeitpunkt: datetime | None = None) -> None:  # noqa: ANN001
    with store.session(benutzer="Anna") as s:
        if zeitpunkt:
            s.info["zeitpunkt"] = zeitpunkt
        s.execute(select(Projekt).order_by(Projekt.kennung)).scalars().all()[index].titel = wert


def titel(store, index: int = 0) -> str:  # noqa: ANN001
    with store.lesen() as s:
        return s.execute(select(Projekt).order_by(Projekt.kennung)).scalars().all()[index].titel


@pytest.fixture
def zwei(ablage, synchrones_paar):  # noqa: ANN001, ANN201
    return synchrones_paar


def _aenderungsdateien(ablage: Path, store) -> list[Path]:  # noqa: ANN001
    return sorted((ablage / "changes" / store.geraet_id).glob("*.json"))


# ----------------------------------------------------------------------------------- the share
def test_ersetzte_ablage_wird_abgelehnt_und_nichts_geaendert(zwei, ablage, neues_geraet) -> None:
    a, b = zwei
    titel_setzen(a, "neu")
    vorher = daten(a)
    # IT put another ozgdesk share in its place: another device founded it there
    shutil.rmtree(ablage)
    ablage.mkdir()
    sync(neues_geraet("fremd"), ablage)
    with pytest.raises(Sicherheitsstopp, match="ersetzt"):
        sync(a, ablage)
    assert daten(a) == vorher and status(a).ausstehende_aenderungen == 1


def test_gefaelschte_kennungsdatei_wird_abgelehnt(zwei, ablage) -> None:
    a, _ = zwei
    titel_setzen(a, "neu")
    inhalt = json.loads((ablage / SHARE_DATEI).read_text())
    inhalt["nutzlast"]["ressort"] = "BMI"  # the signature no longer fits
    (ablage / SHARE_DATEI).write_text(json.dumps(inhalt))
    with pytest.raises(Sicherheitsstopp, match="gefälscht"):
        sync(a, ablage)
    assert status(a).ausstehende_aenderungen == 1


@pytest.mark.parametrize("wie", ["leer", "ohne_koepfe"])
def test_leere_ablage_nach_einem_abgleich_wird_abgelehnt(zwei, ablage, wie) -> None:
    a, _ = zwei
    titel_setzen(a, "wartet")
    vorher = daten(a)
    if wie == "leer":
        shutil.rmtree(ablage)
        ablage.mkdir()
    else:  # the id file is there, but every device's head is gone
        shutil.rmtree(ablage / "heads")
        shutil.rmtree(ablage / "changes")
    with pytest.raises(Sicherheitsstopp, match="um Schutz der Daten"):
        sync(a, ablage)
    assert daten(a) == vorher
    assert not (ablage / "changes").exists()  # nothing was written onto the empty share either


def test_nicht_eingehaengtes_laufwerk(zwei, tmp_path) -> None:
    a, _ = zwei
    with pytest.raises(Ablagefehler, match="nicht erreichbar"):
        sync(a, tmp_path / "Z-Laufwerk")


@pytest.mark.parametrize("feld,wert", [("formatversion", 3), ("min_app_version", "9.0.0")])
def test_neueres_ablageformat_wird_mit_klarer_meldung_abgelehnt(demo_store, ablage, feld, wert) -> None:
    sync(demo_store, ablage)
    inhalt = json.loads((ablage / SHARE_DATEI).read_text())
    inhalt[feld] = wert
    (ablage / SHARE_DATEI).write_text(json.dumps(inhalt))
    titel_setzen(demo_store, "x")
    with pytest.raises(NeueresFormat, match=f"diese Version \\({__version__}\\).*aktualisieren"):
        sync(demo_store, ablage)
    assert status(demo_store).ausstehende_aenderungen == 1


def test_neueres_format_einer_aenderungsdatei(zwei, ablage) -> None:
    a, b = zwei
    titel_setzen(a, "x")
    sync(a, ablage)
    datei = _aenderungsdateien(ablage, a)[-1]
    inhalt = json.loads(datei.read_bytes())
    inhalt["version"] = 7
    datei.write_text(json.dumps(inhalt))
    with pytest.raises(NeueresFormat, match="Format 7"):
        sync(b, ablage)


def test_massenloeschung_wird_verweigert_ausser_ausdruecklich_erlaubt(zwei, ablage) -> None:
    a, b = zwei
    from ozgdesk.model.projekte import MeilensteinVerschiebung

    with a.session() as s:
        for v in s.execute(select(MeilensteinVerschiebung)).scalars():
            s.delete(v)
        s.flush()
        for m in s.execute(select(Meilenstein)).scalars():
            s.delete(m)
    a.meta_setzen("abgleich.max_loeschanteil", "0.02")
    sync(a, ablage)
    b.meta_setzen("abgleich.max_loeschanteil", "0.02")
    vorher = daten(b)
    with pytest.raises(Sicherheitsstopp, match=r"würde \d+ von \d+ Datensätzen löschen"):
        sync(b, ablage)
    assert daten(b) == vorher
    ergebnis = sync(b, ablage, loeschen_erlauben=True)
    assert ergebnis.geloescht > 100 and daten(a) == daten(b)


# ----------------------------------------------------------------------------------- bad files
@pytest.mark.parametrize("art", ["manipuliert", "abgeschnitten"])
def test_kaputte_aenderungsdatei_kommt_in_quarantaene_und_heilt(zwei, ablage, neues_geraet, art) -> None:
    """A flipped byte: the reader keeps the file out, tells its author, the author publishes the same
    entries as a new edition, and the reader continues from there – no partition, nothing lost."""
    a, b = zwei
    c = neues_geraet("c")
    freigeben(a, c)
    titel_setzen(a, "von A")
    sync(a, ablage)
    titel_setzen(b, "von B", index=1)
    sync(b, ablage)
    datei = _aenderungsdateien(ablage, a)[-1]
    roh = datei.read_bytes()
    datei.write_bytes(roh.replace(b"von A", b"BOES") if art == "manipuliert" else roh[: len(roh) // 2])
    ergebnis = sync(c, ablage)
    assert ergebnis.quarantaene == 1 and any("Quarantäne" in w for w in ergebnis.warnungen)
    with c.lesen() as s:
        q = s.execute(select(SyncQuarantaene)).scalar_one()
        assert q.pfad.endswith(datei.name) and q.code == ("signatur" if art == "manipuliert" else "json")
    assert titel(c, 1) == "von B"  # other devices go on
    assert titel(c) not in ("BOES", "von A")
    assert status(c).quarantaene == 1
    assert list((ablage / "heads").glob(f"q-{a.geraet_id}-{c.geraet_id}-*.json"))  # the author is told
    ergebnis = sync(a, ablage)
    assert any("als Ausgabe 2 neu veröffentlicht" in w for w in ergebnis.warnungen)
    assert not datei.exists() and (datei.parent / f"{datei.stem}.2.json").exists()
    sync(c, ablage)
    assert titel(c) == "von A" and status(c).quarantaene == 0
    assert not list((ablage / "heads").glob("q-*.json"))  # the notice goes once healed
    assert daten(c) == daten(a)


def test_alte_mtimes_und_gleich_grosse_dateien_in_derselben_sekunde(zwei, ablage) -> None:
    a, b = zwei
    for wert in ("AAAA", "BBBB", "CCCC"):  # same size, same second
        titel_setzen(a, wert)
        sync(a, ablage)
    dateien = _aenderungsdateien(ablage, a)
    assert dateien[-1].stat().st_size == dateien[-2].stat().st_size
    for d in dateien:
        os.utime(d, (978307200, 978307200))  # 2001: older than anything b has seen
    sync(b, ablage)
    assert titel(b) == "CCCC"


# ----------------------------------------------------------------------------------- clocks
def test_uhr_eines_geraets_in_der_zukunft_entscheidet_nie(zwei, ablage) -> None:
    a, b = zwei
    zukunft = datetime.now(UTC) + timedelta(days=400)
    vergangenheit = datetime.now(UTC) - timedelta(days=400)
    titel_setzen(a, "A mit falscher Uhr", zeitpunkt=zukunft if a.geraet_id < b.geraet_id else vergangenheit)
    titel_setzen(b, "B mit falscher Uhr", zeitpunkt=vergangenheit if a.geraet_id < b.geraet_id else zukunft)
    sync(a, ablage)
    ergebnis = sync(b, ablage)
    sync(a, ablage)
    # The later clock would pick the smaller device id; the rule picks the larger (device id, seq).
    gewinner = "A mit falscher Uhr" if a.geraet_id > b.geraet_id else "B mit falscher Uhr"
    assert titel(a) == titel(b) == gewinner
    assert len(konflikte(a)) == 1
    if a.geraet_id < b.geraet_id:
        assert any("Zukunft" in w for w in ergebnis.warnungen)


# ----------------------------------------------------------------------------------- crashes
def test_reste_abgestuerzter_abgleiche_und_fremde_sperren_stoeren_nicht(zwei, ablage, monkeypatch) -> None:
    """A sync killed after its temp upload (SIGKILL: no clean-up runs) leaves a temp file; the next run
    removes it. Others' fresh temp files stay (their upload may still run), old ones go."""
    from ozgdesk.sync.backend import Backend

    a, b = zwei
    titel_setzen(a, "trotzdem")

    class Getoetet(BaseException):
        pass

    def toeten(self, temp: str, ziel: str) -> bool:  # noqa: ANN001
        raise Getoetet()

    original_loeschen = OrdnerBackend.loeschen
    monkeypatch.setattr(OrdnerBackend, "_verschieben_ohne_ueberschreiben", toeten)
    monkeypatch.setattr(OrdnerBackend, "loeschen", lambda self, pfad: None)  # a killed process cleans nothing up
    with pytest.raises(Getoetet):
        sync(a, ablage)
    monkeypatch.undo()
    eigen = ablage / "changes" / a.geraet_id
    reste = [p.name for p in eigen.iterdir() if p.name.startswith(TEMP_PRAEFIX)]
    assert len(reste) == 1
    heads = ablage / "heads"
    fremd_alt = heads / f"{TEMP_PRAEFIX}anderes-alt"
    fremd_alt.write_bytes(b"x")
    os.utime(fremd_alt, (978307200, 978307200))
    fremd_neu = heads / f"{TEMP_PRAEFIX}anderes-neu"
    fremd_neu.write_bytes(b"y")
    (ablage / "lock.json").write_text('{"geraet": "abgestuerzt", "seit": "2020-01-01"}')
    assert Backend.loeschen is not None and OrdnerBackend.loeschen is original_loeschen
    sync(a, ablage)
    assert not [p for p in eigen.iterdir() if p.name.startswith(TEMP_PRAEFIX)]
    namen = {p.name for p in heads.iterdir()}
    assert fremd_alt.name not in namen and fremd_neu.name in namen
    sync(b, ablage)
    assert titel(b) == "trotzdem"


@pytest.mark.parametrize("wer_merkt_es", ["eigener_kopf", "anderes_geraet"])
def test_zurueckgespielte_sicherung_verliert_keine_aenderung(zwei, ablage, tmp_path, wer_merkt_es) -> None:
    """A database restored from a backup: the edits made before the restore are on the share, those
    made after it only here. The device notices by content, takes a new identity, keeps both."""
    a, b = zwei
    sicherung = tmp_path / "sicherung.sqlite"
    with a.engine.connect() as con:
        con.exec_driver_sql(f"VACUUM INTO '{sicherung}'")
    titel_setzen(a, "vor dem Zurückspielen")
    sync(a, ablage)
    sync(b, ablage)
    titel_setzen(b, "B kennt A", index=2)
    sync(b, ablage)
    if wer_merkt_es == "anderes_geraet":
        for kopf in (ablage / "heads").glob(f"k-{a.geraet_id}-*.json"):
            kopf.unlink()  # only B's knowledge of A's entries can tell
    pfad, alte_kennung = a.pfad, a.geraet_id
    a.schliessen()
    for endung in ("", "-wal", "-shm"):
        Path(str(pfad) + endung).unlink(missing_ok=True)
    shutil.copyfile(sicherung, pfad)
    from ozgdesk.model.store import Store

    with Store.oeffnen(pfad) as alt:
        titel_setzen(alt, "nach dem Zurückspielen", index=1)
        ergebnis = sync(alt, ablage)
        assert alt.geraet_id != alte_kennung
        assert any("neuen Kennung" in w and "nichts verloren" in w for w in ergebnis.warnungen)
        sync(b, ablage)
        sync(alt, ablage)
        for g in (alt, b):
            assert titel(g) == "vor dem Zurückspielen" and titel(g, 1) == "nach dem Zurückspielen"
            assert titel(g, 2) == "B kennt A"
        assert daten(alt) == daten(b)
        assert status(alt).ausstehende_aenderungen == 0 and status(b).quarantaene == 0


def test_abbrechen_und_fortsetzen(zwei, ablage, monkeypatch) -> None:
    a, b = zwei
    monkeypatch.setattr(replikation, "EINTRAEGE_JE_DATEI", 1)
    for i in range(5):
        titel_setzen(a, f"Stand {i}", index=i)
    sync(a, ablage)
    halt = threading.Event()
    gesehen = []

    def fortschritt(schritt: str, erledigt: int, gesamt: int) -> None:
        gesehen.append((schritt, erledigt, gesamt))
        if schritt == "Empfangen" and erledigt == 2:
            halt.set()

    with pytest.raises(Abgebrochen, match="nächste Abgleich setzt fort"):
        sync(b, ablage, fortschritt=fortschritt, abbrechen=halt)
    assert [titel(b, i) for i in range(2)] == ["Stand 0", "Stand 1"] and titel(b, 2) != "Stand 2"
    assert [g for g in gesehen if g[0] == "Empfangen"] == [("Empfangen", 1, 5), ("Empfangen", 2, 5)]
    ergebnis = sync(b, ablage)
    assert ergebnis.empfangen == 3 and [titel(b, i) for i in range(5)] == [f"Stand {i}" for i in range(5)]
    assert not any("Prüfung nach dem Abgleich" in w for w in ergebnis.warnungen)


def test_abgebrochenes_senden_wird_ohne_doppelte_datei_fortgesetzt(zwei, ablage, monkeypatch) -> None:
    """Published, but the crash came before the cursor was stored: the file is adopted, not re-sent,
    even though more edits were made before the next sync (the next file would differ)."""
    from ozgdesk.sync import senden

    a, b = zwei
    titel_setzen(a, "einmal")
    original = senden._gesendet_merken
    aufrufe = {"n": 0}

    def absturz(store, d):  # noqa: ANN001, ANN202
        aufrufe["n"] += 1
        if aufrufe["n"] == 1:  # the DB step that would record the file just sent
            raise Ablagefehler("Absturz (Test).")
        return original(store, d)

    monkeypatch.setattr(senden, "_gesendet_merken", absturz)
    with pytest.raises(Ablagefehler):
        sync(a, ablage)
    monkeypatch.setattr(senden, "_gesendet_merken", original)
    vorher = len(_aenderungsdateien(ablage, a))
    titel_setzen(a, "zweimal", index=1)
    alte_kennung = a.geraet_id
    ergebnis = sync(a, ablage)
    assert a.geraet_id == alte_kennung  # its own upload, recognised by content: no new identity
    assert ergebnis.gesendet == 1 and len(_aenderungsdateien(ablage, a)) == vorher + 1
    sync(b, ablage)
    assert titel(b) == "einmal" and titel(b, 1) == "zweimal"


def test_bearbeitung_waehrend_eines_langen_downloads(zwei, ablage, monkeypatch) -> None:
    a, b = zwei
    monkeypatch.setattr(replikation, "EINTRAEGE_JE_DATEI", 1)
    for i in range(4):
        titel_setzen(a, f"A {i}", index=i)
    sync(a, ablage)

    def zwischendurch(schritt: str, erledigt: int, gesamt: int) -> None:
        if schritt == "Empfangen" and erledigt == 2:
            titel_setzen(b, "B während des Abgleichs", index=3)  # A's change to it is not here yet
            titel_setzen(b, "B nach A", index=0)  # A's change to it is already here

    sync(b, ablage, fortschritt=zwischendurch)
    sync(a, ablage)
    sync(b, ablage)
    assert daten(a) == daten(b)
    assert titel(a, 0) == "B nach A"  # knowingly overwrote A's value: no conflict
    ks = konflikte(a)
    assert len(ks) == 1 and {w["wert"] for w in ks[0].werte} == {"A 3", "B während des Abgleichs"}
    with b.lesen() as s:
        assert s.execute(select(func.count()).select_from(Aenderung).where(Aenderung.geraet == b.geraet_id)).scalar_one() == 2


def test_umgezogene_ablage_geht_weiter_neue_leere_wird_abgelehnt(zwei, ablage, tmp_path) -> None:
    from ozgdesk.sync.abgleich import einrichten

    a, b = zwei
    neu = tmp_path / "neuer Server"
    shutil.copytree(ablage, neu)
    einrichten(a, str(neu))
    titel_setzen(a, "nach dem Umzug")
    jetzt_abgleichen(a)
    einrichten(b, str(tmp_path / "leer"))
    (tmp_path / "leer").mkdir()
    with pytest.raises(Sicherheitsstopp, match="um Schutz der Daten"):
        jetzt_abgleichen(b)
    einrichten(b, str(neu))
    jetzt_abgleichen(b)
    assert titel(b) == "nach dem Umzug"
