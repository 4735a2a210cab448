"""Which Reifegrad counts as current."""

import pytest
from datetime import date

from ozgdesk.model import ReifegradBewertung
from ozgdesk.model.abfragen import leistungen
from ozgdesk.model.felder import leistung_finden
from ozgdesk.model.values import Reifegradmodell

pytestmark = pytest.mark.beide_datenbanken


def test_nur_nach_modell_2_bewertet_zeigt_modell_2(leerer_store):
    with leerer_store.session() as s:
        l = leistung_finden(s, "10000")
        s.add(ReifegradBewertung(leistung_id=l.id, datum=date(2026, 1, 1), modell=Reifegradmodell.V2_0, stufe=5))
    with leerer_store.lesen() as s:
        z = next(z for z in leistungen(s, suche="10000"))
    assert (z.reifegrad, z.reifegrad_modell, z.online) == (5, "2.0", True)


def test_neuere_bewertung_desselben_modells_gewinnt(leerer_store):
    with leerer_store.session() as s:
        l = leistung_finden(s, "10001")
        s.add(ReifegradBewertung(leistung_id=l.id, datum=date(2025, 1, 1), modell=Reifegradmodell.V1_1, stufe=3))
        s.add(ReifegradBewertung(leistung_id=l.id, datum=date(2026, 1, 1), modell=Reifegradmodell.V1_1, stufe=1))
    with leerer_store.lesen() as s:
        z = next(z for z in leistungen(s, suche="10001"))
    assert (z.reifegrad, z.online) == (1, False)


def test_modell_1_1_gewinnt_auch_gegen_spaetere_selbsteinschaetzung_nach_2_0(leerer_store):
    with leerer_store.session() as s:
        l = leistung_finden(s, "10002")
        s.add(ReifegradBewertung(leistung_id=l.id, datum=date(2025, 6, 1), modell=Reifegradmodell.V1_1, stufe=1))
        s.add(ReifegradBewertung(leistung_id=l.id, datum=date(2026, 1, 1), modell=Reifegradmodell.V2_0, stufe=6))
    with leerer_store.lesen() as s:
        z = next(z for z in leistungen(s, suche="10002"))
    assert (z.reifegrad, z.reifegrad_modell, z.online) == (1, "1.1", False)
