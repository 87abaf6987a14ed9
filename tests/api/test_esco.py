"""The offline ESCO skills list: search, and the demo data naming only real ESCO skills."""

from __future__ import annotations

from credex.esco import all_skills, find_skill, search_skills
from credex.frameworks.demo import _COMPETENCIES, demo_esco_uri, has_esco_skill


def test_the_shipped_list_is_the_whole_esco_skills_pillar() -> None:
    skills = all_skills()
    assert len(skills) == 13_939
    assert all(s.uri.startswith("http://data.europa.eu/esco/skill/") for s in skills)


def test_search_needs_every_word_and_ranks_labels_that_start_with_it_first() -> None:
    found = search_skills("crowdfunding campaign")
    assert found[0].text.startswith("create a crowdfunding campaign")
    assert all("crowdfunding" in s.text.lower() and "campaign" in s.text.lower() for s in found)
    assert search_skills("   ") == []
    assert search_skills("zzqqxx nothing") == []


def test_every_demo_competency_leaf_names_a_real_esco_skill() -> None:
    leaves = [code for code in _COMPETENCIES if code.count(".") == 1]
    assert leaves
    for code in leaves:
        assert has_esco_skill(code), code
        assert find_skill(demo_esco_uri(code)) is not None, code
