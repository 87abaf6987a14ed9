"""The demo stacking rule (idempotent): the three demo micro-credentials stack into the larger
one, with at least 5 ECTS at EQF level 4 or above among them."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from decimal import Decimal

from sqlalchemy.orm import Session

from credex.core.stacking import parse_requirement, requirement_json
from credex.db.models import Achievement, Issuer, StackingRule
from credex.stacking import repository

DEMO_NAMESPACE = uuid.UUID("5d3c7a6e-2f4b-4a51-9a0e-6c1b8d2e4f70")
DEMO_CREDITS = Decimal(5)
DEMO_MIN_EQF = 4


def ensure_demo_rule(
    session: Session, issuer: Issuer, achievements: Sequence[Achievement]
) -> StackingRule | None:
    """The rule for the demo's stack target (the achievement the others stack into).

    The target is the achievement the others name in `stacks_into`; None when none does.
    """
    wanted = {str(parent) for a in achievements for parent in a.stacks_into}
    target = next((a for a in achievements if str(a.id) in wanted), None)
    if target is None:
        return None
    components = [a for a in achievements if str(target.id) in map(str, a.stacks_into)]
    existing = repository.rule_for_target(session, target.id)
    if existing is not None:
        return existing
    requirement = parse_requirement(
        {
            "type": "all_of",
            "of": [
                *({"type": "achievement", "achievement": str(a.id)} for a in components),
                {
                    "type": "min_credits",
                    "credits": str(DEMO_CREDITS),
                    "filter": {
                        "min_eqf_level": DEMO_MIN_EQF,
                        "achievements": [str(a.id) for a in components],
                    },
                },
            ],
        }
    )
    rule = StackingRule(
        id=uuid.uuid5(DEMO_NAMESPACE, f"stacking-rule:{issuer.id}:{target.id}"),
        issuer_id=issuer.id,
        target_achievement_id=target.id,
        name=f"{len(components)} micro-credentials, at least {DEMO_CREDITS} ECTS at EQF "
        f"{DEMO_MIN_EQF}+",
        requirement=requirement_json(requirement),
        trusted_issuers=[],
        active=True,
    )
    session.add(rule)
    session.flush()
    return rule
