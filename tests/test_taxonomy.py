"""The built taxonomy: contents, crosswalks, loading errors, reproducible build, occupations CLI."""

from __future__ import annotations

import gzip
import hashlib
import json
import shutil
import subprocess
import sys

import numpy as np
import pytest
from click.testing import CliRunner

from matcher.cli import main
from matcher.errors import DataError, NotFoundError
from matcher.paths import REPO_ROOT
from matcher.records import EducationLevel
from matcher.taxonomy import load_taxonomy

TAXONOMY_DIR = REPO_ROOT / "training_data" / "taxonomy"
# The public source data: ../shared/data beside the repository (CI) or beside one of its parents (a worktree).
SHARED = next((p / "shared" / "data" for p in REPO_ROOT.parents if (p / "shared" / "data").is_dir()),
              REPO_ROOT.parent / "shared" / "data")


@pytest.fixture(scope="module")
def tx():
    return load_taxonomy(TAXONOMY_DIR)


def test_counts_match_the_manifest_and_onet(tx):
    counts = tx.manifest["counts"]
    assert len(tx.occupations) == counts["occupations"] == 1016
    assert len(tx.skills) == counts["skills"]
    kinds = {s.kind for s in tx.skills.values()}
    assert kinds == {"skill", "knowledge", "technology", "tool", "credential", "entry_skill"}
    assert counts["skills_by_kind"]["skill"] == 35 and counts["skills_by_kind"]["knowledge"] == 33
    assert tx.version == tx.manifest["taxonomy_version"] and tx.onet_release == "29.2"


def test_warehouse_laborers_occupation_is_complete(tx):
    occ = tx.occupation("53-7062.00")
    assert occ.title.startswith("Laborers and Freight")
    assert occ.job_zone == 2
    assert occ.typical_education is EducationLevel.HS_DIPLOMA_OR_GED
    assert occ.soc2018 == "53-7062"
    assert "Material Handler" in occ.reported_titles
    assert len(tx.alternate_titles("53-7062.00")) > 100
    assert "53-7051.00" in tx.related_occupations("53-7062.00")


def test_onet_elements_and_curated_ids_exist(tx):
    assert tx.skill("2.B.3.a").name == "Operations Analysis"
    assert tx.skill("2.C.10").kind == "knowledge"
    forklift = tx.skill("cred:forklift")
    # "montacargas" alone is the skill; with "licencia" (a credential word) it is the credential.
    assert "montacargas" in forklift.marked_aliases and "53-7051.00" in forklift.occupations
    assert "montacargas" in tx.skill("skill:forklift").aliases and forklift.implies == ("skill:forklift",)
    assert tx.skill("tech:microsoft-excel").hot


def test_every_seeded_curated_id_is_kept(tx):
    # Other people's sample catalog uses these ids; the seed had 88 of them.
    import csv

    with (REPO_ROOT / "training_data" / "curated" / "credentials_and_entry_skills.csv").open() as f:
        ids = [row["id"] for row in csv.DictReader(f)]
    assert len(ids) >= 88
    assert all(i in tx.skills for i in ids)


def test_unknown_ids_raise_not_found_naming_the_field(tx):
    with pytest.raises(NotFoundError) as skill_err:
        tx.skill("cred:nope")
    assert skill_err.value.field == "skill_id"
    with pytest.raises(NotFoundError) as occ_err:
        tx.occupation("99-9999.99")
    assert occ_err.value.field == "occupation"


def test_matrix_is_scaled_and_aligned(tx):
    codes, elements, importance, level = tx.occupation_element_matrix()
    assert importance.shape == level.shape == (len(codes), len(elements)) == (879, 68)
    assert importance.dtype == np.float32
    assert importance.min() >= 0.0 and importance.max() <= 1.0 and level.min() >= 0.0 and level.max() <= 1.0
    row, col = codes.index("53-7062.00"), elements.index("2.C.10")
    assert importance[row, col] == pytest.approx((3.15 - 1) / 4, abs=0.01)  # O*NET IM 3.15 for Transportation
    assert not importance.flags.writeable


def test_cip_crosswalk_both_ways(tx):
    assert "51.3902" in tx.cip_codes_for("31-1131")  # nursing assistants <- nursing aide programs
    assert tx.cip_codes_for("31-1131.00") == tx.cip_codes_for("31-1131")
    assert "31-1131.00" in tx.occupations_for_cip("51.3902")
    assert tx.cip_codes_for("00-0000") == []


def test_search_puts_exact_and_substring_hits_first(tx):
    skills = tx.search_skills("forklift", limit=3)
    assert skills[0][0].id == "skill:forklift"
    occs = tx.search_occupations("welder", limit=3)
    assert occs[0][0].code == "51-4121.00"
    assert tx.search_occupations("", limit=3) == []


def test_default_load_is_cached():
    assert load_taxonomy() is load_taxonomy()


def test_missing_file_raises_data_error_with_rebuild_hint(tmp_path):
    shutil.copytree(TAXONOMY_DIR, tmp_path / "taxonomy")
    (tmp_path / "taxonomy" / "skills.json.gz").unlink()
    with pytest.raises(DataError) as err:
        load_taxonomy(tmp_path / "taxonomy")
    assert "build_taxonomy.py" in err.value.message


def test_corrupt_file_raises_data_error(tmp_path):
    shutil.copytree(TAXONOMY_DIR, tmp_path / "taxonomy")
    (tmp_path / "taxonomy" / "occupations.json.gz").write_bytes(b"not gzip")
    with pytest.raises(DataError):
        load_taxonomy(tmp_path / "taxonomy")


def test_shipped_files_match_the_manifest():
    manifest = json.loads((TAXONOMY_DIR / "manifest.json").read_text())
    for name, meta in manifest["files"].items():
        data = (TAXONOMY_DIR / name).read_bytes()
        assert hashlib.sha256(data).hexdigest() == meta["sha256"], name
    # The curated inputs have not changed since the last build (else: rebuild).
    for meta in manifest["curated"].values():
        assert hashlib.sha256((REPO_ROOT / meta["path"]).read_bytes()).hexdigest() == meta["sha256"], meta["path"]
    for name in manifest["files"]:
        if name.endswith(".gz"):
            assert (TAXONOMY_DIR / name).read_bytes()[4:8] == b"\0\0\0\0", f"{name} has a gzip timestamp"
    assert "CC BY 4.0" in (TAXONOMY_DIR / "ATTRIBUTION.md").read_text()


@pytest.mark.skipif(not SHARED.is_dir(), reason="public source data not present")
def test_rebuild_is_byte_identical_to_shipped(tmp_path):
    subprocess.run([sys.executable, str(REPO_ROOT / "scripts" / "build_taxonomy.py"), "--source", str(SHARED),
                    "--out", str(tmp_path)], check=True, capture_output=True)
    shipped = sorted(p.name for p in TAXONOMY_DIR.iterdir())
    assert sorted(p.name for p in tmp_path.iterdir()) == shipped
    for name in shipped:
        assert (tmp_path / name).read_bytes() == (TAXONOMY_DIR / name).read_bytes(), name
    assert gzip.decompress((tmp_path / "skills.json.gz").read_bytes())


# --------------------------------------------------------------------------- CLI


def test_cli_occupations_search_table_and_json():
    runner = CliRunner()
    result = runner.invoke(main, ["occupations", "search", "warehouse", "--limit", "3"])
    assert result.exit_code == 0, result.output
    assert "53-7062.00" in result.output and "job zone" in result.output
    result = runner.invoke(main, ["occupations", "search", "warehouse", "--limit", "3", "--json"])
    data = json.loads(result.output)
    assert len(data) == 3 and data[0]["code"] == "53-7062.00" and data[0]["job_zone"] == 2


def test_cli_occupations_show_lists_top_elements():
    runner = CliRunner()
    result = runner.invoke(main, ["occupations", "show", "53-7062", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["code"] == "53-7062.00" and len(data["top_elements"]) == 10
    text = runner.invoke(main, ["occupations", "show", "53-7062.00"]).output
    assert "importance" in text and "Related:" in text


def test_cli_unknown_occupation_exits_2_with_json_error():
    result = CliRunner().invoke(main, ["occupations", "show", "99-9999.99", "--json"])
    assert result.exit_code == 2
    assert json.loads(result.output)["field"] == "occupation"
