#!/usr/bin/env python3
"""Does the built wheel work on its own? Build it, install it in a fresh venv, use it.

    python3 scripts/rad_pruefen.py            # from anywhere; needs Python >= 3.11 with venv/ensurepip
    python3 scripts/rad_pruefen.py --behalten # keep the temporary folder to look into it

Steps: copy the checkout's files (tracked and new, without ignored ones such as ``build/`` whose
stale copies setuptools would put into the wheel) to a temporary folder, create a fresh virtual
environment, build the wheel there with its own pip (PEP 517, build dependencies from PyPI),
install the wheel with its dependencies from PyPI, then – from a temporary working folder that is
not the checkout, with a temporary home and without ``PYTHONPATH``, so nothing of the source tree
can be imported by accident – check that ``ozgdesk`` is imported from the venv, run the installed
``ozgdesk-cli init --demo`` and write the quarterly report as PDF. The PDF must start with
``%PDF`` and embed DejaVu Sans, and the schemas of the submission package must load: the
catalogue, the fonts and the schemas are package data (``ozgdesk/daten``), and this is the check
that the wheel carries them.

Prints one German line with the result and the seconds per step; exit code 0 when everything
passed, 1 otherwise (the failing step's output on stderr). ``.ci/run`` calls it before the tests.

Standard library only, so the system ``python3`` can run it before any venv exists.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
QUARTAL, STAND = "2026-Q3", "15.11.2026"  # the demo Ressort is built around 15.11.2026


class Fehlschlag(Exception):
    """A step failed; the message is German and names the step."""


def _sekunden(s: float) -> str:
    return f"{s:.1f}".replace(".", ",")


def _bytes(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def _ausfuehren(schritt: str, befehl: list[str], **kw: object) -> subprocess.CompletedProcess[str]:
    try:
        r = subprocess.run(befehl, capture_output=True, text=True, check=False, **kw)  # type: ignore[call-overload]
    except OSError as e:
        raise Fehlschlag(f"{schritt}: {befehl[0]} lässt sich nicht starten ({e.strerror or e})") from None
    if r.returncode != 0:
        sys.stderr.write(r.stdout[-4000:] + r.stderr[-8000:])
        raise Fehlschlag(f"{schritt}: Befehl endete mit Code {r.returncode} ({' '.join(befehl[:4])} …)")
    return r


def quelle_kopieren(ziel: Path) -> None:
    """The files a fresh clone would hold plus new, not ignored ones (what the developer is testing)."""
    try:
        r = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=ROOT,
                           capture_output=True, check=True)
        namen = [n for n in r.stdout.decode("utf-8", "surrogateescape").split("\0") if n]
    except (OSError, subprocess.CalledProcessError):
        namen = []
    if not namen:  # no git (an unpacked source archive): everything but the usual build debris
        weg = shutil.ignore_patterns(".git", ".venv", "build", "dist", "*.egg-info", "__pycache__", ".pytest_cache",
                                     ".hypothesis")
        shutil.copytree(ROOT, ziel, ignore=weg)
        return
    for name in namen:
        quelle = ROOT / name
        if quelle.is_file():  # a deleted but still tracked file is listed too
            (ziel / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(quelle, ziel / name)


def saubere_umgebung(home: Path) -> dict[str, str]:
    """No PYTHONPATH, no user site, a temporary home: only the installed wheel can answer."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "OZGDESK_", "VIRTUAL_ENV"))}
    env.update(HOME=str(home), PYTHONNOUSERSITE="1", PYTHONSAFEPATH="1", QT_QPA_PLATFORM="offscreen",
               PIP_DISABLE_PIP_VERSION_CHECK="1")
    return env


def pruefen(tmp: Path) -> tuple[str, dict[str, float]]:
    zeiten: dict[str, float] = {}
    quelle, umgebung, dist = tmp / "quelle", tmp / "venv", tmp / "dist"
    arbeit, home = tmp / "arbeit", tmp / "home"
    for p in (quelle, arbeit, home):
        p.mkdir()
    env = saubere_umgebung(home)
    bin_ = umgebung / ("Scripts" if os.name == "nt" else "bin")
    py = bin_ / ("python.exe" if os.name == "nt" else "python")
    cli = bin_ / ("ozgdesk-cli.exe" if os.name == "nt" else "ozgdesk-cli")

    t = time.perf_counter()
    quelle_kopieren(quelle)
    try:
        venv.EnvBuilder(with_pip=True).create(umgebung)
    except (OSError, subprocess.CalledProcessError) as e:
        raise Fehlschlag(f"Virtuelle Umgebung: lässt sich nicht anlegen ({e}); unter Debian fehlt oft das Paket "
                         "python3-venv") from None
    _ausfuehren("Rad bauen", [str(py), "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(dist), str(quelle)],
                cwd=arbeit, env=env)
    raeder = sorted(dist.glob("ozgdesk-*.whl"))
    if len(raeder) != 1:
        raise Fehlschlag(f"Rad bauen: {len(raeder)} Räder statt einem in {dist}")
    rad = raeder[0]
    zeiten["Umgebung und Bau"] = time.perf_counter() - t

    t = time.perf_counter()
    _ausfuehren("Installieren", [str(py), "-m", "pip", "install", "--quiet", str(rad)], cwd=arbeit, env=env)
    zeiten["Installation"] = time.perf_counter() - t

    t = time.perf_counter()
    herkunft = _ausfuehren("Herkunft prüfen", [str(py), "-c", "import ozgdesk; print(ozgdesk.__file__)"],
                           cwd=arbeit, env=env).stdout.strip()
    if not Path(herkunft).resolve().is_relative_to(umgebung.resolve()):
        raise Fehlschlag(f"Herkunft prüfen: ozgdesk kam aus {herkunft}, nicht aus der frischen Umgebung")
    # the JSON schemas of the submission package are package data too (einreichen checks every package against them)
    _ausfuehren("Schemas der Einreichung laden", [str(py), "-c", "from ozgdesk.reports import einreichung_schema as es; "
                                                 "es.bericht_validator(); es.manifest_validator()"], cwd=arbeit, env=env)
    daten = home / "ozgdesk"
    _ausfuehren("Demo-Ressort anlegen", [str(cli), "--home", str(daten), "init", "--demo"], cwd=arbeit, env=env)
    out = home / "berichte"
    r = _ausfuehren("Quartalsbericht erzeugen",
                    [str(cli), "--home", str(daten), "bericht", "quartal", "--quartal", QUARTAL, "--stand", STAND,
                     "--entwurf", "--format", "pdf", "--out", str(out), "--json"], cwd=arbeit, env=env)
    try:
        pdf = Path(json.loads(r.stdout)["erzeugt"][0])
        inhalt = pdf.read_bytes()
    except (ValueError, KeyError, IndexError, OSError) as e:
        raise Fehlschlag(f"Quartalsbericht erzeugen: keine PDF-Datei gemeldet oder lesbar ({e})") from None
    if not inhalt.startswith(b"%PDF"):
        raise Fehlschlag(f"Quartalsbericht erzeugen: {pdf.name} beginnt nicht mit %PDF")
    if b"DejaVuSans" not in inhalt:
        raise Fehlschlag(f"Quartalsbericht erzeugen: {pdf.name} enthält die Schrift DejaVu Sans nicht")
    zeiten["Aufrufe"] = time.perf_counter() - t
    return f"{rad.name} in frischer Umgebung installiert, Demo-Ressort angelegt, {pdf.name} ({_bytes(len(inhalt))} Bytes)", zeiten


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description="Rad (wheel) bauen, frisch installieren und benutzen.")
    p.add_argument("--behalten", action="store_true", help="temporären Ordner nicht löschen")
    args = p.parse_args(argv)
    if sys.version_info < (3, 11):  # noqa: UP036 - the system python3 may be older than ozgdesk needs
        print("Rad-Prüfung fehlgeschlagen: ozgdesk braucht Python 3.11 oder neuer.", file=sys.stderr)
        return 1
    tmp = Path(tempfile.mkdtemp(prefix="ozgdesk-rad-"))
    start = time.perf_counter()
    try:
        ergebnis, zeiten = pruefen(tmp)
    except Fehlschlag as e:
        for log in sorted((tmp / "home").rglob("ozgdesk.log")):  # the traceback the CLI kept from the user
            zeilen = log.read_text(encoding="utf-8", errors="replace").splitlines()[-40:]
            print(f"--- Ende von {log}:", *zeilen, sep="\n", file=sys.stderr)
        print(f"Rad-Prüfung fehlgeschlagen nach {_sekunden(time.perf_counter() - start)} s: {e}", file=sys.stderr)
        return 1
    finally:
        if args.behalten:
            print(f"Temporärer Ordner bleibt: {tmp}", file=sys.stderr)
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    einzeln = ", ".join(f"{k} {_sekunden(v)} s" for k, v in zeiten.items())
    print(f"Rad-Prüfung bestanden: {ergebnis} – {_sekunden(time.perf_counter() - start)} s ({einzeln}).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
