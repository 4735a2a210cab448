"""The change log: every write leaves who/where/when/what, in the same transaction."""

import json

import pytest
from sqlalchemy import func, select

from ozgdesk.model import Aenderung, Meilenstein, Mittelabfluss, Projekt
from ozgdesk.model.errors import Eingabefehler
from ozgdesk.model.felder import projekt_finden
from ozgdesk.model.values import Haushaltsstelle


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
    """SQLite sums integer cents exactly; the same sum in Python over the rows agrees to the cent."""
    with demo_store.lesen() as s:
        sql = s.execute(select(func.sum(Mittelabfluss.betrag_cent))).scalar_one()
        einzeln = [m.betrag_cent for m in s.execute(select(Mittelabfluss)).scalars()]
    assert isinstance(sql, int) and sql == sum(einzeln) and all(isinstance(b, int) for b in einzeln)
