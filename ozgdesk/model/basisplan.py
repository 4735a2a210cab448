"""Plans and baselines stay as they were recorded — enforced where every write passes (Qt-free).

Why here and not only in the widgets: a quarter's Mittelabfluss is measured against the
Zahlungsplan version in force at the end of that quarter, and the half-yearly Meilenstein-Monitoring
counts postponements against the Plandatum. If any code path (a widget that forgets to disable a
button, a script, a future CLI command) could rewrite a stored version or move a date without a
trace, a report already sent to the BMI would silently stop matching the data. So this
``before_flush`` hook refuses, with a German message, in every session:

* changing or clearing the **Plandatum** of a milestone that has one. Setting a missing Plandatum is
  the first planning, not a change, and stays possible;
* moving the **Prognose** of a milestone without a :class:`MeilensteinVerschiebung` added (or, for
  an undo, removed) in the same flush — :class:`ozgdesk.model.bearbeiten.MeilensteinVerschieben`
  does both together. A first Prognose equal to the Plandatum is no postponement and is allowed;
* any change to a stored **Zahlungsplan** version or its positions, adding positions to a version
  stored earlier, and deleting positions or versions — except taking back the newest version as a
  whole (the undo of „Als neue Version speichern“, which marks the plan in
  ``session.info[GANZ_ENTFERNT]`` first).

Not enforced where a session replicates what another device already accepted (``quelle`` abgleich,
konfliktloesung): refusing there would put the change file into quarantine on this device for
good and let the devices drift apart; the device that made the change was bound by the same rule.
A deliberate data repair (support, tests that build broken data) sets ``session.info[KORREKTUR]``.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event, func, inspect, select
from sqlalchemy.orm import Session

from ozgdesk.model.errors import Eingabefehler
from ozgdesk.model.finanzen import Zahlungsplan, ZahlungsplanPosition
from ozgdesk.model.projekte import Meilenstein, MeilensteinVerschiebung
from ozgdesk.model.values import format_datum

#: Sessions that apply changes already accepted on another device.
REPLIKATION = frozenset({"abgleich", "konfliktloesung"})
#: ``session.info`` flag for an explicit data repair that may rewrite baselines.
KORREKTUR = "basisplan_korrektur"
#: ``session.info`` key: ids of plan versions this transaction takes back as a whole (undo).
GANZ_ENTFERNT = "basisplan_ganz_entfernt"
_VERSCHOBEN = "_basisplan_verschoben"
_NEUE = "_basisplan_neue"  # ids of plans and milestones created in this transaction: not yet a baseline


def _alt(session: Session, obj: Any, key: str) -> tuple[bool, Any]:
    """(changed, committed value) of one attribute; the committed value is read if the ORM dropped it."""
    hist = inspect(obj).attrs[key].history
    if not hist.added:
        return False, None
    if hist.deleted:
        alt = hist.deleted[0]
    else:
        spalte = inspect(type(obj)).columns[key]
        with session.no_autoflush:
            alt = session.execute(select(spalte).where(type(obj).id == obj.id)).scalar_one_or_none()
    return hist.added[0] != alt, alt


def _meilenstein(session: Session, ms: Meilenstein, verschoben: set[str]) -> None:
    geaendert, alt = _alt(session, ms, "plan_datum")
    if geaendert and alt is not None:
        raise Eingabefehler(
            f"Meilenstein „{ms.titel}“: Das Plandatum ({format_datum(alt)}) ist der Basisplan und bleibt "
            "unverändert. Einen neuen Termin bitte über „Verschieben …“ erfassen – dann steht er mit Grund im Verlauf."
        )
    geaendert, alt = _alt(session, ms, "prognose_datum")
    if geaendert and ms.id not in verschoben and not (alt is None and ms.prognose_datum == ms.plan_datum):
        raise Eingabefehler(
            f"Meilenstein „{ms.titel}“: Die Prognose ändert sich nur über „Verschieben …“ "
            "(mit Grund und Eintrag im Verlauf)."
        )


def _version(session: Session, plan_id: str) -> Zahlungsplan | None:
    with session.no_autoflush:
        return session.get(Zahlungsplan, plan_id)


def _festgeschrieben(plan: Zahlungsplan | None) -> str:
    return f"Zahlungsplan Version {plan.version}" if plan is not None else "Dieser Zahlungsplan"


_HINWEIS_NEU = "Änderungen bitte als neue Version speichern; ältere Versionen bleiben, wie sie berichtet wurden."


def pruefen(session: Session) -> None:
    """Refuse a flush that would rewrite a baseline (see the module docstring)."""
    if session.info.get("quelle") in REPLIKATION or session.info.get(KORREKTUR):
        return
    neue_plaene: set[str] = session.info.setdefault(_NEUE, set())
    for obj in session.new:
        if isinstance(obj, (Zahlungsplan, Meilenstein)):
            neue_plaene.add(obj.id)
    # milestones with a postponement added or removed in this transaction (an autoflush may have
    # written it a flush earlier than the new Prognose)
    verschoben: set[str] = session.info.setdefault(_VERSCHOBEN, set())
    verschoben.update(v.meilenstein_id for v in list(session.new) + list(session.deleted)
                      if isinstance(v, MeilensteinVerschiebung))
    for obj in list(session.dirty):
        if not session.is_modified(obj, include_collections=False):
            continue
        if isinstance(obj, Meilenstein) and obj.id not in neue_plaene:
            _meilenstein(session, obj, verschoben)
        elif isinstance(obj, Zahlungsplan) and obj.id not in neue_plaene:
            raise Eingabefehler(f"{_festgeschrieben(obj)} ist festgeschrieben und wird nicht geändert. {_HINWEIS_NEU}")
        elif isinstance(obj, ZahlungsplanPosition) and obj.zahlungsplan_id not in neue_plaene:
            raise Eingabefehler(f"{_festgeschrieben(_version(session, obj.zahlungsplan_id))} ist festgeschrieben; "
                                f"ihre Beträge werden nicht geändert. {_HINWEIS_NEU}")
    for obj in session.new:
        if isinstance(obj, ZahlungsplanPosition) and obj.zahlungsplan_id not in neue_plaene:
            raise Eingabefehler(f"{_festgeschrieben(_version(session, obj.zahlungsplan_id))} ist festgeschrieben; "
                                f"es kommen keine Beträge hinzu. {_HINWEIS_NEU}")
    ganz = session.info.get(GANZ_ENTFERNT, set())
    geloeschte_plaene = {o.id for o in session.deleted if isinstance(o, Zahlungsplan)}
    for obj in session.deleted:
        if isinstance(obj, ZahlungsplanPosition):
            if obj.zahlungsplan_id not in ganz | geloeschte_plaene | neue_plaene:
                raise Eingabefehler(f"{_festgeschrieben(_version(session, obj.zahlungsplan_id))} ist festgeschrieben; "
                                    f"einzelne Beträge werden nicht gelöscht. {_HINWEIS_NEU}")
        elif isinstance(obj, Zahlungsplan) and obj.id not in neue_plaene:
            with session.no_autoflush:
                hoechste = session.execute(select(func.max(Zahlungsplan.version))
                                           .where(Zahlungsplan.projekt_id == obj.projekt_id)).scalar_one()
            if hoechste is not None and obj.version < hoechste:
                raise Eingabefehler(f"Zahlungsplan Version {obj.version} wurde fortgeschrieben (aktuell: Version "
                                    f"{hoechste}) und bleibt erhalten; nur die neueste Version lässt sich zurücknehmen.")


def _vor_dem_schreiben(session: Session, _flush_context: Any, _instances: Any) -> None:
    pruefen(session)


def aktivieren(session_cls: Any) -> None:
    event.listen(session_cls, "before_flush", _vor_dem_schreiben)
