"""The Qt-free core: entities, value types, the store and the operations on it.

Importing this package must never load Qt (a test checks it): the CLI, the documents and the sync
run headless.
"""

from ozgdesk.model.base import Base
from ozgdesk.model.einreichung import Einreichung
from ozgdesk.model.errors import Eingabefehler, OzgFehler, Speicherfehler
from ozgdesk.model.finanzen import Aufwand, Bewilligung, Mittelabfluss, Zahlungsplan, ZahlungsplanPosition
from ozgdesk.model.katalog import (
    Lage,
    LeikaLeistung,
    LeikaZuordnung,
    Leistung,
    LeistungVerantwortung,
    ReifegradBewertung,
    Themenfeld,
)
from ozgdesk.model.katalogimport.datensaetze import Aenderungsanforderung, Katalogimport
from ozgdesk.model.organisation import Behoerde, Person, Ressort
from ozgdesk.model.projekte import Arbeitspaket, Meilenstein, MeilensteinVerschiebung, Projekt, ProjektLeistung
from ozgdesk.model.protokoll import Aenderung, Meta
from ozgdesk.model.store import Store

#: Entity classes in an order in which foreign keys are always satisfied (export/import, sync).
ENTITAETEN: tuple[type[Base], ...] = (
    Themenfeld,
    Lage,
    Behoerde,
    Person,
    Ressort,
    Leistung,
    LeistungVerantwortung,
    LeikaLeistung,
    LeikaZuordnung,
    ReifegradBewertung,
    Projekt,
    ProjektLeistung,
    Arbeitspaket,
    Meilenstein,
    MeilensteinVerschiebung,
    Bewilligung,
    Zahlungsplan,
    ZahlungsplanPosition,
    Mittelabfluss,
    Aufwand,
    Katalogimport,
    Aenderungsanforderung,
)

__all__ = [
    "ENTITAETEN",
    "Aenderung",
    "Aenderungsanforderung",
    "Arbeitspaket",
    "Aufwand",
    "Base",
    "Behoerde",
    "Bewilligung",
    "Eingabefehler",
    "Einreichung",
    "Katalogimport",
    "Lage",
    "LeikaLeistung",
    "LeikaZuordnung",
    "Leistung",
    "LeistungVerantwortung",
    "Meilenstein",
    "MeilensteinVerschiebung",
    "Meta",
    "Mittelabfluss",
    "OzgFehler",
    "Person",
    "Projekt",
    "ProjektLeistung",
    "ReifegradBewertung",
    "Ressort",
    "Speicherfehler",
    "Store",
    "Themenfeld",
    "Zahlungsplan",
    "ZahlungsplanPosition",
]
