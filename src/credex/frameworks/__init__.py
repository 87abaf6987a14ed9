"""Competency frameworks: API, import/export, demo data (pages live in credex.web)."""
