"""Shared set-up for the issuance, learner, status list, revocation and audit tests (no tests).

Issuers are created through the issuer service (so they have an active key) and achievements
are inserted as published rows, which keeps each test to a few milliseconds of set-up.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import httpx
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from credex.core import verify_credential
from credex.core.dids import did_web_to_url
from credex.db.base import Base, utcnow
from credex.db.models import Achievement
from credex.db.session import Database
from credex.issuers.schemas import DidMethod, IssuerCreate
from credex.issuers.service import create_issuer
from credex.settings import Settings
from tests.conftest import make_token

GRADES = [
    {
        "name": "Final grade",
        "result_type": "LetterGrade",
        "allowed_values": ["Pass", "Merit", "Distinction"],
        "required_value": "Pass",
        "value_min": None,
        "value_max": None,
    },
    {
        "name": "Score",
        "result_type": "Percent",
        "allowed_values": [],
        "required_value": None,
        "value_min": "0",
        "value_max": "100",
    },
]


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def make_issuer(
    database: Database,
    settings: Settings,
    name: str = "Creative Skills Lab",
    did_method: DidMethod = "did:web",
) -> uuid.UUID:
    """An issuer with its first (active) signing keys."""
    with database.unit_of_work() as session:
        data = IssuerCreate(
            name=name, country="IT", url="https://skills.example", did_method=did_method
        )
        return create_issuer(session, data, settings).issuer.id


def make_achievement(
    database: Database, issuer_id: uuid.UUID, status: str = "published", **fields: Any
) -> uuid.UUID:
    """A MicroCredential with every Annex I element, inserted as a row in `status`."""
    values: dict[str, Any] = {
        "issuer_id": issuer_id,
        "status": status,
        "published_at": utcnow() if status != "draft" else None,
        "language": "en",
        "version": "1.0",
        "achievement_type": "MicroCredential",
        "name": {"en": "Digital storytelling for cultural heritage"},
        "description": {"en": "Tell heritage stories digitally."},
        "criteria_narrative": {"en": "Submit a portfolio."},
        "eqf_level": 4,
        "ects_credits": Decimal("2"),
        "workload_hours": Decimal("50"),
        "learning_outcomes": [
            {
                "description": {"en": "Plan a cross-media narrative"},
                "competency_ids": [],
                "esco_uris": [
                    "http://data.europa.eu/esco/skill/0d2b3e3a-1b7c-4a5c-9f1e-1a2b3c4d5e6f"
                ],
            }
        ],
        "assessment_type": "Portfolio reviewed by a tutor",
        "participation_form": "online",
        "quality_assurance": {"type": "ISO 21001", "body": "Cert Body", "url": None},
        "supervision": "supervised_with_id_check",
        "result_descriptions": [dict(scheme) for scheme in GRADES],
        "stackability": "standalone",
        "stacks_into": [],
        "validity_months": None,
    } | fields
    with database.unit_of_work() as session:
        achievement = Achievement(**values)
        session.add(achievement)
        session.flush()
        return achievement.id


@dataclass
class Tenant:
    issuer_id: uuid.UUID
    achievement_id: uuid.UUID
    headers: dict[str, str]


def make_tenant(
    database: Database,
    settings: Settings,
    name: str = "Creative Skills Lab",
    did_method: DidMethod = "did:web",
) -> Tenant:
    issuer_id = make_issuer(database, settings, name, did_method)
    token = make_token(database, role="issuer", name=f"{name} token", issuer_id=issuer_id)
    return Tenant(issuer_id, make_achievement(database, issuer_id), auth(token))


def issue_body(tenant: Tenant, email: str = "ana@example.org", **overrides: Any) -> dict[str, Any]:
    return {
        "achievement_id": str(tenant.achievement_id),
        "learner": {"email": email, "name": "Ana Silva"},
    } | overrides


def issue(
    client: TestClient, tenant: Tenant, email: str = "ana@example.org", **overrides: Any
) -> dict[str, Any]:
    response = client.post(
        "/api/v1/credentials", json=issue_body(tenant, email, **overrides), headers=tenant.headers
    )
    assert response.status_code == 201, response.text
    issued: dict[str, Any] = response.json()
    return issued


def count(database: Database, model: type[Base]) -> int:
    with database.unit_of_work() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def verification_documents(client: TestClient, credential: dict[str, Any]) -> dict[str, Any]:
    """What a verifier would fetch: the issuer's DID document and the status list credential."""
    issuer = credential["issuer"]
    did = issuer if isinstance(issuer, str) else issuer["id"]
    issuer_id = did.rsplit(":", 1)[-1]
    did_document = client.get(f"/issuers/{issuer_id}/did.json").json()
    documents: dict[str, Any] = {did_web_to_url(did): did_document}
    status_url = credential["credentialStatus"]["statusListCredential"]
    documents[status_url] = fetch(client, status_url).json()
    return documents


def fetch(client: TestClient, url: str, **kwargs: Any) -> httpx.Response:
    """GET an absolute `http://testserver/...` URL through the test client."""
    return client.get(url.removeprefix("http://testserver"), **kwargs)


def verify(
    client: TestClient, credential: dict[str, Any] | str, decoded: dict[str, Any] | None = None
) -> dict[str, str]:
    """Check id → outcome of the core verifier run on `credential` (a dict or a JWS)."""
    subject = decoded if decoded is not None else credential
    assert isinstance(subject, dict)
    report = verify_credential(credential, documents=verification_documents(client, subject))
    return {check.id: check.outcome for check in report.checks}
