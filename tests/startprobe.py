"""Start ozgdesk in a fresh process on a given page (the page used last) and read what it printed.

Tests that the start path stays free of SQLAlchemy (and what else they name) need a new
interpreter: the test process has loaded everything long ago. ``vorher`` is Python run before
``main`` (e.g. to patch the window and print what it shows when ready); the process prints
``main``'s return code last. The ``BEREIT`` line of ``--exit-when-ready`` (for ``bench/start.py``)
is dropped.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def starten_auf(seite: str, home: Path, tmp_path: Path, vorher: str = "", nachher: str = "") -> list[str]:
    """Run ``ozgdesk --home home --exit-when-ready`` starting on ``seite``; its output lines
    (``nachher`` runs after ``main`` returned, its code in ``rc``)."""
    konfig = tmp_path / "startprobe-konfig"
    (konfig / "ozgdesk").mkdir(parents=True, exist_ok=True)
    (konfig / "ozgdesk" / "ozgdesk.conf").write_text(f"[fenster]\nseite={seite}\n", encoding="utf-8")
    code = (f"import sys\n{vorher}\nfrom ozgdesk.ui.app import main\n"
            f"rc = main(['--home', {str(home)!r}, '--exit-when-ready'])\n{nachher}\nprint(rc)\n")
    umgebung = dict(os.environ, QT_QPA_PLATFORM="offscreen", XDG_CONFIG_HOME=str(konfig))
    aus = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=umgebung,
                         timeout=60).stdout
    return [z for z in aus.splitlines() if not z.startswith("BEREIT ")]


def geladen(praefixe: tuple[str, ...]) -> str:
    """Code for ``nachher``: print whether a module starting with one of ``praefixe`` was loaded."""
    return f"print(any(m.startswith({praefixe!r}) for m in sys.modules))"
