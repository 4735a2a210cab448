"""Conflicts for people: list them, keep them current, resolve them by an ordinary logged change.

A conflict is derived from the replicated log, so it has the same id on every device. Resolving
writes a normal change (logged, synced) whose author has seen every candidate value; on each
device that receives it the field's front shrinks to that one value and the conflict closes.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ozgdesk.model.base import jetzt_utc, neue_id
from ozgdesk.model.errors import Eingabefehler
from ozgdesk.model.protokoll import AENDERN, LOESCHEN, Aenderung, _dump, _naechste_seq
from ozgdesk.model.store import Store
from ozgdesk.sync import eindeutig, ereignisse
from ozgdesk.sync.kausal import Kausalitaet, verlauf
from ozgdesk.sync.zusammenfuehren import (
    Zusammenfuehrung,
    konflikt_werte,
    loeschkonflikt,
    python_wert,
    tabellen,
    verweisender,
)
from ozgdesk.sync.zustand import SyncKonflikt

ARTEN = {
    "feld": "gleiches Feld auf mehreren Geräten geändert",
    "loeschen": "Änderung schlägt Löschung",
    "eingefroren": "Änderung an eingereichtem Stand abgelehnt",
    "regel": "Regel nach Zusammenführung verletzt",
    "eindeutig": "doppelt vergeben",
}


@dataclass
class KonfliktAnzeige:
    id: str
    art: str
    art_text: str
    tabelle: str
    datensatz_id: str
    feld: str | None
    hinweis: str
    offen: bool
    #: every candidate: {geraet, seq, benutzer, zeitpunkt, wert, aktion, mein}
    werte: list[dict[str, Any]]
    aktueller_wert: Any
    erkannt_am: Any
    #: the record (``eindeutig``: the group) as people name it – label, Kennung, title, never an id
    titel: str = ""


def konflikte_aktualisieren(store: Store) -> int:
    """Close conflicts that a later change settled (also a local edit of the field). Returns open count."""
    geschlossen: list[tuple[str, str, str, str | None]] = []
    with store.session(quelle="abgleich") as s:
        s.info["ohne_protokoll"] = True
        kausal = Kausalitaet(s)
        tab = tabellen()
        offen = 0
        # records sharing a unique key: a local edit, delete or resolution may have ended a clash
        z = Zusammenfuehrung(s, kausal)
        if z.eindeutig_pruefen():
            z.verweise_reparieren()
        erkannt = z.konflikte_erkannt
        geschlossen += z.konflikte_geschlossen
        for k in s.execute(select(SyncKonflikt).where(SyncKonflikt.offen.is_(True))).scalars().all():
            verl = verlauf(s, k.tabelle, k.datensatz_id)
            cls = tab.get(k.tabelle)
            erledigt = False
            if k.art == "feld" and k.feld:
                front = kausal.front(e for e in verl if e.schreibt(k.feld))
                erledigt = len({json.dumps(e.wert(k.feld), sort_keys=True) for e in front}) <= 1
                # a record no longer in its table (deleted, or a duplicate held back, whose values its
                # ``eindeutig`` conflict shows) has no field to decide; the merge reopens it if it returns
                erledigt = erledigt or (cls is not None and s.get(cls, k.datensatz_id) is None)
                if not erledigt:  # keep the shown candidates in step with the log (same on every device)
                    k.werte = json.dumps(konflikt_werte(front, k.feld), ensure_ascii=False)
                    gew = max(front, key=lambda e: e.schluessel)
                    k.gewinner = json.dumps({"geraet": gew.geraet, "seq": gew.seq})
            elif k.art == "loeschen":
                lebt = cls is not None and s.get(cls, k.datensatz_id) is not None
                loeschungen = [e for e in verl if e.aktion == LOESCHEN]
                erledigt = not lebt or any(
                    e.aktion != LOESCHEN and all(kausal.vor(l, e) for l in loeschungen) for e in verl
                )
                if not erledigt:
                    beteiligt, sieger = loeschkonflikt(kausal, verl)
                    k.werte = json.dumps(konflikt_werte(beteiligt, None), ensure_ascii=False)
                    k.gewinner = json.dumps({"geraet": sieger.geraet, "seq": sieger.seq} if sieger else {})
            if erledigt:
                k.offen, k.geloest_am = False, jetzt_utc()
                geschlossen.append((k.art, k.tabelle, k.datensatz_id, k.feld))
            else:
                offen += 1
    ereignisse.konflikte(erkannt, geschlossen)  # after the commit: a rollback closed nothing
    return offen


def _anzeige(s: Session, k: SyncKonflikt, eigen: str) -> KonfliktAnzeige:
    cls = tabellen().get(k.tabelle)
    aktuell = None
    obj = s.get(cls, k.datensatz_id) if cls is not None else None
    if obj is not None and k.feld and k.art != "eindeutig":
        from ozgdesk.model.base import json_wert

        aktuell = json_wert(getattr(obj, k.feld))
    werte = [dict(w, mein=w["geraet"] == eigen) for w in k.werte_liste]
    return KonfliktAnzeige(k.id, k.art, ARTEN.get(k.art, k.art), k.tabelle, k.datensatz_id, k.feld, k.hinweis,
                           k.offen, werte, aktuell, k.erkannt_am, _titel(cls, obj, k, werte))


def _titel(cls: Any, obj: Any, k: SyncKonflikt, werte: list[dict[str, Any]]) -> str:
    """„Projekt „BMAS-2024-02“, Feld „Titel““ – what the list of conflicts names, instead of ids."""
    from ozgdesk.model.base import datensatz_name, feldname
    from ozgdesk.model.bearbeiten import spaltenwerte

    if k.art == "eindeutig" and werte:
        return str(werte[0].get("titel") or "")
    if cls is None:
        return k.tabelle
    name = datensatz_name(cls, spaltenwerte(obj) if obj is not None else {})
    return name + (f", Feld „{feldname(cls, k.feld)}“" if k.feld else "")


def konflikte(store: Store, *, alle: bool = False) -> list[KonfliktAnzeige]:
    konflikte_aktualisieren(store)
    with store.lesen() as s:
        q = select(SyncKonflikt).order_by(SyncKonflikt.erkannt_am, SyncKonflikt.id)
        if not alle:
            q = q.where(SyncKonflikt.offen.is_(True))
        return [_anzeige(s, k, store.geraet_id) for k in s.execute(q).scalars()]


def _wert_waehlen(k: KonfliktAnzeige, wahl: str) -> Any:
    if wahl == "mein":
        eigene = [w for w in k.werte if w["mein"]]
        return eigene[-1]["wert"] if eigene else k.aktueller_wert
    if wahl == "fremd":
        mein = _wert_waehlen(k, "mein")
        fremde = [w for w in k.werte if not w["mein"] and w["wert"] != mein]
        if not fremde:
            raise Eingabefehler(f"Konflikt {k.id}: Es gibt keinen fremden Wert, der sich von „mein“ unterscheidet.")
        return max(fremde, key=lambda w: (w["geraet"], w["seq"]))["wert"]
    return None


def konflikt_loesen(store: Store, konflikt: str, wahl: str, benutzer: str | None = None, *,
                    neu: Sequence[str] | None = None) -> KonfliktAnzeige:
    """Resolve a conflict: ``mein``, ``fremd`` or a new text value. Written as an ordinary change.

    ``eindeutig``: ``wahl`` names the record that keeps the key (its number in the list, 1, 2 …,
    or ``mein``/``fremd`` where unambiguous) and ``neu`` the new key values for the others (a new
    Kennung); see :func:`ozgdesk.sync.eindeutig.loesen`."""
    treffer = [k for k in konflikte(store, alle=True) if k.id == konflikt or (len(konflikt) >= 6 and k.id.startswith(konflikt))]
    if len(treffer) != 1:
        raise Eingabefehler(f"Konflikt „{konflikt}“ gibt es nicht (oder die Angabe ist mehrdeutig). "
                            "Siehe „ozgdesk-cli konflikte list“.")
    k = treffer[0]
    if not k.offen:
        raise Eingabefehler(f"Konflikt {k.id} ist bereits gelöst.")
    cls = tabellen().get(k.tabelle)
    with store.session(benutzer=benutzer, quelle="konfliktloesung") as s:
        obj = s.get(cls, k.datensatz_id) if cls is not None else None
        if k.art == "feld":
            if obj is None or cls is None or k.feld is None:
                raise Eingabefehler(f"Konflikt {k.id}: Den Datensatz gibt es nicht mehr.")
            if wahl in ("mein", "fremd"):
                neu = _wert_waehlen(k, wahl)
            else:
                neu = wahl
            try:
                wert = python_wert(cls, k.feld, neu)
            except (ValueError, Eingabefehler) as e:
                raise Eingabefehler(f"Konflikt {k.id}, Feld {k.feld}: „{neu}“ ist kein gültiger Wert ({e}).") from None
            from ozgdesk.model.base import json_wert

            if json_wert(getattr(obj, k.feld)) == json_wert(wert):
                _bestaetigen(s, store, k.tabelle, k.datensatz_id, k.feld, json_wert(wert))
            else:
                setattr(obj, k.feld, wert)
        elif k.art == "loeschen":
            if wahl == "fremd":
                if obj is not None:
                    _abhaengige_pruefen(s, cls, k.datensatz_id)
                    s.delete(obj)
            elif wahl == "mein":
                if obj is not None:
                    _bestaetigen(s, store, k.tabelle, k.datensatz_id, "id", k.datensatz_id)
            else:
                raise Eingabefehler("Bei „Änderung schlägt Löschung“ bitte --wert mein (behalten) oder fremd (löschen) wählen.")
        elif k.art == "eindeutig":
            # the group closes by itself once the changes are in (konflikte_aktualisieren below,
            # and on every other device when they arrive)
            eindeutig.loesen(s, store, k, wahl, neu)
        s.flush()
        zeile = s.get(SyncKonflikt, k.id)
        if zeile is not None and k.art != "eindeutig":  # read from this store a moment ago; only a concurrent cleanup removes it
            zeile.offen, zeile.geloest_am = False, jetzt_utc()
    ereignisse.konflikt_geloest(k.art, k.tabelle, k.datensatz_id, k.feld, wahl if wahl in ("mein", "fremd") else "wert")
    konflikte_aktualisieren(store)
    return next(x for x in konflikte(store, alle=True) if x.id == k.id)


def _bestaetigen(s: Session, store: Store, tabelle: str, datensatz_id: str, feld: str, wert: Any) -> None:
    """Log "this value, knowingly" when the chosen value is already the current one (no ORM change)."""
    info = s.info
    s.add(Aenderung(
        id=neue_id(), geraet=store.geraet_id, seq=_naechste_seq(s, store.geraet_id),
        transaktion=info.setdefault("transaktion", neue_id()), zeitpunkt=jetzt_utc(),
        benutzer=info.get("benutzer") or "unbekannt", quelle=info.get("quelle", "lokal"), tabelle=tabelle,
        datensatz_id=datensatz_id, aktion=AENDERN, feld=feld, alt=_dump(wert), neu=_dump(wert),
    ))


def _abhaengige_pruefen(s: Session, cls, datensatz_id: str) -> None:  # noqa: ANN001
    """A record others still point to cannot go; say which ones instead of a database error."""
    andere = verweisender(s, tabellen(), cls, datensatz_id)
    if andere is not None:
        raise Eingabefehler(
            f"{cls.__label__} {datensatz_id} wird noch von {andere.__label__} ({andere.__tablename__}) gebraucht. "
            "Bitte zuerst dessen Konflikt lösen oder ihn löschen; es wurde nichts geändert."
        )
