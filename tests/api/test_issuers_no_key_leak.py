"""No API response and no log record ever contains a private key, its ciphertext or nonce."""

from __future__ import annotations

import base64
import logging
import uuid

import base58
from fastapi.testclient import TestClient

from credex.core import multiformats as mf
from credex.db.session import Database
from credex.keys.signer import signer_for_issuer
from credex.logging import JsonFormatter
from credex.settings import Settings
from tests.api.test_issuers import auth, issuer_token
from tests.api.test_keys import seed_of, stored_keys


class _Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []
        self.formatter_ = JsonFormatter()

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.formatter_.format(record))


def _encodings(secret: bytes) -> set[str]:
    return {
        secret.hex(),
        secret.hex().upper(),
        base64.b64encode(secret).decode().rstrip("="),
        base64.urlsafe_b64encode(secret).decode().rstrip("="),
        base58.b58encode(secret).decode(),
    }


def test_no_response_or_log_record_contains_key_material(
    client: TestClient, admin_headers: dict[str, str], database: Database, settings: Settings
) -> None:
    records = _Records()
    loggers = [logging.getLogger(), logging.getLogger("credex")]
    levels = [lg.level for lg in loggers]
    for lg in loggers:
        lg.addHandler(records)
        lg.setLevel(logging.DEBUG)
    try:
        created = client.post("/api/v1/issuers", json={"name": "Leak check"}, headers=admin_headers)
        issuer_id = created.json()["id"]
        own = auth(issuer_token(database, issuer_id))
        base = f"/api/v1/issuers/{issuer_id}"
        responses = [
            created,
            client.get(base, headers=own),
            client.get("/api/v1/issuers", headers=admin_headers),
            client.patch(base, json={"description": "x"}, headers=own),
            client.get(f"{base}/keys", headers=own),
            client.post(f"{base}/keys/rotate", headers=own),
            client.post(
                f"{base}/keys/key-1/compromise",
                json={"since": "2026-01-01T00:00:00Z"},
                headers=own,
            ),
            client.post(f"{base}/tokens", headers=admin_headers),
            client.get(f"{base}/tokens", headers=own),
            client.get(f"/issuers/{issuer_id}"),
            client.get(f"/issuers/{issuer_id}/did.json"),
        ]
        with database.session() as session:
            signer_for_issuer(session, uuid.UUID(issuer_id), settings).sign(b"x")
    finally:
        for lg, level in zip(loggers, levels, strict=True):
            lg.removeHandler(records)
            lg.setLevel(level)
    assert all(r.is_success for r in responses)
    assert any("signing key" in line for line in records.lines)
    secrets: set[str] = set()
    for key in stored_keys(database, issuer_id):
        seed = seed_of(key, settings)
        private_multikey = mf.encode_base58btc(mf.ED25519_PRIV + seed)
        secrets |= _encodings(seed) | _encodings(key.private_key_ciphertext)
        secrets |= _encodings(key.private_key_nonce) | {private_multikey, repr(seed)}
    haystacks = [r.text for r in responses] + records.lines
    leaks = [s for s in secrets for text in haystacks if s in text]
    assert leaks == []
    for response in responses:  # and no field even hints at it
        assert "ciphertext" not in response.text
        assert "private" not in response.text.lower()
