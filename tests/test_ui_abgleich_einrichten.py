"""The Abgleich page (issue 14): a missing target folder is created only after „Ja“; an address with
credentials is refused; a stuck submission is removed from the outbox after a question. Real
widgets; only the modal ``QMessageBox.exec`` is replaced (it records the question and answers)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from urllib.parse import quote

import keyring
import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication, QMessageBox

from ozgdesk.model.demo import STICHTAG
from ozgdesk.sync.abgleich import ZIEL
from ozgdesk.sync.ausgang import ausgang, ausgang_einreihen
from ozgdesk.ui.app import anwendung
from ozgdesk.ui.hauptfenster import Hauptfenster
from ozgdesk.ui.runner import SofortRunner
from tests.sync_server import BENUTZER, PASSWORT, Speicher

#: set OZGDESK_BILDER=ordner to keep the rendered pictures of these tests
BILDER = os.environ.get("OZGDESK_BILDER")


@pytest.fixture
def schluesselbund():  # noqa: ANN201
    vorher = keyring.get_keyring()
    kr = Speicher()
    keyring.set_keyring(kr)
    yield kr
    keyring.set_keyring(vorher)


class Fragen:
    """Replaces ``QMessageBox.exec``: records title, text and buttons, answers from a list."""

    def __init__(self, monkeypatch, tmp_path: Path) -> None:  # noqa: ANN001
        self.antworten: list[bool] = []
        self.gefragt: list[dict[str, object]] = []
        self.tmp_path = tmp_path
        fragen = self

        def exec_(box: QMessageBox) -> int:
            box.show()  # laid out as the user sees it (QMessageBox wraps its text when shown)
            QApplication.processEvents()
            bild = _bild(box, fragen.tmp_path, f"{box.objectName()}-{len(fragen.gefragt)}.png")
            box.hide()
            fragen.gefragt.append({"name": box.objectName(), "titel": box.windowTitle(), "text": box.text(),
                                   "knoepfe": [b.text() for b in box.buttons()], "bild": bild,
                                   "vorgabe": box.defaultButton().text() if box.defaultButton() else None})
            ja = fragen.antworten.pop(0)
            return int((QMessageBox.StandardButton.Yes if ja else QMessageBox.StandardButton.No).value)

        monkeypatch.setattr(QMessageBox, "exec", exec_)


def _bild(widget, tmp_path: Path, name: str) -> Path:  # noqa: ANN001
    ziel = Path(BILDER) if BILDER else tmp_path
    ziel.mkdir(parents=True, exist_ok=True)
    assert widget.grab().save(str(ziel / name))
    return ziel / name


def _seite(qtbot, store, tmp_path, name="e"):  # noqa: ANN001, ANN202
    anwendung()
    f = Hauptfenster(store, SofortRunner(), stichtag=lambda: STICHTAG,
                     einstellungen=QSettings(str(tmp_path / f"{name}.ini"), QSettings.Format.IniFormat))
    f.meldung = lambda *_a: None
    f.resize(1280, 900)
    qtbot.addWidget(f)
    return f, f.zeigen("abgleich")


def test_fehlender_zielordner_wird_nach_ja_angelegt_mit_dem_eingegebenen_passwort(
        qtbot, dav, demo_store, tmp_path, schluesselbund, monkeypatch) -> None:  # noqa: ANN001
    fragen = Fragen(monkeypatch, tmp_path)
    _f, seite = _seite(qtbot, demo_store, tmp_path)
    url = dav.url + "neu/"
    for antwort in (False, True):
        fragen.antworten.append(antwort)
        seite.ziel.setText(url)
        seite.benutzer.setText(BENUTZER)
        seite.passwort.setText(PASSWORT)
        seite.einrichten()
        assert seite.passwort.text() == ""  # cleared at once, also when the question comes
        frage = fragen.gefragt[-1]
        assert frage["titel"] == "Zielordner anlegen?" and f"Der Zielordner {url} existiert nicht." in str(frage["text"])
        assert "Soll ozgdesk den Zielordner jetzt anlegen" in str(frage["text"])
        assert frage["knoepfe"] == ["&Ja, anlegen", "&Nein"] and frage["vorgabe"] == "&Nein"
        if not antwort:  # „Nein“: nothing created, nothing taken over
            assert "✗ Zielordner: Der Zielordner" in seite.pruefergebnis.text()
            assert not (dav.wurzel / "neu").exists() and demo_store.meta(ZIEL) is None
            assert schluesselbund.daten == {}
    # „Ja“: the same input again, creating the folder – with the password typed before
    text = seite.pruefergebnis.text()
    assert f"✓ Zielordner: Der Zielordner {url} wurde angelegt." in text and "✗" not in text
    assert (dav.wurzel / "neu").is_dir() and demo_store.meta(ZIEL) == url
    assert list(schluesselbund.daten.values()) == [PASSWORT]
    assert len(fragen.gefragt) == 2  # asked once per attempt, not again after creating
    _bild(seite, tmp_path, "abgleich-zielordner-angelegt.png")


def test_adresse_mit_zugangsdaten_wird_in_der_oberflaeche_abgelehnt(
        qtbot, dav, demo_store, demo_home, tmp_path, schluesselbund, monkeypatch) -> None:  # noqa: ANN001
    fragen = Fragen(monkeypatch, tmp_path)
    f, seite = _seite(qtbot, demo_store, tmp_path, "z")
    (dav.wurzel / "ablage").mkdir()
    geheim = "Geh31m-Straße"
    sauber = dav.url + "ablage/"
    seite.ziel.setText(sauber.replace("://", f"://k.brenner:{quote(geheim, safe='')}@", 1))
    seite.passwort.setText("anderes")
    seite.einrichten()
    text = seite.pruefergebnis.text()
    assert text.startswith("✗ Die Adresse enthält Benutzername oder Passwort") and "getrennt" in text
    assert seite.ziel.text() == sauber  # the secret left the field; the address stays for a retry
    assert seite.passwort.text() == "" and geheim not in text and "k.brenner" not in text
    assert not dav.stoerung.anfragen and not fragen.gefragt  # refused before any request or question
    assert demo_store.meta(ZIEL) is None and schluesselbund.daten == {}
    f.close()  # writes the window's settings
    f.einstellungen.sync()
    _bild(seite, tmp_path, "abgleich-zugangsdaten-abgelehnt.png")
    dateien = [p for p in list(demo_home.rglob("*")) + list(tmp_path.glob("*.ini")) if p.is_file()]
    assert any(p.suffix == ".ini" for p in dateien)
    for p in dateien:
        inhalt = p.read_bytes()
        assert geheim.encode() not in inhalt and quote(geheim, safe="").encode() not in inhalt, p


def _paket(tmp_path: Path, name: str) -> Path:
    ordner = tmp_path / "einreichungen" / name
    ordner.mkdir(parents=True)
    (ordner / "Quartalsbericht.pdf").write_bytes(b"%PDF " + name.encode())
    return ordner


def test_haengende_einreichung_wird_nach_rueckfrage_aus_dem_postausgang_entfernt(
        qtbot, demo_store, tmp_path, monkeypatch) -> None:  # noqa: ANN001
    fragen = Fragen(monkeypatch, tmp_path)
    ablage = tmp_path / "ablage"
    ablage.mkdir()
    _f, seite = _seite(qtbot, demo_store, tmp_path, "a")
    assert seite.ausgangsliste.item(0).text() == "Keine Einreichungen im Postausgang."
    assert not seite.ausgang_entfernen_knopf.isEnabled()
    seite.ziel.setText(str(ablage))
    seite.einrichten()
    gut = ausgang_einreihen(demo_store, _paket(tmp_path, "BMAS_2026-Q2_v1"), "BMAS", "2026-Q2")
    seite.jetzt()
    weg = ausgang_einreihen(demo_store, _paket(tmp_path, "BMAS_2026-Q3_v1"), "BMAS", "2026-Q3")
    shutil.rmtree(tmp_path / "einreichungen" / "BMAS_2026-Q3_v1")  # deleted after queueing
    seite.jetzt()
    assert "Die Einreichung 2026-Q3" in seite.meldung.text() and "nicht veröffentlicht" in seite.meldung.text()
    texte = [seite.ausgangsliste.item(i).text() for i in range(seite.ausgangsliste.count())]
    assert len(texte) == 2
    assert texte[0].startswith("2026-Q3 · BMAS_2026-Q3_v1 · eingereiht ")
    assert texte[0].endswith("\n⚠ nicht veröffentlicht – Fehler (Einzelheiten unter der Liste)")
    assert texte[1].startswith("2026-Q2 · BMAS_2026-Q2_v1") and "veröffentlicht am" in texte[1]
    assert texte[1].endswith(" als v1")

    seite.ausgangsliste.setCurrentRow(1)  # a published one cannot be removed
    assert not seite.ausgang_entfernen_knopf.isEnabled()
    assert "outbox/BMAS/2026-Q2/v1" in seite.ausgang_einzelheiten.text()
    seite.ausgangsliste.setCurrentRow(0)
    assert seite.ausgang_entfernen_knopf.isEnabled()
    einzelheiten = seite.ausgang_einzelheiten.text()
    assert einzelheiten.startswith(f"2026-Q3, Kennung {weg[:8]}: Fehler beim letzten Abgleich: Der Paketordner")
    assert "BMAS_2026-Q3_v1 fehlt" in einzelheiten
    _bild(seite, tmp_path, "abgleich-postausgang.png")
    fragen.antworten.append(False)
    seite.ausgang_entfernen_knopf.click()
    assert {e.id for e in ausgang(demo_store)} == {gut, weg}  # „Nein“: stays
    frage = fragen.gefragt[-1]
    assert frage["titel"] == "Aus dem Postausgang entfernen" and frage["vorgabe"] == "&Nein"
    assert "Die Einreichung 2026-Q3" in str(frage["text"]) and "nicht an das BMDS übertragen" in str(frage["text"])
    assert frage["knoepfe"] == ["&Ja, entfernen", "&Nein"]
    fragen.antworten.append(True)
    seite.ausgang_entfernen_knopf.click()
    assert [e.id for e in ausgang(demo_store)] == [gut]
    assert "aus dem Postausgang entfernt" in seite.meldung.text()
    assert seite.ausgangsliste.count() == 1 and "Ausstehende Einreichungen: 0" in seite.zustand.text()
    seite.jetzt()
    assert "nicht veröffentlicht" not in seite.meldung.text()
