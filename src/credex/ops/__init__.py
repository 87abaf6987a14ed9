"""Operational endpoints: liveness, readiness, problem type docs."""
