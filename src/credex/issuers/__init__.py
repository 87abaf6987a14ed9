"""Issuers (training providers): profiles, did:web documents, keys and issuer tokens."""
