"""A second, deliberately different history generator, for checking that the model learns from data
rather than from the sample generator's formulas.

Different on purpose: people choose among eligible programs by two plain preferences (the sector they
asked for, a site in their county) and otherwise at random, and success follows other rules than
matcher.learning.generator's: sessions outside the person's availability, long weeks for people who
work, county match instead of miles, a count of unmet childcare/transport/housing needs, a hard penalty
for unpaid training when income is needed, missing starting skills, program effects drawn independently
of published rates, all multiplied together (not a logistic model). The success rules vary strongly
between programs: ranking by the true chance (known here) lifts replay NDCG@10 from about 0.19 for
the hand-set engine to about 0.27, so there is something to learn.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from matcher.catalog import default_catalog
from matcher.engine import Recommender
from matcher.learning.generator import _person
from matcher.learning.history import Enrollment, History, Outcome, Participant
from matcher.records import PaidKind, Support, parse_profile


def success_chance(prof, prog, effect: float) -> float:  # noqa: ANN001 - a profile and a program
    """The alternative generator's true chance of success of one person in one program."""
    s = effect
    avail = {t.value for t in prof.availability.times}
    if not prog.schedule.self_paced and not {t.value for t in prog.schedule.times} <= avail:
        s *= 0.4
    if prog.schedule.hours_per_week > 30 and prof.employment_status is not None \
            and prof.employment_status.is_employed:
        s *= 0.5
    county = (prog.location.county or "").split()[0]
    if prog.location.delivery.value != "online" and county != prof.household.county:
        s *= 0.6
    needs = [b.value for b in prof.barriers]
    met = sum(1 for b in needs if (b in ("childcare", "single_parent") and Support.CHILDCARE in prog.supports)
              or (b in ("no_car",) and (prog.location.transit_access or Support.TRANSIT_PASS in prog.supports))
              or (b in ("housing_instability", "homeless") and Support.HOUSING_REFERRAL in prog.supports))
    unmet = sum(1 for b in needs if b in ("childcare", "single_parent", "no_car", "housing_instability",
                                            "homeless")) - met
    s *= 0.6 ** unmet
    if prof.needs_income and prog.paid.kind is PaidKind.NONE and not prog.type.is_paid_by_design:
        s *= 0.35
    if set(prog.prerequisites.skills) - set(prof.skill_ids):
        s *= 0.5
    return s


def program_effects(seed: int = 11) -> np.ndarray:
    return np.random.default_rng(seed).uniform(0.2, 1.0, len(default_catalog().programs))


def alt_history(n: int, seed: int = 11) -> History:
    rng = np.random.default_rng(seed)
    catalog = default_catalog()
    programs = list(catalog.programs)
    engine = Recommender().fit(catalog)
    effect = rng.uniform(0.2, 1.0, len(programs))  # hidden program effect, unrelated to published rates
    zips = {"41051": ["97217", "97211", "97266", "97203"], "41067": ["97124", "97005", "97123"],
            "41005": ["97045", "97015"], "53011": ["98660", "98682"], "41039": ["97402", "97477", "97405"]}
    people, enrollments, outcomes = [], [], []
    for lo in range(0, n, 500):
        batch = [_person(rng, f"A{i:06d}", zips) for i in range(lo, min(lo + 500, n))]
        profiles = [parse_profile(p) for p, _ in batch]
        pb = engine.compile_seekers(profiles)
        elig, _ = engine.score_details(pb, np.arange(len(programs)))
        for k, ((_raw, demo), prof) in enumerate(zip(batch, profiles)):
            pid = f"A{lo + k:06d}"
            people.append(Participant(id=pid, profile=prof, demographics=demo))
            keep = np.flatnonzero(~elig.excluded[k])
            if not len(keep):
                continue
            # choice: the field they asked for and a site in their county, otherwise at random
            w = np.array([(3.0 if programs[j].sector in prof.interests.sectors else 1.0)
                          * (2.0 if (programs[j].location.county or "").split()[:1] == [prof.household.county]
                             else 1.0) for j in keep])
            j = int(rng.choice(keep, p=w / w.sum()))
            prog = programs[j]
            s = success_chance(prof, prog, float(effect[j]))
            success = bool(rng.random() < s)
            completed = success or bool(rng.random() < 0.35)
            entry = dt.date(2020, 1, 1) + dt.timedelta(days=int(rng.integers(0, 1800)))
            eid = f"X{len(enrollments):06d}"
            enrollments.append(Enrollment(id=eid, participant_id=pid, program_id=prog.id, entry_date=entry,
                                          exit_date=entry + dt.timedelta(weeks=int(min(prog.duration_weeks, 52)))))
            wage = round(float(prog.outcomes.median_starting_wage or 19.0) * float(rng.uniform(0.9, 1.1)), 2)
            employed = success if completed else bool(rng.random() < 0.4)
            outcomes.append(Outcome(enrollment_id=eid, completed=completed, employed_q2=employed,
                                    hourly_wage=wage if employed else None))
    return History(tuple(people), tuple(enrollments), tuple(outcomes), source=f"alternative generator seed {seed}")
