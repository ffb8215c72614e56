"""The result records a coach (or the kiosk, or an API client) sees.

Frozen dataclasses with ``to_dict()`` giving plain JSON-ready values. They hold
what the engine decided and the sentences that say why; the sentences are made
by :mod:`matcher.explain` and, for requirements, by the rule objects in
:mod:`matcher.rules`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from .profile_resolve import UnmatchedInput


class _Plain:
    def to_dict(self) -> dict[str, Any]:
        return _plain(self)


_SCALARS = (str, int, float, bool, type(None))
_SCALAR_TYPES = frozenset(_SCALARS)  # exact types, for the fast path (subclasses take the isinstance path)


def _plain(value: Any) -> Any:
    """JSON-ready values: records as dicts of their fields, tuples as lists, numpy scalars as Python ones.

    On the API's hot path (a list of ten programs is several hundred values), so the common
    cases come first: a value of an exact scalar type, a tuple or list (whose scalar items are
    taken as they are, without a call each), a record whose fields are read from its
    ``__dict__`` (every result record is a plain, unslotted dataclass; underscore attributes
    are not fields).
    """
    kind = type(value)
    if kind in _SCALAR_TYPES:
        return value
    if kind is tuple or kind is list:
        return [v if type(v) in _SCALAR_TYPES else _plain(v) for v in value]
    if isinstance(value, _SCALARS):
        return value
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, _Plain):
        own = kind.to_dict
        if own is not _Plain.to_dict:
            return own(value)
        return {k: v if type(v) in _SCALAR_TYPES else _plain(v) for k, v in value.__dict__.items()
                if k[0] != "_"}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        shape = getattr(kind, "to_dict", None)
        if shape is not None:  # a record with its own shape (UnmatchedInput...)
            return shape(value)
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (np.floating, np.integer)):
        return value.item()
    return value


@dataclass(frozen=True)
class ScoreParts(_Plain):
    """Each component (0..1). ``practical`` combines schedule, distance and language
    (see :mod:`matcher.scoring`); ``progress`` is 1 unless the program repeats what the
    seeker already has (their credential, their own job at the same level)."""

    skills: float
    interest: float
    practical: float
    schedule: float
    distance: float
    language: float
    supports: float
    earn: float
    wage: float
    outcomes: float
    progress: float = 1.0
    success: float | None = None


@dataclass(frozen=True)
class SkillGap(_Plain):
    """A skill the program expects at the start that the seeker lacks (``required``),
    or one it will teach that the seeker does not have yet (``taught``)."""

    skill_id: str
    name: str
    kind: str  # "required" | "taught"
    message: str


@dataclass(frozen=True)
class SupportToArrange(_Plain):
    """For one of the seeker's barriers: which support meets it and who provides it.

    On a program: offered by the program or provided by the board. On the list
    (``RecommendationList.to_arrange``): a support the coach has to arrange, with the
    ranks of the programs that do not offer it.
    """

    barrier: str
    support: str | None
    provided_by: str  # "program" | "board" | "arrange" (coach to find it)
    message: str
    ranks: tuple[int, ...] = ()


@dataclass(frozen=True)
class Blocker(_Plain):
    """A hard requirement the seeker does not meet today, kept because a remedy exists."""

    requirement: str
    message: str
    remedy: str
    provided_by: str  # "program" | "board" | "funding" | "seeker"


@dataclass(frozen=True)
class ListCheck(_Plain):
    """Something to check that several programs in the list share, said once with their ranks."""

    message: str
    ranks: tuple[int, ...]


@dataclass(frozen=True)
class Opening(_Plain):
    """Guidance a coach can act on: meeting one requirement would open this many programs
    that nothing else keeps closed."""

    requirement: str
    programs: int
    message: str


@dataclass(frozen=True)
class Recommendation(_Plain):
    rank: int
    program_id: str
    name: str
    provider: str
    type: str
    sector: str
    score: float
    parts: ScoreParts
    reasons: tuple[str, ...]
    skill_gaps: tuple[SkillGap, ...]
    supports: tuple[SupportToArrange, ...]
    blockers: tuple[Blocker, ...]
    checks: tuple[str, ...]
    distance_miles: float | None = None
    notes: tuple[str, ...] = ()  # why it sits where it does (repeats what you have; placed for variety)

    @property
    def flagged(self) -> bool:
        """Kept only because a remedy exists for a requirement the seeker does not meet
        (funding to arrange for tuition is not a flag: it is how most training is paid for)."""
        return any(b.provided_by != "funding" for b in self.blockers)

    @property
    def needs_funding(self) -> bool:
        return any(b.provided_by == "funding" for b in self.blockers)

    def to_dict(self) -> dict[str, Any]:
        out = {k: v if type(v) in _SCALAR_TYPES else _plain(v) for k, v in self.__dict__.items() if k[0] != "_"}
        out["flagged"] = self.flagged
        out["needs_funding"] = self.needs_funding
        return out


@dataclass(frozen=True)
class RecommendationList(_Plain):
    """The engine's answer for one seeker. Holds no personal details beyond the seeker's
    own inputs that could not be matched.

    ``excluded_by_reason`` counts each excluded program once, under the first rule (in
    :data:`matcher.rules.RULES` order) that excludes it, so the counts add up to
    ``excluded_count``.
    """

    profile_id: str | None
    items: tuple[Recommendation, ...]
    catalog_size: int
    eligible_count: int
    excluded_count: int
    excluded_by_reason: Mapping[str, int]
    unmatched: tuple[UnmatchedInput, ...]
    target_wage: float | None
    target_is_estimate: bool
    notes: tuple[str, ...]
    target_is_floor: bool = False
    to_arrange: tuple[SupportToArrange, ...] = ()
    shared_checks: tuple[ListCheck, ...] = ()
    openings: tuple[Opening, ...] = ()
    model_version: str | None = None

    def __len__(self) -> int:
        return len(self.items)

    def __iter__(self) -> Iterator[Recommendation]:
        return iter(self.items)

    @property
    def ids(self) -> list[str]:
        return [r.program_id for r in self.items]

    def to_dict(self) -> dict[str, Any]:
        # The fields in their order; items and unmatched are each turned into dicts once.
        out: dict[str, Any] = {}
        for k, v in self.__dict__.items():
            if k == "items":
                out[k] = [r.to_dict() for r in v]
            elif k == "unmatched":
                out[k] = [u.to_dict() for u in v]
            elif not k.startswith("_"):
                out[k] = _plain(v)
        return out
