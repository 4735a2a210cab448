"""The Zeitleiste page and the project's timeline window, driven through the real widgets.

What a user notices: every work package and milestone of a project is drawn at its dates (a
postponed milestone at both its original plan and its forecast), the zoom changes the scale, a
click on a bar or diamond opens the record, the keyboard does the same, exports are a real PNG
and a real PDF with the German labels in it, and a large Ressort builds only the rows in view.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pikepdf
import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QColor, QImage, QPalette
from PySide6.QtWidgets import QAbstractButton, QApplication, QLabel, QPushButton
from sqlalchemy import select
from tests.test_ui_arbeitsablaeufe import fenster  # noqa: F401 - fixture

from ozgdesk.model import bearbeiten as befehle
from ozgdesk.model import zeitleiste as zl
from ozgdesk.model.demo import STICHTAG
from ozgdesk.model.projekte import Arbeitspaket, Meilenstein, Projekt
from ozgdesk.model.values import MeilensteinStatus
from ozgdesk.ui import none_schutz
from ozgdesk.ui.hauptfenster import SEITEN
from ozgdesk.ui.runner import SofortRunner
from ozgdesk.ui.zeitleiste import Zeitleiste, farben
from ozgdesk.ui.zeitleistenbild import kontrast
from tests.test_pdfa import verstoesse


def _projekt(store, kennung: str) -> tuple[str, list, list]:  # noqa: ANN001
    """The project's id, its work packages and its milestones as the store has them."""
    with store.lesen() as s:
        pid = s.execute(select(Projekt.id).where(Projekt.kennung == kennung)).scalar_one()
        aps = [(a.id, a.beginn, a.ende) for a in s.execute(select(Arbeitspaket).where(Arbeitspaket.projekt_id == pid)).scalars()]
        ms = [(m.id, m.plan_datum, m.prognose_datum, m.ist_datum, m.status)
              for m in s.execute(select(Meilenstein).where(Meilenstein.projekt_id == pid)).scalars()]
    return pid, aps, ms


def _seite(fenster, suche: str = "") -> Zeitleiste:  # noqa: ANN001, F811
    seite = fenster.zeigen("zeitleiste")
    assert isinstance(seite, Zeitleiste)
    if suche:
        seite.suche.setText(suche)
        seite.aufbauen()  # what the typing pause (250 ms) triggers
    return seite


def _punkt(seite: Zeitleiste, i: int, d: date) -> QPoint:
    """Where the day ``d`` of row ``i`` is on screen (scrolled into view first)."""
    a = seite.ansicht
    a.waehlen(i)
    a.zum_datum(d, 0.5)
    z = a.zeichner
    assert z is not None
    x = z.etikettbreite + z.mitte(d) - a.horizontalScrollBar().value()
    y = z.kopfhoehe + i * z.zh - a.verticalScrollBar().value() + z.zh / 2
    assert 0 < x < a.viewport().width() and 0 < y < a.viewport().height()
    return QPoint(round(x), round(y))


def _mnemonics(w) -> list[str]:  # noqa: ANN001
    texte = [k.text() for k in w.findChildren(QAbstractButton) if k.isVisibleTo(w)]
    texte += [l.text() for l in w.findChildren(QLabel) if l.isVisibleTo(w) and l.buddy() is not None]
    return [t[t.index("&") + 1].lower() for t in texte if "&" in t and not t.endswith("&")]


def test_seite_in_navigation_und_menue_ohne_doppelte_kuerzel(fenster):  # noqa: F811
    texte = [fenster.navigation.item(i).text() for i in range(fenster.navigation.count())]
    assert texte[:4] == ["Übersicht", "Leistungen", "Projekte", "Zeitleiste"]
    ansicht = next(a.menu() for a in fenster.menuBar().actions() if a.text() == "&Ansicht")
    assert "&Zeitleiste" in [a.text() for a in ansicht.actions()]
    seitenkuerzel = [t[t.index("&") + 1].lower() for _k, t in SEITEN]
    assert len(set(seitenkuerzel)) == len(seitenkuerzel)  # the Ansicht menu's entries
    seite = _seite(fenster)
    kuerzel = _mnemonics(seite)
    menue = [a.text()[a.text().index("&") + 1].lower() for a in fenster.menuBar().actions()]
    assert len(kuerzel) >= 8 and len(set(kuerzel)) == len(kuerzel) and not set(kuerzel) & set(menue)
    assert seite.ansicht.accessibleName() == "Zeitleiste" and seite.suche.accessibleName()
    assert seite.anzahl.text() == "18 Projekte, 72 Arbeitspakete, 108 Meilensteine (davon 51 verschoben, 5 überfällig)"


def test_arbeitspakete_und_meilensteine_eines_projekts_mit_ihren_daten(fenster):  # noqa: F811
    pid, aps, ms = _projekt(fenster.store, "BMAS-2024-03")
    seite = _seite(fenster, "BMAS-2024-03")
    zeilen = list(seite.ansicht.zeilen)
    assert [z.art for z in zeilen].count("projekt") == 1 and zeilen[0].id == pid
    gezeigt = {z.id: z for z in zeilen}
    assert set(gezeigt) == {pid} | {a[0] for a in aps} | {m[0] for m in ms}
    for aid, beginn, ende in aps:
        assert zl.Balken(beginn, ende, "plan") in gezeigt[aid].balken
    verschoben = 0
    for mid, plan, prognose, ist, status in ms:
        z = gezeigt[mid]
        termin = ist or prognose
        art = "ist" if status is MeilensteinStatus.ERREICHT else "prognose"
        assert zl.Raute(termin, art) in z.rauten
        if termin != plan:
            verschoben += 1
            assert zl.Raute(plan, "basis") in z.rauten and zl.Pfeil(plan, termin) in z.pfeile
    assert verschoben == 5
    # what is painted: the forecast diamond of the postponed, endangered milestone in the forecast colour
    i, z = next((i, z) for i, z in enumerate(zeilen) if z.warnung == "gefährdet")
    seite.resize(1400, 800)
    punkt = _punkt(seite, i, next(r.datum for r in z.rauten if r.art == "prognose"))
    bild = seite.ansicht.viewport().grab().toImage()
    assert QColor(bild.pixel(punkt)) == seite.ansicht.zeichner.f.prognose
    assert "Prognose 29.06.2027 (Plan 31.12.2026, 180 Tage später) – 3-mal verschoben – gefährdet" == z.beschriftung
    assert seite.auswahl.text() == z.beschreibung and seite.ansicht.accessibleDescription() == z.beschreibung


def test_zoom_aendert_die_skala(fenster, qtbot):  # noqa: F811
    seite = _seite(fenster)
    seite.resize(1400, 800)
    texte = {}
    breiten = {}
    for zoom in zl.Zoom:
        qtbot.mouseClick(seite.zoom_knopf[zoom], Qt.MouseButton.LeftButton)
        assert seite.zoom is zoom
        z = seite.ansicht.zeichner
        texte[zoom] = [s.text for s in z.striche]
        breiten[zoom] = (z.tb, seite.ansicht.horizontalScrollBar().maximum())
    assert "November" in texte[zl.Zoom.MONAT] and "2026" in texte[zl.Zoom.MONAT]
    assert "4. Quartal 2026" in texte[zl.Zoom.QUARTAL] and "Nov." in texte[zl.Zoom.QUARTAL]
    assert "Q4" in texte[zl.Zoom.JAHR] and "November" not in texte[zl.Zoom.JAHR]
    tb = [breiten[z][0] for z in zl.Zoom]
    assert tb[0] > tb[1] > tb[2]  # a day is narrower from Monat to Jahr
    assert breiten[zl.Zoom.MONAT][1] > breiten[zl.Zoom.QUARTAL][1] > breiten[zl.Zoom.JAHR][1]


def test_klick_auf_raute_oeffnet_den_meilenstein(fenster, qtbot):  # noqa: F811
    pid, _aps, ms = _projekt(fenster.store, "BMAS-2024-03")
    seite = _seite(fenster, "BMAS-2024-03")
    seite.resize(1400, 800)
    mid, _plan, prognose, ist, _s = ms[3]
    i = seite.ansicht.zeilen.index_von(mid)
    qtbot.mouseClick(seite.ansicht.viewport(), Qt.MouseButton.LeftButton, pos=_punkt(seite, i, ist or prognose))
    assert fenster.aktuelle_seite() == "projekte"
    editor = fenster.seite("projekte").editor
    assert editor.projekt_id == pid and editor.reiter.currentIndex() == 1
    assert editor.ms_modell.id_von(editor.ms_tabelle.currentIndex().row()) == mid


def test_klick_auf_arbeitspaket_und_leere_zeile(fenster, qtbot):  # noqa: F811
    pid, aps, _ms = _projekt(fenster.store, "BMAS-2024-03")
    seite = _seite(fenster, "BMAS-2024-03")
    seite.resize(1400, 800)
    aid, beginn, ende = aps[1]
    i = seite.ansicht.zeilen.index_von(aid)
    leer = _punkt(seite, i, date(2027, 9, 1))  # the row, but far from its bar and text: selects only
    qtbot.mouseClick(seite.ansicht.viewport(), Qt.MouseButton.LeftButton, pos=leer)
    assert fenster.aktuelle_seite() == "zeitleiste" and seite.ansicht.aktuell == i
    qtbot.mouseClick(seite.ansicht.viewport(), Qt.MouseButton.LeftButton, pos=_punkt(seite, i, beginn + (ende - beginn) / 2))
    editor = fenster.seite("projekte").editor
    assert fenster.aktuelle_seite() == "projekte" and editor.projekt_id == pid
    assert editor.reiter.currentWidget() is editor._seiten["arbeitspakete"]


def test_tastatur_waehlt_klappt_und_oeffnet(fenster, qtbot):  # noqa: F811
    seite = _seite(fenster)
    a = seite.ansicht
    a.setFocus()
    qtbot.keyClick(a, Qt.Key.Key_Home)
    assert a.aktuell == 0 and a.zeilen[0].art == "projekt" and a.zeilen[0].zugeklappt is False
    vorher = len(a.zeilen)
    qtbot.keyClick(a, Qt.Key.Key_Left)  # fold the first project
    assert len(a.zeilen) == vorher - 10 and a.zeilen[0].zugeklappt is True and a.aktuell == 0
    qtbot.keyClick(a, Qt.Key.Key_Right)
    assert len(a.zeilen) == vorher
    qtbot.keyClick(a, Qt.Key.Key_Down)
    qtbot.keyClick(a, Qt.Key.Key_Down)
    z = a.zeilen[2]
    assert z.art == "meilenstein" and seite.auswahl.text() == z.beschreibung
    qtbot.keyClick(a, Qt.Key.Key_Left)  # from a milestone to its project
    assert a.aktuell == 0
    qtbot.keyClick(a, Qt.Key.Key_Down)
    qtbot.keyClick(a, Qt.Key.Key_Down)
    qtbot.keyClick(a, Qt.Key.Key_Return)
    editor = fenster.seite("projekte").editor
    assert fenster.aktuelle_seite() == "projekte" and editor.reiter.currentIndex() == 1
    assert editor.ms_modell.id_von(editor.ms_tabelle.currentIndex().row()) == z.id


def test_alle_zuklappen_und_filter(fenster, qtbot):  # noqa: F811
    seite = _seite(fenster)
    qtbot.mouseClick(seite.falten, Qt.MouseButton.LeftButton)
    assert len(seite.ansicht.zeilen) == 18 and seite.falten.text() == "Alle auf&klappen"
    qtbot.mouseClick(seite.falten, Qt.MouseButton.LeftButton)
    assert len(seite.ansicht.zeilen) == 198
    seite.behoerde.setCurrentIndex(seite.behoerde.findText("UVB"))
    assert [z.text.split()[0] for z in seite.ansicht.zeilen if z.art == "projekt"] == ["BMAS-2025-04", "BMAS-2025-05"]
    seite.nur_abweichungen.setChecked(True)
    assert all(z.art == "projekt" or z.pfeile or z.warnung for z in seite.ansicht.zeilen)
    seite.suche.setText("gibt es nicht")
    qtbot.waitUntil(lambda: len(seite.ansicht.zeilen) == 0)  # after the typing pause
    assert seite.anzahl.text().startswith("0 Projekte")


def _pdftext(pfad: Path) -> str:
    if shutil.which("pdftotext"):
        return subprocess.run(["pdftotext", "-layout", str(pfad), "-"], check=True, capture_output=True, text=True).stdout
    from pypdf import PdfReader

    return "\n".join(p.extract_text() for p in PdfReader(str(pfad)).pages)


def _exportieren(seite: Zeitleiste, qtbot, art: str) -> Path:  # noqa: ANN001
    with qtbot.waitSignal(seite.exportiert) as signal:
        seite.exportieren(art)
    return signal.args[0]


def test_export_als_png_und_pdf(fenster, qtbot, tmp_path):  # noqa: F811
    seite = _seite(fenster)
    seite.alle_umschalten()  # fold all on screen: the export still shows every row
    seite.dateiname_erfragen = lambda _t, vorschlag, _f: str(tmp_path / vorschlag)
    png = _exportieren(seite, qtbot, "png")
    assert png == tmp_path / "Zeitleiste_BMAS_2026-11-15.png" and png.stat().st_size > 50_000
    bild = QImage(str(png))
    z = seite.ansicht.zeichner
    assert not bild.isNull() and bild.height() > 198 * z.zh and bild.width() > z.etikettbreite + 500
    assert seite.anzahl.text() == f"Gespeichert: {png}"

    pdf = _exportieren(seite, qtbot, "A4")
    assert pdf == tmp_path / "Zeitleiste_BMAS_2026-11-15.pdf" and verstoesse(pdf.read_bytes()) == []  # PDF/A-2b
    with pikepdf.open(pdf) as doc:
        seiten = len(doc.pages)
        breite, hoehe = (float(x) for x in doc.pages[0].mediabox[2:])
        assert seiten >= 5 and (round(breite), round(hoehe)) == (842, 595)  # A4 landscape
    text = _pdftext(pdf)
    for wort in ("Bundesministerium für Arbeit und Soziales", "Referat Z c 4 – OZG-Koordinierung",
                 "Zeitleiste der Projekte – BMAS", "Stand: 15.11.2026", "Projekt / Arbeitspaket / Meilenstein",
                 "Projektlaufzeit", "Plan (Arbeitspaket)", "Prognose", "Ist (erreicht)",
                 "verschoben: ursprünglicher Plan → Prognose", "heute (15.11.2026)", f"Seite 1 von {seiten}",
                 f"Seite {seiten} von {seiten}", "BMAS-2026-03", "AP 1 Anforderungsanalyse",
                 "Prognose 29.06.2027 (Plan 31.12.2026, 180 Tage später) – 3-mal verschoben – gefährdet",
                 "überfällig", "2027"):
        assert wort in text, wort
    a3 = _exportieren(seite, qtbot, "A3")
    with pikepdf.open(a3) as doc:
        assert [round(float(x)) for x in doc.pages[0].mediabox[2:]] == [1191, 842]
        assert len(doc.pages) < seiten


def test_export_fehler_auf_deutsch(fenster, tmp_path):  # noqa: F811
    seite = _seite(fenster)
    meldungen: list[tuple[str, str]] = []
    seite.meldung = lambda titel, text: meldungen.append((titel, text))
    seite.dateiname_erfragen = lambda *_a: str(tmp_path / "fehlt" / "ordner" / "x.pdf")
    seite.exportieren("A4")
    assert meldungen[-1][0] == "Export fehlgeschlagen" and "konnte nicht geschrieben werden" in meldungen[-1][1]
    assert not seite.anzahl.text().startswith("PDF wird")
    seite.exportieren("png")
    assert len(meldungen) == 2 and meldungen[-1][0] == "Export fehlgeschlagen"
    seite.dateiname_erfragen = lambda *_a: ""  # cancelled: nothing happens, nothing said
    seite.exportieren("png")
    assert len(meldungen) == 2
    seite.suche.setText("gibt es nicht")
    seite.aufbauen()
    seite.exportieren("png")
    assert meldungen[-1][0] == "Nichts zu exportieren"


def test_aenderung_erscheint_in_der_zeitleiste(fenster):  # noqa: F811
    _pid, _aps, ms = _projekt(fenster.store, "BMAS-2026-01")
    mid, plan, prognose, _ist, _s = next(m for m in ms if m[2] == m[1] and m[2] > STICHTAG)
    seite = _seite(fenster, "BMAS-2026-01")
    assert not seite.ansicht.zeilen[seite.ansicht.zeilen.index_von(mid)].pfeile
    fenster.bearbeitung.ausfuehren(befehle.MeilensteinVerschieben(mid, date(2028, 3, 31), "Vergabe verzögert", STICHTAG))
    z = seite.ansicht.zeilen[seite.ansicht.zeilen.index_von(mid)]
    assert z.pfeile == (zl.Pfeil(plan, date(2028, 3, 31)),) and "1-mal verschoben" in z.beschriftung
    assert seite.suche.text() == "BMAS-2026-01"  # the filter stays
    fenster.stack.undo()
    assert not seite.ansicht.zeilen[seite.ansicht.zeilen.index_von(mid)].pfeile


def test_zeitleiste_des_projekts_aus_dem_editor(fenster, qtbot):  # noqa: F811
    pid, _aps, ms = _projekt(fenster.store, "BMAS-2024-03")
    projekte = fenster.zeigen("projekte")
    projekte.projekt_oeffnen(pid)
    editor = projekte.editor
    editor.reiter.setCurrentIndex(1)
    knopf = next(k for k in editor.findChildren(QPushButton) if k.text() == "Zeit&leiste …")
    # the letters of the whole tab are checked by tests/test_ui_barrierefreiheit.py (no clash with tabs or menus)
    qtbot.mouseClick(knopf, Qt.MouseButton.LeftButton)
    dialog = editor.zeitleistendialog
    zeitleiste = dialog.zeitleiste
    qtbot.waitUntil(lambda: zeitleiste.zoom is zl.Zoom.JAHR)  # fitted: the whole project in view
    assert dialog.windowTitle() == "Zeitleiste BMAS-2024-03 – Kurzarbeitergeld – Anzeige und Abrechnung digital"
    assert {z.projekt_id for z in zeitleiste.ansicht.zeilen} == {pid} and len(zeitleiste.ansicht.zeilen) == 11
    assert not zeitleiste.suche.isVisible() and not zeitleiste.behoerde.isVisible()
    mid = ms[4][0]
    i = zeitleiste.ansicht.zeilen.index_von(mid)
    zeitleiste.ansicht.waehlen(i)
    qtbot.keyClick(zeitleiste.ansicht, Qt.Key.Key_Return)
    assert editor.reiter.currentIndex() == 1
    assert editor.ms_modell.id_von(editor.ms_tabelle.currentIndex().row()) == mid
    assert fenster.aktuelle_seite() == "projekte" and dialog.isVisible()  # the window stays beside the editor
    dialog.close()


def test_grosser_ressort_baut_nur_sichtbare_zeilen(qtbot, tmp_path):  # noqa: ANN001
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
    from grosser_store import erzeugen  # noqa: PLC0415

    from ozgdesk.model.store import Store

    pfad = tmp_path / "gross.sqlite"
    erzeugen(pfad, 1500, 0)
    with Store.oeffnen(pfad) as store:
        seite = Zeitleiste(store, SofortRunner(), lambda: STICHTAG)
        qtbot.addWidget(seite)
        seite.resize(1200, 700)
        seite.show()
        qtbot.waitExposed(seite)
        seite.neu_laden()
        zeilen = seite.ansicht.zeilen
        assert isinstance(zeilen, zl.Zeilen) and len(zeilen) == 1518  # more than 25 projects: folded
        seite.ansicht.viewport().grab()  # paints the rows in view
        sichtbar = seite.ansicht.viewport().height() // seite.ansicht.zeichner.zh + 1
        assert 0 < len(zeilen._fertig) <= sichtbar  # only the rows in view were built
        seite.alle_umschalten()
        assert len(seite.ansicht.zeilen) > 7000 and len(seite.ansicht.zeilen._fertig) <= sichtbar
        seite.ansicht.verticalScrollBar().setValue(seite.ansicht.verticalScrollBar().maximum())
        seite.ansicht.viewport().grab()  # paints the rows in view
        assert len(seite.ansicht.zeilen._fertig) <= 2 * sichtbar
        seite.close()


def _palette(grund: str, text: str) -> QPalette:
    p = QPalette()
    p.setColor(QPalette.ColorRole.Base, QColor(grund))
    p.setColor(QPalette.ColorRole.Text, QColor(text))
    return p


@pytest.mark.parametrize(("grund", "text"), [("#ffffff", "#000000"), ("#1e1e1e", "#e6e6e6"), ("#000000", "#ffffff"),
                                             ("#000000", "#ffff00"), ("#fffbe6", "#000000"), ("#404040", "#ffffff")])
def test_farben_mit_genug_kontrast_in_jedem_design(grund, text):  # noqa: ANN001
    f = farben(_palette(grund, text))
    for name in ("plan", "prognose", "ist", "basis", "heute", "warnung"):
        assert kontrast(getattr(f, name), f.grund) >= 4.5, name
    assert farben(QApplication.palette()).text == QApplication.palette().color(QPalette.ColorRole.Text)


def test_none_behaelt_seine_referenzen():
    """PySide6 6.12 takes a reference from None per void call (see ozgdesk.ui.none_schutz)."""
    punkt = QPointF()
    for _ in range(200_000):  # more than a fresh interpreter holds: without the reserve, None would die
        punkt.setX(1.0)
    assert sys.getrefcount(None) > 1_000_000 or not none_schutz.defekt_vorhanden()
    assert none_schutz.schuetzen() is False  # once per process
