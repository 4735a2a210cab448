"""Excel in and out on every table (issue 16, point 3), driven through the real window.

Export reproduces the view (filter, sort, visible columns in their order), Strg+C gives the cells as
Excel pastes them, a block pasted from Excel lands in the Zahlungsplan as the right cents in one undo
step (a bad cell: German message, nothing changed), bulk edits change N records in one undo step,
and the Finanzen totals row sums exactly the rows the filter shows.
"""

from __future__ import annotations

import csv
import io
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import openpyxl
from PySide6.QtCore import QItemSelection, QItemSelectionModel, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QDialogButtonBox
from sqlalchemy import func, select
from tests.test_ui_arbeitsablaeufe import _oeffnen, _projekt, fenster  # noqa: F401 - fixture

from ozgdesk.model import Leistung, Projekt, Zahlungsplan, ZahlungsplanPosition
from ozgdesk.model.values import (
    Ampel,
    Haushaltsstelle,
    Kostenart,
    Quartal,
    euro_zu_cent,
    format_datum,
    format_euro,
    format_zahl,
)
from ozgdesk.ui.tabellenaktionen import sichtbare_spalten

def _ansicht(view) -> tuple[list[str], list[list[str]]]:  # noqa: ANN001
    """Headings and cell texts of everything the view shows (all pages fetched), in the view's order."""
    m = view.model()
    if hasattr(m, "alle_laden"):
        m.alle_laden()
    spalten = sichtbare_spalten(view)
    kopf = [" ".join(str(m.headerData(c, Qt.Orientation.Horizontal)).split()) for c in spalten]
    return kopf, [[m.data(m.index(r, c)) or "" for c in spalten] for r in range(m.rowCount())]


def _xlsx_text(zelle) -> str:  # noqa: ANN001
    """A workbook cell as the GUI writes it (amounts, dates) – to compare an export with the view."""
    v = zelle.value
    if v is None:
        return ""
    if zelle.number_format.startswith("[$-407]#,##0.00"):
        return format_euro(int(Decimal(str(v)) * 100))
    if isinstance(v, datetime):
        return format_datum(v.date())
    return str(v)


def _finanzen(fenster):  # noqa: ANN001, ANN202, F811
    """The Finanzen page filtered to 2025 and external services, sorted by amount ascending, with the
    amount column moved to the front and the remark hidden."""
    seite = fenster.zeigen("finanzen").tabelle
    seite.filter["jahr"].setCurrentIndex(seite.filter["jahr"].findData("2025"))
    seite.filter["kostenart"].setCurrentIndex(seite.filter["kostenart"].findData("dienstleistung"))
    betrag = seite.abfrage.spalte("betrag")
    seite.tabelle.sortByColumn(betrag, Qt.SortOrder.AscendingOrder)
    kopf = seite.tabelle.horizontalHeader()
    kopf.moveSection(kopf.visualIndex(betrag), 0)
    kopf.hideSection(seite.abfrage.spalte("bemerkung"))
    return seite


def test_export_gibt_genau_die_ansicht_wieder(fenster, tmp_path: Path):  # noqa: F811
    seite = _finanzen(fenster)
    kopf, zeilen = _ansicht(seite.tabelle)
    assert kopf[:3] == ["Betrag", "Datum", "Projekt"] and "Bemerkung" not in kopf
    assert 0 < len(zeilen) < seite.modell.gesamt + 1 and len(zeilen) == seite.modell.gesamt
    betraege = [euro_zu_cent(z[0]) for z in zeilen]
    assert betraege == sorted(betraege) and len(set(betraege)) > 1  # the sort the user chose

    exportiert: list[tuple[str, int]] = []
    seite.aktionen.exportiert.connect(lambda p, n: exportiert.append((p, n)))
    seite.aktionen.exportieren(str(tmp_path / "ansicht.xlsx"))
    ws = openpyxl.load_workbook(tmp_path / "ansicht.xlsx").active
    assert [c.value for c in ws[1]] == kopf
    daten = [[_xlsx_text(c) for c in r] for r in ws.iter_rows(min_row=2, max_row=len(zeilen) + 1)]
    assert daten == zeilen
    summe = ws[len(zeilen) + 2]  # the totals row once, below the data, as a formula
    assert summe[0].value == f"=SUBTOTAL(109,A2:A{len(zeilen) + 1})" and summe[1].value == "Summe"
    assert ws.max_row == len(zeilen) + 2 and ws.auto_filter.ref.endswith(str(len(zeilen) + 1))
    assert exportiert == [(str(tmp_path / "ansicht.xlsx"), len(zeilen))]
    assert str(len(zeilen)) in fenster.statusBar().currentMessage()

    # the same through Datei › Ansicht exportieren … with the file chooser answered as CSV
    seite.aktionen.datei_waehlen = lambda: str(tmp_path / "ansicht.csv")
    fenster.ansicht_exportieren()
    text = (tmp_path / "ansicht.csv").read_bytes().decode("utf-8-sig")
    csv_zeilen = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
    assert csv_zeilen[0] == kopf and len(csv_zeilen) == len(zeilen) + 1  # data only
    assert [[format_euro(euro_zu_cent(r[0]))] + r[1:] for r in csv_zeilen[1:]] == zeilen
    assert "." not in csv_zeilen[1][0] and "€" not in csv_zeilen[1][0]  # 1234,56: a number in any spreadsheet


def test_export_liest_auch_zeilen_die_die_tabelle_noch_nicht_geholt_hat(fenster, tmp_path: Path):  # noqa: F811
    seite = fenster.zeigen("finanzen").tabelle
    seite.modell.seitengroesse = 20
    seite.suche_sofort("")
    assert seite.modell.rowCount() == 20 < seite.modell.gesamt
    seite.aktionen.exportieren(str(tmp_path / "alle.csv"))
    assert len((tmp_path / "alle.csv").read_text("utf-8-sig").splitlines()) == seite.modell.gesamt + 1


def _auswaehlen(view, zeilen: list[int]) -> None:  # noqa: ANN001
    auswahl = QItemSelection()
    m = view.model()
    for r in zeilen:
        auswahl.select(m.index(r, 0), m.index(r, m.columnCount() - 1))
    view.selectionModel().select(auswahl, QItemSelectionModel.SelectionFlag.ClearAndSelect
                                 | QItemSelectionModel.SelectionFlag.Rows)


def test_strg_c_kopiert_die_auswahl_als_tsv_wie_excel_sie_einfuegt(fenster, qtbot):  # noqa: F811
    seite = _finanzen(fenster)
    _kopf, zeilen = _ansicht(seite.tabelle)
    _auswaehlen(seite.tabelle, [2, 0, 3])
    seite.tabelle.setFocus()
    qtbot.keyClick(seite.tabelle, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    erwartet = "".join("\t".join(zeilen[r]) + "\n" for r in (0, 2, 3))
    daten = QGuiApplication.clipboard().mimeData()
    assert daten.text() == erwartet
    assert "<table>" in daten.html() and zeilen[2][0] in daten.html()
    assert seite.aktionen.kopieren(mit_kopf=True).startswith("Betrag\tDatum\tProjekt\t")


def test_summenzeile_ist_die_summe_der_gefilterten_zeilen(fenster):  # noqa: F811
    seite = _finanzen(fenster)
    betrag = seite.abfrage.spalte("betrag")

    def summe_der_zeilen() -> int:
        seite.modell.alle_laden()
        return sum(seite.modell.wert(r, "betrag") for r in range(seite.modell.rowCount()))

    assert seite.summenzeile is not None
    assert seite.summenzeile.text(betrag) == format_euro(summe_der_zeilen())
    seite.suche_sofort("BMAS-2024-05")
    assert 0 < seite.modell.gesamt and seite.summenzeile.text(betrag) == format_euro(summe_der_zeilen())
    seite.tabelle.sortByColumn(betrag, Qt.SortOrder.DescendingOrder)  # sorting cannot move it …
    assert seite.summenzeile.text(betrag) == format_euro(summe_der_zeilen())
    assert seite.modell.rowCount() == seite.modell.gesamt  # … it is no row of the table
    assert "Summe" in [seite.summenzeile.text(c) for c in range(seite.modell.columnCount())]


# ---------------------------------------------------------------------------------------- Zahlungsplan
def _plan(store, projekt_id: str) -> tuple[int, dict[tuple[Quartal, str], int]]:  # noqa: ANN001
    with store.lesen() as s:
        version, plan_id = s.execute(select(Zahlungsplan.version, Zahlungsplan.id).where(Zahlungsplan.projekt_id == projekt_id)
                                     .order_by(Zahlungsplan.version.desc()).limit(1)).one()
        positionen = s.execute(select(ZahlungsplanPosition).where(ZahlungsplanPosition.zahlungsplan_id == plan_id)).scalars()
        return version, {(p.quartal, str(p.haushaltsstelle)): p.betrag_cent for p in positionen}


def _excel_block(hoehe: int, breite: int) -> tuple[str, dict[tuple[int, int], int]]:
    """A block as Excel copies it – rows ended by \r\n, a line end after the last row – whose cells
    are written the ways a spreadsheet writes amounts, each cell its own amount; and the cents."""
    text, cent = [], {}
    for r in range(hoehe):
        zeile = []
        for c in range(breite):
            v = (r + 1) * 1_000_000 + (c + 1) * 10_000 + (r * breite + c) * 10  # ≥ 10.000 €, whole tens of cents
            form = (r * breite + c) % 7
            if form == 0:
                t = format_euro(v).removesuffix(" €")                  # 12.345,60
            elif form == 1:
                t = f"{v // 100},{(v % 100) // 10}"                    # 12345,6
            elif form == 2:
                v -= v % 100
                t = f"{format_zahl(v // 100)} €"                       # 12.345 €
            elif form == 3:
                t, v = "-", 0                                          # the accounting format's zero
            elif form == 4:
                t, v = "", 0                                           # an empty cell
            elif form == 5:
                t = f" {format_euro(v)} "                              # padded by the accounting format
            else:
                t = f"{v // 100},{v % 100:02d}"                        # 12345,60
            zeile.append(t)
            cent[(r, c)] = v
        text.append("\t".join(zeile))
    return "\r\n".join(text) + "\r\n", cent


def _planeditor(fenster, kennung: str, spalten: int):  # noqa: ANN001, ANN202, F811
    editor = _oeffnen(fenster, kennung)
    editor.reiter.setCurrentIndex(3)
    modell = editor.plan_modell
    for i in range(len(modell.spalten), spalten):
        modell.spalte_hinzufuegen(Haushaltsstelle.parse(f"0602 533 {i:02d}"), Kostenart.SOFTWARE)
    return editor, modell


def _einfuegen(qtbot, view, text: str, zeile: int, spalte: int) -> None:  # noqa: ANN001
    QGuiApplication.clipboard().setText(text)
    view.selectionModel().setCurrentIndex(view.model().index(zeile, spalte),
                                          QItemSelectionModel.SelectionFlag.ClearAndSelect)
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)


def test_block_4_mal_12_aus_excel_landet_als_richtige_cent_und_ein_strg_z_stellt_wieder_her(fenster, qtbot):  # noqa: F811
    pid = _projekt(fenster.store, "BMAS-2024-03").id
    vorher = _plan(fenster.store, pid)
    editor, modell = _planeditor(fenster, "BMAS-2024-03", 12)
    quartale, spalten = list(modell.quartale), [str(h) for h, _k in modell.spalten]
    assert len(quartale) >= 6 and len(spalten) == 12
    text, cent = _excel_block(4, 12)
    _einfuegen(qtbot, editor.plan_tabelle, text, 2, 0)

    version, nachher = _plan(fenster.store, pid)
    assert version == vorher[0] + 1 and editor.plan_meldung.text() == ""
    assert {(r, c): nachher.get((quartale[2 + r], spalten[c]), 0) for r in range(4) for c in range(12)} == cent
    unberuehrt = {k: v for k, v in vorher[1].items() if k[0] not in quartale[2:6]}
    assert {k: v for k, v in nachher.items() if k in unberuehrt} == unberuehrt  # other quarters as they were
    assert fenster.undo_aktion.isEnabled()
    fenster.undo_aktion.trigger()  # one Strg+Z
    assert _plan(fenster.store, pid) == vorher
    assert editor.plan_modell.version == vorher[0] and editor.plan_version.currentText().startswith(f"Version {vorher[0]}")


def test_block_12_quartale_mal_4_haushaltsstellen(fenster, qtbot):  # noqa: F811
    pid = _projekt(fenster.store, "BMAS-2024-03").id
    editor, modell = _planeditor(fenster, "BMAS-2024-03", 4)
    quartale, spalten = list(modell.quartale), [str(h) for h, _k in modell.spalten]
    assert len(quartale) == 12
    text, cent = _excel_block(12, 4)
    _einfuegen(qtbot, editor.plan_tabelle, text, 0, 0)
    _version, nachher = _plan(fenster.store, pid)
    assert {(r, c): nachher.get((quartale[r], spalten[c]), 0) for r in range(12) for c in range(4)} == cent


def test_schlechte_zelle_gibt_deutsche_meldung_und_nichts_aendert_sich(fenster, qtbot):  # noqa: F811
    pid = _projekt(fenster.store, "BMAS-2024-03").id
    vorher = _plan(fenster.store, pid)
    editor, modell = _planeditor(fenster, "BMAS-2024-03", 12)
    raster = dict(modell.betraege)
    zeilen = [["1.000,00"] * 12 for _ in range(4)]
    zeilen[2][6] = "12.50"
    _einfuegen(qtbot, editor.plan_tabelle, "\r\n".join("\t".join(z) for z in zeilen) + "\r\n", 1, 0)
    meldung = editor.plan_meldung.text()
    assert meldung.startswith("Nichts eingefügt: Zeile 3, Spalte 7 des eingefügten Blocks (")
    assert modell.quartale[3].kurz in meldung and "„12.50“" in meldung and "mehrdeutig" in meldung
    assert modell.betraege == raster and _plan(fenster.store, pid) == vorher
    _einfuegen(qtbot, editor.plan_tabelle, "1\t2\r\n", 0, 11)  # does not fit: refused as a whole
    assert "2 Spalten" in editor.plan_meldung.text() and _plan(fenster.store, pid) == vorher


def test_block_in_eine_gerade_bearbeitete_zelle_geht_ins_raster(fenster, qtbot):  # noqa: F811
    pid = _projekt(fenster.store, "BMAS-2024-03").id
    editor, modell = _planeditor(fenster, "BMAS-2024-03", 2)
    view = editor.plan_tabelle
    view.setCurrentIndex(modell.index(0, 0))
    assert view.indexWidget(modell.index(0, 0)) is None  # selecting a cell does not open an editor (as in Excel)
    view.edit(modell.index(0, 0))  # F2
    zelle = view.focusWidget()
    assert zelle is not None and zelle is not view
    QGuiApplication.clipboard().setText("1,00\t2,00\r\n3,00\t4,00\r\n")
    qtbot.keyClick(zelle, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    _version, nachher = _plan(fenster.store, pid)
    h0, h1 = (str(h) for h, _k in modell.spalten[:2])
    q0, q1 = modell.quartale[:2]
    assert [nachher[(q0, h0)], nachher[(q0, h1)], nachher[(q1, h0)], nachher[(q1, h1)]] == [100, 200, 300, 400]


def test_ein_wert_auf_mehrere_zellen_und_alte_version_nimmt_nichts(fenster, qtbot):  # noqa: F811
    pid = _projekt(fenster.store, "BMAS-2024-03").id
    editor, modell = _planeditor(fenster, "BMAS-2024-03", 2)
    view = editor.plan_tabelle
    auswahl = QItemSelection(modell.index(0, 0), modell.index(1, 1))
    view.selectionModel().select(auswahl, QItemSelectionModel.SelectionFlag.ClearAndSelect)
    QGuiApplication.clipboard().setText("2.500,00\r\n")
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    version, nachher = _plan(fenster.store, pid)
    for r in range(2):
        for h, _k in modell.spalten[:2]:
            assert nachher[(modell.quartale[r], str(h))] == 250_000
    verstreut = QItemSelection(modell.index(0, 0), modell.index(0, 0))
    verstreut.select(modell.index(2, 1), modell.index(2, 1))
    view.selectionModel().select(verstreut, QItemSelectionModel.SelectionFlag.ClearAndSelect)
    QGuiApplication.clipboard().setText("1,00\t2,00\r\n")
    qtbot.keyClick(view, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    assert "zusammenhängenden Bereich" in editor.plan_meldung.text() and _plan(fenster.store, pid)[0] == version
    editor.plan_version.setCurrentIndex(editor.plan_version.findData(1))  # an old version: read only
    assert not modell.bearbeitbar
    _einfuegen(qtbot, view, "1,00\r\n", 0, 0)
    assert "nur lesbar" in editor.plan_meldung.text() and _plan(fenster.store, pid)[0] == version


# ------------------------------------------------------------------------------------------ bulk edit
def _ampeln(store) -> dict[str, Ampel]:  # noqa: ANN001
    with store.lesen() as s:
        return {i: a for i, a in s.execute(select(Projekt.id, Projekt.ampel_gesamt))}


def _menue(aktionen) -> dict[str, object]:  # noqa: ANN001
    return {a.text(): a for a in aktionen.menue().actions() if a.text()}


def test_sammelaenderung_ampel_aendert_n_projekte_und_strg_z_stellt_wieder_her(fenster):  # noqa: F811
    seite = fenster.zeigen("projekte")
    liste = seite.projekte
    liste.modell.alle_laden()
    _auswaehlen(liste.tabelle, [0, 1, 2, 3, 4, 5])
    ids = liste.ausgewaehlte_ids()
    vorher = _ampeln(fenster.store)
    n = sum(1 for i in ids if vorher[i] is not Ampel.ROT)
    assert len(ids) == 6 and 0 < n < 6  # some have the value already: the dialog says so
    gesehen = {}

    def waehlen(dlg) -> bool:  # noqa: ANN001
        dlg.wert.setCurrentIndex(dlg.wert.findData(Ampel.ROT))
        gesehen["ok"] = dlg.knoepfe.button(QDialogButtonBox.StandardButton.Ok).text()
        gesehen["text"] = dlg.ergebnis.text()
        dlg.accept()
        return True

    seite.dialog_ausfuehren = waehlen
    _menue(liste.aktionen)["&Ampel setzen …"].trigger()
    assert gesehen["ok"] == f"{n} Projekte ändern" and f"{6 - n} weitere" in gesehen["text"]
    nachher = _ampeln(fenster.store)
    assert {i for i in nachher if nachher[i] != vorher[i]} == {i for i in ids if vorher[i] is not Ampel.ROT}
    spalte = liste.abfrage.spalte("ampel")
    assert all(liste.modell.data(liste.modell.index(r, spalte)) == "rot" for r in range(6))  # the list reloaded
    assert fenster.undo_aktion.text() == f"Rückgängig: Ampel gesamt für {n} Projekte: rot"
    fenster.undo_aktion.trigger()
    assert _ampeln(fenster.store) == vorher


def test_sammelaenderung_behoerde_der_leistungen(fenster):  # noqa: F811
    seite = fenster.zeigen("leistungen")
    _auswaehlen(seite.tabelle.tabelle, [0, 1, 2])
    ids = seite.tabelle.ausgewaehlte_ids()
    with fenster.store.lesen() as s:
        vorher = {i: b for i, b in s.execute(select(Leistung.id, Leistung.behoerde_id).where(Leistung.id.in_(ids)))}

    def keine(dlg) -> bool:  # noqa: ANN001
        dlg.wert.setCurrentIndex(dlg.wert.findData(None))
        dlg.accept()
        return dlg.result() == dlg.DialogCode.Accepted

    seite.dialog_ausfuehren = keine
    seite.sammel_bearbeiten("behoerde_id")
    with fenster.store.lesen() as s:
        assert s.execute(select(func.count()).where(Leistung.id.in_(ids), Leistung.behoerde_id.is_(None))).scalar_one() == 3
    if any(vorher.values()):
        fenster.undo_aktion.trigger()
        with fenster.store.lesen() as s:
            assert {i: b for i, b in s.execute(select(Leistung.id, Leistung.behoerde_id).where(Leistung.id.in_(ids)))} == vorher


def test_ohne_auswahl_sagt_die_sammelaenderung_was_zu_tun_ist(fenster):  # noqa: F811
    seite = fenster.zeigen("projekte")
    seite.projekte.tabelle.clearSelection()
    seite.sammel_bearbeiten("meilenstein", "status")
    assert fenster.meldungen and "Meilensteine in der Liste auswählen" in fenster.meldungen[-1]


# ------------------------------------------------------------------------------------------ menus
def test_kontextmenue_jeder_tabelle(fenster):  # noqa: F811
    standard = ["Ö&ffnen", "&Kopieren", "Mit Spalten&überschriften kopieren", "Ansicht e&xportieren …"]
    leistungen = fenster.zeigen("leistungen").tabelle
    assert list(_menue(leistungen.aktionen)) == standard + ["&Behörde setzen …", "Ins &Ressort aufnehmen",
                                                            "Aus dem Ressort &nehmen"]
    projekte = fenster.zeigen("projekte")
    assert list(_menue(projekte.projekte.aktionen)) == standard + ["&Ampel setzen …", "&Behörde setzen …"]
    assert list(_menue(projekte.meilensteine.aktionen)) == standard + ["&Status setzen …"]
    assert list(_menue(fenster.zeigen("finanzen").tabelle.aktionen)) == standard
    assert list(_menue(fenster.zeigen("aenderungen").tabelle.tabellenaktionen)) == standard
    editor, _m = _planeditor(fenster, "BMAS-2024-03", 2)
    assert list(_menue(editor.plan_tabelle.tabellenaktionen)) == ["&Kopieren", "Mit Spalten&überschriften kopieren",
                                                                  "&Einfügen", "Ansicht e&xportieren …"]
    assert list(_menue(editor.ms_tabelle.tabellenaktionen)) == standard[1:]
    for menue in (leistungen.aktionen.letztes_menue, editor.plan_tabelle.tabellenaktionen.letztes_menue):
        buchstaben = [a.text().split("&")[1][0].lower() for a in menue.actions() if "&" in a.text()]
        assert len(buchstaben) == len(set(buchstaben))  # no mnemonic twice in one menu


def test_kurze_listen_und_zahlungsplan_exportieren(fenster, tmp_path: Path):  # noqa: F811
    editor, modell = _planeditor(fenster, "BMAS-2024-03", 2)
    editor.ms_tabelle.tabellenaktionen.exportieren(str(tmp_path / "ms.xlsx"))
    kopf, zeilen = _ansicht(editor.ms_tabelle)
    ws = openpyxl.load_workbook(tmp_path / "ms.xlsx").active
    assert ws.title == "Meilensteine des Projekts" and [c.value for c in ws[1]] == kopf
    assert [[_xlsx_text(c) for c in r] for r in ws.iter_rows(min_row=2)] == [
        [z if z else "" for z in zeile] for zeile in zeilen]
    editor.plan_tabelle.tabellenaktionen.exportieren(str(tmp_path / "plan.xlsx"))
    ws = openpyxl.load_workbook(tmp_path / "plan.xlsx").active
    assert ws[1][0].value == "Quartal" and ws[1][-1].value == "Summe" and ws.max_row == len(modell.quartale) + 2
    assert ws.cell(2, 2).value == float(Decimal(modell.wert(0, 0)) / 100)



def test_export_mit_echtem_runner_liest_im_hintergrund_und_sperrt_den_knopf(qtbot, demo_store, tmp_path: Path):
    from ozgdesk.model import tabellen
    from ozgdesk.ui.runner import Runner
    from ozgdesk.ui.tabellenseite import TabellenSeite

    runner = Runner()
    seite = TabellenSeite(demo_store, tabellen.mittelabfluesse(), runner)
    qtbot.addWidget(seite)
    qtbot.waitUntil(lambda: seite.modell.gesamt > 0, timeout=10000)
    seite.aktionen.datei_waehlen = lambda: str(tmp_path / "alle.xlsx")  # the file chooser answered
    with qtbot.waitSignal(seite.aktionen.exportiert, timeout=20000) as signal:
        seite.export_knopf.click()
        assert not seite.export_knopf.isEnabled() or signal.signal_triggered
    runner.warten()
    assert signal.args == [str(tmp_path / "alle.xlsx"), seite.modell.gesamt]
    assert seite.export_knopf.isEnabled()
    assert openpyxl.load_workbook(tmp_path / "alle.xlsx").active.max_row == seite.modell.gesamt + 2
    runner.deleteLater()


def test_datei_ansicht_exportieren_ohne_tabelle_sagt_es_auf_deutsch(fenster, tmp_path: Path):  # noqa: F811
    fenster.zeigen("uebersicht")
    fenster.ansicht_exportieren()
    assert fenster.meldungen[-1].startswith("Auf dieser Seite gibt es keine Tabelle zum Exportieren.")
    projekte = fenster.zeigen("projekte")
    projekte.listen.setCurrentIndex(1)  # „Alle Meilensteine“: the list shown is the one exported
    projekte.meilensteine.aktionen.datei_waehlen = lambda: str(tmp_path / "ms.csv")
    fenster.ansicht_exportieren()
    kopf = (tmp_path / "ms.csv").read_text("utf-8-sig").splitlines()[0]
    assert kopf == "Projekt;Meilenstein;Plan;Prognose;Ist;Status;Verschiebungen"
