"""How the change log names records – „BMAS-2024-05 – Digitaler Antrag“, „Meilenstein „Pilotbetrieb“
(BMAS-2024-05)“ instead of UUIDs, also records deleted since, from their last values in the log –
and where a record opens (Qt-free, no SQLAlchemy).

How a table's records are named is declared once in :data:`BENENNUNGEN`; the same declaration
drives the filter by a record's text (:func:`ozgdesk.model.protokollnamen.datensatz_treffer`).
:class:`Namensaufloesung` resolves the names one page needs in bulk; how it reads the records and
the log is its subclass's: through the session (:mod:`ozgdesk.model.protokollnamen`) or with plain
SQL before the full store is open (:mod:`ozgdesk.model.protokollvorab`).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from ozgdesk.model import meldungsnamen
from ozgdesk.model.errors import Eingabefehler
from ozgdesk.model.protokollkatalog import LEISTUNG_FELDNAMEN, TABELLEN
from ozgdesk.model.protokolltext import AENDERN, ANLEGEN, LOESCHEN, spalten_von, tabellen_label, wert_text
from ozgdesk.model.values import Quartal, format_datum

#: marks a record that no longer exists: after its last known name, or alone if the log knows none
GELOESCHT = "(gelöscht)"


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

def kennfelder_name(tabelle: str, werte: Mapping[str, Any]) -> str:
    """A record named by its entity's ``__kennfelder__``, as every message of the write check names
    it (:func:`ozgdesk.model.meldungsnamen.kennfelder_name`, over the catalogue instead of the class)."""
    t = TABELLEN[tabelle]
    return meldungsnamen.kennfelder_name(t["label"], t["kennfelder"], werte)


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
