"""What an export would change in the store's catalogue – computed before anything is written.

The result, :class:`Katalogdiff`, is both what the user reviews (added, removed, renamed and moved
OZG-Leistungen, LeiKa counts, warnings) and the exact plan :mod:`.anwenden` executes, so what was
shown is what gets applied. Applying recomputes the diff inside its own write transaction; nothing
can slip in between.

Only catalogue fields are compared (names, Themenfeld, Lage, Typ, LeiKa). The Ressort's own facts
(scope, Behörde, priority, dates, notes, responsibilities, Reifegrad history, projects) are not
part of the catalogue and never appear here.

A value the reader could not take from the file (a bad cell, see :mod:`.zeilen`) is None in the
Katalogstand; here that means "keep what the store has", never "erase". An OZG-Leistung that is new
and has no usable name or Themenfeld in any row cannot be created and is listed in ``nicht_angelegt``.
"""

from __future__ import annotations

import hashlib
import operator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Table, func, select
from sqlalchemy.orm import Session

from ozgdesk.model.base import OZGDESK_NS, Base
from ozgdesk.model.grunddaten import lage_id, leistung_id, themenfeld_id
from ozgdesk.model.katalog import Lage, LeikaLeistung, LeikaZuordnung, Leistung, Themenfeld
from ozgdesk.model.katalogimport.zeilen import Hinweis, Katalogstand, LeikaEintrag, leika_key
from ozgdesk.model.values import Lagenart

_NS = OZGDESK_NS.bytes
#: hex digit of a hash byte's high nibble -> that nibble as the UUID variant (10xx): 8, 9, a or b
_VARIANTE = {f"{n:x}": f"{(n & 0x3) | 0x8:x}" for n in range(16)}
#: LeiKa columns the export provides (compared and replaced by an import).
LEIKA_FELDER = ("bezeichnung", "typ", "rechtsgrundlage", "gesetze", "gesetzeskuerzel", "sdg1", "sdg2")
#: Ressort-owned columns of a Leistung: if any is set, a removed Leistung is flagged, not deleted.
RESSORT_FELDER = ("im_ressort", "behoerde_id", "prioritaet", "geplant_online", "ziel_reifegrad", "bemerkung")


def schnelle_abgeleitete_id(art: str, schluessel: str) -> str:
    """Exactly :func:`~ozgdesk.model.base.abgeleitete_id` (UUID version 5), computed without building a
    UUID object: a first import derives some 10,000 ids, and this is several times faster (tested equal)."""
    # the hash's hex text with the version digit set to 5 and the variant digit to 8–b, as uuid5 sets those bits
    x = hashlib.sha1(_NS + f"{art}:{schluessel}".encode()).hexdigest()
    return f"{x[:8]}-{x[8:12]}-5{x[13:16]}-{_VARIANTE[x[16]]}{x[17:20]}-{x[20:32]}"


def leika_id(key: str) -> str:
    """Stable id of a LeiKa-Leistung from its key (or name), the same on every device."""
    return schnelle_abgeleitete_id("leika", key)


def zuordnung_id(leika: str, leistung: str) -> str:
    return schnelle_abgeleitete_id("leika-zuordnung", f"{leika}:{leistung}")


@dataclass(frozen=True)
class Umbenennung:
    ozg_id: str
    alt: str
    neu: str


@dataclass(frozen=True)
class Verschiebung:
    """A catalogue field of an OZG-Leistung that changed: Themenfeld, Lage or Typ (names, not ids)."""

    ozg_id: str
    feld: str
    alt: str | None
    neu: str | None


@dataclass
class Katalogdiff:
    stand: Katalogstand
    neu: list[str] = field(default_factory=list)
    wieder_aufgenommen: list[str] = field(default_factory=list)
    entfernt: list[str] = field(default_factory=list)
    #: removed ones that keep Ressort data and are only flagged „nicht mehr im Katalog“
    markiert: list[str] = field(default_factory=list)
    umbenannt: list[Umbenennung] = field(default_factory=list)
    geaendert: list[Verschiebung] = field(default_factory=list)
    leika_neu: list[str] = field(default_factory=list)
    leika_entfernt: list[str] = field(default_factory=list)
    leika_geaendert: list[str] = field(default_factory=list)
    themenfelder_neu: list[str] = field(default_factory=list)
    themenfelder_entfernt: list[str] = field(default_factory=list)
    lagen_neu: list[str] = field(default_factory=list)
    lagen_entfernt: list[str] = field(default_factory=list)
    lagen_verschoben: list[str] = field(default_factory=list)
    warnungen: list[Hinweis] = field(default_factory=list)
    #: new OZG-IDs that could not be created: no row gave a usable name or Themenfeld
    nicht_angelegt: list[str] = field(default_factory=list)
    #: names of the OZG-Leistungen involved (new, renamed, removed), for people reading the diff
    namen: dict[str, str] = field(default_factory=dict)
    # ------------------------------------------------------------- the plan (ids and values)
    plan_themenfelder: list[dict[str, Any]] = field(default_factory=list)
    plan_lagen_neu: list[dict[str, Any]] = field(default_factory=list)
    plan_lagen_themenfeld: dict[str, str] = field(default_factory=dict)  # lage id → themenfeld id
    plan_leistungen_neu: list[dict[str, Any]] = field(default_factory=list)
    plan_leistungen_aendern: dict[str, dict[str, Any]] = field(default_factory=dict)  # id → fields
    plan_leistungen_loeschen: list[str] = field(default_factory=list)
    plan_leistungen_markieren: list[str] = field(default_factory=list)
    plan_leika_neu: list[dict[str, Any]] = field(default_factory=list)
    plan_leika_aendern: dict[str, dict[str, Any]] = field(default_factory=dict)
    plan_leika_loeschen: list[str] = field(default_factory=list)
    plan_zuordnungen_neu: list[dict[str, Any]] = field(default_factory=list)
    plan_zuordnungen_loeschen: list[str] = field(default_factory=list)
    plan_lagen_loeschen: list[str] = field(default_factory=list)
    plan_themenfelder_loeschen: list[str] = field(default_factory=list)
    # ------------------------------------------------------------- the catalogue afterwards
    zahlen_nachher: dict[str, int] = field(default_factory=dict)

    @property
    def leer(self) -> bool:
        """True when applying would not change a single record."""
        return not any((
            self.plan_themenfelder, self.plan_lagen_neu, self.plan_lagen_themenfeld, self.plan_leistungen_neu,
            self.plan_leistungen_aendern, self.plan_leistungen_loeschen, self.plan_leistungen_markieren,
            self.plan_leika_neu, self.plan_leika_aendern, self.plan_leika_loeschen, self.plan_zuordnungen_neu,
            self.plan_zuordnungen_loeschen, self.plan_lagen_loeschen, self.plan_themenfelder_loeschen,
        ))

    def als_json(self) -> dict[str, Any]:
        """The CLI's ``--json`` shape; the first six keys are the documented interface."""
        return {
            "added": self.neu,
            "removed": self.entfernt,
            "renamed": sorted({u.ozg_id for u in self.umbenannt}),
            "changed": sorted({v.ozg_id for v in self.geaendert}),
            "leika": {"added": len(self.leika_neu), "removed": len(self.leika_entfernt),
                      "changed": len(self.leika_geaendert)},
            "warnings": [h.als_json() for h in self.warnungen],
            "unchanged": self.leer,
            "flagged": self.markiert,
            "readded": self.wieder_aufgenommen,
            "not_created": self.nicht_angelegt,
            "names": {o: self.namen[o] for o in sorted(self.namen)},
            "details": {
                "renamed": [{"ozg_id": u.ozg_id, "alt": u.alt, "neu": u.neu} for u in self.umbenannt],
                "changed": [{"ozg_id": v.ozg_id, "feld": v.feld, "alt": v.alt, "neu": v.neu} for v in self.geaendert],
                "themenfelder": {"added": self.themenfelder_neu, "removed": len(self.themenfelder_entfernt)},
                "lagen": {"added": self.lagen_neu, "removed": len(self.lagen_entfernt),
                          "moved": self.lagen_verschoben},
            },
            "file": {"name": self.stand.datei, "format": self.stand.format, "sheet": self.stand.blatt,
                     "sha256": self.stand.sha256, "rows": self.stand.zeilen, "rows_without_ozg_id": self.stand.ohne_ozg_id,
                     "rows_with_bad_values": self.stand.fehlerhafte_zeilen},
            "catalogue_after": self.zahlen_nachher,
        }


def vergleichen(s: Session, stand: Katalogstand) -> Katalogdiff:
    """The difference between ``stand`` and the store's catalogue, with the plan to apply it."""
    d = Katalogdiff(stand=stand, warnungen=list(stand.warnungen))
    tf_ids = _themenfelder(s, stand, d)
    lagen_ids = _lagen(s, stand, d, tf_ids)
    leistung_ids, bleibende = _leistungen(s, stand, d, tf_ids, lagen_ids)
    _leika(s, stand, d, leistung_ids)
    _aufraeumen(s, stand, d, bleibende)
    d.zahlen_nachher = {
        "themenfelder": _anzahl(s, Themenfeld) + len(d.plan_themenfelder) - len(d.plan_themenfelder_loeschen),
        "lagen": _anzahl(s, Lage) + len(d.plan_lagen_neu) - len(d.plan_lagen_loeschen),
        "ozg_leistungen": len(stand.leistungen) - len(d.nicht_angelegt),
        "nicht_mehr_im_katalog": _anzahl(s, Leistung, Leistung.im_katalog.is_(False))
                                 + len(d.plan_leistungen_markieren) - len(d.wieder_aufgenommen),
        "leika_leistungen": len(stand.leika),
    }
    return d


def _anzahl(s: Session, cls: type[Base], *bed: Any) -> int:
    return s.execute(select(func.count(cls.id)).where(*bed)).scalar_one()


def _themenfelder(s: Session, stand: Katalogstand, d: Katalogdiff) -> dict[str, str]:
    """casefold name → id, adding new Themenfelder to the plan (numbered after the highest)."""
    vorhanden = {name.casefold(): (tid, nummer) for tid, nummer, name in
                 s.execute(select(Themenfeld.id, Themenfeld.nummer, Themenfeld.name))}
    naechste = max((n for _, n in vorhanden.values()), default=0) + 1
    ids = {k: v[0] for k, v in vorhanden.items()}
    for key, name in stand.themenfelder.items():
        if key in ids:
            continue
        tid = themenfeld_id(naechste)
        d.plan_themenfelder.append({"id": tid, "nummer": naechste, "name": name})
        d.themenfelder_neu.append(name)
        ids[key] = tid
        naechste += 1
    return ids


def _lagen(s: Session, stand: Katalogstand, d: Katalogdiff, tf_ids: dict[str, str]) -> dict[str, str]:
    vorhanden = {name.casefold(): (lid, nummer, tf) for lid, nummer, name, tf in
                 s.execute(select(Lage.id, Lage.nummer, Lage.name, Lage.themenfeld_id))}
    naechste = max((n for _, n, _ in vorhanden.values()), default=0) + 1
    ids = {k: v[0] for k, v in vorhanden.items()}
    for key, (name, tf_key) in stand.lagen.items():
        tf = tf_ids[tf_key]
        if key in vorhanden:
            if vorhanden[key][2] != tf:
                d.plan_lagen_themenfeld[vorhanden[key][0]] = tf
                d.lagen_verschoben.append(name)
            continue
        art = Lagenart.QUERSCHNITT if tf_key == "querschnitt" else Lagenart.LEBENSLAGE
        lid = lage_id(name)
        d.plan_lagen_neu.append({"id": lid, "nummer": naechste, "name": name, "art": art, "themenfeld_id": tf})
        d.lagen_neu.append(name)
        d.warnungen.append(Hinweis(f"Neue Lage „{name}“: als {art.label} eingeordnet; bitte prüfen (der Export "
                                   "unterscheidet Lebens- und Geschäftslagen nicht).", stand.datei, stand.blatt))
        ids[key] = lid
        naechste += 1
    return ids


def _referenzen_auf_leistung(s: Session) -> dict[str, set[str]]:
    """Leistung ids referenced by Ressort data in any table (found through the schema, so tables
    added later – reports, requests – protect their Leistungen without a change here)."""
    ergebnis: dict[str, set[str]] = {}
    tabelle_leistung = Leistung.__table__
    for tabelle in Base.metadata.sorted_tables:
        if tabelle.name in ("leika_zuordnung", "leistung"):
            continue
        for fk in tabelle.foreign_keys:
            if fk.column.table is tabelle_leistung:
                t: Table = tabelle
                for (lid,) in s.execute(select(fk.parent).where(fk.parent.is_not(None)).distinct()):
                    ergebnis.setdefault(lid, set()).add(t.name)
    return ergebnis


def _leistungen(s: Session, stand: Katalogstand, d: Katalogdiff, tf_ids: dict[str, str],
                lagen_ids: dict[str, str]) -> tuple[dict[str, str], set[str]]:
    tf_namen = {tid: name for tid, name in s.execute(select(Themenfeld.id, Themenfeld.name))}
    tf_namen.update({t["id"]: t["name"] for t in d.plan_themenfelder})
    lage_namen = {lid: name for lid, name in s.execute(select(Lage.id, Lage.name))}
    lage_namen.update({l["id"]: l["name"] for l in d.plan_lagen_neu})
    spalten = (Leistung.id, Leistung.ozg_id, Leistung.bezeichnung, Leistung.typ, Leistung.themenfeld_id,
               Leistung.lage_id, Leistung.im_katalog, *(getattr(Leistung, f) for f in RESSORT_FELDER))
    vorhanden = {z.ozg_id: z for z in s.execute(select(*spalten))}
    ids: dict[str, str] = {}
    for ozg_id, e in sorted(stand.leistungen.items()):
        alt = vorhanden.get(ozg_id)
        if alt is None:
            if e.bezeichnung is None or e.themenfeld is None:
                fehlt = "eine gültige Bezeichnung" if e.bezeichnung is None else "ein gültiges Themenfeld"
                d.nicht_angelegt.append(ozg_id)
                d.warnungen.append(Hinweis(f"Die OZG-Leistung {ozg_id} ist neu, aber keine ihrer Zeilen nennt "
                                           f"{fehlt}; sie wurde nicht angelegt.", stand.datei, stand.blatt, e.zeile,
                                           "OZG-ID", None, ozg_id, "zeile"))
                continue
            d.namen[ozg_id] = e.bezeichnung
            lid = leistung_id(ozg_id)
            d.plan_leistungen_neu.append({
                "id": lid, "ozg_id": ozg_id, "bezeichnung": e.bezeichnung, "typ": e.typ,
                "themenfeld_id": tf_ids[e.themenfeld.casefold()],
                "lage_id": lagen_ids[e.lage.casefold()] if e.lage_bekannt and e.lage else None,
            })
            d.neu.append(ozg_id)
            ids[ozg_id] = lid
            continue
        # a stored Leistung; a field the file had no usable value for (None) keeps the stored value
        tf = tf_ids[e.themenfeld.casefold()] if e.themenfeld is not None else alt.themenfeld_id
        if e.lage_bekannt:
            lage = lagen_ids[e.lage.casefold()] if e.lage else None
        else:
            lage = alt.lage_id
        ids[ozg_id] = alt.id
        aenderung: dict[str, Any] = {}
        if not alt.im_katalog:
            aenderung["im_katalog"] = True
            d.neu.append(ozg_id)
            d.wieder_aufgenommen.append(ozg_id)
            d.namen[ozg_id] = e.bezeichnung or alt.bezeichnung
        if e.bezeichnung is not None and alt.bezeichnung != e.bezeichnung:
            d.namen[ozg_id] = e.bezeichnung
            aenderung["bezeichnung"] = e.bezeichnung
            d.umbenannt.append(Umbenennung(ozg_id, alt.bezeichnung, e.bezeichnung))
        if alt.themenfeld_id != tf:
            aenderung["themenfeld_id"] = tf
            d.geaendert.append(Verschiebung(ozg_id, "Themenfeld", tf_namen.get(alt.themenfeld_id), tf_namen[tf]))
        if alt.lage_id != lage:
            aenderung["lage_id"] = lage
            d.geaendert.append(Verschiebung(ozg_id, "Lage", lage_namen.get(alt.lage_id),
                                            lage_namen.get(lage) if lage else None))
        if e.typ is not None and alt.typ != e.typ:
            aenderung["typ"] = e.typ
            d.geaendert.append(Verschiebung(ozg_id, "Typ", alt.typ, e.typ))
        if aenderung:
            d.plan_leistungen_aendern[alt.id] = aenderung
    referenzen = _referenzen_auf_leistung(s)
    bleibende = set(ids.values())
    for ozg_id, alt in sorted(vorhanden.items()):
        if ozg_id in stand.leistungen:
            continue
        if not alt.im_katalog:
            bleibende.add(alt.id)  # flagged earlier; stays flagged
            continue
        d.entfernt.append(ozg_id)
        d.namen[ozg_id] = alt.bezeichnung
        eigene_daten = any(getattr(alt, f) not in (None, False, "") for f in RESSORT_FELDER)
        if alt.id in referenzen or eigene_daten:
            d.markiert.append(ozg_id)
            d.plan_leistungen_markieren.append(alt.id)
            bleibende.add(alt.id)
            wo = ", ".join(sorted(referenzen.get(alt.id, ()))) or "eigene Angaben des Ressorts"
            d.warnungen.append(Hinweis(f"OZG-Leistung {ozg_id} „{alt.bezeichnung}“ ist nicht mehr im Katalog; sie "
                                       f"bleibt wegen vorhandener Daten ({wo}) erhalten und wird als „nicht mehr im "
                                       "Katalog“ markiert.", stand.datei, stand.blatt))
        else:
            d.plan_leistungen_loeschen.append(alt.id)
    return ids, bleibende


#: what a new LeiKa record gets for a field the file had no usable value for
_LEIKA_STANDARD = {"bezeichnung": "", "typ": "", "rechtsgrundlage": "", "gesetze": "", "gesetzeskuerzel": "",
                   "sdg1": False, "sdg2": False}


_LEIKA_FELDWERTE = operator.attrgetter(*LEIKA_FELDER)


def _leika_werte(e: LeikaEintrag) -> dict[str, Any]:
    """The fields the file gives (None: unreadable there, left out so the stored value stays)."""
    return {f: w for f, w in zip(LEIKA_FELDER, _LEIKA_FELDWERTE(e), strict=True) if w is not None}


def _leika(s: Session, stand: Katalogstand, d: Katalogdiff, leistung_ids: dict[str, str]) -> None:
    spalten = [LeikaLeistung.id, LeikaLeistung.schluessel, LeikaLeistung.im_katalog,
               *(getattr(LeikaLeistung, f) for f in LEIKA_FELDER)]
    vorhanden = {}
    for z in s.execute(select(*spalten)):
        vorhanden[leika_key(z.schluessel, z.bezeichnung)] = z
    ozg_von = {lid: o for o, lid in leistung_ids.items()}
    bisher: dict[str, set[str]] = {}
    zuordnung_ids: dict[tuple[str, str], str] = {}
    for zid, lk, lst in s.execute(select(LeikaZuordnung.id, LeikaZuordnung.leika_id, LeikaZuordnung.leistung_id)):
        bisher.setdefault(lk, set()).add(lst)
        zuordnung_ids[(lk, lst)] = zid
    soll: dict[str, set[str]] = {}
    ids: dict[str, str] = {}
    ohne_leistung = {k for k, o in stand.zuordnungen if o not in leistung_ids}
    mit_leistung = {k for k, o in stand.zuordnungen if o in leistung_ids} if ohne_leistung else set()
    for key, e in stand.leika.items():
        alt = vorhanden.get(key)
        werte = _leika_werte(e)
        if alt is None:
            if key in ohne_leistung and key not in mit_leistung:
                continue  # only under OZG-Leistungen that could not be created
            lid = leika_id(key)
            d.plan_leika_neu.append({"id": lid, "schluessel": e.schluessel, **_LEIKA_STANDARD, **werte,
                                     "im_katalog": True})
            d.leika_neu.append(key)
        else:
            lid = alt.id
            aenderung = {f: w for f, w in werte.items() if getattr(alt, f) != w}
            if not alt.im_katalog:
                aenderung["im_katalog"] = True
            if aenderung:
                d.plan_leika_aendern[lid] = aenderung
        ids[key] = lid
    for key, ozg_id in stand.zuordnungen:
        if key in ids and ozg_id in leistung_ids:
            soll.setdefault(ids[key], set()).add(leistung_ids[ozg_id])
    # a LeiKa part skipped for a bad key: the stored LeiKa-Leistung of that name under that
    # OZG-Leistung may be the one the bad key meant – it stays as it is, with its assignments
    behalten: set[str] = set()
    if stand.geschuetzt:
        for key, alt in vorhanden.items():
            if key in stand.leika:
                continue
            name = leika_key(None, alt.bezeichnung)
            for lst in bisher.get(alt.id, ()):
                if (name, ozg_von.get(lst)) in stand.geschuetzt:
                    behalten.add(key)
                    soll[alt.id] = set(bisher[alt.id])
                    break
    for key, lid in ids.items():
        if key not in vorhanden:
            continue
        if soll.get(lid, set()) != bisher.get(lid, set()) or lid in d.plan_leika_aendern:
            d.leika_geaendert.append(key)
    for lid, leistungen in soll.items():
        for lst in sorted(leistungen - bisher.get(lid, set())):
            d.plan_zuordnungen_neu.append({"id": zuordnung_id(lid, lst), "leika_id": lid, "leistung_id": lst})
    for (lk, lst), zid in zuordnung_ids.items():
        if lst not in soll.get(lk, set()):
            d.plan_zuordnungen_loeschen.append(zid)
    for key, alt in vorhanden.items():
        if key not in stand.leika and key not in behalten:
            d.plan_leika_loeschen.append(alt.id)
            d.leika_entfernt.append(key)


def _aufraeumen(s: Session, stand: Katalogstand, d: Katalogdiff, bleibende: set[str]) -> None:
    """Lagen and Themenfelder that left the catalogue and no remaining Leistung uses are removed."""
    benutzt_lage: set[str] = set()
    benutzt_tf: set[str] = set()
    aenderungen = d.plan_leistungen_aendern
    for lid, tf, lage in s.execute(select(Leistung.id, Leistung.themenfeld_id, Leistung.lage_id)):
        if lid not in bleibende:
            continue
        a = aenderungen.get(lid, {})
        benutzt_tf.add(a.get("themenfeld_id", tf))
        l = a.get("lage_id", lage)
        if l:
            benutzt_lage.add(l)
    for neu in d.plan_leistungen_neu:
        benutzt_tf.add(neu["themenfeld_id"])
        if neu["lage_id"]:
            benutzt_lage.add(neu["lage_id"])
    for lid, name, tf in s.execute(select(Lage.id, Lage.name, Lage.themenfeld_id)):
        if name.casefold() in stand.lagen or lid in benutzt_lage:
            benutzt_tf.add(d.plan_lagen_themenfeld.get(lid, tf))
            continue
        d.plan_lagen_loeschen.append(lid)
        d.lagen_entfernt.append(name)
    for tid, name in s.execute(select(Themenfeld.id, Themenfeld.name)):
        if name.casefold() in stand.themenfelder or tid in benutzt_tf:
            continue
        d.plan_themenfelder_loeschen.append(tid)
        d.themenfelder_entfernt.append(name)
