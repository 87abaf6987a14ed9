"""Open Badges 2.0 assertions brought from elsewhere: verified with `credex.core.ob2`, whose
linked documents (hosted copy, BadgeClass, issuer Profile, key, revocation list) are fetched
through the service's guarded fetcher, and read into the facts a stacking rule counts.

The BadgeClass `id` is the achievement key a rule names; the issuer Profile `id` is the issuer
a rule trusts. EQF level and ECTS stay unknown: OB 2.0 has no agreed place for them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from credex.core.ob2 import DocumentUnavailable, FetchJson, Ob2Report, summarize_ob2, verify_ob2
from credex.db.base import utcnow
from credex.errors import InvalidInput, field_error
from credex.settings import Settings
from credex.verification.fetcher import FetchError, GuardedFetcher
from credex.verification.service import make_fetcher


def verify_assertion(settings: Settings, content: str, email: str | None) -> Ob2Report:
    return verify_ob2(content, guarded_fetch_json(make_fetcher(settings)), email=email)


def guarded_fetch_json(fetcher: GuardedFetcher | None) -> FetchJson:
    """`fetch_json` for the OB 2.0 verifier over the guarded fetcher (None: offline)."""

    def fetch_json(url: str) -> Mapping[str, Any]:
        if fetcher is None:
            raise DocumentUnavailable("documents are not fetched here")
        try:
            return fetcher.fetch_json(url)
        except FetchError as exc:
            raise DocumentUnavailable(str(exc), status=exc.status) from exc

    return fetch_json


def assertion_facts(report: Ob2Report) -> dict[str, Any]:
    """The `ExternalCredential` columns an OB 2.0 assertion fills; 422 when none can be read."""
    summary = summarize_ob2(report)
    if summary is None:
        raise InvalidInput(
            "the assertion cannot be read", errors=[field_error("/credential", "no assertion")]
        )
    return {
        "credential_url": summary.assertion_id[:2048],
        "credential_issuer": (summary.issuer_id or "")[:2048],
        "achievement_key": summary.badge_class_id[:2048],
        "achievement_name": (summary.badge_class_name or summary.badge_class_id)[:500],
        "awarded_at": summary.issued_on or utcnow(),
        "ects_credits": None,
        "eqf_level": None,
        "framework_ids": summary.frameworks,
        "competency_codes": summary.codes,
    }
