"""Free text → canonical taxonomy IDs, saying which kind each phrase names.

Three kinds are kept apart (``docs/taxonomy.md`` explains the choices):

- **skill** (what someone can do): "fork lift", "customer svc", "basic math";
- **credential** (what they hold): "forklift certified", "OSHA 10 card", "CNA";
- **occupation** (what they did): "warehouse associate", "soldador", "Sr. welder".

Skills and credentials are resolved here:

1. **Fold** the phrase: accents, case, punctuation and hyphens go; letters and
   digits are split (``osha10`` → ``osha 10``); roman numerals and number words
   become digits; curated abbreviations are expanded (``svc`` → ``service``);
   noise words (``exp``, ``2 yrs``, ``de``...) are dropped; simple plurals are
   singularised. Words that say a credential is held (``cert``, ``certified``,
   ``card``, ``license``, ``certificado``...) are dropped too but *remembered*.
2. **Exact / alias**: the folded phrase, its space-collapsed form (``fork lift``
   = ``forklift``) or its sorted tokens are looked up among every name and
   alias. A credential is reached only through an alias that names it ("CNA",
   "OSHA 10", "ServSafe") or, when the phrase has a credential word, through
   the phrases that name it only then ("forklift" + "certified"), or a skill a
   single credential implies. "welding" is the skill; "welding cert" the
   credential; "welder" a job title.
3. **Fuzzy**: keys sharing character trigrams scored with
   :func:`rapidfuzz.fuzz.ratio` on token-sorted keys (typos: "forklft").
4. **Partial**: a run of the phrase's tokens that is an exact key, scored by
   how much of the phrase it covers.

Job titles go to the title coder (:mod:`matcher.coder`), whose confidence is
calibrated; exact title hits take the same road. ``kind="any"`` (what a profile's
skills box uses) takes an exact skill or credential hit first, then a confident
job title, then a fuzzy skill.

A best score below the threshold comes back ``unmatched`` with suggestions
(names sharing a word with the phrase, or the coder's closest occupations):
nothing is mapped silently.
"""

from __future__ import annotations

import functools
import gzip
import json
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
from rapidfuzz import fuzz

from .coder import TitleCoder, load_coder
from .errors import FieldProblem, ValidationError
from .records import SHORT_TEXT_MAX
from .taxonomy import Taxonomy, load_taxonomy

Kind = Literal["any", "skill", "occupation"]
MatchKind = Literal["skill", "credential", "occupation"]

DEFAULT_THRESHOLD = 0.86
MAX_TEXT_LENGTH = SHORT_TEXT_MAX  # what a profile's free-text skill or job title may hold
MIN_FUZZY_KEY_LENGTH = 5  # shorter keys (acronyms) must match exactly: "lol" is not "lpn"
SUGGESTION_FLOOR = 0.6  # a suggestion sharing a word with the phrase
TYPO_SCORE = 0.8  # a suggestion sharing no word must be this close in letters (a typo)
STRICT_FUZZY = 0.93  # a fuzzy hit on a product name, or on a credential without a credential word
N_SUGGESTIONS = 5
# A skills-box phrase that does not read as a job title is taken as one only when a labelled title is this
# close (cosine): "retail" 0.73, "housekeeping" 0.74, "daycare" 0.68; "fast learner" 0.36 (see _either).
UNTITLED_MIN_SIMILARITY = 0.5
N_CANDIDATES = 48

# Words people add around a skill or title that say nothing about which one it is.
NOISE_WORDS = frozenset([
    "procedure", "technique", "principle", "basics", "intro", "introduction", "fundamental", "accuracy",
    "applied", "operation", "operating", "a", "al",
    "exp", "experience", "experienced", "expert", "yr", "yrs", "year", "years", "month", "months", "mo", "mos",
    "hr", "hrs", "hour", "hours", "training", "trained", "course", "courses", "skill", "skills", "knowledge",
    "proficient", "proficiency", "familiar", "familiarity", "good", "strong", "excellent", "basic", "level",
    "current", "valid", "active", "able", "ability", "with", "in", "of", "the", "and", "or", "to",
    "at", "for", "on", "an", "have", "has", "had", "i", "im", "my", "me", "some", "using", "use", "work",
    "working", "de", "del", "la", "el", "los", "las", "y", "en", "con", "para", "por", "un", "una", "tengo", "mi",
    "curso", "experiencia", "anos", "nivel",
    # How well, not what: "fast and accurate data entry", "efficient cash handling".
    "fast", "accurate", "accurately", "efficient", "efficiently", "reliable", "effective", "effectively",
    "thorough", "extensive", "exceptional", "outstanding", "superior", "great",
])
# Words that say a credential is held ("forklift certified", "OSHA 10 card", "licencia de montacargas"):
# dropped from the key like noise, but remembered, since only they turn a skill into a credential.
CREDENTIAL_WORDS = frozenset([
    "cert", "certs", "certified", "certification", "certifications", "certificate", "certificates", "certificat",
    "card", "cards", "license", "licensed", "licence", "lic", "permit", "certificado", "certificacion", "tarjeta",
    "licencia", "credential", "credentials", "carnet", "certificada", "licenciado", "licenciada", "completed",
    "completion", "passed",
])
# Words that say how or where a skill is used, not which skill it is: "drywall repair", "hvac
# maintenance", "janitorial services", "pos systems". Beside a named skill they do not lower the
# partial score below GENERIC_PARTIAL; alone, or naming something else, they decide nothing.
GENERIC_WORDS = frozenset([
    "repair", "repairing", "installation", "installing", "install", "maintenance", "maintaining", "service",
    "servicing", "support", "supporting", "setup", "testing", "assistance", "assisting", "system",
    "residential", "commercial", "industrial", "general", "advanced", "performing", "providing", "job",
    "duty", "task", "monitoring",
])
GENERIC_PARTIAL = 0.9
# Long noise or credential words whose one-letter typos still count ("certifcation", "experiance").
_FUZZY_NOISE = tuple(w for w in NOISE_WORDS if len(w) >= 7)
_FUZZY_MARKERS = tuple(w for w in CREDENTIAL_WORDS if len(w) >= 7)

NUMBER_WORDS = {"one": "1", "two": "2", "three": "3", "four": "4", "five": "5", "ten": "10", "thirty": "30",
                "forty": "40", "uno": "1", "dos": "2", "diez": "10", "treinta": "30"}
ROMAN = {"ii": "2", "iii": "3", "iv": "4"}

_EXPERIENCE_RE = re.compile(r"\b\d+\s*\+?\s*(?:years?|yrs?|months?|mos?|anos?)\b")
_DOTTED_RE = re.compile(r"\b(?:[a-z]\.){2,}[a-z]?\b\.?")
_WPM_RE = re.compile(r"\b\d+\s*wpm\b")
_SPLIT_RE = re.compile(r"(?<=[a-z])(?=\d)|(?<=\d)(?=[a-z])")
_NON_WORD_RE = re.compile(r"[^a-z0-9]+")
# "BLS for healthcare", "GED in Spanish", "cocina para eventos": what follows says for whom, where or in
# which language, not which skill or credential it is.
_QUALIFIER_RE = re.compile(r"\s+(?:for|in|para|en)\s+", re.IGNORECASE)
_CONJUNCTION_RE = re.compile(r"\s*(?:[,;/&+]|\band\b|\bor\b|\by\b|\bo\b)\s*", re.IGNORECASE)

# Tiers: a lower tier wins when one key names several IDs.
_SKILL_TIERS = {"credential": 0, "entry_skill": 0, "skill": 1, "knowledge": 2, "technology": 3, "tool": 3}
_ESCO_TIER = 5  # ESCO alternative labels: below every curated and O*NET name


@dataclass(frozen=True)
class Match:
    """The outcome of normalizing one phrase."""

    text: str
    status: Literal["matched", "unmatched"]
    kind: MatchKind | None  # what the phrase names: a skill, a credential or an occupation
    id: str | None
    name: str | None
    confidence: float
    method: str  # exact | alias | fuzzy | partial | coder | context | ambiguous | employer | none
    suggestions: tuple[tuple[str, str, float], ...] = ()

    @property
    def matched(self) -> bool:
        return self.status == "matched"

    def to_dict(self) -> dict[str, object]:
        return {
            "text": self.text, "status": self.status, "kind": self.kind, "id": self.id, "name": self.name,
            "confidence": self.confidence, "method": self.method,
            "suggestions": [{"id": i, "name": n, "score": s, "kind": _kind_of_id(i)} for i, n, s in self.suggestions],
        }


def _kind_of_id(cid: str) -> MatchKind:
    if cid.startswith("cred:"):
        return "credential"
    return "occupation" if _SOC_ID_RE.match(cid) else "skill"


_SOC_ID_RE = re.compile(r"^\d{2}-\d{4}\.\d{2}$")


# --------------------------------------------------------------------------- folding


class Folder:
    """Turns text into the token list both the index and the queries are keyed on."""

    def __init__(self, abbreviations: Mapping[str, str]) -> None:
        self.abbreviations = {k: v.split() for k, v in abbreviations.items()}
        self._noise_cache: dict[str, bool] = {}
        self._marker_cache: dict[str, bool] = {}

    def tokens(self, text: str) -> list[str]:
        """The key tokens (credential words dropped)."""
        return self.fold(text)[0]

    def fold(self, text: str) -> tuple[list[str], bool]:
        """(key tokens, whether the phrase carried a credential word such as "certified")."""
        raw = self._raw_tokens(text)
        marked = any(self._is_marker(t) for t in raw)
        return [t for t in raw if not self._is_marker(t) and not self._is_noise(t)], marked

    def _raw_tokens(self, text: str) -> list[str]:
        text = unicodedata.normalize("NFKD", text.lower())
        text = "".join(ch for ch in text if not unicodedata.combining(ch))
        text = _DOTTED_RE.sub(lambda m: m.group(0).replace(".", ""), text)  # "C.N.A." -> "cna"
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
        return out

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

    def _is_marker(self, tok: str) -> bool:
        if tok in CREDENTIAL_WORDS:
            return True
        if len(tok) < 7:
            return False
        cached = self._marker_cache.get(tok)
        if cached is None:
            cached = any(fuzz.ratio(tok, w) >= 90 for w in _FUZZY_MARKERS)
            if len(self._marker_cache) < 50_000:
                self._marker_cache[tok] = cached
        return cached

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

    def __init__(self, entries: Iterable[tuple[str, list[str], int, bool]]) -> None:
        """``entries``: (id, folded tokens of one name or alias, tier, also a fuzzy key?)."""
        # key -> {id: best (lowest) tier}
        self.exact: dict[str, dict[str, int]] = defaultdict(dict)
        self.collapsed: dict[str, dict[str, int]] = defaultdict(dict)
        self.sorted: dict[str, dict[str, int]] = defaultdict(dict)
        fuzzy: dict[str, dict[str, int]] = defaultdict(dict)
        self.max_tokens = 1
        for cid, toks, tier, in_fuzzy in entries:
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

    @functools.cached_property
    def _grams(self) -> tuple[dict[str, np.ndarray], np.ndarray]:
        """Trigram postings of the fuzzy keys, made on the first fuzzy look-up (an exact hit needs none)."""
        postings: dict[str, list[int]] = defaultdict(list)
        for i, key in enumerate(self.fuzzy_keys):
            for gram in _trigrams(key):
                postings[gram].append(i)
        counts = np.asarray([len(_trigrams(k)) for k in self.fuzzy_keys], dtype=np.float32)
        return {g: np.asarray(v, dtype=np.int32) for g, v in postings.items()}, counts

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
        postings, gram_counts = self._grams
        lists = [postings[g] for g in grams if g in postings]
        if not lists:
            return []
        shared = np.bincount(np.concatenate(lists), minlength=len(self.fuzzy_keys))
        dice = 2.0 * shared / (len(grams) + gram_counts)
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
    """Maps free-text skills, credentials and job titles to taxonomy IDs, saying which kind each names.

    ``threshold`` applies to skills and credentials; ``occupation_threshold`` to the
    title coder's calibrated confidence (default: the coder's own, chosen at build).
    The skill index is built on first use of a taxonomy (about 0.1 s) and shared by
    every Normalizer over that taxonomy; the title coder is loaded once per process.
    """

    def __init__(self, taxonomy: Taxonomy | None = None, threshold: float = DEFAULT_THRESHOLD, *,
                 coder: TitleCoder | None = None, occupation_threshold: float | None = None) -> None:
        for name, value in (("threshold", threshold), ("occupation_threshold", occupation_threshold)):
            if value is not None and not 0.0 <= value <= 1.0:
                raise ValidationError(f"{name} must be between 0 and 1", field=name)
        self.taxonomy = taxonomy if taxonomy is not None else load_taxonomy()
        self.threshold = threshold
        self._coder = coder
        self._occupation_threshold = occupation_threshold
        tables = _tables(self.taxonomy)
        self.folder = tables.folder
        self._skill_index = tables.skills
        self._marked_index = tables.marked
        self._implied_by = tables.implied_by
        self._context = tables.context
        self._employers = tables.employers
        self._name_cache = tables.name_words

    @property
    def coder(self) -> TitleCoder:
        """The title coder, loaded on first use (a phrase that is an exact skill never needs it)."""
        if self._coder is None:
            self._coder = load_coder()
        return self._coder

    @property
    def occupation_threshold(self) -> float:
        return self._occupation_threshold if self._occupation_threshold is not None else self.coder.threshold_

    # ------------------------------------------------------------------ public API

    def normalize_skill(self, text: str, *, sector: str | None = None) -> Match:
        """A skill or credential. ``sector`` (a program's) settles phrases that depend on it."""
        return self.normalize(text, kind="skill", sector=sector)

    def normalize_occupation(self, text: str) -> Match:
        """A job title, through the title coder."""
        return self.normalize(text, kind="occupation")

    def normalize(self, text: str, kind: Kind = "any", *, sector: str | None = None) -> Match:
        """Resolve one phrase. Raises ValidationError(field="text") for empty or over-long text.

        ``kind="skill"`` looks among skills and credentials, ``"occupation"`` codes a job
        title, ``"any"`` (a profile's skills box) does both: an exact skill or credential
        hit, else a confident job title, else a fuzzy skill match.
        """
        _check_text(text, field="text")
        if kind not in ("any", "skill", "occupation"):
            raise ValidationError(f"kind must be any, skill or occupation, not {kind!r}", field="kind")
        if kind == "occupation":
            return self._occupation(text)
        toks, marked = self.folder.fold(text)
        skill = self._skill(text, toks, marked, sector)
        if kind == "skill":
            return skill
        return self._either(text, skill, marked)

    def _either(self, text: str, skill: Match, marked: bool) -> Match:
        """A skills-box phrase: a skill or credential, or a job title (which counts as work history).

        In order: an employer's name stays unmatched (with its common jobs); a phrase with a
        credential word that found a credential is it; an exact skill hit; a job title seen
        verbatim; an exact technology or tool name; a confident title that reads as one (it has
        a word such as "operator", "cook" or "aide"); a fuzzy skill, unless the phrase reads as a
        title the coder was unsure of ("mechanic" is not the knowledge area "Mechanical": it stays
        unmatched, its occupations first among the suggestions); any confident title when no
        skill comes close and some labelled title is (``UNTITLED_MIN_SIMILARITY``: the coder's
        confidence is the chance its code is right for a job title; "fast learner", coded towards
        "fast food" from one of its words while its closest labelled title is far, is not taken
        for work history).
        """
        if skill.method == "employer":
            return skill
        if marked and skill.kind == "credential":
            return skill
        strong = skill.matched and skill.method in ("exact", "alias", "context")
        if strong and self.taxonomy.skills[skill.id or ""].kind not in ("technology", "tool"):
            return skill
        occ, closest = self._coded_occupation(text)
        if occ.matched and occ.method == "exact":
            return occ  # "welder" is a job title before it is O*NET's tool "Welders"
        if strong:
            return skill
        title_like = self.coder.looks_like_title(text)
        if occ.matched and title_like:
            return occ
        if skill.matched and not (title_like and skill.method == "fuzzy" and occ.suggestions):
            return skill
        if occ.matched and not skill.suggestions and closest >= UNTITLED_MIN_SIMILARITY:
            return occ  # "retail": no skill is near, the coder is sure, and a labelled title is close
        suggestions = _merge_suggestions(skill.suggestions, occ.suggestions)
        method = skill.method if skill.method == "ambiguous" else occ.method
        return Match(text, "unmatched", None, None, None, max(skill.confidence, occ.confidence), method, suggestions)

    def normalize_many(self, texts: Sequence[str], kind: Kind = "any", *, sector: str | None = None) -> list[Match]:
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
        return [self.normalize(text, kind, sector=sector) for text in texts]

    # ------------------------------------------------------------------ occupations

    def _occupation(self, text: str) -> Match:
        return self._coded_occupation(text)[0]

    def _coded_occupation(self, text: str) -> tuple[Match, float]:
        """The phrase as a job title, and how close its closest labelled title is (cosine; 0 for none)."""
        toks = self.folder.tokens(text)
        employer = self._employers.get(" ".join(toks))
        if employer is not None:
            suggestions = tuple((c, self._occupation_name(c), 0.0) for c in employer)
            return Match(text, "unmatched", None, None, None, 0.0, "employer", suggestions), 0.0
        rest = self._without_employer(toks)
        coded = self.coder.code(" ".join(rest) if rest is not None else text, top=N_SUGGESTIONS)
        best = coded.best
        suggestions = tuple((c.code, self._occupation_name(c.code), c.confidence) for c in coded.candidates
                            if c.code in self.taxonomy.occupations)
        if best is None or best.code not in self.taxonomy.occupations:
            return Match(text, "unmatched", None, None, None, 0.0, "none", suggestions), coded.similarity
        exact = coded.similarity >= 0.999
        if best.confidence >= self.occupation_threshold:
            return Match(text, "matched", "occupation", best.code, self._occupation_name(best.code),
                         best.confidence, "exact" if exact else "coder"), coded.similarity
        method = "ambiguous" if exact and len(coded.candidates) > 1 else "none"
        return Match(text, "unmatched", None, None, None, best.confidence, method, suggestions), coded.similarity

    def _without_employer(self, toks: list[str]) -> list[str] | None:
        """The title without an employer's name in it ("package handler at UPS" -> "package handler")."""
        n = len(toks)
        for size in (3, 2, 1):
            for start in range(n - size + 1):
                if " ".join(toks[start:start + size]) in self._employers and n > size:
                    return toks[:start] + toks[start + size:]
        return None

    def _occupation_name(self, code: str) -> str:
        return self.taxonomy.occupations[code].title

    # ------------------------------------------------------------------ skills and credentials

    def _skill(self, text: str, toks: list[str], marked: bool, sector: str | None, *, parts: bool = True) -> Match:
        if not toks:
            return Match(text, "unmatched", None, None, None, 0.0, "none")
        if sector is not None:
            cid = self._context.get((str(getattr(sector, "value", sector)), " ".join(toks)))
            if cid is not None:
                return self._matched(text, cid, 1.0, "context")
        if marked:
            hit = self._exact(text, toks, self._marked_index)
            if hit is not None:
                return hit
        hit = self._exact(text, toks, self._skill_index)
        if hit is not None:
            return self._credential_if_marked(hit, marked)
        employer = self._employers.get(" ".join(toks))
        if employer is not None:
            suggestions = tuple((c, self._occupation_name(c), 0.0) for c in employer)
            return Match(text, "unmatched", None, None, None, 0.0, "employer", suggestions)

        long_enough = len("".join(toks)) >= MIN_FUZZY_KEY_LENGTH
        candidates = self._skill_index.fuzzy(toks, N_SUGGESTIONS + 3) if long_enough else []
        if marked and long_enough:
            # With a credential word, a skill one credential implies stands for that credential.
            merged: dict[str, tuple[str, float, int]] = {}
            for cid, score, tier in candidates + self._marked_index.fuzzy(toks, N_SUGGESTIONS + 3):
                creds = self._implied_by.get(cid, ())
                cid = creds[0] if len(creds) == 1 else cid
                if cid not in merged or (score, -tier) > (merged[cid][1], -merged[cid][2]):
                    merged[cid] = (cid, score, tier)
            candidates = sorted(merged.values(), key=lambda c: (-c[1], c[2], c[0]))
        partial = self._partial(toks, [self._skill_index, self._marked_index] if marked else [self._skill_index])
        # Without a credential word a credential's name must be typed nearly right: "pre apprenticeship"
        # is not "BOLI pre apprenticeship". Product names (O*NET technologies, tools) likewise.
        candidates = [c for c in candidates if self._fuzzy_ok(toks, c, marked)]
        best: tuple[str, float, str] | None = None
        if candidates:
            cid, score, _ = candidates[0]
            # Two different IDs tied at the top (same score, same tier) is ambiguity, not a match.
            tied = len(candidates) > 1 and candidates[1][1:] == candidates[0][1:] and candidates[1][0] != cid
            if not tied:
                best = (cid, score, "fuzzy")
        if partial is not None and (best is None or partial[1] > best[1]):
            best = partial
        if best is not None and best[1] >= self.threshold:
            return self._credential_if_marked(self._matched(text, best[0], round(best[1], 3), best[2]), marked)
        if parts:
            qualified = self._qualified(text, toks, marked)
            if qualified is not None:
                return qualified
            joined = self._conjuncts(text, marked, sector)
            if joined is not None:
                return joined

        suggestions = self._suggestions(toks, candidates, partial)
        return Match(text, "unmatched", None, None, None, round(best[1], 3) if best else 0.0, "none", suggestions)

    def _qualified(self, text: str, toks: list[str], marked: bool) -> Match | None:
        """A named skill or credential and what it is for: "BLS for healthcare", "GED in Spanish".

        Only when the words before the first "for" / "in" name one ID exactly (so "training for
        forklift" is not "training"); the rest then decides nothing, as generic words do.
        """
        head = _QUALIFIER_RE.split(text, maxsplit=1)[0]
        head_toks = self.folder.tokens(head)
        if head == text or not head_toks or len(head_toks) >= len(toks):
            return None
        hit = self._exact(head, head_toks, self._skill_index)
        if hit is None or not hit.matched or hit.id is None:
            return None
        return self._credential_if_marked(self._matched(text, hit.id, GENERIC_PARTIAL, "partial"), marked)

    def _conjuncts(self, text: str, marked: bool, sector: str | None) -> Match | None:
        """A phrase joining ways of doing one skill: "blueprint and schematic reading", "concrete
        pouring and finishing". The parts are read alone, and with the words they share distributed
        ("blueprint reading", "schematic reading"); when the parts that resolve all name one ID and
        each other part has it among its suggestions, the phrase is that ID. Parts naming different
        things ("forklift and welding") leave the phrase unmatched (profile resolution splits lists).
        """
        raw = [part for part in _CONJUNCTION_RE.split(text) if part.strip()]
        if len(raw) < 2:
            return None
        folded = [self.folder.tokens(part) for part in raw]
        if any(not toks for toks in folded):
            return None
        readings = [folded]
        if len(folded[-1]) >= 2 and all(len(t) == 1 for t in folded[:-1]):
            readings.append([t + folded[-1][1:] for t in folded[:-1]] + [folded[-1]])
        if len(folded[0]) >= 2 and all(len(t) == 1 for t in folded[1:]):
            readings.append([folded[0]] + [folded[0][:-1] + t for t in folded[1:]])
        for reading in readings:
            found = [self._skill(" ".join(toks), toks, marked, sector, parts=False) for toks in reading]
            ids = {m.id for m in found if m.matched}
            if len(ids) != 1:
                continue
            cid = ids.pop()
            if cid is None or not all(m.matched or cid in {s[0] for s in m.suggestions} for m in found):
                continue
            confidence = min(m.confidence for m in found if m.matched)
            return self._credential_if_marked(self._matched(text, cid, confidence, "partial"), marked)
        return None

    def _exact(self, text: str, toks: list[str], index: _Index) -> Match | None:
        hit = index.lookup(toks)
        if hit is None:
            return None
        ids, how = hit
        best_tier = min(ids.values())
        winners = sorted(cid for cid, tier in ids.items() if tier == best_tier)
        if len(winners) > 1:
            suggestions = tuple((cid, self._name(cid), 1.0) for cid in winners[:N_SUGGESTIONS])
            return Match(text, "unmatched", None, None, None, 0.0, "ambiguous", suggestions)
        cid = winners[0]
        method = "exact" if self._name_words(cid)[0] == frozenset(toks) and len(set(toks)) == len(toks) else "alias"
        return self._matched(text, cid, 1.0 if how == "exact" else 0.97, method)

    def _fuzzy_ok(self, toks: list[str], candidate: tuple[str, float, int], marked: bool) -> bool:
        """Whether a fuzzy candidate may be the answer, not just a suggestion.

        A product name (O*NET technology or tool) must share a word with the phrase or be a
        typo of it ("salesforce" is "Salesforce software"; "driver" is not "Google Drive").
        Without a credential word, a credential whose name is the phrase plus more words is
        not meant: "pre apprenticeship" is not "BOLI pre apprenticeship".
        """
        cid, score, _ = candidate
        kind = self.taxonomy.skills[cid].kind
        words = {t for t in toks if len(t) >= 3}
        name_words = self._name_words(cid)
        if kind in ("technology", "tool"):
            return score >= STRICT_FUZZY or any(words & nw for nw in name_words)
        if kind == "credential" and not marked:
            if any(set(toks) < nw for nw in name_words):
                return False
            # Its acronym typed as another word is not it: "pipe soldering" is not "IPC soldering".
            phrase = set(toks)
            sharing = [nw for nw in name_words if nw & words]
            return score >= STRICT_FUZZY or not sharing or any(
                not {t for t in nw - phrase if len(t) <= 4 and t.isalpha()} for nw in sharing)
        return True

    def _name_words(self, cid: str) -> list[frozenset[str]]:
        """The folded words of an ID's name and of each alias (cached: candidates repeat)."""
        cache = self._name_cache
        found = cache.get(cid)
        if found is None:
            skill = self.taxonomy.skills[cid]
            found = [frozenset(self.folder.tokens(n)) for n in (skill.name, *skill.aliases)]
            if len(cache) < 20_000:
                cache[cid] = found
        return found

    def _credential_if_marked(self, match: Match, marked: bool) -> Match:
        """"forklift certified": the skill named, with a credential word, is the one credential implying it."""
        if not (marked and match.matched and match.kind == "skill" and match.id):
            return match
        creds = self._implied_by.get(match.id, ())
        if len(creds) != 1:
            return match
        return self._matched(match.text, creds[0], match.confidence, match.method)

    def _partial(self, toks: list[str], indexes: list[_Index]) -> tuple[str, float, str] | None:
        """An ID named by runs of the phrase's tokens, scored by the share of letters it covers.

        "html/css" covers all of skill:coding-basics; "drywall installation work" most of
        skill:drywall. A phrase that also names something else outside those runs returns None.
        """
        n = len(toks)
        if n < 2:
            return None
        covered: dict[str, set[int]] = defaultdict(set)
        for index in indexes:
            for size in range(min(n - 1, index.max_tokens), 0, -1):
                for start in range(n - size + 1):
                    hit = index.exact.get(" ".join(toks[start:start + size]))
                    if not hit:
                        continue
                    best_tier = min(hit.values())
                    winners = [c for c, t in hit.items() if t == best_tier]
                    if len(winners) == 1:
                        covered[winners[0]].update(range(start, start + size))
        generic = {i for i, t in enumerate(toks) if t in GENERIC_WORDS}
        # A hit on generic words alone ("installation", O*NET's Installation) does not name the skill.
        covered = {c: pos for c, pos in covered.items() if not pos <= generic}
        if not covered:
            return None
        letters = [len(t) for t in toks]
        cid, positions = max(covered.items(), key=lambda kv: (sum(letters[i] for i in kv[1]), kv[0]))
        for other, pos in covered.items():
            if other != cid and not pos <= positions:
                return None  # two different things named in one phrase: do not pick one
        share = sum(letters[i] for i in positions) / sum(letters)
        # Covering 80% of the letters scores about 0.89; all of them (two aliases of one ID) 0.95.
        score = min(0.95, share ** 0.5)
        if set(range(n)) - positions <= generic:
            score = max(score, GENERIC_PARTIAL)  # "drywall repair": the skill and how it is used
        return cid, score, "partial"

    def _matched(self, text: str, cid: str, confidence: float, method: str) -> Match:
        kind: MatchKind = "credential" if self.taxonomy.skills[cid].kind == "credential" else "skill"
        return Match(text, "matched", kind, cid, self._name(cid), confidence, method)

    def _suggestions(self, toks: list[str], candidates: list[tuple[str, float, int]],
                     partial: tuple[str, float, str] | None) -> tuple[tuple[str, str, float], ...]:
        """Close names that share a word with the phrase, or are one slip away from it.

        Letters alone are not meaning: "walmart" is not "laryngeal mask airway", "amazon"
        is not "Amazon Kinesis" (an employer is answered with its common jobs instead).
        """
        scored: dict[str, float] = {}
        if partial is not None:
            scored[partial[0]] = partial[1]
        words = {t for t in toks if len(t) >= 3}
        for cid, score, _ in candidates:
            shares_word = bool(words & self._name_words(cid)[0])
            if score >= TYPO_SCORE or (shares_word and score >= SUGGESTION_FLOOR):
                scored[cid] = max(score, scored.get(cid, 0.0))
        ranked = sorted(scored.items(), key=lambda kv: (-kv[1], kv[0]))
        return tuple((cid, self._name(cid), round(s, 3)) for cid, s in ranked[:N_SUGGESTIONS])

    def _name(self, cid: str) -> str:
        return self.taxonomy.skills[cid].name


@dataclass(frozen=True)
class _Tables:
    folder: Folder
    skills: _Index
    marked: _Index
    implied_by: dict[str, tuple[str, ...]]
    context: dict[tuple[str, str], str]
    employers: dict[str, tuple[str, ...]]
    name_words: dict[str, list[frozenset[str]]] = field(default_factory=dict)  # filled as names are asked for


# Bumped whenever folding or the index entries change: a shipped key file of another version is ignored.
FOLD_VERSION = 3
KEYS_FILE = "skill_keys.json.gz"
_Entry = tuple[str, list[str], int, bool]


def folded_entries(taxonomy: Taxonomy) -> dict[str, list[_Entry]]:
    """Every skill name and alias folded, split into the main index and the credential-word one.

    ``scripts/build_taxonomy.py`` ships this as ``skill_keys.json.gz`` so that a process
    does not fold 6,000 names at start-up (a test checks the shipped file is current).
    """
    folder = Folder(taxonomy.abbreviations)
    main: list[_Entry] = []
    marked: list[_Entry] = []
    for cid, text, tier, in_fuzzy in _skill_entries(taxonomy):
        toks, has_marker = folder.fold(text)
        # "Welding certification": a credential only beside such a word.
        target = marked if has_marker and taxonomy.skills[cid].kind == "credential" else main
        target.append((cid, toks, tier, in_fuzzy))
    for s in taxonomy.skills.values():
        marked.extend((s.id, folder.tokens(alias), 0, True) for alias in s.marked_aliases)
    return {"main": main, "marked": marked}


def keys_document(taxonomy: Taxonomy) -> dict[str, object]:
    entries = folded_entries(taxonomy)
    return {"fold_version": FOLD_VERSION, "taxonomy_version": taxonomy.version,
            **{name: [[cid, " ".join(toks), tier, int(fz)] for cid, toks, tier, fz in rows]
               for name, rows in entries.items()}}


def _shipped_entries(taxonomy: Taxonomy) -> dict[str, list[_Entry]] | None:
    folder = taxonomy.source_dir
    path = folder / KEYS_FILE if folder is not None else None
    if path is None or not path.is_file():
        return None
    try:
        doc = json.loads(gzip.decompress(path.read_bytes()))
        if doc.get("fold_version") != FOLD_VERSION or doc.get("taxonomy_version") != taxonomy.version:
            return None
        return {name: [(cid, keys.split(), int(tier), bool(fz)) for cid, keys, tier, fz in doc[name]]
                for name in ("main", "marked")}
    except (OSError, ValueError, KeyError, TypeError, EOFError):
        return None  # fold at run time instead: slower, same answers


@functools.lru_cache(maxsize=4)
def _tables(taxonomy: Taxonomy) -> _Tables:
    """Build the skill indexes once per taxonomy; every Normalizer over it (any threshold) shares them."""
    folder = Folder(taxonomy.abbreviations)
    entries = _shipped_entries(taxonomy) or folded_entries(taxonomy)
    implied: dict[str, list[str]] = defaultdict(list)
    for s in taxonomy.skills.values():
        for sid in s.implies:
            implied[sid].append(s.id)
    context = {(sector, " ".join(folder.tokens(phrase))): cid for phrase, sector, cid in taxonomy.context_aliases}
    employers = {" ".join(folder.tokens(name)): codes for name, codes in taxonomy.employers.items()}
    return _Tables(folder, _Index(entries["main"]), _Index(entries["marked"]),
                   {k: tuple(sorted(v)) for k, v in implied.items()}, context, employers)


def _skill_entries(taxonomy: Taxonomy) -> Iterable[tuple[str, str, int, bool]]:
    vendors = _vendors(s.name for s in taxonomy.skills.values() if s.kind == "technology")
    for s in taxonomy.skills.values():
        tier = _SKILL_TIERS.get(s.kind, 4)
        yield s.id, s.name, tier, True
        for alias in s.aliases:
            yield s.id, alias, tier, True
        for alias in s.esco_aliases:
            yield s.id, alias, _ESCO_TIER, True
        if s.kind in ("technology", "tool"):
            for derived in _derived_names(s.name, vendors):
                yield s.id, derived, tier, True


def _merge_suggestions(*groups: tuple[tuple[str, str, float], ...]) -> tuple[tuple[str, str, float], ...]:
    seen: dict[str, tuple[str, str, float]] = {}
    for group in groups:
        for item in group:
            seen.setdefault(item[0], item)
    return tuple(seen.values())[:N_SUGGESTIONS]


def _check_text(text: object, *, field: str) -> None:
    if not isinstance(text, str):
        raise ValidationError(f"text must be a string, not {type(text).__name__}", field=field)
    if not text.strip():
        raise ValidationError("text is empty", field=field)
    if len(text) > MAX_TEXT_LENGTH:
        raise ValidationError(f"text is longer than {MAX_TEXT_LENGTH} characters ({len(text)})", field=field)
