"""Helpers every command module shares: opening the store, printing tables and JSON."""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from collections.abc import Iterable, Sequence
from typing import Any

from ozgdesk import paths
from ozgdesk.model.base import json_wert
from ozgdesk.model.store import Store
from ozgdesk.model.values import DeutschesEnum, format_datum
from ozgdesk.model.verbindung import Datenbankort, aus_umgebung


def datenbankort(args: argparse.Namespace) -> Datenbankort:
    """The store a command works on: ``--db`` (path or URL), else ``OZGDESK_DB``, else the file in the
    data folder (``--home``)."""
    return aus_umgebung(getattr(args, "db", None), paths.datenbank(args.home))


def store_oeffnen(args: argparse.Namespace) -> Store:
    return Store.oeffnen(datenbankort(args), ordner=paths.home(args.home))


def json_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--json", action="store_true", help="Ausgabe als JSON")


def _jsonfaehig(obj: Any) -> Any:
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {f.name: _jsonfaehig(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
    if isinstance(obj, dict):
        return {k: _jsonfaehig(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_jsonfaehig(v) for v in obj]
    try:
        return json_wert(obj)
    except TypeError:
        return str(obj)


def json_ausgeben(daten: Any) -> None:
    print(json.dumps(_jsonfaehig(daten), ensure_ascii=False, indent=2))


def anzeige(wert: Any) -> str:
    """A value as a German reader expects it in a terminal table."""
    if wert is None:
        return "–"
    if isinstance(wert, bool):
        return "ja" if wert else "nein"
    if isinstance(wert, DeutschesEnum):
        return wert.label
    if hasattr(wert, "strftime") and not hasattr(wert, "hour"):
        return format_datum(wert)
    if isinstance(wert, (list, tuple)):
        return ", ".join(anzeige(v) for v in wert)
    return str(wert)


def tabelle_ausgeben(kopf: Sequence[str], zeilen: Iterable[Sequence[Any]], max_breite: int = 60) -> None:
    texte = [[anzeige(w) for w in z] for z in zeilen]
    texte = [[t if len(t) <= max_breite else t[: max_breite - 1] + "…" for t in z] for z in texte]
    breiten = [max([len(k)] + [len(z[i]) for z in texte]) for i, k in enumerate(kopf)]
    out = sys.stdout
    out.write("  ".join(k.ljust(b) for k, b in zip(kopf, breiten, strict=True)).rstrip() + "\n")
    out.write("  ".join("-" * b for b in breiten) + "\n")
    for z in texte:
        out.write("  ".join(t.ljust(b) for t, b in zip(z, breiten, strict=True)).rstrip() + "\n")
    out.write(f"({len(texte)} Einträge)\n")
