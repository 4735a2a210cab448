"""Import of the official OZG-Umsetzungskatalog export and its monthly updates.

The steps are separate modules so each can be tested and reused by the GUI on its own:

* :mod:`.datei`      – open XLSX or CSV safely and hand out raw rows with their position;
* :mod:`.zeilen`     – find the columns by header, check every value, build a :class:`Katalogstand`;
* :mod:`.vergleich`  – the difference between a Katalogstand and the catalogue in the store;
* :mod:`.anwenden`   – apply that difference in one transaction, keeping every Ressort-owned fact;
* :mod:`.bereich`    – the Ressort's scope (which OZG-Leistungen it is responsible for);
* :mod:`.anforderung` – change requests (Änderungsanforderungen) to the catalogue for the BMI;
* :mod:`.datensaetze` – the two tables this feature adds (import records and change requests).

This package module imports nothing on purpose: ``ozgdesk.model`` imports the entities from
:mod:`.datensaetze`, and the other modules import ``ozgdesk.model``.
"""
