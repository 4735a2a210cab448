"""File names from the share cannot escape their folder (security review, docs/sicherheit.md)."""

from pathlib import Path

import pytest

from ozgdesk.sync.ausgang import posteingang_abholen
from ozgdesk.sync.backend import Ablagefehler, Eintrag, OrdnerBackend
from ozgdesk.sync.pfade import lokal_unter, relative_teile


@pytest.mark.parametrize("pfad", ["../x", "a/../../x", "/etc/passwd", "C:/Windows/x", "a/C:x", "a\\..\\x",
                                  "a/\x00b", "", ".", "a/./b/..", "..", "a/\nb"])
def test_gefaehrliche_namen_werden_abgelehnt(tmp_path, pfad):
    with pytest.raises(Ablagefehler, match="Ungültiger Pfad"):
        lokal_unter(tmp_path, pfad)


def test_normale_namen_bleiben_im_ordner(tmp_path):
    assert relative_teile("inbox/katalog/2026-11 Katalog äöüß.xlsx") == ["inbox", "katalog", "2026-11 Katalog äöüß.xlsx"]
    assert lokal_unter(tmp_path, "a/b.json") == tmp_path / "a" / "b.json"


def test_ordner_backend_liest_nichts_ausserhalb(tmp_path):
    (tmp_path / "geheim.txt").write_text("geheim")
    b = OrdnerBackend(tmp_path / "ablage")
    (tmp_path / "ablage").mkdir()
    for pfad in ("../geheim.txt", "/../geheim.txt", "x/../../geheim.txt"):
        with pytest.raises(Ablagefehler):
            b.lesen(pfad)


class _BoeseAblage(OrdnerBackend):
    """A server whose inbox listing names files outside the inbox."""

    def liste(self, pfad):  # noqa: ANN001, ANN201
        echt = super().liste(pfad)
        if pfad.startswith("inbox") and echt:
            return echt + [Eintrag("../../../ausserhalb.txt", False, 5, echt[0].geaendert)]
        return echt

    def lesen(self, pfad, **kw):  # noqa: ANN001, ANN003, ANN201
        if "ausserhalb" in pfad:
            return b"boese"
        return super().lesen(pfad, **kw)


def test_posteingang_schreibt_nie_ausserhalb_des_zielordners(demo_store, tmp_path):
    ablage = tmp_path / "ablage"
    (ablage / "inbox" / "katalog").mkdir(parents=True)
    (ablage / "inbox" / "katalog" / "katalog-2026-11.csv").write_text("Themenfeld;Lage\n", encoding="utf-8")
    ziel = tmp_path / "empfang" / "eingang"
    dateien = posteingang_abholen(demo_store, _BoeseAblage(ablage), ziel)
    assert [p.name for p in dateien] == ["katalog-2026-11.csv"]
    assert not list(tmp_path.rglob("ausserhalb.txt"))
    assert all(Path(p).resolve().is_relative_to(ziel.resolve()) for p in dateien)
