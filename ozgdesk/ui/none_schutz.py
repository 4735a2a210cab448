"""Keep ``None`` (and ``True``/``False``) alive despite a reference-count defect of PySide6 6.12 on CPython 3.11.

PySide6-Essentials 6.12.0 hands back ``None`` from every binding method declared ``void``
(``QPainter.drawLine``, ``QLabel.setText``, ``QPointF.setX`` …) without taking a reference to it,
as if ``None`` were immortal – which it is only from CPython 3.12 on (PEP 683). On 3.11 each such
call costs ``None`` one reference for good. A window of widgets drawn by Qt itself calls few of
them, but a widget painted in Python does hundreds per repaint (the Zeitleiste: about 500), so a
minute of scrolling takes ``None``'s last reference and CPython aborts („Fatal Python error:
none_dealloc: deallocating None“) – at the latest when the interpreter exits.

:func:`schuetzen` does once per process what PEP 683 does for 3.12: it gives ``None`` so many
references (2**40) that no session can use them up. It acts only where the defect shows (checked
with one ``void`` call), never on 3.12 or later; an extra reference to ``None`` is harmless (it is
never freed anyway). Remove this module once PySide6 is fixed or Python 3.11 is dropped.
"""

from __future__ import annotations

import sys

_VORRAT = 1 << 40
_erledigt = False


def defekt_vorhanden() -> bool:
    """Does a ``void`` binding call take a reference from ``None`` (here and now)?"""
    from PySide6.QtCore import QPointF

    punkt = QPointF()
    vorher = sys.getrefcount(None)
    for _ in range(20):
        punkt.setX(1.0)
    return sys.getrefcount(None) < vorher - 10


def bool_defekt_vorhanden() -> bool:
    """Does emitting a signal take a reference from ``True`` (PySide6 6.12 returns the bool of
    ``SignalInstance.emit`` without one)? Every ``.emit()`` from Python – the runner's, a page's
    ``geladen`` – costs ``True`` a reference for good, and a long session runs out of them
    („Fatal Python error: bool_dealloc“)."""
    from PySide6.QtCore import QObject, Signal

    class _Probe(QObject):
        signal = Signal()

    probe = _Probe()
    vorher = sys.getrefcount(True)
    for _ in range(20):
        probe.signal.emit()
    return sys.getrefcount(True) < vorher - 10


def schuetzen() -> bool:
    """Give ``None`` a reserve of references if this PySide6 needs it; True if it was given (once)."""
    global _erledigt
    if _erledigt or sys.version_info >= (3, 12) or sys.implementation.name != "cpython":
        return False
    _erledigt = True
    import ctypes

    if bool_defekt_vorhanden():  # the same defect for the bool emit() returns: both get a reserve
        for wert in (True, False):
            ctypes.c_ssize_t.from_address(id(wert)).value += _VORRAT
    if not defekt_vorhanden():
        return False
    # ob_refcnt is the first field of every object (Include/object.h, PyObject)
    ctypes.c_ssize_t.from_address(id(None)).value += _VORRAT
    return True
