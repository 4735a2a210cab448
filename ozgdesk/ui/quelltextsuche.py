"""PySide6 reads the whole source of every module imported after it; read the bytes instead.

PySide6's ``__feature__`` support (``snake_case``/``true_property``) must know which modules use
PySide6. Its import hook (``shibokensupport.feature.feature_imported``) asks
``_mod_uses_pyside(module)`` for every module imported after ``PySide6.QtCore`` – the stdlib,
SQLAlchemy, every ozgdesk module – and answers with ``inspect.getsource(module)``: the file is
read line by line into :mod:`linecache`, decoded and kept there for the whole session, only to look
for the word „PySide6“. On the way to ozgdesk's first window that is about 110 modules and 10 ms
(a tenth of the bare window's whole start, ``bench/start.py``).

:func:`beschleunigen` replaces that one question by the same question asked of the file's bytes:
a module with a ``.py`` source file uses PySide6 iff the bytes contain ``b"PySide6"`` (ozgdesk's
sources are UTF-8, where the word is the same bytes; so is every source PEP 3120 allows without
a cookie). Anything else – no file, a ``.pyc`` or extension module, an unreadable file – goes to
PySide6's own function, so the answers never differ (``tests/test_quelltextsuche.py`` compares
them for every loaded module). ozgdesk uses no ``__feature__``; the answer only decides which
modules PySide6 would switch. If a PySide6 release renames the hook, nothing is replaced.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from types import ModuleType

_MARKE = "_ozgdesk_bytesuche"


def _mit_bytesuche(original: Callable[[ModuleType], bool]) -> Callable[[ModuleType], bool]:
    def nutzt_pyside(module: ModuleType) -> bool:
        datei = getattr(module, "__file__", None)
        if not isinstance(datei, str) or not datei.endswith(".py"):
            return original(module)
        try:
            with open(datei, "rb") as f:
                return b"PySide6" in f.read()
        except OSError:
            return original(module)

    setattr(nutzt_pyside, _MARKE, True)
    return nutzt_pyside


def beschleunigen() -> bool:
    """Install the byte search once PySide6 is imported; False if PySide6 has no such hook."""
    feature = sys.modules.get("shibokensupport.feature")
    original = getattr(feature, "_mod_uses_pyside", None)
    if feature is None or not callable(original):
        return False
    if not getattr(original, _MARKE, False):
        feature._mod_uses_pyside = _mit_bytesuche(original)  # type: ignore[attr-defined]
    return True
