"""Bitstring status lists: random index allocation, revocation bits, the signed list credential."""
