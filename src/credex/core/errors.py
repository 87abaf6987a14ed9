"""Errors raised by credex.core, each carrying the spec's problem code.

Codes follow VC Data Integrity (https://www.w3.org/TR/vc-data-integrity/#processing-errors),
VC DM 2.0 and Bitstring Status List. The service layer maps them to RFC 9457 problems.
"""

from __future__ import annotations

SECURITY_VOCAB = "https://w3id.org/security#"
VCDM_ERRORS = "https://www.w3.org/TR/vc-data-model#"
STATUS_ERRORS = "https://www.w3.org/ns/credentials/status-list#"

_VCDM_CODES = {
    "PARSING_ERROR",
    "CRYPTOGRAPHIC_SECURITY_ERROR",
    "MALFORMED_VALUE_ERROR",
    "RANGE_ERROR",
}
_STATUS_CODES = {
    "STATUS_RETRIEVAL_ERROR",
    "STATUS_VERIFICATION_ERROR",
    "STATUS_LIST_LENGTH_ERROR",
}


class CoreError(Exception):
    """Base of every error credex.core raises on purpose."""

    code = "PROOF_VERIFICATION_ERROR"

    def __init__(self, detail: str, *, code: str | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        if code is not None:
            self.code = code

    @property
    def problem_type(self) -> str:
        """The problem `type` URI for this error's code."""
        if self.code in _STATUS_CODES:
            return STATUS_ERRORS + self.code
        if self.code in _VCDM_CODES:
            return VCDM_ERRORS + self.code
        return SECURITY_VOCAB + self.code


class ParsingError(CoreError):
    code = "PARSING_ERROR"


class DataLossError(CoreError):
    """JSON-LD expansion would drop data, so a signature would not cover it."""

    code = "DATA_LOSS_DETECTION_ERROR"


class ContextError(CoreError):
    """A context URL is not one credex ships and understands."""

    code = "PROOF_TRANSFORMATION_ERROR"


class CanonicalizationError(CoreError):
    """The RDF graph is too costly to canonicalize (poison graph) or malformed."""

    code = "PROOF_TRANSFORMATION_ERROR"


class ProofGenerationError(CoreError):
    code = "PROOF_GENERATION_ERROR"


class ProofVerificationError(CoreError):
    code = "PROOF_VERIFICATION_ERROR"


class ResolutionError(CoreError):
    """A DID or verification method could not be resolved (unknown method, not provided)."""

    code = "PROOF_VERIFICATION_ERROR"
