"""Credentials in the learner's language (issue 18): the issuer chooses per credential, the
learner's preferred language is the default, then the achievement's own; the credential says
which (`inLanguage`), and the PDF certificate and the sign-in e-mail follow it."""

from __future__ import annotations

import json
import re
import zlib
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select

from credex.db.models import Credential, Learner, OutboxMessage
from credex.db.session import Database
from credex.jobs.runner import run_pending_jobs
from credex.notifications.sender import send_due
from credex.settings import Settings
from credex.wallet.certificate import CertificateFacts, certificate_pdf
from tests.api.test_issuance import REQUIRED_CHECKS
from tests.api.test_issuance_support import (
    Tenant,
    auth,
    issue,
    make_achievement,
    make_issuer,
    verify,
)
from tests.api.test_wallet_support import learner_headers
from tests.conftest import make_token

MARIE = "marie@example.org"
BILINGUAL = {
    "name": {"en": "Digital storytelling", "fr": "Narration numerique du patrimoine"},
    "description": {"en": "Tell heritage stories.", "fr": "Raconter le patrimoine en ligne."},
    "criteria_narrative": {"en": "Submit a portfolio.", "fr": "Remettre un portfolio."},
    "learning_outcomes": [
        {
            "description": {"en": "Plan a narrative", "fr": "Planifier un recit transmedia"},
            "competency_ids": [],
            "esco_uris": [],
        }
    ],
}


def bilingual_tenant(database: Database, settings: Settings) -> Tenant:
    issuer_id = make_issuer(database, settings)
    token = make_token(database, role="issuer", name="lang", issuer_id=issuer_id)
    return Tenant(issuer_id, make_achievement(database, issuer_id, **BILINGUAL), auth(token))


def outbox(database: Database, to: str, kind: str) -> list[OutboxMessage]:
    with database.unit_of_work() as session:
        found = session.scalars(
            select(OutboxMessage).where(OutboxMessage.to_address == to, OutboxMessage.kind == kind)
        ).all()
        session.expunge_all()
        return list(found)


def pdf_text(pdf: bytes) -> bytes:
    """Every (inflated) content stream of the PDF, for searching the words it draws."""
    streams = re.findall(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.DOTALL)
    text = b""
    for stream in streams:
        try:
            text += zlib.decompress(stream)
        except zlib.error:
            text += stream
    return text


def test_a_bilingual_achievement_goes_out_in_french_to_a_learner_who_prefers_french(
    client: TestClient, database: Database, settings: Settings
) -> None:
    tenant = bilingual_tenant(database, settings)
    learner = {"email": MARIE, "name": "Marie Dupont", "preferred_language": "fr"}
    issued = issue(client, tenant, MARIE, learner=learner, language="fr")
    credential = issued["credential"]
    achievement = credential["credentialSubject"]["achievement"]
    assert achievement["inLanguage"] == "fr"
    assert achievement["name"] == credential["name"] == "Narration numerique du patrimoine"
    assert achievement["description"] == "Raconter le patrimoine en ligne."
    assert achievement["criteria"]["narrative"] == "Remettre un portfolio."
    checks = verify(client, credential)
    assert all(checks[name] == "passed" for name in REQUIRED_CHECKS), checks

    # The PDF certificate, in the credential's language.
    wallet = learner_headers(database, MARIE)
    pdf = client.get(f"/api/v1/wallet/credentials/{issued['id']}/files/pdf", headers=wallet)
    assert pdf.status_code == 200
    drawn = pdf_text(pdf.content)
    for words in ("CERTIFICAT DE RÉUSSITE", "décerné à", "Crédits ECTS", "Niveau CEC"):
        assert words.encode("latin-1") in drawn, words
    assert b"Narration numerique du patrimoine" in drawn
    assert b"Planifier un recit transmedia" in drawn
    assert b"CERTIFICATE OF ACHIEVEMENT" not in drawn

    # The issuance e-mail is in the credential's language, and so is the sign-in e-mail.
    send_due(database, settings)
    [issued_mail] = outbox(database, MARIE, "credential_issued")
    assert issued_mail.subject == (
        "Creative Skills Lab vous a décerné « Narration numerique du patrimoine »"
    )
    assert "Bonjour Marie Dupont," in issued_mail.body
    assert "Creative Skills Lab vous a décerné le justificatif" in issued_mail.body
    assert "Consultez-le dans votre portefeuille credex" in issued_mail.body
    asked = client.post("/api/v1/signin/magic-link", json={"email": MARIE})
    assert asked.status_code == 202
    [signin_mail] = outbox(database, MARIE, "magic_link")
    assert signin_mail.subject == "Votre lien de connexion credex"
    assert "Utilisez ce lien pour ouvrir votre portefeuille" in signin_mail.body


def test_the_learners_preference_is_the_default_and_the_issuer_can_override_it(
    client: TestClient, database: Database, settings: Settings
) -> None:
    tenant = bilingual_tenant(database, settings)
    created = client.post(
        "/api/v1/learners",
        json={"email": MARIE, "preferred_language": "fr-BE"},
        headers=tenant.headers,
    )
    assert created.status_code == 201, created.text
    assert created.json()["preferred_language"] == "fr-BE"
    by_preference = issue(client, tenant, MARIE)["credential"]
    assert by_preference["credentialSubject"]["achievement"]["inLanguage"] == "fr"
    overridden = issue(client, tenant, MARIE, language="en")["credential"]
    assert overridden["credentialSubject"]["achievement"]["inLanguage"] == "en"
    assert overridden["name"] == "Digital storytelling"


def test_a_language_the_achievement_lacks_is_refused_and_nothing_is_written(
    client: TestClient, database: Database, settings: Settings
) -> None:
    tenant = bilingual_tenant(database, settings)
    response = client.post(
        "/api/v1/credentials",
        json={
            "achievement_id": str(tenant.achievement_id),
            "learner": {"email": MARIE},
            "language": "el",
        },
        headers=tenant.headers,
    )
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["errors"][0]["pointer"] == "/language"
    listed = client.get("/api/v1/learners", headers=tenant.headers).json()
    assert listed["items"] == []


def test_callers_who_name_no_language_get_the_credential_they_always_got(
    client: TestClient, database: Database, settings: Settings
) -> None:
    """One-language achievement, no language asked: the embedded Achievement is the public one."""
    issuer_id = make_issuer(database, settings)
    token = make_token(database, role="issuer", name="plain", issuer_id=issuer_id)
    tenant = Tenant(issuer_id, make_achievement(database, issuer_id), auth(token))
    credential = issue(client, tenant)["credential"]
    public: dict[str, Any] = client.get(
        f"/achievements/{tenant.achievement_id}", headers={"Accept": "application/ld+json"}
    ).json()
    public.pop("@context")
    embedded = credential["credentialSubject"]["achievement"]
    assert json.dumps(embedded, sort_keys=True) == json.dumps(public, sort_keys=True)
    assert embedded["inLanguage"] == "en"
    # A learner preferring a language the achievement lacks gets it in the achievement's own.
    other = issue(
        client,
        tenant,
        "eleni@example.org",
        learner={"email": "eleni@example.org", "preferred_language": "el"},
    )
    assert other["credential"]["credentialSubject"]["achievement"] == embedded


def test_a_greek_certificate_embeds_a_font_that_has_greek_letters() -> None:
    facts = CertificateFacts(
        title="Digital storytelling",
        learner="Eleni",
        issuer="Creative Skills Lab",
        description="",
        eqf_level=4,
        ects="2.5",
        workload=None,
        learning_outcomes=[],
        valid_from=datetime(2026, 12, 8, tzinfo=UTC),
        valid_until=None,
        issued_at=datetime(2026, 12, 8, tzinfo=UTC),
        credential_id="https://example.org/credentials/1",
        verify_url="https://example.org/credentials/1",
        language="el",
    )
    greek = certificate_pdf(facts)
    assert b"/FontFile2" in greek  # DejaVu Sans, subset: the labels are Greek
    english = certificate_pdf(replace(facts, language="en"))
    assert b"/FontFile2" not in english  # all Latin-1: the core font, nothing embedded
    assert b"CERTIFICATE OF ACHIEVEMENT" in pdf_text(english)


def test_bulk_issuance_follows_each_learners_language_too(
    client: TestClient, database: Database, settings: Settings
) -> None:
    tenant = bilingual_tenant(database, settings)
    items = [
        {"learner": {"email": "fr@example.org", "preferred_language": "fr"}},
        {"learner": {"email": "en@example.org"}},
        {"learner": {"email": "it@example.org"}, "language": "fr"},
    ]
    body = {"items": items, "achievement_id": str(tenant.achievement_id)}
    response = client.post("/api/v1/credentials/batch", json=body, headers=tenant.headers)
    assert response.status_code == 202, response.text
    run_pending_jobs(database, settings)
    with database.unit_of_work() as session:
        languages = {
            learner.email: credential.document["credentialSubject"]["achievement"]["inLanguage"]
            for credential, learner in session.execute(
                select(Credential, Learner).join(Learner, Learner.id == Credential.learner_id)
            )
        }
    assert languages == {"fr@example.org": "fr", "en@example.org": "en", "it@example.org": "fr"}
