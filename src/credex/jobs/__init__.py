"""Durable background jobs over the database: submit, claim, process in chunks, resume."""
