"""Fewer garbage collections while a large history is read, turned into features and trained on.

CPython's cyclic collector starts a young-generation pass every 700 net container allocations and, every
so often, an old-generation pass over everything that survived. Reading a history and building its pair
features allocates tens of millions of small containers (rows, parsed JSON, records, per-seeker arrays)
that mostly live until the end: none of them is cyclic garbage, yet each pass walks them, and the passes
grow with the heap. At a million enrollments that was more than half of the features' time (measured:
docs/benchmarks.md, "Fewer garbage collections").

:func:`fewer_collections` therefore (1) freezes what is alive on entry (``gc.freeze``: moved to a
generation the collector never visits; a frozen object is still freed when its reference count drops to
zero) and (2) raises the young-generation threshold, so the collector runs a few hundred times less often.
Cycles made inside are still collected, only later. On leaving the outermost block the thresholds are
restored and the frozen objects given back (``gc.unfreeze``).

The collector is process-wide: in the service, a training job's block also spaces out collections in the
request threads while it runs (more memory held by cyclic garbage for a while, nothing else). Nesting is
allowed (``train`` inside a CLI command that read the history in its own block); each entry freezes what
is alive by then, which is cheap.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

#: Young-generation threshold inside the block (CPython's default is 700).
THRESHOLD = 100_000

_lock = threading.Lock()
_depth = 0
_saved: tuple[int, int, int] | None = None


@contextmanager
def fewer_collections(threshold: int = THRESHOLD) -> Iterator[None]:
    """Inside the block, what was alive on entry is frozen and young collections are ``threshold`` apart."""
    global _depth, _saved
    with _lock:
        gc.freeze()
        if _depth == 0:
            _saved = gc.get_threshold()
            gc.set_threshold(max(threshold, _saved[0]), *_saved[1:])
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0:
                assert _saved is not None
                gc.set_threshold(*_saved)
                _saved = None
                gc.unfreeze()


def active() -> bool:
    """True inside a :func:`fewer_collections` block (in any thread)."""
    return _depth > 0
