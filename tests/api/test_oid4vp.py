"""credex as an OpenID4VP 1.0 verifier, answered by a test wallet written from the spec: each
accepted format, both response modes, and every way an answer must be refused."""

from __future__ import annotations

import base64
import json
import uuid
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from credex.core.oid4vp.dcql import LEARNING_VCT, OB_IRI, VC_IRI
from credex.credential_forms.sd_jwt_vc import LEARNING_CREDENTIAL, render_sd_jwt_vc
from credex.db.models import PresentationRequest
from credex.db.session import Database
from credex.settings import Settings
from tests.api.test_issuance_support import Tenant, issue, make_tenant
from tests.oid4vp_wallet import RefusedRequest, TestWallet

API = "/api/v1/presentation-requests"


@pytest.fixture
def tenant(database: Database, settings: Settings) -> Tenant:
    return make_tenant(database, settings)


@pytest.fixture
def wallet(client: TestClient) -> TestWallet:
    return TestWallet(client)


def ask(client: TestClient, **body: Any) -> dict[str, Any]:
    response = client.post(API, json=body or {"preset": "micro-credential"})
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


def state_of(client: TestClient, request_id: str) -> dict[str, Any]:
    response = client.get(f"{API}/{request_id}")
    assert response.status_code == 200, response.text
    assert response.headers["cache-control"] == "no-store"
    body: dict[str, Any] = response.json()
    return body


def held(client: TestClient, tenant: Tenant, wallet: TestWallet, fmt: str = "ldp") -> Any:
    """A credential issued to the wallet's DID: the JSON (ldp) or the VC-JWT (jwt)."""
    issued = issue(
        client,
        tenant,
        format=fmt,
        learner={"email": "ana@example.org", "name": "Ana Silva", "did": wallet.did},
    )
    return issued["credential"] if fmt == "ldp" else issued["jwt"]


def failed_check(report: dict[str, Any]) -> dict[str, Any]:
    return next(c for c in report["checks"] if c["outcome"] != "passed")


def test_presets_become_dcql_queries(client: TestClient, tenant: Tenant) -> None:
    any_format = state_of(client, ask(client, preset="micro-credential")["id"])["dcql_query"]
    formats = {query["format"] for query in any_format["credentials"]}
    assert formats == {"ldp_vc", "jwt_vc_json", "dc+sd-jwt"}
    assert any_format["credential_sets"] == [
        {"options": [["ob_ldp"], ["ob_jwt"], ["learning_sd_jwt"]], "required": True}
    ]
    ldp = next(q for q in any_format["credentials"] if q["format"] == "ldp_vc")
    assert ldp["meta"] == {"type_values": [[VC_IRI, OB_IRI]]}
    eu = state_of(client, ask(client, preset="eu-learning-credential")["id"])["dcql_query"]
    assert eu["credentials"][0]["meta"] == {"vct_values": [LEARNING_VCT]}
    achievement = state_of(
        client, ask(client, preset="achievement", achievement_id=str(tenant.achievement_id))["id"]
    )["dcql_query"]
    assert achievement["credentials"][0]["claims"] == [
        {
            "path": ["credentialSubject", "achievement", "id"],
            "values": [f"http://testserver/achievements/{tenant.achievement_id}"],
        }
    ]
    eqf = state_of(client, ask(client, preset="min-eqf", min_eqf=6)["id"])["dcql_query"]
    sd_jwt = next(q for q in eqf["credentials"] if q["format"] == "dc+sd-jwt")
    assert sd_jwt["claims"] == [{"path": ["level_of_learning_experience"], "values": [6, 7, 8]}]
    some = state_of(client, ask(client, preset="claims", claims=["name", "date"])["id"])
    assert some["dcql_query"]["credentials"][2]["claims"] == [
        {"path": ["family_name"]},
        {"path": ["date_of_issuance"]},
    ]
    own = {"credentials": [{"id": "x", "format": "ldp_vc", "meta": {}}]}
    assert state_of(client, ask(client, dcql_query=own)["id"])["dcql_query"] == own


@pytest.mark.parametrize(
    "body",
    [
        {"preset": "achievement"},
        {"preset": "min-eqf", "min_eqf": 9},
        {"preset": "claims", "claims": []},
        {"preset": "nothing"},
        {},
        {"preset": "micro-credential", "dcql_query": {"credentials": []}},
        {"dcql_query": {"credentials": [{"id": "a b", "format": "ldp_vc", "meta": {}}]}},
        {"dcql_query": {"credentials": [{"id": "a", "format": "mso_mdoc", "meta": {}}]}},
    ],
)
def test_bad_requests_are_refused_and_nothing_is_stored(
    client: TestClient, database: Database, body: dict[str, Any]
) -> None:
    response = client.post(API, json=body)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    with database.session() as session:
        assert session.query(PresentationRequest).count() == 0


def test_the_request_object_is_signed_and_typed(client: TestClient, wallet: TestWallet) -> None:
    created = ask(client)
    assert created["request_uri"].startswith("openid4vp://?client_id=decentralized_identifier")
    request = wallet.open(created["request_uri"])
    assert request.header["typ"] == "oauth-authz-req+jwt"
    assert request.client_id == created["client_id"]
    claims = request.claims
    assert claims["response_mode"] == "direct_post"
    assert claims["response_uri"] == "http://testserver/oid4vp/response"
    assert claims["aud"] == "https://self-issued.me/v2"
    assert len(claims["nonce"]) >= 22
    assert "redirect_uri" not in claims
    assert set(claims["client_metadata"]["vp_formats_supported"]) == {
        "dc+sd-jwt",
        "ldp_vc",
        "jwt_vc_json",
    }
    # A wallet refuses a request object that is not typed as one, or whose signature is bad.
    head, body, signature = client.get(created["request_object_uri"]).text.split(".")
    with pytest.raises(RefusedRequest):
        wallet.check_request_object(f"{head}.{body}.{signature[:-4]}AAAA")


def test_a_wallet_answers_with_an_ldp_vp(
    client: TestClient, tenant: Tenant, wallet: TestWallet
) -> None:
    credential = held(client, tenant, wallet)
    created = ask(client)
    request = wallet.open(created["request_uri"])
    answered = wallet.respond(
        request, {request.query_id("ldp_vc"): [wallet.ldp_vp(credential, request)]}
    )
    assert answered.status_code == 200, answered.text
    assert answered.json() == {"redirect_uri": f"http://testserver/verify/ask/{created['id']}"}
    result = state_of(client, created["id"])
    assert result["state"] == "verified", json.dumps(result["report"], indent=1)
    report = result["report"]
    assert [c["id"] for c in report["checks"]] == ["request", "holder_binding", "query"]
    assert report["holder"] == wallet.did
    [credential_report] = report["credentials"]
    assert credential_report["verified"] is True
    assert credential_report["standing"]["state"] in ("active", "no_status")
    [shown] = report["disclosed"]
    assert (shown["query"], shown["selective"]) == ("ob_ldp", False)
    # The request object is gone once answered, and a replay changes nothing.
    assert client.get(created["request_object_uri"]).status_code == 404
    again = wallet.respond(
        request, {request.query_id("ldp_vc"): [wallet.ldp_vp(credential, request)]}
    )
    assert again.status_code == 409
    assert again.headers["content-type"] == "application/problem+json"
    assert state_of(client, created["id"])["report"] == report


def test_a_wallet_answers_with_a_jwt_vc_json_presentation(
    client: TestClient, tenant: Tenant, wallet: TestWallet
) -> None:
    vc_jwt = held(client, tenant, wallet, fmt="jwt")
    created = ask(client, preset="achievement", achievement_id=str(tenant.achievement_id))
    request = wallet.open(created["request_uri"])
    token = {request.query_id("jwt_vc_json"): [wallet.vp_jwt([vc_jwt], request)]}
    assert wallet.respond(request, token).status_code == 200
    result = state_of(client, created["id"])
    assert result["state"] == "verified", json.dumps(result["report"], indent=1)
    [shown] = result["report"]["disclosed"]
    assert shown["claims"] == {
        "credentialSubject/achievement/id": f"http://testserver/achievements/{tenant.achievement_id}"
    }


def test_an_encrypted_answer_direct_post_jwt(
    client: TestClient, tenant: Tenant, wallet: TestWallet
) -> None:
    credential = held(client, tenant, wallet)
    created = ask(client, preset="micro-credential", response_mode="direct_post.jwt")
    request = wallet.open(created["request_uri"])
    assert request.claims["response_mode"] == "direct_post.jwt"
    [key] = request.claims["client_metadata"]["jwks"]["keys"]
    assert (key["kty"], key["crv"], key["kid"]) == ("EC", "P-256", created["id"])
    assert "d" not in key
    token = {request.query_id("ldp_vc"): [wallet.ldp_vp(credential, request)]}
    # Sent in the clear, the answer is refused: this request asked for encryption.
    clear = client.post(
        request.claims["response_uri"],
        data={"vp_token": json.dumps(token), "state": request.claims["state"]},
    )
    assert clear.status_code == 422
    assert wallet.respond(request, token).status_code == 200
    assert state_of(client, created["id"])["state"] == "verified"


def test_a_foreign_nonce_is_refused_with_a_clear_report(
    client: TestClient, tenant: Tenant, wallet: TestWallet
) -> None:
    credential = held(client, tenant, wallet)
    other = wallet.open(ask(client)["request_uri"])
    created = ask(client)
    request = wallet.open(created["request_uri"])
    replayed = wallet.ldp_vp(credential, request, challenge=other.nonce)
    wallet.respond(request, {"ob_ldp": [replayed]})
    result = state_of(client, created["id"])
    assert result["state"] == "failed"
    check = failed_check(result["report"])
    assert check["id"] == "request"
    assert "nonce does not match" in check["detail"]
    assert "replayed or foreign" in check["detail"]


def test_a_jwt_presentation_for_another_verifier_is_refused(
    client: TestClient, tenant: Tenant, wallet: TestWallet
) -> None:
    vc_jwt = held(client, tenant, wallet, fmt="jwt")
    created = ask(client)
    request = wallet.open(created["request_uri"])
    token = wallet.vp_jwt([vc_jwt], request, audience="decentralized_identifier:did:web:elsewhere")
    wallet.respond(request, {"ob_jwt": [token]})
    report = state_of(client, created["id"])["report"]
    assert report["verified"] is False
    assert "made for another verifier" in failed_check(report)["detail"]


def test_an_ldp_presentation_for_another_verifier_is_refused(
    client: TestClient, tenant: Tenant, wallet: TestWallet
) -> None:
    credential = held(client, tenant, wallet)
    created = ask(client)
    request = wallet.open(created["request_uri"])
    wrong = wallet.ldp_vp(credential, request, domain="x509_san_dns:elsewhere.example")
    wallet.respond(request, {"ob_ldp": [wrong]})
    report = state_of(client, created["id"])["report"]
    assert "made for another verifier" in failed_check(report)["detail"]


def test_a_presentation_not_matching_the_query_is_refused(
    client: TestClient, database: Database, settings: Settings, tenant: Tenant, wallet: TestWallet
) -> None:
    credential = held(client, tenant, wallet)
    other = make_tenant(database, settings, "Other School")
    created = ask(client, preset="achievement", achievement_id=str(other.achievement_id))
    request = wallet.open(created["request_uri"])
    wallet.respond(request, {"ob_ldp": [wallet.ldp_vp(credential, request)]})
    report = state_of(client, created["id"])["report"]
    assert report["verified"] is False
    query = next(c for c in report["checks"] if c["id"] == "query")
    assert query["outcome"] == "failed"
    assert (
        "credentialSubject/achievement/id does not have a value that was asked" in (query["detail"])
    )
    # Answering a query that was not asked for is refused too.
    created = ask(client)
    request = wallet.open(created["request_uri"])
    wallet.respond(request, {"unasked": [wallet.ldp_vp(credential, request)]})
    report = state_of(client, created["id"])["report"]
    assert any("which was not asked for" in c["detail"] for c in report["checks"])


def test_a_tampered_credential_in_a_presentation_is_refused(
    client: TestClient, tenant: Tenant, wallet: TestWallet
) -> None:
    credential = held(client, tenant, wallet)
    credential["credentialSubject"]["achievement"]["name"] = "A much better achievement"
    created = ask(client)
    request = wallet.open(created["request_uri"])
    wallet.respond(request, {"ob_ldp": [wallet.ldp_vp(credential, request)]})
    report = state_of(client, created["id"])["report"]
    assert report["verified"] is False
    [credential_report] = report["credentials"]
    assert credential_report["standing"]["words"] == "Changed after it was issued"


def test_someone_elses_credential_is_refused(
    client: TestClient, tenant: Tenant, wallet: TestWallet
) -> None:
    credential = held(client, tenant, TestWallet(client))  # issued to another holder
    created = ask(client)
    request = wallet.open(created["request_uri"])
    wallet.respond(request, {"ob_ldp": [wallet.ldp_vp(credential, request)]})
    report = state_of(client, created["id"])["report"]
    binding = next(c for c in report["checks"] if c["id"] == "holder_binding")
    assert binding["outcome"] == "failed"
    assert "not issued to" in binding["detail"]


def test_a_declined_or_late_answer(
    client: TestClient, database: Database, wallet: TestWallet
) -> None:
    created = ask(client)
    request = wallet.open(created["request_uri"])
    assert wallet.decline(request).status_code == 200
    report = state_of(client, created["id"])["report"]
    assert report["checks"][0]["detail"].startswith("The wallet did not present a credential")
    late = ask(client)
    with database.unit_of_work() as session:
        row = session.get(PresentationRequest, uuid.UUID(late["id"]))
        assert row is not None
        row.expires_at -= timedelta(minutes=11)
    assert state_of(client, late["id"])["state"] == "expired"
    assert client.get(late["request_object_uri"]).status_code == 404


def test_unknown_requests_and_unreadable_answers(client: TestClient) -> None:
    assert client.get(f"{API}/00000000-0000-0000-0000-000000000000").status_code == 404
    assert client.post("/oid4vp/response", data={"state": "nope"}).status_code == 404
    assert client.post("/oid4vp/response", json={"state": "x"}).status_code == 422
    assert client.post("/oid4vp/response", data={"vp_token": "{}"}).status_code == 422


def sd_jwt_held(
    client: TestClient, database: Database, settings: Settings, tenant: Tenant, wallet: TestWallet
) -> str:
    """An EU Learning Credential SD-JWT VC of a credex credential, bound to the wallet's key."""
    issued = issue(client, tenant, result={"value": "Merit"})
    with database.unit_of_work() as session:
        return render_sd_jwt_vc(
            session,
            uuid.UUID(issued["id"]),
            settings,
            vct=LEARNING_CREDENTIAL,
            holder_jwk=wallet.p256_jwk,
        )


def test_a_wallet_answers_with_an_sd_jwt_vc_and_chooses_what_to_disclose(
    client: TestClient,
    database: Database,
    settings: Settings,
    tenant: Tenant,
    wallet: TestWallet,
) -> None:
    sd_jwt = sd_jwt_held(client, database, settings, tenant, wallet)
    created = ask(client, preset="claims", claims=["achievement", "eqf"])
    request = wallet.open(created["request_uri"])
    query_id = request.query_id("dc+sd-jwt")
    keep = {"level_of_learning_experience"}  # achievement_title is never selectively disclosable
    answer = wallet.sd_jwt_presentation(sd_jwt, request, keep=keep)
    assert wallet.respond(request, {query_id: [answer]}).status_code == 200
    result = state_of(client, created["id"])
    assert result["state"] == "verified", json.dumps(result["report"], indent=1)
    [shown] = result["report"]["disclosed"]
    assert shown["selective"] is True
    assert shown["claims"] == {
        "achievement_title": "Digital storytelling for cultural heritage",
        "level_of_learning_experience": 4,
    }
    [credential] = result["report"]["credentials"]
    assert credential["credential"]["achievement"]["name"] == (
        "Digital storytelling for cultural heritage"
    )
    assert credential["credential"]["learner"]["name"] is None  # the name was not disclosed
    assert "Silva" not in json.dumps(result["report"])


def test_sd_jwt_answers_that_must_be_refused(
    client: TestClient,
    database: Database,
    settings: Settings,
    tenant: Tenant,
    wallet: TestWallet,
) -> None:
    sd_jwt = sd_jwt_held(client, database, settings, tenant, wallet)

    def answer(**options: Any) -> dict[str, Any]:
        created = ask(client, preset="eu-learning-credential")
        request = wallet.open(created["request_uri"])
        tamper = options.pop("tamper", None)
        presented = wallet.sd_jwt_presentation(sd_jwt, request, **options)
        if tamper:
            presented = tamper(presented)
        wallet.respond(request, {"learning_credential": [presented]})
        report: dict[str, Any] = state_of(client, created["id"])["report"]
        assert report["verified"] is False
        return report

    foreign = answer(nonce="a-nonce-from-another-request")
    assert "replayed or foreign" in failed_check(foreign)["detail"]
    elsewhere = answer(audience="decentralized_identifier:did:web:elsewhere.example")
    assert "made for another verifier" in failed_check(elsewhere)["detail"]

    def change_a_disclosure(presented: str) -> str:
        parts = presented.split("~")
        index = next(
            i
            for i, part in enumerate(parts[1:-1], start=1)
            if "family_name" in base64.urlsafe_b64decode(part + "==").decode()
        )
        salt, name, _value = json.loads(base64.urlsafe_b64decode(parts[index] + "=="))
        forged = json.dumps([salt, name, "Smith"]).encode()
        parts[index] = base64.urlsafe_b64encode(forged).rstrip(b"=").decode()
        return "~".join(parts)

    tampered = answer(tamper=change_a_disclosure)
    [credential] = tampered["credentials"]
    assert credential["standing"]["words"] == "Changed after it was issued"
    assert "Smith" not in json.dumps(tampered)


def test_post_verify_accepts_sd_jwt_vcs_and_presentations(
    client: TestClient,
    database: Database,
    settings: Settings,
    tenant: Tenant,
    wallet: TestWallet,
) -> None:
    sd_jwt = sd_jwt_held(client, database, settings, tenant, wallet)
    body = client.post("/api/v1/verify", json={"jwt": sd_jwt}).json()
    assert body["verified"] is True, body
    assert body["format"] == "sd-jwt"
    assert body["credential"]["learner"]["name"] == "Ana Silva"
    assert body["credential"]["eqf_level"] == 4
    assert {c["id"]: c["outcome"] for c in body["checks"]}["status"] == "passed"
    request = wallet.open(ask(client)["request_uri"])
    presented = wallet.sd_jwt_presentation(sd_jwt, request, audience="https://hr.example")
    bound = client.post(
        "/api/v1/verify",
        json={"jwt": presented, "challenge": request.nonce, "domain": "https://hr.example"},
    ).json()
    assert bound["verified"] is True, bound
    wrong = client.post(
        "/api/v1/verify",
        json={"jwt": presented, "challenge": "another", "domain": "https://hr.example"},
    ).json()
    assert wrong["verified"] is False
    upload = client.post("/api/v1/verify", files={"file": ("credential.txt", sd_jwt.encode())})
    assert upload.json()["verified"] is True


def test_the_vc_api_accepts_sd_jwt_vcs_and_presentations(
    client: TestClient,
    database: Database,
    settings: Settings,
    tenant: Tenant,
    wallet: TestWallet,
) -> None:
    sd_jwt = sd_jwt_held(client, database, settings, tenant, wallet)
    verified = client.post("/credentials/verify", json={"verifiableCredential": sd_jwt})
    assert verified.status_code == 200, verified.text
    enveloped = {
        "@context": "https://www.w3.org/ns/credentials/v2",
        "type": "EnvelopedVerifiableCredential",
        "id": f"data:application/dc+sd-jwt,{sd_jwt}",
    }
    verified = client.post("/credentials/verify", json={"verifiableCredential": enveloped})
    assert verified.status_code == 200, verified.text
    as_text = client.post("/credentials/verify", json={"verifiableCredential": '{"a": 1}'})
    assert as_text.status_code == 400  # a string holding JSON is no credential
    request = wallet.open(ask(client)["request_uri"])
    presented = wallet.sd_jwt_presentation(sd_jwt, request, audience="https://hr.example")
    options = {"challenge": request.nonce, "domain": "https://hr.example"}
    good = client.post(
        "/presentations/verify", json={"verifiablePresentation": presented, "options": options}
    )
    assert good.status_code == 200, good.text
    replayed = client.post(
        "/presentations/verify",
        json={"verifiablePresentation": presented, "options": options | {"challenge": "other"}},
    )
    assert replayed.status_code == 422
    unbound = client.post(
        "/presentations/verify", json={"verifiablePresentation": sd_jwt, "options": options}
    )
    assert unbound.status_code == 422  # a presentation needs its Key Binding JWT


def test_a_wallet_presents_an_ecdsa_sd_2023_derived_credential(
    client: TestClient, tenant: Tenant, wallet: TestWallet
) -> None:
    base = issue(
        client,
        tenant,
        cryptosuite="ecdsa-sd-2023",
        learner={"email": "ana@example.org", "name": "Ana Silva", "did": wallet.did},
    )["credential"]
    derived = client.post(
        "/credentials/derive",
        json={
            "verifiableCredential": base,
            "options": {"selectivePointers": ["/credentialSubject/id"]},
        },
    )
    assert derived.status_code == 201, derived.text
    credential = derived.json()["verifiableCredential"]
    created = ask(client, preset="achievement", achievement_id=str(tenant.achievement_id))
    request = wallet.open(created["request_uri"])
    wallet.respond(request, {"ob_ldp": [wallet.ldp_vp(credential, request)]})
    result = state_of(client, created["id"])
    assert result["state"] == "verified", json.dumps(result["report"], indent=1)
    [shown] = result["report"]["disclosed"]
    assert shown["selective"] is True
