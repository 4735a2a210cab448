"""A Leistung's Projektleitung (its Verantwortliche) from the Leistungen page and from its form, and
jumping to one field of a Leistung (or a project) – e.g. from a finding of the quarterly check.

Driven through the real window (synchronous runner); only the modal ``exec()`` is replaced by a
function that ticks the list's check boxes and presses the dialog's buttons.
"""

from __future__ import annotations

import threading

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QDialogButtonBox, QPushButton
from sqlalchemy import func, select
from tests.test_ui_arbeitsablaeufe import fenster  # noqa: F401 - fixture

from ozgdesk.model import Behoerde, Leistung, Projekt
from ozgdesk.model.demo import STICHTAG
from ozgdesk.model.grunddaten import leistung_id
from ozgdesk.model.katalog import LeistungVerantwortung
from ozgdesk.model.values import Quartal
from ozgdesk.reports.pruefung import pruefen
from ozgdesk.reports.snapshot import bestand_laden
from ozgdesk.ui.formular import FormularDialog
from ozgdesk.ui.seiten import ProjektleitungDialog

KEINE_PL = "Keine Projektleitung (Verantwortliche Person) benannt."


def _knopf(w, text: str) -> QPushButton:  # noqa: ANN001
    return next(k for k in w.findChildren(QPushButton) if k.text() == text)


def _angekreuzt(d: ProjektleitungDialog) -> list[str]:
    return [d.liste.item(i).text().split(" – ")[0] for i in range(d.liste.count())
            if d.liste.item(i).checkState() == Qt.CheckState.Checked]


def ankreuzen(namen: dict[str, bool], gesehen: list | None = None):  # noqa: ANN201
    """A stand-in for ``exec()``: tick (True) or untick (False) the Personen by name, press OK."""
    def ausfuehren(d) -> bool:  # noqa: ANN001
        assert isinstance(d, ProjektleitungDialog)
        if gesehen is not None:
            gesehen.append(_angekreuzt(d))
        for i in range(d.liste.count()):
            item = d.liste.item(i)
            name = item.text().split(" – ")[0]
            if name in namen:
                item.setCheckState(Qt.CheckState.Checked if namen[name] else Qt.CheckState.Unchecked)
        d.knoepfe.button(QDialogButtonBox.StandardButton.Ok).click()
        return d.result() == d.DialogCode.Accepted
    return ausfuehren


def _anderswo(fn) -> None:  # noqa: ANN001 - not the GUI thread: another writer
    t = threading.Thread(target=fn)
    t.start()
    t.join()


def _verantwortliche(fenster, lid: str) -> int:  # noqa: ANN001, F811
    with fenster.store.lesen() as s:
        return s.execute(select(func.count(LeistungVerantwortung.id))
                         .where(LeistungVerantwortung.leistung_id == lid)).scalar_one()


def _ohne_pl(fenster) -> set[str]:  # noqa: ANN001, F811
    return {b.ozg_id for b in pruefen(bestand_laden(fenster.store, STICHTAG), Quartal(2026, 4)) if b.text == KEINE_PL}


def test_projektleitung_ankreuzen_abwaehlen_und_rueckgaengig(fenster, qtbot):  # noqa: F811
    lid = leistung_id("10000")
    with fenster.store.session() as s:  # a Leistung taken into the Ressort, nobody responsible yet
        l = s.get(Leistung, lid)
        l.im_ressort = True
        l.behoerde_id = s.execute(select(Behoerde.id).where(Behoerde.kurzname == "BA")).scalar_one()
    assert _verantwortliche(fenster, lid) == 0 and "10000" in _ohne_pl(fenster)
    seite = fenster.zeigen("leistungen")
    t = seite.tabelle
    t.filter["umfang"].setCurrentIndex(t.filter["umfang"].findData("alle"))
    t.suche_sofort("10000")
    t.tabelle.selectRow(0)
    assert t.aktuelle_id() == lid
    gesehen: list = []
    seite.dialog_ausfuehren = ankreuzen({"Jonas Weidlich": True, "Sabine Oberländer": True}, gesehen)
    qtbot.mouseClick(_knopf(seite, "&Projektleitung …"), Qt.MouseButton.LeftButton)
    assert gesehen == [[]]
    assert _verantwortliche(fenster, lid) == 2
    assert fenster.stack.count() == 1 and fenster.stack.undoText() == "Projektleitung für OZG-Leistung 10000 festlegen"
    assert "10000" not in _ohne_pl(fenster)  # the check no longer reports it

    seite.dialog_ausfuehren = ankreuzen({"Jonas Weidlich": False}, gesehen)
    qtbot.mouseClick(_knopf(seite, "&Projektleitung …"), Qt.MouseButton.LeftButton)
    assert gesehen[1] == ["Jonas Weidlich", "Sabine Oberländer"]  # the current ones are ticked
    assert _verantwortliche(fenster, lid) == 1 and fenster.stack.count() == 2

    seite.dialog_ausfuehren = ankreuzen({}, gesehen)  # OK without a change: no empty undo step
    seite.projektleitung(lid)
    assert gesehen[2] == ["Sabine Oberländer"] and fenster.stack.count() == 2

    fenster.undo_aktion.trigger()
    assert _verantwortliche(fenster, lid) == 2
    fenster.undo_aktion.trigger()  # both added in one step: one undo takes both back
    assert _verantwortliche(fenster, lid) == 0 and "10000" in _ohne_pl(fenster)
    fenster.redo_aktion.trigger()
    assert _verantwortliche(fenster, lid) == 2


def test_projektleitung_dialog_zeigt_funktion_und_behoerde_und_filtert(fenster):  # noqa: F811
    seite = fenster.zeigen("leistungen")
    dialoge: list = []

    def ansehen(d) -> bool:  # noqa: ANN001
        dialoge.append(d)
        d.show()
        return False  # „Abbrechen“

    seite.dialog_ausfuehren = ansehen
    seite.projektleitung(leistung_id("10067"))
    d = dialoge[0]
    texte = [d.liste.item(i).text() for i in range(d.liste.count())]
    assert "Sabine Oberländer – Projektleiterin – BA" in texte
    assert "Jonas Weidlich – Referent – Ministerium" in texte
    assert _angekreuzt(d) and d.anzahl.text().endswith("gewählt")
    d.grab().save("/tmp/g2/projektleitung.png")
    d.filter.setText("drv")
    sichtbar = [d.liste.item(i).text() for i in range(d.liste.count()) if not d.liste.item(i).isHidden()]
    assert sichtbar and all("DRV" in x for x in sichtbar)
    assert fenster.stack.count() == 0


def test_projektleitung_aus_dem_formular_der_leistung(fenster):  # noqa: F811
    seite = fenster.zeigen("leistungen")
    lid = leistung_id("10067")
    vorher = _verantwortliche(fenster, lid)
    geoeffnet: list = []

    def formular(d) -> bool:  # noqa: ANN001
        geoeffnet.append(type(d).__name__)
        if isinstance(d, FormularDialog):
            seite.dialog_ausfuehren = ankreuzen({"Jonas Weidlich": True})
            _knopf(d, "Projekt&leitung …").click()
            seite.dialog_ausfuehren = formular
            return False
        return False

    seite.dialog_ausfuehren = formular
    seite.bearbeiten(lid)
    assert geoeffnet == ["FormularDialog"]
    assert _verantwortliche(fenster, lid) == vorher + 1


# ---------------------------------------------------------------------------------------- Sprung
def _gelb(c: QColor) -> bool:
    return c.red() > 240 and c.green() > 230 and c.blue() < 200


def test_bearbeiten_mit_feld_fokussiert_und_markiert_das_feld(fenster, qtbot):  # noqa: F811
    seite = fenster.zeigen("leistungen")
    lid = leistung_id("10067")
    gesehen: dict = {}

    def zeigen(d) -> bool:  # noqa: ANN001
        d.show()
        w = d.formular.widget("geplant_online")
        qtbot.waitUntil(w.hasFocus)
        bild = w.grab().toImage()
        gesehen["innen"] = bild.pixelColor(bild.width() // 2, bild.height() // 2)
        gesehen["rahmen"] = bild.pixelColor(0, bild.height() // 2)
        andere = d.formular.widget("prioritaet").grab().toImage()
        gesehen["andere"] = andere.pixelColor(andere.width() // 2, andere.height() // 2)
        d.grab().save("/tmp/g2/sprung_geplant_online.png")
        d.reject()
        return False

    seite.dialog_ausfuehren = zeigen
    seite.bearbeiten(lid, feld="geplant_online")
    assert _gelb(gesehen["innen"]) and not _gelb(gesehen["andere"])
    assert gesehen["rahmen"].blue() < 120  # the amber frame

    geoeffnet: list = []
    seite.dialog_ausfuehren = lambda d: geoeffnet.append(d) or False
    seite.bearbeiten(lid, feld="behoerde")
    assert geoeffnet[-1].formular.widget("behoerde_id").property("hervorgehoben") is True
    seite.bearbeiten(lid, feld="projektleiter")
    assert isinstance(geoeffnet[-1], ProjektleitungDialog)
    seite.bearbeiten(lid, feld="reifegrad")
    assert geoeffnet[-1].windowTitle().startswith("Reifegrad bewerten")
    for feld in ("gibt_es_nicht", None):
        seite.bearbeiten(lid, feld=feld)
        d = geoeffnet[-1]
        assert isinstance(d, FormularDialog) and not any(e.widget.property("hervorgehoben") for e in d.formular.eingaben.values())
    seite.bearbeiten(lid)  # the old one-argument call
    assert isinstance(geoeffnet[-1], FormularDialog) and len(geoeffnet) == 6


def test_projekt_oeffnen_mit_ziel_ruft_feld_zeigen_nur_wenn_es_das_gibt(fenster):  # noqa: F811
    seite = fenster.zeigen("projekte")
    with fenster.store.lesen() as s:
        p1, p2 = s.execute(select(Projekt.id).where(Projekt.kennung.in_(["BMAS-2024-01", "BMAS-2024-02"]))
                           .order_by(Projekt.kennung)).scalars()
    editor = seite.editor
    if hasattr(type(editor), "feld_zeigen"):  # once the editor has its own: hide it for the first call
        editor.feld_zeigen = None
    assert seite.projekt_oeffnen(p1, ziel="titel")  # an editor without feld_zeigen: just opens
    assert editor.projekt_id == p1
    aufrufe: list = []
    editor.feld_zeigen = lambda ziel: aufrufe.append((ziel, editor.projekt_id)) or True
    danach: list = []
    assert seite.projekt_oeffnen(p2, danach=lambda: danach.append(editor.projekt_id), ziel="ende")
    assert danach == [p2] and aufrufe == [("ende", p2)]  # after the project is shown
    assert seite.projekt_oeffnen(p2, ziel="titel")  # already open: at once
    assert aufrufe[-1] == ("titel", p2)


def test_projektleitung_schreibt_den_unterschied_zum_stand_beim_speichern(fenster):  # noqa: F811
    """Someone else ticks a Person while the dialog is open: OK keeps that one (the difference is
    taken in the write transaction); a Person deleted meanwhile gives a German refusal."""
    from ozgdesk.model import Person

    lid = leistung_id("10067")
    with fenster.store.lesen() as s:
        jonas, katharina = (s.execute(select(Person.id).where(Person.name == n)).scalar_one()
                            for n in ("Jonas Weidlich", "Dr. Katharina Brenner"))
    vorher = _verantwortliche(fenster, lid)
    seite = fenster.zeigen("leistungen")
    ok = ankreuzen({"Jonas Weidlich": True})

    def anderer_schreiber() -> None:  # a second program / a sync, while the dialog is open
        with fenster.store.session() as s:
            s.add(LeistungVerantwortung(leistung_id=lid, person_id=katharina))

    def dazwischen(d) -> bool:  # noqa: ANN001
        _anderswo(anderer_schreiber)
        return ok(d)

    seite.dialog_ausfuehren = dazwischen
    seite.projektleitung(lid)
    with fenster.store.lesen() as s:
        personen = set(s.execute(select(LeistungVerantwortung.person_id)
                                 .where(LeistungVerantwortung.leistung_id == lid)).scalars())
    assert {jonas, katharina} <= personen and len(personen) == vorher + 2

    lid2 = leistung_id("10073")

    def loeschen() -> None:
        with fenster.store.session() as s:
            s.delete(s.get(Person, jonas))

    def geloescht(d) -> bool:  # noqa: ANN001
        _anderswo(loeschen)
        return ankreuzen({"Jonas Weidlich": True})(d)

    with fenster.store.session() as s:  # Jonas may go: first drop his other responsibility
        for v in s.execute(select(LeistungVerantwortung).where(LeistungVerantwortung.person_id == jonas)).scalars():
            s.delete(v)
    n = fenster.stack.count()
    seite.dialog_ausfuehren = geloescht
    seite.projektleitung(lid2)
    assert fenster.meldungen[-1].startswith("Eine der gewählten Personen ist nicht mehr vorhanden")
    assert fenster.stack.count() == n
