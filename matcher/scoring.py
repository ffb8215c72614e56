"""Score components, their weights and the board's engine settings.

Every component is a number from 0 to 1 for each (seeker, program) pair,
computed over arrays (see ``docs/engine.md`` for the formulas):

- skills:    0.7 x share of the program's starting skills the seeker has
             (1 when it asks for none) + 0.3 x transferable skills (O*NET
             elements and taxonomy skill links of its target occupations).
- interest:  how close its target occupations are to the ones the seeker named
             (exact 1, related 0.7, same minor group 0.6, major group 0.35;
             past jobs count at 0.6 of that) or 0.8 for a named sector; 0.5
             for everyone when the seeker named nothing.
- practical: mean of schedule fit and language fit, times (0.2 + 0.8 x distance
             fit); distance fit falls from 1 at the door to 0 at 1.25 x the
             seeker's range (by travel mode or max_miles; 30 miles if unknown);
             x 0.8 when tuition is above what the seeker can pay (funding to arrange).
- supports:  1 - 0.5^k x 0.7^m, where k barriers are met by the program's own
             supports and m more only by the board: it can only grow when a
             barrier is added, so barriers never lower a score.
- earn:      earn-while-learning (wage 1, stipend 0.6, none 0).
- wage:      starting and median wage against the self-sufficiency target.
- outcomes:  completion and placement, shrunk toward a prior for small cohorts.
- success:   the learned model's expected outcome for the pair (weight 0 unless a model is given).

- urgent:    1 - 0.5^k x 0.7^m over the seeker's most pressing barriers only
             (eligibility.URGENT_SUPPORTS: housing, childcare), weighted by
             ``urgent_priority``; monotone in barriers like supports.

score = (sum of weight x component + income_priority x earn when the seeker
needs income + urgent_priority x urgent) / (sum of weights + income_priority
+ urgent_priority). The denominator never depends on the seeker, so scores are
comparable across seekers.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Protocol

import numpy as np
import scipy.sparse as sp

from .columns import Columns, column_index, width
from .errors import ValidationError
from .features import CompiledCatalog, ProfileBatch
from .policy import DEFAULT_MODE_MILES, URGENT_MASK
from .records import Support, TravelMode

COMPONENTS = ("skills", "interest", "practical", "supports", "earn", "wage", "outcomes", "progress", "success")

DEFAULT_WEIGHTS: Mapping[str, float] = MappingProxyType({
    "skills": 0.22,
    "interest": 0.24,
    "practical": 0.20,
    "supports": 0.08,
    "earn": 0.06,
    "wage": 0.12,
    "outcomes": 0.08,
    "progress": 0.10,
    "success": 0.0,
})

#: Weight of a program used when the success model is given but its weight was left at 0.
DEFAULT_SUCCESS_WEIGHT = 0.12

SUPPORT_FROM_PROGRAM = 0.5  # each barrier a program meets halves the "unmet" part
SUPPORT_FROM_BOARD = 0.7  # a board-arranged support helps less than one built into the program
STARTING_SKILLS_SHARE = 0.7
START_WAGE_SHARE = 0.6
UNKNOWN_WAGE_FIT = 0.5
UNKNOWN_DISTANCE_FIT = 0.5
TRANSIT_MISSING_FACTOR = 0.7  # transit-only seeker, program not on a transit line
REMEDIED_LANGUAGE_FIT = 0.5
DISTANCE_PENALTY = 0.8  # a program at or beyond the seeker's range keeps 20% of its practical fit
FUNDING_TO_ARRANGE_FACTOR = 0.8  # tuition above what the seeker can pay: funding must be arranged first
NEUTRAL_INTEREST = 0.5
SECTOR_INTEREST = 0.8
#: Progress: 1 for a program that adds something; lower when it repeats what the seeker has.
PROGRESS_HELD_CREDENTIAL = 0.3  # the seeker already holds the credential it awards (the first listed)
PROGRESS_SAME_JOB = 0.5  # it leads only to the seeker's current job and awards nothing they lack
SMALL_BATCH = 16  # up to this many seekers, per-row look-ups are cheaper than sparse products
LANGUAGE_OTHER_SPOKEN = 0.8  # taught in a language the seeker speaks, not their first
HYBRID_DISTANCE_SHARE = 0.5  # a hybrid program's trips count half


class SuccessModel(Protocol):
    """Hook for the learned completion+placement model (``matcher.learning``).

    ``predict`` returns, for each seeker row and program column, a value from 0 to 1 (the
    chance the seeker completes the program and is placed in a job, or an expected outcome),
    0 where a rule excludes the program. A model may also offer the richer hooks of
    :class:`DetailedSuccessModel`; the engine uses them when present.
    """

    def predict(self, batch: ProfileBatch, catalog: CompiledCatalog, columns: np.ndarray) -> np.ndarray: ...


@dataclass(frozen=True)
class PairDetails:
    """What the engine already computed for seekers x programs, handed to a success model so it
    need not compute it again: the rules' exclusions, the content components (every part but
    ``success``; ``total`` is the content score), and the cells worth scoring."""

    excluded: np.ndarray  # (B, n) bool
    components: Components
    #: (B, n) bool: cells that can still reach the seeker's list whatever the model says (the others
    #: may be left at 0: their content score is too low even with the largest success component).
    #: None: every eligible cell.
    within: np.ndarray | None = None


@dataclass(frozen=True)
class SuccessReason:
    """The model's view of one shown program in plain words: ``favourable`` ones are said among the
    reasons it fits, the others as a note on why it sits lower."""

    text: str
    favourable: bool


class DetailedSuccessModel(SuccessModel, Protocol):
    """A success model that reads the engine's own arrays (:class:`PairDetails`) and can say why."""

    def predict_details(self, batch: ProfileBatch, catalog: CompiledCatalog, columns: np.ndarray,
                        details: PairDetails) -> np.ndarray: ...

    def reasons(self, batch: ProfileBatch, catalog: CompiledCatalog, columns: np.ndarray,
                details: PairDetails) -> list[SuccessReason | None]:
        """One seeker (``batch`` of one row), the programs shown: a reason or None for each."""
        ...


#: ``score(success=...)`` may be a function of the content components and of the most the success
#: component can add to a total (its weight over the divisor), returning the success array.
LazySuccess = Callable[["Components", float], np.ndarray]


@dataclass(frozen=True)
class EngineConfig:
    """What a board can tune. Defaults are documented in ``docs/engine.md``.

    - ``weights``: component weights (missing names keep their default).
    - ``income_priority``: extra weight on earn-while-learning for a seeker who
      needs income now (``needs_income`` or barrier ``no_income_while_training``).
    - ``urgent_priority``: extra weight on meeting the seeker's most pressing barriers
      (``eligibility.URGENT_SUPPORTS``: homeless -> housing referrals, single parent -> childcare...).
    - ``board_supports``: supports the board arranges itself (e.g. transit passes
      through the one-stop); they count as remedies and supports, worded "the board provides".
    - ``max_per_provider`` / ``max_per_type``: at most this many programs from one
      provider / of one type in the top list *while a close alternative exists*;
      ``diversity_margin`` is how close (in score) an alternative must be.
    - ``remedy_distance_miles``: how far transportation help can stretch a seeker's reach.
    - ``default_target_wage``: self-sufficiency target used when none is known for the seeker.
    - ``candidate_factor``: the diversity re-rank looks at ``top x candidate_factor`` candidates.
    """

    weights: Mapping[str, float] = field(default_factory=dict)
    income_priority: float = 0.35
    urgent_priority: float = 0.15
    board_supports: frozenset[Support] = frozenset()
    max_per_provider: int | None = 2
    max_per_type: int | None = 4
    diversity_margin: float = 0.05
    remedy_distance_miles: float = 40.0
    default_target_wage: float = 25.0
    candidate_factor: int = 4
    mode_miles: Mapping[TravelMode, float] = field(default_factory=lambda: dict(DEFAULT_MODE_MILES))
    transit_line_factor: float = 1.5

    def __post_init__(self) -> None:
        unknown = set(self.weights) - set(COMPONENTS)
        if unknown:
            raise ValidationError(f"unknown score component(s): {', '.join(sorted(unknown))}", field="weights")
        for name, w in self.weights.items():
            if not (isinstance(w, (int, float)) and 0 <= w <= 10):
                raise ValidationError(f"weight for {name!r} must be a number from 0 to 10", field=f"weights.{name}")
        object.__setattr__(self, "board_supports", frozenset(Support(s) for s in self.board_supports))
        for name in ("max_per_provider", "max_per_type"):
            value = getattr(self, name)
            if value is not None and value < 1:
                raise ValidationError(f"{name} must be at least 1 (or None for no limit)", field=name)
        if not 0 <= self.diversity_margin <= 1:
            raise ValidationError("diversity_margin must be from 0 to 1", field="diversity_margin")
        if self.income_priority < 0:
            raise ValidationError("income_priority must not be negative", field="income_priority")
        if self.urgent_priority < 0:
            raise ValidationError("urgent_priority must not be negative", field="urgent_priority")

    def resolved_weights(self, *, has_success_model: bool) -> dict[str, float]:
        w = {**DEFAULT_WEIGHTS, **self.weights}
        if has_success_model and "success" not in self.weights:
            w["success"] = DEFAULT_SUCCESS_WEIGHT
        if not has_success_model:
            w["success"] = 0.0
        return w


@dataclass(frozen=True)
class Components:
    """(B, n) arrays of each component and of the total score (``total`` and ``miles`` only,
    the others empty, when :func:`score` was called with ``keep_parts=False``)."""

    parts: dict[str, np.ndarray]
    schedule: np.ndarray
    distance: np.ndarray
    language: np.ndarray
    miles: np.ndarray
    total: np.ndarray


def static_part(cat: CompiledCatalog, weights: Mapping[str, float]) -> np.ndarray:
    """The part of the score that does not depend on the seeker, per program: earn, outcomes, and
    progress at its full value (a seeker it repeats for loses the difference, see _progress_table)."""
    return (weights["earn"] * cat.earn + weights["outcomes"] * cat.outcome_score
            + weights["progress"]).astype(np.float32)


@dataclass(frozen=True)
class _Tables:
    """Each component as a small (seekers x groups) table, before the gather per program."""

    skills: np.ndarray  # per occupation key, assuming full starting-skill coverage
    interest: np.ndarray
    schedule: np.ndarray  # per practical key
    language: np.ndarray
    wage: np.ndarray  # per wage key
    supports: np.ndarray | None  # per support group; None when nobody in the batch has a barrier
    urgent: np.ndarray | None
    progress: np.ndarray | None  # per progress key; None when it is 1 everywhere


def score(pb: ProfileBatch, cat: CompiledCatalog, cols: Columns, weights: Mapping[str, float], *,
          income_priority: float, board_support_mask: int, miles: np.ndarray,
          static: np.ndarray | None = None, success: np.ndarray | LazySuccess | None = None,
          keep_parts: bool = True, urgent_priority: float = 0.0, board_urgent_mask: int = 0) -> Components:
    """All components and the total for seekers x programs ``cols``.

    Most components depend on a program only through a few fields many programs
    share (target occupations and sector; session times and languages; wages;
    the mix of supports), so each is computed as a small (seekers x groups) table
    and gathered per program: the same numbers, far fewer operations.

    ``success`` is the success component's array, or a :data:`LazySuccess` called with the
    content components once they exist (a learned model reads them as its features).
    """
    tables = _Tables(
        *_occupation_tables(pb, cat), *_practical_tables(pb, cat), _wage_table(pb, cat),
        _support_table(pb, cat, board_support_mask),
        _urgent_table(pb, cat, board_urgent_mask) if urgent_priority else None,
        _progress_table(pb, cat) if weights["progress"] else None,
    )
    lazy = callable(success)
    distance, reach = _reach(pb, cat, cols, miles, keep_parts=keep_parts or lazy)
    if static is None:
        static = static_part(cat, weights)
    total, pos, coverage = _content_sum(pb, cat, cols, weights, tables, reach, static,
                                        income_priority=income_priority, urgent_priority=urgent_priority)
    scale = np.float32(1.0 / (sum(weights.values()) + income_priority + urgent_priority))
    parts: dict[str, np.ndarray] = {}
    schedule = language = np.zeros((0, 0), np.float32)
    if keep_parts or lazy:
        parts, schedule, language = _parts(pb, cat, cols, tables, reach, pos, coverage)
    if callable(success):
        content = Components(parts, schedule, distance, language, miles, total * scale)
        success = success(content, float(weights["success"]) * float(scale))
    _finish_total(total, weights, success, scale)
    if not keep_parts:
        empty = np.zeros((0, 0), np.float32)
        return Components({}, empty, empty, empty, miles, total)
    if success is not None:
        parts["success"] = success
    return Components(parts, schedule, distance, language, miles, total)


def _reach(pb: ProfileBatch, cat: CompiledCatalog, cols: Columns, miles: np.ndarray, *,
           keep_parts: bool) -> tuple[np.ndarray, np.ndarray]:
    """(distance fit, reach): reach = 0.2 + 0.8 x distance fit, x FUNDING_TO_ARRANGE_FACTOR where the
    tuition is above what the seeker can pay. Ranking alone keeps no distance fit (reach reuses it)."""
    f32 = np.float32
    distance = _distance_fit(pb, cat, cols, miles)
    # Distance multiplies: a program 100 miles away is impractical however well the schedule fits.
    if keep_parts:
        reach = distance * f32(DISTANCE_PENALTY)
    else:  # ranking only: the distance fit itself is not returned, so reach can take its place
        reach, distance = np.multiply(distance, f32(DISTANCE_PENALTY), out=distance), np.zeros((0, 0), f32)
    reach += f32(1 - DISTANCE_PENALTY)
    if np.isfinite(pb.max_cost).any():
        # Tuition above what the seeker can pay is kept only through funding still to arrange:
        # less practical than a program within their means. One row of factors per distinct
        # cost limit (x 1 within the seeker's means), applied to the rows with that limit.
        limited = np.flatnonzero(np.isfinite(pb.max_cost))
        limits, which = np.unique(pb.max_cost[limited], return_inverse=True)
        factors = np.where(cat.tuition[cols][None, :] > limits[:, None], f32(FUNDING_TO_ARRANGE_FACTOR), f32(1))
        _scale_rows(reach, limited, factors, which.reshape(-1))
    return distance, reach


def _content_sum(pb: ProfileBatch, cat: CompiledCatalog, cols: Columns, w: Mapping[str, float], t: _Tables,
                 reach: np.ndarray, static: np.ndarray, *, income_priority: float, urgent_priority: float
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The documented weighted sum of every component but success (not yet over the divisor),
    and the starting-skill coverage it used."""
    b, n = pb.size, width(cols, cat)
    f32 = np.float32
    # Gathers use np.take(axis=1), not table[:, keys]: numpy returns the latter in Fortran
    # order, and mixing it with the C-ordered total makes every later pass several times slower.
    # Each gather writes into one reused buffer (mode="clip" lets take write there unbuffered).
    # The order of the float32 additions is the documented sum, term by term, so scores do not
    # depend on how the work is arranged.
    total = np.empty((b, n), dtype=f32)
    gathered = np.empty((b, n), dtype=f32)
    np.take(f32(w["skills"]) * t.skills + f32(w["interest"]) * t.interest, cat.occ_key[cols], axis=1, out=total,
            mode="clip")
    total += static[cols][None, :]
    total += np.take(f32(w["wage"]) * t.wage, cat.wage_key[cols], axis=1, out=gathered, mode="clip")
    if t.supports is not None:
        mix = f32(w["supports"]) * t.supports
        if t.urgent is not None:
            mix += f32(urgent_priority) * t.urgent
        total += np.take(mix, cat.barrier_met_group[cols], axis=1, out=gathered, mode="clip")
    practical_w = np.take(f32(w["practical"] * 0.5) * (t.schedule + t.language), cat.practical_key[cols], axis=1,
                          out=gathered, mode="clip")
    practical_w *= reach
    total += practical_w
    del practical_w, gathered

    # starting skills: the tables assumed full coverage; correct the programs that ask for some
    pos, coverage = _coverage(pb, cat, cols)
    if len(pos):
        asking = np.take(total, pos, axis=1)
        asking -= f32(w["skills"] * STARTING_SKILLS_SHARE) * (f32(1) - coverage)
        total[:, pos] = asking
    if t.progress is not None:
        total -= np.take(f32(w["progress"]) * (f32(1) - t.progress), cat.progress_key[cols], axis=1)
    if income_priority and pb.needs_income.any():
        # Only the rows of seekers who need income: the others would add exactly 0.
        paid = f32(income_priority) * cat.earn[cols]
        np.add(total, paid[None, :], out=total, where=pb.needs_income[:, None])
    return total, pos, coverage


def _finish_total(total: np.ndarray, w: Mapping[str, float], success: np.ndarray | None, scale: np.float32) -> None:
    """Add the success component and divide by the fixed divisor, in place."""
    if success is not None and w["success"]:
        total += np.float32(w["success"]) * success
    total *= scale
    # Round so that the same seeker scores identically alone or in a batch (float sums may differ in the last bit).
    np.round(total, 6, out=total)


def _parts(pb: ProfileBatch, cat: CompiledCatalog, cols: Columns, t: _Tables, reach: np.ndarray,
           pos: np.ndarray, coverage: np.ndarray) -> tuple[dict[str, np.ndarray], np.ndarray, np.ndarray]:
    """Every component per (seeker, program), for explanations: (parts, schedule fit, language fit)."""
    b, n = pb.size, width(cols, cat)
    f32 = np.float32
    occ_k, prac_k, mix_k = cat.occ_key[cols], cat.practical_key[cols], cat.barrier_met_group[cols]
    skills = t.skills[:, occ_k]
    if len(pos):
        skills[:, pos] -= f32(STARTING_SKILLS_SHARE) * (f32(1) - coverage)
    schedule, language = t.schedule[:, prac_k], t.language[:, prac_k]
    parts = {"skills": skills, "interest": t.interest[:, occ_k],
             "practical": (schedule + language) * f32(0.5) * reach,
             "supports": t.supports[:, mix_k] if t.supports is not None else np.zeros((b, n), f32),
             "earn": np.broadcast_to(cat.earn[cols][None, :], (b, n)), "wage": t.wage[:, cat.wage_key[cols]],
             "outcomes": np.broadcast_to(cat.outcome_score[cols][None, :], (b, n)),
             "progress": t.progress[:, cat.progress_key[cols]] if t.progress is not None else np.ones((b, n), f32)}
    if t.urgent is not None:  # weighted by urgent_priority, outside the component weights
        parts["urgent"] = t.urgent[:, mix_k]
    return parts, schedule, language


def _coverage(pb: ProfileBatch, cat: CompiledCatalog, cols: Columns) -> tuple[np.ndarray, np.ndarray]:
    """Columns (positions in ``cols``) of programs asking for starting skills, and the share the seeker has."""
    required: sp.spmatrix | sp.sparray
    if isinstance(cols, slice):  # the whole catalog, in order
        pos, required = cat.required_cols, cat.required_sub
    else:
        pos = np.flatnonzero(cat.n_required[cols] > 0)
        required = cat.required_csc[:, cols[pos]]
    if not len(pos):
        return pos, np.zeros((pb.size, 0), np.float32)
    have = (pb.skills @ required).toarray().astype(np.float32)
    return pos, have / cat.n_required[column_index(cols, cat)[pos]][None, :]


def _occupation_tables(pb: ProfileBatch, cat: CompiledCatalog) -> tuple[np.ndarray, np.ndarray]:
    """Per (target set, sector) key: skills assuming full starting-skill coverage, and interest.

    Interest combines its three kinds of evidence, each 0..1, as 1 - (1 - named)(1 - worked)
    (1 - sector): the best target the seeker named, the best one close to a past job (x the
    work-history factor), and the sector if they picked it. Each adds to the others, so a
    welder who picked manufacturing is more interested in welding than in another
    manufacturing job, and no evidence ever lowers interest.
    """
    f32 = np.float32
    transfer_sets = np.asarray(cat.sets_mean @ pb.occ_transfer.T, dtype=f32).T  # (B, n_sets)
    skills = transfer_sets[:, cat.occ_key_set] * f32(1 - STARTING_SKILLS_SHARE) + f32(STARTING_SKILLS_SHARE)
    if not pb.has_interest.any():
        return skills, np.full(skills.shape, NEUTRAL_INTEREST, f32)
    missing = np.ones(skills.shape, f32)  # the product of (1 - evidence)
    for occ in (pb.occ_named, pb.occ_worked):
        if occ.any():
            per_set = np.maximum.reduceat(occ[:, cat.set_indices], cat.set_starts[:-1], axis=1)
            missing *= f32(1) - per_set[:, cat.occ_key_set]
    missing *= f32(1) - pb.sector_interest[:, cat.occ_key_sector] * f32(SECTOR_INTEREST)
    interest = f32(1) - missing
    # Seekers who named nothing get the neutral value everywhere.
    interest[~pb.has_interest] = NEUTRAL_INTEREST
    return skills, interest


def _progress_table(pb: ProfileBatch, cat: CompiledCatalog) -> np.ndarray | None:
    """(B, progress keys): PROGRESS_HELD_CREDENTIAL where the seeker holds the program's main
    credential, PROGRESS_SAME_JOB where it leads only to their current job and awards nothing
    they lack, else 1. None when it is 1 everywhere (the common case)."""
    f32 = np.float32
    n_keys = len(cat.progress_main)
    held_main = np.zeros((pb.size, n_keys), dtype=bool)
    if pb.skills.nnz:
        if pb.size <= SMALL_BATCH:  # a few seekers: a look-up table per row beats a sparse product
            indptr, indices = pb.skills.indptr, pb.skills.indices
            has = np.zeros(pb.skills.shape[1] + 1, dtype=bool)  # the last slot answers "no main credential"
            for b in range(pb.size):
                if indptr[b + 1] > indptr[b]:
                    has[:] = False
                    has[indices[indptr[b]:indptr[b + 1]]] = True
                    held_main[b] = has[cat.progress_main]  # -1 reads the last slot: False
        else:
            held_main = (pb.skills @ cat.progress_main_t).toarray() > 0
    same_job = (pb.current_occ[:, None] == cat.progress_target[None, :]) & (cat.progress_target >= 0)[None, :]
    if not held_main.any() and not same_job.any():
        return None
    if same_job.any():
        have = np.asarray((pb.skills @ cat.progress_creds.T).todense()) if pb.skills.nnz \
            else np.zeros((pb.size, n_keys), f32)
        same_job &= have >= cat.progress_n_creds[None, :]
    return np.where(held_main, f32(PROGRESS_HELD_CREDENTIAL),
                    np.where(same_job, f32(PROGRESS_SAME_JOB), f32(1))).astype(f32)


_POPCOUNT3 = np.array([bin(i).count("1") for i in range(8)], dtype=np.float32)


def _practical_tables(pb: ProfileBatch, cat: CompiledCatalog) -> tuple[np.ndarray, np.ndarray]:
    """Per (session times, self-paced, languages) key: schedule fit and language fit."""
    f32 = np.float32
    times = cat.practical_key_times
    overlap = _POPCOUNT3[times[None, :] & pb.times_mask[:, None]]
    schedule = np.where(cat.practical_key_paced[None, :], f32(1),
                        overlap / np.maximum(_POPCOUNT3[times], 1)[None, :]).astype(f32)
    lang = cat.practical_key_lang[None, :]
    language = np.where((lang & pb.pref_lang_mask[:, None]) != 0, f32(1),
                        np.where((lang & pb.lang_mask[:, None]) != 0, f32(LANGUAGE_OTHER_SPOKEN),
                                 f32(REMEDIED_LANGUAGE_FIT))).astype(f32)
    return schedule, language


def _distance_fit(pb: ProfileBatch, cat: CompiledCatalog, cols: Columns, miles: np.ndarray) -> np.ndarray:
    f32 = np.float32
    inv_scale = (f32(1) / pb.distance_scale.astype(f32))[:, None]
    # Per-column and per-row factors are applied as a whole row of factors, 1 where nothing
    # changes (x * 1 == x exactly): far cheaper than fancy-indexed column subsets.
    hybrid = cat.is_hybrid[cols]
    fit = miles * np.where(hybrid, f32(HYBRID_DISTANCE_SHARE), f32(1))[None, :] if hybrid.any() \
        else miles.astype(f32, copy=True)
    fit *= -inv_scale
    fit += f32(1)
    np.clip(fit, 0.0, 1.0, out=fit)
    unknown = np.isnan(fit)
    if unknown.any():
        fit[unknown] = UNKNOWN_DISTANCE_FIT
    if pb.transit_only.any():
        off_line = ~cat.transit_access[cols] & ~cat.is_online[cols]
        factors = np.where(off_line, f32(TRANSIT_MISSING_FACTOR), f32(1))[None, :]
        transit_rows = np.flatnonzero(pb.transit_only)
        _scale_rows(fit, transit_rows, factors, np.zeros(len(transit_rows), dtype=np.int64))
    return fit


def _scale_rows(a: np.ndarray, rows: np.ndarray, factors: np.ndarray, which: np.ndarray) -> None:
    """``a[rows[i]] *= factors[which[i]]`` in place, row by row: a boolean or fancy row index
    would copy the rows out and back; a full-size mask would touch every cell."""
    for r, k in zip(rows.tolist(), which.tolist()):
        a[r] *= factors[k]


def _support_table(pb: ProfileBatch, cat: CompiledCatalog, board_barrier_mask: int) -> np.ndarray | None:
    """Per support mix: 1 - 0.5^k x 0.7^m (None when no seeker in the batch has a barrier)."""
    if not pb.barrier_mask.any():
        return None
    return _met_table(pb.barrier_mask, cat.barrier_met_codes, board_barrier_mask)


def _urgent_table(pb: ProfileBatch, cat: CompiledCatalog, board_urgent_mask: int) -> np.ndarray | None:
    """Per support group: 1 - 0.5^k x 0.7^m over the seeker's urgent barriers only (None when nobody has one)."""
    urgent = pb.barrier_mask & np.uint32(URGENT_MASK)
    if not urgent.any():
        return None
    return _met_table(urgent, cat.urgent_met_codes, board_urgent_mask)


def _met_table(barriers: np.ndarray, met_codes: np.ndarray, board_mask: int) -> np.ndarray:
    """(B, groups) 1 - 0.5^k x 0.7^m: k of each seeker's ``barriers`` (bit masks) met by the group's
    own supports (``met_codes``), m more met only by the board (``board_mask``)."""
    met = met_codes[None, :] & barriers[:, None]
    board_only = (barriers & np.uint32(board_mask))[:, None] & ~met
    return (1.0 - _POW_PROGRAM[np.bitwise_count(met)] * _POW_BOARD[np.bitwise_count(board_only)]).astype(np.float32)


_POW_PROGRAM = np.array([SUPPORT_FROM_PROGRAM ** i for i in range(33)], dtype=np.float32)
_POW_BOARD = np.array([SUPPORT_FROM_BOARD ** i for i in range(33)], dtype=np.float32)


def _wage_table(pb: ProfileBatch, cat: CompiledCatalog) -> np.ndarray:
    """Per (starting, median wage) key: 0.6 x min(1, start/target) + 0.4 x min(1, median/target); unknown 0.5."""
    f32 = np.float32
    target = pb.target_wage.astype(f32)[:, None]
    start = np.minimum(cat.wage_key_start[None, :] / target, f32(1))
    median = np.minimum(cat.wage_key_median[None, :] / target, f32(1))
    start = np.where(np.isnan(start), f32(UNKNOWN_WAGE_FIT), start)
    median = np.where(np.isnan(median), f32(UNKNOWN_WAGE_FIT), median)
    return (f32(START_WAGE_SHARE) * start + f32(1 - START_WAGE_SHARE) * median).astype(f32)
