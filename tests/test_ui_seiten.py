"""The pages and dialogs of ozgdesk/ui/seiten.py, the catalogue and the payment import on the
operation layer: reads and writes on the DB worker (the session check is on for every test), views
refreshed from the one broadcast ``daten_geaendert``, German messages for what vanished meanwhile.

Driven through the real window with the synchronous runner; only the modal ``exec()`` is replaced.
"""

from __future__ import annotations

import threading
from pathlib import Path

from sqlalchemy import func, select
from tests.katalog_export import als_xlsx, export_zeilen
from tests.test_ui_arbeitsablaeufe import ausfuellen, fenster  # noqa: F401 - fixture

from ozgdesk.model import Behoerde, Leistung, Meilenstein, Mittelabfluss, Projekt
from ozgdesk.model.aenderungen import Aenderungen
from ozgdesk.model.grunddaten import leistung_id


def _liste(dialog) -> list[tuple]:  # noqa: ANN001
    m = dialog.modell
    return [tuple(m.data(m.index(r, c)) for c in range(m.columnCount())) for r in range(m.rowCount())]


def _zeile_von(modell, id_: str) -> int:  # noqa: ANN001
    return next(r for r in range(modell.rowCount()) if modell.id_von(r) == id_)


def test_leistungen_laden_nur_neu_wenn_eine_gezeigte_tabelle_geschrieben_wurde(fenster):  # noqa: F811
    seite = fenster.zeigen("leistungen")
    t = seite.tabelle
    t.filter["umfang"].setCurrentIndex(t.filter["umfang"].findData("alle"))
    t.suche_sofort("10000")
    lid = t.modell.zeilen_id(0)
    spalte = t.abfrage.spalte("bezeichnung")
    alt = t.modell.data(t.modell.index(0, spalte))
    with fenster.store.session() as s:  # written elsewhere (e.g. a script), not yet broadcast
        s.get(Leistung, lid).bezeichnung = "Umbenannt im Hintergrund"
    assert {"leistung", "reifegrad_bewertung"} <= seite.zeigt and "mittelabfluss" not in seite.zeigt
    seite.aenderungen_erhalten(Aenderungen.aus([("mittelabfluss", "x")]), None)
    assert t.modell.data(t.modell.index(0, spalte)) == alt  # a payment does not concern this list
    seite.aenderungen_erhalten(Aenderungen.aus([("leistung", lid)]), None)
    assert t.modell.data(t.modell.index(0, spalte)) == "Umbenannt im Hintergrund"


def test_leistung_bearbeiten_schreibt_nur_geaenderte_felder(fenster):  # noqa: F811
    seite = fenster.zeigen("leistungen")
    lid = leistung_id("10000")
    with fenster.store.lesen() as s:
        assert not s.get(Leistung, lid).im_ressort

    def anderer_schreiber() -> None:
        with fenster.store.session() as s:
            s.get(Leistung, lid).bemerkung = "von anderer Stelle"

    def dazwischen(dialog) -> bool:  # noqa: ANN001 - another writer sets the Bemerkung while the form is open
        schreiber = threading.Thread(target=anderer_schreiber)  # not the GUI: a second program, a sync
        schreiber.start()
        schreiber.join()
        return ausfuellen({"im_ressort": True, "prioritaet": "1"})(dialog)

    seite.dialog_ausfuehren = dazwischen
    seite.bearbeiten(lid)
    with fenster.store.lesen() as s:
        l = s.get(Leistung, lid)
        assert (l.im_ressort, l.prioritaet, l.bemerkung) == (True, 1, "von anderer Stelle")
    assert fenster.stack.count() == 1 and fenster.stack.undoText() == "OZG-Leistung 10000 ändern"


def test_entfallene_leistung_gibt_deutsche_meldung(fenster):  # noqa: F811
    seite = fenster.zeigen("leistungen")
    geoeffnet: list = []
    seite.dialog_ausfuehren = lambda d: geoeffnet.append(d) or False
    seite.bearbeiten("gibt-es-nicht")
    seite.reifegrad("gibt-es-nicht")
    assert not geoeffnet
    assert fenster.meldungen == ["Die OZG-Leistung ist nicht mehr im Katalog (inzwischen entfallen oder gelöscht)."] * 2


def test_zustaendigkeit_ohne_auswahl_und_ohne_noetige_aenderung(fenster):  # noqa: F811
    seite = fenster.zeigen("leistungen")
    seite.zustaendigkeit_setzen(True)
    assert seite.auswahl_anzeige.text() == "Bitte zuerst Leistungen auswählen."
    seite.alle_auswaehlen()  # the Ressort's Leistungen (the preset filter): all in the Ressort already
    n = len(seite.tabelle.ausgewaehlte_ids())
    assert n > 0 and seite.auswahl_anzeige.text() == f"{n} ausgewählt"
    seite.zustaendigkeit_setzen(True)
    assert seite.auswahl_anzeige.text() == "Keine Änderung nötig." and fenster.stack.count() == 0
    seite.zustaendigkeit_setzen(False)
    assert fenster.stack.undoText() == f"{n} OZG-Leistungen aus dem Ressort nehmen"
    assert seite.tabelle.modell.rowCount() == 0  # the list (Ressort only) reloaded from the broadcast


def test_neues_projekt_mit_vorhandener_kennung_wird_abgelehnt(fenster):  # noqa: F811
    seite = fenster.zeigen("projekte")
    vorher = seite.projekte.modell.rowCount()
    seite.dialog_ausfuehren = ausfuellen({"kennung": " bmas-2024-01 ", "titel": "Doppelt"})
    seite.neues_projekt()
    assert fenster.meldungen == ["Ein Projekt mit der Kennung BMAS-2024-01 gibt es schon."]
    with fenster.store.lesen() as s:
        assert s.execute(select(func.count(Projekt.id)).where(Projekt.kennung == "BMAS-2024-01")).scalar_one() == 1
    protokoll: list = []
    seite.dialog_ausfuehren = ausfuellen({"kennung": "x", "titel": "Zu kurz"}, protokoll)
    seite.neues_projekt()
    assert "Projektkennung „X“ ist ungültig" in protokoll[0]["_meldung"]  # entwurf_pruefen: the entity's rule, shown in the form
    seite.dialog_ausfuehren = ausfuellen({"kennung": "bmas-2027-09", "titel": "Neu"})
    seite.neues_projekt()
    assert seite.projekte.modell.rowCount() == vorher + 1  # the list learned of it from the broadcast
    assert "BMAS-2027-09" in seite.editor.kopf.text()


def test_meilenstein_oeffnen_zeigt_projekt_und_markiert_die_zeile(fenster):  # noqa: F811
    with fenster.store.lesen() as s:
        mid, pid = s.execute(select(Meilenstein.id, Meilenstein.projekt_id).join(Projekt)
                             .where(Projekt.kennung == "BMAS-2024-02").order_by(Meilenstein.plan_datum.desc())).first()
    seite = fenster.zeigen("projekte")
    seite.meilenstein_oeffnen(mid)
    editor = seite.editor
    assert editor.projekt_id == pid and editor.reiter.currentIndex() == 1
    zeile = editor.ms_tabelle.currentIndex().row()
    assert zeile >= 0 and editor.ms_modell.zeilen[zeile][0] == mid
    seite.meilenstein_oeffnen("geloescht")
    assert fenster.meldungen == ["Der Meilenstein ist nicht mehr vorhanden (inzwischen gelöscht)."]


def test_stammdaten_anlegen_aendern_und_rueckgaengig_aktualisieren_die_liste(fenster):  # noqa: F811
    from ozgdesk.ui.seiten import StammdatenDialog

    d = StammdatenDialog("behoerde", fenster.store, fenster.bearbeitung, fenster)
    vorher = len(_liste(d))
    assert vorher > 0
    d.dialog_ausfuehren = ausfuellen({"kurzname": "ZZB", "name": "Zentrale Zulassungsbehörde"})
    d.neu()
    assert ("ZZB", "Zentrale Zulassungsbehörde", "unmittelbare Bundesverwaltung", "nein") in _liste(d)  # reloaded from the broadcast
    with fenster.store.lesen() as s:
        bid = s.execute(select(Behoerde.id).where(Behoerde.kurzname == "ZZB")).scalar_one()
    d.tabelle.selectRow(_zeile_von(d.modell, bid))
    protokoll: list = []
    d.dialog_ausfuehren = ausfuellen({"name": "Zentrale Zulassungsstelle"}, protokoll)
    d.bearbeiten()
    assert protokoll[0]["_hinweise"] == ""  # its own name is no duplicate
    assert ("ZZB", "Zentrale Zulassungsstelle", "unmittelbare Bundesverwaltung", "nein") in _liste(d)
    assert fenster.stack.undoText() == "Behörde ändern"
    fenster.undo_aktion.trigger()
    assert ("ZZB", "Zentrale Zulassungsbehörde", "unmittelbare Bundesverwaltung", "nein") in _liste(d)  # an undo is broadcast as well
    d.done(0)  # closed: it no longer listens
    fenster.undo_aktion.trigger()
    assert len(_liste(d)) == vorher + 1


def test_person_doppelt_und_pflichtfeld(fenster):  # noqa: F811
    from ozgdesk.ui.seiten import StammdatenDialog

    d = StammdatenDialog("person", fenster.store, fenster.bearbeitung, fenster)
    name = _liste(d)[0][0]
    protokoll: list = []
    d.dialog_ausfuehren = ausfuellen({"name": f"  {name.upper()} "}, protokoll)
    d.neu()
    assert f"Eine Person „{name}“" in protokoll[0]["_hinweise"] and "gibt es schon" in protokoll[0]["_hinweise"]
    assert protokoll[0]["_ok"] == "&Trotzdem speichern" and fenster.stack.count() == 0


def test_zahlungsimport_meldet_die_neuen_zahlungen_an_die_finanzen(fenster, tmp_path: Path):  # noqa: F811
    from ozgdesk.ui.zahlungsimport import Zahlungsimportdialog
    from tests.test_zahlungen_dialog import GUT

    seite = fenster.zeigen("finanzen")
    vorher = seite.tabelle.modell.rowCount()
    gemeldet: list[Aenderungen] = []
    fenster.ops.daten_geaendert.connect(lambda a, _i: gemeldet.append(a))
    datei = tmp_path / "hkr.csv"
    datei.write_bytes(GUT.encode("cp1252"))
    d = Zahlungsimportdialog(fenster.store, fenster.runner, fenster, ops=fenster.ops)
    d.datei.setText(str(datei))
    d.pruefen()
    assert not gemeldet  # checking writes nothing
    d.uebernehmen()
    assert "2 Zahlungen übernommen" in d.status.text()
    assert len(gemeldet) == 1 and len(gemeldet[0].ids("mittelabfluss")) == 2
    with fenster.store.lesen() as s:
        assert all(s.get(Mittelabfluss, i) is not None for i in gemeldet[0].ids("mittelabfluss"))
    assert seite.tabelle.anzahl.text() == f"{vorher + 2} Einträge"  # the open page, while the dialog is open


def test_katalogimport_meldet_die_neue_leistung_an_die_leistungen(fenster, tmp_path: Path):  # noqa: F811
    from ozgdesk.model.katalogimport.dienst import Katalogdienst
    from ozgdesk.ui.katalogdialog import Katalogdialog

    zeilen = export_zeilen()
    zeilen.append({**zeilen[0], "OZG-ID": "10999", "OZG-Leistungen": "Digitale Familienkasse",
                   "LeiKa-Schlüssel": "99999000000001", "LeiKa-Bezeichnung": "Familienkasse online"})
    datei = als_xlsx(zeilen, tmp_path / "OZG-Katalog-2026-11.xlsx")
    seite = fenster.zeigen("leistungen")
    t = seite.tabelle
    t.filter["umfang"].setCurrentIndex(t.filter["umfang"].findData("alle"))
    t.suche_sofort("Familienkasse")
    assert t.modell.rowCount() == 0
    gemeldet: list[Aenderungen] = []
    fenster.ops.daten_geaendert.connect(lambda a, _i: gemeldet.append(a))
    d = Katalogdialog(fenster.store, fenster.runner, Katalogdienst(), fenster, ops=fenster.ops)
    d.datei.setText(str(datei))
    d.vergleichen()
    assert d.uebernehmen_knopf.isEnabled() and not gemeldet
    d.anwenden()
    assert d.uebernommen > 0 and len(gemeldet) == 1
    assert leistung_id("10999") in gemeldet[0].ids("leistung")
    assert t.modell.rowCount() == 1 and t.modell.zeilen_id(0) == leistung_id("10999")  # shown at once
    d.frage_zuruecknehmen = lambda: True
    d.zuruecknehmen()
    assert d.status.text().startswith("Zurückgenommen") and len(gemeldet) == 2
    assert t.modell.rowCount() == 0
