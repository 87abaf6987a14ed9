"""Verifiable Credential Data Integrity 1.0: add and verify proofs, proof sets and chains.

https://www.w3.org/TR/vc-data-integrity/ §4.2 Add Proof, §4.3 Add Proof Set/Chain, §4.4 Verify
Proof, §4.5 Verify Proof Sets and Chains. credex issues DataIntegrityProof/eddsa-rdfc-2022 (and
ecdsa-rdfc-2019 and ecdsa-sd-2023 with P-256 keys) and verifies eddsa-rdfc-2022, eddsa-jcs-2022,
ecdsa-rdfc-2019, ecdsa-jcs-2019, ecdsa-sd-2023 and, with a warning, legacy Ed25519Signature2020
and the pre-standard name eddsa-2022. Every proof of a proof set must verify; a proof naming
`previousProof` also secures the proofs it names.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from credex.core.canon import canonicalize
from credex.core.datetimes import parse_datetime_stamp
from credex.core.dids.did_key import DID_KEY_PREFIX, did_key_document
from credex.core.dids.resolver import resolve_verification_method
from credex.core.ecdsa_sd import suite as ecdsa_sd
from credex.core.errors import (
    CoreError,
    ParsingError,
    ProofGenerationError,
    ProofVerificationError,
)
from credex.core.fastcanon import copy_document
from credex.core.keys import Signer
from credex.core.proofs import (
    ecdsa_jcs_2019,
    ecdsa_rdfc_2019,
    ed25519_signature_2020,
    eddsa_jcs_2022,
    eddsa_rdfc_2022,
)
from credex.core.proofs.cryptosuites import Cryptosuite, Transform, is_datetime_stamp

SUITES: dict[tuple[str, str | None], Cryptosuite] = {
    (suite.proof_type, suite.name): suite
    for suite in (
        eddsa_rdfc_2022.SUITE,
        eddsa_rdfc_2022.LEGACY_SUITE,
        eddsa_jcs_2022.SUITE,
        ecdsa_rdfc_2019.SUITE,
        ecdsa_jcs_2019.SUITE,
        ecdsa_sd.SUITE,
        ed25519_signature_2020.SUITE,
    )
}
_CREATORS: dict[str, Callable[[dict[str, Any], dict[str, Any], Signer], dict[str, Any]]] = {
    eddsa_rdfc_2022.CRYPTOSUITE: eddsa_rdfc_2022.create_proof,
    ecdsa_rdfc_2019.CRYPTOSUITE: ecdsa_rdfc_2019.create_proof,
}
_NOT_CRYPTOSUITES = {
    "eddsa-rdf-2022": "'eddsa-rdf-2022' is a typo in OB 3.0 texts, not a cryptosuite "
    "(the registered name is 'eddsa-rdfc-2022')",
}


@dataclass
class ProofCheck:
    """The outcome for one proof of the document."""

    type: str | None
    cryptosuite: str | None
    verification_method: str | None
    controller: str | None
    created: datetime | None
    verified: bool
    error: CoreError | None = None
    warnings: list[str] = field(default_factory=list)


@dataclass
class ProofResult:
    """DI §4.4 verification result: `verified` only if every proof verified without error."""

    verified: bool
    errors: list[CoreError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    proofs: list[ProofCheck] = field(default_factory=list)


def add_proof(
    document: dict[str, Any],
    signer: Signer,
    *,
    cryptosuite: str = eddsa_rdfc_2022.CRYPTOSUITE,
    proof_purpose: str = "assertionMethod",
    created: datetime | str | None = None,
    expires: datetime | str | None = None,
    domain: str | list[str] | None = None,
    challenge: str | None = None,
    nonce: str | None = None,
    proof_id: str | None = None,
    previous_proof: str | list[str] | None = None,
    mandatory_pointers: Sequence[str] = (),
) -> dict[str, Any]:
    """Secure `document` with a new eddsa-rdfc-2022, ecdsa-rdfc-2019 or ecdsa-sd-2023 (base)
    proof (DI §4.2, §4.3). Returns a new dict; the signer's algorithm must fit the cryptosuite.
    `mandatory_pointers` (ecdsa-sd-2023): what every derived credential must disclose.

    An existing `proof` makes a proof set (the new proof is appended); `previous_proof` ids
    make a chain: the named proofs are secured together with the document.
    """
    if not isinstance(document, dict):
        raise ParsingError("the document to secure must be a JSON object")
    if cryptosuite not in _CREATORS and cryptosuite != ecdsa_sd.CRYPTOSUITE:
        raise ProofGenerationError(
            "credex issues eddsa-rdfc-2022, ecdsa-rdfc-2019 and ecdsa-sd-2023 proofs, "
            f"not {cryptosuite}"
        )
    existing = _proof_list(document.get("proof"), ProofGenerationError)
    unsecured = {key: value for key, value in document.items() if key != "proof"}
    options: dict[str, Any] = {"type": eddsa_rdfc_2022.PROOF_TYPE}
    if proof_id is not None:
        options["id"] = proof_id
    options["cryptosuite"] = cryptosuite
    options["created"] = _timestamp(created if created is not None else datetime.now(UTC))
    if expires is not None:
        options["expires"] = _timestamp(expires)
    options["verificationMethod"] = signer.verification_method
    options["proofPurpose"] = proof_purpose
    for name, value in (("domain", domain), ("challenge", challenge), ("nonce", nonce)):
        if value is not None:
            options[name] = value
    if previous_proof is not None:
        options["previousProof"] = previous_proof
        unsecured["proof"] = _previous_proofs(previous_proof, existing, ProofGenerationError)
    if cryptosuite == ecdsa_sd.CRYPTOSUITE:
        if previous_proof is not None:
            raise ProofGenerationError("ecdsa-sd-2023 proofs cannot be chained")
        proof = ecdsa_sd.create_base_proof(unsecured, options, signer, mandatory_pointers)
    else:
        proof = _CREATORS[cryptosuite](unsecured, options, signer)
    # A JSON round trip copies several times faster than copy.deepcopy, and a credential is
    # JSON by definition; the copier of a shape just canonicalized is faster still.
    secured = json.loads(json.dumps(document)) if existing else copy_document(document)
    secured["proof"] = [*json.loads(json.dumps(existing)), proof] if existing else proof
    return secured


def _timestamp(value: datetime | str) -> str:
    """XMLSCHEMA11-2 dateTimeStamp in UTC with seconds precision (`YYYY-MM-DDTHH:MM:SSZ`)."""
    if isinstance(value, str):
        if not is_datetime_stamp(value):
            raise ProofGenerationError(f"not an XML Schema dateTimeStamp: {value!r}")
        return value
    if value.tzinfo is None:
        raise ProofGenerationError("proof dates must be timezone-aware datetimes")
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _proof_list(value: Any, error: type[CoreError]) -> list[dict[str, Any]]:
    proofs = [] if value is None else value if isinstance(value, list) else [value]
    if not all(isinstance(proof, dict) for proof in proofs):
        raise (ParsingError if error is not ProofGenerationError else error)(
            "every proof must be a JSON object"
        )
    return proofs


def _previous_proofs(
    previous: Any, proofs: list[dict[str, Any]], error: type[CoreError]
) -> list[dict[str, Any]]:
    """The proofs named by `previousProof` (a string or list of strings), DI §4.3 step 4."""
    ids = [previous] if isinstance(previous, str) else previous
    if not isinstance(ids, list) or not ids or not all(isinstance(i, str) for i in ids):
        raise error("previousProof must be a proof id or a list of proof ids")
    by_id = {proof.get("id"): proof for proof in proofs if isinstance(proof.get("id"), str)}
    missing = [proof_id for proof_id in ids if proof_id not in by_id]
    if missing:
        raise error(f"previousProof names proofs that are not in the document: {missing}")
    return [by_id[proof_id] for proof_id in ids]


def verify_proofs(
    document: dict[str, Any],
    documents: Mapping[str, Any] | None = None,
    *,
    expected_purpose: str | None = "assertionMethod",
    domain: str | None = None,
    challenge: str | None = None,
    now: datetime | None = None,
) -> ProofResult:
    """Verify every proof of `document` (DI §4.4, §4.5); never raises for a bad document."""
    if not isinstance(document, dict):
        return ProofResult(False, [ParsingError("the secured document must be a JSON object")])
    if document.get("proof") is None:
        return ProofResult(False, [ProofVerificationError("the document has no proof")])
    try:
        proofs = _proof_list(document["proof"], ParsingError)
    except CoreError as exc:
        return ProofResult(False, [exc])
    now = datetime.now(UTC) if now is None else now
    if now.tzinfo is None:
        now = now.replace(tzinfo=UTC)
    verifier = _Verifier(document, proofs, documents, now)
    result = ProofResult(verified=bool(proofs))
    for proof in proofs:
        check = verifier.check(proof, expected_purpose, domain, challenge)
        result.proofs.append(check)
        if check.error is not None:
            result.errors.append(check.error)
        if check.verified:
            result.warnings.extend(check.warnings)
    result.verified = result.verified and all(check.verified for check in result.proofs)
    return result


class _Verifier:
    """Verifies the proofs of one document, canonicalizing each unsecured variant only once."""

    def __init__(
        self,
        document: dict[str, Any],
        proofs: list[dict[str, Any]],
        documents: Mapping[str, Any] | None,
        now: datetime,
    ) -> None:
        self._unsecured = {key: value for key, value in document.items() if key != "proof"}
        self._proofs = proofs
        self._documents = documents
        self._now = now
        self._transformed: dict[tuple[str, ...], str] = {}

    def check(
        self,
        proof: dict[str, Any],
        expected_purpose: str | None,
        domain: str | None,
        challenge: str | None,
    ) -> ProofCheck:
        cryptosuite = proof.get("cryptosuite")
        check = ProofCheck(
            type=_str_or_none(proof.get("type")),
            cryptosuite=_str_or_none(cryptosuite),
            verification_method=_str_or_none(proof.get("verificationMethod")),
            controller=None,
            created=None,
            verified=False,
        )
        try:
            check.created = _check_dates(proof, self._now)
            suite = _check_proof_options(proof, expected_purpose, domain, challenge)
            method_id = proof["verificationMethod"]
            if method_id.startswith(DID_KEY_PREFIX) and "#" not in method_id:
                # A bare did:key names that DID's only key (1EdTech's validator accepts it).
                method_id = did_key_document(method_id)["verificationMethod"][0]["id"]
                check.verification_method = method_id
                check.warnings.append(
                    "the proof's verificationMethod is a bare did:key without a #fragment; "
                    f"it was read as that DID's only key {method_id}"
                )
            resolved = resolve_verification_method(
                method_id, self._documents, purpose=proof["proofPurpose"]
            )
            check.controller = resolved.controller
            context = self._unsecured.get("@context")
            if suite.verify_document is not None:
                if "previousProof" in proof:
                    raise ProofVerificationError(f"{suite.name} proofs cannot be chained")
                valid = suite.verify_document(self._unsecured, proof, resolved.public_key)
            else:
                valid = suite.verify(self._transformer(proof), proof, context, resolved.public_key)
            if not valid:
                raise ProofVerificationError("the proof's signature does not verify")
            check.verified = True
            if suite.warning:
                check.warnings.append(suite.warning)
        except CoreError as exc:
            check.error = exc
        return check

    def _transformer(self, proof: dict[str, Any]) -> Transform:
        """Canonicalizes the unsecured document, plus the proofs this one chains to (DI §4.5
        step 3), at most once per variant and RDFC hash."""
        previous = proof.get("previousProof")
        unsecured = self._unsecured
        variant: tuple[str, ...] = ()
        if previous is not None:
            matching = _previous_proofs(previous, self._proofs, ProofVerificationError)
            unsecured = {**self._unsecured, "proof": matching}
            variant = tuple(previous) if isinstance(previous, list) else (previous,)

        def transform(rdfc_hash: str) -> str:
            key = (rdfc_hash, *variant)
            if key not in self._transformed:
                self._transformed[key] = canonicalize(unsecured, rdfc_hash=rdfc_hash)
            return self._transformed[key]

        return transform


def _str_or_none(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _check_proof_options(
    proof: dict[str, Any],
    expected_purpose: str | None,
    domain: str | None,
    challenge: str | None,
) -> Cryptosuite:
    """DI §4.4 Verify Proof steps 3-7: required members, purpose, domain, challenge, suite."""
    for name in ("type", "verificationMethod", "proofPurpose"):
        if not isinstance(proof.get(name), str) or not proof[name]:
            raise ProofVerificationError(f"the proof has no {name}")
    if expected_purpose is not None and proof["proofPurpose"] != expected_purpose:
        raise ProofVerificationError(
            f"proofPurpose {proof['proofPurpose']!r} is not the expected {expected_purpose!r}"
        )
    if domain is not None:
        proof_domain = proof.get("domain")
        domains = proof_domain if isinstance(proof_domain, list) else [proof_domain]
        if domain not in domains:
            raise CoreError("the proof's domain does not match", code="INVALID_DOMAIN_ERROR")
    if challenge is not None and proof.get("challenge") != challenge:
        raise CoreError("the proof's challenge does not match", code="INVALID_CHALLENGE_ERROR")
    return select_cryptosuite(proof)


def select_cryptosuite(proof: dict[str, Any]) -> Cryptosuite:
    """The suite for a proof's type and cryptosuite, or PROOF_VERIFICATION_ERROR saying why not."""
    proof_type, name = proof.get("type"), proof.get("cryptosuite")
    if proof_type == eddsa_rdfc_2022.PROOF_TYPE and name is None:
        raise ProofVerificationError("a DataIntegrityProof needs a cryptosuite")
    if proof_type != eddsa_rdfc_2022.PROOF_TYPE and name is not None:
        raise ProofVerificationError(f"proof type {proof_type!r} takes no cryptosuite")
    if isinstance(name, str) and name in _NOT_CRYPTOSUITES:
        raise ProofVerificationError(f"unsupported cryptosuite: {_NOT_CRYPTOSUITES[name]}")
    suite = None
    if isinstance(proof_type, str) and (name is None or isinstance(name, str)):
        suite = SUITES.get((proof_type, name))
    if suite is None:
        what = f"cryptosuite {name!r}" if name is not None else f"proof type {proof_type!r}"
        raise ProofVerificationError(f"unsupported {what}")
    return suite


def _check_dates(proof: dict[str, Any], now: datetime) -> datetime | None:
    """`created`/`expires` must be dateTimeStamps (DI §2.1); an expired proof fails."""
    created = proof.get("created")
    if created is not None and not is_datetime_stamp(created):
        raise ProofVerificationError(f"proof created is not a dateTimeStamp: {created!r}")
    expires = proof.get("expires")
    if expires is not None:
        if not is_datetime_stamp(expires):
            raise ProofVerificationError(f"proof expires is not a dateTimeStamp: {expires!r}")
        if parse_datetime_stamp(expires) < now:
            raise ProofVerificationError(f"the proof expired at {expires}")
    return parse_datetime_stamp(created) if created is not None else None
