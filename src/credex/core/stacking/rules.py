"""Stacking rule requirements (pure): the expression tree, its parsing and its validation.

A requirement is a tree: `achievement` leaves, `all_of` / `n_of` over sub-requirements,
`min_credits` (a sum of ECTS over the facts a filter selects), `min_eqf_level`, and `within` (a
time window over its subtree). Validation on save rejects unknown achievements, impossible
thresholds and cycles between rules, each with a JSON pointer into the request body.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PlainSerializer,
    TypeAdapter,
    ValidationError,
)

MAX_NODES = 200
MAX_DEPTH = 8


def _number(value: Decimal) -> int | float:
    """A JSON number, not pydantic's string: `5`, `4.5`."""
    return int(value) if value == value.to_integral_value() else float(value)


class _Node(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class AchievementRequirement(_Node):
    """Holds a credential for this achievement (a UUID of the issuer's own, or an external URL)."""

    type: Literal["achievement"]
    achievement: Annotated[str, Field(min_length=1, max_length=2048)]


class AllOf(_Node):
    type: Literal["all_of"]
    of: Annotated[list[Requirement], Field(min_length=1, max_length=100)]


class NOf(_Node):
    type: Literal["n_of"]
    n: Annotated[int, Field(ge=1)]
    of: Annotated[list[Requirement], Field(min_length=1, max_length=100)]


class CreditFilter(_Node):
    """Which facts a credit sum counts; empty lists mean "any". `achievements` closes the list."""

    frameworks: list[Annotated[str, Field(max_length=2048)]] = Field(default=[], max_length=50)
    competency_codes: list[Annotated[str, Field(max_length=100)]] = Field(
        default=[], max_length=200
    )
    min_eqf_level: Annotated[int, Field(ge=1, le=8)] | None = None
    issuers: list[Annotated[str, Field(max_length=2048)]] = Field(default=[], max_length=50)
    achievements: list[Annotated[str, Field(max_length=2048)]] = Field(default=[], max_length=100)


class MinCredits(_Node):
    type: Literal["min_credits"]
    credits: Annotated[
        Decimal,
        Field(gt=0, le=1000, max_digits=7, decimal_places=2),
        PlainSerializer(_number, return_type=int | float, when_used="json"),
    ]
    filter: CreditFilter = CreditFilter()


class MinEqfLevel(_Node):
    """At least `count` counted credentials at EQF level `level` or above."""

    type: Literal["min_eqf_level"]
    level: Annotated[int, Field(ge=1, le=8)]
    count: Annotated[int, Field(ge=1, le=100)] = 1


class Within(_Node):
    type: Literal["within"]
    months: Annotated[int, Field(ge=1, le=240)]
    relative_to: Literal["each_other", "now"] = "each_other"
    of: Requirement


Requirement = Annotated[
    AchievementRequirement | AllOf | NOf | MinCredits | MinEqfLevel | Within,
    Field(discriminator="type"),
]
for _model in (AllOf, NOf, Within):
    _model.model_rebuild()
_requirement: TypeAdapter[Requirement] = TypeAdapter(Requirement)


@dataclass(frozen=True)
class Problem:
    pointer: str
    detail: str


class RuleInvalid(ValueError):
    """The requirement is malformed or impossible; `problems` point into the request body."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(f"{p.pointer}: {p.detail}" for p in problems))
        self.problems = problems


def parse_requirement(data: Any, at: str = "/requirement") -> Requirement:
    """The typed tree, or `RuleInvalid` with JSON pointers (union tags left out of them)."""
    try:
        parsed: Requirement = _requirement.validate_python(data)
    except ValidationError as exc:
        problems = [Problem(_pointer(data, e["loc"], at), e["msg"]) for e in exc.errors()]
        raise RuleInvalid(problems) from exc
    return parsed


def requirement_json(requirement: Requirement) -> dict[str, Any]:
    """The tree as stored and shown: JSON types, defaults left out."""
    data: dict[str, Any] = _requirement.dump_python(requirement, mode="json", exclude_defaults=True)
    return data


def _pointer(data: Any, loc: Sequence[int | str], at: str) -> str:
    parts, node, tag_skipped = [], data, False
    for segment in loc:
        if isinstance(node, dict) and not tag_skipped and node.get("type") == segment:
            tag_skipped = True  # pydantic names the union member first; the document does not
            continue
        parts.append(str(segment).replace("~", "~0").replace("/", "~1"))
        node = node.get(segment) if isinstance(node, dict) else _item(node, segment)
        tag_skipped = False
    return at + "".join("/" + part for part in parts)


def _item(node: Any, index: int | str) -> Any:
    if isinstance(node, list) and isinstance(index, int) and 0 <= index < len(node):
        return node[index]
    return None


def _children(node: Requirement) -> list[tuple[str, Requirement]]:
    if isinstance(node, AllOf | NOf):
        return [(f"/of/{i}", child) for i, child in enumerate(node.of)]
    if isinstance(node, Within):
        return [("/of", node.of)]
    return []


def walk(node: Requirement, at: str = "/requirement") -> Iterable[tuple[str, Requirement, int]]:
    """Every node with its pointer and depth (root depth 0)."""
    stack = [(at, node, 0)]
    while stack:
        pointer, current, depth = stack.pop()
        yield pointer, current, depth
        stack.extend((pointer + sub, child, depth + 1) for sub, child in _children(current))


def referenced_achievements(node: Requirement, at: str = "/requirement") -> list[tuple[str, str]]:
    """(pointer, reference) of every achievement the tree names, leaves and closed credit lists."""
    found: list[tuple[str, str]] = []
    for pointer, current, _ in walk(node, at):
        if isinstance(current, AchievementRequirement):
            found.append((pointer + "/achievement", current.achievement))
        elif isinstance(current, MinCredits):
            found += [
                (f"{pointer}/filter/achievements/{i}", ref)
                for i, ref in enumerate(current.filter.achievements)
            ]
    return found


@dataclass(frozen=True)
class AchievementInfo:
    """What validation knows about a referenced achievement (None: external, unknown)."""

    key: str
    name: str
    ects: Decimal | None = None
    eqf_level: int | None = None


def validate_rule(
    target: str,
    requirement: Requirement,
    known: Mapping[str, AchievementInfo | None],
    other_rules: Mapping[str, set[str]],
) -> list[Problem]:
    """Unknown achievements, impossible thresholds and cycles between rules.

    `known` maps every reference the tree makes to its achievement (None when unknown);
    `other_rules` maps each other rule's target key to the keys its requirement names.
    """
    problems = [
        Problem(pointer, f"no achievement {ref} of this issuer")
        for pointer, ref in referenced_achievements(requirement)
        if known.get(ref) is None
    ]
    nodes = list(walk(requirement))
    if len(nodes) > MAX_NODES or max(depth for _, _, depth in nodes) > MAX_DEPTH:
        problems.append(
            Problem("/requirement", f"at most {MAX_NODES} nodes, nested {MAX_DEPTH} deep")
        )
    for pointer, node, _ in nodes:
        problems += _impossible(pointer, node, known)
    if not problems:
        problems += _cycles(target, requirement, known, other_rules)
    return problems


def _impossible(
    pointer: str, node: Requirement, known: Mapping[str, AchievementInfo | None]
) -> list[Problem]:
    if isinstance(node, NOf) and node.n > len(node.of):
        return [Problem(pointer + "/n", f"{node.n} needed but only {len(node.of)} listed")]
    if isinstance(node, MinCredits) and node.filter.achievements:
        infos = [known.get(ref) for ref in node.filter.achievements]
        if any(info is None or info.ects is None for info in infos):
            return []  # external achievements: their credits cannot be known in advance
        floor = node.filter.min_eqf_level or 0
        reachable = sum(
            (info.ects for info in infos if info and info.ects and (info.eqf_level or 0) >= floor),
            Decimal(0),
        )
        if reachable < node.credits:
            detail = f"the listed achievements reach only {format_decimal(reachable)} ECTS"
            return [Problem(pointer + "/credits", detail)]
    return []


def _cycles(
    target: str,
    requirement: Requirement,
    known: Mapping[str, AchievementInfo | None],
    other_rules: Mapping[str, set[str]],
) -> list[Problem]:
    """A rule may not need (directly or through other rules) the achievement it awards."""
    keys = {info.key for _, ref in referenced_achievements(requirement) if (info := known[ref])}
    graph = {**other_rules, target: keys}
    path = _path(graph, target, target, [target], set())
    if path is None:
        return []
    return [Problem("/requirement", "a cycle between rules: " + " → ".join(path))]


def _path(
    graph: Mapping[str, set[str]], node: str, goal: str, path: list[str], seen: set[str]
) -> list[str] | None:
    for nxt in sorted(graph.get(node, set())):
        if nxt == goal:
            return [*path, nxt]
        if nxt not in seen:
            seen.add(nxt)
            found = _path(graph, nxt, goal, [*path, nxt], seen)
            if found:
                return found
    return None


def format_decimal(value: Decimal) -> str:
    """`4.5`, `6`: no exponent, no trailing zeros."""
    text = format(value.normalize(), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text
