#!/usr/bin/env python
"""Build the skills taxonomy shipped in ``training_data/taxonomy/``.

Reads the public O*NET release files and crosswalks (``../shared/data`` by
default) plus the project's curated files (``training_data/curated/``) and
writes compact, deterministic artifacts:

- ``occupations.json.gz``   occupations with titles, job zone, typical education,
                            SOC 2018 code, alternate/reported titles, related occupations
- ``skills.json.gz``        O*NET skill/knowledge elements, technology and tool
                            skills, curated credentials and entry skills
- ``occupation_elements.npz`` occupation x element importance and level (0..1)
- ``soc_cip.csv.gz``        SOC 2018 <-> CIP 2020 crosswalk (compact)
- ``abbreviations.json``    curated token abbreviations for the normalizer
- ``context_aliases.json`` phrases whose meaning depends on a program's sector
- ``employers.json``        curated employer names and the jobs to suggest when only a name is typed
- ``skill_keys.json.gz``    the normalizer's folded skill names and aliases (``matcher.normalize``)
- ``manifest.json``         versions, source sha256, counts
- ``ATTRIBUTION.md``        O*NET CC BY 4.0 attribution

Running it twice gives byte-identical files: inputs are read in a fixed order,
JSON is written with sorted keys, gzip headers carry mtime=0 and the .npz zip
entries a fixed date.

Usage::

    python scripts/build_taxonomy.py --source ../shared/data --out training_data/taxonomy
"""

from __future__ import annotations

import argparse
import csv
import gzip
import hashlib
import io
import json
import re
import sys
import zipfile
from collections import Counter, defaultdict
from collections.abc import Iterator
from pathlib import Path

import numpy as np

REPO_ROOT = Path(__file__).resolve().parent.parent


def default_source() -> Path:
    """The shared data folder: the first ``shared/data`` beside this repository or one of its parents."""
    for parent in REPO_ROOT.parents:
        if (parent / "shared" / "data").is_dir():
            return parent / "shared" / "data"
    return REPO_ROOT.parent / "shared" / "data"


DEFAULT_SOURCE = default_source()
DEFAULT_OUT = REPO_ROOT / "training_data" / "taxonomy"
CURATED = REPO_ROOT / "training_data" / "curated"

TAXONOMY_VERSION = "1.1.0"
# Fixed so that rebuilding from the same inputs gives the same bytes.
BUILD_DATE = "2026-11-23"
ONET_RELEASE = "29.2"
ONET_SKILLS_RELEASE = "29.0"

# Keep the technology/tool lists compact: a technology is kept when O*NET marks
# it a Hot Technology or it is listed for several occupations; a tool when it is
# listed for several occupations. One-occupation tools ("Acutonics tuning
# forks") help nobody match a job seeker to a program.
TECH_MIN_OCCUPATIONS = 3
TOOL_MIN_OCCUPATIONS = 3

# O*NET "Required Level of Education" (RL) categories -> matcher.records.EducationLevel values.
RL_TO_EDUCATION = {
    1: "none",  # less than a high school diploma
    2: "hs_diploma_or_ged",
    3: "postsecondary_certificate",
    4: "some_college",
    5: "associate",
    6: "bachelor",
    7: "graduate",  # post-baccalaureate certificate
    8: "graduate",
    9: "graduate",
    10: "graduate",
    11: "graduate",
    12: "graduate",
}

ONET_TEXT = Path("onet/db_29_2_text")
ONET_SK = Path("onet/db_29_0_excel_converted")
SOURCES = {
    "occupation_data": ONET_TEXT / "Occupation Data.txt",
    "alternate_titles": ONET_TEXT / "Alternate Titles.txt",
    "reported_titles": ONET_TEXT / "Sample of Reported Titles.txt",
    "technology_skills": ONET_TEXT / "Technology Skills.txt",
    "tools_used": ONET_TEXT / "Tools Used.txt",
    "education": ONET_TEXT / "Education, Training, and Experience.txt",
    "job_zones": ONET_TEXT / "Job Zones.txt",
    "related_occupations": ONET_TEXT / "Related Occupations.txt",
    "content_model": ONET_TEXT / "Content Model Reference.txt",
    "skills": ONET_SK / "Skills.txt",
    "knowledge": ONET_SK / "Knowledge.txt",
    "onet_to_soc2018": Path("crosswalks/onet_soc2019_to_soc2018_crosswalk.csv"),
    "soc_cip": Path("crosswalks/soc2018_cip2020_crosswalk.csv"),
    "esco_skills": Path("skills/esco/esco_skills_en_cross_sector_transversal.csv"),
}
CURATED_FILES = {
    "credentials_and_entry_skills": "credentials_and_entry_skills.csv",
    "occupation_aliases": "occupation_aliases.csv",
    "abbreviations": "abbreviations.csv",
    "element_aliases": "element_aliases.csv",
    "esco_map": "esco_map.csv",
    "employers": "employers.csv",
    "context_aliases": "context_aliases.csv",
}

ATTRIBUTION = f"""\
# Attribution

The taxonomy in this folder is built from the O*NET database and public crosswalks.

> This product includes information from the O*NET 29.2 Database (and, for
> Skills and Knowledge, the O*NET 29.0 Database) by the U.S. Department of
> Labor, Employment and Training Administration (USDOL/ETA). Used under the
> CC BY 4.0 license. O*NET® is a trademark of USDOL/ETA. The Skills and
> Knowledge files were converted from Excel to tab-delimited text by this
> project; USDOL/ETA has not approved, endorsed, or tested these modifications.

Licence: Creative Commons Attribution 4.0 (https://creativecommons.org/licenses/by/4.0/).

Modifications made by `scripts/build_taxonomy.py`: importance and level ratings
rescaled to 0..1; technology examples kept only when marked Hot Technology or
listed for at least {TECH_MIN_OCCUPATIONS} occupations, tool examples only when listed for at
least {TOOL_MIN_OCCUPATIONS} occupations; the typical education of an occupation is the most
frequent O*NET "Required Level of Education" category, mapped to the matcher's
education levels.

Other sources:
- O*NET-SOC 2019 to 2018 SOC crosswalk, O*NET Resource Center (CC BY 4.0).
- CIP 2020 to SOC 2018 crosswalk, NCES/BLS (US government work, public domain).
- ESCO (European Skills, Competences, Qualifications and Occupations), European
  Commission, cross-sector and transversal skills (English labels), reused under the
  Commission's reuse policy (Decision 2011/833/EU), attribution: "ESCO, European
  Commission". Modifications: in the copy used, each row's alternative labels belong to
  another row's concept; each group of alternative labels was re-attached to the one
  concept whose preferred label it contains, and only concepts mapped to this taxonomy in
  `training_data/curated/esco_map.csv` are used, as extra aliases (`aliases_esco`).
  The European Commission has not approved or endorsed this use.
- Credentials, entry skills, job-title aliases, Spanish terms and abbreviations
  in `training_data/curated/` are written by this project.
"""


# --------------------------------------------------------------------------- readers


def read_onet(path: Path) -> Iterator[dict[str, str | None]]:
    """Rows of an O*NET tab-separated file; ``n/a`` becomes None."""
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE)
        header = next(reader)
        for row in reader:
            if not row:
                continue
            yield {k: (None if v == "n/a" else v) for k, v in zip(header, row)}


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def split_list(text: str | None) -> list[str]:
    return [part.strip() for part in (text or "").split(";") if part.strip()]


def slugify(text: str) -> str:
    text = text.lower().replace("++", "pp").replace("+", "plus").replace("#", "sharp").replace("&", "and")
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# --------------------------------------------------------------------------- builders


def build_occupations(src: Path) -> tuple[list[dict], dict[str, str]]:
    occupations: dict[str, dict] = {}
    for row in read_onet(src / SOURCES["occupation_data"]):
        code = row["O*NET-SOC Code"]
        occupations[code] = {
            "code": code,
            "title": row["Title"],
            "description": row["Description"] or "",
            "job_zone": None,
            "typical_education": None,
            "soc2018": None,
            "soc2018_title": None,
            "alternate_titles": [],
            "reported_titles": [],
            "related": [],
            "aliases": [],
        }

    for row in read_onet(src / SOURCES["job_zones"]):
        if row["O*NET-SOC Code"] in occupations and row["Job Zone"]:
            occupations[row["O*NET-SOC Code"]]["job_zone"] = int(row["Job Zone"])

    # Typical education = the RL category the most respondents gave (ties -> lower category).
    shares: dict[str, dict[int, float]] = defaultdict(dict)
    for row in read_onet(src / SOURCES["education"]):
        if row["Scale ID"] == "RL" and row["Data Value"] is not None:
            shares[row["O*NET-SOC Code"]][int(row["Category"])] = float(row["Data Value"])
    for code, dist in shares.items():
        if code in occupations and dist:
            best = max(sorted(dist), key=lambda cat: dist[cat])
            occupations[code]["typical_education"] = RL_TO_EDUCATION[best]

    for row in read_onet(src / SOURCES["alternate_titles"]):
        occ = occupations.get(row["O*NET-SOC Code"])
        if occ is None:
            continue
        for title in (row["Alternate Title"], row["Short Title"]):
            if title and title not in occ["alternate_titles"] and title != occ["title"]:
                occ["alternate_titles"].append(title)
    for row in read_onet(src / SOURCES["reported_titles"]):
        occ = occupations.get(row["O*NET-SOC Code"])
        if occ is not None and row["Reported Job Title"] not in occ["reported_titles"]:
            occ["reported_titles"].append(row["Reported Job Title"])

    related: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for row in read_onet(src / SOURCES["related_occupations"]):
        related[row["O*NET-SOC Code"]].append((int(row["Index"]), row["Related O*NET-SOC Code"]))
    for code, items in related.items():
        if code in occupations:
            occupations[code]["related"] = [c for _, c in sorted(items) if c in occupations]

    for row in read_csv(src / SOURCES["onet_to_soc2018"]):
        occ = occupations.get(row["O*NET-SOC 2019 Code"].strip())
        if occ is not None:
            occ["soc2018"] = row["2018 SOC Code"].strip()
            occ["soc2018_title"] = row["2018 SOC Title"].strip()

    # Curated job-title aliases (English and Spanish) the way people type them.
    alias_file = CURATED / CURATED_FILES["occupation_aliases"]
    for row in read_csv(alias_file):
        code = row["code"].strip()
        if code not in occupations:
            raise SystemExit(f"{alias_file.name}: unknown O*NET-SOC code {code!r} for alias {row['alias']!r}")
        occupations[code]["aliases"].append(row["alias"].strip())

    titles = {code: occ["title"] for code, occ in occupations.items()}
    return [occupations[code] for code in sorted(occupations)], titles


def build_matrix(src: Path) -> tuple[list[str], list[str], np.ndarray, np.ndarray, list[dict]]:
    """Occupation x element importance (IM 1-5) and level (LV 0-7), both rescaled to 0..1."""
    values: dict[tuple[str, str, str], float] = {}
    elements: dict[str, tuple[str, str]] = {}
    for kind, key in (("skill", "skills"), ("knowledge", "knowledge")):
        for row in read_onet(src / SOURCES[key]):
            if row["Data Value"] is None:
                continue
            elements[row["Element ID"]] = (row["Element Name"], kind)
            values[(row["O*NET-SOC Code"], row["Element ID"], row["Scale ID"])] = float(row["Data Value"])
    codes = sorted({code for code, _, _ in values})
    element_ids = sorted(elements, key=lambda e: [int(p) if p.isdigit() else p for p in e.split(".")])
    importance = np.full((len(codes), len(element_ids)), np.nan, dtype=np.float32)
    level = np.full_like(importance, np.nan)
    row_of = {c: i for i, c in enumerate(codes)}
    col_of = {e: j for j, e in enumerate(element_ids)}
    for (code, el, scale), value in values.items():
        if scale == "IM":
            importance[row_of[code], col_of[el]] = (value - 1.0) / 4.0
        elif scale == "LV":
            level[row_of[code], col_of[el]] = value / 7.0
    if np.isnan(importance).any() or np.isnan(level).any():
        raise SystemExit("Skills/Knowledge: some occupation lacks an importance or level rating")
    np.clip(importance, 0.0, 1.0, out=importance)
    np.clip(level, 0.0, 1.0, out=level)

    descriptions = {row["Element ID"]: row["Description"] for row in read_onet(src / SOURCES["content_model"])}
    skills = [
        {"id": el, "name": elements[el][0], "kind": elements[el][1], "aliases": [], "occupations": [],
         "description": descriptions.get(el) or ""}
        for el in element_ids
    ]
    return codes, element_ids, importance, level, skills


def _examples(path: Path, hot_column: str | None) -> tuple[dict[str, list[str]], set[str], dict[str, str]]:
    by_example: dict[str, set[str]] = defaultdict(set)
    hot: set[str] = set()
    commodity: dict[str, str] = {}
    for row in read_onet(path):
        example = row["Example"].strip()
        by_example[example].add(row["O*NET-SOC Code"])
        commodity.setdefault(example, row["Commodity Title"] or "")
        if hot_column and row.get(hot_column) == "Y":
            hot.add(example)
    return {k: sorted(v) for k, v in by_example.items()}, hot, commodity


def build_tech_and_tools(src: Path) -> list[dict]:
    out: list[dict] = []
    for prefix, key, hot_col, min_occ in (
        ("tech", "technology_skills", "Hot Technology", TECH_MIN_OCCUPATIONS),
        ("tool", "tools_used", None, TOOL_MIN_OCCUPATIONS),
    ):
        by_example, hot, commodity = _examples(src / SOURCES[key], hot_col)
        used: set[str] = set()
        for example in sorted(by_example):
            occs = by_example[example]
            if len(occs) < min_occ and example not in hot:
                continue
            slug = slugify(example) or "x"
            sid, n = f"{prefix}:{slug}", 2
            while sid in used:  # two examples that slug the same ("C" / "C.")
                sid, n = f"{prefix}:{slug}-{n}", n + 1
            used.add(sid)
            out.append({
                "id": sid, "name": example, "kind": "technology" if prefix == "tech" else "tool",
                "aliases": [], "occupations": occs, "category": commodity[example], "hot": example in hot,
            })
    return out


def build_curated_skills(occupation_codes: set[str]) -> list[dict]:
    path = CURATED / CURATED_FILES["credentials_and_entry_skills"]
    out = []
    for row in read_csv(path):
        occs = split_list(row.get("occupations"))
        unknown = [c for c in occs if c not in occupation_codes]
        if unknown:
            raise SystemExit(f"{path.name}: {row['id']} names unknown occupations {unknown}")
        out.append({
            "id": row["id"].strip(), "name": row["name"].strip(), "kind": row["kind"].strip(),
            "aliases": split_list(row.get("aliases")), "aliases_es": split_list(row.get("aliases_es")),
            "occupations": sorted(set(occs)),
            # Phrases that name this credential only beside a word such as "certified" or "card".
            "marked_aliases": split_list(row.get("marked_aliases")),
            "implies": split_list(row.get("implies")),
        })
    ids = {s["id"] for s in out}
    for item in out:
        unknown = [i for i in item["implies"] if i not in ids]
        if unknown:
            raise SystemExit(f"{path.name}: {item['id']} implies unknown ids {unknown}")
        if item["marked_aliases"] and item["kind"] != "credential":
            raise SystemExit(f"{path.name}: {item['id']} has marked_aliases but is not a credential")
    return out


def add_element_aliases(skills: list[dict]) -> None:
    """Curated ways people write O*NET skills and knowledge areas ("basic math", "construction")."""
    path = CURATED / CURATED_FILES["element_aliases"]
    by_id = {s["id"]: s for s in skills}
    for row in read_csv(path):
        sid = row["id"].strip()
        if sid not in by_id or by_id[sid]["kind"] not in ("skill", "knowledge"):
            raise SystemExit(f"{path.name}: {sid!r} is not an O*NET skill or knowledge element")
        by_id[sid]["aliases"] = sorted(set(by_id[sid]["aliases"]) | set(split_list(row["aliases"])))
        by_id[sid]["aliases_es"] = sorted(set(split_list(row["aliases_es"])))


def esco_label_groups(src: Path) -> dict[str, list[str]]:
    """ESCO preferred label -> its alternative labels, re-attached.

    In the copy in ../shared the altLabels column is shifted against preferredLabel
    (only the first rows line up), but each group of alternative labels is coherent and
    usually contains its own concept's preferred label: a group is given to the concept
    when it contains exactly one preferred label of the file.
    """
    rows = read_csv(src / SOURCES["esco_skills"])
    preferred: dict[str, str] = {}
    for row in rows:
        preferred.setdefault(row["preferredLabel"].strip().lower(), row["preferredLabel"].strip())
    groups: dict[str, set[str]] = defaultdict(set)
    for row in rows:
        labels = {a.strip() for a in row["altLabels"].split("\n") if a.strip()}
        owners = {preferred[a.lower()] for a in labels if a.lower() in preferred}
        if len(owners) == 1:
            groups[owners.pop()].update(labels)
    return {label: sorted(groups.get(label, set()) | {label}) for label in sorted(preferred.values())}


def add_esco_aliases(skills: list[dict], src: Path) -> int:
    path = CURATED / CURATED_FILES["esco_map"]
    groups = esco_label_groups(src)
    by_id = {s["id"]: s for s in skills}
    added = 0
    for row in read_csv(path):
        label, sid = row["esco_label"].strip(), row["id"].strip()
        if label not in groups:
            raise SystemExit(f"{path.name}: {label!r} is not an ESCO preferred label in the source file")
        if sid not in by_id:
            raise SystemExit(f"{path.name}: unknown id {sid!r} for ESCO {label!r}")
        item = by_id[sid]
        mine = {a.lower() for a in item["aliases"]} | {item["name"].lower()}
        new = sorted(set(item.get("aliases_esco", [])) | {a for a in groups[label] if a.lower() not in mine})
        added += len(new) - len(item.get("aliases_esco", []))
        item["aliases_esco"] = new
    return added


def read_context_aliases(skill_ids: set[str]) -> list[dict[str, str]]:
    """Phrases whose meaning depends on the program's sector ("troubleshooting" in a tech program)."""
    path = CURATED / CURATED_FILES["context_aliases"]
    out = []
    for row in read_csv(path):
        if row["id"].strip() not in skill_ids:
            raise SystemExit(f"{path.name}: unknown id {row['id']!r}")
        out.append({"phrase": row["phrase"].strip(), "sector": row["sector"].strip(), "id": row["id"].strip()})
    return out


def read_employers(occupation_codes: set[str]) -> dict[str, list[str]]:
    path = CURATED / CURATED_FILES["employers"]
    out = {}
    for row in read_csv(path):
        codes = split_list(row["occupations"])
        unknown = [c for c in codes if c not in occupation_codes]
        if unknown:
            raise SystemExit(f"{path.name}: {row['employer']} names unknown occupations {unknown}")
        out[row["employer"].strip()] = codes
    return out


def build_soc_cip(src: Path) -> list[tuple[str, str, str]]:
    rows = set()
    for row in read_csv(src / SOURCES["soc_cip"]):
        soc, cip = row["SOC2018Code"].strip(), row["CIP2020Code"].strip()
        # "NO MATCH" rows (SOC 99-9999 or CIP title NO MATCH) carry no link.
        if soc.startswith("99-9999") or row["CIP2020Title"].strip().upper() == "NO MATCH":
            continue
        if not re.fullmatch(r"\d{2}-\d{4}", soc) or not re.fullmatch(r"\d{2}\.\d{4}", cip):
            continue
        rows.add((soc, cip, row["CIP2020Title"].strip().rstrip(".")))
    return sorted(rows)


def read_abbreviations() -> dict[str, str]:
    path = CURATED / CURATED_FILES["abbreviations"]
    return {row["abbreviation"].strip().lower(): row["expansion"].strip().lower() for row in read_csv(path)}


# --------------------------------------------------------------------------- writers (deterministic)


def gzip_bytes(data: bytes) -> bytes:
    buf = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buf, mtime=0, compresslevel=9) as gz:
        gz.write(data)
    return buf.getvalue()


def json_bytes(obj: object) -> bytes:
    return json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def npz_bytes(arrays: dict[str, np.ndarray]) -> bytes:
    """An .npz (zip of .npy) with fixed entry dates; np.savez stamps the current time."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name in sorted(arrays):
            npy = io.BytesIO()
            np.lib.format.write_array(npy, np.ascontiguousarray(arrays[name]), allow_pickle=False)
            info = zipfile.ZipInfo(f"{name}.npy", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, npy.getvalue())
    return buf.getvalue()


def build(source: Path, out: Path) -> dict:
    missing = [str(source / p) for p in SOURCES.values() if not (source / p).is_file()]
    if missing:
        raise SystemExit("missing source files:\n  " + "\n  ".join(missing))

    occupations, _ = build_occupations(source)
    codes, element_ids, importance, level, element_skills = build_matrix(source)
    known_codes = {o["code"] for o in occupations}
    tech_tools = build_tech_and_tools(source)
    curated = build_curated_skills(known_codes)
    add_element_aliases(element_skills)
    skills = curated + element_skills + tech_tools
    esco_aliases = add_esco_aliases(skills, source)
    employers = read_employers(known_codes)
    context_aliases = read_context_aliases({sk["id"] for sk in skills})
    ids = [s["id"] for s in skills]
    if len(ids) != len(set(ids)):
        dupes = sorted(i for i, n in Counter(ids).items() if n > 1)
        raise SystemExit(f"duplicate skill ids: {dupes}")
    soc_cip = build_soc_cip(source)
    abbreviations = read_abbreviations()

    csv_buf = io.StringIO()
    writer = csv.writer(csv_buf, lineterminator="\n")
    writer.writerow(["soc2018", "cip2020", "cip2020_title"])
    writer.writerows(soc_cip)

    files = {
        "occupations.json.gz": gzip_bytes(json_bytes(occupations)),
        "skills.json.gz": gzip_bytes(json_bytes(skills)),
        "occupation_elements.npz": npz_bytes({
            "codes": np.array(codes), "element_ids": np.array(element_ids),
            "importance": importance, "level": level,
        }),
        "soc_cip.csv.gz": gzip_bytes(csv_buf.getvalue().encode("utf-8")),
        "abbreviations.json": json_bytes(abbreviations) + b"\n",
        "employers.json": json_bytes(employers) + b"\n",
        "context_aliases.json": json_bytes(context_aliases) + b"\n",
        "ATTRIBUTION.md": ATTRIBUTION.encode("utf-8"),
    }
    kinds = Counter(s["kind"] for s in skills)
    manifest = {
        "taxonomy_version": TAXONOMY_VERSION,
        "build_date": BUILD_DATE,
        "onet_release": ONET_RELEASE,
        "onet_skills_knowledge_release": ONET_SKILLS_RELEASE,
        "builder": "scripts/build_taxonomy.py",
        "selection": {"tech_min_occupations_unless_hot": TECH_MIN_OCCUPATIONS,
                      "tool_min_occupations": TOOL_MIN_OCCUPATIONS},
        "sources": {key: {"path": str(path), "sha256": sha256(source / path)} for key, path in sorted(SOURCES.items())},
        "curated": {key: {"path": f"training_data/curated/{name}", "sha256": sha256(CURATED / name)}
                    for key, name in sorted(CURATED_FILES.items())},
        "counts": {
            "occupations": len(occupations),
            "occupations_with_ratings": len(codes),
            "elements": len(element_ids),
            "skills_by_kind": dict(sorted(kinds.items())),
            "skills": len(skills),
            "alternate_titles": sum(len(o["alternate_titles"]) for o in occupations),
            "reported_titles": sum(len(o["reported_titles"]) for o in occupations),
            "curated_occupation_aliases": sum(len(o["aliases"]) for o in occupations),
            "soc_cip_pairs": len(soc_cip),
            "abbreviations": len(abbreviations),
            "esco_aliases": esco_aliases,
            "employers": len(employers),
        },
        "files": {name: {"sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)}
                  for name, data in sorted(files.items())},
    }
    out.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        (out / name).write_bytes(data)
    (out / "manifest.json").write_bytes(json.dumps(manifest, indent=2, sort_keys=True).encode("utf-8") + b"\n")
    # The normalizer's folded skill keys, from the taxonomy just written (so start-up need not fold them).
    sys.path.insert(0, str(REPO_ROOT))
    from matcher.normalize import KEYS_FILE, keys_document
    from matcher.taxonomy import load_taxonomy

    keys = gzip_bytes(json_bytes(keys_document(load_taxonomy(out))))
    (out / KEYS_FILE).write_bytes(keys)
    files[KEYS_FILE] = keys
    manifest["files"] = {name: {"sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)}
                         for name, data in sorted(files.items())}
    (out / "manifest.json").write_bytes(json.dumps(manifest, indent=2, sort_keys=True).encode("utf-8") + b"\n")
    return manifest


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE,
                        help="the shared data folder (default: %(default)s)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder (default: %(default)s)")
    args = parser.parse_args(argv)
    manifest = build(args.source, args.out)
    counts = manifest["counts"]
    print(f"taxonomy {manifest['taxonomy_version']} -> {args.out}")
    for key, value in counts.items():
        print(f"  {key}: {value}")
    total = sum(f["bytes"] for f in manifest["files"].values())
    print(f"  total bytes: {total:,}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
