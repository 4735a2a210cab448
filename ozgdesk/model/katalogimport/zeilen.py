"""Read the rows of a catalogue export into a :class:`Katalogstand`: columns by header, every value checked.

The official export has one row per LeiKa-Leistung; the OZG-Leistung, its Themenfeld and Lage repeat
on every row. Columns are found by their header in any order (extra columns are ignored), and the
values are read the way spreadsheets really store them: OZG-IDs as numbers, ``2/3`` turned into a
date by Excel, blanks and non-breaking spaces around text, ``nicht im LeiKa`` instead of a key.

The official file comes as it comes: the coordinator cannot edit it, and real exports carry junk
(a test row „Test 124“ with an 8-digit LeiKa key). So only structural problems refuse the whole file
(not a table, no header, missing or doubled columns, not one usable row); a bad value in a row is
reported as a :class:`Hinweis` with file, sheet, row, column and value, and dropped as narrowly as
the row's identity allows:

* bad OZG-ID → the row is skipped (nothing of it can be placed);
* bad LeiKa-Schlüssel → the row's LeiKa-Leistung is skipped, its OZG-Leistung fields still count;
* a bad OZG-Leistung field (name, Themenfeld, Lage) → only that field of that row is dropped; the
  value comes from another row of the same OZG-ID, else the stored value stays;
* a bad LeiKa field (Typ, SDG flag, an unreadable text) → only that field is dropped; the stored
  value stays (a new LeiKa-Leistung gets the column default).

Something a skipped value would have said never removes or changes anything in the store; the
importer keeps what it has (see :mod:`.vergleich`).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from ozgdesk.model.katalogimport.datei import (
    MAX_FEHLER,
    MAX_ZELLE,
    Katalogfehler,
    Rohtabelle,
    _spaltenbuchstabe,
    oeffnen,
    ohne_zyklensammler,
)
from ozgdesk.model.values import LEISTUNGSTYPEN, format_zahl

NICHT_IM_LEIKA = "nicht im LeiKa"

#: key → (official header, accepted spellings after :func:`_norm`)
SPALTEN: dict[str, tuple[str, tuple[str, ...]]] = {
    "themenfeld": ("Themenfeld", ("themenfeld",)),
    "lage": ("Lage", ("lage", "lebenslage", "lebensundgeschäftslage", "lebensgeschäftslage")),
    "ozg_leistung": ("OZG-Leistungen", ("ozgleistungen", "ozgleistung")),
    "ozg_id": ("OZG-ID", ("ozgid",)),
    "leika_bezeichnung": ("LeiKa-Bezeichnung", ("leikabezeichnung",)),
    "leika_schluessel": ("LeiKa-Schlüssel", ("leikaschlüssel", "leikaschluessel")),
    "leika_typ": ("LeiKa-Typ", ("leikatyp",)),
    "rechtsgrundlage": ("Rechtsgrundlage(n)", ("rechtsgrundlagen", "rechtsgrundlage")),
    "gesetze": ("Gesetz(e)", ("gesetze", "gesetz")),
    "gesetzeskuerzel": ("Gesetzeskürzel", ("gesetzeskürzel", "gesetzeskuerzel")),
    "sdg1": ("SDG1-Relevanz", ("sdg1relevanz",)),
    "sdg2": ("SDG2-Relevanz", ("sdg2relevanz",)),
}
_OZG_ID = re.compile(r"^\d{5}$")
_LEIKA = re.compile(r"^\d{14}$")
_TYP_PRAEFIX = re.compile(r"^typ\s*", re.IGNORECASE)
_TYP_TRENNER = re.compile(r"[,;]")
#: a date written as text (a CSV saved from a sheet where Excel had turned „2/3“ into a date)
_DATUM_TEXT = re.compile(r"^(?:(\d{1,2})\.(\d{1,2})\.(?:\d{2,4})?|(\d{1,2})/(\d{1,2})/\d{2,4}|\d{4}-(\d{2})-(\d{2}))"
                         r"(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?$")
_MONATE = {"feb": 2, "febr": 2, "februar": 2, "mrz": 3, "mär": 3, "märz": 3, "mar": 3, "march": 3, "february": 2}
_DATUM_MONAT = re.compile(r"^(\d{1,2})\.?[\s-]*([a-zä]+)\.?$|^([a-zä]+)[\s-]*(\d{1,2})$", re.IGNORECASE)
_OZG_TAUSENDER = re.compile(r"^(\d{2})[.\u00a0\u202f ](\d{3})$|^(\d{5})[.,]0+$")
_WISSENSCHAFTLICH = re.compile(r"^\d[.,]\d*e\+?\d+$", re.IGNORECASE)
#: zero-width characters that str.strip() leaves (NBSP it removes already)
_UNSICHTBAR = "\u200b\u200c\u200d\u2060\ufeff"
_TYP_CODES = {t.casefold(): t for t in LEISTUNGSTYPEN}
_MAX_LAENGE = {"ozg_leistung": 300, "themenfeld": 100, "lage": 150, "leika_typ": 40}  # the columns' sizes


def _norm(text: str) -> str:
    return re.sub(r"[^0-9a-zäöüß]", "", text.casefold())


def _ascii(text: str) -> str:
    """Header without any non-ASCII letter: spots „LeiKa-SchlÃ¼ssel“ from a wrongly decoded file."""
    return re.sub(r"[^0-9a-z]", "", text.casefold())


_NACH_NORM = {alias: key for key, (_, aliase) in SPALTEN.items() for alias in aliase}
_NACH_ASCII = {_ascii(alias): key for key, (_, aliase) in SPALTEN.items() for alias in aliase if not alias.isascii()}


#: What becomes of a row with a bad value (written into every Hinweis, documented in docs/katalogimport.md).
ZEILE_UEBERSPRUNGEN = "Die Zeile wurde nicht übernommen."
LEIKA_UEBERSPRUNGEN = "Die LeiKa-Leistung dieser Zeile wurde nicht übernommen; die OZG-Leistung schon."
FELD_VERWORFEN = "Nur dieses Feld wurde nicht übernommen; es behält seinen bisherigen Wert."
OZG_FELD_VERWORFEN = ("Nur dieses Feld wurde nicht übernommen; es gilt der Wert aus einer anderen Zeile derselben "
                      "OZG-Leistung, sonst der bisherige.")


@dataclass(frozen=True)
class Hinweis:
    """Something the user should know about the export, with its place in the file.

    Row-level problems carry file, sheet, row, column and the value as read, so the coordinator can
    find the cell in the official file (which they cannot edit) and report it to the BMI. Notes about
    the catalogue as a whole (a new Lage, a flagged Leistung) have no row or column.
    """

    meldung: str
    datei: str | None = None
    blatt: str | None = None
    zeile: int | None = None
    spalte: str | None = None  # official header, e.g. "LeiKa-Schlüssel"
    position: str | None = None  # "F" in XLSX, "6" in CSV
    wert: str | None = None
    #: "zeile" (bad OZG-ID: row skipped), "leika" (LeiKa part skipped), "feld" (field dropped),
    #: "ohne_ozg_id" (a row the export leaves without OZG-ID, skipped), "hinweis" (anything else)
    art: str = "hinweis"

    @property
    def ort(self) -> str:
        teile = []
        if self.datei:
            teile.append(f"Datei „{self.datei}“")
        if self.blatt:
            teile.append(f"Blatt „{self.blatt}“")
        if self.zeile is not None:
            teile.append(f"Zeile {self.zeile}")
        if self.position is not None:
            teile.append(f"Spalte {self.position}" + (f" ({self.spalte})" if self.spalte else ""))
        return ", ".join(teile)

    @property
    def text(self) -> str:
        return f"{self.ort}: {self.meldung}" if self.zeile is not None or self.position else self.meldung

    def __str__(self) -> str:
        return self.text

    def als_json(self) -> dict[str, Any]:
        return {"datei": self.datei, "blatt": self.blatt, "zeile": self.zeile, "spalte": self.spalte,
                "position": self.position, "wert": self.wert, "meldung": self.meldung, "art": self.art,
                "text": self.text}


@dataclass(frozen=True)
class LeikaEintrag:
    """One LeiKa-Leistung as read. A field that is None could not be read from the file (bad value):
    the import keeps what the store has for it (or the column default for a new record)."""

    schluessel: str | None
    bezeichnung: str | None
    typ: str | None
    rechtsgrundlage: str | None
    gesetze: str | None
    gesetzeskuerzel: str | None
    sdg1: bool | None
    sdg2: bool | None
    zeile: int = field(compare=False)

    @property
    def key(self) -> str:
        return leika_key(self.schluessel, self.bezeichnung or "")


_LEIKA_WERTFELDER = ("bezeichnung", "typ", "rechtsgrundlage", "gesetze", "gesetzeskuerzel", "sdg1", "sdg2")


def _vereinen(a: LeikaEintrag, b: LeikaEintrag) -> LeikaEintrag | None:
    """``a`` completed with what ``b`` knows, or None if the two contradict each other."""
    ergaenzt = {}
    for f in _LEIKA_WERTFELDER:
        x, y = getattr(a, f), getattr(b, f)
        if x is None and y is not None:
            ergaenzt[f] = y
        elif x is not None and y is not None and x != y:
            return None
    return replace(a, **ergaenzt) if ergaenzt else a


def leika_key(schluessel: str | None, bezeichnung: str) -> str:
    """Identity of a LeiKa-Leistung: its key, or its name for the rows marked ``nicht im LeiKa``."""
    return schluessel if schluessel else "name:" + " ".join(bezeichnung.split()).casefold()


@dataclass
class OzgEintrag:
    """One OZG-Leistung as read. ``bezeichnung``/``themenfeld`` None: no row gave a usable value;
    ``lage_bekannt`` False: no row gave a usable Lage. The import then keeps the stored values."""

    ozg_id: str
    bezeichnung: str | None
    themenfeld: str | None
    lage: str | None
    zeile: int
    typen: Counter = field(default_factory=Counter)
    lage_bekannt: bool = True

    @property
    def typ(self) -> str | None:
        """Typ of the OZG-Leistung, derived from its LeiKa-Leistungen (the export has no own column).

        The most frequent known code among its rows wins; a tie goes to the code listed first in
        :data:`LEISTUNGSTYPEN` (1 before 2/3 …). None when no row names a type – the importer then
        keeps the type the store already has instead of erasing it.
        """
        if not self.typen:
            return None
        return min(self.typen, key=lambda t: (-self.typen[t], LEISTUNGSTYPEN.index(t)))


@dataclass
class Katalogstand:
    """A catalogue export as read: what the official catalogue says, nothing of the Ressort's."""

    datei: str
    format: str
    blatt: str | None
    sha256: str
    zeilen: int = 0
    themenfelder: dict[str, str] = field(default_factory=dict)  # casefold name → name
    lagen: dict[str, tuple[str, str]] = field(default_factory=dict)  # casefold name → (name, themenfeld key)
    leistungen: dict[str, OzgEintrag] = field(default_factory=dict)
    leika: dict[str, LeikaEintrag] = field(default_factory=dict)
    zuordnungen: set[tuple[str, str]] = field(default_factory=set)  # (leika key, ozg_id)
    warnungen: list[Hinweis] = field(default_factory=list)
    ohne_ozg_id: int = 0
    #: rows with at least one value that was not taken over (skipped row, LeiKa part or field)
    fehlerhafte_zeilen: int = 0
    #: (name key, ozg_id) of LeiKa parts skipped for a bad key: a stored LeiKa-Leistung of that name
    #: under that OZG-Leistung is kept as it is instead of being removed
    geschuetzt: set[tuple[str, str]] = field(default_factory=set)


def lesen(pfad: str | Path) -> Katalogstand:
    """Read and check a whole export. Raises :class:`Katalogfehler` only for structural problems
    (not a table, no header, missing columns, not a single usable row); bad values in single rows
    become :class:`Hinweis` entries and are skipped as described in :data:`ZEILE_UEBERSPRUNGEN` & co."""
    with ohne_zyklensammler():
        tabelle = oeffnen(pfad)
        try:
            return _lesen(tabelle)
        finally:
            tabelle.schliessen()


def _zellwert(w: Any) -> str:
    """The value as the user sees it in the cell, for the Hinweis (shortened)."""
    text = _text(w)
    return text if len(text) <= 80 else text[:79] + "…"


def _lesen(t: Rohtabelle) -> Katalogstand:
    stand = Katalogstand(datei=t.datei, format=t.format, blatt=t.blatt, sha256=t.sha256)
    spalten, kopfzeile = _kopf_finden(t)
    breite = max(spalten.values()) + 1
    position = {k: (_spaltenbuchstabe(i) if t.format == "xlsx" else str(i + 1)) for k, i in spalten.items()}
    reihenfolge = list(spalten.items())
    csv_format = t.format == "csv"  # rows of texts (lists); an XLSX row is a tuple of any values
    typ_codes: dict[str, set[str]] = {}  # the known codes of a type text („1, 2/3“), which repeats
    typen_gelesen: dict[Any, tuple[str, list[str], str | None]] = {}  # the same few type texts repeat
    als_datum = 0
    zuordnung_zeile: dict[tuple[str, str], int] = {}
    f: str | None  # the error text of the value read last
    typ: str | None
    text: str | None
    for nr, werte in t.zeilen:
        if nr <= kopfzeile:
            continue
        leer = True
        for w in werte:
            if w is not None and (w.__class__ is not str or w.strip()):
                leer = False
                break
        if leer:
            continue  # empty rows (spreadsheets often end with some)
        stand.zeilen += 1
        if len(werte) < breite:
            werte = (*werte, *([None] * (breite - len(werte))))
        hinweise: list[Hinweis] = []

        # called only while this row is read, so the row's hinweise, nr and werte are the ones meant
        def melden(key: str, meldung: str, art: str, folge: str, w: Any = None) -> None:
            hinweise.append(Hinweis(f"{meldung} {folge}", t.datei, t.blatt, nr,  # noqa: B023
                                    SPALTEN[key][0], position[key],
                                    _zellwert(w if w is not None else werte[spalten[key]]), art))  # noqa: B023

        # cells no spreadsheet writes (over-long) or that hold a formula instead of a value; a CSV row
        # (only texts, no formulas) whose longest cell is within the limit has none
        kaputt: dict[str, str] = {}
        if csv_format and werte.__class__ is list and max(map(len, werte)) <= MAX_ZELLE:
            reihe: Sequence[tuple[str, int]] = ()
        else:
            reihe = reihenfolge
        for key, i in reihe:
            w = werte[i]
            if w.__class__ is str and (len(w) > MAX_ZELLE or w[:1] == "=" and t.ist_formel(w)):
                kaputt[key] = (f"Die Zelle ist {format_zahl(len(w))} Zeichen lang; Excel erlaubt höchstens "
                               f"{format_zahl(MAX_ZELLE)} Zeichen je Zelle." if len(w) > MAX_ZELLE else
                               f"Die Zelle enthält eine Formel ({w[:60]}) statt eines Werts.")

        # --- the row's identity: without a sound OZG-ID nothing of the row can be placed
        if "ozg_id" in kaputt:
            ozg_id, f = None, kaputt["ozg_id"]
        else:
            ozg_id, f = _ozg_id(werte[spalten["ozg_id"]])
        if f:
            melden("ozg_id", f, "zeile", ZEILE_UEBERSPRUNGEN)
            stand.warnungen.extend(hinweise)
            stand.fehlerhafte_zeilen += 1
            continue
        if ozg_id is None:
            stand.ohne_ozg_id += 1
            name = _text(werte[spalten["leika_bezeichnung"]]) or _text(werte[spalten["leika_schluessel"]])
            was = f"LeiKa-Leistung „{name[:80]}“" if name else "Die Zeile"
            stand.warnungen.append(Hinweis(f"keine OZG-ID – {was} wurde nicht übernommen.", t.datei, t.blatt, nr,
                                           "OZG-ID", position["ozg_id"], "", "ohne_ozg_id"))
            continue

        # --- the OZG-Leistung's fields (repeated on each of its rows): a bad one is dropped
        ozg_texte: dict[str, str | None] = {}
        for key in ("ozg_leistung", "themenfeld", "lage"):
            if key in kaputt:
                melden(key, kaputt[key], "feld", OZG_FELD_VERWORFEN)
                ozg_texte[key] = None
                continue
            text = _text(werte[spalten[key]])
            if len(text) > _MAX_LAENGE[key]:
                melden(key, f"Der Text ist {len(text)} Zeichen lang (höchstens {_MAX_LAENGE[key]}).", "feld",
                       OZG_FELD_VERWORFEN)
                text = None
            elif not text and key != "lage":
                was = "Die Bezeichnung" if key == "ozg_leistung" else "Das Themenfeld"
                melden(key, f"{was} der OZG-Leistung {ozg_id} fehlt.", "feld", OZG_FELD_VERWORFEN)
                text = None
            ozg_texte[key] = text

        # --- the LeiKa-Leistung's fields
        lt: dict[str, Any] = {}
        for key in ("leika_bezeichnung", "rechtsgrundlage", "gesetze", "gesetzeskuerzel"):
            if key in kaputt:
                melden(key, kaputt[key], "feld", FELD_VERWORFEN)
                lt[key] = None
            else:
                lt[key] = _text(werte[spalten[key]])
        schluessel, f_schluessel = (None, kaputt["leika_schluessel"]) if "leika_schluessel" in kaputt else \
            _schluessel(werte[spalten["leika_schluessel"]])
        typ_wert = werte[spalten["leika_typ"]]
        if "leika_typ" in kaputt:
            typ, f = None, kaputt["leika_typ"]
        else:
            if typ_wert.__class__ is str and typ_wert in typen_gelesen:
                typ, unbekannt, f = typen_gelesen[typ_wert]
            else:
                typ, unbekannt, f = _typ(typ_wert)
                if typ_wert.__class__ is str:
                    typen_gelesen[typ_wert] = (typ, unbekannt, f)
                if isinstance(typ_wert, (datetime, date)) or typ_wert.__class__ is str and f is None \
                        and typ == "2/3" and _DATUM_TEXT.match(typ_wert.strip()):
                    als_datum += 1
            if f is None and unbekannt:
                f = f"„{', '.join(unbekannt)}“ ist kein Leistungstyp (erlaubt: {', '.join(LEISTUNGSTYPEN)})."
            if f is None and len(typ) > _MAX_LAENGE["leika_typ"]:
                f = f"Der Text ist {len(typ)} Zeichen lang (höchstens {_MAX_LAENGE['leika_typ']})."
        if f:
            melden("leika_typ", f, "feld", FELD_VERWORFEN)
            typ = None
        sdg: dict[str, bool | None] = {}
        for key in ("sdg1", "sdg2"):
            wert, f = (None, kaputt[key]) if key in kaputt else _flag(werte[spalten[key]])
            if f:
                melden(key, f, "feld", FELD_VERWORFEN)
                wert = None
            sdg[key] = wert

        leika = None
        if f_schluessel:
            melden("leika_schluessel", f_schluessel, "leika", LEIKA_UEBERSPRUNGEN)
            if lt["leika_bezeichnung"]:
                stand.geschuetzt.add((leika_key(None, lt["leika_bezeichnung"]), ozg_id))
        elif schluessel is None and lt["leika_bezeichnung"] is None:
            # "nicht im LeiKa": the name is the identity, and it is unreadable
            hinweise.append(Hinweis(f"Die LeiKa-Leistung ohne Schlüssel ist nur über ihre Bezeichnung bestimmt, "
                                    f"und die ist nicht lesbar. {LEIKA_UEBERSPRUNGEN}", t.datei, t.blatt, nr,
                                    SPALTEN["leika_bezeichnung"][0], position["leika_bezeichnung"], None, "leika"))
        elif schluessel or lt["leika_bezeichnung"]:
            leika = LeikaEintrag(schluessel, lt["leika_bezeichnung"], typ, lt["rechtsgrundlage"], lt["gesetze"],
                                 lt["gesetzeskuerzel"], sdg["sdg1"], sdg["sdg2"], nr)
        if hinweise:
            stand.warnungen.extend(hinweise)
            stand.fehlerhafte_zeilen += 1

        _ozg_uebernehmen(stand, t, nr, ozg_id, ozg_texte)
        if leika is None:
            continue
        vorhanden = stand.leika.get(leika.key)
        if vorhanden is None:
            stand.leika[leika.key] = leika
        elif vorhanden != leika:
            vereint = _vereinen(vorhanden, leika)
            if vereint is None:
                stand.warnungen.append(Hinweis(
                    f"LeiKa-Leistung {leika.schluessel or '„' + (leika.bezeichnung or '') + '“'} steht schon in "
                    f"Zeile {vorhanden.zeile} mit anderen Angaben; übernommen wurden die aus Zeile {vorhanden.zeile}.",
                    t.datei, t.blatt, nr))
            else:
                stand.leika[leika.key] = vereint
            leika = stand.leika[leika.key]
        paar = (leika.key, ozg_id)
        if paar in zuordnung_zeile:
            stand.warnungen.append(Hinweis(f"wiederholt Zeile {zuordnung_zeile[paar]} (gleiche LeiKa-Leistung "
                                           f"unter OZG-ID {ozg_id}); nur einmal übernommen.", t.datei, t.blatt, nr))
            continue
        zuordnung_zeile[paar] = nr
        stand.zuordnungen.add(paar)
        codes = typ_codes.get(leika.typ or "")
        if codes is None:
            codes = typ_codes[leika.typ or ""] = {c.strip() for c in (leika.typ or "").split(",")
                                                  if c.strip() in LEISTUNGSTYPEN}
        for code in codes:
            stand.leistungen[ozg_id].typen[code] += 1
    if not stand.leistungen:
        fehler = [h.text for h in stand.warnungen if h.art == "zeile"][:MAX_FEHLER]
        raise Katalogfehler(t.datei, [f"{t.ort()}: Die Tabelle enthält keine einzige Zeile mit OZG-ID (gültig sind 5 Ziffern, z. B. 10000)."]
                            + fehler)
    _lagen_zuordnen(stand, t)
    if als_datum:
        stand.warnungen.append(Hinweis(f"{als_datum} Zellen der Spalte LeiKa-Typ waren als Datum gespeichert "
                                       "(Excel macht aus „2/3“ ein Datum); sie wurden als „2/3“ gelesen.",
                                       t.datei, t.blatt, None, "LeiKa-Typ", position["leika_typ"]))
    return stand


def _ozg_uebernehmen(stand: Katalogstand, t: Rohtabelle, nr: int, ozg_id: str, texte: dict[str, str | None]) -> None:
    """Take the OZG-Leistung's fields of one row: the first usable value of each field wins."""
    bez, tf, lage = texte["ozg_leistung"], texte["themenfeld"], texte["lage"]
    lage_ok = lage is not None
    eintrag = stand.leistungen.get(ozg_id)
    if eintrag is None:
        stand.leistungen[ozg_id] = OzgEintrag(ozg_id, bez, tf, lage or None, nr, lage_bekannt=lage_ok)
        return
    widerspruch = False
    if bez is not None:
        if eintrag.bezeichnung is None:
            eintrag.bezeichnung = bez
        elif eintrag.bezeichnung != bez:
            widerspruch = True
    if tf is not None:
        if eintrag.themenfeld is None:
            eintrag.themenfeld = tf
        elif eintrag.themenfeld.casefold() != tf.casefold():
            widerspruch = True
    if lage is not None:
        if not eintrag.lage_bekannt:
            eintrag.lage, eintrag.lage_bekannt = lage or None, True
        elif (eintrag.lage or "").casefold() != lage.casefold():
            widerspruch = True
    if widerspruch:
        stand.warnungen.append(Hinweis(f"OZG-ID {ozg_id} steht schon in Zeile {eintrag.zeile} mit anderer "
                                       "Bezeichnung, anderem Themenfeld oder anderer Lage; die Angaben aus Zeile "
                                       f"{eintrag.zeile} gelten.", t.datei, t.blatt, nr))


def _lagen_zuordnen(stand: Katalogstand, t: Rohtabelle) -> None:
    """Themenfelder and Lagen from the OZG-Leistungen read. A Lage belongs to a Themenfeld, so an
    OZG-Leistung without a usable Themenfeld keeps its stored Lage as well."""
    for e in stand.leistungen.values():
        if e.themenfeld is None:
            e.lage_bekannt = False
            continue
        tf_key = e.themenfeld.casefold()
        stand.themenfelder.setdefault(tf_key, e.themenfeld)
        if not (e.lage_bekannt and e.lage):
            continue
        bisher = stand.lagen.setdefault(e.lage.casefold(), (e.lage, tf_key))
        if bisher[1] != tf_key:
            stand.warnungen.append(Hinweis(
                f"Die Lage „{e.lage}“ steht hier im Themenfeld „{e.themenfeld}“, vorher in "
                f"„{stand.themenfelder[bisher[1]]}“; die erste Zuordnung gilt.", t.datei, t.blatt, e.zeile))


def _kopf_finden(t: Rohtabelle) -> tuple[dict[str, int], int]:
    """Column index per key and the header's row number. The header is among the first 20 rows."""
    gelesen = []
    for nr, werte in t.zeilen:
        gelesen.append((nr, werte))
        treffer = {_NACH_NORM.get(_norm(w)) for w in werte if isinstance(w, str)} - {None}
        if len(treffer) >= 3 or _ascii_treffer(werte) >= 3:
            return _spalten_zuordnen(t, nr, werte), nr
        if len(gelesen) >= 20:
            break
    if not gelesen:
        raise Katalogfehler(t.datei, [f"{t.ort()}: Die Tabelle ist leer."])
    raise Katalogfehler(t.datei, [
        f"{t.ort()}: keine Kopfzeile des Katalogexports gefunden (gesucht in den ersten 20 Zeilen; erwartet "
        f"werden die Spalten {', '.join(h for h, _ in SPALTEN.values())})."
    ])


def _ascii_treffer(werte: Sequence[Any]) -> int:
    return sum(1 for w in werte if isinstance(w, str) and _ascii(w) in _NACH_ASCII)


def _spalten_zuordnen(t: Rohtabelle, nr: int, werte: Sequence[Any]) -> dict[str, int]:
    spalten: dict[str, int] = {}
    fehler = []
    for i, w in enumerate(werte):
        if not isinstance(w, str):
            continue
        key = _NACH_NORM.get(_norm(w))
        if key is None:
            if _ascii(w) in _NACH_ASCII and not w.isascii():
                erwartet = SPALTEN[_NACH_ASCII[_ascii(w)]][0]
                fehler.append(f"{t.ort(nr, i)}: Die Überschrift „{w.strip()}“ ist falsch kodiert (erwartet "
                              f"„{erwartet}“). Die Datei hat eine unerwartete Zeichenkodierung; bitte als UTF-8 "
                              "oder Windows-1252 speichern.")
            continue
        if key in spalten:
            fehler.append(f"{t.ort(nr, i)}: Die Spalte „{SPALTEN[key][0]}“ kommt doppelt vor "
                          f"(auch {t.ort(None, spalten[key]).split(', ')[-1]}).")
            continue
        spalten[key] = i
    if fehler:
        raise Katalogfehler(t.datei, fehler)
    fehlend = [SPALTEN[k][0] for k in SPALTEN if k not in spalten]
    if fehlend:
        wort = "Die Spalte" if len(fehlend) == 1 else "Die Spalten"
        raise Katalogfehler(t.datei, [
            f"{t.ort(nr)}: {wort} „{'“, „'.join(fehlend)}“ {'fehlt' if len(fehlend) == 1 else 'fehlen'} in der "
            "Kopfzeile."
        ])
    return spalten


# ------------------------------------------------------------------------------------------------- values
def _text(w: Any) -> str:
    if w is None:
        return ""
    if w.__class__ is str:
        w = w.strip()
        if w and (w[0] in _UNSICHTBAR or w[-1] in _UNSICHTBAR):
            w = w.strip(_UNSICHTBAR + " \t\r\n\u00a0")
        return w
    if isinstance(w, bool):
        return "1" if w else "0"
    if isinstance(w, int):
        return str(w)
    if isinstance(w, float):
        return str(int(w)) if w.is_integer() else str(w).replace(".", ",")
    if isinstance(w, datetime):
        return w.strftime("%d.%m.%Y %H:%M") if w.time() != time(0) else w.strftime("%d.%m.%Y")
    if isinstance(w, date):
        return w.strftime("%d.%m.%Y")
    if isinstance(w, timedelta):
        return str(w)
    return str(w).strip()


def _ozg_id(w: Any) -> tuple[str | None, str | None]:
    """(OZG-ID or None, error text or None). Also reads what sheets make of a number: 10000.0 and a
    German thousands separator (10.000)."""
    if isinstance(w, float) and w.is_integer():
        w = int(w)
    text = _text(w)
    if not text:
        return None, None
    if not _OZG_ID.match(text):
        m = _OZG_TAUSENDER.match(text)
        if m:
            return (m.group(1) + m.group(2)) if m.group(1) else m.group(3), None
        return None, f"„{text[:40]}“ ist keine gültige OZG-ID (erwartet 5 Ziffern, z. B. 10000)."
    return text, None


def _schluessel(w: Any) -> tuple[str | None, str | None]:
    if isinstance(w, float) and w.is_integer():
        w = int(w)
    text = _text(w)
    if not text or " ".join(text.split()).casefold() == NICHT_IM_LEIKA.casefold():
        return None, None
    if not _LEIKA.match(text):
        if _WISSENSCHAFTLICH.match(text) or isinstance(w, float):
            return None, (f"„{text[:40]}“ ist kein gültiger LeiKa-Schlüssel: Die Zahl steht in Exponentialschreibweise, "
                          "die Tabellenkalkulation hat dabei Ziffern abgeschnitten.")
        return None, f"„{text[:40]}“ ist kein gültiger LeiKa-Schlüssel (erwartet 14 Ziffern oder „{NICHT_IM_LEIKA}“)."
    return text, None


def _typ(w: Any) -> tuple[str, list[str], str | None]:
    """Normalised type list (``1, 2/3``), the codes not in the FIM code list, and an error text."""
    if isinstance(w, (datetime, date)):
        if {w.day, w.month} == {2, 3}:
            return "2/3", [], None
        return "", [], f"Das Datum {w.strftime('%d.%m.%Y')} ist kein Leistungstyp."
    if isinstance(w, float) and w.is_integer():
        w = int(w)
    text = _text(w)
    if not text:
        return "", [], None
    datum = _DATUM_TEXT.match(text)
    if datum:
        tag, monat = next((datum.group(i), datum.group(i + 1)) for i in (1, 3, 5) if datum.group(i))
        if {int(tag), int(monat)} == {2, 3}:
            return "2/3", [], None
        return "", [], f"Das Datum {text} ist kein Leistungstyp."
    codes, unbekannt = [], []
    for teil in _TYP_TRENNER.split(text):
        teil = _TYP_PRAEFIX.sub("", teil.strip()).replace(" ", "")
        if not teil:
            continue
        code = _TYP_CODES.get(teil.casefold())
        if code is None:
            unbekannt.append(teil)
            code = teil
        if code not in codes:
            codes.append(code)
    return ", ".join(codes), unbekannt, None


def _flag(w: Any) -> tuple[bool, str | None]:
    if w is None or isinstance(w, bool):
        return bool(w), None
    if isinstance(w, (int, float)) and w in (0, 1):
        return bool(w), None
    text = _text(w).casefold()
    if text in ("", "0", "nein", "n", "falsch", "false"):
        return False, None
    if text in ("1", "ja", "j", "x", "wahr", "true"):
        return True, None
    return False, f"„{_text(w)[:40]}“ ist kein Wert für eine Relevanz (erwartet 0 oder 1)."
