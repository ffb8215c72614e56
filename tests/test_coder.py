"""The job-title coder: known answers, calibration, the held-out split, reproducible build, CLI."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys

import numpy as np
import pytest
from click.testing import CliRunner

from matcher.cli import main
from matcher.coder import (
    _FAMILY_BIT,
    RERANK_FEATURES,
    RERANK_POOL,
    SMALL_BATCH,
    _nearest_many,
    load_coder,
    reranked_order,
    reranked_orders,
    role_families,
    title_features,
    title_tokens,
)
from matcher.errors import DataError
from matcher.paths import REPO_ROOT

CODER_DIR = REPO_ROOT / "training_data" / "coder"
SHARED = next((p / "shared" / "data" for p in REPO_ROOT.parents if (p / "shared" / "data").is_dir()),
              REPO_ROOT.parent / "shared" / "data")
CENSUS = SHARED / "crosswalks" / "census_2022_alpha_index_occupations_dev.csv"
needs_sources = pytest.mark.skipif(not CENSUS.is_file(), reason="public source data not present")


@pytest.fixture(scope="module")
def coder():
    return load_coder()


def _build_script():
    sys.path.insert(0, str(REPO_ROOT / "scripts"))
    import build_coder

    return build_coder


@pytest.mark.parametrize("title, code", [
    ("welder", "51-4121.00"),
    ("Sr. Software Engineer II", "15-1252.00"),
    ("helper electrician", "47-3013.00"),  # a helper is a helper first, not the trade
    ("Electrician helper", "47-3013.00"),
    ("soldador", "51-4121.00"),  # curated Spanish title
    ("electricain", "47-2111.00"),  # one typo in a word the model knows
    ("warehouse lead", "53-1042.00"),
    ("RN", "29-1141.00"),
])
def test_common_titles_are_coded_with_confidence(coder, title, code):
    best = coder.code(title).best
    assert best is not None and best.code == code
    assert best.confidence >= coder.threshold_


def test_word_order_and_census_inversion_do_not_matter(coder):
    a, b = coder.code("Technician, forest"), coder.code("forest technician")
    # Only the re-ranker's head-word inputs (which word comes last) see the order: a hair's difference.
    assert a.best.code == b.best.code == "19-4071.00" and abs(a.best.confidence - b.best.confidence) < 0.01
    likely = [[c.code for c in coded.candidates if c.confidence > 0.05] for coded in (a, b)]
    assert likely[0] == likely[1]


def test_folding_drops_census_notes_seniority_and_one_letter_words():
    assert title_tokens("Teacher\\ ns") == ["teacher"]
    assert title_tokens("Sr. Welder II") == ["welder"]
    assert title_tokens("n/a") == []
    assert title_tokens("Cooks, Restaurant") == ["cook", "restaurant"]
    assert "cook|restaurant" in title_features(["restaurant", "cook"])


def test_apprentices_trainees_and_journeymen_are_coded_as_the_trade():
    # The SOC's rule: a worker in training is classified with the occupation trained for.
    assert title_tokens("Apprentice cable splicer") == ["cable", "splicer"]
    assert title_tokens("journeyman electrician") == ["electrician"]
    assert title_tokens("electrician trainee") == ["electrician"]
    assert title_tokens("Apprentice") == ["apprentice"]  # alone it is still a word


def test_an_apprentice_title_codes_to_the_trade_not_to_a_helper(coder):
    best = coder.code("Apprentice cable splicer").best
    assert best is not None and best.code == "49-9052.00" and best.confidence >= coder.threshold_


def test_gendered_forms_are_one_word():
    assert title_tokens("Waitress") == ["waiter"]
    assert title_tokens("saleswomen") == ["salesman"] == title_tokens("salesperson")
    assert title_tokens("Repairwoman") == ["repairman"]
    assert title_tokens("foreperson") == title_tokens("forewoman") == ["foreman"]
    assert title_tokens("specimen processor") == ["specimen", "processor"]  # not a gendered word


def test_gendered_titles_code_alike(coder):
    assert coder.code("forewoman").candidates == coder.code("foreman").candidates
    assert coder.code("appliance repairwoman").candidates == coder.code("appliance repairman").candidates
    assert coder.code("head waitress").best.code == "35-3031.00"


def test_plurals_in_es_are_singularised():
    assert title_tokens("mattresses benches dishes boxes") == ["mattress", "bench", "dish", "box"]
    assert title_tokens("Cashiers, nurses") == ["cashier", "nurse"]


@pytest.mark.parametrize("title, code", [
    ("soldadora", "51-4121.00"),  # feminine of the curated "soldador"
    ("carpintera", "47-2031.00"),
    ("operadora de montacargas", "53-7051.00"),
    ("choferes", "53-3033.00"),  # plural in -es
    ("albaniles", "47-2021.00"),
])
def test_spanish_feminine_and_plural_titles_read_as_the_listed_form(coder, title, code):
    best = coder.code(title).best
    assert best is not None and best.code == code and best.confidence >= coder.threshold_


def test_a_known_word_is_never_read_as_spanish(coder):
    assert "data" in coder.feature_id_
    idx, _ = coder.query_vector("data analyst")
    assert "dato" not in {coder.vocabulary_[i] for i in idx}


def test_word_model_is_a_distribution_over_soc_codes(coder):
    idx, _ = coder.query_vector("tow truck driver")
    posterior = coder.word_model(idx)
    assert posterior.shape == (len(coder.socs_),) and abs(posterior.sum() - 1.0) < 1e-6
    assert coder.socs_[int(posterior.argmax())] == "53-3032"


@pytest.mark.parametrize("title, code", [
    # Inverted titles: their pairs one word apart make "driver tow truck" "tow truck driver"; where the
    # neighbours still split ("attendant parking garage": "garage attendant" is its closest title),
    # the word model puts the right code first.
    ("attendant parking garage", "53-6021.00"),
    ("driver tow truck", "53-3032.00"),
    ("installer garage door", "49-9011.00"),
])
def test_inverted_titles_are_placed_by_their_words(coder, title, code):
    best = coder.code(title).best
    assert best is not None and best.code == code


def test_word_pairs_one_word_apart_make_inverted_titles_alike():
    def features(text: str) -> set[str]:
        return set(title_features(title_tokens(text)))

    assert features("driver tow truck") == features("tow truck driver")
    assert "nursing|supervisor" in features("nursing care supervisor") & features("supervisor of nursing")


def test_an_except_clause_is_not_read_as_the_title(coder):
    assert title_tokens("Jeweler exc managing") == ["jeweler"]
    assert title_tokens("Legal research analyst (exc lawyer) senior") == ["legal", "research", "analyst"]
    assert title_tokens("Janitors and Cleaners, Except Maids and Housekeeping Cleaners") == ["janitor", "cleaner"]
    assert title_tokens("Excavator operator") == ["excavator", "operator"]
    assert coder.code("Jeweler exc managing").best.soc == "51-9071"  # not the supervisor it excludes


def test_a_title_filed_under_two_occupations_is_not_trusted_blindly(coder):
    # O*NET lists "Iron Worker" under two occupations: seen verbatim, yet its confidence is the chance
    # of one of the two, not the near-certainty of a title filed under one (the Census codes most
    # ironworkers as structural, so that one leads; the re-ranker's two chances, 0.90 and 0.34, are
    # scaled to sum to 1).
    coded = coder.code("iron worker")
    assert coded.similarity == 1.0 and coded.best.confidence < 0.8
    assert coder.code("welder").best.confidence > 0.9
    assert {"47-2171.00", "47-2221.00"} <= {c.code for c in coded.candidates}


def test_unknown_words_count_against_a_match(coder):
    # "mom" is unknown: the phrase is not taken for whatever "home" alone is, at full confidence.
    assert coder.code("stay at home mom").similarity < 0.9
    assert coder.code("zzzz qqqq").candidates == ()


def test_confidences_are_probabilities_and_calibration_is_monotone(coder):
    assert np.all(np.diff(coder.calibration_x_) >= 0) and np.all(np.diff(coder.calibration_y_) >= 0)
    assert coder.calibration_y_.min() >= 0.0 and coder.calibration_y_.max() <= 1.0
    for title in ("cook", "line cook", "warehouse", "Supervisor delivery room", "abc"):
        for c in coder.code(title).candidates:
            assert 0.0 <= c.confidence <= 1.0
    assert 0.3 < coder.threshold_ < 0.95


def test_candidates_are_ranked_and_codes_are_onet_soc(coder):
    coded = coder.code("machine operator", top=5)
    confidences = [c.confidence for c in coded.candidates]
    assert confidences == sorted(confidences, reverse=True)
    taxonomy_codes = set(coder.onet_codes_)
    assert all(c.code in taxonomy_codes and c.code[:7] == c.soc for c in coded.candidates)


def test_code_many_matches_code(coder):
    titles = ["welder", "cook", "Head School Custodian"]
    assert coder.code_many(titles) == [coder.code(t) for t in titles]


def test_title_heads_tell_titles_from_skill_phrases(coder):
    assert coder.looks_like_title("forklift operator") and coder.looks_like_title("cocinero")
    assert not coder.looks_like_title("interior painting") and not coder.looks_like_title("construction")


# --------------------------------------------------------------------------- the held-out split


def test_held_out_and_training_census_groups_are_disjoint():
    with np.load(CODER_DIR / "census_split.npz") as npz:
        held, train = set(npz["held_out"].tolist()), set(npz["training"].tolist())
    assert held and train and not held & train
    split = json.loads((CODER_DIR / "manifest.json").read_text())["split"]
    assert split["held_out_groups"] == len(held) and 0.15 < split["held_out_rows"] / split["census_rows"] < 0.25


@needs_sources
def test_split_is_the_fixed_seed_split_of_the_source_and_the_model_never_saw_it():
    build = _build_script()
    rows = build.read_census(CENSUS)
    train_rows, held_rows = build.split_census(rows)
    held_groups = {build.split_group(r["title"]) for r in held_rows}
    with np.load(CODER_DIR / "census_split.npz") as npz:
        recorded_held, recorded_train = set(npz["held_out"].tolist()), set(npz["training"].tolist())
    assert {build.group_hash(g) for g in held_groups} == recorded_held
    # Every Census title the model learned from is on the training side.
    assert recorded_train <= {build.group_hash(build.split_group(r["title"])) for r in train_rows}
    # Words that occur only in held-out titles are not in the model's vocabulary at all.
    seen = {t for r in train_rows for t in title_tokens(r["title"])}
    coder = load_coder()
    onet_words = set(coder.vocabulary_)
    held_only = {t for r in held_rows for t in title_tokens(r["title"])} - seen
    leaked = {w for w in held_only if w in onet_words}
    # A held-out-only word may still be known from O*NET's own titles; check those came from there.
    build_examples, _, _ = build.onet_examples(SHARED)
    onet_vocab = {t for ex in build_examples for t in title_tokens(ex.text)}
    curated_vocab = {t for ex in build.curated_examples({c: c[:7] for c in coder.onet_codes_})
                     for t in title_tokens(ex.text)}
    assert leaked <= onet_vocab | curated_vocab
    assert held_only - leaked  # some held-out-only words exist, and the model does not know them


def test_shipped_files_match_the_manifest():
    manifest = json.loads((CODER_DIR / "manifest.json").read_text())
    for name, meta in manifest["files"].items():
        assert hashlib.sha256((CODER_DIR / name).read_bytes()).hexdigest() == meta["sha256"], name
    for meta in manifest["curated"].values():
        assert hashlib.sha256((REPO_ROOT / meta["path"]).read_bytes()).hexdigest() == meta["sha256"], meta["path"]
    total = sum(meta["bytes"] for meta in manifest["files"].values())
    assert total < 3_000_000  # committed to git: keep it compact


@pytest.mark.slow
@needs_sources
def test_rebuild_is_byte_identical_to_shipped(tmp_path):
    subprocess.run([sys.executable, str(REPO_ROOT / "scripts" / "build_coder.py"), "--source", str(SHARED),
                    "--out", str(tmp_path)], check=True, capture_output=True)
    shipped = sorted(p.name for p in CODER_DIR.iterdir())
    assert sorted(p.name for p in tmp_path.iterdir()) == shipped
    for name in shipped:
        assert (tmp_path / name).read_bytes() == (CODER_DIR / name).read_bytes(), name


def test_missing_or_corrupt_coder_is_a_data_error(tmp_path):
    shutil.copytree(CODER_DIR, tmp_path / "coder")
    (tmp_path / "coder" / "title_coder.npz").write_bytes(b"not a zip")
    with pytest.raises(DataError) as err:
        load_coder(tmp_path / "coder")
    assert err.value.field == "coder" and "build_coder.py" in err.value.message
    with pytest.raises(DataError):
        load_coder(tmp_path / "nothing")


# --------------------------------------------------------------------------- CLI


def test_cli_occupations_code_table_and_json(tmp_path):
    runner = CliRunner()
    result = runner.invoke(main, ["occupations", "code", "welder", "iron worker"])
    assert result.exit_code == 0, result.output
    welder = next(line for line in result.output.splitlines() if line.startswith("welder"))
    assert "matched" in welder and "51-4121.00" in welder
    titles = tmp_path / "titles.txt"
    titles.write_text("Sr. welder\n\nsoldador\n", encoding="utf-8")
    data = json.loads(runner.invoke(main, ["occupations", "code", "--file", str(titles), "--json"]).output)
    assert [d["title"] for d in data] == ["Sr. welder", "soldador"]
    assert data[0]["code"] == "51-4121.00" and data[0]["candidates"][0]["soc2018"] == "51-4121"


def test_cli_occupations_code_without_titles_exits_2():
    result = CliRunner().invoke(main, ["occupations", "code", "--json"])
    assert result.exit_code == 2 and json.loads(result.output)["field"] == "titles"


def test_a_curated_title_settles_a_title_seen_verbatim_under_many_codes(coder):
    # 19 labelled titles fold to "mechanic" (O*NET alternates, Census entries with an except clause),
    # more than the 8 neighbours that vote: which of them vote must not be arbitrary, and the curated one is kept.
    # The re-ranker alone would put Aircraft Mechanics first; the curated title keeps automotive first
    # (with the pool's best chance: "mechanic" alone is still a guess among 19 codes, near the threshold).
    best = coder.code("mechanic").best
    assert best is not None and best.code == "49-3023.00" and 0.3 < best.confidence < 0.9
    assert coder.code_many(["mechanic"])[0].candidates == coder.code("mechanic").candidates


# --------------------------------------------------------------------------- the re-ranker


def test_the_shipped_coder_re_ranks_with_one_input_column_per_feature(coder):
    assert coder.reranker_ is not None
    assert coder.reranker_.n_features_ <= len(RERANK_FEATURES)
    table = coder.candidate_table(["welder", "zzzz qqqq", "Head School Custodian"])
    assert table[1] is None  # no known word: no candidates
    for socs, X in (table[0], table[2]):
        assert X.shape == (len(socs), len(RERANK_FEATURES)) and 1 <= len(socs) <= RERANK_POOL
        assert X[:, RERANK_FEATURES.index("rank")].tolist() == list(range(len(socs)))
    assert table[0][0][0] == "51-4121"


def test_role_words_of_a_title_and_of_an_occupation_are_compared(coder):
    socs, X = coder.candidate_table(["kitchen supervisor"])[0]
    col = {name: X[:, i] for i, name in enumerate(RERANK_FEATURES)}
    assert set(col["title_supervisor"]) == {1.0}
    supervisors = [s for s, flag in zip(socs, col["soc_supervisor"]) if flag]
    assert "35-1012" in supervisors  # First-Line Supervisors of Food Preparation and Serving Workers
    assert role_families(["line", "cook"]) == 0
    assert role_families(["foreman", "helper"]) == _FAMILY_BIT["supervisor"] | _FAMILY_BIT["helper"]


def test_a_coder_without_a_re_ranker_still_loads_and_codes(tmp_path, coder):
    folder = tmp_path / "coder"
    shutil.copytree(CODER_DIR, folder)
    with np.load(folder / "title_coder.npz") as npz:
        kept = {k: npz[k] for k in npz.files if not k.startswith("rerank_")}
    np.savez(folder / "title_coder.npz", **kept)
    plain = load_coder(folder)
    assert plain.reranker_ is None
    assert plain.code("welder").best.code == "51-4121.00"
    assert plain.candidate_table(["welder"])[0][1].shape[1] == len(RERANK_FEATURES)


def test_code_many_matches_code_on_many_titles(coder):
    titles = ["cook", "line cook", "Supervisor delivery room", "sewing machine operator", "teacher aide",
              "auxiliar de enfermeria", "truck driver cdl", "Sr. mgr, HR", "forest technician", "lead cashier",
              "maintenance mechanic", "night shift supervisor warehouse", "x", "zzzz qqqq"]
    assert coder.code_many(titles, batch=4) == [coder.code(t) for t in titles]


def test_a_large_batch_and_a_few_titles_find_the_same_matches_to_the_bit(coder):
    # Above SMALL_BATCH titles the matches come from one sparse product, below it from the postings directly.
    titles = ["cook", "Supervisor delivery room", "forest technician", "zzzz qqqq", "lead cashier", "welder"] * 4
    assert len(titles) > SMALL_BATCH
    many = coder.code_many(titles, batch=len(titles))
    assert many == coder.code_many(titles, batch=3)
    _, ptr, idx, w = coder._queries(titles)
    big = coder._matches(ptr, idx, w)
    order = np.lexsort((big[1], big[0]))
    small = [coder._matches(ptr[i:i + 2] - ptr[i], idx[ptr[i]:ptr[i + 1]], w[ptr[i]:ptr[i + 1]])
             for i in range(len(titles))]
    assert np.array_equal(big[0][order], np.concatenate([np.full(len(s[0]), i) for i, s in enumerate(small)]))
    assert np.array_equal(big[1][order], np.concatenate([s[1] for s in small]))
    assert np.array_equal(big[2][order], np.concatenate([s[2] for s in small]))  # the same sums, not just close


def test_a_title_is_coded_the_same_whatever_is_coded_beside_it(coder):
    # Several hundred titles: past the default batch (256) and past the tree walk's 512 rows at a time.
    from matcher.taxonomy import load_taxonomy

    titles = [o.title for o in load_taxonomy().occupations.values()][:600]
    titles += [t.lower() + " helper" for t in titles[:100]] + ["zzzz qqqq", "", "cook"]
    default = coder.code_many(titles)
    assert default == coder.code_many(titles, batch=len(titles)) == coder.code_many(titles, batch=37)
    assert coder.code_many(titles[::-1]) == default[::-1]
    whole, pieces = coder.candidate_table(titles, batch=1024), coder.candidate_table(titles, batch=50)
    assert all((a is None and b is None) or (a[0] == b[0] and np.array_equal(a[1], b[1]))
               for a, b in zip(whole, pieces))


def test_isotonic_knots_sit_at_the_centre_of_each_step():
    build = _build_script()
    xs, ys = build.isotonic_table(np.array([0.1, 0.2, 0.3, 0.4]), np.array([False, False, True, True]))
    assert xs.tolist() == [0.1, 0.15, 0.35, 0.4] and ys.tolist() == [0.0, 0.0, 1.0, 1.0]
    # Between two steps the map rises, so scores inside what was one step keep their order.
    assert np.interp(0.2, xs, ys) < np.interp(0.3, xs, ys)


def test_the_threshold_holds_for_titles_not_verbatim_in_onet_too():
    build = _build_script()
    confidence = np.array([0.9, 0.9, 0.9, 0.9, 0.85, 0.8, 0.7, 0.7, 0.6, 0.6])
    right = np.array([1, 1, 1, 1, 1, 1, 0, 1, 1, 0], dtype=bool)
    # From 0.6 up 8 of 10 are right, from 0.7 up 7 of 8, above 0.7 all: below TARGET_PRECISION until 0.71.
    assert build.choose_threshold(confidence, right, np.ones(10, dtype=bool)) == 0.71
    # 30 more titles at 0.7, verbatim in O*NET and right: overall precision passes from 0 (38 of 40),
    # but the not-verbatim titles answered from 0.6 (8 of 10) or 0.7 (7 of 8) stay below 0.90.
    many = np.concatenate([np.full(30, 0.7), confidence])
    many_right = np.concatenate([np.ones(30, dtype=bool), right])
    many_verbatim = np.concatenate([np.ones(30, dtype=bool), np.zeros(10, dtype=bool)])
    assert build.choose_threshold(many, many_right, np.ones(40, dtype=bool)) == 0.0
    assert build.choose_threshold(many, many_right, many_verbatim) == 0.71


def test_reranked_chances_sum_to_at_most_one_and_a_curated_title_settles():
    scores, order = reranked_order(np.array([0.9, 0.34, 0.1]), np.zeros(3, dtype=bool))
    assert np.allclose(scores, [0.9 / 1.34, 0.34 / 1.34, 0.1 / 1.34]) and order.tolist() == [0, 1, 2]
    scores, order = reranked_order(np.array([0.2, 0.5]), np.zeros(2, dtype=bool))
    assert scores.tolist() == [0.2, 0.5] and order.tolist() == [1, 0]  # under 1: left as they are
    scores, order = reranked_order(np.array([0.2, 0.5]), np.array([True, False]))
    assert scores.tolist() == [0.5, 0.5] and order.tolist() == [0, 1]  # the curated code first, best chance
    assert reranked_order(np.array([0.3, 0.3]), np.zeros(2, dtype=bool))[1].tolist() == [0, 1]  # ties: mixed order


def test_many_titles_reranked_at_once_are_each_reranked_as_alone():
    rng = np.random.default_rng(7)
    sizes = np.array([3, 1, 5, 2, 4])
    prob = np.round(rng.random(sizes.sum()), 1)  # rounded: ties, which must keep the mixed-score order
    curated = rng.random(sizes.sum()) < 0.15
    scores, order = reranked_orders(prob, curated, sizes)
    starts = np.cumsum(sizes) - sizes
    for a, n in zip(starts, sizes):
        alone_scores, alone_order = reranked_order(prob[a:a + n], curated[a:a + n])
        assert np.array_equal(scores[a:a + n], alone_scores)
        assert order[a:a + n].tolist() == (alone_order + a).tolist()


def test_the_nearest_titles_are_the_best_by_similarity_then_row_whatever_the_histogram_levels():
    rng = np.random.default_rng(3)
    n_titles, m = 40, 30
    title = np.sort(rng.integers(0, n_titles, 20_000))
    rows = rng.permutation(60_000)[:20_000]
    # Few distinct similarities (many ties, on one level or across several), some titles with fewer than m.
    tenths = rng.choice([10_000_000, 9_000_000, 5_000_001, 5_000_000, 120_000, 3], size=20_000)
    title[title == 5] = 6
    near, rank = _nearest_many(title, rows, tenths, n_titles, m)
    expected = np.lexsort((rows, -tenths, title))
    expected = np.concatenate([expected[title[expected] == t][:m] for t in range(n_titles)])
    assert near.tolist() == expected.tolist()
    assert rank.tolist() == [i for t in range(n_titles) for i in range(min(m, int((title == t).sum())))]
