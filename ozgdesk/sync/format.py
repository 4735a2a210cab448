"""The file formats on the share (format 2): every document a device writes is signed.

Described for people in ``docs/sync-format.md``. Each document is canonical JSON
``{"format": …, "version": …, "nutzlast": {…}, "signatur": "<Ed25519, base64>"}``; the signature
covers the canonical bytes of ``nutzlast`` under a purpose prefix (:mod:`ozgdesk.sync.schluessel`),
so a reader knows who wrote it, and a valid signature of one kind of document never passes as
another. A reader refuses a version newer than it knows instead of guessing.

Why these shapes (``docs/sync-format.md`` has the layout):

* **Change files** ``changes/<device>/<first seq, 12 digits>.json`` are named by their first
  sequence number only, and published write-once: two writers claiming the same numbers under one
  device id (a restored backup, a copied home folder) collide on the name instead of forking the
  device's history unnoticed. A file a reader found damaged is re-published by its author as a
  new *edition* ``<seq>.<n>.json`` with the same ``nutzlast``.
* **The entry chain** (:func:`kette_weiter`) runs over the entries themselves, not over files:
  it is the same however the entries are grouped into files, in which edition, on which share.
  A file states the chain before its first entry; a reader applies it only if that is exactly
  where the reader's own copy of the device's history ends — a forked or rewritten history
  never mixes in.
* **Heads** ``heads/k-<device>-<latest first seq>-<edition>-<stand>.json``: one small signed file per
  device saying where its chain ends. The names alone tell a reader whether anything is new, so a
  sync with nothing to do costs one listing of ``heads/`` however long the history is.
"""

from __future__ import annotations

import hashlib
import json
import re
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from ozgdesk import __version__
from ozgdesk.model.errors import OzgFehler

if TYPE_CHECKING:
    from ozgdesk.sync.schluessel import Geraeteschluessel

SHARE_DATEI = "ozgdesk-share.json"
SHARE_FORMAT = "ozgdesk-share"
#: Version of the share layout this app writes and understands.
SHARE_VERSION = 2
AENDERUNG_FORMAT = "ozgdesk-aenderungen"
AENDERUNG_VERSION = 2
KOPF_FORMAT = "ozgdesk-kopf"
GERAET_FORMAT = "ozgdesk-geraet"
MELDUNG_FORMAT = "ozgdesk-meldung"
AENDERUNG_ORDNER = "changes"
KOEPFE_ORDNER = "heads"
GERAETE_ORDNER = "geraete"
SCHNAPPSCHUSS_ORDNER = "snapshots"
TEMP_PRAEFIX = ".ozgdesk-tmp-"

#: signature purposes: one per kind of document, never interchangeable
ZWECK_SHARE = "ozgdesk-share/2"
ZWECK_AENDERUNG = "ozgdesk-aenderungen/2"
ZWECK_KOPF = "ozgdesk-kopf/1"
ZWECK_GERAET = "ozgdesk-geraet/1"
ZWECK_MELDUNG = "ozgdesk-meldung/1"
ZWECK_VERTRAUEN = "ozgdesk-vertrauen/1"
ZWECK_SCHNAPPSCHUSS = "ozgdesk-schnappschuss/1"

_UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
_GERAET_RE = re.compile(rf"^{_UUID}$")
_DATEI_RE = re.compile(r"^(?P<von>[0-9]{12})(?:\.(?P<ausgabe>[2-9]|[1-9][0-9]{1,5}))?\.json$")
_KOPF_RE = re.compile(rf"^k-(?P<geraet>{_UUID})-(?P<von>[0-9]{{12}})-(?P<ausgabe>0|[1-9][0-9]{{0,5}})-(?P<stand>[1-9][0-9]{{0,11}})\.json$")
_MELDUNG_RE = re.compile(rf"^q-(?P<an>{_UUID})-(?P<von>{_UUID})-(?P<seq>[0-9]{{12}})-(?P<ausgabe>[1-9][0-9]{{0,5}})\.json$")


class Formatfehler(OzgFehler):
    """A file on the share is not what it claims to be (quarantine it, never apply it).

    ``code`` is a short, stable reason for the technical log (``grund=signatur``); the German text is
    what people read in the quarantine list."""

    def __init__(self, meldung: str, code: str = "format") -> None:
        super().__init__(meldung)
        self.code = code


class NeueresFormat(OzgFehler):
    """The share was written by a newer ozgdesk; refuse instead of guessing."""


class AltesFormat(OzgFehler):
    """The share has format 1 (unsigned change files); this version exchanges only signed files."""


def sha256(daten: bytes) -> str:
    return hashlib.sha256(daten).hexdigest()


def _kanonisch(doc: Any) -> bytes:
    return json.dumps(doc, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


kanonisch = _kanonisch


def _version_tupel(text: str) -> tuple[int, ...]:
    try:
        return tuple(int(t) for t in text.split("."))
    except ValueError:
        return (999,)


def ist_geraet(name: str) -> bool:
    return bool(_GERAET_RE.match(name))


def json_lesen(daten: bytes, wo: str) -> Any:
    """Parse a document from the share (size already capped by the backend) with the hostile-input
    rules of :func:`ozgdesk.sync.sicher_lesen.json_laden`."""
    from ozgdesk.sync.sicher_lesen import json_laden  # here: sicher_lesen imports this module

    return json_laden(daten, wo=wo)


# ------------------------------------------------------------------------------------ signed documents
def signiert_bauen(format_: str, version: int, nutzlast: dict[str, Any], schluessel: Geraeteschluessel,
                   zweck: str, **weitere: Any) -> bytes:
    from ozgdesk.sync.schluessel import b64

    signatur = schluessel.signieren(zweck, _kanonisch(nutzlast))
    return _kanonisch({"format": format_, "version": version, "nutzlast": nutzlast, "signatur": b64(signatur), **weitere})


@dataclass(frozen=True)
class Signiert:
    """A structurally valid signed document; its signature is checked by whoever knows the key."""

    nutzlast: dict[str, Any]
    signatur: bytes
    doc: dict[str, Any]

    def echt(self, oeffentlich: Iterable[bytes], zweck: str) -> bool:
        from ozgdesk.sync.schluessel import pruefen

        daten = _kanonisch(self.nutzlast)
        return any(pruefen(k, self.signatur, zweck, daten) for k in oeffentlich)


def signiert_lesen(daten: bytes, format_: str, version: int, wo: str) -> Signiert:
    from ozgdesk.sync.schluessel import aus_b64

    doc = json_lesen(daten, wo)
    if not isinstance(doc, dict) or doc.get("format") != format_:
        raise Formatfehler(f"{wo}: kein Dokument der Art {format_}.", "kein_format")
    v = doc.get("version")
    if not isinstance(v, int) or isinstance(v, bool):
        raise Formatfehler(f"{wo}: ohne gültige Formatversion.", "kein_format")
    if v > version:
        raise NeueresFormat(f"{wo}: Format {v}, diese ozgdesk-Version kennt nur Format {version}. "
                            "Bitte ozgdesk aktualisieren.")
    if v < version:
        raise Formatfehler(f"{wo}: altes Format {v} ohne Signatur; es wird nicht übernommen.", "unsigniert")
    nutzlast = doc.get("nutzlast")
    signatur = aus_b64(doc.get("signatur"), 64)
    if not isinstance(nutzlast, dict) or signatur is None:
        raise Formatfehler(f"{wo}: nicht signiert.", "unsigniert")
    return Signiert(nutzlast, signatur, doc)


def _text(wert: Any, laenge: int = 200) -> bool:
    return isinstance(wert, str) and len(wert) <= laenge


def _ganz(wert: Any, minimum: int = 0) -> bool:
    return isinstance(wert, int) and not isinstance(wert, bool) and minimum <= wert < 10**15


# ------------------------------------------------------------------------------------ share id file
@dataclass(frozen=True)
class Anker:
    """A root of the trust list: a founder's key (or an earlier share's, kept over a move)."""

    geraet: str
    schluessel: bytes
    benutzer: str

    def als_json(self) -> dict[str, str]:
        from ozgdesk.sync.schluessel import b64

        return {"geraet": self.geraet, "schluessel": b64(self.schluessel), "benutzer": self.benutzer}


def anker_lesen(liste: Any) -> list[Anker]:
    from ozgdesk.sync.schluessel import aus_b64

    aus = []
    for a in liste if isinstance(liste, list) else []:
        schl = aus_b64(a.get("schluessel"), 32) if isinstance(a, dict) else None
        if schl is None or not ist_geraet(str(a.get("geraet"))) or not _text(a.get("benutzer", ""), 120):
            return []
        aus.append(Anker(a["geraet"], schl, a.get("benutzer", "")))
    return aus


@dataclass(frozen=True)
class ShareInfo:
    share_id: str
    version: int
    min_app_version: str
    ressort: str
    anker: tuple[Anker, ...]


def share_datei_bauen(ressort: str, anker: list[Anker], schluessel: Geraeteschluessel,
                      share_id: str | None = None) -> bytes:
    """The id file of a new share, signed by the device founding it; ``anker`` are the trust list's roots."""
    nutzlast = {
        "share_id": share_id or str(uuid.uuid4()),
        "ressort": ressort,
        "formatversion": SHARE_VERSION,
        "min_app_version": __version__,
        "erstellt": datetime.now(UTC).replace(microsecond=0).isoformat(),
        "anker": [a.als_json() for a in anker],
    }
    # readable top-level fields for people and for older versions, which refuse the newer format
    return signiert_bauen(SHARE_FORMAT, SHARE_VERSION, nutzlast, schluessel, ZWECK_SHARE,
                          formatversion=SHARE_VERSION, min_app_version=__version__,
                          share_id=nutzlast["share_id"])


def share_datei_lesen(daten: bytes, wo: str) -> ShareInfo:
    doc = json_lesen(daten, f"{wo}: {SHARE_DATEI}")
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
    if version < SHARE_VERSION:
        raise AltesFormat(
            f"Die Ablage {wo} hat das alte Format {version}: Ihre Änderungsdateien sind nicht signiert, niemand kann "
            "prüfen, wer sie geschrieben hat. Diese Version gleicht nur über signierte Ablagen ab. Bitte eine neue, "
            "leere Ablage beziehen: „ozgdesk-cli abgleich umziehen --ziel NEUE_ADRESSE“ (oder Seite Abgleich, "
            "„Umziehen …“). Jedes Gerät sendet dort seine Daten erneut; es geht nichts verloren."
        )
    s = signiert_lesen(daten, SHARE_FORMAT, SHARE_VERSION, f"{wo}: {SHARE_DATEI}")
    n = s.nutzlast
    anker = anker_lesen(n.get("anker"))
    if not anker or n.get("share_id") != doc["share_id"] or not _text(n.get("ressort", ""), 20):
        raise Formatfehler(f"{wo}: {SHARE_DATEI} ist unvollständig (Anker, Kennung).")
    if not s.echt([anker[0].schluessel], ZWECK_SHARE):
        raise Formatfehler(f"{wo}: Die Signatur von {SHARE_DATEI} stimmt nicht.", "signatur")
    return ShareInfo(doc["share_id"], version, min_app, n.get("ressort", ""), tuple(anker))


# ------------------------------------------------------------------------------------- entry chain
def _zeit_utc(text: str) -> str:
    return datetime.fromisoformat(text).astimezone(UTC).isoformat()


def kette_weiter(kette: str, seq: int, transaktion: str, zeitpunkt: str, eintrag: Mapping[str, Any]) -> str:
    """The device's history after one more entry: a running SHA-256 over what the entry changes.

    Over the entry's content, not over the file around it (grouping, edition and share do not
    matter), and over nothing a reader rewrites (the user name is replaced by the one bound to the
    key): so a reader can recompute it from its own log."""
    teile = [seq, transaktion, _zeit_utc(zeitpunkt), eintrag["tabelle"], eintrag["id"], eintrag["aktion"],
             eintrag.get("feld"), eintrag.get("alt"), eintrag.get("neu")]
    return sha256((kette + "\n").encode("ascii") + _kanonisch(teile))


def kette_ueber(kette: str, transaktionen: Iterable[Mapping[str, Any]], bis: int | None = None) -> str:
    for t in transaktionen:
        for e in t["eintraege"]:
            if bis is not None and e["seq"] > bis:
                return kette
            kette = kette_weiter(kette, e["seq"], t["transaktion"], t["zeitpunkt"], e)
    return kette


# ------------------------------------------------------------------------------------- change files
@dataclass(frozen=True)
class Dateiname:
    """Where a change file lies: by device, first seq and edition (the content says the rest)."""

    geraet: str
    von_seq: int
    ausgabe: int = 1

    @property
    def pfad(self) -> str:
        endung = ".json" if self.ausgabe == 1 else f".{self.ausgabe}.json"
        return f"{AENDERUNG_ORDNER}/{self.geraet}/{self.von_seq:012d}{endung}"


def dateiname_lesen(geraet: str, name: str) -> Dateiname | None:
    """Parse a change file name; anything else in the folder (temp files, notes) is ignored."""
    m = _DATEI_RE.match(name)
    if not m or not _GERAET_RE.match(geraet):
        return None
    return Dateiname(geraet, int(m["von"]), int(m["ausgabe"] or 1))


def aenderungsdatei_bauen(schluessel: Geraeteschluessel, share_id: str, kette_vor: str,
                          transaktionen: list[dict[str, Any]], ausgabe: int = 1) -> tuple[Dateiname, bytes, str]:
    """One immutable change file from whole transactions; returns its name, bytes and the chain after it.

    Deterministic: the same entries give the same bytes (Ed25519 signatures are deterministic), so
    a file rebuilt after an interrupted sync or a restored share is the very file sent before."""
    seqs = [e["seq"] for t in transaktionen for e in t["eintraege"]]
    nutzlast = {
        "geraet": schluessel.geraet,
        "share_id": share_id,
        "schluessel": schluessel.fingerabdruck,
        "von_seq": min(seqs),
        "bis_seq": max(seqs),
        "kette_vor": kette_vor,
        "kette_nach": kette_ueber(kette_vor, transaktionen),
        "transaktionen": transaktionen,
    }
    daten = signiert_bauen(AENDERUNG_FORMAT, AENDERUNG_VERSION, nutzlast, schluessel, ZWECK_AENDERUNG, ausgabe=ausgabe)
    return Dateiname(schluessel.geraet, nutzlast["von_seq"], ausgabe), daten, nutzlast["kette_nach"]


def _kontext_gueltig(gesehen: Any) -> bool:
    return isinstance(gesehen, dict) and len(gesehen) <= 10_000 and all(
        ist_geraet(k) and _ganz(v) for k, v in gesehen.items())


def _zeit_gueltig(text: Any) -> bool:
    if not _text(text, 40):
        return False
    try:
        return datetime.fromisoformat(text).tzinfo is not None
    except ValueError:
        return False


class _Unlesbar:
    """``alt``/``neu`` that are not the change log's JSON text: why, for the quarantine message."""

    def __init__(self, grund: str) -> None:
        self.grund = grund


def _json_wert(wert: Any) -> Any:
    """``alt``/``neu`` travel as JSON text (the change log's own encoding) or null: the parsed value,
    or :class:`_Unlesbar`. Parsed under the same hostile-input rules as whole files (a 4000-digit
    number or ``[``×100000 inside a value would otherwise crash a later step)."""
    from ozgdesk.sync.sicher_lesen import json_laden

    if wert is None:
        return None
    if not isinstance(wert, str):
        return _Unlesbar("kein Text")
    try:
        return json_laden(wert.encode("utf-8", "surrogatepass"))
    except Formatfehler as e:
        return _Unlesbar(str(e))


def _feld_text(tabelle: Any, feld: Any) -> str:
    """„Projekt, Feld „Titel““ for a message, as far as the names are known to this version."""
    from ozgdesk.model.base import feldname
    from ozgdesk.sync.zusammenfuehren import tabellen

    cls = tabellen().get(tabelle) if isinstance(tabelle, str) else None
    if cls is None:
        return str(tabelle)
    return f"{cls.__label__}, Feld „{feldname(cls, feld)}“" if isinstance(feld, str) and feld else cls.__label__


def _form_passt(e: dict[str, Any], werte: dict[str, Any]) -> bool:
    """anlegen carries the whole record in ``neu``, loeschen in ``alt``; aendern names its field."""
    if e["aktion"] == "aendern":
        return bool(e.get("feld"))
    return isinstance(werte["neu" if e["aktion"] == "anlegen" else "alt"], dict)


@dataclass(frozen=True)
class Aenderungen:
    """A verified change file: what a reader applies (entries it already has are cut off)."""

    name: Dateiname
    bis_seq: int
    kette_nach: str
    transaktionen: list[dict[str, Any]]
    #: the whole, as signed (the author compares it with its own log)
    nutzlast: dict[str, Any]


def aenderungsdatei_pruefen(name: Dateiname, daten: bytes, *, schluessel: Iterable[bytes], share_id: str,
                            bis: int, kette: str) -> Aenderungen:
    """Verify a change file against what this reader has of its device: format, signature by a key
    the trust list binds to the device, device, share, sequence and chain.

    ``bis``/``kette``: the reader's cursor for the device and the chain there. The file must start
    at ``bis + 1`` from ``kette`` – or earlier (regrouped by its author after a move), in which case
    its entries up to ``bis`` must reproduce ``kette`` exactly and are cut off. Raises
    :class:`Formatfehler` naming the reason."""
    wo = name.pfad
    s = signiert_lesen(daten, AENDERUNG_FORMAT, AENDERUNG_VERSION, wo)
    n = s.nutzlast
    if n.get("geraet") != name.geraet:
        raise Formatfehler(f"{wo}: Die Datei gibt sich als Gerät {str(n.get('geraet'))[:36]} aus, liegt aber im "
                           f"Ordner von {name.geraet}.", "falsches_geraet")
    if not s.echt(schluessel, ZWECK_AENDERUNG):
        raise Formatfehler(f"{wo}: Die Signatur passt zu keinem freigegebenen Schlüssel von Gerät {name.geraet[:8]} "
                           "(verändert oder von einem fremden Gerät).", "signatur")
    if n.get("share_id") != share_id:
        raise Formatfehler(f"{wo}: Die Datei gehört zu einer anderen Ablage.", "andere_ablage")
    if s.doc.get("ausgabe") != name.ausgabe:
        raise Formatfehler(f"{wo}: Ausgabe {s.doc.get('ausgabe')} passt nicht zum Namen.", "ausgabe")
    von, bis_datei = n.get("von_seq"), n.get("bis_seq")
    if not isinstance(von, int) or not isinstance(bis_datei, int) or not _ganz(von, 1) or von != name.von_seq \
            or not _ganz(bis_datei, von):
        raise Formatfehler(f"{wo}: Die Folgenummern passen nicht zum Namen.", "folgenummer")
    if von > bis + 1 or bis_datei <= bis:
        raise Formatfehler(f"{wo}: Die Folgenummer {von} passt nicht (erwartet {bis + 1}).", "folgenummer")
    transaktionen = n.get("transaktionen")
    if not isinstance(transaktionen, list) or not transaktionen:
        raise Formatfehler(f"{wo}: enthält keine Transaktionen.", "leer")
    erwartet = von
    for t in transaktionen:
        if not isinstance(t, dict) or not isinstance(t.get("eintraege"), list) or not t["eintraege"] \
                or not _kontext_gueltig(t.get("gesehen")) \
                or not all(_text(t.get(k)) for k in ("transaktion", "benutzer", "quelle")) \
                or not _zeit_gueltig(t.get("zeitpunkt")):
            raise Formatfehler(f"{wo}: Transaktion ohne gültige Einträge.", "transaktion")
        for e in t["eintraege"]:
            if not isinstance(e, dict) or e.get("seq") != erwartet or isinstance(e.get("seq"), bool):
                raise Formatfehler(f"{wo}: Eintrag mit Folgenummer {e.get('seq') if isinstance(e, dict) else '?'} "
                                   f"(erwartet {erwartet}).", "eintrag_folge")
            werte = {k: _json_wert(e.get(k)) for k in ("alt", "neu")}
            if e.get("aktion") not in ("anlegen", "aendern", "loeschen") or not _text(e.get("tabelle"), 40) \
                    or not _text(e.get("id"), 36) or not (e.get("feld") is None or _text(e.get("feld"), 60)):
                raise Formatfehler(f"{wo}: Eintrag {erwartet} ist unvollständig oder hat Werte falschen Typs.", "eintrag_typ")
            unlesbar = [w.grund for w in werte.values() if isinstance(w, _Unlesbar)]
            if unlesbar:
                raise Formatfehler(f"{wo}: Eintrag {erwartet} ({_feld_text(e['tabelle'], e.get('feld'))}) hat Werte "
                                   f"falschen Typs: {unlesbar[0]}", "eintrag_typ")
            if not _form_passt(e, werte):
                raise Formatfehler(f"{wo}: Eintrag {erwartet} passt nicht zu seiner Aktion „{e['aktion']}“.", "eintrag_aktion")
            erwartet += 1
    if bis_datei != erwartet - 1:
        raise Formatfehler(f"{wo}: bis_seq passt nicht zu den Einträgen.", "bis_seq")
    if not _text(n.get("kette_vor"), 64) or not _text(n.get("kette_nach"), 64):
        raise Formatfehler(f"{wo}: ohne Kette.", "kette")
    if kette_ueber(n["kette_vor"], transaktionen) != n["kette_nach"]:
        raise Formatfehler(f"{wo}: Die Kette der Einträge stimmt nicht.", "kette")
    if kette_ueber(n["kette_vor"], transaktionen, bis=bis) != kette:
        raise Formatfehler(
            f"{wo}: Die Datei setzt nicht dort fort, wo die Änderungen von Gerät {name.geraet[:8]} hier enden "
            "(abweichende Vorgeschichte: zurückgespielte Sicherung oder Kopie des Geräts?).", "kette")
    neu = []
    for t in transaktionen:
        eintraege = [e for e in t["eintraege"] if e["seq"] > bis]
        if eintraege:
            neu.append({**t, "eintraege": eintraege})
    return Aenderungen(name, bis_datei, n["kette_nach"], neu, n)


# ------------------------------------------------------------------------------------------- heads
@dataclass(frozen=True)
class Kopfname:
    """A head file's name: device, the latest change file (first seq, edition) and a counter.

    Everything a reader needs to decide "nothing new" is in the name (no download); the latest file
    can be fetched directly when the reader is exactly one file behind."""

    geraet: str
    von_seq: int
    ausgabe: int
    stand: int

    @property
    def name(self) -> str:
        return f"k-{self.geraet}-{self.von_seq:012d}-{self.ausgabe}-{self.stand}.json"

    @property
    def pfad(self) -> str:
        return f"{KOEPFE_ORDNER}/{self.name}"

    @property
    def letzte_datei(self) -> Dateiname | None:
        return Dateiname(self.geraet, self.von_seq, self.ausgabe) if self.von_seq else None


def kopfname_lesen(name: str) -> Kopfname | None:
    m = _KOPF_RE.match(name)
    if not m:
        return None
    return Kopfname(m["geraet"], int(m["von"]), int(m["ausgabe"]), int(m["stand"]))


@dataclass(frozen=True)
class Kopf:
    name: Kopfname
    bis_seq: int
    kette: str
    #: editions other than 1, by first seq (files re-published after a reader found them damaged)
    ausgaben: dict[int, int]

    def datei(self, von_seq: int) -> Dateiname:
        return Dateiname(self.name.geraet, von_seq, self.ausgaben.get(von_seq, 1))


def kopf_bauen(schluessel: Geraeteschluessel, share_id: str, name: Kopfname, bis_seq: int, kette: str,
               ausgaben: dict[int, int]) -> bytes:
    nutzlast = {"geraet": name.geraet, "share_id": share_id, "von_seq": name.von_seq, "ausgabe": name.ausgabe,
                "stand": name.stand, "bis_seq": bis_seq, "kette": kette,
                "ausgaben": {str(k): v for k, v in sorted(ausgaben.items())}}
    return signiert_bauen(KOPF_FORMAT, 1, nutzlast, schluessel, ZWECK_KOPF)


def kopf_lesen(name: Kopfname, daten: bytes, *, schluessel: Iterable[bytes], share_id: str) -> Kopf:
    wo = name.pfad
    s = signiert_lesen(daten, KOPF_FORMAT, 1, wo)
    n = s.nutzlast
    if not s.echt(schluessel, ZWECK_KOPF):
        raise Formatfehler(f"{wo}: Die Signatur des Kopfes stimmt nicht.", "signatur")
    if (n.get("geraet"), n.get("von_seq"), n.get("ausgabe"), n.get("stand")) != \
            (name.geraet, name.von_seq, name.ausgabe, name.stand) or n.get("share_id") != share_id:
        raise Formatfehler(f"{wo}: Der Inhalt passt nicht zum Namen.", "kopf")
    ausgaben = n.get("ausgaben")
    if not _ganz(n.get("bis_seq")) or not _text(n.get("kette"), 64) or not isinstance(ausgaben, dict) \
            or len(ausgaben) > 100_000:
        raise Formatfehler(f"{wo}: unvollständig.", "kopf")
    try:
        karte = {int(k): v for k, v in ausgaben.items() if _ganz(v, 2)}
    except ValueError:
        raise Formatfehler(f"{wo}: unvollständig.", "kopf") from None
    if len(karte) != len(ausgaben):
        raise Formatfehler(f"{wo}: unvollständig.", "kopf")
    return Kopf(name, n["bis_seq"], n["kette"], karte)


# ------------------------------------------------------------------------------- key announcements
@dataclass(frozen=True)
class Ankuendigung:
    """A device's key as it announced it on the share (self-signed: proves possession, grants nothing).

    ``nachfolge``: a device that had to take a new identity brings the statement its old key signed
    for it (a row of the trust list as a dict), so readers can trust it before they apply its files –
    the statement itself is checked against the trust list like any other."""

    geraet: str
    schluessel: bytes
    benutzer: str
    rechner: str
    erstellt: str
    nachfolge: dict[str, Any] | None = None


def ankuendigung_pfad(geraet: str) -> str:
    return f"{GERAETE_ORDNER}/{geraet}.json"


#: the fields of a trust statement as it travels in an announcement
AUSSAGE_FELDER = ("art", "geraet", "schluessel", "fingerabdruck", "benutzer", "rolle", "aussteller",
                  "ausgestellt_am", "signatur")


def ankuendigung_bauen(schluessel: Geraeteschluessel, share_id: str, benutzer: str, rechner: str,
                       nachfolge: dict[str, Any] | None = None) -> bytes:
    nutzlast: dict[str, Any] = {"geraet": schluessel.geraet, "schluessel": schluessel.oeffentlich_b64,
                                "share_id": share_id, "benutzer": benutzer[:120], "rechner": rechner[:120],
                                "erstellt": datetime.now(UTC).replace(microsecond=0).isoformat()}
    if nachfolge is not None:
        nutzlast["nachfolge"] = nachfolge
    return signiert_bauen(GERAET_FORMAT, 1, nutzlast, schluessel, ZWECK_GERAET)


def _aussage_gueltig(wert: Any, geraet: str) -> bool:
    return isinstance(wert, dict) and set(wert) == set(AUSSAGE_FELDER) and wert.get("geraet") == geraet \
        and wert.get("art") == "nachfolge" and all(_text(wert[k], 200) for k in AUSSAGE_FELDER) \
        and _zeit_gueltig(wert["ausgestellt_am"])


def ankuendigung_lesen(geraet: str, daten: bytes) -> Ankuendigung:
    from ozgdesk.sync.schluessel import aus_b64

    wo = ankuendigung_pfad(geraet)
    s = signiert_lesen(daten, GERAET_FORMAT, 1, wo)
    n = s.nutzlast
    schl = aus_b64(n.get("schluessel"), 32)
    if schl is None or n.get("geraet") != geraet or not _text(n.get("benutzer"), 120) \
            or not _text(n.get("rechner"), 120) or not _zeit_gueltig(n.get("erstellt")):
        raise Formatfehler(f"{wo}: unvollständig.", "ankuendigung")
    if not s.echt([schl], ZWECK_GERAET):
        raise Formatfehler(f"{wo}: Die Signatur stimmt nicht.", "signatur")
    nachfolge = n.get("nachfolge")
    if nachfolge is not None and not _aussage_gueltig(nachfolge, geraet):
        raise Formatfehler(f"{wo}: Die Nachfolgeerklärung ist unvollständig.", "ankuendigung")
    return Ankuendigung(geraet, schl, n["benutzer"], n["rechner"], n["erstellt"], nachfolge)


# ------------------------------------------------------------------------- quarantine notices
@dataclass(frozen=True)
class Meldungsname:
    """A reader's notice to an author: "your file from ``von_seq``, edition ``ausgabe``, is refused here"."""

    an: str
    von: str
    von_seq: int
    ausgabe: int

    @property
    def pfad(self) -> str:
        return f"{KOEPFE_ORDNER}/q-{self.an}-{self.von}-{self.von_seq:012d}-{self.ausgabe}.json"


def meldungsname_lesen(name: str) -> Meldungsname | None:
    m = _MELDUNG_RE.match(name)
    if not m:
        return None
    return Meldungsname(m["an"], m["von"], int(m["seq"]), int(m["ausgabe"]))


def meldung_bauen(schluessel: Geraeteschluessel, share_id: str, name: Meldungsname, code: str, grund: str) -> bytes:
    nutzlast = {"an": name.an, "von": name.von, "von_seq": name.von_seq, "ausgabe": name.ausgabe,
                "share_id": share_id, "code": code[:30], "grund": grund[:2000]}
    return signiert_bauen(MELDUNG_FORMAT, 1, nutzlast, schluessel, ZWECK_MELDUNG)


def meldung_lesen(name: Meldungsname, daten: bytes, *, schluessel: Iterable[bytes], share_id: str) -> tuple[str, str]:
    """(code, reason) of a notice that verifies against the reporting device's key."""
    wo = name.pfad
    s = signiert_lesen(daten, MELDUNG_FORMAT, 1, wo)
    n = s.nutzlast
    if not s.echt(schluessel, ZWECK_MELDUNG):
        raise Formatfehler(f"{wo}: Die Signatur stimmt nicht.", "signatur")
    if (n.get("an"), n.get("von"), n.get("von_seq"), n.get("ausgabe"), n.get("share_id")) != \
            (name.an, name.von, name.von_seq, name.ausgabe, share_id) or not _text(n.get("code"), 30) \
            or not _text(n.get("grund"), 2000):
        raise Formatfehler(f"{wo}: Der Inhalt passt nicht zum Namen.", "meldung")
    return n["code"], n["grund"]
