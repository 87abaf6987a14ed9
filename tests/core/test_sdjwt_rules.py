"""RFC 9901 §7.1 rejection rules, each on an SD-JWT that is otherwise valid (EdDSA issuer)."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import ed25519

from credex.core import Ed25519Signer
from credex.core.errors import CoreError, ParsingError, ProofVerificationError
from credex.core.jose import sign_compact
from credex.core.sdjwt import Disclosure, issue_sd_jwt, present, verify_sd_jwt, verify_sd_jwt_vc
from tests.core.jose_keys import P256Signer, ed25519_jwk

KEY = ed25519.Ed25519PrivateKey.generate()
ISSUER = Ed25519Signer(KEY)
JWK = ed25519_jwk(KEY)
NOW = datetime(2026, 12, 1, tzinfo=UTC)


def signed(payload: dict[str, Any], *disclosures: Disclosure) -> str:
    """An SD-JWT over a hand-written payload (to build what an honest issuer never would)."""
    jws = sign_compact({"typ": "dc+sd-jwt"}, payload, ISSUER)
    return jws + "~" + "".join(d.encoded + "~" for d in disclosures)


def rejected(text: str, match: str) -> None:
    with pytest.raises(CoreError, match=match):
        verify_sd_jwt(text, JWK, now=NOW)


def test_nested_and_array_disclosures_round_trip() -> None:
    claims = {
        "address": {"street": "Via Roma 1", "country": "IT"},
        "outcomes": ["plan", "write", "edit"],
    }
    paths = [["address"], ["address", "street"], ["outcomes", None]]
    issued = issue_sd_jwt(claims, paths, ISSUER)
    assert set(issued.payload) == {"_sd", "_sd_alg", "outcomes"}
    assert all(set(element) == {"..."} for element in issued.payload["outcomes"])
    assert verify_sd_jwt(issued.serialize(), JWK, now=NOW).claims == claims
    # Revealing the street needs the address Disclosure too; one outcome hides the others.
    shown = present(issued.serialize(), [["address", "street"], ["outcomes", 1]])
    assert verify_sd_jwt(shown, JWK, now=NOW).claims == {
        "address": {"street": "Via Roma 1", "country": "IT"},
        "outcomes": ["write"],
    }
    nothing = present(issued.serialize(), [])
    assert verify_sd_jwt(nothing, JWK, now=NOW).claims == {"outcomes": []}


def test_a_digest_used_twice_is_rejected() -> None:
    d = Disclosure.create("a", 1)
    rejected(signed({"_sd": [d.digest()], "x": {"_sd": [d.digest()]}}, d), "more than once")


def test_an_unreferenced_or_repeated_disclosure_is_rejected() -> None:
    d, stray = Disclosure.create("a", 1), Disclosure.create("b", 2)
    rejected(signed({"_sd": [d.digest()]}, d, stray), "not referenced")
    rejected(signed({"_sd": [d.digest()]}, d, d), "not referenced")


def test_disclosures_in_the_wrong_place_are_rejected() -> None:
    element, prop = Disclosure.create(None, 1), Disclosure.create("a", 1)
    rejected(signed({"_sd": [element.digest()]}, element), "array-element")
    rejected(signed({"list": [{"...": prop.digest()}]}, prop), "object Disclosure")
    rejected(signed({"list": [{"...": prop.digest(), "x": 1}]}, prop), "only")
    rejected(signed({"_sd": "not a list"}), "_sd must be")


def test_a_disclosed_name_that_exists_or_is_reserved_is_rejected() -> None:
    d = Disclosure.create("a", 2)
    rejected(signed({"a": 1, "_sd": [d.digest()]}, d), "disclosed twice")
    raw = json.dumps(["salt", "_sd", 1]).encode()
    reserved = base64.urlsafe_b64encode(raw).rstrip(b"=").decode()
    rejected(signed({"_sd": []}) + reserved + "~", "may not name")
    with pytest.raises(ValueError, match="cannot be selectively disclosed"):
        Disclosure.create("...", 1)


def test_signature_typ_algorithm_and_validity_are_checked() -> None:
    issued = issue_sd_jwt({"a": 1, "exp": int((NOW + timedelta(days=1)).timestamp())}, [], ISSUER)
    with pytest.raises(ProofVerificationError, match="typ"):
        verify_sd_jwt(issued.serialize(), JWK, typ="dc+sd-jwt", now=NOW)
    with pytest.raises(ProofVerificationError, match=r"signature|key"):
        verify_sd_jwt(issued.serialize(), P256Signer().jwk, now=NOW)
    with pytest.raises(ProofVerificationError, match="expired"):
        verify_sd_jwt(issued.serialize(), JWK, now=NOW + timedelta(days=2))
    header = base64.urlsafe_b64encode(b'{"alg":"none"}').rstrip(b"=").decode()
    unsigned = header + "." + issued.jws.split(".")[1] + ".~"
    with pytest.raises(ProofVerificationError, match="not accepted"):
        verify_sd_jwt(unsigned, JWK, now=NOW)
    with pytest.raises(ParsingError):
        verify_sd_jwt(issued.jws, JWK, now=NOW)  # no `~` at all


def test_key_binding_is_required_when_asked_for() -> None:
    holder = P256Signer()
    issued = issue_sd_jwt({"cnf": {"jwk": holder.jwk}, "a": 1}, [["a"]], ISSUER)
    options: dict[str, Any] = {"audience": "https://v.example", "nonce": "n1", "now": NOW}
    with pytest.raises(ProofVerificationError, match="no KB-JWT"):
        verify_sd_jwt(issued.serialize(), JWK, require_key_binding=True, **options)
    someone_else = present(
        issued.serialize(),
        holder=P256Signer(),
        issued_at=NOW,
        audience="https://v.example",
        nonce="n1",
    )
    with pytest.raises(ProofVerificationError, match="signature"):
        verify_sd_jwt(someone_else, JWK, require_key_binding=True, **options)
    good = present(
        issued.serialize(), holder=holder, issued_at=NOW, audience="https://v.example", nonce="n1"
    )
    verified = verify_sd_jwt(good, JWK, require_key_binding=True, **options)
    assert verified.claims["a"] == 1
    assert verified.key_binding is not None


def test_sd_jwt_vc_rules_on_top_of_rfc_9901() -> None:
    claims = {"vct": "urn:example:1", "status": {"status_list": {"idx": 3, "uri": "https://x/1"}}}
    good = issue_sd_jwt(claims, [], ISSUER, header={"typ": "dc+sd-jwt"}).serialize()
    assert verify_sd_jwt_vc(good, JWK, now=NOW).claims["vct"] == "urn:example:1"
    hidden = issue_sd_jwt(claims, [["status"]], ISSUER, header={"typ": "dc+sd-jwt"}).serialize()
    with pytest.raises(ProofVerificationError, match="status must not be selectively"):
        verify_sd_jwt_vc(hidden, JWK, now=NOW)
    legacy = issue_sd_jwt(claims, [], ISSUER, header={"typ": "vc+sd-jwt"}).serialize()
    with pytest.raises(ProofVerificationError, match="typ"):
        verify_sd_jwt_vc(legacy, JWK, now=NOW)
    assert verify_sd_jwt_vc(legacy, JWK, now=NOW, accept_legacy_type=True).claims
    bad_status = {"vct": "urn:example:1", "status": {"status_list": {"idx": "3", "uri": "x"}}}
    bad = issue_sd_jwt(bad_status, [], ISSUER, header={"typ": "dc+sd-jwt"}).serialize()
    with pytest.raises(ProofVerificationError, match="idx"):
        verify_sd_jwt_vc(bad, JWK, now=NOW)
    no_vct = issue_sd_jwt({"a": 1}, [], ISSUER, header={"typ": "dc+sd-jwt"}).serialize()
    with pytest.raises(ProofVerificationError, match="vct"):
        verify_sd_jwt_vc(no_vct, JWK, now=NOW)
