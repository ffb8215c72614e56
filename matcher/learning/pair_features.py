"""Seeker-program pair features for the success model, from what the engine already compiles.

This is the **one module that reads engine internals**: besides the two stable
methods ``Recommender.compile_seekers`` and ``Recommender.score_details``, it reads
attributes of :class:`~matcher.features.ProfileBatch` (``barrier_mask``,
``needs_income``, ``skills``, ``size``) and :class:`~matcher.features.CompiledCatalog`
(``programs``, ``earn``, ``outcome_score``, ``barrier_met_codes``,
``barrier_met_group``, ``required_t``, ``n_required``, ``tuition``, ``funded``,
``is_online``, ``is_hybrid``, ``transit_access``, ``support_mask``, ``start_wage``) and
policy's ``BARRIER_BIT`` / ``URGENT_MASK`` / ``SUPPORT_BIT``. When the engine's
internals change, only this module needs re-pointing; the feature names and their
meaning stay.

What the model sees is only what tells programs apart *for one person*: the
engine's pair components (skills, interest, schedule, distance, language, wage
against the person's target, supports meeting their barriers...), facts about the
program (type, sector, hours, pay, published outcomes...), and which of the
person's needs this program meets or leaves unmet. There is no feature that
describes the person alone (no age, no education level, no demographics), so the
model cannot score a person, only a person's options. Protected characteristics
are not in :class:`~matcher.records.SeekerProfile` at all.

Monotone constraints (``MONOTONE``) carry the engine's principles into the model:
a required skill the person has, a barrier the program's supports meet or a need
it pays for can only raise the predicted chance; a need it leaves unmet can only
lower it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..policy import BARRIER_BIT, SUPPORT_BIT, URGENT_MASK
from ..records import Barrier, ProgramType, Sector, Support

#: Groups of barriers that one kind of support answers, for per-kind met / unmet features.
NEED_KINDS: dict[str, tuple[Barrier, ...]] = {
    "childcare": (Barrier.CHILDCARE, Barrier.SINGLE_PARENT),
    "transport": (Barrier.NO_CAR, Barrier.NO_DRIVERS_LICENSE, Barrier.SUSPENDED_LICENSE),
    "housing": (Barrier.HOUSING_INSTABILITY, Barrier.HOMELESS),
    "language": (Barrier.LIMITED_ENGLISH,),
    "basic_skills": (Barrier.BASIC_SKILLS, Barrier.DIGITAL_LITERACY),
    "accommodation": (Barrier.DISABILITY_ACCOMMODATION,),
    "record": (Barrier.JUSTICE_INVOLVED,),
}
#: The income need is answered by pay (counted by the income features), not by a support.
_COUNTED = sum(BARRIER_BIT[b] for b in Barrier if b is not Barrier.NO_INCOME_WHILE_TRAINING)
_KIND_MASK = {k: sum(BARRIER_BIT[b] for b in bs) for k, bs in NEED_KINDS.items()}
_TYPES = list(ProgramType)
_SECTORS = list(Sector)

#: (name, monotone constraint: 1 can only raise the chance, -1 only lower it, 0 free)
FEATURES: tuple[tuple[str, int], ...] = (
    ("skills", 1), ("required_skills_held", 1), ("interest", 0), ("progress", 0), ("practical", 0), ("schedule", 0),
    ("distance", 0), ("miles", 0), ("place_known", 0), ("language", 0), ("supports", 1), ("wage_fit", 0),
    ("needs_met", 1), ("needs_unmet", -1), ("urgent_met", 1), ("urgent_unmet", -1),
    ("income_met", 1), ("income_unmet", -1),
    *((f"{k}_met", 1) for k in NEED_KINDS), *((f"{k}_unmet", -1) for k in NEED_KINDS),
    ("earn", 0), ("published_outcomes", 0), ("type", 0), ("sector", 0), ("hours_per_week", 0),
    ("duration_weeks", 0), ("log_tuition", 0), ("funded", 0), ("online", 0), ("hybrid", 0), ("on_transit", 0),
    ("supports_offered", 0), ("employer_partners", 0), ("awards_credential", 0), ("asks_skills", 0),
    ("program_success_rate", 0),
)
FEATURE_NAMES: tuple[str, ...] = tuple(name for name, _ in FEATURES)
MONOTONE: tuple[int, ...] = tuple(m for _, m in FEATURES)
INDEX = {name: i for i, name in enumerate(FEATURE_NAMES)}
MILES_CAP = 150.0

#: Plain words for what a group of features is about (the model's reasons use them).
FEATURE_TOPICS: dict[str, str] = {
    **dict.fromkeys(("schedule",), "schedule"),
    **dict.fromkeys(("distance", "miles", "place_known", "on_transit", "online", "hybrid", "transport_met",
                     "transport_unmet"), "travel"),
    **dict.fromkeys(("needs_met", "needs_unmet", "urgent_met", "urgent_unmet", "supports", "childcare_met",
                     "childcare_unmet", "housing_met", "housing_unmet", "accommodation_met", "accommodation_unmet",
                     "record_met", "record_unmet", "supports_offered"), "supports"),
    **dict.fromkeys(("income_met", "income_unmet", "earn"), "pay"),
    **dict.fromkeys(("skills", "required_skills_held", "asks_skills", "basic_skills_met", "basic_skills_unmet"),
                    "skills"),
    **dict.fromkeys(("language", "language_met", "language_unmet"), "language"),
    **dict.fromkeys(("interest", "progress"), "interest"),
    **dict.fromkeys(("published_outcomes", "employer_partners", "awards_credential", "type", "sector",
                     "duration_weeks", "hours_per_week", "log_tuition", "funded", "program_success_rate"),
                    "program"),
    **dict.fromkeys(("wage_fit", "practical"), "other"),
}


@dataclass(frozen=True)
class ProgramRates:
    """Each program's success rate in the training history, shrunk toward the overall rate (a learned
    measure of program quality: what a program's own past participants achieved). Programs with no
    history get the overall rate."""

    by_program: dict[str, float]
    prior: float
    prior_weight: float = 20.0

    def of(self, program_id: str) -> float:
        return self.by_program.get(program_id, self.prior)

    @classmethod
    def learn(cls, program_ids: Sequence[str], labels: Sequence[bool], prior_weight: float = 20.0) -> ProgramRates:
        ids = list(dict.fromkeys(program_ids))
        code = {pid: i for i, pid in enumerate(ids)}
        rate, prior = cls.shrunk_rates(np.array([code[p] for p in program_ids], dtype=np.int64),
                                       np.asarray(labels, dtype=bool), len(ids), prior_weight)
        return cls(dict(zip(ids, rate.tolist())), prior, prior_weight)

    @staticmethod
    def shrunk_rates(codes: np.ndarray, labels: np.ndarray, width: int, prior_weight: float = 20.0
                     ) -> tuple[np.ndarray, float]:
        """Per program code ``0 .. width-1``: the success rate of its rows shrunk toward the rate of all rows
        (that rate where it has none), and that overall rate. The one formula of :class:`ProgramRates`."""
        prior = float(np.mean(labels)) if len(labels) else 0.5
        wins = np.bincount(codes, weights=np.asarray(labels, dtype=np.float64), minlength=width)
        count = np.bincount(codes, minlength=width).astype(np.float64)
        return np.where(count > 0, (wins + prior * prior_weight) / (count + prior_weight), prior), prior


@dataclass(frozen=True)
class StaticFeatures:
    """Per-program columns of the feature matrix (they do not depend on the seeker)."""

    values: np.ndarray  # (n_programs, n_static) float32
    names: tuple[str, ...]
    paid: np.ndarray  # (n_programs,) bool: pays a wage or a stipend
    met_codes: np.ndarray  # (n_programs,) uint32: barriers its supports meet


#: Features that do not depend on the seeker (``program_success_rate`` is one too, from the history).
STATIC_NAMES = ("earn", "published_outcomes", "type", "sector", "hours_per_week", "duration_weeks", "log_tuition",
                "funded", "online", "hybrid", "on_transit", "supports_offered", "employer_partners",
                "awards_credential", "asks_skills")


def static_features(cat: Any) -> StaticFeatures:
    """The seeker-independent columns, from a compiled catalog."""
    programs = cat.programs
    stipend = np.uint32(SUPPORT_BIT[Support.STIPEND])
    values = np.column_stack([
        cat.earn,
        cat.outcome_score,
        [_TYPES.index(p.type) for p in programs],
        [_SECTORS.index(p.sector) for p in programs],
        [p.schedule.hours_per_week for p in programs],
        [p.duration_weeks for p in programs],
        np.log1p(cat.tuition),
        cat.funded,
        cat.is_online,
        cat.is_hybrid,
        cat.transit_access | cat.is_online,
        [len(p.supports) for p in programs],
        [min(len(p.employer_partners), 5) for p in programs],
        [bool(p.credentials_awarded) for p in programs],
        cat.n_required > 0,
    ]).astype(np.float32) if len(programs) else np.zeros((0, len(STATIC_NAMES)), np.float32)
    paid = (cat.earn > 0) | ((cat.support_mask & stipend) != 0)
    met = cat.barrier_met_codes[cat.barrier_met_group].astype(np.uint32)
    return StaticFeatures(values, STATIC_NAMES, np.asarray(paid, dtype=bool), met)


def _popcount(x: np.ndarray) -> np.ndarray:
    return np.bitwise_count(x.astype(np.uint32)).astype(np.float32)


class PairFeaturizer:
    """Builds the feature matrix for seeker-program pairs through a fitted, model-less engine.

    ``engine`` must be a :class:`~matcher.engine.Recommender` fitted on the catalog and
    *without* a success model (its score components are the features; with a model they
    would feed back into themselves).
    """

    def __init__(self, engine: Any, rates: ProgramRates | None = None) -> None:
        if getattr(engine, "success_model", None) is not None:
            raise ValueError("the featurizer's engine must not have a success model")
        self.engine = engine
        self.catalog = engine.catalog_
        self.static = static_features(self.catalog)
        self.program_ids: list[str] = list(self.catalog.id_list)
        self.column_of = {pid: i for i, pid in enumerate(self.program_ids)}
        self.rates = rates or ProgramRates({}, 0.5)
        self.program_rate = np.array([self.rates.of(pid) for pid in self.program_ids], dtype=np.float32)

    # ------------------------------------------------------------------ seekers

    def compile(self, profiles: Sequence[Any]) -> Any:
        """Resolve and compile profiles (a :class:`~matcher.features.ProfileBatch`)."""
        return self.engine.compile_seekers(profiles)

    # ------------------------------------------------------------------ features

    def grid(self, pb: Any, cols: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Features of every seeker x program in ``cols``: ``(X (B, n, F), excluded (B, n))``."""
        cols = np.asarray(cols, dtype=np.int64)
        elig, comps = self.engine.score_details(pb, cols)
        return self._assemble(pb, cols, comps), elig.excluded

    def pairs(self, pb: Any, rows: np.ndarray, cols: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Features of the pairs (seeker ``rows[i]`` of ``pb``, program column ``cols[i]``), and their exclusion.

        Computed on the grid of the chunk's seekers x the distinct programs among ``cols``.
        """
        rows = np.asarray(rows, dtype=np.int64)
        cols = np.asarray(cols, dtype=np.int64)
        distinct, where = np.unique(cols, return_inverse=True)
        x, excluded = self.grid(pb, distinct)
        return x[rows, where.reshape(-1)], excluded[rows, where.reshape(-1)]

    def details(self, pb: Any, cols: np.ndarray) -> tuple[dict[str, np.ndarray], np.ndarray]:
        """The pair features as planes (name -> array broadcastable to (B, len(cols))) and the exclusion
        mask: what :meth:`grid` stacks, and what a scorer can use without building the matrix."""
        cols = np.asarray(cols, dtype=np.int64)
        elig, comps = self.engine.score_details(pb, cols)
        return self.pair_planes(pb, cols, comps), elig.excluded

    def pair_planes(self, pb: Any, cols: np.ndarray, comps: Any) -> dict[str, np.ndarray]:
        """The features that depend on the seeker, one plane each (static ones: :meth:`static_planes`)."""
        return self._seeker_features(
            lambda a: a, comps, self._coverage(pb, cols), pb.barrier_mask.astype(np.uint32)[:, None],
            self.static.met_codes[cols][None, :], pb.needs_income.astype(bool)[:, None],
            self.static.paid[cols][None, :])

    def cell_features(self, pb: Any, rows: np.ndarray, pos: np.ndarray, cols: np.ndarray,
                      comps: Any) -> dict[str, np.ndarray]:
        """The same features as :meth:`pair_planes`, for single cells: seeker ``rows[i]`` and the program at
        position ``pos[i]`` of ``comps``' columns (catalog column ``cols[i]``); one 1-D array each. What a
        scorer uses when only a few cells of a large grid are wanted."""
        def at(a: np.ndarray) -> np.ndarray:
            a = np.asarray(a)
            return a[rows if a.shape[0] > 1 else 0, pos if a.shape[1] > 1 else 0]

        return self._seeker_features(
            at, comps, self._cell_coverage(pb, rows, cols), pb.barrier_mask.astype(np.uint32)[rows],
            self.static.met_codes[cols], pb.needs_income.astype(bool)[rows], self.static.paid[cols])

    @staticmethod
    def _seeker_features(at: Any, comps: Any, coverage: np.ndarray, barriers: np.ndarray, met_codes: np.ndarray,
                         needs_income: np.ndarray, paid: np.ndarray) -> dict[str, np.ndarray]:
        parts = comps.parts
        miles = at(comps.miles)
        known = ~np.isnan(miles)
        planes: dict[str, np.ndarray] = {
            "skills": at(parts["skills"]), "interest": at(parts["interest"]), "practical": at(parts["practical"]),
            "schedule": at(comps.schedule), "distance": at(comps.distance),
            "miles": np.where(known, np.minimum(np.nan_to_num(miles), MILES_CAP), MILES_CAP).astype(np.float32),
            "place_known": known, "language": at(comps.language), "supports": at(parts["supports"]),
            "wage_fit": at(parts["wage"]), "required_skills_held": coverage,
            # engine v2: lower for a program that only repeats a credential or job the person already has
            "progress": at(parts["progress"]) if "progress" in parts else np.ones_like(at(parts["skills"])),
        }
        met = barriers & met_codes & np.uint32(_COUNTED)
        unmet = barriers & ~met_codes & np.uint32(_COUNTED)
        planes["needs_met"] = _popcount(met)
        planes["needs_unmet"] = _popcount(unmet)
        planes["urgent_met"] = _popcount(met & np.uint32(URGENT_MASK))
        planes["urgent_unmet"] = _popcount(unmet & np.uint32(URGENT_MASK))
        for kind, mask in _KIND_MASK.items():
            planes[f"{kind}_met"] = (met & np.uint32(mask)) != 0
            planes[f"{kind}_unmet"] = (unmet & np.uint32(mask)) != 0
        planes["income_met"] = needs_income & paid
        planes["income_unmet"] = needs_income & ~paid
        return planes

    def static_planes(self, cols: np.ndarray) -> dict[str, np.ndarray]:
        """The seeker-independent features of programs ``cols``, one (1, len(cols)) row each."""
        static = self.static.values[cols]
        planes = {name: static[None, :, j] for j, name in enumerate(self.static.names)}
        planes["program_success_rate"] = self.program_rate[cols][None, :]
        return planes

    def matrix(self, pb: Any, cols: np.ndarray, comps: Any) -> np.ndarray:
        """The feature matrix (B, len(cols), F) from components the engine computed for ``cols``."""
        return self._assemble(pb, np.asarray(cols, dtype=np.int64), comps)

    def _assemble(self, pb: Any, cols: np.ndarray, comps: Any) -> np.ndarray:
        b, n = pb.size, len(cols)
        x = np.empty((len(FEATURE_NAMES), b, n), dtype=np.float32)  # feature-major: each plane is contiguous
        for name, plane in {**self.pair_planes(pb, cols, comps), **self.static_planes(cols)}.items():
            x[INDEX[name]] = plane
        return np.moveaxis(x, 0, -1)

    def _cell_coverage(self, pb: Any, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
        """:meth:`_coverage` for single cells (seeker ``rows[i]``, program ``cols[i]``)."""
        cat = self.catalog
        out = np.ones(len(rows), dtype=np.float32)
        asking = np.flatnonzero(cat.n_required[cols] > 0)
        if len(asking):
            c = cols[asking]
            have = pb.skills[rows[asking]].multiply(cat.required_t[:, c].T).sum(axis=1)
            out[asking] = np.asarray(have, dtype=np.float32).reshape(-1) / cat.n_required[c]
        return out

    def _coverage(self, pb: Any, cols: np.ndarray) -> np.ndarray:
        """Share of each program's required starting skills the seeker has (1 when it asks for none)."""
        cat = self.catalog
        out = np.ones((pb.size, len(cols)), dtype=np.float32)
        asking = np.flatnonzero(cat.n_required[cols] > 0)
        if len(asking):
            have = (pb.skills @ cat.required_t[:, cols[asking]]).toarray().astype(np.float32)
            out[:, asking] = have / cat.n_required[cols[asking]][None, :]
        return out


def catalog_start_wage(cat: Any) -> np.ndarray:
    """Each program's starting wage as the engine compiled it (NaN when unknown)."""
    return np.asarray(cat.start_wage, dtype=np.float64)


def target_wages(pb: Any) -> np.ndarray:
    """Each seeker's self-sufficiency target wage as the engine compiled it."""
    return np.asarray(pb.target_wage, dtype=np.float64)
