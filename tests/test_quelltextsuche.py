"""PySide6's question „does this module use PySide6?“, answered from the bytes, stays the same answer."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from types import ModuleType

import PySide6.QtCore  # noqa: F401 - installs PySide6's import hook
import pytest

from ozgdesk.ui import quelltextsuche

feature = sys.modules.get("shibokensupport.feature")
pytestmark = pytest.mark.skipif(feature is None or not hasattr(feature, "_mod_uses_pyside"),
                                reason="PySide6 ohne __feature__-Importhaken")


def _original() -> object:
    f = feature._mod_uses_pyside  # type: ignore[union-attr]
    return f.__closure__[0].cell_contents if getattr(f, quelltextsuche._MARKE, False) else f  # noqa: SLF001


def test_gleiche_antwort_fuer_jedes_geladene_modul() -> None:
    import ozgdesk.ui.app  # noqa: F401 - a realistic set: the window's modules, stdlib, PySide6
    import ozgdesk.ui.hauptfenster  # noqa: F401

    assert quelltextsuche.beschleunigen()
    schnell, original = feature._mod_uses_pyside, _original()  # type: ignore[union-attr]
    assert schnell is not original
    module = [m for m in list(sys.modules.values()) if isinstance(m, ModuleType)]
    abweichend = [m.__name__ for m in module if schnell(m) != original(m)]  # type: ignore[operator]
    assert abweichend == []
    ja = {m.__name__ for m in module if schnell(m)}  # type: ignore[operator]
    assert {"ozgdesk.ui.app", "ozgdesk.ui.hauptfenster"} <= ja  # both answers occur: the test can fail
    assert "ozgdesk.model.values" not in ja and "json" not in ja


def test_fallback_fuer_module_ohne_quelltext(tmp_path) -> None:
    aufrufe: list[str] = []
    schnell = quelltextsuche._mit_bytesuche(lambda m: aufrufe.append(m.__name__) or False)  # noqa: SLF001
    for name, datei in (("weg", str(tmp_path / "fehlt.py")), ("kompiliert", str(tmp_path / "x.pyc")), ("eingebaut", None)):
        m = ModuleType(name)
        if datei:
            m.__file__ = datei
        assert schnell(m) is False
    assert aufrufe == ["weg", "kompiliert", "eingebaut"]
    (tmp_path / "mit.py").write_text("import PySide6.QtCore\n", encoding="utf-8")
    m = ModuleType("mit")
    m.__file__ = str(tmp_path / "mit.py")
    assert schnell(m) is True


def test_das_fenster_startet_mit_der_bytesuche() -> None:
    """In a fresh process, the app module installs it before its own imports (PySide6 then never
    reads an ozgdesk module through inspect/linecache)."""
    code = textwrap.dedent("""
        import linecache, sys
        import ozgdesk.ui.app
        f = sys.modules["shibokensupport.feature"]._mod_uses_pyside
        # the packages' __init__ load before ozgdesk.ui.app can install it
        gelesen = [d for d in linecache.cache if "ozgdesk" in d and not d.endswith("__init__.py")]
        print(getattr(f, "_ozgdesk_bytesuche", False), len(gelesen))
    """)
    aus = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert aus == ["True", "0"]
