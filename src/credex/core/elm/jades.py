"""JAdES baseline-B seals (ETSI TS 119 182-1) over a signed ELM credential, with an e-seal key.

The form the Europass EDC samples use (`Sample-MC-Annex1-signed.jsonld`): JWS JSON
serialization (RFC 7515 §7.2.1) with an unencoded payload (RFC 7797, `b64: false`), the signer's
certificate chain in `x5c`, its digest in `x5t#S256` and the signing time in the JAdES `sigT`
header (§5.2.1), all listed in `crit`. Sealing uses ES256 (P-256 e-seal keys); verification also
accepts RS256/PS256, which qualified seals such as the EC sample's use. Whether the certificate is
a qualified one on an EU trusted list is a trust decision outside this module.
"""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import (
    decode_dss_signature,
    encode_dss_signature,
)

from credex.core.errors import ParsingError, ProofVerificationError

_CRITICAL = ["b64", "sigT"]
_P256_BYTES = 32


@dataclass(frozen=True)
class JadesResult:
    payload: dict[str, Any]
    certificate: x509.Certificate
    signing_time: str


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def seal(
    payload: str,
    key: ec.EllipticCurvePrivateKey,
    chain: list[x509.Certificate],
    signing_time: datetime,
) -> dict[str, Any]:
    """A JAdES-B-B seal (general JWS JSON serialization) over the payload text as is."""
    if not isinstance(key.curve, ec.SECP256R1):
        raise ValueError("e-seal keys must be P-256 (ES256)")
    leaf = chain[0].public_bytes(serialization.Encoding.DER)
    header = {
        "alg": "ES256",
        "typ": "jose+json",
        "cty": "application/ld+json",
        "x5t#S256": _b64url(hashlib.sha256(leaf).digest()),
        "x5c": [
            base64.b64encode(cert.public_bytes(serialization.Encoding.DER)).decode("ascii")
            for cert in chain
        ],
        "sigT": signing_time.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "b64": False,
        "crit": list(_CRITICAL),
    }
    protected = _b64url(json.dumps(header, separators=(",", ":")).encode())
    der = key.sign(protected.encode("ascii") + b"." + payload.encode(), ec.ECDSA(hashes.SHA256()))
    r, s = decode_dss_signature(der)
    raw = r.to_bytes(_P256_BYTES, "big") + s.to_bytes(_P256_BYTES, "big")
    return {"payload": payload, "signatures": [{"protected": protected, "signature": _b64url(raw)}]}


def verify(document: dict[str, Any]) -> JadesResult:
    """Check the seal's signature with its `x5c` certificate; return the sealed credential.

    Raises `ParsingError` for something that is not a JAdES JWS, `ProofVerificationError` for
    a seal that does not verify.
    """
    payload, signature = document.get("payload"), document.get("signatures")
    if not isinstance(payload, str) or not isinstance(signature, list) or len(signature) != 1:
        raise ParsingError("a JAdES seal is a JWS JSON serialization with one signature")
    entry = signature[0]
    try:
        protected = entry["protected"]
        header = json.loads(b64url_decode(protected))
        sig = b64url_decode(entry["signature"])
        chain = [x509.load_der_x509_certificate(base64.b64decode(c)) for c in header["x5c"]]
    except (KeyError, TypeError, ValueError) as exc:
        raise ParsingError(f"unreadable JAdES header: {exc}") from exc
    if not chain:
        raise ParsingError("the JAdES header has no x5c certificate")
    unknown = set(header.get("crit", [])) - {"b64", "sigT", "adoTst"}
    if unknown:
        raise ProofVerificationError(f"unsupported critical header(s): {sorted(unknown)}")
    if header.get("b64") is not False:
        raise ProofVerificationError("only unencoded-payload (b64: false) seals are supported")
    leaf = chain[0]
    digest = header.get("x5t#S256")
    if digest is not None and digest != _b64url(
        hashlib.sha256(leaf.public_bytes(serialization.Encoding.DER)).digest()
    ):
        raise ProofVerificationError("x5t#S256 does not match the signing certificate")
    _check_signature(
        header.get("alg"), leaf, protected.encode("ascii") + b"." + payload.encode(), sig
    )
    try:
        credential = json.loads(payload)
    except ValueError as exc:
        raise ParsingError(f"the sealed payload is not JSON: {exc}") from exc
    if not isinstance(credential, dict):
        raise ParsingError("the sealed payload is not a JSON object")
    return JadesResult(credential, leaf, str(header.get("sigT", "")))


def _check_signature(alg: Any, cert: x509.Certificate, message: bytes, sig: bytes) -> None:
    key = cert.public_key()
    try:
        if alg == "ES256" and isinstance(key, ec.EllipticCurvePublicKey):
            if len(sig) != 2 * _P256_BYTES:
                raise InvalidSignature
            r = int.from_bytes(sig[:_P256_BYTES], "big")
            s = int.from_bytes(sig[_P256_BYTES:], "big")
            key.verify(encode_dss_signature(r, s), message, ec.ECDSA(hashes.SHA256()))
        elif alg == "RS256" and isinstance(key, rsa.RSAPublicKey):
            key.verify(sig, message, padding.PKCS1v15(), hashes.SHA256())
        elif alg == "PS256" and isinstance(key, rsa.RSAPublicKey):
            pss = padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=32)
            key.verify(sig, message, pss, hashes.SHA256())
        else:
            raise ProofVerificationError(f"algorithm {alg!r} does not fit the certificate's key")
    except InvalidSignature as exc:
        raise ProofVerificationError("the JAdES seal's signature does not verify") from exc


def is_jades(document: Any) -> bool:
    return isinstance(document, dict) and "payload" in document and "signatures" in document
