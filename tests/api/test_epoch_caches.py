"""Process caches (tokens, issuance context, DID documents, stacking rules, status lists) are
honoured by every process at once: two app instances on one database, each with its own
`Database` (its own caches), stand for two replicas. A change made through one is seen by the
other on its very next request, because every request checks the change epoch first."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Connection, Engine, event, select, text

from credex.app import create_app
from credex.db.models import ChangeEpoch
from credex.db.session import Database
from credex.settings import Settings
from tests.api.test_issuance_support import Tenant, issue_body, make_tenant
from tests.conftest import is_postgres


@pytest.fixture
def replica(settings: Settings, engine: Engine, connection: Connection) -> Iterator[TestClient]:
    """A second app instance on the same database (same transaction), with its own caches."""
    app = create_app(settings, Database(engine, bind=connection))
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client


def _issue(client: TestClient, tenant: Tenant, email: str) -> dict[str, Any]:
    response = client.post(
        "/api/v1/credentials", json=issue_body(tenant, email), headers=tenant.headers
    )
    assert response.status_code == 201, response.text
    credential: dict[str, Any] = response.json()["credential"]
    return credential


def _verified(client: TestClient, credential: dict[str, Any]) -> dict[str, str]:
    response = client.post("/api/v1/verify", json={"credential": credential})
    assert response.status_code == 200, response.text
    return {check["id"]: check["outcome"] for check in response.json()["checks"]}


def test_a_key_compromised_through_one_replica_is_refused_by_the_other(
    client: TestClient,
    replica: TestClient,
    database: Database,
    settings: Settings,
    admin_headers: dict[str, str],
) -> None:
    tenant = make_tenant(database, settings)
    # The replica fills its caches: token, issuance context, DID document, status list.
    earlier = _issue(replica, tenant, "before@example.org")
    assert _methods(earlier) == {"key-1"}
    assert _verified(replica, earlier)["key_binding"] == "passed"

    since = datetime.now(UTC) - timedelta(days=1)  # before `earlier` was signed
    response = client.post(
        f"/api/v1/issuers/{tenant.issuer_id}/keys/key-1/compromise",
        json={"since": since.isoformat(), "reason": "laptop stolen"},
        headers=admin_headers,
    )
    assert response.status_code == 200, response.text

    # The replica's next issuance signs with the new key, never the compromised one ...
    fresh = _issue(replica, tenant, "fresh@example.org")
    assert "key-1" not in _methods(fresh)
    assert _verified(replica, fresh)["key_binding"] == "passed"
    # ... and its next verification sees key-1 revoked in the DID document.
    assert _verified(replica, earlier)["key_binding"] == "failed"


def _methods(credential: dict[str, Any]) -> set[str]:
    proofs = credential["proof"]
    proofs = proofs if isinstance(proofs, list) else [proofs]
    return {proof["verificationMethod"].rsplit("#", 1)[-1] for proof in proofs}


def test_a_token_revoked_through_one_replica_is_refused_by_the_other(
    client: TestClient, replica: TestClient, database: Database, settings: Settings
) -> None:
    tenant = make_tenant(database, settings)
    _issue(replica, tenant, "one@example.org")  # the token is now cached by the replica
    me = client.get("/api/v1/me", headers=tenant.headers)
    assert me.status_code == 200, me.text
    revoked = client.post(f"/api/v1/tokens/{me.json()['token_id']}/revoke", headers=tenant.headers)
    assert revoked.status_code == 200, revoked.text
    response = replica.post(
        "/api/v1/credentials", json=issue_body(tenant, "two@example.org"), headers=tenant.headers
    )
    assert response.status_code == 401


def test_a_revocation_through_one_replica_is_seen_by_the_other(
    client: TestClient, replica: TestClient, database: Database, settings: Settings
) -> None:
    tenant = make_tenant(database, settings)
    credential = _issue(client, tenant, "rev@example.org")
    assert _verified(replica, credential)["status"] == "passed"
    credential_id = credential["id"].rsplit("/", 1)[-1]
    response = client.post(
        f"/api/v1/credentials/{credential_id}/revoke",
        json={"reason": "issued in error"},
        headers=tenant.headers,
    )
    assert response.status_code == 200, response.text
    assert _verified(replica, credential)["status"] == "failed"


def test_writes_to_watched_tables_move_the_epoch_and_issuance_does_not(
    client: TestClient, database: Database, settings: Settings, admin_headers: dict[str, str]
) -> None:
    tenant = make_tenant(database, settings)

    def epoch() -> int:
        with database.unit_of_work() as session:
            return int(session.scalar(select(ChangeEpoch.value)) or 0)

    _issue(client, tenant, "warm@example.org")
    start = epoch()
    for n in range(3):
        _issue(client, tenant, f"quiet{n}@example.org")
    assert epoch() == start  # issuing (and touching a token's last use) changes nothing cached
    rotated = client.post(f"/api/v1/issuers/{tenant.issuer_id}/keys/rotate", headers=admin_headers)
    assert rotated.status_code in (200, 201), rotated.text
    assert epoch() > start


def test_warm_issuance_runs_fewer_statements(
    client: TestClient, connection: Connection, database: Database, settings: Settings
) -> None:
    """The second issuance of an achievement answers token, achievement, issuer, key and
    stacking rules from the cache: only the epoch, learner, status slots, INSERTs remain."""
    tenant = make_tenant(database, settings)
    statements: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    engine = connection.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        _issue(client, tenant, "cold@example.org")
        cold = len(statements)
        statements.clear()
        _issue(client, tenant, "warm@example.org")
        warm = list(statements)
    finally:
        event.remove(engine, "before_cursor_execute", record)
    reads = [s for s in warm if s.lstrip().upper().startswith("SELECT")]
    assert not any("api_tokens" in s for s in reads), reads
    assert not any("FROM achievements" in s for s in reads), reads
    assert not any("stacking_rules" in s for s in reads), reads
    assert len(warm) < cold


def test_prefer_return_minimal_answers_only_the_id(
    client: TestClient, database: Database, settings: Settings
) -> None:
    tenant = make_tenant(database, settings)
    response = client.post(
        "/api/v1/credentials",
        json=issue_body(tenant, "min@example.org"),
        headers=tenant.headers | {"Prefer": "return=minimal"},
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert set(body) == {"id", "status"}
    assert response.headers["preference-applied"] == "return=minimal"
    assert response.headers["location"] == f"/api/v1/credentials/{body['id']}"
    stored = client.get(response.headers["location"], headers=tenant.headers)
    assert stored.status_code == 200
    assert stored.json()["credential"]["proof"]
    default = client.post(
        "/api/v1/credentials", json=issue_body(tenant, "full@example.org"), headers=tenant.headers
    )
    assert "credential" in default.json()
    assert "preference-applied" not in default.headers


@pytest.mark.postgres_only
def test_a_dead_pooled_connection_is_replaced_without_a_pre_ping(
    database_url: str, engine: Engine
) -> None:
    """No pre-ping: the unit of work that meets a dead connection is run again, once."""
    assert is_postgres(database_url)
    own = Database.from_url(database_url, pool_size=1)
    try:
        pid = own.run(lambda session: session.scalar(text("SELECT pg_backend_pid()")))
        with engine.connect() as admin:
            admin.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        again = own.run(lambda session: session.scalar(text("SELECT pg_backend_pid()")))
        assert again != pid
    finally:
        own.dispose()
