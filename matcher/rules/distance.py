"""Distance: a program farther than the seeker can travel.

The seeker's range is ``travel.max_miles``, else the longest of their travel modes
(``EngineConfig.mode_miles``: car 40, ride 25, transit 15, bike 8, walk 2 by default).
A transit rider whose range comes from the transit mode reaches ``transit_line_factor``
times farther to a program on a transit line (a bus or MAX line carries them; walking to
a stop off the lines does not). Transportation help (a van, gas cards, a ride program)
stretches any range up to ``remedy_distance_miles``. Distances are straight lines between
ZIP or site points (:func:`matcher.geo.chord_miles`); unknown places never exclude.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from ..records import Delivery, Support, TravelMode
from .base import (
    Arrays,
    ExplainContext,
    Rule,
    RuleContext,
    RuleOutcome,
    bit,
    column,
    more_programs,
    offers,
    remedy_words,
)

if TYPE_CHECKING:  # pragma: no cover
    from ..columns import Columns
    from ..features import CompiledCatalog, ProfileBatch
    from ..profile_resolve import ResolvedProfile
    from ..records import Program

#: A program farther than this with no range given by the seeker gets a check.
FAR_MILES_CHECK = 25.0


class Distance(Rule):
    name = "distance"
    summary = "farther than you can travel"
    remedies = (Support.TRANSPORTATION,)

    def concerns(self, program: Program) -> bool:
        return program.location.delivery is not Delivery.ONLINE

    def compile_seekers(self, seekers: Sequence[ResolvedProfile], cat: CompiledCatalog) -> Arrays:
        # The transit factor applies only where the range comes from the transit mode itself.
        def by_transit(s: ResolvedProfile) -> bool:
            travel = s.profile.travel
            return travel.max_miles is None and TravelMode.TRANSIT in travel.modes \
                and not set(travel.modes) & {TravelMode.CAR, TravelMode.RIDE_FROM_OTHERS}
        return {"transit_range": column([by_transit(s) for s in seekers], bool)}

    def evaluate(self, pb: ProfileBatch, cat: CompiledCatalog, cols: Columns,
                 ctx: RuleContext) -> RuleOutcome | None:
        limits = pb.travel_limit
        if not np.isfinite(limits).any():
            return None
        assert ctx.miles is not None
        miles = ctx.miles
        # NaN distance (unknown place) compares False: never blocked.
        blocked = miles > float32_floor(limits)[:, None]
        transit_rows = np.flatnonzero(self.seeker_arrays(pb)["transit_range"] & np.isfinite(limits))
        if ctx.transit_line_factor != 1.0 and len(transit_rows):
            on_line = cat.transit_access[cols]
            for r in transit_rows.tolist():
                row_limits = np.where(on_line, limits[r] * ctx.transit_line_factor, limits[r])
                blocked[r] = miles[r] > float32_floor(row_limits)
        reachable = miles <= ctx.remedy_distance_miles
        mask = bit(Support.TRANSPORTATION)
        by_board = reachable if ctx.board_support_mask & mask else None
        return RuleOutcome(blocked, reachable & offers(cat, cols, mask), by_board)

    def describe_block(self, program: Program, seeker: ResolvedProfile, ctx: ExplainContext
                       ) -> tuple[str, str, str, Support | None]:
        provided_by, words = remedy_words(Support.TRANSPORTATION, ctx)
        return f"About {ctx.miles:.0f} miles away, farther than you can travel", words, provided_by, \
            Support.TRANSPORTATION

    def checks(self, program: Program, seeker: ResolvedProfile, ctx: ExplainContext) -> list[str]:
        loc = program.location
        if loc.delivery is Delivery.ONLINE:
            return []
        if np.isnan(ctx.miles):
            where = loc.county or loc.zip or "its site"
            where = f"{where} County" if loc.county and "county" not in where.lower() else where
            return [f"Check how you would get to {where}"]
        travel = seeker.profile.travel
        if travel.max_miles is None and not travel.modes and ctx.miles > FAR_MILES_CHECK:
            return [f"About {ctx.miles:.0f} miles away; check you can get there"]
        return []

    def opening(self, cols: np.ndarray, cat: CompiledCatalog, seeker: ResolvedProfile) -> tuple[int, str] | None:
        return len(cols), f"Being able to travel farther (or a ride) would open {more_programs(len(cols))}"


def float32_floor(limits: np.ndarray) -> np.ndarray:
    """The largest float32 at or below each (float64) limit, so that for float32 miles
    ``miles > floor`` is exactly ``miles > limit`` while comparing in float32 (half the bytes)."""
    floor = np.asarray(limits).astype(np.float32)
    above = floor > limits
    floor[above] = np.nextafter(floor[above], np.float32(-np.inf))
    return floor
