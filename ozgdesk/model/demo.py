"""A deterministic demo Ressort that looks like a real ministry's data to a coordinator.

The Bundesministerium für Arbeit und Soziales with six Behörden of both kinds, 20 Typ-1
OZG-Leistungen from the real catalogue, 18 projects of every funding type, work packages and
milestones from 2024 to 2027 (reached, late, postponed, at risk), payment plans in several
versions, payments that under- and overrun the plan, and person-days of central support.

People, amounts and dates are invented; e-mail addresses use the reserved ``.example`` domain.
Everything is derived from a fixed seed and fixed ids, so two demo stores hold identical data and
tests can rely on it. The reference date is :data:`STICHTAG`, not today, for the same reason.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy.orm import Session

from ozgdesk.model.base import abgeleitete_id
from ozgdesk.model.errors import OzgFehler
from ozgdesk.model.finanzen import Aufwand, Bewilligung, Mittelabfluss, Zahlungsplan, ZahlungsplanPosition
from ozgdesk.model.grunddaten import katalog_laden, leistung_id
from ozgdesk.model.stichtag import DEMO_STICHTAG
from ozgdesk.model.katalog import Leistung, LeistungVerantwortung, ReifegradBewertung
from ozgdesk.model.organisation import Behoerde, Person, Ressort
from ozgdesk.model.projekte import Arbeitspaket, Meilenstein, MeilensteinVerschiebung, Projekt, ProjektLeistung
from ozgdesk.model.values import (
    Ampel,
    Finanzierung,
    Haushaltsstelle,
    Kostenart,
    MeilensteinStatus,
    Quartal,
    Reifegradmodell,
    Verwaltungsart,
)

STICHTAG = DEMO_STICHTAG
SEED = 20261115

HHST_DIENSTLEISTUNG = Haushaltsstelle.parse("0602 532 01")
HHST_IT = Haushaltsstelle.parse("0602 812 01")
HHST_EIGEN = Haushaltsstelle.parse("1101 532 01")


def _id(art: str, schluessel: object) -> str:
    return abgeleitete_id(f"demo-{art}", schluessel)


@dataclass(frozen=True)
class _B:
    kurz: str
    name: str
    art: Verwaltungsart
    erstattung: bool
    anschrift: str


BEHOERDEN = (
    _B("BA", "Bundesagentur für Arbeit", Verwaltungsart.MITTELBAR, True, "Regensburger Straße 104\n90478 Nürnberg"),
    _B("DRV Bund", "Deutsche Rentenversicherung Bund", Verwaltungsart.MITTELBAR, True, "Ruhrstraße 2\n10709 Berlin"),
    _B("DRV KBS", "Deutsche Rentenversicherung Knappschaft-Bahn-See", Verwaltungsart.MITTELBAR, False, "Pieperstraße 14–28\n44789 Bochum"),
    _B("UVB", "Unfallversicherung Bund und Bahn", Verwaltungsart.MITTELBAR, False, "Weserstraße 47\n26382 Wilhelmshaven"),
    _B("BAuA", "Bundesanstalt für Arbeitsschutz und Arbeitsmedizin", Verwaltungsart.UNMITTELBAR, False, "Friedrich-Henkel-Weg 1–25\n44149 Dortmund"),
    _B("BAS", "Bundesamt für Soziale Sicherung", Verwaltungsart.UNMITTELBAR, False, "Friedrich-Ebert-Allee 38\n53113 Bonn"),
)

# (name, funktion, referat, behoerde kurz, telefon)
PERSONEN = (
    ("Dr. Katharina Brenner", "Referatsleiterin", "Referat Z c 4 – OZG-Koordinierung", None, "030 18527-4410"),
    ("Jonas Weidlich", "Referent", "Referat Z c 4 – OZG-Koordinierung", None, "030 18527-4412"),
    ("Sabine Oberländer", "Projektleiterin", "IT-Systemhaus, Bereich Online-Dienste", "BA", "0911 179-2231"),
    ("Murat Yılmaz", "Projektleiter", "Geschäftsbereich Arbeitsmarkt", "BA", "0911 179-4418"),
    ("Friederike Schäfer", "Projektleiterin", "Abteilung Digitalisierung", "DRV Bund", "030 865-31170"),
    ("Thomas Großmann", "Projektleiter", "Abteilung Rente", "DRV Bund", "030 865-24405"),
    ("Anja Köhler", "Projektleiterin", "Dezernat Digitale Services", "DRV KBS", "0234 304-61120"),
    ("Björn Lüdtke", "Projektleiter", "Künstlersozialkasse, Stabsstelle IT", "UVB", "04421 7543-310"),
    ("Dr. Elif Demir", "Projektleiterin", "Fachbereich 4 – Gefahrstoffe", "BAuA", "0231 9071-2284"),
    ("Matthias Vogt", "Projektleiter", "Referat 211 – Aufsicht", "BAS", "0228 619-1822"),
)


def _email(name: str) -> str:
    teile = name.replace("Dr. ", "").lower()
    for a, b in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss"), ("ı", "i")):
        teile = teile.replace(a, b)
    vor, *_, nach = teile.split()
    return f"{vor}.{nach}@bmas.example"


# (ozg_id, behoerde kurz, prioritaet, geplant online)
LEISTUNGEN = (
    ("10073", "BA", 1, date(2025, 6, 30)),
    ("10074", "BA", 1, date(2025, 6, 30)),
    ("10075", "BA", 2, date(2025, 12, 31)),
    ("10076", "BA", 3, date(2027, 6, 30)),
    ("10307", "BA", 1, date(2026, 3, 31)),
    ("10288", "BA", 2, date(2026, 9, 30)),
    ("10067", "BA", 2, date(2026, 9, 30)),
    ("10312", "BA", 2, date(2027, 3, 31)),
    ("10299", "BA", 3, date(2027, 6, 30)),
    ("10096", "DRV Bund", 1, date(2025, 3, 31)),
    ("10104", "DRV Bund", 1, date(2026, 6, 30)),
    ("10072", "DRV Bund", 2, date(2026, 3, 31)),
    ("10102", "DRV Bund", 2, date(2026, 12, 31)),
    ("10590", "DRV Bund", 2, date(2026, 6, 30)),
    ("10098", "DRV Bund", 3, date(2027, 3, 31)),
    ("10100", "DRV KBS", 3, date(2026, 12, 31)),
    ("10575", "UVB", 2, date(2026, 9, 30)),
    ("10189", "UVB", 2, date(2026, 6, 30)),
    ("10201", "UVB", 3, date(2027, 6, 30)),
    ("10482", "BAuA", 2, date(2026, 12, 31)),
    ("10190", "BAS", 3, date(2027, 3, 31)),
)


@dataclass(frozen=True)
class _P:
    kennung: str
    titel: str
    behoerde: str
    leiter: str
    finanzierung: Finanzierung
    leistungen: tuple[str, ...]
    beginn: date
    ende: date
    volumen_teuro: int  # total plan volume in thousand euro (voll) or approved PT (unterstuetzung)
    zweck: str


V, U, E = Finanzierung.VOLL, Finanzierung.UNTERSTUETZUNG, Finanzierung.EIGEN
PROJEKTE = (
    _P("BMAS-2024-01", "Digitaler Antrag auf Arbeitslosengeld mit Arbeitslosmeldung", "BA", "Sabine Oberländer", V, ("10073", "10074"), date(2024, 1, 1), date(2026, 6, 30), 4200, "Ende-zu-Ende-digitale Arbeitslosmeldung und Antragstellung auf Arbeitslosengeld über das Verwaltungsportal Bund mit Anbindung an das Nutzerkonto Bund."),
    _P("BMAS-2024-02", "Insolvenzgeld online", "BA", "Murat Yılmaz", V, ("10075",), date(2024, 4, 1), date(2026, 3, 31), 1350, "Online-Antrag auf Insolvenzgeld einschließlich digitaler Insolvenzgeldbescheinigung der Insolvenzverwaltung."),
    _P("BMAS-2024-03", "Kurzarbeitergeld – Anzeige und Abrechnung digital", "BA", "Murat Yılmaz", V, ("10307",), date(2024, 1, 1), date(2026, 12, 31), 3800, "Digitale Anzeige des Arbeitsausfalls und monatliche Abrechnung des Kurzarbeitergeldes für Arbeitgeber mit Anbindung an ELSTER-Unternehmenskonto."),
    _P("BMAS-2024-04", "Rentenkonto digital", "DRV Bund", "Friederike Schäfer", V, ("10096",), date(2024, 1, 1), date(2025, 12, 31), 2100, "Einsicht in das Versicherungskonto, Renteninformation und Kontenklärung online."),
    _P("BMAS-2024-05", "Online-Rentenantrag", "DRV Bund", "Thomas Großmann", V, ("10104",), date(2024, 7, 1), date(2027, 6, 30), 5600, "Vollständig digitaler Rentenantrag mit Nachweisabruf über das Once-Only-Prinzip."),
    _P("BMAS-2024-06", "Digitale Lebensbescheinigung", "DRV Bund", "Friederike Schäfer", U, ("10102",), date(2024, 10, 1), date(2027, 3, 31), 180, "Abgabe der Lebensbescheinigung für Rentenberechtigte im Ausland über einen Online-Dienst."),
    _P("BMAS-2024-07", "Statusfeststellung online", "DRV Bund", "Thomas Großmann", V, ("10590",), date(2024, 4, 1), date(2026, 9, 30), 1900, "Anfrageverfahren zur Statusfeststellung mit elektronischer Bescheidzustellung."),
    _P("BMAS-2025-01", "Sozialversicherungsnummer-Service", "DRV Bund", "Friederike Schäfer", U, ("10072",), date(2025, 1, 1), date(2026, 12, 31), 140, "Online-Beantragung des Sozialversicherungsausweises und Auskunft zur Rentenversicherungsnummer."),
    _P("BMAS-2025-02", "Altersvorsorgezulage digital", "DRV Bund", "Thomas Großmann", E, ("10098",), date(2025, 1, 1), date(2027, 6, 30), 900, "Digitaler Zulageantrag zur zusätzlichen Altersvorsorge in Eigenregie der Zentralen Zulagenstelle für Altersvermögen."),
    _P("BMAS-2025-03", "Knappschaftsausgleichsleistung online", "DRV KBS", "Anja Köhler", U, ("10100",), date(2025, 4, 1), date(2027, 3, 31), 120, "Online-Antrag auf Knappschaftsausgleichsleistung mit digitaler Nachweisführung."),
    _P("BMAS-2025-04", "Künstlersozialkasse – Meldeportal", "UVB", "Björn Lüdtke", V, ("10575",), date(2025, 1, 1), date(2026, 12, 31), 1250, "Meldeportal für Versicherte und abgabepflichtige Unternehmen der Künstlersozialversicherung."),
    _P("BMAS-2025-05", "Unfallanzeige und Unfallrente digital", "UVB", "Björn Lüdtke", U, ("10189", "10201"), date(2025, 4, 1), date(2027, 6, 30), 220, "Elektronische Unfallanzeige der Dienststellen und digitaler Antrag auf Unfallrente."),
    _P("BMAS-2025-06", "Gefahrstoff-Meldeplattform", "BAuA", "Dr. Elif Demir", V, ("10482",), date(2025, 1, 1), date(2027, 3, 31), 1600, "Zentrale Meldeplattform für Störungs- und Unfallanzeigen mit Gefahrstoffen."),
    _P("BMAS-2025-07", "Beschwerdeportal Sozialversicherung", "BAS", "Matthias Vogt", E, ("10190",), date(2025, 7, 1), date(2027, 3, 31), 450, "Online-Einreichung und Sachstandsabfrage von Beschwerden über bundesunmittelbare Sozialversicherungsträger."),
    _P("BMAS-2025-08", "Gründungszuschuss und Bildungsgutschein digital", "BA", "Sabine Oberländer", V, ("10288", "10067"), date(2025, 4, 1), date(2026, 12, 31), 2300, "Digitale Antragsstrecken für Gründungszuschuss und Bildungsgutschein mit Beratungsterminvergabe."),
    _P("BMAS-2026-01", "Arbeitsmarktzulassung digital", "BA", "Murat Yılmaz", V, ("10312",), date(2026, 1, 1), date(2027, 12, 31), 2700, "Digitales Zustimmungsverfahren zur Beschäftigung ausländischer Fachkräfte im Zusammenspiel mit den Ausländerbehörden."),
    _P("BMAS-2026-02", "Arbeitnehmerüberlassung – Erlaubnisverfahren online", "BA", "Sabine Oberländer", U, ("10299",), date(2026, 1, 1), date(2027, 12, 31), 160, "Antrag, Verlängerung und Anzeigen im Erlaubnisverfahren nach dem AÜG online."),
    _P("BMAS-2026-03", "Versicherungspflicht auf Antrag – Online-Dienst", "BA", "Murat Yılmaz", E, ("10076",), date(2026, 4, 1), date(2027, 9, 30), 600, "Online-Antrag auf ein Versicherungspflichtverhältnis in der Arbeitslosenversicherung."),
)

MEILENSTEINE = (
    "Projektauftrag und Kick-off",
    "Anforderungsanalyse und Soll-Prozess abgeschlossen",
    "Anbindung Nutzerkonto Bund und Verwaltungsportal",
    "Pilotbetrieb mit ausgewählten Dienststellen",
    "Go-Live des Online-Dienstes",
    "Reifegrad 3 bundesweit erreicht",
)
ARBEITSPAKETE = (
    ("AP 1", "Anforderungsanalyse und Prozessdesign"),
    ("AP 2", "Umsetzung des Online-Dienstes"),
    ("AP 3", "Anbindung der Basiskomponenten"),
    ("AP 4", "Pilotierung und Rollout"),
)
VERSCHIEBUNGSGRUENDE = (
    "Verzögerte Bereitstellung der Schnittstelle zum Nutzerkonto Bund durch den IT-Dienstleister.",
    "Vergabeverfahren für Entwicklungsleistungen hat sich um ein Quartal verlängert.",
    "Abstimmung des Datenschutzkonzepts mit dem BfDI dauert an.",
    "Fachliche Änderung durch Gesetzesnovelle erfordert Anpassung des Antragsprozesses.",
    "Personelle Engpässe im Fachbereich während der Pilotphase.",
)
RISIKEN = (
    "Abhängigkeit von der termingerechten Bereitstellung der Basiskomponenten (Nutzerkonto Bund, E-Payment).",
    "Fachkräftemangel bei Entwicklungs- und Testkapazitäten des IT-Dienstleisters.",
    "Offene Rechtsfragen zur Schriftformerfordernis einzelner Nachweise.",
    "Akzeptanz des Online-Angebots bei Arbeitgebern noch ungewiss.",
)


def _quartale(beginn: date, ende: date) -> list[Quartal]:
    q, letzte, liste = Quartal.von_datum(beginn), Quartal.von_datum(ende), []
    while q <= letzte:
        liste.append(q)
        q = q.folgendes()
    return liste


def _runde(cent: int) -> int:
    """Plan figures are round thousands of euro, as controllers write them."""
    return max(100_000, round(cent / 100_000) * 100_000)


def demo_anlegen(session: Session) -> dict[str, int]:
    """Fill an empty store with the catalogue and the demo Ressort."""
    rng = random.Random(SEED)
    katalog_laden(session)
    session.flush()

    behoerden = {}
    for b in BEHOERDEN:
        obj = Behoerde(id=_id("behoerde", b.kurz), name=b.name, kurzname=b.kurz, art=b.art,
                       erstattungsanspruch=b.erstattung, anschrift=b.anschrift)
        behoerden[b.kurz] = obj
        session.add(obj)
    session.flush()
    personen = {}
    for name, funktion, referat, kurz, telefon in PERSONEN:
        person = Person(id=_id("person", name), name=name, funktion=funktion, referat=referat,
                        behoerde_id=behoerden[kurz].id if kurz else None, email=_email(name), telefon=telefon)
        personen[name] = person
        session.add(person)
    session.flush()
    session.add(Ressort(
        id=_id("ressort", "BMAS"), kurzname="BMAS", name="Bundesministerium für Arbeit und Soziales",
        koordinierungsreferat="Referat Z c 4 – OZG-Koordinierung",
        ansprechpartner_id=personen["Dr. Katharina Brenner"].id,
        anschrift="Wilhelmstraße 49\n10117 Berlin", postfach="ozg-koordinierung@bmas.example",
    ))

    leiter_je_behoerde: dict[str, list[Person]] = {}
    for name, _f, _r, kurz, _t in PERSONEN:
        if kurz:
            leiter_je_behoerde.setdefault(kurz, []).append(personen[name])

    for ozg_id, kurz, prio, online in LEISTUNGEN:
        leistung = session.get(Leistung, leistung_id(ozg_id))
        if leistung is None:  # the demo names Leistungen of the shipped catalogue
            raise OzgFehler(f"Das Demo-Ressort kann nicht angelegt werden: Die OZG-Leistung {ozg_id} fehlt im "
                            "mitgelieferten Umsetzungskatalog.")
        leistung.typ = "1"
        leistung.im_ressort = True
        leistung.behoerde_id = behoerden[kurz].id
        leistung.prioritaet = prio
        leistung.geplant_online = online
        leistung.ziel_reifegrad = 4 if prio == 1 else 3
        for person in leiter_je_behoerde[kurz][:1 + (prio == 1)]:
            session.add(LeistungVerantwortung(id=_id("verantwortung", f"{ozg_id}:{person.name}"),
                                              leistung_id=leistung.id, person_id=person.id))
        # Reifegrad history: rising over time; "online" for the ones planned before the Stichtag.
        erste = rng.choice((0, 1))
        zweite = min(4, erste + rng.choice((1, 1, 2)))
        dritte = min(4, zweite + (1 if online <= STICHTAG else rng.choice((0, 1))))
        stufen = (erste, zweite, dritte)
        stichtage = (date(2024, 3, 31), date(2025, 3, 31), date(2026, 3, 31))
        for i, (datum, stufe) in enumerate(zip(stichtage, stufen, strict=True)):
            session.add(ReifegradBewertung(
                id=_id("reifegrad", f"{ozg_id}:{i}"), leistung_id=leistung.id, datum=datum,
                modell=Reifegradmodell.V1_1, stufe=stufe, quelle="Statusermittlung BMI",
            ))
        if prio == 1:
            session.add(ReifegradBewertung(
                id=_id("reifegrad", f"{ozg_id}:2.0"), leistung_id=leistung.id, datum=date(2026, 9, 30),
                modell=Reifegradmodell.V2_0, stufe=min(7, dritte + 1), quelle="Selbstbewertung Reifegradmodell 2.0",
                bemerkung="Erste Bewertung nach dem Reifegradmodell 2.0 (Juli 2025).",
            ))

    zaehler = {"projekte": 0, "meilensteine": 0, "zahlungen": 0}
    for nr, p in enumerate(PROJEKTE):
        _projekt_anlegen(session, rng, nr, p, behoerden, personen, zaehler)
    return zaehler


def _projekt_anlegen(session, rng, nr, p: _P, behoerden, personen, zaehler) -> None:  # noqa: ANN001
    pid = _id("projekt", p.kennung)
    behoerde = behoerden[p.behoerde]
    ampel_zeit = Ampel.GRUEN
    ampel_kosten = Ampel.GRUEN
    projekt = Projekt(
        id=pid, kennung=p.kennung, titel=p.titel, zweck=p.zweck,
        ziele="Ende-zu-Ende-Digitalisierung der Leistung auf Reifegrad 3 oder höher; Nachnutzung der "
              "Basiskomponenten der Dienstekonsolidierung; Entlastung der Sachbearbeitung.",
        ergebnisse="Produktiver Online-Dienst im Verwaltungsportal Bund, Schnittstelle zum Fachverfahren, "
                   "Betriebs- und Datenschutzkonzept.",
        behoerde_id=behoerde.id, projektleiter_id=personen[p.leiter].id, finanzierung=p.finanzierung,
        beratung_fachlich=p.finanzierung is not Finanzierung.EIGEN,
        beratung_architektur=nr % 3 != 2,
        umsetzung=p.finanzierung is Finanzierung.VOLL,
        komponenten="verwaltungsportal,nutzerkonto" + (",epayment" if nr % 4 == 0 else "") + (",fms" if nr % 3 == 0 else ""),
        abweichungsbegruendung="" if nr % 5 else "Der Online-Dienst wird im bestehenden Kundenportal der Behörde betrieben, "
                                                 "weil dort bereits 4,2 Mio. registrierte Nutzer ihre Vorgänge führen; "
                                                 "die Auffindbarkeit im Verwaltungsportal Bund wird über eine Verlinkung sichergestellt.",
        beginn=p.beginn, ende=p.ende,
        eigenpersonal_pt=Decimal(120 + 15 * (nr % 7)),
        aktenzeichen=f"Z c 4 – 21{nr + 10:02d}/{p.beginn.year}",
        risiken=RISIKEN[nr % len(RISIKEN)] + "\n" + RISIKEN[(nr + 2) % len(RISIKEN)],
        naechste_schritte="Abschluss der Integrationstests; Vorbereitung des Pilotbetriebs; "
                          "Abstimmung der Rollout-Planung mit den Dienststellen.",
        interne_bemerkung="Intern: Eskalation an AL Z erwogen, falls Vergabe sich weiter verzögert." if nr % 4 == 1 else "",
    )
    session.add(projekt)
    session.flush()
    for ozg_id in p.leistungen:
        session.add(ProjektLeistung(id=_id("pl", f"{p.kennung}:{ozg_id}"), projekt_id=pid, leistung_id=leistung_id(ozg_id)))

    # Work packages over four quarters of the runtime each.
    dauer = (p.ende - p.beginn).days
    aps = []
    for i, (num, titel) in enumerate(ARBEITSPAKETE):
        ap = Arbeitspaket(id=_id("ap", f"{p.kennung}:{num}"), projekt_id=pid, nummer=num, titel=titel,
                          beginn=p.beginn + timedelta(days=dauer * i // 4),
                          ende=p.beginn + timedelta(days=dauer * (i + 1) // 4 - 1))
        aps.append(ap)
        session.add(ap)
    session.flush()

    # Milestones: reached, late, postponed, at risk.
    for i, titel in enumerate(MEILENSTEINE):
        plan = p.beginn + timedelta(days=max(14, dauer * i // (len(MEILENSTEINE) - 1)))
        plan = min(plan, p.ende)
        ms = Meilenstein(id=_id("ms", f"{p.kennung}:{i}"), projekt_id=pid, arbeitspaket_id=aps[min(3, i * 4 // 6)].id,
                         titel=titel, plan_datum=plan, prognose_datum=plan, status=MeilensteinStatus.OFFEN)
        wurf = rng.random()
        verschiebungen = 0
        if plan < STICHTAG - timedelta(days=30):
            if wurf < 0.8:
                ms.status = MeilensteinStatus.ERREICHT
                ms.ist_datum = min(STICHTAG, plan + timedelta(days=rng.choice((-7, 0, 0, 3, 10, 21))))
            elif wurf < 0.94:
                verschiebungen = rng.choice((1, 1, 2, 3))
            else:
                ampel_zeit = Ampel.GELB  # overdue without a new forecast
        elif plan < STICHTAG + timedelta(days=360) and wurf < 0.3:
            verschiebungen = rng.choice((1, 1, 2, 3))
        session.add(ms)
        session.flush()
        datum = plan
        for k in range(verschiebungen):
            neu = datum + timedelta(days=rng.choice((30, 45, 60, 90)))
            session.add(MeilensteinVerschiebung(
                id=_id("msv", f"{p.kennung}:{i}:{k}"), meilenstein_id=ms.id,
                erfasst_am=min(STICHTAG, datum - timedelta(days=20)), von_datum=datum, auf_datum=neu,
                grund=VERSCHIEBUNGSGRUENDE[(nr + i + k) % len(VERSCHIEBUNGSGRUENDE)], nummer=k + 1,
            ))
            datum = neu
        if verschiebungen:
            ms.prognose_datum = datum
            if datum < STICHTAG:
                ms.status = MeilensteinStatus.ERREICHT
                ms.ist_datum = datum
            elif verschiebungen == 3:
                ms.status = MeilensteinStatus.GEFAEHRDET
                ampel_zeit = Ampel.ROT
            elif verschiebungen == 2:
                ampel_zeit = max(ampel_zeit, Ampel.GELB, key=_ampelrang)
        zaehler["meilensteine"] += 1

    quartale = _quartale(p.beginn, p.ende)
    if p.finanzierung is Finanzierung.UNTERSTUETZUNG:
        _aufwand_anlegen(session, rng, p, pid, quartale)
    else:
        ampel_kosten = _finanzen_anlegen(session, rng, nr, p, pid, quartale, zaehler)

    projekt.ampel_zeit = ampel_zeit
    projekt.ampel_kosten = ampel_kosten
    projekt.ampel_umfang = Ampel.GELB if nr % 6 == 4 else Ampel.GRUEN
    if ampel_zeit is not Ampel.GRUEN:
        projekt.ampel_zeit_grund = "Meilensteine mussten verschoben werden; siehe Meilensteinplan."
    if ampel_kosten is not Ampel.GRUEN:
        projekt.ampel_kosten_grund = "Mittelabfluss weicht deutlich vom Zahlungsplan ab."
    if projekt.ampel_umfang is not Ampel.GRUEN:
        projekt.ampel_umfang_grund = "Nachweisabruf über das Once-Only-Prinzip wird in einer zweiten Ausbaustufe umgesetzt."
    gesamt = max((ampel_zeit, ampel_kosten, projekt.ampel_umfang), key=_ampelrang)
    projekt.ampel_gesamt = gesamt
    if gesamt is not Ampel.GRUEN:
        projekt.ampel_gesamt_grund = "Termin- bzw. Kostenrisiken, Gegensteuerung eingeleitet."
    zaehler["projekte"] += 1


def _ampelrang(a: Ampel) -> int:
    return {Ampel.GRUEN: 0, Ampel.GELB: 1, Ampel.ROT: 2}[a]


def _finanzen_anlegen(session, rng, nr, p: _P, pid, quartale, zaehler) -> Ampel:  # noqa: ANN001
    gesamt_cent = p.volumen_teuro * 100_000
    hhst_dl = HHST_EIGEN if p.finanzierung is Finanzierung.EIGEN else HHST_DIENSTLEISTUNG
    # Version 1: even split; version 2 (most projects): shifted to later quarters; version 3 for some.
    versionen = 1 + (nr % 3 != 0) + (nr % 4 == 1)
    anteil_it = Decimal("0.2")
    plan_letzte: dict[Quartal, int] = {}
    for v in range(1, versionen + 1):
        stand = min(STICHTAG, p.beginn + timedelta(days=180 * (v - 1)))
        plan = Zahlungsplan(id=_id("zp", f"{p.kennung}:{v}"), projekt_id=pid, version=v, stand=stand,
                            bemerkung="Erstplanung laut Projektantrag" if v == 1 else
                            f"Fortschreibung {v - 1}: Verschiebung von Mitteln in spätere Quartale")
        session.add(plan)
        session.flush()
        gewichte = [1 + (v - 1) * 0.15 * i for i in range(len(quartale))]
        summe = sum(gewichte)
        for q, g in zip(quartale, gewichte, strict=True):
            betrag = _runde(int(gesamt_cent * g / summe))
            it = _runde(int(betrag * anteil_it)) if p.finanzierung is not Finanzierung.EIGEN else 0
            session.add(ZahlungsplanPosition(id=_id("zpp", f"{p.kennung}:{v}:{q}:dl"), zahlungsplan_id=plan.id,
                                             quartal=q, haushaltsstelle=hhst_dl, kostenart=Kostenart.DIENSTLEISTUNG,
                                             betrag_cent=betrag - it))
            if it:
                session.add(ZahlungsplanPosition(id=_id("zpp", f"{p.kennung}:{v}:{q}:it"), zahlungsplan_id=plan.id,
                                                 quartal=q, haushaltsstelle=HHST_IT, kostenart=Kostenart.SOFTWARE,
                                                 betrag_cent=it))
            plan_letzte[q] = betrag
    # Approvals per year: the plan sum, except one project where payments exceed the approval.
    jahre = sorted({q.jahr for q in quartale})
    for jahr in jahre:
        summe_jahr = sum(b for q, b in plan_letzte.items() if q.jahr == jahr)
        if p.finanzierung is Finanzierung.EIGEN:
            continue
        betrag = summe_jahr if nr != 10 else int(summe_jahr * 0.8)
        session.add(Bewilligung(id=_id("bew", f"{p.kennung}:{jahr}"), projekt_id=pid, jahr=jahr,
                                betrag_cent=betrag, datum=date(jahr - 1, 12, 15) if jahr > p.beginn.year else p.beginn,
                                aktenzeichen=f"DV 2 – 12{nr + 10:02d}/{jahr}"))
    # Payments for past quarters: under- and overrun the plan.
    faktor_projekt = (0.55, 0.8, 0.95, 1.0, 1.05, 1.25)[nr % 6]
    abweichung = abs(faktor_projekt - 1) > 0.15
    for q in quartale:
        if q.ende >= STICHTAG:
            break
        soll = plan_letzte[q]
        ist = int(soll * faktor_projekt * rng.uniform(0.9, 1.1))
        teile = rng.choice((1, 2, 3))
        for t in range(teile):
            betrag = ist // teile + (ist % teile if t == 0 else 0)
            betrag = betrag // 100 * 100 + rng.randrange(0, 100)  # real invoices have cents
            tag = q.beginn + timedelta(days=25 + 28 * t + rng.randrange(0, 10))
            hhst = HHST_IT if t == 2 and p.finanzierung is not Finanzierung.EIGEN else hhst_dl
            session.add(Mittelabfluss(
                id=_id("ma", f"{p.kennung}:{q}:{t}"), projekt_id=pid, datum=min(tag, q.ende), betrag_cent=betrag,
                haushaltsstelle=hhst,
                kostenart=Kostenart.SOFTWARE if hhst == HHST_IT else Kostenart.DIENSTLEISTUNG,
                referenz=f"RE-{q.jahr}-{nr + 1:02d}{q.nummer}{t + 1}",
                bemerkung="Abschlagszahlung laut Rahmenvertrag" if t == 0 else "Teilrechnung",
            ))
            zaehler["zahlungen"] += 1
    return Ampel.GELB if abweichung else Ampel.GRUEN


def _aufwand_anlegen(session, rng, p: _P, pid, quartale) -> None:  # noqa: ANN001
    bewilligt = Decimal(p.volumen_teuro)
    jahre = sorted({q.jahr for q in quartale})
    for jahr in jahre:
        anteil = Decimal(sum(1 for q in quartale if q.jahr == jahr)) / len(quartale)
        session.add(Bewilligung(id=_id("bew", f"{p.kennung}:{jahr}"), projekt_id=pid, jahr=jahr, betrag_cent=0,
                                personentage=(bewilligt * anteil).quantize(Decimal("1")),
                                datum=date(jahr - 1, 12, 15) if jahr > p.beginn.year else p.beginn))
    leistungsarten = (
        ("Fachliche Beratung", "Workshops zur Prozessanalyse; Begleitung der Soll-Prozessmodellierung nach FIM."),
        ("Architekturberatung", "Review der Zielarchitektur; Beratung zur Anbindung an Nutzerkonto Bund und FIT-Connect."),
    )
    for i, q in enumerate(quartale):
        if q.ende >= STICHTAG:
            break
        art, text = leistungsarten[i % 2]
        pt = (bewilligt / len(quartale) * Decimal(str(rng.uniform(0.6, 1.4)))).quantize(Decimal("0.5"))
        session.add(Aufwand(id=_id("aufwand", f"{p.kennung}:{q}"), projekt_id=pid, quartal=q, leistungsart=art,
                            personentage=pt, leistungen=text))
