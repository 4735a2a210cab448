"""Layout under hostile real data: every PDF document rendered from an edge store, read back from its
text layer (pypdfium2: characters with position and effective font size), and checked for what a
reader notices – an amount or date split across two lines, text below 7 pt, a heading as the last
line of a page, a Steckbrief longer than one page, a table continued without its project name.

The edge store is the demo Ressort changed through the model's operations (the editor's builders):
a 300-character project title, 66 milestones (many with 300-character titles and postponements with
long reasons), 40 Haushaltsstellen in one quarter of the payment plan, amounts over 1 Mrd. € and a
quarter deviation of −265.151.679,45 €, long traffic-light reasons, a Behörde and a person with
names at the column limits.
"""

from __future__ import annotations

import ctypes
import re
import shutil
from dataclasses import dataclass
from datetime import date, timedelta

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest
from sqlalchemy import select

from ozgdesk.model import Projekt, Zahlungsplan, ZahlungsplanPosition
from ozgdesk.model.bearbeiten import MeilensteinVerschieben
from ozgdesk.model.finanzen import Mittelabfluss
from ozgdesk.model.operationen import projekt as op
from ozgdesk.model.operationen.bearbeiten import anlegen, anwenden
from ozgdesk.model.store import Store
from ozgdesk.model.values import Ampel, Halbjahr, Haushaltsstelle, Kostenart, MeilensteinStatus, Quartal
from ozgdesk.reports import antrag, meilensteine, online_monitoring, quartalsbericht, statusermittlung, steckbrief
from tests.test_berichte_hilfen import VS, bestand

Q3 = Quartal(2026, 3)
H2 = Halbjahr(2026, 2)
KENNUNG = "BMAS-2024-05"
#: the deviation of the reported case: plan minus 265.151.679,45 € in the quarter
ABWEICHUNG_CENT = -26_515_167_945


def _auf(text: str, laenge: int) -> str:
    """``text`` repeated and cut to exactly ``laenge`` characters (at a word end, no trailing blank)."""
    while len(text) < laenge:
        text = f"{text} {text}"
    return text[:laenge].rstrip() + "x" * (laenge - len(text[:laenge].rstrip()))


TITEL_300 = _auf("Ende-zu-Ende-Digitalisierung des Rentenantragsverfahrens einschließlich Nachweisabruf über das "
                 "Once-Only-Technical-System, Anbindung an das Nutzerkonto Bund, die Datenaustauschplattform der "
                 "Sozialversicherungsträger und das Verwaltungsportal Bund sowie Ablösung der papiergebundenen "
                 "Antragsformulare in allen Regionalträgern", 300)
GRUND_LANG = ("Die Vergabe der Entwicklungsleistungen verzögerte sich um 14 Wochen, weil zwei Bieter Rügen nach "
              "§ 160 GWB erhoben haben; die Vergabekammer hat am 12.08.2026 entschieden. Zusätzlich fehlen im "
              "Fachverfahren die Schnittstellen zum Nachweisabruf, deren Bereitstellung der IT-Dienstleister erst "
              "für den 31.03.2027 zusagt. Mehrkosten von 1.234.567,89 € für die Übergangslösung sind beantragt; "
              "Gegensteuerung: Priorisierung der Antragsstrecke, Pilotbetrieb ab 01.02.2027.")
BEHOERDE_200 = _auf("Deutsche Rentenversicherung Bund – Geschäftsbereich Versicherung, Rehabilitation und "
                    "Sozialmedizin, Abteilung Digitalisierung der Antragsverfahren und Once-Only-Nachweisabruf, "
                    "Dezernat Portalverbund", 200)
PERSON_120 = _auf("Prof. Dr. Dr. h. c. Maximiliane-Alexandra Freifrau von Hohenzollern-Sigmaringen-Leutkirchen, "
                  "Leiterin Projektbüro Rentenantrag", 120)


def _hhst(i: int) -> Haushaltsstelle:
    return Haushaltsstelle.parse(f"06{i % 10:02d} {532 + i:03d} {i % 7 + 1:02d}")


def _projekt(store, kennung: str) -> tuple[str, int | None, dict, int]:  # noqa: ANN001
    """Id, newest plan version, that version's positions outside Q3/2026 and the payments in Q3/2026."""
    with store.lesen() as s:
        p = s.execute(select(Projekt).where(Projekt.kennung == kennung)).scalar_one()
        version = s.execute(select(Zahlungsplan.version).where(Zahlungsplan.projekt_id == p.id)
                            .order_by(Zahlungsplan.version.desc())).scalars().first()
        alt = s.execute(select(ZahlungsplanPosition).join(Zahlungsplan, Zahlungsplan.id == ZahlungsplanPosition.zahlungsplan_id)
                        .where(Zahlungsplan.projekt_id == p.id, Zahlungsplan.version == version)).scalars().all()
        ist_q3 = sum(z.betrag_cent for z in s.execute(select(Mittelabfluss).where(Mittelabfluss.projekt_id == p.id)).scalars()
                     if Q3.beginn <= z.datum <= Q3.ende)
        return p.id, version, {(x.quartal, x.haushaltsstelle, x.kostenart): x.betrag_cent for x in alt if x.quartal != Q3}, ist_q3


def _zahlen(store, pid: str, zahlungen: list[tuple[date, int, Haushaltsstelle]]) -> None:  # noqa: ANN001
    for tag, cent, hhst in zahlungen:
        anwenden(store, anlegen([("mittelabfluss", op.zahlung_werte({
            "projekt_id": pid, "datum": tag, "betrag_cent": cent, "haushaltsstelle": hhst,
            "kostenart": Kostenart.DIENSTLEISTUNG, "referenz": f"RE-GRENZ-{tag:%m%d}", "korrektur": cent < 0}))], "Grenzfall"))


def grenzfaelle_anlegen(store) -> None:  # noqa: ANN001
    """Turn the demo Ressort into the edge store (see the module docstring), through the model's
    operations (the editor's builders and commands)."""
    pid, version, betraege, ist_q3 = _projekt(store, KENNUNG)
    with store.lesen() as s:
        p = s.get(Projekt, pid)
        behoerde_id, person_id = p.behoerde_id, p.projektleiter_id
    anwenden(store, op.aendern("projekt", pid, {
        "titel": TITEL_300, "zweck": GRUND_LANG, "risiken": GRUND_LANG + "\n" + GRUND_LANG,
        "naechste_schritte": GRUND_LANG,
        "ampel_gesamt": Ampel.ROT, "ampel_gesamt_grund": GRUND_LANG, "ampel_zeit": Ampel.ROT, "ampel_zeit_grund": GRUND_LANG,
        "ampel_kosten": Ampel.ROT, "ampel_kosten_grund": GRUND_LANG, "ampel_umfang": Ampel.GELB,
        "ampel_umfang_grund": GRUND_LANG}, "Grenzfall"))
    anwenden(store, op.aendern("behoerde", behoerde_id, {"name": BEHOERDE_200, "kurzname": "DRV Bund GB Versicherung/Reha"},
                               "Grenzfall"))
    anwenden(store, op.aendern("person", person_id, {"name": PERSON_120}, "Grenzfall"))
    # 60 more milestones in the half-year, every third with a 300-character title, some postponed with long reasons
    for i in range(60):
        plan = date(2026, 7, 1) + timedelta(days=3 * i)
        titel = _auf(f"Meilenstein {i + 1}: " + TITEL_300, 300) if i % 3 == 0 else f"Meilenstein {i + 1}: Abnahme Teillieferung {i + 1}"
        werte = {"titel": titel, "plan_datum": plan, "oeffentlich": True,
                 "status": MeilensteinStatus.ERREICHT if plan < date(2026, 10, 1) else MeilensteinStatus.OFFEN}
        if werte["status"] is MeilensteinStatus.ERREICHT:
            werte["ist_datum"] = plan + timedelta(days=i % 4)
        befehl = op.meilenstein_anlegen(pid, werte)
        anwenden(store, befehl)
        if i % 5 == 1:
            anwenden(store, MeilensteinVerschieben(befehl.ids[0], plan + timedelta(days=45), GRUND_LANG, date(2026, 6, 1)))
    # amounts over 1 Mrd. € (plan and payment in Q1/2026), payments in Q3 including a negative correction
    zahlungen = [(date(2026, 2, 15), 110_000_000_000, _hhst(0)), (date(2026, 8, 14), 3_484_832_055, _hhst(1)),
                 (date(2026, 9, 1), -123_456_789, _hhst(2))]
    _zahlen(store, pid, zahlungen)
    ist_q3 += sum(c for t, c, _h in zahlungen if Q3.beginn <= t <= Q3.ende)
    # 40 Haushaltsstellen in Q3/2026; their sum makes the quarter deviation exactly ABWEICHUNG_CENT
    plan_q3 = ist_q3 - ABWEICHUNG_CENT
    teile = [plan_q3 // 40 + (i - 20) * 1_000_000 for i in range(39)]
    teile.append(plan_q3 - sum(teile))
    for i, cent in enumerate(teile):
        betraege[(Q3, _hhst(i), Kostenart.DIENSTLEISTUNG)] = cent
    betraege[(Quartal(2026, 1), _hhst(0), Kostenart.SOFTWARE)] = 123_456_789_012
    anwenden(store, op.zahlungsplan_speichern(pid, betraege, stand=date(2026, 9, 30), basis_version=version))
    # a second project 1,5 Mrd. € under its plan in the quarter, a third 2 Mrd. € over a small one
    pid, version, betraege, _ist = _projekt(store, "BMAS-2025-04")
    betraege[(Q3, _hhst(3), Kostenart.DIENSTLEISTUNG)] = 150_000_000_000
    anwenden(store, op.zahlungsplan_speichern(pid, betraege, stand=date(2026, 9, 30), basis_version=version))
    pid, *_ = _projekt(store, "BMAS-2026-01")
    _zahlen(store, pid, [(date(2026, 9, 30), 200_000_000_000, _hhst(4))])


@pytest.fixture(scope="module")
def grenz_bestand(_demo_vorlage, tmp_path_factory):  # noqa: ANN001
    """The edge store's snapshot, built once for the module (a snapshot is immutable)."""
    pfad = tmp_path_factory.mktemp("grenzfall") / "ozgdesk.sqlite"
    shutil.copyfile(_demo_vorlage, pfad)
    with Store.oeffnen(pfad) as store:
        grenzfaelle_anlegen(store)
        return bestand(store)


DOKUMENTE = {
    "Quartalsbericht Ressort": lambda b, p: quartalsbericht.pdf_ressort(b, Q3, kennzeichnung=VS, entwurf=True),
    "Quartalsbericht Projekt": lambda b, p: quartalsbericht.pdf_projekte(b, [p], Q3, kennzeichnung=VS, entwurf=True),
    "Meilenstein-Monitoring": lambda b, p: meilensteine.pdf(b, H2, kennzeichnung=VS),
    "Statusermittlung": lambda b, p: statusermittlung.pdf(b, kennzeichnung=VS),
    "Online-Monitoring": lambda b, p: online_monitoring.pdf(b, H2),
    "Anlage A": lambda b, p: antrag.pdf(b, p, kennzeichnung=VS),
    "Steckbrief": lambda b, p: steckbrief.pdf(b, p, kennzeichnung=VS),
}


def dokumente(b) -> dict[str, bytes]:  # noqa: ANN001
    """Every PDF document type, rendered from ``b`` for the edge project."""
    p = b.projekt(KENNUNG)
    return {name: erzeugen(b, p) for name, erzeugen in DOKUMENTE.items()}


# ------------------------------------------------------------------------------------- text layer
@dataclass(frozen=True)
class Zeile:
    """One run of characters drawn together: a line of a table cell or of a paragraph (pdfium puts a
    generated blank or line break between separately drawn strings, so a row's cells stay apart)."""

    seite: int
    text: str
    x0: float
    x1: float
    y: float  # baseline, PDF points from the page bottom
    groesse: float  # printed font size in points (a scaled canvas included)
    fett: bool


def _groesse(tp: pdfium.PdfTextPage, i: int) -> float:
    """The printed size of character ``i``: pdfium reports the font size as set in the content stream;
    a canvas scaled down (reportlab's KeepInFrame "shrink") shows only in the character's matrix."""
    m = pdfium_c.FS_MATRIX()
    groesse = pdfium_c.FPDFText_GetFontSize(tp.raw, i)
    if pdfium_c.FPDFText_GetMatrix(tp.raw, i, ctypes.byref(m)):
        groesse *= abs(m.a * m.d - m.b * m.c) ** 0.5
    return groesse


def _zeile(seite: int, zeichen: list[tuple[str, float, float, float, float, bool]]) -> Zeile | None:
    text = "".join(z[0] for z in zeichen)
    if not text.strip():
        return None
    return Zeile(seite, text, min(z[1] for z in zeichen), max(z[2] for z in zeichen), zeichen[0][3],
                 min(z[4] for z in zeichen), any(z[5] for z in zeichen))


def zeilen(daten: bytes) -> list[list[Zeile]]:
    """Per page, the drawn lines in content order."""
    pdf = pdfium.PdfDocument(daten)
    ergebnis = []
    puffer = ctypes.create_string_buffer(256)
    try:
        for nr in range(len(pdf)):
            tp = pdf[nr].get_textpage()
            laeufe: list[list[tuple[str, float, float, float, float, bool]]] = [[]]
            for i in range(tp.count_chars()):
                if pdfium_c.FPDFText_IsGenerated(tp.raw, i) == 1:
                    laeufe.append([])
                    continue
                zeichen = chr(pdfium_c.FPDFText_GetUnicode(tp.raw, i))
                x, y = ctypes.c_double(), ctypes.c_double()
                pdfium_c.FPDFText_GetCharOrigin(tp.raw, i, ctypes.byref(x), ctypes.byref(y))
                if zeichen in "\r\n" or (laeufe[-1] and abs(y.value - laeufe[-1][-1][3]) > 0.5):
                    laeufe.append([])
                if zeichen in "\r\n":
                    continue
                links, _u, rechts, _o = tp.get_charbox(i)
                pdfium_c.FPDFText_GetFontInfo(tp.raw, i, puffer, len(puffer), None)
                laeufe[-1].append((zeichen, links, rechts, y.value, _groesse(tp, i), b"Bold" in puffer.value))
            ergebnis.append([z for lauf in laeufe if (z := _zeile(nr + 1, lauf)) is not None])
    finally:
        pdf.close()
    return ergebnis


#: German amounts (optionally with the euro sign) and dates, as a reader must see them whole
BETRAG = re.compile(r"(?<![\d.,])-?\d{1,3}(?:\.\d{3})*,\d{2}(?:\s?€)?(?!\d)")
DATUM = re.compile(r"(?<![\d.])\d{2}\.\d{2}\.\d{4}(?!\d)")
#: the body of a page lies between the header (38 mm) and the footer (22 mm)
KOERPER_OBEN, KOERPER_UNTEN = 842 - 38 * 72 / 25.4, 22 * 72 / 25.4


def getrennt(seiten: list[list[Zeile]]) -> list[str]:
    """Amounts and dates whose characters begin on one line and end on the next line of the same cell."""
    funde = []
    for liste in seiten:
        for a, b in zip(liste, liste[1:], strict=False):
            # b continues a: directly below it (one line pitch) and in the same column
            if not (0.8 * a.groesse <= a.y - b.y <= 1.8 * a.groesse) or b.x0 > a.x1 + 1 or b.x1 < a.x0 - 1:
                continue
            for trenner in ("", " "):
                text, grenze = a.text + trenner + b.text, len(a.text)
                for muster in (BETRAG, DATUM):
                    for m in muster.finditer(text):
                        fund = f"S. {a.seite}: „{a.text[-30:]}“ / „{b.text[:30]}“"
                        if m.start() < grenze and m.end() > grenze + len(trenner) and fund not in funde:
                            funde.append(fund)
    return funde


def _koerper(liste: list[Zeile]) -> list[Zeile]:
    return [z for z in liste if KOERPER_UNTEN < z.y < KOERPER_OBEN and z.groesse < 50]  # not the watermark


def ueberschrift_am_seitenende(seiten: list[list[Zeile]]) -> list[str]:
    """Pages (but the last) whose lowest line of body text is a heading (bold, 10 pt or more)."""
    funde = []
    for liste in seiten[:-1]:
        koerper = _koerper(liste)
        if koerper:
            letzte = min(koerper, key=lambda z: z.y)
            if letzte.fett and letzte.groesse >= 9.9:
                funde.append(f"S. {letzte.seite}: „{letzte.text}“")
    return funde


def zu_klein(seiten: list[list[Zeile]], mindestens: float = 7.0) -> list[str]:
    """Per page with text below ``mindestens`` points: how much, the smallest size and an example."""
    funde = []
    for liste in seiten:
        klein = [z for z in liste if z.groesse < mindestens - 0.01]
        if klein:
            k = min(klein, key=lambda z: z.groesse)
            funde.append(f"S. {k.seite}: {len(klein)} Textstücke, kleinstes {k.groesse:.2f} pt („{k.text[:40]}“)")
    return funde


def erste_zeile(liste: list[Zeile]) -> Zeile:
    return max(_koerper(liste), key=lambda z: z.y)


# ------------------------------------------------------------------------------------------ tests
@pytest.mark.parametrize("name", DOKUMENTE)
def test_grenzfall_kein_betrag_kein_datum_getrennt_nichts_unter_7_pt_keine_ueberschrift_am_seitenende(grenz_bestand, name):
    seiten = zeilen(DOKUMENTE[name](grenz_bestand, grenz_bestand.projekt(KENNUNG)))
    fehler = [f"getrennt {x}" for x in getrennt(seiten)]
    fehler += [f"zu klein {x}" for x in zu_klein(seiten)]
    fehler += [f"Überschrift am Seitenende {x}" for x in ueberschrift_am_seitenende(seiten)]
    assert not fehler, "\n".join(fehler)


def test_grenzfall_steckbrief_eine_seite_gekuerzt_mit_verweis(grenz_bestand):
    p = grenz_bestand.projekt(KENNUNG)
    seiten = zeilen(steckbrief.pdf(grenz_bestand, p, kennzeichnung=VS))
    assert len(seiten) == 1
    assert not zu_klein(seiten)
    text = " ".join(z.text for z in seiten[0])
    assert re.search(r"… und \d+ weitere \(siehe Meilenstein-Monitoring\)", text), text


def test_grenzfall_projekttabelle_nennt_auf_folgeseiten_das_projekt(grenz_bestand):
    """A reader who opens a continuation page of a project's milestone table sees whose it is."""
    b = grenz_bestand
    p = b.projekt(KENNUNG)
    for name, daten in (("Meilenstein-Monitoring", meilensteine.pdf(b, H2)), ("Online-Monitoring", online_monitoring.pdf(b, H2)),
                        ("Quartalsbericht Projekt", quartalsbericht.pdf_projekte(b, [p], Q3))):
        seiten = zeilen(daten)
        mit_zeilen = [s for s in seiten if any("Abnahme Teillieferung" in z.text for z in s)]
        assert len(mit_zeilen) >= 2, name  # the table does cross a page
        for s in mit_zeilen:
            if any(z.text.startswith(f"{KENNUNG}:") for z in s if z.fett and z.groesse >= 9.9):
                continue  # the page where the project's section begins
            oben = erste_zeile(s)
            assert oben.text.startswith(KENNUNG) and "(Fortsetzung)" in oben.text, (name, oben)
