"""The Abgleich page's light first read (plain sqlite3) equals the full status, except for what it
openly leaves to the full store: the trust list and the check of waiting outbox packages."""

from __future__ import annotations

import dataclasses
import shutil
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from ozgdesk.model.felder import projekt_setzen
from ozgdesk.model.store import PERSON, Store
from ozgdesk.sync import ablauf, statusvorab
from ozgdesk.sync.abgleich import BENUTZER, LETZTER, ZIEL, einrichten, jetzt_abgleichen, status
from ozgdesk.sync.ausgang import ausgang, ausgang_einreihen
from ozgdesk.sync.zustand import SyncQuarantaene

#: computed only by the full status (signatures checked)
VERTRAUEN = {"freigegeben": False, "rolle": None, "anker": None, "wartende_geraete": 0, "vertrauen_geprueft": False}


def _vergleichen(store: Store) -> tuple[statusvorab.AbgleichStatus, statusvorab.AbgleichStatus]:
    voll = status(store)
    with store.roh_lesen() as con:
        leicht = statusvorab.status_lesen(con)
    assert leicht == dataclasses.replace(voll, **VERTRAUEN)
    return voll, leicht


def _ausgang_vergleichen(store: Store) -> list[statusvorab.AusgangEintrag]:
    voll = ausgang(store, pruefen=True)
    with store.roh_lesen() as con:
        leicht = statusvorab.ausgang_lesen(con)
    assert leicht == [e if e.veroeffentlicht_am else dataclasses.replace(e, problem=None, geprueft=False)
                      for e in voll]
    return leicht


def test_schluessel_wie_im_vollen_pfad() -> None:
    assert (statusvorab.ZIEL, statusvorab.BENUTZER, statusvorab.LETZTER, statusvorab.PERSON) == (
        ZIEL, BENUTZER, LETZTER, PERSON)
    assert ablauf.LETZTER == LETZTER


def test_nie_abgeglichener_store(demo_store: Store) -> None:
    voll, leicht = _vergleichen(demo_store)
    assert not leicht.eingerichtet and leicht.ausstehende_aenderungen == 1833 and leicht.letzter_abgleich is None
    assert leicht.geraet == demo_store.geraet_id and leicht.person == demo_store.personenname()
    assert not voll.freigegeben and voll.wartende_geraete == 0
    assert _ausgang_vergleichen(demo_store) == []


def abgeglichen(synchrones_paar, neues_geraet, tmp_path: Path) -> tuple[Store, Store]:  # noqa: ANN001
    """Two devices after real syncs through ``tmp_path / "ablage"``: B with an open conflict, a file in
    quarantine and a change not yet sent; A (the coordinator) with a device waiting for approval and
    an outbox of one published, one waiting package and one whose folder went missing."""
    a, b = synchrones_paar
    ablage = tmp_path / "ablage"
    for g in (a, b):
        einrichten(g, str(ablage), "sync-nutzer")
    with a.session() as s:
        projekt_setzen(s, "BMAS-2024-02", [("titel", "Fassung A")])
    with b.session() as s:
        projekt_setzen(s, "BMAS-2024-02", [("titel", "Fassung B")])
    # the outbox of A: one package published, one waiting, one whose folder went missing
    pakete = []
    for name in ("veroeffentlicht", "wartet", "fehlt"):
        paket = tmp_path / name
        paket.mkdir()
        (paket / "bericht.pdf").write_bytes(name.encode())
        pakete.append(paket)
    ausgang_einreihen(a, pakete[0], "BMAS", "2026-H1")
    jetzt_abgleichen(a)
    jetzt_abgleichen(b)  # B meets A's title: a conflict
    # a third device announces its key and waits for approval; A learns of it at its next sync
    c = neues_geraet("c")
    einrichten(c, str(ablage))
    jetzt_abgleichen(c)
    jetzt_abgleichen(a)
    ausgang_einreihen(a, pakete[1], "BMAS", "2026-H2")
    ausgang_einreihen(a, pakete[2], "BMAS", "2027-H1")
    shutil.rmtree(pakete[2])
    with b.session(quelle="abgleich") as s:  # a refused file, as the import records it
        s.info["ohne_protokoll"] = True
        s.add(SyncQuarantaene(pfad="changes/x/000000000007.json", geraet=a.geraet_id, grund="Signatur ungültig",
                              erkannt_am=datetime(2026, 12, 1, 9, 30, tzinfo=UTC), von_seq=7, code="signatur"))
    with b.session() as s:
        projekt_setzen(s, "BMAS-2024-03", [("titel", "nach dem Abgleich")])

    return a, b


def test_nach_echtem_abgleich_mit_konflikt_quarantaene_und_postausgang(synchrones_paar, neues_geraet,
                                                                       tmp_path: Path) -> None:
    a, b = abgeglichen(synchrones_paar, neues_geraet, tmp_path)
    ablage = tmp_path / "ablage"
    voll_b, leicht_b = _vergleichen(b)
    assert leicht_b.eingerichtet and leicht_b.ziel == str(ablage) and leicht_b.benutzer == "sync-nutzer"
    assert leicht_b.offene_konflikte == 1 and leicht_b.quarantaene == 1 and leicht_b.ausstehende_aenderungen == 1
    assert leicht_b.quarantaene_liste[0]["erkannt_am"] == datetime(2026, 12, 1, 9, 30, tzinfo=UTC)
    assert leicht_b.letzter_abgleich is not None and leicht_b.bekannte_geraete >= 1
    assert voll_b.freigegeben  # what the light read leaves to the full store is there
    voll_a, leicht_a = _vergleichen(a)
    assert leicht_a.ausstehende_einreichungen == 2 and voll_a.wartende_geraete == 1 and voll_a.anker
    eintraege = _ausgang_vergleichen(a)
    assert [e.periode for e in eintraege] == ["2026-H1", "2026-H2", "2027-H1"]
    assert eintraege[0].veroeffentlicht_am is not None and eintraege[0].geprueft
    assert statusvorab.stand_text(eintraege[1]) == "wartet auf den nächsten Abgleich – Paket wird geprüft …"
    assert "fehlt" in statusvorab.stand_text(ausgang(a, pruefen=True)[2])


def test_leichter_status_laedt_weder_sqlalchemy_noch_cryptography(demo_home: Path) -> None:
    code = ("import sys\nfrom ozgdesk.model.schnellstart import schnell_oeffnen\n"
            "from ozgdesk.sync.statusvorab import ausgang_lesen, status_lesen\n"
            f"store = schnell_oeffnen({str(demo_home / 'ozgdesk.sqlite')!r})\n"
            "with store.roh_lesen() as con:\n    st = status_lesen(con); ausgang_lesen(con)\n"
            "print(st.ausstehende_aenderungen, any(m.startswith(('sqlalchemy', 'cryptography', 'PySide6'))"
            " for m in sys.modules))\n")
    aus = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60)
    assert aus.stdout.split() == ["1833", "False"]
