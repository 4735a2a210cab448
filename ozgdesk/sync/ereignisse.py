"""The sync's structured lines in the technical log (logfmt through :func:`ozgdesk.logbuch.ereignis`).

One line per event IT support asks about, with fixed keys (listed in ``docs/sync-format.md``):

* ``ereignis=abgleich`` – exactly one per sync run, whatever its outcome (``ok``, ``fehler``,
  ``abgebrochen``, ``sicherheitsstopp``), with duration, counts and the kind of target
  (``ordner``/``webdav``) – never the address, a user name or a password;
* ``ereignis=quarantaene`` – a change file of another device kept out (device, file, short reason);
* ``ereignis=konflikt`` / ``ereignis=konflikt_geloest`` – a conflict opened / closed, and how;
* ``ereignis=einreichung_veroeffentlicht`` – a submission package published to the share;
* ``ereignis=einreichung_fehlgeschlagen`` – a queued package that could not be published this time
  (the others and the rest of the sync went on).

Lines about database writes are written only after the transaction committed, so the log never
reports a conflict or quarantine that a rollback took back. Record ids are technical UUIDs, not
personal data; values of fields never go to the log.
"""

from __future__ import annotations

from ozgdesk.logbuch import ereignis

#: How a conflict was settled: a person chose on this device, or a later change settled it
#: (an edit after the conflict, or a resolution that arrived from another device).
LOESUNGEN = ("mein", "fremd", "wert", "spaetere_aenderung")


def quarantaene(geraet: str, pfad: str, grund: str) -> str:
    return ereignis("quarantaene", "abgelehnt", geraet=geraet[:8], datei=pfad.rsplit("/", 1)[-1], grund=grund)


def konflikt(art: str, tabelle: str, datensatz_id: str, feld: str | None) -> str:
    return ereignis("konflikt", "offen", art=art, tabelle=tabelle, feld=feld, datensatz=datensatz_id)


def konflikt_geloest(art: str, tabelle: str, datensatz_id: str, feld: str | None, loesung: str) -> str:
    return ereignis("konflikt_geloest", "ok", art=art, tabelle=tabelle, feld=feld, datensatz=datensatz_id,
                    loesung=loesung)


def konflikte(erkannt: list[tuple[str, str, str, str | None]],
              geschlossen: list[tuple[str, str, str, str | None]]) -> None:
    """The lines for what one committed merge opened and closed."""
    for art, tabelle, datensatz_id, feld in erkannt:
        konflikt(art, tabelle, datensatz_id, feld)
    for art, tabelle, datensatz_id, feld in geschlossen:
        konflikt_geloest(art, tabelle, datensatz_id, feld, "spaetere_aenderung")


def einreichung_veroeffentlicht(ressort: str, periode: str, version: int, groesse: int, dateien: int) -> str:
    return ereignis("einreichung_veroeffentlicht", "ok", ressort=ressort, periode=periode, version=version,
                    bytes=groesse, dateien=dateien)


def einreichung_fehlgeschlagen(ressort: str, periode: str, paket: str, grund: str, fehler: str) -> str:
    """``grund``: ``paket`` (folder missing or changed locally), ``schreibkonflikt``, ``ablage``, ``fehler``."""
    return ereignis("einreichung_fehlgeschlagen", "fehler", ressort=ressort, periode=periode, paket=paket[:8],
                    grund=grund, fehler=fehler)
