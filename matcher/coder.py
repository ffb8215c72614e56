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
    text = unicodedata.normalize("NFKD", text.lower())
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = _NOTE_RE.sub(" ", text)
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
            if tok not in STOP_WORDS and (len(tok) > 1 or tok.isdigit()):  # "n/a" is not a title
                out.append(_neutral(_singular(tok)))
    kept = [t for t in out if t not in LEVEL_WORDS]
    return kept or out  # "apprentice" alone stays a word


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


def _nearest(rows: np.ndarray, sims: np.ndarray, m: int) -> np.ndarray:
    """Positions of the ``m`` most similar titles, best first, ties by row.

    Which of many equally close titles count must not depend on argpartition's order, and
    curated rows (the first rows) win such ties ("mechanic" is seen verbatim under 19 SOC
    codes; the curated one settles it). Only the titles as close as the m-th are sorted.
    """
    if len(sims) > m:
        kth = sims[np.argpartition(-sims, m - 1)[m - 1]]
        near = np.flatnonzero(sims >= kth)
    else:
        near = np.arange(len(sims))
    return near[np.lexsort((rows[near], -sims[near]))][:m]


def reranked_order(prob: np.ndarray, curated: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(scores, order best first) of one title's candidates from the re-ranker's chances.

    The trees score each candidate on its own, but a title is one occupation: when the chances
    add up to more than 1 they are scaled down to sum to 1, so a title O*NET files under two
    codes ("iron worker": 0.90 and 0.34) is not trusted as if it were one (on the
    cross-validated titles this also ranks answers better than the raw chance).
    A curated title seen verbatim settles the title: its code goes first with the pool's best
    score ("mechanic" is filed under 19 codes; the project's curated title says which). The
    re-ranker, fitted on Census titles, has seen too few curated hits to learn that itself.
    Ties keep the mixed-score order, so equal scores cannot swap between runs.
    """
    scores = prob / max(1.0, float(prob.sum()))
    if curated.any():
        scores[curated] = scores.max()
    return scores, np.lexsort((np.arange(len(scores)), -np.round(scores, 9), ~curated))


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
class _Pool:
    """A title's candidate SOC codes before the re-ranker: best first by mixed score."""

    text: str
    socs: np.ndarray  # SOC indices, the first ``n`` are the candidates
    n: int
    scores: np.ndarray  # their mixed scores
    onet: list[int]  # the O*NET-SOC index chosen within each
    best_sim: float
    X: np.ndarray | None  # re-ranker inputs, one row per candidate (filled for a whole batch at once)
    parts: _Parts | None = None  # what the inputs are made of, until X is filled


@dataclass
class _Parts:
    """One title's share of the re-ranker's inputs: per pool code (``k``), per candidate (``n``), per title."""

    scores: np.ndarray  # k: mixed score
    posterior: np.ndarray  # k: word-model posterior
    vote_share: np.ndarray  # k
    near_n: np.ndarray  # k: titles among the nearest CONTEXT_NEIGHBOURS
    near_onet: np.ndarray  # k: their vote, O*NET rows
    near_census: np.ndarray  # k: their vote, Census rows
    closest: np.ndarray  # n: the closest title of each candidate
    overlap: list[float]  # n: share of the title's words in the occupation's own title
    head_last: list[float]  # n
    head_first: list[float]  # n
    title: tuple[float, float, float, float, int, bool, int]  # best_sim, words, known, socs voted, roles,
    #                                                           last word is a head, curated SOC (-1: none)


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
        self._by_feature: Any = None  # the postings as a scipy matrix, made on the first code_many

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
        """(feature ids, normalised weights) of a title; empty when none of its words is known.

        A word the model has never seen is first read as the known word one typo away
        ("electricain" → "electrician"); failing that it still counts in the norm (as a
        rare word would), so "stay at home mom" is not taken for whatever "home" alone is.
        """
        _, idx, w = self._query(text)
        return idx, w

    def _query(self, text: str) -> tuple[list[str], np.ndarray, np.ndarray]:
        tokens = [self._known_word(t) for t in title_tokens(text, self.abbreviations)]
        feats = title_features(tokens)
        ids = [self.feature_id_[f] for f in feats if f in self.feature_id_]
        if not ids:
            return tokens, np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        idx = np.asarray(ids, dtype=np.int64)
        w = self.weights_[idx].astype(np.float64)
        unknown = sum(1 for t in dict.fromkeys(tokens) if t not in self.feature_id_)
        norm = np.sqrt((w ** 2).sum() + unknown * self._unknown_weight ** 2)
        return tokens, idx, (w / norm).astype(np.float32)

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
        tokens, idx, w = self._query(text)
        if len(idx) == 0:
            return CodedTitle(text, (), 0.0)
        spans = [(self._post_ptr[i], self._post_ptr[i + 1]) for i in idx.tolist()]
        rows = np.concatenate([self._post_rows[a:b] for a, b in spans])
        vals = np.concatenate([self._post_data[a:b].astype(np.float64) * wi for (a, b), wi in zip(spans, w.tolist())])
        uniq, inv = np.unique(rows, return_inverse=True)
        sims = np.bincount(inv, weights=vals)
        pools: list[_Pool | CodedTitle] = [self._pool(text, tokens, uniq, sims, top, idx)]
        self._fill_inputs(pools)
        return self._finish(pools, top)[0]

    def looks_like_title(self, text: str) -> bool:
        """True when the phrase has a word that ends many job titles ("welder", "asst", "cocinero")."""
        return any(tok in self.head_words_ for tok in title_tokens(text, self.abbreviations))

    def code_many(self, texts: Iterable[str], top: int = 5, batch: int = 1024) -> list[CodedTitle]:
        """Code many titles; the same answers as :meth:`code`, several times faster (one sparse product a batch)."""
        out: list[CodedTitle] = []
        for chunk in self._chunks(texts, batch):
            out.extend(self._finish(self._pools(chunk, top), top))
        return out

    def candidate_table(self, texts: Iterable[str], batch: int = 1024) -> list[tuple[list[str], np.ndarray] | None]:
        """For each title, its candidate SOC codes (best first by mixed score) and the re-ranker's inputs.

        None for a title with no known word. The build fits the re-ranker on these.
        """
        out: list[tuple[list[str], np.ndarray] | None] = []
        for chunk in self._chunks(texts, batch):
            for pool in self._pools(chunk, RERANK_POOL, with_inputs=True):
                if isinstance(pool, CodedTitle) or pool.X is None:
                    out.append(None)
                else:
                    out.append(([self.socs_[s] for s in pool.socs[:pool.n].tolist()], pool.X))
        return out

    @staticmethod
    def _chunks(texts: Iterable[str], batch: int) -> Iterable[list[str]]:
        items = list(texts)
        for start in range(0, len(items), batch):
            yield items[start:start + batch]

    def _pools(self, chunk: list[str], top: int, with_inputs: bool | None = None) -> list[_Pool | CodedTitle]:
        """Each title's pool (or its empty answer), with one sparse product for the whole chunk."""
        from scipy import sparse

        if self._by_feature is None:
            self._by_feature = sparse.csr_matrix((self._post_data, self._post_rows, self._post_ptr),
                                                 shape=(len(self.vocabulary_), self.n_titles_))
        queries_ = [self._query(t) for t in chunk]
        indptr = np.cumsum([0] + [len(q[1]) for q in queries_])
        indices = np.concatenate([q[1] for q in queries_]) if indptr[-1] else np.zeros(0, dtype=np.int64)
        data = np.concatenate([q[2] for q in queries_]) if indptr[-1] else np.zeros(0, dtype=np.float32)
        queries = sparse.csr_matrix((data.astype(np.float64), indices, indptr),
                                    shape=(len(chunk), len(self.vocabulary_)))
        # Each title's matches in no particular order: nothing below depends on it.
        sims = (queries @ self._by_feature).tocsr()
        pools: list[_Pool | CodedTitle] = []
        for i, text in enumerate(chunk):
            a, b = sims.indptr[i], sims.indptr[i + 1]
            if a == b:
                pools.append(CodedTitle(text, (), 0.0))
            else:
                pools.append(self._pool(text, queries_[i][0], sims.indices[a:b], sims.data[a:b], top,
                                        queries_[i][1], with_inputs))
        self._fill_inputs(pools)
        return pools

    def word_model(self, features: np.ndarray) -> np.ndarray:
        """Naive-Bayes posterior over SOC codes for a title's known features (each counted once)."""
        # The postings of every feature, one after another: position p of feature j's run is entry
        # starts[j] + (p - where the run begins).
        starts = self.nb_ptr_[features]
        lengths = self.nb_ptr_[features + 1] - starts
        at = np.repeat(starts - (np.cumsum(lengths) - lengths), lengths) + np.arange(lengths.sum())
        lp: np.ndarray = np.bincount(self.nb_soc_[at], weights=self.nb_log_[at], minlength=len(self.nb_prior_))
        lp = lp.astype(np.float64, copy=False)
        lp += self.nb_prior_
        lp += len(features) * self.nb_norm_
        lp -= lp.max()
        np.exp(lp, out=lp)
        lp /= lp.sum()
        return lp

    def _pool(self, text: str, tokens: list[str], rows: np.ndarray, sims: np.ndarray, top: int,
              features: np.ndarray, with_inputs: bool | None = None) -> _Pool:
        # Rounded so that summing in another order (code_many's sparse product) cannot reorder ties.
        sims = np.round(sims, 7)
        inputs = bool(with_inputs or (with_inputs is None and self.reranker_ is not None))
        nearest = _nearest(rows, sims, max(N_NEIGHBOURS, CONTEXT_NEIGHBOURS) if inputs else N_NEIGHBOURS)
        near = rows[nearest[:N_NEIGHBOURS]]
        best_sim = float(sims[nearest[0]])
        votes: dict[int, float] = {}
        onet_votes: dict[int, dict[int, float]] = {}
        curated_soc = -1  # the SOC code of a curated title seen verbatim (it settles the title)
        for s, scale, soc, o in zip(sims[nearest[:N_NEIGHBOURS]].tolist(), self._vote_scale[near].tolist(),
                                    self.soc_[near].tolist(), self.onet_[near].tolist()):
            v = max(s, 1e-9) ** VOTE_POWER * (scale if s >= 0.999 else 1.0)
            if s >= 0.999 and scale > 1.0 and curated_soc < 0:
                curated_soc = soc
            votes[soc] = votes.get(soc, 0.0) + v
            if o >= 0:
                soc_votes = onet_votes.setdefault(soc, {})
                soc_votes[o] = soc_votes.get(o, 0.0) + v
        total = sum(votes.values())
        # The mixed score of every SOC the neighbours or the word model put forward.
        posterior = self.word_model(features)
        mixed = posterior * NB_MIX
        for soc, v in votes.items():
            mixed[soc] += (1.0 - NB_MIX) * (v / total) * best_sim
        n_pool = max(top, RERANK_POOL)
        k = min(max(n_pool, GROUP_POOL), len(mixed))
        best = np.argpartition(-mixed, k - 1)[:k]
        ranked = sorted((int(soc) for soc in best.tolist() if mixed[soc] > 0.0),
                        key=lambda soc: (-mixed[soc], self.socs_[soc]))
        socs = np.asarray(ranked, dtype=np.int64)
        n = min(n_pool, len(socs))
        onet = []
        for soc in ranked[:n]:
            per = onet_votes.get(soc)
            onet.append(max(per.items(), key=lambda kv: (kv[1], -kv[0]))[0] if per else int(self.soc_default_[soc]))
        pool = _Pool(text, socs, n, mixed[socs], onet, best_sim, None)
        if n and inputs:
            vote_share = np.asarray([votes.get(s, 0.0) / total for s in ranked])
            pool.parts = self._rerank_parts(tokens, rows, sims, nearest, socs, n, mixed[socs], posterior[socs],
                                            vote_share, best_sim, len(votes), curated_soc)
        return pool

    def _rerank_parts(self, tokens: list[str], rows: np.ndarray, sims: np.ndarray, nearest: np.ndarray,
                      socs: np.ndarray, n: int, scores: np.ndarray, posterior: np.ndarray, vote_share: np.ndarray,
                      best_sim: float, n_neighbour_socs: int, curated_soc: int) -> _Parts:
        """What one title adds to the re-ranker's inputs (the first ``n`` codes in ``socs`` are its candidates)."""
        k = len(socs)
        cand = socs[:n]
        # Where each labelled title's SOC code stands among the pool's codes (-1: not among them).
        slot = np.full(len(self.socs_), -1, dtype=np.int64)
        slot[socs] = np.arange(k)
        row_slot = slot[self.soc_[rows]]
        # Each candidate's closest title, over every labelled title that shares a feature.
        mine = (row_slot >= 0) & (row_slot < n)
        closest = np.zeros(n)
        np.maximum.at(closest, row_slot[mine], sims[mine])
        # The nearest titles (ties by row): how many are each code's, and their vote from O*NET or the Census.
        order = nearest[:CONTEXT_NEIGHBOURS]
        near_slot = row_slot[order]
        pooled = near_slot >= 0
        near_slot = near_slot[pooled]
        near_w = sims[order][pooled] ** VOTE_POWER
        near_census = self._census[rows[order][pooled]]
        words = frozenset(tokens)
        n_words = len(tokens)
        last = self.heads_.get(tokens[-1], {}) if tokens else {}
        first = self.heads_.get(tokens[0], {}) if tokens else {}
        codes = cand.tolist()
        return _Parts(
            scores=scores, posterior=posterior, vote_share=vote_share,
            near_n=np.bincount(near_slot, minlength=k).astype(np.float64),
            near_onet=np.bincount(near_slot, weights=near_w * ~near_census, minlength=k),
            near_census=np.bincount(near_slot, weights=near_w * near_census, minlength=k),
            closest=closest,
            overlap=[len(words & self._soc_words[c]) / max(1, len(words)) for c in codes],
            head_last=[last.get(c, 0.0) for c in codes], head_first=[first.get(c, 0.0) for c in codes],
            title=(best_sim, n_words, sum(t in self.feature_id_ for t in tokens) / max(1, n_words),
                   n_neighbour_socs, role_families(words), bool(last), curated_soc),
        )

    def _fill_inputs(self, pools: Sequence[_Pool | CodedTitle]) -> None:
        """Each pool's re-ranker inputs (one row of :data:`RERANK_FEATURES` per candidate), built for the batch."""
        todo = [(p, p.parts) for p in pools if isinstance(p, _Pool) and p.parts is not None]
        if not todo:
            return
        parts = [q for _, q in todo]
        k = np.asarray([len(p.socs) for p, _ in todo])
        n = np.asarray([p.n for p, _ in todo])
        title_of = np.repeat(np.arange(len(todo)), k)  # per pool code (all titles' codes one after another)
        rank = np.arange(k.sum()) - np.repeat(np.cumsum(k) - k, k)
        socs = np.concatenate([p.socs for p, _ in todo])
        scores, posterior, share, near_n, near_onet, near_census = (
            np.concatenate([getattr(q, name) for q in parts])
            for name in ("scores", "posterior", "vote_share", "near_n", "near_onet", "near_census"))
        # Sums over the codes of the same major (and minor) group among a title's best GROUP_POOL.
        major = np.unique(title_of * 100 + self._soc_major[socs], return_inverse=True)[1]
        minor = np.unique(title_of * 1000 + self._soc_minor[socs], return_inverse=True)[1]

        def in_major(w: np.ndarray) -> np.ndarray:
            return np.bincount(major, weights=w)[major][is_cand]

        is_cand = rank < n[title_of]
        cand, title = socs[is_cand], title_of[is_cand]
        best_sim, n_words, known, voted, roles, last_is_head, curated = (
            np.asarray(col)[title] for col in zip(*(q.title for q in parts)))
        soc_roles = self._soc_roles[cand]
        closest = np.concatenate([q.closest for q in parts])
        X = np.empty((len(cand), len(RERANK_FEATURES)), dtype=np.float64)
        X[:, 0] = scores[is_cand]
        X[:, 1] = rank[is_cand]
        X[:, 2] = posterior[is_cand]
        X[:, 3] = share[is_cand]
        X[:, 4] = scores[rank == 0][title] - X[:, 0]
        X[:, 5] = best_sim
        X[:, 6] = n_words
        X[:, 7] = known
        X[:, 8] = voted
        X[:, 9] = np.bitwise_count(soc_roles & roles)
        X[:, 10] = np.bitwise_count(roles & ~soc_roles)
        X[:, 11] = np.bitwise_count(soc_roles & ~roles)
        X[:, 12] = [v for q in parts for v in q.overlap]
        X[:, 13] = (roles & _FAMILY_BIT["supervisor"]) > 0
        X[:, 14:20] = self._soc_flags[cand]
        X[:, 20] = in_major(scores)
        X[:, 21] = np.bincount(minor, weights=scores)[minor][is_cand]
        X[:, 22] = in_major(share)
        X[:, 23] = in_major(posterior)
        X[:, 24] = closest
        X[:, 25] = near_n[is_cand]
        X[:, 26] = near_onet[is_cand]
        X[:, 27] = near_census[is_cand]
        X[:, 28] = best_sim - closest
        X[:, 29] = in_major(near_onet)
        X[:, 30] = in_major(near_census)
        X[:, 31] = [v for q in parts for v in q.head_last]
        X[:, 32] = [v for q in parts for v in q.head_first]
        X[:, 33] = last_is_head
        X[:, CURATED_COLUMN] = cand == curated
        bounds = np.cumsum(n)
        for (p, _), a, b in zip(todo, bounds - n, bounds):
            p.X, p.parts = X[a:b], None

    def _finish(self, pools: Sequence[_Pool | CodedTitle], top: int) -> list[CodedTitle]:
        """Re-rank every pool's candidates (one batch through the trees) and calibrate."""
        ready = [(p, p.X) for p in pools if isinstance(p, _Pool) and p.X is not None]
        reranked: dict[int, tuple[np.ndarray, np.ndarray]] = {}  # id(pool) → (chances, curated)
        if ready and self.reranker_ is not None:
            prob = self.reranker_.predict_proba(np.vstack([X for _, X in ready]))
            starts = np.cumsum([0] + [p.n for p, _ in ready])
            reranked = {id(p): (prob[starts[i]:starts[i + 1]], X[:, CURATED_COLUMN] > 0)
                        for i, (p, X) in enumerate(ready)}
        ranked: list[tuple[_Pool, list[int], np.ndarray]] = []
        for p in pools:
            if isinstance(p, CodedTitle):
                continue
            if id(p) in reranked:
                scores, order = reranked_order(*reranked[id(p)])
            else:
                scores = p.scores[:p.n]
                order = np.argsort(-np.round(scores, 9), kind="stable")
            chosen = order[:top]
            ranked.append((p, chosen.tolist(), scores[chosen]))
        # Every candidate of the batch through the calibration at once.
        chances = iter(self.calibrate_many(np.concatenate([c for *_, c in ranked])).tolist() if ranked else [])
        done = {id(p): CodedTitle(p.text, tuple(Candidate(self.onet_codes_[p.onet[i]], self.socs_[int(p.socs[i])],
                                                          next(chances)) for i in chosen), round(p.best_sim, 4))
                for p, chosen, _ in ranked}
        return [p if isinstance(p, CodedTitle) else done[id(p)] for p in pools]

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
