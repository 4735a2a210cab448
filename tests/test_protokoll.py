"""The change log: every write leaves who/where/when/what, in the same transaction."""

import json
import re
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select, text

from ozgdesk.model import Aenderung, Meilenstein, Mittelabfluss, Projekt
from ozgdesk.model.errors import Eingabefehler
from ozgdesk.model.felder import projekt_finden
from ozgdesk.model.values import Haushaltsstelle

pytestmark = pytest.mark.beide_datenbanken


def _log(store, **bed):
    with store.lesen() as s:
        q = select(Aenderung)
        for k, v in bed.items():
            q = q.where(getattr(Aenderung, k) == v)
        return s.execute(q.order_by(Aenderung.seq)).scalars().all()


def test_aenderung_eines_feldes_protokolliert_alt_und_neu(demo_store):
    with demo_store.session(benutzer="k.brenner") as s:
        p = projekt_finden(s, "BMAS-2024-01")
        alt = p.titel
        p.titel = "Arbeitslosengeld digital"
        pid = p.id
    eintraege = _log(demo_store, datensatz_id=pid, aktion="aendern", benutzer="k.brenner")
    assert len(eintraege) == 1
    e = eintraege[0]
    assert (e.tabelle, e.feld, e.benutzer, e.geraet) == ("projekt", "titel", "k.brenner", demo_store.geraet_id)
    assert e.alt_wert == alt and e.neu_wert == "Arbeitslosengeld digital"


def test_alter_wert_auch_bei_abgelaufenem_objekt(demo_store):
    """An object from an earlier session whose old value the ORM no longer holds still logs it."""
    with demo_store.session() as s:
        p = projekt_finden(s, "BMAS-2024-02")
        s.expire(p, ["aktenzeichen"])
        p.aktenzeichen = "Z c 4 – 9999/2026"
        pid = p.id
    (e,) = _log(demo_store, datensatz_id=pid, feld="aktenzeichen")
    assert e.alt_wert.startswith("Z c 4 – 21") and e.neu_wert == "Z c 4 – 9999/2026"


def test_anlegen_und_loeschen_halten_den_ganzen_datensatz(demo_store):
    with demo_store.session() as s:
        p = projekt_finden(s, "BMAS-2024-01")
        m = Mittelabfluss(projekt_id=p.id, datum=p.beginn, betrag_cent=1234567,
                          haushaltsstelle=Haushaltsstelle.parse("0602 532 01"), referenz="RE-TEST")
        s.add(m)
    with demo_store.session() as s:
        s.delete(s.get(Mittelabfluss, m.id))
    angelegt, geloescht = _log(demo_store, datensatz_id=m.id)
    assert angelegt.aktion == "anlegen" and angelegt.neu_wert["betrag_cent"] == 1234567
    assert angelegt.neu_wert["haushaltsstelle"] == "0602 532 01"
    assert geloescht.aktion == "loeschen" and geloescht.alt_wert["referenz"] == "RE-TEST"


def test_eine_transaktion_eine_kennung_und_fortlaufende_nummern(demo_store):
    with demo_store.session() as s:
        p = projekt_finden(s, "BMAS-2024-03")
        p.risiken = "Neu bewertet"
        p.naechste_schritte = "Pilot starten"
    with demo_store.lesen() as s:
        letzte = s.execute(select(Aenderung).order_by(Aenderung.seq.desc()).limit(2)).scalars().all()
        alle_seq = s.execute(select(Aenderung.seq).where(Aenderung.geraet == demo_store.geraet_id)).scalars().all()
    assert letzte[0].transaktion == letzte[1].transaktion
    assert sorted(alle_seq) == list(range(1, len(alle_seq) + 1))  # no gaps, no duplicates per device


def test_ungueltiger_wert_wird_abgelehnt_und_nichts_geschrieben(demo_store):
    with demo_store.lesen() as s:
        vorher = s.execute(select(func.count(Aenderung.id))).scalar_one()
    with pytest.raises(Eingabefehler, match="Ist-Datum"):
        with demo_store.session() as s:
            m = s.execute(select(Meilenstein).where(Meilenstein.status == "offen").limit(1)).scalar_one()
            mid = m.id
            m.titel = "geändert"
            m.status = "erreicht"  # reached without an actual date
    with demo_store.lesen() as s:
        assert s.execute(select(func.count(Aenderung.id))).scalar_one() == vorher
        assert s.get(Meilenstein, mid).titel != "geändert"


def test_werte_im_protokoll_sind_json(demo_store):
    with demo_store.lesen() as s:
        for a in s.execute(select(Aenderung).limit(500)).scalars():
            for roh in (a.alt, a.neu):
                if roh is not None:
                    json.loads(roh)


def test_projekt_ohne_geraet_kann_nicht_geschrieben_werden(demo_store):
    """Writes outside Store.session() (no device id) are refused instead of going unlogged."""
    from sqlalchemy.orm import sessionmaker

    from ozgdesk.model.store import _ProtokollSession

    s = sessionmaker(demo_store.engine, class_=_ProtokollSession)()
    with pytest.raises(RuntimeError, match="device"):
        p = s.execute(select(Projekt).limit(1)).scalar_one()
        p.titel = "ohne Protokoll"
        s.flush()
    s.rollback()
    s.close()


@pytest.mark.parametrize("betrag", [12.5, 1e3])
def test_betrag_als_gleitkommazahl_wird_abgelehnt(demo_store, betrag):
    with pytest.raises(Eingabefehler, match="ganze Zahl erwartet"):
        with demo_store.session() as s:
            p = projekt_finden(s, "BMAS-2024-01")
            s.add(Mittelabfluss(projekt_id=p.id, datum=p.beginn, betrag_cent=betrag,
                                haushaltsstelle=Haushaltsstelle.parse("0602 532 01")))


def test_summen_der_demo_sind_ganze_cent(demo_store):
    """The database sums integer cents exactly (SQLite as an integer, PostgreSQL as an exact numeric);
    the same sum in Python over the rows agrees to the cent."""
    with demo_store.lesen() as s:
        sql = s.execute(select(func.sum(Mittelabfluss.betrag_cent))).scalar_one()
        einzeln = [m.betrag_cent for m in s.execute(select(Mittelabfluss)).scalars()]
    ganz = isinstance(sql, int) if demo_store.dialekt == "sqlite" else isinstance(sql, Decimal) and sql % 1 == 0
    assert ganz and sql == sum(einzeln) and all(isinstance(b, int) for b in einzeln)


# ------------------------------------------------------------- limits derived from the column types
@pytest.mark.parametrize("feld, wert, meldung", [
    ("aktenzeichen", "Z c 4\n2110", "ist einzeilig; Zeilenumbruch an Stelle 6"),
    ("risiken", "mit\r\nWindows-Zeilenende", "Steuerzeichen U+000D (Wagenrücklauf (CR))"),
    ("risiken", "Absatz\u2029zwei", "Steuerzeichen U+2029 (Absatztrenner)"),
    ("risiken", "x" * 50_001, "höchstens 50.000 Zeichen erlaubt, eingegeben sind 50.001"),
    ("beginn", date(1, 1, 1), "liegt außerhalb von 01.01.2000 bis 31.12.2100"),
    ("eigenpersonal_pt", Decimal("12.345"), "höchstens 2 Nachkommastellen"),
])
def test_grenzen_aus_dem_spaltentyp_mit_deutschem_feldnamen(demo_store, feld, wert, meldung):
    with pytest.raises(Eingabefehler, match=re.escape(meldung)) as fehler:
        with demo_store.session() as s:
            setattr(projekt_finden(s, "BMAS-2024-01"), feld, wert)
    assert str(fehler.value).startswith(f"Projekt „BMAS-2024-01“, Feld „{Projekt.__feldnamen__[feld]}“: ")


def test_mehrzeiliger_text_darf_zeilenumbruch_und_tabulator_enthalten(demo_store):
    with demo_store.session() as s:
        projekt_finden(s, "BMAS-2024-01").risiken = "1.\tVergabe\n2.\tPersonal – „knapp“ 😀"
    with demo_store.lesen() as s:
        assert projekt_finden(s, "BMAS-2024-01").risiken == "1.\tVergabe\n2.\tPersonal – „knapp“ 😀"


@pytest.mark.parametrize("wert, gespeichert", [(Decimal("1E+2"), "100"), (Decimal("0.0000000"), "0.00"),
                                               (Decimal("12.50"), "12.50")])
def test_dezimalzahl_wird_ohne_exponent_gespeichert(demo_store, wert, gespeichert):
    """The stored text is the export's encoding: what is exported imports again."""
    with demo_store.session() as s:
        projekt_finden(s, "BMAS-2024-01").eigenpersonal_pt = wert
    with demo_store.lesen() as s:
        roh = s.execute(text("select eigenpersonal_pt from projekt where kennung = 'BMAS-2024-01'")).scalar_one()
    assert roh == gespeichert


def test_cent_betrag_ueber_100_mrd_euro_wird_abgelehnt(demo_store):
    with pytest.raises(Eingabefehler, match="Feld „Betrag“: Betrag von 10.000.000.000.001 Cent ist unplausibel"):
        with demo_store.session() as s:
            p = projekt_finden(s, "BMAS-2024-01")
            s.add(Mittelabfluss(projekt_id=p.id, datum=p.beginn, betrag_cent=10**13 + 1,
                                haushaltsstelle=Haushaltsstelle.parse("0602 532 01")))


def test_riesige_ganze_zahl_wird_beschrieben_nicht_ausgegeben(demo_store):
    """A 5000-digit number cannot even be printed by Python (int max str digits): no crash."""
    with pytest.raises(Eingabefehler, match="eine Zahl mit rund 5000 Stellen"):
        with demo_store.session() as s:
            p = projekt_finden(s, "BMAS-2024-01")
            s.add(Mittelabfluss(projekt_id=p.id, datum=p.beginn, betrag_cent=10**5000,
                                haushaltsstelle=Haushaltsstelle.parse("0602 532 01")))
