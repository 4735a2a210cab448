"""Files the sync and the submission write locally are owner-only (0600 files, 0700 folders), like
the database (issue 14, point 7): what comes from the share into ``eingang/``, and the packages and
reports of ``ozgdesk-cli einreichen``/``bericht``. POSIX only (Windows has no such modes)."""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from ozgdesk.cli import main
from ozgdesk.model.store import Store
from ozgdesk.sync.abgleich import eingang_abholen
from ozgdesk.sync.backend import OrdnerBackend
from tests.test_berichte_hilfen import demo_fehler_beheben

pytestmark = pytest.mark.skipif(os.name != "posix", reason="Dateirechte 0600/0700 gibt es nur unter POSIX")


@pytest.fixture(autouse=True)
def _offene_umask() -> Iterator[None]:
    """A usual umask (022): owner-only must come from ozgdesk, not from a strict umask of the machine."""
    vorher = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(vorher)


def _modus(p: Path) -> int:
    return stat.S_IMODE(os.lstat(p).st_mode)


def _alles_privat(wurzel: Path) -> list[Path]:
    """Every folder and file below ``wurzel`` (and itself); asserts 0700/0600 and returns them."""
    pfade = [wurzel, *wurzel.rglob("*")]
    for p in pfade:
        assert _modus(p) == (0o700 if p.is_dir() else 0o600), f"{p}: {_modus(p):o}"
    return pfade


def test_eingang_vom_bmi_ist_nur_fuer_den_besitzer(demo_store, tmp_path) -> None:
    ablage = tmp_path / "ablage"
    (ablage / "inbox" / "katalog").mkdir(parents=True)
    (ablage / "inbox" / "katalog" / "OZG-Katalog-2027-01.csv").write_text("ozg_id;bezeichnung\n", encoding="utf-8")
    rueck = ablage / "feedback" / "BMAS" / "2026-Q3" / "v1"
    rueck.mkdir(parents=True)
    (rueck / "Rückmeldung BMI.pdf").write_bytes(b"%PDF Rueckmeldung")
    eingang = eingang_abholen(demo_store, OrdnerBackend(ablage))
    assert [p.name for p in eingang.kataloge] == ["OZG-Katalog-2027-01.csv"]
    assert eingang.rueckmeldungen["2026-Q3/v1"][0].read_bytes() == b"%PDF Rueckmeldung"
    pfade = _alles_privat(demo_store.pfad.parent / "eingang")
    assert {p.name for p in pfade} >= {"eingang", "katalog", "rueckmeldungen", "2026-Q3", "v1",
                                       "OZG-Katalog-2027-01.csv", "Rückmeldung BMI.pdf"}
    assert not [p for p in pfade if p.name.endswith(".tmp") or p.name.startswith(".")]  # no temp files left


def test_einreichen_und_bericht_schreiben_nur_fuer_den_besitzer(demo_home, tmp_path, capsys) -> None:
    with Store.oeffnen(demo_home / "ozgdesk.sqlite") as store:
        demo_fehler_beheben(store)
    neu = tmp_path / "neu"  # does not exist: created by the command, owner-only
    assert main(["--home", str(demo_home), "einreichen", "--quartal", "2026-Q3", "--out", str(neu / "einreichungen"),
                 "--stand", "15.11.2026", "--json"]) == 0
    paket = Path(json.loads(capsys.readouterr().out)["ordner"])
    pfade = _alles_privat(neu)
    assert paket in pfade and (paket / "manifest.json") in pfade and len(list(paket.iterdir())) > 3
    assert main(["--home", str(demo_home), "paket-pruefen", str(paket)]) == 0  # still complete and intact
    assert main(["--home", str(demo_home), "bericht", "statusermittlung", "--entwurf",
                 "--out", str(tmp_path / "berichte" / "2026")]) == 0
    assert len(_alles_privat(tmp_path / "berichte")) == 4  # two folders, PDF and XLSX


def test_vorhandene_ordner_bleiben_wie_sie_sind(demo_home, tmp_path) -> None:
    """A folder the user chose (Documents, a team folder) is not ours to change; only what we create."""
    geteilt = tmp_path / "Teamordner"
    geteilt.mkdir(mode=0o775)
    os.chmod(geteilt, 0o775)
    assert main(["--home", str(demo_home), "bericht", "statusermittlung", "--entwurf", "--out", str(geteilt)]) == 0
    assert _modus(geteilt) == 0o775
    assert all(_modus(p) == 0o600 for p in geteilt.iterdir())
