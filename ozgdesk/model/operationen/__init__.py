"""The user's actions as Qt-free operations: ``op(store, …)`` runs one action and reports what it wrote.

Modelled on Anki's ``collection`` operations returning ``OpChanges``: the GUI never assembles edits
from ORM classes; it calls an operation with ids and plain values and receives the
:class:`~ozgdesk.model.aenderungen.Aenderungen` taken from the change log the operation committed.
The GUI runs each operation on its DB worker (:mod:`ozgdesk.ui.operationen`) and broadcasts the
result; the CLI calls the same functions directly.

Modules:

* :mod:`.bearbeiten` – every edit, create and delete, as an undoable command (undo/redo are
  operations too), plus the model-side check of a form's values (:func:`entwurf_pruefen`).
* :mod:`.projekt` – the project editor's actions (Stammdaten with Leistungen, Zahlungsplan version,
  milestones, payments, effort), each returning the editor's fresh data from the same transaction.
* :mod:`.vorgaenge` – the long actions (catalogue import and its undo, payment import, JSON import,
  sync run, conflict resolution, submission), each writing one structured line to the technical log.
* :mod:`.lesen` – the reads the GUI needs that are not a paged table, by id and plain values.
"""

from __future__ import annotations

from ozgdesk.model.aenderungen import KEINE, Aenderungen, erfassen

__all__ = ["KEINE", "Aenderungen", "erfassen"]
