"""Baselines side by side (ozgdesk/model/planvergleich.py), without Qt, against the demo store.

The differences per cell, per quarter, per Haushaltsstelle and in total must be exactly what the
stored positions of the two versions say; the milestone shift is Ist or Prognose minus the
baseline (Plandatum), in days and in words.
"""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from ozgdesk.model import planvergleich as pv
from ozgdesk.model.demo import STICHTAG
from ozgdesk.model.details import PlanDaten
from ozgdesk.model.finanzen import Zahlungsplan, ZahlungsplanPosition
from ozgdesk.model.projekte import Meilenstein, Projekt
from ozgdesk.model.values import Haushaltsstelle, Kostenart, MeilensteinStatus, Quartal


def _projekt_id(store, kennung: str) -> str:  # noqa: ANN001
    with store.lesen() as s:
        return s.execute(select(Projekt.id).where(Projekt.kennung == kennung)).scalar_one()


def _positionen(store, projekt_id: str, version: int) -> dict[tuple, int]:  # noqa: ANN001
    """What the store holds for one version: (quarter, Haushaltsstelle, Kostenart) → cents."""
    with store.lesen() as s:
        zeilen = s.execute(select(ZahlungsplanPosition.quartal, ZahlungsplanPosition.haushaltsstelle,
                                  ZahlungsplanPosition.kostenart, ZahlungsplanPosition.betrag_cent)
                           .join(Zahlungsplan, Zahlungsplan.id == ZahlungsplanPosition.zahlungsplan_id)
                           .where(Zahlungsplan.projekt_id == projekt_id, Zahlungsplan.version == version)).all()
    return {(q, h, k): b for q, h, k, b in zeilen}


@pytest.mark.parametrize(("kennung", "a", "b"), [("BMAS-2024-02", 1, 3), ("BMAS-2024-02", 2, 3),
                                                  ("BMAS-2024-03", 1, 2), ("BMAS-2024-02", 3, 1)])
def test_differenzen_je_zelle_und_summe_wie_im_store(demo_store, kennung, a, b):  # noqa: ANN001
    pid = _projekt_id(demo_store, kennung)
    alt, neu = _positionen(demo_store, pid, a), _positionen(demo_store, pid, b)
    assert alt and neu and alt != neu
    with demo_store.lesen() as s:
        v = pv.zahlungsplaene_lesen(s, pid, a, b)
    assert (v.version_a, v.version_b) == (a, b)
    for k in set(alt) | set(neu):
        assert v.zelle(*k) == pv.Vergleichswert(alt.get(k, 0), neu.get(k, 0))
        assert v.zelle(*k).differenz == neu.get(k, 0) - alt.get(k, 0)
    assert v.summe == pv.Vergleichswert(sum(alt.values()), sum(neu.values()))
    for q in v.quartale:
        assert v.je_quartal(q).differenz == (sum(x for k, x in neu.items() if k[0] == q)
                                             - sum(x for k, x in alt.items() if k[0] == q))
    for h, w in v.je_haushaltsstelle().items():
        assert w == pv.Vergleichswert(sum(x for k, x in alt.items() if k[1] == h), sum(x for k, x in neu.items() if k[1] == h))
    # every table breakdown adds up to the total
    for g in pv.Gliederung:
        zeilen = v.zeilen(g)
        assert sum(z.wert.a for z in zeilen) == v.summe.a and sum(z.wert.b for z in zeilen) == v.summe.b
    assert len(v.zeilen(pv.Gliederung.POSITION)) == len(v.quartale) * len(v.spalten)
    geaendert = v.zeilen(nur_geaenderte=True)
    assert {(z.quartal, *z.spalte) for z in geaendert if z.spalte} == {k for k in set(alt) | set(neu)
                                                                       if alt.get(k, 0) != neu.get(k, 0)}


def test_standard_erste_gegen_aktuelle_version(demo_store):  # noqa: ANN001
    pid = _projekt_id(demo_store, "BMAS-2024-02")
    with demo_store.lesen() as s:
        v = pv.lesen(s, pid, STICHTAG)
        nur_b = pv.zahlungsplaene_lesen(s, pid, None, 2)
    assert (v.kennung, v.zahlungsplan.versionen) == ("BMAS-2024-02", (1, 2, 3))
    assert (v.zahlungsplan.version_a, v.zahlungsplan.version_b) == (1, 3)
    assert (nur_b.version_a, nur_b.version_b) == (1, 2)
    text = v.zahlungsplan.zusammenfassung()
    assert text.startswith("Summe Version 1: 1.352.000,00 € · Version 3: 1.349.000,00 € · Differenz −3.000,00 € (gesenkt)")


def test_ohne_zahlungsplan_und_gleiche_version(demo_store):  # noqa: ANN001
    pid = _projekt_id(demo_store, "BMAS-2024-06")  # support only: no payment plan
    with demo_store.lesen() as s:
        leer = pv.zahlungsplaene_lesen(s, pid)
        selbst = pv.zahlungsplaene_lesen(s, _projekt_id(demo_store, "BMAS-2024-02"), 2, 2)
    assert leer.zusammenfassung() == "Für dieses Projekt gibt es noch keinen Zahlungsplan." and not leer.zellen
    assert selbst.summe.differenz == 0 and "Bitte zwei verschiedene Versionen wählen" in selbst.zusammenfassung()


def test_aenderung_in_worten_und_vorzeichen():
    h, k = Haushaltsstelle.parse("0602 532 01"), Kostenart.DIENSTLEISTUNG
    q1, q2, q3, q4 = (Quartal(2026, n) for n in (1, 2, 3, 4))

    def plan(v: int, betraege: dict) -> PlanDaten:
        return PlanDaten("p", v, date(2026, 1, v), "", (1, 2), tuple(sorted({x[0] for x in betraege})),
                         ((h, k),), betraege)
    v = pv.vergleichen(plan(1, {(q1, h, k): 100, (q2, h, k): 200, (q3, h, k): 300}),
                       plan(2, {(q1, h, k): 100, (q2, h, k): 250, (q3, h, k): 0, (q4, h, k): 50}))
    assert [(z.quartal, z.wert.aenderung) for z in v.zeilen(pv.Gliederung.QUARTAL)] == [
        (q1, "unverändert"), (q2, "erhöht"), (q3, "entfallen"), (q4, "neu")]
    assert pv.Vergleichswert(300, 200).aenderung == "gesenkt"
    assert [pv.differenz_text(c) for c in (123456, -50, 0)] == ["+1.234,56 €", "−0,50 €", "±0,00 €"]


def test_meilensteine_gegen_basisplan_wie_im_store(demo_store):  # noqa: ANN001
    pid = _projekt_id(demo_store, "BMAS-2024-03")
    with demo_store.lesen() as s:
        v = pv.meilensteine_lesen(s, pid, STICHTAG)
        db = {m.id: m for m in s.execute(select(Meilenstein).where(Meilenstein.projekt_id == pid)).scalars()}
        db = {k: (m.plan_datum, m.prognose_datum, m.ist_datum, m.status) for k, m in db.items()}
    assert {m.id for m in v.meilensteine} == set(db) and len(db) == 6
    for m in v.meilensteine:
        plan, prognose, ist, status = db[m.id]
        tage = ((ist or prognose) - plan).days
        assert (m.plan, m.prognose, m.ist, m.tage) == (plan, prognose, ist, tage)
        assert m.abweichung == ("planmäßig" if tage == 0 else f"{abs(tage)} Tage {'später' if tage > 0 else 'früher'}")
        assert m.richtung == ("planmäßig" if tage == 0 else "später" if tage > 0 else "früher")
        assert m.bewertung.startswith(status.label)
    gefaehrdet = next(m for m in v.meilensteine if m.status is MeilensteinStatus.GEFAEHRDET)
    assert (gefaehrdet.tage, gefaehrdet.abweichung) == (180, "180 Tage später")
    assert gefaehrdet.bewertung == "gefährdet, 3-mal verschoben"
    assert v.zusammenfassung() == ("6 Meilensteine gegenüber dem Basisplan (Stand 15.11.2026): 1 planmäßig, 3 später, "
                                   "2 früher; am weitesten verschoben: „Reifegrad 3 bundesweit erreicht“ (180 Tage später).")


def test_meilenstein_ohne_basisplan_entfallen_ueberfaellig():
    def ms(**w) -> pv.Meilensteinvergleich:  # noqa: ANN003
        return pv.Meilensteinvergleich(**{"id": "m", "titel": "T", "plan": date(2026, 1, 1), "prognose": date(2026, 1, 1),
                                          "ist": None, "status": MeilensteinStatus.OFFEN, "verschiebungen": 0,
                                          "ueberfaellig": False, **w})
    assert (ms(plan=None).abweichung, ms(plan=None).tage) == ("kein Basisplan", None)
    assert ms(status=MeilensteinStatus.ENTFALLEN, prognose=date(2026, 3, 1)).abweichung == "entfallen"
    assert ms(prognose=date(2026, 1, 2)).abweichung == "1 Tag später"
    assert ms(ueberfaellig=True).bewertung == "offen, überfällig"
    assert pv.Meilensteinplanvergleich("p", STICHTAG, ()).zusammenfassung() == "Das Projekt hat keine Meilensteine."
