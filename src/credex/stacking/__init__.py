"""Stacking: rules that combine micro-credentials into larger credentials, awarded automatically."""
