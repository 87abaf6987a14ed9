"""`change_epoch`: one counter that database triggers bump whenever data that processes cache
changes (tokens revoked or expired, keys rotated or compromised, issuers, achievements, stacking
rules). Every request reads it (one primary-key row) and a process whose caches were filled at
an older value drops them first, so every replica honours such a change on its next request.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Integer
from sqlalchemy.orm import Mapped, mapped_column

from credex.db.base import Base


class ChangeEpoch(Base):
    __tablename__ = "change_epoch"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    value: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
