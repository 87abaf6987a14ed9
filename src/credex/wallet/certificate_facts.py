"""What a PDF certificate states (see `credex.wallet.certificate`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from credex import i18n


@dataclass(frozen=True)
class CertificateFacts:
    title: str
    learner: str
    issuer: str
    description: str
    eqf_level: int | None
    ects: str | None
    workload: str | None
    learning_outcomes: list[str]
    valid_from: datetime
    valid_until: datetime | None
    issued_at: datetime
    credential_id: str
    verify_url: str
    status_note: str | None = None
    badge_image: bytes | None = None  # JPEG or PNG
    attachment: tuple[str, bytes] | None = None  # (file name, bytes) embedded in the PDF
    extra: dict[str, str] = field(default_factory=dict)
    language: str = i18n.DEFAULT_LANGUAGE  # the credential's language: labels and dates
