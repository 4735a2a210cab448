"""The log never carries credentials or e-mail addresses, and is owner-only."""

import logging
import os
import stat

from ozgdesk import logbuch


def test_geheimnisse_und_adressen_werden_geschwaerzt(tmp_path):
    pfad = logbuch.einrichten(tmp_path)
    log = logging.getLogger("ozgdesk.test")
    log.warning("Abgleich mit https://k.brenner:Gehe1m-Pässwort@dav.bmas.example/ozg fehlgeschlagen")
    log.warning("Header: {'Authorization': 'Basic a2JyZW5uZXI6R2VoZTFt'}")
    log.warning("Einstellungen passwort=Gehe1m-Pässwort token: abc123def")
    log.warning("Mail an %s gesendet", "katharina.brenner@bmas.example")
    try:
        raise RuntimeError("Verbindung zu https://u:Gehe1m-Pässwort@host scheiterte")
    except RuntimeError:
        log.exception("Fehler beim Abgleich")
    for h in logging.getLogger().handlers:
        h.flush()
    text = pfad.read_text(encoding="utf-8")
    for geheim in ("Gehe1m-Pässwort", "a2JyZW5uZXI6R2VoZTFt", "abc123def", "katharina.brenner@bmas.example"):
        assert geheim not in text
    assert "Abgleich mit https://***:***@dav.bmas.example/ozg" in text and "<E-Mail>" in text
    assert stat.S_IMODE(os.stat(pfad).st_mode) == 0o600
    for h in list(logging.getLogger().handlers):
        if getattr(h, "baseFilename", None) == str(pfad):
            logging.getLogger().removeHandler(h)
            h.close()
