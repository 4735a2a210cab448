"""The sync's structured log lines (logfmt): one per run, quarantined file, conflict, resolution and
published submission – with the keys IT support greps for, and never an address or a password."""

from __future__ import annotations

import json
import logging
import re
import shutil
import threading

import pytest
from sqlalchemy import select

from ozgdesk.logbuch import EREIGNIS_LOGGER
from ozgdesk.model.projekte import Projekt
from ozgdesk.model.store import Store
from ozgdesk.sync.abgleich import jetzt_abgleichen
from ozgdesk.sync.ausgang import ausgang_einreihen
from ozgdesk.sync.backend import Ablagefehler, OrdnerBackend
from ozgdesk.sync.format import SHARE_DATEI
from ozgdesk.sync.konflikte import konflikt_loesen, konflikte
from ozgdesk.sync.replikation import Abgebrochen, Sicherheitsstopp
from ozgdesk.sync.webdav import WebdavBackend
from tests.sync_server import BENUTZER, PASSWORT

_PAAR = re.compile(r'(\w+)=("(?:[^"\\]|\\.)*"|\S*)')


def felder(zeile: str) -> dict[str, str]:
    """One logfmt line as a dict (quoted values unescaped)."""
    return {k: json.loads(v) if v.startswith('"') else v for k, v in _PAAR.findall(zeile)}


@pytest.fixture
def ereignisse(caplog: pytest.LogCaptureFixture):
    caplog.set_level(logging.INFO, logger=EREIGNIS_LOGGER)

    def lesen(was: str | None = None) -> list[dict[str, str]]:
        zeilen = [felder(r.getMessage()) for r in caplog.records if r.name == EREIGNIS_LOGGER]
        return [z for z in zeilen if was is None or z["ereignis"] == was]

    lesen.leeren = caplog.clear  # type: ignore[attr-defined]
    return lesen


def titel_setzen(store: Store, wert: str, index: int = 0) -> None:
    with store.session(benutzer="Anna") as s:
        s.execute(select(Projekt).order_by(Projekt.kennung)).scalars().all()[index].titel = wert


def projekt_id(store: Store, index: int = 0) -> str:
    with store.lesen() as s:
        return s.execute(select(Projekt.id).order_by(Projekt.kennung)).scalars().all()[index]


def test_ein_abgleich_schreibt_genau_eine_zeile_mit_seinen_zahlen(synchrones_paar, tmp_path, ereignisse) -> None:
    a, b = synchrones_paar
    share = tmp_path / "ablage"
    titel_setzen(a, "eins")
    titel_setzen(a, "zwei", index=1)
    ergebnis = jetzt_abgleichen(a, OrdnerBackend(share))
    [zeile] = ereignisse("abgleich")
    assert zeile["ergebnis"] == "ok" and zeile["ziel"] == "ordner"
    assert int(zeile["dauer_ms"]) >= 0
    assert (zeile["exportiert"], zeile["importiert"], zeile["dateien_gesendet"]) == ("2", "0", "1")
    assert (zeile["konflikte"], zeile["quarantaene"], zeile["veroeffentlicht"]) == ("0", "0", "0")
    assert zeile["anfragen"] == str(ergebnis.anfragen) and int(zeile["anfragen"]) > 0
    assert zeile["bytes"] == str(ergebnis.bytes_gesendet) and int(zeile["bytes"]) > 0
    assert "fehler" not in zeile
    ereignisse.leeren()
    jetzt_abgleichen(b, OrdnerBackend(share))
    [zeile] = ereignisse("abgleich")
    assert (zeile["ergebnis"], zeile["importiert"], zeile["dateien_empfangen"], zeile["exportiert"]) == ("ok", "2", "1", "0")


def test_jeder_ausgang_eines_abgleichs_steht_in_seiner_zeile(synchrones_paar, tmp_path, ereignisse) -> None:
    a, _ = synchrones_paar
    share = tmp_path / "ablage"
    with pytest.raises(Ablagefehler):
        jetzt_abgleichen(a, OrdnerBackend(tmp_path / "gibt es nicht"))
    titel_setzen(a, "wartet")
    halt = threading.Event()
    halt.set()
    with pytest.raises(Abgebrochen):
        jetzt_abgleichen(a, OrdnerBackend(share), abbrechen=halt)
    inhalt = json.loads((share / SHARE_DATEI).read_text())
    (share / SHARE_DATEI).write_text(json.dumps(dict(inhalt, share_id="00000000-0000-4000-8000-000000000000")))
    with pytest.raises(Sicherheitsstopp):
        jetzt_abgleichen(a, OrdnerBackend(share))
    with pytest.raises(Exception, match="kein Abgleichziel"):
        jetzt_abgleichen(a)  # nothing set up: still one line, without a target kind
    zeilen = ereignisse("abgleich")
    assert [z["ergebnis"] for z in zeilen] == ["fehler", "abgebrochen", "sicherheitsstopp", "fehler"]
    assert [z.get("fehler") for z in zeilen] == ["Ablagefehler", None, None, "Eingabefehler"]
    assert [z.get("ziel") for z in zeilen] == ["ordner", "ordner", "ordner", None]
    assert all("dauer_ms" in z for z in zeilen)


def test_webdav_zeile_nennt_die_art_nie_adresse_benutzer_oder_passwort(synchrones_paar, tmp_path, dav, caplog,
                                                                    ereignisse) -> None:
    a, _ = synchrones_paar
    shutil.copytree(tmp_path / "ablage", dav.wurzel / "ablage")
    titel_setzen(a, "über WebDAV")
    jetzt_abgleichen(a, WebdavBackend(dav.url + "ablage/", BENUTZER, PASSWORT))
    [zeile] = ereignisse("abgleich")
    assert zeile["ziel"] == "webdav" and zeile["ergebnis"] == "ok" and zeile["exportiert"] == "1"
    assert int(zeile["anfragen"]) > 3
    text = " ".join(r.getMessage() for r in caplog.records if r.name == EREIGNIS_LOGGER)
    for geheim in (PASSWORT, BENUTZER, "127.0.0.1", dav.url):
        assert geheim not in text


def test_quarantaene_eine_zeile_je_datei_mit_kurzem_grund(synchrones_paar, tmp_path, ereignisse) -> None:
    a, b = synchrones_paar
    share = tmp_path / "ablage"
    titel_setzen(b, "von B")
    jetzt_abgleichen(b, OrdnerBackend(share))
    [datei] = [p for p in (share / "changes" / b.geraet_id).glob("*.json")]
    datei.write_bytes(datei.read_bytes().replace(b"von B", b"BOES!"))
    ereignisse.leeren()
    ergebnis = jetzt_abgleichen(a, OrdnerBackend(share))
    assert ergebnis.quarantaene == 1
    [zeile] = ereignisse("quarantaene")
    assert zeile == {"ereignis": "quarantaene", "ergebnis": "abgelehnt", "geraet": b.geraet_id[:8],
                     "datei": datei.name, "grund": "signatur"}
    assert ereignisse("abgleich")[0]["quarantaene"] == "1"
    ereignisse.leeren()
    jetzt_abgleichen(a, OrdnerBackend(share))  # still bad, already in quarantine: no second line
    assert ereignisse("quarantaene") == [] and ereignisse("abgleich")[0]["quarantaene"] == "0"


def test_konflikt_und_seine_loesung_je_eine_zeile(synchrones_paar, tmp_path, ereignisse) -> None:
    a, b = synchrones_paar
    share = tmp_path / "ablage"
    titel_setzen(a, "Titel von A")
    titel_setzen(b, "Titel von B")
    jetzt_abgleichen(a, OrdnerBackend(share))
    assert ereignisse("konflikt") == []
    jetzt_abgleichen(b, OrdnerBackend(share))
    [zeile] = ereignisse("konflikt")
    assert zeile == {"ereignis": "konflikt", "ergebnis": "offen", "art": "feld", "tabelle": "projekt",
                     "feld": "titel", "datensatz": projekt_id(b)}
    assert ereignisse("abgleich")[-1]["konflikte"] == "1"
    ereignisse.leeren()
    [k] = konflikte(b)
    konflikt_loesen(b, k.id, "mein")
    [zeile] = ereignisse("konflikt_geloest")
    assert (zeile["loesung"], zeile["tabelle"], zeile["feld"], zeile["datensatz"]) == ("mein", "projekt", "titel",
                                                                                     projekt_id(b))
    ereignisse.leeren()
    jetzt_abgleichen(b, OrdnerBackend(share))
    jetzt_abgleichen(a, OrdnerBackend(share))  # A sees the conflict and, in the same run, B's resolution
    assert [z["datensatz"] for z in ereignisse("konflikt")] == [projekt_id(a)]
    [geloest] = ereignisse("konflikt_geloest")
    assert geloest["loesung"] == "spaetere_aenderung" and geloest["datensatz"] == projekt_id(a)
    assert konflikte(a) == []


def test_veroeffentlichte_einreichung_eine_zeile(demo_store, tmp_path, ereignisse) -> None:
    paket = tmp_path / "paket"
    (paket / "anlagen").mkdir(parents=True)
    (paket / "Bericht.pdf").write_bytes(b"%PDF " + b"x" * 995)
    (paket / "anlagen" / "Anlage.xlsx").write_bytes(b"PK" + b"y" * 498)
    ausgang_einreihen(demo_store, paket, "BMAS", "2026-H2")
    ablage = tmp_path / "ablage"
    ablage.mkdir()
    jetzt_abgleichen(demo_store, OrdnerBackend(ablage))
    [zeile] = ereignisse("einreichung_veroeffentlicht")
    assert zeile == {"ereignis": "einreichung_veroeffentlicht", "ergebnis": "ok", "ressort": "BMAS",
                     "periode": "2026-H2", "version": "1", "bytes": "1500", "dateien": "2"}
    assert ereignisse("abgleich")[0]["veroeffentlicht"] == "1"


def test_zeilen_stehen_im_technischen_protokoll(synchrones_paar, tmp_path) -> None:
    """Through the real file handler (with its redaction filter), readable by the Diagnose dialog."""
    from ozgdesk import logbuch

    a, _ = synchrones_paar
    datei = logbuch.einrichten(tmp_path / "home")
    try:
        jetzt_abgleichen(a, OrdnerBackend(tmp_path / "ablage"))
        for h in logging.getLogger().handlers:
            h.flush()
        zeilen = [z for z in logbuch.letzte_zeilen(50, datei) if "ereignis=abgleich" in z]
        assert len(zeilen) == 1 and "ergebnis=ok" in zeilen[0] and "ziel=ordner" in zeilen[0]
    finally:
        for h in list(logging.getLogger().handlers):
            if isinstance(h, logbuch._PrivaterHandler):
                logging.getLogger().removeHandler(h)
                h.close()
