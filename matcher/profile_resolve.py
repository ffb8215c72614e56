"""Resolve a job-seeker profile into what the engine scores on.

A profile arrives as typed text: skills as a person wrote them, job titles,
a ZIP. This module turns it into canonical IDs (through
:mod:`matcher.normalize` when it is available), a map point, the household's
self-sufficiency wage target and a few derived facts (does the seeker need
income while training? do they hold a driver's license?). Inputs that could
not be matched are kept so the coach sees "we could not match 'xyz'" rather
than the input silently vanishing.

Nothing here logs or prints: barrier answers are personal.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Protocol

from .errors import MatcherError, NotFoundError
from .records import (
    SOC_RE,
    Barrier,
    EducationLevel,
    RecordCategory,
    Sector,
    SeekerProfile,
    normalize_code,
    parse_profile,
)

# Credentials that prove a valid driver's license (a CDL is a driver's license).
DRIVERS_LICENSE = "cred:drivers-license"
LICENSE_CREDENTIALS = frozenset({"cred:cdl-a", "cred:cdl-b", DRIVERS_LICENSE})
#: Credentials that are a high-school diploma or equivalency: a seeker who types "GED" has
#: finished high school (or its equivalent) for every education requirement.
HS_CREDENTIALS = frozenset({"cred:ged", "cred:ged-hse", "cred:hs-diploma", "cred:hse"})


class LicenseStatus:
    """What we know about the seeker's driver's license (plain ints: they go into arrays)."""

    UNKNOWN = 0
    HAS = 1
    NONE = 2
    SUSPENDED = 3


@dataclass(frozen=True)
class UnmatchedInput:
    """A free-text input we could not resolve to the taxonomy."""

    field: str
    text: str
    suggestions: tuple[str, ...] = ()

    @property
    def message(self) -> str:
        hint = f" (did you mean {', '.join(repr(s) for s in self.suggestions[:3])}?)" if self.suggestions else ""
        return f"We could not match {self.text!r}{hint}"

    def to_dict(self) -> dict[str, Any]:
        return {"field": self.field, "text": self.text, "suggestions": list(self.suggestions),
                "message": self.message}


@dataclass(frozen=True)
class ResolvedProfile:
    """A profile with its free text resolved. Everything the engine reads about a seeker."""

    profile: SeekerProfile
    skill_ids: frozenset[str]
    interest_occupations: tuple[str, ...]
    work_occupations: tuple[str, ...]
    sectors: frozenset[Sector]
    unmatched: tuple[UnmatchedInput, ...]
    point: tuple[float, float] | None
    target_wage: float | None
    target_is_estimate: bool = False
    license: int = LicenseStatus.UNKNOWN
    barriers: frozenset[Barrier] = field(default_factory=frozenset)
    record_categories: frozenset[RecordCategory] = field(default_factory=frozenset)
    education: EducationLevel | None = None  # as given, raised to a diploma by a GED or diploma credential
    target_is_floor: bool = False  # the target is the minimum wage (the estimate fell below it)

    @property
    def needs_income(self) -> bool:
        """Needs income while training: asked directly or recorded as a barrier."""
        return self.profile.needs_income or Barrier.NO_INCOME_WHILE_TRAINING in self.barriers

    @property
    def has_interests(self) -> bool:
        return bool(self.interest_occupations or self.sectors or self.work_occupations)


class _Match(Protocol):
    status: str
    id: str | None
    suggestions: Any


class NormalizerLike(Protocol):
    def normalize_skill(self, text: str) -> _Match: ...

    def normalize_occupation(self, text: str) -> _Match: ...


class ProfileResolver:
    """Resolves profiles; reuses one normalizer and caches look-ups of repeated text.

    ``normalizer`` may be None (no free-text matching available): then only
    inputs that already are canonical IDs or O*NET-SOC codes are used and every
    other input is reported as unmatched.
    """

    def __init__(
        self,
        normalizer: NormalizerLike | None,
        *,
        known_skills: Mapping[str, Any] | None = None,
        known_occupations: Mapping[str, Any] | None = None,
        zip_point: Callable[[str], tuple[float, float] | None] | None = None,
        target_for_profile: Callable[[SeekerProfile], Any] | None = None,
    ) -> None:
        self.normalizer = normalizer
        self.known_skills = known_skills or {}
        self.known_occupations = known_occupations or {}
        self._zip_point = zip_point
        self._target_for_profile = target_for_profile
        self._skill = lru_cache(maxsize=20_000)(self._resolve_skill)
        self._occupation = lru_cache(maxsize=20_000)(self._resolve_occupation)

    # ------------------------------------------------------------------ text -> ids

    def _resolve_skill(self, text: str) -> tuple[str | None, tuple[str, ...]]:
        return self._resolve(text, text, self.known_skills, "normalize_skill")

    def _resolve_occupation(self, text: str) -> tuple[str | None, tuple[str, ...]]:
        code = normalize_code(text)
        if not self.known_occupations and re.fullmatch(SOC_RE, code):
            return code, ()  # no taxonomy to check against: a well-formed O*NET-SOC code is taken as given
        return self._resolve(text, code, self.known_occupations, "normalize_occupation")

    def _resolve(self, text: str, key: str, known: Mapping[str, Any], method: str
                 ) -> tuple[str | None, tuple[str, ...]]:
        """``(id, ())`` when ``key`` (the text as an ID or code) is already known or the normalizer's
        ``method`` matches the text; else ``(None, readable suggestions)``."""
        if key in known:
            return key, ()
        if self.normalizer is None:
            return None, ()
        try:
            match = getattr(self.normalizer, method)(text)
        except MatcherError:  # text the normalizer refuses (e.g. nothing but punctuation)
            return None, ()
        if match.status == "matched" and match.id:
            return match.id, ()
        return None, _suggestion_names(match.suggestions)

    # ------------------------------------------------------------------ profile

    def resolve(self, profile: SeekerProfile | Mapping[str, Any]) -> ResolvedProfile:
        """Validate (dicts) and resolve one profile."""
        p = parse_profile(dict(profile) if isinstance(profile, Mapping) else profile)
        unmatched: list[UnmatchedInput] = []

        skills: set[str] = set(p.skill_ids)
        for text in p.skills:
            found, hints = self._skill(text)
            if found:
                skills.add(found)
            else:
                unmatched.append(UnmatchedInput("skills", text, hints))

        def occupations(texts: list[str], field_name: str) -> tuple[str, ...]:
            out: list[str] = []
            for text in texts:
                found, hints = self._occupation(text)
                if found:
                    if found not in out:
                        out.append(found)
                else:
                    unmatched.append(UnmatchedInput(field_name, text, hints))
            return tuple(out)

        interests = occupations(p.interests.occupations, "interests.occupations")
        work = occupations(p.work_history, "work_history")

        point = self._zip_point(p.zip) if (p.zip and self._zip_point) else None
        target = None
        if self._target_for_profile is not None:
            try:
                target = self._target_for_profile(p)
            except NotFoundError:  # a county we have no figures for: say so, rank anyway
                unmatched.append(UnmatchedInput("household.county", p.household.county or ""))

        barriers = frozenset(p.barriers)
        if Barrier.SUSPENDED_LICENSE in barriers:
            license_status = LicenseStatus.SUSPENDED
        elif Barrier.NO_DRIVERS_LICENSE in barriers:
            license_status = LicenseStatus.NONE
        elif skills & LICENSE_CREDENTIALS:
            license_status = LicenseStatus.HAS
            skills.add(DRIVERS_LICENSE)  # a CDL holder holds a driver's license too
        else:
            license_status = LicenseStatus.UNKNOWN

        education = p.education
        if skills & HS_CREDENTIALS and (education is None or education.rank < EducationLevel.HS_DIPLOMA_OR_GED.rank):
            education = EducationLevel.HS_DIPLOMA_OR_GED

        return ResolvedProfile(
            profile=p,
            skill_ids=frozenset(skills),
            interest_occupations=interests,
            work_occupations=work,
            sectors=frozenset(p.interests.sectors),
            unmatched=tuple(unmatched),
            point=point,
            target_wage=float(target.hourly_wage) if target is not None else None,
            target_is_estimate=bool(getattr(target, "is_estimate", False)),
            license=license_status,
            barriers=barriers,
            record_categories=frozenset(p.record_categories),
            education=education,
            target_is_floor=bool(getattr(target, "is_floor", False)),
        )


def _suggestion_names(suggestions: Any) -> tuple[str, ...]:
    """Suggestions may be Match-like objects, (name, score) pairs or strings: keep readable names."""
    out: list[str] = []
    for item in list(suggestions or ())[:3]:
        if isinstance(item, str):
            out.append(item)
        elif isinstance(item, (tuple, list)) and item:
            # (id, name, score) triples from the normalizer: the name is what a person reads.
            out.append(str(item[1] if len(item) >= 2 else item[0]))
        else:
            name = getattr(item, "name", None) or getattr(item, "title", None) or getattr(item, "id", None)
            if name:
                out.append(str(name))
    return tuple(out)
