"""Signing keys: encrypted at rest, bound to their row, rotated, compromised, never leaked."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from fastapi.testclient import TestClient
from sqlalchemy import Engine, delete, select
from sqlalchemy.exc import IntegrityError

from credex.auth.principal import Principal
from credex.core import multiformats as mf
from credex.core.keys import PublicKey, Signer
from credex.db.models import AuditEntry, Issuer, IssuerKey
from credex.db.session import Database
from credex.issuers.schemas import IssuerCreate
from credex.issuers.service import create_issuer
from credex.keys import signer as signer_module
from credex.keys.encryption import KeyDecryptionError, SealedKey, open_seed
from credex.keys.service import KeyStatus, key_status, rotate_keys
from credex.keys.signer import IssuerKeySigner, clear_key_cache, signer_for_issuer
from credex.settings import Settings, decode_kek, generate_kek
from tests.api.test_issuers import auth, issuer_token, new_issuer


def stored_keys(database: Database, issuer_id: str) -> list[IssuerKey]:
    with database.session() as session:
        return list(
            session.scalars(
                select(IssuerKey)
                .where(IssuerKey.issuer_id == uuid.UUID(issuer_id))
                .order_by(IssuerKey.number)
            ).all()
        )


def seed_of(key: IssuerKey, settings: Settings) -> bytes:
    sealed = SealedKey(key.private_key_nonce, key.private_key_ciphertext)
    kek = settings.resolve_key_encryption_key()
    return open_seed(kek, sealed, key_id=key.id, issuer_id=key.issuer_id)


@pytest.fixture(autouse=True)
def _fresh_key_cache() -> Iterator[None]:
    clear_key_cache()
    yield
    clear_key_cache()


def test_private_key_is_stored_encrypted_and_matches_the_public_key(
    client: TestClient, admin_headers: dict[str, str], database: Database, settings: Settings
) -> None:
    issuer = new_issuer(client, admin_headers)
    key, p256 = stored_keys(database, issuer["id"])
    assert (key.algorithm, p256.algorithm) == ("Ed25519", "P-256")
    assert len(p256.private_key_ciphertext) == 32 + 16  # private scalar + GCM tag
    scalar = seed_of(p256, settings)
    assert scalar not in p256.private_key_ciphertext
    p256_public = ec.derive_private_key(int.from_bytes(scalar, "big"), ec.SECP256R1())
    assert PublicKey.from_multikey(p256.public_key_multibase).key == p256_public.public_key()
    assert p256.public_key_multibase.startswith("zDn")
    assert len(key.private_key_nonce) == 12
    assert len(key.private_key_ciphertext) == 32 + 16  # seed + GCM tag
    seed = seed_of(key, settings)
    assert seed not in key.private_key_ciphertext
    public_raw = Ed25519PrivateKey.from_private_bytes(seed).public_key().public_bytes_raw()
    assert key.public_key_multibase == mf.encode_multikey(mf.ED25519_PUB, public_raw)
    assert key.public_key_multibase.startswith("z6Mk")


def test_ciphertext_is_bound_to_its_row_and_needs_the_right_kek(
    client: TestClient, admin_headers: dict[str, str], database: Database, settings: Settings
) -> None:
    one = stored_keys(database, new_issuer(client, admin_headers)["id"])[0]
    two = stored_keys(database, new_issuer(client, admin_headers)["id"])[0]
    kek = settings.resolve_key_encryption_key()
    swapped = SealedKey(two.private_key_nonce, two.private_key_ciphertext)
    with pytest.raises(KeyDecryptionError):
        open_seed(kek, swapped, key_id=one.id, issuer_id=one.issuer_id)
    with pytest.raises(KeyDecryptionError):  # right key id, wrong issuer
        open_seed(kek, swapped, key_id=two.id, issuer_id=one.issuer_id)
    own = SealedKey(one.private_key_nonce, one.private_key_ciphertext)
    with pytest.raises(KeyDecryptionError):
        open_seed(decode_kek(generate_kek()), own, key_id=one.id, issuer_id=one.issuer_id)


def test_signer_signs_with_the_active_key_and_verifies_with_the_published_one(
    client: TestClient, admin_headers: dict[str, str], database: Database, settings: Settings
) -> None:
    issuer = new_issuer(client, admin_headers)
    with database.session() as session:
        signer = signer_for_issuer(session, uuid.UUID(issuer["id"]), settings)
    assert isinstance(signer, Signer)
    assert signer.algorithm == "Ed25519"
    assert signer.controller == issuer["did"]
    assert signer.verification_method == f"{issuer['did']}#key-1"
    signature = signer.sign(b"payload")
    did_doc = client.get(f"/issuers/{issuer['id']}/did.json").json()
    published = did_doc["verificationMethod"][0]["publicKeyMultibase"]
    assert PublicKey.from_multikey(published).verify(signature, b"payload")
    assert not PublicKey.from_multikey(published).verify(signature, b"tampered")
    assert "z" not in repr(signer).split("verification_method=")[0]


def test_loaded_keys_are_cached_but_never_across_a_wrong_kek(
    client: TestClient,
    admin_headers: dict[str, str],
    database: Database,
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    issuer = new_issuer(client, admin_headers)
    opened: list[uuid.UUID] = []
    real_open = signer_module.open_seed

    def counting_open(kek: bytes, sealed: SealedKey, **ids: uuid.UUID) -> bytes:
        opened.append(ids["key_id"])
        return real_open(kek, sealed, **ids)

    monkeypatch.setattr(signer_module, "open_seed", counting_open)
    with database.session() as session:
        signer = signer_for_issuer(session, uuid.UUID(issuer["id"]), settings)
        for _ in range(50):
            signer.sign(b"data")
        assert len(opened) == 1
        signer_module.forget_key(signer.key_id)
        signer.sign(b"data")
        assert len(opened) == 2

        key = stored_keys(database, issuer["id"])[0]
        wrong = IssuerKeySigner(
            key_id=key.id,
            issuer_id=key.issuer_id,
            controller=signer.controller,
            verification_method=signer.verification_method,
            public_key_multibase=key.public_key_multibase,
            sealed=SealedKey(key.private_key_nonce, key.private_key_ciphertext),
            kek=decode_kek(generate_kek()),
        )
        with pytest.raises(KeyDecryptionError):
            wrong.sign(b"data")


def test_rotation_keeps_old_keys_resolvable(
    client: TestClient, admin_headers: dict[str, str], database: Database, settings: Settings
) -> None:
    issuer = new_issuer(client, admin_headers)
    own = auth(issuer_token(database, issuer["id"]))
    first = client.post(f"/api/v1/issuers/{issuer['id']}/keys/rotate", headers=own)
    assert first.status_code == 201
    assert (first.json()["name"], first.json()["algorithm"]) == ("key-3", "Ed25519")
    assert first.json()["status"] == "active"
    assert [(k["name"], k["algorithm"]) for k in first.json()["rotated"]] == [
        ("key-3", "Ed25519"),
        ("key-4", "P-256"),
    ]
    second = client.post(
        f"/api/v1/issuers/{issuer['id']}/keys/rotate?algorithm=P-256", headers=admin_headers
    )
    assert second.json()["verification_method"] == f"{issuer['did']}#key-5"
    assert [k["algorithm"] for k in second.json()["rotated"]] == ["P-256"]
    bad = client.post(f"/api/v1/issuers/{issuer['id']}/keys/rotate?algorithm=RSA", headers=own)
    assert bad.status_code == 422
    assert bad.headers["content-type"] == "application/problem+json"

    listed = client.get(f"/api/v1/issuers/{issuer['id']}/keys", headers=own).json()
    assert [(k["name"], k["algorithm"], k["status"]) for k in listed["items"]] == [
        ("key-1", "Ed25519", "retired"),
        ("key-2", "P-256", "retired"),
        ("key-3", "Ed25519", "active"),
        ("key-4", "P-256", "retired"),
        ("key-5", "P-256", "active"),
    ]
    assert all(k["retired_at"] for k in listed["items"] if k["status"] == "retired")
    current = client.get(f"/api/v1/issuers/{issuer['id']}", headers=own).json()
    assert current["active_key_id"] == first.json()["id"]
    did_doc = client.get(f"/issuers/{issuer['id']}/did.json").json()
    assert len(did_doc["verificationMethod"]) == 5
    assert did_doc["assertionMethod"] == [f"{issuer['did']}#key-{n}" for n in range(1, 6)]
    with database.session() as session:
        signer = signer_for_issuer(session, uuid.UUID(issuer["id"]), settings)
        p256 = signer_for_issuer(session, uuid.UUID(issuer["id"]), settings, algorithm="P-256")
    assert signer.verification_method.endswith("#key-3")
    assert (p256.algorithm, p256.verification_method) == ("P-256", f"{issuer['did']}#key-5")


def test_database_allows_one_active_key_per_issuer(
    client: TestClient, admin_headers: dict[str, str], database: Database
) -> None:
    issuer = new_issuer(client, admin_headers)
    for key in stored_keys(database, issuer["id"]):
        duplicate = IssuerKey(
            issuer_id=key.issuer_id,
            number=3,
            algorithm=key.algorithm,
            public_key_multibase=key.public_key_multibase,
            private_key_nonce=key.private_key_nonce,
            private_key_ciphertext=key.private_key_ciphertext,
            status="active",
        )
        with pytest.raises(IntegrityError), database.unit_of_work() as session:
            session.add(duplicate)
    assert [k.status for k in stored_keys(database, issuer["id"])] == ["active", "active"]


def test_compromising_the_active_key_rotates_first(
    client: TestClient, admin_headers: dict[str, str], database: Database, settings: Settings
) -> None:
    issuer = new_issuer(client, admin_headers)
    since = datetime.now(UTC) - timedelta(days=2)
    response = client.post(
        f"/api/v1/issuers/{issuer['id']}/keys/key-1/compromise",
        json={"since": since.isoformat(), "reason": "laptop stolen"},
        headers=auth(issuer_token(database, issuer["id"])),
    )
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "compromised"
    assert body["compromise_reason"] == "laptop stolen"
    assert datetime.fromisoformat(body["compromised_since"]) == since
    keys = stored_keys(database, issuer["id"])
    assert [(k.number, k.algorithm, k.status) for k in keys] == [
        (1, "Ed25519", "compromised"),
        (2, "P-256", "active"),
        (3, "Ed25519", "active"),
    ]
    did_doc = client.get(f"/issuers/{issuer['id']}/did.json").json()
    methods = {m["id"]: m for m in did_doc["verificationMethod"]}
    vm1 = f"{issuer['did']}#key-1"
    assert datetime.fromisoformat(methods[vm1]["revoked"].replace("Z", "+00:00")) == since
    assert vm1 in did_doc["assertionMethod"]  # earlier credentials must keep verifying
    assert "revoked" not in methods[f"{issuer['did']}#key-3"]
    with database.session() as session:
        assert signer_for_issuer(
            session, uuid.UUID(issuer["id"]), settings
        ).verification_method == (f"{issuer['did']}#key-3")
        status = key_status(session, vm1, settings)
        assert status == KeyStatus("compromised", since)
        assert key_status(session, f"{issuer['did']}#key-3", settings) == KeyStatus("active", None)

    # The P-256 key: compromising it replaces it with a new P-256 key, Ed25519 untouched.
    p256 = client.post(
        f"/api/v1/issuers/{issuer['id']}/keys/key-2/compromise",
        json={"since": since.isoformat()},
        headers=admin_headers,
    )
    assert (p256.json()["algorithm"], p256.json()["status"]) == ("P-256", "compromised")
    assert [(k.number, k.algorithm, k.status) for k in stored_keys(database, issuer["id"])] == [
        (1, "Ed25519", "compromised"),
        (2, "P-256", "compromised"),
        (3, "Ed25519", "active"),
        (4, "P-256", "active"),
    ]
    with database.session() as session:
        signer = signer_for_issuer(session, uuid.UUID(issuer["id"]), settings, algorithm="P-256")
        assert signer.verification_method == f"{issuer['did']}#key-4"
        assert key_status(session, f"{issuer['did']}#key-2", settings) == KeyStatus(
            "compromised", since
        )


def test_compromise_time_only_moves_earlier(
    client: TestClient, admin_headers: dict[str, str], database: Database
) -> None:
    issuer = new_issuer(client, admin_headers)
    client.post(f"/api/v1/issuers/{issuer['id']}/keys/rotate", headers=admin_headers)
    path = f"/api/v1/issuers/{issuer['id']}/keys/key-1/compromise"
    first = client.post(path, json={"since": "2026-03-01T00:00:00Z"}, headers=admin_headers)
    assert first.json()["compromised_since"].startswith("2026-03-01T00:00:00")
    later = client.post(path, json={"since": "2026-06-01T00:00:00Z"}, headers=admin_headers)
    assert later.json()["compromised_since"].startswith("2026-03-01T00:00:00")
    assert later.json()["compromised_reported_at"] == first.json()["compromised_reported_at"]
    earlier = client.post(path, json={"since": "2026-01-01T00:00:00+01:00"}, headers=admin_headers)
    assert earlier.json()["compromised_since"].startswith("2025-12-31T23:00:00")
    # A retired key that is compromised does not disturb the active ones.
    assert [(k.number, k.status) for k in stored_keys(database, issuer["id"])] == [
        (1, "compromised"),
        (2, "retired"),
        (3, "active"),
        (4, "active"),
    ]


def test_key_can_be_named_by_uuid_and_bad_requests_change_nothing(
    client: TestClient, admin_headers: dict[str, str], database: Database
) -> None:
    issuer = new_issuer(client, admin_headers)
    key_id = issuer["active_key_id"]
    base = f"/api/v1/issuers/{issuer['id']}/keys"
    future = (datetime.now(UTC) + timedelta(days=1)).isoformat()
    cases: list[tuple[str, dict[str, Any], int, str | None]] = [
        (f"{base}/{key_id}/compromise", {"since": future}, 422, "/since"),
        (f"{base}/{key_id}/compromise", {"since": "2026-01-01T00:00:00"}, 422, "/since"),
        (f"{base}/{key_id}/compromise", {}, 422, "/since"),
        (f"{base}/{key_id}/compromise", {"since": "yesterday"}, 422, "/since"),
        (f"{base}/key-9/compromise", {"since": "2026-01-01T00:00:00Z"}, 404, None),
        (f"{base}/key-0/compromise", {"since": "2026-01-01T00:00:00Z"}, 404, None),
        (f"{base}/{uuid.uuid4()}/compromise", {"since": "2026-01-01T00:00:00Z"}, 404, None),
        (f"{base}/not-a-key/compromise", {"since": "2026-01-01T00:00:00Z"}, 404, None),
    ]
    for path, body, status, pointer in cases:
        response = client.post(path, json=body, headers=admin_headers)
        assert response.status_code == status, (path, body, response.text)
        if pointer:
            assert pointer in [e["pointer"] for e in response.json()["errors"]]
    assert [(k.number, k.status) for k in stored_keys(database, issuer["id"])] == [
        (1, "active"),
        (2, "active"),
    ]
    by_uuid = client.post(
        f"{base}/{key_id}/compromise",
        json={"since": "2026-01-01T00:00:00Z"},
        headers=admin_headers,
    )
    assert by_uuid.status_code == 200
    assert by_uuid.json()["id"] == key_id


def test_key_status_ignores_what_is_not_ours(
    client: TestClient, admin_headers: dict[str, str], database: Database, settings: Settings
) -> None:
    issuer = new_issuer(client, admin_headers)
    did = issuer["did"]
    with database.session() as session:
        assert key_status(session, f"{did}#key-1", settings) == KeyStatus("active", None)
        for vm in (
            f"{did}#key-7",
            f"{did}#z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK",
            f"did:web:elsewhere.example:issuers:{issuer['id']}#key-1",
            f"did:web:testserver:issuers:{uuid.uuid4()}#key-1",
            "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK#key-1",
            "not a did",
        ):
            assert key_status(session, vm, settings) is None


@pytest.mark.postgres_only
def test_concurrent_rotations_serialize_on_the_issuer_row(
    engine: Engine, settings: Settings
) -> None:
    """Two rotations at once: the row lock makes them keys 3-4 then 5-6, never a clash."""
    database = Database(engine)  # real commits, visible across connections
    admin = Principal(token_id=uuid.uuid4(), role="admin", name="test")
    with database.unit_of_work() as session:
        issuer_id = create_issuer(session, IssuerCreate(name="Concurrent"), settings).issuer.id
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def rotate() -> None:
        try:
            barrier.wait()
            with database.unit_of_work() as session:
                rotate_keys(session, admin, issuer_id, settings)
                time.sleep(0.2)  # hold the lock while the other rotation waits
        except BaseException as exc:  # reported by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=rotate) for _ in range(2)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        assert errors == []
        with database.session() as session:
            keys = session.scalars(
                select(IssuerKey).where(IssuerKey.issuer_id == issuer_id).order_by(IssuerKey.number)
            ).all()
            assert [(k.number, k.status) for k in keys] == [
                (1, "retired"),
                (2, "retired"),
                (3, "retired"),
                (4, "retired"),
                (5, "active"),
                (6, "active"),
            ]
    finally:
        with database.unit_of_work() as session:
            session.execute(delete(AuditEntry).where(AuditEntry.issuer_id == issuer_id))
            session.execute(delete(IssuerKey).where(IssuerKey.issuer_id == issuer_id))
            session.execute(delete(Issuer).where(Issuer.id == issuer_id))
