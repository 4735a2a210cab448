"""Sync through a real WebDAV server (wsgidav) with the faults real servers produce."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from ozgdesk.model.projekte import Projekt
from ozgdesk.sync import replikation
from ozgdesk.sync.abgleich import jetzt_abgleichen
from ozgdesk.sync.backend import Ablagefehler, Anmeldefehler, Platzfehler
from ozgdesk.sync.format import TEMP_PRAEFIX
from ozgdesk.sync.pruefung import einrichtung_pruefen
from ozgdesk.sync.webdav import WebdavBackend
from tests.sync_server import BENUTZER, PASSWORT, daten, freigeben


def _backend(dav, passwort: str = PASSWORT) -> WebdavBackend:  # noqa: ANN001
    return WebdavBackend(dav.url + "Ablage%20Grüße/", BENUTZER, passwort)


def _titel_setzen(store, wert: str, index: int = 0) -> None:  # noqa: ANN001
    with store.session(benutzer="Jürgen") as s:
        p = s.execute(select(Projekt).order_by(Projekt.kennung)).scalars().all()[index]
        p.titel = wert


def _titel(store, index: int = 0) -> str:  # noqa: ANN001
    with store.lesen() as s:
        return s.execute(select(Projekt).order_by(Projekt.kennung)).scalars().all()[index].titel


def _temp_dateien(dav) -> list[str]:  # noqa: ANN001
    return [p.name for p in dav.wurzel.rglob("*") if p.name.startswith(TEMP_PRAEFIX)]


@pytest.fixture
def ablage(dav):  # noqa: ANN001, ANN201
    (dav.wurzel / "Ablage Grüße").mkdir()
    return dav


@pytest.fixture
def ablage_beide(webdav_server):  # noqa: ANN001, ANN201
    """The share on each real server in turn: wsgidav and Apache httpd with mod_dav (tests/apache_server.py)."""
    webdav_server.ordner("Ablage Grüße")
    return webdav_server


def test_pruefung_eines_echten_servers_gibt_fuer_jeden_punkt_ein_deutsches_urteil(ablage_beide) -> None:
    ablage = ablage_beide
    punkte = einrichtung_pruefen(_backend(ablage))
    assert [p.ok for p in punkte] == [True] * len(punkte)
    texte = " ".join(p.meldung for p in punkte)
    assert "WebDAV" in texte and "fehlt wirklich" in texte and "zurückgelesen" in texte and "nicht überschrieben" in texte
    assert not _temp_dateien(ablage)
    assert not list((ablage.wurzel / "Ablage Grüße").iterdir())  # the check leaves nothing behind


def test_pruefung_erkennt_iis_und_falsches_passwort(ablage) -> None:
    ablage.stoerung.iis = True
    punkte = einrichtung_pruefen(_backend(ablage))
    fehlend = next(p for p in punkte if p.name == "fehlende Datei")
    assert fehlend.stufe == "warnung" and "200" in fehlend.meldung
    punkte = einrichtung_pruefen(_backend(ablage, "falsch"))
    assert punkte[0].stufe == "fehler" and "Benutzername oder Passwort" in punkte[0].meldung


def test_zwei_geraete_mit_umlauten_in_benutzer_passwort_und_pfad(ablage_beide, demo_store, neues_geraet) -> None:
    ablage = ablage_beide
    b = neues_geraet("b")
    jetzt_abgleichen(demo_store, _backend(ablage))
    freigeben(demo_store, b)
    ergebnis = jetzt_abgleichen(b, _backend(ablage))
    assert ergebnis.empfangen > 1000
    assert daten(b) == daten(demo_store)
    _titel_setzen(b, "Änderung auf B – Grüße")
    jetzt_abgleichen(b, _backend(ablage))
    jetzt_abgleichen(demo_store, _backend(ablage))
    assert _titel(demo_store) == "Änderung auf B – Grüße"


def test_falsches_passwort_ist_http_401_und_aendert_nichts(ablage_beide, demo_store) -> None:
    ablage = ablage_beide
    vorher = daten(demo_store)
    with pytest.raises(Anmeldefehler, match="401"):
        jetzt_abgleichen(demo_store, _backend(ablage, "falsch"))
    assert daten(demo_store) == vorher


def test_gleiches_feld_auf_zwei_geraeten_wird_ein_sichtbarer_konflikt(ablage_beide, demo_store, neues_geraet) -> None:
    from ozgdesk.sync.konflikte import konflikte

    ablage = ablage_beide
    b = neues_geraet("b")
    jetzt_abgleichen(demo_store, _backend(ablage))
    freigeben(demo_store, b)
    jetzt_abgleichen(b, _backend(ablage))
    _titel_setzen(demo_store, "Fassung A – Grüße")
    _titel_setzen(b, "Fassung B – Maße")
    _titel_setzen(b, "nur B", 1)  # another record: merges without a conflict
    for geraet in (demo_store, b, demo_store):
        jetzt_abgleichen(geraet, _backend(ablage))
    for geraet in (demo_store, b):
        offen = konflikte(geraet)
        assert len(offen) == 1 and offen[0].feld == "titel"
        assert {w["wert"] for w in offen[0].werte} == {"Fassung A – Grüße", "Fassung B – Maße"}
        assert _titel(geraet, 1) == "nur B"
    assert _titel(demo_store) == _titel(b)  # the same interim value on both, never decided by a clock
    assert not _temp_dateien(ablage)


STOERUNGEN = [
    ("PUT", "changes/", "abgeschnitten", Ablagefehler),
    ("PUT", "changes/", "500", Ablagefehler),
    ("PUT", "changes/", "507", Platzfehler),
    ("PUT", "changes/", "abbruch", Ablagefehler),
    ("MOVE", "changes/", "abbruch_danach", Ablagefehler),
    ("MOVE", "changes/", "500", Ablagefehler),
    ("GET", "changes/", "500", Ablagefehler),
    ("GET", "changes/", "abbruch", Ablagefehler),
    ("PROPFIND", "heads", "500", Ablagefehler),
]


@pytest.mark.parametrize(("methode", "pfad", "art", "fehler"), STOERUNGEN, ids=[f"{m}-{a}" for m, _, a, _ in STOERUNGEN])
def test_stoerung_mitten_im_abgleich_dann_wiederholung_konvergiert(
    ablage, demo_store, neues_geraet, monkeypatch, methode, pfad, art, fehler
) -> None:
    """Several files per sync; the fault hits the second one. A retry converges, no edit is lost."""
    monkeypatch.setattr(replikation, "EINTRAEGE_JE_DATEI", 3)
    b = neues_geraet("b")
    jetzt_abgleichen(demo_store, _backend(ablage))
    freigeben(demo_store, b)
    jetzt_abgleichen(b, _backend(ablage))
    for i in range(4):
        _titel_setzen(demo_store, f"A-{i}", i)
        _titel_setzen(b, f"B-{i}", i + 10)
    durchlassen = {"PUT": 1, "MOVE": 1, "GET": 2, "PROPFIND": 2}[methode]
    ablage.stoerung.einplanen(methode, pfad, "durch", anzahl=durchlassen)
    ablage.stoerung.einplanen(methode, pfad, art, anzahl=1)
    fehlgeschlagen = []
    for geraet in (demo_store, b):
        try:
            jetzt_abgleichen(geraet, _backend(ablage))
        except fehler as e:
            fehlgeschlagen.append(str(e))
    assert fehlgeschlagen, "the fault must have hit a sync"
    assert all(t[:1].isupper() for t in fehlgeschlagen)  # a German sentence, not a traceback
    for geraet in (demo_store, b, demo_store):
        jetzt_abgleichen(geraet, _backend(ablage))
    assert daten(demo_store) == daten(b)
    for i in range(4):
        assert _titel(b, i) == f"A-{i}" and _titel(demo_store, i + 10) == f"B-{i}"
    assert not _temp_dateien(ablage)


@pytest.mark.parametrize("modus", ["iis", "nginx"])
def test_server_die_fehlende_dateien_falsch_melden(ablage, demo_store, neues_geraet, modus) -> None:
    setattr(ablage.stoerung, modus, True)
    b = neues_geraet("b")
    jetzt_abgleichen(demo_store, _backend(ablage))
    freigeben(demo_store, b)
    jetzt_abgleichen(b, _backend(ablage))
    _titel_setzen(b, "von B")
    jetzt_abgleichen(b, _backend(ablage))
    jetzt_abgleichen(demo_store, _backend(ablage))
    assert daten(demo_store) == daten(b) and _titel(demo_store) == "von B"


def test_uhr_des_servers_weicht_ab_warnt_nur(ablage, demo_store) -> None:
    ablage.stoerung.datum_versatz_s = 3 * 3600
    ergebnis = jetzt_abgleichen(demo_store, _backend(ablage))
    assert ergebnis.gesendet > 0
    assert any("Minuten" in w and "Uhr" in w for w in ergebnis.warnungen)


def test_langsamer_server_zeitueberschreitung_dann_fortsetzen(ablage, demo_store, neues_geraet) -> None:
    b = neues_geraet("b")
    jetzt_abgleichen(demo_store, _backend(ablage))
    _titel_setzen(demo_store, "nach der Pause")
    ablage.stoerung.einplanen("GET", "snapshots/", "langsam")  # a new device's first download: the snapshot
    with pytest.raises(Ablagefehler, match="Zeitüberschreitung"):
        jetzt_abgleichen(b, WebdavBackend(ablage.url + "Ablage%20Grüße/", BENUTZER, PASSWORT, timeout=0.5))
    ablage.stoerung.freigabe.set()
    jetzt_abgleichen(demo_store, _backend(ablage))
    jetzt_abgleichen(b, _backend(ablage))
    assert daten(b) == daten(demo_store) and _titel(b) == "nach der Pause"


def test_einreichung_ueber_webdav_mit_umlauten_im_dateinamen(ablage_beide, demo_store, tmp_path) -> None:
    ablage = ablage_beide
    from ozgdesk.sync.ausgang import ausgang_einreihen

    paket = tmp_path / "Paket Grüße"
    paket.mkdir()
    (paket / "Bericht über Maßnahmen.pdf").write_bytes(b"%PDF-1.7 Inhalt")
    ausgang_einreihen(demo_store, paket, "BMAS", "2026-H2")
    ergebnis = jetzt_abgleichen(demo_store, _backend(ablage))
    ziel = ablage.wurzel / "Ablage Grüße" / "outbox" / "BMAS" / "2026-H2" / "v1"
    assert ergebnis.veroeffentlicht == ["outbox/BMAS/2026-H2/v1"]
    assert (ziel / "Bericht über Maßnahmen.pdf").read_bytes() == b"%PDF-1.7 Inhalt"
    assert (ziel / "ozgdesk-uebertragung.json").exists() and not _temp_dateien(ablage)
