"""What a reader of the PDFs notices: A4, embedded fonts with German glyphs, header and footer on
every page, metadata, the ENTWURF watermark only on drafts, one page for the Steckbrief."""

from __future__ import annotations

import io
import shutil
import subprocess

import pytest
from pypdf import PdfReader

from ozgdesk.model.values import Halbjahr, Quartal
from ozgdesk.reports import antrag, meilensteine, online_monitoring, quartalsbericht, statusermittlung, steckbrief
from tests.test_berichte_hilfen import VS, bestand, pdf_text

pytestmark = pytest.mark.beide_datenbanken

Q3 = Quartal(2026, 3)
H2 = Halbjahr(2026, 2)


def _alle(b):  # noqa: ANN001
    p = b.projekt("BMAS-2025-04")
    return {
        "Quartalsbericht Ressort": quartalsbericht.pdf_ressort(b, Q3, kennzeichnung=VS),
        "Quartalsbericht Projekt": quartalsbericht.pdf_projekte(b, [p], Q3, kennzeichnung=VS),
        "Anlage A": antrag.pdf(b, p, kennzeichnung=VS),
        "Meilenstein-Monitoring": meilensteine.pdf(b, H2, kennzeichnung=VS),
        "Statusermittlung": statusermittlung.pdf(b, kennzeichnung=VS),
        "Online-Monitoring": online_monitoring.pdf(b, H2),
        "Steckbrief": steckbrief.pdf(b, p, kennzeichnung=VS),
    }


@pytest.fixture
def dokumente(demo_store):
    return _alle(bestand(demo_store))


def _schriften(reader: PdfReader) -> dict[str, bool]:
    """Font name -> embedded?, over all pages (Type0 fonts via their descendant)."""
    gefunden: dict[str, bool] = {}
    for seite in reader.pages:
        for font in (seite["/Resources"].get("/Font") or {}).values():
            f = font.get_object()
            desc = f.get("/FontDescriptor")
            if desc is None and "/DescendantFonts" in f:
                desc = f["/DescendantFonts"][0].get_object().get("/FontDescriptor")
            desc = desc.get_object() if desc is not None else {}
            gefunden[str(f["/BaseFont"])] = any(k in desc for k in ("/FontFile", "/FontFile2", "/FontFile3"))
    return gefunden


def test_jedes_dokument_a4_schriften_eingebettet_kopf_und_fuss(dokumente):
    for name, daten in dokumente.items():
        reader = PdfReader(io.BytesIO(daten))
        n = len(reader.pages)
        for seite in reader.pages:
            assert (round(float(seite.mediabox.width)), round(float(seite.mediabox.height))) == (595, 842), name
        schriften = _schriften(reader)
        assert schriften and all(schriften.values()), f"{name}: nicht eingebettet: {schriften}"
        assert all("DejaVuSans" in s for s in schriften), f"{name}: {schriften}"
        for i, text in enumerate(pdf_text(daten), start=1):
            assert f"Seite {i} von {n}" in text, f"{name} S. {i}"
            assert "Bundesministerium für Arbeit und Soziales" in text
            assert "Stand: 15.11.2026" in text
            if name == "Online-Monitoring":
                assert VS not in text  # public: no protective marking
            else:
                assert text.count(VS) == 2, f"{name} S. {i}: Schutzvermerk in Kopf und Fuß"


def test_metadaten_deutsch(dokumente):
    for name, daten in dokumente.items():
        reader = PdfReader(io.BytesIO(daten))
        meta = reader.metadata
        assert meta.title and meta.author and meta.subject, name
        assert reader.trailer["/Root"]["/Lang"] == "de-DE", name


def test_deutsche_zeichen_und_formate(demo_store):
    from sqlalchemy import select

    from ozgdesk.model import Projekt

    glyphen = "Größenprüfung „Äußerst“ – Übermaß € ÖÜ"
    with demo_store.session(benutzer="Test") as s:
        s.execute(select(Projekt).where(Projekt.kennung == "BMAS-2024-02")).scalar_one().titel = glyphen
    b = bestand(demo_store)
    text = " ".join(" ".join(pdf_text(quartalsbericht.pdf_ressort(b, Q3))).split())
    assert glyphen in text
    assert "3. Quartal 2026 (01.07.2026 bis 30.09.2026)" in text
    assert "2.100.372,23" in text  # German thousands and decimal separators
    assert "€" in text


def test_entwurf_hat_wasserzeichen_endfassung_nicht(demo_store):
    b = bestand(demo_store)
    entwurf = pdf_text(statusermittlung.pdf(b, entwurf=True))
    final = pdf_text(statusermittlung.pdf(b))
    assert all("ENTWURF" in seite for seite in entwurf)
    assert not any("ENTWURF" in seite for seite in final)


def test_tabellenkopf_wiederholt_sich_auf_folgeseiten(demo_store):
    b = bestand(demo_store)
    seiten = [" ".join(s.split()) for s in pdf_text(quartalsbericht.pdf_ressort(b, Q3))]
    kopf = "Kennung Projekt Behörde Gesamt Zeit Kosten Umfang Begründung"
    seiten_mit_kopf = [i for i, s in enumerate(seiten) if kopf in s]
    assert sum("1 Projektstatus (Ampeln)" in s for s in seiten) == 1
    assert len(seiten_mit_kopf) >= 2  # the 18-row status table spans two pages ...
    assert seiten_mit_kopf == list(range(seiten_mit_kopf[0], seiten_mit_kopf[0] + len(seiten_mit_kopf)))  # ... header on each


def test_steckbrief_ist_eine_seite_auch_mit_langen_texten(demo_store):
    from sqlalchemy import select

    from ozgdesk.model import Projekt

    with demo_store.session(benutzer="Test") as s:
        p = s.execute(select(Projekt).where(Projekt.kennung == "BMAS-2024-01")).scalar_one()
        p.risiken = "Sehr langer Risikotext mit Umlauten äöü. " * 120
    b = bestand(demo_store)
    for p in b.projekte:
        assert len(PdfReader(io.BytesIO(steckbrief.pdf(b, p))).pages) == 1, p.kennung


def test_lange_namen_werden_umbrochen_nicht_abgeschnitten(demo_store):
    from sqlalchemy import select

    from ozgdesk.model import Projekt

    lang = "Digitalisierung " + "des Antragsverfahrens auf Leistungen " * 6 + "ENDE-DES-TITELS"
    with demo_store.session(benutzer="Test") as s:
        s.execute(select(Projekt).where(Projekt.kennung == "BMAS-2024-02")).scalar_one().titel = lang[:300]
    text = "\n".join(pdf_text(quartalsbericht.pdf_ressort(bestand(demo_store), Q3)))
    assert "ENDE-DES-TITELS" in text


@pytest.mark.skipif(shutil.which("pdffonts") is None, reason="poppler-utils (pdffonts) fehlt")
def test_pdffonts_zeigt_alles_eingebettet(dokumente, tmp_path):
    for name, daten in dokumente.items():
        pfad = tmp_path / "d.pdf"
        pfad.write_bytes(daten)
        zeilen = subprocess.run(["pdffonts", str(pfad)], capture_output=True, text=True, check=True).stdout.splitlines()[2:]
        assert zeilen, name
        for z in zeilen:
            assert z.split()[-5] == "yes", f"{name}: {z}"  # column "emb"


def test_sonderzeichen_im_benutzertext_erscheinen_woertlich(demo_store):
    from sqlalchemy import select

    from ozgdesk.model import Projekt

    with demo_store.session(benutzer="Test") as s:
        p = s.execute(select(Projekt).where(Projekt.kennung == "BMAS-2024-01")).scalar_one()
        p.titel = "A & B <b>kein Fett</b>"
        p.risiken = "Risiko <i>x</i> & \"Anführung\"\nzweite Zeile mit einem sehr langen Wort Donaudampfschifffahrtsgesellschaftskapitänsmütze"
    b = bestand(demo_store)
    for daten in (quartalsbericht.pdf_ressort(b, Q3), steckbrief.pdf(b, b.projekt("BMAS-2024-01")),
                  quartalsbericht.pdf_projekte(b, [b.projekt("BMAS-2024-01")], Q3)):
        text = " ".join(" ".join(pdf_text(daten)).split())
        assert "A & B <b>kein Fett</b>" in text
        assert "Risiko <i>x</i> & \"Anführung\"" in text


def test_berichtsdateien_nur_fuer_den_besitzer(demo_home, tmp_path):
    """Reports carry internal figures: created owner-only, like the database (docs/sicherheit.md)."""
    import os
    import stat

    from ozgdesk.cli import main

    assert main(["--home", str(demo_home), "bericht", "statusermittlung", "--entwurf", "--out", str(tmp_path / "b")]) == 0
    dateien = list((tmp_path / "b").iterdir())
    assert dateien and all(stat.S_IMODE(os.stat(d).st_mode) == 0o600 for d in dateien)
    assert not [d for d in dateien if d.name.startswith(".")]  # no temp files left
