"""Demo credentials: idempotent, for the component achievements, one public, all verifying."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from credex.achievements.demo import ensure_demo_achievements
from credex.db.models import Credential, Learner
from credex.db.session import Database
from credex.frameworks.demo import ensure_demo_framework
from credex.issuance.demo import ensure_demo_credentials
from credex.issuers.service import ensure_demo_issuer
from credex.settings import Settings
from tests.api.test_issuance_support import verify


def _load(database: Database, settings: Settings) -> list[tuple[str, str, bool, str]]:
    with database.unit_of_work() as session:
        issuer = ensure_demo_issuer(session, settings)
        achievements = ensure_demo_achievements(session, issuer, ensure_demo_framework(session))
        rows = ensure_demo_credentials(session, settings, issuer, achievements)
        return [(str(row.id), row.format, row.public, str(row.achievement_id)) for row in rows]


def test_demo_credentials_are_idempotent_and_verify(
    client: TestClient, database: Database, settings: Settings
) -> None:
    first = _load(database, settings)
    assert _load(database, settings) == first  # a second run replays, issues nothing new
    with database.unit_of_work() as session:
        assert session.scalar(select(func.count()).select_from(Credential)) == len(first) == 6
        assert session.scalar(select(func.count()).select_from(Learner)) == 3
    assert {row[1] for row in first} == {"ldp", "jwt"}
    public = [row for row in first if row[2]]
    assert len(public) == 1
    credential = client.get(f"/credentials/{public[0][0]}").json()
    checks = verify(client, credential)
    assert checks["proof"] == checks["ob_schema"] == checks["status"] == "passed", checks
