"""did:key, did:web and verification method resolution (credex.core.dids)."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import base58
import pytest
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from credex.core import multiformats as mf
from credex.core.canon import canonicalize
from credex.core.dids import (
    build_did_web_document,
    did_key_document,
    did_web_to_url,
    public_key_from_jwk,
    resolve_did_document,
    resolve_verification_method,
)
from credex.core.errors import ProofVerificationError, ResolutionError
from credex.core.keys import PublicKey

VECTORS = Path(__file__).parent / "vectors"
ED_KEY = "z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"
P256_KEY = "zDnaepBuvsQ8cpsWrVKw8fbpGpvPeNSjVPTWoq6cRqaYzBKVP"
P384_KEY = "z82LkuBieyGShVBhvtE2zoiD6Kma4tJGFtkAhxR5pfkp5QPw4LutoYWhvQCnGjdVn14kujQ"
ISSUER = "https://example.edu/issuers/565049"
OB_KEY = "z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi"
OB_VM = f"{ISSUER}#{OB_KEY}"


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def controller_document(**overrides: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
        "id": ISSUER,
        "verificationMethod": [
            {"id": OB_VM, "type": "Multikey", "controller": ISSUER, "publicKeyMultibase": OB_KEY}
        ],
        "assertionMethod": [OB_VM],
    }
    doc.update(overrides)
    return doc


class GetOnlyDocuments(Mapping[str, Any]):
    """A lazy document source: resolution may only call get(), never list or index it."""

    def __init__(self, documents: dict[str, Any]) -> None:
        self._documents = documents
        self.requested: list[str] = []

    def get(self, key: str, default: Any = None) -> Any:
        self.requested.append(key)
        return self._documents.get(key, default)

    def __getitem__(self, key: str) -> Any:
        raise AssertionError("resolution must use get()")

    def __iter__(self) -> Iterator[str]:
        raise AssertionError("resolution must not iterate the documents")

    def __len__(self) -> int:
        raise AssertionError("resolution must not size the documents")


# --- did:key -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("multibase", "algorithm"), [(ED_KEY, "Ed25519"), (P256_KEY, "P-256"), (P384_KEY, "P-384")]
)
def test_did_key_documents_for_each_supported_key(multibase: str, algorithm: str) -> None:
    did = f"did:key:{multibase}"
    doc = did_key_document(did)
    method_id = f"{did}#{multibase}"
    assert doc["@context"] == [
        "https://www.w3.org/ns/did/v1",
        "https://w3id.org/security/multikey/v1",
    ]
    assert doc["id"] == did
    assert doc["verificationMethod"] == [
        {"id": method_id, "type": "Multikey", "controller": did, "publicKeyMultibase": multibase}
    ]
    for relationship in (
        "authentication",
        "assertionMethod",
        "capabilityDelegation",
        "capabilityInvocation",
    ):
        assert doc[relationship] == [method_id]
    assert resolve_verification_method(method_id, None).public_key.algorithm == algorithm
    canonicalize(doc)  # expressible with the shipped contexts, nothing dropped


@pytest.mark.parametrize(
    "did",
    [
        "did:key:" + mf.encode_base58btc(mf.X25519_PUB + bytes(32)),  # not a signing key
        "did:key:" + mf.encode_base58btc(b"\x99\x01" + bytes(32)),  # unknown multicodec
        "did:key:" + mf.encode_base58btc(mf.ED25519_PUB + bytes(31)),  # short key
        "did:key:" + mf.encode_base58btc(mf.P256_PUB + bytes(34)),  # long key
        "did:key:" + "u" + ED_KEY[1:],  # not base58btc
        f"did:key:{ED_KEY}#{ED_KEY}",  # a DID URL, not a DID
        "did:web:example.com",
    ],
)
def test_did_key_rejects_other_multicodecs_lengths_and_forms(did: str) -> None:
    with pytest.raises((ResolutionError, mf.MultiformatError)):
        did_key_document(did)


def test_did_key_method_must_be_the_key_fragment() -> None:
    with pytest.raises(ProofVerificationError, match="not found"):
        resolve_verification_method(f"did:key:{ED_KEY}#other", None)
    with pytest.raises(ProofVerificationError, match="not found"):
        resolve_verification_method(f"did:key:{ED_KEY}", None)


# --- did:web -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("did", "url"),
    [
        ("did:web:w3c-ccg.github.io", "https://w3c-ccg.github.io/.well-known/did.json"),
        ("did:web:w3c-ccg.github.io:user:alice", "https://w3c-ccg.github.io/user/alice/did.json"),
        ("did:web:example.com%3A3000:user:alice", "https://example.com:3000/user/alice/did.json"),
        ("did:web:example.com%3a8443", "https://example.com:8443/.well-known/did.json"),
    ],
)
def test_did_web_urls_follow_the_read_algorithm(did: str, url: str) -> None:
    assert did_web_to_url(did) == url


@pytest.mark.parametrize(
    "did",
    [
        "did:web:127.0.0.1",
        "did:web:[::1]",
        "did:web:10.0.0.1%3A8080:user",
        "did:web:",
        "did:web:exa mple.com",
        "did:web:-bad-.com",
        "did:web:example.com:..:secret",
        "did:web:example.com::x",
        "did:web:example.com%3A99999",
        "did:web:example.com/path",
        "did:key:" + ED_KEY,
    ],
)
def test_did_web_rejects_ip_hosts_and_malformed_ids(did: str) -> None:
    with pytest.raises(ResolutionError):
        did_web_to_url(did)


def test_build_did_web_document_lists_methods_and_assertion_ids() -> None:
    did = "did:web:credex.example:issuers:1"
    doc = build_did_web_document(did, [("#key-1", ED_KEY), (f"{did}#key-2", OB_KEY)], ["#key-2"])
    assert [m["id"] for m in doc["verificationMethod"]] == [f"{did}#key-1", f"{did}#key-2"]
    assert all(m["controller"] == did for m in doc["verificationMethod"])
    assert doc["assertionMethod"] == [f"{did}#key-2"]
    documents = {did_web_to_url(did): doc}
    assert resolve_verification_method(f"{did}#key-2", documents).controller == did
    with pytest.raises(ProofVerificationError, match="not authorized for assertionMethod"):
        resolve_verification_method(f"{did}#key-1", documents)
    canonicalize(doc)
    with pytest.raises(ResolutionError, match="without a verification method"):
        build_did_web_document(did, [("#key-1", ED_KEY)], ["#key-9"])
    with pytest.raises(ResolutionError, match="#fragment"):
        build_did_web_document(did, [("did:web:other.example#key-1", ED_KEY)])


def test_did_web_resolves_by_url_or_by_did_and_checks_the_id() -> None:
    did = "did:web:issuer.example"
    doc = build_did_web_document(did, [("#k", ED_KEY)])
    assert resolve_did_document(did, {did_web_to_url(did): doc}) == doc
    assert resolve_did_document(did, {did: doc}) == doc
    with pytest.raises(ProofVerificationError, match="does not match"):
        resolve_did_document("did:web:other.example", {"did:web:other.example": doc})
    with pytest.raises(ResolutionError, match="not available offline"):
        resolve_did_document(did, {})
    with pytest.raises(ResolutionError, match="unsupported DID method"):
        resolve_did_document("did:example:123", {})


# --- resolver --------------------------------------------------------------------------------


def test_https_controller_documents_resolve_with_only_get_calls() -> None:
    documents = GetOnlyDocuments({ISSUER: controller_document()})
    resolved = resolve_verification_method(OB_VM, documents)
    assert resolved.id == OB_VM
    assert resolved.controller == ISSUER
    assert resolved.public_key.to_multikey() == OB_KEY
    assert resolved.method["type"] == "Multikey"
    assert documents.requested == [ISSUER]


def test_controller_document_may_be_keyed_by_the_full_method_url() -> None:
    assert resolve_verification_method(OB_VM, {OB_VM: controller_document()}).controller == ISSUER


def test_a_url_that_dereferences_to_the_method_uses_its_controller_document() -> None:
    method = controller_document()["verificationMethod"][0]
    documents = {OB_VM: method, ISSUER: controller_document()}
    assert resolve_verification_method(OB_VM, documents).controller == ISSUER


def test_missing_documents_are_not_available_offline() -> None:
    with pytest.raises(ResolutionError, match="not available offline"):
        resolve_verification_method(OB_VM, None)
    with pytest.raises(ResolutionError, match="not available offline"):
        resolve_verification_method(OB_VM, {})


def test_a_method_not_under_the_proof_purpose_is_refused() -> None:
    documents = {ISSUER: controller_document(assertionMethod=[], authentication=[OB_VM])}
    with pytest.raises(ProofVerificationError, match="not authorized for assertionMethod"):
        resolve_verification_method(OB_VM, documents)
    assert resolve_verification_method(OB_VM, documents, purpose="authentication")
    assert resolve_verification_method(OB_VM, documents, purpose=None)


@pytest.mark.parametrize(
    "relationship",
    [[OB_VM], [f"#{OB_KEY}"], OB_VM],
    ids=["absolute", "relative-fragment", "single-string"],
)
def test_relationship_references_may_be_absolute_or_relative(relationship: Any) -> None:
    documents = {ISSUER: controller_document(assertionMethod=relationship)}
    assert resolve_verification_method(OB_VM, documents).controller == ISSUER


def test_methods_embedded_in_a_relationship_are_found() -> None:
    method = controller_document()["verificationMethod"][0]
    documents = {ISSUER: controller_document(verificationMethod=[], assertionMethod=[method])}
    assert resolve_verification_method(OB_VM, documents).public_key.to_multikey() == OB_KEY


def test_the_method_controller_must_be_the_document() -> None:
    method = {
        **controller_document()["verificationMethod"][0],
        "controller": "https://evil.example",
    }
    documents = {ISSUER: controller_document(verificationMethod=[method])}
    with pytest.raises(ProofVerificationError, match="names controller"):
        resolve_verification_method(OB_VM, documents)


def test_a_document_with_another_id_is_refused() -> None:
    documents = {ISSUER: controller_document(id="https://evil.example/issuer")}
    with pytest.raises(ProofVerificationError, match="does not match"):
        resolve_verification_method(OB_VM, documents)


def test_failures_of_a_lazy_source_become_resolution_errors() -> None:
    class Failing(GetOnlyDocuments):
        def get(self, key: str, default: Any = None) -> Any:
            raise OSError("network unreachable")

    with pytest.raises(ResolutionError, match="network unreachable"):
        resolve_verification_method(OB_VM, Failing({}))


@pytest.mark.parametrize("url", ["", "urn:uuid:1234#key", "ftp://example.com#k"])
def test_non_resolvable_method_urls_are_refused(url: str) -> None:
    with pytest.raises(ResolutionError):
        resolve_verification_method(url, {})


def method_document(method: dict[str, Any]) -> dict[str, Any]:
    method = {"id": OB_VM, "controller": ISSUER, **method}
    return {ISSUER: controller_document(verificationMethod=[method])}


def test_legacy_ed25519_key_types_resolve() -> None:
    raw = mf.decode_multikey(OB_KEY)[1]
    for method in (
        {"type": "Ed25519VerificationKey2020", "publicKeyMultibase": OB_KEY},
        {"type": "Ed25519VerificationKey2018", "publicKeyBase58": base58.b58encode(raw).decode()},
        {
            "type": "JsonWebKey2020",
            "publicKeyJwk": {"kty": "OKP", "crv": "Ed25519", "x": b64url(raw)},
        },
    ):
        resolved = resolve_verification_method(OB_VM, method_document(method))
        assert resolved.public_key.to_multikey() == OB_KEY


@pytest.mark.parametrize(
    "method",
    [
        {"type": "Ed25519VerificationKey2020", "publicKeyMultibase": P256_KEY},
        {"type": "Ed25519VerificationKey2018", "publicKeyBase58": "not-base58-0OIl"},
        {"type": "Multikey"},
        {"type": "JsonWebKey", "publicKeyJwk": "not an object"},
        {"type": "EcdsaSecp256k1VerificationKey2019", "publicKeyMultibase": OB_KEY},
    ],
)
def test_unusable_key_material_is_refused(method: dict[str, Any]) -> None:
    with pytest.raises((ResolutionError, mf.MultiformatError)):
        resolve_verification_method(OB_VM, method_document(method))


# --- JWK -----------------------------------------------------------------------------------


def signature_round_trip(key: PublicKey, private: Any, algorithm: Any) -> bool:
    data = b"credex"
    if algorithm is None:
        return key.verify(private.sign(data), data)
    from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

    r, s = decode_dss_signature(private.sign(data, algorithm))
    size = 32 if key.algorithm == "P-256" else 48
    return key.verify(r.to_bytes(size, "big") + s.to_bytes(size, "big"), data)


def test_jwk_keys_of_each_type_convert() -> None:
    from cryptography.hazmat.primitives import hashes

    ed = ed25519.Ed25519PrivateKey.generate()
    raw = ed.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    ed_key = public_key_from_jwk({"kty": "OKP", "crv": "Ed25519", "x": b64url(raw)})
    assert signature_round_trip(ed_key, ed, None)
    for crv, curve, size, digest in (
        ("P-256", ec.SECP256R1(), 32, hashes.SHA256()),
        ("P-384", ec.SECP384R1(), 48, hashes.SHA384()),
    ):
        private = ec.generate_private_key(curve)
        numbers = private.public_key().public_numbers()
        jwk = {
            "kty": "EC",
            "crv": crv,
            "x": b64url(numbers.x.to_bytes(size, "big")),
            "y": b64url(numbers.y.to_bytes(size, "big")),
        }
        key = public_key_from_jwk(jwk)
        assert key.algorithm == crv
        assert signature_round_trip(key, private, ec.ECDSA(digest))
    rsa_numbers = rsa.generate_private_key(65537, 2048).public_key().public_numbers()
    rsa_jwk = {
        "kty": "RSA",
        "n": b64url(rsa_numbers.n.to_bytes(256, "big")),
        "e": b64url(rsa_numbers.e.to_bytes(3, "big")),
    }
    assert public_key_from_jwk(rsa_jwk).algorithm == "RSA"


@pytest.mark.parametrize(
    "jwk",
    [
        {"kty": "OKP", "crv": "Ed25519", "x": b64url(bytes(32)), "d": b64url(bytes(32))},
        {"kty": "OKP", "crv": "X25519", "x": b64url(bytes(32))},
        {"kty": "OKP", "crv": "Ed25519", "x": b64url(bytes(32)) + "=="},
        {"kty": "OKP", "crv": "Ed25519", "x": "!!!"},
        {"kty": "EC", "crv": "P-256", "x": b64url(bytes(32)), "y": b64url(bytes(32))},
        {"kty": "EC", "crv": "P-256", "x": b64url(bytes(31)), "y": b64url(bytes(32))},
        {"kty": "EC", "crv": "secp256k1", "x": b64url(bytes(32)), "y": b64url(bytes(32))},
        {"kty": "RSA", "n": b64url(b"\xff" * 128), "e": "AQAB"},
        {"kty": "oct", "k": "c2VjcmV0"},
    ],
    ids=[
        "private-d",
        "x25519",
        "padded",
        "not-base64url",
        "off-curve",
        "short-x",
        "k1",
        "rsa-1024",
        "oct",
    ],
)
def test_bad_or_private_jwks_are_refused(jwk: dict[str, Any]) -> None:
    with pytest.raises((ResolutionError, mf.MultiformatError)):
        public_key_from_jwk(jwk)


def test_ob_vector_controller_document_matches_its_published_key() -> None:
    expected = json.loads((VECTORS / "ob-v3p0-ldp/expected.json").read_text())
    resolved = resolve_verification_method(
        expected["verificationMethod"], {ISSUER: controller_document()}
    )
    assert resolved.public_key.to_multikey() == expected["publicKeyMultibase"]
