"""The technical log: a rotating file in the user's data dir, never with secrets or personal data.

Users read German messages in the UI; the log is for IT support and stays technical: the CLI's and
the GUI's last-resort handlers (:func:`unerwartet`) write the full traceback here and show the user
one German sentence. The log must never become the failure itself: a data folder the user cannot
write falls back to the platform's user log folder, and a line that cannot be written (disk full)
is dropped silently instead of printing ``--- Logging error ---`` with a traceback to the terminal. Because any
library may log a URL with credentials or a header, a filter on the handler redacts credentials in
URLs, Authorization headers, ``password=…``-style pairs and e-mail addresses before a line is
written, whoever wrote it.
"""

from __future__ import annotations

import logging
import logging.handlers
import os
import re
from pathlib import Path
from types import TracebackType

LOGDATEI = "ozgdesk.log"

_MUSTER = (
    (re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://)[^/\s:@]+:[^/\s@]+@"), r"\1***:***@"),
    (re.compile(r"(?i)(authorization['\"]?\s*[:=]\s*['\"]?)(basic|bearer|digest)?\s*[^\s'\",}]+"), r"\1***"),
    (re.compile(r"(?i)\b(pass(?:wort|word|wd)?|kennwort|token|secret|geheimnis)(['\"]?\s*[:=]\s*['\"]?)[^\s'\",}]+"), r"\1\2***"),
    (re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"), "<E-Mail>"),
)


def schwaerzen(text: str) -> str:
    for muster, ersatz in _MUSTER:
        text = muster.sub(ersatz, text)
    return text


class Schwaerzungsfilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = schwaerzen(record.getMessage())
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = schwaerzen(logging.Formatter().formatException(record.exc_info))
        elif record.exc_text:
            record.exc_text = schwaerzen(record.exc_text)
        return True


class _PrivaterHandler(logging.handlers.RotatingFileHandler):
    """Creates the log (and each rotated file) owner-only, and only when the first line is written."""

    def _open(self):  # noqa: ANN202
        if not os.path.exists(self.baseFilename):
            os.close(os.open(self.baseFilename, os.O_CREAT | os.O_WRONLY, 0o600))
        return super()._open()

    def handleError(self, record: logging.LogRecord) -> None:  # noqa: N802 - logging's name
        """A full disk or a vanished folder must not print a traceback onto the user's terminal."""
        global _schreibfehler
        _schreibfehler += 1


_schreibfehler = 0  # lines that could not be written (for tests and the diagnosis)


def logdatei(home: Path) -> Path:
    return home / "logs" / LOGDATEI


def einrichten(home: Path | None, stufe: int = logging.INFO) -> Path | None:
    """Attach the rotating, redacting file handler to the root logger (idempotent).

    Returns the log file, which is under ``home`` unless that cannot be written (read-only data
    folder, ``home`` None because the data folder itself is unusable): then the platform's user log
    folder; None if neither can be written (ozgdesk runs on without a file log).
    """
    for ordner in ([logdatei(home).parent] if home is not None else []) + [_ersatzordner()]:
        try:
            ordner.mkdir(parents=True, exist_ok=True, mode=0o700)
            if os.access(ordner, os.W_OK | os.X_OK) and (not (ordner / LOGDATEI).exists()
                                                        or os.access(ordner / LOGDATEI, os.W_OK)):
                return _anhaengen(ordner / LOGDATEI, stufe)
        except OSError:
            continue
    return None


def _ersatzordner() -> Path:
    from platformdirs import user_log_dir

    return Path(user_log_dir("ozgdesk", appauthor=False))


def aktuelle_logdatei() -> Path | None:
    """The file the log is written to right now, if any."""
    for h in logging.getLogger().handlers:
        if isinstance(h, _PrivaterHandler):
            return Path(h.baseFilename)
    return None


def unerwartet(art: type[BaseException], fehler: BaseException, tb: TracebackType | None, wo: str) -> str:
    """Log an unexpected exception with its traceback; return the German sentence for the user.

    The sentence never contains the exception's own (English) text, only where the details are.
    """
    logging.getLogger("ozgdesk.absturz").error("Unerwarteter Fehler (%s)", wo, exc_info=(art, fehler, tb))
    for h in logging.getLogger().handlers:
        try:
            h.flush()
        except Exception:  # noqa: BLE001 - the message below matters more than the flush
            pass
    datei = aktuelle_logdatei()
    ort = f" in {datei}" if datei else ""
    return ("Unerwarteter interner Fehler; der Vorgang wurde abgebrochen, nicht Gespeichertes "
            f"ist verworfen. Einzelheiten stehen im technischen Protokoll{ort} – bitte der IT melden.")


def _anhaengen(pfad: Path, stufe: int) -> Path:
    wurzel = logging.getLogger()
    for h in list(wurzel.handlers):
        if isinstance(h, _PrivaterHandler):
            if h.baseFilename == str(pfad.resolve()):
                return pfad
            wurzel.removeHandler(h)  # another home (tests, --home): one log file at a time
            h.close()
    handler = _PrivaterHandler(pfad, maxBytes=1_000_000, backupCount=5, encoding="utf-8", delay=True)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(Schwaerzungsfilter())
    wurzel.addHandler(handler)
    if wurzel.level > stufe or wurzel.level == logging.NOTSET:
        wurzel.setLevel(stufe)
    return pfad


# ---------------------------------------------------------------------------------------- events
#: Logger of the structured lines (one per sync run, quarantine, conflict, import, submission).
EREIGNIS_LOGGER = "ozgdesk.ereignis"


def _logfmt_wert(wert: object) -> str:
    """``key=value`` in logfmt style: quoted when the value has blanks, quotes or ``=``."""
    if isinstance(wert, float):
        text = f"{wert:.3f}".rstrip("0").rstrip(".")
    elif isinstance(wert, bool):
        text = "ja" if wert else "nein"
    else:
        text = str(wert)
    if not text or any(c in text for c in ' "=\n\t'):
        text = '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t") + '"'
    return text


def ereignis_zeile(was: str, ergebnis: str, dauer_s: float | None = None, **felder: object) -> str:
    """The structured line for one event: ``ereignis=abgleich ergebnis=ok dauer_ms=812 importiert=3``.

    Fixed keys first (what, outcome, duration), then the counts in the given order; None values are
    left out. One grep-able line per event is what IT support asks for; the format is logfmt so that
    tools parse it without a schema.
    """
    teile = [f"ereignis={_logfmt_wert(was)}", f"ergebnis={_logfmt_wert(ergebnis)}"]
    if dauer_s is not None:
        teile.append(f"dauer_ms={round(dauer_s * 1000)}")
    teile += [f"{k}={_logfmt_wert(v)}" for k, v in felder.items() if v is not None]
    return " ".join(teile)


def ereignis(was: str, ergebnis: str = "ok", dauer_s: float | None = None, **felder: object) -> str:
    """Write one structured event line to the technical log (INFO; WARNING if not ``ok``)."""
    zeile = ereignis_zeile(was, ergebnis, dauer_s, **felder)
    logging.getLogger(EREIGNIS_LOGGER).log(logging.INFO if ergebnis == "ok" else logging.WARNING, "%s", zeile)
    return zeile


def letzte_zeilen(anzahl: int = 200, datei: Path | None = None) -> list[str]:
    """The last ``anzahl`` lines of the technical log (for the Diagnose dialog); [] if there is none.

    Reads at most the last 256 KiB, so a huge log never stalls the dialog."""
    datei = datei or aktuelle_logdatei()
    if datei is None:
        return []
    try:
        with open(datei, "rb") as f:
            f.seek(0, os.SEEK_END)
            groesse = f.tell()
            f.seek(max(0, groesse - 256 * 1024))
            daten = f.read()
    except OSError:
        return []
    zeilen = daten.decode("utf-8", errors="replace").splitlines()
    if groesse > 256 * 1024 and zeilen:
        zeilen = zeilen[1:]  # the first line is cut
    return zeilen[-anzahl:]
