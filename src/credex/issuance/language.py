"""Which language a credential is issued in (issue 18: credentials in the learner's language).

An achievement keeps its texts as language maps; the OB 3.0 credential carries one language
(with `inLanguage` on the Achievement). The issuer may name it per credential; otherwise the
learner's preferred language is used when the achievement has it, else the achievement's own
language, so a caller that names none gets the credential it always got.
"""

from __future__ import annotations

from credex.db.models import Achievement
from credex.errors import InvalidInput, field_error


def achievement_languages(achievement: Achievement) -> list[str]:
    """The achievement's own language first, then every other language its title is in."""
    others = [tag for tag in achievement.name if tag != achievement.language]
    return [achievement.language, *others]


def _match(tag: str, languages: list[str]) -> str | None:
    """`tag` itself, else the first language with the same primary subtag (`fr-BE` → `fr`)."""
    if tag in languages:
        return tag
    primary = tag.split("-", 1)[0].lower()
    return next((lang for lang in languages if lang.split("-", 1)[0].lower() == primary), None)


def credential_language(
    achievement: Achievement, requested: str | None, preferred: str | None
) -> str:
    """The language to issue in; 422 when the issuer asks for one the achievement lacks."""
    languages = achievement_languages(achievement)
    if requested:
        chosen = _match(requested, languages)
        if chosen is None:
            raise InvalidInput(
                f"the achievement has no text in {requested}",
                errors=[field_error("/language", f"one of: {', '.join(languages)}")],
            )
        return chosen
    if preferred:
        return _match(preferred, languages) or achievement.language
    return achievement.language
