"""The reports as a service for the desktop client (Qt-free; the GUI calls it on its worker thread).

It implements the ``Berichtsdienst`` protocol of ``ozgdesk/ui/dienste.py`` by duck typing, so this
package never imports the UI. Choices the GUI leaves open are made here:

* All projects selected → the Ressort document; a subset → the per-project document for those.
* A final document is written only without validation errors; otherwise a draft (watermark
  "ENTWURF"), exactly like ``ozgdesk-cli … --entwurf``. The validation list tells the user why.
* The file type follows the chosen file name (``.pdf``, ``.xlsx``, ``.csv``); the submission
  package is a folder named after the chosen file without its suffix.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from ozgdesk.dateien import atomar_schreiben
from ozgdesk.model.errors import Eingabefehler
from ozgdesk.model.store import Store
from ozgdesk.model.values import Halbjahr, Quartal
from ozgdesk.reports import (
    antrag,
    einreichung,
    meilensteine,
    paketsignatur,
    online_monitoring,
    quartalsbericht,
    statusermittlung,
    steckbrief,
)
from ozgdesk.reports.dokumentarten import DOKUMENTE as DOKUMENTE  # the page lists them without this module
from ozgdesk.reports.format import datum
from ozgdesk.reports.layout import VS_NFD
from ozgdesk.reports.pruefung import FEHLER, Befund, fehler, offene, pruefen
from ozgdesk.reports.snapshot import Bestand, ProjektDaten, bestand_laden


class Abgebrochen(Exception):
    """The user cancelled; the GUI shows „Abgebrochen“, not an error."""


@dataclass(frozen=True)
class Pruefhinweis:
    """A finding as the GUI lists it: its text, the record it opens and the field to focus there."""

    text: str
    schwere: str
    art: str
    datensatz_id: str
    projekt_id: str | None = None
    befund_id: str = ""
    #: where the editor opens it (see ``reports/pruefung.Befund.ziel``)
    ziel: str | None = None
    stellungnahme_moeglich: bool = False
    #: the statement given („Text – Name, 02.12.2026“), None while open
    stellungnahme: str | None = None
    #: what a new statement records (``stellungnahme`` table values without its text), for facts only
    stellungnahme_vorlage: dict[str, str] | None = None
    #: the statement records to remove when the user withdraws it
    stellungnahme_ids: tuple[str, ...] = ()

    @property
    def offen(self) -> bool:
        return self.stellungnahme is None


@dataclass(frozen=True)
class Erzeugt:
    """What ``erzeugen`` wrote: the file or package folder, whether it is a draft, and how many
    findings are still open (the page says „Entwurf mit 4 offenen Befunden gespeichert“)."""

    pfad: Path
    entwurf: bool = False
    offene: int = 0
    #: a submission package: who signed it („Karin Brenner (BMAS)“), or why it is unsigned
    signatur: str = ""


def _halbjahr(text: str) -> Halbjahr:
    try:
        return Halbjahr.parse(text)
    except Eingabefehler:
        return Halbjahr.von_datum(Quartal.parse(text).beginn)


class Berichtsdienst:
    def __init__(self, stichtag: Callable[[], date] = date.today) -> None:
        self.stichtag = stichtag

    def dokumente(self) -> Sequence[tuple[str, str]]:
        return DOKUMENTE

    # ----------------------------------------------------------------------------------- helpers
    def _auswahl(self, b: Bestand, projekt_ids: Sequence[str]) -> list[ProjektDaten] | None:
        """None means "the whole Ressort"."""
        ids = set(projekt_ids)
        if not ids or ids >= {p.id for p in b.projekte}:
            return None
        return [p for p in b.projekte if p.id in ids]

    def _ein_projekt(self, b: Bestand, projekt_ids: Sequence[str]) -> ProjektDaten:
        auswahl = self._auswahl(b, projekt_ids)
        if not auswahl or len(auswahl) != 1:
            raise Eingabefehler("Für dieses Dokument bitte genau ein Projekt auswählen.")
        return auswahl[0]

    def _befunde(self, b: Bestand, dokument: str, zeitraum: str, projekt_ids: Sequence[str]) -> list[Befund]:
        q = Quartal.parse(zeitraum) if dokument in ("quartal", "einreichung") else b.letztes_quartal
        befunde = pruefen(b, q)
        auswahl = self._auswahl(b, projekt_ids)
        if dokument in ("antrag", "steckbrief"):
            auswahl = [self._ein_projekt(b, projekt_ids)]
        if auswahl is not None:
            kennungen = {p.kennung for p in auswahl}
            befunde = [x for x in befunde if x.projekt is None or x.projekt in kennungen]
        return befunde

    def _hinweise(self, b: Bestand, befunde: list[Befund]) -> list[Pruefhinweis]:
        """The findings with the record the GUI opens when the user activates one (looked up by
        key: a large Ressort has tens of thousands of findings over ten thousand projects)."""
        projekt_id = {p.kennung: p.id for p in b.projekte}
        leistung_id = {l.ozg_id: l.id for l in b.leistungen}
        hinweise = []
        for x in befunde:
            art, datensatz_id, pid = "", "", None
            if x.projekt is not None:
                if x.projekt in projekt_id:
                    art, datensatz_id = "projekt", projekt_id[x.projekt]
                    pid = datensatz_id
            elif x.ozg_id is not None and x.ozg_id in leistung_id:
                art, datensatz_id = "leistung", leistung_id[x.ozg_id]
            schwere = "fehler" if x.schwere == FEHLER else "warnung"
            st = x.stellungnahme
            hinweise.append(Pruefhinweis(
                f"{x.datensatz}: {x.text}", schwere, art, datensatz_id, pid, befund_id=x.id, ziel=x.ziel,
                stellungnahme_moeglich=x.stellungnahme_moeglich,
                stellungnahme=None if st is None else
                f"{st.text} – {st.erstellt_von or 'unbekannt'}, {datum(st.erstellt_am.date())}",
                stellungnahme_vorlage={"befund_id": x.id, "zeitraum": x.zeitraum, "regel": x.regel,
                                       "datensatz": x.datensatz, "befund_text": x.text}
                if x.stellungnahme_moeglich else None,
                stellungnahme_ids=st.ids if st else ()))
        return hinweise

    def _pdf(self, b: Bestand, dokument: str, zeitraum: str, projekt_ids: Sequence[str], entwurf: bool,
             befunde: list[Befund] | None = None, aktenzeichen: str = "") -> bytes:
        """``befunde``: the check already made for this order (the quarterly report prints it)."""
        auswahl = self._auswahl(b, projekt_ids)
        if dokument in ("quartal", "einreichung"):
            q = Quartal.parse(zeitraum)
            if auswahl is None:
                return quartalsbericht.pdf_ressort(b, q, kennzeichnung=VS_NFD, entwurf=entwurf, befunde=befunde,
                                                   aktenzeichen=aktenzeichen)
            return quartalsbericht.pdf_projekte(b, auswahl, q, kennzeichnung=VS_NFD, entwurf=entwurf, befunde=befunde,
                                                aktenzeichen=aktenzeichen or None)  # none typed: the project's own
        if dokument == "meilensteine":
            return meilensteine.pdf(b, _halbjahr(zeitraum), auswahl, kennzeichnung=VS_NFD, entwurf=entwurf)
        if dokument == "statusermittlung":
            return statusermittlung.pdf(b, kennzeichnung=VS_NFD, entwurf=entwurf)
        if dokument == "online":
            return online_monitoring.pdf(b, _halbjahr(zeitraum), entwurf=entwurf)
        modul = {"antrag": antrag, "steckbrief": steckbrief}[dokument]
        return modul.pdf(b, self._ein_projekt(b, projekt_ids), kennzeichnung=VS_NFD, entwurf=entwurf)

    def _xlsx(self, b: Bestand, dokument: str, zeitraum: str, projekt_ids: Sequence[str], entwurf: bool,
              befunde: list[Befund] | None = None) -> bytes:
        """The workbook carries the same marking, draft state and findings count as the PDF would."""
        auswahl = self._auswahl(b, projekt_ids)
        if dokument == "quartal":
            return quartalsbericht.xlsx(b, Quartal.parse(zeitraum), auswahl, befunde, kennzeichnung=VS_NFD, entwurf=entwurf)
        if dokument == "meilensteine":
            return meilensteine.xlsx(b, _halbjahr(zeitraum), auswahl, kennzeichnung=VS_NFD, entwurf=entwurf,
                                     befunde=befunde)
        if dokument == "statusermittlung":
            return statusermittlung.xlsx(b, kennzeichnung=VS_NFD, entwurf=entwurf, befunde=befunde)
        if dokument == "online":
            return online_monitoring.xlsx(b, _halbjahr(zeitraum), entwurf=entwurf, befunde=befunde)
        modul = {"antrag": antrag, "steckbrief": steckbrief}[dokument]
        return modul.xlsx(b, self._ein_projekt(b, projekt_ids), kennzeichnung=VS_NFD, entwurf=entwurf, befunde=befunde)

    # ---------------------------------------------------------------------------------- protocol
    def pruefen(self, store: Store, dokument: str, zeitraum: str, projekt_ids: Sequence[str]) -> list[Pruefhinweis]:
        b = bestand_laden(store, self.stichtag())
        return self._hinweise(b, self._befunde(b, dokument, zeitraum, projekt_ids))

    def vorschau_png(self, store: Store, dokument: str, zeitraum: str, projekt_ids: Sequence[str]) -> bytes:
        """First page as PNG, rendered with PDFium (pypdfium2), so preview and print look the same."""
        import io

        import pypdfium2

        b = bestand_laden(store, self.stichtag())
        befunde = self._befunde(b, dokument, zeitraum, projekt_ids)
        pdf = pypdfium2.PdfDocument(self._pdf(b, dokument, zeitraum, projekt_ids, bool(fehler(befunde)), befunde))
        try:
            bild = pdf[0].render(scale=1.4).to_pil()
        finally:
            pdf.close()
        puffer = io.BytesIO()
        bild.save(puffer, format="PNG")
        return puffer.getvalue()

    def erzeugen(self, store: Store, dokument: str, zeitraum: str, projekt_ids: Sequence[str], ziel: Path,
                 fortschritt: Callable[[int, int], None], abgebrochen: Callable[[], bool],
                 aktenzeichen: str = "") -> Erzeugt:
        """``aktenzeichen``: in the header of the quarterly report and of the package's documents."""
        schritte = 4

        def schritt(i: int) -> None:
            if abgebrochen():
                raise Abgebrochen()
            fortschritt(i, schritte)

        ziel = Path(ziel)
        schritt(0)
        if dokument == "einreichung":
            # signed when a certificate is set up on this device (``ozgdesk-cli signatur einrichten``);
            # its password comes from the keychain, read here, outside the submission's transaction
            unterzeichner = paketsignatur.eingerichteter_unterzeichner(store)
            schritt(1)
            paket = einreichung.einreichen(store, Quartal.parse(zeitraum), ziel.with_suffix(""),
                                           stand=self.stichtag(), kennzeichnung=VS_NFD, aktenzeichen=aktenzeichen,
                                           unterzeichner=unterzeichner)
            from ozgdesk.sync.ausgang import einreichung_vormerken

            einreichung_vormerken(store, paket.ordner, str(Quartal.parse(zeitraum)))  # sent on the next sync
            fortschritt(schritte, schritte)
            return Erzeugt(paket.ordner, signatur=f"signiert von {paket.signiert_von.wer}" if paket.signiert_von
                           else "nicht signiert (kein Zertifikat eingerichtet)")
        b = bestand_laden(store, self.stichtag())
        schritt(1)
        befunde = self._befunde(b, dokument, zeitraum, projekt_ids)
        entwurf = bool(fehler(befunde))
        schritt(2)
        endung = ziel.suffix.lower()
        if endung == ".xlsx":
            inhalt = self._xlsx(b, dokument, zeitraum, projekt_ids, entwurf, befunde)
        elif endung == ".csv" and dokument == "online":
            inhalt = online_monitoring.csv_bytes(b, _halbjahr(zeitraum))
        else:
            ziel = ziel.with_suffix(".pdf")
            inhalt = self._pdf(b, dokument, zeitraum, projekt_ids, entwurf, befunde, aktenzeichen)
        schritt(3)
        atomar_schreiben(ziel, inhalt)
        fortschritt(schritte, schritte)
        return Erzeugt(ziel, entwurf, len(offene(befunde)))
