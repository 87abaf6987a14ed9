"""VC DM 2.0 plumbing objects that OB 3.0 credentials carry: proof, schema, status, refresh, terms.

Each is `{id, type}` plus suite-specific keys, which are kept as extras (for example
`statusPurpose`/`statusListIndex` of a BitstringStatusListEntry, VC DM 2.0 §4.10).
"""

from __future__ import annotations

from credex.core.credentials._base import URI, OBModel


class Proof(OBModel):
    """An embedded proof (VC Data Integrity §2.1); checked by the proof code, not here."""

    type: str
    created: str | None = None
    cryptosuite: str | None = None
    challenge: str | None = None
    domain: str | None = None
    nonce: str | None = None
    proof_purpose: str | None = None
    proof_value: str | None = None
    verification_method: str | None = None


class CredentialSchema(OBModel):
    id: URI
    type: str


class CredentialStatus(OBModel):
    """OB's schema requires `id` as well as `type` (VC DM 2.0 makes `id` optional)."""

    id: URI
    type: str


class RefreshService(OBModel):
    id: URI
    type: str


class TermsOfUse(OBModel):
    id: URI | None = None
    type: str
