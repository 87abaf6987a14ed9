"""E-seals: an admin uploads an issuer's certificate and P-256 key (kept encrypted); ELM
credentials are then also sealed as JAdES baseline-B with `x5c`. No certificate, no seal."""

from __future__ import annotations

import json
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from fastapi.testclient import TestClient
from sqlalchemy import select

from credex.core.elm import jades
from credex.core.elm.jades import b64url_decode
from credex.core.errors import ProofVerificationError
from credex.db.models import CredentialRendering, IssuerSeal
from credex.db.session import Database
from credex.settings import Settings
from tests.api.test_elm_support import elm_tenant, self_signed_seal
from tests.api.test_issuance_support import issue
from tests.api.test_wallet_support import learner_headers


def seal_url(issuer_id: object) -> str:
    return f"/api/v1/issuers/{issuer_id}/e-seal"


def upload_seal(
    client: TestClient, issuer_id: object, admin_headers: dict[str, str]
) -> tuple[str, str]:
    cert, key = self_signed_seal()
    body = {"certificate_chain": cert, "private_key": key}
    response = client.put(seal_url(issuer_id), json=body, headers=admin_headers)
    assert response.status_code == 200, response.text
    return cert, key


def test_without_an_e_seal_there_is_no_jades_form(
    client: TestClient, database: Database, settings: Settings
) -> None:
    tenant = elm_tenant(database, settings)
    credential = issue(client, tenant)
    response = client.get(
        f"/api/v1/credentials/{credential['id']}/elm/jades", headers=tenant.headers
    )
    assert response.status_code == 404
    assert "no e-seal" in response.json()["detail"]


def test_only_an_admin_uploads_a_seal_and_the_key_must_fit_the_certificate(
    client: TestClient,
    database: Database,
    settings: Settings,
    admin_headers: dict[str, str],
) -> None:
    tenant = elm_tenant(database, settings)
    cert, key = self_signed_seal()
    body = {"certificate_chain": cert, "private_key": key}
    assert (
        client.put(seal_url(tenant.issuer_id), json=body, headers=tenant.headers).status_code == 403
    )
    _, other_key = self_signed_seal()
    mismatched = client.put(
        seal_url(tenant.issuer_id), json={**body, "private_key": other_key}, headers=admin_headers
    )
    assert mismatched.status_code == 422
    assert mismatched.json()["errors"][0]["pointer"] == "/private_key"
    ed_key = (
        ed25519.Ed25519PrivateKey.generate()
        .private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        .decode()
    )
    not_p256 = client.put(
        seal_url(tenant.issuer_id), json={**body, "private_key": ed_key}, headers=admin_headers
    )
    assert not_p256.status_code == 422
    garbage = client.put(
        seal_url(tenant.issuer_id),
        json={**body, "certificate_chain": "nope"},
        headers=admin_headers,
    )
    assert garbage.status_code == 422
    with database.session() as session:
        assert session.scalars(select(IssuerSeal)).all() == []  # nothing half-written
    stored = client.put(seal_url(tenant.issuer_id), json=body, headers=admin_headers)
    assert stored.status_code == 200, stored.text
    assert "CN=ELM Lab e-seal" in stored.json()["certificate_subject"]
    read = client.get(seal_url(tenant.issuer_id), headers=admin_headers).json()
    assert "private_key" not in json.dumps(read)
    scalar = (
        serialization.load_pem_private_key(key.encode(), None)
        .private_numbers()  # type: ignore[union-attr]
        .private_value.to_bytes(32, "big")
    )
    with database.session() as session:
        [row] = session.scalars(select(IssuerSeal)).all()
        assert scalar not in row.private_key_ciphertext  # encrypted at rest
        assert key.split("\n")[1] not in row.certificate_chain


def test_a_sealed_elm_credential_verifies_with_its_x5c_and_tampering_fails(
    client: TestClient,
    database: Database,
    settings: Settings,
    admin_headers: dict[str, str],
) -> None:
    tenant = elm_tenant(database, settings)
    cert, _ = upload_seal(client, tenant.issuer_id, admin_headers)
    credential = issue(client, tenant, email="ana@example.org")
    cid = credential["id"]
    response = client.get(f"/api/v1/credentials/{cid}/elm/jades", headers=tenant.headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/jose+json")
    sealed: dict[str, Any] = response.json()
    result = jades.verify(sealed)
    assert result.certificate == x509.load_pem_x509_certificate(cert.encode())
    assert isinstance(result.certificate.public_key(), ec.EllipticCurvePublicKey)
    header = json.loads(b64url_decode(sealed["signatures"][0]["protected"]))
    assert header["alg"] == "ES256"
    assert header["b64"] is False
    assert set(header["crit"]) == {"b64", "sigT"}
    # The seal covers exactly the stored EDC-W3C document, which itself verifies.
    signed_text = client.get(f"/api/v1/credentials/{cid}/elm", headers=tenant.headers).text
    assert sealed["payload"] == signed_text
    report = client.post("/api/v1/verify", json={"credential": result.payload}).json()
    assert report["verified"] is True
    tampered = dict(sealed, payload=signed_text.replace('"point":"2"', '"point":"20"'))
    assert tampered["payload"] != signed_text
    with pytest.raises(ProofVerificationError):
        jades.verify(tampered)
    checked = client.post("/api/v1/verify", json={"credential": sealed}).json()
    assert checked["verified"] is True
    seal_check = next(c for c in checked["checks"] if c["id"] == "seal")
    assert seal_check["outcome"] == "passed"
    assert "CN=ELM Lab e-seal" in seal_check["detail"]
    signature = sealed["signatures"][0]
    forged = dict(sealed, signatures=[dict(signature, signature=signature["signature"][::-1])])
    refused = client.post("/api/v1/verify", json={"credential": forged}).json()
    assert refused["verified"] is False  # the credential inside still verifies, the seal not
    outcomes = {c["id"]: c["outcome"] for c in refused["checks"]}
    assert (outcomes["seal"], outcomes["proof"]) == ("failed", "passed")
    ana = learner_headers(database, "ana@example.org")
    wallet = client.get(f"/api/v1/wallet/credentials/{cid}/elm/jades", headers=ana)
    assert wallet.content == response.content
    with database.session() as session:
        forms = sorted(r.form for r in session.scalars(select(CredentialRendering)))
    assert forms == ["elm", "elm-jades"]
