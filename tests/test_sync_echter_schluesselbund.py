"""The device keys in a real OS keychain: GNOME Keyring over the Secret Service (D-Bus), as on a
Linux desktop. A child process with its own D-Bus session and an unlocked keyring founds a share,
a second device joins, the coordinator approves it, both sync – and the keys are in the keychain
and nowhere in the data folder.

Skipped locally without ``gnome-keyring-daemon``/``dbus-run-session``; CI installs both (.ci/run)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

KIND = textwrap.dedent('''
    import json, sys, tempfile
    from pathlib import Path
    import keyring
    from ozgdesk.model.einrichtung import demo_einrichten
    from ozgdesk.model.store import Store
    from ozgdesk.sync import schluessel as sk
    from ozgdesk.sync.abgleich import einrichten, jetzt_abgleichen, status
    from ozgdesk.sync.geraete import freigeben
    from ozgdesk.sync.zugang import _backend_pruefen

    t = Path(sys.argv[1])
    (t / "ablage").mkdir()
    a = Store.oeffnen(t / "a" / "ozgdesk.sqlite"); demo_einrichten(a)
    b = Store.oeffnen(t / "b" / "ozgdesk.sqlite")
    for s in (a, b):
        einrichten(s, str(t / "ablage"))
    jetzt_abgleichen(a); jetzt_abgleichen(b); jetzt_abgleichen(a)
    freigeben(a, b.geraet_id)
    jetzt_abgleichen(a); jetzt_abgleichen(b)
    print(json.dumps({
        "backend": type(_backend_pruefen()).__module__,
        "a_schluessel": keyring.get_password(sk.DIENST, a.geraet_id),
        "b_freigegeben": status(b).freigegeben,
        "b_hat_daten": status(b).bekannte_geraete >= 1,
    }))
''')


@pytest.mark.skipif(os.name != "posix", reason="GNOME Keyring gibt es nur unter Linux")
def test_geraeteschluessel_im_echten_secret_service(tmp_path: Path) -> None:
    if not (shutil.which("gnome-keyring-daemon") and shutil.which("dbus-run-session")):
        if os.environ.get("CI"):
            pytest.fail("CI muss gnome-keyring und dbus installieren (.ci/run)")
        pytest.skip("gnome-keyring-daemon oder dbus-run-session fehlt (Debian: gnome-keyring, dbus)")
    umgebung = {k: v for k, v in os.environ.items()
                if k not in ("PYTHON_KEYRING_BACKEND", "OZGDESK_TEST_SCHLUESSELBUND", "DBUS_SESSION_BUS_ADDRESS")}
    umgebung.update(HOME=str(tmp_path / "home"), XDG_DATA_HOME=str(tmp_path / "home" / ".local" / "share"),
                    PYTHONPATH=str(ROOT))
    (tmp_path / "home").mkdir()
    skript = tmp_path / "kind.py"
    skript.write_text(KIND, encoding="utf-8")
    befehl = (f"echo testpasswort | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1; "
              f"exec {sys.executable} {skript} {tmp_path}")
    lauf = subprocess.run(["dbus-run-session", "--", "sh", "-c", befehl], env=umgebung, capture_output=True,
                          text=True, timeout=300)
    assert lauf.returncode == 0, lauf.stderr[-3000:]
    import json

    ergebnis = json.loads(lauf.stdout.strip().splitlines()[-1])
    assert ergebnis["backend"].startswith("keyring.backends.SecretService")
    assert ergebnis["b_freigegeben"] and ergebnis["b_hat_daten"]
    geheim = ergebnis["a_schluessel"]
    assert geheim  # the private key is in the keychain …
    for datei in (tmp_path / "a").rglob("*"):  # … and in no file of the data folder or the share
        if datei.is_file():
            assert geheim.encode() not in datei.read_bytes()
    for datei in (tmp_path / "ablage").rglob("*"):
        if datei.is_file():
            assert geheim.encode() not in datei.read_bytes()
