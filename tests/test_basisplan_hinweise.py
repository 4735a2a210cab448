"""Plans and baselines are immutable in the model itself, and entry-time warnings (Qt-free)."""

from __future__ import annotations

import subprocess
import sys
from datetime import date

import pytest
from sqlalchemy import func, select

from ozgdesk.model import (
    Aenderung,
    Behoerde,
    Meilenstein,
    Person,
    Projekt,
    Zahlungsplan,
    ZahlungsplanPosition,
)
from ozgdesk.model import basisplan, bearbeiten, details, hinweise
from ozgdesk.model.demo import STICHTAG
from ozgdesk.model.errors import Eingabefehler
from ozgdesk.model.values import Haushaltsstelle, Kostenart, MeilensteinStatus, Quartal

pytestmark = pytest.mark.beide_datenbanken

HHST = Haushaltsstelle.parse("0602 532 01")


def _pid(s, kennung):  # noqa: ANN001, ANN202
    return s.execute(select(Projekt.id).where(Projekt.kennung == kennung)).scalar_one()


def _anzahl_aenderungen(store) -> int:  # noqa: ANN001
    with store.lesen() as s:
        return s.execute(select(func.count(Aenderung.id))).scalar_one()


def _offener_meilenstein(store):  # noqa: ANN001, ANN202
    with store.lesen() as s:
        ms = s.execute(select(Meilenstein).where(Meilenstein.status == MeilensteinStatus.OFFEN,
                                                 Meilenstein.plan_datum.is_not(None)).limit(1)).scalar_one()
        s.expunge(ms)
        return ms


# ---------------------------------------------------------------------------------- milestones
def test_plandatum_aendern_wird_abgelehnt_und_nichts_geschrieben(demo_store):
    ms = _offener_meilenstein(demo_store)
    vorher = _anzahl_aenderungen(demo_store)
    with pytest.raises(Eingabefehler, match="Plandatum .* bleibt unverändert.*Verschieben"):
        bearbeiten.ausfuehren(demo_store, bearbeiten.FelderSetzen(Meilenstein, ms.id, {"plan_datum": date(2028, 1, 1)}))
    with pytest.raises(Eingabefehler, match="Plandatum"):  # clearing it would lose the baseline just as well
        bearbeiten.ausfuehren(demo_store, bearbeiten.FelderSetzen(Meilenstein, ms.id, {"plan_datum": None}))
    with demo_store.lesen() as s:
        assert s.get(Meilenstein, ms.id).plan_datum == ms.plan_datum
    assert _anzahl_aenderungen(demo_store) == vorher


def test_plandatum_auch_ohne_gui_geschuetzt(demo_store):
    """Any session (CLI, scripts) goes through the same flush hook."""
    ms = _offener_meilenstein(demo_store)
    with pytest.raises(Eingabefehler, match="Plandatum"), demo_store.session(quelle="lokal") as s:
        s.get(Meilenstein, ms.id).plan_datum = date(2030, 1, 1)
    with pytest.raises(Eingabefehler, match="Prognose ändert sich nur über „Verschieben"), demo_store.session() as s:
        s.get(Meilenstein, ms.id).prognose_datum = date(2030, 1, 1)
    with demo_store.lesen() as s:
        neu = s.get(Meilenstein, ms.id)
        assert (neu.plan_datum, neu.prognose_datum) == (ms.plan_datum, ms.prognose_datum)


def test_verschieben_bleibt_moeglich_und_rueckgaengig(demo_store):
    ms = _offener_meilenstein(demo_store)
    befehl = bearbeiten.MeilensteinVerschieben(ms.id, date(2028, 3, 1), "Vergabe verzögert", STICHTAG)
    bearbeiten.ausfuehren(demo_store, befehl)
    bearbeiten.zuruecknehmen(demo_store, befehl)
    with demo_store.lesen() as s:
        assert s.get(Meilenstein, ms.id).prognose_datum == ms.prognose_datum


def test_fehlendes_plandatum_nachtragen_ist_erlaubt_und_rueckgaengig(demo_store):
    with demo_store.lesen() as s:
        pid = _pid(s, "BMAS-2024-01")
    anlegen = bearbeiten.Anlegen([(Meilenstein, {"projekt_id": pid, "titel": "Ohne Termin"})])
    bearbeiten.ausfuehren(demo_store, anlegen)
    nachtragen = bearbeiten.FelderSetzen(Meilenstein, anlegen.ids[0], {"plan_datum": date(2027, 2, 1),
                                                                     "prognose_datum": date(2027, 2, 1)})
    bearbeiten.ausfuehren(demo_store, nachtragen)
    with demo_store.lesen() as s:
        assert s.get(Meilenstein, anlegen.ids[0]).plan_datum == date(2027, 2, 1)
    bearbeiten.zuruecknehmen(demo_store, nachtragen)
    with demo_store.lesen() as s:
        assert s.get(Meilenstein, anlegen.ids[0]).plan_datum is None


def test_abgleich_und_korrektur_sind_ausgenommen(demo_store):
    ms = _offener_meilenstein(demo_store)
    with demo_store.session(quelle="abgleich") as s:  # a change another device already accepted
        s.get(Meilenstein, ms.id).plan_datum = date(2029, 1, 1)
    with demo_store.session() as s:
        s.info[basisplan.KORREKTUR] = True
        s.get(Meilenstein, ms.id).plan_datum = date(2029, 2, 1)
    with demo_store.lesen() as s:
        assert s.get(Meilenstein, ms.id).plan_datum == date(2029, 2, 1)


# ------------------------------------------------------------------------------- Zahlungsplan
def _plan(store, kennung="BMAS-2024-02"):  # noqa: ANN001, ANN202
    with store.lesen() as s:
        pid = _pid(s, kennung)
        return pid, details.zahlungsplan(s, pid)


def test_alte_und_aktuelle_planversion_bleiben_unveraendert(demo_store):
    pid, plan = _plan(demo_store)
    assert plan.version == 3
    with demo_store.lesen() as s:
        alt_id = s.execute(select(Zahlungsplan.id).where(Zahlungsplan.projekt_id == pid, Zahlungsplan.version == 1)).scalar_one()
        pos_id = s.execute(select(ZahlungsplanPosition.id).where(ZahlungsplanPosition.zahlungsplan_id == alt_id).limit(1)).scalar_one()
    vorher = _anzahl_aenderungen(demo_store)
    versuche = [
        bearbeiten.FelderSetzen(ZahlungsplanPosition, pos_id, {"betrag_cent": 1}),
        bearbeiten.FelderSetzen(Zahlungsplan, alt_id, {"bemerkung": "umgeschrieben"}),
        bearbeiten.Loeschen([(ZahlungsplanPosition, pos_id)]),
        bearbeiten.Anlegen([(ZahlungsplanPosition, {"zahlungsplan_id": alt_id, "quartal": Quartal(2030, 1),
                                                    "haushaltsstelle": HHST, "kostenart": Kostenart.DIENSTLEISTUNG,
                                                    "betrag_cent": 5})]),
    ]
    for befehl in versuche:
        with pytest.raises(Eingabefehler, match="Zahlungsplan Version 1 ist festgeschrieben"):
            bearbeiten.ausfuehren(demo_store, befehl)
    with pytest.raises(Eingabefehler, match="Version 1 wurde fortgeschrieben"):
        with demo_store.session() as s:
            s.info[basisplan.GANZ_ENTFERNT] = {alt_id}  # even as a whole, an old version stays
            for pos in s.execute(select(ZahlungsplanPosition).where(ZahlungsplanPosition.zahlungsplan_id == alt_id)).scalars():
                s.delete(pos)
            s.delete(s.get(Zahlungsplan, alt_id))
    assert _anzahl_aenderungen(demo_store) == vorher
    assert _plan(demo_store)[1].betraege == plan.betraege


def test_neue_version_nur_auf_der_aktuellen_und_als_ganzes_zuruecknehmbar(demo_store):
    pid, plan = _plan(demo_store)
    with demo_store.lesen() as s:
        alt = details.zahlungsplan(s, pid, 1)
        with pytest.raises(Eingabefehler, match="Version 1 ist nicht die aktuelle .*Version 3"):
            bearbeiten.zahlungsplan_fortschreiben(s, pid, dict(alt.betraege), stand=STICHTAG, basis_version=1)
        with pytest.raises(Eingabefehler, match="Inzwischen gibt es Version 3"):
            bearbeiten.zahlungsplan_fortschreiben(s, pid, dict(alt.betraege), stand=STICHTAG)
        befehl = bearbeiten.zahlungsplan_fortschreiben(s, pid, dict(plan.betraege), stand=STICHTAG, basis_version=3)
    bearbeiten.ausfuehren(demo_store, befehl)
    assert _plan(demo_store)[1].version == 4
    bearbeiten.zuruecknehmen(demo_store, befehl)  # undo takes the whole newest version back
    assert _plan(demo_store)[1].version == 3
    bearbeiten.ausfuehren(demo_store, befehl)  # and redo brings it back
    assert _plan(demo_store)[1].betraege == plan.betraege and _plan(demo_store)[1].version == 4


# ---------------------------------------------------------------------------------- warnings
def test_arbeitspaket_ausserhalb_der_laufzeit(demo_store):
    with demo_store.lesen() as s:  # BMAS-2024-01 runs 01.01.2024 – 30.06.2026
        pid = _pid(s, "BMAS-2024-01")
        texte = [h.text for h in hinweise.arbeitspaket(s, pid, date(2023, 12, 1), date(2026, 9, 30))]
        assert texte == ["Beginn des Arbeitspakets (01.12.2023) liegt vor dem Projektbeginn (01.01.2024).",
                         "Ende des Arbeitspakets (30.09.2026) liegt nach dem Projektende (30.06.2026)."]
        assert hinweise.arbeitspaket(s, pid, date(2024, 1, 1), date(2026, 6, 30)) == []
        assert hinweise.arbeitspaket(s, pid, None, None) == []


def test_zahlung_zukunft_ausserhalb_fremde_haushaltsstelle_negativ(demo_store):
    with demo_store.lesen() as s:
        pid = _pid(s, "BMAS-2024-01")
        h = hinweise.zahlung(s, pid, date(2026, 12, 1), -250_00, Haushaltsstelle.parse("0602 811 99"), heute=STICHTAG)
        texte = " | ".join(x.text for x in h)
        assert [x.feld for x in h] == ["datum", "datum", "haushaltsstelle", "betrag_cent"]
        assert "01.12.2026 liegt in der Zukunft (heute ist der 15.11.2026)" in texte
        assert "liegt nach dem Projektende (30.06.2026)" in texte
        assert "0602 811 99 steht nicht im aktuellen Zahlungsplan (Version 1: 0602 532 01, 0602 812 01)" in texte
        assert "Negativer Betrag (-250,00 €) ohne Kennzeichnung als Korrektur" in texte
        assert hinweise.zahlung(s, pid, date(2026, 3, 2), 99_00, HHST, heute=STICHTAG) == []
        assert hinweise.zahlung(s, pid, date(2026, 3, 2), -99_00, HHST, heute=STICHTAG, bemerkung="Rückzahlung Abschlag") == []
        vor = hinweise.zahlung(s, pid, date(2023, 5, 2), 1, HHST, heute=STICHTAG)
        assert [x.text for x in vor] == ["Das Datum 02.05.2023 liegt vor dem Projektbeginn (01.01.2024)."]
        ohne_plan = hinweise.zahlung(s, _pid(s, "BMAS-2024-06"), date(2026, 3, 2), 1, HHST, heute=STICHTAG)
        assert [x.text for x in ohne_plan] == ["Projekt BMAS-2024-06 hat noch keinen Zahlungsplan; die Haushaltsstelle "
                                               "0602 532 01 steht daher in keinem Plan."]


@pytest.mark.parametrize("referenz, bemerkung, korrektur", [
    ("", "Korrektur Doppelbuchung", True),
    ("STORNO-4711", "", True),
    ("", "Stornobuchung zu RE-1", True),
    ("", "rückzahlung", True),
    ("Gutschrift 12", "", True),
    ("RE-2026-001", "Abschlag 2", False),
    ("", "Unkorrekt gebucht", False),  # a word that merely contains „korrekt“ is no marking
])
def test_was_als_korrektur_gilt(referenz, bemerkung, korrektur):
    assert hinweise.ist_korrektur(referenz, bemerkung) is korrektur


def test_behoerde_und_person_gleichen_namens(demo_store):
    with demo_store.lesen() as s:
        ba = s.execute(select(Behoerde).where(Behoerde.kurzname == "BA")).scalar_one()
        assert [h.text for h in hinweise.behoerde(s, "  bundesagentur  FÜR arbeit ")] == [
            "Eine Behörde „Bundesagentur für Arbeit“ (BA) gibt es schon; bitte prüfen, ob dieselbe gemeint ist."]
        assert len(hinweise.behoerde(s, "Neue Behörde", "ba")) == 1  # same Kurzname
        assert hinweise.behoerde(s, "Bundesagentur für Arbeit", "BA", ausser_id=ba.id) == []  # editing itself
        assert hinweise.behoerde(s, "Bundesamt für Neues", "BfN-neu") == []
        person = s.execute(select(Person).where(Person.name == "Sabine Oberländer")).scalar_one()
        assert "Eine Person „Sabine Oberländer“" in hinweise.person(s, "sabine OBERLÄNDER")[0].text
        assert hinweise.person(s, "Sabine Oberländer", ausser_id=person.id) == []
        assert hinweise.person(s, "") == []


def test_hinweise_und_basisplan_laden_kein_qt():
    code = ("import sys, ozgdesk.model.hinweise, ozgdesk.model.basisplan; "
            "sys.exit(1 if any(m.startswith('PySide6') for m in sys.modules) else 0)")
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0
