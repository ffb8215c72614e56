"""The fictional sample catalog: valid, varied, built on real codes and wages, reproducible."""

import gzip
import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from matcher.paths import REPO_ROOT, data_dir
from matcher.records import Program, ProgramType, Sector
from matcher.wages import wage_for

CATALOG = data_dir() / "sample_catalog.json"
SHARED_CANDIDATES = [Path("/work/shared/data"), REPO_ROOT.parent / "shared" / "data"]
SHARED = next((p for p in SHARED_CANDIDATES if p.is_dir()), None)
SECTORS = {"advanced_manufacturing", "clean_energy", "construction", "healthcare", "early_learning", "technology",
           "transportation_logistics"}
COUNTIES = {"Multnomah County", "Washington County", "Clackamas County", "Clark County", "Lane County"}


@pytest.fixture(scope="module")
def doc():
    return json.loads(CATALOG.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def programs(doc):
    return [Program.model_validate(p) for p in doc["programs"]]


def test_file_is_a_labelled_sample_matcher_catalog(doc):
    assert doc["format"] == "matcher-catalog" and doc["version"] == 1
    assert doc["sample_data"] is True and "FICTIONAL" in doc["description"]


def test_at_least_two_hundred_valid_programs_all_marked_sample(programs):
    assert len(programs) >= 200
    assert all(p.sample_data and p.description.startswith("SAMPLE DATA") for p in programs)


def test_ids_are_unique_and_readable(programs):
    ids = [p.id for p in programs]
    assert len(set(ids)) == len(ids)
    assert all(i.split("-")[0] in ("pdx", "lane") and i[-3:].isdigit() for i in ids)


def test_every_sector_type_and_county_is_present(programs):
    assert {p.sector.value for p in programs} >= SECTORS
    assert {p.type for p in programs} == set(ProgramType)
    assert {p.location.county for p in programs} == COUNTIES


def test_paid_by_design_types_pay_a_wage(programs):
    for p in programs:
        if p.type in (ProgramType.OJT, ProgramType.REGISTERED_APPRENTICESHIP):
            assert p.paid.kind.value == "wage" and p.paid.hourly_wage > 0, p.id


def test_youth_programs_start_at_sixteen_and_say_their_max_age(programs):
    youth = [p for p in programs if p.type is ProgramType.YOUTH]
    assert youth
    assert all(p.prerequisites.min_age == 16 and "16 to 24" in p.description for p in youth)


def test_healthcare_and_early_learning_check_backgrounds(programs):
    for p in programs:
        if p.sector in (Sector.HEALTHCARE, Sector.EARLY_LEARNING):
            assert p.prerequisites.background_check and p.prerequisites.background_exclusions, p.id


def test_cdl_programs_require_a_drivers_license(programs):
    cdl = [p for p in programs if "53-3032.00" in p.target_occupations]
    assert cdl and all(p.prerequisites.drivers_license for p in cdl)


def test_languages_mostly_english_with_spanish_share(programs):
    langs = Counter(lang for p in programs for lang in p.languages)
    assert langs["en"] >= 0.9 * len(programs)
    assert langs["es"] >= 0.1 * len(programs)
    assert {"vi", "ru", "zh"} & set(langs)


def test_locations_are_real_zip_points(programs):
    from matcher.geo import county_for_zip, zip_point
    for p in programs:
        assert (p.location.latitude, p.location.longitude) == zip_point(p.location.zip), p.id
        fips = county_for_zip(p.location.zip)
        name = p.location.county.removesuffix(" County")
        assert fips == {"Multnomah": "41051", "Washington": "41067", "Clackamas": "41005", "Clark": "53011",
                        "Lane": "41039"}[name], p.id


def test_starting_wages_lie_between_oews_10th_and_25th_percentile(programs):
    checked = 0
    for p in programs:
        wage = p.outcomes.median_starting_wage
        if wage is None:
            continue
        area = "eugene" if p.location.county == "Lane County" else "portland"
        figures = wage_for(p.target_occupations[0], area)
        assert figures.pct10 <= wage <= figures.pct25, p.id
        checked += 1
    assert checked >= 200


def test_apprentice_wages_are_below_the_journey_median(programs):
    for p in programs:
        if p.type is ProgramType.REGISTERED_APPRENTICESHIP:
            area = "eugene" if p.location.county == "Lane County" else "portland"
            journey = wage_for(p.target_occupations[0], area).median
            assert p.paid.hourly_wage <= journey * 0.66 or p.paid.hourly_wage <= 16.66, p.id


def test_skill_and_credential_ids_are_known(programs):
    import csv
    with (data_dir() / "curated" / "credentials_and_entry_skills.csv").open(newline="") as fh:
        curated = {r["id"] for r in csv.DictReader(fh)}
    for p in programs:
        for ident in p.skills_taught + p.credentials_awarded + p.prerequisites.skills:
            if ident.startswith(("cred:", "skill:")):
                assert ident in curated, (p.id, ident)
            else:
                assert ident.startswith("2.") and ident.count(".") >= 1, (p.id, ident)


@pytest.mark.skipif(SHARED is None, reason="shared source data not available")
def test_all_occupation_codes_exist_in_onet(programs):
    with (SHARED / "onet" / "db_29_2_text" / "Occupation Data.txt").open(encoding="utf-8") as fh:
        onet = {line.split("\t", 1)[0] for line in fh}
    assert {c for p in programs for c in p.target_occupations} <= onet


@pytest.mark.skipif(SHARED is None, reason="shared source data not available")
def test_catalog_build_is_byte_identical(tmp_path):
    out = tmp_path / "sample_catalog.json"
    subprocess.run([sys.executable, str(REPO_ROOT / "scripts" / "build_sample_catalog.py"), "--source", str(SHARED),
                    "--out", str(out)], check=True, capture_output=True)
    assert out.read_bytes() == CATALOG.read_bytes()
    assert (tmp_path / "SAMPLE_CATALOG.md").read_bytes() == (CATALOG.parent / "SAMPLE_CATALOG.md").read_bytes()


@pytest.mark.skipif(SHARED is None, reason="shared source data not available")
def test_reference_data_build_is_byte_identical(tmp_path):
    subprocess.run([sys.executable, str(REPO_ROOT / "scripts" / "build_reference_data.py"), "--source", str(SHARED),
                    "--out", str(tmp_path)], check=True, capture_output=True)
    for rel in ("geo/zip_county.csv", "geo/README.md", "wages/oews_may2025_hourly.csv",
                "wages/onet_to_oews_soc.csv", "self_sufficiency/self_sufficiency.csv"):
        assert (tmp_path / rel).read_bytes() == (data_dir() / rel).read_bytes(), rel
    # Compressed bytes depend on the zlib build, so the points are compared decompressed.
    rel = "geo/zip_points.csv.gz"
    assert gzip.decompress((tmp_path / rel).read_bytes()) == gzip.decompress((data_dir() / rel).read_bytes())
