"""Amounts typed the German way in the GUI: the payment dialog and the Zahlungsplan grid.

The seen case: „12.500“ in the payment dialog stored 12,50 € without a word. Both widgets read through
``values.euro_zu_cent``; these tests drive the real widgets so a widget-side shortcut cannot return.
"""

from __future__ import annotations

from sqlalchemy import func, select

from ozgdesk.model import Mittelabfluss
from tests.test_ui_arbeitsablaeufe import _oeffnen, ausfuellen, fenster  # noqa: F401 - fixture


def test_zahlung_12_500_sind_zwoelftausendfuenfhundert_euro(fenster):  # noqa: F811
    editor = _oeffnen(fenster, "BMAS-2024-01")
    editor.dialog_ausfuehren = ausfuellen({"datum": "1.10.26", "betrag_cent": "12.500",
                                           "haushaltsstelle": "0602 532 01", "referenz": "RE-TAUSEND"},
                                          trotzdem=True)  # dated after the project's end: a Hinweis, saved anyway
    editor.zahlung_erfassen()
    with fenster.store.lesen() as s:
        neu = s.execute(select(Mittelabfluss).where(Mittelabfluss.referenz == "RE-TAUSEND")).scalar_one()
        assert neu.betrag_cent == 1_250_000


def test_mehrdeutiger_betrag_bleibt_im_dialog_mit_erwarteter_form(fenster):  # noqa: F811
    editor = _oeffnen(fenster, "BMAS-2024-01")
    with fenster.store.lesen() as s:
        vorher = s.execute(select(func.count(Mittelabfluss.id))).scalar_one()
    protokoll: list = []
    editor.dialog_ausfuehren = ausfuellen({"betrag_cent": "12.50", "haushaltsstelle": "0602 532 01"}, protokoll)
    editor.zahlung_erfassen()
    assert "mehrdeutig" in protokoll[0]["betrag_cent"] and "„12,50“" in protokoll[0]["betrag_cent"]
    with fenster.store.lesen() as s:
        assert s.execute(select(func.count(Mittelabfluss.id))).scalar_one() == vorher


def test_zahlungsplan_raster_liest_tausenderpunkte(fenster):  # noqa: F811
    editor = _oeffnen(fenster, "BMAS-2024-01")
    editor.reiter.setCurrentIndex(3)
    modell = editor.plan_modell
    if not modell.bearbeitbar:  # the newest version is the editable one
        editor.plan_version.setCurrentIndex(editor.plan_version.count() - 1)
    assert modell.setData(modell.index(0, 0), "12.500")
    assert modell.data(modell.index(0, 0)) == "12.500,00 €"
    assert not modell.setData(modell.index(0, 0), "1,234.56")
    assert "mehrdeutig" in editor.plan_meldung.text()
    assert modell.data(modell.index(0, 0)) == "12.500,00 €"  # the refused input changed nothing
