"""Contrast of every colour pair of the three designs (WCAG 2.1 SC 1.4.3 via BITV 2.0): the
palettes as Qt receives them, the app's own colours on every background they are drawn on, and no
colour in ``ozgdesk/ui`` that is not declared (and so checked) in ``ozgdesk/ui/farben.py``."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from PySide6.QtGui import QPalette

import ozgdesk.ui
from ozgdesk.ui import farben, thema
from ozgdesk.ui.app import anwendung
from ozgdesk.ui.farben import (
    DEAKTIVIERTE_PAARE,
    EIGENE_HINTERGRUENDE,
    EIGENE_PAARE,
    FESTE_PAARE,
    MINDESTKONTRAST,
    MINDESTKONTRAST_DEAKTIVIERT,
    PALETTENPAARE,
    kontrast,
)


def test_kontrast_nach_wcag():
    assert kontrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert kontrast("#ffffff", "#ffffff") == pytest.approx(1.0)
    assert kontrast("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)  # the classic 4.5:1 grey
    assert kontrast("#308cc6", "#ffffff") < 4.5  # Fusion's own highlight under white text: why Hell sets its own


@pytest.mark.parametrize("name", farben.DESIGNS)
def test_palette_wie_qt_sie_erhaelt(name: str):
    """The palette thema applies (for Hell: Fusion's with ozgdesk's text roles), read back from Qt."""
    anwendung()
    p = thema.palette(farben.design(name))

    def hex_(gruppe: QPalette.ColorGroup, rolle: str) -> str:
        return p.color(gruppe, getattr(QPalette.ColorRole, rolle)).name()

    zu_wenig = []
    for gruppe in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive):
        for vorne, hinten, minimum in PALETTENPAARE:
            k = kontrast(hex_(gruppe, vorne), hex_(gruppe, hinten))
            if k < minimum:
                zu_wenig.append(f"{gruppe.name} {vorne}/{hinten}: {k:.2f}")
    # Disabled controls: exempt from SC 1.4.3 ("inactive user interface component"); kept at 3:1 so
    # the label stays readable while it must differ from active text – see farben's docstring
    for vorne, hinten in DEAKTIVIERTE_PAARE:
        k = kontrast(hex_(QPalette.ColorGroup.Disabled, vorne), hex_(QPalette.ColorGroup.Disabled, hinten))
        if k < MINDESTKONTRAST_DEAKTIVIERT:
            zu_wenig.append(f"Disabled {vorne}/{hinten}: {k:.2f}")
        aktiv = kontrast(hex_(QPalette.ColorGroup.Active, vorne), hex_(QPalette.ColorGroup.Active, hinten))
        assert aktiv > k, f"{vorne}: deaktiviert muss sich von aktiv unterscheiden"
    assert not zu_wenig, zu_wenig


@pytest.mark.parametrize("name", farben.DESIGNS)
def test_eigene_farben_auf_jedem_hintergrund(name: str):
    d = farben.design(name)
    zu_wenig = []
    for schluessel, hintergruende in EIGENE_HINTERGRUENDE.items():
        if schluessel not in d.eigene:
            continue
        for rolle in hintergruende:
            k = kontrast(d.eigene[schluessel], d.palette[rolle])
            if k < MINDESTKONTRAST:
                zu_wenig.append(f"{schluessel} auf {rolle}: {k:.2f}")
    for vorne, hinten in EIGENE_PAARE:
        k = kontrast(d.eigene[vorne], d.eigene[hinten])
        if k < MINDESTKONTRAST:
            zu_wenig.append(f"{vorne} auf {hinten}: {k:.2f}")
    for stufe, farbe in enumerate(d.reifegrad):
        for rolle in ("Base", "AlternateBase"):
            k = kontrast(farbe, d.palette[rolle])
            if k < MINDESTKONTRAST:
                zu_wenig.append(f"Reifegrad {stufe} auf {rolle}: {k:.2f}")
    assert not zu_wenig, zu_wenig
    # every own colour is checked against something
    geprueft = set(EIGENE_HINTERGRUENDE) | {x for paar in EIGENE_PAARE for x in paar}
    assert set(d.eigene) <= geprueft, set(d.eigene) - geprueft


def test_feste_farbpaare():
    for wo, vorne, hinten in FESTE_PAARE:
        assert kontrast(vorne, hinten) >= MINDESTKONTRAST, wo


def test_keine_farbe_an_der_pruefung_vorbei():
    """A ``#rrggbb`` written anywhere in ozgdesk/ui must be a declared fixed pair (or live in farben.py)."""
    erlaubt = {f.lower() for _wo, vorne, hinten in FESTE_PAARE for f in (vorne, hinten)}
    ordner = Path(ozgdesk.ui.__file__).parent
    fremd = []
    for datei in sorted(ordner.glob("*.py")):
        if datei.name == "farben.py":
            continue
        for nr, zeile in enumerate(datei.read_text(encoding="utf-8").splitlines(), start=1):
            for farbe in re.findall(r"#[0-9a-fA-F]{6}\b", zeile):
                if farbe.lower() not in erlaubt:
                    fremd.append(f"{datei.name}:{nr}: {farbe}")
    assert not fremd, "Farben ohne Kontrastprüfung (in ozgdesk/ui/farben.py eintragen):\n" + "\n".join(fremd)


def test_designwechsel_faerbt_alles_um(qtbot, design_zuruecksetzen):  # noqa: ANN001
    from PySide6.QtWidgets import QApplication, QLabel

    from ozgdesk.ui import format as fmt
    from ozgdesk.model.values import Ampel

    app = anwendung()
    label = QLabel("Fehler")
    thema.einfaerben(label, "fehler")
    qtbot.addWidget(label)
    for name in farben.DESIGNS:
        thema.anwenden(app, name)
        d = farben.design(name)
        assert QApplication.palette().color(QPalette.ColorRole.Window).name() == d.palette["Window"]
        assert fmt.AMPELFARBEN[Ampel.GELB].name() == d.eigene["ampel_gelb"]
        label.ensurePolished()
        assert label.palette().color(QPalette.ColorRole.WindowText).name() == d.eigene["fehler"], name
    assert thema.aktuell() == "kontrast" and "border: 2px solid #ffffff" in app.styleSheet()


def test_meldungsrollen_ohne_stilvorlage_der_anwendung(qtbot, design_zuruecksetzen):
    """Hell and Dunkel put no style sheet on the application (it would send every widget through
    Qt's style-sheet engine: the window's start); the message boxes still follow each design."""
    from PySide6.QtWidgets import QLabel

    app = anwendung()
    box = QLabel("Hinweis")
    qtbot.addWidget(box)
    thema.einfaerben(box, "hinweisbox")
    for name in farben.DESIGNS:
        thema.anwenden(app, name)
        d = farben.design(name)
        assert (app.styleSheet() == "") == (name != "kontrast"), name
        assert d.eigene["hinweisbox_grund"] in box.styleSheet() and d.eigene["hinweisbox_text"] in box.styleSheet()
        box.ensurePolished()
        assert box.palette().color(QPalette.ColorRole.WindowText).name() == d.eigene["hinweisbox_text"], name
