"""Issuance completes pathways (single and bulk, new and known learners); bulk signs large
chunks on all cores."""

from __future__ import annotations

import json
import logging
import uuid

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from credex.core import Ed25519Signer, verify_credential
from credex.db.models import Award, Credential
from credex.db.session import Database
from credex.issuance.signing_pool import MIN_PARALLEL, sign_all
from credex.jobs.runner import run_pending_jobs
from credex.settings import Settings
from tests.api.test_batch import BATCH, issued, job_of
from tests.api.test_issuance_support import count
from tests.api.test_stacking_support import (
    Stack,
    create_rule,
    issue_component,
    leaf,
    learner_id_of,
    make_stack,
)
from tests.conftest import TEST_BASE_URL


def _component_rows(stack: Stack, email: str, positions: list[int]) -> list[dict[str, object]]:
    return [
        {"achievement_id": str(stack.component_ids[p]), "learner": {"email": email}}
        for p in positions
    ]


def _run_batch(
    client: TestClient, database: Database, settings: Settings, stack: Stack, items: list
) -> str:
    response = client.post(BATCH, json={"items": items}, headers=stack.headers)
    assert response.status_code == 202, response.text
    job_id: str = response.json()["job_id"]
    assert run_pending_jobs(database, settings) == [uuid.UUID(job_id)]
    job = job_of(client, stack, job_id)  # type: ignore[arg-type]
    assert (job["state"], job["failed"]) == ("done", 0), job
    return job_id


def _awards_of(database: Database, learner_id: str) -> list[Award]:
    with database.session() as session:
        return list(session.scalars(select(Award).where(Award.learner_id == uuid.UUID(learner_id))))


def test_a_new_learners_first_credential_can_complete_a_pathway(
    client: TestClient, database: Database, settings: Settings
) -> None:
    """New learners skip the learner lock and history load unless a rule is already due."""
    stack = make_stack(database, settings)
    requirement = {"type": "n_of", "n": 1, "of": [leaf(stack.component_ids[0])]}
    create_rule(client, stack, requirement)
    other = issue_component(client, stack, 1, email="other@example.org")
    assert _awards_of(database, learner_id_of(client, stack, other["id"])) == []
    first = issue_component(client, stack, 0, email="first@example.org")
    [award] = _awards_of(database, learner_id_of(client, stack, first["id"]))
    with database.session() as session:
        stacked = session.get(Credential, award.credential_id)
        assert stacked is not None
        assert stacked.achievement_id == stack.target_id


def test_a_batch_that_completes_a_pathway_for_a_new_learner_awards_it(
    client: TestClient, database: Database, settings: Settings
) -> None:
    stack = make_stack(database, settings)
    create_rule(client, stack)
    items = [
        *_component_rows(stack, "new@example.org", [0, 1, 2]),
        *_component_rows(stack, "partial@example.org", [0, 1]),  # 4 ECTS, one missing
    ]
    job_id = _run_batch(client, database, settings, stack, items)
    by_row = issued(database, job_id)
    new_learner = str(by_row[1].learner_id)
    partial = str(by_row[4].learner_id)
    [award] = _awards_of(database, new_learner)
    assert _awards_of(database, partial) == []
    with database.session() as session:
        stacked = session.get(Credential, award.credential_id)
        assert stacked is not None
        assert stacked.achievement_id == stack.target_id
    assert count(database, Credential) == 6  # five components and the stacked credential


def test_batch_rows_for_known_learners_award_exactly_those_now_due(
    client: TestClient, database: Database, settings: Settings
) -> None:
    stack = make_stack(database, settings)
    create_rule(client, stack)
    ana = issue_component(client, stack, 0, email="ana@example.org")
    issue_component(client, stack, 1, email="ana@example.org")
    bob = issue_component(client, stack, 0, email="bob@example.org")
    ana_id, bob_id = (learner_id_of(client, stack, c["id"]) for c in (ana, bob))
    assert _awards_of(database, ana_id) == []
    items = [
        *_component_rows(stack, "bob@example.org", [1]),  # bob: 2 of 3, still missing one
        *_component_rows(stack, "ana@example.org", [2]),  # ana: all three, 5.5 ECTS
    ]
    _run_batch(client, database, settings, stack, items)
    assert len(_awards_of(database, ana_id)) == 1
    assert _awards_of(database, bob_id) == []
    _run_batch(client, database, settings, stack, _component_rows(stack, "bob@example.org", [2]))
    assert len(_awards_of(database, bob_id)) == 1
    assert len(_awards_of(database, ana_id)) == 1  # awarded once


def test_a_large_chunk_is_signed_in_pool_processes_and_every_credential_verifies(
    client: TestClient, database: Database, settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    stack = make_stack(database, settings)
    rows = 3 * MIN_PARALLEL
    items = [
        {
            "achievement_id": str(stack.component_ids[0]),
            "learner": {"email": f"pool{n}@example.org"},
            "format": "jwt" if n % 7 == 0 else "ldp",
        }
        for n in range(rows)
    ]
    parallel = settings.model_copy(update={"signing_processes": 2})
    with caplog.at_level(logging.DEBUG, logger="credex.jobs"):
        job_id = _run_batch(client, database, parallel, stack, items)
    # Every chunk went through the chunk path (whose large chunks use the pool), none was
    # redone row by row after a failure.
    assert not [
        r.__dict__.get("reason") for r in caplog.records if "redone item by item" in r.getMessage()
    ]
    credentials = issued(database, job_id)
    assert len(credentials) == rows
    for credential in credentials.values():
        if credential.format == "jwt":
            assert credential.content.count(".") == 2
            continue
        document = json.loads(credential.content)
        assert document["proof"][0]["cryptosuite"] == "eddsa-rdfc-2022"
        assert document["credentialSubject"]["achievement"]["id"].endswith(
            str(stack.component_ids[0])
        )


def test_pool_signatures_verify_and_match_the_in_process_ones() -> None:
    signer = Ed25519Signer.from_seed(bytes(range(32)))
    seed = bytes(range(32))
    documents = [
        {
            "@context": ["https://www.w3.org/ns/credentials/v2"],
            "type": ["VerifiableCredential"],
            "id": f"urn:uuid:{uuid.UUID(int=n)}",
            "issuer": signer.controller,
            "validFrom": "2026-01-01T00:00:00Z",
            "credentialSubject": {"id": f"did:example:{n}"},
        }
        for n in range(MIN_PARALLEL + 3)
    ]
    formats = ["ldp"] * len(documents)
    pooled = sign_all(documents, formats, signer, seed, processes=2, base_url=TEST_BASE_URL)
    inline = sign_all(documents, formats, signer, None, processes=2, base_url=TEST_BASE_URL)
    assert len(pooled) == len(inline) == len(documents)
    for pooled_text, inline_text in zip(pooled, inline, strict=True):
        pooled_doc, inline_doc = json.loads(pooled_text), json.loads(inline_text)
        report = verify_credential(pooled_doc)
        assert report.verified, report.to_dict()
        assert pooled_doc["proof"]["verificationMethod"] == signer.verification_method
        pooled_doc.pop("proof")
        inline_doc.pop("proof")
        assert pooled_doc == inline_doc  # in order, unchanged apart from the proof
