"""The demo framework and demo micro-credentials: idempotent, published, compliant, stackable."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from credex.achievements.demo import ensure_demo_achievements
from credex.db.models import Achievement, Competency, Issuer
from credex.db.session import Database
from credex.frameworks.demo import ensure_demo_framework
from tests.api.test_achievements import issuer_headers, make_issuer
from tests.core.test_microcredential import schema_errors


def load(database: Database, issuer: Issuer) -> list[str]:
    with database.unit_of_work() as session:
        framework = ensure_demo_framework(session)
        rows = ensure_demo_achievements(session, session.merge(issuer), framework)
        return [str(row.id) for row in rows]


def test_demo_is_idempotent_published_compliant_and_stacks(
    client: TestClient, database: Database
) -> None:
    issuer_id = make_issuer(database, name="CCI Academy", country="IT")
    with database.session() as session:
        issuer = session.get(Issuer, issuer_id)
        assert issuer is not None
    ids = load(database, issuer)
    assert load(database, issuer) == ids  # a second run changes nothing
    with database.session() as session:
        competencies = session.scalars(select(Competency)).all()
        demo_skills = [c for c in competencies if c.esco_uri]
        assert session.scalar(select(func.count()).select_from(Achievement)) == 4
    assert len(demo_skills) >= 12
    assert all(c.esco_uri.startswith("http://data.europa.eu/esco/skill/") for c in demo_skills)

    headers = issuer_headers(database, issuer_id)
    parent, *components = ids
    parent_doc = client.get(f"/achievements/{parent}").json()
    assert parent_doc["eqfLevel"] == 5
    assert parent_doc["ectsCredits"] == "6"
    assert (
        sum(float(client.get(f"/achievements/{c}").json()["ectsCredits"]) for c in components)
        == 5.5
    )
    for achievement_id in ids:
        read = client.get(f"/api/v1/achievements/{achievement_id}", headers=headers).json()
        assert read["status"] == "published"
        report = client.get(
            f"/api/v1/achievements/{achievement_id}/compliance", headers=headers
        ).json()
        assert report["compliant"], (read["name"], report["missing"])
        assert schema_errors(client.get(f"/achievements/{achievement_id}").json()) == []
    for component in components:
        doc = client.get(f"/achievements/{component}").json()
        assert doc["stacksInto"] == [parent_doc["id"]]
        assert doc["alignment"][0]["targetCode"] == "4"
        assert any(a.get("targetFramework", "").startswith("Digital and") for a in doc["alignment"])
