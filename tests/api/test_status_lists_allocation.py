"""Index allocation: random, never reused, and a new list opens before one fills up."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from credex.db.models import Credential, StatusList
from credex.db.session import Database
from credex.settings import Settings
from credex.status_lists import allocation
from tests.api.test_issuance_support import fetch, issue, make_tenant


def _lists(database: Database, purpose: str = "revocation") -> list[tuple[str, int]]:
    with database.unit_of_work() as session:
        query = select(StatusList).where(StatusList.purpose == purpose)
        rows = session.scalars(query.order_by(StatusList.created_at)).all()
        return [(row.state, row.capacity) for row in rows]


def test_a_full_list_is_closed_and_a_new_one_opened(
    client: TestClient, database: Database, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With a 20-entry list and no sampled count, every index is used once, then a new list."""
    monkeypatch.setattr(allocation, "LIST_CAPACITY", 20)
    monkeypatch.setattr(allocation, "FILL_CHECK_EVERY", 10**9)
    monkeypatch.setattr(allocation, "MAX_DRAWS", 40)  # finding the last free one: 0.4^40
    tenant = make_tenant(database, settings)
    entries = [
        issue(client, tenant, f"l{n}@example.org")["credential"]["credentialStatus"]
        for n in range(23)
    ]
    first_list = entries[0]["statusListCredential"]
    in_first = [
        int(e["statusListIndex"]) for e in entries if e["statusListCredential"] == first_list
    ]
    assert sorted(in_first) == list(range(20))
    assert len({e["statusListCredential"] for e in entries[20:]}) == 1
    assert entries[20]["statusListCredential"] != first_list
    assert _lists(database) == [("full", 20), ("open", 20)]
    # The Token Status List entries drawn beside them fill and roll over the same way.
    assert _lists(database, "token-status") == [("full", 20), ("open", 20)]


def test_the_sampled_count_rolls_over_at_the_threshold(
    client: TestClient, database: Database, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(allocation, "FILL_CHECK_EVERY", 1)  # count on every issuance
    monkeypatch.setattr(allocation, "ROLLOVER_FILL", 3 / allocation.LIST_CAPACITY)
    tenant = make_tenant(database, settings)
    urls = [
        issue(client, tenant, f"l{n}@example.org")["credential"]["credentialStatus"][
            "statusListCredential"
        ]
        for n in range(5)
    ]
    assert urls[0] == urls[1] == urls[2] != urls[3] == urls[4]
    assert _lists(database) == [("full", 131_072), ("open", 131_072)]
    old = fetch(client, urls[0])  # a closed list is still served and signed
    assert old.status_code == 200
    with database.unit_of_work() as session:
        pairs = session.execute(select(Credential.status_list_id, Credential.status_index)).all()
    assert len(set(pairs)) == 5


def test_candidates_already_taken_are_skipped(
    client: TestClient, database: Database, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A race lost on INSERT (unique constraint) is retried with another index."""
    tenant = make_tenant(database, settings)
    taken = int(issue(client, tenant)["credential"]["credentialStatus"]["statusListIndex"])
    real_free_index = allocation.free_index
    calls: list[int] = []

    def stale_free_index(session, status_list, avoid=()):  # type: ignore[no-untyped-def]
        if status_list.purpose != "revocation":  # the Token Status List entry drawn beside it
            return real_free_index(session, status_list, avoid)
        calls.append(len(calls))
        # The first draw "does not see" the taken index, as a concurrent request would not.
        return taken if len(calls) == 1 else real_free_index(session, status_list, avoid)

    monkeypatch.setattr(allocation, "free_index", stale_free_index)
    second = issue(client, tenant, "other@example.org")["credential"]["credentialStatus"]
    assert int(second["statusListIndex"]) != taken
    assert len(calls) == 2
