"""Alembic environment: always runs on the connection the Store hands over (no ini file)."""

from alembic import context

import ozgdesk.model  # noqa: F401  (registers every table on Base.metadata)
import ozgdesk.sync.zustand  # noqa: F401  (device-local sync tables)
from ozgdesk.model import volltext
from ozgdesk.model.base import Base

config = context.config
target_metadata = Base.metadata


def _im_modell(name: str | None, art: str, _eltern: object) -> bool:
    """Autogenerate leaves the text index alone (FTS5 tables, maintained by triggers; ozgdesk.model.volltext)."""
    return not (art == "table" and name is not None and volltext.ist_volltext_tabelle(name))


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is None:
        from sqlalchemy import create_engine

        url = config.get_main_option("sqlalchemy.url")
        if url is None:
            raise RuntimeError("Alembic braucht die Verbindung des Stores (attributes['connection']) "
                               "oder eine sqlalchemy.url")
        engine = create_engine(url)
        with engine.begin() as connection:
            context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True,
                          include_name=_im_modell)
            with context.begin_transaction():
                context.run_migrations()
        return
    context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True,
                          include_name=_im_modell)
    with context.begin_transaction():
        context.run_migrations()


run_migrations_online()
