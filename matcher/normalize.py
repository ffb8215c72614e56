"""Free text → canonical taxonomy IDs ("fork lift cert" → ``cred:forklift``).

How a phrase is resolved (``docs/taxonomy.md`` explains the choices):

1. **Fold** it: accents, case, punctuation and hyphens go; letters and digits
   are split (``osha10`` → ``osha 10``); roman numerals and number words become
   digits; curated abbreviations are expanded (``svc`` → ``service``); noise
   words people add (``cert``, ``card``, ``exp``, ``2 yrs``, ``de``...) are
   dropped; simple plurals are singularised.
2. **Exact / alias**: the folded phrase, its space-collapsed form (``fork lift``
   = ``forklift``) or its sorted tokens are looked up in an index built once
   from every name and alias. A hit shared by several IDs at the same tier is
   *ambiguous* and is not mapped.
3. **Fuzzy**: candidates sharing character trigrams are scored with
   :func:`rapidfuzz.fuzz.ratio` (Indel similarity) on token-sorted keys.
4. **Partial**: a run of the phrase's tokens that is an exact key
   ("package handler **ups**"), scored by how much of the phrase it covers.

A best score below ``threshold`` comes back ``unmatched`` with the nearest
candidates as suggestions: nothing is ever mapped silently.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
from rapidfuzz import fuzz

from .errors import FieldProblem, ValidationError
from .records import SHORT_TEXT_MAX
from .taxonomy import Taxonomy, load_taxonomy

Kind = Literal["any", "skill", "occupation"]

DEFAULT_THRESHOLD = 0.86
MAX_TEXT_LENGTH = SHORT_TEXT_MAX  # what a profile's free-text skill or job title may hold
MIN_FUZZY_KEY_LENGTH = 5  # shorter keys (acronyms) must match exactly: "lol" is not "lpn"
SUGGESTION_FLOOR = 0.6
N_SUGGESTIONS = 5
N_CANDIDATES = 48

# Words people add around a skill or title that say nothing about which one it is.
NOISE_WORDS = frozenset(["cert", "certs", "certified", "certification", "certifications", "certificate", "certificates", "certificat", "card", "cards", "license", "licensed", "licence", "lic", "permit", "exp", "experience", "experienced", "expert", "yr", "yrs", "year", "years", "month", "months", "mo", "mos", "hr", "hrs", "hour", "hours", "training", "trained", "course", "courses", "skill", "skills", "knowledge", "proficient", "proficiency", "familiar", "familiarity", "good", "strong", "excellent", "basic", "level", "completed", "current", "valid", "active", "able", "ability", "with", "in", "of", "the", "and", "or", "to", "at", "for", "on", "an", "have", "has", "had", "i", "im", "my", "me", "some", "using", "use", "work", "working", "de", "del", "la", "el", "los", "las", "y", "en", "con", "para", "por", "un", "una", "tengo", "mi", "certificado", "certificacion", "tarjeta", "curso", "experiencia", "anos", "nivel"])  # noqa: E501
# Noise words long enough that a one-letter typo of them is still clearly noise ("certifcation").
_FUZZY_NOISE = tuple(w for w in NOISE_WORDS if len(w) >= 7)

NUMBER_WORDS = {"one": "1", "two": "2", "three": "3", "four": "4", "five": "5", "ten": "10", "thirty": "30",
                "forty": "40", "uno": "1", "dos": "2", "diez": "10", "treinta": "30"}
ROMAN = {"ii": "2", "iii": "3", "iv": "4"}

_EXPERIENCE_RE = re.compile(r"\b\d+\s*\+?\s*(?:years?|yrs?|months?|mos?|anos?)\b")
_WPM_RE = re.compile(r"\b\d+\s*wpm\b")
_SPLIT_RE = re.compile(r"(?<=[a-z])(?=\d)|(?<=\d)(?=[a-z])")
_NON_WORD_RE = re.compile(r"[^a-z0-9]+")

# Tiers: a lower tier wins when one key names several IDs.
_SKILL_TIERS = {"credential": 0, "entry_skill": 0, "skill": 1, "knowledge": 2, "technology": 3, "tool": 3}
_OCC_CURATED, _OCC_TITLE, _OCC_REPORTED, _OCC_ALTERNATE = 0, 1, 2, 3


@dataclass(frozen=True)
class Match:
    """The outcome of normalizing one phrase."""

    text: str
    status: Literal["matched", "unmatched"]
    kind: Literal["skill", "occupation"] | None
    id: str | None
    name: str | None
    confidence: float
    method: str  # exact | alias | fuzzy | partial | ambiguous | none
    suggestions: tuple[tuple[str, str, float], ...] = ()

    @property
    def matched(self) -> bool:
        return self.status == "matched"

    def to_dict(self) -> dict[str, object]:
        return {
            "text": self.text, "status": self.status, "kind": self.kind, "id": self.id, "name": self.name,
            "confidence": self.confidence, "method": self.method,
            "suggestions": [{"id": i, "name": n, "score": s} for i, n, s in self.suggestions],
        }


# --------------------------------------------------------------------------- folding


class Folder:
    """Turns text into the token list both the index and the queries are keyed on."""

    def __init__(self, abbreviations: Mapping[str, str]) -> None:
        self.abbreviations = {k: v.split() for k, v in abbreviations.items()}
        self._noise_cache: dict[str, bool] = {}

    def tokens(self, text: str) -> list[str]:
        text = unicodedata.normalize("NFKD", text.lower())
        text = "".join(ch for ch in text if not unicodedata.combining(ch))
        text = _EXPERIENCE_RE.sub(" ", text)  # before "+" becomes "plus": "5+ yrs"
        text = _WPM_RE.sub(" ", text)
        text = text.replace("++", " plus plus ").replace("+", " plus ").replace("&", " and ")
        text = text.replace("'", "").replace("\u2019", "")  # driver's -> drivers
        text = _NON_WORD_RE.sub(" ", text)
        out: list[str] = []
        for raw in text.split():
            if raw[0] == "0" and len(raw) > 2 and raw[1:].isalpha():
                raw = "o" + raw[1:]  # "0SHA" typed with a zero
            for tok in _SPLIT_RE.sub(" ", raw).split():
                out.extend(self._token(tok, first=not out))
        return [t for t in out if not self._is_noise(t)]

    def _token(self, tok: str, *, first: bool) -> list[str]:
        if tok in ROMAN:
            return [ROMAN[tok]]
        if tok == "i" and not first:  # "cna i", "cadc i"; a leading "I" is the pronoun
            return ["1"]
        if tok in NUMBER_WORDS:
            return [NUMBER_WORDS[tok]]
        if tok in self.abbreviations:
            return list(self.abbreviations[tok])
        return [_singular(tok)]

    def _is_noise(self, tok: str) -> bool:
        if tok in NOISE_WORDS:
            return True
        if len(tok) < 7:
            return False
        cached = self._noise_cache.get(tok)
        if cached is None:
            cached = any(fuzz.ratio(tok, w) >= 90 for w in _FUZZY_NOISE)
            if len(self._noise_cache) < 50_000:
                self._noise_cache[tok] = cached
        return cached


def _singular(tok: str) -> str:
    if len(tok) > 4 and tok.endswith("ies"):
        return tok[:-3] + "y"
    if len(tok) > 3 and tok.endswith("s") and not tok.endswith(("ss", "us", "is")):
        return tok[:-1]
    return tok


def _vendors(names: Iterable[str]) -> frozenset[str]:
    """First words that start several product names ("Autodesk AutoCAD", "Adobe Photoshop")."""
    counts: dict[str, int] = defaultdict(int)
    for name in names:
        words = name.split()
        if len(words) > 1 and words[0][:1].isupper() and words[1][:1].isupper():
            counts[words[0]] += 1
    return frozenset(w for w, n in counts.items() if n >= 3)


def _derived_names(name: str, vendors: frozenset[str]) -> list[str]:
    """How people shorten O*NET technology names: drop the vendor, use the trailing acronym.

    "Autodesk AutoCAD" -> "AutoCAD"; "Structured query language SQL" -> "SQL" and
    "Structured query language".
    """
    words = name.split()
    out = []
    if len(words) > 1 and words[0] in vendors and words[1][:1].isupper():
        out.append(" ".join(words[1:]))
    last = words[-1] if len(words) > 2 else ""
    if last.isupper() and last.isalpha() and len(last) >= 2 and last[0].lower() == words[0][0].lower():
        rest = "".join(words[:-1]).lower()
        it = iter(rest)
        if all(ch in it for ch in last.lower()):  # the acronym's letters appear in order
            out.extend([last, " ".join(words[:-1])])
    return out


def _trigrams(key: str) -> set[str]:
    padded = f" {key} "
    return {padded[i:i + 3] for i in range(len(padded) - 2)}


# --------------------------------------------------------------------------- one index per kind


class _Index:
    """Exact, collapsed, sorted-token and trigram-fuzzy lookup over (id, text, tier) entries."""

    def __init__(self, entries: Iterable[tuple[str, str, int, bool]], folder: Folder) -> None:
        # key -> {id: best (lowest) tier}
        self.exact: dict[str, dict[str, int]] = defaultdict(dict)
        self.collapsed: dict[str, dict[str, int]] = defaultdict(dict)
        self.sorted: dict[str, dict[str, int]] = defaultdict(dict)
        fuzzy: dict[str, dict[str, int]] = defaultdict(dict)
        self.max_tokens = 1
        for cid, text, tier, in_fuzzy in entries:
            toks = folder.tokens(text)
            if not toks:
                continue
            self.max_tokens = max(self.max_tokens, len(toks))
            for table, key in ((self.exact, " ".join(toks)), (self.collapsed, "".join(toks)),
                               (self.sorted, " ".join(sorted(toks)))):
                if tier < table[key].get(cid, 99):
                    table[key][cid] = tier
            if in_fuzzy:
                key = " ".join(sorted(toks))
                if tier < fuzzy[key].get(cid, 99):
                    fuzzy[key][cid] = tier
        self.fuzzy_keys = sorted(fuzzy)
        self.fuzzy_ids = [fuzzy[k] for k in self.fuzzy_keys]
        postings: dict[str, list[int]] = defaultdict(list)
        for i, key in enumerate(self.fuzzy_keys):
            for gram in _trigrams(key):
                postings[gram].append(i)
        self.postings = {g: np.asarray(v, dtype=np.int32) for g, v in postings.items()}
        self.gram_counts = np.asarray([len(_trigrams(k)) for k in self.fuzzy_keys], dtype=np.float32)

    def lookup(self, toks: list[str]) -> tuple[dict[str, int], str] | None:
        """Exact-ish hit: (ids with tiers, how) or None."""
        for table, key, how in ((self.exact, " ".join(toks), "exact"),
                                (self.collapsed, "".join(toks), "collapsed"),
                                (self.sorted, " ".join(sorted(toks)), "sorted")):
            hit = table.get(key)
            if hit:
                return hit, how
        return None

    def fuzzy(self, toks: list[str], limit: int) -> list[tuple[str, float, int]]:
        """(id, score 0..1, tier) of the closest fuzzy keys, best first."""
        key = " ".join(sorted(toks))
        grams = _trigrams(key)
        lists = [self.postings[g] for g in grams if g in self.postings]
        if not lists:
            return []
        shared = np.bincount(np.concatenate(lists), minlength=len(self.fuzzy_keys))
        dice = 2.0 * shared / (len(grams) + self.gram_counts)
        n = min(N_CANDIDATES, len(dice))
        top = np.argpartition(-dice, n - 1)[:n]
        best: dict[str, tuple[float, int]] = {}
        for i in top.tolist():
            if shared[i] == 0:
                continue
            score = fuzz.ratio(key, self.fuzzy_keys[i]) / 100.0
            for cid, tier in self.fuzzy_ids[i].items():
                old = best.get(cid)
                if old is None or (score, -tier) > (old[0], -old[1]):
                    best[cid] = (score, tier)
        ranked = sorted(best.items(), key=lambda kv: (-kv[1][0], kv[1][1], kv[0]))
        return [(cid, score, tier) for cid, (score, tier) in ranked[:limit]]


# --------------------------------------------------------------------------- the normalizer


class Normalizer:
    """Maps free-text skills, credentials and job titles to taxonomy IDs.

    The alias index is built on first use of a taxonomy (about a second) and
    shared by every Normalizer over that taxonomy, whatever its threshold.
    """

    def __init__(self, taxonomy: Taxonomy | None = None, threshold: float = DEFAULT_THRESHOLD) -> None:
        if not 0.0 <= threshold <= 1.0:
            raise ValidationError("threshold must be between 0 and 1", field="threshold")
        self.taxonomy = taxonomy if taxonomy is not None else load_taxonomy()
        self.threshold = threshold
        self.folder, self._skill_index, self._occ_index = _indexes(self.taxonomy)

    # ------------------------------------------------------------------ public API

    def normalize_skill(self, text: str) -> Match:
        return self.normalize(text, kind="skill")

    def normalize_occupation(self, text: str) -> Match:
        return self.normalize(text, kind="occupation")

    def normalize(self, text: str, kind: Kind = "any") -> Match:
        """Resolve one phrase. Raises ValidationError(field="text") for empty or over-long text."""
        _check_text(text, field="text")
        if kind not in ("any", "skill", "occupation"):
            raise ValidationError(f"kind must be any, skill or occupation, not {kind!r}", field="kind")
        toks = self.folder.tokens(text)
        if kind == "skill":
            return self._resolve(text, toks, "skill")
        if kind == "occupation":
            return self._resolve(text, toks, "occupation")
        skill, occ = self._resolve(text, toks, "skill"), self._resolve(text, toks, "occupation")
        return min((skill, occ), key=_preference)

    def normalize_many(self, texts: Sequence[str], kind: Kind = "any") -> list[Match]:
        """Resolve several phrases; every bad one is reported at once (field ``text``)."""
        problems = []
        for i, text in enumerate(texts):
            try:
                _check_text(text, field="text")
            except ValidationError as exc:
                problems.append(FieldProblem(field=f"text[{i}]", message=exc.message))
        if problems:
            raise ValidationError(f"{len(problems)} phrase(s) cannot be normalized: {problems[0]}", field="text",
                                  problems=problems)
        return [self.normalize(text, kind) for text in texts]

    # ------------------------------------------------------------------ internals

    def _resolve(self, text: str, toks: list[str], kind: Literal["skill", "occupation"]) -> Match:
        index = self._skill_index if kind == "skill" else self._occ_index
        if not toks:
            return Match(text, "unmatched", None, None, None, 0.0, "none")

        hit = index.lookup(toks)
        if hit is not None:
            ids, how = hit
            best_tier = min(ids.values())
            winners = sorted(cid for cid, tier in ids.items() if tier == best_tier)
            if len(winners) == 1:
                cid = winners[0]
                name = self._name(kind, cid)
                method = "exact" if self.folder.tokens(name) == toks else "alias"
                confidence = 1.0 if how == "exact" else 0.97
                if kind == "occupation" and best_tier == _OCC_ALTERNATE:
                    confidence -= 0.03  # O*NET alternate titles are sometimes loose
                return self._matched(text, kind, cid, confidence, method)
            suggestions = tuple((cid, self._name(kind, cid), 1.0) for cid in winners[:N_SUGGESTIONS])
            return Match(text, "unmatched", None, None, None, 0.0, "ambiguous", suggestions)

        candidates = index.fuzzy(toks, N_SUGGESTIONS + 3) if len("".join(toks)) >= MIN_FUZZY_KEY_LENGTH else []
        partial = self._partial(toks, index)
        best: tuple[str, float, str] | None = None
        if candidates:
            cid, score, _ = candidates[0]
            # Two different IDs tied at the top (same score, same tier) is ambiguity, not a match.
            tied = len(candidates) > 1 and candidates[1][1:] == candidates[0][1:]
            if not tied:
                best = (cid, score, "fuzzy")
        if partial is not None and (best is None or partial[1] > best[1]):
            best = partial
        if best is not None and best[1] >= self.threshold:
            return self._matched(text, kind, best[0], round(best[1], 3), best[2])

        suggestions = self._suggestions(kind, candidates, partial)
        return Match(text, "unmatched", None, None, None, round(best[1], 3) if best else 0.0, "none", suggestions)

    def _partial(self, toks: list[str], index: _Index) -> tuple[str, float, str] | None:
        """An ID named by runs of the phrase's tokens, scored by the share of letters it covers.

        "html/css" covers all of skill:coding-basics; "package handler ups" covers 80% of
        53-7062.00. A phrase that also names something else outside those runs returns None.
        """
        n = len(toks)
        if n < 2:
            return None
        covered: dict[str, set[int]] = defaultdict(set)
        for size in range(min(n - 1, index.max_tokens), 0, -1):
            for start in range(n - size + 1):
                hit = index.exact.get(" ".join(toks[start:start + size]))
                if not hit:
                    continue
                best_tier = min(hit.values())
                winners = [c for c, t in hit.items() if t == best_tier]
                if len(winners) == 1:
                    covered[winners[0]].update(range(start, start + size))
        if not covered:
            return None
        letters = [len(t) for t in toks]
        cid, positions = max(covered.items(), key=lambda kv: (sum(letters[i] for i in kv[1]), kv[0]))
        for other, pos in covered.items():
            if other != cid and not pos <= positions:
                return None  # two different things named in one phrase: do not pick one
        share = sum(letters[i] for i in positions) / sum(letters)
        # Covering 80% of the letters scores about 0.89; all of them (two aliases of one ID) 0.95.
        return cid, min(0.95, share ** 0.5), "partial"

    def _matched(self, text: str, kind: Literal["skill", "occupation"], cid: str, confidence: float,
                 method: str) -> Match:
        return Match(text, "matched", kind, cid, self._name(kind, cid), confidence, method)

    def _suggestions(self, kind: Literal["skill", "occupation"], candidates: list[tuple[str, float, int]],
                     partial: tuple[str, float, str] | None) -> tuple[tuple[str, str, float], ...]:
        scored: dict[str, float] = {}
        if partial is not None:
            scored[partial[0]] = partial[1]
        for cid, score, _ in candidates:
            scored[cid] = max(score, scored.get(cid, 0.0))
        ranked = sorted(((cid, s) for cid, s in scored.items() if s >= SUGGESTION_FLOOR),
                        key=lambda kv: (-kv[1], kv[0]))
        return tuple((cid, self._name(kind, cid), round(s, 3)) for cid, s in ranked[:N_SUGGESTIONS])

    def _name(self, kind: str, cid: str) -> str:
        return self.taxonomy.skills[cid].name if kind == "skill" else self.taxonomy.occupations[cid].title


@functools.lru_cache(maxsize=4)
def _indexes(taxonomy: Taxonomy) -> tuple[Folder, _Index, _Index]:
    """Build the two indexes once per taxonomy; every Normalizer over it (any threshold) shares them."""
    folder = Folder(taxonomy.abbreviations)
    return folder, _Index(_skill_entries(taxonomy), folder), _Index(_occupation_entries(taxonomy), folder)


def _skill_entries(taxonomy: Taxonomy) -> Iterable[tuple[str, str, int, bool]]:
    vendors = _vendors(s.name for s in taxonomy.skills.values() if s.kind == "technology")
    for s in taxonomy.skills.values():
        tier = _SKILL_TIERS.get(s.kind, 4)
        yield s.id, s.name, tier, True
        for alias in s.aliases:
            yield s.id, alias, tier, True
        if s.kind in ("technology", "tool"):
            for derived in _derived_names(s.name, vendors):
                yield s.id, derived, tier, True


def _occupation_entries(taxonomy: Taxonomy) -> Iterable[tuple[str, str, int, bool]]:
    for occ in taxonomy.occupations.values():
        yield occ.code, occ.title, _OCC_TITLE, True
        if occ.title.count(",") == 1:  # "Cooks, Restaurant" -> "Restaurant Cooks"
            head, tail = (p.strip() for p in occ.title.split(","))
            yield occ.code, f"{tail} {head}", _OCC_TITLE, True
        for t in occ.aliases:
            yield occ.code, t, _OCC_CURATED, True
        for t in occ.reported_titles:
            yield occ.code, t, _OCC_REPORTED, True
        # 60,000 alternate titles: exact lookups only; fuzzy over them costs speed and precision.
        for t in occ.alternate_titles:
            yield occ.code, t, _OCC_ALTERNATE, False


_METHOD_RANK = {"exact": 0, "alias": 1, "fuzzy": 2, "partial": 3}


def _preference(m: Match) -> tuple[int, int, float, int]:
    """Order for kind="any": matched first, exact/alias before fuzzy, higher confidence, skill on ties."""
    return (0 if m.matched else 1, _METHOD_RANK.get(m.method, 9), -m.confidence, 0 if m.kind != "occupation" else 1)


def _check_text(text: object, *, field: str) -> None:
    if not isinstance(text, str):
        raise ValidationError(f"text must be a string, not {type(text).__name__}", field=field)
    if not text.strip():
        raise ValidationError("text is empty", field=field)
    if len(text) > MAX_TEXT_LENGTH:
        raise ValidationError(f"text is longer than {MAX_TEXT_LENGTH} characters ({len(text)})", field=field)
