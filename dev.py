#!/usr/bin/env python3
"""Set up and run ozgdesk from a fresh clone with nothing but Python >= 3.11 and pip.

    python3 dev.py start   – virtual environment anlegen, installieren, Anwendung mit Demo-Daten starten
    python3 dev.py test    – virtual environment anlegen, installieren, alle Tests ausführen
    python3 dev.py pruefen – virtual environment anlegen, installieren, ruff und mypy prüfen lassen

The environment lives in .venv and is re-installed only when pyproject.toml changed.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PY = BIN / ("python.exe" if os.name == "nt" else "python")


def einrichten() -> None:
    if sys.version_info < (3, 11):
        sys.exit("ozgdesk braucht Python 3.11 oder neuer.")
    if not PY.exists():
        print("Lege virtuelle Umgebung .venv an …", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    stempel = VENV / ".ozgdesk-installiert"
    soll = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if stempel.exists() and stempel.read_text() == soll:
        return
    print("Installiere ozgdesk mit Testwerkzeugen in .venv …", flush=True)
    subprocess.check_call([str(PY), "-m", "pip", "install", "--quiet", "--upgrade", "pip"])
    subprocess.check_call([str(PY), "-m", "pip", "install", "--quiet", "-e", f"{ROOT}[test]"])
    stempel.write_text(soll)


def pruefen() -> int:
    """ruff and mypy over the code, configured in pyproject.toml; non-zero on any finding.

    Both always run, so one failing check does not hide the other's findings.
    """
    ergebnisse = []
    for name, befehl in (("ruff", ["-m", "ruff", "check", "ozgdesk", "tests"]), ("mypy", ["-m", "mypy"])):
        print(f"== {name}", flush=True)
        ergebnisse.append((name, subprocess.call([str(PY), *befehl], cwd=ROOT)))
    gescheitert = [name for name, code in ergebnisse if code != 0]
    if gescheitert:
        print(f"Statische Prüfung gescheitert: {', '.join(gescheitert)}", file=sys.stderr)
        return 1
    return 0


def main() -> int:
    befehl = sys.argv[1] if len(sys.argv) > 1 else ""
    if befehl not in ("start", "test", "pruefen"):
        print(__doc__)
        return 2
    einrichten()
    rest = sys.argv[2:]
    if befehl == "pruefen":
        return pruefen()
    if befehl == "start":
        return subprocess.call([str(PY), "-m", "ozgdesk", "--demo", *rest])
    umgebung = dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"))
    return subprocess.call([str(PY), "-m", "pytest", *rest], cwd=ROOT, env=umgebung)


if __name__ == "__main__":
    sys.exit(main())
