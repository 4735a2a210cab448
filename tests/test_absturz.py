"""Crash safety (quick version for CI): SIGKILLs at random moments in every write path lose nothing.

The long runs are ``scripts/absturztest.py --anzahl 500 --wege …``.
"""

import shutil
import sys

import pytest

from tests.absturz.harness import laufen

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")


@pytest.mark.parametrize(
    "wege, anzahl, seed, max_warten",
    [
        ("bearbeiten", 20, 7, 0.03),  # small edits
        ("katalog,bearbeiten", 8, 11, 1.5),  # one large transaction: there completely or not at all
        ("abgleich", 10, 5, 0.4),  # another device's changes: data, log entries and cursor together
        ("einreichung", 8, 13, 1.2),  # killed after its commit: the package is finished from its temp folder
    ],
    ids=["bearbeiten", "katalogimport", "abgleich", "einreichung"],
)
def test_kill_verliert_nichts(_demo_vorlage, tmp_path, wege, anzahl, seed, max_warten):
    pfad = tmp_path / "ozgdesk.sqlite"
    shutil.copyfile(_demo_vorlage, pfad)
    ergebnis = laufen(pfad, anzahl=anzahl, wege=wege, seed=seed, max_warten=max_warten)
    assert ergebnis.fehler == []
    assert ergebnis.kills == anzahl and ergebnis.committed > 0
