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


def test_ein_import_schreibt_eine_strukturierte_zeile(demo_store, tmp_path, caplog):
    """IT support greps one line per event: what, outcome, duration, counts (point 7 of issue 12)."""
    import logging

    from ozgdesk.model import zahlungsimport as zi
    from ozgdesk.model.errors import OzgFehler

    datei = tmp_path / "hkr.csv"
    datei.write_text("Buchungsdatum;Betrag in EUR;HHSt;Projekt-Kennung;Belegnummer;Buchungstext\n"
                     "01.10.2025;12.500,00;0602 532 01;BMAS-2024-01;B-LOG-1;Rechnung\n", encoding="utf-8")
    with caplog.at_level(logging.INFO, logger="ozgdesk.ereignis"):
        v = zi.uebernehmen(demo_store, datei)
        assert len(v.neu) == 1
        try:
            zi.uebernehmen(demo_store, tmp_path / "fehlt.csv")
        except OzgFehler:
            pass
    zeilen = [r.getMessage() for r in caplog.records if r.name == "ozgdesk.ereignis"]
    assert len(zeilen) == 1, zeilen  # the missing file never reached a transaction: no event
    assert zeilen[0].startswith("ereignis=zahlungsimport ergebnis=ok dauer_ms=")
    assert "datei=hkr.csv" in zeilen[0] and "neu=1" in zeilen[0] and "fehlerhaft=0" in zeilen[0]


def test_ereignis_zeile_ist_logfmt():
    from ozgdesk.logbuch import ereignis_zeile

    z = ereignis_zeile("abgleich", "fehler", 1.2346, importiert=3, grund='Ablage "weg"', leer=None)
    assert z == 'ereignis=abgleich ergebnis=fehler dauer_ms=1235 importiert=3 grund="Ablage \\"weg\\""'
