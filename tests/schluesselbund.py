"""The keychain of the tests: one JSON file for the whole test session, shared with subprocesses.

Every device signs with a key from the keychain, and the stores built once per session (the demo
template, the synced pair) are copied into many tests: their keys must outlive a single test and
reach child processes (the crash tests run the sync in a child). CI has no OS keychain, so the
session installs this backend and names it in ``PYTHON_KEYRING_BACKEND`` for children. It writes
secrets in plain text – acceptable for throwaway test keys only; the product refuses such backends
(``ozgdesk.sync.zugang``), which recognise it by neither name nor module.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from keyring.backend import KeyringBackend

UMGEBUNG = "OZGDESK_TEST_SCHLUESSELBUND"


class Testschluesselbund(KeyringBackend):
    priority = 1  # type: ignore[assignment]

    @staticmethod
    def _pfad() -> Path:
        return Path(os.environ[UMGEBUNG])

    def _lesen(self) -> dict[str, str]:
        try:
            return json.loads(self._pfad().read_text(encoding="utf-8"))
        except (FileNotFoundError, ValueError):
            return {}

    def _schreiben(self, daten: dict[str, str]) -> None:
        temp = self._pfad().with_suffix(f".{os.getpid()}.tmp")
        temp.write_text(json.dumps(daten), encoding="utf-8")
        temp.replace(self._pfad())

    def get_password(self, service: str, username: str) -> str | None:
        return self._lesen().get(f"{service}\0{username}")

    def set_password(self, service: str, username: str, password: str) -> None:
        daten = self._lesen()
        daten[f"{service}\0{username}"] = password
        self._schreiben(daten)

    def delete_password(self, service: str, username: str) -> None:
        daten = self._lesen()
        daten.pop(f"{service}\0{username}", None)
        self._schreiben(daten)
