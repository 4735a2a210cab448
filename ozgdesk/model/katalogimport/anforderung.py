"""Change requests to the OZG-Umsetzungskatalog (Änderungsanforderungen) for the BMI.

A Ressort that finds a Leistung missing, wrong or obsolete in the catalogue sends a reasoned
request to the BMI's central mailbox. ozgdesk drafts it from the Leistung (or from a proposal for a
missing one), keeps it in the store with its status (Entwurf → versendet → übernommen/abgelehnt),
and produces the text ready to paste into an e-mail and a PDF (``ozgdesk.reports``).

The BMI's mailbox address is not public; :data:`POSTFACH_STANDARD` is a placeholder in the reserved
``.example`` domain. The real address is set once per store (``katalog anforderung postfach``) or
given per request.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from ozgdesk.model.einrichtung import ressort_von
from ozgdesk.model.errors import Eingabefehler
from ozgdesk.model.felder import leistung_finden, person_finden
from ozgdesk.model.katalog import Lage, Leistung, Themenfeld
from ozgdesk.model.katalogimport.datensaetze import (
    Aenderungsanforderung,
    Anforderungsart,
    Anforderungsstatus,
    Katalogimport,
)
from ozgdesk.model.organisation import Person
from ozgdesk.model.protokoll import Meta
from ozgdesk.model.values import format_datum

POSTFACH_STANDARD = "ozg-umsetzungskatalog@bmi.example"
META_POSTFACH = "katalog_postfach"


def postfach(s: Session) -> str:
    m = s.get(Meta, META_POSTFACH)
    return m.wert if m and m.wert else POSTFACH_STANDARD


def _naechste_kennung(s: Session, jahr: int) -> str:
    praefix = f"KA-{jahr}-"
    vorhandene = s.execute(select(Aenderungsanforderung.kennung).where(
        Aenderungsanforderung.kennung.like(f"{praefix}%"))).scalars().all()
    nummern = [int(k[len(praefix):]) for k in vorhandene if k[len(praefix):].isdigit()]
    return f"{praefix}{max(nummern, default=0) + 1:03d}"


def anlegen(
    s: Session,
    *,
    art: str,
    betreff: str,
    begruendung: str,
    ozg_id: str | None = None,
    beschreibung: str = "",
    vorschlag: str = "",
    ansprechpartner: str | None = None,
    empfaenger: str | None = None,
    aktenzeichen: str = "",
    heute: date | None = None,
) -> Aenderungsanforderung:
    """Draft a request (status Entwurf). The contact defaults to the Ressort's Ansprechpartner."""
    heute = heute or date.today()
    art_ = Anforderungsart.parse(art)
    leistung = leistung_finden(s, ozg_id) if ozg_id else None
    person_id: str | None  # a Ressort may not have named its Ansprechpartner yet
    if ansprechpartner:
        person_id = person_finden(s, ansprechpartner).id
    else:
        person_id = ressort_von(s).ansprechpartner_id
    a = Aenderungsanforderung(
        kennung=_naechste_kennung(s, heute.year), art=art_, status=Anforderungsstatus.ENTWURF,
        leistung_id=leistung.id if leistung else None, betreff=betreff.strip(), beschreibung=beschreibung.strip(),
        vorschlag=vorschlag.strip(), begruendung=begruendung.strip(), ansprechpartner_id=person_id,
        empfaenger=(empfaenger or postfach(s)).strip(), aktenzeichen=aktenzeichen.strip(), erstellt_am=heute,
    )
    s.add(a)
    s.flush()
    return a


def finden(s: Session, kennung: str) -> Aenderungsanforderung:
    k = kennung.strip()
    treffer = s.execute(select(Aenderungsanforderung).where(or_(
        func.upper(Aenderungsanforderung.kennung) == k.upper(), Aenderungsanforderung.id.like(f"{k}%")))).scalars().all()
    if len(treffer) != 1:
        mehr = " (mehrdeutig: bitte die Kennung des Datensatzes angeben)" if treffer else ""
        raise Eingabefehler(f"Änderungsanforderung „{k}“ nicht gefunden{mehr}.")
    return treffer[0]


def status_setzen(s: Session, kennung: str, status: str, *, datum: date | None = None,
                  antwort: str | None = None) -> Aenderungsanforderung:
    """Move a request on; leaving Entwurf records the sending date (today unless given)."""
    a = finden(s, kennung)
    neu = Anforderungsstatus.parse(status)
    if neu is not Anforderungsstatus.ENTWURF and a.versendet_am is None:
        a.versendet_am = datum or date.today()
    if neu is Anforderungsstatus.ENTWURF:
        a.versendet_am = None
    a.status = neu
    if antwort is not None:
        a.antwort = antwort.strip()
    s.flush()
    return a


@dataclass(frozen=True)
class Kontakt:
    name: str
    funktion: str
    referat: str
    telefon: str
    email: str


@dataclass(frozen=True)
class AnforderungDaten:
    """Everything the text and the PDF show – a snapshot, so documents never touch the session."""

    id: str
    kennung: str
    art: str
    art_label: str
    status: str
    status_label: str
    betreff: str
    beschreibung: str
    vorschlag: str
    begruendung: str
    empfaenger: str
    aktenzeichen: str
    erstellt_am: date
    versendet_am: date | None
    ressort: str
    ressort_kurz: str
    referat: str
    anschrift: str
    kontakt: Kontakt | None
    ozg_id: str | None
    leistung: str | None
    themenfeld: str | None
    lage: str | None
    typ: str | None
    im_katalog: bool | None
    katalogstand: str | None


def daten(s: Session, a: Aenderungsanforderung) -> AnforderungDaten:
    ressort = ressort_von(s)
    kontakt = None
    if a.ansprechpartner_id:
        p = s.get(Person, a.ansprechpartner_id)
        if p is not None:
            kontakt = Kontakt(p.name, p.funktion, p.referat, p.telefon, p.email)
    l = s.get(Leistung, a.leistung_id) if a.leistung_id else None
    tf = s.get(Themenfeld, l.themenfeld_id) if l else None
    lage = s.get(Lage, l.lage_id) if l and l.lage_id else None
    letzter = s.execute(select(Katalogimport).order_by(Katalogimport.zeitpunkt.desc()).limit(1)).scalar_one_or_none()
    stand = (f"Katalogimport vom {format_datum(letzter.zeitpunkt.date())} ({letzter.datei})" if letzter
             else "mit ozgdesk ausgelieferter Katalog")
    art = Anforderungsart.parse(a.art)
    status = Anforderungsstatus.parse(a.status)
    return AnforderungDaten(
        id=a.id, kennung=a.kennung, art=art.value, art_label=art.label, status=status.value, status_label=status.label,
        betreff=a.betreff, beschreibung=a.beschreibung, vorschlag=a.vorschlag, begruendung=a.begruendung,
        empfaenger=a.empfaenger, aktenzeichen=a.aktenzeichen, erstellt_am=a.erstellt_am, versendet_am=a.versendet_am,
        ressort=ressort.name, ressort_kurz=ressort.kurzname, referat=ressort.koordinierungsreferat,
        anschrift=ressort.anschrift, kontakt=kontakt,
        ozg_id=l.ozg_id if l else None, leistung=l.bezeichnung if l else None, themenfeld=tf.name if tf else None,
        lage=lage.name if lage else None, typ=l.typ if l else None, im_katalog=l.im_katalog if l else None,
        katalogstand=stand,
    )


def liste(s: Session, status: str | None = None) -> list[AnforderungDaten]:
    q = select(Aenderungsanforderung).order_by(Aenderungsanforderung.erstellt_am, Aenderungsanforderung.kennung)
    if status:
        q = q.where(Aenderungsanforderung.status == Anforderungsstatus.parse(status))
    return [daten(s, a) for a in s.execute(q).scalars()]


def betreffzeile(d: AnforderungDaten) -> str:
    was = f"OZG-ID {d.ozg_id} „{d.leistung}“" if d.ozg_id else "neue Leistung"
    return f"Änderungsanforderung OZG-Umsetzungskatalog {d.kennung} ({d.ressort_kurz}): {d.art_label} – {was}"


def als_text(d: AnforderungDaten) -> str:
    """The request as plain text, ready to send to the central mailbox (subject line first)."""
    z: list[str] = [f"An: {d.empfaenger}", f"Betreff: {betreffzeile(d)}", ""]
    z.append("Sehr geehrte Damen und Herren,")
    z.append("")
    referat = f" ({d.referat})" if d.referat else ""
    z.append(f"das {d.ressort}{referat} bittet um folgende Änderung des OZG-Umsetzungskatalogs:")
    z.append("")
    z.append(f"Art der Änderung:   {d.art_label}")
    if d.ozg_id:
        z.append(f"OZG-Leistung:       {d.ozg_id} – {d.leistung}")
        einordnung = " / ".join(x for x in (d.themenfeld, d.lage) if x)
        if einordnung:
            z.append(f"Einordnung:         {einordnung}")
        if d.typ:
            z.append(f"Typ:                {d.typ}")
        if d.im_katalog is False:
            z.append("Hinweis:            im aktuellen Katalog nicht mehr enthalten")
    z.append(f"Anliegen:           {d.betreff}")
    z.append(f"Katalogstand:       {d.katalogstand}")
    if d.aktenzeichen:
        z.append(f"Aktenzeichen:       {d.aktenzeichen}")
    z.append(f"Kennung:            {d.kennung} vom {format_datum(d.erstellt_am)}")
    for titel, text in (("Beschreibung", d.beschreibung), ("Vorschlag", d.vorschlag), ("Begründung", d.begruendung)):
        if text:
            z += ["", f"{titel}:", text]
    z += ["", "Für Rückfragen steht zur Verfügung:"]
    if d.kontakt:
        k = d.kontakt
        z.append(", ".join(x for x in (k.name, k.funktion) if x))
        if k.referat or d.referat:
            z.append(k.referat or d.referat)
        z.append(d.ressort)
        if k.telefon:
            z.append(f"Telefon: {k.telefon}")
        if k.email:
            z.append(f"E-Mail: {k.email}")
    else:
        z.append(f"{d.referat}, {d.ressort}" if d.referat else d.ressort)
    z += ["", "Mit freundlichen Grüßen", "Im Auftrag", d.kontakt.name if d.kontakt else "", ""]
    return "\n".join(z)
