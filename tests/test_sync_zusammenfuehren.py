"""Merging: different fields merge, same field → visible conflict, edit beats delete, frozen stays."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from ozgdesk.model.grunddaten import katalog_laden
from ozgdesk.model.projekte import Meilenstein, MeilensteinVerschiebung, Projekt
from ozgdesk.model.protokoll import Aenderung
from ozgdesk.sync import zusammenfuehren
from ozgdesk.sync.abgleich import jetzt_abgleichen
from ozgdesk.sync.backend import OrdnerBackend
from ozgdesk.sync.konflikte import konflikt_loesen, konflikte
from tests.sync_server import daten


@pytest.fixture
def ablage(tmp_path: Path) -> Path:
    p = tmp_path / "ablage"
    p.mkdir(exist_ok=True)
    return p


def sync(store, ablage: Path):  # noqa: ANN001, ANN201
    return jetzt_abgleichen(store, OrdnerBackend(ablage))


def _projekt(s, index: int = 0) -> Projekt:  # noqa: ANN001
    return s.execute(select(Projekt).order_by(Projekt.kennung)).scalars().all()[index]


def setzen(store, benutzer: str = "Anna", index: int = 0, **felder) -> None:  # noqa: ANN001, ANN003
    with store.session(benutzer=benutzer) as s:
        p = _projekt(s, index)
        for k, v in felder.items():
            setattr(p, k, v)


def lesen(store, feld: str, index: int = 0):  # noqa: ANN001, ANN201
    with store.lesen() as s:
        return getattr(_projekt(s, index), feld)


@pytest.fixture
def zwei(ablage, synchrones_paar):  # noqa: ANN001, ANN201
    return synchrones_paar


def test_verschiedene_felder_eines_datensatzes_werden_zusammengefuehrt(zwei, ablage) -> None:
    a, b = zwei
    setzen(a, risiken="Risiko von A")
    setzen(b, ziele="Ziele von B")
    for st in (a, b, a):
        sync(st, ablage)
    for st in (a, b):
        assert lesen(st, "risiken") == "Risiko von A" and lesen(st, "ziele") == "Ziele von B"
    assert konflikte(a) == [] and konflikte(b) == []


def test_gleiches_feld_wird_sichtbarer_konflikt_mit_beiden_werten_wer_und_wann(zwei, ablage) -> None:
    a, b = zwei
    setzen(a, benutzer="Anna", titel="Titel von Anna")
    setzen(b, benutzer="Bernd", titel="Titel von Bernd")
    for st in (a, b, a):
        sync(st, ablage)
    assert daten(a) == daten(b)  # converged: the same winner on both devices
    ka, kb = konflikte(a), konflikte(b)
    assert len(ka) == 1 and [k.id for k in ka] == [k.id for k in kb]
    k = ka[0]
    assert k.feld == "titel" and k.art == "feld"
    werte = {w["wert"]: w for w in k.werte}
    assert set(werte) == {"Titel von Anna", "Titel von Bernd"}
    assert werte["Titel von Anna"]["benutzer"] == "Anna" and werte["Titel von Bernd"]["benutzer"] == "Bernd"
    assert werte["Titel von Anna"]["geraet"] == a.geraet_id and werte["Titel von Anna"]["zeitpunkt"]
    assert werte["Titel von Anna"]["mein"] and not werte["Titel von Bernd"]["mein"]
    # Until resolved, the field keeps the value of the larger (device id, seq) – never the later clock.
    gewinner = max(k.werte, key=lambda w: (w["geraet"], w["seq"]))["wert"]
    assert lesen(a, "titel") == gewinner == lesen(b, "titel")


@pytest.mark.parametrize("wahl", ["mein", "fremd", "Ganz neuer Titel"])
def test_konflikt_loesen_ist_eine_normale_protokollierte_und_abgeglichene_aenderung(zwei, ablage, wahl) -> None:
    a, b = zwei
    setzen(a, titel="Titel von Anna")
    setzen(b, titel="Titel von Bernd")
    for st in (a, b, a):
        sync(st, ablage)
    k = konflikte(b)[0]
    erwartet = {"mein": "Titel von Bernd", "fremd": "Titel von Anna"}.get(wahl, wahl)
    konflikt_loesen(b, k.id[:8], wahl, benutzer="Bernd")
    assert lesen(b, "titel") == erwartet and konflikte(b) == []
    with b.lesen() as s:
        letzte = s.execute(select(Aenderung).where(Aenderung.geraet == b.geraet_id).order_by(Aenderung.seq.desc())).scalars().first()
        assert (letzte.feld, letzte.neu_wert, letzte.benutzer, letzte.quelle) == ("titel", erwartet, "Bernd", "konfliktloesung")
    sync(b, ablage)
    sync(a, ablage)
    assert lesen(a, "titel") == erwartet and konflikte(a) == []
    assert daten(a) == daten(b)


def test_lokale_bearbeitung_des_feldes_loest_den_konflikt_ueberall(zwei, ablage) -> None:
    a, b = zwei
    setzen(a, titel="A")
    setzen(b, titel="B")
    for st in (a, b, a):
        sync(st, ablage)
    setzen(a, titel="Einigung")
    assert konflikte(a) == []
    sync(a, ablage)
    sync(b, ablage)
    assert konflikte(b) == [] and lesen(b, "titel") == "Einigung"


def _meilenstein_id(store) -> str:  # noqa: ANN001
    with store.lesen() as s:
        benutzt = select(MeilensteinVerschiebung.meilenstein_id)
        return s.execute(select(Meilenstein.id).where(Meilenstein.id.not_in(benutzt)).order_by(Meilenstein.id)).scalars().first()


@pytest.mark.parametrize("erst", ["loescher", "bearbeiter"])
def test_aenderung_schlaegt_loeschung_und_wird_markiert(zwei, ablage, erst) -> None:
    a, b = zwei
    mid = _meilenstein_id(a)
    with a.session() as s:
        s.delete(s.get(Meilenstein, mid))
    with b.session() as s:
        s.get(Meilenstein, mid).bemerkung = "wichtig, bitte nicht löschen"
    reihenfolge = (a, b, a) if erst == "loescher" else (b, a, b)
    for st in reihenfolge:
        sync(st, ablage)
    for st in (a, b):
        with st.lesen() as s:
            m = s.get(Meilenstein, mid)
            assert m is not None and m.bemerkung == "wichtig, bitte nicht löschen"
        ks = [k for k in konflikte(st) if k.art == "loeschen"]
        assert len(ks) == 1 and ks[0].datensatz_id == mid and "gewinnt" in ks[0].hinweis
    assert daten(a) == daten(b)
    # Deciding for the delete removes it everywhere.
    konflikt_loesen(b, konflikte(b)[0].id, "fremd")
    sync(b, ablage)
    sync(a, ablage)
    for st in (a, b):
        with st.lesen() as s:
            assert s.get(Meilenstein, mid) is None
        assert konflikte(st) == []


def test_loeschen_ohne_gleichzeitige_aenderung_wird_uebernommen(zwei, ablage) -> None:
    a, b = zwei
    mid = _meilenstein_id(a)
    with a.session() as s:
        s.delete(s.get(Meilenstein, mid))
    sync(a, ablage)
    ergebnis = sync(b, ablage)
    assert ergebnis.geloescht == 1
    with b.lesen() as s:
        assert s.get(Meilenstein, mid) is None
    assert konflikte(b) == []


def test_beide_seiten_legen_denselben_datensatz_an(leerer_store, neues_geraet, ablage) -> None:
    """Both devices load the same catalogue (derived ids): no duplicates, no conflicts."""
    b = neues_geraet("b")
    with b.session(quelle="einrichtung") as s:
        katalog_laden(s)
    sync(leerer_store, ablage)
    sync(b, ablage)
    sync(leerer_store, ablage)
    with leerer_store.lesen() as s:
        from ozgdesk.model.katalog import Leistung

        anzahl = s.execute(select(func.count()).select_from(Leistung)).scalar_one()
    with b.lesen() as s:
        assert s.execute(select(func.count()).select_from(Leistung)).scalar_one() == anzahl
    assert konflikte(b) == [] and konflikte(leerer_store) == []
    assert daten(b) == daten(leerer_store)


def test_fremde_eintraege_behalten_geraet_und_seq_und_werden_nicht_zurueckgesendet(zwei, ablage) -> None:
    a, b = zwei
    setzen(a, titel="von A")
    sync(a, ablage)
    sync(b, ablage)
    with b.lesen() as s:
        e = s.execute(select(Aenderung).where(Aenderung.feld == "titel", Aenderung.neu == '"von A"')).scalar_one()
        assert e.geraet == a.geraet_id and e.quelle == "abgleich"
    ergebnis = sync(b, ablage)
    assert ergebnis.gesendet == 0 and ergebnis.bytes_gesendet == 0
    assert not (ablage / "changes" / b.geraet_id).exists()


def test_eingefrorene_datensaetze_werden_nie_veraendert(zwei, ablage, monkeypatch) -> None:
    a, b = zwei
    with b.lesen() as s:
        pid = _projekt(s).id
    monkeypatch.setitem(zusammenfuehren.UNVERAENDERLICH, "projekt", lambda s, i: i == pid)
    setzen(a, titel="nachträglich geändert")
    sync(a, ablage)
    vorher = lesen(b, "titel")
    sync(b, ablage)
    assert lesen(b, "titel") == vorher
    ks = konflikte(b)
    assert len(ks) == 1 and ks[0].art == "eingefroren" and "neue Version" in ks[0].hinweis


def test_regelverstoss_nach_zusammenfuehrung_wird_markiert_nicht_blockiert(zwei, ablage) -> None:
    from datetime import date

    a, b = zwei
    setzen(a, beginn=date(2027, 6, 1), ende=date(2028, 1, 1))
    sync(a, ablage)
    sync(b, ablage)
    setzen(a, beginn=date(2027, 12, 1))
    setzen(b, ende=date(2027, 9, 1))
    for st in (a, b, a):
        sync(st, ablage)
    assert daten(a) == daten(b)
    assert any(k.art == "regel" and "Ende liegt vor dem Beginn" in k.hinweis for k in konflikte(a))


def test_gleiche_projektkennung_auf_zwei_geraeten_blockiert_nicht_und_laesst_sich_hier_beheben(zwei, ablage) -> None:
    """Both projects arrive; the clash is a visible conflict; renaming one project here ends it everywhere."""
    from ozgdesk.model.values import Finanzierung

    a, b = zwei
    for st, titel in ((a, "Projekt von A"), (b, "Projekt von B")):
        with st.session() as s:
            s.add(Projekt(kennung="BMAS-NEU-1", titel=titel, finanzierung=Finanzierung.VOLL))
    sync(a, ablage)
    sync(b, ablage)  # no longer refused: both projects are kept
    ks = konflikte(b)
    assert [(k.art, k.feld) for k in ks] == [("eindeutig", "kennung")] and "BMAS-NEU-1-DOPPELT" in ks[0].hinweis
    with b.session() as s:
        s.execute(select(Projekt).where(Projekt.titel == "Projekt von B")).scalar_one().kennung = "BMAS-NEU-2"
    assert konflikte(b) == []
    for st in (b, a):
        sync(st, ablage)
    assert daten(a) == daten(b) and konflikte(a) == []
    with a.lesen() as s:
        assert {p.kennung: p.titel for p in s.execute(select(Projekt).where(Projekt.kennung.like("BMAS-NEU-%"))).scalars()} == {
            "BMAS-NEU-1": "Projekt von A", "BMAS-NEU-2": "Projekt von B"}


def test_einreichungen_sind_fuer_den_abgleich_eingefroren() -> None:
    from ozgdesk.sync.zusammenfuehren import UNVERAENDERLICH, tabellen

    assert "einreichung" in tabellen()  # replicated to every device …
    assert UNVERAENDERLICH.get("einreichung", False) is None  # … and never changed there, whatever arrives


def test_stellungnahme_kommt_auf_dem_anderen_geraet_an_und_erledigt_dort_den_befund(zwei, ablage) -> None:
    """A statement is data like any other: written on device A, device B's check shows it acknowledged."""
    from datetime import date

    from ozgdesk.model.stellungnahme import Stellungnahme
    from ozgdesk.model.values import Quartal
    from ozgdesk.reports.pruefung import pruefen
    from ozgdesk.reports.snapshot import bestand_laden
    from ozgdesk.reports.stellungnahmen import stellungnahme_werte

    a, b = zwei
    q, stand = Quartal(2026, 3), date(2026, 11, 15)
    befunde = pruefen(bestand_laden(a, stand), q)
    fakt = next(x for x in befunde if x.stellungnahme_moeglich and x.regel == "ueber_bewilligung_gesamt")
    with a.session(benutzer="Anna") as s:
        s.add(Stellungnahme(**stellungnahme_werte(befunde, fakt.id, "Sachverhalt ist bekannt und mit dem BMDS abgestimmt.", q)))
    for st in (a, b):
        sync(st, ablage)
    auf_b = next(x for x in pruefen(bestand_laden(b, stand), q) if x.id == fakt.id)
    assert not auf_b.offen and auf_b.stellungnahme.erstellt_von == "Anna"
