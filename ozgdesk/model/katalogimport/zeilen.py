"""Read the rows of a catalogue export into a :class:`Katalogstand`: columns by header, every value checked.

The official export has one row per LeiKa-Leistung; the OZG-Leistung, its Themenfeld and Lage repeat
on every row. Columns are found by their header in any order (extra columns are ignored), and the
values are read the way spreadsheets really store them: OZG-IDs as numbers, ``2/3`` turned into a
date by Excel, blanks and non-breaking spaces around text, ``nicht im LeiKa`` instead of a key.

Every problem is collected with its place (file, sheet, row, column) and the whole file is refused
if there is any, so a half-read catalogue can never reach the database. Things that are odd but
harmless (rows without OZG-ID, repeated rows, contradicting repetitions) become warnings that the
user sees before applying.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from ozgdesk.model.katalogimport.datei import (
    MAX_FEHLER,
    MAX_ZELLE,
    Katalogfehler,
    Rohtabelle,
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
_TYP_CODES = {t.casefold(): t for t in LEISTUNGSTYPEN}
_MAX_LAENGE = {"ozg_leistung": 300, "themenfeld": 100, "lage": 150, "leika_typ": 40}  # the columns' sizes


def _norm(text: str) -> str:
    return re.sub(r"[^0-9a-zäöüß]", "", text.casefold())


def _ascii(text: str) -> str:
    """Header without any non-ASCII letter: spots „LeiKa-SchlÃ¼ssel“ from a wrongly decoded file."""
    return re.sub(r"[^0-9a-z]", "", text.casefold())


_NACH_NORM = {alias: key for key, (_, aliase) in SPALTEN.items() for alias in aliase}
_NACH_ASCII = {_ascii(alias): key for key, (_, aliase) in SPALTEN.items() for alias in aliase if not alias.isascii()}


@dataclass(frozen=True)
class LeikaEintrag:
    schluessel: str | None
    bezeichnung: str
    typ: str
    rechtsgrundlage: str
    gesetze: str
    gesetzeskuerzel: str
    sdg1: bool
    sdg2: bool
    zeile: int = field(compare=False)

    @property
    def key(self) -> str:
        return leika_key(self.schluessel, self.bezeichnung)


def leika_key(schluessel: str | None, bezeichnung: str) -> str:
    """Identity of a LeiKa-Leistung: its key, or its name for the rows marked ``nicht im LeiKa``."""
    return schluessel if schluessel else "name:" + " ".join(bezeichnung.split()).casefold()


@dataclass
class OzgEintrag:
    ozg_id: str
    bezeichnung: str
    themenfeld: str
    lage: str | None
    zeile: int
    typen: Counter = field(default_factory=Counter)

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
    warnungen: list[str] = field(default_factory=list)
    ohne_ozg_id: int = 0


def lesen(pfad: str | Path) -> Katalogstand:
    """Read and check a whole export. Raises :class:`Katalogfehler` listing every problem found."""
    with ohne_zyklensammler():
        tabelle = oeffnen(pfad)
        try:
            return _lesen(tabelle)
        finally:
            tabelle.schliessen()


def _lesen(t: Rohtabelle) -> Katalogstand:
    stand = Katalogstand(datei=t.datei, format=t.format, blatt=t.blatt, sha256=t.sha256)
    fehler: list[str] = []
    spalten, kopfzeile = _kopf_finden(t)
    breite = max(spalten.values()) + 1
    text_spalten = [(k, spalten[k]) for k in ("themenfeld", "lage", "ozg_leistung", "leika_bezeichnung",
                                               "rechtsgrundlage", "gesetze", "gesetzeskuerzel")]
    i_ozg, i_schluessel, i_typ = spalten["ozg_id"], spalten["leika_schluessel"], spalten["leika_typ"]
    i_sdg1, i_sdg2 = spalten["sdg1"], spalten["sdg2"]
    typen_gelesen: dict[Any, tuple[str, list[str], str | None]] = {}  # the same few type texts repeat
    als_datum = 0
    zuordnung_zeile: dict[tuple[str, str], int] = {}
    for nr, werte in t.zeilen:
        if nr <= kopfzeile:
            continue
        # one pass over the cells: skip empty rows, spot over-long cells and formulas
        leer, auffaellig = True, False
        for w in werte:
            if w is None:
                continue
            if w.__class__ is str:
                if len(w) > MAX_ZELLE or w[:1] == "=" and t.ist_formel(w):
                    auffaellig = True
                elif leer and w.strip():
                    leer = False
            else:
                leer = False
        if leer and not auffaellig:
            continue  # empty rows (spreadsheets often end with some)
        stand.zeilen += 1
        zeile_fehler: list[str] = []

        def fehler_bei(key: str, text: str | None) -> None:
            if text:
                zeile_fehler.append(f"{t.ort(nr, spalten[key], SPALTEN[key][0])}: {text}")

        if auffaellig:
            for i, w in enumerate(werte):
                name = next((SPALTEN[k][0] for k, s in spalten.items() if s == i), None)
                if isinstance(w, str) and len(w) > MAX_ZELLE:
                    zeile_fehler.append(f"{t.ort(nr, i, name)}: Die Zelle ist {format_zahl(len(w))} Zeichen lang; "
                                        f"Excel erlaubt höchstens {format_zahl(MAX_ZELLE)} Zeichen je Zelle.")
                elif t.ist_formel(w):
                    zeile_fehler.append(
                        f"{t.ort(nr, i, name)}: Die Zelle enthält eine Formel ({w[:60]}). Bitte die Datei mit "
                        "Werten statt Formeln speichern (Excel: Kopieren → Inhalte einfügen → Werte).")
            fehler.extend(zeile_fehler)
            if len(fehler) > MAX_FEHLER:
                break
            continue
        if len(werte) < breite:
            werte = (*werte, *([None] * (breite - len(werte))))

        ozg_id, f = _ozg_id(werte[i_ozg])
        fehler_bei("ozg_id", f)
        texte = {k: _text(werte[i]) for k, i in text_spalten}
        schluessel, f = _schluessel(werte[i_schluessel])
        fehler_bei("leika_schluessel", f)
        typ_wert = werte[i_typ]
        if typ_wert.__class__ is str and typ_wert in typen_gelesen:
            typ, unbekannt, f = typen_gelesen[typ_wert]
        else:
            typ, unbekannt, f = _typ(typ_wert)
            if typ_wert.__class__ is str:
                typen_gelesen[typ_wert] = (typ, unbekannt, f)
            elif isinstance(typ_wert, (datetime, date)):
                als_datum += 1
        fehler_bei("leika_typ", f)
        sdg1, f = _flag(werte[i_sdg1])
        fehler_bei("sdg1", f)
        sdg2, f = _flag(werte[i_sdg2])
        fehler_bei("sdg2", f)
        for key, grenze in _MAX_LAENGE.items():
            if key in texte and len(texte[key]) > grenze:
                fehler_bei(key, f"Der Text ist {len(texte[key])} Zeichen lang (höchstens {grenze}).")
        if len(typ) > _MAX_LAENGE["leika_typ"]:
            fehler_bei("leika_typ", f"Der Text ist {len(typ)} Zeichen lang (höchstens {_MAX_LAENGE['leika_typ']}).")
        if ozg_id is not None:
            if not texte["ozg_leistung"]:
                fehler_bei("ozg_leistung", f"Die Bezeichnung der OZG-Leistung {ozg_id} fehlt.")
            if not texte["themenfeld"]:
                fehler_bei("themenfeld", f"Das Themenfeld der OZG-Leistung {ozg_id} fehlt.")
        if zeile_fehler:
            fehler.extend(zeile_fehler)
            if len(fehler) > MAX_FEHLER:
                break
            continue
        if unbekannt:
            stand.warnungen.append(f"{t.ort(nr, spalten['leika_typ'], 'LeiKa-Typ')}: unbekannter Typ "
                                   f"„{', '.join(unbekannt)}“; übernommen, aber nicht für den Typ der "
                                   "OZG-Leistung berücksichtigt.")
        leika = None
        if schluessel or texte["leika_bezeichnung"]:
            leika = LeikaEintrag(schluessel, texte["leika_bezeichnung"], typ, texte["rechtsgrundlage"],
                                 texte["gesetze"], texte["gesetzeskuerzel"], sdg1, sdg2, nr)
        if ozg_id is None:
            stand.ohne_ozg_id += 1
            was = f"LeiKa-Leistung „{texte['leika_bezeichnung'] or schluessel}“" if leika else "Die Zeile"
            stand.warnungen.append(f"{t.ort(nr, spalten['ozg_id'], 'OZG-ID')}: keine OZG-ID – {was} wurde nicht "
                                   "übernommen.")
            continue
        _ozg_uebernehmen(stand, t, nr, ozg_id, texte)
        if leika is None:
            continue
        vorhanden = stand.leika.get(leika.key)
        if vorhanden is None:
            stand.leika[leika.key] = leika
        elif vorhanden != leika:
            stand.warnungen.append(
                f"{t.ort(nr)}: LeiKa-Leistung {leika.schluessel or '„' + leika.bezeichnung + '“'} steht schon in "
                f"Zeile {vorhanden.zeile} mit anderen Angaben; übernommen wurden die aus Zeile {vorhanden.zeile}.")
            leika = vorhanden
        paar = (leika.key, ozg_id)
        if paar in zuordnung_zeile:
            stand.warnungen.append(f"{t.ort(nr)}: wiederholt Zeile {zuordnung_zeile[paar]} (gleiche LeiKa-Leistung "
                                   f"unter OZG-ID {ozg_id}); nur einmal übernommen.")
            continue
        zuordnung_zeile[paar] = nr
        stand.zuordnungen.add(paar)
        for code in {c.strip() for c in leika.typ.split(",") if c.strip() in LEISTUNGSTYPEN}:
            stand.leistungen[ozg_id].typen[code] += 1
    if fehler:
        raise Katalogfehler(t.datei, fehler)
    if not stand.leistungen:
        raise Katalogfehler(t.datei, [f"{t.ort()}: Die Tabelle enthält keine einzige Zeile mit OZG-ID."])
    if als_datum:
        stand.warnungen.append(f"{t.ort()}: {als_datum} Zellen der Spalte LeiKa-Typ waren als Datum gespeichert "
                               "(Excel macht aus „2/3“ ein Datum); sie wurden als „2/3“ gelesen.")
    return stand


def _ozg_uebernehmen(stand: Katalogstand, t: Rohtabelle, nr: int, ozg_id: str, texte: dict[str, str]) -> None:
    tf_key = texte["themenfeld"].casefold()
    stand.themenfelder.setdefault(tf_key, texte["themenfeld"])
    lage = texte["lage"] or None
    if lage:
        lage_key = lage.casefold()
        bisher = stand.lagen.setdefault(lage_key, (lage, tf_key))
        if bisher[1] != tf_key:
            stand.warnungen.append(f"{t.ort(nr)}: Die Lage „{lage}“ steht hier im Themenfeld „{texte['themenfeld']}“, "
                                   f"vorher in „{stand.themenfelder[bisher[1]]}“; die erste Zuordnung gilt.")
    eintrag = stand.leistungen.get(ozg_id)
    if eintrag is None:
        stand.leistungen[ozg_id] = OzgEintrag(ozg_id, texte["ozg_leistung"], texte["themenfeld"], lage, nr)
    elif (eintrag.bezeichnung, eintrag.themenfeld.casefold(), (eintrag.lage or "").casefold()) != (
            texte["ozg_leistung"], tf_key, (lage or "").casefold()):
        stand.warnungen.append(f"{t.ort(nr)}: OZG-ID {ozg_id} steht schon in Zeile {eintrag.zeile} mit anderer "
                               "Bezeichnung, anderem Themenfeld oder anderer Lage; die Angaben aus Zeile "
                               f"{eintrag.zeile} gelten.")


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


def _ascii_treffer(werte: list[Any]) -> int:
    return sum(1 for w in werte if isinstance(w, str) and _ascii(w) in _NACH_ASCII)


def _spalten_zuordnen(t: Rohtabelle, nr: int, werte: list[Any]) -> dict[str, int]:
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
        return w.strip()
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
    """(OZG-ID or None, error text or None)."""
    if isinstance(w, float) and w.is_integer():
        w = int(w)
    text = _text(w)
    if not text:
        return None, None
    if not _OZG_ID.match(text):
        return None, f"„{text}“ ist keine gültige OZG-ID (erwartet 5 Ziffern, z. B. 10000)."
    return text, None


def _schluessel(w: Any) -> tuple[str | None, str | None]:
    if isinstance(w, float) and w.is_integer():
        w = int(w)
    text = _text(w)
    if not text or " ".join(text.split()).casefold() == NICHT_IM_LEIKA.casefold():
        return None, None
    if not _LEIKA.match(text):
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
