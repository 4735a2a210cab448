"""JSON Schema (draft 2020-12) of the submission package: the report JSON and ``manifest.json``.

The schemas are written here once, as Python, and three things are generated from them:

* the shipped schema files ``ozgdesk/daten/schema/*.schema.json`` (package data, so an installed
  ozgdesk and a receiver get the same file; ``scripts/json_schema.py`` writes them and a test
  proves they are current – the approach of ``docs/ressort-export.schema.json``);
* the field tables of ``docs/einreichung-schema.md`` (:func:`doku_tabellen`), so the document
  cannot promise a field the JSON lacks;
* the German labels of the change list „Änderungen gegenüber Fassung N-1“: every property has a
  ``title`` a person reads (``Ist im Quartal``), used by :mod:`ozgdesk.reports.einreichung_vergleich`.

Strict where the structure is fixed (``additionalProperties: false``, every written field
``required``), amounts as integer cents, dates as ``format: date`` with a pattern (checked even
without a format checker), codes as enums. ``einreichen`` validates every package JSON before it is
written and ``paket-pruefen`` validates what it reads.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterator
from typing import Any

from ozgdesk import daten
from ozgdesk.model.values import Ampel, Finanzierung
from ozgdesk.reports.kennzahlen import STATUS_REIHENFOLGE
from ozgdesk.reports.pruefung import FEHLER, HINWEIS

SCHEMA = "ozgdesk/einreichung-quartalsbericht"
SCHEMA_VERSION = 1
MANIFEST_SCHEMA = "ozgdesk/einreichung-manifest"
MANIFEST_SCHEMA_VERSION = 1
#: Stable identifiers (``$id`` of the schema, ``$schema`` of every package file). A URN, not a web
#: address: ozgdesk publishes no schema server, and an address that does not answer (or one a
#: stranger could register) would be worse than a name. The file with this ``$id`` ships in the
#: wheel (``ozgdesk/daten/schema``) and is printed in ``docs/einreichung-schema.md``.
SCHEMA_ID = f"urn:ozgdesk:schema:einreichung-quartalsbericht:{SCHEMA_VERSION}"
MANIFEST_SCHEMA_ID = f"urn:ozgdesk:schema:einreichung-manifest:{MANIFEST_SCHEMA_VERSION}"
#: File names under ``ozgdesk/daten/schema``.
DATEI = "einreichung-quartalsbericht.schema.json"
MANIFEST_DATEI = "einreichung-manifest.schema.json"

_DRAFT = "https://json-schema.org/draft/2020-12/schema"
_DATUM_MUSTER = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
_ZEITPUNKT_MUSTER = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2})$"

#: Reusable types; the change list formats a value by the definition its property refers to.
DEFS: dict[str, dict[str, Any]] = {
    "cent": {"type": "integer", "title": "Betrag in Cent",
             "description": "Betrag in ganzen Cent (Integer), nie Gleitkommazahl"},
    "datum": {"type": "string", "format": "date", "pattern": _DATUM_MUSTER, "title": "Datum",
              "description": "Kalenderdatum nach ISO 8601 (JJJJ-MM-TT)"},
    "zeitpunkt": {"type": "string", "format": "date-time", "pattern": _ZEITPUNKT_MUSTER, "title": "Zeitpunkt",
                  "description": "Zeitpunkt nach ISO 8601 mit Zeitzone"},
    "personentage": {"type": "string", "pattern": r"^-?[0-9]+(\.[0-9]+)?$", "title": "Personentage",
                     "description": "Personentage als Dezimalzahl in einer Zeichenkette, Punkt als Trenner (\"12.5\")"},
    "ampel": {"enum": [a.value for a in Ampel], "title": "Ampel", "description": "Ampel: " +
              ", ".join(f"`{a.value}` ({a.label})" for a in Ampel)},
    "sha256": {"type": "string", "pattern": "^[0-9a-f]{64}$", "title": "SHA-256",
               "description": "SHA-256 als 64 Hexziffern, klein geschrieben"},
}


def _ref(name: str) -> dict[str, Any]:
    return {"$ref": f"#/$defs/{name}"}


def _oder_null(s: dict[str, Any]) -> dict[str, Any]:
    return {"anyOf": [s, {"type": "null"}]}


def _feld(titel: str, beschreibung: str, s: dict[str, Any], *, null: bool = False) -> dict[str, Any]:
    """A property: its German label (``title``, read in the change list), its meaning
    (``description``, read in the documentation) and its type."""
    return {"title": titel, "description": beschreibung, **(_oder_null(s) if null else s)}


def _text(titel: str, beschreibung: str, *, null: bool = False, **mehr: Any) -> dict[str, Any]:
    return _feld(titel, beschreibung, {"type": "string", **mehr}, null=null)


def _cent(titel: str, beschreibung: str) -> dict[str, Any]:
    return _feld(titel, beschreibung, _ref("cent"))


def _datum(titel: str, beschreibung: str, *, null: bool = False) -> dict[str, Any]:
    return _feld(titel, beschreibung, _ref("datum"), null=null)


def _objekt(titel: str, beschreibung: str, felder: dict[str, dict[str, Any]], *, null: bool = False) -> dict[str, Any]:
    s = {"type": "object", "additionalProperties": False, "required": list(felder), "properties": felder}
    return _feld(titel, beschreibung, s, null=null)


def _liste(titel: str, beschreibung: str, eintrag: dict[str, Any]) -> dict[str, Any]:
    return _feld(titel, beschreibung, {"type": "array", "items": eintrag})


def _eintrag(felder: dict[str, dict[str, Any]]) -> dict[str, Any]:
    return {"type": "object", "additionalProperties": False, "required": list(felder), "properties": felder}


# ============================================================================================ report
def _finanzfelder(wo: str) -> dict[str, dict[str, Any]]:
    return {
        "plan_quartal_cent": _cent("Plan im Quartal", f"Plan des Berichtsquartals laut Zahlungsplan{wo}"),
        "ist_quartal_cent": _cent("Ist im Quartal", f"Mittelabfluss im Berichtsquartal{wo}"),
        "abweichung_quartal_cent": _cent("Abweichung im Quartal", "Ist minus Plan im Berichtsquartal"),
        "plan_jahr_cent": _cent("Plan Jahr kumuliert", "Plan vom 1. Quartal bis zum Berichtsquartal"),
        "ist_jahr_cent": _cent("Ist Jahr kumuliert", "Mittelabfluss vom 1. Quartal bis zum Berichtsquartal"),
        "plan_gesamt_cent": _cent("Plan gesamt kumuliert", "Plan vom Projektbeginn bis zum Berichtsquartal"),
        "ist_gesamt_cent": _cent("Ist gesamt kumuliert", "Mittelabfluss vom Projektbeginn bis zum Berichtsquartal"),
    }


def _bewilligt(wer: str) -> dict[str, dict[str, Any]]:
    return {
        "bewilligt_jahr_cent": _cent("Bewilligt im Jahr", f"für das Jahr des Berichtsquartals bewilligte Mittel{wer}"),
        "bewilligt_gesamt_cent": _cent("Bewilligt insgesamt", f"über die ganze Laufzeit bewilligte Mittel{wer}"),
    }


_BEHOERDE = _objekt("Behörde", "die durchführende Behörde; null, wenn keine eingetragen ist", {
    "name": _text("Name", "Name der Behörde"),
    "kurzname": _text("Kurzname", "Kurzbezeichnung (z. B. `BA`)"),
    "art": _feld("Art", "`mittelbar` oder `unmittelbar` (Bundesverwaltung)", {"enum": ["mittelbar", "unmittelbar"]}),
    "erstattungsanspruch": _feld("Erstattungsanspruch", "Anspruch auf Erstattung der Verwaltungskosten gegen den Bund",
                                 {"type": "boolean"}),
}, null=True)

_AMPEL = _eintrag({
    "dimension": _feld("Dimension", "`gesamt`, `zeit`, `kosten` oder `umfang`",
                       {"enum": ["gesamt", "zeit", "kosten", "umfang"]}),
    "ampel": _feld("Ampel", "`gruen`, `gelb` oder `rot`", _ref("ampel")),
    "grund": _text("Begründung", "Begründung (leer bei grün ohne Anmerkung)"),
})

_MEILENSTEIN = _eintrag({
    "titel": _text("Titel", "Bezeichnung des Meilensteins"),
    "plan": _datum("Plantermin", "Plantermin", null=True),
    "prognose": _datum("Prognose", "aktuelle Prognose", null=True),
    "ist": _datum("Ist-Termin", "Termin der Erreichung", null=True),
    "status": _feld("Status", "Status zum Stichtag: " + ", ".join(f"`{s}`" for s in STATUS_REIHENFOLGE),
                    {"enum": list(STATUS_REIHENFOLGE)}),
    "verschiebungen": _feld("Verschiebungen", "Anzahl der Verschiebungen des Plantermins", {"type": "integer", "minimum": 0}),
    "verzug_tage": _feld("Verzug (Tage)", "Ist- bzw. Prognosetermin minus Plantermin in Tagen", {"type": "integer"}),
})

_LEISTUNG = _eintrag({
    "ozg_id": _text("OZG-ID", "OZG-ID der Leistung"),
    "bezeichnung": _text("Bezeichnung", "Bezeichnung der OZG-Leistung"),
    "reifegrad": _feld("Reifegrad", "aktueller Reifegrad (null: nicht bewertet)", {"type": "integer", "minimum": 0},
                       null=True),
    "reifegrad_modell": _feld("Reifegradmodell", "Modell der Bewertung: `1.1` oder `2.0`", {"enum": ["1.1", "2.0"]},
                              null=True),
    "ziel_reifegrad": _feld("Ziel-Reifegrad", "angestrebter Reifegrad", {"type": "integer", "minimum": 0}, null=True),
    "online": _feld("online", "online verfügbar (ab Reifegrad 2 nach Modell 1.1)", {"type": "boolean"}),
})

_FINANZEN = _objekt("Mittelabfluss", "nur `finanzierung = voll`, sonst null", {
    "zahlungsplan_fassung": _feld("Zahlungsplan – Fassung", "die zum Quartalsende geltende Fassung des Zahlungsplans",
                                  {"type": "integer", "minimum": 1}, null=True),
    "zahlungsplan_stand": _datum("Zahlungsplan – Stand", "Stand dieser Fassung", null=True),
    "zahlungsplan_nachtraeglich": _feld("Zahlungsplan nachträglich erfasst",
                                        "die Fassung wurde erst nach dem Quartalsende erfasst", {"type": "boolean"}),
    "zahlungsplan_spaetere_fassungen": _liste(
        "Spätere Fassungen des Zahlungsplans", "spätere Fortschreibungen: genannt, nicht verwendet",
        _eintrag({"fassung": _feld("Fassung", "Nummer der Fassung", {"type": "integer", "minimum": 1}),
                  "stand": _datum("Stand", "Stand der Fassung", null=True)})),
    **_finanzfelder(""),
    **_bewilligt(""),
    "haushaltsstellen": _liste("Haushaltsstellen", "je Haushaltsstelle dieselben Plan- und Ist-Felder", _eintrag({
        "haushaltsstelle": _text("Haushaltsstelle", "Kapitel, Titel (z. B. `0602 532 01`)"),
        **_finanzfelder(" der Haushaltsstelle"),
    })),
}, null=True)

_PERSONENTAGE = _objekt("Personentage", "nur `finanzierung = unterstuetzung`, sonst null", {
    "quartal": _feld("im Quartal", "im Berichtsquartal geleistete Personentage", _ref("personentage")),
    "kumuliert": _feld("kumuliert", "Personentage bis zum Berichtsquartal", _ref("personentage")),
    "bewilligt": _feld("bewilligt", "bewilligte Personentage", _ref("personentage")),
    "leistungen": _text("Erbrachte Leistungen", "erbrachte Leistungen im Quartal, eine je Zeile"),
}, null=True)

PROJEKT: dict[str, Any] = _eintrag({
    "kennung": _text("Kennung", "Projektkennung (z. B. `BMAS-2024-03`)"),
    "titel": _text("Titel", "Projekttitel"),
    "behoerde": _BEHOERDE,
    "projektleitung": _text("Projektleitung", "Name der Projektleitung", null=True),
    "finanzierung": _feld("Finanzierung", ", ".join(f"`{f.value}` ({f.label})" for f in Finanzierung),
                          {"enum": [f.value for f in Finanzierung]}),
    "beginn": _datum("Beginn", "Projektbeginn", null=True),
    "ende": _datum("Ende", "Projektende", null=True),
    "ampeln": _liste("Ampeln", "vier Einträge, je Dimension einer", _AMPEL),
    "meilensteine": _liste("Meilensteine", "alle Meilensteine des Projekts", _MEILENSTEIN),
    "finanzen": _FINANZEN,
    "personentage": _PERSONENTAGE,
    "leistungen": _liste("OZG-Leistungen", "die OZG-Leistungen des Projekts", _LEISTUNG),
    "risiken": _text("Risiken", "Freitext"),
    "naechste_schritte": _text("Nächste Schritte", "Freitext"),
})

BEFUND: dict[str, Any] = _eintrag({
    "id": _text("Befund-ID", "feste Kennung des Befunds (12 Hexziffern)", pattern="^[0-9a-f]{12}$"),
    "schwere": _feld("Art", f"`{FEHLER}` oder `{HINWEIS}`", {"enum": [FEHLER, HINWEIS]}),
    "regel": _text("Regel", "Kennung der Prüfregel"),
    "datensatz": _text("Datensatz", "Projektkennung oder OZG-ID (sonst die Ortsangabe)"),
    "ort": _text("Ort", "deutsche Ortsangabe (Projekt, Meilenstein, Haushaltsstelle …)"),
    "projekt": _text("Projekt", "Projektkennung", null=True),
    "ozg_id": _text("OZG-ID", "OZG-ID", null=True),
    "feld": _text("Feld", "das Feld, das den Befund behebt", null=True),
    "stellungnahme_moeglich": _feld("Stellungnahme möglich", "ein zutreffender Sachverhalt (statt einer Lücke)",
                                    {"type": "boolean"}),
    "offen": _feld("offen", "noch ohne Stellungnahme", {"type": "boolean"}),
    "text": _text("Befund", "der Befund in einem deutschen Satz"),
    "stellungnahme": _objekt("Stellungnahme", "Stellungnahme des Ressorts oder null", {
        "text": _text("Text", "Wortlaut der Stellungnahme"),
        "von": _text("von", "Name der Person, die sie abgegeben hat", null=True),
        "am": _feld("am", "Zeitpunkt der Stellungnahme", _ref("zeitpunkt")),
        "zeitraum": _text("Zeitraum", "Quartal, für das sie gilt"),
    }, null=True),
})

AENDERUNG: dict[str, Any] = _eintrag({
    "pfad": _text("Pfad", "maschinenlesbarer Ort des Felds, Listeneinträge über ihren Schlüssel, z. B. "
                  "`projekte[BMAS-2024-03].ampeln[umfang].ampel`"),
    "projekt": _text("Projekt", "Projektkennung (null: Angabe des Berichts oder des Ressorts)", null=True),
    "feld": _text("Angabe", "deutsche Bezeichnung der Angabe, wie sie PDF und XLSX zeigen"),
    "alt": _feld("alt", "Wert der Vorversion (JSON-Wert; null: neu)", {}),
    "neu": _feld("neu", "Wert dieser Version (JSON-Wert; null: entfallen)", {}),
})

_SUMMEN = _objekt("Summen", "Summen über die Projekte des Ressorts", {
    **_finanzfelder(" aller vollfinanzierten Projekte"),
    **_bewilligt(" aller vollfinanzierten Projekte"),
    "personentage_quartal": _feld("Personentage im Quartal", "Summe der Projekte mit Unterstützungsleistungen",
                                  _ref("personentage")),
    "personentage_kumuliert": _feld("Personentage kumuliert", "Summe bis zum Berichtsquartal", _ref("personentage")),
    "personentage_bewilligt": _feld("Personentage bewilligt", "Summe der bewilligten Personentage", _ref("personentage")),
    "projekte": _feld("Projekte", "Anzahl der Projekte im Bericht", {"type": "integer", "minimum": 0}),
    **{f"projekte_{a.value}": _feld(f"Projekte {a.label}", f"Anzahl der Projekte mit Gesamtampel {a.label}",
                                    {"type": "integer", "minimum": 0}) for a in Ampel},
})

_EINREICHUNG = _objekt("Einreichung", "Angaben zu dieser Version der Einreichung", {
    "version": _feld("Version", "Nummer der Einreichung für diesen Zeitraum (1, 2, …)", {"type": "integer", "minimum": 1}),
    "vorgaenger_version": _feld("Vorgängerversion", "Nummer der ersetzten Version (null bei Version 1)",
                                {"type": "integer", "minimum": 1}, null=True),
    "erstellt_am": _feld("erstellt am", "Zeitpunkt der Einreichung (UTC)", _ref("zeitpunkt")),
    "erstellt_von": _text("erstellt von", "Name der Person (Einstellung „Ihr Name“, sonst der Anmeldename)"),
    "aktenzeichen": _text("Aktenzeichen", "Aktenzeichen der Einreichung (`--aktenzeichen`) oder null", null=True),
    "empfaenger": _text("Empfänger", "an wen die Einreichung geht (Einstellung des Ressorts, Standard "
                                     "„Bundesministerium für Digitales und Staatsmodernisierung (BMDS)“)"),
    "aenderungen": _liste("Änderungen", "jede gegenüber der Vorversion geänderte Angabe (leer bei Version 1)",
                          AENDERUNG),
})


def bericht_schema() -> dict[str, Any]:
    """The schema of ``Quartalsbericht_….json``."""
    felder = {
        "$schema": _feld("Schema-Verweis", f"`{SCHEMA_ID}` (das `$id` dieses Schemas)", {"const": SCHEMA_ID}),
        "schema": _feld("Schema", f"`{SCHEMA}`", {"const": SCHEMA}),
        "schema_version": _feld("Schemaversion", f"{SCHEMA_VERSION}", {"const": SCHEMA_VERSION}),
        "art": _feld("Art", "`quartalsbericht`", {"const": "quartalsbericht"}),
        "zeitraum": _text("Zeitraum", "Quartal `JJJJ-Qn`", pattern="^[0-9]{4}-Q[1-4]$"),
        "zeitraum_beginn": _datum("Beginn des Zeitraums", "erster Tag des Quartals"),
        "zeitraum_ende": _datum("Ende des Zeitraums", "letzter Tag des Quartals"),
        "stand": _datum("Stand", "Stichtag der Angaben"),
        "ressort": _objekt("Ressort", "das einreichende Ressort", {
            "kurzname": _text("Kurzname", "z. B. `BMAS`"),
            "name": _text("Name", "Name des Ressorts"),
            "referat": _text("Referat", "Koordinierungsreferat"),
        }),
        "summen": _SUMMEN,
        "projekte": _liste("Projekte", "je Projekt ein Objekt, sortiert nach Kennung", _ref("projekt")),
        "pruefung": _liste("Prüfung", "Befunde der Prüfung; eine Einreichung enthält nie einen offenen Fehler, "
                           "Fehler mit Stellungnahme sind Sachverhalte, die der Empfänger kennen muss", _ref("befund")),
        "einreichung": _EINREICHUNG,
    }
    return {
        "$schema": _DRAFT, "$id": SCHEMA_ID,
        "title": "ozgdesk – Einreichung Quartalsbericht",
        "description": "Maschinenlesbarer vierteljährlicher Statusbericht eines Ressorts "
                       "(Datei Quartalsbericht_<Ressort>_<Zeitraum>_v<N>.json des Einreichungspakets).",
        **_eintrag(felder),
        "$defs": {**DEFS, "projekt": PROJEKT, "befund": BEFUND},
    }


def manifest_schema() -> dict[str, Any]:
    """The schema of ``manifest.json``."""
    felder = {
        "$schema": _feld("Schema-Verweis", f"`{MANIFEST_SCHEMA_ID}`", {"const": MANIFEST_SCHEMA_ID}),
        "schema": _feld("Schema", f"`{MANIFEST_SCHEMA}`", {"const": MANIFEST_SCHEMA}),
        "schema_version": _feld("Schemaversion", f"{MANIFEST_SCHEMA_VERSION}", {"const": MANIFEST_SCHEMA_VERSION}),
        "ressort": _text("Ressort", "Kurzname des Ressorts"),
        "art": _feld("Art", "`quartalsbericht`", {"const": "quartalsbericht"}),
        "zeitraum": _text("Zeitraum", "Quartal `JJJJ-Qn`", pattern="^[0-9]{4}-Q[1-4]$"),
        "version": _feld("Version", "Nummer der Einreichung", {"type": "integer", "minimum": 1}),
        "erstellt_am": _feld("erstellt am", "Zeitpunkt (UTC)", _ref("zeitpunkt")),
        "erstellt_von": _text("erstellt von", "Name der Person"),
        "aktenzeichen": _text("Aktenzeichen", "Aktenzeichen oder null", null=True),
        "algorithmus": _feld("Algorithmus", "`SHA-256`", {"const": "SHA-256"}),
        "dateien": _feld("Dateien", "Dateiname → SHA-256 jeder Datei des Pakets außer `manifest.json` und "
                         "`manifest.json.p7s`", {"type": "object", "minProperties": 1,
                                                  "propertyNames": {"pattern": r"^[^/\\\x00]+$", "not": {"enum": [
                                                      ".", "..", "manifest.json", "manifest.json.p7s"]}},
                                                  "additionalProperties": _ref("sha256")}),
        "signatur": _objekt("Signatur", "null: das Paket ist nicht signiert", {
            "verfahren": _feld("Verfahren", "`CAdES-BES` (Manifest) und `PAdES-B-B` (jedes PDF)",
                               {"const": "CAdES-BES/PAdES-B-B"}),
            "datei": _feld("Signaturdatei", "`manifest.json.p7s`: CMS-Signatur (abgesetzt) über diese Datei",
                           {"const": "manifest.json.p7s"}),
            "zertifikat_sha256": _feld("Zertifikat", "SHA-256 des Signaturzertifikats (DER), 64 Hexziffern",
                                       _ref("sha256")),
        }, null=True),
    }
    return {
        "$schema": _DRAFT, "$id": MANIFEST_SCHEMA_ID,
        "title": "ozgdesk – Manifest eines Einreichungspakets",
        "description": "Prüfsummen aller Dateien des Pakets; signiert in manifest.json.p7s.",
        **_eintrag(felder),
        "$defs": {"zeitpunkt": DEFS["zeitpunkt"], "sha256": DEFS["sha256"]},
    }


def schemadatei(schema: dict[str, Any]) -> bytes:
    """The bytes of a shipped schema file (what ``scripts/json_schema.py`` writes)."""
    return (json.dumps(schema, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


# ======================================================================================== validation
def _aufgeloest(s: Any, defs: dict[str, Any]) -> Any:
    """``s`` with every local ``{"$ref": "#/$defs/x"}`` replaced by the definition itself (an
    ``allOf`` where the reference has sibling keywords, which 2020-12 applies in addition – the same
    meaning). None of the definitions refers to itself, so this ends."""
    if isinstance(s, list):
        return [_aufgeloest(x, defs) for x in s]
    if not isinstance(s, dict):
        return s
    ref = s.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/$defs/"):
        ziel = _aufgeloest(defs[ref.rsplit("/", 1)[1]], defs)
        rest = {k: _aufgeloest(x, defs) for k, x in s.items() if k != "$ref"}
        return {**rest, "allOf": [ziel]} if rest else ziel
    return {k: _aufgeloest(x, defs) for k, x in s.items() if k != "$defs"}


@functools.cache
def _validator(datei: str) -> Any:
    """A validator for a shipped schema, with format checking (``date``, ``date-time`` …).

    It validates the shipped file with its ``$defs`` resolved in place: the library looks up every
    ``$ref`` anew for each value (a 60-project report has some 10 000), which took 40 % of the
    validation time; the receiver validates every package of every Ressort (bench/empfang.py)."""
    from jsonschema import Draft202012Validator

    with (daten.ordner(daten.SCHEMAS) / datei).open("rb") as f:
        schema = json.load(f)
    return Draft202012Validator(_aufgeloest(schema, schema.get("$defs", {})),
                                format_checker=Draft202012Validator.FORMAT_CHECKER)


def bericht_validator() -> Any:
    return _validator(DATEI)


def manifest_validator() -> Any:
    return _validator(MANIFEST_DATEI)


def _ort(pfad: Any) -> str:
    teile = ""
    for x in pfad:
        teile += f"[{x}]" if isinstance(x, int) else (f".{x}" if teile else str(x))
    return teile or "(oberste Ebene)"


_TYPEN = {"integer": "eine ganze Zahl", "string": "ein Text", "object": "ein Objekt", "array": "eine Liste",
          "boolean": "ja/nein (true/false)", "null": "null", "number": "eine Zahl"}


def fehlertext(e: Any) -> str:
    """A jsonschema error as a German sentence naming where (``projekte[3].finanzen.ist_quartal_cent``)."""
    wo = _ort(e.absolute_path)
    art = e.validator
    if art == "required":
        fehlend = [x for x in e.validator_value if isinstance(e.instance, dict) and x not in e.instance]
        return f"{wo}: Pflichtfeld „{fehlend[0] if fehlend else e.validator_value}“ fehlt"
    if art == "additionalProperties":
        bekannt = set(e.schema.get("properties", {}))
        fremd = sorted(str(k) for k in e.instance if k not in bekannt) if isinstance(e.instance, dict) else []
        return f"{wo}: unbekanntes Feld „{', '.join(fremd)}“"
    if art == "type":
        soll = e.validator_value if isinstance(e.validator_value, list) else [e.validator_value]
        return f"{wo}: erwartet {' oder '.join(_TYPEN.get(str(t), str(t)) for t in soll)}, gefunden {json.dumps(e.instance)[:60]}"
    if art in ("enum", "const"):
        erlaubt = e.validator_value if art == "enum" else [e.validator_value]
        return f"{wo}: Wert {json.dumps(e.instance, ensure_ascii=False)[:60]} ist nicht erlaubt " \
               f"(erlaubt: {', '.join(json.dumps(x, ensure_ascii=False) for x in erlaubt)})"
    if art in ("format", "pattern"):
        return f"{wo}: {json.dumps(e.instance, ensure_ascii=False)[:60]} hat nicht die verlangte Form"
    if art == "minimum":
        return f"{wo}: {e.instance} ist kleiner als {e.validator_value}"
    if art in ("anyOf", "oneOf"):
        return f"{wo}: Wert {json.dumps(e.instance, ensure_ascii=False)[:60]} passt zu keiner erlaubten Form"
    return f"{wo}: entspricht nicht dem Schema ({art})"


def fehler(validator: Any, instanz: Any, hoechstens: int = 5) -> list[str]:
    """German messages of the first ``hoechstens`` violations (empty: valid)."""
    aus = []
    for e in sorted(validator.iter_errors(instanz), key=lambda e: list(map(str, e.absolute_path))):
        aus.append(fehlertext(e))
        if len(aus) >= hoechstens:
            break
    return aus


# ===================================================================================== documentation
def _aufloesen(s: dict[str, Any], defs: dict[str, Any]) -> tuple[dict[str, Any], str | None, bool]:
    """(the schema behind ``$ref``/``anyOf: [x, null]``, the name of the definition, nullable)."""
    null = False
    if "anyOf" in s:
        nicht_null = [x for x in s["anyOf"] if x.get("type") != "null"]
        null = len(nicht_null) < len(s["anyOf"])
        s = {**{k: v for k, v in s.items() if k != "anyOf"}, **nicht_null[0]}
    name = None
    if "$ref" in s:
        name = s["$ref"].rsplit("/", 1)[-1]
        s = {**{k: v for k, v in s.items() if k != "$ref"}, **defs[name]}
    return s, name, null


_LISTE = {"projekt": "Projekten", "befund": "Befunden"}
_TYP_DOKU = {"cent": "Cent (int)", "datum": "Datum", "zeitpunkt": "Zeitpunkt", "personentage": "PT (Text)",
             "ampel": "Ampel", "sha256": "SHA-256", "projekt": "Projekt", "befund": "Befund"}


def _typ(s: dict[str, Any], name: str | None, null: bool) -> str:
    if name in _TYP_DOKU:
        t = _TYP_DOKU[name]
    elif "const" in s:
        t = "fest"
    elif "enum" in s:
        t = "Code"
    else:
        t = {"string": "Text", "integer": "Zahl (int)", "boolean": "ja/nein", "object": "Objekt",
             "array": "Liste"}.get(s.get("type", ""), "JSON-Wert")
    if s.get("type") == "array":
        ref = s.get("items", {}).get("$ref", "")
        t = f"Liste von {_LISTE.get(ref.rsplit('/', 1)[-1], 'Objekten')}" if ref else \
            "Liste von Objekten" if s.get("items", {}).get("type") == "object" else "Liste"
    return f"{t} oder null" if null else t


def _tabellen(schema: dict[str, Any], titel: str) -> Iterator[tuple[str, list[tuple[str, str, str, str]]]]:
    """(heading, rows (field, label, type, meaning)) for each object of the schema, breadth first."""
    defs = schema.get("$defs", {})
    offen: list[tuple[str, dict[str, Any]]] = [(titel, schema)]
    gesehen: set[str] = set()
    while offen:
        name, s = offen.pop(0)
        zeilen = []
        for feld, roh in s["properties"].items():
            f, ref, null = _aufloesen(roh, defs)
            zeilen.append((feld, roh.get("title", f.get("title", "")), _typ(f, ref, null),
                           roh.get("description", f.get("description", ""))))
            unter = f
            if f.get("type") == "array":
                unter, ref, _n = _aufloesen(f["items"], defs)
            if unter.get("type") == "object" and "properties" in unter:
                schluessel = ref or f"{name} → {feld}"
                if schluessel not in gesehen:
                    gesehen.add(schluessel)
                    offen.append((_UEBERSCHRIFT.get(ref or feld, f"{name} → `{feld}`"), unter))
        yield name, zeilen


_UEBERSCHRIFT = {"projekt": "Projekt (`projekte[]`)", "befund": "Befund (`pruefung[]`)"}


def doku_tabellen() -> str:
    """The field tables of ``docs/einreichung-schema.md``, generated from the two schemas."""
    teile = []
    for schema, titel in ((bericht_schema(), "Bericht (`Quartalsbericht_….json`)"),
                          (manifest_schema(), "Manifest (`manifest.json`)")):
        for name, zeilen in _tabellen(schema, titel):
            teile.append(f"### {name}\n\n| Feld | Bezeichnung | Typ | Bedeutung |\n|---|---|---|---|\n" +
                         "".join(f"| `{f}` | {b} | {t} | {d.replace('|', '/')} |\n" for f, b, t, d in zeilen))
    return "\n".join(teile)


__all__ = ["MANIFEST_SCHEMA", "MANIFEST_SCHEMA_ID", "SCHEMA", "SCHEMA_ID", "SCHEMA_VERSION", "bericht_schema",
           "bericht_validator", "doku_tabellen", "fehler", "fehlertext", "manifest_schema", "manifest_validator"]
