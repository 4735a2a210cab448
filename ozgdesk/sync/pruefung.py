"""Setup check of an exchange target, like Zotero's: one German verdict per point.

WebDAV: the server speaks DAV, the login works, a missing file really is missing, a file written
can be read back unchanged, and MOVE without overwrite is honoured. Folder: reachable, writable,
write-once works. The check writes only below a temp folder of its own and removes it again.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from ozgdesk.sync.backend import Ablagefehler, Anmeldefehler, Backend, OrdnerBackend
from ozgdesk.sync.format import TEMP_PRAEFIX, sha256

PRUEFORDNER = f"{TEMP_PRAEFIX}pruefung"


@dataclass
class Pruefpunkt:
    name: str
    stufe: str  # ok | warnung | fehler
    meldung: str

    @property
    def ok(self) -> bool:
        return self.stufe != "fehler"


def _webdav(backend, punkte: list[Pruefpunkt]) -> bool:  # noqa: ANN001
    try:
        r = backend.optionen()
    except Anmeldefehler:
        punkte.append(Pruefpunkt("Anmeldung", "fehler", "Benutzername oder Passwort falsch: Der Server antwortet mit HTTP 401."))
        return False
    except Ablagefehler as e:
        punkte.append(Pruefpunkt("Erreichbarkeit", "fehler", f"Server nicht erreichbar: {e}"))
        return False
    dav = r.headers.get("dav", "")
    if "1" not in dav:
        punkte.append(Pruefpunkt("WebDAV", "fehler",
                                 f"Der Server meldet kein WebDAV (Kopfzeile „DAV“ fehlt, HTTP {r.status_code}). "
                                 "Ist die Adresse die des WebDAV-Ordners?"))
        return False
    punkte.append(Pruefpunkt("WebDAV", "ok", f"Der Server spricht WebDAV (DAV: {dav})."))
    punkte.append(Pruefpunkt("Anmeldung", "ok", "Anmeldung mit Benutzername und Passwort funktioniert."))
    return True


def einrichtung_pruefen(backend: Backend) -> list[Pruefpunkt]:
    punkte: list[Pruefpunkt] = []
    if isinstance(backend, OrdnerBackend):
        try:
            backend.pruefen_erreichbar()
        except Ablagefehler as e:
            return [Pruefpunkt("Erreichbarkeit", "fehler", str(e))]
        punkte.append(Pruefpunkt("Erreichbarkeit", "ok", f"Der Ordner {backend.wurzel} ist erreichbar."))
    elif not _webdav(backend, punkte):
        return punkte
    probe = f"{PRUEFORDNER}/{uuid.uuid4().hex}"
    try:
        # A missing file must be missing – by listing and by GET.
        fehlt_liste = backend.liste(f"{PRUEFORDNER}/fehlt-{uuid.uuid4().hex}") is None
        fehlt_get = backend.lesen(f"fehlt-{uuid.uuid4().hex}.json")
        if not fehlt_liste:
            punkte.append(Pruefpunkt("fehlende Datei", "fehler",
                                     "Ein fehlender Ordner erscheint als vorhanden: Auf diese Ablage ist kein Verlass."))
            return punkte
        if fehlt_get is not None:
            punkte.append(Pruefpunkt("fehlende Datei", "warnung",
                                     "Der Server meldet eine fehlende Datei als vorhanden (HTTP 200, wie IIS). ozgdesk "
                                     "verlässt sich deshalb nur auf Verzeichnislisten und Prüfsummen."))
        else:
            punkte.append(Pruefpunkt("fehlende Datei", "ok", "Eine fehlende Datei fehlt wirklich (HTTP 404)."))
        daten = f"ozgdesk Probe {uuid.uuid4()} – Grüße".encode()
        try:
            backend.veroeffentlichen(f"{probe}/probe.txt", daten)
        except Ablagefehler as e:
            punkte.append(Pruefpunkt("Schreiben", "fehler", f"Schreiben und Zurücklesen misslingt: {e}"))
            return punkte
        zurueck = backend.lesen(f"{probe}/probe.txt")
        if zurueck is None or sha256(zurueck) != sha256(daten):
            punkte.append(Pruefpunkt("Schreiben", "fehler", "Eine geschriebene Datei kommt beim Lesen verändert zurück."))
            return punkte
        punkte.append(Pruefpunkt("Schreiben", "ok", "Eine Datei wurde geschrieben und unverändert zurückgelesen."))
        andere = b"andere Daten"
        temp = backend.temp_name(probe)
        backend._hochladen_temp(probe, temp, andere)
        verschoben = backend._verschieben_ohne_ueberschreiben(temp, f"{probe}/probe.txt")
        nachher = backend.lesen(f"{probe}/probe.txt")
        if verschoben or nachher != daten:
            punkte.append(Pruefpunkt("Verschieben ohne Überschreiben", "fehler",
                                     "Der Server überschreibt beim Verschieben vorhandene Dateien trotz „Overwrite: F“. "
                                     "Gleichzeitige Abgleiche könnten Daten verlieren."))
        else:
            punkte.append(Pruefpunkt("Verschieben ohne Überschreiben", "ok",
                                     "Verschieben ohne Überschreiben wird eingehalten: vorhandene Dateien werden nicht überschrieben."))
            backend.loeschen(temp)
    except Anmeldefehler:
        punkte.append(Pruefpunkt("Anmeldung", "fehler", "Benutzername oder Passwort falsch: Der Server antwortet mit HTTP 401."))
    except Ablagefehler as e:
        punkte.append(Pruefpunkt("Ablage", "fehler", str(e)))
    finally:
        _aufraeumen(backend, probe)
    return punkte


def _aufraeumen(backend: Backend, probe: str) -> None:
    try:
        for e in backend.liste(probe) or []:
            backend.loeschen(f"{probe}/{e.name}")
        backend.loeschen(probe + "/")
        if not (backend.liste(PRUEFORDNER) or []):
            backend.loeschen(PRUEFORDNER + "/")
    except (Ablagefehler, OSError):
        pass
