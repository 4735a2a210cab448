"""Receiving: the other devices' new change files, found through their heads, verified, applied.

Per device the head file's *name* says where its chain ends; a device whose head name is the one
dealt with last time costs nothing. For a moved head the reader fetches, in sequence from its
cursor, the files named by sequence number (``changes/<device>/<seq>.json``, or the edition the
head names) – without ever listing the device's folder, so the cost does not grow with the
history. When the reader is exactly one file behind (the usual case) it fetches that file
directly, without reading the head.

Every file is checked before anything of it is applied (:func:`ozgdesk.sync.format.aenderungsdatei_pruefen`):
signed by a key the trust list binds to the device, of this share, continuing the device's chain
exactly where this reader's copy ends. A file that fails – damaged, forged, unsigned, claiming
another device, too large, a symlink – goes to a per-file quarantine (table ``sync_quarantaene``),
its author gets a signed notice in ``heads/`` and re-publishes the same entries as a new edition;
the device waits, everyone else goes on. Files of a device the trust list does not (yet) know
wait until a coordinator approves it; those of a revoked key are never applied.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import delete, select

from ozgdesk.model.base import jetzt_utc, neue_id
from ozgdesk.model.store import Store
from ozgdesk.sync import ereignisse
from ozgdesk.sync import format as fmt
from ozgdesk.sync.sicher_lesen import MAX_AENDERUNGSDATEI, MAX_STEUERDATEI
from ozgdesk.sync.backend import Backend, Schreibkonflikt, Unzulaessig
from ozgdesk.sync.replikation import (
    Fortschritt,
    Geraetestand,
    Sicherheitsstopp,
    Unanwendbar,
    Veraltet,
    Zahlen,
    _loeschungen_pruefen,
    _plain,
    _schreibend,
    _stand,
    anwenden,
    pruefe_abbruch,
)
from ozgdesk.sync.schritt import DbSchritt
from ozgdesk.sync.schluessel import Geraeteschluessel
from ozgdesk.sync.vertrauensliste import Vertrauensstand
from ozgdesk.sync.zustand import SyncGeraet, SyncQuarantaene, SyncSchluessel

#: quarantine codes that concern a whole device, not one file
NICHT_FREIGEGEBEN = "nicht_freigegeben"
WIDERRUFEN = "widerrufen"


class NeueIdentitaetNoetig(Exception):
    """Another device knows more of this device's entries than its database: a restored backup.
    The caller continues under a new identity (:mod:`ozgdesk.sync.identitaet`)."""


def lesen_geschuetzt(backend: Backend, pfad: str, hoechstens: int) -> bytes | None:
    """Read a file from the share with a size cap (the backends refuse symlinks, special files and
    oversize files with :class:`~ozgdesk.sync.backend.Unzulaessig`)."""
    return backend.lesen(pfad, hoechstens=hoechstens)


#: everything that sends one file to the quarantine: a file the backend refuses to read (symlink,
#: special file, too large) or one that fails the format check
DATEIFEHLER: tuple[type[Exception], ...] = (fmt.Formatfehler, Unzulaessig)


@dataclass
class Lauf:
    """What the receiving part of one sync run knows (plain data; built in DB steps)."""

    share_id: str
    eigen: str
    schluessel: Geraeteschluessel | None
    vertrauen: Callable[[], Vertrauensstand]
    staende: dict[str, Geraetestand]
    #: per device: quarantined files by first seq → edition (device-level entries: None → None)
    quarantaene: dict[str, dict[int | None, int | None]] = field(default_factory=dict)
    bekannte_schluessel: set[str] = field(default_factory=set)
    #: (author, first seq, edition) of the notices this device has on the share
    meldungen: set[tuple[str, int, int]] = field(default_factory=set)
    #: called before this part writes to the share (a notice): the run checks the share first
    vor_dem_schreiben: Callable[[], object] = lambda: None
    #: every head listed per device, newest first: junk under a device's name (an attacker's head
    #: with a higher counter) must not hide its real head
    alle_koepfe: dict[str, list[fmt.Kopfname]] = field(default_factory=dict)


def lauf_zustand(store: Store) -> tuple[dict[str, dict[int | None, int | None]], set[str]]:
    """DB step: open quarantine per device and the device keys announced so far."""
    with _plain(store) as s:
        q: dict[str, dict[int | None, int | None]] = {}
        for geraet, von, ausgabe in s.execute(select(SyncQuarantaene.geraet, SyncQuarantaene.von_seq,
                                                      SyncQuarantaene.ausgabe)):
            q.setdefault(geraet, {})[von] = ausgabe
        return q, set(s.execute(select(SyncSchluessel.id)).scalars())


def _quarantaene_eintragen(store: Store, geraet: str, pfad: str, von_seq: int | None, ausgabe: int | None,
                           code: str, grund: str) -> bool:
    """DB step: keep a bad file (or device) out; True if it was not in the quarantine yet."""
    with _schreibend(store) as s, s.begin():
        vorhanden = s.execute(select(SyncQuarantaene).where(SyncQuarantaene.pfad == pfad)).scalar_one_or_none()
        if vorhanden is not None:
            vorhanden.grund, vorhanden.code = grund, code
            return False
        s.add(SyncQuarantaene(id=neue_id(), pfad=pfad, geraet=geraet, grund=grund, erkannt_am=jetzt_utc(),
                              von_seq=von_seq, ausgabe=ausgabe, code=code))
    return True


def _quarantaene_loesen(store: Store, geraet: str, bis_seq: int | None, codes: tuple[str, ...] = ()) -> list[int]:
    """DB step: healed – drop the device's quarantined files up to ``bis_seq`` (and device-level
    entries with ``codes``). Returns the first seqs whose notices can go."""
    with _schreibend(store) as s, s.begin():
        zeilen = s.execute(select(SyncQuarantaene).where(SyncQuarantaene.geraet == geraet)).scalars().all()
        weg = [q for q in zeilen if (q.von_seq is not None and bis_seq is not None and q.von_seq <= bis_seq)
               or (q.von_seq is None and q.code in codes)]
        for q in weg:
            s.delete(q)
        return [q.von_seq for q in weg if q.von_seq is not None]


def _kopf_merken(store: Store, geraet: str, kopf: str) -> None:
    with _schreibend(store) as s, s.begin():
        _stand(s, geraet).kopf = kopf


def _schluessel_merken(store: Store, a: fmt.Ankuendigung) -> None:
    from datetime import datetime

    from ozgdesk.sync.schluessel import b64, fingerabdruck

    with _schreibend(store) as s, s.begin():
        s.merge(SyncSchluessel(id=a.geraet, schluessel=b64(a.schluessel), fingerabdruck=fingerabdruck(a.schluessel),
                               benutzer=a.benutzer, rechner=a.rechner, erstellt_am=datetime.fromisoformat(a.erstellt),
                               gesehen_am=jetzt_utc(),
                               nachfolge=json.dumps(a.nachfolge, sort_keys=True) if a.nachfolge else None))


def ankuendigungen_holen(store: Store, backend: Backend, lauf: Lauf, koepfe: dict[str, fmt.Kopfname],
                         zahlen: Zahlen, db: DbSchritt) -> None:
    """Read the key announcement of every device with a head that this device has not seen yet: the
    coordinator sees its fingerprint, and a new identity's succession statement counts at once."""
    vertrauen = db(lauf.vertrauen)
    for g in sorted(koepfe):
        if g == lauf.eigen or g in lauf.bekannte_schluessel or vertrauen.schluessel(g):
            continue
        try:
            daten = lesen_geschuetzt(backend, fmt.ankuendigung_pfad(g), MAX_STEUERDATEI)
            if daten is None:
                continue
            ankuendigung = fmt.ankuendigung_lesen(g, daten)
        except DATEIFEHLER as e:
            zahlen.warnungen.append(f"Die Schlüsselankündigung von Gerät {g[:8]} ist unbrauchbar: {e}")
            continue
        db(lambda a=ankuendigung: _schluessel_merken(store, a))  # type: ignore[misc]
        lauf.bekannte_schluessel.add(g)


def meldungen_abgleichen(backend: Backend, lauf: Lauf, meldungen: list[fmt.Meldungsname]) -> None:
    """This device's notices on the share match its quarantine: a notice whose file healed goes, a
    quarantined file without a notice (the upload failed last time) gets one."""
    offen = {(g, von, ausgabe) for g, dateien in lauf.quarantaene.items() for von, ausgabe in dateien.items()
             if von is not None and ausgabe is not None}
    vorhanden = {(m.an, m.von_seq, m.ausgabe) for m in meldungen if m.von == lauf.eigen}
    weg = [m for m in meldungen if m.von == lauf.eigen and (m.an, m.von_seq, m.ausgabe) not in offen]
    fehlen = sorted(offen - vorhanden - lauf.meldungen)
    if not weg and not fehlen:
        return
    lauf.vor_dem_schreiben()
    for m in weg:
        backend.loeschen(m.pfad)
    if lauf.schluessel is None:
        return
    for g, von, ausgabe in fehlen:
        name = fmt.Meldungsname(g, lauf.eigen, von, ausgabe)
        try:
            backend.veroeffentlichen(name.pfad, fmt.meldung_bauen(lauf.schluessel, lauf.share_id, name, "quarantaene",
                                                                  "Die Datei wurde hier nicht übernommen."))
        except Schreibkonflikt:
            pass


class _Geraet:
    """One remote device's part of the run: its head, cursor, and the verified files to apply."""

    def __init__(self, geraet: str, kopf: fmt.Kopfname, stand: Geraetestand | None) -> None:
        self.geraet = geraet
        self.kopf = kopf
        #: the head moved since last time: files refused before are tried again (their author may have
        #: put the real file where junk lay, or published a new edition)
        self.kopf_neu = stand is None or stand.kopf != kopf.name
        self.bis = stand.bis_seq if stand else 0
        self.kette = stand.letzter_hash if stand else ""
        #: (file, cursor it was verified against)
        self.dateien: list[tuple[fmt.Aenderungen, int, str]] = []
        self.fertig_geladen = False


def empfangen(store: Store, backend: Backend, lauf: Lauf, koepfe: dict[str, fmt.Kopfname], zahlen: Zahlen, *,
              max_loeschanteil: float, fortschritt: Fortschritt | None, abbrechen: threading.Event | None,
              db: DbSchritt) -> None:
    """Fetch and apply what moved. A pass may make other devices valid (an approval arrived):
    those are fetched in a further pass of the same run."""
    ankuendigungen_holen(store, backend, lauf, koepfe, zahlen, db)
    erledigt: set[str] = set()
    for _ in range(5):
        vertrauen = db(lauf.vertrauen)
        zu_pruefen = [g for g, k in sorted(koepfe.items()) if g != lauf.eigen and g not in erledigt
                      and vertrauen.schluessel(g) and (_bewegt(lauf, g, k) or g in lauf.quarantaene)]
        if not zu_pruefen:
            break
        geraete: list[_Geraet] = []
        for g in zu_pruefen:
            pruefe_abbruch(abbrechen)
            if None in lauf.quarantaene.get(g, {}):
                db(lambda g=g: _quarantaene_loesen(store, g, None, (NICHT_FREIGEGEBEN, WIDERRUFEN)))  # type: ignore[misc]
                lauf.quarantaene[g].pop(None, None)
            gl = _Geraet(g, koepfe[g], lauf.staende.get(g))
            _laden(store, backend, lauf, gl, vertrauen, zahlen, abbrechen, db)
            geraete.append(gl)
            erledigt.add(g)
        # applying may bring approvals: the next pass takes the devices they make valid
        _anwenden_kausal(store, lauf, geraete, zahlen, max_loeschanteil, fortschritt, abbrechen, db)
        for gl in geraete:
            if gl.fertig_geladen and not gl.dateien:
                db(lambda gl=gl: _kopf_merken(store, gl.geraet, gl.kopf.name))  # type: ignore[misc]
    vertrauen = db(lauf.vertrauen)
    for g, k in sorted(koepfe.items()):
        if g != lauf.eigen and not vertrauen.schluessel(g) and (_bewegt(lauf, g, k) or g in lauf.quarantaene):
            _nicht_gueltig(store, backend, lauf, vertrauen, g, k, zahlen, db)


def _bewegt(lauf: Lauf, geraet: str, kopf: fmt.Kopfname) -> bool:
    stand = lauf.staende.get(geraet)
    return stand is None or stand.kopf != kopf.name


def _nicht_gueltig(store: Store, backend: Backend, lauf: Lauf, vertrauen: Vertrauensstand, g: str,
                   kopf: fmt.Kopfname, zahlen: Zahlen, db: DbSchritt) -> None:
    """A device without a valid key: announced and waiting for approval, or revoked."""
    if vertrauen.ist_widerrufen(g):
        code, grund = WIDERRUFEN, (f"Gerät {g[:8]}: Sein Schlüssel wurde widerrufen; seine Änderungen werden nicht "
                                   "übernommen.")
    else:
        code, grund = NICHT_FREIGEGEBEN, (f"Gerät {g[:8]} ist noch nicht freigegeben: Seine Änderungen warten, bis "
                                          "die Koordination seinen Schlüssel freigibt (Seite Abgleich, Reiter „Geräte und Vertrauensliste“, oder „ozgdesk-cli abgleich geraete freigeben“).")
    neu = db(lambda: _quarantaene_eintragen(store, g, f"{fmt.GERAETE_ORDNER}/{g}", None, None, code, grund))
    lauf.quarantaene.setdefault(g, {})[None] = None
    if neu:  # logged once; counted as a waiting (or revoked) device, not as a file in quarantine
        ereignisse.quarantaene(g, kopf.pfad, code)
    zahlen.warnungen.append(grund)
    db(lambda: _kopf_merken(store, g, kopf.name))


def _laden(store: Store, backend: Backend, lauf: Lauf, gl: _Geraet, vertrauen: Vertrauensstand, zahlen: Zahlen,
           abbrechen: threading.Event | None, db: DbSchritt) -> None:
    """Download and verify one device's new files in order; stop at the first bad one."""
    schluessel = vertrauen.schluessel(gl.geraet)
    k = gl.kopf
    if k.von_seq == 0:
        gl.fertig_geladen = True
        return
    bis, kette = gl.bis, gl.kette
    quarantaene = lauf.quarantaene.get(gl.geraet, {})
    if k.stand == 0:
        _laden_aus_ordner(store, backend, lauf, gl, schluessel, zahlen, abbrechen, db)
        return
    kandidaten = lauf.alle_koepfe.get(gl.geraet) or [k]
    if len(kandidaten) == 1 and k.von_seq == bis + 1 and not quarantaene and k.letzte_datei is not None:
        namen: Callable[[int], fmt.Dateiname] = lambda von: k.letzte_datei  # type: ignore[assignment,return-value]  # noqa: E731
        ziel_bis = None  # the latest file: whatever it ends with is the head
    else:
        kopf = _gueltiger_kopf(backend, lauf, gl, kandidaten, schluessel, zahlen)
        if kopf is None:
            return
        gl.kopf = kopf.name
        if kopf.bis_seq <= bis:
            if kopf.bis_seq == bis and kopf.kette != kette:
                zahlen.warnungen.append(f"Gerät {gl.geraet[:8]} meldet einen anderen Stand seiner Änderungen als hier "
                                        "bekannt (Kopie oder zurückgespielte Sicherung des Geräts?).")
            gl.fertig_geladen = True
            return
        namen = kopf.datei
        ziel_bis = kopf.bis_seq
    verzeichnis: list[fmt.Dateiname] | None = None
    while ziel_bis is None or bis < ziel_bis:
        pruefe_abbruch(abbrechen)
        name = namen(bis + 1)
        if quarantaene.get(name.von_seq, 0) == name.ausgabe and not gl.kopf_neu:
            gl.fertig_geladen = True
            return  # still the edition refused before, and its author has not moved: wait
        try:
            gefunden = _holen(backend, name)
            if gefunden is None:
                # regrouped by its author (a move): the file holding bis + 1 starts earlier
                if verzeichnis is None:
                    verzeichnis = _verzeichnis(backend, gl.geraet)
                frueher = [n for n in verzeichnis if n.von_seq <= bis + 1]
                if frueher:
                    name = max(frueher, key=lambda n: (n.von_seq, n.ausgabe))
                    gefunden = _holen(backend, name)
                if gefunden is None:
                    # named by the head but gone (deleted, share restored): the author is told and sends it again
                    raise fmt.Formatfehler(f"{name.pfad}: Die Datei fehlt auf der Ablage, obwohl der Kopf des Geräts "
                                           "sie nennt.", "fehlt")
            datei = fmt.aenderungsdatei_pruefen(name, gefunden, schluessel=schluessel, share_id=lauf.share_id,
                                                bis=bis, kette=kette)
        except fmt.Formatfehler as e:
            _quarantaene(store, backend, lauf, gl.geraet, name.pfad, name.von_seq, name.ausgabe, e.code, str(e),
                         zahlen, db)
            gl.fertig_geladen = True
            return
        gl.dateien.append((datei, bis, kette))
        bis, kette = datei.bis_seq, datei.kette_nach
        if ziel_bis is None:
            break
    gl.fertig_geladen = True


def ohne_kopf(backend: Backend, geraet: str) -> fmt.Kopfname | None:
    """A stand-in head (``stand`` 0) for a device whose head is gone but whose files are there: this
    device's own old identity after a restore. Its files are then read from a listing of its folder."""
    namen = _verzeichnis(backend, geraet)
    if not namen:
        return None
    letzte = max(namen, key=lambda n: (n.von_seq, n.ausgabe))
    return fmt.Kopfname(geraet, letzte.von_seq, letzte.ausgabe, 0)


def _laden_aus_ordner(store: Store, backend: Backend, lauf: Lauf, gl: _Geraet, schluessel: list[bytes],
                      zahlen: Zahlen, abbrechen: threading.Event | None, db: DbSchritt) -> None:
    """Like :func:`_laden`, for a stand-in head: every listed file from the one holding ``bis + 1`` on."""
    ausgaben: dict[int, int] = {}
    for n in _verzeichnis(backend, gl.geraet):
        ausgaben[n.von_seq] = max(ausgaben.get(n.von_seq, 0), n.ausgabe)
    bis, kette = gl.bis, gl.kette
    anfang = max((v for v in ausgaben if v <= bis + 1), default=None)
    for von in sorted(v for v in ausgaben if anfang is not None and v >= anfang or v > bis):
        pruefe_abbruch(abbrechen)
        if von <= bis and von != anfang:
            continue
        name = fmt.Dateiname(gl.geraet, von, ausgaben[von])
        try:
            daten = _holen(backend, name)
            if daten is None:
                break
            datei = fmt.aenderungsdatei_pruefen(name, daten, schluessel=schluessel, share_id=lauf.share_id,
                                                bis=bis, kette=kette)
        except fmt.Formatfehler as e:
            if e.code == "folgenummer" and von == anfang:
                continue  # the file before the cursor ends where this device already is
            _quarantaene(store, backend, lauf, gl.geraet, name.pfad, von, name.ausgabe, e.code, str(e), zahlen, db)
            break
        gl.dateien.append((datei, bis, kette))
        bis, kette = datei.bis_seq, datei.kette_nach
    gl.fertig_geladen = True


def _holen(backend: Backend, name: fmt.Dateiname) -> bytes | None:
    """A change file's bytes, or None if it is not there. A file the backend refuses (symlink,
    special file, too large) raises :class:`~ozgdesk.sync.format.Formatfehler` with the backend's
    code, so it is quarantined like any bad file; what is not JSON is first confirmed to exist
    (IIS answers 200 for a missing file)."""
    try:
        daten = lesen_geschuetzt(backend, name.pfad, MAX_AENDERUNGSDATEI)
    except Unzulaessig as e:
        raise fmt.Formatfehler(str(e), getattr(e, "code", "unzulaessig")) from None
    if daten is None:
        return None
    if not daten.lstrip().startswith(b"{") and not backend.existiert(name.pfad):
        return None
    return daten


def _gueltiger_kopf(backend: Backend, lauf: Lauf, gl: _Geraet, kandidaten: list[fmt.Kopfname], schluessel: list[bytes],
                    zahlen: Zahlen) -> fmt.Kopf | None:
    """The newest head of the device that its key really signed (a head is only a pointer: a
    damaged or forged one is skipped, its device replaces it on its next sync)."""
    for k in kandidaten:
        try:
            daten = lesen_geschuetzt(backend, k.pfad, MAX_STEUERDATEI)
            if daten is None:
                continue
            return fmt.kopf_lesen(k, daten, schluessel=schluessel, share_id=lauf.share_id)
        except DATEIFEHLER as e:
            zahlen.warnungen.append(f"Ein Kopf von Gerät {gl.geraet[:8]} ist unbrauchbar und wird übergangen: {e}")
    return None


def _verzeichnis(backend: Backend, geraet: str) -> list[fmt.Dateiname]:
    namen = [fmt.dateiname_lesen(geraet, e.name) for e in backend.liste(f"{fmt.AENDERUNG_ORDNER}/{geraet}") or []
             if not e.ordner]
    return [n for n in namen if n is not None]


def _quarantaene(store: Store, backend: Backend, lauf: Lauf, geraet: str, pfad: str, von_seq: int,
                 ausgabe: int, code: str, grund: str, zahlen: Zahlen, db: DbSchritt) -> None:
    """Keep one file out, tell its author (a signed notice in ``heads/``), and go on with the others."""
    neu = db(lambda: _quarantaene_eintragen(store, geraet, pfad, von_seq, ausgabe, code, grund))
    if neu:
        zahlen.quarantaene += 1
        ereignisse.quarantaene(geraet, pfad, code)
    lauf.quarantaene.setdefault(geraet, {})[von_seq] = ausgabe
    zahlen.warnungen.append(f"Datei in Quarantäne, Gerät {geraet[:8]} wartet: {grund}")
    if lauf.schluessel is not None and (geraet, von_seq, ausgabe) not in lauf.meldungen:
        lauf.vor_dem_schreiben()
        name = fmt.Meldungsname(geraet, lauf.eigen, von_seq, ausgabe)
        try:
            backend.veroeffentlichen(name.pfad, fmt.meldung_bauen(lauf.schluessel, lauf.share_id, name, code, grund))
        except Schreibkonflikt:
            pass  # an earlier notice of ours for the same file is there already
        lauf.meldungen.add((geraet, von_seq, ausgabe))


def _anwenden_kausal(store: Store, lauf: Lauf, geraete: list[_Geraet], zahlen: Zahlen, max_loeschanteil: float,
                     fortschritt: Fortschritt | None, abbrechen: threading.Event | None, db: DbSchritt) -> None:
    """Apply the downloaded files, each in its own DB step, in causal order across devices."""
    alle = [d for gl in geraete for d, _, _ in gl.dateien]
    if not alle:
        return
    eigen = lauf.eigen
    eigene_hoechste = db(lambda: _hoechste_seq(store, eigen))
    for d in alle:
        for t in d.transaktionen:
            if int(t["gesehen"].get(eigen, 0)) > eigene_hoechste:
                raise NeueIdentitaetNoetig()
    db(lambda: _loeschungen_pruefen(store, [{"transaktionen": d.transaktionen} for d in alle], max_loeschanteil))
    vertrauen = db(lauf.vertrauen)
    gesamt, fertig = len(alle), 0
    while True:
        weiter = False
        cursor = db(lambda: _cursors(store, eigen))
        for gl in sorted(geraete, key=lambda x: x.geraet):
            while gl.dateien:
                datei, bis_vorher, kette_vorher = gl.dateien[0]
                bereit = all(int(v) <= cursor.get(k, 0) for t in datei.transaktionen
                             for k, v in t["gesehen"].items() if k != eigen and k != gl.geraet)
                if not bereit:
                    break
                pruefe_abbruch(abbrechen)
                bindung = vertrauen.bindung(gl.geraet)
                benutzer = bindung.benutzer if bindung else None
                try:
                    z = db(lambda: anwenden(store, datei, benutzer, bis_vorher, kette_vorher))  # noqa: B023
                except Unanwendbar as e:
                    _quarantaene_anwenden(store, lauf, gl, datei, str(e), zahlen, db)
                    break
                except Veraltet:
                    gl.dateien.clear()
                    zahlen.warnungen.append(f"Änderungen von Gerät {gl.geraet[:8]} hat inzwischen ein anderer Abgleich "
                                            "dieser Datenbank übernommen; der nächste Abgleich setzt dort fort.")
                    break
                ereignisse.konflikte(z.konflikte_erkannt, z.konflikte_geschlossen)
                gl.dateien.pop(0)
                cursor[gl.geraet] = datei.bis_seq
                if lauf.quarantaene.get(gl.geraet):
                    geheilt = db(lambda: _quarantaene_loesen(store, gl.geraet, datei.bis_seq))  # noqa: B023
                    for von in geheilt:
                        lauf.quarantaene[gl.geraet].pop(von, None)
                weiter = True
                fertig += 1
                zahlen.empfangen_dateien += 1
                zahlen.empfangen += z.angewendet
                zahlen.zusammengefuehrt += z.zusammengefuehrt
                zahlen.konflikte += z.neue_konflikte
                zahlen.geloescht += z.geloescht
                zahlen.warnungen.extend(z.warnungen)
                if fortschritt:
                    fortschritt("Empfangen", fertig, gesamt)
        if not weiter:
            break
    for gl in geraete:
        if gl.dateien:
            gl.fertig_geladen = False  # its head is looked at again next time
            zahlen.warnungen.append(
                f"Änderungen von Gerät {gl.geraet[:8]} warten auf Dateien anderer Geräte, die noch nicht übernommen sind."
            )


def _quarantaene_anwenden(store: Store, lauf: Lauf, gl: _Geraet, datei: fmt.Aenderungen, grund: str, zahlen: Zahlen,
                          db: DbSchritt) -> None:
    """A verified file whose content cannot be applied: quarantined like a damaged one (no notice:
    a new edition of the same content would fail the same way)."""
    code = "unanwendbar"
    if db(lambda: _quarantaene_eintragen(store, gl.geraet, datei.name.pfad, datei.name.von_seq, datei.name.ausgabe,
                                         code, grund)):
        zahlen.quarantaene += 1
        ereignisse.quarantaene(gl.geraet, datei.name.pfad, code)
    lauf.quarantaene.setdefault(gl.geraet, {})[datei.name.von_seq] = datei.name.ausgabe
    zahlen.warnungen.append(f"Datei in Quarantäne, Gerät {gl.geraet[:8]} wartet: {grund}")
    gl.dateien.clear()


def _hoechste_seq(store: Store, geraet: str) -> int:
    from sqlalchemy import func

    from ozgdesk.model.protokoll import Aenderung

    with _plain(store) as s:
        return s.execute(select(func.max(Aenderung.seq)).where(Aenderung.geraet == geraet)).scalar() or 0


def _cursors(store: Store, ohne: str) -> dict[str, int]:
    from ozgdesk.sync.replikation import cursors

    with _plain(store) as s:
        return cursors(s, ohne=ohne)


def quarantaene_eines_geraets_loeschen(store: Store, geraet: str) -> None:
    """DB step: forget everything quarantined of a device (it was revoked for good or approved anew)."""
    with _schreibend(store) as s, s.begin():
        s.execute(delete(SyncQuarantaene).where(SyncQuarantaene.geraet == geraet))


__all__ = ["Lauf", "NeueIdentitaetNoetig", "Sicherheitsstopp", "SyncGeraet", "empfangen", "lauf_zustand",
           "meldungen_abgleichen"]
