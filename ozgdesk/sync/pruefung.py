"""Setup check of an exchange target, like Zotero's: one German verdict per point.

WebDAV: the server speaks DAV, the login works, the target folder exists, a missing file really
is missing, a file written can be read back unchanged, and MOVE without overwrite is honoured.
Folder: the folder exists, reachable, writable, write-once works. The check writes only below a
temp folder of its own and removes it again.

A missing target folder is reported as such (point :data:`ZIELORDNER`, ``ziel_fehlt``) and created
only when asked (``anlegen=True``): a typo in the address must not create a folder somewhere, and
an unmounted network drive must not get a local folder in its place.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from ozgdesk.sync.backend import Ablagefehler, Anmeldefehler, Backend, OrdnerBackend
from ozgdesk.sync.format import TEMP_PRAEFIX, sha256

PRUEFORDNER = f"{TEMP_PRAEFIX}pruefung"
#: name of the check point about the target folder itself
ZIELORDNER = "Zielordner"


@dataclass
class Pruefpunkt:
    name: str
    stufe: str  # ok | warnung | fehler
    meldung: str
    #: the target folder does not exist (its parent does): it can be created on request
    ziel_fehlt: bool = False

    @property
    def ok(self) -> bool:
        return self.stufe != "fehler"


def _fehlt(beschreibung: str, zusatz: str = "") -> Pruefpunkt:
    return Pruefpunkt(ZIELORDNER, "fehler", f"Der Zielordner {beschreibung} existiert nicht.{zusatz} Er wird nur auf "
                      "ausdrücklichen Wunsch angelegt – bitte zuerst die Angabe auf Tippfehler prüfen.", ziel_fehlt=True)


def _zielordner_webdav(backend, punkte: list[Pruefpunkt], anlegen: bool) -> bool:  # noqa: ANN001
    """The target collection exists (PROPFIND, Depth 0), or was created now on request."""
    try:
        return _zielordner_webdav_pruefen(backend, punkte, anlegen)
    except Anmeldefehler:
        raise
    except Ablagefehler as e:
        punkte.append(Pruefpunkt(ZIELORDNER, "fehler", str(e)))
        return False


def _zielordner_webdav_pruefen(backend, punkte: list[Pruefpunkt], anlegen: bool) -> bool:  # noqa: ANN001
    if backend.ziel_vorhanden():
        return True
    if not anlegen:
        punkte.append(_fehlt(backend.beschreibung, " Der Server kennt diese Adresse nicht (PROPFIND: HTTP 404/409)."))
        return False
    angelegt = backend.ziel_anlegen()
    punkte.append(Pruefpunkt(ZIELORDNER, "ok", f"Der Zielordner {backend.beschreibung} wurde angelegt"
                             + (f" (mit {len(angelegt) - 1} übergeordneten Ordnern)." if len(angelegt) > 1 else ".")))
    return True


def _zielordner_ordner(backend: OrdnerBackend, punkte: list[Pruefpunkt], anlegen: bool) -> bool:
    """The folder exists, or – when only it is missing and its parent is there – was created on request.
    A missing parent stays "not reachable" (an unmounted drive), never created."""
    wurzel = backend.wurzel
    if wurzel.is_dir() or wurzel.exists() or wurzel.is_symlink() or not wurzel.parent.is_dir():
        return True  # present, or not a folder, or not reachable: pruefen_erreichbar() tells
    if not anlegen:
        punkte.append(_fehlt(str(wurzel), f" Der übergeordnete Ordner {wurzel.parent} ist vorhanden. Bei einem "
                             "Netzlaufwerk bitte prüfen, ob es verbunden ist: sonst entstünde der Ordner auf diesem "
                             "Rechner statt auf der Ablage."))
        return False
    try:
        wurzel.mkdir()
    except FileExistsError:
        pass  # created by someone else in the meantime: fine
    except OSError as e:
        from ozgdesk.dateien import os_grund

        punkte.append(Pruefpunkt(ZIELORDNER, "fehler", f"Der Ordner {wurzel} konnte nicht angelegt werden: {os_grund(e)}."))
        return False
    punkte.append(Pruefpunkt(ZIELORDNER, "ok", f"Der Ordner {wurzel} wurde angelegt."))
    return True


def _webdav(backend, punkte: list[Pruefpunkt], anlegen: bool) -> bool:  # noqa: ANN001
    try:
        r = backend.optionen()
        dav = r.headers.get("dav", "")
        gepruefte_ziel = False
        if "1" not in dav and r.status_code in (404, 409):
            # Some servers answer OPTIONS of a missing folder with 404 and no DAV header: the folder
            # check says what is wrong; a folder created now is asked again.
            if not _zielordner_webdav(backend, punkte, anlegen):
                return False
            gepruefte_ziel = True
            r = backend.optionen()
            dav = r.headers.get("dav", "")
    except Anmeldefehler:
        punkte.append(Pruefpunkt("Anmeldung", "fehler", "Benutzername oder Passwort falsch: Der Server antwortet mit HTTP 401."))
        return False
    except Ablagefehler as e:
        punkte.append(Pruefpunkt("Erreichbarkeit", "fehler", f"Server nicht erreichbar: {e}"))
        return False
    if "1" not in dav:
        punkte.append(Pruefpunkt("WebDAV", "fehler",
                                 f"Der Server meldet kein WebDAV (Kopfzeile „DAV“ fehlt, HTTP {r.status_code}). "
                                 "Ist die Adresse die des WebDAV-Ordners?"))
        return False
    punkte.append(Pruefpunkt("WebDAV", "ok", f"Der Server spricht WebDAV (DAV: {dav})."))
    punkte.append(Pruefpunkt("Anmeldung", "ok", "Anmeldung mit Benutzername und Passwort funktioniert."))
    if gepruefte_ziel:
        return True
    try:
        return _zielordner_webdav(backend, punkte, anlegen)
    except Anmeldefehler:
        punkte.append(Pruefpunkt("Anmeldung", "fehler", "Benutzername oder Passwort falsch: Der Server antwortet mit HTTP 401."))
        return False


def einrichtung_pruefen(backend: Backend, *, anlegen: bool = False) -> list[Pruefpunkt]:
    """One verdict per point; ``anlegen`` creates a missing target folder (and, on WebDAV, its
    missing parents) instead of reporting it."""
    punkte: list[Pruefpunkt] = []
    if isinstance(backend, OrdnerBackend):
        if not _zielordner_ordner(backend, punkte, anlegen):
            return punkte
        try:
            backend.pruefen_erreichbar()
        except Ablagefehler as e:
            return [Pruefpunkt("Erreichbarkeit", "fehler", str(e))]
        punkte.append(Pruefpunkt("Erreichbarkeit", "ok", f"Der Ordner {backend.wurzel} ist erreichbar."))
    elif not _webdav(backend, punkte, anlegen):
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
