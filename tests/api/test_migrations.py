"""Models and migrations agree, and every migration can be undone and redone."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Connection, inspect

from credex.db import migrate
from credex.db.models import Base


def _diff(connection: Connection) -> list[object]:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return list(compare_metadata(context, Base.metadata))


def test_models_match_migrations(connection: Connection) -> None:
    assert _diff(connection) == []


def test_downgrade_to_base_and_upgrade_again(connection: Connection, database_url: str) -> None:
    # Runs inside the test's transaction (transactional DDL on both backends), so it is undone.
    migrate.downgrade(database_url, "base", connection=connection)
    assert set(inspect(connection).get_table_names()) <= {"alembic_version"}
    migrate.upgrade(database_url, "heads", connection=connection)
    assert _diff(connection) == []
    assert {"api_tokens", "issuers", "frameworks", "achievements"} <= set(
        inspect(connection).get_table_names()
    )
