"""The change log as a person reads it, without SQLAlchemy: rows, labels, German values, record
names and where a record opens (Qt-free).

Why a module of its own: the Änderungsprotokoll page may be the page the window starts on, and its
first rows must show before SQLAlchemy and the mapped entities are imported (a third of a second;
:mod:`ozgdesk.model.schnellstart`). So everything that turns a raw log row into what the page shows
lives here, once, and both ways of reading the log use it:

* the full path (:mod:`ozgdesk.model.protokollansicht`, :mod:`ozgdesk.model.protokollnamen`) reads
  through the Store's session,
* the start-up path (:mod:`ozgdesk.model.protokollvorab`) reads the first page with plain SQL.

What this needs from the mapped entities – table and field labels, column order, each column's
kind (amount, date, code …), foreign keys – comes from :mod:`ozgdesk.model.protokollkatalog`, a
checked-in module generated from the entity classes (:func:`ozgdesk.model.protokollwerte.katalog_text`);
a test regenerates it and compares, so it cannot drift from them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from ozgdesk.model.errors import Eingabefehler
from ozgdesk.model.protokollkatalog import LEISTUNG_FELDNAMEN, TABELLEN
from ozgdesk.model.values import Haushaltsstelle, Komponente, Quartal, format_datum, format_euro, format_zahl

ANLEGEN = "anlegen"
AENDERN = "aendern"
LOESCHEN = "loeschen"

#: entries per page (the table fetches the next page as the user scrolls)
SEITENGROESSE = 200
#: the count stops here; above it the page says „mehr als 10.000 Einträge“
ZAEHLGRENZE = 10_000
#: a value in a record's summary (created, deleted) is cut here; the full text is in the tooltip
WERT_KURZ = 120
#: no cell carries more text than this (an Einreichung's snapshot is megabytes of JSON)
WERT_LANG = 2_000
#: how an empty value reads
LEER = "–"
#: marks a record that no longer exists: after its last known name, or alone if the log knows none
GELOESCHT = "(gelöscht)"

AKTIONEN = {ANLEGEN: "angelegt", AENDERN: "geändert", LOESCHEN: "gelöscht"}

# ------------------------------------------------------------------------------------------ sources
#: Source code (``Aenderung.quelle``, set by the session of each write path) → label and filter group.
#: Entries another device made arrive through the sync and are stored as ``abgleich`` here.
QUELLEN: dict[str, tuple[str, str]] = {
    "gui": ("Oberfläche", "gui"),
    "cli": ("Kommandozeile", "cli"),
    "abgleich": ("Abgleich", "abgleich"),
    "konfliktloesung": ("Konfliktlösung", "abgleich"),
    "geraete": ("Geräteverwaltung", "abgleich"),
    "import": ("JSON-Import", "import"),
    "katalogimport": ("Katalogimport", "import"),
    "katalogruecknahme": ("Katalog-Rücknahme", "import"),
    "zahlungsimport": ("HKR-Import", "import"),
    "einreichung": ("Einreichung", "einreichung"),
    "einrichtung": ("Einrichtung", "einrichtung"),
    "demo": ("Demo-Daten", "einrichtung"),
}
#: the filter's groups; ``ohne``: entries written before every write path named its source
#: (the store's default ``lokal``) – shown as „nicht erfasst“, never guessed
QUELLGRUPPEN: dict[str, str] = {
    "gui": "Oberfläche", "cli": "Kommandozeile", "abgleich": "Abgleich", "import": "Import",
    "einreichung": "Einreichung", "einrichtung": "Einrichtung", "ohne": "nicht erfasst (ältere Einträge)",
}
QUELLE_NICHT_ERFASST = "nicht erfasst"


def quelle_label(code: str | None) -> str:
    eintrag = QUELLEN.get(code or "")
    return eintrag[0] if eintrag else QUELLE_NICHT_ERFASST


# ------------------------------------------------------------------------------------------- labels
def tabellen_label(tabelle: str) -> str:
    t = TABELLEN.get(tabelle)
    return t["label"] if t is not None else tabelle


def feld_label(tabelle: str, feld: str) -> str:
    """A column's German label from its entity's ``__feldnamen__`` (the key itself if it has none –
    which the label test forbids for every logged column)."""
    t = TABELLEN.get(tabelle)
    return t["feldnamen"].get(feld, feld) if t is not None else feld


def spalten_von(tabelle: str) -> tuple[str, ...]:
    """The table's columns in the entity's order; empty for a table the log does not know."""
    t = TABELLEN.get(tabelle)
    return tuple(t["spalten"]) if t is not None else ()


def verweis_tabelle(tabelle: str, feld: str) -> str | None:
    """The table a foreign-key column refers to (``projekt.behoerde_id`` → ``behoerde``)."""
    t = TABELLEN.get(tabelle)
    sp = t["spalten"].get(feld) if t is not None else None
    return sp[1] if sp is not None else None


def spalten_art(tabelle: str, feld: str) -> str | None:
    """How a column's values read (``euro``, ``datum``, ``code`` …); None if there is no such column."""
    t = TABELLEN.get(tabelle)
    sp = t["spalten"].get(feld) if t is not None else None
    return sp[0] if sp is not None else None


# ------------------------------------------------------------------------------------------- values
def einzeilig(text: str, laenge: int = 200) -> str:
    """A text for one table cell: lines joined with „; “, cut at ``laenge`` characters with „…“."""
    zeilen = [z.strip() for z in text.splitlines() if z.strip()]
    eine = "; ".join(zeilen)
    return eine if len(eine) <= laenge else eine[:laenge - 1].rstrip() + "…"


def _dezimal(d: Decimal) -> str:
    text = format(d, "f")
    negativ = text.startswith("-")
    ganz, _, rest = text.lstrip("-").partition(".")
    return ("-" if negativ else "") + format_zahl(int(ganz or "0")) + ("," + rest if rest else "")


def zeit_text(t: datetime) -> str:
    """A log time in the reader's time zone: ``07.12.2026 14:05``."""
    lokal = (t if t.tzinfo else t.replace(tzinfo=UTC)).astimezone()
    return f"{format_datum(lokal.date())} {lokal:%H:%M}"


def _komponenten(wert: Any) -> str:
    labels = []
    for code in str(wert).split(","):
        if code.strip():
            try:
                labels.append(Komponente.parse(code).label)
            except Eingabefehler:
                labels.append(code.strip())
    return ", ".join(labels) or LEER


def _code_label(codes: tuple[tuple[str, str], ...], wert: Any) -> str:
    """``DeutschesEnum.parse(wert).label`` over the code list kept in the catalogue."""
    s = str(wert).strip()
    for code, label in codes:
        if s == code or s.casefold() == label.casefold():
            return label
    raise Eingabefehler(f"„{s}“ ist nicht erlaubt.")


#: columns whose plain type does not say how they read
_BESONDERE: dict[tuple[str, str], Callable[[Any], str]] = {("projekt", "komponenten"): _komponenten}

Namen = Callable[[str, str], str]


def wert_text(tabelle: str, feld: str, wert: Any, namen: Namen | None = None) -> str:
    """A logged value (its JSON encoding) as the GUI shows values: ``12,50 €``, ``grün``,
    ``31.12.2026``, ``ja``, ``Q3/2026``, the referenced record's name (``namen(tabelle, id)``).

    A value the column's type cannot read (a newer version's code, a damaged entry) is shown as it
    is stored rather than hidden."""
    if wert is None or wert == "":
        return LEER
    t = TABELLEN.get(tabelle)
    sp = t["spalten"].get(feld) if t is not None else None
    if sp is None:
        return roh(wert)
    art, ziel, codes = sp
    if ziel is not None:
        return namen(ziel, str(wert)) if namen is not None else str(wert)
    besonders = _BESONDERE.get((tabelle, feld))
    if besonders is not None:
        return besonders(wert)
    try:
        if art == "bool":
            return "ja" if wert else "nein"
        if art == "code":
            return _code_label(codes, wert)
        if art == "euro":  # every BigInteger column is an amount in cents
            return format_euro(_ganz(wert))
        if art == "ganz":
            n = _ganz(wert)
            return format_zahl(n) if abs(n) >= 10_000 else str(n)  # years, versions, levels: no dot
        if art == "dezimal":
            return _dezimal(Decimal(str(wert)))
        if art == "zeit":
            return zeit_text(datetime.fromisoformat(str(wert)))
        if art == "datum":
            return format_datum(date.fromisoformat(str(wert)))
        if art == "quartal":
            return Quartal.parse(wert).kurz
        if art == "haushaltsstelle":
            return str(Haushaltsstelle.parse(wert))
    except (ValueError, TypeError, InvalidOperation, Eingabefehler):
        return roh(wert)
    return str(wert)[:WERT_LANG]


def _ganz(wert: Any) -> int:
    if isinstance(wert, bool) or not isinstance(wert, (int, str)):
        raise TypeError("keine ganze Zahl")
    return int(wert)


def roh(wert: Any) -> str:
    if isinstance(wert, str):
        return wert[:WERT_LANG]
    if isinstance(wert, bool):
        return "ja" if wert else "nein"
    return json.dumps(wert, ensure_ascii=False)[:WERT_LANG]


# ------------------------------------------------------------------------------------- record names
@dataclass(frozen=True)
class Benennung:
    """How a table's records are named.

    ``spalten``: columns read for the name and the open target; ``eltern``: foreign keys whose
    record is named too (``(spalte, tabelle)``), their text is handed to ``name`` by column;
    ``name``: the record column („Meilenstein „Pilot“ (BMAS-2024-05)“); ``kurz``: how the record is
    named inside a child's name (default: ``name``); ``suche``: own text columns
    the record filter matches (a child also matches through its parents)."""

    spalten: tuple[str, ...]
    name: Callable[[Mapping[str, Any], Mapping[str, str]], str]
    eltern: tuple[tuple[str, str], ...] = ()
    kurz: Callable[[Mapping[str, Any], Mapping[str, str]], str] | None = None
    suche: tuple[str, ...] = ()
    #: the record as a value of another's field (``meilenstein.arbeitspaket_id``); default: ``name``
    als_wert: Callable[[Mapping[str, Any], Mapping[str, str]], str] | None = None


def _t(werte: Mapping[str, Any], feld: str) -> str:
    w = werte.get(feld)
    return "" if w is None else str(w).strip()


def _d(werte: Mapping[str, Any], feld: str) -> str:
    try:
        return format_datum(date.fromisoformat(_t(werte, feld)))
    except ValueError:
        return _t(werte, feld)


def _q(werte: Mapping[str, Any], feld: str) -> str:
    try:
        return Quartal.parse(_t(werte, feld)).kurz
    except (ValueError, Eingabefehler):
        return _t(werte, feld)


def _mit(text: str, projekt: str) -> str:
    return f"{text} ({projekt})" if projekt else text


def _name_mit_kurz(werte: Mapping[str, Any]) -> str:
    name, kurz = _t(werte, "name"), _t(werte, "kurzname")
    return f"{name} ({kurz})" if name and kurz and kurz != name else name or kurz


def _kostenart(werte: Mapping[str, Any]) -> str:
    return wert_text("zahlungsplan_position", "kostenart", werte.get("kostenart"))


#: the usual parents: a project, an OZG-Leistung
P = (("projekt_id", "projekt"),)
L = (("leistung_id", "leistung"),)

BENENNUNGEN: dict[str, Benennung] = {
    "projekt": Benennung(("kennung", "titel"), lambda w, _e: " – ".join(x for x in (_t(w, "kennung"), _t(w, "titel")) if x),
                         kurz=lambda w, _e: _t(w, "kennung"), suche=("kennung", "titel")),
    "meilenstein": Benennung(("titel", "projekt_id"), lambda w, e: _mit(f"Meilenstein „{_t(w, 'titel')}“", e["projekt_id"]),
                             eltern=P, suche=("titel",)),
    "arbeitspaket": Benennung(("nummer", "titel", "projekt_id"),
                              lambda w, e: _mit(f"Arbeitspaket {_t(w, 'nummer')} „{_t(w, 'titel')}“", e["projekt_id"]),
                              eltern=P, suche=("titel",), als_wert=lambda w, _e: f"{_t(w, 'nummer')} „{_t(w, 'titel')}“"),
    "meilenstein_verschiebung": Benennung(
        ("nummer", "meilenstein_id"), lambda w, e: f"Verschiebung {_t(w, 'nummer')} von {e['meilenstein_id']}".strip(),
        eltern=(("meilenstein_id", "meilenstein"),)),
    "zahlungsplan": Benennung(("version", "projekt_id"),
                              lambda w, e: _mit(f"Zahlungsplan Version {_t(w, 'version')}", e["projekt_id"]),
                              kurz=lambda w, e: ", ".join(x for x in (e["projekt_id"], f"Version {_t(w, 'version')}") if x),
                              eltern=P),
    "zahlungsplan_position": Benennung(
        ("quartal", "haushaltsstelle", "kostenart", "zahlungsplan_id"),
        lambda w, e: _mit(f"Zahlungsplan-Position {_q(w, 'quartal')}, {_t(w, 'haushaltsstelle')}, {_kostenart(w)}",
                          e["zahlungsplan_id"]),
        eltern=(("zahlungsplan_id", "zahlungsplan"),)),
    "mittelabfluss": Benennung(
        ("referenz", "datum", "projekt_id"),
        lambda w, e: _mit(" ".join(x for x in ("Mittelabfluss", _t(w, "referenz"), f"vom {_d(w, 'datum')}") if x),
                          e["projekt_id"]),
        eltern=P, suche=("referenz",)),
    "bewilligung": Benennung(("jahr", "projekt_id"), lambda w, e: _mit(f"Bewilligung {_t(w, 'jahr')}", e["projekt_id"]),
                             eltern=P),
    "aufwand": Benennung(("quartal", "leistungsart", "projekt_id"),
                         lambda w, e: _mit(f"Aufwand {_q(w, 'quartal')} – {_t(w, 'leistungsart')}", e["projekt_id"]),
                         eltern=P),
    "projekt_leistung": Benennung(("projekt_id", "leistung_id"),
                                  lambda _w, e: f"OZG-Leistung {e['leistung_id']} im Projekt {e['projekt_id']}",
                                  eltern=P + L),
    "leistung": Benennung(("ozg_id", "bezeichnung"),
                          lambda w, _e: " – ".join(x for x in (_t(w, "ozg_id"), _t(w, "bezeichnung")) if x),
                          kurz=lambda w, _e: _t(w, "ozg_id"), suche=("ozg_id", "bezeichnung")),
    "reifegrad_bewertung": Benennung(("datum", "leistung_id"),
                                     lambda w, e: f"Reifegrad-Bewertung vom {_d(w, 'datum')} ({e['leistung_id']})",
                                     eltern=L),
    "leistung_verantwortung": Benennung(("leistung_id", "person_id"),
                                        lambda _w, e: f"Verantwortung von {e['person_id']} für {e['leistung_id']}",
                                        eltern=L + (("person_id", "person"),)),
    "behoerde": Benennung(("name", "kurzname"), lambda w, _e: _name_mit_kurz(w), suche=("name", "kurzname")),
    "person": Benennung(("name",), lambda w, _e: _t(w, "name"), suche=("name",)),
    "ressort": Benennung(("name", "kurzname"), lambda w, _e: _name_mit_kurz(w), suche=("name", "kurzname")),
    "stellungnahme": Benennung(("zeitraum", "datensatz"),
                               lambda w, _e: f"Stellungnahme {_t(w, 'zeitraum')} zu „{_t(w, 'datensatz')}“",
                               suche=("datensatz",)),
    "aenderungsanforderung": Benennung(("kennung", "betreff"),
                                       lambda w, _e: f"Änderungsanforderung {_t(w, 'kennung')} „{_t(w, 'betreff')}“",
                                       suche=("kennung", "betreff")),
    "katalogimport": Benennung(("datei", "zeitpunkt"), lambda w, _e: f"Katalogimport „{_t(w, 'datei')}“"),
    "einreichung": Benennung(("zeitraum", "version"),
                             lambda w, _e: f"Einreichung {_t(w, 'zeitraum')}, Version {_t(w, 'version')}"),
}

# what ``ozgdesk.model.base.datensatz_name`` does, over the catalogue instead of the class (the
# tests compare both for every table the log names this way)
_VERBOTEN = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff\ufdd0-\ufdef\ufffe\uffff"
                       "\ud800-\udfff]")


def _kurz(text: str, n: int = 40) -> str:
    zeigen = "".join(f"U+{ord(c):04X}" if _VERBOTEN.match(c) else c for c in text[:n])
    return zeigen + ("…" if len(text) > n else "")


def _zahl(n: int) -> str:
    if n.bit_length() > 100:
        return f"eine Zahl mit rund {int(n.bit_length() * 0.30103)} Stellen"
    return format_zahl(n)


def kennfelder_name(tabelle: str, werte: Mapping[str, Any]) -> str:
    """A record named by its entity's ``__kennfelder__``, as every message of the write check names it."""
    t = TABELLEN[tabelle]
    label = t["label"]
    for key in t["kennfelder"]:
        wert = werte.get(key)
        if isinstance(wert, str) and wert.strip():
            return f"{label} „{_kurz(wert.strip())}“"
        if isinstance(wert, int) and not isinstance(wert, bool):
            return f"{label} {_zahl(wert)}"
        if wert is not None and not isinstance(wert, str):
            if isinstance(wert, (bool, int, str)):
                return f"{label} {_kurz(str(wert))}"
            continue  # no JSON encoding: the next field
    rid = werte.get("id")
    return f"{label} {rid[:8]}" if isinstance(rid, str) and rid else label


def benennung(tabelle: str) -> Benennung:
    """The declared naming, else the entity's ``__kennfelder__`` as in every message of the write check."""
    b = BENENNUNGEN.get(tabelle)
    if b is not None:
        return b
    t = TABELLEN.get(tabelle)
    if t is None:
        return Benennung((), lambda _w, _e: tabelle)
    return Benennung(tuple(t["kennfelder"]), lambda w, _e: kennfelder_name(tabelle, w))


#: extra columns the open target needs (:func:`ziel`)
_ZIELSPALTEN = {"projekt_leistung": ("projekt_id",), "meilenstein_verschiebung": ("meilenstein_id",),
                "bewilligung": ("jahr",), "aufwand": ("quartal",), "zahlungsplan_position": ("quartal",)}

#: one log entry as the names are replayed from it: (tabelle, datensatz_id, aktion, feld, alt, neu)
Logzeile = tuple[str, str, str, "str | None", "str | None", "str | None"]


class Namensaufloesung:
    """Names of the records one page mentions, read in bulk.

    :meth:`anfordern` collects ``(tabelle, id)``; :meth:`aufloesen` reads them level by level – one
    query per table for the records that exist, one query of the log for those deleted since –
    and asks for their parents as it goes. Then :meth:`name`, :meth:`kurz` and :meth:`werte`
    answer from memory. How the records and the log are read is the subclass's
    (:meth:`_datensaetze_lesen`, :meth:`_protokoll_lesen`): through the session or plain SQL."""

    def __init__(self) -> None:
        self._offen: dict[str, set[str]] = {}
        self._werte: dict[tuple[str, str], dict[str, Any]] = {}
        self._vorhanden: set[tuple[str, str]] = set()
        self._unbekannt: set[tuple[str, str]] = set()
        #: queries run (the tests hold the bulk promise to this)
        self.abfragen = 0

    # ------------------------------------------------------------------ reading (the subclass's)
    def _datensaetze_lesen(self, tabelle: str, spalten: list[str], ids: list[str]) -> Iterable[tuple[Any, ...]]:
        """Rows (id, *spalten) of the records among ``ids`` that exist, values as JSON values."""
        raise NotImplementedError

    def _protokoll_lesen(self, ids: list[str]) -> Iterable[Logzeile]:
        """The log entries of the records ``ids``, oldest first."""
        raise NotImplementedError

    # ------------------------------------------------------------------ resolving
    def anfordern(self, tabelle: str, id_: Any) -> None:
        if isinstance(id_, str) and id_ and (tabelle, id_) not in self._werte and (tabelle, id_) not in self._unbekannt:
            self._offen.setdefault(tabelle, set()).add(id_)

    def aufloesen(self) -> None:
        for _stufe in range(5):  # parents of parents: three levels are the deepest (position → plan → project)
            offen, self._offen = self._offen, {}
            if not offen:
                return
            fehlend: dict[str, set[str]] = {}
            for tabelle, ids in offen.items():
                gefunden = self._lesen(tabelle, ids)
                fehlend_hier = ids - gefunden
                if fehlend_hier:
                    fehlend[tabelle] = fehlend_hier
            if fehlend:
                self._aus_dem_protokoll(fehlend)
            for tabelle, ids in offen.items():
                for id_ in ids:
                    werte = self._werte.get((tabelle, id_))
                    if werte is None:
                        continue
                    for spalte, eltern in benennung(tabelle).eltern:
                        self.anfordern(eltern, werte.get(spalte))

    def _spalten(self, tabelle: str) -> list[str]:
        b = benennung(tabelle)
        vorhanden = spalten_von(tabelle)
        gewollt = dict.fromkeys((*b.spalten, *(s for s, _t in b.eltern), *_ZIELSPALTEN.get(tabelle, ())))
        return [s for s in gewollt if s in vorhanden]

    def _lesen(self, tabelle: str, ids: set[str]) -> set[str]:
        """The existing records among ``ids`` (one query per 500 ids)."""
        if tabelle not in TABELLEN:
            self._unbekannt.update((tabelle, i) for i in ids)
            return set()
        spalten = self._spalten(tabelle)
        gefunden: set[str] = set()
        liste = sorted(ids)
        for i in range(0, len(liste), 500):
            self.abfragen += 1
            for zeile in self._datensaetze_lesen(tabelle, spalten, liste[i:i + 500]):
                id_ = zeile[0]
                self._werte[(tabelle, id_)] = dict(zip(spalten, zeile[1:], strict=True))
                self._vorhanden.add((tabelle, id_))
                gefunden.add(id_)
        return gefunden

    def _aus_dem_protokoll(self, fehlend: Mapping[str, set[str]]) -> None:
        """Records deleted since: their last known values, replayed from their own log entries
        (created → its fields, changed → one field, deleted → all fields as they were)."""
        paare = {(t, i) for t, ids in fehlend.items() for i in ids}
        ids = sorted({i for _t, i in paare})
        stand: dict[tuple[str, str], dict[str, Any]] = {}
        for i in range(0, len(ids), 500):
            self.abfragen += 1
            for tabelle, id_, aktion, feld, alt, neu in self._protokoll_lesen(ids[i:i + 500]):
                if (tabelle, id_) not in paare:
                    continue
                werte = stand.setdefault((tabelle, id_), {})
                try:
                    if aktion == ANLEGEN and neu:
                        werte.update(_dict(json.loads(neu)))
                    elif aktion == LOESCHEN and alt:
                        werte.update(_dict(json.loads(alt)))
                    elif aktion == AENDERN and feld and neu is not None:
                        werte[feld] = json.loads(neu)
                except ValueError:
                    continue  # a damaged entry names nothing; the others still may
        for paar in paare:
            if stand.get(paar):
                self._werte[paar] = stand[paar]
            else:
                self._unbekannt.add(paar)

    # ------------------------------------------------------------------ answers
    def vorhanden(self, tabelle: str, id_: str) -> bool:
        return (tabelle, id_) in self._vorhanden

    def werte(self, tabelle: str, id_: str) -> Mapping[str, Any]:
        return self._werte.get((tabelle, id_), {})

    def _eltern(self, tabelle: str, werte: Mapping[str, Any]) -> dict[str, str]:
        return {spalte: self.kurz(eltern, str(werte[spalte])) if werte.get(spalte) else ""
                for spalte, eltern in benennung(tabelle).eltern}

    def name(self, tabelle: str, id_: str) -> str:
        """The record column: its name, „(gelöscht)“ added if it no longer exists."""
        werte = self._werte.get((tabelle, id_))
        if werte is None:
            return f"{tabellen_label(tabelle)} {GELOESCHT}"
        text = benennung(tabelle).name(werte, self._eltern(tabelle, werte)) or tabellen_label(tabelle)
        return text if (tabelle, id_) in self._vorhanden else f"{text} {GELOESCHT}"

    def kurz(self, tabelle: str, id_: str) -> str:
        """The record named inside a child's name; „(gelöscht)“ if nothing is known."""
        werte = self._werte.get((tabelle, id_))
        if werte is None:
            return GELOESCHT
        b = benennung(tabelle)
        text = (b.kurz or b.name)(werte, self._eltern(tabelle, werte))
        return text or GELOESCHT

    def wert(self, tabelle: str, id_: str) -> str:
        """A reference shown as a value (``projekt.behoerde_id``): its name, marked if deleted since."""
        werte = self._werte.get((tabelle, id_))
        if werte is None:
            return GELOESCHT
        b = benennung(tabelle)
        text = (b.als_wert or b.name)(werte, self._eltern(tabelle, werte)) or GELOESCHT
        return text if (tabelle, id_) in self._vorhanden else f"{text} {GELOESCHT}"


def _dict(wert: Any) -> dict[str, Any]:
    return wert if isinstance(wert, dict) else {}


# --------------------------------------------------------------------------------------- open target
@dataclass(frozen=True)
class Ziel:
    """Where a row's record opens: the arguments of ``Hauptfenster.datensatz_oeffnen``.

    ``art`` ``projekt``/``meilenstein``/``leistung``/``behoerde``/``person``/``ressort``; ``feld``:
    the editor's target (a project column, ``meilensteine``, ``bewilligung:2026`` …, for a Leistung
    a field name of ``leistungen setzen``)."""

    art: str
    id: str
    projekt_id: str = ""
    feld: str = ""


_PROJEKT_KINDER = {"arbeitspaket": "arbeitspakete", "projekt_leistung": "leistungen", "zahlungsplan": "zahlungsplan",
                   "mittelabfluss": "mittelabfluss", "bewilligung": "bewilligung", "aufwand": "aufwand"}


def ziel(tabelle: str, id_: str, feld: str | None, n: Namensaufloesung) -> Ziel | None:
    """The open target of an existing record; None for one deleted since or without a view."""
    if not n.vorhanden(tabelle, id_):
        return None
    w = n.werte(tabelle, id_)
    if tabelle == "projekt":
        return Ziel("projekt", id_, id_, feld or "")
    if tabelle == "meilenstein":
        return Ziel("meilenstein", id_, _t(w, "projekt_id"))
    if tabelle == "meilenstein_verschiebung":
        mid = _t(w, "meilenstein_id")
        return Ziel("meilenstein", mid, _t(n.werte("meilenstein", mid), "projekt_id")) if mid else None
    if tabelle in _PROJEKT_KINDER:
        ziel = _PROJEKT_KINDER[tabelle]
        if tabelle == "bewilligung":
            ziel = f"bewilligung:{_t(w, 'jahr')}"
        elif tabelle == "aufwand":
            ziel = f"aufwand:{_t(w, 'quartal')}"
        return Ziel("projekt", _t(w, "projekt_id"), _t(w, "projekt_id"), ziel)
    if tabelle == "zahlungsplan_position":
        pid = _t(n.werte("zahlungsplan", _t(w, "zahlungsplan_id")), "projekt_id")
        return Ziel("projekt", pid, pid, f"zahlungsplan:{_t(w, 'quartal')}") if pid else None
    if tabelle == "leistung":
        return Ziel("leistung", id_, "", LEISTUNG_FELDNAMEN.get(feld or "", ""))
    if tabelle in ("reifegrad_bewertung", "leistung_verantwortung"):
        lid = _t(w, "leistung_id")
        return Ziel("leistung", lid, "", "reifegrad" if tabelle == "reifegrad_bewertung" else "projektleiter")
    if tabelle in ("behoerde", "person", "ressort"):
        return Ziel(tabelle, id_)
    return None


# ------------------------------------------------------------------------------------------- rows
@dataclass(frozen=True)
class Protokollzeile:
    """One log entry as the page shows it. ``alt``/``neu``: full texts (a created or deleted
    record's fields one per line); the table shows them on one line (:func:`einzeilig`)."""

    id: str
    zeitpunkt: datetime
    seq: int
    benutzer: str
    quelle: str
    art: str
    aktion: str
    datensatz: str
    feld: str
    alt: str
    neu: str
    ziel: Ziel | None
    tabelle: str = ""
    datensatz_id: str = ""

    @property
    def zeit(self) -> str:
        return zeit_text(self.zeitpunkt)


@dataclass(frozen=True)
class Protokollfilter:
    """What the reader narrowed the log to; empty fields filter nothing.

    ``datensatz``: text in a record's name (Kennung, title, OZG-ID, name …; a child matches through
    its project or Leistung, a deleted record through its last values); ``person``: the name the
    entry was recorded under; ``von``/``bis``: days in the reader's time zone, both included;
    ``quelle``: a key of :data:`QUELLGRUPPEN`; ``tabelle``, ``aktion``: codes."""

    datensatz: str = ""
    person: str = ""
    von: date | None = None
    bis: date | None = None
    quelle: str = ""
    tabelle: str = ""
    aktion: str = ""
    aelteste_zuerst: bool = False


@dataclass(frozen=True)
class Protokollseite:
    zeilen: list[Protokollzeile]
    #: entries the filter matches, counted up to :data:`ZAEHLGRENZE` (None: not counted, a next page)
    anzahl: int | None = None
    #: True: there are more than ``anzahl``
    mindestens: bool = False


@dataclass(frozen=True)
class Filteroptionen:
    personen: list[str]
    quellen: list[tuple[str, str]] = field(default_factory=lambda: list(QUELLGRUPPEN.items()))
    arten: list[tuple[str, str]] = field(default_factory=list)
    aktionen: list[tuple[str, str]] = field(default_factory=lambda: list(AKTIONEN.items()))


def _json(text: str | None) -> Any:
    if text is None:
        return None
    try:
        return json.loads(text)
    except ValueError:
        return text  # shown as stored


def zeilen_lesbar(n: Namensaufloesung, roh: Iterable[Any]) -> list[Protokollzeile]:
    """Raw log rows (id, zeitpunkt, seq, benutzer, quelle, tabelle, datensatz_id, aktion, feld,
    alt, neu; ``zeitpunkt`` a datetime) → readable rows; every record and reference they mention is
    named in one bulk pass of ``n``."""
    eintraege = [(r, _json(r[9]), _json(r[10])) for r in roh]
    for r, alt, neu in eintraege:
        tabelle, rid, feld = r[5], r[6], r[8]
        n.anfordern(tabelle, rid)
        if feld:
            ziel = verweis_tabelle(tabelle, feld) if tabelle in TABELLEN else None
            if ziel:
                n.anfordern(ziel, alt)
                n.anfordern(ziel, neu)
        else:
            for werte in (alt, neu):
                if isinstance(werte, dict) and tabelle in TABELLEN:
                    for k, v in werte.items():
                        ziel = verweis_tabelle(tabelle, k)
                        if ziel:
                            n.anfordern(ziel, v)
    n.aufloesen()
    return [_zeile(r, alt, neu, n) for r, alt, neu in eintraege]


def _zusammenfassung(tabelle: str, werte: Any, n: Namensaufloesung) -> str:
    """A created or deleted record's fields, one per line, in the entity's column order; empty
    fields and the parents the record column names already are left out."""
    if not isinstance(werte, dict):
        return roh(werte) if werte is not None else ""
    reihenfolge = list(spalten_von(tabelle)) if tabelle in TABELLEN else sorted(werte)
    auslassen = {"id", *(s for s, _t in benennung(tabelle).eltern)}
    zeilen = []
    for k in reihenfolge:
        v = werte.get(k)
        if k in auslassen or v is None or v == "":
            continue
        zeilen.append(f"{feld_label(tabelle, k)}: {einzeilig(wert_text(tabelle, k, v, n.wert), WERT_KURZ)}")
    return "\n".join(zeilen)


def _zeile(r: Any, alt: Any, neu: Any, n: Namensaufloesung) -> Protokollzeile:
    id_, zeitpunkt, seq, benutzer, quelle, tabelle, rid, aktion, feld = r[:9]
    if feld:
        alt_text = wert_text(tabelle, feld, alt, n.wert) if aktion == AENDERN else ""
        neu_text = wert_text(tabelle, feld, neu, n.wert)
    else:
        alt_text, neu_text = _zusammenfassung(tabelle, alt, n), _zusammenfassung(tabelle, neu, n)
    return Protokollzeile(
        id=id_, zeitpunkt=zeitpunkt, seq=seq, benutzer=benutzer, quelle=quelle_label(quelle),
        art=tabellen_label(tabelle), aktion=AKTIONEN.get(aktion, aktion), datensatz=n.name(tabelle, rid),
        feld=feld_label(tabelle, feld) if feld else "", alt=alt_text, neu=neu_text,
        ziel=ziel(tabelle, rid, feld, n), tabelle=tabelle, datensatz_id=rid)
