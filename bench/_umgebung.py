"""What several benchmarks set up the same way (not a benchmark itself: ``bench/run`` skips ``_*.py``)."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

TESTS = Path(__file__).resolve().parent.parent / "tests"


def testschluesselbund() -> None:
    """The benchmark's own keychain for the device keys: the tests' file-backed one in a temp folder.

    A sync signs with the device key from the OS keychain; a benchmark run on a build machine has
    none (or a locked one) and must neither fail there nor write keys into a real one."""
    if str(TESTS) not in sys.path:
        sys.path.insert(0, str(TESTS))
    import keyring

    from schluesselbund import UMGEBUNG, Testschluesselbund

    os.environ[UMGEBUNG] = str(Path(tempfile.mkdtemp(prefix="ozgdesk-bench-schluessel-")) / "schluessel.json")
    keyring.set_keyring(Testschluesselbund())
