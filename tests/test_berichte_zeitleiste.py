"""The Zeitleiste as a document (ozgdesk/reports/zeitleiste.py), without Qt: A4 and A3 landscape
through the common layout, so PDF/A-2b with header, footer and page numbers; every row's text in
full (room is kept after the last date), the legend and the scale on every page."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pikepdf
import pytest

from ozgdesk.model import zeitleiste as zl
from ozgdesk.model.demo import STICHTAG
from ozgdesk.reports import zeitleiste as dokument
from tests.test_berichte_hilfen import pdf_text
from tests.test_pdfa import verstoesse


@pytest.fixture
def zeilen(demo_store) -> zl.Zeilen:  # noqa: ANN001
    with demo_store.lesen() as s:
        return zl.zeilen(zl.laden(s).projekte, STICHTAG)


@pytest.mark.parametrize(("format_", "groesse"), [("A4", (842, 595)), ("A3", (1191, 842))])
def test_quer_pdfa_mit_kopf_legende_und_jedem_text(zeilen, format_, groesse):  # noqa: ANN001
    daten = dokument.pdf(zeilen, stichtag=STICHTAG, titel="Zeitleiste der Projekte – BMAS",
                         ressort="Bundesministerium für Arbeit und Soziales", referat="Referat Z c 4", format_=format_)
    assert verstoesse(daten) == []
    with pikepdf.open(io.BytesIO(daten)) as pdf:
        assert {tuple(round(float(x)) for x in p.mediabox[2:]) for p in pdf.pages} == {groesse}
        seiten = len(pdf.pages)
    texte = pdf_text(daten)
    for nr, text in enumerate(texte, start=1):
        for wort in ("Bundesministerium für Arbeit und Soziales", "Referat Z c 4", "Stand: 15.11.2026",
                     "Projekt / Arbeitspaket / Meilenstein", "heute (15.11.2026)", f"Seite {nr} von {seiten}"):
            assert wort in text, (nr, wort)
    alles = re.sub(r"\s+", " ", " ".join(texte))
    for z in zeilen:  # no text beside the marks is cut short
        assert z.beschriftung in alles, z.beschriftung
    assert "…" not in " ".join(z.beschriftung for z in zeilen)


def test_massstab_passt_zur_seite(zeilen):  # noqa: ANN001
    m4 = dokument.mass(zeilen, STICHTAG, 700, 6.5)
    m3 = dokument.mass(zeilen, STICHTAG, 1050, 7.5)
    for m in (m4, m3):
        assert m.etikett <= 0.3 * (m.etikett + m.achse) + 0.01
        assert m.zr.beginn <= min(d for z in zeilen for d in z.daten())
        assert m.x(m.zr.ende + timedelta(days=1)) == pytest.approx(m.etikett + m.achse)
    assert m3.tb > m4.tb
    assert {s.ebene for s in m4.striche} == {0, 1}


def test_leere_zeitleiste_ein_blatt():
    daten = dokument.pdf(zl.Zeilen((), STICHTAG, zl.Filter(), frozenset()), stichtag=STICHTAG, titel="Zeitleiste",
                         ressort="BMI")
    assert verstoesse(daten) == [] and len(pdf_text(daten)) == 1
