"""Issue 11, point 7: twelve hostile inputs, each as a real ``ozgdesk-cli`` process.

Each must end with exit code 1, one German line starting with „Fehler:“, no traceback on stdout or
stderr, the full details in the technical log, and the database unchanged (its SQL dump compared
before and after, like ``sqlite3 ozgdesk.sqlite .dump``).
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="FIFO, /dev/zero, setrlimit")


def _dump(db: Path) -> list[str]:
    wal = db.with_name(db.name + "-wal")
    modus = "mode=ro" if wal.exists() and wal.stat().st_size else "mode=ro&immutable=1"  # creates no -wal/-shm
    con = sqlite3.connect(f"{db.as_uri()}?{modus}", uri=True)
    try:
        return list(con.iterdump())
    finally:
        con.close()


def _checkpoint(db: Path) -> None:
    con = sqlite3.connect(db)
    try:
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        con.close()


def _schreibgeschuetzt(demo_home: Path, tmp: Path):  # noqa: ANN202
    """A copy of the demo home with folder 0500 and file 0400, and the preexec for the child.

    As root, permissions do not bind: then the copy lies in a folder everyone may enter and the
    child runs as ``nobody``."""
    _checkpoint(demo_home / "ozgdesk.sqlite")
    basis = tmp
    if os.geteuid() == 0:
        basis = Path(tempfile.mkdtemp(prefix="ozgdesk-ro-"))
        os.chmod(basis, 0o755)
    home = basis / "ro"
    home.mkdir()
    shutil.copyfile(demo_home / "ozgdesk.sqlite", home / "ozgdesk.sqlite")
    vorab = _als_nobody(home)
    os.chmod(home / "ozgdesk.sqlite", 0o400)
    os.chmod(home, 0o500)
    return home, vorab


def _als_nobody(home: Path):  # noqa: ANN202
    if os.geteuid() != 0:
        return None
    for p in [home, *home.rglob("*")]:
        os.chown(p, 65534, 65534)

    def wechseln() -> None:
        os.setgid(65534)
        os.setuid(65534)

    return wechseln


def _platte_voll() -> None:
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # write() then fails instead of killing the process
    resource.setrlimit(resource.RLIMIT_FSIZE, (16384, 16384))


def _fall(name: str, tmp: Path, demo_home: Path):  # noqa: ANN202, C901
    """(argv after --home, home, preexec, text the message must contain) for one case."""
    export = tmp / "export.json"
    subprocess.run([sys.executable, "-m", "ozgdesk.cli", "--home", str(demo_home), "export", "--out", str(export)],
                   cwd=ROOT, check=True, capture_output=True)
    text = export.read_text(encoding="utf-8")
    home, vorab = demo_home, None
    if name == "utf8_wert":
        return ["projekte", "setzen", "BMAS-2024-01", os.fsdecode(b"titel=Neu \xff\xfe")], home, vorab, "UTF-8"
    if name == "utf8_dateiname":
        return ["import", os.fsdecode(b"/tmp/ressort-\xe4.json")], tmp / "neu", vorab, "UTF-8"
    if name == "zahl_5000_stellen":
        (tmp / "z.json").write_text(text.replace('"version": 1', '"version": ' + "9" * 5000, 1), encoding="utf-8")
        return ["import", str(tmp / "z.json")], tmp / "neu", vorab, "5000 Zeichen"
    if name == "ersatzzeichen":
        (tmp / "s.json").write_text(text.replace('"format": "ozgdesk-ressort"', '"format": "x\\ud800"', 1))
        return ["import", str(tmp / "s.json")], tmp / "neu", vorab, "Ersatzzeichen"
    if name == "datei_110_mb":
        with open(tmp / "gross.json", "wb") as f:
            f.truncate(110 * 1000 * 1000)
        return ["import", str(tmp / "gross.json")], tmp / "neu", vorab, "höchstens 50,0 MB"
    if name == "dev_zero":
        return ["import", "/dev/zero"], tmp / "neu", vorab, "ist ein Gerät"
    if name == "fifo":
        os.mkfifo(tmp / "fifo")
        return ["import", str(tmp / "fifo")], tmp / "neu", vorab, "Pipe (FIFO)"
    if name == "home_ist_datei":
        (tmp / "datei").write_text("keine Datenbank")
        return ["info"], tmp / "datei", vorab, "ist eine Datei, kein Ordner"
    if name == "anzahl_10_hoch_30":
        return ["aenderungen", "list", "--anzahl", str(10**30)], home, vorab, "außerhalb des erlaubten Bereichs"
    if name == "ordner_schreibgeschuetzt":
        home, vorab = _schreibgeschuetzt(demo_home, tmp)
        return ["projekte", "setzen", "BMAS-2024-01", "titel=Neu"], home, vorab, "schreibgeschützt"
    if name == "platte_voll":
        _checkpoint(home / "ozgdesk.sqlite")
        return (["projekte", "setzen", "BMAS-2024-01", "titel=Neu"], home, _platte_voll,
                "etwa ein voller oder entfernter Datenträger")
    if name == "datenbank_gesperrt":
        return ["projekte", "setzen", "BMAS-2024-01", "titel=Neu"], home, vorab, "nicht frei"
    raise AssertionError(name)


FAELLE = ["utf8_wert", "utf8_dateiname", "zahl_5000_stellen", "ersatzzeichen", "datei_110_mb", "dev_zero", "fifo",
          "home_ist_datei", "anzahl_10_hoch_30", "ordner_schreibgeschuetzt", "platte_voll", "datenbank_gesperrt"]


@pytest.mark.parametrize("fall", FAELLE)
def test_feindliche_eingabe_deutsche_zeile_exit_1_datenbank_unveraendert(fall, tmp_path, demo_home):
    argv, home, vorab, erwartet = _fall(fall, tmp_path, demo_home)
    db = (home if (home / "ozgdesk.sqlite").exists() else demo_home) / "ozgdesk.sqlite"
    vorher = _dump(db)
    sperre = None
    if fall == "datenbank_gesperrt":
        sperre = sqlite3.connect(db, isolation_level=None)
        sperre.execute("BEGIN IMMEDIATE")  # another writer holds the lock past the timeout
    env = {**os.environ, "PYTHONPATH": str(ROOT), "HOME": str(tmp_path / "benutzer")}
    try:
        r = subprocess.run([sys.executable, "-m", "ozgdesk.cli", "--home", os.fsencode(str(home)), *map(os.fsencode, argv)],
                           cwd=ROOT, env=env, preexec_fn=vorab, capture_output=True, timeout=120)
    finally:
        if sperre is not None:
            sperre.rollback()
            sperre.close()
        if fall == "ordner_schreibgeschuetzt":
            os.chmod(home, 0o700)
    out, err = r.stdout.decode("utf-8", "replace"), r.stderr.decode("utf-8", "replace")
    assert "Traceback" not in out + err
    assert r.returncode == 1, err
    assert err.startswith("Fehler: ") and err.count("\n") <= 3, err  # one sentence (an import may list its finding)
    assert erwartet in err, err
    assert not any(w in err for w in ("Error", "error:", "Exception", "errno")), err  # no English exception text
    assert _dump(db) == vorher


def test_details_stehen_im_technischen_protokoll(tmp_path, demo_home):
    """The user sees the German sentence; IT support finds the SQLite error code in the log."""
    sperre = sqlite3.connect(demo_home / "ozgdesk.sqlite", isolation_level=None)
    sperre.execute("BEGIN IMMEDIATE")
    try:
        r = subprocess.run([sys.executable, "-m", "ozgdesk.cli", "--home", str(demo_home), "projekte", "setzen",
                            "BMAS-2024-01", "titel=Neu"], cwd=ROOT, capture_output=True, text=True, timeout=120)
    finally:
        sperre.rollback()
        sperre.close()
    assert r.returncode == 1 and "SQLITE_BUSY" not in r.stderr
    log = (demo_home / "logs" / "ozgdesk.log").read_text(encoding="utf-8")
    assert "SQLITE_BUSY" in log and "database is locked" in log


def test_unerwarteter_fehler_eine_deutsche_zeile_traceback_nur_im_protokoll(tmp_path, demo_home):
    """A bug (here: an exception injected into a command) ends in one German line, not a traceback."""
    code = ("import sys, ozgdesk.cli.grund as g\n"
            "def kaputt(args): raise ValueError('interne englische Meldung')\n"
            "import ozgdesk.cli as c\n"
            "orig = c.parser\n"
            "def parser():\n"
            "    p = orig(); p._subparsers._group_actions[0].choices['info'].set_defaults(func=kaputt); return p\n"
            "c.parser = parser\n"
            f"sys.exit(c.main(['--home', {str(demo_home)!r}, 'info']))\n")
    r = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert r.returncode == 1 and "Traceback" not in r.stderr + r.stdout
    assert r.stderr.startswith("Fehler: Unerwarteter interner Fehler") and "interne englische Meldung" not in r.stderr
    log = (demo_home / "logs" / "ozgdesk.log").read_text(encoding="utf-8")
    assert "Traceback" in log and "interne englische Meldung" in log


def test_schreibgeschuetzter_ordner_lesen_geht(tmp_path, demo_home):
    home, vorab = _schreibgeschuetzt(demo_home, tmp_path)
    db = home / "ozgdesk.sqlite"
    vorher = _dump(db)
    try:
        r = subprocess.run([sys.executable, "-m", "ozgdesk.cli", "--home", str(home), "projekte", "list",
                            "--json"], cwd=ROOT, env={**os.environ, "HOME": str(tmp_path)}, preexec_fn=vorab,
                           capture_output=True, text=True, timeout=120)
        dateien = sorted(p.name for p in home.iterdir())
    finally:
        os.chmod(home, 0o700)
    assert r.returncode == 0, r.stderr
    assert len(json.loads(r.stdout)) == 18
    assert dateien == ["ozgdesk.sqlite"] and _dump(db) == vorher
