"""The global search (ozgdesk/model/suche.py), Qt-free: words in any order, umlauts both ways,
every kind of record, wildcards typed by the user taken literally, fast on a large store."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from ozgdesk.model import Meilenstein, Projekt
from ozgdesk.model.store import Store
from ozgdesk.model.suche import muster, suchen, woerter


def _titel(treffer, art: str) -> list[str]:  # noqa: ANN001
    return [t.titel for t in treffer if t.art == art]


def test_woerter_und_muster():
    assert woerter("  Führerschein   ONLINE ") == ["führerschein", "online"]
    assert muster("fuhrerschein") == ["%fuhrerschein%", "%f_hrerschein%"]
    assert muster("fuehrerschein") == ["%fuehrerschein%", "%f_hrerschein%"]
    assert muster("strasse") == ["%strasse%", "%str_sse%", "%straße%"]
    assert muster("10%_x") == ["%10\\%\\_x%"]  # typed wildcards are literal
    assert muster("bau") == ["%bau%"]  # short words: no umlaut wildcards (they would find too much)


def test_findet_meilenstein_an_einem_wort_seines_titels(demo_store: Store):
    with demo_store.lesen() as s:
        t = suchen(s, "Kick-off")
    ms = [x for x in t if x.art == "meilenstein"]
    assert ms and all(x.titel == "Projektauftrag und Kick-off" for x in ms)
    assert len(ms) == 8  # 18 projects have one; the list shows the first eight
    assert ms[0].kontext.startswith("BMAS-2024-01 · 15.01.2024 · Digitaler Antrag") and ms[0].projekt_id
    with demo_store.lesen() as s:  # one more word narrows it to the project's milestone
        t = suchen(s, "kick-off 2024-03")
    assert [(x.art, x.kontext[:12]) for x in t if x.art == "meilenstein"] == [("meilenstein", "BMAS-2024-03")]


def test_umlaute_und_gross_klein_werden_toleriert(demo_store: Store):
    with demo_store.lesen() as s:
        for text in ("Führerschein", "fuhrerschein", "FUEHRERSCHEIN", "führerSCHEIN"):
            assert "10169 Führerschein" in _titel(suchen(s, text), "leistung"), text
        assert _titel(suchen(s, "überlassung"), "projekt") == ["BMAS-2026-02 – Arbeitnehmerüberlassung – Erlaubnisverfahren online"]
        assert _titel(suchen(s, "ueberlassung arbeitnehmer"), "projekt") == _titel(suchen(s, "überlassung"), "projekt")


def test_alle_arten_mit_zusammenhang(demo_store: Store):
    with demo_store.lesen() as s:
        projekt = suchen(s, "bmas-2024-03")
        behoerde = suchen(s, "Bundesagentur")
        person = suchen(s, "Oberländer")
        leistung = suchen(s, "10000")
    assert projekt[0].art == "projekt" and projekt[0].titel.startswith("BMAS-2024-03 – ") and projekt[0].kontext
    assert [t.art for t in behoerde if t.art == "behoerde"] and "Bundesagentur für Arbeit" in behoerde[0].titel
    p = next(t for t in person if t.art == "person")
    assert p.titel == "Sabine Oberländer" and p.kontext
    assert leistung[0].art == "leistung" and leistung[0].titel.startswith("10000 ")
    with demo_store.lesen() as s:
        assert suchen(s, "k") == [] and suchen(s, "   ") == [] and suchen(s, "xyzzy-gibt-es-nicht") == []


def test_findet_auch_auf_grossem_bestand_das_richtige(tmp_path: Path):
    """10,000 projects with 40,000 milestones: the right records among many similar ones (the speed
    is measured by bench/, never asserted here)."""
    from bench.grosser_store import erzeugen

    pfad = tmp_path / "gross.sqlite"
    erzeugen(pfad, projekte=10_000, zahlungen=0)
    with Store.oeffnen(pfad) as store, store.lesen() as s:
        suchen(s, "Warmlauf")
        for text in ("Meilenstein 3", "fuhrerschein", "Lastprojekt 9999", "digitalisierung verfahren 12"):
            assert suchen(s, text), text
        assert _titel(suchen(s, "Lastprojekt 9999"), "projekt")[0].startswith("LAST-009999 – Lastprojekt 9999")
        mid = s.execute(select(Meilenstein.id).join(Projekt).where(Projekt.kennung == "LAST-004711")
                        .where(Meilenstein.titel == "Meilenstein 2")).scalar_one()
        assert [t.id for t in suchen(s, "meilenstein 2 last-004711") if t.art == "meilenstein"] == [mid]
