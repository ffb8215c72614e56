"""Filtered recommendations and program search: what a coach narrows a list down by.

They live in the library, not in a web handler, so that the API and the CLI
(``matcher recommend`` can take the same options) mean the same thing by a filter.

Recommendation filters (:class:`RecommendationFilters`):

- ``sector``, ``type``, ``start_before``: which programs may be recommended at
  all. The engine ranks only the programs that pass, as if the catalog held
  nothing else: counts ("12 of 30 programs fit your requirements") and the
  variety re-rank are within them. Scores do not depend on which other programs
  are in the catalog, so a program scores the same filtered or not.
  A program with no known start date does not pass ``start_before``.
- ``max_miles``: programs farther than this from the seeker are left out of the
  list, strictly (the engine's own travel range may keep a farther program when
  transportation help exists; a coach's filter does not). Online programs pass.
  It needs the seeker's ZIP. The engine is asked for a longer list than ``top``
  and it is cut after filtering, widening until ``top`` programs pass or none
  are left.
- ``top``: how many to return.

:class:`FilteredRecommender` keeps one fitted engine for the whole catalog and
fits one per distinct (sector, type, start_before) on first use, keeping the
most recent few (fitting a slice costs milliseconds for the sample catalog).
It is safe to call from several threads.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from .catalog import Catalog, parse_program_type, parse_sector
from .engine import RecommendationList, Recommender
from .errors import ValidationError
from .records import Delivery, Program, ProgramType, Sector, SeekerProfile, parse_profile

MAX_TOP = 50
DEFAULT_TOP = 10
DEFAULT_CACHE_SIZE = 16


@dataclass(frozen=True)
class RecommendationFilters:
    sector: Sector | None = None
    type: ProgramType | None = None
    max_miles: float | None = None
    start_before: dt.date | None = None
    top: int = DEFAULT_TOP

    def __post_init__(self) -> None:
        if not isinstance(self.top, int) or isinstance(self.top, bool) or not 1 <= self.top <= MAX_TOP:
            raise ValidationError(f"top must be a whole number from 1 to {MAX_TOP}", field="top")
        if self.max_miles is not None and (not math.isfinite(self.max_miles) or not 0 <= self.max_miles <= 500):
            raise ValidationError("max_miles must be a number from 0 to 500", field="max_miles")

    @classmethod
    def parse(cls, *, sector: str | Sector | None = None, type: str | ProgramType | None = None,  # noqa: A002
              max_miles: float | None = None, start_before: str | dt.date | None = None,
              top: int = DEFAULT_TOP) -> RecommendationFilters:
        """From what a person typed: sector and type by value, alias or label; a date as YYYY-MM-DD."""
        return cls(sector=parse_sector(sector) if sector is not None else None,
                   type=parse_program_type(type) if type is not None else None,
                   max_miles=max_miles, start_before=_date(start_before, "start_before"), top=top)

    @property
    def catalog_key(self) -> tuple[Sector | None, ProgramType | None, dt.date | None]:
        return (self.sector, self.type, self.start_before)

    def to_dict(self) -> dict[str, Any]:
        return {"sector": self.sector.value if self.sector else None, "type": self.type.value if self.type else None,
                "max_miles": self.max_miles,
                "start_before": self.start_before.isoformat() if self.start_before else None, "top": self.top}


def programs_passing(catalog: Catalog, filters: RecommendationFilters) -> Catalog:
    """The programs ``filters`` lets the engine rank (sector, type, start date)."""
    sector, ptype, before = filters.catalog_key
    if sector is None and ptype is None and before is None:
        return catalog
    narrowed = catalog.filter(sector=sector, type=ptype)
    if before is not None:
        narrowed = Catalog(tuple(p for p in narrowed if p.next_start is not None and p.next_start < before),
                           source=catalog.source)
    return narrowed


@dataclass(frozen=True)
class FilteredRecommendations:
    """The engine's list for the programs the filters let through, and how many those were."""

    result: RecommendationList
    filters: RecommendationFilters
    programs_considered: int

    def to_dict(self) -> dict[str, Any]:
        return {"filters": self.filters.to_dict(), "programs_considered": self.programs_considered,
                **self.result.to_dict()}


class FilteredRecommender:
    """One fitted engine for the catalog, plus cached ones for filtered slices of it.

    ``make`` builds an unfitted :class:`Recommender` (default: the shipped
    defaults); it is called once for the whole catalog and once per slice.
    """

    def __init__(self, catalog: Catalog, make: Callable[[], Recommender] = Recommender, *,
                 cache_size: int = DEFAULT_CACHE_SIZE) -> None:
        self.catalog = catalog
        self.make = make
        self.cache_size = cache_size
        self.base = make().fit(catalog)
        self._slices: OrderedDict[tuple[Any, ...], tuple[Recommender | None, int]] = OrderedDict()
        self._lock = threading.Lock()

    def recommend(self, profile: SeekerProfile | Mapping[str, Any],
                  filters: RecommendationFilters | None = None) -> FilteredRecommendations:
        filters = filters or RecommendationFilters()
        profile = parse_profile(profile)
        if filters.max_miles is not None and profile.zip is None:
            raise ValidationError("max_miles needs the seeker's zip to measure distance from", field="max_miles")
        engine, considered = self._engine_for(filters)
        if engine is None:  # nothing passes: the seeker's own inputs (unmatched text, target) still come back
            empty = self.base.recommend(profile, top=1)
            result = dataclasses.replace(empty, items=(), catalog_size=0, eligible_count=0, excluded_count=0,
                                         excluded_by_reason={})
            return FilteredRecommendations(result, filters, 0)
        if filters.max_miles is None:
            return FilteredRecommendations(engine.recommend(profile, top=filters.top), filters, considered)
        return FilteredRecommendations(self._within(engine, considered, profile, filters), filters, considered)

    def _engine_for(self, filters: RecommendationFilters) -> tuple[Recommender | None, int]:
        key = filters.catalog_key
        if key == (None, None, None):
            return self.base, len(self.catalog)
        with self._lock:
            if key in self._slices:
                self._slices.move_to_end(key)
                return self._slices[key]
        narrowed = programs_passing(self.catalog, filters)
        # Fitted outside the lock: another thread may fit the same slice meanwhile; both results are equal.
        entry = (self.make().fit(narrowed) if len(narrowed) else None, len(narrowed))
        with self._lock:
            self._slices[key] = entry
            while len(self._slices) > self.cache_size:
                self._slices.popitem(last=False)
        return entry

    def _within(self, engine: Recommender, size: int, profile: SeekerProfile,
                filters: RecommendationFilters) -> RecommendationList:
        limit = filters.max_miles
        assert limit is not None
        pool: int | None = filters.top * 4
        while True:
            result = engine.recommend(profile, top=pool)
            kept = [r for r in result.items if self._within_miles(r.distance_miles, r.program_id, limit)]
            if len(kept) >= filters.top or pool is None or len(result.items) < pool:
                break
            pool = pool * 4 if pool * 4 < size else None
        items = tuple(dataclasses.replace(r, rank=i) for i, r in enumerate(kept[:filters.top], start=1))
        return dataclasses.replace(result, items=items)

    def _within_miles(self, miles: float | None, program_id: str, limit: float) -> bool:
        if miles is not None:
            return miles <= limit
        # No distance: an online program (passes) or an in-person one with no known place (cannot be confirmed).
        return self.catalog.get(program_id).location.delivery is Delivery.ONLINE


# --------------------------------------------------------------------------- program search


@dataclass(frozen=True)
class ProgramQuery:
    """Search and filters for browsing a catalog; every criterion left None is ignored."""

    q: str | None = None
    sector: Sector | None = None
    type: ProgramType | None = None
    county: str | None = None
    provider: str | None = None
    paid: bool | None = None
    free: bool | None = None
    start_before: dt.date | None = None
    page: int = 1
    per_page: int = 20

    def __post_init__(self) -> None:
        if not 1 <= self.per_page <= 100:
            raise ValidationError("per_page must be from 1 to 100", field="per_page")
        if not 1 <= self.page <= 100_000:
            raise ValidationError("page must be from 1 to 100000", field="page")

    @classmethod
    def parse(cls, **raw: Any) -> ProgramQuery:
        values = dict(raw)
        if values.get("sector") is not None:
            values["sector"] = parse_sector(values["sector"])
        if values.get("type") is not None:
            values["type"] = parse_program_type(values["type"])
        values["start_before"] = _date(values.get("start_before"), "start_before")
        return cls(**values)


@dataclass(frozen=True)
class ProgramPage:
    programs: tuple[Program, ...]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def search_programs(catalog: Catalog, query: ProgramQuery) -> ProgramPage:
    """Programs matching every criterion, ordered by id, one page of them.

    ``q`` matches words (case and accents aside) in the id, name, provider,
    description, county or employer partners: every word must appear somewhere.
    """
    matching = catalog.filter(sector=query.sector, type=query.type, county=query.county, provider=query.provider,
                              paid=query.paid, free=query.free).programs
    if query.start_before is not None:
        matching = tuple(p for p in matching if p.next_start is not None and p.next_start < query.start_before)
    if query.q:
        words = _fold(query.q).split()
        matching = tuple(p for p in matching if all(w in _search_text(p) for w in words))
    ordered = sorted(matching, key=lambda p: p.id)
    start = (query.page - 1) * query.per_page
    return ProgramPage(tuple(ordered[start:start + query.per_page]), len(ordered), query.page, query.per_page)


_search_cache: dict[int, tuple[Program, str]] = {}


def _search_text(p: Program) -> str:
    cached = _search_cache.get(id(p))
    if cached is not None and cached[0] is p:
        return cached[1]
    text = _fold(" ".join([p.id, p.name, p.provider, p.description, p.location.county or "",
                           *p.employer_partners]))
    if len(_search_cache) > 200_000:
        _search_cache.clear()
    _search_cache[id(p)] = (p, text)
    return text


def _fold(text: str) -> str:
    import unicodedata

    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _date(value: str | dt.date | None, field: str) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise ValidationError(f"{field} must be a date like 2026-03-01", field=field) from None
