"""Program columns: which programs of a compiled catalog an array operation reads.

A ranking pass reads the whole catalog: its columns are :data:`ALL_COLUMNS`, a slice,
so ``array[cols]`` is a view. Gathering a 10,000-program array through an index array
costs about 15 us, and a pass reads a few dozen such arrays. Explanations and learned
models read a few programs: their columns are an index array.
"""

from __future__ import annotations

from typing import Any

import numpy as np

ALL_COLUMNS = slice(None)
Columns = np.ndarray | slice


def width(cols: Columns, cat: Any) -> int:
    """How many program columns ``cols`` names (``cat``: the compiled catalog)."""
    return int(cat.size) if isinstance(cols, slice) else len(cols)


def column_index(cols: Columns, cat: Any) -> np.ndarray:
    """``cols`` as an index array (ALL_COLUMNS becomes 0..n-1)."""
    return np.arange(cat.size) if isinstance(cols, slice) else cols
