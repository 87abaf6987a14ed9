"""The verification pipeline: a check-by-check report for any credential format."""

from credex.core.verification.context import TrustLookup, VerifyContext
from credex.core.verification.pipeline import verify_credential
from credex.core.verification.presentation import PresentationReport, verify_presentation
from credex.core.verification.report import Check, Outcome, VerificationReport
from credex.core.verification.summary import summarize_credential

__all__ = [
    "Check",
    "Outcome",
    "PresentationReport",
    "TrustLookup",
    "VerificationReport",
    "VerifyContext",
    "summarize_credential",
    "verify_credential",
    "verify_presentation",
]
