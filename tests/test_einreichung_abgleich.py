"""From „einreichen“ to the BMI's outbox: queued offline, published write-once on the next sync."""

import json

from ozgdesk.cli import main
from ozgdesk.model.store import Store
from ozgdesk.sync.abgleich import status
from tests.test_berichte_hilfen import demo_fehler_beheben


def test_einreichung_wartet_offline_und_geht_beim_abgleich_raus(demo_home, tmp_path, capsys):
    with Store.oeffnen(demo_home / "ozgdesk.sqlite") as store:
        demo_fehler_beheben(store)
    assert main(["--home", str(demo_home), "einreichen", "--quartal", "2026-Q3", "--out", str(tmp_path / "pakete"),
                 "--stand", "15.11.2026"]) == 0
    assert "beim nächsten Abgleich" in capsys.readouterr().out
    with Store.oeffnen(demo_home / "ozgdesk.sqlite") as store:
        assert status(store).ausstehende_einreichungen == 1  # offline: waiting, visible
    ablage = tmp_path / "ablage"
    ablage.mkdir()  # a share folder that exists (an unmounted one is refused)
    assert main(["--home", str(demo_home), "abgleich", "einrichten", "--ziel", str(ablage)]) == 0
    capsys.readouterr()
    assert main(["--home", str(demo_home), "abgleich", "jetzt", "--json"]) == 0
    ergebnis = json.loads(capsys.readouterr().out)
    paket = ablage / "outbox" / "BMAS" / "2026-Q3" / "v1"
    assert (paket / "manifest.json").is_file() and (paket / "Quartalsbericht_BMAS_2026-Q3_v1.pdf").is_file()
    with Store.oeffnen(demo_home / "ozgdesk.sqlite") as store:
        assert status(store).ausstehende_einreichungen == 0
    assert ergebnis["veroeffentlicht"]
