"""Crash safety (quick version for CI): 20 SIGKILLs at random moments lose nothing committed."""

import shutil
import sys

import pytest

from tests.absturz.harness import laufen

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")


def test_kill_waehrend_bearbeitung_verliert_nichts(_demo_vorlage, tmp_path):
    pfad = tmp_path / "ozgdesk.sqlite"
    shutil.copyfile(_demo_vorlage, pfad)
    ergebnis = laufen(pfad, anzahl=20, wege="bearbeiten", seed=7)
    assert ergebnis.fehler == []
    assert ergebnis.kills == 20 and ergebnis.committed > 0


def test_kill_waehrend_katalogimport_verliert_nichts(_demo_vorlage, tmp_path):
    """The catalogue import is one large transaction: after a kill it is there completely or not at all."""
    pfad = tmp_path / "ozgdesk.sqlite"
    shutil.copyfile(_demo_vorlage, pfad)
    ergebnis = laufen(pfad, anzahl=8, wege="katalog,bearbeiten", seed=11, max_warten=1.5)
    assert ergebnis.fehler == []
    assert ergebnis.kills == 8 and ergebnis.committed > 0


def test_kill_waehrend_abgleich_verliert_nichts(_demo_vorlage, tmp_path):
    """Applying another device's changes: data, log entries and cursor survive a kill together."""
    pfad = tmp_path / "ozgdesk.sqlite"
    shutil.copyfile(_demo_vorlage, pfad)
    ergebnis = laufen(pfad, anzahl=10, wege="abgleich", seed=5, max_warten=0.4)
    assert ergebnis.fehler == []
    assert ergebnis.kills == 10 and ergebnis.committed > 0


def test_kill_waehrend_einreichung_verliert_nichts(_demo_vorlage, tmp_path):
    """A submission killed after its commit is completed from its temp folder; none is lost or half there."""
    pfad = tmp_path / "ozgdesk.sqlite"
    shutil.copyfile(_demo_vorlage, pfad)
    ergebnis = laufen(pfad, anzahl=8, wege="einreichung", seed=13, max_warten=1.2)
    assert ergebnis.fehler == []
    assert ergebnis.kills == 8 and ergebnis.committed > 0
