"""Identity strings and controlled-vocabulary concepts of the ELM v3.2 EDC application profile.

Sources: the EC samples `Credentials/JSON-LD Examples (ELM v3)/Sample-MC-Annex1-unsigned.jsonld`
and `rdf/samples/credential-sample.jsonld` (European-Learning-Model, branch EDC-3.2-(LTS)), and
the shapes `rdf/ap/edc/EDC-generic-full.ttl` (which scheme each controlled property uses).
Where credex has a value for which no EU concept IRI is shipped with credex (e.g. on-site
participation), a local `urn:epass:concept:` concept is used, as the EC sample does for its
assessment type; `schemas/elm-mapping.md` lists which.
"""

from __future__ import annotations

from typing import Any

import pycountry

VC_V1_CONTEXT = "https://www.w3.org/2018/credentials/v1"
ELM_CONTEXT = "http://data.europa.eu/snb/model/context/edc-ap"
STATUS_CONTEXT = "https://www.w3.org/ns/credentials/status/v1"
DATA_INTEGRITY_CONTEXT = "https://w3id.org/security/data-integrity/v2"
ELM_TYPE = ["VerifiableCredential", "EuropeanDigitalCredential"]
ELM_SCHEMA = {
    "id": "http://data.europa.eu/snb/model/ap/edc-generic-full",
    "type": "ShaclValidator2017",
}

SNB = "http://data.europa.eu/snb"
AUTHORITY = "http://publications.europa.eu/resource/authority"
COUNTRY_SCHEME = f"{AUTHORITY}/country"
LANGUAGE_SCHEME = f"{AUTHORITY}/language"
ESCO_SKILL_SCHEME = "http://data.europa.eu/esco/concept-scheme/skills"
LOCAL_SCHEME = "urn:epass:conceptScheme:credex"

GENERIC_PROFILE = (f"{SNB}/credential/e34929035b", f"{SNB}/credential/25831c2", "Generic")
ECTS = (
    f"{SNB}/education-credit/6fcec5c5af",
    f"{SNB}/education-credit/25831c2",
    "European Credit Transfer System",
)
EQF_SCHEME = f"{SNB}/eqf/25831c2"
EVIDENCE_TYPE = (f"{SNB}/evidence-type/c_18016257", f"{SNB}/evidence-type/25831c2", None)

_ASSESSMENT_MODE = f"{SNB}/learning-assessment/25831c2"
# Annex I element 10, "form of participation": credex value -> (concept, scheme, English label)
PARTICIPATION_MODES: dict[str, tuple[str, str, str]] = {
    "online": (f"{SNB}/learning-assessment/920fbb3cbe", _ASSESSMENT_MODE, "Online"),
    "blended": (f"{SNB}/learning-assessment/e92d221e4d", _ASSESSMENT_MODE, "Blended"),
    "onsite": ("urn:epass:concept:credex:onsite", LOCAL_SCHEME, "Onsite"),
}
_SUPERVISION = f"{SNB}/supervision-verification/25831c2"
# Annex I optional element "supervision and identity verification during assessment"
SUPERVISION: dict[str, tuple[str, str, str]] = {
    "unsupervised_no_id_check": (
        f"{SNB}/supervision-verification/c598449d64",
        _SUPERVISION,
        "Unsupervised without ID Verification",
    ),
    "supervised_no_id_check": (
        "urn:epass:concept:credex:supervised-no-id-check",
        LOCAL_SCHEME,
        "Supervised without ID Verification",
    ),
    "supervised_with_id_check": (
        "urn:epass:concept:credex:supervised-with-id-check",
        LOCAL_SCHEME,
        "Supervised with ID Verification",
    ),
}
ASSESSMENT_TYPE_CONCEPT = "urn:epass:concept:credex:assessment-type"
QUALITY_ASSURANCE_SUBJECT = (
    "urn:epass:concept:credex:quality-assurance",
    LOCAL_SCHEME,
    "Quality assurance",
)
ACCREDITATION_SUBJECT = ("urn:epass:concept:credex:accreditation", LOCAL_SCHEME, "Accreditation")
STACKABILITY_SUBJECT = (
    "urn:epass:concept:credex:stackability",
    LOCAL_SCHEME,
    "Integration / stackability",
)
FURTHER_INFORMATION_SUBJECT = (
    "urn:epass:concept:credex:further-information",
    LOCAL_SCHEME,
    "Further information",
)
PASSED = {
    "en": "Passed",
    "fr": "Réussi",
    "it": "Superato",
    "el": "Επιτυχία",
    "de": "Bestanden",
    "es": "Superado",
}


def concept(iri: str, scheme: str, label: dict[str, str] | None = None) -> dict[str, Any]:
    """A skos:Concept reference with its scheme (the full shapes check `inScheme`)."""
    node: dict[str, Any] = {
        "id": iri,
        "type": "Concept",
        "inScheme": {"id": scheme, "type": "ConceptScheme"},
    }
    if label:
        node["prefLabel"] = label
    return node


def country_concept(alpha_2: str) -> dict[str, Any]:
    """EU Publications Office country authority concept (alpha-3 code) for an ISO alpha-2 code."""
    country = pycountry.countries.get(alpha_2=alpha_2.upper())
    if country is None:
        raise ValueError(f"unknown ISO 3166-1 alpha-2 country code {alpha_2!r}")
    return concept(f"{COUNTRY_SCHEME}/{country.alpha_3}", COUNTRY_SCHEME, {"en": country.name})


def language_concept(tag: str) -> dict[str, Any]:
    """EU language authority concept for a BCP 47 tag (its primary ISO 639 subtag)."""
    primary = tag.split("-", 1)[0].lower()
    language = (
        pycountry.languages.get(alpha_2=primary)
        if len(primary) == 2
        else pycountry.languages.get(alpha_3=primary)
    )
    if language is None:
        raise ValueError(f"unknown language tag {tag!r}")
    code = language.alpha_3.upper()
    return concept(f"{LANGUAGE_SCHEME}/{code}", LANGUAGE_SCHEME, {"en": language.name})
