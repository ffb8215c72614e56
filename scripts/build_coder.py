#!/usr/bin/env python
"""Build the job-title coder shipped in ``training_data/coder/``.

Labelled titles come from O*NET 29.2 (occupation titles, alternate and short
titles, sample of reported titles), the project's curated job titles
(``training_data/curated/occupation_aliases.csv``, English and Spanish) and the
*training part* of the Census 2022 Alphabetical Index of Occupations
(``crosswalks/census_2022_alpha_index_occupations_dev.csv``).

The Census index is split once, with a fixed seed, into a training part and a
held-out part (``HOLDOUT_SHARE`` of the titles). Titles are grouped by their
set of words first, so "Technician, forest" and "Forest technician" land on
the same side, and a group's side is decided by ``sha256(seed:group)`` alone:
the split does not depend on file order and never changes unless the seed
does. Nothing in the build reads a held-out row: not the vocabulary, not the
word weights, not the calibration, not the threshold. The manifest records
hashes of both parts; ``tests/test_coder.py`` checks they are disjoint and,
when the source file is present, that they are exactly this split.

Re-ranker and calibration: the Census training part is cut into 5 folds (by
group); for each, a coder is fitted without that fold and lists its titles'
candidates with the re-ranker's inputs. Boosted trees are fitted on four folds'
candidates and score the fifth's; an isotonic map from the winner's score to
"the 6-digit SOC code was right" is fitted on those out-of-fold scores, and the
shipped trees on every fold's candidates. The default threshold is the lowest
confidence at which those cross-validated predictions are right
``TARGET_PRECISION`` of the time, and those not verbatim in O*NET
``TARGET_PRECISION_NOT_VERBATIM``.

Output (byte-reproducible: fixed order, sorted JSON, gzip mtime 0, fixed zip dates):

- ``title_coder.npz``      the labelled titles as a sparse matrix, labels, weights, calibration
- ``title_coder.json.gz``  vocabulary, SOC and O*NET-SOC code lists, threshold, split record
- ``manifest.json``        sources with sha256, counts, cross-validated quality, file hashes

Usage::

    python scripts/build_coder.py [--source ../shared/data] [--out training_data/coder]
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import math
import os
import re
import sys
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

# Byte-identical on any x86-64 machine: on CPUs with AVX-512, numpy's log, log1p, exp and power
# take its own vector routines (SVML), which round the last bit differently from the loops every
# other CPU runs; a word-model prior one bit off moves the re-ranker's split points. The build turns
# them off before numpy loads (numpy 2.4's names for the AVX-512 targets); importing this module
# from another program changes nothing.
if __name__ == "__main__":
    os.environ.setdefault("NPY_DISABLE_CPU_FEATURES", "X86_V4 AVX512_ICL AVX512_SPR")

import numpy as np  # noqa: E402

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))
sys.path.insert(0, str(REPO_ROOT / "scripts"))

from build_taxonomy import gzip_bytes, json_bytes, npz_bytes, read_onet  # noqa: E402

from matcher.boosted_trees import BoostedTrees, from_sklearn  # noqa: E402
from matcher.coder import (  # noqa: E402
    CODER_FILE,
    CODER_META,
    CURATED_COLUMN,
    NB_ALPHA,
    NB_MIX,
    RERANK_FEATURES,
    SOURCE_KINDS,
    TitleCoder,
    feature_weight,
    reranked_order,
    title_features,
    title_tokens,
)

DEFAULT_OUT = REPO_ROOT / "training_data" / "coder"
CURATED = REPO_ROOT / "training_data" / "curated"

CODER_VERSION = "1.3.1"
SPLIT_SEED = "census-2022-alpha-index:holdout:v1"
HOLDOUT_SHARE = 0.20
N_FOLDS = 5
TARGET_PRECISION = 0.92  # of the cross-validated predictions the default threshold answers
# ... and of those among them that are not verbatim in O*NET: the titles people write are mostly
# not O*NET's own, so the threshold must hold for them too (the goal), not only on average.
TARGET_PRECISION_NOT_VERBATIM = 0.90
# The candidate re-ranker (boosted trees over RERANK_FEATURES; chosen on the cross-validated titles).
# 200 trees of depth ≤ 6 rank as well as 400 deeper ones (not-verbatim precision at 75% coverage
# 0.903 either way) at a third of the cost of scoring: the coder must code 5,000 titles a second.
RERANK_PARAMETERS = {"max_iter": 200, "learning_rate": 0.1, "max_leaf_nodes": 15, "max_depth": 6,
                     "min_samples_leaf": 20, "early_stopping": False, "random_state": 0}

ONET_TEXT = Path("onet/db_29_2_text")
SOURCES = {
    "occupation_data": ONET_TEXT / "Occupation Data.txt",
    "alternate_titles": ONET_TEXT / "Alternate Titles.txt",
    "reported_titles": ONET_TEXT / "Sample of Reported Titles.txt",
    "onet_to_soc2018": Path("crosswalks/onet_soc2019_to_soc2018_crosswalk.csv"),
    "census_index": Path("crosswalks/census_2022_alpha_index_occupations_dev.csv"),
}


def default_source() -> Path:
    """The shared data folder: the first ``shared/data`` beside this repository or one of its parents."""
    for parent in REPO_ROOT.parents:
        if (parent / "shared" / "data").is_dir():
            return parent / "shared" / "data"
    return REPO_ROOT.parent / "shared" / "data"


ATTRIBUTION = """\
# Attribution

The job-title coder in this folder is fitted on labelled job titles from:

> This product includes information from the O*NET 29.2 Database by the U.S.
> Department of Labor, Employment and Training Administration (USDOL/ETA). Used
> under the CC BY 4.0 license. O*NET® is a trademark of USDOL/ETA. USDOL/ETA has
> not approved, endorsed, or tested these modifications.

Licence: Creative Commons Attribution 4.0 (https://creativecommons.org/licenses/by/4.0/).
Used: occupation titles, alternate and short titles, sample of reported titles,
and the O*NET-SOC 2019 to 2018 SOC crosswalk (O*NET Resource Center, CC BY 4.0).

- U.S. Census Bureau, 2022 Census Alphabetical Index of Occupations (September
  2024), public domain (U.S. Government work): the training part of a fixed
  split of its development copy; the held-out part is used only to measure.
- Job titles in `training_data/curated/occupation_aliases.csv` (English and
  Spanish) are written by this project.

Modifications by `scripts/build_coder.py`: titles folded into words and word
pairs, weighted by inverse document frequency; a nearest-neighbour vote mixed
with a naive-Bayes word model; boosted trees that re-rank the candidates,
fitted on cross-validated Census training titles; an isotonic calibration
fitted on the same titles.
"""


# --------------------------------------------------------------------------- the split (fixed for good)


def split_group(title: str) -> str:
    """The group a Census title belongs to: its set of words, sorted (coder notes dropped).

    Deliberately independent of :func:`matcher.coder.title_tokens`, so tuning the
    coder's folding can never move a title across the split.
    """
    text = unicodedata.normalize("NFKD", title.lower())
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = re.sub(r"\\\s*\S+", " ", text)
    return " ".join(sorted(set(re.sub(r"[^a-z0-9]+", " ", text).split())))


def group_hash(group: str) -> int:
    """64-bit hash of a group (what the manifest records)."""
    return int(hashlib.sha256(group.encode("utf-8")).hexdigest()[:16], 16)


def is_held_out(group: str) -> bool:
    digest = hashlib.sha256(f"{SPLIT_SEED}:{group}".encode()).hexdigest()
    return int(digest[:12], 16) / 16 ** 12 < HOLDOUT_SHARE


def read_census(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def split_census(rows: list[dict[str, str]]) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    """(training rows, held-out rows)."""
    train, held = [], []
    for row in rows:
        (held if is_held_out(split_group(row["title"])) else train).append(row)
    return train, held


# --------------------------------------------------------------------------- labelled titles


@dataclass(frozen=True)
class Example:
    text: str
    soc: str
    onet: str | None  # None: a SOC code with several O*NET-SOC occupations
    source: str
    group: str = ""  # Census examples: their split group (for the folds)
    lang: str = "en"


def onet_examples(src: Path) -> tuple[list[Example], dict[str, str], dict[str, list[str]]]:
    to_soc: dict[str, str] = {}
    with (src / SOURCES["onet_to_soc2018"]).open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            to_soc[row["O*NET-SOC 2019 Code"].strip()] = row["2018 SOC Code"].strip()
    by_soc: dict[str, list[str]] = defaultdict(list)
    for code, soc in sorted(to_soc.items()):
        by_soc[soc].append(code)
    out: list[Example] = []
    for row in read_onet(src / SOURCES["occupation_data"]):
        code = row["O*NET-SOC Code"]
        out.append(Example(row["Title"], to_soc[code], code, "onet_title"))
    for row in read_onet(src / SOURCES["alternate_titles"]):
        code = row["O*NET-SOC Code"]
        out.append(Example(row["Alternate Title"], to_soc[code], code, "onet_alternate"))
        if row["Short Title"]:
            out.append(Example(row["Short Title"], to_soc[code], code, "onet_short"))
    for row in read_onet(src / SOURCES["reported_titles"]):
        code = row["O*NET-SOC Code"]
        out.append(Example(row["Reported Job Title"], to_soc[code], code, "onet_reported"))
    return out, to_soc, by_soc


def curated_examples(to_soc: dict[str, str]) -> list[Example]:
    path = CURATED / "occupation_aliases.csv"
    out = []
    with path.open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            code = row["code"].strip()
            if code not in to_soc:
                raise SystemExit(f"{path.name}: unknown O*NET-SOC code {code!r}")
            out.append(Example(row["alias"].strip(), to_soc[code], code, "curated",
                               lang=(row.get("lang") or "en").strip()))
    return out


def census_examples(rows: list[dict[str, str]], by_soc: dict[str, list[str]]) -> tuple[list[Example], Counter]:
    """Census rows with a detailed SOC code that O*NET has occupations for.

    A row whose code holds only in some industries ("Cook\\ ns" in food manufacturing is a
    food cooking machine operator) is left out when the same title has other codes elsewhere:
    a title typed without its industry would learn the exception, and "cook" would read as
    likely a machine operator. The row that holds in any other industry is kept.
    """
    codes: dict[str, set[str]] = defaultdict(set)
    for row in rows:
        codes[split_group(row["title"])].add(row["soc2018_code"].strip())
    out, skipped = [], Counter()
    for row in rows:
        soc = row["soc2018_code"].strip()
        if row["soc_is_detailed"] != "True" or not soc:
            skipped["broad_or_no_code"] += 1
            continue
        if industry_specific(row) and len(codes[split_group(row["title"])]) > 1:
            skipped["code_depends_on_industry"] += 1
            continue
        if soc not in by_soc:
            skipped["soc_without_onet_occupation"] += 1
            continue
        onet = by_soc[soc][0] if len(by_soc[soc]) == 1 else None
        out.append(Example(row["title"], soc, onet, "census", split_group(row["title"])))
    return out, skipped


def industry_specific(row: dict[str, str]) -> bool:
    """True when the row's code holds only in the industries it names (not "\\ Any not listed")."""
    restriction = row.get("census_industry_restriction", "").strip()
    return bool(restriction) and "any not listed" not in restriction.lower()


HEAD_WORD_MIN_TITLES = 5


def head_words(examples: list[Example], abbreviations: dict[str, str]) -> list[str]:
    """Words that end several O*NET or curated titles and mostly come last where they appear.

    "Welder", "Cook", "Operator", "Aide" end many titles; "computer" ends a few but mostly
    sits in the middle ("Computer Operator"). Spanish titles put the head word first
    ("ayudante de cocina"). The normalizer reads a skills-box phrase as a job title only
    when it has such a word.
    """
    last: Counter[str] = Counter()
    anywhere: Counter[str] = Counter()
    for ex in examples:
        if ex.source == "census" or "," in ex.text:
            continue  # the Census (and O*NET's "Cooks, Restaurant") put the head word first
        toks = title_tokens(ex.text, abbreviations)
        if not toks:
            continue
        spanish = ex.source == "curated" and ex.lang == "es"
        head = toks[0] if spanish else toks[-1]
        weight = HEAD_WORD_MIN_TITLES if ex.source == "curated" else 1
        last[head] += weight
        for tok in set(toks):
            anywhere[tok] += weight
    return sorted(w for w, n in last.items()
                  if n >= HEAD_WORD_MIN_TITLES and n >= 0.5 * anywhere[w] and not w.isdigit())


def head_shares(examples: list[Example], abbreviations: dict[str, str]) -> dict[str, dict[str, float]]:
    """For each head word, the share of each SOC code's titles (O*NET and curated) it is the head of.

    The head is the last word of an English title, the first of a Spanish one or of an inverted
    "Cooks, Restaurant". Census titles are left out: their order is inverted without a comma as
    often as not ("Supervisor pumping station"). Shares are rounded to 4 digits (as shipped).
    """
    per_soc: dict[str, Counter[str]] = defaultdict(Counter)
    for ex in examples:
        if ex.source == "census":
            continue
        toks = title_tokens(ex.text, abbreviations)
        if not toks:
            continue
        first = (ex.source == "curated" and ex.lang == "es") or "," in ex.text
        per_soc[ex.soc][toks[0] if first else toks[-1]] += 1
    out: dict[str, dict[str, float]] = defaultdict(dict)
    for soc, heads in sorted(per_soc.items()):
        total = sum(heads.values())
        for word, n in sorted(heads.items()):
            share = round(n / total, 4)
            if share >= 0.01:
                out[word][soc] = share
    return dict(sorted(out.items()))


def read_abbreviations() -> dict[str, str]:
    with (CURATED / "abbreviations.csv").open(encoding="utf-8", newline="") as f:
        return {r["abbreviation"].strip().lower(): r["expansion"].strip().lower() for r in csv.DictReader(f)}


# --------------------------------------------------------------------------- fitting


def fit(examples: list[Example], socs: list[str], onet_codes: list[str], by_soc: dict[str, list[str]],
        abbreviations: dict[str, str], soc_titles: list[str], heads: dict[str, dict[str, float]], *,
        calibration: tuple[np.ndarray, np.ndarray] | None = None, threshold: float = 0.5,
        reranker: BoostedTrees | None = None) -> TitleCoder:
    """A coder over ``examples``: vocabulary and IDF from them alone; duplicates merged."""
    soc_id = {s: i for i, s in enumerate(socs)}
    onet_id = {c: i for i, c in enumerate(onet_codes)}
    seen: set[tuple[tuple[str, ...], str, str | None]] = set()
    rows: list[tuple[list[str], int, int, int]] = []
    for ex in examples:
        feats = title_features(title_tokens(ex.text, abbreviations))
        if not feats:
            continue
        key = (tuple(sorted(feats)), ex.soc, ex.onet)
        if key in seen:
            continue
        seen.add(key)
        rows.append((feats, soc_id[ex.soc], onet_id[ex.onet] if ex.onet else -1, SOURCE_KINDS.index(ex.source)))
    df: Counter[str] = Counter()
    for feats, *_ in rows:
        df.update(feats)
    vocabulary = sorted(df)
    fid = {f: i for i, f in enumerate(vocabulary)}
    n = len(rows)
    weights = np.asarray([feature_weight(f, math.log((1 + n) / (1 + df[f])) + 1.0) for f in vocabulary],
                         dtype=np.float32)
    indptr = [0]
    indices: list[int] = []
    for feats, *_ in rows:
        indices.extend(sorted(fid[f] for f in feats))
        indptr.append(len(indices))
    soc_default = []
    for s in socs:
        children = by_soc[s]
        generic = [c for c in children if c.endswith(".00")]
        soc_default.append(onet_id[(generic or children)[0]])
    cx, cy = calibration if calibration is not None else (np.array([0.0, 1.0]), np.array([0.0, 1.0]))
    nb = word_model(rows, fid, weights, len(socs))
    return TitleCoder(
        vocabulary=vocabulary, weights=weights, indptr=np.asarray(indptr), indices=np.asarray(indices),
        soc=np.asarray([r[1] for r in rows]), onet=np.asarray([r[2] for r in rows]),
        source=np.asarray([r[3] for r in rows]), socs=socs,
        onet_codes=onet_codes, soc_default=np.asarray(soc_default), calibration_x=cx, calibration_y=cy,
        threshold=threshold, abbreviations=abbreviations, nb_ptr=nb["nb_ptr"], nb_soc=nb["nb_soc"],
        nb_log=nb["nb_log"], nb_prior=nb["nb_prior"], nb_norm=nb["nb_norm"],
        soc_titles=soc_titles, reranker=reranker, heads=heads,
    )


def word_model(rows: list[tuple[list[str], int, int, int]], fid: dict[str, int], weights: np.ndarray,
               n_socs: int) -> dict[str, np.ndarray]:
    """Multinomial naive Bayes over SOC codes: per feature, the SOCs using it and the smoothed log ratio.

    Counts are the features' weights summed over each SOC's labelled titles; a SOC's prior is
    log(1 + its number of titles). The ratios are rounded to float32 (as shipped), so the
    build's folds score exactly like the shipped model.
    """
    vocab = len(weights)
    counts: dict[tuple[int, int], float] = defaultdict(float)
    totals = np.zeros(n_socs, dtype=np.float64)
    n_titles = np.zeros(n_socs, dtype=np.float64)
    for feats, soc, *_ in rows:
        n_titles[soc] += 1
        for f in feats:
            w = float(weights[fid[f]])
            counts[(fid[f], soc)] += w
            totals[soc] += w
    keys = sorted(counts)
    ptr = np.zeros(vocab + 1, dtype=np.int64)
    for feature, _ in keys:
        ptr[feature + 1] += 1
    ptr = np.cumsum(ptr)
    soc_ids = np.asarray([c for _, c in keys], dtype=np.int32)
    logs = np.asarray([math.log((counts[k] + NB_ALPHA) / NB_ALPHA) for k in keys], dtype=np.float32)
    norm = math.log(NB_ALPHA) - np.log(totals + NB_ALPHA * vocab)
    return {"nb_ptr": ptr, "nb_soc": soc_ids, "nb_log": logs.astype(np.float64),
            "nb_prior": np.log1p(n_titles), "nb_norm": norm}


def soc_titles(src: Path, socs: list[str], to_soc: dict[str, str]) -> list[str]:
    """Each SOC code's title: O*NET's title of its first O*NET-SOC occupation (the generic ``.00`` one)."""
    titles: dict[str, str] = {}
    for row in sorted(read_onet(src / SOURCES["occupation_data"]), key=lambda r: r["O*NET-SOC Code"]):
        titles.setdefault(to_soc[row["O*NET-SOC Code"]], row["Title"])
    return [titles[s] for s in socs]


def evaluation_titles(rows: list[dict[str, str]]) -> list[tuple[str, str]]:
    """(title, SOC) for each group whose rows all carry one and the same detailed SOC code."""
    codes: dict[str, set[str]] = defaultdict(set)
    first: dict[str, str] = {}
    for row in rows:
        group = split_group(row["title"])
        soc = row["soc2018_code"].strip()
        codes[group].add(soc if row["soc_is_detailed"] == "True" and soc else "(broad)")
        first.setdefault(group, row["title"])
    return [(first[g], next(iter(c))) for g, c in sorted(codes.items()) if len(c) == 1 and "(broad)" not in c]


@dataclass
class Folded:
    """The cross-validated Census training titles: for each, its fold, label, whether it is verbatim in
    O*NET, and the candidates (with re-ranker inputs) of the coder fitted without its fold."""

    folds: np.ndarray
    labels: list[str]
    verbatim: np.ndarray
    tables: list[tuple[list[str], np.ndarray] | None]

    def rows(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(inputs, right, title index) with one row per candidate."""
        xs, right, owner = [], [], []
        for i, (table, label) in enumerate(zip(self.tables, self.labels)):
            if table is None:
                continue
            socs, X = table
            xs.append(X)
            right.extend(s == label for s in socs)
            owner.extend([i] * len(socs))
        return np.vstack(xs), np.asarray(right, dtype=bool), np.asarray(owner)


def fold_of_group(group: str) -> int:
    return int(hashlib.sha256(f"fold:{group}".encode()).hexdigest()[:8], 16) % N_FOLDS


def cross_validate(onet_and_curated: list[Example], census: list[Example], census_rows: list[dict[str, str]],
                   socs: list[str], onet_codes: list[str], by_soc: dict[str, list[str]],
                   abbreviations: dict[str, str], titles_of_socs: list[str],
                   heads: dict[str, dict[str, float]]) -> Folded:
    verbatim_group = {split_group(r["title"]): r.get("title_in_onet_29_2") == "True" for r in census_rows}
    folds, labels, verbatim, tables = [], [], [], []
    for fold in range(N_FOLDS):
        kept = [ex for ex in census if fold_of_group(ex.group) != fold]
        coder = fit(onet_and_curated + kept, socs, onet_codes, by_soc, abbreviations, titles_of_socs, heads)
        titles = evaluation_titles([r for r in census_rows if fold_of_group(split_group(r["title"])) == fold])
        fold_tables = coder.candidate_table([t for t, _ in titles])
        right = np.mean([bool(t) and t[0][0] == soc for t, (_, soc) in zip(fold_tables, titles)])
        print(f"  fold {fold + 1}/{N_FOLDS}: {len(titles)} titles, right at 6 digits {right:.3f} "
              "(before re-ranking)", file=sys.stderr)
        folds.extend([fold] * len(titles))
        labels.extend(soc for _, soc in titles)
        verbatim.extend(verbatim_group[split_group(t)] for t, _ in titles)
        tables.extend(fold_tables)
    return Folded(np.asarray(folds), labels, np.asarray(verbatim, dtype=bool), tables)


def fit_reranker(X: np.ndarray, right: np.ndarray) -> BoostedTrees:
    """Boosted trees scoring each candidate's chance of being right, copied out of scikit-learn."""
    from sklearn.ensemble import HistGradientBoostingClassifier

    model = HistGradientBoostingClassifier(**RERANK_PARAMETERS).fit(X, right)
    trees = from_sklearn(model)
    gap = float(np.abs(trees.predict_proba(X) - model.predict_proba(X)[:, 1]).max())
    if gap > 1e-9:
        raise SystemExit(f"the copied re-ranker scores differently from scikit-learn's (by {gap:g})")
    return trees


def reranked_scores(folded: Folded) -> tuple[np.ndarray, np.ndarray]:
    """(best re-ranked score, right at 6 digits) per title, each fold scored by trees fitted on the others."""
    X, right, owner = folded.rows()
    row_fold = folded.folds[owner]
    prob = np.zeros(len(right))
    for fold in range(N_FOLDS):
        held = row_fold == fold
        prob[held] = fit_reranker(X[~held], right[~held]).predict_proba(X[held])
    scores = np.zeros(len(folded.labels))
    correct = np.zeros(len(folded.labels), dtype=bool)
    starts = np.flatnonzero(np.r_[True, owner[1:] != owner[:-1]])  # rows of one title are together
    for a, b in zip(starts, np.r_[starts[1:], len(owner)]):
        # The coder's own rule, so the calibration sees what it will score.
        settled, order = reranked_order(prob[a:b], X[a:b, CURATED_COLUMN] > 0)
        scores[owner[a]], correct[owner[a]] = settled[order[0]], right[a + order[0]]
    return scores, correct


def isotonic_table(scores: np.ndarray, right: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """A monotone piecewise-linear map score → P(right), as (x, y) knots for np.interp.

    Isotonic regression gives flat steps; the knots are the centre of each step (and the two
    ends), so the map rises between steps instead of tying every score of a step: titles keep
    the order the re-ranker gave them, and a threshold can fall inside what was one step.
    """
    from sklearn.isotonic import IsotonicRegression

    iso = IsotonicRegression(y_min=0.0, y_max=1.0, increasing=True, out_of_bounds="clip")
    iso.fit(scores, right.astype(np.float64))
    x = np.asarray(iso.X_thresholds_, dtype=np.float64)
    y = np.asarray(iso.y_thresholds_, dtype=np.float64)
    xs, ys = [x[0]], [y[0]]
    i = 0
    while i < len(x):
        j = i
        while j + 1 < len(x) and y[j + 1] == y[i]:
            j += 1
        xs.append((x[i] + x[j]) / 2)
        ys.append(y[i])
        i = j + 1
    xs.append(x[-1])
    ys.append(y[-1])
    return np.round(np.asarray(xs), 6), np.round(np.asarray(ys), 6)


def choose_threshold(confidence: np.ndarray, right: np.ndarray, verbatim: np.ndarray) -> float:
    """The lowest confidence (to 0.01) at which the answered predictions reach TARGET_PRECISION,
    and those of them not verbatim in O*NET TARGET_PRECISION_NOT_VERBATIM."""
    for t in np.round(np.arange(0.0, 1.0001, 0.01), 2):
        answered = confidence >= t
        other = answered & ~verbatim
        if (answered.any() and right[answered].mean() >= TARGET_PRECISION
                and (not other.any() or right[other].mean() >= TARGET_PRECISION_NOT_VERBATIM)):
            return float(t)
    return 1.0


# --------------------------------------------------------------------------- build


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def build(source: Path, out: Path) -> dict:
    missing = [str(source / p) for p in SOURCES.values() if not (source / p).is_file()]
    if missing:
        raise SystemExit("missing source files:\n  " + "\n  ".join(missing))
    onet, to_soc, by_soc = onet_examples(source)
    curated = curated_examples(to_soc)
    census_rows = read_census(source / SOURCES["census_index"])
    train_rows, held_rows = split_census(census_rows)
    census, skipped = census_examples(train_rows, by_soc)

    held_groups = {split_group(r["title"]) for r in held_rows}
    train_groups = {split_group(r["title"]) for r in train_rows}
    if held_groups & train_groups or any(ex.group in held_groups for ex in census):
        raise SystemExit("the held-out split leaks into the training titles")  # cannot happen; checked anyway

    socs = sorted(by_soc)
    onet_codes = sorted(to_soc)
    abbreviations = read_abbreviations()
    base = curated + onet  # curated first: a duplicate title keeps the curated row (and its vote weight)
    print(f"cross-validating on {len(census)} Census training titles...", file=sys.stderr)
    titles_of_socs = soc_titles(source, socs, to_soc)
    heads = head_shares(base, abbreviations)
    folded = cross_validate(base, census, train_rows, socs, onet_codes, by_soc, abbreviations, titles_of_socs,
                            heads)
    print("fitting the re-ranker on each fold's candidates...", file=sys.stderr)
    scores, right = reranked_scores(folded)
    cx, cy = isotonic_table(scores, right)
    confidence = np.interp(scores, cx, cy)
    threshold = choose_threshold(confidence, right, folded.verbatim)
    X, candidate_right, _ = folded.rows()
    reranker = fit_reranker(X, candidate_right)
    coder = fit(base + census, socs, onet_codes, by_soc, abbreviations, titles_of_socs, heads, calibration=(cx, cy),
                threshold=threshold, reranker=reranker)

    first_mixed = np.asarray([bool(t) and t[0][0] == soc for t, soc in zip(folded.tables, folded.labels)])
    cv = {"titles": int(len(right)), "right_6_digit_before_reranking": round(float(first_mixed.mean()), 4)}
    for name, keep in (("all", np.ones(len(right), dtype=bool)), ("not_verbatim_in_onet", ~folded.verbatim)):
        answered = (confidence >= threshold) & keep
        cv[name] = {
            "titles": int(keep.sum()),
            "right_6_digit": round(float(right[keep].mean()), 4),
            "coverage_at_threshold": round(float(answered.sum() / keep.sum()), 4),
            "precision_at_threshold": round(float(right[answered].mean()), 4) if answered.any() else None,
        }
    meta = {
        "coder_version": CODER_VERSION,
        "vocabulary": coder.vocabulary_,
        "socs": socs,
        "onet_codes": onet_codes,
        "threshold": threshold,
        "abbreviations": abbreviations,
        "head_words": head_words(base, abbreviations),
        "soc_titles": titles_of_socs,
        "heads": heads,
        "parameters": {"n_neighbours": 8, "vote_power": 8.0, "role_boost": 2.0, "pair_weight": 0.5,
                       "pair_gaps": [1, 2],
                       "nb_alpha": NB_ALPHA, "nb_mix": NB_MIX,
                       "reranker": {**RERANK_PARAMETERS, "features": list(RERANK_FEATURES),
                                    "trees": len(reranker.roots_), "nodes": len(reranker.feature_)}},
    }
    held_hashes = np.asarray(sorted({group_hash(g) for g in held_groups}), dtype=np.uint64)
    train_hashes = np.asarray(sorted({group_hash(ex.group) for ex in census}), dtype=np.uint64)
    files = {
        CODER_FILE: npz_bytes(coder.arrays()),
        CODER_META: gzip_bytes(json_bytes(meta)),
        "census_split.npz": npz_bytes({"held_out": held_hashes, "training": train_hashes}),
        "ATTRIBUTION.md": ATTRIBUTION.encode("utf-8"),
    }
    counts = Counter(ex.source for ex in base + census)
    manifest = {
        "coder_version": CODER_VERSION,
        "builder": "scripts/build_coder.py",
        "sources": {k: {"path": str(p), "sha256": sha256(source / p)} for k, p in sorted(SOURCES.items())},
        "curated": {name: {"path": f"training_data/curated/{name}", "sha256": sha256(CURATED / name)}
                    for name in ("occupation_aliases.csv", "abbreviations.csv")},
        "split": {
            "seed": SPLIT_SEED, "held_out_share": HOLDOUT_SHARE, "grouping": "sorted set of words",
            "census_rows": len(census_rows), "training_rows": len(train_rows), "held_out_rows": len(held_rows),
            "training_groups": len(train_groups), "held_out_groups": len(held_groups),
            "hash": "first 16 hex digits of sha256(group), in census_split.npz",
        },
        "counts": {
            "labelled_titles_by_source": dict(sorted(counts.items())),
            "census_training_rows_not_used": dict(sorted(skipped.items())),
            "titles_after_merging_duplicates": coder.n_titles_,
            "features": len(coder.vocabulary_),
            "soc_codes": len(socs),
            "onet_codes": len(onet_codes),
        },
        "threshold": threshold,
        "target_precision": TARGET_PRECISION,
        "target_precision_not_verbatim": TARGET_PRECISION_NOT_VERBATIM,
        "cross_validated": cv,
        "files": {name: {"sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)}
                  for name, data in sorted(files.items())},
    }
    files["manifest.json"] = json.dumps(manifest, indent=2, sort_keys=True).encode("utf-8") + b"\n"
    out.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        (out / name).write_bytes(data)
    return manifest


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--source", type=Path, default=default_source(), help="shared data folder (%(default)s)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder (%(default)s)")
    args = parser.parse_args(argv)
    manifest = build(args.source, args.out)
    print(f"title coder {manifest['coder_version']} -> {args.out}")
    print(f"  labelled titles: {manifest['counts']['titles_after_merging_duplicates']:,}, "
          f"features: {manifest['counts']['features']:,}, threshold {manifest['threshold']}")
    print(f"  cross-validated: {manifest['cross_validated']}")
    print(f"  total bytes: {sum(f['bytes'] for f in manifest['files'].values()):,}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
