"""The Planvergleich dialog, opened from the project editor: two Zahlungsplan versions side by side
with the differences per cell and in total as the store has them, and each milestone's baseline
against today's forecast in days, words and colour."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton
from sqlalchemy import select
from tests.test_ui_arbeitsablaeufe import fenster  # noqa: F401 - fixture
from tests.test_ui_zeitleiste import _mnemonics

from ozgdesk.model import planvergleich as pv
from ozgdesk.model.finanzen import Zahlungsplan, ZahlungsplanPosition
from ozgdesk.model.operationen import projekt as ops_p
from ozgdesk.model.projekte import Projekt
from ozgdesk.model.values import format_euro
from ozgdesk.ui.planvergleich import Planvergleichsdialog


def _positionen(store, pid: str, version: int) -> dict[tuple, int]:  # noqa: ANN001
    with store.lesen() as s:
        return {(q, h, k): b for q, h, k, b in s.execute(
            select(ZahlungsplanPosition.quartal, ZahlungsplanPosition.haushaltsstelle, ZahlungsplanPosition.kostenart,
                   ZahlungsplanPosition.betrag_cent)
            .join(Zahlungsplan, Zahlungsplan.id == ZahlungsplanPosition.zahlungsplan_id)
            .where(Zahlungsplan.projekt_id == pid, Zahlungsplan.version == version))}


def _oeffnen(fenster, qtbot, kennung: str, version: int | None = None) -> Planvergleichsdialog:  # noqa: ANN001, F811
    with fenster.store.lesen() as s:
        pid = s.execute(select(Projekt.id).where(Projekt.kennung == kennung)).scalar_one()
    projekte = fenster.zeigen("projekte")
    projekte.projekt_oeffnen(pid)
    editor = projekte.editor
    editor.reiter.setCurrentWidget(editor._seiten["zahlungsplan"])
    if version is not None:
        editor.plan_version.setCurrentIndex(editor.plan_version.findData(version))
    knopf = next(k for k in editor.findChildren(QPushButton) if k.text() == "Versionen verglei&chen …")
    reiter = [t[t.index("&") + 1].lower() for t in (editor.reiter.tabText(i) for i in range(editor.reiter.count())) if "&" in t]
    menue = [a.text()[a.text().index("&") + 1].lower() for a in fenster.menuBar().actions()]
    assert knopf.isEnabled() and _mnemonics(editor.reiter.currentWidget()).count("c") == 1 and "c" not in reiter + menue
    qtbot.mouseClick(knopf, Qt.MouseButton.LeftButton)
    d = editor.planvergleichsdialog
    assert d.isVisible() and d.daten is not None
    return d


def _tabelle(d: Planvergleichsdialog) -> list[list[str]]:
    m = d.zp_modell
    return [[m.data(m.index(r, c)) for c in range(m.columnCount())] for r in range(m.rowCount())]


def test_zahlungsplan_versionen_nebeneinander_wie_im_store(fenster, qtbot):  # noqa: F811
    d = _oeffnen(fenster, qtbot, "BMAS-2024-02")
    pid = d.projekt_id
    assert d.windowTitle() == "Planvergleich BMAS-2024-02" and d.kopf.text() == "BMAS-2024-02 – Insolvenzgeld online"
    assert (d.version_a.currentText(), d.version_b.currentText()) == ("Version 1 (Basisplan)", "Version 3 (aktuell)")
    alt, neu = _positionen(fenster.store, pid, 1), _positionen(fenster.store, pid, 3)
    kopf = [d.zp_modell.headerData(c, Qt.Orientation.Horizontal) for c in range(d.zp_modell.columnCount())]
    assert kopf[:3] == ["Quartal", "Haushaltsstelle", "Kostenart"] and kopf[3].startswith("Version 1\nStand ")
    assert kopf[5:] == ["Differenz\n(b − a)", "Änderung"]
    zeilen = _tabelle(d)
    assert len(zeilen) == len(set(alt) | set(neu)) + 1
    for quartal, hhst, kostenart, a, b, diff, wort in zeilen[:-1]:
        k = next(k for k in set(alt) | set(neu) if (k[0].kurz, str(k[1]), k[2].label) == (quartal, hhst, kostenart))
        x, y = alt.get(k, 0), neu.get(k, 0)
        assert (a, b, diff, wort) == (format_euro(x), format_euro(y), pv.differenz_text(y - x), pv.Vergleichswert(x, y).aenderung)
    summe = zeilen[-1]
    assert summe[0] == "Summe" and summe[3:6] == [format_euro(sum(alt.values())), format_euro(sum(neu.values())),
                                                  pv.differenz_text(sum(neu.values()) - sum(alt.values()))]
    assert d.zp_summe.text().startswith("Summe Version 1: 1.352.000,00 € · Version 3: 1.349.000,00 € · Differenz −3.000,00 €")
    # colour only together with the sign and the word
    m = d.zp_modell
    r = next(i for i, z in enumerate(zeilen[:-1]) if z[5].startswith("−"))
    assert m.data(m.index(r, 5), Qt.ItemDataRole.ForegroundRole) == d.zp_modell.farben.prognose
    assert m.data(m.index(r, 6), Qt.ItemDataRole.AccessibleTextRole) == "Änderung: gesenkt"


def test_versionen_und_gliederung_waehlen(fenster, qtbot):  # noqa: F811
    d = _oeffnen(fenster, qtbot, "BMAS-2024-02")
    pid = d.projekt_id
    d.version_a.setCurrentIndex(d.version_a.findData(2))
    assert d.daten.zahlungsplan.version_a == 2
    alt, neu = _positionen(fenster.store, pid, 2), _positionen(fenster.store, pid, 3)
    d.gliederung.setCurrentIndex(d.gliederung.findData(pv.Gliederung.QUARTAL))
    zeilen = _tabelle(d)
    assert d.zp_modell.columnCount() == 5 and len(zeilen) == len({k[0] for k in alt | neu}) + 1
    for quartal, _a, _b, diff, _w in zeilen[:-1]:
        x = sum(v for k, v in alt.items() if k[0].kurz == quartal)
        y = sum(v for k, v in neu.items() if k[0].kurz == quartal)
        assert diff == pv.differenz_text(y - x)
    d.gliederung.setCurrentIndex(d.gliederung.findData(pv.Gliederung.HAUSHALTSSTELLE))
    assert [z[:2] for z in _tabelle(d)] == [["0602 532 01", "Externe Dienstleistungen"],
                                             ["0602 812 01", "Software und Lizenzen"], ["Summe", ""]]
    d.gliederung.setCurrentIndex(0)
    d.nur_geaenderte.setChecked(True)
    assert all(z[5] != "±0,00 €" for z in _tabelle(d)[:-1])
    kuerzel = _mnemonics(d) + [d.reiter.tabText(i)[d.reiter.tabText(i).index("&") + 1].lower() for i in range(2)]
    assert sorted(kuerzel) == ["a", "b", "g", "l", "m", "z"]


def test_aeltere_version_im_editor_wird_version_b(fenster, qtbot):  # noqa: F811
    d = _oeffnen(fenster, qtbot, "BMAS-2024-02", version=2)
    assert (d.daten.zahlungsplan.version_a, d.daten.zahlungsplan.version_b) == (1, 2)


def test_neue_version_erscheint_im_offenen_dialog(fenster, qtbot):  # noqa: F811
    d = _oeffnen(fenster, qtbot, "BMAS-2024-03")
    assert d.version_b.count() == 2
    plan = dict(d.daten.zahlungsplan.zellen)
    betraege = {k: w.b for k, w in plan.items()}
    erste = min(betraege)
    betraege[erste] += 1_000_000
    fenster.bearbeitung.ausfuehren(ops_p.zahlungsplan_speichern(d.projekt_id, betraege, stand=fenster.stichtag(),
                                                                basis_version=2))
    assert d.version_b.count() == 3 and d.version_b.itemText(2) == "Version 3 (aktuell)"
    d.version_a.setCurrentIndex(1)
    d.version_b.setCurrentIndex(2)
    assert d.daten.zahlungsplan.summe.differenz == 1_000_000
    assert d.zp_summe.text().endswith("Differenz +10.000,00 € (erhöht); 1 Position geändert.")


def test_meilensteine_gegen_basisplan_mit_farbe_und_text(fenster, qtbot):  # noqa: F811
    d = _oeffnen(fenster, qtbot, "BMAS-2024-03")
    qtbot.mouseClick(d.reiter.tabBar(), Qt.MouseButton.LeftButton, pos=d.reiter.tabBar().tabRect(1).center())
    assert d.reiter.currentIndex() == 1
    m = d.ms_modell
    zeilen = [[m.data(m.index(r, c)) for c in range(m.columnCount())] for r in range(m.rowCount())]
    assert zeilen[-1] == ["Reifegrad 3 bundesweit erreicht", "31.12.2026", "29.06.2027", "", "180 Tage später",
                          "gefährdet, 3-mal verschoben"]
    for r, zeile in enumerate(zeilen):
        farbe = m.data(m.index(r, 4), Qt.ItemDataRole.ForegroundRole)
        if zeile[4].endswith("später"):
            assert farbe == m.farben.warnung
        elif zeile[4].endswith("früher"):
            assert farbe == m.farben.ist
        else:
            assert zeile[4] == "planmäßig" and farbe is None
    assert d.ms_summe.text().startswith("6 Meilensteine gegenüber dem Basisplan (Stand 15.11.2026): 1 planmäßig, 3 später")


@pytest.mark.parametrize("kennung", ["BMAS-2024-06"])
def test_projekt_ohne_zahlungsplan(fenster, qtbot, kennung):  # noqa: F811
    d = _oeffnen(fenster, qtbot, kennung)
    assert d.zp_summe.text() == "Für dieses Projekt gibt es noch keinen Zahlungsplan."
    assert not d.version_a.isEnabled() and d.zp_modell.rowCount() == 1
