"""WebDAV backend over httpx: the few requests the sync needs, with every header set explicitly.

Servers disagree (IIS answers 200 for a missing file, nginx a 207 full of 404s, wsgidav leaves a
truncated file after an aborted PUT), so nothing here trusts a status code alone:
existence comes from a PROPFIND listing whose entries each carry their own 200 status, and every
upload goes to a temp name, is read back and compared by SHA-256 and only then MOVEd with
``Overwrite: F`` (412 ⇒ the target exists; the caller compares hashes).

Nor does anything trust a size: every body is streamed with a running limit (a file's cap from the
caller, :data:`MAX_VERZEICHNISLISTE` for listings, 1 MiB for anything else), a ``Content-Length``
over the cap is refused before the body is read, and compressed bodies are inflated in bounded
steps – a server that lies about the length, sends an endless chunked body or a gzip bomb makes
ozgdesk read at most cap + 1 bytes.
"""

from __future__ import annotations

import copy
import ssl
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, UTC
from email.utils import parsedate_to_datetime
from urllib.parse import quote, unquote, urlsplit

import httpx
from defusedxml import ElementTree

from ozgdesk.sync.backend import Ablagefehler, Anmeldefehler, Backend, Eintrag, Platzfehler, Unzulaessig, zu_gross
from ozgdesk.sync.sicher_lesen import MAX_STEUERDATEI, MAX_VERZEICHNISLISTE

DAV = "{DAV:}"
_PROPFIND = (
    b'<?xml version="1.0" encoding="utf-8"?>'
    b'<d:propfind xmlns:d="DAV:"><d:prop><d:resourcetype/><d:getcontentlength/><d:getlastmodified/>'
    b"</d:prop></d:propfind>"
)


#: OpenSSL's verification results (X509_V_ERR_*) a user can act on, in German, with what to do.
_ZERTIFIKAT_UNBEKANNT = (
    "es ist von einer Zertifizierungsstelle ausgestellt, der dieser Rechner nicht vertraut. Vertraut die "
    "Behörde einer eigenen Zertifizierungsstelle, muss die IT sie im Zertifikatsspeicher des Betriebssystems "
    "eintragen"
)
_ZERTIFIKATSFEHLER = {
    2: _ZERTIFIKAT_UNBEKANNT, 18: _ZERTIFIKAT_UNBEKANNT, 19: _ZERTIFIKAT_UNBEKANNT, 20: _ZERTIFIKAT_UNBEKANNT,
    21: _ZERTIFIKAT_UNBEKANNT,
    9: "es ist noch nicht gültig. Bitte Datum und Uhrzeit dieses Rechners prüfen",
    10: "es ist abgelaufen. Bitte die IT bitten, das Zertifikat des Servers zu erneuern",
    62: "es ist für eine andere Adresse ausgestellt. Bitte die eingerichtete Adresse prüfen (genau so, wie sie im "
        "Zertifikat steht)",
    64: "es ist für eine andere Adresse ausgestellt. Bitte die eingerichtete Adresse prüfen (genau so, wie sie im "
        "Zertifikat steht)",
}


#: Body cap of answers whose body is no file content (PUT, MOVE, MKCOL, error pages …); more is an error.
MAX_ANTWORT = 1024 * 1024


@dataclass(frozen=True)
class Antwort:
    """A response whose body was read within its cap (httpx's Response would read it unbounded)."""

    status_code: int
    headers: httpx.Headers
    content: bytes


def _zertifikatsfehler(fehler: BaseException) -> str | None:
    """The German reason for a TLS verification failure behind a connect error (httpx wraps ssl's),
    or None if the connection failed for another reason."""
    while fehler is not None:
        if isinstance(fehler, ssl.SSLCertVerificationError):
            return _ZERTIFIKATSFEHLER.get(fehler.verify_code, f"die Prüfung ist fehlgeschlagen (OpenSSL-Code {fehler.verify_code})")
        fehler = fehler.__cause__ or fehler.__context__  # type: ignore[assignment]
    return None


class WebdavBackend(Backend):
    art = "webdav"
    #: Cap of a PROPFIND answer (an instance may lower it, tests do).
    max_verzeichnisliste = MAX_VERZEICHNISLISTE

    def __init__(self, url: str, benutzer: str, passwort: str, *, timeout: float = 30.0,
                 transport: httpx.BaseTransport | None = None) -> None:
        super().__init__()
        if not url.endswith("/"):
            url += "/"
        teile = urlsplit(url)
        # Umlauts in the path are sent percent-encoded (UTF-8); an already encoded URL stays as it is.
        self._basis_pfad = unquote(teile.path)
        self.url = teile._replace(path=quote(self._basis_pfad, safe="/")).geturl()
        self.beschreibung = teile._replace(path=self._basis_pfad).geturl()
        # httpx encodes str credentials as latin-1 by default; umlauts/ß must go as UTF-8 bytes.
        self.client = httpx.Client(
            auth=httpx.BasicAuth(benutzer.encode("utf-8"), passwort.encode("utf-8")),
            timeout=timeout,
            transport=transport,
            follow_redirects=False,
            # The OS trust store, not certifi: ministries run their own certificate authorities.
            verify=ssl.create_default_context(),
            # Uncompressed, so a Content-Length is the real size (compressed answers are still read,
            # inflated in bounded steps).
            headers={"Accept-Encoding": "identity"},
        )
        self._serverzeit: datetime | None = None
        self._zeit_lokal: datetime | None = None

    def schliessen(self) -> None:
        self.client.close()

    # ------------------------------------------------------------------------------ plumbing
    def _url(self, pfad: str) -> str:
        """URL of a share path; a path that could leave the share (``..`` & co.) raises
        :class:`Unzulaessig` – httpx would normalise ``a/../..`` to a URL outside the share."""
        from ozgdesk.sync.pfade import relative_teile

        teile = relative_teile(pfad.lstrip("/")) if pfad.strip("/") else []
        return self.url + "/".join(quote(t, safe="") for t in teile)

    def _anfrage(self, methode: str, pfad: str, *, hoechstens: int | None = None, **kw) -> Antwort:  # noqa: ANN003
        """One request; its body is never read beyond a cap.

        With ``hoechstens`` (file contents, listings) a successful answer (200/207) with a larger
        body raises :class:`Unzulaessig` (``zu_gross``, naming ``pfad``). Other bodies (answers to
        PUT, MOVE, MKCOL …, error pages) are only ever inspected at their start: they are cut at
        :data:`MAX_ANTWORT`.
        """
        anfrage = self.client.build_request(methode, self._url(pfad), **kw)
        self.anfragen += 1
        try:
            roh = self.client.send(anfrage, stream=True)
            try:
                antwort = Antwort(roh.status_code, roh.headers, self._koerper(roh, pfad, hoechstens))
            finally:
                roh.close()
            self.geladen += len(antwort.content)
        except httpx.TimeoutException:
            raise Ablagefehler(f"Zeitüberschreitung bei {methode} {pfad or '/'} auf {self.url}. "
                               "Der Abgleich wird beim nächsten Mal fortgesetzt.") from None
        except httpx.ConnectError as e:
            grund = _zertifikatsfehler(e)
            if grund is None:
                raise Ablagefehler(f"Verbindung zu {self.url} unterbrochen bei {methode} {pfad or '/'} (ConnectError). "
                                   "Der Abgleich wird beim nächsten Mal fortgesetzt.") from None
            raise Ablagefehler(
                f"Das Zertifikat des Servers {self.url} wird nicht anerkannt: {grund}. Die Verbindung wurde "
                "nicht aufgebaut, es wurde nichts übertragen."
            ) from None
        except httpx.HTTPError as e:
            raise Ablagefehler(f"Verbindung zu {self.url} unterbrochen bei {methode} {pfad or '/'} ({type(e).__name__}). "
                               "Der Abgleich wird beim nächsten Mal fortgesetzt.") from None
        datum = antwort.headers.get("date")
        if datum:
            try:
                self._serverzeit = parsedate_to_datetime(datum)
                self._zeit_lokal = datetime.now(UTC)
            except (TypeError, ValueError):
                pass
        if antwort.status_code == 401:
            raise Anmeldefehler(
                f"Der Server {self.url} hat Benutzername oder Passwort abgelehnt (HTTP 401). "
                "Bitte mit „abgleich einrichten“ neu eingeben."
            )
        if antwort.status_code in (301, 302, 307, 308):
            raise Ablagefehler(f"Der Server leitet {self.url} nach {antwort.headers.get('location', '?')} um. "
                               "Bitte diese Adresse als Ziel einrichten.")
        if antwort.status_code == 507:
            raise Platzfehler(f"Der Server {self.url} ist voll (HTTP 507). Der Abgleich wird fortgesetzt, sobald Platz ist.")
        if antwort.status_code >= 500:
            raise Ablagefehler(f"Der Server {self.url} meldet einen Fehler (HTTP {antwort.status_code}) bei "
                               f"{methode} {pfad or '/'}. Der Abgleich wird beim nächsten Mal fortgesetzt.")
        return antwort

    def _koerper(self, roh: httpx.Response, pfad: str, hoechstens: int | None) -> bytes:
        """The body, never more than the cap (+1 byte to notice): Content-Length first, then a
        running count over the (inflated) stream."""
        pruefen = hoechstens is not None and roh.status_code in (200, 207)
        grenze = hoechstens if pruefen and hoechstens is not None else MAX_ANTWORT
        laenge = roh.headers.get("content-length", "").strip()
        if pruefen and laenge.isdigit() and int(laenge) > grenze:
            raise zu_gross(pfad.rstrip("/") or "/", int(laenge), grenze)
        teile, gelesen = [], 0
        for stueck in _inflatiert(roh, grenze):
            gelesen += len(stueck)
            if gelesen > grenze:
                if pruefen:
                    raise zu_gross(pfad.rstrip("/") or "/", None, grenze)
                teile.append(stueck[: len(stueck) - (gelesen - grenze)])
                break
            teile.append(stueck)
        return b"".join(teile)

    def serverzeit(self) -> datetime | None:
        """Server time now, derived from the last response's Date header."""
        if self._serverzeit is None or self._zeit_lokal is None:
            return None
        return self._serverzeit + (datetime.now(UTC) - self._zeit_lokal)

    # ------------------------------------------------------------------------------ operations
    def optionen(self) -> Antwort:
        return self._anfrage("OPTIONS", "")

    def liste(self, ordner: str) -> list[Eintrag] | None:
        """Entries of ``ordner``; a listing larger than :attr:`max_verzeichnisliste` raises
        :class:`Unzulaessig` (``zu_gross``). Names that are no single path component (``..``,
        backslash, control characters) are listed with ``unzulaessig="pfad"``."""
        r = self._anfrage("PROPFIND", ordner + "/" if ordner else "", content=_PROPFIND,
                          hoechstens=self.max_verzeichnisliste,
                          headers={"Depth": "1", "Content-Type": "application/xml; charset=utf-8"})
        if r.status_code == 404:
            return None
        if r.status_code != 207:
            raise Ablagefehler(f"{self.url}: PROPFIND {ordner or '/'} ergab HTTP {r.status_code} statt 207.")
        return self._multistatus(r.content, ordner)

    def _multistatus(self, xml: bytes, ordner: str) -> list[Eintrag] | None:
        try:
            wurzel = ElementTree.fromstring(xml)
        except Exception:
            raise Ablagefehler(f"{self.url}: unlesbare Verzeichnisliste für {ordner or '/'}.") from None
        eigen = (self._basis_pfad + "/".join(t for t in ordner.split("/") if t)).rstrip("/")
        eintraege: list[Eintrag] = []
        selbst_gefunden = False
        for resp in wurzel.findall(f"{DAV}response"):
            href = resp.findtext(f"{DAV}href") or ""
            pfad = unquote(urlsplit(href).path).rstrip("/")
            status_ok = False
            ist_ordner, groesse, geaendert = False, 0, None
            for ps in resp.findall(f"{DAV}propstat"):
                if " 200 " not in (ps.findtext(f"{DAV}status") or "") + " ":
                    continue
                status_ok = True
                prop = ps.find(f"{DAV}prop")
                if prop is None:
                    continue
                rt = prop.find(f"{DAV}resourcetype")
                if rt is not None and rt.find(f"{DAV}collection") is not None:
                    ist_ordner = True
                gl = prop.findtext(f"{DAV}getcontentlength")
                if gl and gl.strip().isdigit():
                    groesse = int(gl)
                lm = prop.findtext(f"{DAV}getlastmodified")
                if lm:
                    try:
                        geaendert = parsedate_to_datetime(lm)
                    except (TypeError, ValueError):
                        pass
            resp_status = resp.findtext(f"{DAV}status") or ""
            if " 404 " in resp_status + " " or not status_ok:
                continue  # nginx & co.: a 207 "listing" made of 404s means missing
            if pfad == eigen:
                selbst_gefunden = True
                continue
            name = pfad.rsplit("/", 1)[-1]
            eintraege.append(Eintrag(name, ist_ordner, groesse, geaendert, unzulaessig=_name_pruefen(name)))
        if not selbst_gefunden and not eintraege:
            return None
        return sorted(eintraege, key=lambda e: e.name)

    def existiert(self, pfad: str) -> bool:
        r = self._anfrage("PROPFIND", pfad, content=_PROPFIND,
                          headers={"Depth": "0", "Content-Type": "application/xml; charset=utf-8"})
        if r.status_code != 207:
            return False
        ordner = pfad.rpartition("/")[0]
        name = pfad.rpartition("/")[2]
        return any(e.name == name for e in self._multistatus(r.content, ordner) or [])

    def lesen(self, pfad: str, *, hoechstens: int = MAX_STEUERDATEI) -> bytes | None:
        r = self._anfrage("GET", pfad, hoechstens=hoechstens)
        if r.status_code == 404 or r.status_code == 410:
            return None
        if 400 <= r.status_code < 500 and r.status_code not in (401, 408, 429):
            # this one file is refused (a symlink on wsgidav, a locked or forbidden file): quarantine it,
            # the others go on – unlike 5xx and timeouts, which are worth a retry
            raise Unzulaessig(f"{self.url}: GET {pfad} ergab HTTP {r.status_code}; die Datei wird nicht gelesen.",
                              "verweigert", pfad)
        if r.status_code != 200:
            raise Ablagefehler(f"{self.url}: GET {pfad} ergab HTTP {r.status_code}.")
        laenge = r.headers.get("content-length")
        if laenge is not None and laenge.isdigit() and int(laenge) != len(r.content) \
                and r.headers.get("content-encoding", "identity").strip().lower() in ("", "identity"):
            raise Ablagefehler(f"{self.url}: {pfad} kam unvollständig an.")
        return r.content

    def ordner_anlegen(self, ordner: str) -> None:
        """Create ``ordner`` and its missing parents below the target, top down (MKCOL).

        409 means a parent is missing: for the first level that is the target folder itself (deleted,
        renamed or a wrong address); deeper, a parent vanished meanwhile or is a file."""
        if not ordner:
            return
        teile = [t for t in ordner.split("/") if t]
        # Try the deepest first (usually exists); walk up only when needed.
        r = self._anfrage("PROPFIND", "/".join(teile) + "/", content=_PROPFIND, headers={"Depth": "0"})
        if r.status_code == 207 and self._multistatus(r.content, "/".join(teile)) is not None:
            return
        for i in range(1, len(teile) + 1):
            pfad = "/".join(teile[:i]) + "/"
            r = self._anfrage("MKCOL", pfad)
            if r.status_code in (201, 405, 301):  # 405: exists already
                continue
            if r.status_code == 409 and i == 1:
                raise Ablagefehler(
                    f"Der Zielordner {self.beschreibung} fehlt auf dem Server (HTTP 409 beim Anlegen von {pfad}): "
                    "gelöscht, umbenannt oder eine falsche Adresse? Beim Einrichten kann er angelegt werden "
                    "(„abgleich einrichten … --anlegen“ oder in der Oberfläche mit „Ja“ auf die Frage)."
                )
            if r.status_code == 409:
                raise Ablagefehler(f"{self.beschreibung}: Ordner {pfad} konnte nicht angelegt werden, weil der "
                                   f"übergeordnete Ordner {'/'.join(teile[:i - 1])}/ fehlt oder eine Datei ist "
                                   "(HTTP 409). Der Abgleich wird beim nächsten Mal wiederholt.")
            if r.status_code == 403:
                raise Ablagefehler(f"{self.beschreibung}: Ordner {pfad} darf nicht angelegt werden (HTTP 403, "
                                   "keine Schreibberechtigung). Bitte die Berechtigung bei der IT klären.")
            raise Ablagefehler(f"{self.url}: Ordner {pfad} konnte nicht angelegt werden (HTTP {r.status_code}).")

    def ziel_vorhanden(self) -> bool:
        """Whether the target folder itself exists (PROPFIND, Depth 0; 404/409/410 ⇒ missing)."""
        r = self._anfrage("PROPFIND", "", content=_PROPFIND,
                          headers={"Depth": "0", "Content-Type": "application/xml; charset=utf-8"})
        if r.status_code in (404, 409, 410):
            return False
        if r.status_code != 207:
            raise Ablagefehler(f"{self.beschreibung}: Der Zielordner lässt sich nicht abfragen (PROPFIND ergab "
                               f"HTTP {r.status_code} statt 207).")
        return self._multistatus(r.content, "") is not None

    def _an(self, url: str, methode: str) -> Antwort:
        """One request to another folder of the same server (a parent of the target): same
        connection, credentials and error handling as :meth:`_anfrage`."""
        ebene = copy.copy(self)  # shares the client; only the address differs
        ebene.url = url
        try:
            return ebene._anfrage(methode, "")
        finally:
            self.anfragen = ebene.anfragen
            self.geladen = ebene.geladen
            self._serverzeit, self._zeit_lokal = ebene._serverzeit, ebene._zeit_lokal

    def ziel_anlegen(self) -> list[str]:
        """Create the target folder, and its missing parents parent by parent: MKCOL the target;
        409 (parent missing) ⇒ one level up, until a MKCOL succeeds or a folder exists; then down
        again. Never above the server's root. Returns the folders created, topmost first."""
        teile = [t for t in self._basis_pfad.split("/") if t]
        adresse = urlsplit(self.url)

        def url(n: int) -> str:
            return adresse._replace(path=quote("/" + "".join(t + "/" for t in teile[:n]), safe="/")).geturl()

        def anzeigen(n: int) -> str:
            return adresse._replace(path="/" + "".join(t + "/" for t in teile[:n])).geturl()

        ebene, fehlend = len(teile), []
        while ebene > 0:
            r = self._an(url(ebene), "MKCOL")
            if r.status_code == 201:
                break
            if r.status_code == 405:  # exists already (or, below, was created meanwhile)
                if ebene == len(teile):
                    return []
                break
            if r.status_code == 409:
                fehlend.append(ebene)
                ebene -= 1
                continue
            if r.status_code == 403:
                raise Ablagefehler(f"Der Ordner {anzeigen(ebene)} darf nicht angelegt werden (HTTP 403, keine "
                                   "Schreibberechtigung). Bitte die Berechtigung bei der IT klären.")
            raise Ablagefehler(f"Der Ordner {anzeigen(ebene)} konnte nicht angelegt werden (HTTP {r.status_code}).")
        if ebene == 0:
            raise Ablagefehler(f"Für {self.beschreibung} gibt es auf dem Server keinen vorhandenen übergeordneten "
                               "Ordner (HTTP 409 bis zur obersten Ebene). Bitte die Adresse prüfen.")
        angelegt = [anzeigen(ebene)] if r.status_code == 201 else []
        for n in reversed(fehlend):
            r = self._an(url(n), "MKCOL")
            if r.status_code not in (201, 405):
                raise Ablagefehler(f"Der Ordner {anzeigen(n)} konnte nicht angelegt werden (HTTP {r.status_code}).")
            if r.status_code == 201:
                angelegt.append(anzeigen(n))
        return angelegt

    def _hochladen_temp(self, ordner: str, temp: str, daten: bytes) -> None:
        r = self._anfrage("PUT", temp, content=daten,
                          headers={"Content-Length": str(len(daten)), "Content-Type": "application/octet-stream"})
        if r.status_code not in (200, 201, 204):
            raise Ablagefehler(f"{self.url}: Hochladen nach {temp} ergab HTTP {r.status_code}.")
        self.gesendet += len(daten)

    def _verschieben_ohne_ueberschreiben(self, temp: str, ziel: str) -> bool:
        r = self._anfrage("MOVE", temp, headers={"Destination": self._url(ziel), "Overwrite": "F"})
        if r.status_code in (201, 204):
            return True
        if r.status_code == 412:
            return False
        if r.status_code == 403:
            # the temp file went into the same folder, so the refusal concerns the target name itself
            # (wsgidav refuses a symlink planted there): that name is unusable, the caller decides
            raise Unzulaessig(f"{self.url}: Der Server verweigert das Verschieben nach {ziel} (HTTP 403).",
                              "verweigert", ziel)
        raise Ablagefehler(f"{self.url}: Verschieben nach {ziel} ergab HTTP {r.status_code}.")

    def loeschen(self, pfad: str) -> None:
        r = self._anfrage("DELETE", pfad)
        if r.status_code not in (200, 204, 404):
            raise Ablagefehler(f"{self.url}: Löschen von {pfad} ergab HTTP {r.status_code}.")


def _name_pruefen(name: str) -> str:
    """"" for a name that is one plain path component, else ``pfad`` (the entry is listed, marked)."""
    from ozgdesk.sync.pfade import relative_teile

    try:
        return "" if relative_teile(name) == [name] else "pfad"
    except Unzulaessig:
        return "pfad"


def _inflatiert(roh: httpx.Response, grenze: int) -> Iterator[bytes]:
    """The body as it arrives, inflated if the server compressed it anyway – in pieces of at most
    ``grenze + 1`` bytes, so a gzip bomb costs no more memory than its cap."""
    if roh.is_stream_consumed:
        # a transport that hands over a finished answer (httpx.MockTransport, a caching proxy
        # layer) has already read and decoded the body; the caller's cap still applies to it
        yield roh.content
        return
    kodierung = roh.headers.get("content-encoding", "").strip().lower()
    if kodierung in ("", "identity"):
        yield from roh.iter_raw()
        return
    if kodierung in ("gzip", "x-gzip"):
        entpacker = zlib.decompressobj(16 + zlib.MAX_WBITS)
    elif kodierung == "deflate":
        entpacker = zlib.decompressobj()
    else:
        raise Ablagefehler(f"Der Server schickt die Antwort in der Kodierung „{kodierung[:20]}“, die ozgdesk nicht "
                           "liest (verlangt war unkomprimiert).")
    try:
        for stueck in roh.iter_raw():
            while stueck:
                yield entpacker.decompress(stueck, grenze + 1)
                stueck = entpacker.unconsumed_tail
    except zlib.error:
        raise Ablagefehler("Der Server schickt eine beschädigte komprimierte Antwort.") from None
