"""Every setting the desktop client keeps in QSettings, with its type and default, in one place.

As in MusicBrainz Picard (``picard/config.py``, ``picard/config_upgrade.py``): each key is declared
once as an :class:`Einstellung` with type and default, and read and written only through it, so a
key cannot be misspelt in one of several places and every reader gets the same type. Reading never
fails: a missing key, a value of the wrong type or garbage – settings of an old version, an ini
file edited by hand (``dunkel=vielleicht``, which Qt's own ``type=bool`` reads as *on*), a window
state from another Qt version – reads as the default. Only the stored value is the user's; what
the key means is the code's.

The settings carry a version (:data:`VERSION`). :func:`aktualisieren` runs the upgrade steps the
settings have not seen yet, in order, once, and notes each step's version right after it, so an
interrupted start does not run a finished step again. Settings from a *newer* ozgdesk are left
alone (downgrading would lose what the newer version wrote); reading stays tolerant either way.
A step that fails is logged and stops the upgrade – the GUI starts anyway and retries next time.

Only the desktop client uses QSettings (it is Qt), so this lives in ``ui``; the CLI has no
settings of its own.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QByteArray, QSettings

from ozgdesk import logbuch

log = logging.getLogger(__name__)

T = TypeVar("T")

_WAHR = frozenset({"true", "1", "ja", "yes", "on", "wahr"})
_FALSCH = frozenset({"false", "0", "nein", "no", "off", "falsch"})


class _Ungueltig:
    """Marks a stored value that does not fit the declared type."""


_UNGUELTIG = _Ungueltig()


def _wandeln(typ: type, roh: object) -> object:
    """The stored value as ``typ``, or :data:`_UNGUELTIG`.

    QSettings hands back what the backend holds: the Python type as written within one run, a
    string after an ini file was read (``"true"``, ``"3"``), a list for a text with a comma, None
    for ``@Invalid()`` – and anything at all from a hand-edited file."""
    if typ is bool:
        if isinstance(roh, bool):
            return roh
        if isinstance(roh, int) and roh in (0, 1):
            return bool(roh)
        if isinstance(roh, str):
            text = roh.strip().casefold()
            if text in _WAHR:
                return True
            if text in _FALSCH:
                return False
        return _UNGUELTIG
    if typ is int:
        if isinstance(roh, bool):
            return _UNGUELTIG
        if isinstance(roh, int):
            return roh
        if isinstance(roh, str):
            try:
                return int(roh.strip())
            except ValueError:
                return _UNGUELTIG
        return _UNGUELTIG
    if typ is str:
        return roh if isinstance(roh, str) else _UNGUELTIG
    if typ is tuple:  # a list of texts; an ini file hands back one element as a plain text
        if isinstance(roh, str):
            return (roh,)
        if isinstance(roh, (list, tuple)) and all(isinstance(x, str) for x in roh):
            return tuple(roh)
        return _UNGUELTIG
    if typ is QByteArray:
        if isinstance(roh, QByteArray):
            return roh
        if isinstance(roh, (bytes, bytearray)):
            return QByteArray(bytes(roh))
        return _UNGUELTIG
    raise TypeError(f"Einstellungstyp {typ.__name__} ist nicht vorgesehen")  # a programming error


@dataclass(frozen=True)
class Einstellung(Generic[T]):
    """One key in QSettings: its type, its default and, where only a few values make sense, those."""

    schluessel: str
    standard: T
    typ: type
    #: the values that make sense (empty: any value of the type)
    erlaubt: tuple[Any, ...] = ()

    def __post_init__(self) -> None:
        _wandeln(self.typ, None)  # refuses an unknown type at import time, not at a user's start

    def umwandeln(self, roh: object) -> T | _Ungueltig:
        """``roh`` as this setting's type, or the marker for "does not fit"."""
        wert = _wandeln(self.typ, roh)
        if self.erlaubt and wert not in self.erlaubt:
            return _UNGUELTIG
        return wert  # type: ignore[return-value]

    def gespeichert(self, qs: QSettings) -> object:
        """The raw stored value (None if missing or unreadable)."""
        try:
            return qs.value(self.schluessel)
        except Exception:  # noqa: BLE001 - a broken settings file must not stop the start
            log.warning("Einstellung %s nicht lesbar", self.schluessel, exc_info=True)
            return None

    def lesen(self, qs: QSettings) -> T:
        """The stored value, or the default if there is none or it does not fit."""
        roh = self.gespeichert(qs)
        if roh is None:
            return self.standard
        wert = self.umwandeln(roh)
        if isinstance(wert, _Ungueltig):
            log.info("Einstellung %s: gespeicherter Wert passt nicht (%s), Standard gilt", self.schluessel,
                     type(roh).__name__)
            return self.standard
        return wert

    def schreiben(self, qs: QSettings, wert: T) -> None:
        """Store ``wert``; None (a window state not taken yet) removes the key. A value equal to
        the stored one is not set again: QSettings would mark the file changed and rewrite it
        (locked, on the GUI thread) – at every start, for the page and the database it reopens."""
        if wert is None:
            qs.remove(self.schluessel)
        elif self.gespeichert(qs) is not None and self.lesen(qs) == wert:
            return
        elif self.typ is tuple:
            qs.setValue(self.schluessel, list(wert))  # type: ignore[call-overload]
        else:
            qs.setValue(self.schluessel, wert)


# ---------------------------------------------------------------------------------------- the keys
#: The version of the settings' layout; :func:`aktualisieren` brings older settings up to it.
VERSION: Einstellung[int] = Einstellung("einstellungen/version", 0, int)
#: Dark theme (View menu) of versions before the Design menu; read while ``DESIGN`` is unset and kept
#: in step with it, so an older ozgdesk started on the same settings shows the dark theme too.
DUNKEL: Einstellung[bool] = Einstellung("ansicht/dunkel", False, bool)
#: Ansicht › Design: hell, dunkel, kontrast (empty: not chosen yet, ``DUNKEL`` decides);
#: ``--dunkel`` and ``--design`` override it for one start. See :func:`design_lesen`.
DESIGN: Einstellung[str] = Einstellung("ansicht/design", "", str, erlaubt=("", "hell", "dunkel", "kontrast"))
#: Datei › Zuletzt geöffnet: database files, newest first (``ozgdesk.ui.zuletzt``).
ZULETZT: Einstellung[tuple[str, ...]] = Einstellung("dateien/zuletzt", (), tuple)
#: Hilfe › Erklärung zur Barrierefreiheit: where users report barriers (the operating Ressort's
#: contact, set by its IT or in Datei › Einstellungen); empty: the Ressort's Funktionspostfach.
BARRIEREFREIHEIT_KONTAKT: Einstellung[str] = Einstellung("barrierefreiheit/kontakt", "", str)
#: The page shown last, opened again at the next start; the keys of ``hauptfenster.SEITEN``
#: (repeated here so reading the setting does not import the main window; a test compares them).
SEITE: Einstellung[str] = Einstellung("fenster/seite", "uebersicht", str, erlaubt=(
    "uebersicht", "leistungen", "projekte", "zeitleiste", "finanzen", "berichte", "abgleich", "aenderungen"))
#: Window position and size (``QMainWindow.saveGeometry``); None until the window was closed once.
GEOMETRIE: Einstellung[QByteArray | None] = Einstellung("fenster/geometrie", None, QByteArray)
#: Tool bars and docks (``QMainWindow.saveState``).
ZUSTAND: Einstellung[QByteArray | None] = Einstellung("fenster/zustand", None, QByteArray)
#: Split between the project list and the project editor (``QSplitter.saveState``).
TEILUNG: Einstellung[QByteArray | None] = Einstellung("projekte/teilung", None, QByteArray)

ALLE: tuple[Einstellung[Any], ...] = (VERSION, DUNKEL, DESIGN, SEITE, GEOMETRIE, ZUSTAND, TEILUNG, ZULETZT,
                                      BARRIEREFREIHEIT_KONTAKT)


def design_lesen(qs: QSettings) -> str:
    """The design chosen last: ``DESIGN``, or for settings of older versions ``DUNKEL``."""
    gewaehlt = DESIGN.lesen(qs)
    return gewaehlt or ("dunkel" if DUNKEL.lesen(qs) else "hell")


def design_schreiben(qs: QSettings, name: str) -> None:
    DESIGN.schreiben(qs, name)
    DUNKEL.schreiben(qs, name == "dunkel")


# ------------------------------------------------------------------------------------------ upgrade
@dataclass(frozen=True)
class Schritt:
    """One upgrade step: what it does, to which settings version it brings them."""

    version: int
    beschreibung: str
    ausfuehren: Callable[[QSettings], None]


def _v1_unpassende_werte_entfernen(qs: QSettings) -> None:
    """Settings written before this module existed were read with ad-hoc conversions; a value that
    does not fit its declared type is removed, so the file says what the program does (the
    default) and version 1 means "every stored value has its declared type"."""
    for e in ALLE:
        if e is not VERSION and qs.contains(e.schluessel):
            roh = e.gespeichert(qs)
            if roh is None or isinstance(e.umwandeln(roh), _Ungueltig):
                qs.remove(e.schluessel)


#: In version order. Append new steps (rename a key: read the old one, write the new, remove the
#: old); never change or drop a released one.
SCHRITTE: tuple[Schritt, ...] = (
    Schritt(1, "unpassende Werte aus der Zeit vor den typisierten Einstellungen entfernen", _v1_unpassende_werte_entfernen),
)
AKTUELLE_VERSION = SCHRITTE[-1].version


def aktualisieren(qs: QSettings, schritte: Sequence[Schritt] = SCHRITTE) -> list[int]:
    """Run the steps newer than the stored version, once each; returns the versions run."""
    stand = VERSION.lesen(qs)
    neueste = schritte[-1].version if schritte else 0
    if stand > neueste:
        log.info("Einstellungen stammen von einer neueren ozgdesk-Version (%s > %s); unverändert gelassen",
                 stand, neueste)
        return []
    gelaufen: list[int] = []
    for schritt in schritte:
        if schritt.version <= stand:
            continue
        try:
            schritt.ausfuehren(qs)
        except Exception:  # noqa: BLE001 - the GUI starts with the older settings and retries next time
            log.exception("Einstellungen: Schritt %s (%s) gescheitert", schritt.version, schritt.beschreibung)
            logbuch.ereignis("einstellungen_aktualisieren", "fehler", von=stand, schritt=schritt.version)
            break
        VERSION.schreiben(qs, schritt.version)
        gelaufen.append(schritt.version)
    if gelaufen:
        qs.sync()
        logbuch.ereignis("einstellungen_aktualisieren", von=stand, auf=gelaufen[-1], schritte=len(gelaufen))
    return gelaufen


def oeffnen(qs: QSettings | None = None) -> QSettings:
    """The application's settings (``QSettings()``, after the QApplication named the organisation),
    brought up to :data:`AKTUELLE_VERSION`."""
    qs = qs if qs is not None else QSettings()
    if qs.status() != QSettings.Status.NoError:
        log.warning("Einstellungsdatei %s: %s; es gelten die Standardwerte", qs.fileName(), qs.status().name)
    aktualisieren(qs)
    return qs


__all__ = ["AKTUELLE_VERSION", "ALLE", "BARRIEREFREIHEIT_KONTAKT", "DESIGN", "DUNKEL", "GEOMETRIE", "SCHRITTE", "SEITE",
           "TEILUNG", "VERSION", "ZULETZT", "ZUSTAND", "Einstellung", "Schritt", "aktualisieren", "design_lesen",
           "design_schreiben", "oeffnen"]
