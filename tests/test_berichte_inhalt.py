"""Content a reader relies on: milestone counts, Anlage A sections and sums, Statusermittlung rows."""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from sqlalchemy import select

from ozgdesk.model import Leistung, Meilenstein, MeilensteinVerschiebung, Projekt, Zahlungsplan, ZahlungsplanPosition
from ozgdesk.model.demo import STICHTAG
from ozgdesk.model.values import Halbjahr, Quartal, format_euro
from ozgdesk.reports import antrag, meilensteine, quartalsbericht, statusermittlung
from ozgdesk.reports.xlsx import text_zelle
from tests.test_berichte_hilfen import bestand, mappe, pdf_text

pytestmark = pytest.mark.beide_datenbanken

H2 = Halbjahr(2026, 2)


def _flach(daten: bytes) -> str:
    return " ".join(" ".join(pdf_text(daten)).split())


def test_meilenstein_monitoring_zaehlt_wie_der_store(demo_store):
    """Plan dates in the half-year, reached on time / late, postponements – recomputed from the store."""
    with demo_store.lesen() as s:
        ms = s.execute(select(Meilenstein.id, Meilenstein.plan_datum, Meilenstein.ist_datum)).all()
        verschoben = {m for (m,) in s.execute(select(MeilensteinVerschiebung.meilenstein_id)).all()}
    faellig = [m for m in ms if m.plan_datum and H2.beginn <= m.plan_datum <= H2.ende]
    puenktlich = [m for m in faellig if m.ist_datum and m.ist_datum <= m.plan_datum]
    assert faellig and puenktlich
    wb = mappe(meilensteine.xlsx(bestand(demo_store), H2))
    ws = wb["Übersicht"]
    summe = next(r for r in range(2, ws.max_row + 1) if ws.cell(r, 1).value == "Summe")
    spalte = {ws.cell(1, c).value: c for c in range(1, ws.max_column + 1)}

    def wert(name: str) -> int:
        b = spalte[name]
        return sum(ws.cell(r, b).value or 0 for r in range(2, summe))

    assert wert("fällig") == len(faellig)
    assert wert("termingerecht") == len(puenktlich)
    assert 0 < wert("verschoben") <= len(verschoben)
    text = _flach(meilensteine.pdf(bestand(demo_store), H2))
    assert f"Im 2. Halbjahr 2026 waren {len(faellig)} Meilensteine planmäßig fällig; {len(puenktlich)} davon" in text


def test_projektbericht_verschiebung_um_einen_tag_im_singular(demo_store):
    b = bestand(demo_store)
    p = next(p for p in b.projekte if any(m.verschiebungen and m.plan_datum for m in p.meilensteine))
    m = next(m for m in p.meilensteine if m.verschiebungen and m.plan_datum)
    m1 = dataclasses.replace(m, ist_datum=None, prognose_datum=m.plan_datum + timedelta(days=1))
    p1 = dataclasses.replace(p, meilensteine=tuple(m1 if x is m else x for x in p.meilensteine))
    text = _flach(quartalsbericht.pdf_projekte(b, [p1], Quartal(2026, 3)))
    assert f"{len(m.verschiebungen)}× um 1 Tag " in text
    assert "um 1 Tage" not in text


def test_anlage_a_enthaelt_alle_abschnitte_und_summen(demo_store):
    b = bestand(demo_store)
    p = b.projekt("BMAS-2025-04")
    text = _flach(antrag.pdf(b, p))
    for abschnitt in ("1 Antragsteller", "2 Projekt", "3 OZG-Leistungen", "4 Beantragte Unterstützung",
                      "5 Nachnutzung der Dienstekonsolidierung", "6 Förderfähigkeit", "7 Meilensteinplan",
                      "8 Kosten- und Zahlungsplan", "9 Eigenpersonal", "10 Risiken", "11 Unterschriften"):
        assert abschnitt in text, abschnitt
    assert "mittelbaren Bundesverwaltung OHNE Erstattungsanspruch: nicht förderfähig" in text
    assert "Verwaltungsportal Bund wird nachgenutzt" in text and "E-Payment nicht vorgesehen" in text
    assert "Ort, Datum, Unterschrift Projektleitung (Behörde)" in text
    with demo_store.lesen() as s:
        pid = s.execute(select(Projekt.id).where(Projekt.kennung == "BMAS-2025-04")).scalar_one()
        zp = s.execute(select(Zahlungsplan).where(Zahlungsplan.projekt_id == pid)
                       .order_by(Zahlungsplan.version.desc())).scalars().first()
        je_jahr: dict[int, int] = defaultdict(int)
        for pos in s.execute(select(ZahlungsplanPosition).where(ZahlungsplanPosition.zahlungsplan_id == zp.id)).scalars():
            je_jahr[pos.quartal.jahr] += pos.betrag_cent
    for jahr, cent in je_jahr.items():
        assert f"{jahr} {format_euro(cent)[:-2]}" in text, jahr
    assert f"Summe {format_euro(sum(je_jahr.values()))[:-2]}" in text
    assert "Az.: Z c 4 – 2120/2025" in text  # the project's Aktenzeichen in the header


def test_statusermittlung_listet_jede_leistung_des_ressorts(demo_store):
    with demo_store.lesen() as s:
        ids = set(s.execute(select(Leistung.ozg_id).where(Leistung.im_ressort.is_(True))).scalars())
    b = bestand(demo_store)
    ws = mappe(statusermittlung.xlsx(b))["Leistungen"]
    zeilen = {ws.cell(r, 1).value: r for r in range(2, ws.max_row + 1)}
    assert set(zeilen) == ids
    r = zeilen["10073"]
    kopf = [ws.cell(1, c).value for c in range(1, ws.max_column + 1)]
    werte = dict(zip(kopf, (ws.cell(r, c).value for c in range(1, ws.max_column + 1)), strict=True))
    assert werte["Typ"] == "1" and werte["Themenfeld"] == "Arbeit & Ruhestand"
    assert werte["Behörde"] == "Bundesagentur für Arbeit" and werte["online"] == "ja"
    assert werte["geplant online"].date() == date(2025, 6, 30) and werte["Projekt"] == "BMAS-2024-01"
    text = _flach(statusermittlung.pdf(b))
    assert all(i in text for i in ids)
    assert f"Das Ressort verantwortet {len(ids)} OZG-Leistungen" in text


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=40))
def test_kein_text_wird_je_zur_formel(text):
    ws = Workbook().active
    zelle = ws["A1"]
    text_zelle(zelle, text)
    assert zelle.data_type == "s"
    if text[:1] in ("=", "+", "-", "@"):
        assert zelle.quotePrefix


def test_stand_bestimmt_ueberfaellig(demo_store):
    """The same milestone is "offen" before its date and "überfällig" after it."""
    from dataclasses import replace

    from ozgdesk.reports import kennzahlen as kz

    b = bestand(demo_store)
    m = next(m for p in b.projekte for m in p.meilensteine if kz.status_text(m, STICHTAG) == "offen")
    termin = m.prognose_datum or m.plan_datum
    assert kz.status_text(m, termin) == "offen"
    assert kz.status_text(replace(m), date.fromordinal(termin.toordinal() + 1)) == "überfällig"


def test_leeres_ressort_ergibt_gueltige_dokumente(leerer_store, tmp_path):
    """A Ressort without projects (new installation) still gets every document, never a crash."""
    from ozgdesk.model.values import Quartal
    from ozgdesk.reports import online_monitoring, quartalsbericht
    from ozgdesk.reports.einreichung import einreichen

    b = bestand(leerer_store)
    q = Quartal(2026, 3)
    assert "keine vollfinanzierten Projekte" in _flach(quartalsbericht.pdf_ressort(b, q))
    for daten in (meilensteine.pdf(b, H2), statusermittlung.pdf(b), online_monitoring.pdf(b, H2),
                  quartalsbericht.xlsx(b, q), meilensteine.xlsx(b, H2), statusermittlung.xlsx(b),
                  online_monitoring.xlsx(b, H2), online_monitoring.csv_bytes(b, H2)):
        assert daten
    paket = einreichen(leerer_store, q, tmp_path / "p", stand=STICHTAG, benutzer="Test")
    assert paket.version == 1 and "Projektberichte_BMI_2026-Q3_v1.pdf" not in paket.dateien
