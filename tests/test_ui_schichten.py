"""Layering of the GUI: no module in ``ozgdesk/ui`` imports SQLAlchemy or an entity module.

The GUI reads and writes only through the operations of :mod:`ozgdesk.model.operationen` on its DB
worker and gets plain values back; an ORM class or a ``select`` in a widget is the first step back
to sessions on the GUI thread and to rules in widgets. The check reads the source with ``ast``, so
it also finds imports inside functions and under ``TYPE_CHECKING``, ``from ozgdesk.model import
projekte`` and entity classes taken from the package (``from ozgdesk.model import Projekt``).
"""

from __future__ import annotations

import ast
import importlib
import types
from pathlib import Path

import pytest

UI = Path(__file__).resolve().parents[1] / "ozgdesk" / "ui"

#: the modules holding entities and the ORM machinery (the GUI receives plain values instead)
ENTITAETSMODULE = frozenset(f"ozgdesk.model.{m}" for m in
                            ("projekte", "katalog", "organisation", "finanzen", "entitaeten", "protokoll", "base"))


def _verboten_modul(name: str) -> bool:
    return (name == "sqlalchemy" or name.startswith("sqlalchemy.")
            or any(name == m or name.startswith(m + ".") for m in ENTITAETSMODULE))


def _verboten_aus_paket(paket: str, name: str) -> bool:
    """``from <paket> import <name>``: a forbidden module, or a class that lives in one."""
    voll = f"{paket}.{name}"
    if _verboten_modul(voll):
        return True
    try:
        modul = importlib.import_module(paket)
    except ImportError:
        return False
    obj = getattr(modul, name, None)
    if isinstance(obj, types.ModuleType):
        return _verboten_modul(obj.__name__)
    herkunft = getattr(obj, "__module__", None)
    return isinstance(herkunft, str) and _verboten_modul(herkunft)


def verbotene_importe(quelle: str, modulname: str = "ozgdesk.ui.x") -> list[tuple[int, str]]:
    """(line, import) of every forbidden import in ``quelle`` (a module of package ``ozgdesk.ui``)."""
    paket_teile = modulname.split(".")[:-1]
    funde: list[tuple[int, str]] = []
    for knoten in ast.walk(ast.parse(quelle)):
        if isinstance(knoten, ast.Import):
            funde += [(knoten.lineno, f"import {a.name}") for a in knoten.names if _verboten_modul(a.name)]
        elif isinstance(knoten, ast.ImportFrom):
            if knoten.level:  # relative: from ..model import projekte
                basis = paket_teile[:len(paket_teile) - knoten.level + 1]
                paket = ".".join(basis + ([knoten.module] if knoten.module else []))
            else:
                paket = knoten.module or ""
            if _verboten_modul(paket):
                funde.append((knoten.lineno, f"from {paket} import …"))
                continue
            funde += [(knoten.lineno, f"from {paket} import {a.name}") for a in knoten.names
                      if a.name != "*" and _verboten_aus_paket(paket, a.name)]
    return funde


def test_die_pruefung_erkennt_jede_form_eines_verbotenen_imports():
    """The check itself: each way of importing SQLAlchemy or an entity is found, allowed ones are not."""
    quelle = """
import sqlalchemy
from sqlalchemy import select
import sqlalchemy.orm as orm
from ozgdesk.model.projekte import Projekt
from ozgdesk.model import projekte, tabellen
from ozgdesk.model import Leistung
from ..model.katalog import Leistung
from ..model import organisation
from ozgdesk.model.operationen import projekt
from ozgdesk.model.values import Ampel
from ozgdesk.model import Store, details


def spaeter():
    from ozgdesk.model.finanzen import Mittelabfluss
    if True:
        import ozgdesk.model.base
"""
    assert [z for z, _i in verbotene_importe(quelle, "ozgdesk.ui.beispiel")] == [2, 3, 4, 5, 6, 7, 8, 9, 16, 18]


@pytest.mark.parametrize("datei", sorted(UI.glob("*.py")), ids=lambda p: p.name)
def test_gui_modul_importiert_weder_sqlalchemy_noch_entitaeten(datei: Path):
    funde = verbotene_importe(datei.read_text(encoding="utf-8"), f"ozgdesk.ui.{datei.stem}")
    assert not funde, (f"{datei.name} importiert, was die Oberfläche nicht braucht (über "
                       "ozgdesk.model.operationen lesen und schreiben): "
                       + "; ".join(f"Zeile {z}: {i}" for z, i in funde))


def test_alle_gui_module_werden_geprueft():
    assert (UI / "seiten.py").exists() and len(list(UI.glob("*.py"))) > 10
