"""The demo data set (idempotent): what `credex demo` and `credex serve --demo` load.

Grows with the data model: frameworks, an issuer with keys, achievements and a stacking rule for
the cultural and creative industries arrive with those features.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from credex.accounts.service import add_member, ensure_account
from credex.achievements.demo import ensure_demo_achievements
from credex.audit.actors import system_actor
from credex.auth.tokens import create_token
from credex.db.models import ApiToken, Award
from credex.frameworks.demo import ensure_demo_framework
from credex.issuance.demo import DEMO_AWARDS, ensure_demo_credentials
from credex.issuers.service import ensure_demo_issuer
from credex.settings import Settings
from credex.stacking.demo import ensure_demo_rule
from credex.stacking.pathways import evaluate_and_award

DEMO_ADMIN_TOKEN_NAME = "demo admin"  # noqa: S105 - a label
DEMO_ADMIN_EMAIL = "admin@credex.example"
DEMO_MANAGER_EMAIL = "manager@credex.example"


@dataclass
class DemoResult:
    created: bool
    lines: list[str] = field(default_factory=list)


def load_demo(session: Session, settings: Settings) -> DemoResult:
    """Load the demo set once; a second call changes nothing."""
    existing = session.scalar(select(ApiToken).where(ApiToken.name == DEMO_ADMIN_TOKEN_NAME))
    if existing is not None:
        return DemoResult(created=False, lines=["demo data already loaded"])
    issued = create_token(session, role="admin", name=DEMO_ADMIN_TOKEN_NAME)
    framework = ensure_demo_framework(session)
    issuer = ensure_demo_issuer(session, settings)
    achievements = ensure_demo_achievements(session, issuer, framework)
    rule = ensure_demo_rule(session, issuer, achievements)
    credentials = ensure_demo_credentials(session, settings, issuer, achievements)
    # Demo credentials predate nothing: evaluate the rule now, so a learner holding all three
    # components gets the larger credential exactly as after a live issuance.
    for learner_id in sorted({credential.learner_id for credential in credentials}):
        evaluate_and_award(session, issuer.id, learner_id, settings, actor="credex demo")
    awarded = session.scalar(
        select(func.count()).select_from(Award).where(Award.issuer_id == issuer.id)
    )
    issuer_token = create_token(session, role="issuer", name="demo issuer", issuer_id=issuer.id)
    actor = system_actor("credex demo")
    ensure_account(session, DEMO_ADMIN_EMAIL, actor=actor, display_name="Demo admin", admin=True)
    add_member(
        session, issuer.id, DEMO_MANAGER_EMAIL, "manager", actor=actor, display_name="Demo manager"
    )
    learner_email = DEMO_AWARDS[0][0]
    learner_token = create_token(
        session, role="learner", name="demo learner", learner_email=learner_email
    )
    return DemoResult(
        created=True,
        lines=[
            f"demo data loaded into {settings.database_url}",
            f"framework: {framework.id} ({len(achievements)} achievements by {issuer.name})",
            f"stacking rule: {rule.id if rule else 'none'}; {len(credentials)} demo credentials, "
            f"{awarded} stacked credential(s) awarded",
            f"issuer: {issuer.id}",
            f"demo issuer token (shown once): {issuer_token.token}",
            f"demo learner token for {learner_email} (shown once): {learner_token.token}",
            f"demo admin token (shown once): {issued.token}",
            f"staff sign-in at {settings.base_url}/signin: admin {DEMO_ADMIN_EMAIL}, "
            f"manager of {issuer.name} {DEMO_MANAGER_EMAIL} (the link goes to the outbox "
            "table and the log unless CREDEX_SMTP_URL is set)",
        ],
    )
