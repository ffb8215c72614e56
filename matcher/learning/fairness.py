"""The fairness audit: how recommendations and the model's errors fall across groups.

Groups come from the reporting-only demographics (sex, race/ethnicity, age band, disability,
justice involvement); a person reporting several races counts in each. For each group:

- ``self_sufficient_rate``: the share whose top recommendation pays at or above their
  self-sufficiency target, for the model and for the hand-set engine;
- ``expected_self_sufficient``: the expected share whose top recommendation *leads* to a
  self-sufficient wage (chance of success there x the wage reaching the target);
- calibration (mean predicted vs observed success, ECE), Brier, and error rates (false-positive
  and false-negative rates of "chance >= 0.5") on the group's held-out enrollments;
- the **four-fifths ratio**: the group's self-sufficient rate over the best-served group's rate of
  the same attribute. Below :data:`FOUR_FIFTHS` the group is flagged. Groups with fewer than
  :data:`MIN_GROUP` people are reported but not judged.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from . import metrics as m
from .history import ReportingDemographics

FOUR_FIFTHS = 0.8
MIN_GROUP = 30
ATTRIBUTES = ("sex", "race_ethnicity", "age_band", "disability", "justice_involved")


def group_labels(d: ReportingDemographics, attribute: str) -> list[str]:
    value: Any = getattr(d, attribute)
    if attribute == "race_ethnicity":
        return [v.value for v in value] or ["not_recorded"]
    if value is None:
        return ["not_recorded"]
    if isinstance(value, bool):
        return ["yes" if value else "no"]
    return [value.value]


def audit(demographics: Sequence[ReportingDemographics], *, top_self_sufficient: dict[str, np.ndarray],
          expected_self_sufficient: dict[str, np.ndarray], enrollment_demographics: Sequence[ReportingDemographics],
          y: np.ndarray, p: np.ndarray) -> dict[str, Any]:
    """Per attribute and group: rates per ranker, calibration and errors, four-fifths ratio and flag.

    ``demographics`` and the two rate dicts are per held-out person (one row each); ``y`` and ``p``
    are per held-out enrollment with ``enrollment_demographics``.
    """
    out: dict[str, Any] = {"attributes": {}, "flags": [], "four_fifths": FOUR_FIFTHS, "min_group": MIN_GROUP}
    for attribute in ATTRIBUTES:
        groups: dict[str, list[int]] = {}
        for i, d in enumerate(demographics):
            for label in group_labels(d, attribute):
                groups.setdefault(label, []).append(i)
        enrol: dict[str, list[int]] = {}
        for i, d in enumerate(enrollment_demographics):
            for label in group_labels(d, attribute):
                enrol.setdefault(label, []).append(i)
        rows: dict[str, dict[str, Any]] = {}
        for label, members in sorted(groups.items()):
            idx = np.array(members)
            row: dict[str, Any] = {"n": len(members), "judged": len(members) >= MIN_GROUP}
            for ranker, values in top_self_sufficient.items():
                row[f"self_sufficient_rate.{ranker}"] = float(np.nanmean(values[idx])) if len(idx) else None
            for ranker, values in expected_self_sufficient.items():
                vals = values[idx]
                row[f"expected_self_sufficient.{ranker}"] = float(np.nanmean(vals)) if np.isfinite(vals).any() \
                    else None
            e_idx = np.array(enrol.get(label, []), dtype=np.int64)
            if len(e_idx):
                row.update({"enrollments": int(len(e_idx)), "observed_success": float(np.mean(y[e_idx])),
                            "mean_predicted": float(np.mean(p[e_idx])), "brier": m.brier(y[e_idx], p[e_idx]),
                            "ece": m.expected_calibration_error(y[e_idx], p[e_idx], bins=5),
                            **m.error_rates(y[e_idx], p[e_idx])})
            rows[label] = row
        for ranker in top_self_sufficient:
            key = f"self_sufficient_rate.{ranker}"
            judged = [r[key] for r in rows.values() if r["judged"] and r.get(key) is not None]
            best = max(judged) if judged else None
            for label, row in rows.items():
                rate = row.get(key)
                ratio = rate / best if (best and rate is not None) else None
                row[f"four_fifths_ratio.{ranker}"] = ratio
                flagged = bool(row["judged"] and ratio is not None and ratio < FOUR_FIFTHS)
                row[f"flagged.{ranker}"] = flagged
                if flagged:
                    out["flags"].append({"attribute": attribute, "group": label, "ranker": ranker,
                                         "ratio": ratio, "n": row["n"]})
        out["attributes"][attribute] = rows
    return out
