"""The tick list of the Berichte page: ticking by keyboard and mouse, kept over reloads."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication, QStyle, QStyleOptionViewItem

from ozgdesk.ui.app import anwendung
from ozgdesk.ui.auswahlliste import Auswahlliste


def _liste(qtbot, n: int = 3) -> Auswahlliste:  # noqa: ANN001
    anwendung()
    liste = Auswahlliste()
    qtbot.addWidget(liste)
    liste.modell.setzen([(f"id{i}", f"Projekt {i}") for i in range(n)])
    liste.resize(300, 200)
    liste.show()
    qtbot.waitExposed(liste)
    return liste


def test_alle_angekreuzt_leertaste_und_klick_schalten(qtbot):
    liste = _liste(qtbot)
    assert liste.modell.gewaehlt() == ["id0", "id1", "id2"]
    liste.setCurrentIndex(liste.modell.index(1, 0))
    qtbot.keyClick(liste, Qt.Key.Key_Space)
    assert liste.modell.gewaehlt() == ["id0", "id2"]
    # a click on the tick box of the first row (where the style draws it)
    opt = QStyleOptionViewItem()
    opt.initFrom(liste)
    opt.rect = liste.visualRect(liste.modell.index(0, 0))
    opt.features |= QStyleOptionViewItem.ViewItemFeature.HasCheckIndicator
    box = QApplication.style().subElementRect(QStyle.SubElement.SE_ItemViewItemCheckIndicator, opt, liste)
    qtbot.mouseClick(liste.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(box.center()))
    assert liste.modell.gewaehlt() == ["id2"]
    assert liste.modell.index(0, 0).data(Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Unchecked
    assert liste.modell.index(2, 0).data(Qt.ItemDataRole.DisplayRole) == "Projekt 2"


def test_neu_laden_behaelt_abwahl_und_kreuzt_neue_an(qtbot):
    liste = _liste(qtbot)
    liste.modell.ankreuzen(0, False)
    liste.modell.setzen([("id0", "Projekt 0"), ("id3", "Projekt 3")], liste.modell.abgewaehlt())
    assert [liste.modell.angekreuzt(i) for i in range(liste.count())] == [False, True]
    assert liste.modell.abgewaehlt() == {"id0"}


def test_zehntausend_zeilen_ein_schritt(qtbot):
    liste = _liste(qtbot, 0)
    resets: list[int] = []
    liste.modell.modelReset.connect(lambda: resets.append(1))
    liste.modell.setzen([(f"id{i}", f"P {i}") for i in range(10_000)], {"id5"})
    assert resets == [1] and liste.count() == 10_000
    assert len(liste.modell.gewaehlt()) == 9_999
