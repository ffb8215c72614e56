"""The training-program matcher: skills taxonomy, records and matching engine.

The public API, importable from ``matcher`` itself::

    import matcher

    catalog = matcher.read_catalog("programs.csv")          # or matcher.default_catalog()
    engine = matcher.Recommender(matcher.load_settings("board.toml")).fit(catalog)
    result = engine.recommend({"zip": "97217", "interests": {"sectors": ["construction"]}})
    result = matcher.recommend(profile)                     # one call, the shipped sample catalog

Names are loaded on first use, so ``import matcher`` stays cheap. The library has no
web or CLI dependencies; ``matcher.cli`` is a thin click layer over it and the Flask
API (``api/``) imports it, never the reverse.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

__version__ = "0.2.0"

#: public name -> module that defines it
_EXPORTS = {
    "recommend": "engine", "recommend_batch": "engine", "Recommender": "engine",
    "EngineConfig": "scoring", "load_settings": "settings", "parse_settings": "settings",
    "Catalog": "catalog", "ImportResult": "catalog", "read_catalog": "catalog", "load_catalog": "catalog",
    "default_catalog": "catalog", "write_csv": "catalog", "write_json": "catalog",
    "Program": "records", "SeekerProfile": "records", "Demographics": "records",
    "parse_program": "records", "parse_profile": "records",
    "Recommendation": "results", "RecommendationList": "results",
    "Normalizer": "normalize", "load_taxonomy": "taxonomy",
    "MatcherError": "errors", "ValidationError": "errors", "ImportRowsError": "errors",
    "InputFileError": "errors", "NotFoundError": "errors", "DataError": "errors",
}

__all__ = ["Catalog", "DataError", "Demographics", "EngineConfig", "ImportResult", "ImportRowsError",
    "InputFileError", "MatcherError", "Normalizer", "NotFoundError", "Program", "Recommendation",
    "RecommendationList", "Recommender", "SeekerProfile", "ValidationError", "default_catalog", "load_catalog",
    "load_settings", "load_taxonomy", "parse_profile", "parse_program", "parse_settings", "read_catalog",
    "recommend", "recommend_batch", "write_csv", "write_json"]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'matcher' has no attribute {name!r}")
    value = getattr(import_module(f".{module}", __name__), name)
    globals()[name] = value  # later look-ups skip this function
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])


if TYPE_CHECKING:  # pragma: no cover - for type checkers and IDEs
    from .catalog import (
        Catalog,
        ImportResult,
        default_catalog,
        load_catalog,
        read_catalog,
        write_csv,
        write_json,
    )
    from .engine import Recommender, recommend, recommend_batch
    from .errors import DataError, ImportRowsError, InputFileError, MatcherError, NotFoundError, ValidationError
    from .normalize import Normalizer
    from .records import Demographics, Program, SeekerProfile, parse_profile, parse_program
    from .results import Recommendation, RecommendationList
    from .scoring import EngineConfig
    from .settings import load_settings, parse_settings
    from .taxonomy import load_taxonomy
