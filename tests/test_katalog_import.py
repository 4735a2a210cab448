"""Diff and apply: right counts, idempotent re-import, exact change reports, Ressort data kept, full audit trail."""

from __future__ import annotations

from datetime import date

import pytest
from tests.katalog_export import als_csv, als_xlsx, erwartete_zahlen, export_zeilen, gemischte_spalten
from sqlalchemy import func, select

from ozgdesk.model import (
    Aenderung,
    LeikaLeistung,
    Leistung,
    LeistungVerantwortung,
    Projekt,
    ProjektLeistung,
    ReifegradBewertung,
    austausch,
)
from ozgdesk.model.base import abgeleitete_id
from ozgdesk.model.grunddaten import leistung_id
from ozgdesk.model.katalogimport.anwenden import anwenden, protokolliert_aendern, protokolliert_einfuegen
from ozgdesk.model.protokoll import neue_ids
from ozgdesk.model.katalogimport.datensaetze import Katalogimport
from ozgdesk.model.katalogimport.uebersicht import katalogstatus
from ozgdesk.model.katalogimport.vergleich import schnelle_abgeleitete_id, vergleichen
from ozgdesk.model.katalogimport.zeilen import lesen

pytestmark = pytest.mark.beide_datenbanken


@pytest.fixture(scope="module")
def voll(tmp_path_factory: pytest.TempPathFactory) -> dict:
    ordner = tmp_path_factory.mktemp("katalog-import")
    zeilen = export_zeilen()
    return {"zeilen": zeilen, "ordner": ordner,
            "xlsx": als_xlsx(zeilen, ordner / "katalog.xlsx"), "csv": als_csv(zeilen, ordner / "katalog.csv"),
            "gemischt": als_xlsx(zeilen, ordner / "gemischt.xlsx", gemischte_spalten())}


def _importieren(store, datei):  # noqa: ANN001, ANN202
    stand = lesen(datei)
    with store.session(quelle="katalogimport") as s:
        return anwenden(s, stand)


def _schnappschuss(store) -> tuple[str, int]:  # noqa: ANN001
    with store.lesen() as s:
        return austausch.als_text(austausch.exportieren(s)), s.execute(select(func.count(Aenderung.id))).scalar_one()


def test_voller_import_zaehlt_richtig_und_reimport_schreibt_nichts(leerer_store, voll):
    d, eintrag = _importieren(leerer_store, voll["xlsx"])
    erwartet = erwartete_zahlen(voll["zeilen"])
    with leerer_store.lesen() as s:
        k = katalogstatus(s)
        protokolliert = s.execute(select(func.count(Aenderung.id)).where(Aenderung.tabelle == "leika_leistung")).scalar_one()
    assert (k.themenfelder, k.lagen, k.ozg_leistungen) == (14, 55, 557)
    assert k.leika_leistungen == erwartet["leika_leistungen"] == protokolliert
    assert k.importe == 1 and k.letzter_import.sha256 == d.stand.sha256 == eintrag.sha256
    assert k.letzter_import.datei == "katalog.xlsx" and k.letzter_import.leika_neu == erwartet["leika_leistungen"]

    vorher = _schnappschuss(leerer_store)
    for datei in (voll["xlsx"], voll["csv"], voll["gemischt"]):  # same content in another format or order
        d2, eintrag2 = _importieren(leerer_store, datei)
        assert d2.leer and eintrag2 is None
        assert d2.als_json()["added"] == d2.als_json()["removed"] == d2.als_json()["changed"] == []
        assert d2.als_json()["leika"] == {"added": 0, "removed": 0, "changed": 0}
    assert _schnappschuss(leerer_store) == vorher  # not a record, not a log entry, not an import record


def test_protokoll_des_imports_ist_lueckenlos(leerer_store, voll):
    _importieren(leerer_store, voll["csv"])
    with leerer_store.lesen() as s:
        seqs = s.execute(select(Aenderung.seq).where(Aenderung.geraet == leerer_store.geraet_id)
                         .order_by(Aenderung.seq)).scalars().all()
        transaktionen = s.execute(select(func.count(func.distinct(Aenderung.transaktion)))
                                  .where(Aenderung.quelle == "katalogimport")).scalar_one()
        zuordnungen = s.execute(select(func.count(Aenderung.id)).where(Aenderung.tabelle == "leika_zuordnung")).scalar_one()
        import_eintrag = s.execute(select(Aenderung).where(Aenderung.tabelle == "katalogimport")).scalar_one().neu_wert
    assert seqs == list(range(1, len(seqs) + 1))  # no gap, no duplicate across ORM and bulk entries
    assert transaktionen == 1  # the whole import is one transaction
    assert zuordnungen == len(lesen(voll["csv"]).zuordnungen)
    assert import_eintrag["datei"] == "katalog.csv" and import_eintrag["leika_neu"] > 4_000


def _ressortdaten(store) -> dict:  # noqa: ANN001
    with store.lesen() as s:
        leistungen = {
            l.ozg_id: (l.im_ressort, l.behoerde_id, l.prioritaet, l.geplant_online, l.ziel_reifegrad, l.bemerkung)
            for l in s.execute(select(Leistung).where(Leistung.im_ressort.is_(True))).scalars()
        }
        return {
            "leistungen": leistungen,
            "projekte": s.execute(select(func.count(Projekt.id))).scalar_one(),
            "projekt_leistungen": sorted(s.execute(select(ProjektLeistung.projekt_id, ProjektLeistung.leistung_id)).all()),
            "bewertungen": sorted((b.leistung_id, b.datum, b.modell.value, b.stufe, b.quelle) for b in
                                  s.execute(select(ReifegradBewertung)).scalars()),
            "verantwortung": sorted(s.execute(select(LeistungVerantwortung.leistung_id, LeistungVerantwortung.person_id)).all()),
        }


def test_geaenderter_export_meldet_genau_die_aenderungen_und_behaelt_ressortdaten(demo_store, voll):
    _importieren(demo_store, voll["csv"])
    with demo_store.session() as s:  # a Leistung outside the Ressort with only a note of the Ressort
        s.get(Leistung, leistung_id("10004")).bemerkung = "Vorbereitung für 2027"
    vorher = _ressortdaten(demo_store)
    assert vorher["projekte"] == 18 and {"1.1", "2.0"} <= {b[2] for b in vorher["bewertungen"]}

    neu = []
    for z in voll["zeilen"]:
        if z["OZG-ID"] in ("10003", "10004", "10075"):  # 10075 Insolvenzgeld: demo project and assessments
            continue
        z = dict(z)
        if z["OZG-ID"] == "10000":
            z["OZG-Leistungen"] = "Elterngeld (Basiselterngeld und ElterngeldPlus)"
        neu.append(z)
    neu.append({**voll["zeilen"][0], "OZG-ID": "10999", "OZG-Leistungen": "Digitale Familienkasse",
                "LeiKa-Schlüssel": "99999000000001", "LeiKa-Bezeichnung": "Familienkasse online"})
    datei = als_csv(neu, voll["ordner"] / "neu.csv")
    stand = lesen(datei)
    with demo_store.lesen() as s:
        d = vergleichen(s, stand)
    j = d.als_json()
    assert j["added"] == ["10999"]
    assert j["removed"] == ["10003", "10004", "10075"]
    assert j["renamed"] == ["10000"]
    assert j["changed"] == []
    assert j["flagged"] == ["10004", "10075"]  # Ressort data → kept and flagged; 10003 had none
    nur_entfernt = ({z["LeiKa-Schlüssel"] for z in voll["zeilen"] if z["OZG-ID"] in ("10003", "10004", "10075")}
                    - {z["LeiKa-Schlüssel"] for z in neu})
    assert j["leika"]["added"] == 1
    assert j["leika"]["removed"] == len(nur_entfernt - {"nicht im LeiKa"})
    assert j["details"]["renamed"] == [{"ozg_id": "10000", "alt": "Elterngeld",
                                        "neu": "Elterngeld (Basiselterngeld und ElterngeldPlus)"}]

    with demo_store.session(quelle="katalogimport") as s:
        d2, eintrag = anwenden(s, stand)
    assert d2.als_json() == j and eintrag.markiert == 2
    assert _ressortdaten(demo_store) == vorher
    with demo_store.lesen() as s:
        assert s.get(Leistung, leistung_id("10003")) is None
        insolvenzgeld = s.get(Leistung, leistung_id("10075"))
        assert insolvenzgeld.im_katalog is False and insolvenzgeld.im_ressort is True
        assert s.get(Leistung, leistung_id("10000")).bezeichnung.startswith("Elterngeld (Basis")
        assert s.get(Leistung, leistung_id("10999")).lage_id is not None
        umbenennung = s.execute(select(Aenderung).where(Aenderung.datensatz_id == leistung_id("10000"),
                                                        Aenderung.feld == "bezeichnung")).scalar_one()
        assert (umbenennung.alt_wert, umbenennung.quelle) == ("Elterngeld", "katalogimport")
        k = katalogstatus(s)
    assert (k.ozg_leistungen, k.nicht_mehr_im_katalog, k.importe) == (555, 2, 2)

    # next month the Leistung is back: it is reported as added and keeps everything it had
    d3, _ = _importieren(demo_store, voll["csv"])
    assert d3.als_json()["readded"] == ["10004", "10075"] and "10075" in d3.neu
    assert d3.entfernt == ["10999"] and d3.markiert == []
    with demo_store.lesen() as s:
        assert s.get(Leistung, leistung_id("10075")).im_katalog is True
    assert _ressortdaten(demo_store) == vorher


def test_neues_themenfeld_neue_lage_und_verschiebung(leerer_store, voll):
    _importieren(leerer_store, voll["csv"])
    neu = []
    for z in voll["zeilen"]:
        z = dict(z)
        if z["OZG-ID"] == "10001":
            z["Lage"] = "Adoption & Pflegekinder"
        if z["OZG-ID"] == "10002":
            z["Themenfeld"], z["Lage"] = "Digitale Verwaltung", "Digitale Identität"
        neu.append(z)
    d, _ = _importieren(leerer_store, als_csv(neu, voll["ordner"] / "verschoben.csv"))
    assert d.themenfelder_neu == ["Digitale Verwaltung"] and d.lagen_neu == ["Digitale Identität"]
    felder = {(v.ozg_id, v.feld, v.alt, v.neu) for v in d.geaendert}
    assert ("10001", "Lage", "Geburt", "Adoption & Pflegekinder") in felder
    assert ("10002", "Themenfeld", "Familie & Kind", "Digitale Verwaltung") in felder
    assert any("Neue Lage „Digitale Identität“" in w.text for w in d.warnungen)
    with leerer_store.lesen() as s:
        k = katalogstatus(s)
    assert (k.themenfelder, k.lagen) == (15, 56)


def test_massenschreiben_protokolliert_wie_der_hook(leerer_store):
    werte = {"schluessel": "99001001000000", "bezeichnung": "Elterngeld Beantragung", "typ": "1, 2/3",
             "rechtsgrundlage": "§ 1 BEEG", "gesetze": "BEEG", "gesetzeskuerzel": "BEEG", "sdg1": True,
             "sdg2": False, "im_katalog": True}
    with leerer_store.session(quelle="test") as s:
        s.add(LeikaLeistung(id="orm", **werte))
        s.flush()
        protokolliert_einfuegen(s, LeikaLeistung, [{"id": "masse", **werte}])
        s.get(Leistung, leistung_id("10000")).bezeichnung = "Elterngeld neu"
        s.flush()
        protokolliert_aendern(s, Leistung, {leistung_id("10001"): {"bezeichnung": "Vaterschaft neu", "typ": "1"}})
    with leerer_store.lesen() as s:
        eintraege = {(a.datensatz_id, a.feld): a for a in s.execute(select(Aenderung).where(Aenderung.quelle == "test")).scalars()}
        s.expunge_all()  # keep the loaded values after the read session ends
        assert s.get(Leistung, leistung_id("10001")).bezeichnung == "Vaterschaft neu"
    orm, masse = eintraege[("orm", None)], eintraege[("masse", None)]
    assert orm.neu_wert == {**masse.neu_wert, "id": "orm"}
    assert orm.neu.replace('"orm"', '"masse"') == masse.neu  # byte-identical JSON text
    for feld in ("geraet", "transaktion", "benutzer", "quelle", "tabelle", "aktion"):
        assert getattr(orm, feld) == getattr(masse, feld)
    hook, bulk = eintraege[(leistung_id("10000"), "bezeichnung")], eintraege[(leistung_id("10001"), "bezeichnung")]
    assert (hook.aktion, hook.alt_wert, bulk.aktion, bulk.alt_wert) == ("aendern", "Elterngeld", "aendern",
                                                                        "Erklärung zur Vaterschafts-/Mutterschaftsanerkennung")
    assert eintraege[(leistung_id("10001"), "typ")].alt is None  # alt None is stored as NULL, as the hook does
    assert len({a.seq for a in eintraege.values()}) == len(eintraege)


def test_massenschreiben_prueft_wie_die_entitaet(leerer_store):
    from ozgdesk.model.errors import Eingabefehler

    vorher = _schnappschuss(leerer_store)
    with pytest.raises(Eingabefehler, match="OZG-Leistung 10000: Typ „99“ ist unbekannt"):
        with leerer_store.session() as s:
            protokolliert_aendern(s, Leistung, {leistung_id("10000"): {"typ": "99"}})
    assert _schnappschuss(leerer_store) == vorher


def test_schnelle_ids_sind_dieselben():
    for art, schluessel in (("leika", "99001001000000"), ("leika", "name:ergänzende leistung 1"), ("x", "")):
        assert schnelle_abgeleitete_id(art, schluessel) == abgeleitete_id(art, schluessel)
    import uuid

    ids = neue_ids(50)
    assert len(set(ids)) == 50 and all(uuid.UUID(i).version == 4 and str(uuid.UUID(i)) == i for i in ids)


def test_import_ohne_aenderung_legt_keinen_importdatensatz_an(leerer_store, voll, tmp_path):
    """Decision: an unchanged export writes nothing, also no Katalogimport record (documented in anwenden)."""
    _importieren(leerer_store, voll["csv"])
    with leerer_store.lesen() as s:
        anzahl = s.execute(select(func.count(Katalogimport.id))).scalar_one()
        assert s.execute(select(func.max(Katalogimport.zeitpunkt))).scalar_one().date() <= date.today()
    _importieren(leerer_store, voll["csv"])
    with leerer_store.lesen() as s:
        assert s.execute(select(func.count(Katalogimport.id))).scalar_one() == anzahl == 1
