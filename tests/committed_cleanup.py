"""Removing what a test committed for real (PostgreSQL concurrency tests run outside the
rolled-back transaction): every row that references one of the issuer's credentials goes first,
whichever feature added the table, so a new table does not break these tests' teardown."""

from __future__ import annotations

import uuid

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from credex.db.base import Base
from credex.db.models import Credential


def delete_rows_referencing_credentials(session: Session, issuer_id: uuid.UUID) -> None:
    credentials = select(Credential.id).where(Credential.issuer_id == issuer_id)
    for table in reversed(Base.metadata.sorted_tables):
        for column in table.columns:
            references = any(fk.column.table.name == "credentials" for fk in column.foreign_keys)
            if references and table.name != "credentials":
                session.execute(delete(table).where(column.in_(credentials)))
