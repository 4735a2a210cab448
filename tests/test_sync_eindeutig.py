"""Unique keys filled on two devices: they merge or become visible conflicts, never a blocked sync.

One test per key's rule (docs/sync-format.md, „Eindeutige Schlüssel“), each through a real sync of
two devices: after syncing both ways the data is equal, the expected conflict is on both devices
with the same id, and resolving it on one device closes it on the other after a sync.
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import UniqueConstraint, func, select

from ozgdesk.model.base import Base, neue_id
from ozgdesk.model.einreichung import Einreichung
from ozgdesk.model.felder import projekt_finden
from ozgdesk.model.finanzen import Aufwand, Bewilligung, Zahlungsplan
from ozgdesk.model.grunddaten import leistung_id
from ozgdesk.model.katalog import Leistung, LeistungVerantwortung
from ozgdesk.model.operationen import bearbeiten as operation
from ozgdesk.model.operationen import projekt as op_projekt
from ozgdesk.model.operationen import stammdaten as op_stammdaten
from ozgdesk.model.organisation import Person
from ozgdesk.model.projekte import Projekt, ProjektLeistung
from ozgdesk.model.protokoll import NICHT_PROTOKOLLIERT
from ozgdesk.model.schluesselregeln import REGELN, UNVERAENDERT, natuerliche_id
from ozgdesk.model.values import Finanzierung, Haushaltsstelle, Kostenart, Quartal
from ozgdesk.sync.abgleich import jetzt_abgleichen
from ozgdesk.sync.backend import OrdnerBackend
from ozgdesk.sync.konflikte import konflikt_loesen, konflikte
from ozgdesk.sync.zustand import SyncEindeutig
from tests.sync_server import daten, freigeben

KENNUNG = "BMAS-2024-01"


@pytest.fixture
def ablage(tmp_path: Path) -> Path:
    return tmp_path / "ablage"


def sync(store, ablage: Path):  # noqa: ANN001, ANN201
    return jetzt_abgleichen(store, OrdnerBackend(ablage))


def hin_und_her(a, b, ablage: Path) -> None:  # noqa: ANN001
    """Sync both ways (the first device sends, the second merges and sends, the first merges)."""
    for st in (a, b, a):
        sync(st, ablage)


def pid(store) -> str:  # noqa: ANN001
    with store.lesen() as s:
        return projekt_finden(s, KENNUNG).id


def anzahl(store, cls, *bedingung) -> int:  # noqa: ANN001
    with store.lesen() as s:
        return s.execute(select(func.count()).select_from(cls).where(*bedingung)).scalar_one()


def gleich_und_konflikte(a, b, art: str | None = "eindeutig"):  # noqa: ANN001, ANN201
    """Same data, same conflicts (ids and contents) on both devices; returns B's conflicts."""
    assert daten(a) == daten(b)
    ka, kb = konflikte(a), konflikte(b)
    # sorted: each device lists by the second it noticed a conflict, which may differ
    ohne_mein = [sorted((k.id, k.art, json.dumps([{x: y for x, y in w.items() if x != "mein"} for w in k.werte],
                                                 sort_keys=True)) for k in ks) for ks in (ka, kb)]
    assert ohne_mein[0] == ohne_mein[1]
    if art is not None:
        assert {k.art for k in kb} == {art}
    return kb


def test_jeder_eindeutige_schluessel_hat_eine_regel() -> None:
    """Every unique key of a replicated table is decided in model.schluesselregeln; none is forgotten."""
    import ozgdesk.model.entitaeten  # noqa: F401
    import ozgdesk.sync.zustand  # noqa: F401

    gefunden = {}
    for tabelle in Base.metadata.sorted_tables:
        if tabelle.name in NICHT_PROTOKOLLIERT:
            continue
        for c in tabelle.constraints:
            if isinstance(c, UniqueConstraint):
                gefunden[tabelle.name] = tuple(col.name for col in c.columns)
        for col in tabelle.columns:
            if col.unique:
                gefunden[tabelle.name] = (col.name,)
    assert {t: r.spalten for t, r in REGELN.items() if r.art != UNVERAENDERT} == gefunden
    assert "einreichung" not in gefunden  # frozen: no constraint, the duplicate is kept and shown
    # a duplicate can be held back outside its table only if no record points to it
    from ozgdesk.model.schluesselregeln import ZUSAMMENLEGEN

    verwiesen = {fk.column.table.name for t in Base.metadata.sorted_tables if t.name not in NICHT_PROTOKOLLIERT
                 for fk in t.foreign_keys}
    assert not verwiesen & {t for t, r in REGELN.items() if r.art == ZUSAMMENLEGEN}


# --------------------------------------------------------------------- ZUSAMMENLEGEN: one record
def test_dieselbe_leistung_zugeordnet_ist_ein_datensatz(synchrones_paar, ablage) -> None:
    a, b = synchrones_paar
    with a.lesen() as s:
        p = projekt_finden(s, KENNUNG)
        vorhanden = set(s.execute(select(ProjektLeistung.leistung_id).where(ProjektLeistung.projekt_id == p.id)).scalars())
        lid = s.execute(select(Leistung.id).where(Leistung.id.not_in(vorhanden)).order_by(Leistung.ozg_id)).scalars().first()
    for st in (a, b):
        with st.lesen() as s:
            alt = set(s.execute(select(ProjektLeistung.leistung_id).where(ProjektLeistung.projekt_id == p.id)).scalars())
        operation.anwenden(st, op_projekt.stammdaten_speichern(p.id, {}, sorted(alt | {lid})))
    hin_und_her(a, b, ablage)
    assert anzahl(a, ProjektLeistung, ProjektLeistung.projekt_id == p.id, ProjektLeistung.leistung_id == lid) == 1
    assert gleich_und_konflikte(a, b, None) == []
    with a.lesen() as s:  # the id comes from the key: the same record on both devices
        zuordnung = s.execute(select(ProjektLeistung.id).where(ProjektLeistung.leistung_id == lid,
                                                               ProjektLeistung.projekt_id == p.id)).scalar_one()
    assert zuordnung == natuerliche_id("projekt_leistung", {"projekt_id": p.id, "leistung_id": lid})


def test_dieselbe_projektleitung_ist_ein_datensatz(synchrones_paar, ablage) -> None:
    a, b = synchrones_paar
    lid = leistung_id("10073")
    with a.lesen() as s:
        vorhanden = set(s.execute(select(LeistungVerantwortung.person_id).where(LeistungVerantwortung.leistung_id == lid)).scalars())
        person = s.execute(select(Person.id).where(Person.id.not_in(vorhanden)).order_by(Person.name)).scalars().first()
    for st in (a, b):
        operation.anwenden(st, op_stammdaten.verantwortliche_setzen(lid, [*vorhanden, person]))
    hin_und_her(a, b, ablage)
    assert anzahl(b, LeistungVerantwortung, LeistungVerantwortung.leistung_id == lid,
                  LeistungVerantwortung.person_id == person) == 1
    assert gleich_und_konflikte(a, b, None) == []


def test_bewilligung_desselben_jahres_ist_ein_datensatz_mit_feldkonflikt(synchrones_paar, ablage) -> None:
    a, b = synchrones_paar
    p = pid(a)
    operation.anwenden(a, op_projekt.bewilligung_speichern(p, {"jahr": 2031, "betrag_cent": 100_000_00, "aktenzeichen": "Z 1"}))
    operation.anwenden(b, op_projekt.bewilligung_speichern(p, {"jahr": 2031, "betrag_cent": 120_000_00, "aktenzeichen": "Z 1"}))
    hin_und_her(a, b, ablage)
    assert anzahl(a, Bewilligung, Bewilligung.projekt_id == p, Bewilligung.jahr == 2031) == 1
    (k,) = gleich_und_konflikte(a, b, "feld")
    assert k.feld == "betrag_cent" and {w["wert"] for w in k.werte} == {100_000_00, 120_000_00}
    konflikt_loesen(b, k.id, "mein")  # B's amount
    sync(b, ablage)
    sync(a, ablage)
    assert gleich_und_konflikte(a, b, None) == []
    with a.lesen() as s:
        assert s.execute(select(Bewilligung.betrag_cent).where(Bewilligung.projekt_id == p, Bewilligung.jahr == 2031)).scalar_one() == 120_000_00


def test_aufwand_desselben_quartals_und_derselben_art_ist_ein_datensatz(synchrones_paar, ablage) -> None:
    a, b = synchrones_paar
    p = pid(a)
    for st, pt in ((a, "3,5"), (b, "4")):
        operation.anwenden(st, op_projekt.aufwand_anlegen(p, {"quartal": Quartal(2027, 1), "leistungsart": "Architekturberatung",
                                                              "personentage": Decimal(pt.replace(",", "."))}))
    hin_und_her(a, b, ablage)
    assert anzahl(a, Aufwand, Aufwand.projekt_id == p, Aufwand.leistungsart == "Architekturberatung") == 1
    (k,) = gleich_und_konflikte(a, b, "feld")
    assert k.feld == "personentage"


# ------------------------------------------------------------------- BEIDE: both kept, numbered
def _plan_speichern(store, p: str, betrag: int) -> None:  # noqa: ANN001
    with store.lesen() as s:
        letzte = s.execute(select(func.max(Zahlungsplan.version)).where(Zahlungsplan.projekt_id == p)).scalar_one()
    betraege = {(Quartal(2027, 1), Haushaltsstelle.parse("0602 532 01"), Kostenart.DIENSTLEISTUNG): betrag}
    operation.anwenden(store, op_projekt.zahlungsplan_speichern(p, betraege, stand=date(2026, 11, 1), basis_version=letzte))


def _plaene(store, p: str) -> dict[int, int]:  # noqa: ANN001
    """version → planned amount of each plan of the project."""
    from ozgdesk.model.finanzen import ZahlungsplanPosition

    with store.lesen() as s:
        return {v: sum(s.execute(select(ZahlungsplanPosition.betrag_cent).where(ZahlungsplanPosition.zahlungsplan_id == i)).scalars())
                for i, v in s.execute(select(Zahlungsplan.id, Zahlungsplan.version).where(Zahlungsplan.projekt_id == p))}


def test_zwei_neue_zahlungsplanversionen_bleiben_beide_und_werden_nummeriert(synchrones_paar, ablage) -> None:
    a, b = synchrones_paar
    p = pid(a)
    vorher = max(_plaene(a, p))
    _plan_speichern(a, p, 111_00)
    _plan_speichern(b, p, 222_00)
    hin_und_her(a, b, ablage)
    plaene = _plaene(a, p)
    assert plaene == _plaene(b, p)
    assert {plaene[vorher + 1], plaene[vorher + 2]} == {111_00, 222_00}  # both kept, distinct numbers
    (k,) = gleich_und_konflikte(a, b)
    assert k.tabelle == "zahlungsplan" and "aktuelle" in k.hinweis and len(k.werte) == 2
    assert [w["rolle"] for w in k.werte] == ["behaelt", "ersatz"]
    # the person chooses A's plan as the current one: it gets the highest number
    a_plan = next(i for i, w in enumerate(k.werte, start=1) if w["geraet"] == a.geraet_id)
    konflikt_loesen(b, k.id, str(a_plan))
    assert konflikte(b) == []
    sync(b, ablage)
    sync(a, ablage)
    assert gleich_und_konflikte(a, b, None) == []
    assert _plaene(a, p)[vorher + 2] == 111_00 and _plaene(a, p)[vorher + 1] == 222_00
    # the next version continues after both
    _plan_speichern(a, p, 333_00)
    hin_und_her(a, b, ablage)
    assert _plaene(b, p)[vorher + 3] == 333_00 and konflikte(b) == []


def _projekt_anlegen(store, kennung: str, titel: str, **mehr) -> None:  # noqa: ANN001, ANN003
    operation.anwenden(store, op_projekt.projekt_anlegen({"kennung": kennung, "titel": titel,
                                                          "finanzierung": Finanzierung.VOLL, **mehr}))


def _kennungen(store) -> dict[str, str]:  # noqa: ANN001
    with store.lesen() as s:
        return {p.titel: p.kennung for p in s.execute(select(Projekt).where(Projekt.titel.like("Neu %"))).scalars()}


def test_gleiche_kennung_beide_projekte_bleiben_konflikt_loesen_mit_neuer_kennung(synchrones_paar, ablage) -> None:
    a, b = synchrones_paar
    _projekt_anlegen(a, "BMAS-NEU-1", "Neu von A")
    _projekt_anlegen(b, "BMAS-NEU-1", "Neu von B")
    hin_und_her(a, b, ablage)
    kennungen = _kennungen(a)
    assert kennungen == _kennungen(b) and sorted(kennungen.values()) == ["BMAS-NEU-1", "BMAS-NEU-1-DOPPELT"]
    (k,) = gleich_und_konflikte(a, b)
    assert k.feld == "kennung" and k.titel.startswith("Projekt BMAS-NEU-1")
    assert {w["titel"] for w in k.werte} == {"Projekt BMAS-NEU-1 „Neu von A“", "Projekt BMAS-NEU-1 „Neu von B“"}
    assert "vorläufig die Kennung „BMAS-NEU-1-DOPPELT“" in k.hinweis
    # a Kennung is typed, not guessed
    from ozgdesk.model.errors import Eingabefehler

    with pytest.raises(Eingabefehler, match="neue Projektkennung"):
        konflikt_loesen(b, k.id, "mein")
    with pytest.raises(Eingabefehler, match="hat schon ein anderer Datensatz"):
        konflikt_loesen(b, k.id, "mein", neu=[KENNUNG])
    # B's project keeps the Kennung (even if it carries the provisional one now), A's gets a new one
    konflikt_loesen(b, k.id, "mein", neu=["bmas-neu-2"])
    assert konflikte(b) == [] and _kennungen(b) == {"Neu von A": "BMAS-NEU-2", "Neu von B": "BMAS-NEU-1"}
    sync(b, ablage)
    sync(a, ablage)
    assert gleich_und_konflikte(a, b, None) == []
    assert _kennungen(a) == {"Neu von A": "BMAS-NEU-2", "Neu von B": "BMAS-NEU-1"}


def test_kennung_wird_wieder_frei_wenn_das_andere_projekt_geloescht_wird(synchrones_paar, ablage) -> None:
    """The provisional value goes as soon as the clash does – by a delete on the other device too."""
    a, b = synchrones_paar
    _projekt_anlegen(a, "BMAS-NEU-1", "Neu von A")
    _projekt_anlegen(b, "BMAS-NEU-1", "Neu von B")
    hin_und_her(a, b, ablage)
    behaelt = next(t for t, kenn in _kennungen(a).items() if kenn == "BMAS-NEU-1")
    andere = ({"Neu von A", "Neu von B"} - {behaelt}).pop()
    with b.session() as s:
        s.delete(s.execute(select(Projekt).where(Projekt.titel == behaelt)).scalar_one())
    assert konflikte(b) == [] and _kennungen(b) == {andere: "BMAS-NEU-1"}
    sync(b, ablage)
    sync(a, ablage)
    assert gleich_und_konflikte(a, b, None) == [] and _kennungen(a) == {andere: "BMAS-NEU-1"}
    with a.lesen() as s:
        assert s.execute(select(func.count()).select_from(SyncEindeutig)).scalar_one() == 0


def test_umbenennen_in_eine_vergebene_kennung_auf_dem_anderen_geraet(synchrones_paar, ablage) -> None:
    """A key changed into a taken one (not a creation): both stay, conflict; undone by renaming back."""
    a, b = synchrones_paar
    with b.session() as s:
        projekt_finden(s, "BMAS-2024-02").kennung = "BMAS-2024-77"
    with a.session() as s:
        projekt_finden(s, "BMAS-2024-03").kennung = "BMAS-2024-77"
    hin_und_her(a, b, ablage)
    (k,) = gleich_und_konflikte(a, b)
    assert sorted(w["wert"] for w in k.werte) == ["BMAS-2024-77", "BMAS-2024-77"]
    # each record names who gave it the Kennung: the rename, not the creation years ago
    assert {(w["aktion"], w["geraet"]) for w in k.werte} == {("aendern", a.geraet_id), ("aendern", b.geraet_id)}
    with a.session() as s:  # A takes its rename back: the clash is gone here and there
        s.execute(select(Projekt).where(Projekt.kennung.like("BMAS-2024-77%"), Projekt.titel == _titel(a, k, a.geraet_id))
                  ).scalar_one().kennung = "BMAS-2024-03"
    assert konflikte(a) == []
    hin_und_her(a, b, ablage)
    assert gleich_und_konflikte(a, b, None) == []
    with b.lesen() as s:
        assert projekt_finden(s, "BMAS-2024-77").titel != projekt_finden(s, "BMAS-2024-03").titel


def _titel(store, k, geraet: str) -> str:  # noqa: ANN001
    eintrag = next(w for w in k.werte if w["geraet"] == geraet)
    with store.lesen() as s:
        return s.get(Projekt, eintrag["datensatz_id"]).titel


def test_wiederhergestelltes_projekt_mit_inzwischen_vergebener_kennung(synchrones_paar, ablage) -> None:
    """A deletes a project, B edits it meanwhile (edit beats delete), and A has given its Kennung to
    a new project: the project comes back beside the new one, with a provisional Kennung."""
    a, b = synchrones_paar
    _projekt_anlegen(a, "BMAS-ALT-1", "Neu altes Projekt")
    hin_und_her(a, b, ablage)
    with a.session() as s:
        s.delete(projekt_finden(s, "BMAS-ALT-1"))
    _projekt_anlegen(a, "BMAS-ALT-1", "Neu Nachfolger")
    with b.session() as s:
        projekt_finden(s, "BMAS-ALT-1").risiken = "noch gebraucht"
    hin_und_her(a, b, ablage)
    assert _kennungen(a) == _kennungen(b) and sorted(_kennungen(a).values()) == ["BMAS-ALT-1", "BMAS-ALT-1-DOPPELT"]
    arten = {k.art for k in konflikte(b)}
    assert arten == {"eindeutig", "loeschen"} and daten(a) == daten(b)


# -------------------------------------------------------------- records with random ids (older)
def _alte_bewilligung(store, p: str, jahr: int, betrag: int) -> str:  # noqa: ANN001
    """A Bewilligung as ozgdesk created it before ids were derived from the key (random id)."""
    bid = neue_id()
    with store.session() as s:
        s.add(Bewilligung(id=bid, projekt_id=p, jahr=jahr, betrag_cent=betrag))
    return bid


def test_alte_zufaellige_id_gegen_neue_abgeleitete_konvergiert_mit_sichtbarem_konflikt(synchrones_paar, ablage) -> None:
    a, b = synchrones_paar
    p = pid(a)
    alt = _alte_bewilligung(a, p, 2032, 50_000_00)
    operation.anwenden(b, op_projekt.bewilligung_speichern(p, {"jahr": 2032, "betrag_cent": 70_000_00}))
    hin_und_her(a, b, ablage)
    assert anzahl(a, Bewilligung, Bewilligung.projekt_id == p, Bewilligung.jahr == 2032) == 1
    (k,) = gleich_und_konflikte(a, b)
    assert [w["rolle"] for w in k.werte] == ["behaelt", "zurueckgehalten"]
    assert k.werte[1]["datensatz_id"] == alt  # the derived id keeps the key, the old one waits
    assert [["Betrag", "70.000,00 €"]] == [f for f in k.werte[0]["felder"] if f[0] == "Betrag"]
    assert [["Betrag", "50.000,00 €"]] == [f for f in k.werte[1]["felder"] if f[0] == "Betrag"]
    assert "Bewilligung 2032 für Projekt BMAS-2024-01" == k.titel
    # A's person takes the held-back values: the record kept gets them, the duplicate goes
    konflikt_loesen(a, k.id, "2")
    assert konflikte(a) == []
    sync(a, ablage)
    sync(b, ablage)
    assert gleich_und_konflikte(a, b, None) == []
    with b.lesen() as s:
        (bew,) = s.execute(select(Bewilligung).where(Bewilligung.projekt_id == p, Bewilligung.jahr == 2032)).scalars()
        assert bew.betrag_cent == 50_000_00 and bew.id != alt


def test_zurueckgestellter_datensatz_kommt_zurueck_wenn_der_andere_das_jahr_aendert(synchrones_paar, ablage) -> None:
    a, b = synchrones_paar
    p = pid(a)
    alt = _alte_bewilligung(a, p, 2033, 1_00)
    operation.anwenden(b, op_projekt.bewilligung_speichern(p, {"jahr": 2033, "betrag_cent": 2_00}))
    hin_und_her(a, b, ablage)
    (k,) = konflikte(b)
    behalten = k.werte[0]["datensatz_id"]
    operation.anwenden(b, op_projekt.bewilligung_speichern(p, {"jahr": 2034}, behalten))
    assert konflikte(b) == []
    hin_und_her(b, a, ablage)
    assert gleich_und_konflikte(a, b, None) == []
    with a.lesen() as s:
        assert {bw.id: bw.jahr for bw in s.execute(select(Bewilligung).where(Bewilligung.jahr.in_([2033, 2034]),
                                                                               Bewilligung.projekt_id == p)).scalars()} == {
            alt: 2033, behalten: 2034}


def test_loeschen_des_gezeigten_datensatzes_loescht_das_zusammengelegte_duplikat(synchrones_paar, ablage) -> None:
    """The same assignment twice (old random id and new one): merged silently; unassigning it on one
    device removes both everywhere – it does not come back from the held-back copy."""
    a, b = synchrones_paar
    p = pid(a)
    with a.lesen() as s:
        vorhanden = set(s.execute(select(ProjektLeistung.leistung_id).where(ProjektLeistung.projekt_id == p)).scalars())
        lid = s.execute(select(Leistung.id).where(Leistung.id.not_in(vorhanden)).order_by(Leistung.ozg_id.desc())).scalars().first()
    with a.session() as s:
        s.add(ProjektLeistung(id=neue_id(), projekt_id=p, leistung_id=lid))
    operation.anwenden(b, op_projekt.stammdaten_speichern(p, {}, sorted(vorhanden | {lid})))
    hin_und_her(a, b, ablage)
    assert anzahl(a, ProjektLeistung, ProjektLeistung.projekt_id == p, ProjektLeistung.leistung_id == lid) == 1
    assert gleich_und_konflikte(a, b, None) == []  # equal content: nothing for a person to decide
    operation.anwenden(a, op_projekt.stammdaten_speichern(p, {}, sorted(vorhanden)))
    hin_und_her(a, b, ablage)
    for st in (a, b):
        assert anzahl(st, ProjektLeistung, ProjektLeistung.projekt_id == p, ProjektLeistung.leistung_id == lid) == 0
        assert anzahl(st, SyncEindeutig) == 0
    assert gleich_und_konflikte(a, b, None) == []


def test_gleichzeitig_angelegtes_duplikat_ueberlebt_das_loeschen_des_anderen(synchrones_paar, neues_geraet, ablage) -> None:
    """Create beats delete: a duplicate the deleting device never saw comes back in its place."""
    a, b = synchrones_paar
    c = neues_geraet("c")
    sync(c, ablage)
    freigeben(a, c)  # the coordinator approves the new device's key (sent with a's next sync)
    p = pid(a)
    operation.anwenden(a, op_projekt.bewilligung_speichern(p, {"jahr": 2035, "betrag_cent": 1_00}))
    sync(a, ablage)
    sync(b, ablage)
    alt = _alte_bewilligung(c, p, 2035, 3_00)  # C has not seen A's
    with b.session() as s:  # B deletes A's, knowing nothing of C's
        s.delete(s.execute(select(Bewilligung).where(Bewilligung.projekt_id == p, Bewilligung.jahr == 2035)).scalar_one())
    for st in (c, a, b, c, a):
        sync(st, ablage)
    for st in (a, b, c):
        with st.lesen() as s:
            assert s.execute(select(Bewilligung.id).where(Bewilligung.projekt_id == p, Bewilligung.jahr == 2035)).scalar_one() == alt
    assert daten(a) == daten(b) == daten(c)


# ------------------------------------------------------------- UNVERAENDERT: frozen submissions
def test_dasselbe_quartal_auf_zwei_geraeten_eingereicht_beide_bleiben(synchrones_paar, ablage) -> None:
    from datetime import UTC, datetime

    a, b = synchrones_paar
    for st, von in ((a, "Anna"), (b, "Bernd")):
        with st.session(benutzer=von, quelle="einreichung") as s:
            s.add(Einreichung(art="quartalsbericht", zeitraum="2026-Q3", version=1, schema="x/1", snapshot="{}",
                              snapshot_sha256="0" * 64, dateien=json.dumps({von: "1" * 64}),
                              erstellt_am=datetime(2026, 11, 15, 9, tzinfo=UTC), erstellt_von=von))
    hin_und_her(a, b, ablage)
    assert anzahl(a, Einreichung, Einreichung.zeitraum == "2026-Q3") == 2  # both are evidence
    (k,) = gleich_und_konflikte(a, b)
    assert "Q3/2026 Version 1" in k.titel and "Nachweis" in k.hinweis
    konflikt_loesen(a, k.id, "gesehen")
    assert konflikte(a) == []
    sync(a, ablage)
    sync(b, ablage)
    assert gleich_und_konflikte(a, b, None) == []
    assert anzahl(b, Einreichung, Einreichung.zeitraum == "2026-Q3") == 2


def test_einreichen_auf_zwei_geraeten_paket_bleibt_pruefbar(synchrones_paar, ablage, tmp_path) -> None:
    """The real workflow: both devices submit Q3/2026 offline as version 1; after the sync both
    packages still check against their own frozen record."""
    from ozgdesk.reports.einreichung import einreichen, paket_pruefen
    from tests.test_berichte_hilfen import demo_fehler_beheben

    a, b = synchrones_paar
    demo_fehler_beheben(a)
    hin_und_her(a, b, ablage)
    pakete = [einreichen(st, Quartal(2026, 3), tmp_path / name, stand=date(2026, 11, 15)) for st, name in ((a, "a"), (b, "b"))]
    assert [p.version for p in pakete] == [1, 1]
    hin_und_her(a, b, ablage)
    assert [k.tabelle for k in konflikte(a)] == ["einreichung"]
    for st in (a, b):
        for paket in pakete:
            assert paket_pruefen(paket.ordner, st) == []
    # the next submission continues after both
    assert einreichen(a, Quartal(2026, 3), tmp_path / "a2", stand=date(2026, 11, 16)).version == 2


def test_doppelte_kennung_in_der_befehlszeile_zeigen_und_loesen(synchrones_paar, ablage, capsys) -> None:
    from ozgdesk.cli import main

    a, b = synchrones_paar
    _projekt_anlegen(a, "BMAS-NEU-1", "Neu von A")
    _projekt_anlegen(b, "BMAS-NEU-1", "Neu von B")
    hin_und_her(a, b, ablage)
    home = str(Path(b.pfad).parent)
    capsys.readouterr()
    assert main(["--home", home, "konflikte", "list"]) == 0
    out = capsys.readouterr().out
    assert "doppelt vergeben" in out and "Projekt BMAS-NEU-1" in out
    assert "1: Projekt BMAS-NEU-1" in out and "2: Projekt BMAS-NEU-1" in out and "vorläufig „BMAS-NEU-1-DOPPELT“" in out
    assert "--neu NEUE-KENNUNG" in out
    kid = konflikte(b)[0].id
    assert all(w["datensatz_id"][:8] not in out for w in konflikte(b)[0].werte)  # records by name, not by id
    nummer_a = next(i for i, w in enumerate(konflikte(b)[0].werte, start=1) if not w["mein"])
    assert main(["--home", home, "konflikte", "loesen", kid[:8], "--wert", str(nummer_a)]) == 1
    assert "neue Projektkennung" in capsys.readouterr().err
    assert main(["--home", home, "konflikte", "loesen", kid[:8], "--wert", str(nummer_a), "--neu", "BMAS-NEU-9"]) == 0
    assert "gelöst" in capsys.readouterr().out
    sync(b, ablage)
    sync(a, ablage)
    assert gleich_und_konflikte(a, b, None) == []
    assert _kennungen(a) == {"Neu von A": "BMAS-NEU-1", "Neu von B": "BMAS-NEU-9"}


def test_ueber_webdav_kennung_und_bewilligung_gleichzeitig(dav, demo_store, neues_geraet) -> None:
    """The same through a real WebDAV server: nothing blocks, both devices agree, resolving closes it."""
    from ozgdesk.sync.webdav import WebdavBackend
    from tests.sync_server import BENUTZER, PASSWORT

    (dav.wurzel / "Ablage").mkdir()

    def ueber_dav(st):  # noqa: ANN001, ANN202
        return jetzt_abgleichen(st, WebdavBackend(dav.url + "Ablage/", BENUTZER, PASSWORT))

    a, b = demo_store, neues_geraet("b")
    for st in (a, b):
        ueber_dav(st)
    freigeben(a, b)
    p = pid(a)
    for st, name, betrag in ((a, "A", 1_000_00), (b, "B", 2_000_00)):
        _projekt_anlegen(st, "BMAS-NEU-7", f"Neu von {name}")
        operation.anwenden(st, op_projekt.bewilligung_speichern(p, {"jahr": 2036, "betrag_cent": betrag}))
    for st in (a, b, a):
        ueber_dav(st)
    kb = gleich_und_konflikte(a, b, None)
    assert sorted((k.art, k.tabelle) for k in kb) == [("eindeutig", "projekt"), ("feld", "bewilligung")]
    kennung = next(k for k in kb if k.art == "eindeutig")
    konflikt_loesen(a, kennung.id, "mein", neu=["BMAS-NEU-8"])
    ueber_dav(a)
    ueber_dav(b)
    assert [k.art for k in gleich_und_konflikte(a, b, None)] == ["feld"]
    assert _kennungen(b) == {"Neu von A": "BMAS-NEU-7", "Neu von B": "BMAS-NEU-8"}


def test_drei_geraete_dieselbe_kennung(synchrones_paar, neues_geraet, ablage) -> None:
    """Three projects, one Kennung: two provisional values, in the same order on every device."""
    a, b = synchrones_paar
    c = neues_geraet("c")
    sync(c, ablage)
    freigeben(a, c)  # the coordinator approves the new device's key (sent with a's next sync)
    for st, name in ((a, "A"), (b, "B"), (c, "C")):
        _projekt_anlegen(st, "BMAS-NEU-3", f"Neu von {name}")
    for st in (c, b, a, c, b):
        sync(st, ablage)
    assert _kennungen(a) == _kennungen(b) == _kennungen(c)
    assert sorted(_kennungen(a).values()) == ["BMAS-NEU-3", "BMAS-NEU-3-DOPPELT", "BMAS-NEU-3-DOPPELT2"]
    (k,) = gleich_und_konflikte(a, b)
    assert [w["rolle"] for w in k.werte] == ["behaelt", "ersatz", "ersatz"]
    from ozgdesk.model.errors import Eingabefehler

    with pytest.raises(Eingabefehler, match="eigene"):
        konflikt_loesen(c, k.id, "3", neu=["BMAS-NEU-4", "BMAS-NEU-4"])
    konflikt_loesen(c, k.id, "3", neu=["BMAS-NEU-4", "BMAS-NEU-5"])
    for st in (c, a, b):
        sync(st, ablage)
    assert gleich_und_konflikte(a, b, None) == [] and konflikte(c) == [] and daten(c) == daten(a)
    behaelt = _kennungen(a)
    assert sorted(behaelt.values()) == ["BMAS-NEU-3", "BMAS-NEU-4", "BMAS-NEU-5"]
    assert behaelt[_titel(a, k, k.werte[2]["geraet"])] == "BMAS-NEU-3"


def test_vorlaeufige_kennung_weicht_einer_spaeter_vergebenen(synchrones_paar, neues_geraet, ablage) -> None:
    """Someone really names a project „…-DOPPELT“: the provisional value moves on, the real one stays."""
    a, b = synchrones_paar
    c = neues_geraet("c")
    sync(c, ablage)
    freigeben(a, c)  # the coordinator approves the new device's key (sent with a's next sync)
    _projekt_anlegen(a, "BMAS-NEU-6", "Neu von A")
    _projekt_anlegen(b, "BMAS-NEU-6", "Neu von B")
    _projekt_anlegen(c, "BMAS-NEU-6-DOPPELT", "Neu echt von C")
    for st in (a, b, a, c, b, a):
        sync(st, ablage)
    kennungen = _kennungen(a)
    assert kennungen == _kennungen(b) == _kennungen(c)
    assert kennungen["Neu echt von C"] == "BMAS-NEU-6-DOPPELT"
    assert sorted(v for t, v in kennungen.items() if t != "Neu echt von C") == ["BMAS-NEU-6", "BMAS-NEU-6-DOPPELT2"]
    assert [k.tabelle for k in gleich_und_konflikte(a, c)] == ["projekt"]


def test_tausch_zweier_kennungen_in_einer_datei(synchrones_paar, ablage) -> None:
    """Swapping two Kennungen in one transaction passes through a taken value on the way."""
    a, b = synchrones_paar
    with a.session() as s:
        p2, p3 = projekt_finden(s, "BMAS-2024-02"), projekt_finden(s, "BMAS-2024-03")
        t2, t3 = p2.titel, p3.titel
        p2.kennung = "BMAS-2024-99"
        s.flush()
        p3.kennung = "BMAS-2024-02"
        s.flush()
        p2.kennung = "BMAS-2024-03"
    hin_und_her(a, b, ablage)
    assert gleich_und_konflikte(a, b, None) == []
    with b.lesen() as s:
        assert (projekt_finden(s, "BMAS-2024-02").titel, projekt_finden(s, "BMAS-2024-03").titel) == (t3, t2)
        assert s.execute(select(func.count()).select_from(SyncEindeutig)).scalar_one() == 0


def test_gruppen_lassen_sich_aus_dem_protokoll_neu_aufbauen(synchrones_paar, ablage) -> None:
    """A copy of the database without ``sync_eindeutig`` and the conflicts (a snapshot made without
    them) finds its held-back duplicates and provisional values again from the log alone."""
    from sqlalchemy import delete

    from ozgdesk.sync.eindeutig import neu_aufbauen
    from ozgdesk.sync.zustand import SyncKonflikt

    a, b = synchrones_paar
    p = pid(a)
    _alte_bewilligung(a, p, 2037, 5_00)
    operation.anwenden(b, op_projekt.bewilligung_speichern(p, {"jahr": 2037, "betrag_cent": 6_00}))
    _projekt_anlegen(a, "BMAS-NEU-1", "Neu von A")
    _projekt_anlegen(b, "BMAS-NEU-1", "Neu von B")
    hin_und_her(a, b, ablage)
    vorher = sorted((k.id, json.dumps(k.werte)) for k in konflikte(b))
    with b.session(quelle="abgleich") as s:
        s.info["ohne_protokoll"] = True
        s.execute(delete(SyncEindeutig))
        s.execute(delete(SyncKonflikt))
    assert neu_aufbauen(b) == 2
    assert sorted((k.id, json.dumps(k.werte)) for k in konflikte(b)) == vorher and daten(a) == daten(b)
    with b.session() as s:  # and it still notices the clash going away
        s.delete(s.execute(select(Projekt).where(Projekt.kennung == "BMAS-NEU-1")).scalar_one())
    assert [k.tabelle for k in konflikte(b)] == ["bewilligung"]
    assert list(_kennungen(b).values()) == ["BMAS-NEU-1"]


def test_zwei_katalogimporte_vergeben_dieselbe_neue_lagennummer(synchrones_paar, ablage) -> None:
    """Two devices import catalogues with different new Lagen and number both after the highest:
    both Lagen stay, the second provisionally on the next free number; keeping it is one choice."""
    from ozgdesk.model.base import abgeleitete_id
    from ozgdesk.model.katalog import Lage
    from ozgdesk.model.values import Lagenart

    a, b = synchrones_paar
    with a.lesen() as s:
        nummer = (s.execute(select(func.max(Lage.nummer))).scalar_one() or 0) + 1
        themenfeld = s.execute(select(Lage.themenfeld_id)).scalars().first()
    for st, name in ((a, "Neue Lage A"), (b, "Neue Lage B")):
        with st.session(quelle="katalogimport") as s:
            s.add(Lage(id=abgeleitete_id("lage", name.casefold()), nummer=nummer, name=name, art=Lagenart.LEBENSLAGE,
                       themenfeld_id=themenfeld))
    hin_und_her(a, b, ablage)
    with b.lesen() as s:
        nummern = {l.name: l.nummer for l in s.execute(select(Lage).where(Lage.name.like("Neue Lage %"))).scalars()}
    assert sorted(nummern.values()) == [nummer, nummer + 1]
    (k,) = gleich_und_konflikte(a, b)
    assert k.tabelle == "lage" and k.titel.startswith(f"Lage {nummer} „Neue Lage")
    konflikt_loesen(b, k.id, "1")  # the first keeps the number, the other keeps its provisional one
    sync(b, ablage)
    sync(a, ablage)
    assert gleich_und_konflikte(a, b, None) == []
    with a.lesen() as s:
        assert {l.name: l.nummer for l in s.execute(select(Lage).where(Lage.name.like("Neue Lage %"))).scalars()} == nummern
