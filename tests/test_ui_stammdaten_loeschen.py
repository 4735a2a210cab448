"""Deleting Behörden and Personen in the Stammdaten dialog: asked first, refused with the model's
German reason (shown in the dialog) while other records refer to the record, undoable otherwise.

Driven through the real window (synchronous runner); only the confirmation question is replaced.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton
from sqlalchemy import func, select
from tests.test_ui_arbeitsablaeufe import fenster  # noqa: F401 - fixture

from ozgdesk.model import Behoerde, Person, Projekt


def _dialog(fenster, art: str):  # noqa: ANN001, ANN202, F811
    from ozgdesk.ui.seiten import StammdatenDialog

    d = StammdatenDialog(art, fenster.store, fenster.bearbeitung, fenster)
    d.show()
    return d


def _knopf(d, text: str) -> QPushButton:  # noqa: ANN001
    return next(k for k in d.findChildren(QPushButton) if k.text() == text)


def _namen(d) -> list[str]:  # noqa: ANN001
    return [str(w[0]) for _i, w in d.modell.zeilen]


def _waehlen(d, erste_spalte: str) -> None:  # noqa: ANN001
    d.tabelle.selectRow(_namen(d).index(erste_spalte))


def _zaehlen(fenster, klasse) -> int:  # noqa: ANN001, F811
    with fenster.store.lesen() as s:
        return s.execute(select(func.count()).select_from(klasse)).scalar_one()


def test_behoerde_mit_projekten_wird_mit_deutscher_begruendung_abgelehnt(fenster, qtbot):  # noqa: F811
    d = _dialog(fenster, "behoerde")
    with fenster.store.lesen() as s:
        ba = s.execute(select(Behoerde.id).where(Behoerde.kurzname == "BA")).scalar_one()
        projekte = s.execute(select(func.count(Projekt.id)).where(Projekt.behoerde_id == ba)).scalar_one()
    assert projekte > 0
    vorher = _zaehlen(fenster, Behoerde)
    gefragt: list[str] = []
    d.loeschen_bestaetigen = lambda name: gefragt.append(name) or True
    _waehlen(d, "BA")
    knopf = _knopf(d, "&Löschen")
    qtbot.mouseClick(knopf, Qt.MouseButton.LeftButton)
    assert gefragt == ["BA"]
    assert d.meldung.isVisible()
    text = d.meldung.text()
    assert "kann nicht gelöscht werden" in text and "BMAS-2024-01" in text and f"{projekte} × Projekt" in text
    assert _zaehlen(fenster, Behoerde) == vorher and "BA" in _namen(d)  # nothing changed
    assert fenster.stack.count() == 0 and fenster.meldungen == []  # no undo step, no message box on top
    d.grab().save("/tmp/g2/stammdaten_abgelehnt.png")


def test_unbenutzte_person_wird_geloescht_und_rueckgaengig_kommt_sie_wieder(fenster, qtbot):  # noqa: F811
    d = _dialog(fenster, "person")
    vorher = _zaehlen(fenster, Person)
    _waehlen(d, "Jonas Weidlich")
    d.loeschen_bestaetigen = lambda _name: False  # „Nein“: nothing happens
    qtbot.mouseClick(_knopf(d, "&Löschen"), Qt.MouseButton.LeftButton)
    assert "Jonas Weidlich" in _namen(d) and fenster.stack.count() == 0
    d.loeschen_bestaetigen = lambda _name: True
    qtbot.mouseClick(_knopf(d, "&Löschen"), Qt.MouseButton.LeftButton)
    assert "Jonas Weidlich" not in _namen(d)  # the list reloaded from the broadcast
    assert _zaehlen(fenster, Person) == vorher - 1 and not d.meldung.isVisible()
    assert fenster.stack.undoText() == "Person „Jonas Weidlich“ löschen"
    fenster.undo_aktion.trigger()
    assert "Jonas Weidlich" in _namen(d) and _zaehlen(fenster, Person) == vorher
    with fenster.store.lesen() as s:
        assert s.execute(select(Person.funktion).where(Person.name == "Jonas Weidlich")).scalar_one() == "Referent"


def test_person_mit_verantwortung_abgelehnt_und_ohne_auswahl_ein_hinweis(fenster, qtbot):  # noqa: F811
    d = _dialog(fenster, "person")
    d.loeschen_bestaetigen = lambda _name: True
    qtbot.mouseClick(_knopf(d, "&Löschen"), Qt.MouseButton.LeftButton)  # nothing selected
    assert d.meldung.text() == "Bitte zuerst eine Person in der Liste auswählen."
    _waehlen(d, "Sabine Oberländer")
    qtbot.mouseClick(_knopf(d, "&Löschen"), Qt.MouseButton.LeftButton)
    assert "Sabine Oberländer" in d.meldung.text() and "kann nicht gelöscht werden" in d.meldung.text()
    assert "Sabine Oberländer" in _namen(d) and fenster.stack.count() == 0
