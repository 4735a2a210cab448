"""All entity classes, imported together so SQLAlchemy's metadata knows every table.

Foreign keys are declared by table name (``ForeignKey("projekt.id")``); the unit of work can only
order inserts and deletes when every table is registered. :mod:`ozgdesk.model.store` imports this
module, so any code that can reach the database has the full metadata.
"""

from ozgdesk.model.base import Base
from ozgdesk.model.einreichung import Einreichung
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
from ozgdesk.model.stellungnahme import Stellungnahme
from ozgdesk.model.vertrauen import Vertrauen  # sync infrastructure: replicated, not part of the Ressort export

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
    Stellungnahme,
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
    "Person",
    "Projekt",
    "ProjektLeistung",
    "ReifegradBewertung",
    "Ressort",
    "Stellungnahme",
    "Themenfeld",
    "Vertrauen",
    "Zahlungsplan",
    "ZahlungsplanPosition",
]
