"""The demo data set (idempotent): what `credex demo` and `credex serve --demo` load.

Grows with the data model: frameworks, an issuer with keys, achievements and a stacking rule for
the cultural and creative industries arrive with those features.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from credex.auth.tokens import create_token
from credex.db.models import ApiToken
from credex.settings import Settings

DEMO_ADMIN_TOKEN_NAME = "demo admin"  # noqa: S105 - a label


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
    return DemoResult(
        created=True,
        lines=[
            f"demo data loaded into {settings.database_url}",
            f"demo admin token (shown once): {issued.token}",
        ],
    )
