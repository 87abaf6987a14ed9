"""Issuers over the API: create, read, list, update, issuer tokens; validation leaves no trace."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from credex.db.models import ApiToken, Issuer, IssuerKey
from credex.db.session import Database
from credex.issuers.schemas import ISO_3166_ALPHA2
from tests.conftest import TEST_BASE_URL, make_token

FULL_ISSUER: dict[str, Any] = {
    "name": "Basilicata Creative Skills Lab",
    "url": "https://skills-lab.example.org",
    "email": "info@skills-lab.example.org",
    "phone": "+39 0835 123 456",
    "description": "Short courses for museum and festival professionals.",
    "image": "https://skills-lab.example.org/logo.png",
    "country": "IT",
    "address": {
        "street_address": "Via del Corso 2",
        "locality": "Potenza",
        "region": "Basilicata",
        "postal_code": "85100",
        "country": "Italy",
    },
    "other_identifiers": [
        {"identifier": "IT09876543210", "identifier_type": "ext:LegalIdentifier"},
        {"identifier": "lab-42", "identifier_type": "systemId"},
    ],
    "quality_assurance": {
        "type": "internal quality assurance aligned with ESG",
        "body": "Lab Quality Board",
        "url": "https://skills-lab.example.org/qa",
    },
    "accreditation_note": "Reviewed yearly by an external panel.",
}


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def new_issuer(client: TestClient, admin_headers: dict[str, str], **fields: Any) -> dict[str, Any]:
    """Create an issuer through the API (helper shared by the issuer, key and DID tests)."""
    body = {"name": f"Issuer {uuid.uuid4().hex[:8]}", "country": "IT"} | fields
    response = client.post("/api/v1/issuers", json=body, headers=admin_headers)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


def issuer_token(database: Database, issuer_id: str) -> str:
    return make_token(database, role="issuer", name="issuer", issuer_id=uuid.UUID(issuer_id))


def count(database: Database, model: type[Any]) -> int:
    with database.session() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def test_create_issuer_returns_profile_did_and_first_key(
    client: TestClient, admin_headers: dict[str, str], database: Database
) -> None:
    response = client.post("/api/v1/issuers", json=FULL_ISSUER, headers=admin_headers)
    assert response.status_code == 201
    body = response.json()
    issuer_id = body["id"]
    did = f"did:web:testserver:issuers:{issuer_id}"
    assert body["did"] == did
    assert body["did_document_url"] == f"{TEST_BASE_URL}/issuers/{issuer_id}/did.json"
    assert body["profile_url"] == f"{TEST_BASE_URL}/issuers/{issuer_id}"
    assert body["active_verification_method"] == f"{did}#key-1"
    assert body["address"] == FULL_ISSUER["address"] | {
        "country_code": "IT",
        "post_office_box_number": None,
    }
    for field in ("name", "url", "email", "phone", "image", "other_identifiers"):
        assert body[field] == FULL_ISSUER[field]
    assert body["quality_assurance"] == FULL_ISSUER["quality_assurance"]
    assert body["created_at"].endswith("Z") or "+00:00" in body["created_at"]
    with database.session() as session:
        keys = session.scalars(
            select(IssuerKey).where(IssuerKey.issuer_id == uuid.UUID(issuer_id))
        ).all()
    assert sorted((k.number, k.algorithm, k.status) for k in keys) == [
        (1, "Ed25519", "active"),
        (2, "P-256", "active"),
    ]
    assert body["active_key_id"] == str(next(k.id for k in keys if k.number == 1))


def test_minimal_issuer_needs_only_a_name(
    client: TestClient, admin_headers: dict[str, str]
) -> None:
    response = client.post("/api/v1/issuers", json={"name": "  Solo  "}, headers=admin_headers)
    assert response.status_code == 201
    body = response.json()
    assert body["name"] == "Solo"
    assert body["address"] is None
    assert body["country"] is None
    assert body["other_identifiers"] == []


@pytest.mark.parametrize(
    ("patch", "pointer", "why"),
    [
        ({"name": None}, "/name", ""),
        ({"name": "   "}, "/name", "at least 1 character"),
        ({"url": "ftp://files.example.org"}, "/url", "http(s) URL"),
        ({"url": "/relative/path"}, "/url", "http(s) URL"),
        ({"image": "not a url"}, "/image", "http(s) URL"),
        ({"email": "someone@"}, "/email", "email"),
        ({"email": "two@@example.org"}, "/email", "email"),
        ({"phone": "call us"}, "/phone", "digits"),
        ({"country": "XX"}, "/country", "ISO 3166-1"),
        ({"country": "UK"}, "/country", "uses GB"),
        ({"country": "EL"}, "/country", "uses GR"),
        ({"country": "ITA"}, "/country", "at most 2"),
        ({"address": {"country_code": "ZZ"}}, "/address/country_code", "ISO 3166-1"),
        ({"address": {"town": "Matera"}}, "/address/town", "not permitted"),
        (
            {"other_identifiers": [{"identifier": "1", "identifier_type": "vatNumber"}]},
            "/other_identifiers/0/identifier_type",
            "ext:LegalIdentifier",
        ),
        (
            {"other_identifiers": [{"identifier": "", "identifier_type": "systemId"}]},
            "/other_identifiers/0/identifier",
            "at least 1",
        ),
        ({"quality_assurance": {"body": "QA body"}}, "/quality_assurance/type", "required"),
        (
            {"quality_assurance": {"type": "ESG", "url": "qa.example.org"}},
            "/quality_assurance/url",
            "http(s) URL",
        ),
        ({"did": "did:web:evil.example"}, "/did", "not permitted"),
    ],
)
def test_invalid_fields_are_422_naming_the_field_and_nothing_is_written(
    client: TestClient,
    admin_headers: dict[str, str],
    database: Database,
    patch: dict[str, Any],
    pointer: str,
    why: str,
) -> None:
    before = (count(database, Issuer), count(database, IssuerKey))
    body = {"name": "Valid name", **patch}
    if patch.get("name", "") is None:
        body.pop("name")
    response = client.post("/api/v1/issuers", json=body, headers=admin_headers)
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    errors = response.json()["errors"]
    assert [e["pointer"] for e in errors] == [pointer], errors
    assert why in errors[0]["detail"]
    assert (count(database, Issuer), count(database, IssuerKey)) == before


def test_country_and_address_code_must_agree(
    client: TestClient, admin_headers: dict[str, str], database: Database
) -> None:
    before = count(database, Issuer)
    response = client.post(
        "/api/v1/issuers",
        json={"name": "Mismatch", "country": "IT", "address": {"country_code": "FR"}},
        headers=admin_headers,
    )
    assert response.status_code == 422
    pointers = {e["pointer"] for e in response.json()["errors"]}
    assert pointers == {"/country", "/address/country_code"}
    assert count(database, Issuer) == before


def test_country_is_taken_from_the_address_and_normalized(
    client: TestClient, admin_headers: dict[str, str]
) -> None:
    from_address = new_issuer(
        client, admin_headers, country=None, address={"locality": "Lyon", "country_code": "fr"}
    )
    assert from_address["country"] == "FR"
    assert from_address["address"]["country_code"] == "FR"
    lower = new_issuer(client, admin_headers, country="de")
    assert lower["country"] == "DE"
    assert lower["address"]["country_code"] == "DE"


def test_country_table_is_the_official_alpha2_list() -> None:
    assert len(ISO_3166_ALPHA2) == 249
    assert {"IT", "GR", "GB", "DE", "AX", "SS", "XK"} - ISO_3166_ALPHA2 == {"XK"}
    assert not {"UK", "EL", "EU", "XX"} & ISO_3166_ALPHA2
    system_table = Path("/usr/share/zoneinfo/iso3166.tab")
    if system_table.exists():  # tzdata ships the same list; compare when it is there
        lines = system_table.read_text().splitlines()
        codes = {line.split("\t")[0] for line in lines if line and not line.startswith("#")}
        assert codes == ISO_3166_ALPHA2


def test_list_is_admin_only_and_paginates(
    client: TestClient, admin_headers: dict[str, str]
) -> None:
    ids = {new_issuer(client, admin_headers)["id"] for _ in range(3)}
    seen: list[str] = []
    cursor = None
    while True:
        params: dict[str, Any] = {"limit": 2} | ({"cursor": cursor} if cursor else {})
        page = client.get("/api/v1/issuers", params=params, headers=admin_headers).json()
        assert len(page["items"]) <= 2
        assert all(item["active_verification_method"].endswith("#key-1") for item in page["items"])
        seen += [item["id"] for item in page["items"]]
        cursor = page["next"]
        if cursor is None:
            break
    assert ids <= set(seen)
    assert len(seen) == len(set(seen))


def test_admin_and_own_issuer_can_read(
    client: TestClient, admin_headers: dict[str, str], database: Database
) -> None:
    issuer = new_issuer(client, admin_headers)
    own = issuer_token(database, issuer["id"])
    for headers in (admin_headers, auth(own)):
        response = client.get(f"/api/v1/issuers/{issuer['id']}", headers=headers)
        assert response.status_code == 200
        assert response.json() == issuer


def test_unknown_issuer_is_404_and_learners_are_403(
    client: TestClient, admin_headers: dict[str, str], database: Database
) -> None:
    missing = client.get(f"/api/v1/issuers/{uuid.uuid4()}", headers=admin_headers)
    assert missing.status_code == 404
    assert missing.headers["content-type"] == "application/problem+json"
    issuer = new_issuer(client, admin_headers)
    learner = make_token(database, role="learner", name="l", learner_email="l@example.org")
    assert client.get(f"/api/v1/issuers/{issuer['id']}", headers=auth(learner)).status_code == 403
    assert client.get("/api/v1/issuers", headers=auth(learner)).status_code == 403
    assert client.get(f"/api/v1/issuers/{issuer['id']}").status_code == 401


def test_patch_changes_only_what_was_sent(
    client: TestClient, admin_headers: dict[str, str], database: Database
) -> None:
    issuer = new_issuer(client, admin_headers, **FULL_ISSUER)
    own = auth(issuer_token(database, issuer["id"]))
    response = client.patch(
        f"/api/v1/issuers/{issuer['id']}",
        json={"description": "New text", "phone": None, "country": "FR"},
        headers=own,
    )
    assert response.status_code == 200
    body = response.json()
    assert body["description"] == "New text"
    assert body["phone"] is None
    assert body["country"] == "FR"
    assert body["address"]["country_code"] == "FR"
    assert body["address"]["locality"] == "Potenza"
    assert body["name"] == issuer["name"]
    assert body["other_identifiers"] == issuer["other_identifiers"]
    assert body["updated_at"] >= issuer["updated_at"]

    moved = client.patch(
        f"/api/v1/issuers/{issuer['id']}",
        json={"address": {"locality": "Graz", "country_code": "AT"}},
        headers=admin_headers,
    ).json()
    assert moved["country"] == "AT"
    assert moved["address"]["locality"] == "Graz"
    assert moved["address"]["street_address"] is None  # the address is replaced as a whole

    cleared = client.patch(
        f"/api/v1/issuers/{issuer['id']}",
        json={"quality_assurance": None, "other_identifiers": [], "address": None},
        headers=admin_headers,
    ).json()
    assert cleared["quality_assurance"] is None
    assert cleared["other_identifiers"] == []
    empty_address = dict.fromkeys(FULL_ISSUER["address"] | {"post_office_box_number": None})
    assert cleared["address"] == empty_address | {"country_code": "AT"}


def test_invalid_patch_is_422_and_changes_nothing(
    client: TestClient, admin_headers: dict[str, str]
) -> None:
    issuer = new_issuer(client, admin_headers, **FULL_ISSUER)
    path = f"/api/v1/issuers/{issuer['id']}"
    for body, pointer in (
        ({"name": None}, "/name"),
        ({"name": "Renamed", "email": "broken"}, "/email"),
        ({"country": "ES", "address": {"country_code": "PT"}}, "/country"),
    ):
        response = client.patch(path, json=body, headers=admin_headers)
        assert response.status_code == 422
        assert pointer in [e["pointer"] for e in response.json()["errors"]]
    assert client.get(path, headers=admin_headers).json() == issuer


def test_admin_creates_issuer_token_shown_once(
    client: TestClient, admin_headers: dict[str, str], database: Database
) -> None:
    issuer = new_issuer(client, admin_headers)
    response = client.post(
        f"/api/v1/issuers/{issuer['id']}/tokens", json={"name": "LMS"}, headers=admin_headers
    )
    assert response.status_code == 201
    created = response.json()
    assert created["token"].startswith("cx_")
    assert created["issuer_id"] == issuer["id"]
    assert created["role"] == "issuer"
    me = client.get("/api/v1/me", headers=auth(created["token"])).json()
    assert me["issuer_id"] == issuer["id"]
    assert me["token_id"] == created["id"]
    assert client.get(f"/api/v1/issuers/{issuer['id']}", headers=auth(created["token"])).is_success

    listed = client.get(f"/api/v1/issuers/{issuer['id']}/tokens", headers=auth(created["token"]))
    assert listed.status_code == 200
    assert [t["id"] for t in listed.json()["items"]] == [created["id"]]
    assert created["token"] not in listed.text
    with database.session() as session:
        row = session.get(ApiToken, uuid.UUID(created["id"]))
        assert row is not None
        assert row.token_hash != created["token"]

    # Issuers cannot mint tokens, not even for themselves.
    again = client.post(f"/api/v1/issuers/{issuer['id']}/tokens", headers=auth(created["token"]))
    assert again.status_code == 403


def test_issuer_token_defaults_and_expiry_rules(
    client: TestClient, admin_headers: dict[str, str], database: Database
) -> None:
    issuer = new_issuer(client, admin_headers, name="Named Provider")
    path = f"/api/v1/issuers/{issuer['id']}/tokens"
    plain = client.post(path, headers=admin_headers)
    assert plain.status_code == 201
    assert plain.json()["name"] == "Named Provider API token"
    before = count(database, ApiToken)
    past = client.post(path, json={"expires_at": "2001-01-01T00:00:00Z"}, headers=admin_headers)
    assert past.status_code == 422
    assert past.json()["errors"] == [{"pointer": "/expires_at", "detail": "must be in the future"}]
    naive = client.post(path, json={"expires_at": "2099-01-01T00:00:00"}, headers=admin_headers)
    assert naive.status_code == 422
    assert count(database, ApiToken) == before
    unknown = client.post(f"/api/v1/issuers/{uuid.uuid4()}/tokens", headers=admin_headers)
    assert unknown.status_code == 404
