"""National qualifications frameworks (NQF), each level referenced to an EQF level.

The EQF Recommendation (2017/C 189/03, Annex III) asks each country to reference its NQF levels
to the eight EQF levels in a published report; the seed data (`nqf_seed.json`) copies those
referencings and names the source of every level. An achievement may state a national level
beside its EQF level; credentials then carry both alignments and reports read
"EQF 5 (France: niveau 5)".
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Any

import pycountry
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from credex.db.models import NqfLevel
from credex.errors import InvalidInput, NotFound, field_error

# The EU writes Greece as EL (Interinstitutional Style Guide); ISO 3166 says GR.
_EU_CODES = {"EL": "Greece", "UK": "United Kingdom"}


def country_name(code: str) -> str:
    if code in _EU_CODES:
        return _EU_CODES[code]
    found = pycountry.countries.get(alpha_2=code)
    return str(found.name) if found is not None else code


def normalise_country(code: str) -> str:
    upper = code.strip().upper()
    if upper == "GR":
        return "EL"
    if upper not in _EU_CODES and pycountry.countries.get(alpha_2=upper) is None:
        raise NotFound(f"{code!r} is not a country code (ISO 3166-1 alpha-2, EL for Greece)")
    return upper


@dataclass(frozen=True)
class NationalLevel:
    """What credentials and reports need of one level: country, level, label, EQF level."""

    country: str
    framework: str
    level: str
    label: str
    eqf: int

    @property
    def country_name(self) -> str:
        return country_name(self.country)


def levels_of(session: Session, country: str) -> Sequence[NqfLevel]:
    stmt = select(NqfLevel).where(NqfLevel.country == country).order_by(NqfLevel.position)
    return session.scalars(stmt).all()


def get_framework(session: Session, country: str) -> dict[str, Any]:
    code = normalise_country(country)
    rows = levels_of(session, code)
    if not rows:
        raise NotFound(f"no national qualifications framework is recorded for {code}")
    return framework_dict(code, rows)


def framework_dict(code: str, rows: Sequence[NqfLevel]) -> dict[str, Any]:
    return {
        "country": code,
        "country_name": country_name(code),
        "framework": rows[0].framework if rows else None,
        "levels": [
            {"level": r.level, "label": r.label, "eqf": r.eqf, "source": r.source} for r in rows
        ],
    }


def put_framework(
    session: Session, country: str, framework: str, levels: Sequence[dict[str, Any]]
) -> Sequence[NqfLevel]:
    """Replace a country's levels (one transaction: the caller's unit of work)."""
    code = normalise_country(country)
    seen: set[str] = set()
    errors = []
    for index, entry in enumerate(levels):
        if entry["level"] in seen:
            errors.append(field_error(f"/levels/{index}/level", "this level appears twice"))
        seen.add(entry["level"])
    if errors:
        raise InvalidInput("the levels are not consistent", errors=errors)
    session.execute(delete(NqfLevel).where(NqfLevel.country == code))
    session.flush()
    for position, entry in enumerate(levels):
        session.add(
            NqfLevel(
                country=code,
                framework=framework,
                level=entry["level"],
                label=entry["label"],
                eqf=entry["eqf"],
                source=entry["source"],
                position=position,
            )
        )
    session.flush()
    return levels_of(session, code)


def find_level(session: Session, country: str, level: str) -> NationalLevel | None:
    row = session.scalar(
        select(NqfLevel).where(NqfLevel.country == country, NqfLevel.level == level)
    )
    if row is None:
        return None
    return NationalLevel(row.country, row.framework, row.level, row.label, row.eqf)


def seed_data() -> dict[str, Any]:
    text = resources.files("credex.recognition").joinpath("nqf_seed.json").read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def seed(session: Session, *, replace: bool = False) -> list[str]:
    """Load the shipped referencings; countries already recorded stay unless `replace`."""
    loaded = []
    for entry in seed_data()["countries"]:
        if levels_of(session, entry["country"]) and not replace:
            continue
        put_framework(session, entry["country"], entry["framework"], entry["levels"])
        loaded.append(entry["country"])
    return loaded
