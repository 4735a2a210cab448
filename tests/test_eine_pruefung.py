"""One validation everywhere: what the CLI stores survives export, re-import and sync; what it
refuses is refused by the JSON import and by the sync too, with the same reason.

The full round trip (CLI → export → import into a fresh home → change file → second device) runs
for a few drawn examples; the equivalence of the three checks (flush hook, JSON import, sync apply)
runs for many values without a database. ``OZGDESK_FUZZ_BEISPIELE`` scales both, as in the fuzz tests.
"""

from __future__ import annotations

import json
import os
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from ozgdesk.cli import main
from ozgdesk.model import austausch
from ozgdesk.model.base import Feldfehler, json_wert
from ozgdesk.model.errors import Eingabefehler, OzgFehler
from ozgdesk.model.katalog import Leistung
from ozgdesk.model.projekte import Projekt
from ozgdesk.model.protokoll import datensatz_pruefen, werte_pruefen
from ozgdesk.model.store import Store
from ozgdesk.model.values import Finanzierung
from ozgdesk.sync.abgleich import jetzt_abgleichen
from ozgdesk.sync.backend import OrdnerBackend
from ozgdesk.sync.format import AENDERUNG_ORDNER
from ozgdesk.sync.zusammenfuehren import python_wert
from tests.sync_server import daten, datei_neu_signieren

BEISPIELE = int(os.environ.get("OZGDESK_FUZZ_BEISPIELE", "200"))
RUNDREISE = settings(max_examples=max(5, BEISPIELE // 40), deadline=None, derandomize=True,
                     suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
SCHNELL = settings(max_examples=BEISPIELE, deadline=None,
                   suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])

PROJEKT = "BMAS-2024-01"
LEISTUNG = "10073"

# Characters a user, a paste from Word or a hostile script may bring: letters and umlauts, spaces,
# tabs and line breaks, every C0/C1 control, separators, bidi controls, a BOM, a lone surrogate.
_ZEICHEN = st.sampled_from(list("aÄöß €–„“ /-.,;:") + ["\t", "\n", "\r", "\x00", "\x1b", "\x7f", "\x85", "\x9f",
                                                   "\u2028", "\u2029", "\u202e", "\u2066", "\ufeff", "\ud800",
                                                   "\u00a0", "\u00ad", "\u200d", "😀"])
_TEXT = st.text(_ZEICHEN, max_size=12) | st.builds(lambda n, c: c * n, st.integers(55, 65) | st.integers(295, 305),
                                                   st.sampled_from(["A", "ü"]))
_PT = (st.decimals(min_value=-10, max_value=10**8, places=3, allow_nan=False, allow_infinity=False)
       .map(lambda d: str(d).replace(".", ","))) | st.sampled_from(["1e999999", "0,25", "9999999,99", "10000000"])

#: CLI field → (entity, attribute, strategy of typed text)
FELDER = {
    ("projekte", "titel"): (Projekt, "titel", _TEXT),
    ("projekte", "aktenzeichen"): (Projekt, "aktenzeichen", _TEXT),
    ("projekte", "risiken"): (Projekt, "risiken", _TEXT),
    ("projekte", "eigenpersonal_pt"): (Projekt, "eigenpersonal_pt", _PT),
    ("leistungen", "bemerkung"): (Leistung, "bemerkung", _TEXT),
    ("leistungen", "prioritaet"): (Leistung, "prioritaet", st.integers(-3, 5).map(str) | st.just(str(10**20))),
}
_ZUWEISUNG = st.sampled_from(sorted(FELDER)).flatmap(lambda k: st.tuples(st.just(k), FELDER[k][2]))


def _geraete(wurzel: Path, vorlage: Path) -> tuple[Path, Path, Path]:
    """Homes of device A (demo) and B (synced once) and their folder share, copied from the template."""
    shutil.copytree(vorlage / "ablage", wurzel / "ablage")
    for name in ("a", "b"):
        (wurzel / name).mkdir(parents=True)
        shutil.copyfile(vorlage / f"{name}.sqlite", wurzel / name / "ozgdesk.sqlite")
    return wurzel / "a", wurzel / "b", wurzel / "ablage"


def _setzen(home: Path, befehl: str, feld: str, text: str) -> int:
    kennung = PROJEKT if befehl == "projekte" else LEISTUNG
    return main(["--home", str(home), befehl, "setzen", kennung, f"{feld}={text}"])


def _werte(home: Path) -> dict[tuple[str, str], object]:
    with Store.oeffnen(home / "ozgdesk.sqlite") as store, store.lesen() as s:
        p = s.execute(select(Projekt).where(Projekt.kennung == PROJEKT)).scalar_one()
        l = s.execute(select(Leistung).where(Leistung.ozg_id == LEISTUNG)).scalar_one()
        return {k: json_wert(getattr(p if cls is Projekt else l, attr)) for k, (cls, attr, _) in FELDER.items()}


@RUNDREISE
@given(zuweisungen=st.lists(_ZUWEISUNG, min_size=1, max_size=6))
@example(zuweisungen=[(("projekte", "risiken"), "Zeile 1\n\tZeile 2 – „zitiert“"),
                      (("projekte", "titel"), "Antrag\u00adsteller\u00a0online 😀"),
                      (("projekte", "aktenzeichen"), "Z" * 60), (("projekte", "eigenpersonal_pt"), "0,25"),
                      (("leistungen", "prioritaet"), "2"), (("projekte", "risiken"), "mit\r\nWindows")])
def test_was_die_cli_speichert_uebersteht_export_import_und_abgleich(tmp_path_factory, _paar_vorlage, capsys,  # noqa: F811
                                                                      zuweisungen):
    a, b, ablage = _geraete(tmp_path_factory.mktemp("rundreise"), _paar_vorlage)
    for (befehl, feld), text in zuweisungen:
        vorher = _werte(a)
        rc = _setzen(a, befehl, feld, text)
        err = capsys.readouterr().err
        if rc != 0:  # refused: a German message naming the field, nothing written
            assert rc == 1 and err.startswith("Fehler: ") and "Traceback" not in err
            assert FELDER[(befehl, feld)][0].__feldnamen__[FELDER[(befehl, feld)][1]] in err
            assert _werte(a) == vorher
    gespeichert = _werte(a)

    assert main(["--home", str(a), "export", "--out", str(a.parent / "r.json")]) == 0
    assert main(["--home", str(a.parent / "neu"), "import", str(a.parent / "r.json")]) == 0, capsys.readouterr().err
    assert _werte(a.parent / "neu") == gespeichert

    with Store.oeffnen(a / "ozgdesk.sqlite") as sa:
        assert jetzt_abgleichen(sa, OrdnerBackend(ablage)).quarantaene == 0
    with Store.oeffnen(b / "ozgdesk.sqlite") as sb:
        ergebnis = jetzt_abgleichen(sb, OrdnerBackend(ablage))
        assert ergebnis.quarantaene == 0, ergebnis.warnungen
    assert _werte(b) == gespeichert


# --------------------------------------------------------------- the same verdict on every path
def _projekt_zeile(feld: str, wert: object) -> dict[str, object]:
    zeile = {"id": "00000000-0000-4000-8000-000000000001", "kennung": PROJEKT, "titel": "Titel",
             "finanzierung": "voll"}
    zeile[feld] = json_wert(wert)
    return zeile


def _urteil(e: Eingabefehler) -> tuple[str, ...]:
    """A refusal without the record's designation: ("feld", key, problem) or ("regel", message)."""
    if isinstance(e, Feldfehler):
        return ("feld", e.feld, str(e).split(f"Feld „{Projekt.__feldnamen__[e.feld]}“: ", 1)[1])
    return ("regel", str(e))


def _urteil_hook(feld: str, wert: object) -> tuple[str, ...] | None:
    try:
        datensatz_pruefen(Projekt(**{**_projekt_zeile("titel", "Titel"), feld: wert}))
    except Eingabefehler as e:
        return _urteil(e)
    return None


def _urteil_import(feld: str, wert: object) -> tuple[str, ...] | None:
    dok = {"format": austausch.FORMAT, "version": austausch.VERSION, "tabellen": {"projekt": [_projekt_zeile(feld, wert)]}}
    try:
        austausch.pruefen(dok)
    except austausch.Importfehler as e:
        (fehler,) = e.fehler
        if fehler.startswith(f"$.tabellen.projekt[0].{feld}: "):
            return ("feld", feld, fehler.split(f"Feld „{Projekt.__feldnamen__[feld]}“: ", 1)[1])
        return ("regel", fehler.removeprefix("$.tabellen.projekt[0]: "))
    return None


def _urteil_abgleich(feld: str, wert: object) -> tuple[str, ...] | None:
    """Per value while applying (python_wert), then the entity's rules for a new record."""
    try:
        python_wert(Projekt, feld, json_wert(wert))
        werte_pruefen(Projekt, {c.key: None for c in Projekt.__table__.columns}
                      | {"id": "00000000-0000-4000-8000-000000000001", "kennung": PROJEKT, "titel": "Titel",
                         "finanzierung": Finanzierung.VOLL, feld: wert})
    except Eingabefehler as e:
        return _urteil(e)
    return None


_WERTE = st.one_of(
    st.tuples(st.sampled_from(["titel", "aktenzeichen", "risiken", "komponenten"]),
              _TEXT.filter(lambda t: t.strip()) | st.text(max_size=8)).filter(lambda fw: fw[0] != "titel" or fw[1].strip()),
    st.tuples(st.just("eigenpersonal_pt"),
              st.decimals(allow_nan=False, allow_infinity=False) | st.sampled_from(
                  [Decimal("1E+999999"), Decimal("12.345"), Decimal("1.000"), Decimal("9999999.99"), Decimal("1E+7")])),
)


@SCHNELL
@given(feld_wert=_WERTE)
def test_hook_import_und_abgleich_urteilen_gleich(feld_wert):
    feld, wert = feld_wert
    if feld == "komponenten" and wert:
        return  # a code list with its own parser, not a free text
    hook = _urteil_hook(feld, wert)
    assert _urteil_import(feld, wert) == hook
    assert _urteil_abgleich(feld, wert) == hook


# ------------------------------------------------------------------------------- the cases seen
FAELLE = [
    ("titel", "x" * 301, "höchstens 300 Zeichen erlaubt, eingegeben sind 301"),
    ("aktenzeichen", "Z" * 70, "höchstens 60 Zeichen erlaubt, eingegeben sind 70"),
    ("eigenpersonal_pt", "1e999999", "Eigenpersonal (PT)"),
    ("risiken", "vor\x00nach", "Steuerzeichen U+0000 (NUL)"),
    ("risiken", "vor\x1b[31mrot", "Steuerzeichen U+001B (ESC)"),
    ("aktenzeichen", "Z c 4\u202e1202", "Steuerzeichen U+202E"),
    ("titel", "Antrag \ud800", "einzelnes Surrogat"),
]


@pytest.mark.parametrize("feld, text, meldung", FAELLE, ids=[f[0] + "-" + f[2][:20] for f in FAELLE])
def test_gesehene_faelle_ueberall_abgelehnt(tmp_path, _paar_vorlage, capsys, feld, text, meldung):  # noqa: F811
    a, b, ablage = _geraete(tmp_path, _paar_vorlage)
    vorher = _werte(a)
    # the CLI refuses with the field's German label, writes nothing
    assert _setzen(a, "projekte", feld, text) == 1
    err = capsys.readouterr().err
    if "\ud800" in text:  # the CLI refuses a lone surrogate already as an argument (invalid UTF-8 from a terminal)
        assert "kein gültiger UTF-8-Text" in err and "Traceback" not in err
    else:
        assert meldung in err and Projekt.__feldnamen__[feld] in err and "Traceback" not in err
    assert _werte(a) == vorher

    # the JSON import of an export carrying the value refuses with the path, creates nothing
    assert main(["--home", str(a), "export", "--out", str(tmp_path / "gut.json")]) == 0
    dok = json.loads((tmp_path / "gut.json").read_text(encoding="utf-8"))
    i = next(i for i, p in enumerate(dok["tabellen"]["projekt"]) if p["kennung"] == PROJEKT)
    dok["tabellen"]["projekt"][i][feld] = "1E+999999" if feld == "eigenpersonal_pt" else text.strip()
    (tmp_path / "boese.json").write_bytes(json.dumps(dok, ensure_ascii=False).encode("utf-8", "surrogatepass"))
    capsys.readouterr()
    assert main(["--home", str(tmp_path / "neu"), "import", str(tmp_path / "boese.json")]) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err and "nichts wurde geändert" in err
    if feld != "titel" or "\ud800" not in text:  # a lone surrogate is already no valid UTF-8 in the file
        assert f"$.tabellen.projekt[{i}].{feld}: " in err and Projekt.__feldnamen__[feld] in err
    assert not (tmp_path / "neu" / "ozgdesk.sqlite").exists()

    # a change file carrying the value (as a broken device would write it) is quarantined on B
    with Store.oeffnen(a / "ozgdesk.sqlite") as sa:
        with sa.session() as s:
            s.execute(select(Projekt).where(Projekt.kennung == PROJEKT)).scalar_one().titel = "Platzhalter"
        jetzt_abgleichen(sa, OrdnerBackend(ablage))
        geraet = sa.geraet_id
    (datei,) = sorted((ablage / AENDERUNG_ORDNER / geraet).glob("*.json"))[-1:]

    def boese(nutzlast: dict) -> None:
        (eintrag,) = [e for t in nutzlast["transaktionen"] for e in t["eintraege"]]
        eintrag["feld"] = feld
        eintrag["neu"] = json.dumps("1E+999999" if feld == "eigenpersonal_pt" else text, ensure_ascii=True)

    datei_neu_signieren(datei, boese)
    with Store.oeffnen(b / "ozgdesk.sqlite") as sb:
        vorher_b = daten(sb)
        try:
            ergebnis = jetzt_abgleichen(sb, OrdnerBackend(ablage))
        except OzgFehler:
            pytest.fail("the sync must quarantine the file, not stop")
        assert ergebnis.quarantaene == 1
        assert any(Projekt.__feldnamen__[feld] in w for w in ergebnis.warnungen)
        assert daten(sb) == vorher_b
