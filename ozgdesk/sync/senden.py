"""Sending: this device's new entries as signed change files, its head, and repairs of what it sent.

* New entries go into files ``changes/<device>/<first seq>.json``, published write-once. If that
  name is taken, the file there is read: the very same entries (a sync interrupted after the
  upload) are adopted; anything else means a second writer under this id (:class:`Gabelung`) and
  the caller continues under a new identity.
* The head ``heads/k-<device>-…`` is written after the files, and remembered locally *before* it is
  written, so a head on the share that this device did not expect is proof of another writer.
* Repairs: a share restored from an older backup lacks files this device sent – they are rebuilt
  byte for byte from the log (deterministic signatures) and sent again; a reader's notice says a
  file arrived damaged – the same entries are published as a new edition and the head names it.
"""

from __future__ import annotations

import threading
from typing import Any

from sqlalchemy import select

from ozgdesk.model.protokoll import Aenderung
from ozgdesk.model.store import Store
from ozgdesk.sync import format as fmt
from ozgdesk.sync.sicher_lesen import MAX_AENDERUNGSDATEI, MAX_STEUERDATEI
from ozgdesk.sync import replikation
from ozgdesk.sync.backend import Ablagefehler, Backend, Schreibkonflikt, Unzulaessig
from ozgdesk.sync.empfangen import lesen_geschuetzt
from ozgdesk.sync.identitaet import Eigenes, Gesendet, eigenes_lesen
from ozgdesk.sync.kausal import Kausalitaet
from ozgdesk.sync.replikation import Fortschritt, Zahlen, _plain, _schreibend, _stand, pruefe_abbruch
from ozgdesk.sync.schluessel import Geraeteschluessel
from ozgdesk.sync.schritt import DbSchritt
from ozgdesk.sync.vertrauensliste import Vertrauensstand
from ozgdesk.sync.zustand import SyncDatei


class Gabelung(Exception):
    """Another writer publishes under this device's id (restored backup, copied home folder)."""

    def __init__(self, grund: str) -> None:
        super().__init__(grund)
        self.grund = grund


def _transaktionen(store: Store, geraet: str, nach: int, bis: int | None = None) -> list[dict[str, Any]]:
    """DB step: the device's log entries after ``nach`` (up to ``bis``), grouped into transactions
    with their causal context – exactly as they were (or will be) sent, so a rebuilt file is the same."""
    transaktionen: list[dict[str, Any]] = []
    with _plain(store) as s:
        q = select(Aenderung).where(Aenderung.geraet == geraet, Aenderung.seq > nach)
        if bis is not None:
            q = q.where(Aenderung.seq <= bis)
        zeilen = s.execute(q.order_by(Aenderung.seq)).scalars().all()
        if not zeilen:
            return transaktionen
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
    return transaktionen


def _zu_senden(store: Store) -> tuple[int, str, list[dict[str, Any]]]:
    eigenes = eigenes_lesen(store)
    return eigenes.bis_seq, eigenes.kette, _transaktionen(store, eigenes.geraet, eigenes.bis_seq)


def _gesendet_merken(store: Store, d: Gesendet) -> None:
    """DB step: a file of this device is on the share (sent now, or found there from an interrupted run)."""
    with _schreibend(store) as s, s.begin():
        vorhanden = s.execute(select(SyncDatei).where(SyncDatei.geraet == store.geraet_id,
                                                      SyncDatei.von_seq == d.von_seq)).scalar_one_or_none()
        if vorhanden is None:
            s.add(SyncDatei(geraet=store.geraet_id, von_seq=d.von_seq, bis_seq=d.bis_seq, ausgabe=d.ausgabe,
                            kette_vor=d.kette_vor, kette_nach=d.kette_nach))
        st = _stand(s, store.geraet_id, eigen=True)
        if d.bis_seq > st.bis_seq:
            st.bis_seq, st.letzter_hash, st.dateien = d.bis_seq, d.kette_nach, st.dateien + 1


def _pakete(transaktionen: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    pakete: list[list[dict[str, Any]]] = [[]]
    for t in transaktionen:
        if pakete[-1] and pakete[-1][-1]["transaktion"] != t["transaktion"] \
                and sum(len(x["eintraege"]) for x in pakete[-1]) + len(t["eintraege"]) > replikation.EINTRAEGE_JE_DATEI:
            pakete.append([])
        pakete[-1].append(t)
    return pakete


def senden(store: Store, backend: Backend, schluessel: Geraeteschluessel, share_id: str, zahlen: Zahlen,
           fortschritt: Fortschritt | None, abbrechen: threading.Event | None, db: DbSchritt) -> bool:
    """Publish the entries not yet on the share. True if anything was sent or adopted."""
    etwas = False
    for _ in range(1000):  # each round either finishes or adopts a file found on the share
        bis, kette, transaktionen = db(lambda: _zu_senden(store))
        if not transaktionen:
            return etwas
        pakete = _pakete(transaktionen)
        fertig = True
        for i, paket in enumerate(pakete):
            pruefe_abbruch(abbrechen)
            for ausgabe in range(1, 10):
                name, daten, kette_nach = fmt.aenderungsdatei_bauen(schluessel, share_id, kette, paket, ausgabe)
                try:
                    backend.veroeffentlichen(name.pfad, daten)
                    ergebnis = "veroeffentlicht"
                except (Schreibkonflikt, Unzulaessig) as e:
                    if isinstance(e, Unzulaessig) and e.pfad != name.pfad:
                        raise  # a folder on the way is a symlink or special file: never write through it
                    ergebnis = _vorhandene_uebernehmen(store, backend, schluessel, share_id, name, bis, kette, db)
                if ergebnis != "blockiert":
                    break  # junk that cannot be removed blocks the name: the same entries as the next edition
            if ergebnis != "veroeffentlicht":
                etwas, fertig = True, False
                break
            anzahl = sum(len(t["eintraege"]) for t in paket)
            bis_neu = paket[-1]["eintraege"][-1]["seq"]
            d = Gesendet(name.von_seq, bis_neu, name.ausgabe, kette, kette_nach)
            db(lambda: _gesendet_merken(store, d))  # noqa: B023 - runs right here
            bis, kette = bis_neu, kette_nach
            etwas = True
            zahlen.gesendet_dateien += 1
            zahlen.gesendet += anzahl
            if fortschritt:
                fortschritt("Senden", i + 1, len(pakete))
        if fertig:
            return etwas
    return etwas


def _vorhandene_uebernehmen(store: Store, backend: Backend, schluessel: Geraeteschluessel, share_id: str,
                            name: fmt.Dateiname, bis: int, kette: str, db: DbSchritt) -> str:
    """The name of the next file is taken on the share. What this device's key did not sign is junk
    under its name (an attacker, a damaged upload, a symlink) and goes – or, if the server will not
    let it go, blocks the name (``"blockiert"``: the caller uses the next edition); the very same
    entries (an upload of an interrupted sync) are adopted (``"uebernommen"``); anything else its key
    signed is a second writer under this id (:class:`Gabelung`). ``"entfernt"``: try the name again."""
    try:
        daten = lesen_geschuetzt(backend, name.pfad, MAX_AENDERUNGSDATEI)
        signiert = fmt.signiert_lesen(daten or b"", fmt.AENDERUNG_FORMAT, fmt.AENDERUNG_VERSION, name.pfad)
        eigen = signiert.echt([schluessel.oeffentlich], fmt.ZWECK_AENDERUNG)
    except (fmt.Formatfehler, Unzulaessig):
        eigen = False
    if not eigen:
        try:
            backend.loeschen(name.pfad)
        except Ablagefehler:
            return "blockiert"
        return "entfernt"
    try:
        vorhanden = fmt.aenderungsdatei_pruefen(name, daten or b"", schluessel=[schluessel.oeffentlich],
                                                share_id=share_id, bis=bis, kette=kette)
    except fmt.Formatfehler:
        raise Gabelung(f"Unter der Kennung dieses Geräts liegt auf der Ablage eine andere, mit seinem Schlüssel "
                       f"signierte Datei ({name.pfad}).") from None
    eigene = db(lambda: _transaktionen(store, store.geraet_id, bis, vorhanden.bis_seq))
    letzte = eigene[-1]["eintraege"][-1]["seq"] if eigene else 0
    if letzte != vorhanden.bis_seq or fmt.kette_ueber(kette, eigene) != vorhanden.kette_nach:
        raise Gabelung(f"Auf der Ablage liegen unter der Kennung dieses Geräts Änderungen ({name.pfad}), die seine "
                       "Datenbank nicht kennt.")
    d = Gesendet(name.von_seq, vorhanden.bis_seq, name.ausgabe, kette, vorhanden.kette_nach)
    db(lambda: _gesendet_merken(store, d))
    return "uebernommen"


# --------------------------------------------------------------------------------------------- head
def eigenen_stand_pruefen(store: Store, backend: Backend, eigenes: Eigenes, schluessel: Geraeteschluessel,
                          share_id: str, eigene_koepfe: list[fmt.Kopfname], zahlen: Zahlen, db: DbSchritt) -> bool:
    """Compare this device's head on the share with what it recorded. Returns True if the head must
    be (re)written; raises :class:`Gabelung` if another writer moved it."""
    erwartet = eigenes.kopfname
    if not eigene_koepfe:
        if eigenes.dateien:
            fehlende_neu_senden(store, backend, eigenes, schluessel, share_id, zahlen, db)
        return True
    h = max(eigene_koepfe, key=lambda k: k.stand)
    if erwartet is not None and h.name == erwartet.name:
        return len(eigene_koepfe) > 1
    if erwartet is not None and h.stand < erwartet.stand:
        fehlende_neu_senden(store, backend, eigenes, schluessel, share_id, zahlen, db)
        return True
    daten = lesen_geschuetzt(backend, h.pfad, MAX_STEUERDATEI)
    try:
        kopf = fmt.kopf_lesen(h, daten or b"", schluessel=[schluessel.oeffentlich], share_id=share_id)
    except fmt.Formatfehler:
        backend.loeschen(h.pfad)  # not signed by this device: junk under its name
        zahlen.warnungen.append("Unter dem Namen dieses Geräts lag ein fremder, ungültiger Kopf auf der Ablage; er "
                                "wurde entfernt.")
        return True
    if kopf.bis_seq <= eigenes.bis_seq and kopf.kette == _kette_bei(eigenes, kopf.bis_seq):
        return True  # an older head of our own that a crash left (its name was never recorded)
    raise Gabelung("Auf der Ablage liegt ein neuerer Stand dieses Geräts, als seine Datenbank kennt "
                   "(zurückgespielte Sicherung oder kopierter Datenordner).")


def _kette_bei(eigenes: Eigenes, bis: int) -> str | None:
    if bis == 0:
        return ""
    return next((d.kette_nach for d in eigenes.dateien if d.bis_seq == bis), None)


def fehlende_neu_senden(store: Store, backend: Backend, eigenes: Eigenes, schluessel: Geraeteschluessel,
                        share_id: str, zahlen: Zahlen, db: DbSchritt) -> None:
    """The share lost files this device sent (restored from an older backup, folder deleted): rebuild
    them from the log, byte for byte, and publish them again. Readers that have them skip them."""
    ordner = backend.liste(f"{fmt.AENDERUNG_ORDNER}/{eigenes.geraet}") or []
    da = {fmt.dateiname_lesen(eigenes.geraet, e.name) for e in ordner if not e.ordner}
    fehlend = [d for d in eigenes.dateien if fmt.Dateiname(eigenes.geraet, d.von_seq, d.ausgabe) not in da]
    if not fehlend:
        return
    for d in fehlend:
        transaktionen = db(lambda d=d: _transaktionen(store, eigenes.geraet, d.von_seq - 1, d.bis_seq))  # type: ignore[misc]
        if not transaktionen:
            continue
        name, daten, kette_nach = fmt.aenderungsdatei_bauen(schluessel, share_id, d.kette_vor, transaktionen, d.ausgabe)
        if kette_nach != d.kette_nach:
            zahlen.warnungen.append(f"Die eigene Datei {name.pfad} lässt sich nicht gleich wiederherstellen.")
            continue
        backend.veroeffentlichen(name.pfad, daten)
    zahlen.warnungen.append(f"Auf der Ablage fehlten {len(fehlend)} Änderungsdatei(en) dieses Geräts (Ablage aus einer "
                            "älteren Sicherung?); sie wurden unverändert neu veröffentlicht.")


def kopf_schreiben(store: Store, backend: Backend, schluessel: Geraeteschluessel, share_id: str,
                   eigene_koepfe: list[fmt.Kopfname], db: DbSchritt) -> fmt.Kopfname:
    """Write a new head for this device and remove its older ones."""
    eigenes = db(lambda: eigenes_lesen(store))
    staende = [k.stand for k in eigene_koepfe] + ([eigenes.kopfname.stand] if eigenes.kopfname else [])
    letzte = eigenes.dateien[-1] if eigenes.dateien else None
    name = fmt.Kopfname(eigenes.geraet, letzte.von_seq if letzte else 0, letzte.ausgabe if letzte else 0,
                        max(staende, default=0) + 1)
    ausgaben = {d.von_seq: d.ausgabe for d in eigenes.dateien if d.ausgabe > 1}
    daten = fmt.kopf_bauen(schluessel, share_id, name, eigenes.bis_seq, eigenes.kette, ausgaben)
    db(lambda: _kopf_vormerken(store, name.name))
    backend.veroeffentlichen(name.pfad, daten)
    for k in eigene_koepfe:
        if k.name != name.name:
            backend.loeschen(k.pfad)
    return name


def _kopf_vormerken(store: Store, kopf: str) -> None:
    with _schreibend(store) as s, s.begin():
        _stand(s, store.geraet_id, eigen=True).kopf = kopf


# ------------------------------------------------------------------------------------------ notices
def meldungen_bearbeiten(store: Store, backend: Backend, schluessel: Geraeteschluessel, share_id: str,
                         vertrauen: Vertrauensstand, meldungen: list[fmt.Meldungsname], zahlen: Zahlen,
                         db: DbSchritt) -> bool:
    """Readers that refused one of this device's files told it so: publish the same entries as a new
    edition (and drop the old one). True if the head must name the new editions."""
    an_mich = [m for m in meldungen if m.an == store.geraet_id]
    if not an_mich:
        return False
    eigenes = db(lambda: eigenes_lesen(store))
    neu = False
    fehlende_gesucht = False
    erledigt: set[int] = set()
    for m in sorted(an_mich, key=lambda m: (m.von_seq, m.von)):
        d = next((x for x in eigenes.dateien if x.von_seq == m.von_seq), None)
        if m.von_seq in erledigt or (d is not None and (d.ausgabe != m.ausgabe or d.ausgabe >= 99)):
            continue  # about an older edition, or already answered in this run
        melder = vertrauen.schluessel(m.von)
        if not melder:
            continue
        try:
            code, grund = fmt.meldung_lesen(m, lesen_geschuetzt(backend, m.pfad, MAX_STEUERDATEI) or b"",
                                            schluessel=melder, share_id=share_id)
        except fmt.Formatfehler:
            continue
        if code == "fehlt" and not fehlende_gesucht:
            # files of ours are gone from the share: put back every missing one, unchanged
            fehlende_neu_senden(store, backend, eigenes, schluessel, share_id, zahlen, db)
            fehlende_gesucht = True
        if d is None:
            continue
        transaktionen = db(lambda d=d: _transaktionen(store, eigenes.geraet, d.von_seq - 1, d.bis_seq))  # type: ignore[misc]
        name, daten, kette_nach = fmt.aenderungsdatei_bauen(schluessel, share_id, d.kette_vor, transaktionen,
                                                            d.ausgabe + 1)
        if kette_nach != d.kette_nach:
            continue
        try:
            backend.veroeffentlichen(name.pfad, daten)
        except Schreibkonflikt:
            pass  # an earlier attempt got this far
        db(lambda d=d, n=name.ausgabe: _ausgabe_merken(store, d.von_seq, n))  # type: ignore[misc]
        backend.loeschen(fmt.Dateiname(eigenes.geraet, d.von_seq, d.ausgabe).pfad)
        erledigt.add(d.von_seq)
        neu = True
        zahlen.warnungen.append(f"Gerät {m.von[:8]} konnte die Datei {fmt.Dateiname(eigenes.geraet, d.von_seq, d.ausgabe).pfad} "
                                f"dieses Geräts nicht übernehmen ({grund}); dieselben Änderungen wurden als Ausgabe "
                                f"{name.ausgabe} neu veröffentlicht.")
    return neu


def _ausgabe_merken(store: Store, von_seq: int, ausgabe: int) -> None:
    with _schreibend(store) as s, s.begin():
        d = s.execute(select(SyncDatei).where(SyncDatei.geraet == store.geraet_id,
                                              SyncDatei.von_seq == von_seq)).scalar_one()
        d.ausgabe = ausgabe
