"""Passwordless sign-in for learners: a single-use link mailed to the address proves it."""
