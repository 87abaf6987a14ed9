"""Achievements over the API: drafts, validation, publishing, versions and the public document."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from credex.core import jsonld
from credex.db.models import Achievement, Competency, Framework, Issuer
from credex.db.session import Database
from tests.conftest import TEST_BASE_URL, make_token

ISSUER_QA = {"type": "ISO 21001 certified", "body": "Cert Body", "url": "https://cert.example"}


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def make_issuer(database: Database, **fields: Any) -> uuid.UUID:
    values = {"name": "Creative Skills Lab", "country": "IT", "quality_assurance": None} | fields
    with database.unit_of_work() as session:
        issuer = Issuer(**values)
        session.add(issuer)
        session.flush()
        return issuer.id


def make_framework(
    database: Database, status: str = "published", codes: tuple[str, ...] = ("C1", "C2")
) -> dict[str, uuid.UUID]:
    """A framework with competencies; returns {code: competency id} (and "framework")."""
    with database.unit_of_work() as session:
        framework = Framework(
            title={"en": f"Framework {uuid.uuid4().hex[:6]}"},
            description={},
            default_language="en",
            version="1.0",
            status=status,
        )
        session.add(framework)
        session.flush()
        ids = {"framework": framework.id}
        for code in codes:
            competency = Competency(
                framework_id=framework.id,
                code=code,
                title={"en": f"Competency {code}"},
                description={"en": f"About {code}"},
            )
            session.add(competency)
            session.flush()
            ids[code] = competency.id
        return ids


def set_framework_status(database: Database, framework_id: uuid.UUID, status: str) -> None:
    with database.unit_of_work() as session:
        framework = session.get(Framework, framework_id)
        assert framework is not None
        framework.status = status


def issuer_headers(database: Database, issuer_id: uuid.UUID) -> dict[str, str]:
    return auth(make_token(database, role="issuer", name="issuer", issuer_id=issuer_id))


def complete_body(competency_id: uuid.UUID, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "name": {"en": "Digital storytelling for cultural heritage", "it": "Narrazione digitale"},
        "description": {"en": "Tell heritage stories digitally."},
        "criteria_narrative": {"en": "Submit a portfolio."},
        "eqf_level": 4,
        "ects_credits": 2,
        "workload_hours": 50,
        "learning_outcomes": [
            {
                "description": {"en": "Plan a cross-media narrative"},
                "competency_ids": [str(competency_id)],
                "esco_uris": [
                    "http://data.europa.eu/esco/skill/0a1b2c3d-0000-4000-8000-000000000001"
                ],
            }
        ],
        "assessment_type": "Portfolio reviewed by a tutor",
        "participation_form": "online",
        "quality_assurance": {"type": "Internal QA", "body": "QA board"},
        "supervision": "supervised_with_id_check",
        "result_descriptions": [
            {"name": "Grade", "result_type": "LetterGrade", "allowed_values": ["Pass", "Merit"]}
        ],
    }
    return body | overrides


def count_achievements(database: Database) -> int:
    with database.session() as session:
        return session.scalar(select(func.count()).select_from(Achievement)) or 0


class Setup:
    def __init__(self, database: Database) -> None:
        self.issuer_id = make_issuer(database)
        self.headers = issuer_headers(database, self.issuer_id)
        self.competencies = make_framework(database)
        self.competency = self.competencies["C1"]

    def create(self, client: TestClient, **overrides: Any) -> dict[str, Any]:
        response = client.post(
            "/api/v1/achievements",
            json=complete_body(self.competency, **overrides),
            headers=self.headers,
        )
        assert response.status_code == 201, response.text
        created: dict[str, Any] = response.json()
        return created

    def publish(self, client: TestClient, achievement_id: str) -> dict[str, Any]:
        response = client.post(
            f"/api/v1/achievements/{achievement_id}/publish", headers=self.headers
        )
        assert response.status_code == 200, response.text
        published: dict[str, Any] = response.json()
        return published


def test_create_returns_the_draft(client: TestClient, database: Database) -> None:
    setup = Setup(database)
    created = setup.create(client, ects_credits=1.5)
    assert created["status"] == "draft"
    assert created["issuer_id"] == str(setup.issuer_id)
    assert created["achievement_type"] == "MicroCredential"
    assert (created["language"], created["version"]) == ("en", "1.0")
    assert created["ects_credits"] == 1.5
    assert created["public_url"] == f"{TEST_BASE_URL}/achievements/{created['id']}"
    assert created["result_descriptions"][0]["id"] == f"{created['public_url']}#result-1"
    assert created["learning_outcomes"][0]["competency_ids"] == [str(setup.competency)]
    read = client.get(f"/api/v1/achievements/{created['id']}", headers=setup.headers)
    assert read.status_code == 200
    assert read.json() == created


def test_field_errors_are_precise_and_write_nothing(client: TestClient, database: Database) -> None:
    setup = Setup(database)
    before = count_achievements(database)
    cases = {
        "/eqf_level": {"eqf_level": 9},
        "/ects_credits": {"ects_credits": 1.555},
        "/workload_hours": {"workload_hours": -1},
        "/participation_form": {"participation_form": "hybrid"},
        "/supervision": {"supervision": "proctored"},
        "/achievement_type": {"achievement_type": "Nanodegree"},
        "/learning_outcomes/0/esco_uris/0": {
            "learning_outcomes": [{"description": {"en": "x"}, "esco_uris": ["https://esco/x"]}]
        },
        "/result_descriptions/0": {
            "result_descriptions": [
                {"name": "G", "result_type": "Percent", "value_min": "90", "value_max": "10"}
            ]
        },
        "/status": {"status": "published"},
    }
    for pointer, override in cases.items():
        body = complete_body(setup.competency, **override)
        response = client.post("/api/v1/achievements", json=body, headers=setup.headers)
        assert response.status_code == 422, (pointer, response.text)
        assert response.headers["content-type"] == "application/problem+json"
        pointers = [error["pointer"] for error in response.json()["errors"]]
        assert any(p.startswith(pointer) for p in pointers), (pointer, pointers)
    assert count_achievements(database) == before


def test_rules_across_fields_name_each_field(client: TestClient, database: Database) -> None:
    setup = Setup(database)
    body = complete_body(
        setup.competency,
        language="it",
        stacks_into=[str(uuid.uuid4())],
        learning_outcomes=[
            {"description": {"it": "x"}, "competency_ids": [str(uuid.uuid4())]},
        ],
    )
    response = client.post("/api/v1/achievements", json=body, headers=setup.headers)
    assert response.status_code == 422
    errors = {error["pointer"]: error["detail"] for error in response.json()["errors"]}
    assert "default language 'it'" in errors["/description"]
    assert "stackable" in errors["/stacks_into"]
    assert errors["/learning_outcomes/0/competency_ids/0"].startswith("no competency")
    assert "/name" not in errors  # the name has an Italian text
    assert count_achievements(database) == 0


def test_competencies_must_come_from_published_frameworks(
    client: TestClient, database: Database
) -> None:
    setup = Setup(database)
    draft = make_framework(database, status="draft")
    retired = make_framework(database, status="retired")
    for competency in (draft["C1"], retired["C1"]):
        response = client.post(
            "/api/v1/achievements", json=complete_body(competency), headers=setup.headers
        )
        assert response.status_code == 422
        [error] = response.json()["errors"]
        assert error["pointer"] == "/learning_outcomes/0/competency_ids/0"
        assert "published frameworks" in error["detail"]
    assert count_achievements(database) == 0


def test_retired_frameworks_stay_valid_for_existing_references(
    client: TestClient, database: Database
) -> None:
    setup = Setup(database)
    created = setup.create(client)
    set_framework_status(database, setup.competencies["framework"], "retired")
    patched = client.patch(
        f"/api/v1/achievements/{created['id']}",
        json={"assessment_type": "Oral exam"},
        headers=setup.headers,
    )
    assert patched.status_code == 200, patched.text
    setup.publish(client, created["id"])
    # a NEW reference to the retired framework is refused
    other = setup.create(client, learning_outcomes=[{"description": {"en": "x"}}])
    response = client.patch(
        f"/api/v1/achievements/{other['id']}",
        json={
            "learning_outcomes": [
                {"description": {"en": "x"}, "competency_ids": [str(setup.competencies["C2"])]}
            ]
        },
        headers=setup.headers,
    )
    assert response.status_code == 422


def test_patch_changes_only_what_is_sent(client: TestClient, database: Database) -> None:
    setup = Setup(database)
    created = setup.create(client)
    url = f"/api/v1/achievements/{created['id']}"
    response = client.patch(
        url, json={"eqf_level": 5, "quality_assurance": None}, headers=setup.headers
    )
    assert response.status_code == 200
    patched = response.json()
    assert patched["eqf_level"] == 5
    assert patched["quality_assurance"] is None
    assert patched["name"] == created["name"]
    for body in ({"name": None}, {"learning_outcomes": None}, {"language": "de"}):
        rejected = client.patch(url, json=body, headers=setup.headers)
        assert rejected.status_code == 422, body
    assert client.get(url, headers=setup.headers).json() == patched


def test_publish_needs_every_annex_i_element(client: TestClient, database: Database) -> None:
    setup = Setup(database)
    created = setup.create(
        client,
        eqf_level=None,
        ects_credits=None,
        workload_hours=None,
        assessment_type=None,
        quality_assurance=None,
    )
    url = f"/api/v1/achievements/{created['id']}"
    response = client.post(f"{url}/publish", headers=setup.headers)
    assert response.status_code == 422
    problem = response.json()
    assert problem["missing"] == ["workload", "eqf_level", "assessment_type", "quality_assurance"]
    assert {e["pointer"] for e in problem["errors"]} == {
        "/ects_credits",
        "/eqf_level",
        "/assessment_type",
        "/quality_assurance",
    }
    assert client.get(url, headers=setup.headers).json()["status"] == "draft"
    compliance = client.get(f"{url}/compliance", headers=setup.headers).json()
    assert compliance["compliant"] is False
    assert compliance["missing"] == problem["missing"]
    assert "learner_identification" in compliance["present"]


def test_issuer_default_quality_assurance_counts(client: TestClient, database: Database) -> None:
    setup = Setup(database)
    with database.unit_of_work() as session:
        issuer = session.get(Issuer, setup.issuer_id)
        assert issuer is not None
        issuer.quality_assurance = ISSUER_QA
    created = setup.create(client, quality_assurance=None)
    compliance = client.get(
        f"/api/v1/achievements/{created['id']}/compliance", headers=setup.headers
    ).json()
    assert compliance["compliant"] is True
    assert compliance["optional_present"] == ["supervision_identity_verification", "grade"]
    setup.publish(client, created["id"])
    public = client.get(f"/achievements/{created['id']}").json()
    assert public["qualityAssurance"] == {
        "assuranceType": "ISO 21001 certified",
        "assuranceBody": "Cert Body",
        "assuranceUrl": "https://cert.example",
    }


def test_other_achievement_types_publish_without_eu_elements(
    client: TestClient, database: Database
) -> None:
    setup = Setup(database)
    created = setup.create(client, achievement_type="Badge", eqf_level=None, assessment_type=None)
    assert setup.publish(client, created["id"])["status"] == "published"


def test_published_is_immutable_and_versions_replace_it(
    client: TestClient, database: Database
) -> None:
    setup = Setup(database)
    created = setup.create(client)
    url = f"/api/v1/achievements/{created['id']}"
    assert client.post(f"{url}/versions", headers=setup.headers).status_code == 409  # a draft
    published = setup.publish(client, created["id"])
    assert published["published_at"] is not None
    assert client.post(f"{url}/publish", headers=setup.headers).status_code == 409
    patch = client.patch(url, json={"eqf_level": 5}, headers=setup.headers)
    assert patch.status_code == 409
    assert "/versions" in patch.json()["detail"]

    version = client.post(f"{url}/versions", headers=setup.headers)
    assert version.status_code == 201
    draft = version.json()
    assert (draft["status"], draft["version"]) == ("draft", "2.0")
    assert draft["previous_version_id"] == created["id"]
    assert draft["name"] == created["name"]
    again = client.post(f"{url}/versions", json={"version": "2.1"}, headers=setup.headers)
    assert again.status_code == 409
    assert again.json()["draft_id"] == draft["id"]

    setup.publish(client, draft["id"])
    public = client.get(f"/achievements/{draft['id']}").json()
    assert public["version"] == "2.0"
    assert public["related"] == [
        {
            "id": f"{TEST_BASE_URL}/achievements/{created['id']}",
            "type": ["Related"],
            "version": "1.0",
        }
    ]


def test_versions_need_an_explicit_number_when_not_numeric(
    client: TestClient, database: Database
) -> None:
    setup = Setup(database)
    created = setup.create(client, version="spring-2026")
    setup.publish(client, created["id"])
    url = f"/api/v1/achievements/{created['id']}/versions"
    response = client.post(url, headers=setup.headers)
    assert response.status_code == 422
    assert response.json()["errors"][0]["pointer"] == "/version"
    named = client.post(url, json={"version": "autumn-2026"}, headers=setup.headers)
    assert named.status_code == 201
    assert named.json()["version"] == "autumn-2026"


def test_retire_keeps_the_public_document(client: TestClient, database: Database) -> None:
    setup = Setup(database)
    created = setup.create(client)
    url = f"/api/v1/achievements/{created['id']}"
    assert client.post(f"{url}/retire", headers=setup.headers).status_code == 409  # a draft
    setup.publish(client, created["id"])
    retired = client.post(f"{url}/retire", headers=setup.headers)
    assert retired.status_code == 200
    assert retired.json()["status"] == "retired"
    assert client.get(f"/achievements/{created['id']}").status_code == 200


def test_public_document_is_ob_achievement_json_ld(client: TestClient, database: Database) -> None:
    setup = Setup(database)
    created = setup.create(client)
    assert client.get(f"/achievements/{created['id']}").status_code == 404  # draft
    assert client.get(f"/achievements/{uuid.uuid4()}").status_code == 404
    setup.publish(client, created["id"])
    response = client.get(f"/achievements/{created['id']}")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/ld+json")
    doc = response.json()
    assert doc["@context"] == [
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        f"{TEST_BASE_URL}/contexts/credex-v1.jsonld",
    ]
    assert doc["id"] == created["public_url"]
    assert doc["name"] == "Digital storytelling for cultural heritage"
    assert doc["creditsAvailable"] == 2
    assert doc["ectsCredits"] == "2"
    assert doc["creator"]["address"]["addressCountryCode"] == "IT"
    competency = doc["alignment"][1]
    assert (competency["targetCode"], competency["targetName"]) == ("C1", "Competency C1")
    assert competency["targetUrl"].endswith(f"/competencies/{setup.competency}")
    assert doc["alignment"][2]["targetFramework"] == "ESCO"
    jsonld.to_rdf(doc)  # every term defined: nothing would be dropped from a signature


def test_context_is_served_cacheably(client: TestClient) -> None:
    response = client.get("/contexts/credex-v1.jsonld")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/ld+json"
    assert "immutable" in response.headers["cache-control"]
    assert response.json()["@context"]["@protected"] is True
    etag = response.headers["etag"]
    cached = client.get("/contexts/credex-v1.jsonld", headers={"If-None-Match": etag})
    assert cached.status_code == 304
    assert cached.content == b""


def test_list_filters_and_paginates(
    client: TestClient, database: Database, admin_headers: dict[str, str]
) -> None:
    setup = Setup(database)
    ids = [setup.create(client)["id"] for _ in range(3)]
    setup.publish(client, ids[0])
    seen: list[str] = []
    cursor = None
    while True:
        params: dict[str, Any] = {"limit": 2} | ({"cursor": cursor} if cursor else {})
        page = client.get("/api/v1/achievements", params=params, headers=setup.headers).json()
        seen += [item["id"] for item in page["items"]]
        cursor = page["next"]
        if cursor is None:
            break
    assert seen == list(reversed(ids))
    drafts = client.get("/api/v1/achievements?status=draft", headers=setup.headers).json()
    assert {item["id"] for item in drafts["items"]} == set(ids[1:])
    admin = client.get(
        f"/api/v1/achievements?issuer_id={setup.issuer_id}", headers=admin_headers
    ).json()
    assert {item["id"] for item in admin["items"]} == set(ids)


def test_admins_name_the_issuer(
    client: TestClient, database: Database, admin_headers: dict[str, str]
) -> None:
    setup = Setup(database)
    body = complete_body(setup.competency)
    missing = client.post("/api/v1/achievements", json=body, headers=admin_headers)
    assert missing.status_code == 422
    assert missing.json()["errors"][0]["pointer"] == "/issuer_id"
    unknown = client.post(
        "/api/v1/achievements", json=body | {"issuer_id": str(uuid.uuid4())}, headers=admin_headers
    )
    assert unknown.status_code == 404
    made = client.post(
        "/api/v1/achievements",
        json=body | {"issuer_id": str(setup.issuer_id)},
        headers=admin_headers,
    )
    assert made.status_code == 201
    assert made.json()["issuer_id"] == str(setup.issuer_id)


def test_stacking_rules(client: TestClient, database: Database) -> None:
    setup = Setup(database)
    parent = setup.create(client)
    child = setup.create(client, stackability="stackable", stacks_into=[parent["id"]])
    url = f"/api/v1/achievements/{child['id']}"
    publish = client.post(f"{url}/publish", headers=setup.headers)
    assert publish.status_code == 422  # the parent is still a draft
    assert publish.json()["errors"][0]["pointer"] == "/stacks_into/0"
    cycle = client.patch(
        f"/api/v1/achievements/{parent['id']}",
        json={"stackability": "stackable", "stacks_into": [child["id"]]},
        headers=setup.headers,
    )
    assert cycle.status_code == 422
    assert "cycle" in cycle.json()["errors"][0]["detail"]
    itself = client.patch(url, json={"stacks_into": [child["id"]]}, headers=setup.headers)
    assert "itself" in itself.json()["errors"][0]["detail"]
    setup.publish(client, parent["id"])
    setup.publish(client, child["id"])
    public = client.get(f"/achievements/{child['id']}").json()
    assert public["stackability"] == "stackable"
    assert public["stacksInto"] == [parent["public_url"]]
