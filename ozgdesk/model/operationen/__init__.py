"""The user's actions as Qt-free operations: ``op(store, …)`` runs one action and reports what it wrote.

Modelled on Anki's ``collection`` operations returning ``OpChanges``: the GUI never assembles edits
from ORM classes; it calls an operation with ids and plain values and receives the
:class:`~ozgdesk.model.aenderungen.Aenderungen` taken from the change log the operation committed.
The GUI runs each operation on its DB worker (:mod:`ozgdesk.ui.operationen`) and broadcasts the
result; the CLI calls the same functions directly.

Modules:

* :mod:`.bearbeiten` – every edit, create and delete, as an undoable command (undo/redo are
  operations too), plus the model-side check of a form's values (:func:`entwurf_pruefen`).
* :mod:`.projekt` – builders for the project editor's and Projekte page's actions (Stammdaten with
  Leistungen, Zahlungsplan version, milestones, payments, Zuständigkeit); the editor reads its fresh
  data in the same transaction (``anwenden(…, nachher=…)``).
* :mod:`.stammdaten` – the Leistungen and Stammdaten pages' reads and builders.

The long actions (sync run, conflict resolution, catalogue and payment import, JSON import,
submission) are operations of their own modules already (``sync.abgleich.jetzt_abgleichen``,
``sync.konflikte.konflikt_loesen``, the import services, ``reports.einreichung.einreichen``): they
take the store and write through its sessions, so :func:`erfassen` reports what they wrote, and each
announces its one line for the technical log (:func:`ozgdesk.model.store.ereignis_vormerken`).
"""

from __future__ import annotations

from ozgdesk.model.aenderungen import KEINE, Aenderungen, erfassen

__all__ = ["KEINE", "Aenderungen", "erfassen"]
