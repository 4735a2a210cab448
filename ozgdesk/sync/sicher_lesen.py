"""Reading what comes from the share: size caps and a JSON parser that refuses hostile input.

Anyone with write access to the share can put any bytes there, so every file read from it is
hostile until checked. The backends cap the *size* before they read (``Backend.lesen(pfad,
hoechstens=...)``, caps below); :func:`json_laden` turns the capped bytes into Python values and
refuses, with one :class:`~ozgdesk.sync.format.Formatfehler` and a stable ``code``, everything
that could crash or mislead a later step:

* invalid UTF-8 (``json_utf8``) – also a UTF-8 BOM or UTF-16, which ``json.loads(bytes)`` would
  silently accept;
* syntax errors (``json``);
* nesting deeper than ``max_tiefe`` (``json_tiefe``) – the C parser raises ``RecursionError``
  near the interpreter's recursion limit; the limit is then checked iteratively on the result, so
  no later recursive step (``json.dumps``, a merge) can hit that limit;
* integers longer than ``max_ziffern`` digits, fractions and exponents unless allowed, ``NaN``
  and ``Infinity`` (``json_zahl``) – Python 3.11 only refuses integers above 4300 digits, and a
  4000-digit integer is no sequence number either;
* lone surrogates from ``\\ud800`` escapes (``json_text``): they cannot be stored as UTF-8
  (SQLite, files) and would crash whoever tries;
* duplicate keys in an object (``json_schluessel``): two readers could otherwise disagree about
  which value counts.

The C parser stays in charge of the bytes (fast on 100 MB); the checks are hooks it calls and one
iterative walk over the containers of the result.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any, NoReturn

from ozgdesk.sync.format import Formatfehler

KIB = 1024
MIB = 1024 * KIB

#: Default cap of ``Backend.lesen``: small control files (share id file, claims, manifests, probes).
#: Anything larger must be asked for explicitly, so a forgotten cap refuses instead of reading 20 GB.
MAX_STEUERDATEI = 64 * KIB
#: Change files: about 5000 entries per file, but one transaction is never split, so a large
#: catalogue import can make one file big. 128 MiB is far above anything ozgdesk writes.
MAX_AENDERUNGSDATEI = 128 * MIB
#: Files fetched from the inbox and feedback folders; the importers refuse more than 50 MB anyway.
MAX_EINGANGSDATEI = 50 * MIB
#: Bodies of WebDAV PROPFIND answers (a folder listing of some ten thousand files fits in a few MiB).
MAX_VERZEICHNISLISTE = 32 * MIB

#: Default nesting limit of :func:`json_laden`; a change file nests 5 levels deep.
MAX_TIEFE = 32
#: Default digit limit for integers: 20 digits hold every 64-bit value.
MAX_ZIFFERN = 20
#: Length limit of a number with fraction or exponent (only when ``kommazahlen`` is allowed).
_MAX_KOMMAZAHL_ZEICHEN = 40

#: A ``\\uD800``–``\\uDFFF`` escape somewhere: only then can a string hold a lone surrogate.
_SURROGAT_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")
_SURROGAT = re.compile("[\ud800-\udfff]")
#: Maps every ASCII digit to ``0`` and every other byte to ``x``: a run of ``0`` is a run of digits.
_ZIFFERN = bytes(0x30 if 0x30 <= b <= 0x39 else 0x78 for b in range(256))


_CONTAINER = {dict, list}


class _Abgelehnt(Exception):
    """Raised inside the parser's hooks; :func:`json_laden` turns it into a Formatfehler."""

    def __init__(self, code: str, grund: str) -> None:
        super().__init__(grund)
        self.code = code
        self.grund = grund


def json_laden(daten: bytes, *, wo: str = "", max_tiefe: int = MAX_TIEFE, max_ziffern: int = MAX_ZIFFERN,
               kommazahlen: bool = False) -> Any:
    """Parse ``daten`` (strict UTF-8 JSON from the share) or raise :class:`Formatfehler`.

    ``wo`` names the file at the start of the German message. ``kommazahlen`` allows finite
    numbers with fraction or exponent (as ``float``); ``NaN`` and ``Infinity`` are never allowed
    (they are not JSON). Nothing but :class:`Formatfehler` ever leaves this function for any
    input of type ``bytes``.
    """
    if not isinstance(daten, (bytes, bytearray, memoryview)):
        _ablehnen(wo, "json", "ist keine Bytefolge.")
    roh = bytes(daten)
    try:
        text = roh.decode("utf-8")
    except UnicodeDecodeError as e:
        _ablehnen(wo, "json_utf8", f"ist kein gültiges UTF-8 (Byte {e.start}).")
    if text.startswith("\ufeff"):
        _ablehnen(wo, "json_utf8", "beginnt mit einer Byte-Reihenfolge-Markierung (BOM); erwartet wird UTF-8 ohne BOM.")
    # The digit hook costs a Python call per integer; it is needed only where the bytes hold a digit
    # run longer than allowed (in a number or in a string – a cheap C-speed test for both).
    lange_zahl = b"0" * (max_ziffern + 1) in roh.translate(_ZIFFERN)
    try:
        doc = json.loads(text, parse_int=_ganzzahl(max_ziffern) if lange_zahl else None,
                         parse_float=_kommazahl(kommazahlen), parse_constant=_konstante, object_pairs_hook=_objekt)
    except _Abgelehnt as e:
        _ablehnen(wo, e.code, e.grund)
    except RecursionError:
        _ablehnen(wo, "json_tiefe", f"ist zu tief verschachtelt (erlaubt sind {max_tiefe} Ebenen).")
    except json.JSONDecodeError as e:
        _ablehnen(wo, "json", f"ist kein gültiges JSON (Zeile {e.lineno}, Spalte {e.colno}).")
    except ValueError:  # anything else the parser's number conversion raises
        _ablehnen(wo, "json_zahl", "enthält eine ungültige Zahl.")
    try:
        _struktur_pruefen(doc, max_tiefe, texte=_SURROGAT_ESCAPE.search(roh) is not None)
    except _Abgelehnt as e:
        _ablehnen(wo, e.code, e.grund)
    return doc


def _ablehnen(wo: str, code: str, grund: str) -> NoReturn:
    raise Formatfehler(f"{wo}: Die Datei {grund}" if wo else f"Die Datei {grund}", code) from None


def _ganzzahl(max_ziffern: int):  # noqa: ANN202
    def umwandeln(text: str) -> int:
        ziffern = len(text) - text.startswith("-")
        if ziffern > max_ziffern:
            raise _Abgelehnt("json_zahl", f"enthält eine Zahl mit {ziffern} Ziffern (erlaubt sind höchstens {max_ziffern}).")
        return int(text)

    return umwandeln


def _kommazahl(erlaubt: bool):  # noqa: ANN202
    def umwandeln(text: str) -> float:
        if not erlaubt:
            raise _Abgelehnt("json_zahl", f"enthält die Kommazahl „{text[:20]}“; erlaubt sind nur ganze Zahlen.")
        if len(text) > _MAX_KOMMAZAHL_ZEICHEN:
            raise _Abgelehnt("json_zahl", f"enthält eine Zahl mit {len(text)} Zeichen.")
        wert = float(text)
        if not math.isfinite(wert):
            raise _Abgelehnt("json_zahl", f"enthält die Zahl „{text}“, die als Kommazahl unendlich wäre.")
        return wert

    return umwandeln


def _konstante(text: str) -> NoReturn:
    raise _Abgelehnt("json_zahl", f"enthält „{text}“; NaN und Infinity sind kein gültiges JSON.")


def _objekt(paare: list[tuple[str, Any]]) -> dict[str, Any]:
    objekt = dict(paare)
    if len(objekt) != len(paare):
        gesehen: set[str] = set()
        for schluessel, _ in paare:
            if schluessel in gesehen:
                raise _Abgelehnt("json_schluessel",
                                 f"enthält den Schlüssel „{schluessel[:40]}“ mehrfach in einem Objekt.")
            gesehen.add(schluessel)
    return objekt


def _struktur_pruefen(doc: Any, max_tiefe: int, *, texte: bool) -> None:
    """Depth of nested containers (iteratively: a stack of our own, never Python's), and – only if
    the raw bytes contain a surrogate escape – every key and string for lone surrogates."""
    stapel: list[tuple[Any, int]] = [(doc, 1)]
    while stapel:
        wert, tiefe = stapel.pop()
        if isinstance(wert, dict):
            kinder: Any = wert.values()
            if texte:
                for schluessel in wert:
                    _text_pruefen(schluessel)
        elif isinstance(wert, list):
            kinder = wert
        else:
            if texte and isinstance(wert, str):
                _text_pruefen(wert)
            continue
        if tiefe > max_tiefe:
            raise _Abgelehnt("json_tiefe", f"ist zu tief verschachtelt (erlaubt sind {max_tiefe} Ebenen).")
        if not texte and not _CONTAINER & set(map(type, kinder)):
            continue  # only scalars below: nothing deeper (a C-speed test, not a Python loop per value)
        for kind in kinder:
            if isinstance(kind, (dict, list)) or (texte and isinstance(kind, str)):
                stapel.append((kind, tiefe + 1))


def _text_pruefen(text: str) -> None:
    if _SURROGAT.search(text):
        raise _Abgelehnt("json_text", "enthält einen Text mit einem einzelnen Ersatzzeichen (\\ud800–\\udfff), "
                                      "das kein gültiges Unicode-Zeichen ist.")
