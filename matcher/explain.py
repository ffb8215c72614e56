"""Plain-language explanations: the sentences a coach reads aloud for each program shown.

Only the programs shown are explained (a handful per seeker). Every number and every
choice of words comes from the same arrays and constants that ranked them (the score
components in ``Components.parts``, the compiled catalog, :mod:`matcher.policy`, the
rule objects), so an explanation can never disagree with the ranking. Requirements are
explained by their rule objects (:mod:`matcher.rules`); this module says why a program
fits and puts the pieces together, saying each thing once:

- Blockers first: a requirement the seeker does not meet and the remedy that keeps the
  program ("Needs a driver's license: the program offers help getting a driver's license").
- Reasons ("Why"), most important first: each tied to one score component and ordered by
  what that component adds to this program's score (weight x value), facts true of
  nearly every program ("No experience needed to start") after the distinctive ones.
  A support already named as a remedy is not repeated.
- Supports: the program's or board's help for the seeker's barriers not said above.
  Supports nobody in the list offers, and checks several programs share, are said once
  for the whole list (``RecommendationList.to_arrange`` / ``shared_checks``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

import numpy as np

from . import features as F  # noqa: N812 - the formulas' constants, read where they are defined
from . import scoring as S  # noqa: N812
from .i18n import _, get_language, ngettext, occupation_title
from .i18n import skill_name as localized_skill_name
from .policy import BARRIER_SUPPORTS, URGENT_SUPPORTS, support_applies
from .profile_resolve import ResolvedProfile
from .records import Barrier, Delivery, FieldStatus, PaidKind, Program, Support, TimeOfDay
from .results import (
    Blocker,
    ListCheck,
    Opening,
    Recommendation,
    RecommendationList,
    ScoreParts,
    SkillGap,
    SupportToArrange,
)
from .rules import RULE_BY_NAME, RULES, ExplainContext
from .rules.attendance import TIME_WORDS
from .wording import ELEMENT_LABELS, capital, element_label, funding_label, join_words, language_name, money, wage

if TYPE_CHECKING:  # pragma: no cover
    from .eligibility import Eligibility
    from .features import CompiledCatalog
    from .scoring import Components, EngineConfig, SuccessReason

_BARRIER_ORDER = {b: i for i, b in enumerate(Barrier)}  # enum iteration is slow on the explanation path
_TIMES = tuple(TimeOfDay)
_ALL_TIMES = frozenset(TimeOfDay)
MAX_REASONS = 6
MAX_TAUGHT_GAPS = 8
#: A check said on at least this many programs of a list is said once for the list.
SHARED_CHECK_MIN = 2
#: Transfer (share of an occupation's key skills the seeker's past work covers) worth a reason.
TRANSFER_REASON_MIN = 0.5
#: A place is a reason a program fits only when its distance fit is at least this (about half the range).
NEAR_DISTANCE_FIT = 0.5
#: Openings worth telling: meeting one requirement opens at least this many programs.
OPENING_MIN = 3
MAX_OPENINGS = 3


@dataclass(frozen=True)
class _Reason:
    importance: float  # what the component behind it adds to this program's score (weight x value)
    text: str
    distinctive: bool = True  # False: true of nearly every program; listed after the others
    topic: str = ""  # what it names (a support, "language", "paid"), so nothing is said twice


@dataclass(frozen=True)
class Placement:
    """Why the diversity re-rank placed a program where it is (see ``Recommender._diversify``)."""

    deferred_for: str  # "provider" | "type"
    rank_of_lower: int  # a lower-scored program placed above it


class Explainer:
    """Builds :class:`Recommendation` records; holds the name tables it needs.

    ``weights`` are the weights the score used (``EngineConfig.resolved_weights``), so the
    order of reasons follows the same numbers as the ranking.
    """

    def __init__(self, catalog: CompiledCatalog, taxonomy: Any, config: EngineConfig,
                 weights: Mapping[str, float]) -> None:
        self.catalog = catalog
        self.taxonomy = taxonomy
        self.config = config
        self.weights = dict(weights)
        self._board = config.board_supports
        self._names: dict[str, dict[str, str]] = {}  # language -> skill id -> name
        self._concerning: dict[int, tuple[Any, ...]] = {}  # column -> the rules whose checks can apply to it
        # language -> column -> gap lines (their words are in the language in force, matcher.i18n)
        self._gap_cache: dict[str, dict[int, tuple[list[SkillGap], list[SkillGap]]]] = {}
        self._reach: dict[str, dict[int, float]] = {}  # occupation code -> {occupation index: interest level}

    # ------------------------------------------------------------------ names

    def skill_name(self, skill_id: str) -> str:
        names = self._names.get(get_language())
        if names is None:
            names = self._names.setdefault(get_language(), {})
        if skill_id in names:
            return names[skill_id]
        if skill_id in ELEMENT_LABELS:
            name = element_label(skill_id)
        elif self.taxonomy is not None and skill_id in self.taxonomy.skills:
            name = localized_skill_name(skill_id, self.taxonomy.skills[skill_id].name)
        elif ":" in skill_id:
            name = skill_id.split(":", 1)[1].replace("-", " ").replace("_", " ")
        else:
            name = skill_id
        names[skill_id] = name
        return name

    def occupation_title(self, code: str) -> str:
        """The occupation's title as the sentence's reader says it (O*NET's English, or a translation)."""
        if self.taxonomy is not None and code in self.taxonomy.occupations:
            return occupation_title(code, str(self.taxonomy.occupations[code].title))
        return code

    # ------------------------------------------------------------------ one program

    def recommendations(self, r: ResolvedProfile, comps: Components, elig: Eligibility, cols: Sequence[int],
                        scores: Sequence[float], placements: Mapping[int, Placement], *,
                        model_reasons: Sequence[SuccessReason | None] | None = None) -> list[Recommendation]:
        """The records for the programs ``cols`` shown to one seeker (row 0 of ``comps``), in rank order.
        ``model_reasons``: the success model's sentence (or None) for each, placed among the reasons by
        what the success component adds to the score when in the program's favour, else as a note."""
        # Every component of row 0 read out (and rounded for display) once for the whole list.
        values = {name: a[0].tolist() for name, a in comps.parts.items()}
        for name, a in (("schedule", comps.schedule), ("distance", comps.distance), ("language", comps.language),
                        ("miles", comps.miles)):
            values[name] = a[0].tolist()
        shown = {name: np.round(np.asarray(v, dtype=np.float64), 4).tolist() for name, v in values.items()}
        said = model_reasons or [None] * len(cols)
        return [self._recommendation(j + 1, int(c), r, comps, elig, j, scores[j], placements.get(j), values, shown,
                                     said[j])
                for j, c in enumerate(cols)]

    def _recommendation(self, rank: int, col: int, r: ResolvedProfile, comps: Components, elig: Eligibility,
                        j: int, total: float, placement: Placement | None, values: Mapping[str, list[float]],
                        shown: Mapping[str, list[float]], model_reason: SuccessReason | None = None
                        ) -> Recommendation:
        program = self.catalog.programs[col]
        p = {name: values[name][j] for name in comps.parts}
        miles = values["miles"][j]
        parts = ScoreParts(
            skills=shown["skills"][j], interest=shown["interest"][j], practical=shown["practical"][j],
            schedule=shown["schedule"][j], distance=shown["distance"][j], language=shown["language"][j],
            supports=shown["supports"][j], earn=shown["earn"][j], wage=shown["wage"][j],
            outcomes=shown["outcomes"][j], progress=shown["progress"][j] if "progress" in shown else 1.0,
            success=shown["success"][j] if "success" in shown else None,
        )
        blockers, remedies = self._blockers(program, r, elig, j, miles)
        blocked = {b.requirement for b in blockers}
        reasons = self._reasons(program, col, r, p, comps, j, miles, said=remedies,
                                model=model_reason if model_reason is not None and model_reason.favourable else None)
        said = remedies | {x.topic for x in reasons if x.topic}
        barrier_supports = self.barrier_supports(program, r) if r.barriers else []
        rec = Recommendation(
            rank=rank,
            program_id=program.id,
            name=program.name,
            provider=program.provider,
            type=program.type.value,
            sector=program.sector.value,
            score=round(total, 4),
            parts=parts,
            reasons=tuple(x.text for x in reasons),
            skill_gaps=tuple(self._gaps(col, r)),
            supports=tuple(self._supports(barrier_supports, said)),
            blockers=tuple(blockers),
            checks=tuple(self._checks(program, col, r, miles, blocked)),
            distance_miles=None if np.isnan(miles) or program.location.delivery is Delivery.ONLINE
            else round(miles, 1),
            notes=tuple(self._notes(program, r, p, placement,
                                    model_reason if model_reason is not None and not model_reason.favourable
                                    else None)),
        )
        # The supports nobody in this program gives, kept on the record (not a field: not in to_dict) for
        # recommendation_list to say once for the whole list. Per record, so explaining is thread-safe.
        object.__setattr__(rec, "_arrange", [s for s in barrier_supports if s.provided_by == "arrange"])
        return rec

    # ------------------------------------------------------------------ blockers (remedied requirements)

    def _blockers(self, program: Program, r: ResolvedProfile, elig: Eligibility, j: int,
                  miles: float) -> tuple[list[Blocker], set[str]]:
        """Blockers in rule order, and the topics (supports) they name as remedies."""
        out: list[Blocker] = []
        said: set[str] = set()
        for name, o in elig.outcomes.items():
            if not o.blocked[0, j] or o.excluded[0, j]:
                continue
            from_program = bool(np.broadcast_to(o.by_program, o.blocked.shape)[0, j]) \
                if o.by_program is not None else False
            ctx = ExplainContext(miles=miles, board_supports=self._board, from_program=from_program)
            blocker = RULE_BY_NAME[name].blocker(program, r, ctx)
            out.append(blocker)
            said.add(f"support:{blocker.remedy}")
            if name == "language":
                said.add("language")
        return out, said

    # ------------------------------------------------------------------ reasons

    def _reasons(self, program: Program, col: int, r: ResolvedProfile, p: dict[str, float], comps: Components,
                 j: int, miles: float, *, said: set[str], model: SuccessReason | None = None) -> list[_Reason]:
        """Positive reasons, most important first (see the module doc), at most MAX_REASONS."""
        w = self.weights
        found: list[_Reason] = []
        if model is not None:
            found.append(_Reason(w["success"] * p.get("success", 0.0), model.text, topic="model"))
        found += self._interest_reasons(program, r, p)
        found += self._skill_reasons(program, r, p)
        found += self._paid_reasons(program, r, p)
        found += self._support_reasons(program, r, p, said)
        found += self._practical_reasons(program, r, comps, j, miles)
        found += self._wage_reasons(program, col, r, p)
        o = program.outcomes
        if o.completion_rate is not None and o.placement_rate is not None:
            found.append(_Reason(w["outcomes"] * p["outcomes"],
                                 _("{completion} of students finish and {placement} find jobs").format(
                                     completion=f"{o.completion_rate:.0%}", placement=f"{o.placement_rate:.0%}")))
        elif o.placement_rate is not None:
            found.append(_Reason(w["outcomes"] * p["outcomes"],
                                 _("{placement} of students find jobs").format(placement=f"{o.placement_rate:.0%}")))
        elif o.completion_rate is not None:
            found.append(_Reason(w["outcomes"] * p["outcomes"],
                                 _("{completion} of students finish").format(completion=f"{o.completion_rate:.0%}")))
        if program.cost.is_free:
            found.append(_Reason(0.0, _("No cost to you"), distinctive=False))
        elif program.cost.funding:
            found.append(_Reason(0.0, _("Tuition can be covered by {funding}").format(
                funding=funding_label(program.cost.funding[0])),
                                 distinctive=False))
        found = [x for x in found if not (x.topic and x.topic in said)]
        order = sorted(range(len(found)), key=lambda i: (not found[i].distinctive, -found[i].importance, i))
        return [found[i] for i in order[:MAX_REASONS]]

    def _interest_reasons(self, program: Program, r: ResolvedProfile, p: dict[str, float]) -> list[_Reason]:
        importance = self.weights["interest"] * p["interest"]
        if not r.has_interests:
            return []
        best = self.interest_source(program, r)
        picked = program.sector in r.sectors
        out = []
        if best is not None:
            kind, level, source, target = best
            title, source_title = self.occupation_title(target), self.occupation_title(source)
            if kind == "named" and level >= F.INTEREST_EXACT:
                text = _("Leads to {title}, a job you said you want").format(title=title)
            elif kind == "named":
                text = _("Leads to {title}, close to the work you want ({wanted})").format(title=title,
                                                                                           wanted=source_title)
            elif level >= F.INTEREST_EXACT:
                text = _("Builds on your work as {title}").format(title=title)
            else:
                text = _("Leads to {title}, close to your work as {work}").format(title=title, work=source_title)
            out.append(_Reason(importance, text))
        elif picked:
            out.append(_Reason(importance, _("In {sector}, a field you picked").format(
                sector=_(program.sector.label).lower())))
        return out

    def interest_source(self, program: Program, r: ResolvedProfile) -> tuple[str, float, str, str] | None:
        """The strongest link between the seeker's named or past occupations and the program's
        targets, as (kind "named" | "worked", level before the work-history factor, the seeker's
        occupation, the program's target), from :func:`matcher.features.interest_levels`, the
        function the interest score is computed with."""
        best: tuple[float, str, float, str, str] | None = None
        cat = self.catalog
        for kind, codes, factor in (("named", r.interest_occupations, 1.0),
                                    ("worked", r.work_occupations, F.WORK_HISTORY_FACTOR)):
            for code in codes:
                reach = self._reach.get(code)
                if reach is None:
                    occs, levels = F.interest_levels(code, cat, self.taxonomy)
                    reach = self._reach[code] = dict(zip(occs.tolist(), levels.tolist()))
                for target in program.target_occupations:
                    level = reach.get(cat.occ_index.get(target, -1), 0.0)
                    if level and (best is None or level * factor > best[0]):
                        best = (level * factor, kind, level, code, target)
        if best is None or best[0] < F.INTEREST_SAME_MINOR_GROUP * F.WORK_HISTORY_FACTOR:
            return None  # only the same major group: too loose to name
        return best[1], best[2], best[3], best[4]

    def _skill_reasons(self, program: Program, r: ResolvedProfile, p: dict[str, float]) -> list[_Reason]:
        importance = self.weights["skills"] * p["skills"]
        required = list(dict.fromkeys(program.prerequisites.skills))
        have = [s for s in required if s in r.skill_ids]
        names = [self.skill_name(s) for s in have]
        out = []
        if required and have:
            if len(have) == len(required) == 1:
                out.append(_Reason(importance, _("You have the starting skill it asks for: {skill}").format(
                    skill=names[0])))
            elif len(have) == len(required):
                out.append(_Reason(importance, _("You have all {count} starting skills it asks for: {skills}").format(
                    count=len(required), skills=join_words(names))))
            else:
                out.append(_Reason(importance, _("You already have {have} of the {count} starting skills: "
                                                 "{skills}").format(have=len(have), count=len(required),
                                                                    skills=join_words(names))))
        elif not required:
            out.append(_Reason(importance, _("No experience needed to start"), distinctive=False))
        # What past work carries over, when it covers most of the target job's key skills.
        transfer = (p["skills"] - S.STARTING_SKILLS_SHARE * self._coverage(required, r)) / (1 - S.STARTING_SKILLS_SHARE)
        if r.work_occupations and transfer >= TRANSFER_REASON_MIN:
            out.append(_Reason(self.weights["skills"] * (1 - S.STARTING_SKILLS_SHARE) * transfer,
                               _("Uses skills from your work as {work}").format(
                                   work=self.occupation_title(r.work_occupations[0]))))
        return out

    @staticmethod
    def _coverage(required: list[str], r: ResolvedProfile) -> float:
        return sum(1 for s in required if s in r.skill_ids) / len(required) if required else 1.0

    def _paid_reasons(self, program: Program, r: ResolvedProfile, p: dict[str, float]) -> list[_Reason]:
        weight = self.weights["earn"] + (self.config.income_priority if r.needs_income else 0.0)
        importance = weight * p["earn"]
        paid = program.paid
        if paid.kind is PaidKind.WAGE and paid.hourly_wage:
            return [_Reason(importance, _("Pays {wage} during training").format(wage=wage(paid.hourly_wage)),
                            topic="paid")]
        if paid.kind is PaidKind.STIPEND and paid.stipend_usd:
            return [_Reason(importance, _("Pays a {amount} stipend during training").format(
                amount=money(paid.stipend_usd)), topic="paid")]
        if program.type.is_paid_by_design:
            return [_Reason(importance, _("Paid during training ({kind})").format(kind=_(program.type.label).lower()),
                            topic="paid")]
        return []

    def _support_reasons(self, program: Program, r: ResolvedProfile, p: dict[str, float],
                         said: set[str]) -> list[_Reason]:
        """Supports that meet the seeker's barriers; the most pressing ones (housing, childcare) first."""
        offered = set(program.supports)
        met: list[tuple[bool, Support]] = []
        for barrier in sorted(r.barriers, key=lambda x: (x not in URGENT_SUPPORTS, _BARRIER_ORDER[x])):
            urgent = [s for s in URGENT_SUPPORTS.get(barrier, ()) if s in offered]
            choice = urgent or [s for s in BARRIER_SUPPORTS.get(barrier, ()) if s in offered
                                and support_applies(s, program, r)]
            if choice and choice[0] not in [s for _u, s in met] and f"support:{choice[0].value}" not in said:
                met.append((bool(urgent), choice[0]))
        if not met:
            return []
        # The supports part (and the urgent part, for the pressing barriers) shared among the supports named.
        total = self.weights["supports"] * p["supports"] + self.config.urgent_priority * p.get("urgent", 0.0)
        n_urgent = sum(1 for u, _s in met if u)
        out = []
        for is_urgent, support in met:
            share = (self.weights["supports"] * p["supports"] / len(met)
                     + (self.config.urgent_priority * p.get("urgent", 0.0) / n_urgent if is_urgent else 0.0))
            out.append(_Reason(share if total else 0.0, _("Offers {support}").format(support=_(support.label)),
                               topic=f"support:{support.value}"))
        return out

    def _practical_reasons(self, program: Program, r: ResolvedProfile, comps: Components, j: int,
                           miles: float) -> list[_Reason]:
        w = self.weights["practical"]
        schedule, language = float(comps.schedule[0, j]), float(comps.language[0, j])
        distance = float(comps.distance[0, j])
        reach = (1 - S.DISTANCE_PENALTY) + S.DISTANCE_PENALTY * distance
        out = []
        times = set(program.schedule.times)
        avail = set(r.profile.availability.times)
        if program.schedule.self_paced:
            out.append(_Reason(w * 0.5 * schedule * reach, _("Self-paced: fits around your schedule")))
        elif avail != _ALL_TIMES and times <= avail:
            words = [_(TIME_WORDS[t]) for t in _TIMES if t in times]
            out.append(_Reason(w * 0.5 * schedule * reach, capital(_("{times} classes match your availability").format(
                times=join_words(words)))))
        base = w * 0.5 * (schedule + language) * S.DISTANCE_PENALTY * distance
        if program.location.delivery is Delivery.ONLINE:
            out.append(_Reason(base, _("Online: no travel needed")))
        elif not np.isnan(miles) and distance >= NEAR_DISTANCE_FIT:  # far is never a reason it fits
            n = round(max(miles, 1))
            if miles >= 1:
                text = ngettext("About {count} mile from you", "About {count} miles from you", n).format(count=n)
            else:
                text = _("Less than 1 mile from you")
            if program.location.transit_access:
                text = _("{distance} and on a transit line").format(distance=text)
            out.append(_Reason(base, text))
        pref = r.profile.preferred_language
        if pref != "en" and pref in program.languages:
            out.append(_Reason(w * 0.5 * language * reach, _("Taught in {language}").format(
                language=language_name(pref)), topic="language"))
        return out

    def _wage_reasons(self, program: Program, col: int, r: ResolvedProfile, p: dict[str, float]) -> list[_Reason]:
        importance = self.weights["wage"] * p["wage"]
        target = r.target_wage
        start = float(self.catalog.start_wage[col])
        median = float(self.catalog.median_wage[col])
        paid_first = program.paid.kind is not PaidKind.NONE or program.type.is_paid_by_design
        start_text = "" if np.isnan(start) else wage(start) + self._wage_caveat(program, col)
        after = (_("Jobs after it start at about {wage}") if paid_first
                 else _("Jobs it leads to start at about {wage}")).format(wage=start_text)
        if target:
            # A minimum-wage floor is never called self-sufficiency (the list's notes say why it is used).
            goal = (_("the {wage} minimum wage used as your wage target") if r.target_is_floor
                    else _("your self-sufficiency target of {wage}")).format(wage=wage(target))
            if not np.isnan(start) and start >= target:
                return [_Reason(importance, _("{jobs}, which meets {goal}").format(jobs=after, goal=goal))]
            if not np.isnan(median) and median >= target:
                if not np.isnan(start):
                    text = _("{jobs}; the typical wage in this job, {median}, reaches {goal} with experience")
                else:
                    text = _("The typical wage in this job, {median}, reaches {goal} with experience")
                return [_Reason(importance, text.format(jobs=after, median=wage(median), goal=goal))]
            return []
        if not np.isnan(start):
            return [_Reason(importance, after)]
        return []

    @staticmethod
    def _wage_caveat(program: Program, col: int) -> str:
        """What a starting wage is, when it is not a reported figure: an estimate, or national figures."""
        if program.outcomes.median_starting_wage is not None and program.provenance \
                and program.field_status("outcomes.median_starting_wage") is FieldStatus.ESTIMATE:
            return _(" (an estimate)")
        if program.outcomes.median_starting_wage is None and F.wage_area(program) == "national":
            return _(" (national figures)")
        return ""

    # ------------------------------------------------------------------ gaps

    def _gaps(self, col: int, r: ResolvedProfile) -> list[SkillGap]:
        required, taught = self._gap_lines(col)
        held = r.skill_ids
        out = [g for g in required if g.skill_id not in held]
        out += [g for g in taught if g.skill_id not in held][:MAX_TAUGHT_GAPS]
        return out

    def _gap_lines(self, col: int) -> tuple[list[SkillGap], list[SkillGap]]:
        """A program's possible gap lines (they do not depend on the seeker), made once per program:
        starting skills, then what it teaches, its own credentials and skills before O*NET areas."""
        cache = self._gap_cache.get(get_language())
        if cache is None:
            cache = self._gap_cache.setdefault(get_language(), {})
        cached = cache.get(col)
        if cached is not None:
            return cached
        program = self.catalog.programs[col]
        required = []
        for s in dict.fromkeys(program.prerequisites.skills):
            name = self.skill_name(s)
            required.append(SkillGap(s, name, "required", _("Expects {skill} at the start; you do not have it "
                                                             "yet").format(skill=name)))
        ordered = sorted(dict.fromkeys((*program.credentials_awarded, *program.skills_taught)),
                         key=lambda s: s in ELEMENT_LABELS)
        taught = []
        for s in ordered:
            name = self.skill_name(s)
            said = _("You will earn {skill}") if s in program.credentials_awarded else _("You will learn {skill}")
            taught.append(SkillGap(s, name, "taught", said.format(skill=name)))
        cache[col] = (required, taught)
        return required, taught

    # ------------------------------------------------------------------ supports

    @staticmethod
    def _supports(barrier_supports: list[SupportToArrange], said: set[str]) -> list[SupportToArrange]:
        """Help for the seeker's barriers that this program (or the board) gives and nothing above
        has said; what nobody gives is collected for the whole list (:meth:`_to_arrange`)."""
        out: list[SupportToArrange] = []
        for item in barrier_supports:
            if item.provided_by == "arrange":
                continue
            topic = f"support:{item.support}" if item.support else ("language" if item.barrier == "limited_english"
                                                                    else "paid")
            if topic in said:
                continue
            said.add(topic)
            out.append(item)
        return out

    def barrier_supports(self, program: Program, r: ResolvedProfile) -> list[SupportToArrange]:
        """For each barrier: who meets it for this program (program, board, or the coach to arrange)."""
        out: list[SupportToArrange] = []
        offered = set(program.supports)
        for barrier in sorted(r.barriers, key=_BARRIER_ORDER.__getitem__):
            wanted = [s for s in BARRIER_SUPPORTS.get(barrier, ()) if support_applies(s, program, r)]
            if barrier is Barrier.NO_INCOME_WHILE_TRAINING and program.paid.kind is PaidKind.WAGE:
                out.append(SupportToArrange(barrier.value, None, "program", _("Paid while you train")))
                continue
            pref = r.profile.preferred_language
            if barrier is Barrier.LIMITED_ENGLISH and pref != "en" and pref in program.languages:
                out.append(SupportToArrange(barrier.value, None, "program",
                                            _("Taught in {language}").format(language=language_name(pref))))
                continue
            if not wanted:
                continue
            by_program = [s for s in wanted if s in offered]
            by_board = [s for s in wanted if s in self._board]
            if by_program:
                out.append(SupportToArrange(barrier.value, by_program[0].value, "program",
                                            _("The program offers {support}").format(support=_(by_program[0].label))))
            elif by_board:
                out.append(SupportToArrange(barrier.value, by_board[0].value, "board",
                                            _("The board provides {support}").format(support=_(by_board[0].label))))
            else:
                out.append(SupportToArrange(barrier.value, wanted[0].value, "arrange",
                                            _("Arrange {support} with your coach").format(support=_(wanted[0].label))))
        # Two barriers can call for the same support (single parent, childcare): say it once.
        unique: dict[str, SupportToArrange] = {}
        for item in out:
            unique.setdefault(item.message, item)
        return list(unique.values())

    # ------------------------------------------------------------------ checks and notes

    def _checks(self, program: Program, col: int, r: ResolvedProfile, miles: float,
                blocked: set[str]) -> list[str]:
        """Requirements the seeker did not answer (never exclude, always listed), then a wage below target."""
        ctx = ExplainContext(miles=miles, board_supports=self._board, from_program=False)
        out: list[str] = []
        rules = self._concerning.get(col)
        if rules is None:
            rules = self._concerning[col] = tuple(rule for rule in RULES if rule.concerns(program))
        for rule in rules:
            if rule.name not in blocked:
                out += rule.checks(program, r, ctx)
        outcome_words = _outcome_unknown(program)
        if outcome_words:
            out.append(outcome_words)
        target = r.target_wage
        median = float(self.catalog.median_wage[col])
        if target and not np.isnan(median) and median < target:
            text = (_("The typical wage in this job, {median}, is below the minimum-wage floor used for your "
                      "household of {target}") if r.target_is_floor
                    else _("The typical wage in this job, {median}, is below your self-sufficiency target of "
                           "{target}"))
            out.append(text.format(median=wage(median), target=wage(target)))
        return out

    def _notes(self, program: Program, r: ResolvedProfile, p: dict[str, float],
               placement: Placement | None, model: SuccessReason | None = None) -> list[str]:
        out: list[str] = [model.text] if model is not None else []
        if p.get("progress", 1.0) < 1.0:
            held = [c for c in program.credentials_awarded[:1] if c in r.skill_ids]
            if held:
                out.append(_("Ranked lower: you already hold {credential}, the credential it awards").format(
                    credential=self.skill_name(held[0])))
            else:
                out.append(_("Ranked lower: it leads to the work you already do, at the same level"))
        if placement is not None:
            why = (_("{provider} already has programs above it").format(provider=program.provider)
                   if placement.deferred_for == "provider"
                   else _("{kind} programs already fill several places above it").format(
                       kind=_(program.type.label).lower()))
            out.append(_("Placed below #{rank}, which scored a little lower, to vary the list: {why}").format(
                rank=placement.rank_of_lower, why=why))
        return out

    # ------------------------------------------------------------------ the list

    def recommendation_list(self, r: ResolvedProfile, items: list[Recommendation], *, catalog_size: int,
                            excluded: int, excluded_by_reason: dict[str, int],
                            openings: Sequence[tuple[str, int, str]] = (),
                            model_version: str | None = None) -> RecommendationList:
        items, shared = _lift_shared_checks(items)
        notes: list[str] = []
        if r.profile.zip and r.point is None:
            notes.append(_("ZIP {zip} is not a ZIP code we know, so distance was not considered").format(
                zip=r.profile.zip))
        elif r.point is None:
            notes.append(_("No ZIP code given, so distance was not considered"))
        if r.target_wage is None:
            notes.append(_("No self-sufficiency figure for this household's place; wages were compared with "
                           "{wage}").format(wage=wage(self.config.default_target_wage)))
        elif r.target_is_floor:
            notes.append(_("The wage target of {wage} is the minimum wage, used because the estimate for this "
                           "household fell below it; the true self-sufficiency figure is likely higher").format(
                wage=wage(r.target_wage)))
        elif r.target_is_estimate:
            notes.append(_("The self-sufficiency target of {wage} is an estimate").format(wage=wage(r.target_wage)))
        if not r.has_interests:
            notes.append(_("No interests or past jobs given, so every field was treated alike"))
        if r.needs_income:
            if any(it.parts.earn > 0 for it in items):
                notes.append(_("Paid options (on-the-job training, apprenticeships, stipends) are ranked higher "
                               "because you need income while training"))
            elif items:
                notes.append(_("You need income while training, but none of these programs pays: ask your coach "
                               "about stipends and emergency funds"))
        if not items:
            notes.append(_("No program in the catalog meets this seeker's hard requirements"))
        return RecommendationList(
            profile_id=r.profile.id,
            items=tuple(items),
            catalog_size=catalog_size,
            eligible_count=catalog_size - excluded,
            excluded_count=excluded,
            excluded_by_reason=dict(sorted(excluded_by_reason.items())),
            unmatched=r.unmatched,
            target_wage=r.target_wage,
            target_is_estimate=r.target_is_estimate,
            notes=tuple(notes),
            target_is_floor=r.target_is_floor,
            to_arrange=tuple(self._to_arrange(items)),
            shared_checks=tuple(shared),
            openings=tuple(Opening(name, count, text) for name, count, text in openings),
            model_version=model_version,
        )

    def _to_arrange(self, items: Sequence[Recommendation]) -> list[SupportToArrange]:
        """Supports the seeker needs that some shown programs do not give: once for the list, with ranks."""
        by_message: dict[str, tuple[SupportToArrange, list[int]]] = {}
        for item in items:
            for s in getattr(item, "_arrange", ()):
                entry = by_message.setdefault(s.message, (s, []))
                entry[1].append(item.rank)
        return [replace(s, ranks=tuple(ranks)) for s, ranks in by_message.values()]


_OUTCOME_FIELDS = ("outcomes.completion_rate", "outcomes.placement_rate")


def _outcome_unknown(program: Program) -> str | None:
    """Say so when a source withheld or did not report the program's outcome rates (never a number)."""
    if not program.provenance:
        return None
    statuses = [program.field_status(f) for f in _OUTCOME_FIELDS]
    if any(s is FieldStatus.SUPPRESSED for s in statuses):
        return _("Its completion and job rates are withheld (too few students to publish)")
    if all(s is FieldStatus.NOT_REPORTED for s in statuses):
        return _("Its completion and job rates are not reported")
    return None


def _lift_shared_checks(items: list[Recommendation]) -> tuple[list[Recommendation], list[ListCheck]]:
    """Checks said on SHARED_CHECK_MIN or more programs move to the list, once, with their ranks."""
    ranks: dict[str, list[int]] = {}
    for item in items:
        for check in dict.fromkeys(item.checks):
            ranks.setdefault(check, []).append(item.rank)
    shared = {c for c, rs in ranks.items() if len(rs) >= SHARED_CHECK_MIN}
    if not shared:
        return items, []
    for it in items:  # made by this explainer a moment ago and not yet handed out: finish them in place
        object.__setattr__(it, "checks", tuple(c for c in it.checks if c not in shared))
    return items, [ListCheck(c, tuple(rs)) for c, rs in ranks.items() if c in shared]


def openings_for(r: ResolvedProfile, elig: Eligibility, row: int, cat: CompiledCatalog
                 ) -> list[tuple[str, int, str]]:
    """What meeting one requirement would open for seeker ``row``: (rule, programs, words), most first."""
    out: list[tuple[str, int, str]] = []
    for index, cols in elig.excluded_only_by(row, at_least=OPENING_MIN).items():
        rule = RULES[index]
        found = rule.opening(cols, cat, r)
        if found is not None and found[0] >= OPENING_MIN:
            out.append((rule.name, found[0], found[1]))
    out.sort(key=lambda x: -x[1])
    return out[:MAX_OPENINGS]
