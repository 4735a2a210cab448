"""One sync run, step by step (the API around it is :mod:`ozgdesk.sync.abgleich`).

1. One listing of ``heads/``. If every head there is the one dealt with last time and this device
   has nothing to send, the run ends: **a sync with nothing to do costs one request**, however
   long the share's history is. Nothing is read from or written to the share in that case, so the
   share's identity needs no check either.
2. Otherwise: the share's id file (refuse a replaced, emptied or older/newer share; found a new
   one; pin its trust anchors on first contact), this device's key and announcement, and a check
   of its own head against its records (a restored backup or a copied home folder → new identity).
3. Receive what moved (:mod:`ozgdesk.sync.empfangen`), answer readers' notices about damaged files,
   send (:mod:`ozgdesk.sync.senden`) and write the head; publish queued submissions; look into the
   BMI's inbox.

Temp files: uploads use a temp name that carries this device's id, and every folder a run uploads
into is noted in the store first – a run killed mid-upload has its leftovers removed by the next.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select

from ozgdesk.model.store import Store
from ozgdesk.sync import format as fmt
from ozgdesk.sync.sicher_lesen import MAX_STEUERDATEI
from ozgdesk.sync import identitaet, schnappschuss_ablage, senden
from ozgdesk.sync.backend import Ablagefehler, Backend, Schreibkonflikt
from ozgdesk.sync.empfangen import (
    Lauf,
    NeueIdentitaetNoetig,
    empfangen,
    lauf_zustand,
    lesen_geschuetzt,
    meldungen_abgleichen,
    ohne_kopf,
)
from ozgdesk.sync.replikation import Fortschritt, Geraetestand, Sicherheitsstopp, Zahlen, geraetestaende, stand_pruefen
from ozgdesk.sync.schluessel import Geraeteschluessel
from ozgdesk.sync.schritt import DbSchritt
from ozgdesk.sync.vertrauensliste import Vertrauensstand, anker_als_text, anker_aus_text, laden
from ozgdesk.sync import statusvorab
from ozgdesk.sync.zustand import SyncAusgang

SHARE_ID = "abgleich.share_id"
LETZTER = statusvorab.LETZTER
LOESCHANTEIL = "abgleich.max_loeschanteil"
#: the trust list's roots this device pinned when it first met the share (JSON)
ANKER = "abgleich.anker"
#: fingerprint of the founder's key given at setup (``--anker``): checked instead of trusting on first use
ANKER_ERWARTET = "abgleich.anker_erwartet"
#: share id this device announced its key on
ANGEKUENDIGT = "abgleich.angekuendigt"
#: folders a running sync uploads into (JSON list): a killed run's temp files are removed by the next
TEMP_ORDNER = "abgleich.temp_ordner"
#: Default: refuse a sync that would delete more than half of all records.
STANDARD_LOESCHANTEIL = 0.5
#: Clock skew against the server's Date header above this many seconds is reported (never decides).
MAX_UHRABWEICHUNG_S = 300


@dataclass(frozen=True)
class Vorbereitung:
    """What a sync run reads before it touches the share (one DB step)."""

    ziel: str | None
    benutzer: str | None
    share_id: str | None
    ressort: str
    loeschanteil: str | None
    staende: dict[str, Geraetestand]
    eigenes: identitaet.Eigenes
    anker: list[fmt.Anker]
    anker_erwartet: str | None
    angekuendigt: str | None
    temp_ordner: list[str]
    ausgang_offen: bool
    person: str


def vorbereiten(store: Store) -> Vorbereitung:
    from ozgdesk.sync.abgleich import BENUTZER, ZIEL, _ressort

    with store.lesen() as s:
        offen = s.execute(select(func.count()).select_from(SyncAusgang)
                          .where(SyncAusgang.veroeffentlicht_am.is_(None))).scalar_one()
    try:
        temp = json.loads(store.meta(TEMP_ORDNER) or "[]")
    except ValueError:
        temp = []
    return Vorbereitung(store.meta(ZIEL), store.meta(BENUTZER), store.meta(SHARE_ID), _ressort(store),
                        store.meta(LOESCHANTEIL), geraetestaende(store), identitaet.eigenes_lesen(store),
                        anker_aus_text(store.meta(ANKER)), store.meta(ANKER_ERWARTET), store.meta(ANGEKUENDIGT),
                        [t for t in temp if isinstance(t, str)], bool(offen), identitaet.personenname(store))


@dataclass
class Verzeichnis:
    """The listing of ``heads/``: heads by device (newest first), notices, this device's temp files."""

    koepfe: dict[str, list[fmt.Kopfname]] = field(default_factory=dict)
    meldungen: list[fmt.Meldungsname] = field(default_factory=list)
    #: the listing itself (temp files of crashed uploads are removed from it)
    roh: list[Any] = field(default_factory=list)

    def neuester(self) -> dict[str, fmt.Kopfname]:
        return {g: liste[0] for g, liste in self.koepfe.items()}


def verzeichnis(eintraege: list[Any] | None) -> Verzeichnis:
    v = Verzeichnis(roh=list(eintraege or []))
    for e in eintraege or []:
        if e.ordner or getattr(e, "unzulaessig", False):
            continue
        k = fmt.kopfname_lesen(e.name)
        if k is not None:
            v.koepfe.setdefault(k.geraet, []).append(k)
            continue
        m = fmt.meldungsname_lesen(e.name)
        if m is not None:
            v.meldungen.append(m)
    for liste in v.koepfe.values():
        liste.sort(key=lambda k: k.stand, reverse=True)
    return v


def nur_empfangen(vorab: Vorbereitung, v: Verzeichnis | None, schluessel: Geraeteschluessel | None,
                  eigen: str) -> bool:
    """True if this run has nothing to write: the share is known, this device's key is there and
    announced, its head is the one it last wrote, nothing of its own waits to be sent or published,
    no reader asked it to repair a file. Such a run only reads – and every file it reads names the
    share it belongs to, so the share's id file need not be read again."""
    if v is None or not vorab.share_id or not vorab.anker or schluessel is None or vorab.angekuendigt != vorab.share_id:
        return False
    if vorab.eigenes.ausstehend or vorab.ausgang_offen or vorab.temp_ordner:
        return False
    eigene = v.koepfe.get(eigen, [])
    if len(eigene) != 1 or eigene[0].name != vorab.eigenes.kopf:
        return False
    return not any(m.an == eigen for m in v.meldungen)


def nichts_zu_tun(vorab: Vorbereitung, v: Verzeichnis | None, schluessel: Geraeteschluessel | None,
                  eigen: str) -> bool:
    """True if the listing proves there is nothing to receive, send, repair or publish."""
    if v is None or not nur_empfangen(vorab, v, schluessel, eigen):
        return False
    for g, st in vorab.staende.items():
        if st.eigen:
            continue
        liste = v.koepfe.get(g)
        if liste is None:
            if st.bis_seq > 0:
                return False  # a known device vanished: the full run says so
            continue
        if liste[0].name != st.kopf:
            return False
    return all(g in vorab.staende for g in v.koepfe)


# ------------------------------------------------------------------------------------------- share
def share_sichern(store: Store, backend: Backend, vorab: Vorbereitung, schluessel: Geraeteschluessel | None,
                  db: DbSchritt) -> tuple[fmt.ShareInfo, bool]:
    """Read (or found) the share's id file and check it against what this device knows.

    Returns the share and whether this device founded it just now."""
    wurzel = backend.liste("")
    if wurzel is None:
        raise Ablagefehler(f"Das Abgleichziel {backend.beschreibung} gibt es nicht (oder es ist nicht erreichbar).")
    gegruendet = False
    # existence from the listing, never from a GET's status (IIS answers a missing file with 200)
    if any(e.name == fmt.SHARE_DATEI and not e.ordner for e in wurzel):
        daten = lesen_geschuetzt(backend, fmt.SHARE_DATEI, MAX_STEUERDATEI)
        if daten is None:
            raise Ablagefehler(f"{backend.beschreibung}: {fmt.SHARE_DATEI} ist gelistet, aber nicht lesbar.")
    else:
        if vorab.share_id:
            raise Sicherheitsstopp(
                f"Die Ablage {backend.beschreibung} ist leer oder ihre Kennungsdatei fehlt, obwohl dieses Gerät schon "
                "mit ihr abgeglichen hat (falsches Laufwerk, nicht eingehängt, ersetzt?). Zum Schutz der Daten wurde "
                "nichts abgeglichen."
            )
        if any(e.ordner and e.name in (fmt.AENDERUNG_ORDNER, fmt.KOEPFE_ORDNER) for e in wurzel):
            raise Sicherheitsstopp(
                f"Auf {backend.beschreibung} liegen Änderungsdateien, aber keine Kennungsdatei {fmt.SHARE_DATEI}. "
                "Die Ablage wird nicht verwendet."
            )
        if schluessel is None:
            raise Sicherheitsstopp("Ohne Geräteschlüssel kann keine Ablage gegründet werden.")
        anker = vorab.anker or [fmt.Anker(schluessel.geraet, schluessel.oeffentlich, vorab.person)]
        daten = fmt.share_datei_bauen(vorab.ressort, anker, schluessel)
        try:
            backend.veroeffentlichen(fmt.SHARE_DATEI, daten)
            gegruendet = True
        except Schreibkonflikt:  # another device founded it at the same moment: use theirs
            daten = lesen_geschuetzt(backend, fmt.SHARE_DATEI, MAX_STEUERDATEI) or b""
    try:
        info = fmt.share_datei_lesen(daten, backend.beschreibung)
    except fmt.Formatfehler as e:
        raise Sicherheitsstopp(f"Die Kennungsdatei der Ablage ist beschädigt oder gefälscht ({e}). Zum Schutz der Daten "
                               "wurde nichts abgeglichen.") from None
    if vorab.share_id and info.share_id != vorab.share_id:
        raise Sicherheitsstopp(
            f"Die Ablage {backend.beschreibung} ist nicht mehr dieselbe (andere Kennung): Sie wurde ersetzt oder "
            "neu angelegt. Zum Schutz der Daten wurde nichts abgeglichen. Ein gewollter Wechsel geht mit "
            "„ozgdesk-cli abgleich umziehen --ziel …“."
        )
    bekannt = {a.schluessel for a in vorab.anker}
    if bekannt and not bekannt & {a.schluessel for a in info.anker}:
        raise Sicherheitsstopp(
            f"Die Vertrauensliste der Ablage {backend.beschreibung} hat andere Wurzeln als die, denen dieses Gerät "
            "vertraut: Es ist nicht die Ablage dieses Ressorts. Es wurde nichts abgeglichen."
        )
    if not bekannt and vorab.anker_erwartet:
        from ozgdesk.sync.schluessel import fingerabdruck

        if _norm(fingerabdruck(info.anker[0].schluessel)) != _norm(vorab.anker_erwartet):
            raise Sicherheitsstopp(
                f"Der Fingerabdruck der Ablage ({fingerabdruck(info.anker[0].schluessel)}) ist nicht der bei der "
                f"Einrichtung angegebene ({vorab.anker_erwartet}). Es wurde nichts abgeglichen."
            )
    if anker_als_text(info.anker) != anker_als_text(vorab.anker):
        db(lambda: store.meta_setzen(ANKER, anker_als_text(info.anker)))
    return info, gegruendet


def _norm(finger: str) -> str:
    return "".join(finger.split()).upper()


def vertrauen_laden(store: Store) -> Vertrauensstand:
    """DB step: the valid keys, from the statements in the store and the pinned anchors."""
    anker = anker_aus_text(store.meta(ANKER))
    with store.lesen() as s:
        return laden(s, anker)


# -------------------------------------------------------------------------------------------- run
class _Run:
    """One full run: share checked, then receive, repair, send. Holds what the steps share."""

    def __init__(self, store: Store, backend: Backend, vorab: Vorbereitung, v: Verzeichnis, ergebnis: Zahlen,
                 fortschritt: Fortschritt | None, abbrechen: threading.Event | None, loeschanteil: float,
                 db: DbSchritt) -> None:
        self.store, self.backend, self.vorab, self.v, self.ergebnis = store, backend, vorab, v, ergebnis
        self.fortschritt, self.abbrechen, self.loeschanteil, self.db = fortschritt, abbrechen, loeschanteil, db
        self.share_id = ""
        #: device ids this run left behind (new identity): their files are fetched even without a head
        self.alte_kennungen: list[str] = []
        #: set once the share is checked for writing (:meth:`sichern`)
        self.schluessel: Geraeteschluessel | None = None
        self.share: fmt.ShareInfo | None = None
        self.kopf_noetig = False

    def identitaet_wechseln(self, alter: Geraeteschluessel | None, grund: str) -> Geraeteschluessel:
        from ozgdesk import logbuch

        self._share_einmal(alter)
        vertrauen = self.db(lambda: vertrauen_laden(self.store))
        neu = identitaet.neuer_schluessel()
        wechsel = self.db(lambda: identitaet.neue_identitaet(self.store, neu, alter, vertrauen, self.vorab.person))
        self.alte_kennungen.append(wechsel.alt)
        self.backend.temp_id = temp_kennung(wechsel.neu)
        self.ergebnis.warnungen.append(wechsel.meldung(grund))
        logbuch.ereignis("neue_geraetekennung", "ok", alt=wechsel.alt[:8], neu=wechsel.neu[:8],
                         neu_gesendet=wechsel.neu_gesendet, nachfolge=wechsel.nachfolge)
        self.ankuendigen(wechsel.schluessel, wechsel.nachfolge)
        if self.schluessel is not None:
            self.schluessel = wechsel.schluessel  # later steps sign as the new identity
        return wechsel.schluessel

    def ankuendigen(self, schluessel: Geraeteschluessel, nachfolge: dict[str, str] | None = None) -> Geraeteschluessel:
        if not identitaet.ankuendigen(self.backend, schluessel, self.share_id, self.vorab.person, nachfolge):
            schluessel = self.identitaet_wechseln(
                None, "Unter der bisherigen Kennung hat ein anderes Gerät mit einem anderen Schlüssel seinen Schlüssel "
                "angekündigt (kopierter Datenordner).")
        share_id = self.share_id
        self.db(lambda: self.store.meta_setzen(ANGEKUENDIGT, share_id))
        return schluessel

    def sichern(self, schluessel: Geraeteschluessel | None) -> Geraeteschluessel:
        """Before the first write of the run (or when the share is new to this device): check the share's
        id file (found it if new), this device's key and announcement, and its own head. Once per run."""
        if self.schluessel is not None:
            return self.schluessel
        store, backend, db, ergebnis = self.store, self.backend, self.db, self.ergebnis
        info = self._share_einmal(schluessel)
        if schluessel is None:
            schluessel = self.identitaet_wechseln(
                None, "Der Schlüssel dieses Geräts fehlt im Schlüsselbund (Datenordner auf einen anderen Rechner "
                "kopiert oder Schlüsselbund zurückgesetzt).")
        elif self.vorab.angekuendigt != info.share_id:
            schluessel = self.ankuendigen(schluessel)
        eigene = self.v.koepfe.get(store.geraet_id, [])
        eigenes = db(lambda: identitaet.eigenes_lesen(store))
        try:
            self.kopf_noetig |= senden.eigenen_stand_pruefen(store, backend, eigenes, schluessel, info.share_id,
                                                             eigene, ergebnis, db)
        except senden.Gabelung as g:
            schluessel = self.identitaet_wechseln(schluessel, g.grund)
            self.kopf_noetig = True
        self.schluessel = schluessel
        return schluessel

    def _share_einmal(self, schluessel: Geraeteschluessel | None) -> fmt.ShareInfo:
        """The share's id file, checked (or the share founded) once per run before anything is written."""
        if self.share is None:
            store, db = self.store, self.db
            self.share, gegruendet = share_sichern(store, self.backend, self.vorab, schluessel, db)
            self.share_id = self.share.share_id
            if gegruendet and schluessel is not None and self.share.anker[0].schluessel == schluessel.oeffentlich:
                k = schluessel
                db(lambda: identitaet.gruendung_eintragen(store, k, self.vorab.person))
            self.backend.temp_aufraeumen(fmt.KOEPFE_ORDNER, self.v.roh)  # every device uploads here: old leftovers go
        return self.share

    def ausfuehren(self, schluessel: Geraeteschluessel | None) -> None:
        store, backend, db, ergebnis = self.store, self.backend, self.db, self.ergebnis
        eigen = store.geraet_id
        nur_lesen = nur_empfangen(self.vorab, self.v, schluessel, eigen)
        self.share_id = self.vorab.share_id or ""
        self._vermisste_pruefen(eigen)
        if not nur_lesen:
            schluessel = self.sichern(schluessel)
            if not self.vorab.share_id:  # first contact: a new device starts from the newest snapshot
                schnappschuss_ablage.laden_wenn_leer(store, backend, self.share_id, ergebnis, db)
        assert schluessel is not None
        _uhr_pruefen(backend, ergebnis.warnungen)
        schluessel = self._empfangen(schluessel)
        grenze = (backend.serverzeit() or datetime.now(UTC)).timestamp() + 24 * 3600
        ergebnis.warnungen.extend(db(lambda: _nach_dem_import(store, grenze)))
        if nur_lesen and self.schluessel is None and not db(lambda: identitaet.eigenes_lesen(store)).ausstehend:
            return  # received only: nothing of this device's to write
        schluessel = self.sichern(schluessel)
        vertrauen = db(lambda: vertrauen_laden(store))
        self.kopf_noetig |= senden.meldungen_bearbeiten(store, backend, schluessel, self.share_id, vertrauen,
                                                        self.v.meldungen, ergebnis, db)
        try:
            gesendet = senden.senden(store, backend, schluessel, self.share_id, ergebnis, self.fortschritt,
                                     self.abbrechen, db)
        except senden.Gabelung as g:
            schluessel = self.identitaet_wechseln(schluessel, g.grund)
            schluessel = self._empfangen(schluessel)  # what the old identity has on the share comes back
            gesendet = senden.senden(store, backend, schluessel, self.share_id, ergebnis, self.fortschritt,
                                     self.abbrechen, db)
            self.kopf_noetig = True
        eigene = self.v.koepfe.get(store.geraet_id, [])
        if gesendet or self.kopf_noetig or len(eigene) != 1:
            senden.kopf_schreiben(store, backend, schluessel, self.share_id, eigene, db)
        schnappschuss_ablage.schreiben_wenn_faellig(store, backend, schluessel, self.share_id,
                                                    db(lambda: vertrauen_laden(store)), ergebnis, db)

    def _vermisste_pruefen(self, eigen: str) -> None:
        """Known devices whose head is gone: a share restored from an older backup (they send again) –
        or, if every known device is gone, an emptied share (refused)."""
        bekannt = [g for g, st in self.vorab.staende.items() if st.bis_seq > 0 and (not st.eigen or g == eigen)]
        fehlend = [g for g in bekannt if g not in self.v.koepfe]
        if bekannt and not self.v.koepfe:
            raise Sicherheitsstopp(
                f"Auf der Ablage {self.backend.beschreibung} fehlen die Köpfe aller {len(bekannt)} Geräte, mit denen "
                "schon abgeglichen wurde. Die Ablage wirkt geleert oder ersetzt; zum Schutz der Daten wurde nichts "
                "abgeglichen."
            )
        for g in fehlend:
            if g == eigen:
                continue  # sent again below
            self.ergebnis.warnungen.append(
                f"Gerät {g[:8]} hat keinen Kopf mehr auf der Ablage (Ablage aus einer Sicherung zurückgespielt?); "
                "seine Änderungen kommen, sobald es wieder abgleicht.")

    def _empfangen(self, schluessel: Geraeteschluessel) -> Geraeteschluessel:
        store, db = self.store, self.db
        for versuch in range(2):
            quarantaene, bekannte = db(lambda: lauf_zustand(store))
            lauf = Lauf(self.share_id, store.geraet_id, schluessel, lambda: vertrauen_laden(store),
                        db(lambda: geraetestaende(store)), quarantaene, bekannte,
                        {(m.an, m.von_seq, m.ausgabe) for m in self.v.meldungen if m.von == store.geraet_id},
                        vor_dem_schreiben=lambda k=schluessel: self.sichern(k),  # type: ignore[misc]
                        alle_koepfe=self.v.koepfe)
            koepfe = self.v.neuester()
            for alt in self.alte_kennungen:
                if alt not in koepfe and (ersatz := ohne_kopf(self.backend, alt)) is not None:
                    koepfe[alt] = ersatz
            try:
                empfangen(store, self.backend, lauf, koepfe, self.ergebnis,
                          max_loeschanteil=self.loeschanteil, fortschritt=self.fortschritt, abbrechen=self.abbrechen,
                          db=db)
            except NeueIdentitaetNoetig:
                if versuch:
                    raise Sicherheitsstopp("Die Datenbank ist älter als ihr Stand auf der Ablage; es wurde nichts "
                                           "übernommen.") from None
                schluessel = self.identitaet_wechseln(
                    schluessel, "Andere Geräte kennen mehr Änderungen dieses Geräts, als seine Datenbank enthält "
                    "(zurückgespielte Sicherung).")
                continue
            meldungen_abgleichen(self.backend, lauf, self.v.meldungen)
            return self.schluessel or schluessel
        return schluessel


def _uhr_pruefen(backend: Backend, warnungen: list[str]) -> None:
    server = backend.serverzeit()
    if server is None:
        return
    abweichung = (datetime.now(UTC) - server).total_seconds()
    if abs(abweichung) > MAX_UHRABWEICHUNG_S:
        richtung = "vor" if abweichung > 0 else "nach"
        warnungen.append(
            f"Die Uhr dieses Geräts geht gegenüber dem Server um {abs(abweichung) / 60:.0f} Minuten {richtung}. "
            "Für Konflikte spielt die Uhr keine Rolle; angezeigte Zeitpunkte können aber falsch sein."
        )


def _zukunft_pruefen(store: Store, grenze: float) -> list[str]:
    """DB step: entries stamped after ``grenze`` (a wrong device clock) are kept but flagged; they never decide."""
    from ozgdesk.model.protokoll import Aenderung

    with store.lesen() as s:
        zeilen = s.execute(select(Aenderung.geraet, func.max(Aenderung.zeitpunkt))
                           .where(Aenderung.quelle == "abgleich").group_by(Aenderung.geraet)).all()
    return [
        f"Gerät {geraet[:8]} stempelt Änderungen mit einer Zeit in der Zukunft ({zeit:%d.%m.%Y %H:%M} UTC): "
        "seine Uhr ist falsch. Die Zeitpunkte werden nur angezeigt, nie zur Entscheidung genutzt."
        for geraet, zeit in zeilen if zeit is not None and zeit.timestamp() > grenze
    ]


def _nach_dem_import(store: Store, grenze: float) -> list[str]:
    """DB step: the sanity check of the log and the clock warnings, as one list of hints."""
    return [f"Prüfung nach dem Abgleich: {p}" for p in stand_pruefen(store)] + _zukunft_pruefen(store, grenze)


# ------------------------------------------------------------------------------------- temp files
def temp_kennung(geraet: str) -> str:
    """This device's temp-file tag: the same in every run, so a killed run's leftovers are recognised."""
    return geraet.replace("-", "")[:16]


def temp_ordner_merken(store: Store, ordner: str) -> None:
    """DB step: a run is about to upload into ``ordner`` (before the first byte goes out)."""
    try:
        liste = json.loads(store.meta(TEMP_ORDNER) or "[]")
    except ValueError:
        liste = []
    if ordner not in liste:
        store.meta_setzen(TEMP_ORDNER, json.dumps([*liste, ordner]))


def reste_entfernen(backend: Backend, ordner: list[str]) -> None:
    """Remove this device's temp files a killed run left in the folders it was uploading into."""
    for o in ordner:
        eintraege = backend.liste(o)
        if eintraege is not None:
            backend.temp_aufraeumen(o, eintraege)


def abgleichen(store: Store, backend: Backend, ergebnis: Zahlen, vorab: Vorbereitung,
               fortschritt: Fortschritt | None, abbrechen: threading.Event | None, loeschen_erlauben: bool,
               db: DbSchritt) -> tuple[str | None, bool]:
    """The run (see the module docstring). Returns the share id and whether the run went past the listing."""
    if vorab.temp_ordner:
        reste_entfernen(backend, vorab.temp_ordner)
        db(lambda: store.meta_setzen(TEMP_ORDNER, "[]"))
    backend.beim_schreiben = lambda ordner: db(lambda: temp_ordner_merken(store, ordner))
    if fortschritt:
        fortschritt("Ablage prüfen", 0, 1)
    v = backend.liste(fmt.KOEPFE_ORDNER)
    schluessel = identitaet.schluessel_holen(vorab.eigenes, bool(vorab.angekuendigt))
    if nichts_zu_tun(vorab, verzeichnis(v) if v is not None else None, schluessel, store.geraet_id):
        return vorab.share_id, False
    anteil = 1.0 if loeschen_erlauben else float(vorab.loeschanteil or STANDARD_LOESCHANTEIL)
    lauf = _Run(store, backend, vorab, verzeichnis(v), ergebnis, fortschritt, abbrechen, anteil, db)
    lauf.ausfuehren(schluessel)
    return lauf.share_id, True


def schluessel_anzeige(store: Store) -> dict[str, Any]:
    """For status and the device list: this device's fingerprint (keychain; outside DB steps)."""
    from ozgdesk.sync import schluessel as sk

    try:
        k = sk.laden(store.geraet_id)
    except Exception:  # noqa: BLE001 - the status must not fail on a locked keychain
        k = None
    return {"geraet": store.geraet_id, "fingerabdruck": k.fingerabdruck if k else None}
