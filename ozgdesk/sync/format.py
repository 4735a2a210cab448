"""The two file formats on the share: the share id file and the per-device change files.

Described for people in ``docs/sync-format.md``. Both are versioned; a reader refuses a version
newer than it knows instead of guessing.

Change file ``changes/<device>/<first seq, 12 digits>-<sha256>.json``: the SHA-256 of the file's
bytes is part of its name (a truncated or tampered file cannot match it) and the file names the
hash of the device's previous file (``vorgaenger``), so files form a chain that cannot be
reordered, dropped or replaced unnoticed.
"""

from __future__ import annotations

import hashlib
import json
import re
import uuid
from datetime import datetime
from dataclasses import dataclass
from typing import Any

from ozgdesk import __version__
from ozgdesk.model.errors import OzgFehler

SHARE_DATEI = "ozgdesk-share.json"
SHARE_FORMAT = "ozgdesk-share"
#: Version of the share layout this app writes and understands.
SHARE_VERSION = 1
AENDERUNG_FORMAT = "ozgdesk-aenderungen"
AENDERUNG_VERSION = 1
AENDERUNG_ORDNER = "changes"
TEMP_PRAEFIX = ".ozgdesk-tmp-"

_NAME_RE = re.compile(r"^(?P<von>[0-9]{12})-(?P<hash>[0-9a-f]{64})\.json$")
_GERAET_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


class Formatfehler(OzgFehler):
    """A file on the share is not what it claims to be (quarantine it, never apply it).

    ``code`` is a short, stable reason for the technical log (``grund=kette``); the German text is
    what people read in the quarantine list."""

    def __init__(self, meldung: str, code: str = "format") -> None:
        super().__init__(meldung)
        self.code = code


class NeueresFormat(OzgFehler):
    """The share was written by a newer ozgdesk; refuse instead of guessing."""


def sha256(daten: bytes) -> str:
    return hashlib.sha256(daten).hexdigest()


def _kanonisch(doc: Any) -> bytes:
    return json.dumps(doc, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def _version_tupel(text: str) -> tuple[int, ...]:
    try:
        return tuple(int(t) for t in text.split("."))
    except ValueError:
        return (999,)


# ------------------------------------------------------------------------------------ share id file
@dataclass(frozen=True)
class ShareInfo:
    share_id: str
    version: int
    min_app_version: str


def share_datei_bauen(ressort: str) -> bytes:
    doc = {
        "format": SHARE_FORMAT,
        "formatversion": SHARE_VERSION,
        "min_app_version": __version__,
        "share_id": str(uuid.uuid4()),
        "ressort": ressort,
    }
    return json.dumps(doc, ensure_ascii=False, indent=1, sort_keys=True).encode("utf-8") + b"\n"


def share_datei_lesen(daten: bytes, wo: str) -> ShareInfo:
    from ozgdesk.sync.sicher_lesen import json_laden  # here: sicher_lesen imports this module

    doc = json_laden(daten, wo=f"{wo}: Kennungsdatei {SHARE_DATEI}")
    if not isinstance(doc, dict) or doc.get("format") != SHARE_FORMAT or not isinstance(doc.get("share_id"), str):
        raise Formatfehler(f"{wo}: {SHARE_DATEI} ist keine ozgdesk-Kennungsdatei.")
    version = doc.get("formatversion")
    if not isinstance(version, int) or isinstance(version, bool):
        raise Formatfehler(f"{wo}: {SHARE_DATEI} nennt keine gültige Formatversion.")
    min_app = str(doc.get("min_app_version", "0"))
    if version > SHARE_VERSION or _version_tupel(min_app) > _version_tupel(__version__):
        raise NeueresFormat(
            f"Die Ablage {wo} hat das Format {version} und verlangt mindestens ozgdesk {min_app}; "
            f"diese Version ({__version__}) kennt nur Format {SHARE_VERSION}. Bitte ozgdesk aktualisieren. "
            "Es wurde nichts abgeglichen."
        )
    return ShareInfo(doc["share_id"], version, min_app)


# ------------------------------------------------------------------------------------- change files
@dataclass(frozen=True)
class Dateiname:
    geraet: str
    von_seq: int
    hash: str

    @property
    def pfad(self) -> str:
        return f"{AENDERUNG_ORDNER}/{self.geraet}/{self.von_seq:012d}-{self.hash}.json"


def dateiname_lesen(geraet: str, name: str) -> Dateiname | None:
    """Parse a change file name; anything else in the folder (temp files, notes) is ignored."""
    m = _NAME_RE.match(name)
    if not m or not _GERAET_RE.match(geraet):
        return None
    return Dateiname(geraet, int(m["von"]), m["hash"])


def ist_geraet(name: str) -> bool:
    return bool(_GERAET_RE.match(name))


def aenderungsdatei_bauen(geraet: str, vorgaenger: str, transaktionen: list[dict[str, Any]]) -> tuple[Dateiname, bytes]:
    """One immutable change file from whole transactions (a transaction is never split)."""
    seqs = [e["seq"] for t in transaktionen for e in t["eintraege"]]
    doc = {
        "format": AENDERUNG_FORMAT,
        "version": AENDERUNG_VERSION,
        "geraet": geraet,
        "von_seq": min(seqs),
        "bis_seq": max(seqs),
        "vorgaenger": vorgaenger,
        "transaktionen": transaktionen,
    }
    daten = _kanonisch(doc)
    return Dateiname(geraet, doc["von_seq"], sha256(daten)), daten


def _kontext_gueltig(gesehen: Any) -> bool:
    return isinstance(gesehen, dict) and all(
        isinstance(k, str) and isinstance(v, int) and not isinstance(v, bool) and v >= 0 for k, v in gesehen.items())


def _zeit_gueltig(text: str) -> bool:
    try:
        return datetime.fromisoformat(text).tzinfo is not None
    except ValueError:
        return False


def _json_text_oder_leer(wert: Any) -> bool:
    """``alt``/``neu`` travel as JSON text (the change log's own encoding) or null."""
    if wert is None:
        return True
    if not isinstance(wert, str):
        return False
    try:
        json.loads(wert)
    except (ValueError, RecursionError):  # RecursionError: "[" * 100000 as the text
        return False
    return True


def _form_passt(e: dict[str, Any]) -> bool:
    """anlegen carries the whole record in ``neu``, loeschen in ``alt``; aendern names its field."""
    if e["aktion"] == "aendern":
        return bool(e.get("feld"))
    inhalt = e.get("neu" if e["aktion"] == "anlegen" else "alt")
    return inhalt is not None and isinstance(json.loads(inhalt), dict)


def aenderungsdatei_pruefen(name: Dateiname, daten: bytes, vorgaenger: str, naechste_seq: int) -> dict[str, Any]:
    """Verify hash, format, device, chain and sequence; raise :class:`Formatfehler` naming the reason."""
    wo = name.pfad
    if sha256(daten) != name.hash:
        raise Formatfehler(f"{wo}: Prüfsumme stimmt nicht (Datei abgeschnitten oder verändert).", "pruefsumme")
    from ozgdesk.sync.sicher_lesen import json_laden  # here: sicher_lesen imports this module

    doc = json_laden(daten, wo=wo)
    if not isinstance(doc, dict) or doc.get("format") != AENDERUNG_FORMAT:
        raise Formatfehler(f"{wo}: keine ozgdesk-Änderungsdatei.", "kein_format")
    if not isinstance(doc.get("version"), int) or doc["version"] > AENDERUNG_VERSION:
        raise NeueresFormat(
            f"{wo}: Änderungsdatei im Format {doc.get('version')}, diese ozgdesk-Version kennt nur "
            f"Format {AENDERUNG_VERSION}. Bitte ozgdesk aktualisieren."
        )
    if doc.get("geraet") != name.geraet:
        raise Formatfehler(f"{wo}: Die Datei gehört zu Gerät {doc.get('geraet')}, liegt aber im Ordner {name.geraet}.", "falsches_geraet")
    if doc.get("vorgaenger") != vorgaenger:
        raise Formatfehler(f"{wo}: Die Kette ist unterbrochen (Vorgänger {str(doc.get('vorgaenger'))[:12]}…, erwartet {vorgaenger[:12] or '–'}…).", "kette")
    if doc.get("von_seq") != name.von_seq or name.von_seq != naechste_seq:
        raise Formatfehler(f"{wo}: Die Folgenummer {doc.get('von_seq')} passt nicht (erwartet {naechste_seq}).", "folgenummer")
    transaktionen = doc.get("transaktionen")
    if not isinstance(transaktionen, list) or not transaktionen:
        raise Formatfehler(f"{wo}: enthält keine Transaktionen.", "leer")
    erwartet = naechste_seq
    for t in transaktionen:
        if not isinstance(t, dict) or not isinstance(t.get("eintraege"), list) or not _kontext_gueltig(t.get("gesehen")) \
                or not all(isinstance(t.get(k), str) for k in ("transaktion", "zeitpunkt", "benutzer", "quelle")) \
                or not _zeit_gueltig(t["zeitpunkt"]):
            raise Formatfehler(f"{wo}: Transaktion ohne gültige Einträge.", "transaktion")
        for e in t["eintraege"]:
            if not isinstance(e, dict) or e.get("seq") != erwartet or isinstance(e.get("seq"), bool):
                raise Formatfehler(f"{wo}: Eintrag mit Folgenummer {e.get('seq') if isinstance(e, dict) else '?'} (erwartet {erwartet}).", "eintrag_folge")
            if e.get("aktion") not in ("anlegen", "aendern", "loeschen") or not isinstance(e.get("tabelle"), str) \
                    or not isinstance(e.get("id"), str) or not isinstance(e.get("feld"), (str, type(None))) \
                    or not all(_json_text_oder_leer(e.get(k)) for k in ("alt", "neu")):
                raise Formatfehler(f"{wo}: Eintrag {erwartet} ist unvollständig oder hat Werte falschen Typs.", "eintrag_typ")
            if not _form_passt(e):
                raise Formatfehler(f"{wo}: Eintrag {erwartet} passt nicht zu seiner Aktion „{e['aktion']}“.", "eintrag_aktion")
            erwartet += 1
    if doc.get("bis_seq") != erwartet - 1:
        raise Formatfehler(f"{wo}: bis_seq passt nicht zu den Einträgen.", "bis_seq")
    return doc
