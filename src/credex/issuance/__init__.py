"""Issuing one credential: build, sign, store exactly as signed, with idempotency."""
