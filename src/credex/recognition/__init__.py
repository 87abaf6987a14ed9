"""Recognition: national levels referenced to EQF, the accreditation registry, endorsements."""
