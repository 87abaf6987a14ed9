"""Rate-limit counters shared by every worker and replica (credex.throttling)."""

from __future__ import annotations

from sqlalchemy import BigInteger, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from credex.db.base import Base


class RateLimitHit(Base):
    """Hits of one key (`signin:<client>`, `auth-failure:<client>`) in one fixed time window."""

    __tablename__ = "rate_limit_hits"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    window_start: Mapped[int] = mapped_column(BigInteger, primary_key=True)  # Unix seconds
    hits: Mapped[int] = mapped_column(Integer, default=0)
