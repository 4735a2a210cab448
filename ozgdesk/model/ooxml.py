"""Checks on an XLSX (Office Open XML) archive before any XML parser sees it.

OOXML parts never declare a DTD. A part that does is an attack (entity expansion, external
entities) or not an Office file. openpyxl parses with defusedxml or, when lxml is installed (pikepdf
and pyhanko bring it), with lxml's non-resolving parser – both refuse or ignore entities, but
differently, and an ignored entity in ``xl/workbook.xml`` turns into a confusing „sheet missing“
later. Looking at each part's prolog ourselves gives one clear answer whatever parser is installed.
"""

from __future__ import annotations

import codecs
import zipfile
import zlib

#: The prolog (declaration, comments, processing instructions) may be this long before the root
#: element; Office writes a few dozen bytes. Longer is refused as not an Office file.
MAX_PROLOG = 64 * 1024
_ENDUNGEN = (".xml", ".rels", ".vml")
#: What :mod:`zipfile` raises for an archive it cannot read: besides BadZipFile, a damaged or
#: crafted directory gives EOFError/ValueError, an entry that claims a newer ZIP version or an
#: unknown compression NotImplementedError, an encrypted one RuntimeError. Importers catch all of
#: them as "damaged file" (found by the robustness test: "zip file version 6.4").
ZIP_FEHLER: tuple[type[Exception], ...] = (zipfile.BadZipFile, EOFError, ValueError, NotImplementedError,
                                           RuntimeError)


def dtd_teil(zf: zipfile.ZipFile) -> str | None:
    """The name of the first XML part that declares a DTD (or whose prolog is not an Office prolog),
    None if every part starts plainly with its root element. A member that cannot be inflated raises
    :class:`zipfile.BadZipFile`."""
    for info in zf.infolist():
        if info.is_dir() or not info.filename.lower().endswith(_ENDUNGEN):
            continue
        try:
            with zf.open(info) as teil:
                anfang = teil.read(MAX_PROLOG)
        except (zlib.error, EOFError, NotImplementedError, RuntimeError) as e:
            # damaged or encrypted member: the callers report a damaged archive, as for a bad directory
            raise zipfile.BadZipFile(f"{info.filename}: {e}") from None
        if not _prolog_harmlos(anfang):
            return info.filename
    return None


def _prolog_harmlos(roh: bytes) -> bool:
    """True if ``roh`` reaches its root element through whitespace, ``<?…?>`` and ``<!--…-->`` only."""
    if roh.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text = roh.decode("utf-16", errors="replace")
    else:
        text = roh.removeprefix(codecs.BOM_UTF8).decode("utf-8", errors="replace")
    i = 0
    while i < len(text):
        if text[i].isspace():
            i += 1
        elif text.startswith("<?", i):
            ende = text.find("?>", i + 2)
            if ende < 0:
                return False
            i = ende + 2
        elif text.startswith("<!--", i):
            ende = text.find("-->", i + 4)
            if ende < 0:
                return False
            i = ende + 3
        elif text.startswith("<!", i):  # <!DOCTYPE …> (or anything else declared before the root)
            return False
        else:
            return text.startswith("<", i) and i + 1 < len(text) and (text[i + 1].isalpha() or text[i + 1] == "_")
    return len(text) == 0  # an empty part has no DTD; a prolog running past the limit is refused
