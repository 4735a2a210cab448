"""Sync with the Ressort's central file exchange (WebDAV share or network folder). No Qt here.

API for the UI (Abgleich view) and the CLI:

* :func:`~ozgdesk.sync.abgleich.status` → :class:`~ozgdesk.sync.abgleich.AbgleichStatus`
  (target, last sync, pending changes and submissions, open conflicts);
* :func:`~ozgdesk.sync.abgleich.jetzt_abgleichen` ``(store, fortschritt=cb, abbrechen=event, db=schritt)``
  → :class:`~ozgdesk.sync.abgleich.AbgleichErgebnis`; ``cb(schritt, erledigt, gesamt)``; ``db`` runs
  each database step (e.g. on the GUI's DB worker) while the network work stays in the calling
  thread – see :mod:`ozgdesk.sync.schritt`;
* :func:`~ozgdesk.sync.abgleich.ablage_erreichbar` for automatic sync when the share is reachable;
* :func:`~ozgdesk.sync.konflikte.konflikte` / :func:`~ozgdesk.sync.konflikte.konflikt_loesen`;
* :func:`~ozgdesk.sync.ausgang.ausgang_einreihen`, :func:`~ozgdesk.sync.ausgang.posteingang_abholen`,
  :func:`~ozgdesk.sync.ausgang.rueckmeldungen_abholen` for the exchange with the BMI;
* :func:`~ozgdesk.sync.zusammenfuehren.unveraenderlich_registrieren` for frozen submission tables;
* :func:`~ozgdesk.sync.abgleich.einrichten` and :func:`~ozgdesk.sync.pruefung.einrichtung_pruefen`.

The share layout and file formats are described in ``docs/sync-format.md``.
"""
