"""The evaluation report as one self-contained HTML page (plots inlined as PNG) beside its JSON.

Plots (matplotlib, drawn off-screen): ranking metrics of the model beside the baselines, the
calibration curve, the self-sufficient top-choice rate by group with the four-fifths line, and
feature importance. Tables carry every number the plots show.
"""

from __future__ import annotations

import base64
import html
import io
from typing import Any

RANKER_LABELS = {"random": "Random", "most_popular": "Most popular", "hand_set": "Hand-set engine",
                 "model": "Learned model", "promoted": "Promoted model"}
COLORS = {"random": "#bbbbbb", "most_popular": "#8fa8c8", "hand_set": "#e0a040", "model": "#2a7f62",
          "promoted": "#7a5fb0"}
METRICS = (("ndcg@5", "NDCG@5"), ("ndcg@10", "NDCG@10"), ("recall@10", "Recall@10"), ("map@10", "MAP@10"),
           ("ips_ndcg@10", "IPS NDCG@10"), ("true_ndcg@10", "True NDCG@10"))


def _png(fig: Any) -> str:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110, bbox_inches="tight")
    import matplotlib.pyplot as plt

    plt.close(fig)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def _pyplot() -> Any:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def ranking_plot(ranking: dict[str, dict[str, float | None]]) -> str:
    plt = _pyplot()
    metrics = [(k, label) for k, label in METRICS if any(r.get(k) is not None for r in ranking.values())]
    names = list(ranking)
    fig, ax = plt.subplots(figsize=(9, 3.6))
    width = 0.8 / max(len(names), 1)
    for i, name in enumerate(names):
        values = [ranking[name].get(k) or 0.0 for k, _ in metrics]
        xs = [j + (i - (len(names) - 1) / 2) * width for j in range(len(metrics))]
        ax.bar(xs, values, width, label=RANKER_LABELS.get(name, name), color=COLORS.get(name, "#555555"))
    ax.set_xticks(range(len(metrics)), [label for _, label in metrics])
    ax.set_ylim(0, 1)
    ax.set_ylabel("score (higher is better)")
    ax.set_title("Held-out ranking quality, same queries for every ranker")
    ax.legend(loc="upper left", ncols=len(names), fontsize=8, frameon=False)
    ax.grid(axis="y", alpha=0.3)
    return _png(fig)


def calibration_plot(curve: list[dict[str, float]]) -> str:
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(4.4, 4.0))
    ax.plot([0, 1], [0, 1], "--", color="#999999", label="perfectly calibrated")
    ax.plot([c["predicted"] for c in curve], [c["observed"] for c in curve], "o-", color=COLORS["model"],
            label="learned model")
    ax.set_xlabel("predicted chance of success")
    ax.set_ylabel("observed share who succeeded")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_title("Calibration (held-out enrollments, deciles)")
    ax.legend(fontsize=8, frameon=False)
    ax.grid(alpha=0.3)
    return _png(fig)


def fairness_plot(fairness: dict[str, Any]) -> str:
    plt = _pyplot()
    attributes = list(fairness["attributes"])
    fig, axes = plt.subplots(1, len(attributes), figsize=(3.1 * len(attributes), 3.8), sharey=True)
    if len(attributes) == 1:
        axes = [axes]
    for ax, attribute in zip(axes, attributes):
        rows = fairness["attributes"][attribute]
        labels = list(rows)
        for k, ranker in enumerate(("hand_set", "model")):
            values = [rows[g].get(f"self_sufficient_rate.{ranker}") or 0.0 for g in labels]
            xs = [i + (k - 0.5) * 0.38 for i in range(len(labels))]
            bars = ax.bar(xs, values, 0.38, color=COLORS[ranker], label=RANKER_LABELS[ranker])
            for bar, g in zip(bars, labels):
                if not rows[g]["judged"]:
                    bar.set_hatch("//")
                    bar.set_alpha(0.5)
                if rows[g].get(f"flagged.{ranker}"):
                    ax.annotate("!", (bar.get_x() + bar.get_width() / 2, bar.get_height()), ha="center",
                                va="bottom", color="#c0392b", fontweight="bold")
        judged = [rows[g].get("self_sufficient_rate.model") or 0.0 for g in labels if rows[g]["judged"]]
        if judged:
            ax.axhline(0.8 * max(judged), color="#c0392b", lw=1, ls=":", label="4/5 of best (model)")
        ax.set_xticks(range(len(labels)), [g.replace("_", " ") for g in labels], rotation=60, ha="right", fontsize=7)
        ax.set_title(attribute.replace("_", " "), fontsize=9)
        ax.set_ylim(0, 1)
        ax.grid(axis="y", alpha=0.3)
    axes[0].set_ylabel("top choice pays the person's target")
    axes[0].legend(fontsize=7, frameon=False, loc="upper left")
    fig.suptitle("Self-sufficient top recommendation by group (hatched: under 30 people, not judged; ! flagged)",
                 fontsize=9)
    return _png(fig)


def importance_plot(importance: list[dict[str, Any]], top: int = 15) -> str:
    plt = _pyplot()
    rows = importance[:top][::-1]
    fig, ax = plt.subplots(figsize=(6, 0.28 * len(rows) + 0.8))
    ax.barh([r["feature"].replace("_", " ") for r in rows], [r["importance"] for r in rows], color=COLORS["model"])
    ax.set_xlabel("mean |effect on the log-odds| (held-out)")
    ax.set_title("What the model learned from (top features)")
    ax.grid(axis="x", alpha=0.3)
    return _png(fig)


def _fmt(v: Any) -> str:
    if v is None:
        return "–"
    if isinstance(v, float):
        return f"{v:.3f}"
    return html.escape(str(v))


def render_html(report: dict[str, Any]) -> str:
    """The whole report page."""
    t = report["time_split"]
    ranking = t["ranking"]
    prob = t["probability"]["model"]
    parts: list[str] = []
    add = parts.append
    add(f"<h1>{html.escape(report['title'])}</h1>")
    add(f"<p class=meta>Created {html.escape(report['created'])}"
        + (f" · model <b>{html.escape(str(report.get('version')))}</b>" if report.get("version") else "")
        + f" · blend weight {report['blend_weight']}</p>")
    d = report["data"]
    add("<h2>Data</h2><table>" + "".join(
        f"<tr><th>{html.escape(k)}</th><td>{_fmt(v)}</td></tr>" for k, v in d.items()) + "</table>")
    add(f"<p><b>Success</b> means: {html.escape(report['success_definition'])}.</p>")
    add(f"<p><b>Split</b>: {html.escape(t['split']['description'])}; {t['split']['train']:,} training and "
        f"{t['split']['test']:,} held-out enrollments; ranking metrics on {t['split']['ranked_queries']:,} "
        f"held-out queries ({t['ranking_counts']['positive_eligible_queries']:,} with a successful, still-eligible "
        f"enrolled program).</p>")
    if report.get("promotion"):
        add(f"<p class=decision><b>Promotion</b>: {html.escape(report['promotion']['decision'])}</p>")
    add("<h2>Ranking quality beside the baselines</h2>")
    add(f"<img alt='ranking metrics' src='{ranking_plot(ranking)}'>")
    keys = [(k, label) for k, label in METRICS if any(r.get(k) is not None for r in ranking.values())]
    add("<table><tr><th>ranker</th>" + "".join(f"<th>{label}</th>" for _, label in keys) + "</tr>" + "".join(
        f"<tr><td>{RANKER_LABELS.get(n, n)}</td>" + "".join(f"<td>{_fmt(r.get(k))}</td>" for k, _ in keys) + "</tr>"
        for n, r in ranking.items()) + "</table>")
    add(f"<h3>How selection bias is handled</h3><p>{html.escape(report.get('selection_bias', ''))}</p>")
    add("<h2>Calibration</h2><div class=row>")
    add(f"<img alt='calibration curve' src='{calibration_plot(prob['calibration_curve'])}'>")
    add(f"<table><tr><th>AUC</th><td>{_fmt(prob['auc'])}</td></tr><tr><th>Brier score</th>"
        f"<td>{_fmt(prob['brier'])}</td></tr><tr><th>Expected calibration error</th><td>{_fmt(prob['ece'])}</td></tr>"
        f"<tr><th>Observed success rate</th><td>{_fmt(prob['base_rate'])}</td></tr>"
        f"<tr><th>AUC of the hand-set score (baseline)</th><td>{_fmt(t['probability']['hand_set_score_auc'])}</td>"
        f"</tr><tr><th>held-out enrollments</th><td>{prob['n']:,}</td></tr></table></div>")
    ss = t["self_sufficient_top_choice"]
    add("<h2>Top recommendation and self-sufficiency</h2>")
    add(f"<p>Expected share of held-out people whose top recommendation leads to a self-sufficient wage "
        f"(estimated with {html.escape(t['self_sufficient_estimated_with'])}), and the share whose top "
        f"recommendation pays their target.</p><table><tr><th>ranker</th><th>expected share reaching "
        f"self-sufficiency</th><th>top choice pays the target</th></tr>" + "".join(
            f"<tr><td>{RANKER_LABELS.get(n, n)}</td><td>{_fmt(v['expected_share'])}</td>"
            f"<td>{_fmt(v['top_pays_target_share'])}</td></tr>" for n, v in ss.items()) + "</table>")
    fair = t["fairness"]
    add("<h2>Fairness audit</h2>")
    add(f"<p>Groups are reporting-only fields; no model input. Four-fifths rule on the share whose top "
        f"recommendation pays their target: a group below {fair['four_fifths']} of its attribute's best-served "
        f"group is flagged; groups under {fair['min_group']} people are reported, not judged.</p>")
    add(f"<img alt='fairness by group' src='{fairness_plot(fair)}'>")
    if fair["flags"]:
        add("<ul class=flags>" + "".join(
            f"<li>Flagged: {html.escape(f['attribute'])} = {html.escape(f['group'])} "
            f"({RANKER_LABELS.get(f['ranker'], f['ranker'])}): ratio {f['ratio']:.2f}, {f['n']} people</li>"
            for f in fair["flags"]) + "</ul>")
    else:
        add("<p>No group is flagged.</p>")
    cols = ["n", "judged", "self_sufficient_rate.hand_set", "self_sufficient_rate.model", "four_fifths_ratio.model",
            "expected_self_sufficient.model", "observed_success", "mean_predicted", "ece", "brier",
            "false_positive_rate", "false_negative_rate"]
    for attribute, rows in fair["attributes"].items():
        add(f"<h3>{html.escape(attribute.replace('_', ' '))}</h3><table><tr><th>group</th>"
            + "".join(f"<th>{html.escape(c.replace('_', ' ').replace('.', ' · '))}</th>" for c in cols) + "</tr>"
            + "".join(f"<tr class='{'flag' if row.get('flagged.model') else ''}'><td>{html.escape(g)}</td>"
                      + "".join(f"<td>{_fmt(row.get(c))}</td>" for c in cols) + "</tr>" for g, row in rows.items())
            + "</table>")
    add("<h2>What the model learned from</h2>")
    add(f"<img alt='feature importance' src='{importance_plot(report['feature_importance'])}'>")
    if report.get("participant_split"):
        p = report["participant_split"]
        add(f"<h2>Second check: participant split</h2><p>{html.escape(p['split']['description'])}; blend weight "
            f"{p.get('blend_weight')}.</p><table><tr><th>ranker</th>" + "".join(f"<th>{label}</th>"
                                                                                 for _, label in keys) + "</tr>"
            + "".join(f"<tr><td>{RANKER_LABELS.get(n, n)}</td>" + "".join(f"<td>{_fmt(r.get(k))}</td>"
                                                                         for k, _ in keys) + "</tr>"
                      for n, r in p["ranking"].items()) + "</table>"
            + f"<p>AUC {_fmt(p['probability']['model']['auc'])}, Brier {_fmt(p['probability']['model']['brier'])}."
            f"</p>")
    body = "\n".join(parts)
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{html.escape(report['title'])}</title>
<style>
body {{ font: 14px/1.45 system-ui, sans-serif; max-width: 1100px; margin: 24px auto; padding: 0 16px; color: #222; }}
h1 {{ font-size: 24px; margin-bottom: 4px; }} h2 {{ margin-top: 32px; border-bottom: 1px solid #ddd; }}
table {{ border-collapse: collapse; margin: 8px 0 16px; font-size: 12.5px; }}
th, td {{ border: 1px solid #ddd; padding: 3px 8px; text-align: right; }} th {{ background: #f4f4f4; }}
td:first-child, th:first-child {{ text-align: left; }} tr.flag td {{ background: #fde8e6; }}
.meta {{ color: #666; }} .decision {{ background: #eef6f2; padding: 8px; border-left: 4px solid #2a7f62; }}
.row {{ display: flex; gap: 24px; align-items: flex-start; flex-wrap: wrap; }} img {{ max-width: 100%; }}
ul.flags li {{ color: #a93226; }}
</style></head><body>
{body}
</body></html>
"""
