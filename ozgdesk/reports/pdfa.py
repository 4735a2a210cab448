"""PDF/A-2b for every final ozgdesk document: the step that finishes reportlab's PDF bytes.

Records offices file documents in the E-Akte Bund as PDF/A, and the Bundesarchiv recommends
PDF/A-2. reportlab (open-source edition) writes plain PDF 1.4 without XMP metadata and without an
output intent, so :func:`abschliessen` rewrites its output once with pikepdf (qpdf):

* XMP metadata with title, author, subject, language, producer, creator tool and dates, written
  through pikepdf's metadata API, which keeps the Info dictionary in step: archive systems read
  either place, and veraPDF checks the agreement (for PDF/A-1; its PDF/A-2 rules no longer do);
* for a final document (``archiv=True``) the PDF/A claim ``pdfaid:part=2``,
  ``pdfaid:conformance=B``. A draft keeps all other metadata but makes no claim: it is not a record
  to be filed, and its "ENTWURF" watermark is drawn with transparency (PDF/A-2 would even allow it,
  but a draft must never be mistaken for the filed version);
* an sRGB output intent (``/GTS_PDFA1``) with the ICC profile shipped in
  ``ozgdesk/daten/farbprofile`` – every colour in the documents is DeviceRGB or DeviceGray, which
  PDF/A allows only with such an intent;
* header version 1.7 (PDF/A-2 is based on ISO 32000-1) and a trailer ``/ID``.

Fonts need no work here: the layout embeds subsets of DejaVu Sans for all text, charts included
(``tests/test_pdfa.py`` checks every font of every document type). Nothing is removed but what
carries no information: reportlab's empty page-transition dictionaries (``/Trans << >>``, which a
validator working from an allowlist cannot classify) and the Info entries without an XMP
counterpart (``/Trapped /False``, an empty ``/Keywords``).

Reproducible bytes: the submission package records the SHA-256 of its PDFs, and a package must be
reproducible from its frozen snapshot. So nothing here depends on the clock or chance: both dates
are the document's "Stand" (midnight UTC, the day the figures refer to, instead of reportlab's fixed
01.01.2000 in invariant mode), the ``/ID`` is computed by qpdf from the content, the ICC profile
is a fixed file, and pikepdf is told not to stamp itself and the current time into the XMP.

Speed: the streams are copied as they are, not decoded and compressed again, so the rewrite costs
about 5 ms, 2–3 % of the rendering of a 77-page report (``bench/berichte.py``). Qt-free.
"""

from __future__ import annotations

import functools
import io
from datetime import UTC, date, datetime, time

import pikepdf
from pikepdf import Array, Dictionary, Name, String

from ozgdesk import daten

#: The document language (catalog /Lang and dc:language): every ozgdesk document is German.
SPRACHE = "de-DE"

FARBPROFIL_ORDNER = "farbprofile"
FARBPROFIL_DATEI = "sRGB.icc"
#: How the output condition is named in the output intent (the registered name of sRGB).
AUSGABEBEDINGUNG = "sRGB IEC61966-2.1"


@functools.cache
def srgb_profil() -> bytes:
    """The sRGB ICC profile (ICC v4, made by Little CMS through Pillow, "No copyright, use freely").

    Shipped as a file, not generated per run: Little CMS writes the current time into a profile's
    header, which would make every PDF differ byte for byte (see ``farbprofile/QUELLE.md``)."""
    return (daten.ordner(FARBPROFIL_ORDNER) / FARBPROFIL_DATEI).read_bytes()


def _xmp_datum(tag: date) -> str:
    return datetime.combine(tag, time(0, 0), tzinfo=UTC).isoformat()


def abschliessen(pdf_daten: bytes, *, stand: date, archiv: bool) -> bytes:
    """reportlab's PDF bytes as PDF/A-2b (``archiv=True``) or as a draft with the same metadata.

    Title, author, subject, producer and creator are taken from the Info dictionary reportlab wrote
    (:func:`ozgdesk.reports.layout.pdf_erzeugen` sets them) and written again through the XMP, so
    both agree character for character. ``stand`` becomes the creation and modification date."""
    with pikepdf.open(io.BytesIO(pdf_daten)) as pdf:
        info = pdf.docinfo
        werte = {k: str(info[k]) for k in ("/Title", "/Author", "/Subject", "/Producer", "/Creator")
                 if k in info and str(info[k])}
        # Keys without an XMP counterpart would have to agree with nothing; reportlab's "/Trapped
        # /False" (and an empty /Keywords) carry no information, so they go rather than stay unmatched.
        for schluessel in list(info.keys()):
            del info[schluessel]
        # set_pikepdf_as_editor=False: no "pikepdf" producer and no MetadataDate of today.
        with pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=True) as xmp:
            xmp["dc:title"] = werte.get("/Title", "")
            if "/Author" in werte:
                xmp["dc:creator"] = [werte["/Author"]]
            if "/Subject" in werte:
                xmp["dc:description"] = werte["/Subject"]
            xmp["dc:language"] = {SPRACHE}
            xmp["pdf:Producer"] = werte.get("/Producer", "ozgdesk")
            xmp["xmp:CreatorTool"] = werte.get("/Creator", "ozgdesk")
            xmp["xmp:CreateDate"] = xmp["xmp:ModifyDate"] = _xmp_datum(stand)
            if archiv:
                xmp["pdfaid:part"] = "2"
                xmp["pdfaid:conformance"] = "B"
        pdf.Root.Lang = String(SPRACHE)
        pdf.Root.OutputIntents = Array([pdf.make_indirect(Dictionary(
            Type=Name.OutputIntent, S=Name.GTS_PDFA1, OutputConditionIdentifier=String(AUSGABEBEDINGUNG),
            Info=String(AUSGABEBEDINGUNG), RegistryName=String("http://www.color.org"),
            DestOutputProfile=pdf.make_stream(srgb_profil(), N=3),
        ))])
        for seite in pdf.pages:
            trans = seite.obj.get("/Trans")
            if isinstance(trans, Dictionary) and not trans.keys():
                del seite.obj["/Trans"]
        ziel = io.BytesIO()
        # Streams are copied as reportlab wrote them: letting qpdf re-encode them (it drops
        # reportlab's ASCII85 layer) makes files ~14 % smaller but costs 5× the time of this step.
        pdf.save(ziel, force_version="1.7", deterministic_id=True, compress_streams=False,
                 stream_decode_level=pikepdf.StreamDecodeLevel.none)
    return ziel.getvalue()
