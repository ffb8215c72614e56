"""Where the shipped data lives.

The product reads only what is in ``training_data/`` (built from the public sources by
the scripts in ``scripts/``) and ``models/``; never ``../shared``. Where those are:

1. ``MATCHER_DATA_DIR`` / ``MATCHER_MODEL_DIR`` when set (a board's own copy; ``MATCHER_MODELS_DIR`` is
   the older spelling of the second, still read);
2. in a source checkout or an editable install, the repository's ``training_data/`` and ``models/``;
3. in a wheel or a plain ``pip install .``, the copies installed inside the package
   (``matcher/_data``, ``matcher/_models``; see ``[tool.setuptools]`` in pyproject.toml).
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
PACKAGE_ROOT = Path(__file__).resolve().parent


def data_dir() -> Path:
    """The training_data folder (``MATCHER_DATA_DIR`` overrides)."""
    override = os.environ.get("MATCHER_DATA_DIR")
    return Path(override) if override else _shipped("training_data", "_data")


def models_dir() -> Path:
    """The models folder (``MATCHER_MODEL_DIR`` overrides, as for the service; else ``MATCHER_MODELS_DIR``).
    One setting for the CLI and the service, so ``matcher models promote`` acts on the registry the
    service serves from."""
    override = os.environ.get("MATCHER_MODEL_DIR") or os.environ.get("MATCHER_MODELS_DIR")
    return Path(override) if override else _shipped("models", "_models")


@lru_cache(maxsize=4)
def _shipped(folder: str, installed: str) -> Path:
    checkout = REPO_ROOT / folder
    if checkout.is_dir():
        return checkout
    return PACKAGE_ROOT / installed  # a wheel install: the copy inside the package
