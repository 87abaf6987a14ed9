"""Issuing one credential: what the signed OB 3.0 credential says, and that it verifies."""

from __future__ import annotations

import json
import re
import uuid
from datetime import UTC, datetime, timedelta

import jwt
from fastapi.testclient import TestClient
from sqlalchemy import select

from credex.core import fastcanon
from credex.core.credentials.identity import hash_identity
from credex.core.credentials.schema import validate_ob_schema
from credex.db.models import Credential, Learner
from credex.db.session import Database
from credex.settings import Settings
from tests.api.test_issuance_support import (
    issue,
    issue_body,
    make_achievement,
    make_tenant,
    verify,
)

DATETIME_Z = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
REQUIRED_CHECKS = ("format", "ob_schema", "contexts", "proof", "key_binding", "validity", "status")


def test_ldp_credential_is_ob3_and_verifies(
    client: TestClient, database: Database, settings: Settings
) -> None:
    tenant = make_tenant(database, settings)
    issued = issue(client, tenant)
    credential = issued["credential"]
    assert issued["status"] == "active"
    assert credential["id"] == f"http://testserver/credentials/{issued['id']}"
    assert credential["@context"] == [
        "https://www.w3.org/ns/credentials/v2",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json",
        "http://testserver/contexts/credex-v1.jsonld",
    ]
    assert credential["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    profile = client.get(f"/issuers/{tenant.issuer_id}").json()
    full_profile = {k: v for k, v in profile.items() if k != "@context"}
    assert "address" in full_profile  # the issuer's country (Annex I element 3)
    # The complete Profile is embedded once, as the achievement's creator; the top-level issuer
    # repeats it without its blank-node parts (see credex.issuance.document.credential_issuer).
    assert credential["credentialSubject"]["achievement"]["creator"] == full_profile
    assert credential["issuer"] == {
        k: v for k, v in full_profile.items() if k not in ("address", "otherIdentifier")
    }
    assert credential["issuer"]["id"].startswith("did:web:testserver:issuers:")
    assert credential["name"] == "Digital storytelling for cultural heritage"
    assert DATETIME_Z.match(credential["validFrom"])
    assert credential["awardedDate"] == credential["validFrom"]
    assert "validUntil" not in credential
    public = client.get(f"/achievements/{tenant.achievement_id}").json()
    assert credential["credentialSubject"]["achievement"] == {
        k: v for k, v in public.items() if k != "@context"
    }
    assert credential["credentialSchema"] == [
        {
            "id": "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/"
            "ob_v3p0_achievementcredential_schema.json",
            "type": "1EdTechJsonSchemaValidator2019",
        }
    ]
    status = credential["credentialStatus"]
    assert status["type"] == "BitstringStatusListEntry"
    assert status["statusPurpose"] == "revocation"
    assert status["statusListCredential"].startswith("http://testserver/status-lists/")
    assert status["id"] == f"{status['statusListCredential']}#{status['statusListIndex']}"
    assert 0 <= int(status["statusListIndex"]) < 131_072
    assert credential["proof"][0]["cryptosuite"] == "eddsa-rdfc-2022"
    assert validate_ob_schema(credential) == []
    checks = verify(client, credential)
    assert all(checks[name] == "passed" for name in REQUIRED_CHECKS), checks


def test_jwt_credential_verifies(
    client: TestClient, database: Database, settings: Settings
) -> None:
    tenant = make_tenant(database, settings)
    issued = issue(client, tenant, format="jwt")
    assert "credential" not in issued
    token = issued["jwt"]
    header = jwt.get_unverified_header(token)
    assert header["alg"] == "EdDSA"
    payload = jwt.decode(token, options={"verify_signature": False})
    assert payload["id"] == f"http://testserver/credentials/{issued['id']}"
    assert payload["iss"] == payload["issuer"]["id"]
    claims = ("iss", "sub", "nbf", "jti", "exp", "iat", "aud")
    credential = {key: value for key, value in payload.items() if key not in claims}
    assert validate_ob_schema(credential) == []
    checks = verify(client, token, credential)
    assert all(checks[name] == "passed" for name in REQUIRED_CHECKS if name != "ob_schema"), checks


def test_subject_carries_a_salted_email_hash_and_the_did(
    client: TestClient, database: Database, settings: Settings
) -> None:
    tenant = make_tenant(database, settings)
    did = "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"
    first = issue(
        client,
        tenant,
        "Ana.Silva@Example.org",
        learner={"email": "Ana.Silva@Example.org", "did": did},
    )
    second = issue(client, tenant, "ana.silva@example.org")
    subjects = [item["credential"]["credentialSubject"] for item in (first, second)]
    for subject in subjects:
        (identity,) = subject["identifier"]
        assert identity["type"] == "IdentityObject"
        assert identity["hashed"] is True
        assert identity["identityType"] == "emailAddress"
        assert identity["identityHash"] == hash_identity("ana.silva@example.org", identity["salt"])
        assert subject["id"] == did  # the second request reused the learner, DID included
    assert subjects[0]["identifier"][0]["salt"] != subjects[1]["identifier"][0]["salt"]
    with database.unit_of_work() as session:
        contents = session.scalars(select(Credential.content)).all()
    assert all("ana.silva" not in text.lower() for text in contents)


def test_optional_claims_are_rendered(
    client: TestClient, database: Database, settings: Settings
) -> None:
    tenant = make_tenant(database, settings)
    achievement_id = make_achievement(database, tenant.issuer_id, validity_months=24)
    start = datetime(2025, 1, 31, 9, 0, 0, 123000, tzinfo=UTC)
    valid_from = datetime(2025, 8, 31, 12, 0, tzinfo=UTC)
    body = {
        "achievement_id": str(achievement_id),
        "result": {"value": "Merit"},
        "evidence": [
            {"id": "https://portfolio.example/ana", "name": "Portfolio", "genre": "Portfolio"},
            {"narrative": "Presented the story to a panel."},
        ],
        "narrative": "Ana produced **three** short stories.",
        "activity_start": start.isoformat(),
        "activity_end": "2025-03-28T17:00:00+02:00",
        "awarded_date": "2025-04-01T10:00:00Z",
        "valid_from": valid_from.isoformat(),
    }
    credential = issue(client, tenant, **body)["credential"]
    assert credential["validFrom"] == "2025-08-31T12:00:00Z"
    assert credential["validUntil"] == "2027-08-31T12:00:00Z"
    assert credential["awardedDate"] == "2025-04-01T10:00:00Z"
    subject = credential["credentialSubject"]
    assert subject["result"] == [
        {
            "type": ["Result"],
            "resultDescription": f"http://testserver/achievements/{achievement_id}#result-1",
            "value": "Merit",
        }
    ]
    first_scheme = subject["achievement"]["resultDescription"][0]
    assert first_scheme["id"] == subject["result"][0]["resultDescription"]
    assert subject["activityStartDate"] == "2025-01-31T09:00:00Z"
    assert subject["activityEndDate"] == "2025-03-28T15:00:00Z"
    assert subject["narrative"] == body["narrative"]
    assert credential["evidence"] == [
        {
            "id": "https://portfolio.example/ana",
            "type": ["Evidence"],
            "name": "Portfolio",
            "genre": "Portfolio",
        },
        {"type": ["Evidence"], "narrative": "Presented the story to a panel."},
    ]
    assert validate_ob_schema(credential) == []
    checks = verify(client, credential)
    assert checks["proof"] == checks["ob_schema"] == checks["contexts"] == "passed", checks
    score = {"result_description": f"http://testserver/achievements/{achievement_id}#result-2"}
    graded = issue(
        client, tenant, result=score | {"value": "87.5"}, achievement_id=str(achievement_id)
    )
    assert graded["credential"]["credentialSubject"]["result"][0]["value"] == "87.5"
    by_alias = issue(client, tenant, grade={"status": "Completed"})
    assert by_alias["credential"]["credentialSubject"]["result"][0]["status"] == "Completed"


def test_validity_months_clamp_to_the_end_of_the_month(
    client: TestClient, database: Database, settings: Settings
) -> None:
    tenant = make_tenant(database, settings)
    achievement_id = make_achievement(database, tenant.issuer_id, validity_months=1)
    credential = issue(
        client, tenant, achievement_id=str(achievement_id), valid_from="2024-01-31T08:00:00Z"
    )["credential"]
    assert credential["validUntil"] == "2024-02-29T08:00:00Z"


def test_stored_exactly_as_signed(
    client: TestClient, database: Database, settings: Settings
) -> None:
    tenant = make_tenant(database, settings)
    response = client.post("/api/v1/credentials", json=issue_body(tenant), headers=tenant.headers)
    assert response.status_code == 201
    credential_id = uuid.UUID(response.json()["id"])
    with database.unit_of_work() as session:
        row = session.get(Credential, credential_id)
        assert row is not None
        stored = row.content
        assert row.document == response.json()["credential"]
        assert row.jwt is None
    assert stored in response.text  # the signed text is spliced into the body byte for byte
    detail = client.get(f"/api/v1/credentials/{credential_id}", headers=tenant.headers)
    assert stored in detail.text
    assert json.loads(stored) == detail.json()["credential"]


def test_new_learners_are_created_and_known_ones_reused(
    client: TestClient, database: Database, settings: Settings
) -> None:
    tenant = make_tenant(database, settings)
    issue(client, tenant, learner={"email": "Bo@Example.org", "name": "Bo"})
    issue(
        client, tenant, learner={"email": "bo@example.org", "name": "Bo Other", "external_id": "X1"}
    )
    with database.unit_of_work() as session:
        learners = session.scalars(select(Learner)).all()
        assert [(item.email, item.name, item.external_id) for item in learners] == [
            ("bo@example.org", "Bo", "X1")  # missing facts filled in, recorded ones kept
        ]
        learner_id = learners[0].id
    by_id = issue(client, tenant, learner=None, learner_id=str(learner_id))
    with database.unit_of_work() as session:
        row = session.get(Credential, uuid.UUID(by_id["id"]))
        assert row is not None
        assert row.learner_id == learner_id


def test_each_credential_gets_its_own_random_index(
    client: TestClient, database: Database, settings: Settings
) -> None:
    tenant = make_tenant(database, settings)
    entries = [
        issue(client, tenant, f"l{n}@example.org")["credential"]["credentialStatus"]
        for n in range(12)
    ]
    indexes = [int(entry["statusListIndex"]) for entry in entries]
    assert len(set(indexes)) == len(indexes)
    assert indexes != sorted(indexes)  # random, not sequential (1 in 12! chance of a false alarm)
    assert len({entry["statusListCredential"] for entry in entries}) == 1


def test_valid_from_keeps_seconds_precision(
    client: TestClient, database: Database, settings: Settings
) -> None:
    tenant = make_tenant(database, settings)
    before = datetime.now(UTC).replace(microsecond=0)
    credential = issue(client, tenant)["credential"]
    issued_at = datetime.fromisoformat(credential["validFrom"].replace("Z", "+00:00"))
    assert before <= issued_at <= datetime.now(UTC) + timedelta(seconds=1)


def test_signing_takes_the_fast_canonicalization_path(
    client: TestClient, database: Database, settings: Settings
) -> None:
    """Performance guard: once a credential shape is known, signing another credential of that
    shape never falls back to the general (pyld + full RDFC-1.0) canonicalization."""
    tenant = make_tenant(database, settings)
    issue(client, tenant, "first@example.org", result={"value": "Pass"})
    general_before = fastcanon.stats.general
    for n in range(3):
        issue(client, tenant, f"next{n}@example.org", result={"value": "Merit"})
    assert fastcanon.stats.general == general_before
