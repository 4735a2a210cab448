"""How a message names a record and quotes a value – one place, without SQLAlchemy.

The write check (:func:`ozgdesk.model.base.datensatz_name`, every German message about a bad
value) and the Änderungsprotokoll's start page (:mod:`ozgdesk.model.protokollbenennung`, which
must run before SQLAlchemy is loaded) name records the same way: „Projekt „BMAS-2024-01““ from the
entity's ``__kennfelder__``, else its label and a short id. Both call :func:`kennfelder_name`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from ozgdesk.model.values import format_zahl

# C0 and C1 control characters, DEL, lone surrogates, Unicode line/paragraph separators (U+2028/9:
# invisible line breaks that split CSV rows and JSON-in-JS), bidirectional embeddings/overrides/
# isolates (they make a name display differently from what it is, "Trojan Source"), the BOM inside
# a text, and the noncharacters. A multi-line ``Text`` column additionally allows \n and \t;
# \r is refused everywhere (the GUI and every file reader deliver \n).
VERBOTEN = "\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff\ufdd0-\ufdef\ufffe\uffff\ud800-\udfff"
VERBOTEN_EINZEILIG = re.compile(f"[{VERBOTEN}]")
VERBOTEN_MEHRZEILIG = re.compile("[" + VERBOTEN.replace("\x00-\x1f", "\x00-\x08\x0b-\x1f") + "]")


def kurz(text: str, n: int = 40) -> str:
    """A value quoted in a message: shortened, control characters shown as U+XXXX."""
    zeigen = "".join(f"U+{ord(c):04X}" if VERBOTEN_EINZEILIG.match(c) else c for c in text[:n])
    return zeigen + ("…" if len(text) > n else "")


def zahl(n: int) -> str:
    """A whole number in a message; a huge one (5000 digits) is described, not printed."""
    if n.bit_length() > 100:
        return f"eine Zahl mit rund {int(n.bit_length() * 0.30103)} Stellen"
    return format_zahl(n)


def nur_einfache_werte(wert: Any) -> Any:
    """The JSON encoding of a value already read from JSON (the change log): bool, int and str
    stand for themselves; anything else has none here (a float, a list) and is skipped."""
    if isinstance(wert, (bool, int, str)):
        return wert
    raise TypeError(f"no JSON encoding for {type(wert).__name__}")


def kennfelder_name(label: str, kennfelder: Iterable[str], werte: Mapping[str, Any],
                    kodieren: Callable[[Any], Any] = nur_einfache_werte) -> str:
    """How a message names a record: its first key field that has a value, else the label and a
    short id. ``kodieren`` turns another value into its JSON form (``base.json_wert`` for column
    values; raises TypeError for a value it cannot encode, which is then skipped)."""
    for key in kennfelder:
        wert = werte.get(key)
        if isinstance(wert, str) and wert.strip():
            return f"{label} „{kurz(wert.strip())}“"
        if isinstance(wert, int) and not isinstance(wert, bool):
            return f"{label} {zahl(wert)}"
        if wert is not None and not isinstance(wert, str):
            try:
                return f"{label} {kurz(str(kodieren(wert)))}"
            except TypeError:
                continue
    rid = werte.get("id")
    return f"{label} {rid[:8]}" if isinstance(rid, str) and rid else label
