"""Setting up a store: an empty Ressort with the shipped catalogue, or the demo Ressort."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import select
from sqlalchemy.orm import Session

from ozgdesk.model.errors import Eingabefehler
from ozgdesk.model.grunddaten import katalog_laden
from ozgdesk.model.katalog import Leistung
from ozgdesk.model.organisation import Ressort
from ozgdesk.model.store import Store, ist_leer

#: Federal ministries as of the 21st legislative period (short name → full name).
RESSORTS = {
    "AA": "Auswärtiges Amt",
    "BKM": "Beauftragte der Bundesregierung für Kultur und Medien",
    "BMAS": "Bundesministerium für Arbeit und Soziales",
    "BMBFSFJ": "Bundesministerium für Bildung, Familie, Senioren, Frauen und Jugend",
    "BMDS": "Bundesministerium für Digitales und Staatsmodernisierung",
    "BMF": "Bundesministerium der Finanzen",
    "BMFTR": "Bundesministerium für Forschung, Technologie und Raumfahrt",
    "BMG": "Bundesministerium für Gesundheit",
    "BMI": "Bundesministerium des Innern",
    "BMJV": "Bundesministerium der Justiz und für Verbraucherschutz",
    "BMLEH": "Bundesministerium für Landwirtschaft, Ernährung und Heimat",
    "BMUKN": "Bundesministerium für Umwelt, Klimaschutz, Naturschutz und nukleare Sicherheit",
    "BMV": "Bundesministerium für Verkehr",
    "BMVg": "Bundesministerium der Verteidigung",
    "BMWE": "Bundesministerium für Wirtschaft und Energie",
    "BMWSB": "Bundesministerium für Wohnen, Stadtentwicklung und Bauwesen",
    "BMZ": "Bundesministerium für wirtschaftliche Zusammenarbeit und Entwicklung",
}


def katalog_quelle() -> str:
    """Where the shipped catalogue comes from and under which licence, in German for the set-up wizard.

    ``ozgdesk/daten/katalog/QUELLE.md`` is the developers' note (English, with file formats); a
    coordinator deciding whether to trust the data needs the facts in plain German. The counts are
    read from the shipped files, so the text cannot drift from what is loaded."""
    import csv

    from ozgdesk.model.grunddaten import katalog_oeffnen

    def zeilen(name: str) -> int:
        with katalog_oeffnen(name) as f:
            return sum(1 for _ in csv.DictReader(f))

    return (
        f"ozgdesk bringt einen Auszug aus dem OZG-Umsetzungskatalog mit: {zeilen('themenfelder.csv')} Themenfelder, "
        f"{zeilen('lebens_geschaeftslagen.csv')} Lebens- und Geschäftslagen und {zeilen('ozg_leistungen.csv')} "
        "OZG-Leistungen (OZG-ID und Bezeichnung), Stand des Imports vom Herbst 2019.\n\n"
        "Quelle: das öffentliche Repository „kdn-nrw/OZG-Datenbank-NRW“ (Datei doc-dev/databases/symfony.data.sql, "
        "Commit d6dafea5e014b60455a5bd04d7ac26191379b998), veröffentlicht unter der MIT-Lizenz. Übernommen wurden nur "
        "die Katalogzeilen; einige offensichtliche Testzeilen wurden entfernt. Die Einordnung der Lagen als "
        "Lebens-, Geschäfts- oder Querschnittslage hat das ozgdesk-Team ergänzt; sie lässt sich jederzeit ändern.\n\n"
        "Nicht enthalten sind Reifegrad, zuständiges Ressort und Typ (Bund/Land) der Leistungen: Diese Angaben "
        "pflegen Sie in ozgdesk selbst. Den aktuellen Katalog übernehmen Sie später über „Datei → Katalog "
        "importieren“ aus dem offiziellen Export (XLSX oder CSV); Ihre Ressortdaten bleiben dabei erhalten."
    )


def _leer_pruefen(store: Store) -> None:
    if not ist_leer(store):
        raise Eingabefehler(
            f"Die Datenbank {store.ort.anzeige} enthält bereits ein Ressort. Bitte einen anderen Ordner "
            "(--home) wählen; vorhandene Daten werden nie überschrieben."
        )


def ressort_einrichten(store: Store, ressort: str, name: str | None = None, referat: str = "",
                       leistungen: Collection[str] = ()) -> dict[str, int]:
    """An empty Ressort with the shipped catalogue. ``ressort`` is a short name (BMAS) or a full name;
    ``leistungen`` are the OZG-IDs it is responsible for (the wizard's choice), set in the same
    transaction, so a crash never leaves a Ressort without the Leistungen the user picked."""
    _leer_pruefen(store)
    ressort = ressort.strip()
    if not ressort:
        raise Eingabefehler("Bitte den Namen des Ressorts angeben (z. B. --ressort BMAS).")
    kurz = next((k for k in RESSORTS if k.casefold() == ressort.casefold()), None)
    if kurz is None:
        kurz = next((k for k, v in RESSORTS.items() if v.casefold() == ressort.casefold()), None)
    if name is None:
        name = RESSORTS.get(kurz, ressort) if kurz else ressort
    kurzname = kurz or "".join(w[0] for w in ressort.split() if w[:1].isupper())[:20] or ressort[:20]
    with store.session(quelle="einrichtung") as s:
        zahlen = katalog_laden(s)
        s.add(Ressort(kurzname=kurzname, name=name, koordinierungsreferat=referat))
        if leistungen:
            s.flush()
            for leistung in s.execute(select(Leistung).where(Leistung.ozg_id.in_(list(leistungen)))).scalars():
                leistung.im_ressort = True
    return zahlen


def demo_einrichten(store: Store) -> dict[str, int]:
    from ozgdesk.model.demo import demo_anlegen

    _leer_pruefen(store)
    with store.session(benutzer="Demo", quelle="demo") as s:
        return demo_anlegen(s)


def ressort_von(session: Session) -> Ressort:
    from sqlalchemy import select

    ressort = session.execute(select(Ressort).limit(1)).scalar_one_or_none()
    if ressort is None:
        raise Eingabefehler(
            "In dieser Datenbank ist noch kein Ressort eingerichtet. Bitte zuerst "
            "„ozgdesk-cli init --ressort NAME“ oder „ozgdesk-cli init --demo“ ausführen."
        )
    return ressort
