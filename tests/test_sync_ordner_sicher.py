"""Folder backend against a hostile share (issue 14, point 4): symlinks at any depth, special files and
huge files are refused with :class:`Unzulaessig` and a code, quickly, nothing is read beyond the cap
and nothing is written outside the share root.

Every test runs twice: with ``openat``/``O_NOFOLLOW`` (POSIX) and with the ``lstat`` walk that
Windows uses (``mit_dir_fd=False``)."""

from __future__ import annotations

import os
import socket
import stat
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from ozgdesk.sync import backend as backend_modul
from ozgdesk.sync.backend import Ablagefehler, OrdnerBackend, Unzulaessig
from ozgdesk.sync.format import TEMP_PRAEFIX
from ozgdesk.sync.sicher_lesen import MAX_AENDERUNGSDATEI, MAX_STEUERDATEI

pytestmark = pytest.mark.skipif(os.name != "posix", reason="symlinks, FIFOs and sparse files as on POSIX")

GERAET = "0b153d0e-4e8b-435a-a11a-8432685611aa"
AENDERUNG = f"changes/{GERAET}/000000000001-{'a' * 64}.json"


@pytest.fixture(params=[True, False], ids=["openat", "lstat"])
def mit_dir_fd(request: pytest.FixtureRequest) -> bool:
    if request.param and not backend_modul.MIT_DIR_FD:
        pytest.skip("no openat on this platform")
    return request.param


@pytest.fixture
def ablage(tmp_path: Path) -> Path:
    (tmp_path / "ablage" / "changes" / GERAET).mkdir(parents=True)
    return tmp_path / "ablage"


@pytest.fixture
def aussen(tmp_path: Path) -> Path:
    """A folder outside the share with a secret file; nothing may reach or change it."""
    ordner = tmp_path / "aussen"
    ordner.mkdir()
    (ordner / "passwd").write_text("root:x:0:0:geheim\n")
    return ordner


@pytest.fixture
def backend(ablage: Path, mit_dir_fd: bool) -> OrdnerBackend:
    return OrdnerBackend(ablage, mit_dir_fd=mit_dir_fd)


@pytest.fixture
def gelesen(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Bytes returned by every os.read during the test."""
    zaehler: list[int] = []
    echt = os.read

    def read(fd: int, n: int) -> bytes:
        daten = echt(fd, n)
        zaehler.append(len(daten))
        return daten

    monkeypatch.setattr(os, "read", read)
    return zaehler


def _stand(ordner: Path) -> dict[str, Any]:
    """Everything below ``ordner`` (names, types, contents) to compare before/after."""
    aus: dict[str, Any] = {}
    for p in sorted(ordner.rglob("*")):
        aus[str(p.relative_to(ordner))] = p.read_bytes() if p.is_file() and not p.is_symlink() else p.is_dir()
    return aus


def _schnell(fn: Callable[[], Any], sekunden: float = 10.0) -> BaseException | Any:
    """Run ``fn`` in a thread and return its result or exception; fail if it does not end in time
    (a blocking FIFO or an endless read must not hang the test run)."""
    ergebnis: list[Any] = []

    def laufen() -> None:
        try:
            ergebnis.append(fn())
        except BaseException as e:  # noqa: BLE001 - handed to the test
            ergebnis.append(e)

    t = threading.Thread(target=laufen, daemon=True)
    start = time.monotonic()
    t.start()
    t.join(sekunden)
    assert not t.is_alive(), "blockiert"
    assert time.monotonic() - start < sekunden
    return ergebnis[0]


def _abgelehnt(fn: Callable[[], Any], code: str) -> Unzulaessig:
    fehler = _schnell(fn)
    assert isinstance(fehler, Unzulaessig), fehler
    assert fehler.code == code
    assert isinstance(fehler, Ablagefehler)  # old callers still stop the sync instead of crashing
    assert str(fehler)[:1] in "„U" and "Ablage" in str(fehler)
    return fehler


# ------------------------------------------------------------------------------------------ reading
def test_symlink_auf_dev_zero_als_aenderungsdatei(ablage: Path, backend: OrdnerBackend, gelesen: list[int]) -> None:
    (ablage / AENDERUNG).symlink_to("/dev/zero")
    fehler = _abgelehnt(lambda: backend.lesen(AENDERUNG, hoechstens=MAX_AENDERUNGSDATEI), "symlink")
    assert fehler.pfad == AENDERUNG and AENDERUNG in str(fehler)
    assert sum(gelesen) == 0
    [eintrag] = backend.liste(f"changes/{GERAET}") or []
    assert eintrag.unzulaessig == "symlink" and not eintrag.ordner


def test_symlink_auf_datei_ausserhalb(ablage: Path, aussen: Path, backend: OrdnerBackend, gelesen: list[int]) -> None:
    (ablage / AENDERUNG).symlink_to(aussen / "passwd")
    (ablage / "ozgdesk-share.json").symlink_to(aussen / "passwd")
    _abgelehnt(lambda: backend.lesen(AENDERUNG, hoechstens=MAX_AENDERUNGSDATEI), "symlink")
    _abgelehnt(lambda: backend.lesen("ozgdesk-share.json"), "symlink")
    assert sum(gelesen) == 0


def test_symlink_als_ordner_beim_lesen_und_auflisten(ablage: Path, aussen: Path, backend: OrdnerBackend) -> None:
    (ablage / "changes" / GERAET / "x.json").write_text("{}")
    (ablage / "changes" / "11111111-1111-1111-1111-111111111111").symlink_to(aussen)
    (ablage / "outbox").symlink_to(aussen, target_is_directory=True)
    wurzel = {e.name: e for e in backend.liste("") or []}
    assert wurzel["outbox"].unzulaessig == "symlink" and not wurzel["outbox"].ordner
    assert wurzel["changes"].ordner and not wurzel["changes"].unzulaessig
    geraete = {e.name: e.unzulaessig for e in backend.liste("changes") or []}
    assert geraete == {GERAET: "", "11111111-1111-1111-1111-111111111111": "symlink"}
    fehler = _abgelehnt(lambda: backend.lesen("outbox/passwd"), "symlink")
    assert fehler.pfad == "outbox"
    _abgelehnt(lambda: backend.liste("outbox"), "symlink")
    _abgelehnt(lambda: backend.liste("changes/11111111-1111-1111-1111-111111111111"), "symlink")
    _abgelehnt(lambda: backend.lesen("changes/11111111-1111-1111-1111-111111111111/passwd"), "symlink")


def test_fifo_blockiert_nicht_und_wird_abgelehnt(ablage: Path, backend: OrdnerBackend) -> None:
    os.mkfifo(ablage / AENDERUNG)
    _abgelehnt(lambda: backend.lesen(AENDERUNG, hoechstens=MAX_AENDERUNGSDATEI), "sonderdatei")
    os.mkfifo(ablage / "changes" / "fifo-ordner")
    _abgelehnt(lambda: backend.lesen("changes/fifo-ordner/x.json"), "sonderdatei")
    eintraege = {e.name: e.unzulaessig for e in backend.liste(f"changes/{GERAET}") or []}
    assert eintraege == {AENDERUNG.rsplit("/", 1)[1]: "sonderdatei"}


def test_socket_wird_abgelehnt(ablage: Path, backend: OrdnerBackend, tmp_path: Path) -> None:
    kurz = Path("/tmp") / f"ozgdesk-sock-{os.getpid()}-{threading.get_ident()}"
    kurz.mkdir()
    try:
        s = socket.socket(socket.AF_UNIX)
        s.bind(str(kurz / "s"))
        os.replace(kurz / "s", ablage / "s.json")
        s.close()
    finally:
        kurz.rmdir()
    _abgelehnt(lambda: backend.lesen("s.json"), "sonderdatei")
    assert {e.name: e.unzulaessig for e in backend.liste("") or []}["s.json"] == "sonderdatei"


def test_20_gb_sparse_datei_wird_vor_dem_lesen_abgelehnt(ablage: Path, backend: OrdnerBackend,
                                                          gelesen: list[int]) -> None:
    datei = ablage / AENDERUNG
    datei.touch()
    os.truncate(datei, 20 * 1024**3)
    fehler = _abgelehnt(lambda: backend.lesen(AENDERUNG, hoechstens=MAX_AENDERUNGSDATEI), "zu_gross")
    assert "20480,0 MB" in str(fehler) and "128,0 MB" in str(fehler)
    assert sum(gelesen) == 0
    [eintrag] = backend.liste(f"changes/{GERAET}") or []
    assert eintrag.groesse == 20 * 1024**3 and not eintrag.unzulaessig  # size visible before any GET


def test_obergrenze_genau_und_standard_fuer_steuerdateien(ablage: Path, backend: OrdnerBackend,
                                                           gelesen: list[int]) -> None:
    (ablage / "klein.json").write_bytes(b"x" * MAX_STEUERDATEI)
    (ablage / "gross.json").write_bytes(b"x" * (MAX_STEUERDATEI + 1))
    assert backend.lesen("klein.json") == b"x" * MAX_STEUERDATEI
    _abgelehnt(lambda: backend.lesen("gross.json"), "zu_gross")
    assert backend.lesen("gross.json", hoechstens=MAX_STEUERDATEI + 1) == b"x" * (MAX_STEUERDATEI + 1)
    assert backend.lesen("fehlt.json") is None and backend.lesen("changes") is None
    assert max(gelesen) <= MAX_STEUERDATEI + 1


def test_eine_datei_die_beim_lesen_waechst_wird_nur_bis_zur_grenze_gelesen(gelesen: list[int]) -> None:
    """What fstat said may be stale (a file growing on the share, a device): reading stops at cap + 1."""
    fd = os.open("/dev/zero", os.O_RDONLY)
    try:
        with pytest.raises(Unzulaessig) as fehler:
            backend_modul._begrenzt_lesen(fd, "changes/x.json", 3 * 1024 * 1024)
    finally:
        os.close(fd)
    assert fehler.value.code == "zu_gross" and sum(gelesen) == 3 * 1024 * 1024 + 1
    assert backend_modul._art(os.stat("/dev/zero")) == "sonderdatei"


def test_ungueltiger_pfad_hat_den_code_pfad(backend: OrdnerBackend) -> None:
    for pfad in ("../ausserhalb", "changes/../../x", "a/\x00b"):
        _abgelehnt(lambda p=pfad: backend.lesen(p), "pfad")


def test_liste_wirft_nie_wegen_eines_eintrags(ablage: Path, aussen: Path, backend: OrdnerBackend) -> None:
    (ablage / "schleife").symlink_to(ablage / "schleife")
    (ablage / "haengend").symlink_to(aussen / "gibt-es-nicht")
    (ablage / "datei.json").write_text("{}")
    os.mkfifo(ablage / "fifo")
    eintraege = {e.name: (e.ordner, e.unzulaessig) for e in _schnell(lambda: backend.liste(""))}
    assert eintraege == {"changes": (True, ""), "datei.json": (False, ""), "fifo": (False, "sonderdatei"),
                         "haengend": (False, "symlink"), "schleife": (False, "symlink")}


# ------------------------------------------------------------------------------------------ writing
def test_veroeffentlichen_durch_symlink_ordner_schreibt_nichts_ausserhalb(ablage: Path, aussen: Path,
                                                                          backend: OrdnerBackend) -> None:
    """The reported attack: ``outbox`` → a local folder; a classified package must not land there."""
    (ablage / "outbox").symlink_to(aussen, target_is_directory=True)
    (aussen / "BMAS" / "2026-H2").mkdir(parents=True)
    vorher = _stand(aussen)
    for pfad in ("outbox/BMAS/2026-H2/v1/ozgdesk-paket.json", "outbox/neu.json"):
        fehler = _abgelehnt(lambda p=pfad: backend.veroeffentlichen(p, b"VS-NfD Paket"), "symlink")
        assert fehler.pfad == "outbox"
    _abgelehnt(lambda: backend.ordner_anlegen("outbox/BMAS/2026-H2/v2"), "symlink")
    _abgelehnt(lambda: backend._hochladen_temp("outbox", f"outbox/{TEMP_PRAEFIX}x", b"geheim"), "symlink")
    _abgelehnt(lambda: backend.loeschen("outbox/passwd"), "symlink")
    _abgelehnt(lambda: backend.loeschen("outbox/BMAS/"), "symlink")
    assert _stand(aussen) == vorher


def test_symlink_tief_im_pfad(ablage: Path, aussen: Path, backend: OrdnerBackend) -> None:
    (ablage / "outbox" / "BMAS").mkdir(parents=True)
    (ablage / "outbox" / "BMAS" / "2026-H2").symlink_to(aussen, target_is_directory=True)
    vorher = _stand(aussen)
    fehler = _abgelehnt(lambda: backend.veroeffentlichen("outbox/BMAS/2026-H2/v1/bericht.pdf", b"%PDF"), "symlink")
    assert fehler.pfad == "outbox/BMAS/2026-H2"
    _abgelehnt(lambda: backend.lesen("outbox/BMAS/2026-H2/passwd"), "symlink")
    assert _stand(aussen) == vorher


def test_zielname_ist_symlink_nach_aussen(ablage: Path, aussen: Path, backend: OrdnerBackend) -> None:
    """A link planted under the final name: the publish refuses, the target outside stays as it was,
    and the share keeps no temp file."""
    ziel = f"changes/{GERAET}/000000000001-{'b' * 64}.json"
    (ablage / ziel).symlink_to(aussen / "passwd")
    vorher = _stand(aussen)
    _abgelehnt(lambda: backend.veroeffentlichen(ziel, b'{"format":"ozgdesk-aenderungen"}'), "symlink")
    assert _stand(aussen) == vorher
    assert [p.name for p in (ablage / "changes" / GERAET).iterdir()] == [ziel.rsplit("/", 1)[1]]


def test_aufraeumen_folgt_keinem_symlink(ablage: Path, aussen: Path, backend: OrdnerBackend) -> None:
    (ablage / f"{TEMP_PRAEFIX}{backend.temp_id}-boese").symlink_to(aussen / "passwd")
    (ablage / f"{TEMP_PRAEFIX}{backend.temp_id}-echt").write_text("alt")
    assert backend.temp_aufraeumen("") == 1
    assert (aussen / "passwd").read_text() == "root:x:0:0:geheim\n"
    assert sorted(p.name for p in ablage.iterdir()) == [f"{TEMP_PRAEFIX}{backend.temp_id}-boese", "changes"]
    (ablage / "weg").symlink_to(aussen, target_is_directory=True)
    backend.loeschen("weg")  # a file delete removes the link itself, never its target
    assert not (ablage / "weg").is_symlink() and (aussen / "passwd").exists()


def test_ordner_ausgetauscht_nach_dem_oeffnen_schreibt_nicht_ausserhalb(ablage: Path, aussen: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """No check-then-use gap with openat: ``outbox`` is swapped for a link right after it was opened;
    the write still lands in the real folder (held open), not outside."""
    if not backend_modul.MIT_DIR_FD:
        pytest.skip("the lstat walk has this gap (Windows): documented")
    backend = OrdnerBackend(ablage)
    backend.ordner_anlegen("outbox")
    echt = backend_modul._Ordner.unterordner

    def austauschen(self: backend_modul._Ordner, name: str, *, anlegen: bool) -> backend_modul._Ordner | None:
        ergebnis = echt(self, name, anlegen=anlegen)
        if name == "outbox" and not (ablage / "outbox").is_symlink():
            (ablage / "outbox").rename(ablage / "outbox-echt")
            (ablage / "outbox").symlink_to(aussen, target_is_directory=True)
        return ergebnis

    monkeypatch.setattr(backend_modul._Ordner, "unterordner", austauschen)
    vorher = _stand(aussen)
    temp = f"outbox/{TEMP_PRAEFIX}{backend.temp_id}-x"
    backend._hochladen_temp("outbox", temp, b"VS-NfD")
    assert _stand(aussen) == vorher
    assert (ablage / "outbox-echt" / temp.rsplit("/", 1)[1]).read_bytes() == b"VS-NfD"


def test_veroeffentlichen_bleibt_atomar_mit_umlauten(ablage: Path, backend: OrdnerBackend) -> None:
    pfad = "outbox/BMAS/2026-H2/v1/Bericht über Maßnahmen.pdf"
    assert backend.veroeffentlichen(pfad, b"%PDF eins") is True
    assert backend.veroeffentlichen(pfad, b"%PDF eins") is False
    with pytest.raises(Ablagefehler, match="nie überschrieben"):
        backend.veroeffentlichen(pfad, b"%PDF zwei, laenger")
    assert (ablage / pfad).read_bytes() == b"%PDF eins"
    assert [p.name for p in (ablage / pfad).parent.iterdir()] == ["Bericht über Maßnahmen.pdf"]
    assert stat.S_ISREG(os.lstat(ablage / pfad).st_mode)
    assert backend.lesen(pfad) == b"%PDF eins"
    backend.loeschen(pfad)
    backend.loeschen("outbox/BMAS/2026-H2/v1/")
    assert not (ablage / "outbox/BMAS/2026-H2/v1").exists()
    with pytest.raises(Unzulaessig) as fehler:
        (ablage / "outbox" / "datei").write_text("x")
        backend.ordner_anlegen("outbox/datei/unter")
    assert fehler.value.code == "pfad"


def test_lstat_weg_erkennt_eine_nach_der_pruefung_getauschte_datei(ablage: Path, aussen: Path,
                                                                   monkeypatch: pytest.MonkeyPatch,
                                                                   gelesen: list[int]) -> None:
    """Windows has no O_NOFOLLOW: a file swapped for a link between lstat and open is caught by
    comparing the opened file's id with the checked one."""
    monkeypatch.setattr(backend_modul, "_LESE_FLAGS", backend_modul._LESE_FLAGS & ~getattr(os, "O_NOFOLLOW", 0))
    (ablage / AENDERUNG).write_text("{}")
    backend = OrdnerBackend(ablage, mit_dir_fd=False)
    echt = backend_modul._Ordner.lstat

    def tauschen(self: backend_modul._Ordner, name: str) -> os.stat_result | None:
        ergebnis = echt(self, name)
        if name.endswith(".json") and not (ablage / AENDERUNG).is_symlink():
            (ablage / AENDERUNG).unlink()
            (ablage / AENDERUNG).symlink_to(aussen / "passwd")
        return ergebnis

    monkeypatch.setattr(backend_modul._Ordner, "lstat", tauschen)
    fehler = _abgelehnt(lambda: backend.lesen(AENDERUNG), "symlink")
    assert "ausgetauscht" in str(fehler) and sum(gelesen) == 0
