"""Who may do what: reads for any valid token, writes for admins only, nothing without a token.

Frameworks are shared reference data (not owned by an issuer), so there is no per-issuer 404 here;
the tenant-like boundary is the framework itself, tested in test_frameworks_competencies.py.
"""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from credex.db.models import Competency, Framework
from credex.db.session import Database
from credex.settings import Settings
from tests.api.test_frameworks import (
    API,
    add_competency,
    count,
    make_framework,
    published_framework,
)
from tests.api.test_issuance_support import make_issuer
from tests.conftest import make_token


@pytest.fixture
def setup(client: TestClient, admin_headers: dict[str, str]) -> dict[str, str]:
    draft = make_framework(client, admin_headers)
    competency = add_competency(client, admin_headers, draft["id"], "A")
    published = published_framework(client, admin_headers)
    return {"draft": draft["id"], "competency": competency["id"], "published": published["id"]}


def _writes(ids: dict[str, str]) -> list[tuple[str, str, dict[str, Any] | None]]:
    draft, cid, published = ids["draft"], ids["competency"], ids["published"]
    return [
        ("POST", API, {"title": {"en": "x"}, "default_language": "en"}),
        ("PATCH", f"{API}/{draft}", {"publisher": "x"}),
        ("DELETE", f"{API}/{draft}", None),
        ("POST", f"{API}/{draft}/publish", None),
        ("POST", f"{API}/{published}/retire", None),
        ("POST", f"{API}/{published}/versions", None),
        ("POST", f"{API}/import", {"title": {"en": "x"}, "default_language": "en"}),
        ("GET", f"{API}/{published}/export", None),
        ("POST", f"{API}/{draft}/competencies", {"code": "B", "title": {"en": "B"}}),
        ("PATCH", f"{API}/{draft}/competencies/{cid}", {"eqf_level": 3}),
        ("DELETE", f"{API}/{draft}/competencies/{cid}", None),
    ]


def _reads(ids: dict[str, str]) -> list[str]:
    draft, cid = ids["draft"], ids["competency"]
    return [
        API,
        f"{API}?q=digital&status=draft",
        f"{API}/{draft}",
        f"{API}/{draft}/competencies",
        f"{API}/{draft}/competencies/{cid}",
    ]


@pytest.mark.parametrize("role", ["issuer", "learner"])
def test_non_admins_read_but_never_write(
    client: TestClient, database: Database, settings: Settings, setup: dict[str, str], role: str
) -> None:
    token = make_token(
        database,
        role=role,
        name=role,
        issuer_id=make_issuer(database, settings) if role == "issuer" else None,
        learner_email="l@example.org" if role == "learner" else None,
    )
    headers = {"Authorization": f"Bearer {token}"}
    for path in _reads(setup):
        assert client.get(path, headers=headers).status_code == 200, path
    before = (count(database, Framework), count(database, Competency))
    for method, path, body in _writes(setup):
        response = client.request(method, path, json=body, headers=headers)
        assert response.status_code == 403, (method, path, response.text)
        assert response.headers["content-type"] == "application/problem+json"
    assert (count(database, Framework), count(database, Competency)) == before


def test_no_token_is_401_everywhere(
    client: TestClient, database: Database, setup: dict[str, str]
) -> None:
    for path in _reads(setup):
        assert client.get(path).status_code == 401, path
    for method, path, body in _writes(setup):
        assert client.request(method, path, json=body).status_code == 401, (method, path)
    bad = {"Authorization": "Bearer cx_forged"}
    assert client.post(f"{API}/import", content=b"{", headers=bad).status_code == 401


def test_openapi_documents_the_framework_schemas(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    schemas = spec["components"]["schemas"]
    assert {"FrameworkRead", "FrameworkCreate", "CompetencyRead", "CompetencyCreate"} <= set(
        schemas
    )
    assert {"code", "title", "esco_uri", "skill_uri", "eqf_level", "parent"} <= set(
        schemas["CompetencyRead"]["properties"]
    )
    import_body = spec["paths"][f"{API}/import"]["post"]["requestBody"]["content"]
    assert {"application/json", "multipart/form-data"} <= set(import_body)
