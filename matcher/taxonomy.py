"""The skills taxonomy: O*NET occupations, skills, technologies, tools and curated credentials.

Built by ``scripts/build_taxonomy.py`` into ``training_data/taxonomy/`` (see
``docs/taxonomy.md``); this module only loads it. IDs:

- O*NET skill/knowledge elements: their element ID (``2.B.3.a``)
- technology and tool examples: ``tech:<slug>`` / ``tool:<slug>``
- curated credentials and entry skills: ``cred:<slug>`` / ``skill:<slug>``
- occupations: O*NET-SOC 2019 codes (``53-7062.00``)
"""

from __future__ import annotations

import csv
import functools
import gzip
import io
import json
import zipfile
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

import numpy as np
from rapidfuzz import fuzz, process, utils

from .errors import DataError, FieldProblem, NotFoundError
from .paths import data_dir
from .records import EducationLevel, Program

REBUILD_HINT = "rebuild it with: python scripts/build_taxonomy.py --source ../shared/data --out training_data/taxonomy"

# An element counts as one an occupation "uses" when its O*NET importance is at
# least 3.5 on the 1-5 scale ("important" or more), i.e. 0.625 once rescaled.
USES_ELEMENT_MIN_IMPORTANCE = 0.625



@dataclass(frozen=True)
class Skill:
    """One skill, knowledge area, technology, tool, credential or entry skill."""

    id: str
    name: str
    kind: str
    aliases: tuple[str, ...] = ()
    occupations: tuple[str, ...] = ()
    description: str = ""
    category: str = ""  # O*NET commodity title for technology/tool examples
    hot: bool = False  # O*NET "Hot Technology"
    # Phrases that name this credential only beside a word such as "certified", "card" or "license"
    # ("forklift" + "certified"): on their own they name the skill, not the credential.
    marked_aliases: tuple[str, ...] = ()
    implies: tuple[str, ...] = ()  # skills a holder of this credential has (cred:forklift -> skill:forklift)
    esco_aliases: tuple[str, ...] = ()  # ESCO alternative labels of a mapped ESCO concept


@dataclass(frozen=True)
class Occupation:
    """One O*NET-SOC 2019 occupation."""

    code: str
    title: str
    job_zone: int | None
    typical_education: EducationLevel | None
    description: str
    soc2018: str | None
    soc2018_title: str | None = None
    alternate_titles: tuple[str, ...] = ()
    reported_titles: tuple[str, ...] = ()
    related: tuple[str, ...] = ()
    aliases: tuple[str, ...] = field(default=(), repr=False)  # curated, incl. Spanish


class Taxonomy:
    """Read-only view of the built taxonomy."""

    def __init__(
        self,
        *,
        manifest: Mapping[str, Any],
        skills: Mapping[str, Skill],
        occupations: Mapping[str, Occupation],
        matrix_codes: list[str],
        element_ids: list[str],
        importance: np.ndarray,
        level: np.ndarray,
        soc_cip: list[tuple[str, str, str]],
        abbreviations: Mapping[str, str],
        employers: Mapping[str, list[str]] | None = None,
        context_aliases: list[dict[str, str]] | None = None,
        source_dir: Path | None = None,
    ) -> None:
        self.manifest = MappingProxyType(dict(manifest))
        self.source_dir = source_dir  # the folder it was loaded from (None when built in memory)
        self.version: str = manifest["taxonomy_version"]
        self.onet_release: str = manifest["onet_release"]
        self.skills: Mapping[str, Skill] = MappingProxyType(dict(skills))
        self.occupations: Mapping[str, Occupation] = MappingProxyType(dict(occupations))
        self.abbreviations: Mapping[str, str] = MappingProxyType(dict(abbreviations))
        # Employer name -> occupations to suggest when a person types only the name ("walmart").
        self.employers: Mapping[str, tuple[str, ...]] = MappingProxyType(
            {name: tuple(codes) for name, codes in (employers or {}).items()})
        # (phrase, sector, id): what a phrase means in a program of that sector.
        self.context_aliases: tuple[tuple[str, str, str], ...] = tuple(
            (c["phrase"], c["sector"], c["id"]) for c in (context_aliases or []))
        self._codes = list(matrix_codes)
        self._element_ids = list(element_ids)
        self._importance = importance
        self._level = level
        self._importance.setflags(write=False)
        self._level.setflags(write=False)
        self._cip_by_soc: dict[str, list[str]] = defaultdict(list)
        self._soc_by_cip: dict[str, list[str]] = defaultdict(list)
        self.cip_titles: Mapping[str, str] = MappingProxyType({cip: title for _, cip, title in soc_cip})
        for soc, cip, _ in soc_cip:
            self._cip_by_soc[soc].append(cip)
            self._soc_by_cip[cip].append(soc)
        self._by_soc2018: dict[str, list[str]] = defaultdict(list)
        for occ in self.occupations.values():
            if occ.soc2018:
                self._by_soc2018[occ.soc2018].append(occ.code)

    # ------------------------------------------------------------------ lookups

    def skill(self, skill_id: str) -> Skill:
        try:
            return self.skills[skill_id]
        except KeyError:
            raise NotFoundError(f"unknown skill id {skill_id!r}", field="skill_id") from None

    def occupation(self, code: str) -> Occupation:
        try:
            return self.occupations[code]
        except KeyError:
            raise NotFoundError(f"unknown occupation code {code!r}", field="occupation") from None

    def related_occupations(self, code: str) -> list[str]:
        return list(self.occupation(code).related)

    def alternate_titles(self, code: str) -> list[str]:
        return list(self.occupation(code).alternate_titles)

    def occupation_element_matrix(self) -> tuple[list[str], list[str], np.ndarray, np.ndarray]:
        """(occupation codes, element IDs, importance, level): float32 [n_occ, n_el], each 0..1.

        Only the 879 occupations O*NET has rated appear. The arrays are read-only.
        """
        return list(self._codes), list(self._element_ids), self._importance, self._level

    def top_elements(self, code: str, limit: int = 10) -> list[tuple[Skill, float, float]]:
        """The occupation's most important skill/knowledge elements: (skill, importance, level)."""
        self.occupation(code)
        try:
            row = self._codes.index(code)
        except ValueError:
            return []
        order = np.argsort(-self._importance[row], kind="stable")[:limit]
        return [(self.skills[self._element_ids[j]], float(self._importance[row, j]), float(self._level[row, j]))
                for j in order]

    # ------------------------------------------------------------------ crosswalks

    def cip_codes_for(self, soc: str) -> list[str]:
        """CIP 2020 codes of programs that prepare for a SOC 2018 (``53-7062``) or O*NET-SOC code."""
        soc = soc.strip()
        if len(soc) == 10 and soc in self.occupations:
            soc = self.occupations[soc].soc2018 or soc[:7]
        return list(self._cip_by_soc.get(soc[:7], []))

    def occupations_for_cip(self, cip: str) -> list[str]:
        """O*NET-SOC codes of the occupations a CIP 2020 program (``51.3902``) leads to."""
        codes: list[str] = []
        for soc in self._soc_by_cip.get(cip.strip(), []):
            codes.extend(self._by_soc2018.get(soc, []))
        return sorted(codes)

    def suggest_ids(self, wrong: str, want: str = "skill", limit: int = 3) -> tuple[str, ...]:
        """Known IDs closest to a wrong one: by the normalizer on its words, then by its letters.

        ``cred:forklift-operator`` → ``cred:forklift``; ``tool:forklift`` → ``skill:forklift``,
        ``tool:forklifts``; ``want="occupation"`` suggests O*NET-SOC codes.
        """
        from rapidfuzz import process

        if want == "occupation":
            # Codes are hierarchical: the closest are those sharing the longest leading part (53-70...).
            code = wrong.strip()

            def shared(c: str) -> int:
                n = 0
                while n < min(len(c), len(code)) and c[n] == code[n]:
                    n += 1
                return n

            ranked = sorted(self.occupations, key=lambda c: (-shared(c), c))
            return tuple(c for c in ranked[:limit] if shared(c) >= 3)
        out: list[str] = []
        prefix, _, rest = wrong.partition(":")
        words = (rest or prefix).replace("-", " ").replace("_", " ").strip()
        if words:
            from .normalize import Normalizer

            phrase = f"{words} certification" if prefix == "cred" or want == "credential" else words
            match = Normalizer(self).normalize_skill(phrase[:200])
            if match.id:
                out.append(match.id)
            out.extend(sid for sid, _, _ in match.suggestions)
        ids = [s for s in self.skills if want != "credential" or self.skills[s].kind == "credential"]
        out.extend(sid for sid, _, _ in process.extract(wrong.lower(), ids, scorer=fuzz.ratio, limit=limit,
                                                        score_cutoff=70))
        kept = [sid for sid in dict.fromkeys(out)
                if want != "credential" or self.skills[sid].kind == "credential"]
        return tuple(kept[:limit])

    # ------------------------------------------------------------------ search (for people, not the matcher)

    def search_skills(self, query: str, limit: int = 10) -> list[tuple[Skill, float]]:
        """Skills whose name or alias contains the query, then fuzzy matches; (skill, score 0..1)."""
        choices = self._skill_choices
        return [(self.skills[sid], score) for sid, score in _search(query, choices, limit)]

    def search_occupations(self, query: str, limit: int = 10) -> list[tuple[Occupation, float]]:
        """Occupations whose title (or a common/alternate title) contains the query, then fuzzy matches."""
        choices = self._occupation_choices
        return [(self.occupations[code], score) for code, score in _search(query, choices, limit)]

    @functools.cached_property
    def _skill_choices(self) -> list[tuple[str, str, int]]:
        """(skill id, searchable text, tier): curated first, then O*NET elements, then tech/tools."""
        out = []
        for s in self.skills.values():
            tier = _SKILL_TIER.get(s.kind, 3)
            out.append((s.id, s.name, tier))
            out.extend((s.id, alias, tier) for alias in s.aliases)
        return [(cid, utils.default_process(text), tier) for cid, text, tier in out]

    @functools.cached_property
    def _occupation_choices(self) -> list[tuple[str, str, int]]:
        """(code, searchable text, tier): official title, then common titles, then alternate titles."""
        out = []
        for occ in self.occupations.values():
            out.append((occ.code, occ.title, 0))
            out.extend((occ.code, t, 1) for t in occ.aliases)
            out.extend((occ.code, t, 1) for t in occ.reported_titles)
            out.extend((occ.code, t, 2) for t in occ.alternate_titles)
        return [(cid, utils.default_process(text), tier) for cid, text, tier in out]


# --------------------------------------------------------------------------- checking IDs


# Program fields that hold taxonomy IDs, and what each must be.
PROGRAM_ID_FIELDS = (
    ("target_occupations", "occupation"),
    ("skills_taught", "skill"),
    ("credentials_awarded", "credential"),
    ("prerequisites.skills", "skill"),
)


def check_program_ids(program: Program, taxonomy: Taxonomy | None) -> list[FieldProblem]:
    """Every skill, credential and occupation ID of a program that the taxonomy does not know.

    One problem per bad ID, its field the dotted path with the item's index
    (``skills_taught.2``) and its ``suggestions`` the closest known IDs. An ID in
    ``credentials_awarded`` must name a credential (``cred:...``): a skill there is
    reported too. ``taxonomy=None`` (a caller with no taxonomy, such as a store
    reading back rows it validated on import) checks nothing and returns ``[]``.
    """
    if taxonomy is None:
        return []
    problems: list[FieldProblem] = []
    for path, want in PROGRAM_ID_FIELDS:
        value: Any = program
        for part in path.split("."):
            value = getattr(value, part)
        for i, item in enumerate(value):
            message = _id_problem(taxonomy, item, want)
            if message:
                # The message names two suggestions so it fits a table cell; all of them are in `suggestions`.
                hints = taxonomy.suggest_ids(item, want)
                hint = f"; did you mean {' or '.join(hints[:2])}?" if hints else ""
                problems.append(FieldProblem(field=f"{path}.{i}", message=message + hint, value=str(item)[:80],
                                             suggestions=hints))
    return problems


def _id_problem(taxonomy: Taxonomy, item: str, want: str) -> str | None:
    # The wrong ID itself is the problem's value (and its table column), so the message does not repeat it.
    if want == "occupation":
        return None if item in taxonomy.occupations else "unknown O*NET-SOC code"
    skill = taxonomy.skills.get(item)
    if skill is None:
        return "unknown credential ID" if want == "credential" else "unknown ID"
    if want == "credential" and skill.kind != "credential":
        return f"a {skill.kind.replace('_', ' ')}, not a credential (list it under skills_taught)"
    return None


_SKILL_TIER = {"credential": 0, "entry_skill": 0, "skill": 1, "knowledge": 1, "technology": 2, "tool": 2}


def _search(query: str, choices: list[tuple[str, str, int]], limit: int) -> list[tuple[str, float]]:
    """Rank ids: substring hits first (shorter, higher-tier text first), then fuzzy (WRatio) hits."""
    q = utils.default_process(query)
    if not q or limit <= 0:
        return []
    best: dict[str, float] = {}
    for cid, t, tier in choices:  # texts are already folded by default_process
        if q in t:
            # 1.0 for an exact hit; longer texts that merely contain the query rank lower.
            score = 1.0 if t == q else 0.9 - 0.1 * tier - min(0.3, (len(t) - len(q)) / 200)
            if score > best.get(cid, -1):
                best[cid] = score
    if len(best) < limit:
        texts = [t if len(t) >= 3 else "" for _, t, _ in choices]  # WRatio over-rates 1-2 letter names ("R")
        for _, score, idx in process.extract(q, texts, scorer=fuzz.WRatio, limit=limit * 5, score_cutoff=80):
            cid = choices[idx][0]
            value = 0.5 * score / 100  # always below substring hits
            if cid not in best or value > best[cid]:
                best[cid] = max(best.get(cid, 0.0), value)
    ranked = sorted(best.items(), key=lambda kv: (-kv[1], kv[0]))
    return [(cid, round(score, 3)) for cid, score in ranked[:limit]]


# --------------------------------------------------------------------------- loading


def load_taxonomy(path: Path | None = None) -> Taxonomy:
    """Load the taxonomy from ``path`` (default ``data_dir()/"taxonomy"``, cached)."""
    if path is None:
        return _load_default(data_dir() / "taxonomy")
    return _load(Path(path))


@functools.lru_cache(maxsize=2)
def _load_default(folder: Path) -> Taxonomy:
    # Keyed by folder, so pointing MATCHER_DATA_DIR elsewhere loads that copy.
    return _load(folder)


def _load(folder: Path) -> Taxonomy:
    try:
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        skills_raw = json.loads(gzip.decompress((folder / "skills.json.gz").read_bytes()))
        occ_raw = json.loads(gzip.decompress((folder / "occupations.json.gz").read_bytes()))
        with np.load(folder / "occupation_elements.npz", allow_pickle=False) as npz:
            codes = [str(c) for c in npz["codes"]]
            element_ids = [str(e) for e in npz["element_ids"]]
            importance = np.asarray(npz["importance"], dtype=np.float32)
            level = np.asarray(npz["level"], dtype=np.float32)
        cip_text = gzip.decompress((folder / "soc_cip.csv.gz").read_bytes()).decode("utf-8")
        soc_cip = [(r["soc2018"], r["cip2020"], r["cip2020_title"]) for r in csv.DictReader(io.StringIO(cip_text))]
        abbreviations = json.loads((folder / "abbreviations.json").read_text(encoding="utf-8"))
        employers_path = folder / "employers.json"
        employers = json.loads(employers_path.read_text(encoding="utf-8")) if employers_path.is_file() else {}
        context_path = folder / "context_aliases.json"
        context = json.loads(context_path.read_text(encoding="utf-8")) if context_path.is_file() else []
    except FileNotFoundError as exc:
        raise DataError(f"taxonomy file missing: {exc.filename}; {REBUILD_HINT}", field="taxonomy") from None
    except (OSError, ValueError, KeyError, zipfile.BadZipFile, EOFError) as exc:
        raise DataError(f"taxonomy in {folder} is corrupt ({exc}); {REBUILD_HINT}", field="taxonomy") from None

    try:
        occupations = {o["code"]: _occupation(o) for o in occ_raw}
        uses = _occupations_using_elements(codes, element_ids, importance)
        skills = {}
        for s in skills_raw:
            occs = tuple(s["occupations"]) or uses.get(s["id"], ())
            aliases = tuple(s.get("aliases", [])) + tuple(s.get("aliases_es", []))
            skills[s["id"]] = Skill(id=s["id"], name=s["name"], kind=s["kind"], aliases=aliases, occupations=occs,
                                    description=s.get("description", ""), category=s.get("category", ""),
                                    hot=bool(s.get("hot", False)),
                                    marked_aliases=tuple(s.get("marked_aliases", [])),
                                    implies=tuple(s.get("implies", [])),
                                    esco_aliases=tuple(s.get("aliases_esco", [])))
        if importance.shape != (len(codes), len(element_ids)) or level.shape != importance.shape:
            raise ValueError("occupation/element matrix shape does not match its labels")
        return Taxonomy(manifest=manifest, skills=skills, occupations=occupations, matrix_codes=codes,
                        element_ids=element_ids, importance=importance, level=level, soc_cip=soc_cip,
                        abbreviations=abbreviations, employers=employers, context_aliases=context,
                        source_dir=folder)
    except (KeyError, TypeError, ValueError) as exc:
        raise DataError(f"taxonomy in {folder} is corrupt ({exc!r}); {REBUILD_HINT}", field="taxonomy") from None


def _occupation(o: dict[str, Any]) -> Occupation:
    edu = o.get("typical_education")
    return Occupation(
        code=o["code"], title=o["title"], job_zone=o.get("job_zone"),
        typical_education=EducationLevel(edu) if edu else None, description=o.get("description", ""),
        soc2018=o.get("soc2018"), soc2018_title=o.get("soc2018_title"),
        alternate_titles=tuple(o.get("alternate_titles", [])), reported_titles=tuple(o.get("reported_titles", [])),
        related=tuple(o.get("related", [])), aliases=tuple(o.get("aliases", [])),
    )


def _occupations_using_elements(codes: list[str], element_ids: list[str],
                                importance: np.ndarray) -> dict[str, tuple[str, ...]]:
    """O*NET elements carry no occupation list of their own: derive it from the importance ratings."""
    rows, cols = np.nonzero(importance >= USES_ELEMENT_MIN_IMPORTANCE)
    out: dict[str, list[str]] = defaultdict(list)
    for r, c in zip(rows.tolist(), cols.tolist()):
        out[element_ids[c]].append(codes[r])
    return {el: tuple(sorted(v)) for el, v in out.items()}
