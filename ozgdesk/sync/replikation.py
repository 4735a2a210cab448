"""Replicating the change log through the share: what sending and receiving have in common.

* Sending (:mod:`ozgdesk.sync.senden`): this device's log entries (``geraet`` = this device) after
  its export cursor go into signed, immutable change files ``changes/<device>/<seq>.json``, whole
  transactions, many per file; then the device's head file says where its chain ends. Entries
  that came from other devices keep their original device and seq in the local log and are
  therefore never sent again.
* Receiving (:mod:`ozgdesk.sync.empfangen`): per remote device whose head moved, its new files in
  sequence, each verified (signature by a key of the trust list, chain, seq) — a bad file goes to
  a per-file quarantine, its author is told, the other devices go on. Files are applied in causal
  order (a file waits until what its author had seen is applied here), each file and its cursor in
  one SQLite transaction (:func:`anwenden`). An interrupted sync resumes at the next file.

Network and database work are apart (:mod:`ozgdesk.sync.schritt`): downloads, verification and
uploads run in the caller's thread; every read or write of the store is one ``db(...)`` step.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func, insert, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ozgdesk.model.base import neue_id
from ozgdesk.model.errors import Abbruch, Eingabefehler, OzgFehler
from ozgdesk.model.protokoll import ANLEGEN, LOESCHEN, Aenderung, geschrieben_merken
from ozgdesk.model.store import Store
from ozgdesk.sync import format as fmt
from ozgdesk.sync.kausal import Eintrag, Kausalitaet
from ozgdesk.sync.zusammenfuehren import Zusammenfuehrung, tabellen
from ozgdesk.sync.zustand import SyncGeraet

#: A change file holds whole transactions up to about this many entries.
EINTRAEGE_JE_DATEI = 5000

Fortschritt = Callable[[str, int, int], None]


class Abgebrochen(Abbruch):
    """The user cancelled; everything transferred so far stays valid and the next sync resumes."""

    def __init__(self) -> None:
        super().__init__("Abgleich abgebrochen. Bereits Übertragenes bleibt gültig; der nächste Abgleich setzt fort.")


class Sicherheitsstopp(OzgFehler):
    """The sync would do something that looks like an accident (mass delete, replaced share)."""


@dataclass
class Zahlen:
    """What export and import did; :class:`~ozgdesk.sync.abgleich.AbgleichErgebnis` extends it."""

    gesendet: int = 0
    gesendet_dateien: int = 0
    empfangen: int = 0
    empfangen_dateien: int = 0
    zusammengefuehrt: int = 0
    konflikte: int = 0
    geloescht: int = 0
    quarantaene: int = 0
    warnungen: list[str] = field(default_factory=list)


def pruefe_abbruch(abbrechen: threading.Event | None) -> None:
    if abbrechen is not None and abbrechen.is_set():
        raise Abgebrochen()


def _stand(s: Session, geraet: str, eigen: bool = False) -> SyncGeraet:
    st = s.get(SyncGeraet, geraet)
    if st is None:
        st = SyncGeraet(id=geraet, bis_seq=0, letzter_hash="", dateien=0, eigen=eigen)
        s.add(st)
        s.flush()
    return st


def cursors(s: Session, ohne: str | None = None) -> dict[str, int]:
    return {g.id: g.bis_seq for g in s.execute(select(SyncGeraet)).scalars() if g.id != ohne and not g.eigen}


def _plain(store: Store) -> Session:
    """A session for reads: deferred, never waits for another writer."""
    return Session(store.engine)


def _schreibend(store: Store) -> Session:
    """A session that writes: takes the write lock first (BEGIN IMMEDIATE), like every Store.session,
    so a second process writing at the same time waits instead of failing at the first write."""
    return Session(store.schreib_engine)


def ausstehend(store: Store) -> int:
    """How many local changes are not yet on the share."""
    with _plain(store) as s:
        bis = (s.get(SyncGeraet, store.geraet_id) or SyncGeraet(bis_seq=0)).bis_seq or 0
        return s.execute(select(func.count()).select_from(Aenderung)
                         .where(Aenderung.geraet == store.geraet_id, Aenderung.seq > bis)).scalar_one()


@dataclass(frozen=True)
class Geraetestand:
    """A device's cursor as plain data (a DB step hands it to the network thread)."""

    bis_seq: int
    letzter_hash: str
    eigen: bool
    kopf: str | None = None


def geraetestaende(store: Store) -> dict[str, Geraetestand]:
    """Every known device's cursor (DB step)."""
    with _plain(store) as s:
        return {g.id: Geraetestand(g.bis_seq or 0, g.letzter_hash or "", bool(g.eigen), g.kopf)
                for g in s.execute(select(SyncGeraet)).scalars()}


def _loeschungen_pruefen(store: Store, docs: list[dict[str, Any]], max_anteil: float) -> None:
    """Refuse a sync that would delete more than ``max_anteil`` of the records (Joplin's lesson).

    Two measures, each from 10 deleted records on: the Ressort's own records in total – without
    the shipped catalogue (:data:`~ozgdesk.model.katalog.KATALOGTABELLEN`), whose hundreds of rows
    would otherwise hide the loss of all payments and milestones – and each table on its own, so
    that wiping one kind of record (all Mittelabflüsse) is refused even where it is a small part of
    the whole, and the catalogue itself stays guarded. A normal deletion of a few records passes."""
    from ozgdesk.model.katalog import KATALOGTABELLEN

    ziele = {(e["tabelle"], e["id"]) for d in docs for t in d["transaktionen"] for e in t["eintraege"]
             if e["aktion"] == LOESCHEN}
    if not ziele:
        return
    tab = tabellen()
    je_tabelle: dict[str, int] = {}
    with _plain(store) as s:
        for tabelle, did in ziele:
            ziel = tab.get(tabelle)
            if ziel is not None and s.execute(select(ziel.__table__.c.id).where(ziel.__table__.c.id == did)).first():
                je_tabelle[tabelle] = je_tabelle.get(tabelle, 0) + 1
        if not je_tabelle:
            return
        bestand = {n: s.execute(select(func.count()).select_from(cls.__table__)).scalar_one() for n, cls in tab.items()}
    eigen_gesamt = sum(n for t, n in bestand.items() if t not in KATALOGTABELLEN)
    eigen_weg = sum(n for t, n in je_tabelle.items() if t not in KATALOGTABELLEN)
    def _prozent(anteil: float) -> str:
        return f"{anteil * 100:.0f} %"  # German: a space before the sign

    hilfe = "Zur Sicherheit wurde nichts übernommen. Wenn das gewollt ist: „abgleich jetzt --loeschen-erlauben“."
    if eigen_weg >= 10 and eigen_gesamt and eigen_weg / eigen_gesamt > max_anteil:
        raise Sicherheitsstopp(
            f"Der Abgleich würde {eigen_weg} von {eigen_gesamt} Datensätzen löschen "
            f"({_prozent(eigen_weg / eigen_gesamt)} der Datensätze des Ressorts, ohne den mitgelieferten Katalog; "
            f"erlaubt sind {_prozent(max_anteil)}). {hilfe}"
        )
    for tabelle, weg in sorted(je_tabelle.items(), key=lambda x: -x[1]):
        if weg >= 10 and bestand[tabelle] and weg / bestand[tabelle] > max_anteil:
            art = getattr(tab[tabelle], "__label__", tabelle)
            raise Sicherheitsstopp(
                f"Der Abgleich würde {weg} von {bestand[tabelle]} Datensätzen der Art „{art}“ löschen "
                f"({_prozent(weg / bestand[tabelle])}, erlaubt sind {_prozent(max_anteil)}). {hilfe}"
            )


class Unanwendbar(Exception):
    """A well-formed file whose content cannot be applied (hostile or from a broken device)."""


class Veraltet(Exception):
    """The device's cursor moved since the file was downloaded (another sync of this database
    applied it meanwhile): nothing applied, the next sync goes on from the new cursor."""


def anwenden(store: Store, datei: fmt.Aenderungen, benutzer: str | None, bis_vorher: int,
             kette_vorher: str) -> Zusammenfuehrung:
    """DB step: one verified file, its log entries and the cursor in one SQLite transaction (all or nothing).

    ``benutzer``: the person the trust list binds to the author's key; every entry is recorded as
    theirs, whatever the file says. ``bis_vorher``/``kette_vorher``: the cursor the file was
    verified against – if another sync of this database moved it meanwhile, nothing is applied."""
    try:
        return _anwenden_in_transaktion(store, datei, benutzer, bis_vorher, kette_vorher)
    except (ValueError, TypeError, KeyError, AttributeError, Eingabefehler, RecursionError) as e:
        # Values that fail our own checks (unknown field, wrong type, a rule broken by the content
        # itself): the file is quarantined like a damaged one, nothing of it applied.
        raise Unanwendbar(f"{datei.name.pfad}: Inhalt lässt sich nicht übernehmen ({e})") from e
    except IntegrityError as e:
        raise Unanwendbar(f"{datei.name.pfad}: Inhalt lässt sich nicht übernehmen ({e.orig})") from None


def _anwenden_in_transaktion(store: Store, datei: fmt.Aenderungen, benutzer: str | None, bis_vorher: int,
                             kette_vorher: str) -> Zusammenfuehrung:
    geraet = datei.name.geraet
    transaktionen = [{**t, "benutzer": benutzer} if benutzer else t for t in datei.transaktionen]
    with store.session(quelle="abgleich") as s:
        s.info["ohne_protokoll"] = True
        # Checked under the write lock: the file still follows the cursor (downloaded in another thread).
        st = s.get(SyncGeraet, geraet)
        if (st.bis_seq if st else 0) != bis_vorher or (st.letzter_hash if st else "") != kette_vorher:
            raise Veraltet()
        kausal = Kausalitaet(s)
        z = Zusammenfuehrung(s, kausal)
        ids = sorted({e["id"] for t in transaktionen for e in t["eintraege"]})
        bekannt: set[str] = set()
        for i in range(0, len(ids), 500):
            bekannt.update(s.execute(select(Aenderung.datensatz_id).distinct()
                                     .where(Aenderung.datensatz_id.in_(ids[i:i + 500]))).scalars())
        zeilen = []
        for t in transaktionen:
            zeit = datetime.fromisoformat(t["zeitpunkt"])
            for e in t["eintraege"]:
                zeilen.append(dict(
                    id=neue_id(), geraet=geraet, seq=e["seq"], transaktion=t["transaktion"], zeitpunkt=zeit,
                    benutzer=t["benutzer"], quelle="abgleich", tabelle=e["tabelle"], datensatz_id=e["id"],
                    aktion=e["aktion"], feld=e.get("feld"), alt=e.get("alt"), neu=e.get("neu"),
                ))
        s.execute(insert(Aenderung.__table__), zeilen)
        # Only now is the SQLite transaction open (pysqlite begins it lazily at the first write), and
        # the pragma holds until its end: parents and children of one file may arrive in any order;
        # ``verweise_reparieren`` settles the references before commit.
        s.execute(text("PRAGMA defer_foreign_keys = ON"))
        zurueckgestellt: list[tuple[Eintrag, str, str]] = []
        for t in transaktionen:
            erste = t["eintraege"][0]["seq"]
            kausal.setzen(geraet, erste, {k: int(v) for k, v in t["gesehen"].items()})
            for e in t["eintraege"]:
                eintrag = Eintrag(geraet, e["seq"], e["aktion"], e.get("feld"), e.get("alt"), e.get("neu"),
                                  t["benutzer"], t["zeitpunkt"])
                try:
                    with s.begin_nested():
                        if e["aktion"] != ANLEGEN or e["id"] in bekannt \
                                or not z.neu_anlegen(e["tabelle"], e["id"], e.get("neu")):
                            z.anwenden(eintrag, e["tabelle"], e["id"])
                except IntegrityError:
                    # a unique key another record holds here (or a value the author changed again
                    # later in this file): settled at the end by the key's rule, never an abort
                    zurueckgestellt.append((eintrag, e["tabelle"], e["id"]))
                bekannt.add(e["id"])
        z.abschliessen(zurueckgestellt)
        st = _stand(s, geraet)
        st.bis_seq, st.letzter_hash, st.dateien = datei.bis_seq, datei.kette_nach, st.dateien + 1
        # From the next local entry on, this device has seen everything applied so far.
        eigen = store.geraet_id
        naechste = (s.execute(select(func.max(Aenderung.seq)).where(Aenderung.geraet == eigen)).scalar() or 0) + 1
        kausal.setzen(eigen, naechste, cursors(s, ohne=eigen))
        # The entries go in by bulk insert and the merge writes with Core statements, which the
        # flush hooks do not see: name the records here, so ``aenderungen.erfassen`` reports them.
        geschrieben_merken(s, {(e["tabelle"], e["id"]) for t in transaktionen for e in t["eintraege"]}
                           | z.beruehrt | z.entfernt)
    return z


def stand_pruefen(store: Store) -> list[str]:
    """Sanity check after a sync: of every device exactly the entries 1..cursor are in the log."""
    probleme = []
    with _plain(store) as s:
        zaehlung = {g: (n, m) for g, n, m in s.execute(
            select(Aenderung.geraet, func.count(), func.max(Aenderung.seq)).group_by(Aenderung.geraet))}
        for st in s.execute(select(SyncGeraet).where(SyncGeraet.eigen.is_(False))).scalars():
            n, m = zaehlung.get(st.id, (0, 0))
            if n != st.bis_seq or (m or 0) != st.bis_seq:
                probleme.append(f"Gerät {st.id[:8]}: {n} Einträge im Protokoll, erwartet {st.bis_seq}.")
    return probleme


def kette_aus_protokoll(s: Session, geraet: str, bis: int) -> str:
    """A device's entry chain up to ``bis``, recomputed from this device's own log (after a move or a
    new identity, when the stored value belongs to another grouping or share)."""
    kette = ""
    for a in s.execute(select(Aenderung).where(Aenderung.geraet == geraet, Aenderung.seq <= bis)
                       .order_by(Aenderung.seq)).scalars():
        kette = fmt.kette_weiter(kette, a.seq, a.transaktion, a.zeitpunkt.isoformat(),
                                 {"tabelle": a.tabelle, "id": a.datensatz_id, "aktion": a.aktion, "feld": a.feld,
                                  "alt": a.alt, "neu": a.neu})
    return kette
