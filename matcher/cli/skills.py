"""``matcher skills`` and ``matcher occupations``: normalize free text, search and show the taxonomy."""

from __future__ import annotations

from pathlib import Path

import click

from ..errors import ValidationError
from ..normalize import DEFAULT_THRESHOLD, Match, Normalizer
from ..records import normalize_code
from ..taxonomy import Occupation, Skill, load_taxonomy
from . import echo_json, echo_table, handle_errors, json_option

limit_option = click.option("--limit", type=click.IntRange(1, 200), default=10, show_default=True,
                            help="How many results to show.")


def register(main: click.Group) -> None:
    main.add_command(skills)
    main.add_command(occupations)


@click.group()
def skills() -> None:
    """Skills, credentials and the free-text normalizer."""


@click.group()
def occupations() -> None:
    """O*NET occupations: search and show."""


# --------------------------------------------------------------------------- skills


@skills.command()
@click.argument("phrases", nargs=-1, required=True)
@click.option("--kind", type=click.Choice(["any", "skill", "occupation"]), default="any", show_default=True,
              help="What the phrases are: a skills box (any), skills and credentials only, or job titles.")
@click.option("--threshold", type=click.FloatRange(0.0, 1.0), default=DEFAULT_THRESHOLD, show_default=True,
              help="Lowest confidence a skill or credential match needs.")
@click.option("--title-threshold", type=click.FloatRange(0.0, 1.0), default=None,
              help="Lowest calibrated confidence a job title needs (default: the title coder's own).")
@click.option("--sector", help="The program's sector, for phrases whose meaning depends on it (troubleshooting).")
@json_option
@handle_errors
def normalize(phrases: tuple[str, ...], kind: str, threshold: float, title_threshold: float | None,
              sector: str | None, as_json: bool) -> None:
    """Map free text to taxonomy IDs and say what each names: skill, credential or occupation.

    e.g. "fork lift" (skill), "forklift certified" (credential), "forklift driver" (occupation).
    """
    normalizer = Normalizer(threshold=threshold, occupation_threshold=title_threshold)
    matches = normalizer.normalize_many(list(phrases), kind=kind, sector=sector)  # type: ignore[arg-type]
    if as_json:
        echo_json([m.to_dict() for m in matches])
        return
    echo_table(["phrase", "status", "kind", "id", "name", "confidence", "method"],
               [[m.text, m.status, m.kind or "-", m.id or "-", m.name or _suggestion_text(m), f"{m.confidence:.2f}",
                 m.method] for m in matches])


def _suggestion_text(m: Match) -> str:
    if not m.suggestions:
        return "(nothing close)"
    return "did you mean: " + "; ".join(f"{sid} {name}" for sid, name, _ in m.suggestions[:3])


@skills.command("search")
@click.argument("query")
@limit_option
@json_option
@handle_errors
def search_skills(query: str, limit: int, as_json: bool) -> None:
    """Find skills, credentials, technologies and tools by name."""
    results = load_taxonomy().search_skills(query, limit=limit)
    if as_json:
        echo_json([{**_skill_dict(s), "score": score} for s, score in results])
        return
    if not results:
        click.echo(f"No skills match {query!r}.")
        return
    echo_table(["id", "name", "kind", "score"], [[s.id, s.name, s.kind, f"{score:.2f}"] for s, score in results])


@skills.command("show")
@click.argument("skill_id")
@json_option
@handle_errors
def show_skill(skill_id: str, as_json: bool) -> None:
    """Show one skill and the occupations it is used in."""
    taxonomy = load_taxonomy()
    skill = taxonomy.skill(skill_id)
    if as_json:
        echo_json(_skill_dict(skill, with_occupations=True))
        return
    click.echo(f"{skill.id}  {skill.name}  ({skill.kind})")
    if skill.description:
        click.echo(skill.description)
    if skill.aliases:
        click.echo("Also written: " + ", ".join(skill.aliases))
    if skill.occupations:
        click.echo(f"Used in {len(skill.occupations)} occupations, e.g.:")
        echo_table(["code", "title"], [[c, taxonomy.occupations[c].title] for c in skill.occupations[:15]])


def _skill_dict(s: Skill, *, with_occupations: bool = False) -> dict[str, object]:
    out: dict[str, object] = {"id": s.id, "name": s.name, "kind": s.kind, "aliases": list(s.aliases)}
    if with_occupations:
        out["occupations"] = list(s.occupations)
        out["description"] = s.description
    return out


# --------------------------------------------------------------------------- occupations


@occupations.command("search")
@click.argument("query")
@limit_option
@json_option
@handle_errors
def search_occupations(query: str, limit: int, as_json: bool) -> None:
    """Find occupations by title, common job title or O*NET alternate title."""
    results = load_taxonomy().search_occupations(query, limit=limit)
    if as_json:
        echo_json([{**_occupation_dict(o), "score": score} for o, score in results])
        return
    if not results:
        click.echo(f"No occupations match {query!r}.")
        return
    echo_table(["code", "title", "job zone", "typical education", "score"],
               [[o.code, o.title, o.job_zone or "-", _edu(o), f"{score:.2f}"] for o, score in results])


@occupations.command("code")
@click.argument("titles", nargs=-1)
@click.option("--file", "titles_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="A text file of job titles, one a line (blank lines skipped).")
@click.option("--top", type=click.IntRange(1, 10), default=3, show_default=True, help="Candidates per title.")
@json_option
@handle_errors
def code_titles(titles: tuple[str, ...], titles_file: Path | None, top: int, as_json: bool) -> None:
    """Code job titles to O*NET-SOC occupations with calibrated confidences, e.g. "Sr. welder"."""

    texts = list(titles)
    if titles_file is not None:
        texts += [line.strip() for line in titles_file.read_text(encoding="utf-8").splitlines() if line.strip()]
    if not texts:
        raise ValidationError("give job titles, or --file with one title a line", field="titles")
    normalizer = Normalizer()
    coder, taxonomy = normalizer.coder, normalizer.taxonomy
    rows = []
    for text in texts:
        match = normalizer.normalize_occupation(text[:200]) if text.strip() else None
        coded = coder.code(text, top=top)
        rows.append((text, match, coded))
    if as_json:
        echo_json([{"title": t, "status": m.status if m else "unmatched", "code": m.id if m else None,
                    "name": m.name if m else None, "method": m.method if m else "none",
                    "candidates": [{"code": c.code, "soc2018": c.soc, "title": taxonomy.occupations[c.code].title,
                                    "confidence": c.confidence} for c in coded.candidates]}
                   for t, m, coded in rows])
        return
    click.echo(f"(answers at confidence >= {normalizer.occupation_threshold:.2f}; below it, the closest occupations)")
    echo_table(["title", "status", "code", "occupation", "confidence", "other candidates"],
               [[t, m.status if m else "unmatched", (m.id if m and m.matched else "-"),
                 (taxonomy.occupations[c.code].title if (c := coded.best) else "(no known word)"),
                 f"{coded.best.confidence:.2f}" if coded.best else "-",
                 "; ".join(f"{x.code} {x.confidence:.2f}" for x in coded.candidates[1:])]
                for t, m, coded in rows], max_width=45)


@occupations.command("show")
@click.argument("code")
@limit_option
@json_option
@handle_errors
def show_occupation(code: str, limit: int, as_json: bool) -> None:
    """Show an occupation with its most important skills and knowledge."""
    taxonomy = load_taxonomy()
    occ = taxonomy.occupation(normalize_code(code))  # "53-7062" works too
    top = taxonomy.top_elements(occ.code, limit=limit)
    if as_json:
        echo_json({**_occupation_dict(occ), "description": occ.description,
                   "alternate_titles": list(occ.alternate_titles[:limit]), "related": list(occ.related),
                   "cip_codes": taxonomy.cip_codes_for(occ.code),
                   "top_elements": [{"id": s.id, "name": s.name, "kind": s.kind, "importance": round(im, 3),
                                     "level": round(lv, 3)} for s, im, lv in top]})
        return
    click.echo(f"{occ.code}  {occ.title}")
    click.echo(f"SOC 2018: {occ.soc2018 or '-'}   job zone: {occ.job_zone or '-'}   typical education: {_edu(occ)}")
    click.echo(occ.description)
    if occ.reported_titles:
        click.echo("Job titles: " + ", ".join(occ.reported_titles[:8]))
    if top:
        click.echo("")
        echo_table(["element", "name", "kind", "importance", "level"],
                   [[s.id, s.name, s.kind, f"{im:.2f}", f"{lv:.2f}"] for s, im, lv in top])
    else:
        click.echo("(O*NET has no skill ratings for this occupation)")
    if occ.related:
        click.echo("")
        click.echo("Related: " + ", ".join(f"{c} {taxonomy.occupations[c].title}" for c in occ.related[:5]))


def _edu(o: Occupation) -> str:
    return o.typical_education.label if o.typical_education else "-"


def _occupation_dict(o: Occupation) -> dict[str, object]:
    return {"code": o.code, "title": o.title, "job_zone": o.job_zone,
            "typical_education": o.typical_education.value if o.typical_education else None,
            "soc2018": o.soc2018}
