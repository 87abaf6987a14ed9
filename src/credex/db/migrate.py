"""Alembic, driven from code: `credex db upgrade`, `credex serve` and the tests use these.

Migrations live in the top-level `migrations/` folder of a source checkout, and inside the
package as `credex/_migrations` in a built wheel (see pyproject `force-include`).
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine

_PACKAGE_DIR = Path(__file__).resolve().parent.parent


def migrations_dir() -> Path:
    bundled = _PACKAGE_DIR / "_migrations"
    if bundled.is_dir():
        return bundled
    return _PACKAGE_DIR.parent.parent / "migrations"


def alembic_config(url: str, connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(migrations_dir()))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def upgrade(url: str, revision: str = "heads", *, connection: Connection | None = None) -> None:
    command.upgrade(alembic_config(url, connection), revision)


def downgrade(url: str, revision: str, *, connection: Connection | None = None) -> None:
    command.downgrade(alembic_config(url, connection), revision)


def head_revision(url: str) -> str | None:
    """The head revision(s), comma-joined when branches have not been merged yet."""
    heads = ScriptDirectory.from_config(alembic_config(url)).get_heads()
    return ",".join(sorted(heads)) or None


def revision_of(connection: Connection) -> str | None:
    heads = MigrationContext.configure(connection).get_current_heads()
    return ",".join(sorted(heads)) or None


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return revision_of(connection)
