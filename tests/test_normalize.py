"""The free-text normalizer: folding, aliases, fuzzy limits, Spanish, errors, quality, CLI."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from matcher.cli import main
from matcher.errors import ValidationError
from matcher.normalize import DEFAULT_THRESHOLD, Match, Normalizer
from matcher.taxonomy import load_taxonomy

LABELLED = Path(__file__).parent / "data" / "normalizer_labelled.csv"


@pytest.fixture(scope="module")
def norm() -> Normalizer:
    return Normalizer(load_taxonomy())


@pytest.mark.parametrize("text, expected", [
    ("fork lift cert", "cred:forklift"),
    ("FORKLIFT CERTIFICATION", "cred:forklift"),
    ("osha10", "cred:osha-10"),
    ("OSHA-10 card", "cred:osha-10"),
    ("osha 10 hr", "cred:osha-10"),
    ("cna cert", "cred:cna"),
    ("CNA II", "cred:cna-2"),
    ("customer svc", "skill:customer-service"),
    ("Customer Service, 5+ yrs exp", "skill:customer-service"),
    ("dry-wall", "skill:drywall"),
])
def test_common_ways_of_writing_a_skill_resolve(norm, text, expected):
    match = norm.normalize_skill(text)
    # The kind says what the phrase names: credentials are reported as such.
    kind = "credential" if expected.startswith("cred:") else "skill"
    assert match.status == "matched" and match.id == expected and match.kind == kind
    assert match.method in {"exact", "alias"} and match.confidence >= DEFAULT_THRESHOLD


@pytest.mark.parametrize("text, expected", [
    ("warehouse associate", "53-7062.00"),
    ("Warehouse Assoc.", "53-7062.00"),
    ("welder", "51-4121.00"),
    ("soldador", "51-4121.00"),
])
def test_job_titles_resolve_to_occupations(norm, text, expected):
    match = norm.normalize_occupation(text)
    assert (match.status, match.kind, match.id) == ("matched", "occupation", expected)


@pytest.mark.parametrize("text, expected", [
    ("montacargas", "skill:forklift"),  # the skill; "licencia de montacargas" is the credential
    ("licencia de montacargas", "cred:forklift"),
    ("cuidado de niños", "skill:childcare"),
    ("servicio al cliente", "skill:customer-service"),
    ("ATENCIÓN AL CLIENTE", "skill:customer-service"),
])
def test_spanish_skills_resolve(norm, text, expected):
    assert norm.normalize_skill(text).id == expected


@pytest.mark.parametrize("text, expected", [
    ("drywall repair", "skill:drywall"),
    ("hvac maintenance", "skill:hvac"),
    ("janitorial services", "skill:janitorial"),
    ("ekg testing", "skill:ekg"),
    ("help desk support", "skill:it-troubleshooting"),
    ("ecg monitoring", "skill:ekg"),
])
def test_a_skill_with_words_saying_how_it_is_used_is_that_skill(norm, text, expected):
    m = norm.normalize(text)
    assert m.matched and m.id == expected and m.method == "partial", m


@pytest.mark.parametrize("text, expected", [
    ("bls for healthcare", "cred:bls"),
    ("ged in spanish", "cred:ged"),
    ("welding in shipyards", "skill:welding"),
    ("customer service in spanish", "skill:customer-service"),
])
def test_a_named_skill_or_credential_and_what_it_is_for_is_that_id(norm, text, expected):
    m = norm.normalize(text)
    assert m.matched and m.id == expected and m.method == "partial", m


def test_what_a_phrase_is_for_does_not_make_a_word_before_it_a_skill(norm):
    # The words before "for" must name an ID on their own: "tile" is no skill, so nothing is made of it.
    assert not norm.normalize_skill("tile for bathrooms").matched


def test_generic_words_alone_name_no_skill(norm):
    # "installation" is O*NET's Installation skill, but "tile installation" is not it.
    assert not norm.normalize_skill("tile installation").matched
    assert norm.normalize_skill("installation").id == "2.B.3.d"


@pytest.mark.parametrize("text, expected", [
    ("blueprint and schematic reading", "skill:blueprint-reading"),  # shared last word
    ("concrete forming and finishing", "skill:concrete"),  # shared first word
    ("electrical wiring and conduit", "skill:electrical-wiring"),
    ("hvac installation and repair", "skill:hvac"),
])
def test_ways_of_doing_one_skill_joined_by_and_are_that_skill(norm, text, expected):
    m = norm.normalize_skill(text)
    assert m.matched and m.id == expected, m


@pytest.mark.parametrize("text", ["mig and tig welding", "forklift and welding", "cpr and osha 10"])
def test_parts_naming_different_things_stay_unmatched(norm, text):
    assert not norm.normalize_skill(text).matched


def test_a_credential_acronym_typed_as_another_word_is_not_the_credential(norm):
    # "pipe" is one slip from "ipc" in letters, but the phrase names a skill, not IPC J-STD-001.
    m = norm.normalize("pipe soldering")
    assert m.kind != "credential" and m.id != "cred:ipc-j-std-001"
    assert norm.normalize("ipc soldering").id == "cred:ipc-j-std-001"


def test_words_saying_how_well_are_noise(norm):
    assert norm.normalize("fast and accurate data entry").id == "skill:data-entry"
    assert norm.folder.tokens("efficient reliable cash handling") == norm.folder.tokens("cash handling")


def test_curated_skill_wins_over_onet_tool_of_the_same_name(norm):
    assert norm.normalize_skill("forklifts").id == "skill:forklift"


def test_typos_resolve_by_fuzzy_matching(norm):
    match = norm.normalize_skill("forklft")
    assert match.id == "skill:forklift" and match.method == "fuzzy"
    assert DEFAULT_THRESHOLD <= match.confidence < 1.0


def test_unknown_phrase_is_unmatched_with_suggestions(norm):
    match = norm.normalize_skill("flebotomy")  # below the threshold, but close to phlebotomy
    assert match.status == "unmatched" and match.id is None and match.kind is None
    assert match.suggestions and match.suggestions[0][0] == "skill:phlebotomy"
    assert all(0 < score < 1 for _, _, score in match.suggestions)


def test_gibberish_is_unmatched(norm):
    for text in ("asdfgh", "good attitude", "lol"):
        assert norm.normalize_skill(text).status == "unmatched", text


def test_short_acronyms_are_never_fuzzy_matched(norm):
    # "lpm" is one letter from "lpn" but three-letter codes must match exactly.
    assert norm.normalize_occupation("lpm").status == "unmatched"


def test_ambiguous_title_is_not_trusted_blindly(norm):
    # O*NET lists "Iron Worker" under two occupations: seen verbatim, it still goes through the
    # coder's confidence (below a title filed under one), and only the threshold decides whether it is answered.
    match = norm.normalize_occupation("iron worker")
    assert match.confidence < 0.8 < norm.normalize_occupation("welder").confidence
    assert match.matched == (match.confidence >= norm.occupation_threshold)
    if not match.matched:
        assert match.method == "ambiguous"


def test_any_kind_prefers_an_exact_hit_of_either_kind(norm):
    assert norm.normalize("warehouse associate").kind == "occupation"
    assert norm.normalize("customer svc").kind == "skill"


def test_noise_only_phrase_is_unmatched(norm):
    assert norm.normalize_skill("certification").status == "unmatched"


def test_threshold_decides_fuzzy_matches():
    tx = load_taxonomy()
    assert Normalizer(tx, threshold=0.8).normalize_skill("flebotomy").id == "skill:phlebotomy"
    assert Normalizer(tx, threshold=1.0).normalize_skill("forklft").status == "unmatched"
    with pytest.raises(ValidationError):
        Normalizer(tx, threshold=1.5)


@pytest.mark.parametrize("bad", ["", "   ", "x" * 201])
def test_empty_or_too_long_text_is_a_validation_error(norm, bad):
    with pytest.raises(ValidationError) as err:
        norm.normalize(bad)
    assert err.value.field == "text"


def test_normalize_many_reports_every_bad_phrase(norm):
    with pytest.raises(ValidationError) as err:
        norm.normalize_many(["cna", "", " "])
    assert [p.field for p in err.value.problems] == ["text[1]", "text[2]"]


def test_results_are_deterministic(norm):
    phrases = ["fork lift cert", "flebotomy", "iron worker", "package handler at UPS", "zzzz"]
    first = norm.normalize_many(phrases, kind="any")
    # A taxonomy loaded from an explicit path is a new object, so its index is built afresh.
    fresh = load_taxonomy(Path(__file__).resolve().parent.parent / "training_data" / "taxonomy")
    again = Normalizer(fresh).normalize_many(phrases, kind="any")
    assert first == again
    assert all(isinstance(m, Match) for m in first)


def test_quality_on_the_labelled_set(norm):
    with LABELLED.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) >= 300
    unmatched_share = sum(r["expected_id"] == "UNMATCHED" for r in rows) / len(rows)
    assert 0.15 <= unmatched_share <= 0.25
    matched = correct = expected = recalled = 0
    for row in rows:
        m = norm.normalize(row["phrase"], kind=row["kind"])
        ok_ids = set(row["expected_id"].split("|"))
        if "UNMATCHED" not in ok_ids:
            expected += 1
            recalled += m.matched and m.id in ok_ids
        if m.matched:
            matched += 1
            correct += m.id in ok_ids
    assert correct / matched >= 0.95  # precision
    assert recalled / expected >= 0.85  # recall


# --------------------------------------------------------------------------- CLI


def test_cli_normalize_table_shows_matches_and_suggestions():
    result = CliRunner().invoke(main, ["skills", "normalize", "fork lift cert", "flebotomy", "--kind", "skill"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split()[:4] == ["phrase", "status", "kind", "id"]
    assert "cred:forklift" in result.output
    flebotomy = next(line for line in lines if line.startswith("flebotomy"))
    assert "unmatched" in flebotomy and "did you mean" in flebotomy and "skill:phlebotomy" in flebotomy


def test_cli_normalize_json():
    result = CliRunner().invoke(main, ["skills", "normalize", "warehouse associate", "--kind", "occupation", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data[0]["id"] == "53-7062.00" and data[0]["status"] == "matched" and data[0]["suggestions"] == []


def test_cli_normalize_threshold_option():
    result = CliRunner().invoke(main, ["skills", "normalize", "flebotomy", "--threshold", "0.8", "--json"])
    assert json.loads(result.output)[0]["id"] == "skill:phlebotomy"


def test_cli_normalize_empty_phrase_exits_2():
    result = CliRunner().invoke(main, ["skills", "normalize", " ", "--json"])
    assert result.exit_code == 2
    assert json.loads(result.output)["field"] == "text"


def test_cli_skills_search_table_and_json():
    runner = CliRunner()
    table = runner.invoke(main, ["skills", "search", "forklift", "--limit", "3"])
    assert table.exit_code == 0 and "skill:forklift" in table.output.splitlines()[2]
    data = json.loads(runner.invoke(main, ["skills", "search", "forklift", "--limit", "3", "--json"]).output)
    assert len(data) == 3 and data[0]["id"] == "skill:forklift" and "cred:forklift" in {d["id"] for d in data}


def test_cli_skills_show_unknown_id_exits_2():
    result = CliRunner().invoke(main, ["skills", "show", "cred:nope", "--json"])
    assert result.exit_code == 2 and json.loads(result.output)["field"] == "skill_id"


def test_a_title_the_coder_is_unsure_of_is_not_read_as_a_fuzzy_skill():
    # "mechanic" is filed under many occupations; with the coder unsure of it (here: a threshold it
    # cannot reach), the fuzzy skill match "Mechanical" (a knowledge area) must not take its place.
    strict = Normalizer(load_taxonomy(), occupation_threshold=0.99)
    assert strict.normalize_occupation("mechanic").status == "unmatched"
    assert strict.normalize("mechanic", kind="skill").id == "2.C.3.e"  # asked for a skill, it is the nearest
    match = strict.normalize("mechanic")
    assert match.status == "unmatched" and match.kind is None
    assert match.suggestions[0][0] == "49-3023.00"  # the curated reading, first among the suggestions


def test_a_trait_coded_from_one_of_its_words_is_not_taken_for_work_history(norm: Normalizer) -> None:
    # "fast learner": the coder reads "fast" as fast food, while no labelled title is close to the phrase.
    trait = norm.normalize("fast learner", kind="any")
    assert not trait.matched and trait.kind is None
    # Phrases that are not worded as titles but are close to labelled ones still count as work history.
    for phrase, code in (("retail", "41-2031.00"), ("fast food crew", "35-3023.00"), ("odd jobs", "53-7062.00")):
        found = norm.normalize(phrase, kind="any")
        assert (found.kind, found.id) == ("occupation", code), phrase


def test_common_spanish_job_titles_are_coded(norm: Normalizer) -> None:
    for phrase, code in (("asistente de cuidado en casa", "31-1122.00"), ("costurera", "51-6031.00"),
                         ("panadero", "51-3011.00"), ("secretaria", "43-6014.00"), ("tablarroquero", "47-2081.00"),
                         ("chofer de camion", "53-3032.00")):
        found = norm.normalize_occupation(phrase)
        assert found.matched and found.id == code, (phrase, found)
