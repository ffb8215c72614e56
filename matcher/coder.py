"""Job-title coder: free-text job title → O*NET-SOC occupation with a calibrated confidence.

A nearest-neighbour model over about 85,000 labelled titles (O*NET's titles,
alternate, short and reported titles, the project's curated English and
Spanish titles, and the training part of the Census 2022 Alphabetical Index
of Occupations). ``scripts/build_coder.py`` fits it and ships it in
``training_data/coder/``; this module loads and applies it (``docs/taxonomy.md``,
"How job titles are coded", explains the choices).

How a title is coded:

1. **Fold** it into words (:func:`title_tokens`): accents, case and
   punctuation go; Census coder notes (``\\ ns``), "except" clauses ("Jeweler
   exc managing") and seniority words (``Sr``, ``II``, ``level 3``) are dropped;
   abbreviations are expanded (``mgr`` → ``manager``); plurals are singularised; level words (``apprentice``,
   ``trainee``) are dropped and gendered forms made one (``waitress`` →
   ``waiter``). Word order is not kept, so the
   Census's inverted "Technician, forest" and "Forest technician" are one
   title; word pairs (side by side or one word apart) are kept as extra features
   so that "office manager" is not "manager of the office building's cleaning crew".
2. **Weigh** each word by its rarity (IDF) and twice more for the words that
   say what kind of job it is (helper, supervisor, manager, apprentice...):
   a "helper roof bolter" is a helper first.
3. **Vote**: the 8 most similar labelled titles (cosine) vote for their
   6-digit SOC code with weight similarity⁸, so an exact hit outvotes loose
   neighbours but a title O*NET files under two occupations stays split.
   A naive-Bayes word model over the SOC codes (which words go with which
   code, across every labelled title) is mixed in: each SOC scores
   ``NB_MIX`` × its posterior + (1 - ``NB_MIX``) × vote share × best similarity,
   so a reworded title whose exact word pairs nobody wrote is still placed.
   The O*NET-SOC code is then chosen among the neighbours within that SOC.
4. **Re-rank**: the 5 best SOC codes by mixed score are scored again by
   boosted trees (:mod:`matcher.boosted_trees`) that read, for each, what the
   vote could not weigh together: its mixed score, word-model posterior and
   vote share, how close its closest title is, how its 30 nearest titles split
   between O*NET and Census rows, how much its major group gathers among the
   10 best codes, whether the title's role words (supervisor, helper,
   teacher, sales...) agree with the occupation's own title, and how often the
   title's last and first word head the occupation's titles
   (:data:`RERANK_FEATURES`). The trees were fitted on cross-validated Census
   training titles; their output is the chance the code is right, scaled so a
   title's chances sum to at most 1 (:func:`reranked_order`; a curated title
   seen verbatim still settles the title).
5. **Calibrate**: the winner's score goes through an isotonic map (knots at
   the centre of each step, so it keeps the trees' order) fitted on
   cross-validated titles the index had not seen, so ``confidence`` reads as
   the chance that the 6-digit SOC code is right. Exact hits take the same
   road: a title O*NET lists under two occupations gets less than 1.0.

Below the threshold the coder still returns its ranked candidates; the
normalizer reports them as suggestions ("did you mean").
"""

from __future__ import annotations

import functools
import gzip
import json
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from .boosted_trees import BoostedTrees
from .errors import DataError
from .paths import data_dir

CODER_FILE = "title_coder.npz"
CODER_META = "title_coder.json.gz"
REBUILD_HINT = "rebuild it with: python scripts/build_coder.py"

# Model parameters (chosen on an inner validation split of the Census training part; docs/taxonomy.md).
N_NEIGHBOURS = 8
VOTE_POWER = 8.0
ROLE_BOOST = 2.0
PAIR_WEIGHT = 0.5
TYPO_MIN_LENGTH = 6  # shorter unknown words are not corrected ("otr" is not "ot")
TYPO_MIN_SCORE = 88.0  # rapidfuzz ratio: one slip in a word of eight letters or more
# The project's curated titles settle what O*NET files under several occupations ("line cook", "CNA").
SOURCE_KINDS = ("onet_title", "onet_alternate", "onet_short", "onet_reported", "curated", "census")
CURATED_VOTE = 50.0  # a curated title seen verbatim (once folded) outvotes any O*NET tie
# The word model beside the neighbours: multinomial naive Bayes over SOC codes (smoothing NB_ALPHA),
# mixed with the neighbours' vote as NB_MIX × its posterior + (1 - NB_MIX) × vote share × best similarity.
NB_ALPHA = 0.1
NB_MIX = 0.3
# The re-ranker (5.): how many candidates it orders, how many candidates make a group's sums,
# how many nearest titles describe each candidate's neighbourhood.
RERANK_POOL = 5
GROUP_POOL = 10
CONTEXT_NEIGHBOURS = 30
# Batches of up to this many titles gather their matches without scipy (its fixed cost per product is more).
SMALL_BATCH = 16
# Titles coded at once by code_many: a batch's matches (about 1,200 a title) then stay near the CPU's cache
# between steps; 256 was measured faster than 1,024 (about 20 %) and than 64 or 128 (docs/benchmarks.md).
BATCH = 256



def _words(text: str) -> list[str]:
    return text.split()


# Words that say which kind of job a title is, whatever the trade: weighed twice.
ROLE_WORDS = frozenset(_words("""
helper supervisor foreman forewoman foreperson manager chief head lead boss superintendent director
apprentice assistant aide trainee teacher instructor professor inspector clerk operator technician
technologist mechanic repairer installer engineer laborer worker attendant driver sales salesperson agent
coordinator specialist analyst officer nurse therapist counselor cook server cashier tender setter
"""))

# Words that say nothing about the occupation: grammar, seniority, Census coder notes, Spanish articles.
STOP_WORDS = frozenset(_words("""
a an and or of the in for to at on with by from as per
exc except ns nec not specified listed any other all less than
senior junior sr jr i ii iii iv v vi 1 2 3 4 5 level lvl grade
de del la el los las y en para con al
"""))

# Title abbreviations (the taxonomy's token abbreviations are applied too).
TITLE_ABBREVIATIONS = {
    "mgr": "manager", "mngr": "manager", "asst": "assistant", "assoc": "associate", "tech": "technician",
    "techs": "technician", "supv": "supervisor", "supvr": "supervisor", "supr": "supervisor", "eng": "engineer",
    "engr": "engineer", "admin": "administrative", "rep": "representative", "maint": "maintenance",
    "mech": "mechanic", "mfg": "manufacturing", "svc": "service", "cust": "customer", "coord": "coordinator",
    "dir": "director", "spec": "specialist", "opr": "operator", "oper": "operator", "op": "operator",
    "whse": "warehouse", "acct": "accounting", "med": "medical", "elec": "electrical", "prod": "production",
    "dept": "department", "mktg": "marketing", "hr": "human resources", "qa": "quality assurance",
    "qc": "quality control", "cnc": "cnc", "hvac": "hvac", "sw": "software", "dev": "developer",
    "pt": "part time", "ft": "full time",
}
# Level words: an apprentice, trainee or journeyman X is coded as X (the SOC's coding rule: workers
# in training are classified with the occupation they train for; helpers have occupations of their own).
LEVEL_WORDS = frozenset(_words("apprentice apprenticeship trainee journeyman journeyworker journey"))
# Gendered forms folded to one ("waitress" is "waiter"; "saleswoman", "salesperson" are "salesman").
GENDERED = {"waitress": "waiter", "waitperson": "waiter", "hostess": "host", "stewardess": "steward",
            "actress": "actor", "headmistress": "headmaster", "postmistress": "postmaster",
            "sculptress": "sculptor", "laundress": "launderer", "chairwoman": "chairman",
            "forewoman": "foreman", "foreperson": "foreman", "forelady": "foreman"}
_GENDER_SUFFIXES = ("woman", "women", "person", "persons", "people", "men")
_NOT_GENDERED = frozenset(_words("specimen regimen abdomen acumen"))
_NOTE_RE = re.compile(r"\\\s*\S+")  # Census coder notes: "Teacher\ ns"
_NON_WORD_RE = re.compile(r"[^a-z0-9]+")
# An "except" clause names what the title is NOT ("Jeweler exc managing", O*NET's "Janitors and
# Cleaners, Except Maids and Housekeeping Cleaners"): its words would pull towards the excluded
# occupation, so they are dropped, up to a closing parenthesis or the end.
_EXCEPT_RE = re.compile(r"\b(?:exc|except|excluding|excl)\b[^()]*")


def _singular(tok: str) -> str:
    if len(tok) > 4 and tok.endswith("ies"):
        return tok[:-3] + "y"
    if len(tok) > 4 and tok.endswith(("sses", "ches", "shes", "xes")):
        return tok[:-2]  # "mattresses", "benches", "dishes", "boxes"
    if len(tok) > 3 and tok.endswith("s") and not tok.endswith(("ss", "us", "is")):
        return tok[:-1]
    return tok


def _neutral(tok: str) -> str:
    """One form for gendered words: "waitress" → "waiter", "repairwoman", "repairperson" → "repairman"."""
    fixed = GENDERED.get(tok)
    if fixed is not None:
        return fixed
    if tok not in _NOT_GENDERED:
        for suffix in _GENDER_SUFFIXES:
            if tok.endswith(suffix) and len(tok) - len(suffix) >= 3:
                return tok[: -len(suffix)] + "man"
    return tok


def _spanish_forms(tok: str) -> tuple[str, ...]:
    """The masculine singular a Spanish title word may stand for, tried when the word is unknown.

    "soldadora" → "soldador", "carpintera" → "carpintero", "soldadores" (singularised to
    "soldadore") → "soldador". Titles are mostly listed in the masculine; a known word is never changed.
    """
    if len(tok) < 5:
        return ()
    if tok.endswith("ora"):
        return (tok[:-1],)
    if tok.endswith("a"):
        return (tok[:-1] + "o",)
    if tok.endswith("e"):  # Spanish plurals in -es: "choferes", "albaniles" once singularised
        return (tok[:-1],)
    return ()


def title_tokens(text: str, abbreviations: Mapping[str, str] | None = None) -> list[str]:
    """The words a title is coded on (the build and every query use this one function)."""
    text = text.lower()
    if not text.isascii():  # accents go (NFKD would leave plain ASCII as it is)
        text = unicodedata.normalize("NFKD", text)
        text = "".join(ch for ch in text if not unicodedata.combining(ch))
    if "\\" in text:
        text = _NOTE_RE.sub(" ", text)
    if "exc" in text:  # every spelling of the clause has it
        without_except = _EXCEPT_RE.sub(" ", text)
        if _NON_WORD_RE.sub("", without_except):  # a title that is nothing but the clause keeps its words
            text = without_except
    text = text.replace("'", "").replace("\u2019", "").replace("&", " and ")
    out: list[str] = []
    for raw in _NON_WORD_RE.split(text):
        if not raw:
            continue
        expanded = TITLE_ABBREVIATIONS.get(raw) or (abbreviations or {}).get(raw) or raw
        for tok in expanded.split():
            folded = _fold_word(tok)
            if folded:
                out.append(folded)
    kept = [t for t in out if t not in LEVEL_WORDS]
    return kept or out  # "apprentice" alone stays a word


@functools.lru_cache(maxsize=65_536)
def _fold_word(tok: str) -> str:
    """One word as it is coded ("" for a word that says nothing); memoised: titles share most words."""
    if tok in STOP_WORDS or (len(tok) == 1 and not tok.isdigit()):  # "n/a" is not a title
        return ""
    return _neutral(_singular(tok))


def title_features(tokens: Sequence[str]) -> list[str]:
    """Words, plus each pair of words side by side or one word apart, as ``a|b`` in sorted order.

    Sorted, so inverted titles share them ("Technician, forest"); one word apart too, so a
    reworded title keeps its pairs: "supervisor of nursing" and "nursing care supervisor" both
    have ``nursing|supervisor``, "auto body mechanic" and "mechanic, auto body" ``auto|mechanic``.
    """
    feats = list(tokens)
    for gap in (1, 2):
        feats.extend("|".join(sorted(pair)) for pair in zip(tokens, tokens[gap:]) if pair[0] != pair[1])
    return list(dict.fromkeys(feats))


# Role families: a title's role words and an occupation's own title agree or not (re-ranker inputs).
ROLE_FAMILIES: dict[str, frozenset[str]] = {name: frozenset(_words(words)) for name, words in (
    ("supervisor", "supervisor foreman boss head lead overseer superintendent overlooker"),
    ("manager", "manager director administrator executive"),
    ("helper", "helper"),
    ("teacher", "teacher instructor professor tutor"),
    ("sales", "sales salesman salesperson seller"),
    ("clerk", "clerk"),
    ("operator", "operator tender"),
    ("technician", "technician technologist"),
    ("engineer", "engineer"),
    ("assistant", "assistant aide attendant"),
    ("repairer", "repairer mechanic"),
    ("inspector", "inspector tester examiner"),
    ("driver", "driver"),
    ("laborer", "laborer worker"),
    ("nurse", "nurse nursing"),
)}
_FAMILY_BIT = {name: 1 << i for i, name in enumerate(ROLE_FAMILIES)}

# What the re-ranker reads for each candidate SOC code, in column order.
RERANK_FEATURES = (
    "score", "rank", "word_model", "vote_share", "gap_to_first",
    "best_similarity", "n_words", "known_share", "n_neighbour_socs",
    "shared_roles", "title_only_roles", "soc_only_roles", "word_overlap",
    "title_supervisor", "soc_supervisor", "soc_manager", "soc_helper", "soc_all_other", "soc_teacher", "soc_sales",
    "group_score", "minor_group_score", "group_vote_share", "group_word_model",
    "closest_similarity", "near_titles", "near_onet_vote", "near_census_vote", "similarity_gap",
    "group_near_onet_vote", "group_near_census_vote",
    "head_last", "head_first", "last_is_head", "curated_verbatim",
)
CURATED_COLUMN = RERANK_FEATURES.index("curated_verbatim")


_WORD_FAMILIES: dict[str, int] = {}
for _name, _members in ROLE_FAMILIES.items():
    for _word in _members:
        _WORD_FAMILIES[_word] = _WORD_FAMILIES.get(_word, 0) | _FAMILY_BIT[_name]


def role_families(tokens: Iterable[str]) -> int:
    """The role families a set of title words names, as bits of :data:`ROLE_FAMILIES`."""
    bits = 0
    for word in tokens:
        bits |= _WORD_FAMILIES.get(word, 0)
    return bits


def feature_weight(feature: str, idf: float) -> float:
    if "|" in feature:
        return idf * PAIR_WEIGHT
    return idf * (ROLE_BOOST if feature in ROLE_WORDS else 1.0)


def _ranges(starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """``starts[i], ..., starts[i] + lengths[i] - 1`` for every i, one after another."""
    return np.repeat(starts - (np.cumsum(lengths) - lengths), lengths) + np.arange(int(lengths.sum()))


def _lookup(keys: np.ndarray, values: np.ndarray, wanted: np.ndarray) -> np.ndarray:
    """``values`` at ``wanted`` among the sorted ``keys`` (0 where a key is missing; negative keys never match)."""
    if not len(keys):
        return np.zeros(len(wanted))
    at = np.minimum(np.searchsorted(keys, wanted), len(keys) - 1)
    return np.where((keys[at] == wanted) & (wanted >= 0), values[at], 0.0)


def _rank_within(group: np.ndarray, n_groups: int) -> np.ndarray:
    """Each element's position within its group (``group`` sorted: a group's elements are together)."""
    starts = np.cumsum(np.bincount(group, minlength=n_groups)) - np.bincount(group, minlength=n_groups)
    return np.arange(len(group)) - starts[group]


def _nearest_many(title: np.ndarray, rows: np.ndarray, tenths: np.ndarray, n_titles: int,
                  m: int) -> tuple[np.ndarray, np.ndarray]:
    """The ``m`` most similar labelled titles of each title: (entry positions, rank), by title, best first.

    ``title``, ``rows``, ``tenths`` list every (title, labelled title, similarity) that shares a feature,
    the similarity in units of 1e-7. Ties go by row: which of many equally close titles count must
    not depend on a sort's order, and curated rows (the first rows) win them ("mechanic" is seen
    verbatim under 19 SOC codes; the curated one settles it). Sorting every match would cost more
    than the rest of the coding, so a histogram of similarities first finds, per title, the level
    the m-th best lies on; only the matches at or above it are sorted (the same answer as sorting them all).
    """
    level = tenths >> 17  # 77 levels of 0.013 from 0 to 1
    levels = int(level.max()) + 1 if len(level) else 1
    counts = np.bincount(title * levels + level, minlength=n_titles * levels).reshape(n_titles, levels)
    # above[:, j]: matches on the top j + 1 levels; the m-th best is on the first level where that reaches m.
    above = np.cumsum(counts[:, ::-1], axis=1)
    floor = levels - 1 - np.minimum((above < m).sum(axis=1), levels - 1)
    kept = np.flatnonzero(level >= floor[title])
    # One sort key: title, then similarity (best first), then row.
    row_bits, sim_bits = max(1, int(rows.max(initial=0)).bit_length()), 25
    if (n_titles << (row_bits + sim_bits)) < 1 << 62:
        key = (title[kept] << (row_bits + sim_bits)) | (((1 << sim_bits) - tenths[kept]) << row_bits) | rows[kept]
        kept = kept[np.argsort(key, kind="stable")]
    else:
        kept = kept[np.lexsort((rows[kept], -tenths[kept], title[kept]))]
    rank = _rank_within(title[kept], n_titles)
    first = rank < m
    return kept[first], rank[first]


def reranked_orders(prob: np.ndarray, curated: np.ndarray, sizes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(scores, order) of many titles' candidates from the re-ranker's chances.

    ``sizes`` says how many candidates each title has (a title's candidates are together);
    ``order`` lists every candidate, title by title, each title's best first.
    The trees score each candidate on its own, but a title is one occupation: when a title's
    chances add up to more than 1 they are scaled down to sum to 1, so a title O*NET files
    under two codes ("iron worker": 0.90 and 0.34) is not trusted as if it were one (on the
    cross-validated titles this also ranks answers better than the raw chance).
    A curated title seen verbatim settles the title: its code goes first with the title's best
    score ("mechanic" is filed under 19 codes; the project's curated title says which). The
    re-ranker, fitted on Census titles, has seen too few curated hits to learn that itself.
    Ties keep the mixed-score order, so equal scores cannot swap between runs.
    """
    sizes = np.asarray(sizes, dtype=np.int64)
    title = np.repeat(np.arange(len(sizes)), sizes)
    scores = prob / np.maximum(1.0, np.bincount(title, weights=prob, minlength=len(sizes)))[title]
    if curated.any():
        best = np.zeros(len(sizes))
        np.maximum.at(best, title, scores)
        scores = np.where(curated, best[title], scores)
    local = _rank_within(title, len(sizes))
    return scores, np.lexsort((local, -np.round(scores, 9), ~curated, title))


def reranked_order(prob: np.ndarray, curated: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """:func:`reranked_orders` of one title's candidates."""
    return reranked_orders(prob, curated, np.asarray([len(prob)]))


@dataclass(frozen=True, slots=True)
class Candidate:
    """One occupation a title may be: O*NET-SOC code, its SOC 2018 code and the calibrated confidence."""

    code: str
    soc: str
    confidence: float


@dataclass(frozen=True, slots=True)
class CodedTitle:
    """What the coder says about one title: candidates best first (empty when no word is known)."""

    text: str
    candidates: tuple[Candidate, ...]
    similarity: float  # cosine similarity of the closest labelled title (1.0: seen verbatim, once folded)

    @property
    def best(self) -> Candidate | None:
        return self.candidates[0] if self.candidates else None


@dataclass
class _Batch:
    """A chunk of titles on their way through the coder, every title's numbers in one array.

    Pool arrays hold each title's pool of SOC codes (its best ``k`` by mixed score, best
    first), one title after another; candidate arrays the first ``n`` codes of each pool,
    the ones the re-ranker orders. A title with no known word has an empty pool.
    """

    texts: list[str]
    best_sim: np.ndarray  # per title: similarity of the closest labelled title
    k: np.ndarray  # per title: codes in its pool
    n: np.ndarray  # per title: candidates among them
    socs: np.ndarray  # per pool code: SOC index
    scores: np.ndarray  # per pool code: mixed score
    onet: np.ndarray  # per candidate: the O*NET-SOC index chosen within its SOC
    X: np.ndarray | None = None  # per candidate: re-ranker inputs (RERANK_FEATURES)

    @property
    def is_candidate(self) -> np.ndarray:
        """Which pool codes are candidates (the first ``n`` of each pool)."""
        return _rank_within(np.repeat(np.arange(len(self.k)), self.k), len(self.k)) < np.repeat(self.n, self.k)



@dataclass
class _TitleWords:
    """Per title of a batch: its word count, distinct words, share of known words, role families,
    whether its last word heads titles, its distinct words among the SOC titles' words (CSR parts:
    ``word_ptr``, ``word_ids``) and its last and first word among the head words (-1: not one)."""

    n_words: np.ndarray
    n_unique: np.ndarray
    known: np.ndarray
    roles: np.ndarray
    last_is_head: np.ndarray
    word_ptr: np.ndarray
    word_ids: np.ndarray
    last: np.ndarray
    first: np.ndarray


class TitleCoder:
    """The fitted job-title coder (``load_coder()`` gives the shipped one).

    Arrays (learned at build, names end in ``_``): ``vocabulary_`` features,
    ``weights_`` their IDF × role weights, the labelled titles as a CSR matrix
    (``indptr_``, ``indices_``), each title's SOC index ``soc_`` and O*NET-SOC
    index ``onet_`` (-1 when its label is a SOC code with several O*NET-SOC
    occupations), ``calibration_x_`` / ``calibration_y_`` (the isotonic map) and
    ``threshold_``, the confidence the coder answers from. The word model: for each
    feature, the SOC codes whose titles use it (``nb_ptr_``, ``nb_soc_``) and
    ``log((count + NB_ALPHA) / NB_ALPHA)`` (``nb_log_``, counts weighted like the
    features), each SOC's log prior ``nb_prior_`` and per-feature normaliser ``nb_norm_``.
    """

    def __init__(self, *, vocabulary: Sequence[str], weights: np.ndarray, indptr: np.ndarray, indices: np.ndarray,
                 soc: np.ndarray, onet: np.ndarray, source: np.ndarray, socs: Sequence[str], onet_codes: Sequence[str],
                 soc_default: np.ndarray, calibration_x: np.ndarray, calibration_y: np.ndarray,
                 threshold: float, nb_ptr: np.ndarray, nb_soc: np.ndarray, nb_log: np.ndarray,
                 nb_prior: np.ndarray, nb_norm: np.ndarray, abbreviations: Mapping[str, str] | None = None,
                 head_words: Iterable[str] = (), soc_titles: Sequence[str] = (),
                 reranker: BoostedTrees | None = None, heads: Mapping[str, Mapping[str, float]] | None = None,
                 meta: Mapping[str, Any] | None = None) -> None:
        self.vocabulary_ = list(vocabulary)
        self.feature_id_ = {f: i for i, f in enumerate(self.vocabulary_)}
        self.weights_ = np.asarray(weights, dtype=np.float32)
        self.indptr_ = np.asarray(indptr, dtype=np.int64)
        self.indices_ = np.asarray(indices, dtype=np.int32)
        self.soc_ = np.asarray(soc, dtype=np.int32)
        self.onet_ = np.asarray(onet, dtype=np.int32)
        self.source_ = np.asarray(source, dtype=np.int8)
        self._vote_scale = np.where(self.source_ == SOURCE_KINDS.index("curated"), CURATED_VOTE, 1.0)
        self.socs_ = list(socs)
        self.onet_codes_ = list(onet_codes)
        self.soc_default_ = np.asarray(soc_default, dtype=np.int32)
        self.calibration_x_ = np.asarray(calibration_x, dtype=np.float64)
        self.calibration_y_ = np.asarray(calibration_y, dtype=np.float64)
        self.threshold_ = float(threshold)
        self.nb_ptr_ = np.asarray(nb_ptr, dtype=np.int64)
        self.nb_soc_ = np.asarray(nb_soc, dtype=np.int32)
        self.nb_log_ = np.asarray(nb_log, dtype=np.float64)
        self.nb_prior_ = np.asarray(nb_prior, dtype=np.float64)
        self.nb_norm_ = np.asarray(nb_norm, dtype=np.float64)
        self.abbreviations = dict(abbreviations or {})
        # Words that end many job titles (operator, cook, welder, aide...): a phrase with one reads as a title.
        self.head_words_ = frozenset(head_words)
        self.meta = dict(meta or {})
        # Each SOC code's own title (O*NET's title for it), folded: the re-ranker compares a title's words with it.
        self.soc_titles_ = list(soc_titles) or [""] * len(self.socs_)
        if len(self.soc_titles_) != len(self.socs_):
            raise ValueError("soc_titles must give one title per SOC code")
        self._soc_words = [frozenset(title_tokens(t, self.abbreviations)) for t in self.soc_titles_]
        self._soc_roles = np.asarray([role_families(w) for w in self._soc_words], dtype=np.int64)
        self._soc_major = np.asarray([int(s[:2]) for s in self.socs_], dtype=np.int64)
        self._soc_minor = np.asarray([int(s[:2]) * 10 + int(s[3]) for s in self.socs_], dtype=np.int64)
        # What each SOC code's own title says, in the re-ranker's column order (soc_supervisor ... soc_sales).
        flags = [self._soc_roles & _FAMILY_BIT["supervisor"], self._soc_roles & _FAMILY_BIT["manager"],
                 self._soc_roles & _FAMILY_BIT["helper"], np.asarray([s.endswith("9") for s in self.socs_]),
                 self._soc_roles & _FAMILY_BIT["teacher"], self._soc_roles & _FAMILY_BIT["sales"]]
        self._soc_flags = (np.column_stack(flags) > 0).astype(np.float64)
        self.reranker_ = reranker
        # Head words: for a word, the share of each SOC code's O*NET titles it is the head of
        # ("operator" heads most of Sewing Machine Operators' titles, "sales" none of them).
        soc_index = {code: i for i, code in enumerate(self.socs_)}
        self.heads_ = {word: {soc_index[c]: float(v) for c, v in shares.items()}
                       for word, shares in (heads or {}).items()}
        self._census = self.source_ == SOURCE_KINDS.index("census")
        self._build_postings()
        unigrams = [i for i, f in enumerate(self.vocabulary_) if "|" not in f]
        self._words: dict[tuple[str, int], list[str]] = {}
        for i in unigrams:
            word = self.vocabulary_[i]
            if len(word) >= TYPO_MIN_LENGTH:
                self._words.setdefault((word[0], len(word)), []).append(word)
        # An unknown word weighs as a word seen once would.
        self._unknown_weight = float(self.weights_[unigrams].max()) if unigrams else 1.0
        self._typo_cache: dict[str, str] = {}
        self._by_feature: Any = None  # the postings as a scipy matrix, made for the first large batch
        # Which words each SOC code's own title has, and the share of its titles each head word heads,
        # as sorted keys word × SOC (looked up with np.searchsorted).
        n_socs = len(self.socs_)
        self._soc_word_index = {w: i for i, w in enumerate(sorted(frozenset().union(*self._soc_words)))}
        self._soc_word_keys = np.unique(np.asarray([self._soc_word_index[w] * n_socs + c
                                                    for c, words in enumerate(self._soc_words) for w in words],
                                                   dtype=np.int64))
        self._head_index = {w: i for i, w in enumerate(self.heads_)}
        shares = sorted((self._head_index[w] * n_socs + c, v) for w, per in self.heads_.items() for c, v in per.items())
        self._head_keys = np.asarray([k for k, _ in shares], dtype=np.int64)
        self._head_values = np.asarray([v for _, v in shares], dtype=np.float64)

    # ------------------------------------------------------------------ index

    def _build_postings(self) -> None:
        """Row-normalised title weights, and the same matrix by feature (an inverted index)."""
        n_rows = len(self.indptr_) - 1
        w = self.weights_[self.indices_]
        row_of = np.repeat(np.arange(n_rows, dtype=np.int32), np.diff(self.indptr_))
        norms = np.sqrt(np.bincount(row_of, weights=w.astype(np.float64) ** 2, minlength=n_rows))
        norms[norms == 0] = 1.0
        data = (w / norms[row_of]).astype(np.float32)
        order = np.argsort(self.indices_, kind="stable")
        self._post_rows = row_of[order]
        self._post_data = data[order]
        counts = np.bincount(self.indices_, minlength=len(self.vocabulary_))
        self._post_ptr = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
        self.n_titles_ = n_rows

    # ------------------------------------------------------------------ coding

    def query_vector(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """(feature ids, normalised weights) of a title; empty when none of its words is known."""
        _, _, idx, w = self._queries([text])
        return idx, w.astype(np.float32)

    def _queries(self, texts: Sequence[str]) -> tuple[list[list[str]], np.ndarray, np.ndarray, np.ndarray]:
        """Each title's words, and its known features with normalised weights as CSR parts (ptr, ids, weights).

        A word the model has never seen is first read as the known word one typo away
        ("electricain" → "electrician"); failing that it still counts in the norm (as a
        rare word would), so "stay at home mom" is not taken for whatever "home" alone is.
        """
        fid = self.feature_id_
        words: list[list[str]] = []
        ids: list[int] = []
        lengths: list[int] = []
        unknown: list[int] = []
        for text in texts:
            tokens = [self._known_word(t) for t in title_tokens(text, self.abbreviations)]
            known = [fid[f] for f in title_features(tokens) if f in fid]
            words.append(tokens)
            ids.extend(known)
            lengths.append(len(known))
            unknown.append(sum(1 for t in dict.fromkeys(tokens) if t not in fid) if known else 0)
        ptr = np.zeros(len(texts) + 1, dtype=np.int64)
        np.cumsum(lengths, out=ptr[1:])
        idx = np.asarray(ids, dtype=np.int64)
        owner = np.repeat(np.arange(len(texts)), lengths)
        w = self.weights_[idx].astype(np.float64)
        norm = np.sqrt(np.bincount(owner, weights=w ** 2, minlength=len(texts))
                       + np.asarray(unknown, dtype=np.float64) * self._unknown_weight ** 2)
        # Weights are held in float32, as the labelled titles' are.
        return words, ptr, idx, (w / norm[owner]).astype(np.float32).astype(np.float64)

    def _known_word(self, tok: str) -> str:
        if tok in self.feature_id_:
            return tok
        for form in _spanish_forms(tok):
            if form in self.feature_id_:
                return form
        if len(tok) < TYPO_MIN_LENGTH:
            return tok
        fixed = self._typo_cache.get(tok)
        if fixed is None:
            from rapidfuzz import fuzz, process

            # Words of about the same length and the same first letter: a typo rarely changes either.
            near = [w for n in range(len(tok) - 2, len(tok) + 3) for w in self._words.get((tok[0], n), ())]
            found = process.extractOne(tok, near, scorer=fuzz.ratio, score_cutoff=TYPO_MIN_SCORE)
            fixed = found[0] if found else tok
            if len(self._typo_cache) < 50_000:
                self._typo_cache[tok] = fixed
        return fixed

    def code(self, text: str, top: int = 5) -> CodedTitle:
        """Code one title: up to ``top`` candidates with calibrated confidences, best first."""
        return self.code_many([text], top)[0]

    def looks_like_title(self, text: str) -> bool:
        """True when the phrase has a word that ends many job titles ("welder", "asst", "cocinero")."""
        return any(tok in self.head_words_ for tok in title_tokens(text, self.abbreviations))

    def code_many(self, texts: Iterable[str], top: int = 5, batch: int = BATCH) -> list[CodedTitle]:
        """Code many titles (a batch at a time: each step runs over the whole batch at once)."""
        out: list[CodedTitle] = []
        for chunk in self._chunks(texts, batch):
            out.extend(self._finish(self._batch(chunk, top), top))
        return out

    def candidate_table(self, texts: Iterable[str], batch: int = BATCH) -> list[tuple[list[str], np.ndarray] | None]:
        """For each title, its candidate SOC codes (best first by mixed score) and the re-ranker's inputs.

        None for a title with no known word. The build fits the re-ranker on these.
        """
        out: list[tuple[list[str], np.ndarray] | None] = []
        for chunk in self._chunks(texts, batch):
            b = self._batch(chunk, RERANK_POOL, with_inputs=True)
            assert b.X is not None
            socs = b.socs[b.is_candidate].tolist()
            ends = np.cumsum(b.n).tolist()
            for n, end in zip(b.n.tolist(), ends):
                out.append(([self.socs_[s] for s in socs[end - n:end]], b.X[end - n:end]) if n else None)
        return out

    @staticmethod
    def _chunks(texts: Iterable[str], batch: int) -> Iterable[list[str]]:
        items = list(texts)
        for start in range(0, len(items), batch):
            yield items[start:start + batch]

    def _by_feature_matrix(self) -> Any:
        """The labelled titles by feature (an inverted index) as a scipy matrix, for a large batch's product."""
        if self._by_feature is None:
            from scipy import sparse

            # float64, as the product computes: scipy would otherwise convert the whole matrix on every call.
            self._by_feature = sparse.csr_matrix((self._post_data.astype(np.float64), self._post_rows,
                                                  self._post_ptr), shape=(len(self.vocabulary_), self.n_titles_))
        return self._by_feature

    def _matches(self, ptr: np.ndarray, idx: np.ndarray, w: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Every (title, labelled title, cosine similarity) that shares a feature, as three arrays by title.

        A few titles gather their features' postings directly; a large batch is one sparse product
        (whose fixed cost is more than the whole gather for a few titles). Both add a pair's parts in
        the order of the title's features, so both give the same similarities to the bit.
        """
        n_titles = len(ptr) - 1
        if n_titles > SMALL_BATCH:
            from scipy import sparse

            queries = sparse.csr_matrix((w, idx, ptr), shape=(n_titles, len(self.vocabulary_)))
            matches = (queries @ self._by_feature_matrix()).tocsr()
            return np.repeat(np.arange(n_titles), np.diff(matches.indptr)), matches.indices, matches.data
        lengths = self._post_ptr[idx + 1] - self._post_ptr[idx]
        at = _ranges(self._post_ptr[idx], lengths)
        owner = np.repeat(np.repeat(np.arange(n_titles), np.diff(ptr)), lengths)
        pair, inverse = np.unique(owner * self.n_titles_ + self._post_rows[at], return_inverse=True)
        sims = np.bincount(inverse, weights=self._post_data[at].astype(np.float64) * np.repeat(w, lengths))
        return pair // self.n_titles_, pair % self.n_titles_, sims

    def word_model(self, features: np.ndarray) -> np.ndarray:
        """Naive-Bayes posterior over SOC codes for a title's known features (each counted once)."""
        return self._word_models(np.asarray([0, len(features)]), np.asarray(features, dtype=np.int64))[0]

    def _word_models(self, ptr: np.ndarray, idx: np.ndarray) -> np.ndarray:
        """:meth:`word_model` of many titles (features as CSR parts), one row per title."""
        n_titles, n_socs = len(ptr) - 1, len(self.socs_)
        lengths = self.nb_ptr_[idx + 1] - self.nb_ptr_[idx]
        at = _ranges(self.nb_ptr_[idx], lengths)
        owner = np.repeat(np.repeat(np.arange(n_titles), np.diff(ptr)), lengths)
        lp: np.ndarray = np.bincount(owner * n_socs + self.nb_soc_[at], weights=self.nb_log_[at],
                                     minlength=n_titles * n_socs).astype(np.float64, copy=False)
        lp = lp.reshape(n_titles, n_socs)
        lp += self.nb_prior_
        lp += np.diff(ptr)[:, None] * self.nb_norm_
        lp -= lp.max(axis=1, keepdims=True)
        np.exp(lp, out=lp)
        lp /= lp.sum(axis=1, keepdims=True)
        return lp

    def _batch(self, chunk: list[str], top: int, with_inputs: bool | None = None) -> _Batch:
        """Steps 1-3 for a chunk of titles: each title's pool of SOC codes, and the re-ranker's inputs."""
        inputs = bool(with_inputs or (with_inputs is None and self.reranker_ is not None))
        n_titles, n_socs = len(chunk), len(self.socs_)
        tokens, ptr, idx, w = self._queries(chunk)
        # Every (title, labelled title) pair that shares a feature, by title, in no particular order within one.
        title, rows, products = self._matches(ptr, idx, w)
        # Rounded to 7 decimals (as np.round does it), so summing in another order cannot reorder ties;
        # as integers too, to sort on. The similarities themselves (scaled / 1e7) only where they are used.
        scaled = products * 1e7
        np.rint(scaled, out=scaled)
        tenths = scaled.astype(np.int64)
        has = np.bincount(title, minlength=n_titles) > 0

        near, near_rank = _nearest_many(title, rows, tenths, n_titles, max(N_NEIGHBOURS, CONTEXT_NEIGHBOURS)
                                        if inputs else N_NEIGHBOURS)
        best_sim = np.zeros(n_titles)
        best_sim[title[near[near_rank == 0]]] = scaled[near[near_rank == 0]] / 1e7

        # 3. The vote of the N_NEIGHBOURS nearest, per (title, SOC code).
        voter = near[near_rank < N_NEIGHBOURS]
        v_title, v_row, v_sim = title[voter], rows[voter], scaled[voter] / 1e7
        v_soc = self.soc_[v_row].astype(np.int64)
        exact = v_sim >= 0.999
        scale = self._vote_scale[v_row]
        # Python's pow, not numpy's (whose SIMD power can differ in the last bit): the votes the shipped
        # re-ranker was fitted on, to the bit (a few thousand powers a batch).
        v = np.asarray([max(x, 1e-9) ** VOTE_POWER for x in v_sim.tolist()]) * np.where(exact, scale, 1.0)
        curated_soc = np.full(n_titles, -1, dtype=np.int64)  # a curated title seen verbatim settles the title
        hits = np.flatnonzero(exact & (scale > 1.0))
        hit_titles, first_hit = np.unique(v_title[hits], return_index=True)
        curated_soc[hit_titles] = v_soc[hits[first_hit]]
        vote_key = v_title * n_socs + v_soc
        pair, first_vote, inverse = np.unique(vote_key, return_index=True, return_inverse=True)
        pair_votes = np.bincount(inverse, weights=v)
        pair_title = pair // n_socs
        by_first = np.argsort(first_vote)  # a title's total adds its codes in the order they were first voted for
        total = np.bincount(pair_title[by_first], weights=pair_votes[by_first], minlength=n_titles)

        posterior = self._word_models(ptr, idx)
        mixed = posterior * NB_MIX
        mixed.reshape(-1)[pair] += (1.0 - NB_MIX) * (pair_votes / total[pair_title]) * best_sim[pair_title]

        # Each title's pool: its best codes by mixed score (ties by code), the first n_pool of them candidates.
        n_pool = max(top, RERANK_POOL)
        k_max = min(max(n_pool, GROUP_POOL), n_socs)
        kth = -np.partition(-mixed, k_max - 1, axis=1)[:, k_max - 1]
        pool_title, pool_soc = np.nonzero((mixed >= kth[:, None]) & (mixed > 0.0) & has[:, None])
        order = np.lexsort((pool_soc, -mixed[pool_title, pool_soc], pool_title))
        rank = _rank_within(pool_title[order], n_titles)
        order = order[rank < k_max]
        pool_title, pool_soc, rank = pool_title[order], pool_soc[order], rank[rank < k_max]
        k = np.bincount(pool_title, minlength=n_titles)
        n = np.minimum(n_pool, k)
        is_cand = rank < n[pool_title]
        cand_title, cand_soc = pool_title[is_cand], pool_soc[is_cand]

        # The O*NET-SOC code within each candidate SOC: the one its voters gave most, else the SOC's default.
        onet = self.soc_default_[cand_soc].astype(np.int64)
        v_onet = self.onet_[v_row].astype(np.int64)
        rated = v_onet >= 0
        if rated.any():
            n_onet = len(self.onet_codes_)
            triple, inverse = np.unique(vote_key[rated] * n_onet + v_onet[rated], return_inverse=True)
            triple_votes = np.bincount(inverse, weights=v[rated])
            owner, code = triple // n_onet, triple % n_onet
            best = np.lexsort((code, -triple_votes, owner))
            best = best[np.r_[True, owner[best][1:] != owner[best][:-1]]]  # the first of each (title, SOC)
            at = np.searchsorted(owner[best], cand_title * n_socs + cand_soc)
            at = np.minimum(at, len(best) - 1)
            found = owner[best][at] == cand_title * n_socs + cand_soc
            onet[found] = code[best][at[found]]

        b = _Batch(chunk, best_sim, k, n, pool_soc, mixed[pool_title, pool_soc], onet)
        if inputs and len(cand_soc):
            share = np.zeros(len(pool_soc))
            at = np.minimum(np.searchsorted(pair, pool_title * n_socs + pool_soc), len(pair) - 1)
            voted = pair[at] == pool_title * n_socs + pool_soc
            share[voted] = pair_votes[at[voted]] / total[pool_title[voted]]
            b.X = self._rerank_inputs(b, tokens, pool_title, rank, posterior[pool_title, pool_soc], share,
                                      (title, rows, scaled), near[near_rank < CONTEXT_NEIGHBOURS],
                                      np.bincount(pair_title, minlength=n_titles), curated_soc)
        return b

    def _rerank_inputs(self, b: _Batch, tokens: list[list[str]], pool_title: np.ndarray, rank: np.ndarray,
                       posterior: np.ndarray, share: np.ndarray, matches: tuple[np.ndarray, np.ndarray, np.ndarray],
                       near: np.ndarray, n_voted: np.ndarray, curated_soc: np.ndarray) -> np.ndarray:
        """The re-ranker's inputs, one row of :data:`RERANK_FEATURES` per candidate of the batch.

        ``matches`` are every (title, labelled title, similarity × 1e7) of the batch, ``near`` the positions of
        each title's CONTEXT_NEIGHBOURS nearest among them; the other arrays run over the pool codes.
        """
        title, rows, scaled = matches  # scaled: similarities × 1e7, rounded
        n_titles, n_socs = len(b.texts), len(self.socs_)
        is_cand = rank < b.n[pool_title]
        cand, cand_title = b.socs[is_cand], pool_title[is_cand]
        # Each candidate's closest title, over every labelled title that shares a feature.
        slots = np.full(n_titles * n_socs, -1, dtype=np.int64)  # (title, SOC) → its candidate (-1: none)
        slots[cand_title * n_socs + cand] = np.arange(len(cand))
        at = slots[title * n_socs + self.soc_[rows]]
        mine = at >= 0
        closest = np.zeros(len(cand))
        np.maximum.at(closest, at[mine], scaled[mine] / 1e7)
        # The nearest titles (ties by row): how many are each pool code's, and their vote from O*NET or the Census.
        slots[cand_title * n_socs + cand] = -1
        slots[pool_title * n_socs + b.socs] = np.arange(len(rank))  # (title, SOC) → its pool code
        near_key = slots[title[near] * n_socs + self.soc_[rows[near]]]
        near, near_key = near[near_key >= 0], near_key[near_key >= 0]
        near_w = (scaled[near] / 1e7) ** VOTE_POWER
        census = self._census[rows[near]]
        near_n = np.bincount(near_key, minlength=len(rank)).astype(np.float64)
        near_onet = np.bincount(near_key, weights=near_w * ~census, minlength=len(rank))
        near_census = np.bincount(near_key, weights=near_w * census, minlength=len(rank))

        # What the title's words say about each candidate: shared words with its own title, head-word shares.
        words = self._title_words(tokens)
        per_title = np.diff(words.word_ptr)
        pair_cand = np.repeat(np.arange(len(cand)), per_title[cand_title])
        pair_word = words.word_ids[_ranges(words.word_ptr[cand_title], per_title[cand_title])]
        shared = np.bincount(pair_cand, weights=_lookup(self._soc_word_keys, np.ones(len(self._soc_word_keys)),
                                                        pair_word * n_socs + cand[pair_cand]), minlength=len(cand))
        overlap = shared / np.maximum(1, words.n_unique)[cand_title]
        head_last = _lookup(self._head_keys, self._head_values, words.last[cand_title] * n_socs + cand)
        head_first = _lookup(self._head_keys, self._head_values, words.first[cand_title] * n_socs + cand)

        # Sums over the codes of the same major (and minor) group among a title's pool.
        major = np.unique(pool_title * 100 + self._soc_major[b.socs], return_inverse=True)[1]
        minor = np.unique(pool_title * 1000 + self._soc_minor[b.socs], return_inverse=True)[1]

        def in_major(w: np.ndarray) -> np.ndarray:
            return np.bincount(major, weights=w)[major][is_cand]

        first_score = b.scores[rank == 0][np.searchsorted(pool_title[rank == 0], cand_title)]
        soc_roles = self._soc_roles[cand]
        title_roles = words.roles[cand_title]
        X = np.empty((len(cand), len(RERANK_FEATURES)), dtype=np.float64)
        X[:, 0] = b.scores[is_cand]
        X[:, 1] = rank[is_cand]
        X[:, 2] = posterior[is_cand]
        X[:, 3] = share[is_cand]
        X[:, 4] = first_score - X[:, 0]
        X[:, 5] = b.best_sim[cand_title]
        X[:, 6] = words.n_words[cand_title]
        X[:, 7] = words.known[cand_title]
        X[:, 8] = n_voted[cand_title]
        X[:, 9] = np.bitwise_count(soc_roles & title_roles)
        X[:, 10] = np.bitwise_count(title_roles & ~soc_roles)
        X[:, 11] = np.bitwise_count(soc_roles & ~title_roles)
        X[:, 12] = overlap
        X[:, 13] = (title_roles & _FAMILY_BIT["supervisor"]) > 0
        X[:, 14:20] = self._soc_flags[cand]
        X[:, 20] = in_major(b.scores)
        X[:, 21] = np.bincount(minor, weights=b.scores)[minor][is_cand]
        X[:, 22] = in_major(share)
        X[:, 23] = in_major(posterior)
        X[:, 24] = closest
        X[:, 25] = near_n[is_cand]
        X[:, 26] = near_onet[is_cand]
        X[:, 27] = near_census[is_cand]
        X[:, 28] = X[:, 5] - closest
        X[:, 29] = in_major(near_onet)
        X[:, 30] = in_major(near_census)
        X[:, 31] = head_last
        X[:, 32] = head_first
        X[:, 33] = words.last_is_head[cand_title]
        X[:, CURATED_COLUMN] = cand == curated_soc[cand_title]
        return X

    def _title_words(self, tokens: list[list[str]]) -> _TitleWords:
        """What the re-ranker reads off each title's words (one loop over the titles)."""
        fid, soc_word, head = self.feature_id_, self._soc_word_index, self._head_index
        n_words, n_unique, known, roles, last, first = [], [], [], [], [], []
        ptr: list[int] = [0]
        ids: list[int] = []
        for title in tokens:
            unique = frozenset(title)
            n_words.append(len(title))
            n_unique.append(len(unique))
            known.append(sum(w in fid for w in title) / max(1, len(title)))
            roles.append(role_families(unique))
            last.append(head.get(title[-1], -1) if title else -1)
            first.append(head.get(title[0], -1) if title else -1)
            ids.extend(soc_word[w] for w in unique if w in soc_word)
            ptr.append(len(ids))
        last_at = np.asarray(last, dtype=np.int64)
        return _TitleWords(
            n_words=np.asarray(n_words, dtype=np.float64), n_unique=np.asarray(n_unique, dtype=np.int64),
            known=np.asarray(known, dtype=np.float64), roles=np.asarray(roles, dtype=np.int64),
            last_is_head=(last_at >= 0).astype(np.float64), word_ptr=np.asarray(ptr, dtype=np.int64),
            word_ids=np.asarray(ids, dtype=np.int64), last=last_at, first=np.asarray(first, dtype=np.int64))

    def _finish(self, b: _Batch, top: int) -> list[CodedTitle]:
        """Steps 4-5: re-rank every title's candidates (one batch through the trees) and calibrate."""
        n_titles = len(b.texts)
        cand_title = np.repeat(np.arange(n_titles), b.n)
        is_cand = b.is_candidate
        if b.X is not None and self.reranker_ is not None:
            scores, order = reranked_orders(self.reranker_.predict_proba(b.X), b.X[:, CURATED_COLUMN] > 0, b.n)
        else:
            scores = b.scores[is_cand]
            order = np.lexsort((_rank_within(cand_title, n_titles), -np.round(scores, 9), cand_title))
        chosen = order[_rank_within(cand_title[order], n_titles) < top]
        found: list[list[Candidate]] = [[] for _ in range(n_titles)]
        for t, o, s, c in zip(cand_title[chosen].tolist(), b.onet[chosen].tolist(),
                              b.socs[is_cand][chosen].tolist(), self.calibrate_many(scores[chosen]).tolist()):
            found[t].append(Candidate(self.onet_codes_[o], self.socs_[s], c))
        return [CodedTitle(text, tuple(c), round(float(sim), 4) if c else 0.0)
                for text, c, sim in zip(b.texts, found, b.best_sim.tolist())]

    def calibrate(self, score: float) -> float:
        """A title's re-ranked score → chance the SOC code is right (the isotonic map, to 4 digits)."""
        return float(self.calibrate_many(np.asarray([score]))[0])

    def calibrate_many(self, scores: np.ndarray) -> np.ndarray:
        """:meth:`calibrate` of many scores (the map is piecewise linear between its knots, flat beyond them)."""
        return np.round(np.interp(scores, self.calibration_x_, self.calibration_y_), 4)

    # ------------------------------------------------------------------ persistence

    def arrays(self) -> dict[str, np.ndarray]:
        return {
            "weights": self.weights_, "indptr": self.indptr_.astype(np.int32), "indices": self.indices_,
            "soc": self.soc_.astype(np.int16), "onet": self.onet_.astype(np.int16), "source": self.source_,
            "soc_default": self.soc_default_.astype(np.int16),
            "calibration_x": self.calibration_x_, "calibration_y": self.calibration_y_,
            "nb_ptr": self.nb_ptr_.astype(np.int32), "nb_soc": self.nb_soc_.astype(np.int16),
            "nb_log": self.nb_log_.astype(np.float32), "nb_prior": self.nb_prior_, "nb_norm": self.nb_norm_,
            **(self.reranker_.arrays("rerank_") if self.reranker_ is not None else {}),
        }


def load_coder(folder: Path | None = None) -> TitleCoder:
    """The shipped coder from ``folder`` (default ``data_dir()/"coder"``), loaded once per folder."""
    return _load(Path(folder) if folder is not None else data_dir() / "coder")


@functools.lru_cache(maxsize=2)
def _load(folder: Path) -> TitleCoder:
    try:
        meta = json.loads(gzip.decompress((folder / CODER_META).read_bytes()))
        with np.load(folder / CODER_FILE, allow_pickle=False) as npz:
            arrays = {name: npz[name] for name in npz.files}
        return TitleCoder(
            vocabulary=meta["vocabulary"], weights=arrays["weights"], indptr=arrays["indptr"],
            indices=arrays["indices"], soc=arrays["soc"], onet=arrays["onet"], source=arrays["source"],
            socs=meta["socs"],
            onet_codes=meta["onet_codes"], soc_default=arrays["soc_default"],
            calibration_x=arrays["calibration_x"], calibration_y=arrays["calibration_y"],
            threshold=meta["threshold"], nb_ptr=arrays["nb_ptr"], nb_soc=arrays["nb_soc"],
            nb_log=arrays["nb_log"], nb_prior=arrays["nb_prior"], nb_norm=arrays["nb_norm"],
            abbreviations=meta.get("abbreviations", {}),
            head_words=meta.get("head_words", ()), soc_titles=meta.get("soc_titles", ()),
            heads=meta.get("heads"),
            reranker=BoostedTrees.from_arrays(arrays, "rerank_") if "rerank_roots" in arrays else None,
            meta={k: v for k, v in meta.items()
                  if k not in ("vocabulary", "socs", "onet_codes", "head_words", "soc_titles", "heads")},
        )
    except FileNotFoundError as exc:
        raise DataError(f"title coder file missing: {exc.filename}; {REBUILD_HINT}", field="coder") from None
    except (OSError, ValueError, KeyError, TypeError, EOFError) as exc:
        raise DataError(f"title coder in {folder} is corrupt ({exc!r}); {REBUILD_HINT}", field="coder") from None
