"""The readable change log (Qt-free): labels, German values, names instead of ids, filters, paging,
the source of every write path."""

from __future__ import annotations

import ast
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select

from ozgdesk.model import protokollansicht as pa
from ozgdesk.model import protokollwerte as pw
from ozgdesk.model.felder import projekt_finden
from ozgdesk.model.finanzen import Mittelabfluss
from ozgdesk.model.organisation import Behoerde
from ozgdesk.model.projekte import Meilenstein, Projekt
from ozgdesk.model.protokoll import Aenderung
from ozgdesk.model.values import Ampel, Verwaltungsart

KENNUNG = "BMAS-2024-05"  # Online-Rentenantrag, DRV Bund, Ampel gelb
ERIKA, MAX = "Erika Muster", "Max Beispiel"
TAG_1 = datetime(2025, 3, 14, 10, 0, tzinfo=UTC)
TAG_2 = datetime(2025, 3, 20, 10, 0, tzinfo=UTC)


def bearbeitungen_eintragen(demo_store) -> None:  # noqa: ANN001
    """The demo Ressort plus two sessions of edits on BMAS-2024-05 at fixed times, by two people
    from two sources: Max (Kommandozeile, 14.03.2025) sets the Ampel to red; Erika (Oberfläche,
    20.03.2025) sets it to green, moves the project to the BA and its end to 30.09.2027, notes a
    remark on a milestone, sets a payment's amount to 12,50 €, and creates and deletes a Behörde."""
    with demo_store.session(benutzer=MAX, quelle="cli") as s:
        s.info["zeitpunkt"] = TAG_1
        projekt_finden(s, KENNUNG).ampel_gesamt = Ampel.ROT
    with demo_store.session(benutzer=ERIKA, quelle="gui") as s:
        s.info["zeitpunkt"] = TAG_2
        p = projekt_finden(s, KENNUNG)
        p.ampel_gesamt = Ampel.GRUEN
        p.behoerde_id = s.execute(select(Behoerde.id).where(Behoerde.kurzname == "BA")).scalar_one()
        p.eigenpersonal_pt = Decimal("12.5")
        p.beratung_fachlich = not p.beratung_fachlich
        p.ende = date(2027, 9, 30)
        m = s.execute(select(Meilenstein).where(Meilenstein.projekt_id == p.id).order_by(Meilenstein.titel)).scalars().first()
        m.bemerkung = "Abnahme durch die DRV"
        z = s.execute(select(Mittelabfluss).where(Mittelabfluss.projekt_id == p.id)
                      .order_by(Mittelabfluss.datum)).scalars().first()
        z.betrag_cent = 1250
        vorlaeufig = Behoerde(name="Vorläufige Projektstelle", kurzname="VPS", art=Verwaltungsart.UNMITTELBAR)
        s.add(vorlaeufig)
    with demo_store.session(benutzer=ERIKA, quelle="gui") as s:
        s.info["zeitpunkt"] = TAG_2
        s.delete(s.get(Behoerde, vorlaeufig.id))


@pytest.fixture
def protokoll(demo_store):  # noqa: ANN001, ANN201
    bearbeitungen_eintragen(demo_store)
    return demo_store


def _zeilen(store, **filter_) -> list[pa.Protokollzeile]:  # noqa: ANN001
    with store.lesen() as s:
        return pa.laden(s, pa.Protokollfilter(**filter_), limit=10_000).zeilen


def _feld(zeilen: list[pa.Protokollzeile], feld: str) -> pa.Protokollzeile:
    treffer = [z for z in zeilen if z.feld == feld]
    assert len(treffer) == 1, [z.feld for z in zeilen]
    return treffer[0]


# ------------------------------------------------------------------------------------------ labels
def test_jedes_feld_das_im_protokoll_stehen_kann_hat_ein_deutsches_label():
    import ozgdesk.sync.zustand  # noqa: F401 - its tables are registered, and known as not logged

    klassen = pw.protokollierte_klassen()
    assert {k.__tablename__ for k in klassen} >= {"projekt", "meilenstein", "mittelabfluss", "behoerde", "vertrauen",
                                                  "einreichung", "katalogimport", "aenderungsanforderung"}
    assert not {k.__tablename__ for k in klassen} & {"aenderung", "meta", "sync_geraet", "sync_konflikt"}
    fehlend = [f"{k.__tablename__}.{c.key}" for k in klassen for c in k.__table__.columns
               if c.key != "id" and c.key not in getattr(k, "__feldnamen__", {})]
    assert fehlend == []
    assert all(k.__label__ != "Datensatz" for k in klassen)


def test_werte_deutsch_formatiert():
    assert pw.wert_text("mittelabfluss", "betrag_cent", 1250) == "12,50 €"
    assert pw.wert_text("bewilligung", "betrag_cent", 123456789) == "1.234.567,89 €"
    assert pw.wert_text("projekt", "ampel_gesamt", "gruen") == "grün"
    assert pw.wert_text("meilenstein", "status", "gefaehrdet") == "gefährdet"
    assert pw.wert_text("meilenstein", "prognose_datum", "2026-09-30") == "30.09.2026"
    assert pw.wert_text("projekt", "umsetzung", True) == "ja"
    assert pw.wert_text("projekt", "umsetzung", False) == "nein"
    assert pw.wert_text("projekt", "eigenpersonal_pt", "1234.5") == "1.234,5"
    assert pw.wert_text("zahlungsplan_position", "quartal", "2026-Q3") == "Q3/2026"
    assert pw.wert_text("projekt", "finanzierung", "voll") == "vollfinanziert aus dem Programm"
    assert pw.wert_text("projekt", "komponenten", "gsb,fms") == "Government Site Builder (GSB), Formular-Management-System (FMS)"
    assert pw.wert_text("bewilligung", "jahr", 2026) == "2026"  # a year has no thousands dot
    assert pw.wert_text("projekt", "titel", None) == pw.wert_text("projekt", "titel", "") == "–"
    # what the column type cannot read is shown as stored, never hidden or turned into an error
    assert pw.wert_text("projekt", "ampel_gesamt", "blau") == "blau"
    assert pw.wert_text("gibt_es_nicht", "x", 7) == "7"


def test_quellen_haben_deutsche_namen_und_alte_eintraege_heissen_nicht_erfasst():
    assert pw.quelle_label("gui") == "Oberfläche"
    assert pw.quelle_label("cli") == "Kommandozeile"
    assert pw.quelle_label("abgleich") == "Abgleich"
    assert pw.quelle_label("zahlungsimport") == "HKR-Import"
    assert pw.quelle_label("lokal") == "nicht erfasst"
    assert set(pw.QUELLGRUPPEN) >= {"gui", "cli", "abgleich", "import", "ohne"}
    assert {g for _l, g in pw.QUELLEN.values()} <= set(pw.QUELLGRUPPEN)


# ------------------------------------------------------------------------------------------- rows
def test_aenderungen_zeigen_deutsche_werte_und_namen(protokoll):
    zeilen = _zeilen(protokoll, person=ERIKA, tabelle="projekt")
    ampel = _feld(zeilen, "Ampel gesamt")
    assert (ampel.alt, ampel.neu) == ("rot", "grün")
    assert ampel.datensatz == "BMAS-2024-05 – Online-Rentenantrag"
    assert (ampel.benutzer, ampel.quelle, ampel.aktion, ampel.art) == (ERIKA, "Oberfläche", "geändert", "Projekt")
    behoerde = _feld(zeilen, "Behörde")
    assert behoerde.alt == "Deutsche Rentenversicherung Bund (DRV Bund)"
    assert behoerde.neu == "Bundesagentur für Arbeit (BA)"
    assert _feld(zeilen, "Eigenpersonal (PT)").neu == "12,5"
    assert _feld(zeilen, "Fachliche Beratung").neu in ("ja", "nein")
    assert _feld(zeilen, "Ende").neu == "30.09.2027"
    texte = " ".join(f"{z.datensatz} {z.alt} {z.neu}" for z in _zeilen(protokoll))
    assert "gruen" not in texte and "betrag_cent" not in texte  # no code, no column name, no UUID
    assert not any(len(w) == 36 and w.count("-") == 4 for w in texte.split())


def test_meilenstein_und_zahlung_nennen_ihr_projekt(protokoll):
    zeilen = _zeilen(protokoll, person=ERIKA)
    meilenstein = _feld(zeilen, "Bemerkung")
    assert meilenstein.neu == "Abnahme durch die DRV"
    assert meilenstein.datensatz.startswith("Meilenstein „") and meilenstein.datensatz.endswith("“ (BMAS-2024-05)")
    zahlung = _feld(zeilen, "Betrag")
    assert zahlung.neu == "12,50 €"
    assert zahlung.datensatz.startswith("Mittelabfluss ") and zahlung.datensatz.endswith("(BMAS-2024-05)")


def test_angelegter_datensatz_zeigt_seine_felder_mit_labels(protokoll):
    angelegt = [z for z in _zeilen(protokoll, tabelle="zahlungsplan_position", aktion="anlegen")][0]
    assert angelegt.datensatz.startswith("Zahlungsplan-Position Q")
    assert "Planbetrag: " in angelegt.neu and " €" in angelegt.neu
    assert "Quartal: Q" in angelegt.neu and "zahlungsplan_id" not in angelegt.neu


def test_geloeschter_datensatz_heisst_wie_zuletzt_bekannt(protokoll):
    zeilen = _zeilen(protokoll, tabelle="behoerde", person=ERIKA)
    assert {z.aktion for z in zeilen} == {"angelegt", "gelöscht"}
    assert all(z.datensatz == "Vorläufige Projektstelle (VPS) (gelöscht)" for z in zeilen)
    assert all(z.ziel is None for z in zeilen)


def test_verweis_ohne_spur_im_protokoll_heisst_geloescht(protokoll):
    unbekannt = "00000000-0000-4000-8000-000000000000"
    with protokoll.lesen() as s:
        n = pa.Namensaufloesung(s)
        n.anfordern("behoerde", unbekannt)
        n.aufloesen()
        assert n.wert("behoerde", unbekannt) == "(gelöscht)"
        assert n.name("behoerde", unbekannt) == "Behörde (gelöscht)"
        assert pw.wert_text("projekt", "behoerde_id", unbekannt, n.wert) == "(gelöscht)"


def test_namen_werden_je_tabelle_gebuendelt_gelesen(protokoll):
    """The bulk promise: the queries a page costs depend on the tables it names, not on its rows."""
    def abfragen(anzahl: int) -> int:
        with protokoll.lesen() as s:
            paare = s.execute(select(Aenderung.tabelle, Aenderung.datensatz_id)
                              .where(Aenderung.tabelle.in_(["meilenstein", "mittelabfluss", "zahlungsplan_position"]))
                              .order_by(Aenderung.seq).limit(anzahl)).all()
            n = pa.Namensaufloesung(s)
            for tabelle, id_ in paare:
                n.anfordern(tabelle, id_)
            n.aufloesen()
            assert all("(gelöscht)" not in n.name(t, i) for t, i in paare)
            return n.abfragen
    wenige, viele = abfragen(30), abfragen(400)
    # meilenstein, mittelabfluss, zahlungsplan_position, then zahlungsplan, then projekt: one query each
    assert viele <= 5 and viele - wenige <= 1


def test_ziel_oeffnet_den_richtigen_datensatz(protokoll):
    with protokoll.lesen() as s:
        pid = projekt_finden(s, KENNUNG).id
    zeilen = _zeilen(protokoll, person=ERIKA)
    ampel = _feld(zeilen, "Ampel gesamt")
    assert ampel.ziel == pa.Ziel("projekt", pid, pid, "ampel_gesamt")
    meilenstein = _feld(zeilen, "Bemerkung")
    assert meilenstein.ziel is not None and (meilenstein.ziel.art, meilenstein.ziel.projekt_id) == ("meilenstein", pid)
    assert _feld(zeilen, "Betrag").ziel == pa.Ziel("projekt", pid, pid, "mittelabfluss")
    position = _zeilen(protokoll, tabelle="zahlungsplan_position")[0]
    assert position.ziel is not None and position.ziel.art == "projekt" and position.ziel.feld.startswith("zahlungsplan:")
    leistung = _zeilen(protokoll, tabelle="leistung", aktion="aendern")[0]
    assert leistung.ziel is not None and leistung.ziel.art == "leistung"


# ---------------------------------------------------------------------------------------- filters
def test_filter_person_quelle_zeitraum_art_aktion(protokoll):
    alle = _zeilen(protokoll)
    assert {z.benutzer for z in _zeilen(protokoll, person=MAX)} == {MAX}
    assert len(_zeilen(protokoll, person=MAX)) == 1
    assert {z.quelle for z in _zeilen(protokoll, quelle="gui")} == {"Oberfläche"}
    assert {z.quelle for z in _zeilen(protokoll, quelle="cli")} == {"Kommandozeile"}
    assert {z.quelle for z in _zeilen(protokoll, quelle="einrichtung")} == {"Demo-Daten"}
    tag_1 = _zeilen(protokoll, von=date(2025, 3, 14), bis=date(2025, 3, 14))
    assert [(z.benutzer, z.feld) for z in tag_1] == [(MAX, "Ampel gesamt")]
    maerz = _zeilen(protokoll, von=date(2025, 3, 1), bis=date(2025, 3, 31))
    assert {z.benutzer for z in maerz} == {MAX, ERIKA}
    assert _zeilen(protokoll, von=date(2025, 3, 21), bis=date(2025, 12, 31)) == []
    assert {z.art for z in _zeilen(protokoll, tabelle="meilenstein")} == {"Meilenstein"}
    assert {z.aktion for z in _zeilen(protokoll, aktion="loeschen")} == {"gelöscht"}
    assert len(alle) > len(maerz) > len(tag_1)


def test_alte_eintraege_ohne_quelle_unter_nicht_erfasst(protokoll):
    with protokoll.session(benutzer=MAX) as s:  # the store's default: a path that named no source
        projekt_finden(s, KENNUNG).risiken = "Fachkräftemangel"
    ohne = _zeilen(protokoll, quelle="ohne")
    assert [(z.quelle, z.feld, z.neu) for z in ohne] == [("nicht erfasst", "Risiken", "Fachkräftemangel")]


def test_filter_datensatz_findet_projekt_mit_seinen_kindern_und_geloeschte(protokoll):
    zeilen = _zeilen(protokoll, datensatz="bmas-2024-05")
    arten = {z.art for z in zeilen}
    assert {"Projekt", "Meilenstein", "Mittelabfluss", "Zahlungsplan", "Zahlungsplan-Position"} <= arten
    assert all("BMAS-2024-05" in z.datensatz for z in zeilen)
    assert {z.datensatz for z in _zeilen(protokoll, datensatz="Rentenantrag", tabelle="projekt")} == \
        {"BMAS-2024-05 – Online-Rentenantrag"}
    assert {z.aktion for z in _zeilen(protokoll, datensatz="Vorläufige")} == {"angelegt", "gelöscht"}
    assert _zeilen(protokoll, datensatz="100 %_") == []  # LIKE's wildcards are text here


# ---------------------------------------------------------------------------------- paging, count
@pytest.mark.parametrize("aelteste_zuerst", [False, True])
def test_seiten_liefern_jeden_eintrag_genau_einmal_in_zeitfolge(protokoll, aelteste_zuerst):
    f = pa.Protokollfilter(datensatz=KENNUNG, aelteste_zuerst=aelteste_zuerst)
    with protokoll.lesen() as s:
        alle = pa.laden(s, f, limit=10_000).zeilen
        seitenweise: list[pa.Protokollzeile] = []
        nach = None
        while True:
            seite = pa.laden(s, f, nach=nach, limit=7).zeilen
            if not seite:
                break
            seitenweise += seite
            nach = seite[-1]
    assert [z.id for z in seitenweise] == [z.id for z in alle] and len(alle) > 20
    zeiten = [z.zeitpunkt for z in alle]
    assert zeiten == sorted(zeiten, reverse=not aelteste_zuerst)


def test_zaehlen_hoert_an_der_grenze_auf(protokoll):
    with protokoll.lesen() as s:
        assert pa.anzahl(s, pa.Protokollfilter(), grenze=5) == (5, True)
        assert pa.anzahl(s, pa.Protokollfilter(person=MAX), grenze=5) == (1, False)
        erste = pa.laden(s, pa.Protokollfilter())
        gesamt = s.execute(select(Aenderung.id)).all()
    assert len(erste.zeilen) == pa.SEITENGROESSE and erste.anzahl == len(gesamt) and not erste.mindestens


def test_filteroptionen_nennen_personen_und_arten(protokoll):
    with protokoll.lesen() as s:
        o = pa.filteroptionen(s)
    assert {"Demo", ERIKA, MAX} <= set(o.personen)
    assert ("projekt", "Projekt") in o.arten and ("meilenstein", "Meilenstein") in o.arten
    assert ("ohne", "nicht erfasst (ältere Einträge)") in o.quellen


# ------------------------------------------------------------------------------- source recorded
def test_jeder_schreibweg_nennt_seine_quelle():
    """Every session a write path opens names its source (``quelle=``); the store's default
    „lokal“ is left to entries written before this rule (shown as „nicht erfasst“)."""
    fehlend = []
    for datei in sorted(Path("ozgdesk").rglob("*.py")):
        for knoten in ast.walk(ast.parse(datei.read_text(encoding="utf-8"))):
            if isinstance(knoten, ast.Call) and isinstance(knoten.func, ast.Attribute) \
                    and knoten.func.attr == "session" and not any(k.arg == "quelle" for k in knoten.keywords):
                fehlend.append(f"{datei}:{knoten.lineno}")
    assert fehlend == []


def test_kommandozeile_oberflaeche_und_import_stehen_mit_ihrer_quelle_im_protokoll(demo_home, capsys, tmp_path):
    from ozgdesk.cli import main
    from ozgdesk.model.operationen import bearbeiten as operation
    from ozgdesk.model.operationen import projekt as op_projekt
    from ozgdesk.model.store import Store

    assert main(["--home", str(demo_home), "projekte", "setzen", KENNUNG, "ampel=rot"]) == 0
    assert main(["--home", str(demo_home), "export", "--out", str(tmp_path / "r.json")]) == 0
    assert main(["--home", str(tmp_path / "neu"), "import", str(tmp_path / "r.json")]) == 0
    with Store.oeffnen(demo_home / "ozgdesk.sqlite") as store:
        with store.lesen() as s:
            pid = projekt_finden(s, KENNUNG).id
        operation.anwenden(store, op_projekt.aendern("projekt", pid, {"ampel_gesamt": Ampel.GRUEN}, "Ampel"))
        ampel = [z for z in _zeilen(store, datensatz=KENNUNG, tabelle="projekt") if z.feld == "Ampel gesamt"]
        assert [z.quelle for z in ampel][:2] == ["Oberfläche", "Kommandozeile"]
    with Store.oeffnen(tmp_path / "neu" / "ozgdesk.sqlite") as neu:
        assert {z.quelle for z in _zeilen(neu, tabelle="projekt")} == {"JSON-Import"}


def test_abgleich_traegt_fremde_aenderungen_als_abgleich_ein(synchrones_paar, tmp_path):
    from ozgdesk.sync.abgleich import jetzt_abgleichen
    from ozgdesk.sync.backend import OrdnerBackend

    a, b = synchrones_paar
    with a.session(benutzer=ERIKA, quelle="gui") as s:
        s.execute(select(Projekt).where(Projekt.kennung == KENNUNG)).scalar_one().ampel_gesamt = Ampel.ROT
    for store in (a, b):
        jetzt_abgleichen(store, OrdnerBackend(tmp_path / "ablage"))
    bei_b = [z for z in _zeilen(b, quelle="abgleich", datensatz=KENNUNG, tabelle="projekt") if z.feld == "Ampel gesamt"]
    assert (bei_b[0].quelle, bei_b[0].alt, bei_b[0].neu) == ("Abgleich", "gelb", "rot")
    assert bei_b[0].datensatz == "BMAS-2024-05 – Online-Rentenantrag"
    bei_a = [z for z in _zeilen(a, datensatz=KENNUNG, tabelle="projekt") if z.feld == "Ampel gesamt"]
    assert (bei_a[0].quelle, bei_a[0].neu) == ("Oberfläche", "rot")
