"""The delete guard counts the Ressort's own records, not the shipped catalogue (issue 14): a file
deleting all payments and milestones is refused, a normal deletion of a few records passes."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from ozgdesk.model.finanzen import Aufwand, Mittelabfluss
from ozgdesk.model.katalog import KATALOGTABELLEN, Lage
from ozgdesk.model.projekte import Meilenstein, MeilensteinVerschiebung
from ozgdesk.sync.abgleich import jetzt_abgleichen
from ozgdesk.sync.backend import OrdnerBackend
from ozgdesk.sync.replikation import Sicherheitsstopp, _loeschungen_pruefen
from ozgdesk.sync.zusammenfuehren import tabellen
from tests.sync_server import daten


def _sync(store, tmp_path: Path, **kw):  # noqa: ANN001, ANN003, ANN202
    return jetzt_abgleichen(store, OrdnerBackend(tmp_path / "ablage"), **kw)


def _anzahl(store, cls) -> int:  # noqa: ANN001
    with store.lesen() as s:
        return s.execute(select(func.count()).select_from(cls)).scalar_one()


def test_katalog_oder_eigene_daten_jede_tabelle_ist_eingeordnet() -> None:
    """A new table needs a decision: catalogue (left out of the Ressort's total) or the Ressort's own."""
    assert KATALOGTABELLEN <= set(tabellen())
    assert set(tabellen()) - KATALOGTABELLEN == {
        "ressort", "behoerde", "person", "projekt", "projekt_leistung", "arbeitspaket", "meilenstein",
        "meilenstein_verschiebung", "zahlungsplan", "zahlungsplan_position", "mittelabfluss", "aufwand",
        "bewilligung", "leistung_verantwortung", "reifegrad_bewertung", "einreichung", "stellungnahme",
        "aenderungsanforderung", "katalogimport", "vertrauen"}


def test_alle_zahlungen_und_meilensteine_zu_loeschen_wird_verweigert(synchrones_paar, tmp_path) -> None:
    a, b = synchrones_paar
    with b.session(benutzer="feindlich") as s:
        for cls in (Mittelabfluss, MeilensteinVerschiebung, Meilenstein):
            for obj in s.execute(select(cls)).scalars():
                s.delete(obj)
            s.flush()
    _sync(b, tmp_path)
    geloescht = _anzahl(a, Mittelabfluss) + _anzahl(a, Meilenstein) + _anzahl(a, MeilensteinVerschiebung)
    with a.lesen() as s:
        alle = sum(s.execute(select(func.count()).select_from(c.__table__)).scalar_one() for c in tabellen().values())
    assert geloescht / alle < 0.5  # counted against every record (with the catalogue), it slipped through
    vorher = daten(a)
    with pytest.raises(Sicherheitsstopp, match=r"würde 183 von 183 Datensätzen der Art „Mittelabfluss“ löschen "
                                               r"\(100 %, erlaubt sind 50 %\)"):
        _sync(a, tmp_path)
    assert daten(a) == vorher and _anzahl(a, Mittelabfluss) == 183
    assert _sync(a, tmp_path, loeschen_erlauben=True).geloescht == geloescht  # deliberate: allowed
    assert _anzahl(a, Mittelabfluss) == 0


def test_gestreute_loeschung_zaehlt_gegen_die_eigenen_datensaetze(synchrones_paar, tmp_path) -> None:
    """9 records of each of three tables: under 10 per table, 2.6 % of the Ressort's own records –
    but only 1.6 % of all records with the catalogue, which the guard used to count."""
    a, b = synchrones_paar
    for g in (a, b):
        g.meta_setzen("abgleich.max_loeschanteil", "0.02")
    with b.session() as s:
        for cls in (Mittelabfluss, MeilensteinVerschiebung, Aufwand):
            for obj in s.execute(select(cls).order_by(cls.id).limit(9)).scalars():
                s.delete(obj)
    _sync(b, tmp_path)
    with pytest.raises(Sicherheitsstopp, match=r"würde 27 von \d+ Datensätzen löschen \(3 % der Datensätze des "
                                               r"Ressorts, ohne den mitgelieferten Katalog; erlaubt sind 2 %\)"):
        _sync(a, tmp_path)


def test_normale_loeschung_weniger_datensaetze_geht_durch(synchrones_paar, tmp_path) -> None:
    a, b = synchrones_paar
    with b.session() as s:
        for obj in s.execute(select(Mittelabfluss).order_by(Mittelabfluss.id).limit(4)).scalars():
            s.delete(obj)
        for obj in s.execute(select(MeilensteinVerschiebung).order_by(MeilensteinVerschiebung.id).limit(3)).scalars():
            s.delete(obj)
    _sync(b, tmp_path)
    ergebnis = _sync(a, tmp_path)
    assert ergebnis.geloescht == 7 and daten(a) == daten(b)


def test_der_katalog_bleibt_je_tabelle_geschuetzt(demo_store) -> None:
    """Left out of the total, the catalogue is still guarded table by table (a file deleting all Lagen)."""
    with demo_store.lesen() as s:
        ids = list(s.execute(select(Lage.id)).scalars())
    docs = [{"transaktionen": [{"eintraege": [{"aktion": "loeschen", "tabelle": "lage", "id": i} for i in ids]}]}]
    with pytest.raises(Sicherheitsstopp, match=r"würde 55 von 55 Datensätzen der Art „Lage“ löschen"):
        _loeschungen_pruefen(demo_store, docs, 0.5)
    _loeschungen_pruefen(demo_store, [{"transaktionen": [{"eintraege": docs[0]["transaktionen"][0]["eintraege"][:9]}]}],
                         0.5)  # a catalogue update removing a few: fine
