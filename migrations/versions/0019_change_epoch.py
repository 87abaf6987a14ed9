"""change_epoch: a counter bumped by triggers when cached data changes (tokens, keys, issuers,
achievements, stacking rules, the trusted list), so every process can check one row per request

Revision ID: 0019
Revises: 0020
Create Date: 2026-12-08 00:30:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0020"
branch_labels = None
depends_on = None

# table → the changes that bump the epoch. Token updates count only when they change what
# authentication answers (not `last_used_at`); new achievements or issuers are never cached
# before they exist, so inserting them changes nothing a cache holds.
WATCHED = {
    "api_tokens": ("UPDATE OF revoked_at, expires_at, role, issuer_id, learner_email", "DELETE"),
    "issuer_keys": ("INSERT", "UPDATE", "DELETE"),
    "issuers": ("UPDATE", "DELETE"),
    "achievements": ("UPDATE", "DELETE"),
    "stacking_rules": ("INSERT", "UPDATE", "DELETE"),
    "accreditations": ("INSERT", "UPDATE", "DELETE"),
}
BUMP = "UPDATE change_epoch SET value = value + 1 WHERE id = 1"


def _name(table: str, event: str) -> str:
    return f"trg_epoch_{table}_{event.split(maxsplit=1)[0].lower()}"


def upgrade() -> None:
    op.create_table(
        "change_epoch",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("value", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_change_epoch")),
    )
    op.execute("INSERT INTO change_epoch (id, value) VALUES (1, 0)")
    postgresql = op.get_bind().dialect.name == "postgresql"
    if postgresql:
        op.execute(
            "CREATE FUNCTION bump_change_epoch() RETURNS trigger LANGUAGE plpgsql AS "
            f"$$ BEGIN {BUMP}; RETURN NULL; END $$"
        )
    for table, events in WATCHED.items():
        for event in events:
            if postgresql:  # once per statement: a bulk update bumps once
                op.execute(
                    f"CREATE TRIGGER {_name(table, event)} AFTER {event} ON {table} "
                    "FOR EACH STATEMENT EXECUTE FUNCTION bump_change_epoch()"
                )
            else:
                op.execute(
                    f"CREATE TRIGGER {_name(table, event)} AFTER {event} ON {table} "
                    f"BEGIN {BUMP}; END"
                )


def downgrade() -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    for table, events in WATCHED.items():
        for event in events:
            suffix = f" ON {table}" if postgresql else ""
            op.execute(f"DROP TRIGGER IF EXISTS {_name(table, event)}{suffix}")
    if postgresql:
        op.execute("DROP FUNCTION IF EXISTS bump_change_epoch()")
    op.drop_table("change_epoch")
