"""Compile a catalog (and a batch of seekers) into arrays the engine scores on.

Compiling happens once per catalog (:meth:`matcher.engine.Recommender.fit`): every
program field the score reads becomes one numpy array (or a sparse matrix for skills
and occupations), so ranking a seeker is a few dozen array operations over the whole
catalog, never a Python loop per program. Each eligibility rule compiles its own
arrays (:mod:`matcher.rules`), kept under its name in ``rule_data``.

Sets (supports, languages, schedule times, record categories) are packed into
integer bit masks (:mod:`matcher.policy`); "no requirement" is encoded so that it can
never block, and "seeker did not say" so that it never blocks either.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import numpy as np
import scipy.sparse as sp

from . import geo
from .columns import Columns, width
from .errors import DataError
from .policy import (
    BARRIER_BIT,
    BARRIER_SUPPORTS,
    DEFAULT_MODE_MILES,
    URGENT_SUPPORTS,
    barrier_mask,
    support_mask,
    time_mask,
)
from .profile_resolve import ResolvedProfile
from .records import Barrier, Delivery, PaidKind, Program, Sector, Support, TravelMode
from .rules import RULES
from .sources.duplicates import provider_key
from .wages import wage_area_for

SECTORS = list(Sector)
SECTOR_INDEX = {s: i for i, s in enumerate(SECTORS)}
#: Elements an occupation must rate at least this important (0..1) to count toward
#: transferable skills; below it, an element says little about the job.
ELEMENT_MIN_IMPORTANCE = 0.5
#: Shrinkage of program outcome rates toward a prior, in pseudo-students (small
#: cohorts say less than big ones).
OUTCOME_PRIOR_RATE = 0.6
OUTCOME_PRIOR_WEIGHT = 20.0
#: Earn-while-learning fit by how a program pays.
EARN_WAGE = 1.0
EARN_STIPEND = 0.6
EARN_PAID_BY_DESIGN = 0.8  # OJT, apprenticeship... with no figure given: still paid


def wage_area(program: Program) -> str:
    """OEWS area for a program's place (:func:`matcher.wages.wage_area_for`): its metro when shipped (Portland,
    Eugene), else its state, else national figures (a Texas program is not given Portland's wages)."""
    loc = program.location
    return wage_area_for(loc.state, loc.county, loc.zip)


@dataclass(frozen=True, eq=False)
class CompiledCatalog:
    """A catalog as arrays. Row ``i`` of every array is ``programs[i]``."""

    programs: tuple[Program, ...]
    ids: np.ndarray
    id_rank: np.ndarray  # position of each id in sorted order: the deterministic tie-break
    # skills
    skill_index: Mapping[str, int]
    required_t: sp.csr_matrix  # (n_skills, n_programs) 1 where the program requires the skill at entry
    n_required: np.ndarray
    required_cols: np.ndarray  # programs that ask for starting skills
    required_sub: sp.csr_matrix  # required_t restricted to required_cols
    required_csc: sp.csc_matrix  # required_t by columns, for the few programs an explanation reads
    skill_occ: sp.csr_matrix  # (n_skills, n_occ) 1 where the taxonomy links a skill to an occupation
    # occupations
    occ_codes: tuple[str, ...]
    occ_index: Mapping[str, int]
    # Programs sharing the same target occupations share one "target set": interest and
    # transfer are computed per set (far fewer than programs) and gathered.
    target_set: np.ndarray  # (n_programs,) set index
    set_indices: np.ndarray  # CSR layout of each set's occupations
    set_starts: np.ndarray
    sets_mean: sp.csr_matrix  # (n_sets, n_occ) 1/k for each of k targets
    occ_minor: np.ndarray  # SOC minor group (e.g. 4721) of each occupation
    occ_major: np.ndarray
    occ_broad: np.ndarray  # SOC broad occupation (e.g. 31113 for 31-1131.00)
    element_index: Mapping[str, int]
    occ_element_weights: np.ndarray  # (n_occ, n_el) row-normalised importance of key elements (float64)
    occ_element_level: np.ndarray  # (n_occ, n_el) level 0..1 (what doing that job teaches you)
    # practical
    unit: np.ndarray
    has_place: np.ndarray
    is_online: np.ndarray
    is_hybrid: np.ndarray
    transit_access: np.ndarray
    times_mask: np.ndarray
    self_paced: np.ndarray
    lang_index: Mapping[str, int]
    lang_mask: np.ndarray
    support_mask: np.ndarray
    barrier_met_codes: np.ndarray  # per support group: barriers met (bit mask) ...
    urgent_met_codes: np.ndarray  # ... and urgent barriers met (URGENT_SUPPORTS) ...
    barrier_met_group: np.ndarray  # ... and which group each program is in
    # Grouping keys: programs alike in one respect share a key, so a component is computed
    # once per key (a small table per seeker) and gathered, instead of once per program.
    occ_key: np.ndarray  # (target set, sector)
    occ_key_set: np.ndarray
    occ_key_sector: np.ndarray
    practical_key: np.ndarray  # (session times, self-paced, languages)
    practical_key_times: np.ndarray
    practical_key_paced: np.ndarray
    practical_key_lang: np.ndarray
    wage_key: np.ndarray  # (starting wage, median wage)
    wage_key_start: np.ndarray
    wage_key_median: np.ndarray
    provider_list: list[int]  # provider and type codes as Python ints for the re-rank loop
    type_list: list[int]
    id_list: list[str]  # ids as Python strings, for building results without numpy scalars
    # money and outcomes
    tuition: np.ndarray
    funded: np.ndarray  # free, or some funding listed
    earn: np.ndarray  # earn-while-learning fit 0..1
    start_wage: np.ndarray  # NaN when unknown
    median_wage: np.ndarray
    outcome_score: np.ndarray
    # progress: does the program add anything the seeker lacks (see scoring.PROGRESS_*)
    progress_key: np.ndarray  # (n,) key of (main credential, credential set, target set)
    progress_main: np.ndarray  # per key: skill index of the main (first) credential awarded, -1 none
    progress_main_t: sp.csr_matrix  # (n_skills x n_keys) 1 at each key's main credential
    progress_creds: sp.csr_matrix  # per key: the credentials awarded (n_keys x n_skills)
    progress_n_creds: np.ndarray  # per key: how many
    progress_target: np.ndarray  # per key: the occupation index when the program leads to one job, else -1
    # each rule's own arrays, by rule name (matcher.rules)
    rule_data: Mapping[str, Mapping[str, np.ndarray]]
    # (occupation code, id(taxonomy)) -> (taxonomy, (occupations, interest levels)); see _interest_levels
    interest_cache: dict[tuple[str, int], Any] = field(default_factory=dict, repr=False)

    @property
    def size(self) -> int:
        return len(self.programs)

    @property
    def all_columns(self) -> np.ndarray:
        return np.arange(self.size)


def earn_fit(program: Program) -> float:
    """1 for a wage (OJT, apprenticeship), 0.6 for a stipend, 0.8 for a type that pays by design, else 0."""
    paid = program.paid
    if paid.kind is PaidKind.WAGE:
        return EARN_WAGE
    if paid.kind is PaidKind.STIPEND:
        return EARN_STIPEND
    return EARN_PAID_BY_DESIGN if program.type.is_paid_by_design else 0.0


def outcome_fit(program: Program) -> float:
    """Completion and placement rates, shrunk toward a prior by cohort size; the prior when unknown.

    The cohort is ``cohort_size``, else the people who exited, else those served (ETA-9171 counts);
    with none known it weighs as much as the prior."""
    o = program.outcomes
    rates = [r for r in (o.completion_rate, o.placement_rate) if r is not None]
    if not rates:
        return OUTCOME_PRIOR_RATE
    cohort = next((c for c in (o.cohort_size, o.total_exited, o.total_served) if c is not None), None)
    n = float(cohort) if cohort is not None else OUTCOME_PRIOR_WEIGHT
    mean = sum(rates) / len(rates)
    return (mean * n + OUTCOME_PRIOR_RATE * OUTCOME_PRIOR_WEIGHT) / (n + OUTCOME_PRIOR_WEIGHT)


# --------------------------------------------------------------------------- catalog: the steps


def compile_catalog(programs: Sequence[Program], *, taxonomy: Any = None,
                    zip_point: Any = None, wage_for: Any = None) -> CompiledCatalog:
    """Turn programs into a :class:`CompiledCatalog` (``taxonomy``, ``zip_point`` and
    ``wage_for`` are optional: without them skills match by exact ID only, places
    need coordinates, and wage outlook uses program outcome wages only)."""
    programs = tuple(programs)
    ids = np.array([p.id for p in programs], dtype=object)
    id_rank = np.empty(len(programs), dtype=np.int64)
    id_rank[np.argsort(ids.astype(str), kind="stable")] = np.arange(len(programs))

    occupations = _occupations(programs, taxonomy)
    skills = _skills(programs, taxonomy, occupations["occ_index"])
    place = _places(programs, zip_point)
    languages = _languages(programs)
    supports = _supports(programs)
    money = _money(programs, wage_for)
    groups = _groups(programs, occupations["target_set"], place, languages, money)
    progress = _progress(programs, skills["skill_index"], occupations["occ_index"])
    return CompiledCatalog(
        programs=programs, ids=ids, id_rank=id_rank,
        **occupations, **skills, **place, **languages, **supports, **money, **groups, **progress,
        rule_data={rule.name: rule.compile_programs(programs) for rule in RULES},
    )


def _occupations(programs: tuple[Program, ...], taxonomy: Any) -> dict[str, Any]:
    """The taxonomy's occupations plus any target code it lacks; target sets; SOC groups; elements."""
    occ_codes: list[str] = list(taxonomy.occupations) if taxonomy is not None else []
    occ_index = {c: i for i, c in enumerate(occ_codes)}
    for p in programs:
        for code in p.target_occupations:
            if code not in occ_index:
                occ_index[code] = len(occ_codes)
                occ_codes.append(code)
    n_occ = len(occ_codes)
    set_of: dict[tuple[int, ...], int] = {}
    target_set = np.empty(len(programs), dtype=np.int64)
    for i, p in enumerate(programs):
        key = tuple(sorted({occ_index[c] for c in p.target_occupations}))
        target_set[i] = set_of.setdefault(key, len(set_of))
    set_keys = list(set_of)
    set_starts = np.zeros(len(set_keys) + 1, dtype=np.int64)
    np.cumsum([len(k) for k in set_keys], out=set_starts[1:])
    set_indices = np.array([o for k in set_keys for o in k], dtype=np.int64)
    set_k = np.diff(set_starts).astype(np.float32)
    sets_mean = sp.csr_matrix((np.repeat(1.0 / set_k, np.diff(set_starts)).astype(np.float32), set_indices,
                               set_starts), shape=(len(set_keys), max(n_occ, 1)))
    element_index, weights, levels = _elements(occ_index, n_occ, taxonomy)
    return {
        "occ_codes": tuple(occ_codes), "occ_index": occ_index, "target_set": target_set,
        "set_indices": set_indices, "set_starts": set_starts, "sets_mean": sets_mean,
        "occ_minor": np.array([int(c[:2] + c[3:5]) if len(c) >= 5 else -1 for c in occ_codes], dtype=np.int32),
        "occ_major": np.array([int(c[:2]) if len(c) >= 2 else -1 for c in occ_codes], dtype=np.int32),
        "occ_broad": np.array([int(c[:2] + c[3:6]) if len(c) >= 6 else -1 for c in occ_codes], dtype=np.int32),
        "element_index": element_index, "occ_element_weights": weights, "occ_element_level": levels,
    }


def _elements(occ_index: Mapping[str, int], n_occ: int, taxonomy: Any
              ) -> tuple[dict[str, int], np.ndarray, np.ndarray]:
    """O*NET skill/knowledge elements: per occupation, row-normalised importance of the key
    elements (those rated at least ELEMENT_MIN_IMPORTANCE) and the level the job uses.

    The weights are float32 values held as float64, made so once here: the transfer product
    (:func:`_transfer`) runs in float64."""
    if taxonomy is None:
        return {}, np.zeros((n_occ, 0), np.float64), np.zeros((n_occ, 0), np.float32)
    m_codes, element_ids, importance, level = taxonomy.occupation_element_matrix()
    weights = np.zeros((n_occ, len(element_ids)), dtype=np.float32)
    levels = np.zeros((n_occ, len(element_ids)), dtype=np.float32)
    rows = [occ_index[c] for c in m_codes if c in occ_index]
    src = [i for i, c in enumerate(m_codes) if c in occ_index]
    important = np.where(importance >= ELEMENT_MIN_IMPORTANCE, importance, 0.0).astype(np.float32)
    totals = important.sum(axis=1, keepdims=True)
    totals[totals == 0] = 1.0
    weights[rows] = (important / totals)[src]
    levels[rows] = level[src]
    return {e: i for i, e in enumerate(element_ids)}, weights.astype(np.float64), levels


def _skills(programs: tuple[Program, ...], taxonomy: Any, occ_index: Mapping[str, int]) -> dict[str, Any]:
    """Skills vocabulary (required + taught + credentials + taxonomy skills linked to occupations),
    the required-skills matrix, and the taxonomy's skill -> occupation links."""
    n = len(programs)
    n_occ = len(occ_index)
    skill_index: dict[str, int] = {}
    for p in programs:
        for s in (*p.prerequisites.skills, *p.skills_taught, *p.credentials_awarded):
            skill_index.setdefault(s, len(skill_index))
    links_r: list[int] = []
    links_c: list[int] = []
    if taxonomy is not None:
        for sid, skill in taxonomy.skills.items():
            occs = [occ_index[o] for o in getattr(skill, "occupations", ()) if o in occ_index]
            if occs and not sid.startswith(("tech:", "tool:")):
                row = skill_index.setdefault(sid, len(skill_index))
                links_r.extend([row] * len(occs))
                links_c.extend(occs)
    n_sk = max(len(skill_index), 1)
    rr: list[int] = []
    cc: list[int] = []
    for i, p in enumerate(programs):
        for s in set(p.prerequisites.skills):
            rr.append(skill_index[s])
            cc.append(i)
    required_t = sp.csr_matrix((np.ones(len(rr), np.float32), (rr, cc)), shape=(n_sk, n))
    n_required = np.array([len(set(p.prerequisites.skills)) for p in programs], dtype=np.float32)
    skill_occ = sp.csr_matrix((np.ones(len(links_r), np.float32), (links_r, links_c)), shape=(n_sk, max(n_occ, 1)))
    skill_occ.sum_duplicates()
    skill_occ.data[:] = 1.0
    asking = np.flatnonzero(n_required > 0)
    return {"skill_index": skill_index, "required_t": required_t, "n_required": n_required,
            "required_cols": asking, "required_sub": required_t[:, asking].tocsr(), "required_csc": required_t.tocsc(),
            "skill_occ": skill_occ}


def _places(programs: tuple[Program, ...], zip_point: Any) -> dict[str, Any]:
    n = len(programs)
    lat = np.full(n, np.nan)
    lon = np.full(n, np.nan)
    for i, p in enumerate(programs):
        loc = p.location
        if loc.delivery is Delivery.ONLINE:
            continue
        if loc.latitude is not None and loc.longitude is not None:
            lat[i], lon[i] = loc.latitude, loc.longitude
        elif loc.zip and zip_point is not None:
            point = zip_point(loc.zip)
            if point is not None:
                lat[i], lon[i] = point
    delivery = [p.location.delivery for p in programs]
    return {"unit": geo.unit_vectors(lat, lon).reshape(n, 3), "has_place": ~np.isnan(lat),
            "is_online": np.array([d is Delivery.ONLINE for d in delivery], dtype=bool),
            "is_hybrid": np.array([d is Delivery.HYBRID for d in delivery], dtype=bool),
            "transit_access": np.array([p.location.transit_access for p in programs], dtype=bool),
            "times_mask": np.array([time_mask(p.schedule.times) for p in programs], dtype=np.uint8),
            "self_paced": np.array([p.schedule.self_paced for p in programs], dtype=bool)}


def _languages(programs: tuple[Program, ...]) -> dict[str, Any]:
    """Languages of instruction as a bit mask (64 distinct languages is far beyond any real catalog)."""
    lang_index: dict[str, int] = {}
    for p in programs:
        for lang in p.languages:
            lang_index.setdefault(lang, len(lang_index))
    if len(lang_index) > 64:
        raise DataError(f"the catalog uses {len(lang_index)} languages of instruction; at most 64 are supported",
                        field="languages")
    mask = np.array([sum(1 << lang_index[x] for x in p.languages) for p in programs], dtype=np.uint64)
    return {"lang_index": lang_index, "lang_mask": mask}


def _supports(programs: tuple[Program, ...]) -> dict[str, Any]:
    """Support bit masks, and the barriers each program's supports meet, grouped: programs with the
    same (barriers met, urgent barriers met) share one column of the support tables."""
    masks = np.array([support_mask(p.supports) for p in programs], dtype=np.uint32)
    met = _barriers_met(masks, BARRIER_SUPPORTS)
    urgent = _barriers_met(masks, URGENT_SUPPORTS)
    keys, group = np.unique((met.astype(np.uint64) << np.uint64(32)) | urgent, return_inverse=True)
    return {"support_mask": masks,
            "barrier_met_codes": (keys >> np.uint64(32)).astype(np.uint32),
            "urgent_met_codes": (keys & np.uint64(0xFFFFFFFF)).astype(np.uint32),
            "barrier_met_group": group.reshape(-1).astype(np.int64)}


def _barriers_met(supports: np.ndarray, table: Mapping[Barrier, tuple[Support, ...]]) -> np.ndarray:
    """Per program, the barriers (bit mask) its supports (bit mask) meet under ``table``."""
    met = np.zeros(len(supports), dtype=np.uint32)
    for barrier, wanted in table.items():
        if wanted:
            offered = (supports & np.uint32(support_mask(wanted))) != 0
            met[offered] |= np.uint32(BARRIER_BIT[barrier])
    return met


def _money(programs: tuple[Program, ...], wage_for: Any) -> dict[str, Any]:
    """Tuition and funding, earn-while-learning fit, outcomes, and wages: the program's own
    starting wage first, else the OEWS 25th percentile (entry) and median of its targets."""
    n = len(programs)
    start = np.full(n, np.nan, dtype=np.float32)
    median = np.full(n, np.nan, dtype=np.float32)
    lookup = lru_cache(maxsize=None)(wage_for) if wage_for is not None else None
    for i, p in enumerate(programs):
        figures = [lookup(c, wage_area(p)) for c in p.target_occupations] if lookup else []
        figures = [f for f in figures if f is not None]
        meds = [f.median for f in figures if f.median is not None]
        entry = [f.pct25 for f in figures if f.pct25 is not None]
        if meds:
            median[i] = float(np.mean(meds))
        if p.outcomes.median_starting_wage is not None:
            start[i] = p.outcomes.median_starting_wage
        elif entry:
            start[i] = float(np.mean(entry))
    return {"tuition": np.array([0.0 if p.cost.is_free else p.cost.tuition_usd for p in programs], dtype=np.float32),
            "funded": np.array([p.cost.is_free or bool(p.cost.funding) for p in programs], dtype=bool),
            "earn": np.array([earn_fit(p) for p in programs], dtype=np.float32),
            "start_wage": start, "median_wage": median,
            "outcome_score": np.array([outcome_fit(p) for p in programs], dtype=np.float32)}


def _groups(programs: tuple[Program, ...], target_set: np.ndarray, place: Mapping[str, np.ndarray],
            languages: Mapping[str, Any], money: Mapping[str, np.ndarray]) -> dict[str, Any]:
    """Grouping keys for the per-key score tables, and the codes the diversity re-rank reads."""
    sector_code = np.array([SECTOR_INDEX[p.sector] for p in programs], dtype=np.int32)
    times, paced, lang = place["times_mask"], place["self_paced"], languages["lang_mask"]
    occ_pairs, occ_key = _group(target_set, sector_code)
    prac_pairs, practical_key = _group(times.astype(np.int64) | (paced.astype(np.int64) << 3), lang.astype(np.int64))
    start, median = money["start_wage"], money["median_wage"]
    wage_pairs, wage_key = _group(np.nan_to_num(start, nan=-1.0), np.nan_to_num(median, nan=-1.0))
    provider_code = provider_codes([p.provider for p in programs])
    types = list(type(programs[0].type)) if programs else []
    return {
        "occ_key": occ_key, "occ_key_set": occ_pairs[:, 0].astype(np.int64),
        "occ_key_sector": occ_pairs[:, 1].astype(np.int64),
        "practical_key": practical_key, "practical_key_times": (prac_pairs[:, 0] & 7).astype(np.uint8),
        "practical_key_paced": (prac_pairs[:, 0] >> 3).astype(bool),
        "practical_key_lang": prac_pairs[:, 1].astype(np.uint64),
        "wage_key": wage_key,
        "wage_key_start": np.where(wage_pairs[:, 0] < 0, np.nan, wage_pairs[:, 0]).astype(np.float32),
        "wage_key_median": np.where(wage_pairs[:, 1] < 0, np.nan, wage_pairs[:, 1]).astype(np.float32),
        "provider_list": provider_code, "type_list": [types.index(p.type) for p in programs],
        "id_list": [p.id for p in programs],
    }


def _progress(programs: tuple[Program, ...], skill_index: Mapping[str, int],
              occ_index: Mapping[str, int]) -> dict[str, Any]:
    """Per distinct (credentials awarded, single target occupation): what the progress component reads."""
    keys: dict[tuple[tuple[int, ...], int], int] = {}
    key_of = np.empty(len(programs), dtype=np.int64)
    for i, p in enumerate(programs):
        creds = tuple(skill_index[c] for c in dict.fromkeys(p.credentials_awarded))
        target = occ_index[p.target_occupations[0]] if len(set(p.target_occupations)) == 1 else -1
        key_of[i] = keys.setdefault((creds, target), len(keys))
    rows = [k for k, (creds, _) in enumerate(keys) for _ in creds]
    cols = [c for creds, _ in keys for c in creds]
    n_skills = max(len(skill_index), 1)
    main = np.array([creds[0] if creds else -1 for creds, _ in keys], dtype=np.int64)
    with_main = np.flatnonzero(main >= 0)
    return {
        "progress_key": key_of,
        "progress_main": main,
        "progress_main_t": sp.csr_matrix((np.ones(len(with_main), np.float32), (main[with_main], with_main)),
                                         shape=(n_skills, len(keys))),
        "progress_creds": sp.csr_matrix((np.ones(len(rows), np.float32), (rows, cols)), shape=(len(keys), n_skills)),
        "progress_n_creds": np.array([len(creds) for creds, _ in keys], dtype=np.float32),
        "progress_target": np.array([target for _, target in keys], dtype=np.int64),
    }


#: Provider names this alike (rapidfuzz ratio, 0-100) after normalising are one provider for the re-rank:
#: published lists spell one provider several ways ("Apprenticeship" / "Appretniceship").
PROVIDER_SAME_RATIO = 92.0


def provider_codes(names: Sequence[str]) -> list[int]:
    """One code per provider for the diversity re-rank: names equal after normalising (case, punctuation,
    "Inc.", "CC" for "Community College"), or nearly equal within names sharing a first word, share a code."""
    from rapidfuzz import fuzz

    keys = [provider_key(n) or n.strip().casefold() for n in names]
    distinct = list(dict.fromkeys(keys))
    code: dict[str, int] = {}
    # Blocked by first word and by the digits in the name: "Campus 2" and "Campus 3" stay apart.
    by_block: dict[tuple[str, str], list[str]] = {}
    for key in distinct:
        block = (key.split(" ", 1)[0], "".join(ch for ch in key if ch.isdigit()))
        match = next((k for k in by_block.get(block, ()) if fuzz.ratio(key, k) >= PROVIDER_SAME_RATIO), None)
        code[key] = code[match] if match is not None else len(code)
        by_block.setdefault(block, []).append(key)
    return [code[k] for k in keys]


def _group(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Distinct (a, b) pairs and, for each row, the index of its pair."""
    if len(a) == 0:
        return np.zeros((0, 2)), np.zeros(0, dtype=np.int64)
    pairs, inverse = np.unique(np.stack([a, b], axis=1), axis=0, return_inverse=True)
    return pairs, inverse.reshape(-1).astype(np.int64)


def program_miles(pb: ProfileBatch, cat: CompiledCatalog, cols: Columns) -> np.ndarray:
    """(B, n) miles from each seeker to each program; NaN when either place is unknown, 0 online."""
    online = cat.is_online[cols]
    if np.isnan(pb.unit).all() or not cat.has_place.any():
        # No seeker or no program has a known place: skip the product, every distance is unknown.
        miles = np.full((pb.size, width(cols, cat)), np.nan, dtype=np.float32)
    else:
        miles = geo.chord_miles(pb.unit, cat.unit[cols])
    if online.any():
        miles[:, online] = 0.0
    return miles


# --------------------------------------------------------------------------- seekers


@dataclass(frozen=True, eq=False)
class ProfileBatch:
    """B resolved seekers as arrays (row b is ``resolved[b]``)."""

    resolved: tuple[ResolvedProfile, ...]
    lang_mask: np.ndarray
    pref_lang_mask: np.ndarray
    times_mask: np.ndarray
    unit: np.ndarray
    travel_limit: np.ndarray  # miles; inf when the seeker did not say
    distance_scale: np.ndarray  # miles at which distance fit reaches 0
    transit_only: np.ndarray
    max_cost: np.ndarray
    needs_income: np.ndarray
    barrier_mask: np.ndarray
    target_wage: np.ndarray
    skills: sp.csr_matrix  # (B, n_skills)
    occ_named: np.ndarray  # (B, n_occ) interest from the occupations the seeker named
    occ_worked: np.ndarray  # (B, n_occ) interest from past jobs (x WORK_HISTORY_FACTOR)
    occ_transfer: np.ndarray  # (B, n_occ) how much of each occupation's key skills the seeker has
    current_occ: np.ndarray  # (B,) the most recent job's occupation index, -1 when none
    sector_interest: np.ndarray  # (B, n_sectors)
    has_interest: np.ndarray
    rule_data: Mapping[str, Mapping[str, np.ndarray]]  # each rule's own arrays, by rule name

    @property
    def size(self) -> int:
        return len(self.resolved)


#: Interest in an occupation, by how it relates to one the seeker named.
INTEREST_EXACT = 1.0
INTEREST_RELATED = 0.7
INTEREST_SAME_MINOR_GROUP = 0.6
INTEREST_SAME_MAJOR_GROUP = 0.35
#: A past job counts as a (weaker) interest: people often move up in their field.
WORK_HISTORY_FACTOR = 0.6
#: Each seeker skill the taxonomy links to an occupation adds this much transfer (capped at 1).
SKILL_LINK_TRANSFER = 0.34
#: Distance fit for a seeker with no range: it reaches 0 at this many miles.
DEFAULT_DISTANCE_SCALE = 30.0
#: ... and at this many times the seeker's range otherwise.
RANGE_SCALE = 1.25


def compile_profiles(resolved: Sequence[ResolvedProfile], cat: CompiledCatalog, *,
                     taxonomy: Any = None, default_target_wage: float = 25.0,
                     mode_miles: Mapping[TravelMode, float] | None = None) -> ProfileBatch:
    """Arrays for a batch of resolved profiles against one compiled catalog."""
    resolved = tuple(resolved)
    b = len(resolved)
    profiles = [r.profile for r in resolved]

    def arr(values: list[Any], dtype: Any) -> np.ndarray:
        return np.array(values, dtype=dtype).reshape(b)

    limit, scale, transit_only = _travel(resolved, mode_miles or DEFAULT_MODE_MILES)
    lat = arr([r.point[0] if r.point else np.nan for r in resolved], np.float64)
    lon = arr([r.point[1] if r.point else np.nan for r in resolved], np.float64)
    skills = _skill_matrix(resolved, cat)

    def lang_bits(langs: list[str]) -> int:
        return sum(1 << cat.lang_index[x] for x in langs if x in cat.lang_index)

    sector_interest = np.zeros((b, len(SECTORS)), dtype=np.float32)
    for i, r in enumerate(resolved):
        for s in r.sectors:
            sector_interest[i, SECTOR_INDEX[s]] = 1.0
    return ProfileBatch(
        resolved=resolved,
        lang_mask=arr([lang_bits(p.languages) for p in profiles], np.uint64),
        pref_lang_mask=arr([lang_bits(p.languages[:1]) for p in profiles], np.uint64),
        times_mask=arr([time_mask(p.availability.times) for p in profiles], np.uint8),
        unit=geo.unit_vectors(lat, lon).reshape(b, 3),
        travel_limit=arr(limit, np.float64),
        distance_scale=arr(scale, np.float64),
        transit_only=arr(transit_only, bool),
        max_cost=arr([p.max_cost_usd if p.max_cost_usd is not None else np.inf for p in profiles], np.float32),
        needs_income=arr([r.needs_income for r in resolved], bool),
        barrier_mask=arr([barrier_mask(r.barriers) for r in resolved], np.uint32),
        target_wage=arr([r.target_wage or default_target_wage for r in resolved], np.float32),
        skills=skills,
        occ_named=_interest(resolved, cat, taxonomy, worked=False),
        occ_worked=_interest(resolved, cat, taxonomy, worked=True),
        occ_transfer=_transfer(resolved, cat, skills),
        current_occ=arr([cat.occ_index.get(r.work_occupations[0], -1) if r.work_occupations else -1
                         for r in resolved], np.int64),
        sector_interest=sector_interest,
        has_interest=arr([r.has_interests for r in resolved], bool),
        rule_data={rule.name: rule.compile_seekers(resolved, cat) for rule in RULES},
    )


def _travel(resolved: tuple[ResolvedProfile, ...], mode_miles: Mapping[TravelMode, float]
            ) -> tuple[list[float], list[float], list[bool]]:
    """Per seeker: travel range (inf unknown), the distance-fit scale, and transit-only."""
    limit: list[float] = []
    scale: list[float] = []
    transit_only: list[bool] = []
    for r in resolved:
        travel = r.profile.travel
        modes = set(travel.modes)
        by_mode = max((mode_miles[m] for m in modes), default=None)
        given = travel.max_miles if travel.max_miles is not None else by_mode
        limit.append(np.inf if given is None else float(given))
        scale.append(max(float(given), 1.0) * RANGE_SCALE if given is not None else DEFAULT_DISTANCE_SCALE)
        transit_only.append(bool(modes) and not modes & {TravelMode.CAR, TravelMode.RIDE_FROM_OTHERS})
    return limit, scale, transit_only


def _skill_matrix(resolved: tuple[ResolvedProfile, ...], cat: CompiledCatalog) -> sp.csr_matrix:
    """The seekers' skills as a sparse indicator matrix over the catalog's vocabulary."""
    rows: list[int] = []
    cols: list[int] = []
    for i, r in enumerate(resolved):
        for s in r.skill_ids:
            j = cat.skill_index.get(s)
            if j is not None:
                rows.append(i)
                cols.append(j)
    return sp.csr_matrix((np.ones(len(rows), np.float32), (rows, cols)),
                         shape=(len(resolved), cat.required_t.shape[0]))


def _transfer(resolved: tuple[ResolvedProfile, ...], cat: CompiledCatalog, skills: sp.csr_matrix) -> np.ndarray:
    """Transferable skills: explicit O*NET elements + what past jobs taught, against each occupation's
    key elements; a taxonomy skill linked to an occupation raises it to SKILL_LINK_TRANSFER."""
    b = len(resolved)
    n_occ = max(len(cat.occ_codes), 1)
    n_el = cat.occ_element_weights.shape[1]
    elements = np.zeros((b, n_el), dtype=np.float64)  # float64 for the product below
    el_rows: list[int] = []
    el_cols: list[int] = []
    job_rows: list[int] = []
    jobs: list[int] = []
    element_of, occ_of = cat.element_index.get, cat.occ_index.get
    for i, r in enumerate(resolved):
        for s in r.skill_ids:
            j = element_of(s)
            if j is not None:
                el_rows.append(i)
                el_cols.append(j)
        for code in r.work_occupations:
            o = occ_of(code)
            if o is not None:
                job_rows.append(i)
                jobs.append(o)
    if n_el:
        elements[el_rows, el_cols] = 1.0
        if jobs:  # what each past job taught: the element levels of its occupation, the best over jobs
            np.maximum.at(elements, np.asarray(job_rows, dtype=np.int64), cat.occ_element_level[jobs])
    # In float64, then rounded to float32: OpenBLAS's float32 product rounds a row differently with the
    # batch's size on some CPUs (Haswell kernels), so a person's scores would depend on who else was in
    # the batch; float64 error is far below float32's rounding step, so each row comes out the same.
    transfer = ((elements @ cat.occ_element_weights.T).astype(np.float32)
                if n_el else np.zeros((b, n_occ), np.float32))
    # Each of the seeker's skills the taxonomy links to an occupation adds SKILL_LINK_TRANSFER (the product
    # counts the links per cell); capped at 1. Links are few: only the linked cells are touched.
    links = (skills @ cat.skill_occ).tocoo()
    if links.nnz:
        transfer[links.row, links.col] += links.data * np.float32(SKILL_LINK_TRANSFER)
    np.minimum(transfer, np.float32(1), out=transfer)
    return transfer


def _interest(resolved: tuple[ResolvedProfile, ...], cat: CompiledCatalog, taxonomy: Any, *,
              worked: bool) -> np.ndarray:
    """(B, n_occ) interest in each occupation: the best over the occupations the seeker named
    (``worked=False``) or worked in (``worked=True``, x WORK_HISTORY_FACTOR) of how close each
    is (:func:`interest_levels`)."""
    interest = np.zeros((len(resolved), max(len(cat.occ_codes), 1)), dtype=np.float32)
    factor = WORK_HISTORY_FACTOR if worked else 1.0
    rows: list[int] = []
    codes: list[str] = []
    for i, r in enumerate(resolved):
        for code in (r.work_occupations if worked else r.interest_occupations):
            rows.append(i)
            codes.append(code)
    if not codes:
        return interest
    reach = {code: interest_levels(code, cat, taxonomy) for code in dict.fromkeys(codes)}
    occs = [reach[code][0] for code in codes]
    cols = np.concatenate(occs)
    levels = (np.concatenate([reach[code][1] for code in codes]) * factor).astype(np.float32)
    cell_rows = np.repeat(np.asarray(rows, dtype=np.int64), [len(o) for o in occs])
    # maximum.at: a cell reached by two of the seeker's occupations keeps the larger level.
    np.maximum.at(interest, (cell_rows, cols), levels)
    return interest


def interest_levels(code: str, cat: CompiledCatalog, taxonomy: Any) -> tuple[np.ndarray, np.ndarray]:
    """The occupations an interest in ``code`` reaches and how strongly (exact, related, same
    minor group, same major group), before the work-history factor. Cached per catalog and
    taxonomy: a caseload names the same few occupations again and again."""
    key = (code, id(taxonomy))
    cached = cat.interest_cache.get(key)
    if cached is not None:
        return cached[1]
    level = np.zeros(len(cat.occ_codes), dtype=np.float64)
    if len(code) >= 5 and code[:2].isdigit() and code[3:5].isdigit():
        np.maximum(level, np.where(cat.occ_major == int(code[:2]), INTEREST_SAME_MAJOR_GROUP, 0.0), out=level)
        np.maximum(level, np.where(cat.occ_minor == int(code[:2] + code[3:5]), INTEREST_SAME_MINOR_GROUP, 0.0),
                   out=level)
    if taxonomy is not None and code in taxonomy.occupations:
        for rel in taxonomy.occupations[code].related:
            j = cat.occ_index.get(rel)
            if j is not None:
                level[j] = max(level[j], INTEREST_RELATED)
    j = cat.occ_index.get(code)
    if j is not None:
        level[j] = max(level[j], INTEREST_EXACT)
    occs = np.flatnonzero(level)
    result = (occs, level[occs])
    # The taxonomy is kept with its entry so its id cannot be reused by another object.
    cat.interest_cache[key] = (taxonomy, result)
    return result
