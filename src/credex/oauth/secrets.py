"""Random one-time values and how they are stored (SHA-256, as API tokens are)."""

from __future__ import annotations

import hashlib
import secrets

from credex.auth.tokens import hash_token as hash_secret

__all__ = ["hash_secret", "new_secret", "new_tx_code", "tx_code_hash"]

TX_CODE_LENGTH = 6


def new_secret() -> str:
    """256 random bits, base64url: codes, tokens, nonces, offer URIs."""
    return secrets.token_urlsafe(32)


def new_tx_code() -> str:
    return "".join(secrets.choice("0123456789") for _ in range(TX_CODE_LENGTH))


def tx_code_hash(salt: str, code: str) -> str:
    """A transaction code is short: salted with its offer's id so one table scan cannot test it
    against every offer at once (failed attempts are also counted and limited)."""
    return hashlib.sha256(f"{salt}:{code.strip()}".encode()).hexdigest()
