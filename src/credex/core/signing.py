"""`sign_credential`: secure a credential as Data Integrity or VC-JWT.

Data Integrity cryptosuite by key: Ed25519 → eddsa-rdfc-2022, P-256 → ecdsa-rdfc-2019 (or name
one with `cryptosuite`, including ecdsa-sd-2023 base proofs); VC-JWT: EdDSA or ES256.

A credential is validated against the VC Data Model before signing: signing something a
verifier must reject helps nobody, and the W3C suites expect issuers to refuse it (400/422).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, Literal, overload

from credex.core.credentials.schema import is_open_badge_credential
from credex.core.errors import ProofGenerationError
from credex.core.jwt import sign_jwt
from credex.core.keys import Signer
from credex.core.proofs import add_proof
from credex.core.vcdm import Problem, validate_credential

SignatureFormat = Literal["ldp", "jwt"]


class InvalidCredentialError(ProofGenerationError):
    """The unsigned credential is not a valid VC; `problems` point at each field."""

    code = "MALFORMED_VALUE_ERROR"

    def __init__(self, problems: list[Problem]) -> None:
        shown = "; ".join(f"{p.pointer or '/'}: {p.detail}" for p in problems[:5])
        super().__init__(f"not a valid credential: {shown}")
        self.problems = problems


# What a holder may leave out of an ecdsa-sd-2023 credential by default: facts about the learner
# and their work. Everything else (issuer, dates, status, schema, the achievement) is mandatory.
SELECTABLE_TOP_LEVEL = frozenset(
    {"@context", "type", "id", "proof", "credentialSubject", "evidence"}
)


def default_mandatory_pointers(credential: dict[str, Any]) -> list[str]:
    """RFC 6901 pointers every derived credential must disclose (ecdsa-sd-2023 base proof)."""
    pointers = [
        "/" + key.replace("~", "~0").replace("/", "~1")
        for key in credential
        if key not in SELECTABLE_TOP_LEVEL
    ]
    subject = credential.get("credentialSubject")
    if isinstance(subject, dict) and "achievement" in subject:
        pointers.append("/credentialSubject/achievement")
        if "id" not in subject and "identifier" in subject:
            # OB 3.0 AchievementSubject needs an id or an identifier (a salted hash here)
            pointers.append("/credentialSubject/identifier")
    return pointers


def default_cryptosuite(signer: Signer) -> str:
    """The Data Integrity cryptosuite credex uses for a key: eddsa-rdfc-2022 or ecdsa-rdfc-2019."""
    return "eddsa-rdfc-2022" if signer.algorithm == "Ed25519" else "ecdsa-rdfc-2019"


@overload
def sign_credential(
    credential: dict[str, Any],
    signer: Signer,
    *,
    format: Literal["ldp"] = "ldp",
    created: datetime | None = None,
    check: bool = True,
    cryptosuite: str | None = None,
    mandatory_pointers: Sequence[str] | None = None,
) -> dict[str, Any]: ...


@overload
def sign_credential(
    credential: dict[str, Any],
    signer: Signer,
    *,
    format: Literal["jwt"],
    created: datetime | None = None,
    check: bool = True,
    cryptosuite: str | None = None,
    mandatory_pointers: Sequence[str] | None = None,
) -> str: ...


def sign_credential(
    credential: dict[str, Any],
    signer: Signer,
    *,
    format: SignatureFormat = "ldp",  # noqa: A002 - the facade's documented keyword
    created: datetime | None = None,
    check: bool = True,
    cryptosuite: str | None = None,
    mandatory_pointers: Sequence[str] | None = None,
) -> dict[str, Any] | str:
    """Return a NEW signed credential (dict with a DataIntegrityProof) or a compact JWS.

    `check=False` skips the VC Data Model validation, for credentials credex builds itself
    from validated data (its tests prove those valid): it is a tenth of the signing time.
    """
    if check:
        problems = validate_credential(credential)
        if problems:
            raise InvalidCredentialError(problems)
    if format == "jwt":
        return sign_jwt(credential, signer)
    if format != "ldp":
        raise ProofGenerationError(f"unknown signature format {format!r}; use 'ldp' or 'jwt'")
    suite = cryptosuite or default_cryptosuite(signer)
    if mandatory_pointers is None and suite == "ecdsa-sd-2023":
        mandatory_pointers = default_mandatory_pointers(credential)
    signed = add_proof(
        credential,
        signer,
        cryptosuite=suite,
        created=created,
        mandatory_pointers=mandatory_pointers or (),
    )
    if is_open_badge_credential(signed) and isinstance(signed.get("proof"), dict):
        # The official OB 3.0 JSON Schema requires an array (STANDARDS gotcha G3); the proof is
        # removed before hashing, so the container does not change what is signed.
        signed["proof"] = [signed["proof"]]
    return signed
