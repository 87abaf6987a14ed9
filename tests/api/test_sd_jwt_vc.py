"""SD-JWT VC forms of an issued credential, checked as a verifier would.

`render_sd_jwt_vc` is what the OID4VCI credential endpoint calls. Each result is verified by the
RFC 9901 algorithm (`credex.core.sdjwt.verify_sd_jwt`) with the issuer key found through
`/.well-known/jwt-vc-issuer/...`, presented with a Key Binding JWT by a holder key, and its
`status` entry read from the served Token Status List.
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from credex.core.errors import CoreError
from credex.core.jose import unverified_header
from credex.core.sdjwt import Disclosure, SdJwt, present, verify_sd_jwt_vc
from credex.core.token_status import SUSPENDED, VALID, read_status_list_token
from credex.credential_forms.sd_jwt_vc import (
    LEARNING_CREDENTIAL,
    MICRO_CREDENTIAL,
    render_sd_jwt_vc,
)
from credex.db.models import Credential, Learner
from credex.db.session import Database
from credex.errors import Conflict, InvalidInput, NotFound
from credex.settings import Settings
from tests.api.test_issuance_support import Tenant, fetch, issue, make_tenant
from tests.api.test_token_status_lists import change, issuer_key
from tests.core.jose_keys import P256Signer

VECTORS = Path(__file__).resolve().parents[3] / "shared" / "vectors" / "sd-jwt-vc-type-metadata"
VERIFIER = "https://verifier.example.eu"


def render(database: Database, settings: Settings, credential_id: str, vct: str, jwk: Any) -> str:
    with database.unit_of_work() as session:
        return render_sd_jwt_vc(
            session, uuid.UUID(credential_id), settings, vct=vct, holder_jwk=jwk
        )


def verify(client: TestClient, tenant: Tenant, sd_jwt: str, **options: Any) -> Any:
    key = issuer_key(
        client, tenant.issuer_id, unverified_header(sd_jwt.split("~", maxsplit=1)[0])["kid"]
    )
    return verify_sd_jwt_vc(sd_jwt, key, **options)


def entry_status(client: TestClient, tenant: Tenant, status: dict[str, Any]) -> int:
    uri, index = status["status_list"]["uri"], status["status_list"]["idx"]
    token = fetch(client, uri).text
    key = issuer_key(client, tenant.issuer_id, unverified_header(token)["kid"])
    issuer = f"http://testserver/issuers/{tenant.issuer_id}"  # the SD-JWT VC's iss
    read = read_status_list_token(token, key, uri=uri, now=datetime.now(UTC), issuer=issuer)
    return read.status(index)


@pytest.fixture
def tenant(database: Database, settings: Settings) -> Tenant:
    return make_tenant(database, settings)


def test_the_learning_credential_verifies_and_discloses_as_its_type_says(
    client: TestClient, database: Database, settings: Settings, tenant: Tenant
) -> None:
    holder = P256Signer()
    issued = issue(client, tenant, result={"value": "Merit"})
    sd_jwt = render(database, settings, issued["id"], LEARNING_CREDENTIAL, holder.jwk)
    assert sd_jwt.endswith("~")
    header = unverified_header(sd_jwt)
    assert header["typ"] == "dc+sd-jwt"
    assert header["alg"] == "ES256"  # the issuer's P-256 key (EUDI/HAIP, DIIP)
    assert header["kid"].startswith(f"did:web:testserver:issuers:{tenant.issuer_id}#key-")
    verified = verify(client, tenant, sd_jwt)
    claims = verified.claims
    assert claims["vct"] == LEARNING_CREDENTIAL
    assert claims["iss"] == f"http://testserver/issuers/{tenant.issuer_id}"
    assert claims["cnf"] == {"jwk": holder.jwk}
    assert claims["exp"] > claims["iat"]
    assert claims["jti"].startswith("urn:uuid:")
    assert {
        name: claims[name]
        for name in (
            "issuing_authority",
            "issuing_country",
            "family_name",
            "given_name",
            "achievement_title",
            "learning_outcomes",
            "assessment_grade",
            "language_of_classes",
            "learner_identification",
            "expected_study_time",
            "level_of_learning_experience",
            "types_of_quality_assurance",
            "integration_stackability_options",
        )
    } == {
        "issuing_authority": "Creative Skills Lab",
        "issuing_country": "IT",
        "family_name": "Silva",
        "given_name": "Ana",
        "achievement_title": "Digital storytelling for cultural heritage",
        "learning_outcomes": ["Plan a cross-media narrative"],
        "assessment_grade": "Merit",
        "language_of_classes": ["en"],
        "learner_identification": "ana@example.org",
        "expected_study_time": "50 hours",
        "level_of_learning_experience": 4,
        "types_of_quality_assurance": ["ISO 21001"],
        "integration_stackability_options": False,
    }
    assert claims["date_of_issuance"] == issued["credential"]["validFrom"][:10]
    # Exactly the `sd: "always"` claims of the type are Disclosures; the rest is in the JWT.
    metadata = json.loads((VECTORS / "eudi-learning_credential.json").read_text())
    always = {c["path"][0] for c in metadata["claims"] if c["sd"] == "always"}
    disclosed = {d.name for d in verified.disclosures}
    assert disclosed == always & set(claims)
    payload = SdJwt.parse(sd_jwt).payload()
    assert not always & set(payload)
    assert entry_status(client, tenant, claims["status"]) == VALID


def test_a_holder_presents_some_claims_with_key_binding(
    client: TestClient, database: Database, settings: Settings, tenant: Tenant
) -> None:
    holder = P256Signer()
    issued = issue(client, tenant)
    sd_jwt = render(database, settings, issued["id"], LEARNING_CREDENTIAL, holder.jwk)
    now = datetime.now(UTC)
    shown = present(
        sd_jwt,
        [["family_name"], ["level_of_learning_experience"]],
        holder=holder,
        audience=VERIFIER,
        nonce="n-0S6_WzA2Mj",
        issued_at=now,
    )
    options = {"require_key_binding": True, "audience": VERIFIER, "nonce": "n-0S6_WzA2Mj"}
    claims = verify(client, tenant, shown, **options).claims
    assert claims["family_name"] == "Silva"
    assert claims["level_of_learning_experience"] == 4
    assert "given_name" not in claims
    assert "learner_identification" not in claims
    assert claims["achievement_title"]  # never selectively disclosable
    # A Disclosure whose value was changed no longer matches any digest.
    jws, *disclosures, kb = shown.split("~")
    forged = Disclosure.create("family_name", "Rossi").encoded
    with pytest.raises(CoreError):
        verify(client, tenant, "~".join([jws, forged, *disclosures[1:], kb]), **options)
    stranger = present(sd_jwt, [], holder=P256Signer(), audience=VERIFIER, nonce="x", issued_at=now)
    with pytest.raises(CoreError, match="signature"):
        verify(client, tenant, stranger, require_key_binding=True, audience=VERIFIER, nonce="x")


def test_the_micro_credential_carries_the_ob_credential(
    client: TestClient, database: Database, settings: Settings, tenant: Tenant
) -> None:
    holder = P256Signer()
    issued = issue(client, tenant, result={"value": "Distinction"})
    sd_jwt = render(database, settings, issued["id"], MICRO_CREDENTIAL, holder.jwk)
    verified = verify(client, tenant, sd_jwt)
    claims = verified.claims
    record = issued["credential"]
    assert claims["vct"] == MICRO_CREDENTIAL
    assert claims["validFrom"] == record["validFrom"]
    achievement = claims["credentialSubject"]["achievement"]
    assert achievement["name"] == record["credentialSubject"]["achievement"]["name"]
    assert achievement["ECTS"] == 2
    assert achievement["participationType"] == "online"
    assert achievement["resultDescription"][0]["requiredValue"] == "Pass"
    assert claims["credentialSubject"]["result"][0]["value"] == "Distinction"
    assert claims["issuer"]["address"]["addressCountryCode"] == "IT"
    for name in ("@context", "proof", "credentialStatus", "credentialSchema"):
        assert name not in claims
    assert [d.name for d in verified.disclosures] == ["identifier"]
    assert "exp" not in claims  # the record does not expire


def test_status_follows_suspension_and_revocation_refuses_the_form(
    client: TestClient, database: Database, settings: Settings, tenant: Tenant
) -> None:
    issued = issue(client, tenant)
    sd_jwt = render(database, settings, issued["id"], MICRO_CREDENTIAL, P256Signer().jwk)
    status = verify(client, tenant, sd_jwt).claims["status"]
    assert change(client, tenant, issued["id"], "suspend").status_code == 200
    assert entry_status(client, tenant, status) == SUSPENDED
    change(client, tenant, issued["id"], "revoke")
    with pytest.raises(Conflict, match="revoked"):
        render(database, settings, issued["id"], MICRO_CREDENTIAL, P256Signer().jwk)


def test_bad_requests_are_refused(
    client: TestClient, database: Database, settings: Settings, tenant: Tenant
) -> None:
    issued = issue(client, tenant)
    holder = P256Signer()
    private = holder.jwk | {"d": "5K5SCos8zf9zRemGGUl6yfok-_NiiryNZsvANWMhF-I"}
    with pytest.raises(InvalidInput, match="holder key"):
        render(database, settings, issued["id"], MICRO_CREDENTIAL, private)
    with pytest.raises(InvalidInput, match="holder key"):
        render(database, settings, issued["id"], MICRO_CREDENTIAL, {"kty": "EC", "crv": "P-256"})
    with pytest.raises(InvalidInput, match="unknown SD-JWT VC type"):
        render(database, settings, issued["id"], "urn:example:other", holder.jwk)
    with pytest.raises(NotFound):
        render(database, settings, str(uuid.uuid4()), MICRO_CREDENTIAL, holder.jwk)
    with database.unit_of_work() as session:
        credential = session.get(Credential, uuid.UUID(issued["id"]))
        assert credential is not None
        learner = session.get(Learner, credential.learner_id)
        assert learner is not None
        learner.name = None
    with pytest.raises(Conflict, match="family_name"):
        render(database, settings, issued["id"], LEARNING_CREDENTIAL, holder.jwk)


def test_a_credential_issued_before_token_lists_gets_an_entry_once(
    client: TestClient, database: Database, settings: Settings, tenant: Tenant
) -> None:
    issued = issue(client, tenant)
    with database.unit_of_work() as session:
        credential = session.get(Credential, uuid.UUID(issued["id"]))
        assert credential is not None
        credential.token_list_id = None
        credential.token_index = None
    first = render(database, settings, issued["id"], MICRO_CREDENTIAL, P256Signer().jwk)
    second = render(database, settings, issued["id"], MICRO_CREDENTIAL, P256Signer().jwk)
    status = verify(client, tenant, first).claims["status"]
    assert verify(client, tenant, second).claims["status"] == status
    assert entry_status(client, tenant, status) == VALID


def test_type_metadata_and_issuer_keys_are_served(client: TestClient, tenant: Tenant) -> None:
    eudi = client.get(f"/type-metadata/{LEARNING_CREDENTIAL}")
    assert eudi.status_code == 200
    assert eudi.headers["content-type"] == "application/json"
    assert eudi.content == (VECTORS / "eudi-learning_credential.json").read_bytes()
    micro = client.get(f"/type-metadata/{MICRO_CREDENTIAL}").json()
    assert micro["vct"] == MICRO_CREDENTIAL
    paths = [claim["path"] for claim in micro["claims"]]
    assert ["credentialSubject", "achievement", "resultDescription", 0, "name"] in paths
    assert all("locale" in d for claim in micro["claims"] for d in claim["display"])
    assert client.get("/type-metadata/urn:example:other").status_code == 404
    metadata = client.get(f"/.well-known/jwt-vc-issuer/issuers/{tenant.issuer_id}").json()
    assert set(metadata) == {"issuer", "jwks"}
    assert all("d" not in key for key in metadata["jwks"]["keys"])
    assert client.get(f"/.well-known/jwt-vc-issuer/issuers/{uuid.uuid4()}").status_code == 404


def test_a_vc_jwt_record_renders_the_same_claims(
    client: TestClient, database: Database, settings: Settings, tenant: Tenant
) -> None:
    as_ldp = issue(client, tenant, "ldp@example.org")
    as_jwt = issue(client, tenant, "jwt@example.org", format="jwt")
    assert "jwt" in as_jwt
    holder = P256Signer().jwk
    claims = [
        verify(
            client, tenant, render(database, settings, issued["id"], MICRO_CREDENTIAL, holder)
        ).claims
        for issued in (as_ldp, as_jwt)
    ]
    achievement = [c["credentialSubject"]["achievement"] for c in claims]
    assert achievement[0] == achievement[1]
    assert claims[1]["issuer"]["name"] == "Creative Skills Lab"
