"""JSON responses written by orjson: the same bytes Flask's own provider writes, in about a seventh of the time.

A recommendation list is about 20 KB of JSON; Flask's provider (the standard
library's encoder) spends about 0.25 ms of CPU on it, orjson under 0.04 ms
(``bench/bench_api.py --breakdown``, docs/benchmarks.md). Only
:meth:`~flask.json.provider.DefaultJSONProvider.response` (what a view's dict,
``jsonify`` and every error answer go through) changes; ``dumps`` and
``loads`` (templates' ``tojson``, the OpenAPI document) stay the standard ones.

The output is what Flask's provider writes, byte for byte, for every value the
service answers with (``tests/api/test_json_output.py`` compares them):

- compact (no spaces), keys in the order given (``sort_keys`` honoured), one newline at the end;
- dates, dataclasses and anything else orjson would write its own way go
  through the provider's ``default``, as with the standard encoder;
- non-ASCII text: Flask escapes it (``ensure_ascii``), orjson does not, so
  such a body is written by the standard encoder instead (checked on the
  bytes orjson made: one pass, no second encoding for the common case);
- anything orjson refuses (integers over 64 bits, keys that are not strings,
  lone surrogates) is written by the standard encoder too.

Two differences remain, neither of which changes the value a client reads:
a float below 1e-4 is written in full (``0.00001``) where Python writes
``1e-05``, and NaN or an infinity is ``null`` (the standard encoder writes
``NaN``, which is not JSON). The service's numbers are rounded scores, miles
and dollars, and none is NaN.

Pretty-printed output (debug mode, ``compact = False``) is left to Flask.
"""

from __future__ import annotations

from typing import Any, cast

import orjson
from flask.json.provider import DefaultJSONProvider

_OPTIONS = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS


class OrjsonProvider(DefaultJSONProvider):
    def response(self, *args: Any, **kwargs: Any) -> Any:  # a flask.Response (typed as werkzeug's by Flask)
        if (self.compact is None and self._app.debug) or self.compact is False:
            return super().response(*args, **kwargs)
        obj = self._prepare_response_obj(args, kwargs)
        body = self.fast_dumps(obj)
        if body is None:
            return super().response(obj)
        make = cast(Any, self._app.response_class)  # werkzeug's sansio type; Flask's at run time
        return make(body + b"\n", mimetype=self.mimetype)

    def fast_dumps(self, obj: Any) -> bytes | None:
        """orjson's bytes for ``obj``, or None where they would not be Flask's (see the module doc)."""
        options = _OPTIONS | (orjson.OPT_SORT_KEYS if self.sort_keys else 0)
        try:
            body = orjson.dumps(obj, default=self.default, option=options)
        except TypeError:  # orjson.JSONEncodeError: too big an integer, a non-string key, a surrogate...
            return None
        if self.ensure_ascii and not body.isascii():
            return None
        return body
