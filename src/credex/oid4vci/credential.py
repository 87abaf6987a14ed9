"""The credential endpoint (OID4VCI 1.0 §8) and the notification endpoint (§11).

Request checks, in the spec's order of errors: the access token (401 `invalid_token`), the body
(`invalid_credential_request`), the configuration (`unknown_credential_configuration` /
`unknown_credential_identifier`), the key proof (`invalid_proof`, `invalid_nonce`). Each
delivery is recorded with the form, the time and the holder's public key thumbprint.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from credex.core.key_proof import KeyProof, KeyProofError, verify_key_proof
from credex.db.base import utcnow
from credex.db.models import Credential, CredentialDelivery, Learner, OAuthAccessToken
from credex.oauth.errors import OAuthError
from credex.oauth.secrets import hash_secret, new_secret
from credex.oid4vci.configurations import Form, credential_issuer_id, parse_configuration_id
from credex.oid4vci.formats import RenderingFailed, render
from credex.oid4vci.nonces import spend_nonce
from credex.settings import Settings

NOTIFICATION_EVENTS = ("credential_accepted", "credential_failure", "credential_deleted")


@dataclass(frozen=True)
class Delivered:
    credential: Any
    notification_id: str


def _requested(token: OAuthAccessToken, body: Mapping[str, Any]) -> str:
    """The configuration id asked for, by `credential_configuration_id` or identifier."""
    by_id = body.get("credential_configuration_id")
    by_identifier = body.get("credential_identifier")
    if (by_id is None) == (by_identifier is None):
        raise OAuthError(
            "invalid_credential_request",
            "send exactly one of credential_configuration_id and credential_identifier",
        )
    if by_identifier is not None:
        if by_identifier not in token.configuration_ids:
            raise OAuthError("unknown_credential_identifier", "no such credential_identifier")
        return str(by_identifier)
    if parse_configuration_id(by_id) is None or by_id not in token.configuration_ids:
        raise OAuthError(
            "unknown_credential_configuration",
            "this credential configuration is unknown or was not granted to this access token",
        )
    return str(by_id)


def _proofs(body: Mapping[str, Any]) -> list[str] | None:
    """The key proofs sent. Tolerated from drafts (DIIP v4 wallets speak draft 15): a single
    `proof: {"proof_type": "jwt", "jwt": …}` is read as `proofs: {"jwt": [ … ]}`."""
    if "proof" in body:
        legacy = body["proof"]
        if "proofs" in body or not isinstance(legacy, dict) or legacy.get("proof_type") != "jwt":
            raise OAuthError("invalid_credential_request", 'send `proofs: {"jwt": [...]}`')
        return [legacy["jwt"]] if isinstance(legacy.get("jwt"), str) else []
    proofs = body.get("proofs")
    if proofs is None:
        return None
    if not isinstance(proofs, dict) or len(proofs) != 1:
        raise OAuthError("invalid_credential_request", "`proofs` must name exactly one type")
    ((kind, values),) = proofs.items()
    if kind != "jwt":
        raise OAuthError("invalid_proof", f"proof type {kind!r} is not supported; use jwt")
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise OAuthError("invalid_credential_request", "`proofs.jwt` must be a non-empty array")
    return values


def _one_proof(values: list[str]) -> str:
    if not values:
        raise OAuthError("invalid_credential_request", "`proofs.jwt` must be a non-empty array")
    if len(values) != 1:
        raise OAuthError("invalid_credential_request", "send one proof (no batch issuance here)")
    return values[0]


def _checked_proof(
    session: Session, token: str, audience: list[str], client_id: str | None
) -> KeyProof:
    try:
        proof = verify_key_proof(token, audience=audience, now=utcnow())
    except KeyProofError as exc:
        raise OAuthError("invalid_proof", str(exc)) from exc
    if proof.nonce is None:
        raise OAuthError("invalid_proof", "the proof carries no c_nonce from the nonce endpoint")
    if client_id is not None and proof.issuer not in (None, client_id):
        raise OAuthError("invalid_proof", "the proof's iss is not the client the token was for")
    if not spend_nonce(session, proof.nonce):
        raise OAuthError("invalid_nonce", "the c_nonce is unknown, expired or already used")
    return proof


def _credential_for(session: Session, token: OAuthAccessToken, form_achievement: Any) -> Credential:
    if token.credential_id is not None:
        credential = session.get(Credential, token.credential_id)
    else:  # authorization code: the signed-in person's newest credential of this achievement
        credential = session.scalar(
            select(Credential)
            .join(Learner, Learner.id == Credential.learner_id)
            .where(
                Credential.issuer_id == token.issuer_id,
                Credential.achievement_id == form_achievement,
                Learner.email == token.learner_email,
                Credential.status == "active",
            )
            .order_by(Credential.created_at.desc())
            .limit(1)
        )
    if credential is None or credential.achievement_id != form_achievement:
        raise OAuthError("credential_request_denied", "no credential of this kind for you")
    if credential.status != "active":
        raise OAuthError("credential_request_denied", "this credential was revoked")
    return credential


def deliver(session: Session, token: OAuthAccessToken, body: Any, settings: Settings) -> Delivered:
    if not isinstance(body, dict):
        raise OAuthError("invalid_credential_request", "the body must be a JSON object")
    if "credential_response_encryption" in body:
        raise OAuthError("invalid_encryption_parameters", "response encryption is not offered")
    configuration_id = _requested(token, body)
    parsed = parse_configuration_id(configuration_id)
    assert parsed is not None  # checked by _requested
    achievement_id, form = parsed
    proofs = _proofs(body)
    proof: KeyProof | None = None
    if proofs is not None:
        # The issuer's own identifier, or the service-wide one (same endpoint, same keys).
        audiences = [credential_issuer_id(token.issuer_id, settings.base_url), settings.base_url]
        proof = _checked_proof(session, _one_proof(proofs), audiences, token.client_id)
    elif form.binds_holder:
        raise OAuthError("invalid_proof", f"{form.name} is bound to a key: send proofs.jwt")
    credential = _credential_for(session, token, achievement_id)
    try:
        rendered = render(session, credential, form, proof.jwk if proof else None, settings)
    except RenderingFailed as exc:
        raise OAuthError("credential_request_denied", str(exc)) from exc
    return Delivered(rendered, _record(session, credential, configuration_id, form, proof))


def _record(
    session: Session,
    credential: Credential,
    configuration_id: str,
    form: Form,
    proof: KeyProof | None,
) -> str:
    notification_id = new_secret()
    session.add(
        CredentialDelivery(
            credential_id=credential.id,
            configuration_id=configuration_id,
            format=form.format,
            holder_jwk=proof.jwk if proof else None,
            holder_key_thumbprint=proof.thumbprint if proof else None,
            notification_id_hash=hash_secret(notification_id),
        )
    )
    session.flush()
    return notification_id


def notify(session: Session, token: OAuthAccessToken, body: Any) -> None:
    """Record the wallet's event for a delivery (idempotent; §11.1)."""
    if not isinstance(body, dict) or not isinstance(body.get("notification_id"), str):
        raise OAuthError("invalid_notification_request", "send notification_id and event")
    if body.get("event") not in NOTIFICATION_EVENTS:
        raise OAuthError("invalid_notification_request", "event must be one of the spec's three")
    delivery = session.scalar(
        select(CredentialDelivery).where(
            CredentialDelivery.notification_id_hash == hash_secret(body["notification_id"])
        )
    )
    credential = session.get(Credential, delivery.credential_id) if delivery else None
    if delivery is None or credential is None or credential.issuer_id != token.issuer_id:
        raise OAuthError("invalid_notification_id", "no delivery with this notification_id")
    delivery.event = body["event"]
    delivery.event_at = utcnow()
