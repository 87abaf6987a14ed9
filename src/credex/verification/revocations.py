"""What verifiers may learn about a revocation of one of credex's own credentials.

The status list publishes one bit; this adds the date and the reason the issuer chose to make
public (`revocation_public_reason`), never the internal `revocation_reason`, and whether the
issuer suspended it (suspension reaches only the SD-JWT VC form's Token Status List, so the OB
3.0 form's own status entry cannot say so: credex's pages and API read it from the record).
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.orm import Session

from credex.db.models import Credential


def public_revocation(session: Session, credential_id: uuid.UUID) -> dict[str, Any] | None:
    credential = session.get(Credential, credential_id)
    if credential is None or (credential.revoked_at is None and credential.status != "suspended"):
        return None
    return {
        "revoked_at": credential.revoked_at,
        "reason": credential.revocation_public_reason,
        "suspended": credential.status == "suspended",
    }
