"""PDF/A-2b: every final document can be filed in the E-Akte as it is; a draft never claims to be PDF/A.

One module-wide set of documents (every document type, from the demo Ressort, as final and as
draft, plus the PDFs of a submission package and of the command line) is checked rule by rule with
pikepdf, with poppler's ``pdffonts`` and – where installed – with pikepdf's PDF/A validator
(``pikepdf[pdfa]``, an allowlist validator built on the veraPDF rule catalogue).

The checks are the user's view of PDF/A: a records office's validator rejects a file for exactly
these things (missing claim, Info and XMP disagreeing, a font not embedded, transparency, device
colour without an output intent, JavaScript, an external reference, an embedded file, encryption).
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, date, datetime, time
from decimal import Decimal
from pathlib import Path

import pikepdf
from pikepdf.models.metadata import decode_pdf_date
import pytest
from PIL import ImageCms

from ozgdesk.model.demo import STICHTAG
from ozgdesk.model.store import Store
from ozgdesk.model.values import Halbjahr, Quartal
from ozgdesk.reports import (
    aenderungsanforderung,
    antrag,
    meilensteine,
    online_monitoring,
    pdfa,
    quartalsbericht,
    statusermittlung,
    steckbrief,
)
from ozgdesk.reports.einreichung import einreichen, paket_pruefen
from tests.test_berichte_hilfen import VS, bestand, demo_fehler_beheben, pdf_text

Q3 = Quartal(2026, 3)
H2 = Halbjahr(2026, 2)
PROJEKT = "BMAS-2025-04"

#: Info keys that have an XMP counterpart; any other key could not agree with the XMP (PDF/A-1 demanded the
#: agreement, veraPDF checks it for PDF/A-1 only, but archive systems read either place).
INFO_MIT_XMP = {"/Title", "/Author", "/Subject", "/Keywords", "/Creator", "/Producer", "/CreationDate", "/ModDate"}
#: Actions PDF/A-2 forbids (ISO 19005-2, 6.5.1) and those that reach outside the file.
VERBOTENE_AKTIONEN = {"/Launch", "/Sound", "/Movie", "/ResetForm", "/ImportData", "/Hide", "/SetOCGState", "/Rendition",
                      "/Trans", "/GoTo3DView", "/JavaScript", "/SubmitForm", "/GoToR", "/GoToE"}


# ------------------------------------------------------------------------------------------ documents
def _dokumente(b, entwurf: bool) -> dict[str, bytes]:  # noqa: ANN001
    p = b.projekt(PROJEKT)
    return {
        "Statusbericht Ressort": quartalsbericht.pdf_ressort(b, Q3, kennzeichnung=VS, entwurf=entwurf),
        "Statusbericht Projekt": quartalsbericht.pdf_projekte(b, [p], Q3, kennzeichnung=VS, entwurf=entwurf),
        "Projektberichte (alle)": quartalsbericht.pdf_projekte(b, list(b.projekte), Q3, kennzeichnung=VS, entwurf=entwurf),
        "Meilenstein-Monitoring": meilensteine.pdf(b, H2, kennzeichnung=VS, entwurf=entwurf),
        "Statusermittlung": statusermittlung.pdf(b, kennzeichnung=VS, entwurf=entwurf),
        "Online-Monitoring": online_monitoring.pdf(b, H2, entwurf=entwurf),
        "Anlage A": antrag.pdf(b, p, kennzeichnung=VS, entwurf=entwurf),
        "Steckbrief": steckbrief.pdf(b, p, kennzeichnung=VS, entwurf=entwurf),
    }


def _anforderung(store: Store) -> bytes:
    """The Änderungsanforderung has no draft form: its PDF is always the final letter."""
    from ozgdesk.model.katalogimport import anforderung

    with store.session(benutzer="Test") as s:
        a = anforderung.anlegen(s, art="fehlerhaft", ozg_id="10075", betreff="Insolvenzgeld: LeiKa-Zuordnung",
                                begruendung="§ 314 SGB III verlangt die Bescheinigung.", heute=STICHTAG)
        d = anforderung.daten(s, a)
    return aenderungsanforderung.pdf_erzeugen(d, kennzeichnung=VS)


@pytest.fixture(scope="module")
def demo_kopie(tmp_path_factory: pytest.TempPathFactory, _demo_vorlage: Path) -> Path:
    """A home folder with a private copy of the demo Ressort for this module's documents."""
    home = tmp_path_factory.mktemp("pdfa-home")
    shutil.copyfile(_demo_vorlage, home / "ozgdesk.sqlite")
    return home


@pytest.fixture(scope="module")
def alle(demo_kopie: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, bytes]]:
    """{"final": {name: bytes}, "entwurf": {name: bytes}} – rendered once for the whole module."""
    from ozgdesk.cli import main

    with Store.oeffnen(demo_kopie / "ozgdesk.sqlite") as store:
        b = bestand(store)
        final, entwurf = _dokumente(b, False), _dokumente(b, True)
        final["Änderungsanforderung"] = _anforderung(store)
        demo_fehler_beheben(store)  # a submission and a final report from the CLI need a clean check
        paket = einreichen(store, Q3, tmp_path_factory.mktemp("paket"), stand=STICHTAG, benutzer="Test")
        assert paket_pruefen(paket.ordner, store) == []
    for datei in sorted(paket.ordner.glob("*.pdf")):
        final[f"Einreichungspaket: {datei.name}"] = datei.read_bytes()
    out = tmp_path_factory.mktemp("cli")
    assert main(["--home", str(demo_kopie), "bericht", "statusermittlung", "--stand", "15.11.2026",
                 "--format", "pdf", "--out", str(out)]) == 0
    assert main(["--home", str(demo_kopie), "steckbrief", "--projekt", PROJEKT, "--stand", "15.11.2026",
                 "--format", "pdf", "--entwurf", "--out", str(out / "entwurf")]) == 0
    (cli_final,) = out.glob("*.pdf")
    (cli_entwurf,) = (out / "entwurf").glob("*.pdf")
    final[f"Befehlszeile: {cli_final.name}"] = cli_final.read_bytes()
    entwurf[f"Befehlszeile: {cli_entwurf.name}"] = cli_entwurf.read_bytes()
    return {"final": final, "entwurf": entwurf}


# ------------------------------------------------------------------------------------------- checks
def _objekte(pdf: pikepdf.Pdf) -> Iterator[pikepdf.Dictionary | pikepdf.Stream]:
    """Every dictionary and stream reachable from the trailer, direct (inline) ones included."""
    gesehen: set[tuple[int, int]] = set()
    stapel: list[pikepdf.Object] = [pdf.trailer]
    while stapel:
        o = stapel.pop()
        if o.is_indirect:
            if o.objgen in gesehen:
                continue
            gesehen.add(o.objgen)
        if isinstance(o, pikepdf.Array):
            stapel.extend(x for x in o if isinstance(x, pikepdf.Array | pikepdf.Dictionary | pikepdf.Stream))
        elif isinstance(o, pikepdf.Dictionary | pikepdf.Stream):
            yield o
            werte = o.stream_dict.values() if isinstance(o, pikepdf.Stream) else o.values()
            stapel.extend(x for x in werte if isinstance(x, pikepdf.Array | pikepdf.Dictionary | pikepdf.Stream))


def _eingebettet(font: pikepdf.Dictionary) -> bool:
    if font.get("/Subtype") == "/Type3":
        return True  # glyphs are content streams inside the file: nothing to embed
    if font.get("/Subtype") == "/Type0":
        return all(_eingebettet(d) for d in font.get("/DescendantFonts", [])) and bool(font.get("/DescendantFonts"))
    beschreibung = font.get("/FontDescriptor")
    return beschreibung is not None and any(k in beschreibung for k in ("/FontFile", "/FontFile2", "/FontFile3"))


def _datum_pdf(text: str) -> datetime:
    return decode_pdf_date(text)


def verstoesse(daten: bytes, *, archiv: bool = True, stand: date = STICHTAG) -> list[str]:
    """What keeps ``daten`` from being a PDF/A-2b file as ozgdesk promises it; empty when it is one."""
    v: list[str] = []
    if not daten.startswith(b"%PDF-1.7\n%") or not all(x >= 128 for x in daten[10:14]):
        v.append(f"Kopf {daten[:14]!r}: erwartet %PDF-1.7 und eine Binärkommentarzeile")
    with pikepdf.open(io.BytesIO(daten)) as pdf:
        if pdf.is_encrypted or "/Encrypt" in pdf.trailer:
            v.append("verschlüsselt")
        kennung = pdf.trailer.get("/ID")
        if kennung is None or len(kennung) != 2 or not all(len(bytes(x)) == 16 for x in kennung):
            v.append(f"Trailer-/ID fehlt oder ist ungültig: {kennung!r}")
        wurzel = pdf.Root
        if str(wurzel.get("/Lang", "")) != "de-DE":
            v.append(f"Katalog /Lang = {wurzel.get('/Lang')!r}")
        for schluessel in ("/AA", "/Perms", "/Requirements", "/NeedsRendering"):
            if schluessel in wurzel:
                v.append(f"Katalog enthält {schluessel}")
        if "/Names" in wurzel and any(k in wurzel.Names for k in ("/JavaScript", "/EmbeddedFiles", "/AlternatePresentations")):
            v.append(f"Namensverzeichnis enthält {sorted(wurzel.Names.keys())}")

        # metadata: the claim, and Info and XMP saying the same
        metadaten = wurzel.get("/Metadata")
        if metadaten is None:
            v.append("kein XMP-Metadatenstrom")
            return v
        if "/Filter" in metadaten.stream_dict:
            v.append("XMP-Metadatenstrom ist gefiltert (Archivsysteme erwarten ihn unkomprimiert lesbar)")
        xmp = pdf.open_metadata()
        teil, konformitaet = xmp.get("pdfaid:part"), xmp.get("pdfaid:conformance")
        if archiv and (teil, konformitaet) != ("2", "B"):
            v.append(f"pdfaid:part/conformance = {teil}/{konformitaet}, erwartet 2/B")
        if not archiv and (teil or konformitaet):
            v.append(f"Entwurf behauptet PDF/A ({teil}/{konformitaet})")
        info = pdf.docinfo
        fremd = set(map(str, info.keys())) - INFO_MIT_XMP
        if fremd:
            v.append(f"Info-Einträge ohne XMP-Gegenstück: {sorted(fremd)}")
        for name, xmp_name in (("/Title", "dc:title"), ("/Subject", "dc:description"), ("/Producer", "pdf:Producer"),
                               ("/Creator", "xmp:CreatorTool"), ("/Keywords", "pdf:Keywords")):
            if name in info or xmp_name in xmp:
                if str(info.get(name, "")) != str(xmp.get(xmp_name, "")):
                    v.append(f"{name} {str(info.get(name))!r} ≠ {xmp_name} {xmp.get(xmp_name)!r}")
        if not str(info.get("/Title", "")) or not str(info.get("/Author", "")):
            v.append("Titel oder Autor fehlt")
        if [str(info.get("/Author", ""))] != list(xmp.get("dc:creator", [])):
            v.append(f"/Author {str(info.get('/Author'))!r} ≠ dc:creator {xmp.get('dc:creator')!r}")
        if "de-DE" not in set(xmp.get("dc:language", set())):
            v.append(f"dc:language = {xmp.get('dc:language')!r}")
        for name, xmp_name in (("/CreationDate", "xmp:CreateDate"), ("/ModDate", "xmp:ModifyDate")):
            if name not in info or xmp_name not in xmp:
                v.append(f"{name} oder {xmp_name} fehlt")
                continue
            im_info, im_xmp = _datum_pdf(str(info[name])), datetime.fromisoformat(xmp[xmp_name])
            if im_info != im_xmp:
                v.append(f"{name} {im_info} ≠ {xmp_name} {im_xmp}")
            if im_info != datetime.combine(stand, time(0), tzinfo=UTC):
                v.append(f"{name} {im_info} ist nicht der Stand {stand}")

        # an sRGB output intent, so DeviceRGB/DeviceGray are defined colours
        absichten = list(wurzel.get("/OutputIntents", []))
        pdfa_absichten = [a for a in absichten if a.get("/S") == "/GTS_PDFA1"]
        if len(pdfa_absichten) != 1:
            v.append(f"{len(pdfa_absichten)} PDF/A-OutputIntents statt einem")
        for a in pdfa_absichten:
            profil = a.get("/DestOutputProfile")
            if profil is None or profil.get("/N") != 3:
                v.append(f"OutputIntent ohne RGB-Profil (N = {None if profil is None else profil.get('/N')})")
                continue
            icc = ImageCms.ImageCmsProfile(io.BytesIO(profil.read_bytes())).profile
            if (icc.xcolor_space, icc.device_class) != ("RGB ", "mntr") or icc.version >= 5 or "sRGB" not in icc.profile_description:
                v.append(f"ICC-Profil {icc.profile_description!r} {icc.xcolor_space!r} {icc.device_class!r} v{icc.version}")

        # everything else, object by object
        for o in _objekte(pdf):
            d = o.stream_dict if isinstance(o, pikepdf.Stream) else o
            typ = d.get("/Type")
            if typ == "/Font" and not _eingebettet(d):
                v.append(f"Schrift {d.get('/BaseFont')} ({d.get('/Subtype')}) nicht eingebettet")
            if "/SMask" in d and d["/SMask"] != "/None":
                v.append(f"Transparenz: weiche Maske (/SMask) in {typ or d.get('/Subtype')}")
            for alpha in ("/CA", "/ca"):
                if alpha in d and Decimal(str(d[alpha])) < 1:
                    v.append(f"Transparenz: {alpha} {d[alpha]}")
            if "/BM" in d and d["/BM"] not in ("/Normal", "/Compatible"):
                v.append(f"Transparenz: Füllmethode {d['/BM']}")
            if "/SMaskInData" in d and d["/SMaskInData"] != 0:
                v.append("Transparenz: /SMaskInData in einem Bild")
            if "/Group" in d and d["/Group"].get("/S") == "/Transparency":
                v.append("Transparenzgruppe auf einer Seite oder Form")
            if "/JS" in d or "/JavaScript" in d:
                v.append("JavaScript")
            if d.get("/S") in VERBOTENE_AKTIONEN:
                v.append(f"Aktion {d.get('/S')}")
            if d.get("/S") == "/URI" and str(d.get("/URI", "")).lower().startswith("file:"):
                v.append(f"Verweis auf eine Datei: {d.get('/URI')}")
            if typ in ("/EmbeddedFile", "/Filespec") or "/EF" in d:
                v.append(f"eingebettete Datei oder Dateiverweis ({typ})")
            if d.get("/Subtype") == "/PS" or "/OPI" in d:
                v.append(f"in PDF/A verbotenes PostScript/OPI ({d.get('/Subtype')})")
            if typ in ("/Page", "/Annot") and "/AA" in d:
                v.append(f"{typ} mit Zusatzaktionen (/AA)")
            if typ == "/Annot" and not int(d.get("/F", 0)) & 4:
                v.append(f"Anmerkung {d.get('/Subtype')} wird nicht gedruckt (Kennzeichen /F ohne Print)")
    return v


# -------------------------------------------------------------------------------------------- tests
def test_jedes_endgueltige_dokument_ist_pdfa_2b(alle):
    final = alle["final"]
    # every document type, from the library functions, the submission package and the command line
    assert len(final) == 12, sorted(final)
    for name, daten in final.items():
        assert verstoesse(daten) == [], name


def test_entwurf_behauptet_kein_pdfa_behaelt_aber_wasserzeichen_titel_und_sprache(alle):
    for name, daten in alle["entwurf"].items():
        # the half-transparent watermark, and nothing else
        assert set(verstoesse(daten, archiv=False)) == {"Transparenz: /ca 0.25"}, name
        with pikepdf.open(io.BytesIO(daten)) as pdf:
            xmp = pdf.open_metadata()
            assert "pdfaid:part" not in xmp and "pdfaid:conformance" not in xmp, name
            assert xmp.pdfa_status == "", name
            assert xmp["dc:title"] == str(pdf.docinfo["/Title"]) and xmp["dc:title"], name
        assert all("ENTWURF" in seite for seite in pdf_text(daten)), name


def test_ohne_abschluss_findet_die_pruefung_was_fehlt(demo_store, monkeypatch):
    """The checks above are not vacuous: reportlab's own output, unfinished, fails them for the right reasons."""
    monkeypatch.setattr(pdfa, "abschliessen", lambda daten, **_kw: daten)
    probleme = " | ".join(verstoesse(steckbrief.pdf(bestand(demo_store), bestand(demo_store).projekt(PROJEKT))))
    assert "%PDF-1.4" in probleme and "kein XMP-Metadatenstrom" in probleme


def test_pruefung_erkennt_nicht_eingebettete_schrift_und_fremde_aktionen():
    """A base-14 font (Helvetica, never embedded by reportlab) and a JavaScript action are caught."""
    from reportlab.pdfgen.canvas import Canvas

    puffer = io.BytesIO()
    c = Canvas(puffer)
    c.setFont("Helvetica", 10)
    c.drawString(100, 700, "Helvetica ist nicht eingebettet")
    c.save()
    daten = pdfa.abschliessen(puffer.getvalue(), stand=STICHTAG, archiv=True)
    assert "Schrift /Helvetica (/Type1) nicht eingebettet" in verstoesse(daten)
    with pikepdf.open(io.BytesIO(daten)) as pdf:
        pdf.Root.OpenAction = pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS=pikepdf.String("app.alert(1)"))
        ziel = io.BytesIO()
        pdf.save(ziel)
    assert {"JavaScript", "Aktion /JavaScript"} <= set(verstoesse(ziel.getvalue()))


def test_metadaten_im_info_verzeichnis_und_im_xmp_gleich(alle):
    """What a records office's system reads (title, author, subject, dates) is the same in both places."""
    daten = alle["final"]["Statusbericht Ressort"]
    with pikepdf.open(io.BytesIO(daten)) as pdf:
        info, xmp = pdf.docinfo, pdf.open_metadata()
        assert str(info["/Title"]) == xmp["dc:title"] == "Vierteljährlicher Statusbericht – 3. Quartal 2026"
        assert [str(info["/Author"])] == xmp["dc:creator"]
        assert str(info["/Subject"]) == xmp["dc:description"] and "Q3/2026" in xmp["dc:description"]
        assert xmp["xmp:CreateDate"] == xmp["xmp:ModifyDate"] == "2026-11-15T00:00:00+00:00"  # the Stand
        assert xmp.pdfa_status == "2B"


def test_bytes_sind_reproduzierbar_auch_in_einem_neuen_prozess(demo_kopie, alle):
    """A submission's SHA-256 must be reproducible from its data: no clock, no chance, also across processes."""
    skript = (
        "import sys\n"
        "from ozgdesk.model.store import Store\n"
        "from tests.test_berichte_hilfen import bestand\n"
        "from ozgdesk.reports import steckbrief\n"
        f"with Store.oeffnen({str(demo_kopie / 'ozgdesk.sqlite')!r}) as s:\n"
        "    b = bestand(s)\n"
        f"sys.stdout.buffer.write(steckbrief.pdf(b, b.projekt({PROJEKT!r}), kennzeichnung={VS!r}))\n"
    )
    wurzel = Path(__file__).resolve().parent.parent
    r = subprocess.run([sys.executable, "-c", skript], capture_output=True, check=True, cwd=wurzel,
                       env=dict(os.environ, PYTHONPATH=str(wurzel)))
    with Store.oeffnen(demo_kopie / "ozgdesk.sqlite") as store:
        hier = steckbrief.pdf(bestand(store), bestand(store).projekt(PROJEKT), kennzeichnung=VS)
    assert r.stdout == hier
    assert verstoesse(hier) == []


def test_nur_das_layout_erzeugt_pdf():
    """Every PDF passes through layout.pdf_erzeugen (and so through reports/pdfa.py): no module starts a
    reportlab document or canvas of its own, which would bypass PDF/A."""
    wurzel = Path(__file__).resolve().parent.parent / "ozgdesk"
    treffer = []
    for datei in sorted(wurzel.rglob("*.py")):
        if datei.name in ("layout.py", "pdfa.py") and datei.parent.name == "reports":
            continue
        text = datei.read_text(encoding="utf-8")
        treffer += [f"{datei.relative_to(wurzel)}: {m}" for m in ("DocTemplate(", "Canvas(", "QPdfWriter", "QPrinter")
                    if m in text]
    assert treffer == []


@pytest.mark.skipif(shutil.which("pdffonts") is None and not os.environ.get("CI"),
                    reason="poppler-utils (pdffonts) nicht installiert")
def test_pdffonts_zeigt_jede_schrift_jedes_dokuments_eingebettet(alle, tmp_path):
    assert shutil.which("pdffonts"), "in CI muss poppler-utils installiert sein (.ci/run)"
    for name, daten in {**alle["final"], **{f"{n} (Entwurf)": d for n, d in alle["entwurf"].items()}}.items():
        pfad = tmp_path / "d.pdf"
        pfad.write_bytes(daten)
        zeilen = subprocess.run(["pdffonts", str(pfad)], capture_output=True, text=True, check=True).stdout.splitlines()
        assert zeilen[:2] and zeilen[0].split()[:2] == ["name", "type"], name
        schriften = zeilen[2:]
        assert schriften, name
        for z in schriften:
            assert z.split()[-5] == "yes", f"{name}: {z}"  # column "emb"
            assert "DejaVuSans" in z, f"{name}: {z}"


def _validator():  # noqa: ANN202
    try:
        import pikepdf.pdfa as validator
    except ImportError as e:
        if os.environ.get("CI"):
            pytest.fail(f"PDF/A-Validator fehlt ({e}); in CI installiert ihn „pip install -e .[test]“ (pikepdf[pdfa])")
        pytest.skip(f"PDF/A-Validator pikepdf.pdfa nicht verfügbar ({e}); „pip install 'pikepdf[pdfa]'“ installiert ihn")
    return validator


def test_pdfa_validator_bestaetigt_endfassungen_und_lehnt_entwuerfe_nur_wegen_des_anspruchs_ab(alle):
    validator = _validator()
    for name, daten in alle["final"].items():
        bericht = validator.validate_written(io.BytesIO(daten), "2b")
        assert bericht.passed, f"{name}: {[str(f) for f in bericht.findings]}"
    for name, daten in alle["entwurf"].items():
        bericht = validator.validate_written(io.BytesIO(daten), "2b")
        # a draft is archival quality in everything but the claim it must not make
        assert {f.rule for f in bericht.findings} == {"ISO_19005_2:6.6.4-1"}, f"{name}: {[str(f) for f in bericht.findings]}"
