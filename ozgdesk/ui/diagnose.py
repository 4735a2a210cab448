"""„Über / Diagnose“: versions, paths and the tail of the technical log, copyable for IT support.

The diagnosis reads the database (schema, settings) and the log file; both happen off the GUI
thread through the runner, so opening the dialog never waits for a busy database or a slow disk.
The log lines are redacted when written (:class:`ozgdesk.logbuch.Schwaerzungsfilter`), so what is
shown and copied here holds no credentials.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QUrl
from PySide6.QtGui import (
    QDesktopServices,
    QFontDatabase,
    QFontMetrics,
    QGuiApplication,
    QTextCursor,
)
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from ozgdesk import __version__, logbuch
from ozgdesk.diagnose import als_text, diagnose
from ozgdesk.model.store import Store
from ozgdesk.ui import format as fmt

#: How many lines of the technical log the dialog shows and copies.
ZEILEN = 200


@dataclass(frozen=True)
class Diagnosedaten:
    text: str
    zeilen: list[str]
    logordner: Path | None


def diagnosedaten_laden(store: Store) -> Diagnosedaten:
    """Worker side: the diagnosis (reads the database) and the log's tail (reads the file)."""
    datei = logbuch.aktuelle_logdatei()
    ordner = datei.parent if datei is not None else logbuch.logdatei(store.ordner).parent
    return Diagnosedaten(als_text(diagnose(store)), logbuch.letzte_zeilen(ZEILEN, datei),
                         ordner if ordner.is_dir() else None)


class Diagnosedialog(QDialog):
    def __init__(self, store: Store, runner: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Über ozgdesk / Diagnose")
        self._daten: Diagnosedaten | None = None
        kopf = QLabel(f"<b>ozgdesk {__version__}</b><br>Werkzeug der Ressorts für das Digitalisierungsprogramm "
                      "Bund (OZG).<br>Für Anfragen an die IT bitte die Angaben unten kopieren und mitsenden.")
        kopf.setWordWrap(True)
        schrift = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        metrik = QFontMetrics(schrift)
        hoehe = metrik.lineSpacing()
        self.text = QPlainTextEdit("Diagnose wird geladen …")
        self.text.setReadOnly(True)
        self.text.setAccessibleName("Diagnoseangaben")
        self.text.setFont(schrift)
        self.text.setMinimumSize(metrik.horizontalAdvance("x" * 90), hoehe * 8)
        protokoll_titel = QLabel(f"&Technisches Protokoll (die letzten {ZEILEN} Zeilen, neueste unten):")
        self.protokoll = QPlainTextEdit()
        self.protokoll.setReadOnly(True)
        self.protokoll.setAccessibleName("Technisches Protokoll")
        self.protokoll.setFont(schrift)
        # wrapped: a structured line is read whole, without scrolling sideways
        self.protokoll.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.protokoll.setMinimumHeight(hoehe * 8)
        self.protokoll.setPlaceholderText("Protokoll wird geladen …")
        protokoll_titel.setBuddy(self.protokoll)

        knoepfe = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.kopieren = knoepfe.addButton("Protokollzeilen &kopieren", QDialogButtonBox.ButtonRole.ActionRole)
        self.kopieren.setToolTip("Diagnoseangaben und Protokollzeilen in die Zwischenablage kopieren")
        self.kopieren.setEnabled(False)
        self.kopieren.clicked.connect(self._kopieren)
        self.ordner_oeffnen = knoepfe.addButton("Protokoll&ordner öffnen", QDialogButtonBox.ButtonRole.ActionRole)
        self.ordner_oeffnen.setEnabled(False)
        self.ordner_oeffnen.clicked.connect(self._ordner_oeffnen)
        knoepfe.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(kopf)
        layout.addWidget(self.text, 1)
        layout.addWidget(protokoll_titel)
        layout.addWidget(self.protokoll, 2)
        layout.addWidget(knoepfe)
        # room for a whole structured log line and most of the diagnosis, within the screen
        frei = self.screen().availableGeometry()
        self.resize(min(metrik.horizontalAdvance("x" * 130) + 40, frei.width() - 40),
                    min(hoehe * 40 + 160, frei.height() - 60))
        runner.starten(lambda: diagnosedaten_laden(store), self._geladen, self._fehler)

    def _geladen(self, daten: Diagnosedaten) -> None:
        self._daten = daten
        self.text.setPlainText(daten.text)
        self.protokoll.setPlaceholderText("Das technische Protokoll ist noch leer (oder es wird keine "
                                          "Protokolldatei geschrieben).")
        self.protokoll.setPlainText("\n".join(daten.zeilen))
        self.protokoll.moveCursor(QTextCursor.MoveOperation.End)
        self.protokoll.ensureCursorVisible()
        self.kopieren.setEnabled(True)
        self.ordner_oeffnen.setEnabled(daten.logordner is not None)
        if daten.logordner is not None:
            self.ordner_oeffnen.setToolTip(str(daten.logordner))

    def _fehler(self, e: BaseException) -> None:
        self.text.setPlainText(f"Die Diagnose konnte nicht geladen werden: {fmt.fehlertext(e)}")
        self.protokoll.setPlaceholderText("")

    def kopiertext(self) -> str:
        if self._daten is None:
            return ""
        teile = [self._daten.text]
        if self._daten.zeilen:
            teile.append(f"Technisches Protokoll (letzte {len(self._daten.zeilen)} Zeilen):\n"
                         + "\n".join(self._daten.zeilen) + "\n")
        return "\n".join(teile)

    def _kopieren(self) -> None:
        QGuiApplication.clipboard().setText(self.kopiertext())

    def _ordner_oeffnen(self) -> None:
        if self._daten is not None and self._daten.logordner is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self._daten.logordner)))
