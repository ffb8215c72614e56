"""From the kiosk's answers to the engine's ranked list, calling the library directly (not the HTTP API).

Free text (skills, a past job, a job wanted) is resolved here with a
:class:`~matcher.normalize.Normalizer`, and only canonical ids reach the
engine: taxonomy skill ids and O*NET-SOC codes. The engine's
:class:`~matcher.profile_resolve.ProfileResolver` keeps a per-worker
``lru_cache`` of the phrases it resolves; handing it ids means no phrase a
person typed at the kiosk is ever one of its keys (docs/kiosk.md, "What is
kept"). What could not be matched comes back as :class:`Unmatched` with
suggestions, for the skills step's "did you mean".
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from matcher import i18n
from matcher.errors import MatcherError
from matcher.normalize import Normalizer
from matcher.profile_resolve import split_phrase
from matcher.query import FilteredRecommendations, RecommendationFilters

from .answers import split_skills, step_values, to_profile


@dataclass(frozen=True)
class Unmatched:
    field: str  # skills | past_job | job_goal
    text: str
    suggestions: tuple[tuple[str, str], ...] = ()  # (id, name)


@dataclass
class Resolved:
    skill_ids: list[str] = field(default_factory=list)
    work_codes: list[str] = field(default_factory=list)
    goal_codes: list[str] = field(default_factory=list)
    understood: list[tuple[str, str]] = field(default_factory=list)  # (typed, what it was taken to name)
    unmatched: list[Unmatched] = field(default_factory=list)
    #: The job fields (past_job, job_goal) whose occupation came from the person's "did you mean" pick.
    picked: set[str] = field(default_factory=set)


def _normalizer(taxonomy: Any) -> Normalizer:
    return Normalizer(taxonomy)


def _suggest(match: Any) -> tuple[tuple[str, str], ...]:
    return tuple((str(i), str(n)) for i, n, _score in list(match.suggestions or ())[:3])


def _skills(suggestions: tuple[tuple[str, str], ...]) -> tuple[tuple[str, str], ...]:
    """Skills-box suggestions named in the language in force where a translation is written.

    The pick is put back in the box and read again: every written skill name is also one of its
    skill's aliases, so it reads back as the same skill (tests/test_i18n.py checks each one).
    Occupations and untranslated skills keep the normalizer's name.
    """
    return tuple((sid, i18n.skill_name(sid, name)) for sid, name in suggestions)


def _occupations(suggestions: tuple[tuple[str, str], ...]) -> tuple[tuple[str, str], ...]:
    """A job's suggestions (occupations) titled in the language in force, where a translation is written.

    Only for the job fields, whose pick is sent back as the code. A skills-box pick is sent back as
    its name and read again, and a Spanish occupation title is not sure to read back: see ``_skills``.
    """
    return tuple((code, i18n.occupation_title(code, name)) for code, name in suggestions)


def resolve_free_text(answers: Mapping[str, Any], taxonomy: Any) -> Resolved:
    """Skills, the past job and the job wanted, as ids and codes; what was not understood, with suggestions."""
    normalizer = _normalizer(taxonomy)
    out = Resolved()
    for phrase in split_skills(step_values(answers, "skills")["skills"]):
        found = _skill_phrase(normalizer, phrase)
        if found is None:
            try:
                match = normalizer.normalize(phrase, kind="any")
                suggestions = _skills(_suggest(match))
            except MatcherError:
                suggestions = ()
            out.unmatched.append(Unmatched("skills", phrase, suggestions))
            continue
        for kind, fid, name in found:
            target = out.work_codes if kind == "occupation" else out.skill_ids
            if fid not in target:
                target.append(fid)
            out.understood.append((phrase, name))
    past, wanted = step_values(answers, "skills"), step_values(answers, "interests")
    for field_name, text, picked, target in (
            ("past_job", past["past_job"], past.get("past_job_code", ""), out.work_codes),
            ("job_goal", wanted["job_goal"], wanted.get("job_goal_code", ""), out.goal_codes)):
        if not text:
            continue
        try:
            match = normalizer.normalize_occupation(text)
        except MatcherError:
            out.unmatched.append(Unmatched(field_name, text))
            continue
        suggestions = _occupations(_suggest(match))
        chosen = dict(suggestions).get(picked) if picked else None
        if match.matched and match.id:
            if match.id not in target:
                target.append(match.id)
            out.understood.append((text, i18n.occupation_title(match.id, str(match.name or match.id))))
        elif chosen is not None:
            # The person picked one of the occupations suggested for what they typed ("assembler" →
            # Team Assemblers): the coder was unsure between them, the person is not. A code picked for
            # other words is not among this text's suggestions, so it is never applied to the wrong job.
            if picked not in target:
                target.append(picked)
            out.understood.append((text, chosen))
            out.picked.add(field_name)
        else:
            out.unmatched.append(Unmatched(field_name, text, suggestions))
    return out


def _skill_phrase(normalizer: Normalizer, phrase: str) -> list[tuple[str, str, str]] | None:
    """(kind, id, name) for a skills-box phrase, or for each part of one that lists several; None if not matched."""
    try:
        match = normalizer.normalize(phrase, kind="any")
    except MatcherError:
        return None
    if match.matched and match.id:
        return [(str(match.kind or "skill"), match.id, str(match.name or match.id))]
    parts = split_phrase(phrase)
    if len(parts) < 2:
        return None
    found = []
    for part in parts:
        try:
            sub = normalizer.normalize(part, kind="any")
        except MatcherError:
            return None
        if not (sub.matched and sub.id):
            return None
        found.append((str(sub.kind or "skill"), sub.id, str(sub.name or sub.id)))
    return found


def engine_profile(answers: Mapping[str, Any], resolved: Resolved) -> dict[str, Any]:
    """The profile the engine ranks: the answers, with free text replaced by the ids it resolved to."""
    profile = to_profile(answers)
    profile["skills"] = []
    profile["skill_ids"] = list(resolved.skill_ids)
    profile["work_history"] = list(resolved.work_codes)
    profile["interests"]["occupations"] = list(resolved.goal_codes)
    return profile


def recommend(snapshot: Any, answers: Mapping[str, Any], *, language: str, top: int
              ) -> tuple[FilteredRecommendations, Resolved, dict[str, Any]]:
    """The ranked, explained list for the answers, its sentences in ``language``."""
    taxonomy = snapshot.recommender.base.taxonomy_
    resolved = resolve_free_text(answers, taxonomy)
    profile = engine_profile(answers, resolved)
    with i18n.language(language):
        found = snapshot.recommender.recommend(profile, RecommendationFilters(top=top))
    return found, resolved, profile
