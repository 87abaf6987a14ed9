"""Open Badges 2.0 issuers for tests: Profile, BadgeClass, hosted and signed assertions, keys,
revocation lists and OB 2.0 bakes, published into a dict of URL → document.

Core tests read the dict through `fetch_from`; API tests serve it from a local HTTP server.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import json
import re
import struct
import zlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from credex.core.baking import PNG_SIGNATURE
from credex.core.ob2 import DocumentUnavailable, Ob2Report, verify_ob2

OB2_CONTEXT = "https://w3id.org/openbadges/v2"
GONE: dict[str, Any] = {"__gone__": True}  # a published document answering 410 Gone
ISSUED_ON = "2026-01-15T10:00:00+00:00"
SALT = "deadsea"
NOW = datetime(2026, 3, 1, tzinfo=UTC)  # the verifier's clock: after ISSUED_ON
ANA = "ana@example.org"


@functools.cache
def shared_key() -> rsa.RSAPrivateKey:
    """One RSA key for the tests that do not care whose it is (generating one is slow)."""
    return new_rsa_key()


def new_rsa_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def hashed_email(email: str, salt: str = SALT, algorithm: str = "sha256") -> str:
    return f"{algorithm}${hashlib.new(algorithm, (email + salt).encode()).hexdigest()}"


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(segment: str) -> bytes:
    return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))


def jws_payload(token: str) -> dict[str, Any]:
    """The claims of a compact JWS, unverified."""
    claims: dict[str, Any] = json.loads(b64url_decode(token.split(".")[1]))
    return claims


def with_claims(token: str, **changed: Any) -> str:
    """`token` with some claims changed but its header and signature kept: a tampered JWS."""
    header, _body, signature = token.split(".")
    body = b64url(json.dumps(jws_payload(token) | changed).encode())
    return f"{header}.{body}.{signature}"


def sign_rs256(payload: Mapping[str, Any], key: rsa.RSAPrivateKey) -> str:
    header = b64url(json.dumps({"alg": "RS256"}).encode())
    body = b64url(json.dumps(payload).encode())
    signature = key.sign(f"{header}.{body}".encode(), padding.PKCS1v15(), hashes.SHA256())
    return f"{header}.{body}.{b64url(signature)}"


@dataclass
class Ob2Issuer:
    """One OB 2.0 issuer publishing under `base` (an origin such as `https://badges.example`)."""

    base: str
    documents: dict[str, dict[str, Any]] = field(default_factory=dict)
    key: rsa.RSAPrivateKey = field(default_factory=shared_key)

    @property
    def issuer_id(self) -> str:
        return f"{self.base}/issuer"

    @property
    def badge_id(self) -> str:
        return f"{self.base}/badges/1"

    @property
    def key_id(self) -> str:
        return f"{self.base}/keys/1"

    @property
    def revocation_list_id(self) -> str:
        return f"{self.base}/revoked"

    def publish(self, document: dict[str, Any]) -> dict[str, Any]:
        self.documents[document["id"]] = document
        return document

    def profile(self, **extra: Any) -> dict[str, Any]:
        return self.publish(
            {
                "@context": OB2_CONTEXT,
                "type": "Issuer",
                "id": self.issuer_id,
                "name": "Old Badge Academy",
                "url": self.base,
                "email": "badges@example.org",
                "publicKey": [self.key_id],
            }
            | extra
        )

    def badge_class(self, **extra: Any) -> dict[str, Any]:
        return self.publish(
            {
                "@context": OB2_CONTEXT,
                "type": "BadgeClass",
                "id": self.badge_id,
                "name": "Archive research",
                "description": "Finds and cites primary sources.",
                "image": f"{self.base}/badges/1/image",
                "criteria": {"narrative": "Pass the archive project."},
                "issuer": self.issuer_id,
                "alignment": [
                    {
                        "targetName": "Information literacy",
                        "targetUrl": f"{self.base}/competencies/il",
                        "targetFramework": "Heritage skills",
                        "targetCode": "IL.2",
                    }
                ],
            }
            | extra
        )

    def crypto_key(self, **extra: Any) -> dict[str, Any]:
        pem = self.key.public_key().public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo)
        return self.publish(
            {
                "@context": OB2_CONTEXT,
                "type": "CryptographicKey",
                "id": self.key_id,
                "owner": self.issuer_id,
                "publicKeyPem": pem.decode("ascii"),
            }
            | extra
        )

    def revocation_list(self, *revoked: Any) -> dict[str, Any]:
        return self.publish(
            {
                "@context": OB2_CONTEXT,
                "type": "RevocationList",
                "id": self.revocation_list_id,
                "issuer": self.issuer_id,
                "revokedAssertions": list(revoked),
            }
        )

    def assertion(
        self, number: int = 1, email: str = "ana@example.org", *, hashed: bool = True, **extra: Any
    ) -> dict[str, Any]:
        """A hosted assertion, published at its id (pass `publish=False` to keep it private)."""
        publish = extra.pop("publish", True)
        recipient = {"type": "email", "hashed": hashed, "identity": email}
        if hashed:
            recipient |= {"identity": hashed_email(email), "salt": SALT}
        document = {
            "@context": OB2_CONTEXT,
            "type": "Assertion",
            "id": f"{self.base}/assertions/{number}",
            "recipient": recipient,
            "badge": self.badge_id,
            "verification": {"type": "HostedBadge"},
            "issuedOn": ISSUED_ON,
        } | extra
        return self.publish(document) if publish else document

    def signed(self, number: int = 1, email: str = "ana@example.org", **extra: Any) -> str:
        """A signed assertion (urn:uuid id, not published) as an RS256 compact JWS."""
        payload = (
            self.assertion(
                number,
                email,
                id=f"urn:uuid:00000000-0000-4000-8000-{number:012d}",
                verification={"type": "SignedBadge", "creator": self.key_id},
                publish=False,
            )
            | extra
        )
        return sign_rs256(payload, self.key)

    def everything(self) -> Ob2Issuer:
        """Profile, BadgeClass and key published."""
        self.profile()
        self.badge_class()
        self.crypto_key()
        return self


def fetch_from(documents: Mapping[str, Mapping[str, Any]]) -> Any:
    """A `fetch_json` over a dict: missing → unavailable, `GONE` → 410."""

    def fetch_json(url: str) -> Mapping[str, Any]:
        document = documents.get(url)
        if document is None:
            raise DocumentUnavailable(f"{url} answered HTTP 404", status=404)
        if document is GONE:
            raise DocumentUnavailable(f"{url} answered HTTP 410", status=410)
        return json.loads(json.dumps(document))  # a fresh copy, as over the wire

    return fetch_json


def verify(issuer: Ob2Issuer, data: Any, email: str | None = ANA) -> Ob2Report:
    """`verify_ob2` at NOW, reading the issuer's published documents, for Ana by default."""
    return verify_ob2(data, fetch_from(issuer.documents), email=email, now=NOW)


def outcomes(report: Ob2Report) -> dict[str, str]:
    return {check.id: check.outcome for check in report.checks}


def detail(report: Ob2Report, check_id: str) -> str:
    check = report.check(check_id)
    assert check is not None, outcomes(report)
    return check.detail


# --- OB 2.0 baking (https://www.imsglobal.org/sites/default/files/Badges/OBv2p0Final/baking/) ---


def bake_ob2_png(png: bytes, text: str) -> bytes:
    """`png` with an uncompressed iTXt chunk, keyword `openbadges`, right after IHDR."""
    data = b"openbadges\x00\x00\x00\x00\x00" + text.encode("utf-8")
    new_chunk = (
        struct.pack(">I", len(data))
        + b"iTXt"
        + data
        + struct.pack(">I", zlib.crc32(b"iTXt" + data))
    )
    ihdr_end = len(PNG_SIGNATURE) + 8 + struct.unpack_from(">I", png, len(PNG_SIGNATURE))[0] + 4
    return png[:ihdr_end] + new_chunk + png[ihdr_end:]


def bake_ob2_svg(svg: str, *, assertion: Mapping[str, Any] | None = None, verify: str = "") -> str:
    """`svg` with `<openbadges:assertion verify="…">` (JSON in CDATA when given) first inside."""
    body = f"<![CDATA[{json.dumps(assertion)}]]>" if assertion is not None else ""
    element = f'<openbadges:assertion verify="{verify}">{body}</openbadges:assertion>'
    match = re.search(r"<svg\b[^>]*>", svg)
    assert match is not None
    start_tag = match.group(0)[:-1] + ' xmlns:openbadges="http://openbadges.org">'
    return svg[: match.start()] + start_tag + element + svg[match.end() :]
