"""Who is calling: the role and what it is bound to, derived from a token row."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Literal

Role = Literal["admin", "issuer", "learner", "endorser"]


@dataclass(frozen=True)
class Principal:
    token_id: uuid.UUID
    role: Role
    name: str
    issuer_id: uuid.UUID | None = None
    learner_email: str | None = None

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    def can_act_for_issuer(self, issuer_id: uuid.UUID) -> bool:
        """Admins act for every issuer; an issuer token only for its own issuer."""
        return self.is_admin or (self.role == "issuer" and self.issuer_id == issuer_id)
