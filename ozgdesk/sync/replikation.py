"""Replicating the change log through the share: export own files, import and apply the others'.

* Export: this device's log entries (``geraet`` = this device) after the last exported seq go into
  new immutable files ``changes/<device>/<seq>-<sha256>.json``, whole transactions, many per file,
  each file naming its predecessor's hash. Entries that came from other devices keep their
  original device and seq in the local log and are therefore never sent again.
* Import: per remote device, files after its cursor, in sequence, verified (hash, chain, seq) –
  a bad file is quarantined and that device waits. Files are applied in causal order (a file
  waits until what its author had seen is applied here), each file and its cursor in one SQLite
  transaction. An interrupted import resumes at the next file; re-reading a file is harmless.

Network and database work are apart (:mod:`ozgdesk.sync.schritt`): downloads, verification and
uploads run in the caller's thread; every read or write of the store is one ``db(...)`` step –
the cursors, one step per downloaded file (check that it still follows the cursor, apply it,
move the cursor), the entries to send, one step per sent file.
"""

from __future__ import annotations

import threading
from datetime import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, insert, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ozgdesk.model.base import jetzt_utc, neue_id
from ozgdesk.model.errors import Abbruch, Eingabefehler, OzgFehler
from ozgdesk.model.protokoll import ANLEGEN, LOESCHEN, Aenderung, geschrieben_merken
from ozgdesk.model.store import Store
from ozgdesk.sync import ereignisse
from ozgdesk.sync import format as fmt
from ozgdesk.sync.backend import Backend, Eintrag as Listeneintrag
from ozgdesk.sync.kausal import Eintrag, Kausalitaet
from ozgdesk.sync.schritt import DbSchritt, schritte
from ozgdesk.sync.zusammenfuehren import Zusammenfuehrung, tabellen
from ozgdesk.sync.zustand import SyncGeraet, SyncQuarantaene

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


def _pruefe_abbruch(abbrechen: threading.Event | None) -> None:
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


def _dateien(eintraege: list[Listeneintrag] | None, geraet: str) -> list[fmt.Dateiname]:
    namen = [fmt.dateiname_lesen(geraet, e.name) for e in eintraege or [] if not e.ordner]
    return sorted((n for n in namen if n is not None), key=lambda n: n.von_seq)


# ------------------------------------------------------------------------------------------ export
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


def geraetestaende(store: Store) -> dict[str, Geraetestand]:
    """Every known device's cursor (DB step)."""
    with _plain(store) as s:
        return {g.id: Geraetestand(g.bis_seq or 0, g.letzter_hash or "", bool(g.eigen))
                for g in s.execute(select(SyncGeraet)).scalars()}


def _eigener_stand(store: Store) -> tuple[int, str, int]:
    """DB step: this device's export cursor (its row created if missing) and its highest log seq."""
    geraet = store.geraet_id
    with _schreibend(store) as s, s.begin():  # _stand may create the device's row
        st = _stand(s, geraet, eigen=True)
        hoechste = s.execute(select(func.max(Aenderung.seq)).where(Aenderung.geraet == geraet)).scalar() or 0
        return st.bis_seq, st.letzter_hash, hoechste


def _gesendet_merken(store: Store, bis_seq: int, letzter_hash: str, dateien: int = 1) -> None:
    """DB step: own files up to ``bis_seq`` are on the share (sent now, or adopted from an interrupted run)."""
    with _schreibend(store) as s, s.begin():
        st = _stand(s, store.geraet_id, eigen=True)
        st.bis_seq, st.letzter_hash, st.dateien = bis_seq, letzter_hash, st.dateien + dateien


def _eigene_fortsetzen(store: Store, backend: Backend, eigene: list[Listeneintrag] | None,
                       db: DbSchritt | None = None) -> None:
    """Adopt own files published by a sync that was interrupted before it recorded them.

    All of them are verified first (network); the cursor moves in one step at the end, so a
    refused file leaves the cursor where it was, as the single transaction did before."""
    db = schritte(db)
    geraet = store.geraet_id
    bis, vorgaenger, hoechste = db(lambda: _eigener_stand(store))
    uebernommen = 0
    for name in _dateien(eigene, geraet):
        if name.von_seq <= bis:
            continue
        daten = backend.lesen(name.pfad)
        try:
            doc = fmt.aenderungsdatei_pruefen(name, daten or b"", vorgaenger, bis + 1)
        except fmt.Formatfehler as e:
            raise Sicherheitsstopp(
                f"Im eigenen Ordner der Ablage liegt eine unerwartete Datei: {e} Es wurde nichts gesendet."
            ) from None
        if doc["bis_seq"] > hoechste:
            raise Sicherheitsstopp(
                f"Auf der Ablage liegen Änderungen dieses Geräts bis Nummer {doc['bis_seq']}, die Datenbank kennt nur "
                f"bis {hoechste}: Sie ist älter als ihr Stand auf der Ablage (Sicherung zurückgespielt?). "
                "Es wurde nichts gesendet."
            )
        bis, vorgaenger = doc["bis_seq"], name.hash
        uebernommen += 1
    if uebernommen:
        db(lambda: _gesendet_merken(store, bis, vorgaenger, uebernommen))


def _zu_senden(store: Store) -> tuple[str, list[dict[str, Any]]]:
    """DB step: this device's log entries after its export cursor, grouped into transactions with
    their causal context – plain data the network thread packs into files."""
    geraet = store.geraet_id
    transaktionen: list[dict[str, Any]] = []
    with _plain(store) as s:  # the device's row exists: _eigene_fortsetzen created it
        st = s.get(SyncGeraet, geraet)
        bis, vorgaenger = (st.bis_seq, st.letzter_hash) if st else (0, "")
        zeilen = s.execute(select(Aenderung).where(Aenderung.geraet == geraet, Aenderung.seq > bis)
                           .order_by(Aenderung.seq)).scalars().all()
        if not zeilen:
            return vorgaenger, transaktionen
        kausal = Kausalitaet(s)
        for a in zeilen:
            zeit = a.zeitpunkt.isoformat()
            # A transaction flushed several times can carry several timestamps: a new group per change,
            # so every device logs exactly the origin's values.
            if not transaktionen or transaktionen[-1]["transaktion"] != a.transaktion \
                    or transaktionen[-1]["zeitpunkt"] != zeit or transaktionen[-1]["benutzer"] != a.benutzer \
                    or transaktionen[-1]["quelle"] != a.quelle:
                transaktionen.append({"transaktion": a.transaktion, "zeitpunkt": zeit,
                                      "benutzer": a.benutzer, "quelle": a.quelle,
                                      "gesehen": kausal.kontext(geraet, a.seq), "eintraege": []})
            transaktionen[-1]["eintraege"].append({"seq": a.seq, "tabelle": a.tabelle, "id": a.datensatz_id,
                                                   "aktion": a.aktion, "feld": a.feld, "alt": a.alt, "neu": a.neu})
    return vorgaenger, transaktionen


def exportieren(store: Store, backend: Backend, eigene: list[Listeneintrag] | None, zahlen: Zahlen,
                fortschritt: Fortschritt | None = None, abbrechen: threading.Event | None = None, *,
                db: DbSchritt | None = None) -> None:
    db = schritte(db)
    geraet = store.geraet_id
    _eigene_fortsetzen(store, backend, eigene, db)
    vorgaenger, transaktionen = db(lambda: _zu_senden(store))
    if not transaktionen:
        return
    pakete: list[list[dict[str, Any]]] = [[]]
    for t in transaktionen:
        if pakete[-1] and pakete[-1][-1]["transaktion"] != t["transaktion"] \
                and sum(len(x["eintraege"]) for x in pakete[-1]) + len(t["eintraege"]) > EINTRAEGE_JE_DATEI:
            pakete.append([])
        pakete[-1].append(t)
    for i, paket in enumerate(pakete):
        _pruefe_abbruch(abbrechen)
        name, daten = fmt.aenderungsdatei_bauen(geraet, vorgaenger, paket)
        backend.veroeffentlichen(name.pfad, daten)
        anzahl = sum(len(t["eintraege"]) for t in paket)
        bis = paket[-1]["eintraege"][-1]["seq"]
        db(lambda: _gesendet_merken(store, bis, name.hash))  # noqa: B023 - runs right here
        vorgaenger = name.hash
        zahlen.gesendet_dateien += 1
        zahlen.gesendet += anzahl
        if fortschritt:
            fortschritt("Senden", i + 1, len(pakete))

# ------------------------------------------------------------------------------------------ import
def _quarantaene_eintragen(store: Store, name: fmt.Dateiname, grund: str) -> bool:
    """DB step: keep a bad file out; True if it was not in the quarantine yet."""
    with _schreibend(store) as s, s.begin():
        vorhanden = s.execute(select(SyncQuarantaene).where(SyncQuarantaene.pfad == name.pfad)).scalar_one_or_none()
        if vorhanden is not None:
            return False
        s.add(SyncQuarantaene(id=neue_id(), pfad=name.pfad, geraet=name.geraet, grund=grund, erkannt_am=jetzt_utc()))
    return True


def _quarantaene(store: Store, name: fmt.Dateiname, grund: str, code: str, zahlen: Zahlen, db: DbSchritt) -> None:
    if db(lambda: _quarantaene_eintragen(store, name, grund)):
        zahlen.quarantaene += 1
        ereignisse.quarantaene(name.geraet, name.pfad, code)
    zahlen.warnungen.append(f"Datei in Quarantäne, Gerät {name.geraet[:8]} wartet: {grund}")


def _laden(store: Store, backend: Backend, geraet: str, namen: list[fmt.Dateiname], zahlen: Zahlen,
           abbrechen: threading.Event | None, *, db: DbSchritt,
           stand: Geraetestand | None) -> list[tuple[fmt.Dateiname, dict[str, Any]]]:
    """Download and verify one device's new files in order; stop at the first bad one."""
    bis, vorgaenger = (stand.bis_seq, stand.letzter_hash) if stand else (0, "")
    docs = []
    for name in namen:
        if name.von_seq <= bis:
            continue
        _pruefe_abbruch(abbrechen)
        daten = backend.lesen(name.pfad)
        if daten is None:
            break  # listed but gone (eventual consistency): next sync
        try:
            doc = fmt.aenderungsdatei_pruefen(name, daten, vorgaenger, bis + 1)
        except fmt.Formatfehler as e:
            _quarantaene(store, name, str(e), e.code, zahlen, db)
            break
        docs.append((name, doc))
        bis, vorgaenger = doc["bis_seq"], name.hash
    return docs


def _loeschungen_pruefen(store: Store, docs: list[dict[str, Any]], max_anteil: float) -> None:
    """Refuse a sync that would delete more than ``max_anteil`` of the records (Joplin's lesson)."""
    ziele = {(e["tabelle"], e["id"]) for d in docs for t in d["transaktionen"] for e in t["eintraege"]
             if e["aktion"] == LOESCHEN}
    if not ziele:
        return
    with _plain(store) as s:
        gesamt = 0
        vorhanden = 0
        tab = tabellen()
        for cls in tab.values():
            gesamt += s.execute(select(func.count()).select_from(cls.__table__)).scalar_one()
        for tabelle, did in ziele:
            ziel = tab.get(tabelle)
            if ziel is not None and s.execute(select(ziel.__table__.c.id).where(ziel.__table__.c.id == did)).first():
                vorhanden += 1
    if vorhanden >= 10 and gesamt and vorhanden / gesamt > max_anteil:
        raise Sicherheitsstopp(
            f"Der Abgleich würde {vorhanden} von {gesamt} Datensätzen löschen "
            f"({vorhanden / gesamt:.0%}, erlaubt sind {max_anteil:.0%}). Zur Sicherheit wurde nichts übernommen. "
            "Wenn das gewollt ist: „abgleich jetzt --loeschen-erlauben“."
        )


class _Unanwendbar(Exception):
    """A well-formed file whose content cannot be applied (hostile or from a broken device)."""


class _Veraltet(Exception):
    """The device's cursor moved since the file was downloaded (another sync of this database
    applied it meanwhile): nothing applied, the next sync goes on from the new cursor."""


def _anwenden(store: Store, geraet: str, name: fmt.Dateiname, doc: dict[str, Any]) -> Zusammenfuehrung:
    """DB step: one file, its log entries and the cursor in one SQLite transaction (all or nothing)."""
    try:
        return _anwenden_in_transaktion(store, geraet, name, doc)
    except (ValueError, TypeError, KeyError, AttributeError, Eingabefehler) as e:
        # Values that fail our own checks (unknown table or field, wrong type, a rule broken by the
        # content itself): the file is quarantined like a damaged one, nothing of it applied.
        raise _Unanwendbar(f"{name.pfad}: Inhalt lässt sich nicht übernehmen ({e})") from e
    except IntegrityError as e:
        grund = str(e.orig)
        hilfe = ""
        if "UNIQUE" in grund:
            tabelle_feld = grund.split(":", 1)[-1].strip()
            hilfe = (f" Ein Wert, der eindeutig sein muss ({tabelle_feld}), wurde hier und auf Gerät {geraet[:8]} "
                     "unabhängig vergeben. Bitte hier den Wert ändern; danach gelingt der Abgleich.")
        raise OzgFehler(
            f"Die Änderungen in {name.pfad} lassen sich hier nicht übernehmen ({grund}).{hilfe} "
            "Es wurde nichts davon übernommen."
        ) from None


def _anwenden_in_transaktion(store: Store, geraet: str, name: fmt.Dateiname, doc: dict[str, Any]) -> Zusammenfuehrung:
    with store.session(quelle="abgleich") as s:
        s.info["ohne_protokoll"] = True
        # Checked under the write lock: the file still follows the cursor (downloaded in another thread).
        st = s.get(SyncGeraet, geraet)
        if (st.bis_seq if st else 0) != doc["von_seq"] - 1 or (st.letzter_hash if st else "") != doc["vorgaenger"]:
            raise _Veraltet()
        kausal = Kausalitaet(s)
        z = Zusammenfuehrung(s, kausal)
        ids = sorted({e["id"] for t in doc["transaktionen"] for e in t["eintraege"]})
        bekannt: set[str] = set()
        for i in range(0, len(ids), 500):
            bekannt.update(s.execute(select(Aenderung.datensatz_id).distinct()
                                     .where(Aenderung.datensatz_id.in_(ids[i:i + 500]))).scalars())
        zeilen = []
        for t in doc["transaktionen"]:
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
        for t in doc["transaktionen"]:
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
        st.bis_seq, st.letzter_hash, st.dateien = doc["bis_seq"], name.hash, st.dateien + 1
        # From the next local entry on, this device has seen everything applied so far.
        eigen = store.geraet_id
        naechste = (s.execute(select(func.max(Aenderung.seq)).where(Aenderung.geraet == eigen)).scalar() or 0) + 1
        kausal.setzen(eigen, naechste, cursors(s, ohne=eigen))
        # The entries go in by bulk insert and the merge writes with Core statements, which the
        # flush hooks do not see: name the records here, so ``aenderungen.erfassen`` reports them.
        geschrieben_merken(s, {(e["tabelle"], e["id"]) for t in doc["transaktionen"] for e in t["eintraege"]}
                           | z.beruehrt | z.entfernt)
    return z


def _hoechste_seq(store: Store, geraet: str) -> int:
    with _plain(store) as s:
        return s.execute(select(func.max(Aenderung.seq)).where(Aenderung.geraet == geraet)).scalar() or 0


def _cursors(store: Store, ohne: str) -> dict[str, int]:
    with _plain(store) as s:
        return cursors(s, ohne=ohne)


def importieren(store: Store, backend: Backend, geraete: list[str], zahlen: Zahlen, *,
                max_loeschanteil: float = 0.5, fortschritt: Fortschritt | None = None,
                abbrechen: threading.Event | None = None, db: DbSchritt | None = None,
                staende: dict[str, Geraetestand] | None = None) -> None:
    """Download the other devices' new files (network) and apply each in its own DB step.

    ``staende``: the cursors, if the caller has just read them in a DB step of its own."""
    db = schritte(db)
    eigen = store.geraet_id
    if staende is None:
        staende = db(lambda: geraetestaende(store))
    warteschlange: dict[str, list[tuple[fmt.Dateiname, dict[str, Any]]]] = {}
    for geraet in geraete:
        if geraet == eigen:
            continue
        namen = _dateien(backend.liste(f"{fmt.AENDERUNG_ORDNER}/{geraet}"), geraet)
        stand = staende.get(geraet)
        bis = stand.bis_seq if stand else 0
        neu = [n for n in namen if n.von_seq > bis]
        if neu:
            warteschlange[geraet] = _laden(store, backend, geraet, neu, zahlen, abbrechen, db=db, stand=stand)
    alle = [d for liste in warteschlange.values() for _, d in liste]
    if not alle:
        return
    eigene_hoechste = db(lambda: _hoechste_seq(store, eigen))
    for d in alle:
        for t in d["transaktionen"]:
            if int(t["gesehen"].get(eigen, 0)) > eigene_hoechste:
                raise Sicherheitsstopp(
                    f"Gerät {d['geraet'][:8]} kennt Änderungen dieses Geräts, die hier fehlen: Diese Datenbank ist "
                    "älter als ihr Stand auf der Ablage (Sicherung zurückgespielt?). Es wurde nichts übernommen."
                )
    db(lambda: _loeschungen_pruefen(store, alle, max_loeschanteil))
    gesamt = len(alle)
    erledigt = 0
    while True:
        fortschritt_gemacht = False
        cursor = db(lambda: _cursors(store, eigen))
        for geraet in sorted(warteschlange):
            liste = warteschlange[geraet]
            while liste:
                name, doc = liste[0]
                bereit = all(int(v) <= cursor.get(k, 0) for t in doc["transaktionen"]
                             for k, v in t["gesehen"].items() if k != eigen and k != geraet)
                if not bereit:
                    break
                _pruefe_abbruch(abbrechen)
                try:
                    z = db(lambda: _anwenden(store, geraet, name, doc))  # noqa: B023 - runs right here
                except _Unanwendbar as e:
                    _quarantaene(store, name, str(e), "unanwendbar", zahlen, db)
                    liste.clear()  # this device waits until its file is replaced; others go on
                    break
                except _Veraltet:
                    liste.clear()
                    zahlen.warnungen.append(f"Änderungen von Gerät {geraet[:8]} hat inzwischen ein anderer Abgleich "
                                            "dieser Datenbank übernommen; der nächste Abgleich setzt dort fort.")
                    break
                ereignisse.konflikte(z.konflikte_erkannt, z.konflikte_geschlossen)
                liste.pop(0)
                cursor[geraet] = doc["bis_seq"]
                fortschritt_gemacht = True
                erledigt += 1
                zahlen.empfangen_dateien += 1
                zahlen.empfangen += z.angewendet
                zahlen.zusammengefuehrt += z.zusammengefuehrt
                zahlen.konflikte += z.neue_konflikte
                zahlen.geloescht += z.geloescht
                zahlen.warnungen.extend(z.warnungen)
                if fortschritt:
                    fortschritt("Empfangen", erledigt, gesamt)
        if not fortschritt_gemacht:
            break
    for geraet, liste in warteschlange.items():
        if liste:
            zahlen.warnungen.append(
                f"Änderungen von Gerät {geraet[:8]} warten auf Dateien anderer Geräte, die noch nicht auf der Ablage sind."
            )


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
