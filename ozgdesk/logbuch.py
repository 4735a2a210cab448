"""The technical log: a rotating file in the user's data dir, never with secrets or personal data.

Users read German messages in the UI; the log is for IT support and stays technical. Because any
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


def logdatei(home: Path) -> Path:
    return home / "logs" / LOGDATEI


def einrichten(home: Path, stufe: int = logging.INFO) -> Path:
    """Attach the rotating, redacting file handler to the root logger (idempotent)."""
    pfad = logdatei(home)
    pfad.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
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
