#!/usr/bin/env python
"""Quality and speed of the normalizer and the job-title coder.

    python bench/bench_normalizer.py [--source ../shared/data] [--out results.json] [--plot docs/x.png]
                                     [--repeat 20] [--errors] [--limit N]

Job titles, on the held-out split of the Census 2022 Alphabetical Index of
Occupations (recomputed from the source file with the build's own split
function, and checked against the hashes the build recorded: no part of the
build saw these titles), beside the naive baseline measured in the same run
(the O*NET title with the best rapidfuzz WRatio, over O*NET's occupation,
alternate, short and reported titles):

- 6-digit accuracy: share of all titles coded to the right SOC 2018 code
- major-group accuracy: share coded to the right major group (first two digits)
- coverage: share of titles the coder answers (confidence >= threshold)
- precision where it answers, at 6 digits and at major group
- a coverage-precision curve over the threshold (``--plot`` draws it)

"Evaluation titles" are held-out title groups whose Census rows all carry one
detailed SOC code (titles coded differently by industry are left out); the
major-group figures use every held-out group whose rows agree on the major group.
Both are also reported for the titles that are not verbatim in O*NET.

Skills, on the two labelled phrase sets (``tests/data/``): precision, recall,
correct-unmatched, and phrases wrongly made credentials; the job titles among
them are the coder's "own labelled set" figures.

Speed: titles per second and phrases per second on one core, warm; the CLI's
wall time for one phrase (``matcher skills normalize forklift``, median of 5).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "scripts"))

import build_coder  # noqa: E402 - the split and evaluation sets are the build's own
from machine import describe  # noqa: E402 - bench/machine.py

from matcher.coder import load_coder  # noqa: E402
from matcher.normalize import Normalizer  # noqa: E402
from matcher.taxonomy import load_taxonomy  # noqa: E402

UNMATCHED = "UNMATCHED"
THRESHOLDS = [round(t, 2) for t in np.arange(0.0, 1.0001, 0.02)]


# --------------------------------------------------------------------------- job titles


def held_out_sets(source: Path) -> tuple[list[tuple[str, str, bool]], list[tuple[str, str, bool]]]:
    """(detailed-code titles, major-group titles) of the held-out split: (title, label, verbatim in O*NET)."""
    rows = build_coder.read_census(source / build_coder.SOURCES["census_index"])
    _, held = build_coder.split_census(rows)
    with np.load(REPO / "training_data" / "coder" / "census_split.npz") as npz:
        recorded = set(npz["held_out"].tolist())
    computed = {build_coder.group_hash(build_coder.split_group(r["title"])) for r in held}
    if computed != recorded:
        raise SystemExit("the held-out split does not match the one the shipped coder recorded: rebuild it")
    in_onet = {build_coder.split_group(r["title"]): r["title_in_onet_29_2"] == "True" for r in held}
    detailed = [(t, soc, in_onet[build_coder.split_group(t)]) for t, soc in build_coder.evaluation_titles(held)]
    majors: dict[str, set[str]] = defaultdict(set)
    first: dict[str, str] = {}
    for r in held:
        g = build_coder.split_group(r["title"])
        if r["soc2018_code"].strip():
            majors[g].add(r["soc2018_code"].strip()[:2])
        first.setdefault(g, r["title"])
    major = [(first[g], next(iter(m)), in_onet[g]) for g, m in sorted(majors.items()) if len(m) == 1]
    return detailed, major


def coder_predictions(coder, titles: list[tuple[str, str, bool]]) -> tuple[list[str | None], np.ndarray]:
    preds, conf = [], []
    for coded in coder.code_many([t for t, _, _ in titles], top=1):
        best = coded.best
        preds.append(best.soc if best else None)
        conf.append(best.confidence if best else 0.0)
    return preds, np.asarray(conf)


def baseline_predictions(source: Path, titles: list[tuple[str, str, bool]],
                         limit: int | None) -> tuple[list[str | None], np.ndarray]:
    """The naive coder: the O*NET title with the best WRatio; its score / 100 is the confidence."""
    from rapidfuzz import fuzz, process, utils

    examples, _, _ = build_coder.onet_examples(source)
    choices = [utils.default_process(ex.text) for ex in examples]
    socs = [ex.soc for ex in examples]
    queries = [utils.default_process(t) for t, _, _ in titles[:limit]]
    preds: list[str | None] = []
    conf: list[float] = []
    for start in range(0, len(queries), 200):
        scores = process.cdist(queries[start:start + 200], choices, scorer=fuzz.WRatio, dtype=np.uint8, workers=-1)
        best = scores.argmax(axis=1)
        for i, j in enumerate(best.tolist()):
            preds.append(socs[j] if scores[i, j] > 0 else None)
            conf.append(scores[i, j] / 100.0)
    return preds, np.asarray(conf)


def title_figures(preds: list[str | None], conf: np.ndarray, labels: list[str], threshold: float,
                  level: int) -> dict[str, float | int]:
    """Accuracy over all titles, coverage and precision where it answers, at a label length (7 or 2)."""
    right = np.asarray([p is not None and p[:level] == y[:level] for p, y in zip(preds, labels)])
    answered = conf >= threshold
    return {
        "titles": len(labels),
        "accuracy": round(float(right.mean()), 4),
        "coverage": round(float(answered.mean()), 4),
        "precision": round(float(right[answered].mean()), 4) if answered.any() else None,
        "right_and_answered": round(float((right & answered).mean()), 4),
    }


def curve(preds: list[str | None], conf: np.ndarray, labels: list[str], level: int) -> list[dict[str, float]]:
    out = []
    for t in THRESHOLDS:
        f = title_figures(preds, conf, labels, t, level)
        out.append({"threshold": t, "coverage": f["coverage"], "precision": f["precision"]})
    return out


def evaluate_titles(source: Path, coder, limit: int | None) -> dict[str, object]:
    detailed, major = held_out_sets(source)
    if limit:  # a deterministic sample: every k-th title
        detailed = detailed[::max(1, len(detailed) // limit)][:limit]
        major = major[::max(1, len(major) // limit)][:limit]
    # Each distinct title is coded once, by the coder and by the baseline; the subsets are slices.
    unique = sorted({t for t, _, _ in detailed} | {t for t, _, _ in major})
    coded = dict(zip(unique, zip(*coder_predictions(coder, [(t, "", False) for t in unique]))))
    base = dict(zip(unique, zip(*baseline_predictions(source, [(t, "", False) for t in unique], None))))

    def preds(table: dict, titles: list[tuple[str, str, bool]]) -> tuple[list[str | None], np.ndarray]:
        return [table[t][0] for t, _, _ in titles], np.asarray([table[t][1] for t, _, _ in titles])

    results: dict[str, object] = {"threshold": coder.threshold_, "distinct_titles": len(unique)}
    for name, keep in (("all", lambda x: True), ("not_verbatim_in_onet", lambda x: not x[2])):
        d = [x for x in detailed if keep(x)]
        m = [x for x in major if keep(x)]
        (cp, cc), (mp, mc) = preds(coded, d), preds(coded, m)
        (bp, bc), (bmp, bmc) = preds(base, d), preds(base, m)
        dl, ml = [x[1] for x in d], [x[1] for x in m]
        # The baseline has no calibrated threshold: it is shown at the cut-off giving the coder's coverage.
        cov = title_figures(cp, cc, dl, coder.threshold_, 7)["coverage"]
        base_cut = float(np.quantile(bc, 1 - cov)) if len(bc) else 1.0
        results[name] = {
            "coder_6_digit": title_figures(cp, cc, dl, coder.threshold_, 7),
            "coder_major_group": title_figures(mp, mc, ml, coder.threshold_, 2),
            "baseline_6_digit": {**title_figures(bp, bc, dl, base_cut, 7), "cutoff": round(base_cut, 3)},
            "baseline_major_group": title_figures(bmp, bmc, ml, base_cut, 2),
            "curve_coder_6_digit": curve(cp, cc, dl, 7),
            "curve_coder_major_group": curve(mp, mc, ml, 2),
            "curve_baseline_6_digit": curve(bp, bc, dl, 7),
        }
    return results


# --------------------------------------------------------------------------- skills


def read_labelled(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


def lookup_names(taxonomy) -> set[str]:
    """Every name a phrase can hit verbatim (ignoring case): skill names and aliases (curated, ESCO,
    credential-word ones), O*NET occupation titles, alternate and reported titles, curated titles."""
    names: set[str] = set()
    for s in taxonomy.skills.values():
        names.update(n.strip().lower() for n in (s.name, *s.aliases, *s.esco_aliases, *s.marked_aliases))
    for o in taxonomy.occupations.values():
        names.update(n.strip().lower() for n in (o.title, *o.alternate_titles, *o.reported_titles, *o.aliases))
    return names


def skill_figures(normalizer: Normalizer, rows: list[dict[str, str]], row_kind: bool) -> dict[str, object]:
    """``row_kind``: the set's ``kind`` column is how to ask (issue 3's set); else every phrase is a skills box.

    Also reported apart: the phrases that are not a direct look-up (not verbatim, ignoring case, any
    name or alias in the taxonomy or any O*NET title), the better guide to text nobody here wrote.
    """
    names = lookup_names(normalizer.taxonomy)
    direct = [r for r in rows if r["phrase"].strip().lower() in names]
    other = [r for r in rows if r["phrase"].strip().lower() not in names]
    figures = _skill_figures(normalizer, rows, row_kind)
    for name, subset in (("direct_lookup", direct), ("not_direct_lookup", other)):
        f = _skill_figures(normalizer, subset, row_kind)
        figures[name] = {k: f[k] for k in ("phrases", "matched", "precision", "recall", "correct_unmatched_rate",
                                           "made_credentials_wrongly")}
    return figures


def _skill_figures(normalizer: Normalizer, rows: list[dict[str, str]], row_kind: bool) -> dict[str, object]:
    matched = correct = expected = recalled = exp_unm = corr_unm = false_cred = 0
    errors = []
    title_rows = title_right = title_soc = title_major = title_answered = 0
    for row in rows:
        kind = row["kind"] if row_kind else "any"
        m = normalizer.normalize(row["phrase"], kind=kind)  # type: ignore[arg-type]
        ok = set(row["expected_id"].split("|"))
        if UNMATCHED in ok:
            exp_unm += 1
            corr_unm += not m.matched
        else:
            expected += 1
            recalled += m.matched and m.id in ok
        if m.matched:
            matched += 1
            correct += m.id in ok
        if m.kind == "credential" and not any(i.startswith("cred:") for i in ok):
            false_cred += 1
        if any(len(i) == 10 and i[2] == "-" for i in ok):
            title_rows += 1
            title_right += m.matched and m.id in ok
            if m.matched and m.id:
                title_answered += 1
                title_soc += m.id[:7] in {i[:7] for i in ok}
                title_major += m.id[:2] in {i[:2] for i in ok}
        good = (m.matched and m.id in ok) or (not m.matched and UNMATCHED in ok)
        if not good:
            errors.append({"phrase": row["phrase"], "expected": row["expected_id"],
                           "got": m.id if m.matched else f"unmatched ({m.method})", "confidence": m.confidence})
    return {
        "phrases": len(rows), "matched": matched,
        "precision": round(correct / matched, 4) if matched else None,
        "recall": round(recalled / expected, 4) if expected else None,
        "correct_unmatched_rate": round(corr_unm / exp_unm, 4) if exp_unm else None,
        "made_credentials_wrongly": false_cred,
        "job_titles": title_rows, "job_titles_right": round(title_right / title_rows, 4) if title_rows else None,
        "job_titles_coverage": round(title_answered / title_rows, 4) if title_rows else None,
        "job_titles_6_digit_accuracy": round(title_soc / title_rows, 4) if title_rows else None,
        "job_titles_6_digit_precision": round(title_soc / title_answered, 4) if title_answered else None,
        "job_titles_major_group_accuracy": round(title_major / title_rows, 4) if title_rows else None,
        "job_titles_major_group_precision": round(title_major / title_answered, 4) if title_answered else None,
        "errors": errors,
    }


# --------------------------------------------------------------------------- speed


def cli_seconds(runs: int = 5) -> float:
    exe = Path(sys.executable).with_name("matcher")
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([str(exe), "skills", "normalize", "forklift"], check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def plot(results: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2, figsize=(11, 4.6), sharey=True)
    for ax, name, title in ((axes[0], "all", "All held-out Census titles"),
                            (axes[1], "not_verbatim_in_onet", "Held-out titles not verbatim in O*NET")):
        r = results["titles"][name]
        for key, label, style in (("curve_coder_6_digit", "coder, 6-digit SOC", "-"),
                                  ("curve_coder_major_group", "coder, major group", "--"),
                                  ("curve_baseline_6_digit", "baseline (WRatio), 6-digit", ":")):
            pts = [(p["coverage"], p["precision"]) for p in r[key] if p["precision"] is not None]
            ax.plot([c for c, _ in pts], [p for _, p in pts], style, label=label)
        f = r["coder_6_digit"]
        ax.plot([f["coverage"]], [f["precision"]], "o", color="black",
                label=f"default threshold {results['titles']['threshold']:.2f}")
        ax.axhline(0.90, color="grey", lw=0.6)
        ax.axvline(0.75, color="grey", lw=0.6)
        ax.set_title(f"{title} (n={f['titles']:,})")
        ax.set_xlabel("coverage (share of titles answered)")
        ax.set_xlim(0, 1.01)
        ax.set_ylim(0.4, 1.0)
        ax.grid(alpha=0.3)
    axes[0].set_ylabel("precision where it answers")
    axes[0].legend(loc="lower left", fontsize=8)
    fig.suptitle("Job-title coder: coverage against precision over the threshold (grey lines: the goal)")
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--source", type=Path, default=build_coder.default_source())
    parser.add_argument("--repeat", type=int, default=20, help="passes over the phrase sets for the timing")
    parser.add_argument("--speed-runs", type=int, default=7, help="timed passes of code_many over the held-out titles")
    parser.add_argument("--limit", type=int, default=None,
                        help="evaluate titles on a deterministic sample of N (default: every held-out title)")
    parser.add_argument("--out", type=Path, help="write the results as JSON here")
    parser.add_argument("--plot", type=Path, help="draw the coverage-precision curve (needs matplotlib)")
    parser.add_argument("--errors", action="store_true", help="list the phrases the skill sets get wrong")
    args = parser.parse_args(argv)

    t0 = time.perf_counter()
    taxonomy = load_taxonomy()
    coder = load_coder()
    normalizer = Normalizer(taxonomy, coder=coder)
    load_seconds = time.perf_counter() - t0

    results: dict[str, object] = {"machine": describe(), "load_average": os.getloadavg(),
                                  "taxonomy_version": taxonomy.version,
                                  "coder_version": coder.meta.get("coder_version"),
                                  "load_seconds": round(load_seconds, 3)}
    results["titles"] = evaluate_titles(args.source, coder, args.limit)

    sets = {"skill_phrases": (REPO / "tests" / "data" / "skill_phrases_labelled.csv", False),
            "normalizer_labelled": (REPO / "tests" / "data" / "normalizer_labelled.csv", True)}
    results["skills"] = {name: skill_figures(normalizer, read_labelled(path), row_kind)
                         for name, (path, row_kind) in sets.items()}

    # Speed: warm, one core, no result cache (the coder memoises only typo corrections and folded words).
    # A shared machine's speed drifts from run to run: code_many is timed several times, the median reported.
    detailed, _ = held_out_sets(args.source)
    titles = [t for t, _, _ in detailed]
    coder.code_many(titles[:50])
    rates = []
    for _ in range(args.speed_runs):
        start = time.perf_counter()
        coder.code_many(titles)
        rates.append(len(titles) / (time.perf_counter() - start))
    titles_per_second = float(np.median(rates))
    start = time.perf_counter()
    for text in titles:
        coder.code(text)
    single_per_second = len(titles) / (time.perf_counter() - start)
    start = time.perf_counter()
    for text in titles:
        normalizer.normalize_occupation(text)
    normalize_titles_per_second = len(titles) / (time.perf_counter() - start)
    phrases = [r["phrase"] for r in read_labelled(sets["skill_phrases"][0])]
    start = time.perf_counter()
    for _ in range(args.repeat):
        for p in phrases:
            normalizer.normalize(p)
    phrases_per_second = len(phrases) * args.repeat / (time.perf_counter() - start)
    results["speed"] = {"coder_titles_per_second": round(titles_per_second),
                        "coder_titles_per_second_runs": [round(r) for r in rates],
                        "coder_one_at_a_time_titles_per_second": round(single_per_second),
                        "normalize_occupation_titles_per_second": round(normalize_titles_per_second),
                        "skills_box_phrases_per_second": round(phrases_per_second),
                        "cli_normalize_one_phrase_seconds": round(cli_seconds(), 3),
                        "load_average_after": os.getloadavg()}

    t = results["titles"]
    print(f"machine: {results['machine']['cpu']}, load average {results['load_average']}")
    print(f"job titles, held-out Census split, default threshold {t['threshold']}:")
    for name in ("all", "not_verbatim_in_onet"):
        r = t[name]
        c6, cm, b6, bm = r["coder_6_digit"], r["coder_major_group"], r["baseline_6_digit"], r["baseline_major_group"]
        print(f"  [{name}] {c6['titles']} titles (major-group set {cm['titles']})")
        print(f"    coder    6-digit acc {c6['accuracy']:.3f}  coverage {c6['coverage']:.3f}  precision "
              f"{c6['precision']:.3f}  right&answered {c6['right_and_answered']:.3f} | major acc {cm['accuracy']:.3f} "
              f"precision {cm['precision']:.3f}")
        print(f"    baseline 6-digit acc {b6['accuracy']:.3f}  coverage {b6['coverage']:.3f}  precision "
              f"{b6['precision']:.3f} (cut-off {b6['cutoff']}) | major acc {bm['accuracy']:.3f} "
              f"precision {bm['precision']:.3f}")
    for name, s in results["skills"].items():
        print(f"skills [{name}] {s['phrases']} phrases: precision {s['precision']:.3f} recall {s['recall']:.3f} "
              f"correct-unmatched {s['correct_unmatched_rate']:.3f} wrong credentials {s['made_credentials_wrongly']}"
              f"  job titles among them right {s['job_titles_right']}")
        for part in ("direct_lookup", "not_direct_lookup"):
            d = s[part]
            print(f"    {part}: {d['phrases']} phrases, precision {d['precision']:.3f} recall {d['recall']:.3f}")
        if args.errors:
            for e in s["errors"]:
                print(f"    {e['phrase']!r}: expected {e['expected']}, got {e['got']}")
    sp = results["speed"]
    print(f"speed: coder {sp['coder_titles_per_second']:,} titles/s (code_many, median of "
          f"{len(sp['coder_titles_per_second_runs'])} runs {sp['coder_titles_per_second_runs']}; one at a time "
          f"{sp['coder_one_at_a_time_titles_per_second']:,}/s), normalize_occupation "
          f"{sp['normalize_occupation_titles_per_second']:,}/s, skills box {sp['skills_box_phrases_per_second']:,}"
          f" phrases/s; CLI one phrase {sp['cli_normalize_one_phrase_seconds']} s (median of 5)")
    if args.out:
        args.out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
        print(f"wrote {args.out}")
    if args.plot:
        plot(results, args.plot)
        print(f"wrote {args.plot}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
