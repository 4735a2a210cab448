"""Regenerate the JSON schemas and the documentation generated from them.

* docs/ressort-export.schema.json from the table definitions (ozgdesk.model.austausch);
* ozgdesk/daten/schema/*.schema.json – the schemas of the submission package, shipped in the
  wheel – from ozgdesk.reports.einreichung_schema, and the field tables of
  docs/einreichung-schema.md between its two marker lines.

Tests fail until this was run after a change (tests/test_austausch.py, tests/test_einreichung_schema.py).
"""

import json
from pathlib import Path

from ozgdesk.model.austausch import json_schema
from ozgdesk.reports import einreichung_schema as es

ROOT = Path(__file__).resolve().parent.parent
ANFANG = "<!-- Beginn der Feldtabellen: erzeugt von scripts/json_schema.py aus ozgdesk/reports/einreichung_schema.py -->"
ENDE = "<!-- Ende der Feldtabellen -->"


def doku_ersetzen(text: str) -> str:
    """The documentation with the generated tables between the markers."""
    vor, _alt = text.split(ANFANG, 1)
    _alt, nach = _alt.split(ENDE, 1)
    return f"{vor}{ANFANG}\n\n{es.doku_tabellen()}\n{ENDE}{nach}"


def main() -> None:
    ziel = ROOT / "docs" / "ressort-export.schema.json"
    ziel.write_text(json.dumps(json_schema(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"geschrieben: {ziel}")
    for datei, schema in ((es.DATEI, es.bericht_schema()), (es.MANIFEST_DATEI, es.manifest_schema())):
        ziel = ROOT / "ozgdesk" / "daten" / "schema" / datei
        ziel.parent.mkdir(exist_ok=True)
        ziel.write_bytes(es.schemadatei(schema))
        print(f"geschrieben: {ziel}")
    doku = ROOT / "docs" / "einreichung-schema.md"
    doku.write_text(doku_ersetzen(doku.read_text(encoding="utf-8")), encoding="utf-8")
    print(f"geschrieben: {doku}")


if __name__ == "__main__":
    main()
