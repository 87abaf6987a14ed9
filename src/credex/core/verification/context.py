"""What a verification run may consult: documents, the clock, trust and key status.

All of it is injected, so the pipeline is pure: the service passes a lazy mapping that resolves
its own issuers locally and fetches other URLs through a guarded fetcher; tests pass dicts.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

# Given an issuer id, a label when trusted ("issuer of this service", "trusted list"), else None.
TrustLookup = Callable[[str], str | None]

MAX_DEPTH = 2  # endorsements of endorsements, status lists of status lists: no further


@dataclass(frozen=True)
class VerifyContext:
    documents: Mapping[str, Any] | None = None
    now: datetime | None = None
    email: str | None = None
    trusted_issuer: TrustLookup | None = None
    depth: int = 0

    @property
    def clock(self) -> datetime:
        return self.now or datetime.now(UTC)

    def document(self, url: str) -> Any:
        """A document by URL, or None when it is not available (core never fetches itself)."""
        if self.documents is None:
            return None
        return self.documents.get(url)

    def deeper(self) -> VerifyContext:
        return VerifyContext(self.documents, self.now, None, self.trusted_issuer, self.depth + 1)
