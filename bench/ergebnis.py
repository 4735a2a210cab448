"""How every benchmark reports a figure so that ``bench/run`` can collect them into one table.

A benchmark prints human-readable lines as it likes and, for each figure that has a goal or a
baseline, calls :func:`melden`, which prints one machine-readable line ``ERGEBNIS {json}``.
"""

from __future__ import annotations

import json
import resource
import sys


def melden(kennzahl: str, wert: float, einheit: str, *, verhaeltnis: float | None = None,
           basis: str = "", ziel: str = "", erreicht: bool | None = None, basiswert: float | None = None) -> None:
    """``basis``: what the figure is compared with, in words (with its value, measured in the same
    run); ``basiswert``: that value in ``einheit``, if it is one number."""
    print("ERGEBNIS " + json.dumps({
        "kennzahl": kennzahl, "wert": wert, "einheit": einheit, "verhaeltnis": verhaeltnis,
        "basis": basis, "ziel": ziel, "erreicht": erreicht, "basiswert": basiswert,
    }, ensure_ascii=False), flush=True)


def spitzen_rss_mib(kinder: bool = False) -> float:
    """Peak resident set size of this process (or of its finished children) in MiB (Linux: KiB)."""
    ru = resource.getrusage(resource.RUSAGE_CHILDREN if kinder else resource.RUSAGE_SELF)
    return ru.ru_maxrss / 1024 if sys.platform != "darwin" else ru.ru_maxrss / 2**20
