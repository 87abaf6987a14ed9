"""Issuer signing keys: generation, encryption at rest, rotation, compromise and signing."""
