"""Safe JSON for files from the share (issue 14, point 4): every hostile input is one Formatfehler
with a stable code, never a traceback, and the readers of the share use it."""

from __future__ import annotations

import json
import os
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ozgdesk.sync import format as fmt
from ozgdesk.sync.format import Formatfehler
from ozgdesk.sync.sicher_lesen import MAX_TIEFE, MAX_ZIFFERN, json_laden

BEISPIELE = int(os.environ.get("OZGDESK_FUZZ_BEISPIELE", "300"))

FEINDLICH = [
    ("klammern_100000", b"[" * 100_000, "json_tiefe"),
    ("klammern_geschlossen", b"[" * 5000 + b"]" * 5000, "json_tiefe"),
    ("objekte_tief", b'{"a":' * 3000 + b"1" + b"}" * 3000, "json_tiefe"),
    ("eine_ebene_zu_tief", b"[" * (MAX_TIEFE + 1) + b"]" * (MAX_TIEFE + 1), "json_tiefe"),
    ("zahl_5000_ziffern", b"9" * 5000, "json_zahl"),
    ("zahl_4000_ziffern", b'{"seq":' + b"9" * 4000 + b"}", "json_zahl"),
    ("zahl_21_ziffern", b"-" + b"1" * (MAX_ZIFFERN + 1), "json_zahl"),
    ("1e999", b"[1e999]", "json_zahl"),
    ("kommazahl", b'{"seq":1.5}', "json_zahl"),
    ("nan", b"[NaN]", "json_zahl"),
    ("infinity", b"-Infinity", "json_zahl"),
    ("ungueltiges_utf8", b'{"a":"\xff\xfe"}', "json_utf8"),
    ("ersatzzeichen_utf8", b'"\xed\xa0\x80"', "json_utf8"),  # a surrogate encoded as UTF-8 bytes
    ("bom", b'\xef\xbb\xbf{"a":1}', "json_utf8"),
    ("utf16", '{"a":1}'.encode("utf-16"), "json_utf8"),
    ("einzelnes_ersatzzeichen", b'{"a":["x\\ud800y"]}', "json_text"),
    ("ersatzzeichen_im_schluessel", b'{"\\udc00":1}', "json_text"),
    ("doppelter_schluessel", b'{"format":"x","format":"ozgdesk-aenderungen"}', "json_schluessel"),
    ("leer", b"", "json"),
    ("abgeschnitten", b'{"a":[1,2', "json"),
    ("nachlauf", b"{} {}", "json"),
    ("einfache_anfuehrungszeichen", b"{'a':1}", "json"),
]


@pytest.mark.parametrize(("daten", "code"), [(d, c) for _, d, c in FEINDLICH], ids=[n for n, _, _ in FEINDLICH])
def test_feindliches_json_ist_ein_formatfehler_mit_code(daten: bytes, code: str) -> None:
    with pytest.raises(Formatfehler) as fehler:
        json_laden(daten, wo="changes/x/000000000001-ab.json")
    assert fehler.value.code == code
    text = str(fehler.value)
    assert text.startswith("changes/x/000000000001-ab.json: Die Datei ") and text.endswith(".")


def test_gueltiges_json_kommt_unveraendert_an() -> None:
    doc = {"format": "ozgdesk-aenderungen", "seq": 18446744073709551615, "neg": -99999999999999999999,
           "text": "Grüße – 😀 \\ud800 als Text", "leer": [], "null": None, "ja": True,
           "tief": json.loads("[" * (MAX_TIEFE - 1) + "]" * (MAX_TIEFE - 1))}
    for daten in (json.dumps(doc).encode(), json.dumps(doc, ensure_ascii=False).encode()):
        assert json_laden(daten) == doc
    assert json_laden(b'"' + b"1" * 5000 + b'"') == "1" * 5000  # a long digit run in a string is fine
    assert json_laden(bytearray(b"[1]")) == [1]


def test_kommazahlen_nur_wenn_erlaubt_und_nie_unendlich() -> None:
    assert json_laden(b"[1.5, 2e3]", kommazahlen=True) == [1.5, 2000.0]
    for daten in (b"1e999", b"-1e400", b"NaN", b"Infinity", b"0." + b"1" * 100):
        with pytest.raises(Formatfehler) as fehler:
            json_laden(daten, kommazahlen=True)
        assert fehler.value.code == "json_zahl"


def test_grenzen_sind_einstellbar() -> None:
    assert json_laden(b"[[[1]]]", max_tiefe=3) == [[[1]]]
    with pytest.raises(Formatfehler, match="2 Ebenen"):
        json_laden(b"[[[1]]]", max_tiefe=2)
    assert json_laden(b"12345", max_ziffern=5) == 12345
    with pytest.raises(Formatfehler, match="6 Ziffern"):
        json_laden(b"123456", max_ziffern=5)


def test_grosse_datei_mit_dem_c_parser_schnell() -> None:
    """12 MB of change-file-like JSON: the checks cost about as much as parsing itself."""
    eintrag = {"seq": 1, "tabelle": "projekt", "id": "0" * 36, "aktion": "aendern", "feld": "titel",
               "alt": json.dumps("Alter Titel [x] {y}"), "neu": json.dumps("Neuer Titel – Grüße")}
    daten = json.dumps({"transaktionen": [{"eintraege": [eintrag] * 50}] * 1200}, ensure_ascii=False).encode()
    assert len(daten) > 10_000_000
    start = time.perf_counter()
    json.loads(daten)
    roh = time.perf_counter() - start
    start = time.perf_counter()
    json_laden(daten)
    assert time.perf_counter() - start < 4 * roh + 1.0


def test_breite_flache_liste_und_tiefe_bei_einer_million_werten() -> None:
    assert len(json_laden(b"[" + b"0," * 1_000_000 + b"0]")) == 1_000_001
    with pytest.raises(Formatfehler) as fehler:
        json_laden(b"[" + b"0," * 1_000_000 + b"[" * 40 + b"]" * 40 + b"]")
    assert fehler.value.code == "json_tiefe"


# ------------------------------------------------------------------------------ the readers use it
def _schluessel():  # noqa: ANN202
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from ozgdesk.sync.schluessel import Geraeteschluessel

    return Geraeteschluessel("0" * 8 + "-0000-4000-8000-" + "0" * 12, Ed25519PrivateKey.generate())


def test_kennungsdatei_und_aenderungsdatei_lesen_mit_json_laden() -> None:
    with pytest.raises(Formatfehler) as fehler:
        fmt.share_datei_lesen(b"[" * 100_000, "Ablage")
    assert fehler.value.code == "json_tiefe" and "ozgdesk-share.json" in str(fehler.value)
    k = _schluessel()
    for daten, code in ((b'{"version":' + b"9" * 5000 + b"}", "json_zahl"), (b"\xff", "json_utf8"),
                        (b"[" * 100_000, "json_tiefe"), (b'{"format":1e999}', "json_zahl")):
        name = fmt.Dateiname(k.geraet, 1)
        with pytest.raises(Formatfehler) as fehler:
            fmt.aenderungsdatei_pruefen(name, daten, schluessel=[k.oeffentlich], share_id="s", bis=0, kette="")
        assert fehler.value.code == code and str(fehler.value).startswith(name.pfad)


@pytest.mark.parametrize("neu", ["[" * 100_000, "1" + "0" * 4000, '{"a": 1, "a": 2}', '"\\ud800"'])
def test_feindlicher_wert_in_einem_eintrag_ist_ein_formatfehler(neu: str) -> None:
    """``alt``/``neu`` are JSON texts inside a correctly signed file: ``[`` × 100000, a 4000-digit
    number, a duplicate key or a lone surrogate there must not escape as a crash later."""
    k = _schluessel()
    eintrag = {"seq": 1, "tabelle": "projekt", "id": "x", "aktion": "aendern", "feld": "titel", "alt": None,
               "neu": neu}
    transaktionen = [{"transaktion": "t", "zeitpunkt": "2026-11-15T09:12:00+00:00", "benutzer": "A",
                      "quelle": "lokal", "gesehen": {}, "eintraege": [eintrag]}]
    name, daten, _ = fmt.aenderungsdatei_bauen(k, "s", "", transaktionen)
    with pytest.raises(Formatfehler) as fehler:
        fmt.aenderungsdatei_pruefen(name, daten, schluessel=[k.oeffentlich], share_id="s", bis=0, kette="")
    assert fehler.value.code == "eintrag_typ"


# ------------------------------------------------------------------------------ fuzzing
json_werte = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda k: st.lists(k, max_size=4) | st.dictionaries(st.text(max_size=6), k, max_size=4), max_leaves=20)


def _json_text(wert: object) -> bytes:
    return json.dumps(wert, ensure_ascii=False).encode("utf-8", "surrogatepass")


@settings(max_examples=BEISPIELE, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(roh=st.binary(max_size=400)
       | json_werte.map(_json_text)
       | json_werte.map(lambda w: json.dumps(w).encode())
       | st.lists(st.sampled_from([b"[", b"]", b"{", b"}", b'"a":', b",", b"1", b"9" * 30, b"1e999", b"NaN", b'"',
                                   b"\\ud800", b"\\", b"-", b".5", b"\xff", b"\xed\xa0\x80", b" "]), max_size=80)
       .map(b"".join),
       tiefe=st.integers(1, 40), ziffern=st.integers(1, 30), kommazahlen=st.booleans())
def test_json_laden_wirft_nur_formatfehler(roh: bytes, tiefe: int, ziffern: int, kommazahlen: bool) -> None:
    try:
        doc = json_laden(roh, max_tiefe=tiefe, max_ziffern=ziffern, kommazahlen=kommazahlen)
    except Formatfehler as e:
        assert e.code.startswith("json") and str(e)
        return
    # What is accepted can be stored and written again: UTF-8, canonical JSON, no recursion error.
    json.dumps(doc, ensure_ascii=False, sort_keys=True, allow_nan=False).encode("utf-8")
