"""The fast canonicalization path is byte-identical to the general path, or steps aside.

Hypothesis generates Open Badges credentials over a small set of shapes (so templates are both
built and reused) with hostile values: any unicode incl. control characters, quotes and
backslashes, lone surrogates, IRIs of every kind (absolute, relative, compact-looking, blank
node ids, with spaces or forbidden characters), optional fields present and absent, numbers,
booleans, nested arrays and language value objects; the issuer's profile repeated as the
achievement's creator (duplicate quads); and proof configurations (the proof options with the
credential's @context, the other document each signature hashes). For each, the fast path must
return exactly the general path's canonical N-Quads, or None; it must never answer where the
general path raises. CI runs a bounded budget; `python -m benchmarks fastpath-proof` a larger one.
"""

from __future__ import annotations

import os
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from credex.core.canon import canonicalize, canonicalize_general
from credex.core.errors import CoreError
from credex.core.fastcanon import canonicalize_fast, stats

EXAMPLES = int(os.environ.get("CREDEX_FASTPATH_EXAMPLES", "300"))

hostile_text = st.one_of(
    st.text(max_size=40),
    st.text(
        alphabet=st.sampled_from(list('"\\\n\r\t\x00\x07\x08\x0b\x0c\x1f\x7f{}<>é€𝄞 ')), max_size=12
    ),
    st.sampled_from(["", " ", "@id", "@type", "urn:x", "{s0}", "{{", "_:b0", "\x01b0\x02"]),
)
absolute_iris = st.one_of(
    st.builds(lambda n: f"https://example.org/things/{n}", st.integers(0, 10**9)),
    st.builds(lambda n: f"urn:uuid:00000000-0000-4000-8000-{n:012d}", st.integers(0, 10**11)),
    st.builds(
        lambda s: f"did:key:z6Mk{s}",
        st.text(alphabet="abcdefghijkLMNOP123", min_size=3, max_size=10),
    ),
    st.builds(
        lambda s: f"mailto:{s}@example.org", st.text(alphabet="abcxyz", min_size=1, max_size=6)
    ),
    st.just("http://example.org/é/ünïcode"),
)
any_iris = st.one_of(
    absolute_iris,
    st.sampled_from(
        [
            "relative/path",
            "#frag",
            "../up",
            "",
            "ob:Thing",
            "_:b1",
            "https://exa mple.org",
            "https://example.org/<bad>",
            'https://example.org/"q"',
            "tag:example.org,2026:x",
            "https://example.org/{x}",
            "data:,hello",
        ]
    ),
)


def language_value(text: str, language: str) -> dict[str, str]:
    return {"@value": text, "@language": language}


@st.composite
def credentials(draw: Any) -> dict[str, Any]:
    # Three documents in ten get hostile IRIs anywhere; the rest stay valid, so most examples
    # exercise substitution rather than only the refusal paths.
    iri_values = any_iris if draw(st.integers(0, 9)) < 3 else absolute_iris
    has = {
        name: draw(st.booleans())
        for name in ("name_lv", "desc", "until", "evidence", "result", "image")
    }
    alignments = draw(st.integers(0, 3))
    identifiers = draw(st.integers(0, 2))
    achievement: dict[str, Any] = {
        "id": draw(iri_values),
        "type": ["Achievement"],
        "name": draw(hostile_text),
        "description": draw(hostile_text),
        "criteria": {"narrative": draw(hostile_text)},
        "alignment": [
            {
                "type": ["Alignment"],
                "targetName": draw(hostile_text),
                "targetUrl": draw(iri_values),
                "targetCode": draw(hostile_text),
            }
            for _ in range(alignments)
        ],
        "creditsAvailable": draw(st.sampled_from([1, 2, 2.5, 0, 10])),
        "tag": draw(st.lists(hostile_text, max_size=2)),
    }
    if has["image"]:
        achievement["image"] = {"id": draw(iri_values), "type": "Image"}
    subject: dict[str, Any] = {
        "type": ["AchievementSubject"],
        "achievement": achievement,
        "identifier": [
            {
                "type": "IdentityObject",
                "hashed": draw(st.booleans()),
                "identityHash": draw(hostile_text),
                "identityType": "emailAddress",
                "salt": draw(hostile_text),
            }
            for _ in range(identifiers)
        ],
    }
    if draw(st.booleans()):
        subject["id"] = draw(iri_values)
    if has["result"]:
        subject["result"] = [{"type": ["Result"], "value": draw(hostile_text)}]
    if draw(st.booleans()):  # one property, several values: their order is known only at run time
        subject["name"] = draw(st.lists(hostile_text, min_size=2, max_size=3))
    credential: dict[str, Any] = {
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        ],
        "id": draw(iri_values),
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": draw(iri_values), "type": ["Profile"], "name": draw(hostile_text)},
        "validFrom": draw(st.sampled_from(["2026-01-01T00:00:00Z", "2026-13-99", "yesterday"])),
        "credentialSubject": subject,
    }
    if has["name_lv"]:
        credential["name"] = [
            language_value(draw(hostile_text), "en"),
            language_value(draw(hostile_text), draw(st.sampled_from(["it", "pt-BR", "de"]))),
        ]
    if has["desc"]:
        credential["description"] = draw(hostile_text)
    if draw(st.integers(0, 9)) == 0:  # lone surrogates: JSON allows them, RDF does not
        credential["description"] = draw(st.sampled_from(["\ud800", "a\udfffb"]))
    if has["until"]:
        credential["validUntil"] = "2030-01-01T00:00:00Z"
    if draw(st.booleans()):  # the issuer again, as credex writes the achievement's creator
        creator = dict(credential["issuer"])
        if draw(st.integers(0, 3)) == 0:
            creator["name"] = draw(hostile_text)
        achievement["creator"] = creator
    if has["evidence"]:
        credential["evidence"] = [
            {"id": draw(iri_values), "type": ["Evidence"], "narrative": draw(hostile_text)}
            for _ in range(draw(st.integers(1, 2)))
        ]
    return credential


CREDENTIAL_CONTEXTS = [
    ["https://www.w3.org/ns/credentials/v2"],
    [
        "https://www.w3.org/ns/credentials/v2",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    ],
]


@st.composite
def proof_configurations(draw: Any) -> dict[str, Any]:
    """Proof options as the cryptosuites canonicalize them: the proof, minus proofValue, with
    the credential's @context (e.g. vc-di-eddsa §3.2.5)."""
    hostile_iris = st.one_of(absolute_iris, any_iris)
    config: dict[str, Any] = {"type": "DataIntegrityProof"}
    if draw(st.booleans()):
        config["id"] = draw(hostile_iris)
    config["cryptosuite"] = draw(st.sampled_from(["eddsa-rdfc-2022", "ecdsa-rdfc-2019"]))
    config["created"] = draw(
        st.one_of(
            st.sampled_from(["2026-01-01T00:00:00Z", "2026-03-01T09:00:00.123+02:00"]),
            hostile_text,
        )
    )
    if draw(st.booleans()):
        config["expires"] = "2030-01-01T00:00:00Z"
    config["verificationMethod"] = draw(
        st.one_of(st.builds(lambda iri: f"{iri}#key-1", absolute_iris), hostile_iris)
    )
    config["proofPurpose"] = draw(
        st.one_of(
            st.sampled_from(["assertionMethod", "authentication", "capabilityInvocation"]),
            hostile_iris,
            hostile_text,
        )
    )
    for name in ("domain", "challenge", "nonce"):
        if draw(st.integers(0, 3)) == 0:
            config[name] = draw(hostile_text)
    if draw(st.integers(0, 3)) == 0:
        config["previousProof"] = draw(st.one_of(hostile_iris, st.lists(absolute_iris, max_size=2)))
    config["@context"] = draw(st.sampled_from(CREDENTIAL_CONTEXTS))
    return config


def _general(doc: dict[str, Any]) -> str | None:
    try:
        return canonicalize_general(doc)
    except CoreError:
        return None


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(credentials())
def test_fast_path_is_byte_identical_or_steps_aside(doc: dict[str, Any]) -> None:
    fast = canonicalize_fast(doc)
    if fast is not None:
        general = _general(doc)
        assert general is not None, "fast path answered where the general path refuses"
        assert fast == general


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(proof_configurations())
def test_proof_configurations_are_byte_identical_or_step_aside(config: dict[str, Any]) -> None:
    fast = canonicalize_fast(config)
    if fast is not None:
        general = _general(config)
        assert general is not None, "fast path answered where the general path refuses"
        assert fast == general


def test_values_that_make_two_quads_one_are_canonicalized_once() -> None:
    """Equal values can turn two template quads into one quad; the dataset holds it once."""
    subject: dict[str, Any] = {"id": "did:example:learner", "name": ["x", "y"]}
    doc: dict[str, Any] = {
        "@context": CREDENTIAL_CONTEXTS[0],
        "id": "urn:uuid:dup",
        "type": ["VerifiableCredential"],
        "issuer": "did:example:issuer",
        "credentialSubject": subject,
    }
    assert canonicalize_fast(doc) == canonicalize_general(doc)  # builds the template
    subject["name"] = ["same", "same"]
    fast = canonicalize_fast(doc)  # no blank nodes: the fast path answers
    assert fast == canonicalize_general(doc)
    assert fast is not None
    assert fast.count('"same"') == 1
    # A duplicate among a blank node's own quads would change its first-degree hash: the fast
    # path steps aside and the general path answers.
    del subject["id"]
    subject["name"] = ["x", "y"]
    assert canonicalize_fast(doc) is not None
    subject["name"] = ["same", "same"]
    assert canonicalize_fast(doc) is None
    assert canonicalize(doc) == canonicalize_general(doc)


def test_the_issuer_repeated_as_creator_keeps_the_fast_path() -> None:
    """credex writes the issuer's profile twice (issuer, achievement creator): its quads are
    duplicates, which blank nodes elsewhere (the subject) do not care about."""

    def credential(issuer: str, creator: str) -> dict[str, Any]:
        return {
            "@context": CREDENTIAL_CONTEXTS[1],
            "id": "urn:uuid:creator",
            "type": ["VerifiableCredential", "OpenBadgeCredential"],
            "issuer": {"id": issuer, "type": ["Profile"], "name": "Lab"},
            "validFrom": "2026-01-01T00:00:00Z",
            "credentialSubject": {
                "type": ["AchievementSubject"],
                "achievement": {
                    "id": "https://example.org/a/1",
                    "type": ["Achievement"],
                    "name": "N",
                    "criteria": {"narrative": "C"},
                    "creator": {"id": creator, "type": ["Profile"], "name": "Lab"},
                },
            },
        }

    first = credential("did:example:one", "did:example:two")
    assert canonicalize_fast(first) == canonicalize_general(first)
    repeated = credential("did:example:one", "did:example:one")
    fast = canonicalize_fast(repeated)
    assert fast is not None
    assert fast == canonicalize_general(repeated)


def test_fast_path_takes_most_ordinary_credentials() -> None:
    """The differential test above is only meaningful if the fast path actually answers."""
    before = stats.fast
    doc = {
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        ],
        "id": "urn:uuid:1",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": "did:key:z6Mkabc", "type": ["Profile"], "name": "A"},
        "validFrom": "2026-01-01T00:00:00Z",
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "id": "did:example:learner",
            "achievement": {
                "id": "https://example.org/a/1",
                "type": ["Achievement"],
                "name": "N",
                "description": "D",
                "criteria": {"narrative": "C"},
            },
        },
    }
    for n in range(20):
        doc["id"] = f"urn:uuid:{n}"
        doc["credentialSubject"]["achievement"]["name"] = f'name "{n}" \\ \n'
        assert canonicalize_fast(doc) == canonicalize_general(doc)
    assert stats.fast - before == 20
