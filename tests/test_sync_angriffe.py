"""The attacks and IT mishaps of issue 14, each against the folder backend and a real WebDAV server.

Someone with write access to the share is not trusted by that alone: a file appended to a
device's chain, a device nobody approved, a forged frozen submission, hostile files that would
stop a parser or a reader – each is quarantined (or waits for approval), never applied, and never
stops the sync of anyone else. IT's routine work – a restored database, a home folder copied to a
second PC – loses no edit. The user sees why, in the sync's warnings and ``abgleich status``.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import keyring
import pytest
from sqlalchemy import func, select

from ozgdesk.model.einreichung import Einreichung
from ozgdesk.model.finanzen import Mittelabfluss
from ozgdesk.model.projekte import Meilenstein, Projekt
from ozgdesk.model.store import Store
from ozgdesk.sync.abgleich import jetzt_abgleichen, status
from ozgdesk.sync.backend import Backend, OrdnerBackend
from ozgdesk.sync.format import kanonisch
from ozgdesk.sync.webdav import WebdavBackend
from tests.schluesselbund import UMGEBUNG, Testschluesselbund
from tests.sync_server import BENUTZER, PASSWORT, daten


@pytest.fixture(params=["ordner", "webdav"])
def ablage(request, tmp_path: Path) -> Iterator[tuple[Path, Callable[[], Backend]]]:  # noqa: ANN001
    """(the share's folder on disk – where an attacker with write access writes –, a backend factory)."""
    if request.param == "ordner":
        pfad = tmp_path / "ablage"
        pfad.mkdir(exist_ok=True)
        yield pfad, lambda: OrdnerBackend(pfad)
        return
    dav = request.getfixturevalue("dav")
    shutil.copytree(tmp_path / "ablage", dav.wurzel / "ablage")  # the synced pair's share, served by WebDAV
    yield dav.wurzel / "ablage", lambda: WebdavBackend(dav.url + "ablage/", BENUTZER, PASSWORT)


@pytest.fixture
def paar(synchrones_paar, ablage):  # noqa: ANN001, ANN201
    a, b = synchrones_paar
    pfad, backend = ablage

    def sync(store: Store, **kw):  # noqa: ANN003, ANN202
        return jetzt_abgleichen(store, backend(), **kw)

    return a, b, pfad, sync


def titel_setzen(store: Store, wert: str, index: int = 0) -> None:
    with store.session() as s:
        s.execute(select(Projekt).order_by(Projekt.kennung)).scalars().all()[index].titel = wert


def titel(store: Store, index: int = 0) -> str:
    with store.lesen() as s:
        return s.execute(select(Projekt).order_by(Projekt.kennung)).scalars().all()[index].titel


def anzahl(store: Store, cls: type) -> int:
    with store.lesen() as s:
        return s.execute(select(func.count()).select_from(cls)).scalar_one()


def _naechste(store: Store, ablage: Path, geraet: str) -> int:
    """The first seq of the next file of ``geraet`` as this store expects it."""
    from ozgdesk.sync.replikation import geraetestaende

    return geraetestaende(store)[geraet].bis_seq + 1


def _kopf_pflanzen(ablage: Path, geraet: str, von: int) -> None:
    """An attacker's head for a device: only a name (it cannot sign the content)."""
    (ablage / "heads" / f"k-{geraet}-{von:012d}-1-999.json").write_bytes(b"{}")


@contextmanager
def anderer_rechner(schluesselbund: Path) -> Iterator[None]:
    """Another PC: its own keychain (the copied database does not carry the device key)."""
    vorher = keyring.get_keyring()
    alt = os.environ[UMGEBUNG]
    os.environ[UMGEBUNG] = str(schluesselbund)
    keyring.set_keyring(Testschluesselbund())
    try:
        yield
    finally:
        os.environ[UMGEBUNG] = alt
        keyring.set_keyring(vorher)


# ------------------------------------------------------------------------------ forged files
def test_angehaengte_datei_mit_neu_berechnetem_hash_wird_nicht_als_a_angewendet(paar) -> None:
    """The attacker copies A's last file, books a payment of 99.999.999,00 € in it, fixes every hash
    and the chain, points a head at it – but cannot sign as A."""
    a, b, ablage, sync = paar
    titel_setzen(a, "echt von A")
    sync(a)
    sync(b)
    vorlage = max((ablage / "changes" / a.geraet_id).glob("*.json"))
    doc = json.loads(vorlage.read_bytes())
    von = _naechste(b, ablage, a.geraet_id)
    n = doc["nutzlast"]
    zahlung = {"id": "0badc0de-2222-4000-8000-000000000000", "projekt_id": None, "betrag_cent": 9_999_999_900,
               "datum": "2026-11-30", "haushaltsstelle": "0602 532 01", "kostenart": "dienstleistung",
               "referenz": "FREMD", "bemerkung": ""}
    with b.lesen() as s:
        zahlung["projekt_id"] = s.execute(select(Projekt.id).limit(1)).scalar_one()
    from ozgdesk.sync.format import kette_ueber

    t = dict(n["transaktionen"][0], eintraege=[{"seq": von, "tabelle": "mittelabfluss", "id": zahlung["id"],
                                                "aktion": "anlegen", "feld": None, "alt": None,
                                                "neu": json.dumps(zahlung)}])
    n.update(von_seq=von, bis_seq=von, kette_vor=n["kette_nach"], transaktionen=[t])
    n["kette_nach"] = kette_ueber(n["kette_vor"], [t])
    (vorlage.parent / f"{von:012d}.json").write_bytes(kanonisch(doc))
    for kopf in (ablage / "heads").glob(f"k-{a.geraet_id}-*.json"):
        kopf.unlink()  # A's real head goes, the attacker's takes its place
    _kopf_pflanzen(ablage, a.geraet_id, von)
    ergebnis = sync(b)
    with b.lesen() as s:
        assert s.execute(select(Mittelabfluss).where(Mittelabfluss.referenz == "FREMD")).first() is None
    assert titel(b) == "echt von A"
    assert ergebnis.quarantaene == 1 and any("Signatur" in w for w in ergebnis.warnungen)
    assert status(b).quarantaene_liste[0]["code"] == "signatur"
    # A removes the junk under its name, publishes its real next file there; B takes it and heals
    titel_setzen(a, "weiter von A")
    sync(a)
    sync(b)
    assert titel(b) == "weiter von A" and status(b).quarantaene == 0
    assert daten(a) == daten(b)


def test_fremdes_geraet_loescht_alles_und_nichts_geschieht(paar, neues_geraet) -> None:
    """A device nobody approved – it signs its own files with its own key, announces itself – deletes
    every payment and milestone: its changes wait for a coordinator, nothing is deleted anywhere."""
    a, b, ablage, sync = paar
    boese = neues_geraet("boese")
    sync(boese)  # joins: receives everything, announces its key
    from ozgdesk.model.projekte import MeilensteinVerschiebung

    with boese.session() as s:
        for cls in (Mittelabfluss, MeilensteinVerschiebung, Meilenstein):
            for obj in s.execute(select(cls)).scalars():
                s.delete(obj)
            s.flush()
    zahlungen, meilensteine = anzahl(a, Mittelabfluss), anzahl(a, Meilenstein)
    assert zahlungen > 0 and meilensteine > 0
    e = sync(boese, loeschen_erlauben=True)
    assert e.gesendet > 0
    for g in (a, b):
        ergebnis = sync(g)
        assert anzahl(g, Mittelabfluss) == zahlungen and anzahl(g, Meilenstein) == meilensteine
        assert any("noch nicht freigegeben" in w for w in ergebnis.warnungen)
        assert status(g).wartende_geraete == 1
    from ozgdesk.sync.geraete import geraete

    wartend = [x for x in geraete(a) if x.geraet == boese.geraet_id]
    assert wartend and wartend[0].status == "wartet"


def test_gefaelschte_eingefrorene_einreichung_wird_nicht_eingefuegt(paar) -> None:
    """A forged frozen submission „v2“, written as if by A: refused (it could never be removed)."""
    a, b, ablage, sync = paar
    vorher = anzahl(b, Einreichung)
    titel_setzen(a, "Fassung")
    sync(a)
    datei = max((ablage / "changes" / a.geraet_id).glob("*.json"))
    doc = json.loads(datei.read_bytes())
    eintrag = doc["nutzlast"]["transaktionen"][0]["eintraege"][0]
    eintrag.update(tabelle="einreichung", aktion="anlegen", feld=None, alt=None, id="0badc0de-3333-4000-8000-000000000000",
                   neu=json.dumps({"art": "quartalsbericht", "zeitraum": "2026-Q3", "version": 2, "schema": "x",
                                   "snapshot": "{}", "snapshot_sha256": "0" * 64, "dateien": "[]",
                                   "erstellt_am": "2026-11-30T00:00:00+00:00", "erstellt_von": "Fälscher"}))
    datei.write_bytes(kanonisch(doc))
    ergebnis = sync(b)
    assert anzahl(b, Einreichung) == vorher and ergebnis.quarantaene == 1


# ------------------------------------------------------------------------------- IT mishaps
def test_kopierter_datenordner_auf_zweitem_rechner_verliert_nichts(paar, tmp_path) -> None:
    """The home folder copied to a second PC: the copy has no key there; it notices, takes a new
    identity, waits for the coordinator's approval – and every edit of both PCs arrives everywhere."""
    from ozgdesk.sync.geraete import freigeben as geraet_freigeben

    a, b, ablage, sync = paar
    kopie_pfad = tmp_path / "zweiter-rechner" / "ozgdesk.sqlite"
    kopie_pfad.parent.mkdir()
    with b.engine.connect() as con:
        con.exec_driver_sql(f"VACUUM INTO '{kopie_pfad}'")
    zweiter = tmp_path / "zweiter-rechner" / "schluesselbund.json"
    titel_setzen(b, "auf dem ersten Rechner", index=3)
    sync(b)
    with Store.oeffnen(kopie_pfad) as kopie:
        with anderer_rechner(zweiter):
            titel_setzen(kopie, "auf dem zweiten Rechner", index=4)
            ergebnis = sync(kopie)
        assert kopie.geraet_id != b.geraet_id
        assert any("Schlüssel dieses Geräts fehlt" in w for w in ergebnis.warnungen)
        assert any("Koordination muss das Gerät neu freigeben" in w for w in ergebnis.warnungen)
        ergebnis = sync(a)  # the coordinator sees the copy waiting, with its fingerprint, and approves it
        assert any("noch nicht freigegeben" in w for w in ergebnis.warnungen)
        geraet_freigeben(a, kopie.geraet_id)
        sync(a)
        with anderer_rechner(zweiter):
            sync(kopie)
        sync(b)
        sync(a)
        for g in (a, b, kopie):
            assert titel(g, 3) == "auf dem ersten Rechner" and titel(g, 4) == "auf dem zweiten Rechner"
        assert status(a).quarantaene == 0 and daten(a) == daten(b)


def test_zurueckgespielte_sicherung_auch_ueber_webdav(paar, tmp_path) -> None:
    a, b, ablage, sync = paar
    sicherung = tmp_path / "sicherung.sqlite"
    with a.engine.connect() as con:
        con.exec_driver_sql(f"VACUUM INTO '{sicherung}'")
    titel_setzen(a, "vorher")
    sync(a)
    sync(b)
    pfad = a.pfad
    a.schliessen()
    for endung in ("", "-wal", "-shm"):
        Path(str(pfad) + endung).unlink(missing_ok=True)
    shutil.copyfile(sicherung, pfad)
    with Store.oeffnen(pfad) as alt:
        titel_setzen(alt, "nachher", index=1)
        ergebnis = sync(alt)
        assert any("nichts verloren" in w for w in ergebnis.warnungen)
        sync(b)
        sync(alt)
        for g in (alt, b):
            assert (titel(g), titel(g, 1)) == ("vorher", "nachher")
        assert daten(alt) == daten(b)


# ------------------------------------------------------------------------------ hostile files
FEINDLICH = ["klammern", "riesenzahl", "duenn_20gb", "symlink_dev_zero", "symlink_passwort"]


def _feindlich_pflanzen(datei: Path, art: str, geheim: Path) -> None:
    datei.parent.mkdir(parents=True, exist_ok=True)
    if art == "klammern":
        datei.write_bytes(b"[" * 100_000)
    elif art == "riesenzahl":
        datei.write_bytes(b'{"format": "ozgdesk-aenderungen", "version": ' + b"9" * 5000 + b"}")
    elif art == "duenn_20gb":
        with datei.open("wb") as f:
            f.truncate(20 * 1024**3)
    elif art == "symlink_dev_zero":
        os.symlink("/dev/zero", datei)
    else:
        os.symlink(geheim, datei)


@pytest.mark.parametrize("art", FEINDLICH)
def test_feindliche_datei_im_ordner_eines_geraets_stoppt_niemanden(paar, neues_geraet, tmp_path, art) -> None:
    """`[`×100000, a 5000-digit number, a 20 GB sparse file, a symlink to /dev/zero or to a secret
    outside the share, as B's next change file: quarantined on A with its reason, nothing read beyond
    the cap, nothing of the secret lands anywhere; C's changes still arrive; B heals it by publishing."""
    from ozgdesk.sync.replikation import geraetestaende

    a, b, ablage, sync = paar
    c = neues_geraet("c")
    freigeben_ueber(a, c, sync)
    geheim = tmp_path / "geheim.txt"
    geheim.write_text("root:$6$geheim:19000:0:99999:7:::\n")
    von = geraetestaende(a).get(b.geraet_id).bis_seq + 1
    for kopf in (ablage / "heads").glob(f"k-{b.geraet_id}-*.json"):
        kopf.unlink()
    _feindlich_pflanzen(ablage / "changes" / b.geraet_id / f"{von:012d}.json", art, geheim)
    _kopf_pflanzen(ablage, b.geraet_id, von)
    titel_setzen(c, "von C trotz allem", index=5)
    sync(c)
    ergebnis = sync(a)  # no exception, whatever the file is
    assert titel(a, 5) == "von C trotz allem"
    assert ergebnis.quarantaene == 1
    [q] = status(a).quarantaene_liste
    assert q["geraet"] == b.geraet_id and q["code"] in {"json_tiefe", "json_zahl", "zu_gross", "symlink", "verweigert"}
    assert all("geheim" not in z and "$6$" not in z for z in map(str, status(a).quarantaene_liste))
    # B clears the junk under its name and publishes its real next file there; A takes it and heals
    pfad = ablage / "changes" / b.geraet_id / f"{von:012d}.json"
    titel_setzen(b, "echt von B", index=6)
    sync(b)
    # the junk is replaced – or, where the server will not delete it (wsgidav keeps a symlink),
    # B publishes the same entries as the next edition beside it
    echt = [p for p in pfad.parent.glob(f"{von:012d}*.json") if not p.is_symlink() and p.stat().st_size < 1024**2]
    assert echt
    sync(a)
    assert titel(a, 6) == "echt von B" and status(a).quarantaene == 0
    assert geheim.read_text().startswith("root:")  # untouched, and copied nowhere into the share
    assert not [p for p in ablage.rglob("*") if not p.is_symlink() and p.is_file() and b"$6$geheim" in _anfang(p)]


def _anfang(pfad: Path) -> bytes:
    with pfad.open("rb") as f:  # never the whole file: a planted one may be 20 GB
        return f.read(4096)


def freigeben_ueber(koordination: Store, neu: Store, sync: Callable[..., object]) -> None:
    """The real way: the new device syncs (announces), the coordinator syncs, approves, syncs again."""
    from ozgdesk.sync.geraete import freigeben as geraet_freigeben

    sync(neu)
    sync(koordination)
    geraet_freigeben(koordination, neu.geraet_id)
    sync(koordination)
