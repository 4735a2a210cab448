"""The Zeitleiste's data shaping (ozgdesk/model/zeitleiste.py), without Qt, against the demo store.

What a reader relies on in the chart is decided here: which dates a row draws, how a
postponement looks (the original plan faded, an arrow to today's forecast), what the row says in
words, which rows a filter keeps, and the scale with German month names.
"""

from __future__ import annotations

import subprocess
import sys
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from ozgdesk.model import zeitleiste as zl
from ozgdesk.model.demo import STICHTAG
from ozgdesk.model.projekte import Arbeitspaket, Meilenstein, MeilensteinVerschiebung, Projekt
from ozgdesk.model.values import Ampel, MeilensteinStatus, format_datum


@pytest.fixture
def daten(demo_store) -> zl.Zeitleistendaten:  # noqa: ANN001
    with demo_store.lesen() as s:
        return zl.laden(s)


def _aus_der_datenbank(store) -> tuple[list, list, dict[str, int]]:  # noqa: ANN001
    with store.lesen() as s:
        aps = [(a.id, a.projekt_id, a.beginn, a.ende) for a in s.execute(select(Arbeitspaket)).scalars()]
        ms = [(m.id, m.projekt_id, m.plan_datum, m.prognose_datum, m.ist_datum, m.status)
              for m in s.execute(select(Meilenstein)).scalars()]
        anzahl: dict[str, int] = {}
        for (mid,) in s.execute(select(MeilensteinVerschiebung.meilenstein_id)):
            anzahl[mid] = anzahl.get(mid, 0) + 1
    return aps, ms, anzahl


def test_jedes_arbeitspaket_mit_seinem_planbalken(demo_store, daten):  # noqa: ANN001
    aps, _ms, _v = _aus_der_datenbank(demo_store)
    zeilen = {z.id: z for z in zl.zeilen(daten.projekte, STICHTAG) if z.art == "arbeitspaket"}
    assert set(zeilen) == {a[0] for a in aps} and len(aps) == 72
    for aid, pid, beginn, ende in aps:
        z = zeilen[aid]
        assert z.projekt_id == pid
        assert zl.Balken(beginn, ende, "plan") in z.balken
        assert z.beschriftung.startswith(f"{format_datum(beginn)} – {format_datum(ende)}")
        assert z.ziel == "arbeitspakete"


def test_jeder_meilenstein_mit_termin_und_verschobene_mit_beiden_daten(demo_store, daten):  # noqa: ANN001
    _aps, ms, anzahl = _aus_der_datenbank(demo_store)
    zeilen = {z.id: z for z in zl.zeilen(daten.projekte, STICHTAG) if z.art == "meilenstein"}
    assert set(zeilen) == {m[0] for m in ms} and len(ms) == 108
    verschoben = 0
    for mid, pid, plan, prognose, ist, status in ms:
        z = zeilen[mid]
        termin = ist or prognose or plan
        assert z.projekt_id == pid and z.ziel == f"meilenstein:{mid}"
        assert zl.Raute(termin, "ist" if status is MeilensteinStatus.ERREICHT else "prognose") in z.rauten
        assert format_datum(termin) in z.beschriftung and format_datum(termin) in z.beschreibung
        if termin != plan:  # moved: the original plan faded, an arrow to the date that counts now
            verschoben += 1
            assert zl.Raute(plan, "basis") in z.rauten
            assert z.pfeile == (zl.Pfeil(plan, termin),)
            assert f"Plan {format_datum(plan)}" in z.beschriftung
            tage = (termin - plan).days
            assert (f"{abs(tage)} Tage später" if tage > 0 else f"{abs(tage)} Tage früher") in z.beschriftung
        else:
            assert not z.pfeile and all(r.art != "basis" for r in z.rauten)
        if anzahl.get(mid):
            assert f"{anzahl[mid]}-mal verschoben" in z.beschriftung
    assert verschoben > 20  # the demo postpones plenty


def test_reihenfolge_projekt_arbeitspaket_seine_meilensteine(daten):  # noqa: ANN001
    p = next(p for p in daten.projekte if p.kennung == "BMAS-2024-03")
    zeilen = list(zl.zeilen([p], STICHTAG))
    assert [z.art for z in zeilen][:4] == ["projekt", "arbeitspaket", "meilenstein", "meilenstein"]
    ap = None
    for z in zeilen[1:]:
        if z.art == "arbeitspaket":
            ap = z.id
        else:
            m = next(m for m in p.meilensteine if m.id == z.id)
            assert m.arbeitspaket_id == ap and z.ebene == 2
    assert zeilen[0].text.startswith("BMAS-2024-03 ") and zeilen[0].zugeklappt is False


def test_ueberfaellig_und_gefaehrdet_in_worten(daten):  # noqa: ANN001
    zeilen = list(zl.zeilen(daten.projekte, STICHTAG))
    ueberfaellig = [z for z in zeilen if z.art == "meilenstein" and z.warnung == "überfällig"]
    gefaehrdet = [z for z in zeilen if z.warnung == "gefährdet"]
    assert len(ueberfaellig) == zl.zaehlen(daten.projekte, zl.Filter(), STICHTAG).ueberfaellig == 5
    assert all("überfällig" in z.beschriftung and "überfällig" in z.beschreibung for z in ueberfaellig)
    assert gefaehrdet and all("gefährdet" in z.beschriftung for z in gefaehrdet)
    projekt = next(z for z in zeilen if z.art == "projekt" and z.id == ueberfaellig[0].projekt_id)
    assert "Meilenstein überfällig" in projekt.beschriftung or "Meilensteine überfällig" in projekt.beschriftung


def _plan(**ms_werte) -> zl.Projektplan:  # noqa: ANN003
    ap = zl.ArbeitspaketTermin("ap", "AP 1", "Umsetzung", date(2026, 1, 1), date(2026, 3, 31))
    m = zl.MeilensteinTermin(**{"id": "m", "titel": "Go-Live", "arbeitspaket_id": "ap", "plan": date(2026, 3, 31),
                                "prognose": date(2026, 3, 31), "ist": None, "status": MeilensteinStatus.OFFEN,
                                "verschiebungen": 0, **ms_werte})
    return zl.Projektplan("p", "X-1", "Projekt", None, "", Ampel.GRUEN, date(2026, 1, 1), date(2026, 6, 30), (ap,), (m,))


def test_arbeitspaket_zeigt_prognose_und_ist_seiner_meilensteine():
    spaet = list(zl.zeilen([_plan(prognose=date(2026, 5, 15), verschiebungen=1)], date(2026, 2, 1)))
    ap = spaet[1]
    assert ap.balken == (zl.Balken(date(2026, 1, 1), date(2026, 3, 31), "plan"),
                         zl.Balken(date(2026, 4, 1), date(2026, 5, 15), "prognose"))
    assert "Prognose bis 15.05.2026" in ap.beschriftung
    fertig = list(zl.zeilen([_plan(ist=date(2026, 4, 10), prognose=date(2026, 4, 10),
                                   status=MeilensteinStatus.ERREICHT)], date(2026, 5, 1)))
    ap = fertig[1]
    assert zl.Balken(date(2026, 1, 1), date(2026, 4, 10), "ist") in ap.balken
    assert all(b.art != "prognose" for b in ap.balken)  # reached: drawn as Ist, not as a forecast
    assert "abgeschlossen 10.04.2026" in ap.beschriftung
    assert fertig[2].beschriftung == "erreicht am 10.04.2026 (Plan 31.03.2026, 10 Tage später)"


def test_einzahl_und_frueher():
    z = list(zl.zeilen([_plan(prognose=date(2026, 3, 30), verschiebungen=1)], date(2026, 1, 1)))[2]
    assert "(Plan 31.03.2026, 1 Tag früher) – 1-mal verschoben" in z.beschriftung
    assert zl.verschiebung_text(0) == "planmäßig"


def test_entfallener_meilenstein():
    z = list(zl.zeilen([_plan(status=MeilensteinStatus.ENTFALLEN)], date(2026, 1, 1)))[2]
    assert z.rauten == (zl.Raute(date(2026, 3, 31), "entfallen"),) and z.beschriftung == "entfallen"
    assert not z.warnung


def test_filter(daten):  # noqa: ANN001
    alle = zl.zeilen(daten.projekte, STICHTAG)
    projekte = lambda zs: [z.text.split()[0] for z in zs if z.art == "projekt"]  # noqa: E731
    assert len(projekte(alle)) == 18
    # search: Kennung, title, or a milestone's or work package's title (any case)
    assert projekte(zl.zeilen(daten.projekte, STICHTAG, zl.Filter(suche="insolvenz"))) == ["BMAS-2024-02"]
    assert len(projekte(zl.zeilen(daten.projekte, STICHTAG, zl.Filter(suche="GO-LIVE")))) == 18
    behoerde = next(p.behoerde_id for p in daten.projekte if p.behoerde == "UVB")
    assert projekte(zl.zeilen(daten.projekte, STICHTAG, zl.Filter(behoerde_id=behoerde))) == ["BMAS-2025-04", "BMAS-2025-05"]
    # without work packages: milestones straight under their project
    ohne = list(zl.zeilen(daten.projekte, STICHTAG, zl.Filter(arbeitspakete=False)))
    assert {z.art for z in ohne} == {"projekt", "meilenstein"} and all(z.ebene == 1 for z in ohne if z.art == "meilenstein")
    # only deviations: every milestone shown moved, was postponed or is overdue
    abw = list(zl.zeilen(daten.projekte, STICHTAG, zl.Filter(nur_abweichungen=True)))
    ms = [z for z in abw if z.art == "meilenstein"]
    assert ms and all(z.pfeile or z.warnung or "verschoben" in z.beschriftung for z in ms)
    assert len(ms) < 108 and not any(z.art == "arbeitspaket" for z in abw)


def test_zugeklappt_eine_zeile_mit_den_meilensteinen(daten):  # noqa: ANN001
    p = daten.projekte[0]
    zeilen = zl.zeilen(daten.projekte, STICHTAG, zugeklappt={p.id})
    assert zeilen[0].zugeklappt is True and zeilen[1].art == "projekt"
    assert {r.datum for r in zeilen[0].rauten} == {m.termin for m in p.meilensteine}
    assert len(zeilen) == 198 - len(p.arbeitspakete) - len(p.meilensteine)  # its own row stays


def test_zeilen_werden_erst_beim_zugriff_gebaut(daten):  # noqa: ANN001
    zeilen = zl.zeilen(daten.projekte, STICHTAG)
    assert len(zeilen) == 198 and not zeilen._fertig
    ms = daten.projekte[5].meilensteine[2]
    i = zeilen.index_von(ms.id)
    assert zeilen.art(i) == "meilenstein" and not zeilen._fertig
    assert zeilen[i].id == ms.id and list(zeilen._fertig) == [i]
    assert zeilen.index_von("gibt-es-nicht") == -1
    assert zeilen.laengster_text() == max(len(z.text) + {0: 0, 1: 3, 2: 6}[z.ebene] for z in zeilen)


def test_zeitraum_umfasst_alle_daten_und_heute(daten):  # noqa: ANN001
    zeilen = zl.zeilen(daten.projekte, STICHTAG)
    alle = [d for z in zeilen for d in z.daten()]
    for zoom in zl.Zoom:
        zr = zl.zeitraum(zeilen, STICHTAG, zoom)
        assert zr.beginn <= min(alle) and zr.ende >= max(alle + [STICHTAG])
        assert zr.beginn.day == 1 and (zr.ende + timedelta(days=1)).day == 1  # whole months
        assert zr == zl.zeitraum(list(zeilen), STICHTAG, zoom)  # cached spans = every row's dates
    assert zl.zeitraum(zeilen, STICHTAG, zl.Zoom.MONAT, rand_tage=60).ende > zl.zeitraum(zeilen, STICHTAG, zl.Zoom.MONAT).ende


def test_skala_mit_deutschen_monatsnamen_je_zoom():
    zr = zl.Zeitraum(date(2026, 10, 1), date(2027, 3, 31))
    monat = zl.skala(zr, zl.Zoom.MONAT)
    assert [s.text for s in monat if s.ebene == 0] == ["2026", "2027"]
    assert [s.text for s in monat if s.ebene == 1] == ["Oktober", "November", "Dezember", "Januar", "Februar", "März"]
    quartal = zl.skala(zr, zl.Zoom.QUARTAL)
    assert [s.text for s in quartal if s.ebene == 0] == ["4. Quartal 2026", "1. Quartal 2027"]
    assert [s.text for s in quartal if s.ebene == 1] == ["Okt.", "Nov.", "Dez.", "Jan.", "Feb.", "März"]
    jahr = zl.skala(zr, zl.Zoom.JAHR)
    assert [(s.text, s.ebene) for s in jahr] == [("2026", 0), ("2027", 0), ("Q4", 1), ("Q1", 1)]
    for zoom in zl.Zoom:  # each band covers the range without gaps
        striche = zl.skala(zr, zoom)
        for ebene in (0, 1):
            band = [s for s in striche if s.ebene == ebene]
            assert band[0].von == zr.beginn and band[-1].bis == zr.ende
            assert all(b.von == a.bis + timedelta(days=1) for a, b in zip(band, band[1:], strict=False))


def test_ein_projekt_lesen(demo_store, daten):  # noqa: ANN001
    p = daten.projekte[3]
    with demo_store.lesen() as s:
        einzeln = zl.laden(s, p.id)
        kennung = s.execute(select(Projekt.kennung).where(Projekt.id == p.id)).scalar_one()
    assert einzeln.projekte == (p,) and einzeln.ressort == "BMAS" and p.kennung == kennung


def test_modell_laedt_kein_qt():
    code = ("import sys, ozgdesk.model.zeitleiste, ozgdesk.model.planvergleich, ozgdesk.reports.zeitleiste; "
            "sys.exit(1 if any(m.startswith('PySide6') for m in sys.modules) else 0)")
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0
