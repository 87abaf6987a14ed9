"""Learners: each issuer's records of the people it awards credentials to."""
