"""A board's engine settings as a TOML file, validated, turned into an :class:`EngineConfig`.

A board tunes the matcher without Python: the score weights, the priorities for income
and pressing barriers, the supports it arranges itself, travel ranges by mode, the
transit factor, the diversity limits, and the wage target used when none is known.
Every key is optional (the defaults are documented in ``docs/engine.md``); an unknown
key, a wrong type or an out-of-range value is an error naming the key::

    from matcher.settings import load_settings
    config = load_settings("board.toml")          # -> EngineConfig
    Recommender(config).fit(catalog)

On the command line: ``matcher recommend --config board.toml ...``. A worked example
is ``docs/examples/board.toml``.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

from .errors import FieldProblem, InputFileError, ValidationError, from_pydantic
from .input_files import read_text
from .records import Support, TravelMode
from .scoring import COMPONENTS, EngineConfig

Weight = Annotated[float, Field(ge=0, le=10)]
Miles = Annotated[float, Field(ge=0, le=500)]


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class Weights(_Section):
    """Score component weights (missing ones keep their default)."""

    skills: Weight | None = None
    interest: Weight | None = None
    practical: Weight | None = None
    supports: Weight | None = None
    earn: Weight | None = None
    wage: Weight | None = None
    outcomes: Weight | None = None
    progress: Weight | None = None
    success: Weight | None = None


class Priorities(_Section):
    income: Weight | None = Field(default=None, description="Extra weight on paid options when income is needed.")
    urgent: Weight | None = Field(default=None, description="Extra weight on supports for pressing barriers.")


class Diversity(_Section):
    max_per_provider: int | None = Field(default=None, ge=1, le=100)
    max_per_type: int | None = Field(default=None, ge=1, le=100)
    margin: float | None = Field(default=None, ge=0, le=1)
    off: bool = Field(default=False, description="No provider or type limits at all.")


class Travel(_Section):
    remedy_distance_miles: Miles | None = None
    transit_line_factor: float | None = Field(default=None, ge=1, le=5)
    mode_miles: dict[TravelMode, Miles] = Field(default_factory=dict)


class BoardSettings(_Section):
    """The whole file."""

    board_supports: list[Support] = Field(default_factory=list,
                                          description="Supports the board arranges itself (they count as remedies).")
    default_target_wage: float | None = Field(default=None, gt=0, le=500)
    candidate_factor: int | None = Field(default=None, ge=1, le=50)
    weights: Weights = Field(default_factory=Weights)
    priorities: Priorities = Field(default_factory=Priorities)
    diversity: Diversity = Field(default_factory=Diversity)
    travel: Travel = Field(default_factory=Travel)

    def engine_config(self) -> EngineConfig:
        base = EngineConfig()
        changes: dict[str, Any] = {
            "weights": {k: v for k, v in self.weights.model_dump().items() if v is not None and k in COMPONENTS},
            "board_supports": frozenset(self.board_supports),
            "mode_miles": {**base.mode_miles, **self.travel.mode_miles},
        }
        optional = {
            "income_priority": self.priorities.income, "urgent_priority": self.priorities.urgent,
            "diversity_margin": self.diversity.margin, "remedy_distance_miles": self.travel.remedy_distance_miles,
            "transit_line_factor": self.travel.transit_line_factor, "default_target_wage": self.default_target_wage,
            "candidate_factor": self.candidate_factor,
            "max_per_provider": self.diversity.max_per_provider, "max_per_type": self.diversity.max_per_type,
        }
        changes.update({k: v for k, v in optional.items() if v is not None})
        if self.diversity.off:
            changes.update(max_per_provider=None, max_per_type=None)
        return EngineConfig(**{**_fields(base), **changes})


def _fields(config: EngineConfig) -> dict[str, Any]:
    return {name: getattr(config, name) for name in config.__dataclass_fields__}


def parse_settings(data: Any, *, source: str = "settings") -> EngineConfig:
    """Validate settings given as a dict (a parsed TOML or JSON document)."""
    import pydantic

    if not isinstance(data, dict):
        raise ValidationError(f"{source}: settings must be a table of keys", field="(settings)")
    try:
        settings = BoardSettings.model_validate(data)
    except pydantic.ValidationError as exc:
        problems = from_pydantic(exc)
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise ValidationError(f"{source}: {problems[0]}{more}", field=problems[0].field, problems=problems) from None
    return settings.engine_config()


def load_settings(path: str | Path) -> EngineConfig:
    """Read and validate a board's TOML settings file (see the module doc)."""
    p = Path(path)
    text = read_text(p)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputFileError(f"{p.name} is not valid TOML: {exc}", field="file",
                             problems=[FieldProblem("file", str(exc))]) from None
    return parse_settings(data, source=p.name)
