"""The public online monitoring leaks nothing internal: no money, no remarks, no people.

The demo store is first filled with more internal data than it already has (remarks on every
milestone, an internal project remark, a non-public milestone), then every internal value of the
store is searched in the PDF text, every XLSX cell and the CSV.
"""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from ozgdesk.model import (
    Aufwand,
    Bewilligung,
    Meilenstein,
    MeilensteinVerschiebung,
    Mittelabfluss,
    Person,
    Projekt,
    ZahlungsplanPosition,
)
from ozgdesk.model.values import Halbjahr, format_euro
from ozgdesk.reports import online_monitoring
from tests.test_berichte_hilfen import bestand, pdf_text, xlsx_texte

H2 = Halbjahr(2026, 2)
GEHEIM_MS = "Geheimer Meilenstein Vergabestrategie"


@pytest.fixture
def ausgaben(demo_store):
    with demo_store.session(benutzer="Test") as s:
        for i, m in enumerate(s.execute(select(Meilenstein)).scalars()):
            m.bemerkung = f"Interne Notiz {i}: Abstimmung mit Referatsleitung"
        ms = s.execute(select(Meilenstein)).scalars().first()
        ms.titel, ms.oeffentlich = GEHEIM_MS, False
        for p in s.execute(select(Projekt)).scalars():
            p.interne_bemerkung = p.interne_bemerkung or f"Intern {p.kennung}: Haushaltsrisiko beim AL vortragen"
    b = bestand(demo_store)
    texte = {
        "pdf": " ".join(" ".join(pdf_text(online_monitoring.pdf(b, H2))).split()),
        "xlsx": xlsx_texte(online_monitoring.xlsx(b, H2)),
        "csv": online_monitoring.csv_bytes(b, H2).decode("utf-8-sig"),
    }
    return texte


def _interne_werte(store) -> dict[str, set[str]]:
    with store.lesen() as s:
        betraege = {
            *s.execute(select(Mittelabfluss.betrag_cent)).scalars(),
            *s.execute(select(ZahlungsplanPosition.betrag_cent)).scalars(),
            *(b for b in s.execute(select(Bewilligung.betrag_cent)).scalars() if b),
        }
        personen = list(s.execute(select(Person)).scalars())
        projekte = list(s.execute(select(Projekt)).scalars())
        return {
            "Beträge": {format_euro(c)[:-2] for c in betraege} | {format_euro(c) for c in betraege},
            "Namen": {p.name for p in personen} | {p.name.split()[-1] for p in personen},
            "E-Mail": {p.email for p in personen if p.email},
            "Telefon": {p.telefon for p in personen if p.telefon},
            "interne Bemerkungen": {p.interne_bemerkung for p in projekte if p.interne_bemerkung}
            | set(s.execute(select(Meilenstein.bemerkung).where(Meilenstein.bemerkung != "")).scalars())
            | set(s.execute(select(Mittelabfluss.referenz)).scalars()),
            "Begründungen": {g for p in projekte for g in (p.ampel_gesamt_grund, p.ampel_zeit_grund, p.ampel_kosten_grund,
                                                          p.ampel_umfang_grund, p.abweichungsbegruendung) if g}
            | set(s.execute(select(MeilensteinVerschiebung.grund)).scalars()),
            "Risiken": {p.risiken for p in projekte if p.risiken},
            "Aufwand": set(s.execute(select(Aufwand.leistungen)).scalars()),
            "nicht öffentliche Meilensteine": {GEHEIM_MS},
        }


def test_nichts_internes_im_online_monitoring(demo_store, ausgaben):
    werte = _interne_werte(demo_store)
    assert len(werte["Beträge"]) > 100 and len(werte["Namen"]) >= 10 and werte["interne Bemerkungen"]
    for art, liste in werte.items():
        for wert in liste:
            for fmt, text in ausgaben.items():
                assert wert not in text, f"{art} „{wert}“ steht im {fmt.upper()} des Online-Monitorings"


def test_keine_geldbetraege_und_kein_euro_zeichen(ausgaben):
    for fmt, text in ausgaben.items():
        assert "€" not in text, fmt
        assert not re.search(r"\d{1,3}(\.\d{3})+,\d{2}", text), fmt  # no German amount at all
        assert "@" not in text, fmt


def test_oeffentliche_angaben_sind_enthalten(ausgaben):
    for fmt, text in ausgaben.items():
        assert "Bundesagentur für Arbeit" in text, fmt  # the Behörde is public
        assert "BMAS-2024-01" in text and "Go-Live des Online-Dienstes" in text, fmt
