"""Regenerate docs/ressort-export.schema.json from the table definitions."""

import json
from pathlib import Path

from ozgdesk.model.austausch import json_schema

ziel = Path(__file__).resolve().parent.parent / "docs" / "ressort-export.schema.json"
ziel.write_text(json.dumps(json_schema(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
print(f"geschrieben: {ziel}")
