"""The training-program matcher: skills taxonomy, records and matching engine.

The library has no web or CLI dependencies; ``matcher.cli`` is a thin click
layer over it and the Flask API (``api/``) will import it, never the reverse.
"""

__version__ = "0.1.0"
