"""The verification pipeline: a check-by-check report for any credential format."""

from credex.core.verification.context import TrustLookup, VerifyContext
from credex.core.verification.pipeline import verify_credential
from credex.core.verification.report import Check, Outcome, VerificationReport

__all__ = [
    "Check",
    "Outcome",
    "TrustLookup",
    "VerificationReport",
    "VerifyContext",
    "verify_credential",
]
