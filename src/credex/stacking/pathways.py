"""A learner's pathways: progress per rule, and awarding what has become due.

`award_after_issuance` is what issuance calls (through `credex.issuance.followups`, registered
below) after each credential or bulk chunk it issues; `evaluate_and_award` is what
`POST /learners/{id}/pathways/evaluate` calls. For a learner record created in the same
transaction it first checks, in memory, whether the new credentials alone satisfy a rule (the
usual answer is no, and then nothing is locked or loaded). Otherwise it locks the learner row
first, so evaluations for one learner run one after another (two issuances that each complete
a rule cannot both miss it), and the awards' unique (rule, learner) constraint makes a second
award impossible even so. An award is itself a credential and may complete a further rule,
hence the rounds.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session

from credex.achievements.public import achievement_url
from credex.core.stacking import (
    Evaluation,
    MinCredits,
    Progress,
    evaluate_rule,
    referenced_achievements,
    walk,
)
from credex.db.base import utcnow
from credex.db.epoch import epoch_cached
from credex.db.models import Achievement, Award, Credential, Learner, StackingRule
from credex.errors import NotFound
from credex.issuance.followups import register_followup
from credex.issuers.public import issuer_did
from credex.settings import Settings, get_settings
from credex.stacking import external, repository
from credex.stacking.award import award_stacked
from credex.stacking.facts import (
    Component,
    achievement_key,
    achievement_name,
    labels,
    learner_components,
    own_components,
)
from credex.stacking.service import rule_requirement


@dataclass(frozen=True)
class PathwayView:
    """One rule's progress for one learner record (what the API, the page and the wallet show)."""

    rule: StackingRule
    learner_id: uuid.UUID
    target_name: str
    progress: Progress
    components: dict[str, Component]  # by id (URL): everything `progress` may mention
    not_counted: list[tuple[str, str]]  # (id, why)
    award: Award | None

    @property
    def counted(self) -> list[Component]:
        return [self.components[i] for i in self.progress.counted if i in self.components]


def evaluate_and_award(
    session: Session,
    issuer_id: uuid.UUID,
    learner_id: uuid.UUID,
    settings: Settings,
    *,
    actor: str,
    rules: Sequence[StackingRule] | None = None,
    new_learner_credentials: Sequence[tuple[Credential, Achievement]] | None = None,
) -> list[Award]:
    """Award every stacked credential of `issuer_id` that the learner has become due for.

    `rules`: the issuer's active rules when the caller loaded them already (bulk issuance).
    `new_learner_credentials`: the learner record was created in this very transaction and
    these are all its credentials. Nobody else can have given it credentials, imports or awards
    yet, so when no rule is satisfied by these alone there is nothing to award, and the learner
    needs neither locking nor loading: the common case of issuing to a new learner costs no
    query beyond the rules.
    """
    if rules is None:
        rules = repository.issuer_rules(session, issuer_id, active_only=True)
    if not rules:
        return []  # the common case on the issuance path: one indexed query
    if new_learner_credentials is not None and not _any_due(
        session, issuer_id, rules, new_learner_credentials, settings
    ):
        return []
    # Awarding writes rows that refer to the rules: use this session's own copies (`rules` may
    # be the process's cached, detached ones, see `active_rules`).
    rules = repository.issuer_rules(session, issuer_id, active_only=True)
    learner = repository.lock_learner(session, issuer_id, learner_id)
    if learner is None:
        raise NotFound(f"no learner {learner_id}")
    awarded: list[Award] = []
    for _ in range(len(rules) + 1):
        award = _award_one(session, learner, rules, settings, actor)
        if award is None:
            break
        awarded.append(award)
    return awarded


def active_rules(session: Session, issuer_id: uuid.UUID) -> Sequence[StackingRule]:
    """The issuer's active rules, kept per process until the change epoch moves (any rule
    written bumps it: `credex.db.epoch`). Detached and shared: read them, never modify or
    attach them (awarding reloads its own)."""
    return epoch_cached(
        session,
        "stacking-rules",
        issuer_id,
        lambda: tuple(repository.issuer_rules(session, issuer_id, active_only=True)),
    )


def award_after_issuance(
    session: Session,
    issuer_id: uuid.UUID,
    issued: Sequence[tuple[Credential, Achievement]],
    new_learners: Collection[uuid.UUID],
    settings: Settings,
    *,
    actor: str,
) -> list[Award]:
    """`evaluate_and_award` for the learners of a bulk chunk's (credential, achievement) pairs;
    `new_learners`: the learner records the chunk's transaction created.

    Known learners are locked together (one statement, in id order, so two chunks cannot
    deadlock) and their histories loaded together; only those with a rule due then go through
    `evaluate_and_award` one by one. A chunk costs a handful of queries, not five per row.
    """
    rules = active_rules(session, issuer_id)
    if not rules:
        return []
    by_learner: dict[uuid.UUID, list[tuple[Credential, Achievement]]] = {}
    for credential, achievement in issued:
        by_learner.setdefault(credential.learner_id, []).append((credential, achievement))
    known = sorted(learner for learner in by_learner if learner not in new_learners)
    # One learner (single issuance): `evaluate_and_award` locks and loads it by itself.
    single = len(by_learner) == 1
    due = set(known) if single else _due_among(session, issuer_id, known, rules, settings)
    awarded: list[Award] = []
    for learner_id, pairs in by_learner.items():
        if learner_id in new_learners or learner_id in due:
            awarded += evaluate_and_award(
                session,
                issuer_id,
                learner_id,
                settings,
                actor=actor,
                rules=rules,
                new_learner_credentials=pairs if learner_id in new_learners else None,
            )
    return awarded


def _due_among(
    session: Session,
    issuer_id: uuid.UUID,
    learner_ids: Sequence[uuid.UUID],
    rules: Sequence[StackingRule],
    settings: Settings,
) -> set[uuid.UUID]:
    """The learners (locked first) for whom some rule is satisfied, not awarded, not held."""
    if not learner_ids:
        return set()
    repository.lock_learners(session, issuer_id, learner_ids)
    components: dict[uuid.UUID, list[Component]] = {learner: [] for learner in learner_ids}
    for component in learner_components(session, issuer_id, learner_ids, settings.base_url):
        components[component.learner_id].append(component)
    done: dict[uuid.UUID, set[uuid.UUID]] = {learner: set() for learner in learner_ids}
    for award in repository.learner_awards(session, learner_ids):
        done[award.learner_id].add(award.rule_id)
    return {
        learner
        for learner in learner_ids
        if any(
            rule.id not in done[learner]
            and _progress(rule, components[learner], settings).satisfied
            and not _holds_target(rule, components[learner], settings.base_url)
            for rule in rules
        )
    }


def _any_due(
    session: Session,
    issuer_id: uuid.UUID,
    rules: Sequence[StackingRule],
    credentials: Sequence[tuple[Credential, Achievement]],
    settings: Settings,
) -> bool:
    """Whether some rule is satisfied by `credentials` alone (and its target not yet held)."""
    components = own_components(
        session,
        issuer_id,
        credentials,
        settings.base_url,
        with_competencies=any(_filters_by_alignment(rule) for rule in rules),
    )
    return any(
        _progress(rule, components, settings).satisfied
        and not _holds_target(rule, components, settings.base_url)
        for rule in rules
    )


def _filters_by_alignment(rule: StackingRule) -> bool:
    """A credit filter names frameworks or competencies: facts need their alignments."""
    return any(
        isinstance(node, MinCredits) and (node.filter.frameworks or node.filter.competency_codes)
        for _, node, _ in walk(rule_requirement(rule))
    )


def _award_one(
    session: Session,
    learner: Learner,
    rules: Sequence[StackingRule],
    settings: Settings,
    actor: str,
) -> Award | None:
    """Award the first rule that is due; None when none is (after re-checking externals)."""
    done = {award.rule_id for award in repository.learner_awards(session, [learner.id])}
    while True:
        components = learner_components(session, learner.issuer_id, [learner.id], settings.base_url)
        for rule in rules:
            if rule.id in done:
                continue
            progress = _progress(rule, components, settings)
            if not progress.satisfied or _holds_target(rule, components, settings.base_url):
                continue
            counted = [c for c in components if c.id in set(progress.counted)]
            externals = [c.external for c in counted if c.external is not None]
            if externals and not external.recheck(session, externals, settings):
                break  # something no longer verifies: evaluate again without it
            award = award_stacked(session, rule, learner, counted, settings, actor=actor)
            if award is not None:
                return award
            done.add(rule.id)
        else:
            return None


def learner_pathways(
    session: Session,
    learner_ids: Collection[uuid.UUID],
    settings: Settings | None = None,
    *,
    active_only: bool = True,
) -> list[PathwayView]:
    """Progress on every rule of each learner record's issuer (learners are issuer-scoped, so
    one person may hold records at several issuers; the wallet passes them all)."""
    settings = settings or get_settings()
    learners = [session.get(Learner, learner_id) for learner_id in learner_ids]
    views: list[PathwayView] = []
    for learner in learners:
        if learner is None:
            continue
        rules = repository.issuer_rules(session, learner.issuer_id, active_only=active_only)
        views += pathway_views(session, learner, rules, settings)
    return views


def pathway_views(
    session: Session, learner: Learner, rules: Sequence[StackingRule], settings: Settings
) -> list[PathwayView]:
    """Progress on `rules` (of the learner's issuer) for one learner record."""
    base_url = settings.base_url
    components = learner_components(session, learner.issuer_id, [learner.id], base_url)
    awards = {a.rule_id: a for a in repository.learner_awards(session, [learner.id])}
    targets = repository.achievements_by_id(session, {r.target_achievement_id for r in rules})
    named = _named_achievements(session, rules, base_url)
    names = labels(components, [*targets.values(), *named], base_url)
    by_id = {component.id: component for component in components}
    views = []
    for rule in rules:
        target = targets.get(rule.target_achievement_id)
        trusted = _trusted(rule, base_url)
        progress = _progress(rule, components, settings, names)
        views.append(
            PathwayView(
                rule=rule,
                learner_id=learner.id,
                target_name=achievement_name(target) if target else str(rule.target_achievement_id),
                progress=progress,
                components=by_id,
                not_counted=_not_counted(components, trusted),
                award=awards.get(rule.id),
            )
        )
    return views


def _progress(
    rule: StackingRule,
    components: Sequence[Component],
    settings: Settings,
    names: dict[str, str] | None = None,
) -> Progress:
    requirement = rule_requirement(rule)
    keys = {
        ref: achievement_key(ref, settings.base_url)
        for _, ref in referenced_achievements(requirement)
    }
    evaluation = Evaluation(now=utcnow(), keys=keys, labels=names or {})
    facts = [component.fact for component in components]
    return evaluate_rule(requirement, facts, _trusted(rule, settings.base_url), evaluation)


def _trusted(rule: StackingRule, base_url: str) -> set[str]:
    return {issuer_did(rule.issuer_id, base_url), *rule.trusted_issuers}


def _holds_target(rule: StackingRule, components: Sequence[Component], base_url: str) -> bool:
    """An active credential for the target already exists (issued directly, or awarded)."""
    target = achievement_url(rule.target_achievement_id, base_url)
    return any(c.credential is not None and c.fact.achievement_id == target for c in components)


def _not_counted(components: Sequence[Component], trusted: set[str]) -> list[tuple[str, str]]:
    reasons = []
    for component in components:
        if not component.fact.verified:
            reasons.append((component.id, "not verified yet"))
        elif component.fact.issuer_id not in trusted:
            reasons.append((component.id, f"issuer {component.fact.issuer_id} is not trusted"))
    return reasons


def _named_achievements(
    session: Session, rules: Sequence[StackingRule], base_url: str
) -> list[Achievement]:
    """This service's achievements the rules name (by UUID or by URL), for their names."""
    ids = set()
    prefix = f"{base_url}/achievements/"
    for rule in rules:
        for _, ref in referenced_achievements(rule_requirement(rule)):
            try:
                ids.add(uuid.UUID(ref.removeprefix(prefix)))
            except ValueError:
                continue
    return list(repository.achievements_by_id(session, ids).values())


register_followup(award_after_issuance)
