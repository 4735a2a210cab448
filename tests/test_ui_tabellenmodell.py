"""The lazy table model: pages on demand, SQL-side sort and search, German cells."""

from __future__ import annotations

from PySide6.QtCore import Qt

from ozgdesk.model import tabellen
from ozgdesk.ui.runner import SofortRunner
from ozgdesk.ui.tabellenmodell import TabellenModell


def test_laedt_seitenweise_nach(qtbot, demo_store):
    m = TabellenModell(demo_store, tabellen.mittelabfluesse(), SofortRunner(), seitengroesse=50)
    m.neu_laden()
    assert m.gesamt == 183 and m.rowCount() == 50 and m.canFetchMore()
    m.fetchMore()
    assert m.rowCount() == 100
    m.alle_laden()
    assert m.rowCount() == 183 and not m.canFetchMore()
    assert len({m.zeilen_id(i) for i in range(183)}) == 183


def test_sortieren_nach_betrag_geschieht_in_sql(qtbot, demo_store):
    m = TabellenModell(demo_store, tabellen.mittelabfluesse(), SofortRunner(), seitengroesse=20)
    m.neu_laden()
    spalte = m.abfrage.spalte("betrag")
    m.sort(spalte, Qt.SortOrder.DescendingOrder)
    m.alle_laden()
    betraege = [m.wert(i, "betrag") for i in range(m.rowCount())]
    assert betraege == sorted(betraege, reverse=True)
    text = m.data(m.index(0, spalte))
    assert text.endswith(" €") and "," in text
    assert m.data(m.index(0, spalte), Qt.ItemDataRole.TextAlignmentRole) & Qt.AlignmentFlag.AlignRight


def test_ampel_hat_farbe_und_text(qtbot, demo_store):
    m = TabellenModell(demo_store, tabellen.projekte(), SofortRunner())
    m.neu_laden()
    assert m.data(m.index(0, 0)) in ("grün", "gelb", "rot")
    assert m.data(m.index(0, 0), Qt.ItemDataRole.DecorationRole) is not None
