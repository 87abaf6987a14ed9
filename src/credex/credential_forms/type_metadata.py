"""SD-JWT VC Type Metadata for the types credex issues (draft-ietf-oauth-sd-jwt-vc-18 §6).

- `urn:eu.europa.ec.eudi:learning:credential:1`: the EU Digital Identity Wallet Learning
  Credential, served exactly as the EUDI issuer publishes it (eudi-srv-pid-issuer
  `vct/learning_credential.json`).
- `urn:eudi:micro_credential:1`: DC4EU's OB 3.0-shaped micro-credential, corrected to the
  current draft: `locale` for `lang`, claims paths `["resultDescription", 0, …]` for
  `"resultDescription[0]"`, OB's `addressCountryCode`, no `extends#integrity` without `extends`,
  no third-party rendering URLs; plus `credentialSubject.identifier` as `sd: "always"`.

Which claims are selectively disclosable comes from here (`sd: "always"`), so what is served and
what is issued cannot drift apart. Served at `<base>/type-metadata/<vct>` (the EUDI issuer's
path). Credentials carry no `vct#integrity`: a wallet may hold DC4EU's own copy of the
micro-credential type, whose bytes differ from the corrected one served here.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

from credex.core.sdjwt import ClaimPath

LEARNING_CREDENTIAL = "urn:eu.europa.ec.eudi:learning:credential:1"
MICRO_CREDENTIAL = "urn:eudi:micro_credential:1"
_FILES = {LEARNING_CREDENTIAL: "learning_credential.json", MICRO_CREDENTIAL: "microcredential.json"}
VCTS = tuple(_FILES)


@cache
def served_bytes(vct: str) -> bytes:
    """The type metadata document exactly as served (KeyError for an unknown vct)."""
    package = resources.files("credex.credential_forms") / "type_metadata"
    return (package / _FILES[vct]).read_bytes()


def type_metadata(vct: str) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(served_bytes(vct))
    return document


def selectively_disclosable(vct: str) -> list[ClaimPath]:
    """Claims paths the type marks `sd: "always"`."""
    return [
        tuple(claim["path"])
        for claim in type_metadata(vct)["claims"]
        if claim.get("sd") == "always"
    ]


def mandatory_claims(vct: str) -> list[str]:
    """Top-level claims the type marks `mandatory: true`."""
    return [
        claim["path"][0]
        for claim in type_metadata(vct)["claims"]
        if claim.get("mandatory") and len(claim["path"]) == 1
    ]


def type_metadata_url(vct: str, base_url: str) -> str:
    return f"{base_url}/type-metadata/{vct}"
