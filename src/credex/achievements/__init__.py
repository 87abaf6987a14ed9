"""Achievements: EU micro-credential specifications (CR2022 Annex I) as OB 3.0 Achievements."""
