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

from .errors import FieldProblem, MatcherError, NotFoundError, ValidationError
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
    suggestion_ids: tuple[str, ...] = ()  # the IDs of the suggestions, same order

    @property
    def message(self) -> str:
        hint = f" (did you mean {', '.join(repr(s) for s in self.suggestions[:3])}?)" if self.suggestions else ""
        return f"We could not match {self.text!r}{hint}"

    def to_dict(self) -> dict[str, Any]:
        return {"field": self.field, "text": self.text, "suggestions": list(self.suggestions),
                "suggestion_ids": list(self.suggestion_ids), "message": self.message}


@dataclass(frozen=True)
class ResolvedInput:
    """A free-text input and what it was taken to name: a skill, a credential or an occupation.

    A job title typed in the skills box counts as work history (kind ``occupation``):
    it says what the person did, not what they are certified for.
    """

    field: str
    text: str
    kind: str  # skill | credential | occupation
    id: str
    name: str
    confidence: float

    def to_dict(self) -> dict[str, Any]:
        return {"field": self.field, "text": self.text, "kind": self.kind, "id": self.id, "name": self.name,
                "confidence": self.confidence}


# What a phrase resolved to: (kind, id, name, confidence), or None with (suggestion names, suggestion ids).
_Found = tuple[str, str, str, float]


@dataclass(frozen=True)
class _Several:
    """A skills-box phrase that names several things ("forklift, osha 10")."""

    items: tuple[_Found, ...]


_Lookup = tuple[_Found | _Several | None, tuple[str, ...], tuple[str, ...]]


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
    resolved: tuple[ResolvedInput, ...] = ()  # each typed phrase and the kind it resolved to

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
    """What the resolver needs of a normalizer (``matcher.normalize.Normalizer`` is one).

    ``normalize(text, kind="any")`` resolves a skills-box phrase; its match's ``kind``
    (skill / credential / occupation) says where the phrase goes.
    """

    def normalize(self, text: str, kind: Any = ...) -> _Match: ...

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
        # ZIP -> point is a pure look-up and a caseload repeats its few hundred ZIPs: remember them.
        self._zip_point = lru_cache(maxsize=65_536)(zip_point) if zip_point is not None else None
        self._target_for_profile = target_for_profile
        self._skill = lru_cache(maxsize=20_000)(self._resolve_skill)
        self._occupation = lru_cache(maxsize=20_000)(self._resolve_occupation)

    # ------------------------------------------------------------------ text -> ids

    def _resolve_skill(self, text: str) -> _Lookup:
        """A skills-box phrase: a skill, a credential, or a job title (work history)."""
        if text in self.known_skills:
            return self._known_skill(text), (), ()
        found = self._resolve(text, "any")
        if found[0] is None:
            parts = split_phrase(text)
            if len(parts) > 1:  # "forklift, osha 10", "hand and power tools"
                hits = [self._resolve(part, "any")[0] for part in parts]
                items = tuple(h for h in hits if isinstance(h, tuple))
                if len(items) == len(hits):
                    return _Several(items), (), ()
        return found

    def _resolve_occupation(self, text: str) -> _Lookup:
        code = normalize_code(text)
        if code in self.known_occupations:
            return ("occupation", code, str(getattr(self.known_occupations[code], "title", code)), 1.0), (), ()
        if not self.known_occupations and re.fullmatch(SOC_RE, code):
            # no taxonomy to check against: a well-formed O*NET-SOC code is taken as given
            return ("occupation", code, code, 1.0), (), ()
        return self._resolve(text, "occupation")

    def _known_skill(self, sid: str) -> _Found:
        item = self.known_skills[sid]
        kind = "credential" if getattr(item, "kind", "") == "credential" else "skill"
        return kind, sid, str(getattr(item, "name", sid)), 1.0

    def _resolve(self, text: str, kind: str) -> _Lookup:
        """``((kind, id, name, confidence), (), ())`` when the normalizer matches the text,
        else ``(None, readable suggestions, their ids)``."""
        if self.normalizer is None:
            return None, (), ()
        try:
            match = (self.normalizer.normalize_occupation(text) if kind == "occupation"
                     else self.normalizer.normalize(text, kind="any"))
        except MatcherError:  # text the normalizer refuses (e.g. nothing but punctuation)
            return None, (), ()
        if match.status == "matched" and match.id:
            found_kind = getattr(match, "kind", None) or ("occupation" if kind == "occupation" else "skill")
            return ((str(found_kind), match.id, str(getattr(match, "name", None) or match.id),
                     float(getattr(match, "confidence", 1.0))), (), ())
        return None, _suggestion_names(match.suggestions), _suggestion_ids(match.suggestions)

    def check_skill_ids(self, skill_ids: list[str]) -> None:
        """Unknown canonical IDs in a profile's ``skill_ids`` are a ValidationError naming each one.

        Skipped when the resolver knows no taxonomy (``known_skills`` empty).
        """
        if not self.known_skills:
            return
        problems = []
        for i, sid in enumerate(skill_ids):
            if sid not in self.known_skills:
                hints = closest_ids(sid, self.known_skills)
                hint = f"; did you mean {' or '.join(hints[:2])}?" if hints else ""
                problems.append(FieldProblem(field=f"skill_ids[{i}]", value=sid[:80], suggestions=hints,
                                             message=f"unknown skill or credential ID {sid!r}{hint}"))
        if problems:
            raise ValidationError(f"{len(problems)} unknown skill id(s): {problems[0].message}",
                                  field=problems[0].field, problems=problems)

    # ------------------------------------------------------------------ profile

    def resolve(self, profile: SeekerProfile | Mapping[str, Any]) -> ResolvedProfile:
        """Validate (dicts) and resolve one profile."""
        p = parse_profile(dict(profile) if isinstance(profile, Mapping) else profile)
        unmatched: list[UnmatchedInput] = []

        self.check_skill_ids(list(p.skill_ids))
        resolved: list[ResolvedInput] = []
        skills: set[str] = set(p.skill_ids)
        typed_work: list[str] = []  # job titles typed in the skills box: work history
        for text in p.skills:
            found, hints, hint_ids = self._skill(text)
            if found is None:
                unmatched.append(UnmatchedInput("skills", text, hints, hint_ids))
                continue
            for kind, fid, name, confidence in (found.items if isinstance(found, _Several) else (found,)):
                resolved.append(ResolvedInput("skills", text, kind, fid, name, confidence))
                if kind == "occupation":
                    if fid not in typed_work:
                        typed_work.append(fid)
                else:
                    skills.add(fid)

        def occupations(texts: list[str], field_name: str) -> tuple[str, ...]:
            out: list[str] = []
            for text in texts:
                found, hints, hint_ids = self._occupation(text)
                if isinstance(found, tuple):
                    resolved.append(ResolvedInput(field_name, text, *found))
                    if found[1] not in out:
                        out.append(found[1])
                else:
                    unmatched.append(UnmatchedInput(field_name, text, hints, hint_ids))
            return tuple(out)

        interests = occupations(p.interests.occupations, "interests.occupations")
        work = occupations(p.work_history, "work_history")
        work = work + tuple(code for code in typed_work if code not in work)
        # An interest is where someone wants to go. A *different* title that codes to the occupation
        # they already work in ("medication aide" for a CNA: O*NET files both under Nursing
        # Assistants) is a step up inside it, which a code cannot say; scoring it as interest in the
        # current job would favour the courses they have already done. It stays in `resolved`.
        typed = {r.text.casefold() for r in resolved if r.field == "work_history"}
        interests = tuple(code for code in interests
                          if code not in work or any(r.id == code and r.text.casefold() in typed
                                                     for r in resolved if r.field == "interests.occupations"))

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
            resolved=tuple(resolved),
        )


_SPLIT_RE = re.compile(r"\s*(?:[,;/&]|\band\b|\by\b|\bplus\b)\s*", re.IGNORECASE)


def split_phrase(text: str) -> list[str]:
    """The parts of a phrase that lists several things: "forklift, osha 10" -> ["forklift", "osha 10"].

    A shared last word is distributed: "hand and power tools" -> ["hand tools", "power tools"].
    """
    parts = [p for p in _SPLIT_RE.split(text) if p and p.strip()]
    if len(parts) < 2:
        return [text]
    last = parts[-1].split()
    if len(last) >= 2 and all(len(p.split()) == 1 for p in parts[:-1]):
        return [f"{p} {' '.join(last[1:])}" for p in parts[:-1]] + [parts[-1]]
    return parts


def closest_ids(wrong: str, known: Mapping[str, Any], limit: int = 3) -> tuple[str, ...]:
    """Known IDs closest to a wrong one, by the letters of the ID and of its name."""
    from rapidfuzz import fuzz, process

    words = re.sub(r"^[a-z]+:", "", wrong.lower()).replace("-", " ")
    choices = {sid: f"{sid} {getattr(item, 'name', '')}".lower() for sid, item in known.items()}
    found = process.extract(f"{wrong.lower()} {words}", choices, scorer=fuzz.token_set_ratio, limit=limit,
                            score_cutoff=60)
    return tuple(key for _, _, key in found)


def _suggestion_ids(suggestions: Any) -> tuple[str, ...]:
    return tuple(str(item[0]) for item in list(suggestions or ())[:3] if isinstance(item, (tuple, list)) and item)


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
