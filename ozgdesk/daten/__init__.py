"""The data files ozgdesk ships inside its package: the OZG catalogue and the report fonts.

They live in the package (``ozgdesk/daten/katalog``, ``ozgdesk/daten/schriften``, each with its
licence beside it) and are read through :mod:`importlib.resources`, never through a path computed
from ``__file__``: a folder next to the package existed only in a source checkout, so an installed
wheel started without its catalogue. ``importlib.resources`` finds the files wherever the package
was installed from – a checkout, an unpacked wheel, a zip file or a PyInstaller bundle (whose
importer serves package data of ``ozgdesk.daten`` from the bundle folder).

Qt-free: the model and the reports read these files.
"""

from __future__ import annotations

import contextlib
import io
from collections.abc import Iterator
from importlib.resources import as_file, files
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import TextIO

KATALOG = "katalog"
SCHRIFTEN = "schriften"


def ordner(name: str) -> Traversable:
    """A shipped data folder (``katalog`` or ``schriften``), as a :class:`Traversable`.

    For a package installed as files this is a :class:`pathlib.Path`, but callers must not rely on
    it: open files with :meth:`Traversable.open` or :func:`datei_pfad`."""
    return files(__name__) / name


def text_oeffnen(unterordner: str, name: str) -> TextIO:
    """Open a shipped text file as UTF-8, with ``newline=""`` as the :mod:`csv` module wants it."""
    # Traversable.open promises no ``newline``; wrapping the binary stream works for every reader
    return io.TextIOWrapper((ordner(unterordner) / name).open("rb"), encoding="utf-8", newline="")


@contextlib.contextmanager
def datei_pfad(unterordner: str, name: str) -> Iterator[Path]:
    """A real file system path for a shipped file, for libraries that want a file name.

    Outside a plain folder (zip import) the file is copied to a temporary file that is removed when
    the block ends, so read it completely inside the block."""
    with as_file(ordner(unterordner) / name) as pfad:
        yield pfad


__all__ = ["KATALOG", "SCHRIFTEN", "datei_pfad", "ordner", "text_oeffnen"]
