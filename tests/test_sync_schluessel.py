"""Device keys and the trust list, without Qt and without a share: what a key may sign, where it
lives, and which statements count."""

from __future__ import annotations

from datetime import UTC, datetime

import keyring
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from keyring.backends.fail import Keyring as FehlenderSchluesselbund

from ozgdesk.model.base import neue_id
from ozgdesk.model.vertrauen import FREIGABE, GRUENDUNG, KOORDINATION, MITARBEIT, NACHFOLGE, WIDERRUF
from ozgdesk.sync import schluessel as sk
from ozgdesk.sync.format import Anker
from ozgdesk.sync.vertrauensliste import aussage_bauen, berechnen
from ozgdesk.sync.zugang import SchluesselbundFehler


def _schluessel() -> sk.Geraeteschluessel:
    return sk.Geraeteschluessel(neue_id(), Ed25519PrivateKey.generate())


def test_schluessel_liegt_nur_im_schluesselbund_nicht_in_der_datenbank(neues_geraet) -> None:
    store = neues_geraet("eigen")  # its own device id: the templates' ids keep their keys for other tests
    k = sk.anlegen(store.geraet_id)
    geladen = sk.laden(store.geraet_id)
    assert geladen is not None and geladen.oeffentlich == k.oeffentlich
    privat = keyring.get_password(sk.DIENST, store.geraet_id)
    assert privat is not None
    with store.engine.connect() as con:
        con.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    roh = store.pfad.read_bytes()
    assert privat.encode() not in roh and sk.aus_b64(privat, 32) not in roh


def test_ohne_sicheren_schluesselbund_wird_kein_schluessel_angelegt() -> None:
    vorher = keyring.get_keyring()
    keyring.set_keyring(FehlenderSchluesselbund())
    try:
        with pytest.raises(SchluesselbundFehler, match="kein sicherer Schlüsselbund"):
            sk.anlegen(neue_id())
    finally:
        keyring.set_keyring(vorher)


def test_signatur_gilt_nur_fuer_ihren_zweck_und_ihre_bytes() -> None:
    k = _schluessel()
    sig = k.signieren("ozgdesk-kopf/1", b"inhalt")
    assert sk.pruefen(k.oeffentlich, sig, "ozgdesk-kopf/1", b"inhalt")
    assert not sk.pruefen(k.oeffentlich, sig, "ozgdesk-aenderungen/2", b"inhalt")  # never another kind
    assert not sk.pruefen(k.oeffentlich, sig, "ozgdesk-kopf/1", b"inhalT")
    assert not sk.pruefen(_schluessel().oeffentlich, sig, "ozgdesk-kopf/1", b"inhalt")


def test_fingerabdruck_zum_vorlesen() -> None:
    finger = _schluessel().fingerabdruck
    assert len(finger.split()) == 10 and all(len(g) == 4 and g.isalnum() and g.upper() == g for g in finger.split())


def _gruendung(k: sk.Geraeteschluessel, name: str = "Katrin Brenner"):  # noqa: ANN202
    return aussage_bauen(k, GRUENDUNG, k.geraet, k.oeffentlich, name, KOORDINATION), Anker(k.geraet, k.oeffentlich, name)


def test_freigabe_nur_durch_gueltige_koordination() -> None:
    gruender, b, c, d = _schluessel(), _schluessel(), _schluessel(), _schluessel()
    g, anker = _gruendung(gruender)
    f_b = aussage_bauen(gruender, FREIGABE, b.geraet, b.oeffentlich, "Bernd", MITARBEIT)
    f_c_durch_b = aussage_bauen(b, FREIGABE, c.geraet, c.oeffentlich, "Clara", MITARBEIT)  # B is no coordinator
    f_d_selbst = aussage_bauen(d, FREIGABE, d.geraet, d.oeffentlich, "Dora", KOORDINATION)  # self-approval
    stand = berechnen([g, f_b, f_c_durch_b, f_d_selbst], [anker])
    assert set(stand.gueltig) == {gruender.geraet, b.geraet}
    assert stand.bindung(b.geraet).benutzer == "Bernd" and not stand.koordination(b.geraet)
    assert stand.koordination(gruender.geraet)


def test_gefaelschte_aussage_gewaehrt_nichts() -> None:
    gruender, b = _schluessel(), _schluessel()
    g, anker = _gruendung(gruender)
    f = aussage_bauen(gruender, FREIGABE, b.geraet, b.oeffentlich, "Bernd", MITARBEIT)
    f.rolle = KOORDINATION  # changed after signing
    stand = berechnen([g, f], [anker])
    assert b.geraet not in stand.gueltig
    ohne_anker = berechnen([g], [])
    assert ohne_anker.gueltig == {}  # a founding statement alone is no anchor


def test_widerruf_ist_endgueltig_und_nimmt_was_nur_er_trug() -> None:
    gruender, b, c = _schluessel(), _schluessel(), _schluessel()
    g, anker = _gruendung(gruender)
    f_b = aussage_bauen(gruender, FREIGABE, b.geraet, b.oeffentlich, "Bernd", KOORDINATION)
    f_c = aussage_bauen(b, FREIGABE, c.geraet, c.oeffentlich, "Clara", MITARBEIT)
    w_b = aussage_bauen(gruender, WIDERRUF, b.geraet, b.oeffentlich, "Bernd", MITARBEIT)
    nochmal_b = aussage_bauen(gruender, FREIGABE, b.geraet, b.oeffentlich, "Bernd", MITARBEIT)
    nochmal_b.id, nochmal_b.ausgestellt_am = neue_id(), datetime(2030, 1, 1, tzinfo=UTC)
    stand = berechnen([g, f_b, f_c, w_b, nochmal_b], [anker])
    assert b.geraet not in stand.gueltig and stand.ist_widerrufen(b.geraet)
    assert c.geraet not in stand.gueltig  # approved by the revoked key only
    w_gruender = aussage_bauen(gruender, WIDERRUF, gruender.geraet, gruender.oeffentlich, "Katrin", MITARBEIT)
    assert gruender.geraet in berechnen([g, w_gruender], [anker]).gueltig  # an anchor cannot be revoked


def test_nachfolge_bindet_dieselbe_person_und_hoechstens_dieselbe_rolle() -> None:
    gruender, b, b_neu = _schluessel(), _schluessel(), _schluessel()
    g, anker = _gruendung(gruender)
    f_b = aussage_bauen(gruender, FREIGABE, b.geraet, b.oeffentlich, "Bernd", MITARBEIT)
    n = aussage_bauen(b, NACHFOLGE, b_neu.geraet, b_neu.oeffentlich, "Jemand anders", KOORDINATION)
    stand = berechnen([g, f_b, n], [anker])
    bindung = stand.bindung(b_neu.geraet)
    assert bindung is not None and bindung.benutzer == "Bernd" and bindung.rolle == MITARBEIT
    fremd = aussage_bauen(_schluessel(), NACHFOLGE, b_neu.geraet, b_neu.oeffentlich, "Bernd", MITARBEIT)
    assert b_neu.geraet not in berechnen([g, fremd], [anker]).gueltig
