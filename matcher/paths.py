"""Where the shipped data lives.

The product reads only what is in ``training_data/`` (built from the public
sources by the scripts in ``scripts/``) and ``models/``; never ``../shared``.
``MATCHER_DATA_DIR`` points the library at another copy (a board's own data).
"""

from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent


def data_dir() -> Path:
    """The training_data folder (``MATCHER_DATA_DIR`` overrides)."""
    override = os.environ.get("MATCHER_DATA_DIR")
    return Path(override) if override else REPO_ROOT / "training_data"


def models_dir() -> Path:
    override = os.environ.get("MATCHER_MODELS_DIR")
    return Path(override) if override else REPO_ROOT / "models"
