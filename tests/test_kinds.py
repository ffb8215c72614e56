"""Skills, credentials and occupations kept apart: what a typed phrase names, and what it must not."""

from __future__ import annotations

import csv
import gzip
import json
from pathlib import Path

import pytest

from matcher.normalize import KEYS_FILE, Normalizer, keys_document
from matcher.taxonomy import load_taxonomy

DATA = Path(__file__).parent / "data"
SKILL_PHRASES = DATA / "skill_phrases_labelled.csv"
OLD_SET = DATA / "normalizer_labelled.csv"
KINDS = {"skill", "credential", "occupation", "none"}


@pytest.fixture(scope="module")
def norm() -> Normalizer:
    return Normalizer(load_taxonomy())


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


def test_the_skill_phrase_set_is_labelled_with_kind_and_source():
    rows = _rows(SKILL_PHRASES)
    assert len(rows) >= 300
    tx = load_taxonomy()
    for row in rows:
        assert row["kind"] in KINDS and row["source"], row
        for expected in row["expected_id"].split("|"):
            if expected == "UNMATCHED":
                assert row["kind"] == "none", row
            elif row["kind"] == "occupation":
                assert expected in tx.occupations, row
            else:
                skill = tx.skill(expected)
                assert (skill.kind == "credential") == (row["kind"] == "credential"), row
    assert {r["source"] for r in rows} >= {"tx-etpl", "nj-etpl", "program-sheet", "issue-11", "seeker"}
    assert len({r["phrase"] for r in rows}) == len(rows)  # case variants ("CERTIFIED WELDER") are kept on purpose


def test_skill_phrase_set_precision_and_recall(norm):
    matched = correct = expected = recalled = 0
    for row in _rows(SKILL_PHRASES):
        m = norm.normalize(row["phrase"], kind="any")
        ok = set(row["expected_id"].split("|"))
        if "UNMATCHED" not in ok:
            expected += 1
            recalled += m.matched and m.id in ok
        if m.matched:
            matched += 1
            correct += m.id in ok
    assert correct / matched >= 0.95
    assert recalled / expected >= 0.85


@pytest.mark.parametrize("path", [SKILL_PHRASES, OLD_SET])
def test_no_job_title_or_skill_phrase_resolves_to_a_credential(norm, path):
    """Over every labelled phrase: a credential comes back only for phrases that name one."""
    wrong = []
    for row in _rows(path):
        ids = set(row["expected_id"].split("|"))
        names_credential = any(i.startswith("cred:") for i in ids)
        kind = row["kind"] if row["kind"] in ("skill", "occupation", "any") else "any"
        if kind == "occupation":
            continue  # a work-history title ("CNA" as a job) is coded, never made a credential
        m = norm.normalize(row["phrase"], kind=kind)
        if m.kind == "credential" and not names_credential:
            wrong.append((row["phrase"], kind, m.id))
    assert wrong == []


@pytest.mark.parametrize("text, kind, expected", [
    ("welding", "skill", "skill:welding"),
    ("welder", "occupation", "51-4121.00"),
    ("soldadura", "skill", "skill:welding"),
    ("welding cert", "credential", "cred:aws-welding"),
    ("AWS cert", "credential", "cred:aws-welding"),
    ("certified welder", "credential", "cred:aws-welding"),
    ("forklift", "skill", "skill:forklift"),
    ("forklift driver", "occupation", "53-7051.00"),
    ("forklift certified", "credential", "cred:forklift"),
    ("forklift card", "credential", "cred:forklift"),
    ("auxiliar de enfermeria", "occupation", "31-1131.00"),
    ("CNA license", "credential", "cred:cna"),
    ("pharmacy tech", "occupation", "29-2052.00"),
    ("pharmacy tech certified", "credential", "cred:pharmacy-technician"),
    ("warehouse lead", "occupation", "53-1042.00"),
    ("fast food crew", "occupation", "35-3023.00"),
])
def test_the_issue_phrases_resolve_to_the_kind_they_name(norm, text, kind, expected):
    m = norm.normalize(text)
    assert (m.status, m.kind, m.id) == ("matched", kind, expected)


@pytest.mark.parametrize("text", ["GED", "ged", "HSE", "HiSET", "TASC", "high school equivalency", "GED en espanol",
                                  "equivalencia de preparatoria", "passed the GED"])
def test_ged_and_equivalency_tests_are_the_equivalency_credential(norm, text):
    m = norm.normalize(text)
    assert (m.kind, m.id) == ("credential", "cred:ged")


@pytest.mark.parametrize("text", ["high school diploma", "HS diploma", "graduated high school",
                                  "diploma de preparatoria", "diploma de secundaria"])
def test_a_high_school_diploma_is_its_own_credential(norm, text):
    m = norm.normalize(text)
    assert (m.kind, m.id) == ("credential", "cred:hs-diploma")


@pytest.mark.parametrize("text, absent", [
    ("amazon", "tech:amazon-kinesis"),
    ("walmart", "tool:laryngeal-mask-airways"),
    ("ingles basico", "tech:single-sign-on-sso"),
])
def test_suggestions_share_meaning_not_just_letters(norm, text, absent):
    m = norm.normalize(text)
    assert not m.matched and absent not in {s[0] for s in m.suggestions}


def test_an_employer_name_is_answered_with_its_common_jobs(norm):
    m = norm.normalize("walmart")
    assert m.method == "employer" and "41-2011.00" in {s[0] for s in m.suggestions}
    # Inside a title, the employer's name is dropped: "package handler at UPS" is a package handler.
    assert norm.normalize_occupation("package handler at UPS").id == "53-7062.00"


def test_traffic_control_is_flagging_not_air_traffic_control(norm):
    assert norm.normalize("traffic control").id == "skill:flagging"


def test_the_issue_phrases_once_left_unmatched_now_resolve(norm):
    for text, expected in [("statistical process control", "skill:quality-inspection"),
                           ("child development", "skill:child-development"), ("drywall installation", "skill:drywall"),
                           ("infection control", "skill:infection-control"), ("math", "2.A.1.e"),
                           ("basic math", "2.A.1.e"), ("construction", "2.C.3.d"),
                           ("dementia care", "skill:caregiving"), ("amazon warehouse", "53-7062.00")]:
        assert norm.normalize(text).id == expected, text


def test_a_programs_sector_settles_troubleshooting(norm):
    assert norm.normalize_skill("troubleshooting").id == "2.B.3.k"  # O*NET's Troubleshooting skill
    assert norm.normalize_skill("troubleshooting", sector="clean_energy").id == "2.B.3.k"
    assert norm.normalize_skill("troubleshooting", sector="technology").id == "skill:it-troubleshooting"
    assert norm.normalize_skill("Troubleshooting", sector="technology").method == "context"


def test_esco_alternative_labels_are_aliases_of_mapped_skills(norm):
    tx = load_taxonomy()
    assert "asepsis" in {a.lower() for a in tx.skill("skill:infection-control").esco_aliases}
    assert norm.normalize("asepsis").id == "skill:infection-control"  # an ESCO label, in no curated file


def test_match_json_says_the_kind_of_each_suggestion(norm):
    data = norm.normalize("walmart").to_dict()
    assert all(s["kind"] == "occupation" for s in data["suggestions"])
    assert norm.normalize("forklift certified").to_dict()["kind"] == "credential"


def test_shipped_skill_keys_are_current():
    tx = load_taxonomy()
    shipped = json.loads(gzip.decompress((tx.source_dir / KEYS_FILE).read_bytes()))
    assert shipped == json.loads(json.dumps(keys_document(tx)))
