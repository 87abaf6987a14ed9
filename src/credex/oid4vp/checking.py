"""Checking a wallet's answer (OpenID4VP 1.0 §8.6, §14.1): binding, format, query, credentials.

Each presentation must be bound to this request: a Data Integrity `ldp_vp` by its proof's
`challenge` (= nonce) and `domain` (= client_id), a `jwt_vc_json` VP-JWT by `nonce` and `aud`,
an SD-JWT VC by its KB-JWT's `nonce` and `aud`. Every credential inside then runs through the
same verification as a file on `/verify`, must belong to whoever presented it (holder binding,
unless the query waived it), and must answer the query that it was returned for (type and
claims, §6.4.1). The result is a report in the usual shape plus `disclosed`: which claims the
learner chose to show, per credential.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any

from credex.core.errors import CoreError
from credex.core.oid4vp.dcql import (
    CredentialQuery,
    disclosed,
    mismatches,
    parse_query,
    required_options,
)
from credex.core.oid4vp.vp_jwt import verify_vp_jwt
from credex.core.verification.summary import as_list
from credex.verification.sd_jwt_vc import looks_like_sd_jwt
from credex.verification.service import Submission, Verifier

Check = dict[str, Any]
FormatChecker = Callable[["Answer", CredentialQuery, Any], None]
CHECK_ORDER = ("request", "holder_binding", "query")


def check(check_id: str, outcome: str, detail: str) -> Check:
    return {"id": check_id, "outcome": outcome, "detail": detail, "required": True}


def _binding_words(detail: str) -> str:
    """Why a presentation is not bound to this request, in words an employer can act on."""
    lowered = detail.lower()
    if "domain" in lowered or "aud" in lowered:
        return "it was made for another verifier (its audience is not credex's client_id)"
    if "challenge" in lowered or "nonce" in lowered:
        return "it was made for another request (its nonce does not match): replayed or foreign"
    return detail


class Answer:
    """One wallet answer being checked: the checks so far, credential reports, disclosures."""

    def __init__(self, verifier: Verifier, client_id: str, nonce: str) -> None:
        self.verifier = verifier
        self.client_id = client_id
        self.nonce = nonce
        self.checks: list[Check] = []
        self.credentials: list[dict[str, Any]] = []
        self.disclosed: list[dict[str, Any]] = []
        self.holder: str | None = None
        self.answered: set[str] = set()

    def fail(self, check_id: str, detail: str) -> None:
        self.checks.append(check(check_id, "failed", detail))

    def record(
        self,
        query: CredentialQuery,
        result: dict[str, Any],
        credential: Mapping[str, Any],
        *,
        key_bound: bool = False,
    ) -> None:
        """One verified credential of the answer, held against its query and its presenter
        (`key_bound`: an SD-JWT whose Key Binding JWT already proved the presenter)."""
        if not key_bound and not self.bound_to_holder(query, credential):
            return
        self.credentials.append(result)
        problems = mismatches(query, credential)
        if problems:
            self.fail(
                "query", f"The credential for '{query.id}' does not match: {'; '.join(problems)}"
            )
        else:
            self.answered.add(query.id)
        self.disclosed.append(
            {
                "query": query.id,
                "format": query.format,
                "selective": query.format == "dc+sd-jwt" or _derived(credential),
                "claims": disclosed(query, credential),
            }
        )

    def bound_to_holder(self, query: CredentialQuery, credential: Mapping[str, Any]) -> bool:
        if not query.require_binding:
            return True
        subjects = [
            subject.get("id")
            for subject in as_list(credential.get("credentialSubject"))
            if isinstance(subject, Mapping)
        ]
        if self.holder is not None and self.holder in subjects:
            return True
        self.fail(
            "holder_binding",
            "A credential was presented by someone it was not issued to "
            "(its subject is not the holder who signed the presentation)",
        )
        return False


def _derived(credential: Mapping[str, Any]) -> bool:
    """An ecdsa-sd-2023 derived credential: the holder chose which claims it carries."""
    return any(
        isinstance(proof, Mapping) and proof.get("cryptosuite") == "ecdsa-sd-2023"
        for proof in as_list(credential.get("proof"))
    )


def _ldp_vc(answer: Answer, query: CredentialQuery, presentation: Any) -> None:
    if not isinstance(presentation, Mapping):
        answer.fail("request", f"'{query.id}': an ldp_vc answer is a presentation object")
        return
    result = answer.verifier.verify(
        Submission(
            kind="presentation",
            data=dict(presentation),
            challenge=answer.nonce,
            domain=answer.client_id,
        )
    )
    own = [c for c in result["checks"] if c.get("required", True) and c["outcome"] != "passed"]
    if own:
        answer.fail("request", "Not bound to this request: " + _binding_words(own[0]["detail"]))
        return
    answer.holder = result.get("holder")
    embedded = [
        c for c in as_list(presentation.get("verifiableCredential")) if isinstance(c, Mapping)
    ]
    for nested, credential in zip(result.get("credentials") or [], embedded, strict=False):
        answer.record(query, nested, credential)


def _jwt_vc_json(answer: Answer, query: CredentialQuery, presentation: Any) -> None:
    if not isinstance(presentation, str):
        answer.fail("request", f"'{query.id}': a jwt_vc_json answer is a VP-JWT")
        return
    try:
        verified = verify_vp_jwt(
            presentation,
            audience=answer.client_id,
            nonce=answer.nonce,
            documents=answer.verifier.documents,
        )
    except CoreError as exc:
        answer.fail("request", "Not bound to this request: " + _binding_words(exc.detail))
        return
    answer.holder = verified.holder
    for credential in verified.credentials:
        report = answer.verifier.run(credential)
        answer.record(query, answer.verifier.credential_result(report), report.credential or {})


def _dc_sd_jwt(answer: Answer, query: CredentialQuery, presentation: Any) -> None:
    """SD-JWT+KB (§B.3.6): the KB-JWT binds it to this request (nonce, aud = client_id)."""
    if not isinstance(presentation, str) or not looks_like_sd_jwt(presentation):
        answer.fail("request", f"'{query.id}': a dc+sd-jwt answer is an SD-JWT with a KB-JWT")
        return
    report, claims = answer.verifier.sd_jwt.check(
        presentation,
        nonce=answer.nonce,
        audience=answer.client_id,
        require_key_binding=query.require_binding,
    )
    holder = report.check("holder")
    if holder is not None and holder.outcome == "failed":
        answer.fail("request", "Not bound to this request: " + _binding_words(holder.detail))
        return
    result = answer.verifier.credential_result(report)
    if claims is None:  # not verified (a changed Disclosure, a bad signature): report it
        answer.credentials.append(result)
        return
    answer.record(query, result, claims, key_bound=True)


FORMAT_CHECKERS: dict[str, FormatChecker] = {
    "ldp_vc": _ldp_vc,
    "jwt_vc_json": _jwt_vc_json,
    "dc+sd-jwt": _dc_sd_jwt,
}


def check_answer(
    verifier: Verifier,
    *,
    dcql_query: Mapping[str, Any],
    vp_token: Mapping[str, list[Any]],
    client_id: str,
    nonce: str,
) -> dict[str, Any]:
    """The report for one `vp_token`; never raises for a bad answer."""
    answer = Answer(verifier, client_id, nonce)
    queries = {query.id: query for query in parse_query(dcql_query)}
    for query_id, presentations in vp_token.items():
        query = queries.get(query_id)
        if query is None:
            answer.fail("query", f"The wallet answered '{query_id}', which was not asked for")
            continue
        checker = FORMAT_CHECKERS.get(query.format)
        if checker is None:
            answer.checks.append(
                check("presentation", "error", f"{query.format} answers cannot be checked yet")
            )
            continue
        checker(answer, query, presentations[0])
        if len(presentations) > 1:  # credex's queries never set `multiple` (§6.1)
            answer.fail("query", f"'{query_id}' did not ask for several credentials")
    options = required_options(dcql_query, list(queries))
    if not all(any(set(option) <= answer.answered for option in entry) for entry in options):
        answer.fail("query", "The answer does not contain what was asked for")
    for check_id, passed in (
        ("request", "The answer is bound to this request (signature, nonce and audience)"),
        ("holder_binding", "Each credential was presented by the person it was issued to"),
        ("query", "The credentials are what was asked for"),
    ):
        if not any(c["id"] == check_id for c in answer.checks):
            answer.checks.append(check(check_id, "passed", passed))
    answer.checks.sort(key=lambda c: CHECK_ORDER.index(c["id"]))
    own_pass = all(c["outcome"] == "passed" for c in answer.checks)
    verified = (
        own_pass and bool(answer.credentials) and all(r["verified"] for r in answer.credentials)
    )
    return {
        "verified": verified,
        "format": "presentation",
        "checks": answer.checks,
        "warnings": [w for r in answer.credentials for w in r.get("warnings", [])],
        "credential": None,
        "credentials": answer.credentials,
        "holder": answer.holder,
        "disclosed": answer.disclosed,
        "input": "openid4vp",
        "checked_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }


def refused(detail: str) -> dict[str, Any]:
    """A report for an answer that could not even be read (or a wallet that declined)."""
    return {
        "verified": False,
        "format": "presentation",
        "checks": [check("request", "failed", detail)],
        "warnings": [],
        "credential": None,
        "credentials": [],
        "holder": None,
        "disclosed": [],
        "input": "openid4vp",
        "checked_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
