"""A realistic OB 3.0 micro-credential (~2.6 KB) like the ones credex issues."""

from __future__ import annotations

import uuid
from typing import Any

from credex.core.credentials.identity import email_identity_object
from credex.core.credex_context import credex_context_url, register_credex_context

BASE_URL = "http://localhost:8000"
ESCO = "http://data.europa.eu/esco/skill/"


def micro_credential(issuer: str, *, email: str = "ada@example.org", n: int = 0) -> dict[str, Any]:
    register_credex_context(BASE_URL)
    achievement_id = f"{BASE_URL}/achievements/4b0c2a4e-6f4e-4a55-9f1a-2d3c4b5a6978"
    skills = [
        ("CCI-D1", "Create digital content", "7f2f7e4c-1b3a-4c5d-8e9f-0a1b2c3d4e5f"),
        ("CCI-D2", "Tell stories with digital media", "8a3b9c1d-2e4f-4a6b-8c0d-1e2f3a4b5c6d"),
        ("CCI-E1", "Plan a crowdfunding campaign", "9b4c0d2e-3f5a-4b7c-9d1e-2f3a4b5c6d7e"),
    ]
    alignments = [
        {
            "type": ["Alignment"],
            "targetName": "EQF level 4",
            "targetUrl": "http://data.europa.eu/snb/eqf/4",
            "targetFramework": "European Qualifications Framework",
            "targetCode": "4",
            "targetType": "ext:EQF",
        }
    ] + [
        {
            "type": ["Alignment"],
            "targetName": name,
            "targetUrl": ESCO + esco,
            "targetFramework": "Digital and entrepreneurial skills for CCI professionals",
            "targetCode": code,
            "targetType": "ceasn:Competency",
        }
        for code, name, esco in skills
    ]
    return {
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
            "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json",
            credex_context_url(BASE_URL),
        ],
        "id": f"{BASE_URL}/credentials/{uuid.UUID(int=n)}",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": "Digital storytelling for cultural heritage",
        "issuer": {
            "id": issuer,
            "type": ["Profile"],
            "name": "Materahub Academy",
            "url": "https://academy.example.org",
            "address": {"type": ["Address"], "addressCountryCode": "IT"},
        },
        "validFrom": "2026-03-01T09:00:00Z",
        "awardedDate": "2026-03-01T09:00:00Z",
        "credentialSchema": [
            {
                "id": "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json",
                "type": "1EdTechJsonSchemaValidator2019",
            }
        ],
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [email_identity_object(email, salt="0f9e8d7c6b5a4938")],
            "activityStartDate": "2026-01-12T00:00:00Z",
            "activityEndDate": "2026-02-20T00:00:00Z",
            "achievement": {
                "id": achievement_id,
                "type": ["Achievement"],
                "achievementType": "MicroCredential",
                "name": "Digital storytelling for cultural heritage",
                "description": "Plan, produce and publish a digital story about a heritage site.",
                "criteria": {"narrative": "Publish a 3-minute story; pass the peer review."},
                "creditsAvailable": 2,
                "inLanguage": "en",
                "alignment": alignments,
                "ectsCredits": "2",
                "eqfLevel": 4,
                "participationForm": "blended",
                "assessmentType": "Project assessed by two reviewers",
            },
        },
    }
