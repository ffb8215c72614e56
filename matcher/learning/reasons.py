"""The learned model's reasons, in plain words: what the model saw in one shown program.

The model is additive, so its log-odds split exactly into one term per feature
(:meth:`~matcher.learning.model.AdditiveTables.contributions`). For each topic (schedule,
travel, supports, pay, skills...), a program's summed term is compared with the mean term over
the programs shown to the same person; the largest difference beyond :data:`REASON_THRESHOLD`
becomes one sentence, in favour of the program or against it. Never a number, and never about
the person: every sentence compares this person's options.
"""

from __future__ import annotations

import numpy as np

from ..i18n import N_, _
from ..scoring import SuccessReason
from .pair_features import FEATURE_NAMES, FEATURE_TOPICS

#: A topic's contribution (log-odds, against the typical program shown to this person) worth a sentence.
REASON_THRESHOLD = 0.15

POSITIVE = {
    "schedule": N_("People with your availability often finish programs with this schedule"),
    "travel": N_("People who travel the way you do often finish programs this close and this easy to reach"),
    "supports": N_("People with your barriers often finish here: its supports meet them"),
    "pay": N_("People who need income while training more often finish paid programs like this one"),
    "skills": N_("People with your skills often finish this program"),
    "language": N_("People who speak your languages often finish here"),
    "interest": N_("People interested in this field often finish and find work"),
    "program": N_("This program's past participants often finished and found work"),
}
NEGATIVE = {
    "schedule": N_("Its schedule often makes it hard for people with your availability to finish"),
    "travel": N_("The trip there often makes it hard for people who travel the way you do to finish"),
    "supports": N_("People with your barriers often struggle here: it does not offer the supports they need"),
    "pay": N_("It does not pay while you train, which often makes finishing hard for people who need income"),
    "skills": N_("People without the starting skills it expects often struggle to finish"),
    "language": N_("People who learn best in another language often struggle here"),
    "interest": N_("People not drawn to this field often leave before finishing"),
    "program": N_("Fewer of this program's past participants finished and found work"),
}
TOPICS = tuple(sorted({t for t in FEATURE_TOPICS.values() if t in POSITIVE}))
_TOPIC_OF_FEATURE = np.array([TOPICS.index(FEATURE_TOPICS[name]) if FEATURE_TOPICS.get(name) in POSITIVE else -1
                              for name in FEATURE_NAMES])


def model_reasons(contributions: np.ndarray) -> list[SuccessReason | None]:
    """One reason or None per program, from the (programs shown, features) contributions."""
    n = contributions.shape[0]
    if n < 2:  # nothing to compare with
        return [None] * n
    by_topic = np.zeros((n, len(TOPICS)))
    for j, t in enumerate(_TOPIC_OF_FEATURE):
        if t >= 0:
            by_topic[:, t] += contributions[:, j]
    diff = by_topic - by_topic.mean(axis=0)
    out: list[SuccessReason | None] = []
    for i in range(n):
        k = int(np.argmax(np.abs(diff[i])))
        if abs(diff[i, k]) < REASON_THRESHOLD:
            out.append(None)
        elif diff[i, k] > 0:
            out.append(SuccessReason(_(POSITIVE[TOPICS[k]]), favourable=True))
        else:
            out.append(SuccessReason(_(NEGATIVE[TOPICS[k]]), favourable=False))
    return out
